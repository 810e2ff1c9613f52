"""Columns whose values say more than their header.

- a **measure** column: its cells name what each row's amounts are (``Target`` / ``Realisasi``,
  ``Rencana`` / ``Realisasi``): an anggaran kas that puts plan and realization on alternate rows;
- an amount column (by header) whose cells are all words (``PENDAPATAN``, ``BELANJA``): a label;
- a key column (``Nama OPD``) with no value on any row that has amounts: the unit is named
  elsewhere (the title).
"""

from __future__ import annotations

import re

import polars as pl

from realisasi_cli import vocabulary as vocab
from realisasi_cli.detect.codes import _value_counts
from realisasi_cli.detect.header import MEASURES, cell_text
from realisasi_cli.detect.layout import Column
from realisasi_cli.numbers import parse_amounts
from realisasi_cli.reading.grid import Grid

_MEASURE_KINDS = ("plan", "realized")
_WORDS = re.compile(r"^[^\W\d_]+( [^\W\d_]+){0,2}$")  # one to three words, no digits


def measure_of(text: str | None) -> str | None:
    """``plan`` for ``Target``/``Rencana``, ``realized`` for ``Realisasi``: a short cell naming a measure."""
    if not text:
        return None
    normalized = vocab.normalize(text)
    if not _WORDS.match(normalized):
        return None
    role = vocab.role_of(normalized)
    return role if role in _MEASURE_KINDS else None


def classify_by_values(grid: Grid, columns: list[Column], data_start: int) -> list[Column]:
    """Give measure, label and empty key columns the role their values show."""
    sample = grid.frame.slice(data_start, 3000)
    periods = [c for c in columns if c.period and c.role in ("plan", "realized", "period")]
    for column in columns:
        name = f"c{column.index}"
        if name not in sample.columns:
            if column.role in ("unit_name", "unit_code", "unit") and column.span == (
                column.index,
                column.index,
            ):
                column.role = "ignore"
            continue
        filled = _has_text(sample.get_column(name))
        if column.role in ("unit_name", "unit_code", "unit"):
            if not filled or not _names_amount_rows(sample, name, columns):
                column.role = "ignore"  # a "Nama OPD" column left empty: the title names the unit
            continue
        if not filled:
            continue
        if periods and column.role in ("ignore", "description"):
            values = _value_counts(sample, name)
            total = sum(n for _, n in values)
            kinds = [measure_of(v) for v, _n in values]
            named = sum(n for (_v, n), kind in zip(values, kinds, strict=True) if kind)
            if named / total >= 0.8 and len({k for k in kinds if k}) == 2:
                column.role = "measure"
                continue
        if column.role in MEASURES and _all_words(_amount_rows(sample, name, columns), name):
            column.role, column.variant, column.period = "description", None, None
    return columns


def _amount_rows(sample: pl.DataFrame, name: str, columns: list[Column]) -> pl.DataFrame:
    """The first run of rows of ``sample`` with an amount in an amount column other than
    ``name``: the table's body, not the signature block under it (``KASUBBAG …``, a NIP that
    reads as a number); all rows where no other column has an amount."""
    others = [
        f"c{c.index}"
        for c in columns
        if c.role in MEASURES and f"c{c.index}" != name and f"c{c.index}" in sample.columns
    ]
    if not others:
        return sample
    has_amount = sample.select(
        pl.any_horizontal([parse_amounts(sample.get_column(a)).is_not_null() for a in others])
    ).to_series()
    start = has_amount.arg_true()
    if not start.len():
        return sample
    first = int(start[0])
    gaps = (~has_amount.slice(first)).arg_true()
    return sample.slice(first, int(gaps[0]) if gaps.len() else None)


def _has_text(column: pl.Series) -> bool:
    """Whether some cell of ``column`` has text (``cell_text``): a number or a date always has,
    a string unless it is blank. The first string is most often not, so few are looked at."""
    if column.null_count() == column.len():
        return False
    return column.dtype != pl.String or any(cell_text(value) for value in column.to_list())


def _names_amount_rows(sample: pl.DataFrame, name: str, columns: list[Column]) -> bool:
    """Whether the column has a value on some row that has an amount."""
    amounts = [f"c{c.index}" for c in columns if c.role in MEASURES and f"c{c.index}" in sample.columns]
    if not amounts:
        return True
    has_amount = pl.any_horizontal([parse_amounts(sample.get_column(a)).is_not_null() for a in amounts])
    named = sample.get_column(name).cast(pl.String).str.strip_chars().fill_null("") != ""
    return bool(sample.select((has_amount & named).any()).item())


def _all_words(sample: object, name: str) -> bool:
    """Whether every non-empty cell of an amount column is text that is not a number."""
    from polars import DataFrame

    assert isinstance(sample, DataFrame)
    column = sample.get_column(name)
    if column.dtype.is_numeric():
        return False  # numbers, every cell of it
    if column.dtype == pl.String and column.str.contains(r"\d").any():
        return False  # a cell with a digit is no word (most amount columns end here)
    texts = [cell_text(v) for v in column.to_list()]
    filled = [t for t in texts if t and vocab.normalize(t) not in ("", "rp")]
    if len(filled) < 2:
        return False
    parsed = parse_amounts(column)
    return parsed.is_not_null().sum() == 0 and all(_WORDS.match(vocab.normalize(t)) for t in filled)
