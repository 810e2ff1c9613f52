"""What detection finds in a sheet: its columns and their roles, the context above the table, the layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from realisasi_cli.reading.grid import Grid
from realisasi_cli.sheetref import column_letter


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
    as_of: date | None = None
    as_of_source: str | None = None
    period_start: date | None = None  # where the title states a range (01 Juli s.d 31 Juli 2022)
    # where no line writes a date: the month a line runs to without its year ("s.d. Bulan
    # Agustus"), and the end of the quarter or half year a line names ("TRIWULAN III TAHUN 2024")
    month_to: int | None = None
    part_end: date | None = None
    # the unit the title says its amounts are in ("dalam ribuan rupiah": 1000), and its words
    scale: float = 1.0
    scale_said: str | None = None
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
