"""The header block of a table: each candidate (1-4 rows) read against the vocabulary and scored.

The candidate whose columns name the most distinct measures and keys wins. Merged header
cells count for every column they cover."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from realisasi_cli import vocabulary as vocab
from realisasi_cli.detect.layout import Column
from realisasi_cli.reading.grid import Grid

TOP_ROWS = 60  # the header is looked for in the first rows only
MAX_DEPTH = 4
MEASURES = ("budget", "realized", "pct", "plan", "remaining", "deviation")
KEYS = ("unit_code", "unit_name", "unit", "account", "code")
_NUMERIC_TEXT = re.compile(r"^[\s\d.,()%+\-]*\d[\s\d.,()%+\-]*$|^(rp\.?\s*)[\d.,]+$", re.I)
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?(\s*[-=x×/*+:]\s*\(?\d{1,2}\)?)*$|^\(?[a-z]\)?$", re.I)


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def top_rows(grid: Grid, count: int = TOP_ROWS) -> list[list[str | None]]:
    """The first rows as text, every merged range filled with its top-left value."""
    head = grid.frame.head(count)
    width = max((int(name[1:]) for name in head.columns), default=-1) + 1
    rows: list[list[str | None]] = [[None] * width for _ in range(head.height)]
    for name in head.columns:
        j = int(name[1:])
        for i, value in enumerate(head[name].to_list()):
            rows[i][j] = cell_text(value)
    for r0, c0, r1, c1 in grid.merges:
        if r0 >= len(rows) or c0 >= width:
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                rows[r][c] = value
    return rows


def is_key_value_row(row: list[str | None]) -> bool:
    """A line of the context block above a table: ``ORGANISASI : 2.16… Dinas …``, ``Tahun : 2026``."""
    cells = [v for v in row if v]
    return any(v == ":" or v.endswith(" :") or v.startswith(": ") for v in cells)


# an amount, not a header's word or column number: five digits or more, or thousands grouped
# ("Rp 1.000.000"; not "(Rp. 1.000)", the unit under an amount's header)
_AMOUNT = re.compile(r"^[(-]?(rp\.?\s*)?(\d{5,}|\d{1,3}([.,]\d{3})+)([.,]\d+)?\)?$", re.I)


def _is_header_row(row: list[str | None], narrow: bool = False) -> bool:
    cells = [v for v in row if v]
    if cells and all(vocab.amounts_in(v) for v in cells):
        return True  # the amounts' unit under their headers: "(Rp. 1.000)" in each
    distinct = set(cells)
    if len(distinct) < (3 if narrow else 2) or is_key_value_row(row):
        return False
    if any(_AMOUNT.match(v) and not vocab.amounts_in(v) for v in cells):
        return False  # a row of amounts is data (an urusan's first row)
    numeric = sum(1 for v in cells if _NUMERIC_TEXT.match(v) and not vocab.amounts_in(v))
    return numeric <= len(cells) / 2


def is_column_number_row(row: list[str | None]) -> bool:
    """The row of column numbers ("1 2 3 …") or letters ("a b c …") under a header."""
    cells = [v for v in row if v]
    return len(cells) >= 2 and all(_COLUMN_NUMBER.match(v) for v in cells)


def _classify(index: int, path: list[str]) -> Column:
    role, category, period, variant, physical, group_total = _meaning(tuple(path))
    return Column(
        index=index,
        header=" / ".join(path),
        role=role,
        category=category,
        period=period,
        variant=variant,
        physical=physical,
        group_total=group_total,
        span=(index, index),
    )


_Meaning = tuple[str, str | None, tuple[str, int] | None, str | None, bool, bool]


@lru_cache(maxsize=16384)
def _meaning(path: tuple[str, ...]) -> _Meaning:
    """What a header path says; cached, since every header candidate re-reads the same cells."""
    normalized = [vocab.normalize(p) for p in path]
    joined = " ".join(normalized)
    role = next((r for r in map(vocab.role_of, reversed(normalized)) if r), None)
    # "SPJ-LS Barang & Jasa" is a way of payment, no jenis belanja
    category = next(
        (c for p in reversed(normalized) if (c := vocab.category_of(p)) and not vocab.is_payment(p)), None
    )
    period = next((p for p in map(vocab.period_of, reversed(normalized)) if p), None)
    variant = None
    if role == "budget":
        if vocab.ORIGINAL_BUDGET.search(joined):
            variant = "original"
        elif vocab.CHANGED_BUDGET.search(joined):
            variant = "changed"
    elif role == "plan" and vocab.CUMULATIVE.search(joined):
        variant, period = "cumulative", None  # a plan to date ("AKAS s.d. Juni"), not June's plan
    elif role == "realized":
        variant = realized_variant(joined)
        if variant in ("last_year", "cumulative"):
            # the previous fiscal year's, never this year's; "s.d. TW III" is the running total,
            # not the quarter's own amount
            period = None
    if role is None and period is not None:
        role = "period"  # a bare month or quarter; the layout decides what it holds
    group_total = any(vocab.GROUP_TOTAL.match(t) for t in normalized[:-1]) or (
        role in MEASURES and bool(vocab.GROUP_TOTAL.match(normalized[-1]))
    )
    if role is None and normalized and vocab.GROUP_TOTAL.match(normalized[-1]):
        role, group_total = "total", True  # a lone JUMLAH column: the sum of the others
    return role or "ignore", category, period, variant, bool(vocab.PHYSICAL.search(joined)), group_total


def realized_variant(text: str) -> str | None:
    """What a realization's normalized header says of the time it covers: last year's, up to
    the period before (``s.d. Bulan Lalu``), to date (``s.d. Bulan Ini``), or the period's own
    (``Bulan Ini``); None where it says none."""
    if vocab.LAST_YEAR.search(text):
        return "last_year"
    if vocab.PREVIOUS.search(text) and not vocab.FLOW.search(text):
        return "previous"
    if vocab.CUMULATIVE.search(text):
        return "cumulative"
    if vocab.FLOW.search(text):
        return "flow"
    return None


@lru_cache(maxsize=16384)
def _told(path: tuple[str, ...]) -> _Meaning:
    """A path's meaning as a header candidate is scored: a realization to date keeps the month
    its own cell names (REALISASI KUMULATIF over Januari … April: four columns, not one)."""
    role, category, period, variant, physical, group_total = _meaning(path)
    if variant == "cumulative" and period is None and len(path) > 1:
        period = vocab.period_of(vocab.normalize(path[-1]))
    return role, category, period, variant, physical, group_total


def _paths(rows: list[list[str | None]], first: int, depth: int) -> list[list[str]]:
    """Each column's header cells, top to bottom. A group's label written once over the columns
    it spans, without a merge (a CSV saved from a grouped header: "BELANJA OPERASI;;;BELANJA
    MODAL;;"), stands over each of them: an empty cell of an upper row, right of a label, over a
    cell of the rows below, is that label's."""
    width = len(rows[0]) if rows else 0
    last = first + depth - 1
    filled: dict[tuple[int, int], str] = {}
    for r in range(first, last):
        row = rows[r]
        for j in range(1, min(width, len(row))):
            left = row[j - 1] or filled.get((r, j - 1))
            below = any(j < len(rows[k]) and rows[k][j] for k in range(r + 1, last + 1))
            if not row[j] and left and below:
                filled[r, j] = left
    paths: list[list[str]] = []
    for j in range(width):
        path: list[str] = []
        for r in range(first, first + depth):
            value = (rows[r][j] if j < len(rows[r]) else None) or filled.get((r, j))
            if value and (not path or path[-1] != value):
                path.append(value)
        paths.append(path)
    return paths


def _score(meanings: list[_Meaning]) -> float:
    """How much a header candidate's columns say: distinct measures first, then keys and labels."""
    keys = {m for m in meanings if m[0] in ("budget", "realized", "pct", "plan", "period")}
    if not any(k[0] in ("budget", "realized", "period") for k in keys):
        return 0.0
    score = float(sum(3 if k[0] in ("budget", "realized", "period") else 1 for k in keys))
    if any(m[0] in KEYS for m in meanings):
        score += 2
    if any(m[0] == "description" for m in meanings):
        score += 1
    return score


def _splits(above: list[str | None], row: list[str | None]) -> bool:
    """Whether ``row`` names two columns apart that one cell of ``above`` spans (a merged
    REALISASI SP2D over LS and UP/GU/TU): the parts of a group, whatever their words. A cell
    merged from the row's first cell on is a title over the header, no group."""
    first = next((j for j, v in enumerate(above) if v), len(above))
    for j in range(min(len(above), len(row)) - 1):
        if above[j] and above[j] == above[j + 1] and row[j] and row[j + 1] and row[j] != row[j + 1]:
            start = j
            while start > 0 and above[start - 1] == above[j]:
                start -= 1
            if start != first:
                return True
    return False


def _says_units(row: list[str | None]) -> bool:
    """Whether a row under a header says what its amounts are written in ("(Rp. 1.000)")."""
    return any(v and vocab.amounts_in(v) for v in row)


def find_header(rows: list[list[str | None]]) -> tuple[int, int, list[Column], float] | None:
    """The best header block: (first row, depth, columns, score), or None.

    Candidates are scored by what their header paths mean (cached per path); only the winner's
    columns are built."""
    best: tuple[int, int, float] | None = None
    # Where the table is wider, a two-cell line ("Judul, Realisasi …", "Tahun, 2014") is context.
    wide = any(len({v for v in row if v}) >= 3 for row in rows)
    for first in range(len(rows)):
        if not _is_header_row(rows[first], narrow=wide):
            continue
        for depth in range(1, MAX_DEPTH + 1):
            last = first + depth - 1
            if last >= len(rows) or not _is_header_row(rows[last]) or is_column_number_row(rows[last]):
                break
            meanings = [_told(tuple(p)) for p in _paths(rows, first, depth) if p]
            said = _score(meanings)
            score = said - 0.25 * (depth - 1)
            if said:  # each row that names the parts of a merged cell above, or the amounts' unit
                told = sum(
                    _splits(rows[r - 1], rows[r]) or _says_units(rows[r]) for r in range(first + 1, last + 1)
                )
                score += 0.5 * told
            if score > 0 and (best is None or score > best[2] + 1e-9):
                best = (first, depth, score)
    if best is None:
        return None
    first, depth, score = best
    columns = [_classify(j, p) for j, p in enumerate(_paths(rows, first, depth)) if p]
    return first, depth, columns, score


def merge_spans(
    columns: list[Column],
    rows: list[list[str | None]],
    first: int,
    last: int,
    merges: list[tuple[int, int, int, int]],
) -> list[Column]:
    """Columns under one merged header cell, with the same header path, become one column."""
    spans: dict[int, tuple[int, int]] = {}
    for r0, c0, r1, c1 in merges:
        if c1 > c0 and r0 <= last and r1 >= first:
            for c in range(c0, c1 + 1):
                lo, hi = spans.get(c, (c, c))
                spans[c] = (min(lo, c0), max(hi, c1))
    merged: list[Column] = []
    for column in columns:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and column.role not in KEYS
            and previous.header == column.header
            and column.index in spans
            and spans[column.index][0] <= previous.span[0]
        ):
            previous.span = (previous.span[0], column.index)
            continue
        merged.append(column)
    return merged


def score_columns(rows: list[list[str | None]], first: int, depth: int) -> tuple[list[Column], float]:
    paths = _paths(rows, first, depth)
    columns = [_classify(j, p) for j, p in enumerate(paths) if p]
    return columns, _score([_told(tuple(p)) for p in paths if p])
