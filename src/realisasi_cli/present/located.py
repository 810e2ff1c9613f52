"""Warnings as lines of text: where each is (file, sheet, row) and what it says, the warnings
that say the same of several sheets of one file on one line.

A workbook's copies and summaries left out each have their warning (``W-LEFT-OUT``, one per
sheet in JSON); in the lines a person reads, "RAK.xlsx [Sheet1, Sheet2, … ]: tidak dipakai
(turunan): …" is one line, so that they do not push the other warnings out of sight; so are
a year's month sheets of one template that say the same of the same row, each of its own cells
("[Jan, Peb, … ] baris 38: 4 sel rumus tanpa hasil …, yang pertama di Jan!D38").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from realisasi_cli.facts.schema import Warning_
from realisasi_cli.messages import readable_name, text

SHEETS_NAMED = 5  # sheets named on a line; the rest counted


def located(warnings: Sequence[Warning_], lang: str) -> list[tuple[str, str]]:
    """(where, message) of each line: the file's name (no folders of this machine), its sheet or
    sheets, the row; ``where`` is empty for a warning of no one file."""
    row_word = text("N-ROW", lang)
    # (file, sheets, row, message, the message without its sheet's cell references)
    lines: list[tuple[str, list[str], int | None, str, str]] = []
    for w in warnings:
        name = readable_name(Path(w.file).name) if w.file else ""
        message = w.detail.text(lang, short=True)
        # month sheets of one template say the same of the same row, each of its own cells
        same = message.replace(f"{w.sheet}!", "!") if w.sheet else message
        if lines and w.sheet:
            last_name, sheets, last_row, _message, last_same = lines[-1]
            if (last_name, last_row, last_same) == (name, w.row, same) and sheets:
                sheets.append(w.sheet)
                continue
        lines.append((name, [w.sheet] if w.sheet else [], w.row, message, same))
    return [
        (name + _sheets(sheets, lang) + (f" {row_word} {row}" if row else ""), message)
        for name, sheets, row, message, _same in lines
    ]


def _sheets(sheets: list[str], lang: str) -> str:
    if not sheets:
        return ""
    if len(sheets) <= SHEETS_NAMED:
        return f" [{', '.join(sheets)}]"
    more = text("N-NAMES-MORE", lang, names=", ".join(sheets[:SHEETS_NAMED]), n=len(sheets) - SHEETS_NAMED)
    return f" [{more}]"
