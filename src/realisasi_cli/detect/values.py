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
from realisasi_cli.detect.layout import Column, Context
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


def classify_by_values(
    grid: Grid, columns: list[Column], data_start: int, context: Context | None = None
) -> list[Column]:
    """Give measure, label and empty key columns the role their values show; ``context``, what
    the lines above the table say (a unit they name is the table's)."""
    sample = grid.frame.slice(data_start, 3000)
    periods = [c for c in columns if c.period and c.role in ("plan", "realized", "period")]
    amounts = _AmountCells(sample, columns)
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
            if not filled or not _names_amount_rows(sample, name, amounts):
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
        # a column of numbers is no column of words, whatever rows it is judged on
        words = column.role in MEASURES and sample.get_column(name).dtype == pl.String
        if words and _all_words(_amount_rows(sample, name, amounts), name):
            column.role, column.variant, column.period = "description", None, None
            amounts.drop(name)  # a label: no amount column for the columns after it
    if context is None or context.scale_said is None:  # in thousands, 125 beside 180.456.789 is no %
        _percent_realized(amounts, columns)
    # a file named after one unit ("Dinas Kesehatan.xlsx"), or a title naming one, holds that
    # unit's parts, not units; unless it lists perangkat daerah (an issuer's kop over the rekap)
    named_file = bool(vocab.UNIT_NAME.match(grid.file.stem.replace("_", " ").replace("-", " ")))
    titled = context is not None and (context.unit_name is not None or context.unit_code is not None)
    _units_in_descriptions(sample, columns, named_file or titled)
    return columns


_UNIT_SHARE = 0.6  # of a description column's labels, other than totals, that name units
# a level of the budget's structure, numbered or not ("A. URUSAN …", "III. UNSUR PENUNJANG …")
_LEVEL = re.compile(
    r"^\s*(?:(?:[ivxlc]+|[a-z]|\d{1,3})[.)]\s*)?(urusan|unsur|bidang urusan|program|kegiatan|sub kegiatan)\b",
    re.I,
)


def _grouping(label: str, following: str | None) -> bool:
    """A label that groups or breaks down units, not a unit: a total, an urusan or program
    above them, a jenis belanja under them (``following``: the label after it)."""
    return bool(vocab.is_total_label(label, following) or _LEVEL.match(label)) or bool(
        vocab.category_of(vocab.normalize(label))
    )


# the head of a perangkat daerah's own name, not of a part of one (Sekretariat, UPT, Bidang)
_OPD_HEAD = re.compile(
    rf"^\s*(?:{vocab.LIST_NUMBER}\s*)?(dinas|badan|inspektorat|satuan polisi|satpol|kecamatan|"
    r"sekretariat (daerah|dprd)|setda|setwan|sekwan|bappeda|bpkad|bapenda|bkpsdm|bpbd)\b",
    re.I,
)


def _units_in_descriptions(sample: pl.DataFrame, columns: list[Column], one_unit: bool = False) -> None:
    """A description column (``Uraian``) of a table that neither names units nor has account
    codes, whose labels are mostly units' names (Dinas …, Kecamatan …), beside the totals, urusan
    and jenis belanja among them, names the units. Where the file or the title names one unit
    (``Dinas Kesehatan.xlsx``), only where two or more of them are perangkat daerah (``BPKAD
    Rekap OPD.xlsx``, a BPKAD kop over the dinas): else they are that unit's parts (its
    Sekretariat, its UPT)."""
    if any(c.role in ("unit_name", "unit_code", "unit", "account") for c in columns):
        return
    for column in columns:
        name = f"c{column.index}"
        if name not in sample.columns:
            continue
        place = re.match(vocab.PLACE_HEADER, vocab.normalize(column.header))
        if place and column.role in ("ignore", "description"):
            column.role = "unit_name"  # "Kecamatan", "Nama Sekolah": the list's own units
            return
        if column.role != "description":
            continue
        cells = [t for v in sample.get_column(name).to_list() if (t := cell_text(v)) is not None]
        labels = [
            v for i, v in enumerate(cells) if not _grouping(v, cells[i + 1] if i + 1 < len(cells) else None)
        ]
        units = sum(1 for v in labels if vocab.UNIT_NAME.match(v))
        if one_unit and sum(1 for v in labels if _OPD_HEAD.match(v)) < 2:
            return
        if units >= 2 and units >= _UNIT_SHARE * len(labels):
            column.role = "unit_name"
            return


