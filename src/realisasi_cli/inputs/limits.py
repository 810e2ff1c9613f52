"""The limits a file must stay within before a reader opens it, and the advice given when it does not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError

if TYPE_CHECKING:
    pass


# Limits against archives that inflate absurdly (zip bombs) and absurd sheet sizes. A real
# export of a million line items stays well within them.
MAX_UNCOMPRESSED_BYTES = 3 * 1024**3
MAX_COMPRESSION_RATIO = 400  # real workbooks compress 5–20:1, deflate's ceiling is ~1032:1
MAX_CELLS = 30_000_000  # a million line items of 30 columns; read, ~2 GB of memory
MAX_COLUMNS = 16_384  # Excel's own limit
SPARSE_CELLS = 4_000_000  # a sheet larger than this must hold a value in 1 cell of SPARSE_FILL
SPARSE_FILL = 8
MAX_SHEETS = 1_000
MAX_PART_BYTES = 64 * 1024**2  # workbook.xml and its relationships, which are read whole
MAX_TAG = 1 << 20  # an XML tag longer than this is not a spreadsheet's
MAX_TEXT_RUN = 4 << 20  # nor text this long between tags (a cell holds at most 32,767 characters)
MAX_RECORD = 16 << 20  # nor an .xlsb record this long
MAX_MEMBERS = 10_000  # archive members; a workbook of 1,000 sheets has a few thousand
MAX_MAP_PART = 8 << 20  # the small XML parts that map sheets to members, parsed whole by expat
# tags of a sheet whose cells calamine places one after the other, replayed in Python
MAX_POSITIONAL_TAGS = 20_000_000
# Text that shared strings make in the cells that reference them (each reference a copy in
# the reader and in the frame): at most this much, or as much as the sheets' own XML.
TEXT_BUDGET = 256 << 20
# and never more than this, however large the XML (whitespace padding it out would otherwise
# raise the limit, past the 2 GB a column of text can hold in the reader: it panicked there)
TEXT_CEILING = 512 << 20


def text_allowed(xml_bytes: int) -> int:
    """The text that shared strings may make in the cells of sheets of ``xml_bytes`` of XML."""
    return min(max(xml_bytes, TEXT_BUDGET), TEXT_CEILING)


CHUNK = 1 << 20
HEAD = 8192


def check_extent(path: Path, sheet: str, rows: int, cols: int, filled: int) -> None:
    """Refuse a sheet whose rectangle is absurd, or mostly empty beyond any real export."""
    cells = rows * cols
    if cols > MAX_COLUMNS or cells > MAX_CELLS:
        raise UnreadableWorkbookError(
            "E-SHEET-TOO-LARGE", "H-TRIM", path=path, sheet=sheet, rows=rows, cols=cols
        )
    if cells > SPARSE_CELLS and filled * SPARSE_FILL < cells:
        raise UnreadableWorkbookError(
            "E-SHEET-SPARSE", "H-TRIM", path=path, sheet=sheet, rows=rows, cols=cols, filled=filled
        )


@dataclass
class Cells:
    """The cells of all the sheets of a workbook, which calamine's readers hold at once.

    Each sheet within the limits, many sheets together could still be absurd: fifty sheets
    of 2,000 × 2,000 cells, a handful filled, took 30 s and 4.8 GB. So the same limits hold
    for the sheets together.
    """

    path: Path
    cells: int = 0
    filled: int = 0

    def add(self, rows: int, cols: int, filled: int) -> None:
        self.cells += rows * cols
        self.filled += filled

    def check(self) -> None:
        """Refuse the workbook if its sheets together span too many cells, or too empty ones."""
        if self.cells > MAX_CELLS or (self.cells > SPARSE_CELLS and self.filled * SPARSE_FILL < self.cells):
            raise UnreadableWorkbookError(
                "E-WORKBOOK-TOO-LARGE", "H-TRIM", path=self.path, cells=self.cells, filled=self.filled
            )
