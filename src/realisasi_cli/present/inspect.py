"""Describe how inputs were understood (``realisasi inspect``)."""

from __future__ import annotations

from typing import Any

from rich import text
from rich.console import Group, RenderableType
from rich.table import Table

from realisasi_cli.facts.schema import Dataset, SheetResult
from realisasi_cli.present.safe_text import markup, plain


def _text(content: str, style: str = "") -> text.Text:
    """Rich's ``Text`` of ``content`` without its control characters (Rich itself keeps ESC)."""
    return text.Text(plain(content), style=style)


def sheet_summary(sheet: SheetResult) -> dict[str, Any]:
    """How one sheet was understood, as ``inspect --format json`` gives it."""
    layout = sheet.layout
    hidden = sheet.layout.grid.hidden if sheet.layout is not None else None
    entry: dict[str, Any] = {
        "file": str(sheet.file),
        "sheet": sheet.sheet,
        "note": sheet.note.text() if sheet.note else None,
        "kind": sheet.kind,
        "kind_reason": sheet.reason.text() if sheet.reason else None,
        "used": sheet.used,
        "hidden": hidden,
    }
    if layout is None:
        entry["table"] = None
        return entry
    ctx = layout.context
    entry.update(
        header_rows=[layout.header_first + 1, layout.header_last + 1],
        data_start_row=layout.data_start + 1,
        columns=[c.as_dict() for c in layout.columns if c.role != "ignore"],
        context={
            "unit_code": ctx.unit_code,
            "unit_name": ctx.unit_name,
            "government": ctx.government,
            "year": ctx.year,
            "title": ctx.title,
        },
        as_of=sheet.as_of.isoformat() if sheet.as_of else None,
        as_of_source=sheet.as_of_source,
        skipped_header_rows={str(r + 1): why for r, why in layout.skipped_rows.items()},
    )
    if sheet.facts is not None:
        entry.update(
            rows_used=sheet.facts.rows_used,
            rows_skipped=dict(sorted(sheet.facts.rows_skipped.items())),  # one order, run after run
            slots=sheet.facts.slots,
            budget_total=round(float(sheet.facts.budget["budget"].sum()), 2),
            realized_total=round(float(sheet.facts.realization["realized"].sum()), 2),
            warnings=[w.as_dict() for w in sheet.facts.warnings],
        )
    return entry


def inspect_json(dataset: Dataset) -> dict[str, Any]:
    """Everything ``inspect`` knows, as a JSON-ready dictionary."""
    return {
        "sheets": [sheet_summary(s) for s in dataset.sheets],
        "skipped_files": [
            {"file": str(p), "code": why.code, "reason": why.text()} for p, why in dataset.skipped_files
        ],
        "warnings": [w.as_dict() for w in dataset.warnings],
    }


def inspect_tables(dataset: Dataset, lang: str = "id") -> list[RenderableType]:
    """Rich renderables, one block per sheet, in ``lang``."""
    from datetime import date

    from realisasi_cli.present import fmt
    from realisasi_cli.present.words import said, words

    labels = words(lang)
    blocks: list[RenderableType] = []
    for sheet in dataset.sheets:
        d = sheet_summary(sheet)
        head = _text(f"{sheet.file.name} [{sheet.sheet}]", style="bold")
        if sheet.layout is None or sheet.facts is None:
            note = sheet.note.text(lang) if sheet.note else labels["inspect_no_table"]
            blocks.append(Group(head, _text(f"  {note}", style="dim")))
            continue
        used = labels["inspect_used"] if sheet.used else labels["inspect_left_out"]
        kind = said("kind", sheet.kind, labels)
        reason = sheet.reason.text(lang) if sheet.reason else ""
        first, last = d["header_rows"]
        header_rows = f"{first}–{last}" if last != first else str(first)
        source = labels.get(f"{d['as_of_source']}_source", d["as_of_source"]) if d["as_of_source"] else None
        day = fmt.long_date(date.fromisoformat(d["as_of"]), lang) if d["as_of"] else None
        skipped = ", ".join(
            f"{n} {said('skip', why, labels)}" for why, n in sorted(d["rows_skipped"].items())
        )
        lines = [
            head,
            _text(
                f"  {labels['kind']}: {kind} ({reason}); {used}"
                + (f" · {labels['inspect_hidden']}" if d["hidden"] else "")
            ),
            _text(f"  {labels['header_rows']} {header_rows}, {labels['data_start']} {d['data_start_row']}"),
            _text(
                f"  {labels['unit']}: "
                + " ".join(
                    part
                    for part in (
                        d["context"]["unit_code"],
                        d["context"]["unit_name"] or labels["inspect_from_table"],
                    )
                    if part
                )
            ),
            _text(
                f"  {labels['as_of']}: {day or labels['inspect_unknown']}"
                + (f" ({labels['as_of_from']}: {source})" if source else "")
            ),
            _text(
                f"  {labels['rows_used']}: {d['rows_used']}; {labels['rows_skipped']}: "
                + (skipped or labels["inspect_none"])
            ),
        ]
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        for name in ("column", "column_header", "role", "category", "period", "variant"):
            table.add_column(labels[name])
        for c in d["columns"]:
            table.add_row(  # strings here are Rich markup: a header cell's text is escaped
                c["column"],
                markup(c["header"]),
                said("role", c["role"], labels) + (f" {labels['role_physical']}" if c["physical"] else ""),
                said("category", c["category"], labels),
                said("period", c["period"], labels),
                said("variant", c["variant"], labels),
            )
        warning, row = labels["inspect_warning"], labels["row_header"].lower()
        warn = [
            _text(
                f"  {warning}: " + (f"{row} {w.row}: " if w.row else "") + w.detail.text(lang, short=True),
                style="yellow",
            )
            for w in sheet.facts.warnings
        ]
        blocks.append(Group(*lines, table, *warn, _text("")))
    for _path, refused in dataset.skipped_files:
        blocks.append(_text(f"{labels['skipped']}: {refused.text(lang)}", style="red"))
    return blocks
