"""Write outputs safely: atomically, and with text a spreadsheet would run made inert."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'`` (numbers untouched)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: all or nothing."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel on Windows reads it right), formulas neutralized."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralize(v) for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """An .xlsx workbook (one sheet per table); text is always stored as text, never a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    money = book.add_format({"num_format": "#,##0"})
    pct = book.add_format({"num_format": "0.00"})
    for name, header, rows in sheets:
        sheet = book.add_worksheet(name[:31])
        for j, h in enumerate(header):
            sheet.write_string(0, j, str(h), bold)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(i, j, value)
                elif isinstance(value, int | float):
                    fmt = pct if "pct" in str(header[j]) or "%" in str(header[j]) else money
                    sheet.write_number(i, j, value, fmt)
                else:
                    sheet.write_string(i, j, str(neutralize(value)))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(rows), 1), max(len(header) - 1, 0))
        sheet.set_column(0, len(header), 16)
    book.close()
    return buffer.getvalue()


def parquet_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A Parquet file of the rows (column names from ``header``), for DuckDB, Spark or Polars."""
    import polars as pl

    frame = pl.DataFrame([list(r) for r in rows], schema=list(header), orient="row", infer_schema_length=None)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()