_MOST_PERCENT = 150.0  # a realization in percent: above 100 where a unit spent past its budget
_LEAST_BUDGET = 1e6  # rupiah: the smallest budget beside which a "realization" of 64 is a percentage


def _percent_realized(amounts: _AmountCells, columns: list[Column]) -> None:
    """A realization column whose figures are percentages ("Realisasi Keuangan" 64,06 beside a
    Pagu of 250 billion, the header saying no "%"): on every row where both are given, at most
    150 against a budget of a million rupiah or more, on two rows or more, some with decimals
    (or all whole, in a column of "DAK Fisik": the progress of a fund's works).
    It is a percent column: read as rupiah, it would be 64 rupiah."""
    present = amounts.sample.columns
    budgets = [f"c{c.index}" for c in columns if c.role == "budget" and f"c{c.index}" in present]
    if not budgets:
        return
    budget = amounts.values(budgets[-1])  # of Murni and Perubahan, the latter
    for column in columns:
        name = f"c{column.index}"
        if column.role != "realized" or column.physical or name not in present:
            continue
        realized = amounts.values(name)
        both = (budget >= _LEAST_BUDGET) & realized.is_not_null() & (realized != 0)
        given = realized.filter(both.fill_null(False))
        # 64,06 has decimals; a whole 70 is a percentage where the header says "fisik" (progress)
        fractions = (given != given.round(0)).any() or "fisik" in vocab.normalize(column.header).split()
        if given.len() >= 2 and fractions and float(given.abs().max()) <= _MOST_PERCENT:  # type: ignore[arg-type]
            column.role, column.variant, column.period = "pct", None, None


class _AmountCells:
    """Which rows of a sample hold an amount in its amount columns (``MEASURES``): each column
    parsed once, however many columns ask about the others, and the count per row kept as a
    column turns out to be a label."""

    def __init__(self, sample: pl.DataFrame, columns: list[Column]) -> None:
        self.sample = sample
        self.names = {
            f"c{c.index}" for c in columns if c.role in MEASURES and f"c{c.index}" in sample.columns
        }
        self.parsed: dict[str, pl.Series] = {}
        self.amounts: dict[str, pl.Series] = {}
        self._count: pl.Series | None = None

    def values(self, name: str) -> pl.Series:
        """Column ``name``'s cells as amounts (null where a cell holds none), parsed once."""
        if name not in self.amounts:
            self.amounts[name] = parse_amounts(self.sample.get_column(name))
        return self.amounts[name]

    def _of(self, name: str) -> pl.Series:
        if name not in self.parsed:
            self.parsed[name] = self.values(name).is_not_null().cast(pl.UInt32)
        return self.parsed[name]

    def count(self) -> pl.Series:
        """How many amount columns hold an amount on each row."""
        if self._count is None:
            zero = pl.Series([0] * self.sample.height, dtype=pl.UInt32)
            self._count = sum((self._of(n) for n in sorted(self.names)), zero)
        return self._count

    def besides(self, name: str) -> pl.Series | None:
        """Whether each row holds an amount in an amount column other than ``name``; None where
        there is no other."""
        if not self.names - {name}:
            return None
        own = self._of(name) if name in self.names else 0
        return (self.count() - own) > 0

    def drop(self, name: str) -> None:
        if name in self.names:
            self.names.discard(name)
            if self._count is not None:
                self._count = self._count - self._of(name)


def _amount_rows(sample: pl.DataFrame, name: str, amounts: _AmountCells) -> pl.DataFrame:
    """The first run of rows of ``sample`` with an amount in an amount column other than
    ``name``: the table's body, not the signature block under it (``KASUBBAG …``, a NIP that
    reads as a number); all rows where no other column has an amount."""
    has_amount = amounts.besides(name)
    if has_amount is None:
        return sample
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


def _names_amount_rows(sample: pl.DataFrame, name: str, amounts: _AmountCells) -> bool:
    """Whether the column has a value on some row that has an amount, or heads such rows: a
    unit's name on a row of its own, the rows under it with amounts and the unit left blank."""
    if not amounts.names:
        return True
    named = sample.get_column(name).cast(pl.String).str.strip_chars().fill_null("") != ""
    held = amounts.count() > 0
    if (held & named).any():
        return True
    heads = named & ~held & held.shift(-1, fill_value=False) & ~named.shift(-1, fill_value=True)
    return bool(heads.any())


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
