"""Find the table in a grid: its header rows, the role of each column, and the context above it.

One mechanism for every layout: each candidate header block (1–3 rows) is read against the
vocabulary, scored by how many distinct measures and keys its columns name, and the best
candidate wins. Merged header cells count for every column they cover.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import polars as pl

from realisasi_cli import vocabulary as vocab
from realisasi_cli.dates import as_of_in, year_in
from realisasi_cli.read import Grid, column_letter

TOP_ROWS = 60  # the header is looked for in the first rows only
MAX_DEPTH = 4
MEASURES = ("budget", "realized", "pct", "plan", "remaining")
KEYS = ("unit_code", "unit_name", "unit", "account", "code")
_NUMERIC_TEXT = re.compile(r"^[\s\d.,()%+\-]*\d[\s\d.,()%+\-]*$|^(rp\.?\s*)[\d.,]+$", re.I)
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?(\s*[-=x×/*+:]\s*\(?\d{1,2}\)?)*$|^\(?[a-z]\)?$", re.I)
_UNIT_LINE = re.compile(
    r"^\s*(?:nama\s+)?(sub\s+unit(?:\s+(?:organisasi|kerja))?|unit\s+organisasi|skpd|opd|perangkat\s+daerah|"
    r"satuan\s+kerja|unit\s+kerja|organisasi|instansi)\s*:?\s*(.*)$",
    re.I,
)
# Labels of neighbouring fields, not unit names ("SUB UNIT KERJA :          KEGIATAN")
_NOT_A_NAME = re.compile(r"^(program|kegiatan|sub kegiatan|pptk|status|sub bagian|bidang|urusan)\b", re.I)
_GOVERNMENT = re.compile(r"^\s*(pemerintah|pemkot|pemkab|pemprov|kab\.|kabupaten|kota|provinsi)\b", re.I)


@dataclass
class Column:
    """What one column of the table holds, and the header text it was recognised from."""

    index: int
    header: str
    role: str
    category: str | None = None
    period: tuple[str, int] | None = None
    variant: str | None = None  # budget: original/changed; realized: cumulative/flow/previous
    physical: bool = False
    group_total: bool = False
    span: tuple[int, int] = (0, 0)

    @property
    def letter(self) -> str:
        """The spreadsheet column letter."""
        return column_letter(self.index)

    def as_dict(self) -> dict[str, Any]:
        """A plain dictionary for ``inspect --format json``."""
        return {
            "column": self.letter,
            "header": self.header,
            "role": self.role,
            "category": self.category,
            "period": None if self.period is None else f"{self.period[0]}:{self.period[1]}",
            "variant": self.variant,
            "physical": self.physical,
            "group_total": self.group_total,
        }


@dataclass
class Context:
    """What the rows above the table (and the names of sheet and file) say."""

    unit_code: str | None = None
    unit_name: str | None = None
    unit_source: str | None = None
    as_of: date | None = None
    as_of_source: str | None = None
    year: int | None = None
    government: str | None = None
    title: list[str] = field(default_factory=list)


@dataclass
class Layout:
    """How one sheet was understood."""

    grid: Grid
    header_first: int
    header_last: int
    data_start: int
    columns: list[Column]
    context: Context
    score: float
    skipped_rows: dict[int, str] = field(default_factory=dict)

    def of_role(self, *roles: str) -> list[Column]:
        """The columns with one of ``roles``, left to right."""
        return [c for c in self.columns if c.role in roles]

    @property
    def has_budget(self) -> bool:
        """Whether some column holds budget amounts."""
        return any(c.role == "budget" and not c.physical for c in self.columns)

    @property
    def has_period_key(self) -> bool:
        """Whether a column says when each row happened (month, quarter or date)."""
        return any(c.role == "period_key" for c in self.columns)

    @property
    def has_realized(self) -> bool:
        """Whether some column holds realized amounts."""
        return any(c.role == "realized" and not c.physical for c in self.columns)


def _text(value: Any) -> str | None:
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
            rows[i][j] = _text(value)
    for r0, c0, r1, c1 in grid.merges:
        if r0 >= len(rows) or c0 >= width:
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                rows[r][c] = value
    return rows


def _is_header_row(row: list[str | None]) -> bool:
    cells = [v for v in row if v]
    distinct = set(cells)
    if len(distinct) < 2:
        return False
    numeric = sum(1 for v in cells if _NUMERIC_TEXT.match(v))
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
    category = next((c for c in map(vocab.category_of, reversed(normalized)) if c), None)
    period = next((p for p in map(vocab.period_of, reversed(normalized)) if p), None)
    variant = None
    if role == "budget":
        if vocab.ORIGINAL_BUDGET.search(joined):
            variant = "original"
        elif vocab.CHANGED_BUDGET.search(joined):
            variant = "changed"
    elif role == "realized":
        if vocab.PREVIOUS.search(joined) and not vocab.FLOW.search(joined):
            variant = "previous"
        elif vocab.CUMULATIVE.search(joined):
            variant = "cumulative"
            period = None  # "s.d. TW III" is the running total, not the quarter's own amount
        elif vocab.FLOW.search(joined):
            variant = "flow"
    if role is None and period is not None:
        role = "period"  # a bare month or quarter; the layout decides what it holds
    group_total = any(vocab.GROUP_TOTAL.match(t) for t in normalized[:-1]) or (
        role in MEASURES and bool(vocab.GROUP_TOTAL.match(normalized[-1]))
    )
    if role is None and normalized and vocab.GROUP_TOTAL.match(normalized[-1]):
        role, group_total = "total", True  # a lone JUMLAH column: the sum of the others
    return role or "ignore", category, period, variant, bool(vocab.PHYSICAL.search(joined)), group_total


def _paths(rows: list[list[str | None]], first: int, depth: int) -> list[list[str]]:
    width = len(rows[0]) if rows else 0
    paths: list[list[str]] = []
    for j in range(width):
        path: list[str] = []
        for r in range(first, first + depth):
            value = rows[r][j] if j < len(rows[r]) else None
            if value and (not path or path[-1] != value):
                path.append(value)
        paths.append(path)
    return paths


def _score(columns: list[Column]) -> float:
    keys = set()
    for c in columns:
        if c.role in ("budget", "realized", "pct", "plan", "period"):
            keys.add((c.role, c.category, c.period, c.variant, c.physical, c.group_total))
    if not any(k[0] in ("budget", "realized", "period") for k in keys):
        return 0.0
    score = float(sum(3 if k[0] in ("budget", "realized", "period") else 1 for k in keys))
    if any(c.role in KEYS for c in columns):
        score += 2
    if any(c.role == "description" for c in columns):
        score += 1
    return score


def find_header(rows: list[list[str | None]]) -> tuple[int, int, list[Column], float] | None:
    """The best header block: (first row, depth, columns, score), or None."""
    best: tuple[int, int, list[Column], float] | None = None
    for first in range(len(rows)):
        if not _is_header_row(rows[first]):
            continue
        for depth in range(1, MAX_DEPTH + 1):
            last = first + depth - 1
            if last >= len(rows) or not _is_header_row(rows[last]) or is_column_number_row(rows[last]):
                break
            paths = _paths(rows, first, depth)
            columns = [_classify(j, p) for j, p in enumerate(paths) if p]
            score = _score(columns) - 0.25 * (depth - 1)
            if score > 0 and (best is None or score > best[3] + 1e-9):
                best = (first, depth, columns, score)
    return best


def _merge_spans(
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


def _context(grid: Grid, rows: list[list[str | None]], header_first: int) -> Context:
    context = Context()
    for row in rows[:header_first]:
        cells: list[str] = []
        for v in row:
            if v and (not cells or cells[-1] != v):
                cells.append(v)
        if not cells:
            continue
        line = " ".join(cells)
        context.title.append(line)
        unit = _UNIT_LINE.match(line)
        if unit:
            value = unit.group(2).strip(" :")
            if re.search(r"[A-Za-z0-9]", value) and not _NOT_A_NAME.match(value):
                is_sub = unit.group(1).lower().startswith("sub")
                if (context.unit_name is None and context.unit_code is None) or is_sub:
                    code_name = vocab.CODE_AND_NAME.match(value)
                    code_only = re.fullmatch(r"\d+(?:\.\d+)+\.?", value)
                    if code_only:
                        context.unit_code, context.unit_name = value.rstrip("."), None
                    else:
                        context.unit_code = code_name.group(1).rstrip(".") if code_name else None
                        context.unit_name = code_name.group(2).strip() if code_name else value
                    context.unit_source = "title"
        if context.government is None and _GOVERNMENT.match(line):
            context.government = line.strip()
        if context.year is None:
            context.year = year_in(line)
        found = as_of_in(line)
        if found and (context.as_of is None or context.as_of_source == "title"):
            context.as_of, context.as_of_source = found, "title"
    if context.year is None and context.as_of is not None:
        context.year = context.as_of.year
    return context


def _leading_code(value: str) -> str:
    match = vocab.CODE_AND_NAME.match(value)
    return match.group(1) if match else value


def _value_counts(sample: pl.DataFrame, name: str) -> list[tuple[str, int]]:
    """Each distinct non-empty text of a column with how often it occurs, in order of appearance."""
    counts: dict[str, int] = {}
    # a few thousand cells: counted in Python sooner than a query is planned
    for value, n in Counter(sample.get_column(name).to_list()).items():
        text = _text(value)
        if text:
            counts[text] = counts.get(text, 0) + n
    return list(counts.items())


def _classify_codes(grid: Grid, columns: list[Column], data_start: int) -> list[Column]:
    """Decide from their contents which code columns hold unit codes, accounts or other codes."""
    candidates = [c for c in columns if c.role in ("code", "account", "unit_code", "unit_name", "unit")]
    sample = grid.frame.slice(data_start, 3000)
    scored: list[tuple[Column, float, float, float]] = []
    for column in candidates:
        name = f"c{column.index}"
        if name not in sample.columns:
            continue
        # Line items repeat a few codes thousands of times: each distinct value is looked at once.
        values = _value_counts(sample, name)
        total = sum(n for _, n in values)
        if not total:
            if column.role in ("code", "account") and column.span == (column.index, column.index):
                column.role = "ignore"
            continue
        combined = unit_share = account_share = 0.0
        for v, n in values:
            m = vocab.CODE_AND_NAME.match(v)
            code = m.group(1).rstrip(".") if m else v.rstrip(".")
            combined += n * (m is not None)
            unit_share += n * (vocab.UNIT_CODE.match(code) is not None)
            account_share += n * bool(
                vocab.ACCOUNT_CODE.match(code)
                and code[0] in "456"
                and (len(code) == 1 or re.match(r"^\d\.\d(\.|$)", code))
            )
        scored.append((column, unit_share / total, account_share / total, combined / total))
    for column, unit_share, account_share, combined in scored:
        if unit_share >= 0.5:
            column.role = "unit" if combined >= 0.5 else "unit_code"
        elif account_share >= 0.5 and column.role in ("code", "account"):
            column.role = "account"
            column.variant = "combined" if combined >= 0.5 else None
        elif column.role in ("code", "account"):
            column.role = "code"
    # Several account columns (akun, kelompok, jenis, …): the deepest one carries the leaves.
    accounts = [c for c in columns if c.role == "account"]
    if len(accounts) > 1:

        def depth(c: Column) -> float:
            values = _value_counts(sample, f"c{c.index}")
            segments = sum(n * len(_leading_code(v).split(".")) for v, n in values)
            return segments / max(sum(n for _, n in values), 1)

        keep = max(accounts, key=depth)
        for c in accounts:
            if c is not keep:
                c.role = "code"
    units = [c for c in columns if c.role in ("unit", "unit_code")]
    if len(units) > 1:
        # prefer a sub-unit column (RSUD, UPT) over its SKPD; sub-units stay separate
        preferred = next((c for c in units if "sub" in c.header.lower()), units[-1])
        for c in units:
            if c is not preferred and c.role == preferred.role:
                c.role = "code"
    return columns


def detect(grid: Grid, header_row: int | None = None) -> Layout | None:
    """Understand one sheet; None when it holds no recognisable table."""
    if grid.frame.height == 0 or grid.frame.width == 0:
        return None
    rows = top_rows(grid)
    if header_row is not None:
        candidates = [
            (header_row, d, _score_columns(rows, header_row, d))
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
    columns = _merge_spans(columns, rows, first, last, grid.merges)
    data_start = last + 1
    skipped: dict[int, str] = {}
    while data_start < len(rows) and (not any(rows[data_start]) or is_column_number_row(rows[data_start])):
        if any(rows[data_start]):
            skipped[data_start] = "column numbers"
        data_start += 1
    columns = _classify_codes(grid, columns, data_start)
    context = _context(grid, rows, first)
    _resolve_periods(columns, context)
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


def _resolve_periods(columns: list[Column], context: Context) -> None:
    """Bare month or quarter columns hold a plan under an anggaran-kas title, else realization."""
    title = " ".join(context.title).lower()
    holds_plan = bool(re.search(r"anggaran kas|rencana|target|\brak\b", title))
    for column in columns:
        if column.role == "period":
            column.role = "plan" if holds_plan else "realized"
            column.variant = column.variant or "flow"


def _score_columns(rows: list[list[str | None]], first: int, depth: int) -> tuple[list[Column], float]:
    paths = _paths(rows, first, depth)
    columns = [_classify(j, p) for j, p in enumerate(paths) if p]
    return columns, _score(columns)


def frame_columns(grid: Grid) -> set[int]:
    """The sheet column indices present in the grid."""
    return {int(name[1:]) for name in grid.frame.columns}


def column_series(grid: Grid, index: int) -> pl.Series:
    """One column of the grid (all nulls when the sheet has nothing there)."""
    name = f"c{index}"
    if name in grid.frame.columns:
        return grid.frame[name]
    return pl.Series(name, [None] * grid.frame.height, dtype=pl.String)
