"""A streaming scan of .xlsx sheet XML for what fastexcel does not report: origin, merges, formulas."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from realisasi_cli.inputs.archive import ZIP_ERRORS, member_pieces
from realisasi_cli.inputs.limits import MAX_TAG
from realisasi_cli.inputs.xlsx import sheet_parts
from realisasi_cli.reading.grid import Merge
from realisasi_cli.sheetref import column_index

_TOP_ROWS = 300  # rows whose cell positions are taken from the XML to align the grid

# --- streaming scan of .xlsx sheet XML ------------------------------------------------------

# Every unbounded repetition stops at "<" or ">", so no pattern can backtrack across a chunk.
_VALUE_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^<>]*(?<!/)>\s*(?:<f\b[^<>]*(?:/>|>[^<]*</f>)\s*)?<(?:v|is)\b(?![^<>]*/>)'
)
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^<>]*(?<!/)>\s*<f(?:\s[^<>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>'
)
# Files written by xlsxwriter store 0 as every formula's result and ask for a recalculation.
_FORMULA_ZERO = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^<>]*(?<!/)>\s*<f(?:\s[^<>]*)?(?:/>|>[^<]*</f>)\s*<v>0</v>\s*</c>'
)
_FULL_CALC = re.compile(r"\bfullCalcOnLoad\s*=\s*[\"'](?:1|true)[\"']")


@dataclass
class SheetScan:
    top_cells: list[tuple[int, int]]
    merges: list[Merge]
    formulas: list[tuple[int, int]]

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


def scan_xlsx(path: Path) -> dict[str, SheetScan]:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            recalc = bool(_FULL_CALC.search(archive.read("xl/workbook.xml").decode("utf-8", "replace")))
            return {name: _scan_part(path, archive.getinfo(part), recalc) for name, part in parts.items()}
    except ZIP_ERRORS:
        # the archive was checked before; what it cannot tell here only refines the grid
        return {}


def _scan_part(path: Path, info: zipfile.ZipInfo, recalc: bool = False) -> SheetScan:
    top: list[tuple[int, int]] = []
    merges: list[Merge] = []
    formulas: list[tuple[int, int]] = []
    carry = b""
    top_done = False
    patterns = (_FORMULA_NO_VALUE, _FORMULA_ZERO) if recalc else (_FORMULA_NO_VALUE,)
    # inflated as the checks inflate (zlib-ng): this runs beside calamine, which runs faster
    # the lighter the load on the other core
    for chunk in member_pieces(path, info):
        data = carry + chunk
        # keep an incomplete tail for the next chunk so no tag is cut in two
        cut = data.rfind(b"</row>")
        cut = len(data) if cut < 0 else cut + len(b"</row>")
        if b"<mergeCells" in data or len(data) - cut > MAX_TAG:
            cut = len(data)
        body, carry = data[:cut], data[cut:]
        if not top_done:
            for m in _VALUE_CELL.finditer(body):
                row = int(m.group(2)) - 1
                if row >= _TOP_ROWS:
                    top_done = True
                    break
                top.append((row, column_index(m.group(1).decode())))
        if b"<f" in body:
            for pattern in patterns:
                formulas.extend(
                    (int(m.group(2)) - 1, column_index(m.group(1).decode())) for m in pattern.finditer(body)
                )
        for m in _MERGE.finditer(body) if b"<mergeCell " in body else ():
            first_col, first_row = column_index(m.group(1).decode()), int(m.group(2)) - 1
            last_col = column_index(m.group(3).decode()) if m.group(3) else first_col
            last_row = int(m.group(4)) - 1 if m.group(4) else first_row
            merges.append((first_row, first_col, last_row, last_col))
    return SheetScan(top_cells=top, merges=merges, formulas=sorted(formulas))
