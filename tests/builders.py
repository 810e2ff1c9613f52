"""Small workbooks written by real writers (openpyxl, xlsxwriter, xlwt) for layout tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

Cell = object


def openpyxl_book(
    path: Path, sheets: dict[str, Sequence[Sequence[Cell]]], merges: dict[str, list[str]] | None = None
) -> Path:
    """Write rows (None = empty cell) with openpyxl; ``merges`` are ranges like ``"Q14:R15"``."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=i, column=j, value=value)
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
    book.save(path)
    return path


def xlsxwriter_book(
    path: Path, rows: Sequence[Sequence[Cell]], merges: Sequence[tuple[int, int, int, int, Cell]] = ()
) -> Path:
    """Write one sheet with xlsxwriter; ``merges`` are (r0, c0, r1, c1, value), 0-based."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Rekap")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value)
    for r0, c0, r1, c1, value in merges:
        sheet.merge_range(r0, c0, r1, c1, value)  # type: ignore[arg-type]
    book.close()
    return path
