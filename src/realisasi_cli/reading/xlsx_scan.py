"""A streaming scan of .xlsx sheet XML for what fastexcel does not report: origin, merges, formulas."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from realisasi_cli.inputs.archive import ZIP_ERRORS, Damaged, member_pieces, read_part
from realisasi_cli.inputs.limits import MAX_MAP_PART, MAX_TAG
from realisasi_cli.inputs.package import Members, View, xlsx_view
from realisasi_cli.inputs.xlsx import PREFIX, complete_tags, element, end_tag, open_tag
from realisasi_cli.numbers import EXCEL_ERROR
from realisasi_cli.reading.grid import Merge
from realisasi_cli.sheetref import column_index

_TOP_ROWS = 300  # rows whose cell positions are taken from the XML to align the grid

# Tags are read with the safety measurement's fragments: any prefix, attributes in any order,
# ">" inside quoted values. Every unbounded repetition stops at "<" or ">", so no pattern can
# backtrack across a piece.
_CELL = open_tag(b"c", b"r", rb"([A-Z]{1,3})(\d+)") + rb"(?<!/)>\s*"
_FORMULA = element(b"f")
_VALUE_CELL = re.compile(_CELL + rb"(?:" + _FORMULA + rb"\s*)?<" + PREFIX + rb"(?:v|is)\b(?![^<>]*/>)")
_MERGE = re.compile(open_tag(b"mergeCell", b"ref", rb"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"))
_EMPTY_VALUE = rb"(?:<" + PREFIX + rb"v\s*/>|<" + PREFIX + rb"v\s*>" + end_tag(b"v") + rb")?"
_FORMULA_NO_VALUE = re.compile(_CELL + _FORMULA + rb"\s*" + _EMPTY_VALUE + rb"\s*" + end_tag(b"c"))
# Files written by xlsxwriter store 0 as every formula's result and ask for a recalculation.
_ZERO_VALUE = rb"<" + PREFIX + rb"v\s*>0" + end_tag(b"v")
_FORMULA_ZERO = re.compile(_CELL + _FORMULA + rb"\s*" + _ZERO_VALUE + rb"\s*" + end_tag(b"c"))
# A cell whose saved result is an error of Excel's (#REF! after a deleted sheet, #DIV/0!): calamine
# gives it as empty
_ERROR = EXCEL_ERROR.encode("ascii")
_ERROR_CELL = re.compile(
    _CELL + rb"(?:" + _FORMULA + rb"\s*)?<" + PREFIX + rb"v\s*>\s*" + _ERROR + rb"\s*" + end_tag(b"v")
)
_ROW_END = re.compile(end_tag(b"row"))
_FULL_CALC = re.compile(r"\bfullCalcOnLoad\s*=\s*[\"'](?:1|true)[\"']")


@dataclass
class SheetScan:
    top_cells: list[tuple[int, int]]
    merges: list[Merge]
    formulas: list[tuple[int, int]]
    errors: list[tuple[int, int]] = field(default_factory=list)  # cells whose result is an error

    def origin(self, frame: pl.DataFrame) -> tuple[int, int]:
        """Where fastexcel's range starts: its first row and column are the first that hold a value."""
        if not self.top_cells or frame.height == 0:
            return 0, 0
        row0 = min(r for r, _ in self.top_cells)
        last_top = max(r for r, _ in self.top_cells)
        col_top = min(c for _, c in self.top_cells)
        head = frame.head(last_top - row0 + 1)
        first_filled = next(
            (j for j, name in enumerate(head.columns) if head[name].null_count() < head.height),
            0,
        )
        return row0, max(col_top - first_filled, 0)


def scan_xlsx(path: Path, view: View | None = None) -> dict[str, SheetScan]:
    """The scan of each sheet, found by name as calamine finds it (the first sheet of a name);
    ``view`` is that map as the checks read it, else it is read here."""
    try:
        if view is None:
            with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
                view = xlsx_view(
                    Members(archive.infolist()), lambda info: read_part(handle, info, MAX_MAP_PART)
                )
            if view is None:
                return {}
        with path.open("rb") as handle:
            book = b"" if view.book is None else read_part(handle, view.book, MAX_MAP_PART)
            recalc = bool(_FULL_CALC.search(book.decode("utf-8", "replace")))
            parts: dict[str, zipfile.ZipInfo] = {}
            for name, info in view.sheets:
                parts.setdefault(name, info)
            return {name: _scan_part(path, info, recalc) for name, info in parts.items()}
    except (Damaged, *ZIP_ERRORS):
        # the archive was checked before; what it cannot tell here only refines the grid
        return {}


def _scan_part(path: Path, info: zipfile.ZipInfo, recalc: bool = False) -> SheetScan:
    top: list[tuple[int, int]] = []
    merges: list[Merge] = []
    formulas: list[tuple[int, int]] = []
    errors: list[tuple[int, int]] = []
    carry = b""
    top_done = False
    patterns = (_FORMULA_NO_VALUE, _FORMULA_ZERO) if recalc else (_FORMULA_NO_VALUE,)
    # inflated as the checks inflate (zlib-ng): this runs beside calamine, which runs faster
    # the lighter the load on the other core
    for chunk in member_pieces(path, info):
        data = carry + chunk
        # keep an incomplete tail for the next piece, so that no cell is cut in two
        body, carry = _complete_rows(data)
        if not top_done:
            for m in _VALUE_CELL.finditer(body):
                row = int(m.group(2)) - 1
                if row >= _TOP_ROWS:
                    top_done = True
                    break
                top.append((row, column_index(m.group(1).decode())))
        if b"<f" in body or b":f" in body:
            for pattern in patterns:
                formulas.extend(
                    (int(m.group(2)) - 1, column_index(m.group(1).decode())) for m in pattern.finditer(body)
                )
        if b"#" in body:
            errors.extend(
                (int(m.group(2)) - 1, column_index(m.group(1).decode())) for m in _ERROR_CELL.finditer(body)
            )
        for m in _MERGE.finditer(body) if b"mergeCell" in body else ():
            first_col, first_row = column_index(m.group(1).decode()), int(m.group(2)) - 1
            last_col = column_index(m.group(3).decode()) if m.group(3) else first_col
            last_row = int(m.group(4)) - 1 if m.group(4) else first_row
            merges.append((first_row, first_col, last_row, last_col))
    return SheetScan(top_cells=top, merges=merges, formulas=sorted(formulas), errors=errors)


def _complete_rows(data: bytes) -> tuple[bytes, bytes]:
    """Split streamed sheet XML after its last complete row (or, past the rows, its last
    complete tag): (what can be scanned, what waits for the next piece)."""
    end = data.rfind(b"row")
    for _ in range(16):  # a few candidates: "row" in text must not make this quadratic
        if end <= 0:
            break
        start = data.rfind(b"</", 0, end)
        match = _ROW_END.match(data, start) if start >= 0 else None
        if match is not None and match.end() > end:
            if len(data) - match.end() <= MAX_TAG and b"mergeCell" not in data[match.end() :]:
                return data[: match.end()], data[match.end() :]
            break
        end = data.rfind(b"row", 0, end)
    return complete_tags(data)
