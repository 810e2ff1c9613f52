"""The canonical facts every layout becomes, and the dataset that later stages share.

Budget and realization stay separate facts so that no layout counts a budget twice (a row
with quarter columns has one budget and four realizations). This module holds only types:
metrics and presentation import it without pulling in the readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from realisasi_cli.messages import Message

if TYPE_CHECKING:
    from realisasi_cli.detect.layout import Layout

# Every fact says where it came from, which unit and account it belongs to, and its category.
_LINE: dict[str, pl.DataType] = {
    "source": pl.Int32(),
    "file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int64(),
    "unit_code": pl.String(),
    "unit_name": pl.String(),
    "account_code": pl.String(),
    "category": pl.String(),
}
_PERIOD: dict[str, pl.DataType] = {"period_start": pl.Date(), "period_end": pl.Date()}
BUDGET_SCHEMA = {**_LINE, "budget": pl.Float64()}
REALIZATION_SCHEMA = {**_LINE, **_PERIOD, "realized": pl.Float64()}
PLAN_SCHEMA = {**_LINE, **_PERIOD, "planned": pl.Float64()}
PHYSICAL_SCHEMA = {
    "source": pl.Int32(),
    "row": pl.Int64(),
    "unit_code": pl.String(),
    "unit_name": pl.String(),
    "weight": pl.Float64(),
    "target_pct": pl.Float64(),
    "realized_pct": pl.Float64(),
}
SOURCES_SCHEMA = {
    "source": pl.Int32(),
    "file": pl.String(),
    "sheet": pl.String(),
    "as_of": pl.Date(),
    "order": pl.Int32(),
    # what the sheet's amounts are rounded to, in rupiah: 1,000 for a sheet in thousands, or
    # for one whose every amount is of whole thousands
    "precision": pl.Float64(),
    # what a label multiplied them by: 1,000 for "dalam ribuan", else 1
    "scale": pl.Float64(),
}


@dataclass
class Warning_:
    """A problem worth telling the user about, with where it was found."""

    file: str
    sheet: str | None
    row: int | None
    code: str  # of the message catalogue (realisasi_cli.messages)
    params: dict[str, object] = field(default_factory=dict)

    @property
    def detail(self) -> Message:
        return Message(self.code, self.params)

    @property
    def message(self) -> str:
        """The text in the run's language."""
        return self.detail.text()

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of DESIGN.md's ``warnings``, with the message's code."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Facts:
    """The canonical facts read from one sheet, and what happened to its rows."""

    budget: pl.DataFrame
    realization: pl.DataFrame
    plan: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PLAN_SCHEMA))
    physical: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PHYSICAL_SCHEMA))
    # the previous fiscal year's realization at the same date, where the export carries it
    last_year: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REALIZATION_SCHEMA))
    warnings: list[Warning_] = field(default_factory=list)
    rows_used: int = 0
    rows_skipped: dict[str, int] = field(default_factory=dict)
    slots: list[dict[str, object]] = field(default_factory=list)
    evidence: pl.DataFrame | None = None  # key, cents, data, budget: every amount (facts.kinds)
    precision: float = 1.0  # what the amounts are rounded to: 1,000 for figures in thousands
    scale: float = 1.0  # what a label multiplied them by (1,000 for "dalam ribuan"), else 1


@dataclass
class SheetResult:
    """One sheet: how it was understood and what it gave."""

    file: Path
    sheet: str
    layout: Layout | None
    facts: Facts | None
    as_of: date | None
    as_of_source: str | None
    note: Message | None = None  # why a sheet gave no facts
    kind: str | None = None  # data, budget, plan, derived, template, pendapatan (facts.kinds)
    reason: Message | None = None  # why the sheet is of that kind, for inspect and the notices
    used: bool = False  # whether its facts are in the dataset
    unnamed: bool = False  # nothing in the sheet names its unit: it is named after the sheet or file

    @property
    def year(self) -> int | None:
        """The fiscal year of the sheet: its data date's, else the one its title states, else the
        one its sheet or file name states (where it states only one: "… 2024 (format Permendagri
        77 2020)" states none for sure)."""
        from realisasi_cli.dates import sole_year_in_name

        if self.as_of is not None:
            return self.as_of.year
        if self.layout is not None and self.layout.context.year is not None:
            return self.layout.context.year
        return sole_year_in_name(self.sheet) or sole_year_in_name(self.file.stem)


@dataclass
class Dataset:
    """All facts from the inputs, with one source per sheet that gave facts."""

    budget: pl.DataFrame
    realization: pl.DataFrame
    plan: pl.DataFrame  # monthly planned amounts, from cash-plan inputs
    physical: pl.DataFrame  # physical progress (realisasi fisik) per row, where exports carry it
    sources: pl.DataFrame  # source, file, sheet, as_of, order
    sheets: list[SheetResult]
    warnings: list[Warning_]
    skipped_files: list[tuple[Path, Message]] = field(default_factory=list)  # why each was skipped
    # the previous fiscal year's realization at the same date, from columns of the exports
    last_year: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=REALIZATION_SCHEMA))

    @property
    def as_of(self) -> date | None:
        """The latest as-of date of any source."""
        values = self.sources["as_of"].drop_nulls()
        return values.max() if values.len() else None  # type: ignore[return-value]  # max() is typed as any scalar
