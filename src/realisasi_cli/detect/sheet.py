"""One sheet understood: its header found, its columns' roles and its context read (``detect``)."""

from __future__ import annotations

import re

from realisasi_cli import vocabulary as vocab
from realisasi_cli.detect.codes import classify_codes
from realisasi_cli.detect.context import read_context
from realisasi_cli.detect.header import (
    MAX_DEPTH,
    find_header,
    is_column_number_row,
    merge_spans,
    realized_variant,
    score_columns,
    top_rows,
)
from realisasi_cli.detect.layout import Column, Context, Layout
from realisasi_cli.detect.values import classify_by_values
from realisasi_cli.reading.grid import Grid


def detect(grid: Grid, header_row: int | None = None) -> Layout | None:
    """Understand one sheet; None when it holds no recognisable table."""
    if grid.frame.height == 0 or grid.frame.width == 0:
        return None
    rows = top_rows(grid)
    if header_row is not None:
        candidates = [
            (header_row, d, score_columns(rows, header_row, d))
            for d in range(1, MAX_DEPTH + 1)
            if header_row + d <= len(rows)
        ]
        if not candidates:
            return None
        # the configured row is the header even when its words are unknown: the config's
        # column names give the roles
        first, depth, (columns, score) = max(candidates, key=lambda c: c[2][1] - 0.25 * c[1])
    else:
        found = find_header(rows)
        if found is None:
            return None
        first, depth, columns, score = found
    last = first + depth - 1
    columns = merge_spans(columns, rows, first, last, grid.merges)
    data_start = last + 1
    skipped: dict[int, str] = {}
    while data_start < len(rows) and (not any(rows[data_start]) or is_column_number_row(rows[data_start])):
        if any(rows[data_start]):
            skipped[data_start] = "column numbers"
        data_start += 1
    columns = classify_codes(grid, columns, data_start)
    context = read_context(grid, rows, first)
    if context.scale_said is None and not _says_rupiah(columns):
        _scale_below(grid, context, data_start)
    _resolve_periods(columns, context, (grid.sheet, grid.file.stem))
    _resolve_years(columns, context)
    columns = classify_by_values(grid, columns, data_start, context)
    _bare_months_realized(columns)
    return Layout(
        grid=grid,
        header_first=first,
        header_last=last,
        data_start=data_start,
        columns=columns,
        context=context,
        score=score,
        skipped_rows=skipped,
    )


_NOTE_ROWS = 15  # the last rows of a sheet where a note under the table is looked for
# a note of the table's own: "Ket:", "Keterangan", "Catatan", "*)", "Angka dalam …", or the unit
# alone; not a chart's caption ("Grafik Realisasi per Kecamatan (dalam ribuan rupiah)")
_NOTE = re.compile(
    r"^\s*(\*+\)?|ket\b|keterangan\b|catatan\b|nb\b|note\b|angka\b|nilai\b|semua\b|\(?\s*dalam\b)", re.I
)


_NOTE_LENGTH = 60  # characters: a note of the unit, not a sentence about something else


def _says_rupiah(columns: list[Column]) -> bool:
    """Whether an amount column's header says its figures are rupiah ("Pagu (Rp)")."""
    return any(
        c.role in ("budget", "realized") and {"rp", "rupiah"} & set(vocab.normalize(c.header).split())
        for c in columns
    )


def _scale_below(grid: Grid, context: Context, data_start: int) -> None:
    """A note under the table ("Ket: angka dalam ribuan rupiah"), where the title says none,
    says what the amounts are written in: a line of text alone, one or two cells, that opens
    as a note does."""
    frame = grid.frame
    tail = frame.slice(max(data_start, frame.height - _NOTE_ROWS))
    for row in tail.iter_rows():
        cells = [v for v in row if v is not None and str(v).strip()]
        if not cells or len(cells) > 2 or not all(isinstance(v, str) for v in cells):
            continue
        for text in cells:
            note = len(text) <= _NOTE_LENGTH and _NOTE.match(text)
            if note and (scale := vocab.amounts_in(text)) is not None:
                context.scale, context.scale_said = scale
                return


# "s.d. Bulan Lalu", "Bulan Ini", "s.d. Bulan Ini" with no word of what they hold
_BARE_MONTHS = re.compile(r"^(sd )?(bulan|triwulan|periode) (lalu|ini)$|^yang lalu$")


def _bare_months_realized(columns: list[Column]) -> None:
    """Columns headed only "s.d. Bulan Lalu", "Bulan Ini", "s.d. Bulan Ini", where no column
    holds a realization or a plan, are the realization: the time they name is of what was spent."""
    if any(c.role in ("realized", "plan") for c in columns):
        return
    for column in columns:
        text = vocab.normalize(column.header.split(" / ")[-1])
        if column.role == "ignore" and _BARE_MONTHS.match(text):
            column.role, column.variant = "realized", realized_variant(text) or "flow"


def _resolve_periods(columns: list[Column], context: Context, names: tuple[str, str]) -> None:
    """Bare month or quarter columns hold a plan under an anggaran-kas title (or in a sheet or
    file named so: ``RAK``, ``anggaran_kas``), else realization."""
    plan = re.compile(r"anggaran kas|rencana|target|\brak\b|\bakas\b")
    title = vocab.normalize(" ".join(context.title))
    named = vocab.normalize(" ".join(names))
    holds_plan = bool(plan.search(title)) or (bool(plan.search(named)) and "realisasi" not in title)
    for column in columns:
        if column.role == "period":
            column.role = "plan" if holds_plan else "realized"
            column.variant = column.variant or "flow"


_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def _resolve_years(columns: list[Column], context: Context) -> None:
    """``REALISASI 2025`` beside ``REALISASI 2026``: amounts of an earlier fiscal year than the
    sheet's (its title's year, else the latest a header names; of a title naming two of the
    headers' years, the later) are last year's, never this year's."""
    years = {id(c): int(m.group(1)) for c in columns if (m := _YEAR.search(c.header))}
    named = [years[id(c)] for c in columns if id(c) in years and c.role in ("budget", "realized")]
    if not named:
        return
    # a title of two years ("… TAHUN 2023 DAN 2024") is of the later one the headers name
    titled = {int(y) for y in _YEAR.findall(" ".join(context.title))} & set(named)
    fiscal = max(titled) if len(titled) > 1 else context.year or max(named)
    for column in columns:
        year = years.get(id(column))
        if year is not None and year < fiscal and column.role in ("budget", "realized"):
            column.role = "realized" if column.role == "realized" else "ignore"
            column.variant, column.period = ("last_year", None) if column.role == "realized" else (None, None)


def context_of(grid: Grid, rows: int = 40) -> Context:
    """What the first rows of a sheet without a table say (the unit of a DPA cover sheet)."""
    top = top_rows(grid, rows)
    return read_context(grid, top, len(top))
