"""Small workbooks written by real writers (openpyxl, xlsxwriter, xlwt) for layout tests."""

from __future__ import annotations

import io
import zipfile
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


def ods_bytes(rows: Sequence[Sequence[Cell]], extra_rows: str = "") -> bytes:
    """A one-table .ods ("Rekap") of ``rows``, then ``extra_rows`` as raw XML (repeats and the like).

    Written by hand, not by a writer: the hardening tests need XML no writer would produce.
    """

    def cell(value: object) -> str:
        if isinstance(value, str):
            return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="float" office:value="{value}"/>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Rekap">{body}{extra_rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
