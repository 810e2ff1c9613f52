"""A sheet's raw cells as one grid, before anything is assumed about where its table is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from realisasi_cli.sheetref import column_letter

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


@dataclass
class Grid:
    """One sheet's cells: ``frame`` has a column ``c{j}`` per sheet column, row i = sheet row i."""

    file: Path
    sheet: str
    frame: pl.DataFrame
    merges: list[Merge] = field(default_factory=list)
    formula_cells: list[tuple[int, int]] = field(default_factory=list)  # saved without a result
    error_cells: list[tuple[int, int]] = field(default_factory=list)  # whose result is #REF!, #DIV/0!, …
    hidden: bool = False  # a hidden or very hidden sheet: evidence that it is a copy, not data
    # what reading noticed, for the sheet's warnings: (1-based row or None, W- code, params)
    notices: list[tuple[int | None, str, dict[str, object]]] = field(default_factory=list)
    # a text file (CSV, an HTML table): every cell as written, none a numeric cell of a workbook
    text_file: bool = False
    # its own notation writes a decimal comma: a CSV separated by ";", as a spreadsheet set up for
    # Indonesian saves it, writes "1.500" for 1500
    decimal_comma: bool = False

    def released(self) -> Grid:
        """The grid without its cells (its columns kept, no rows): what a layout keeps once the
        sheet's facts are made, so that a folder's grids are not all held at once."""
        return Grid(self.file, self.sheet, self.frame.clear(), hidden=self.hidden)

    @property
    def height(self) -> int:
        """Number of rows, counting the empty ones above the first cell."""
        return self.frame.height

    def where(self, row: int | None = None, col: int | None = None) -> str:
        """A human reference to a cell or row ("Sheet1!C12", "Sheet1 baris 12")."""
        if row is not None and col is not None:
            return f"{self.sheet}!{column_letter(col)}{row + 1}"
        if row is not None:
            return f"{self.sheet} row {row + 1}"
        return self.sheet
