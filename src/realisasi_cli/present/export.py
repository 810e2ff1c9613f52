"""Write outputs safely: atomically, and with text a spreadsheet would run made inert."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import secrets
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realisasi_cli import __version__
from realisasi_cli.inputs.discover import OUTPUT_PROPERTY

if TYPE_CHECKING:
    from realisasi_cli.facts.schema import Dataset

# OWASP's CSV-injection guidance: a cell starting with one of these may be run as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text that is just a number ("-12,5", "+62812") is read as a number, never run.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def neutralize(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with ``'`` (numbers untouched)."""
    if (
        isinstance(value, str)
        and value.lstrip(" ").startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: all or nothing.

    A failure leaves the previous file (or none) and no temporary file behind. A new file gets
    the usual permissions (the umask's), a replaced one keeps its own.
    """
    path = path.resolve()
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
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
            "nan_inf_to_errors": True,  # a percentage of a zero budget must not stop the file
        },
    )
    # Marks the workbook as an output, so that a folder of exports holding it reads it no more.
    book.set_custom_property(OUTPUT_PROPERTY, __version__)
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


def write_facts(dataset: Dataset, folder: Path) -> dict[str, int]:
    """The dataset's facts as Parquet files in ``folder``, each written atomically; rows per file.

    ``plan`` and ``physical`` are written only when the inputs have them.
    """
    import io

    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "budget": dataset.budget,
        "realization": dataset.realization,
        "plan": dataset.plan,
        "physical": dataset.physical,
        "sources": dataset.sources,
    }
    for name, frame in tables.items():
        if name in ("plan", "physical") and frame.height == 0:
            continue
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        write_atomic(folder / f"{name}.parquet", buffer.getvalue())
    return {name: frame.height for name, frame in tables.items()}
