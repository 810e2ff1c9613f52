"""Write outputs safely: atomically, and with text a spreadsheet would run made inert."""

from __future__ import annotations

import contextlib
import errno
import io
import math
import os
import re
import secrets
import shutil
import stat
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realisasi_cli import __version__
from realisasi_cli.errors import NotRegularFileError
from realisasi_cli.inputs.discover import OUTPUT_PROPERTY
from realisasi_cli.present import safe_text
from realisasi_cli.present.safe_text import plain
from realisasi_cli.present.words import QUARTER_NAMES

if TYPE_CHECKING:
    from realisasi_cli.facts.schema import Dataset
    from realisasi_cli.present.sheets import Sheet

# OWASP's CSV-injection guidance: a cell starting with one of these may be run as a formula;
# a line feed too (a reader that ignores quotes starts a row there), and the full-width forms,
# which some spreadsheets read as their ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Text that is just a number ("-12,5", "+62812") is read as a number, never run.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")


def neutralize(value: Any) -> Any:
    """Text without controls (ESC, U+202E), prefixed with ``'`` where a spreadsheet would run
    it as a formula (numbers untouched)."""
    if isinstance(value, str):
        value = safe_text.cell(value)
    if (
        isinstance(value, str)
        and value.lstrip(" \u00a0\u3000").startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: all or nothing.

    A failure leaves the previous file (or none) and no temporary file behind. A new file gets
    the usual permissions (the umask's), a replaced one keeps its own. A link at ``path`` is
    replaced itself, not the file it points to: a link planted in a shared folder does not turn
    the output onto another file of the user's.
    """
    path = path.absolute().parent.resolve() / path.name
    if _written_into(path):
        with path.open("wb") as handle:
            handle.write(data)
        return
    try:
        found = path.lstat()
        mode: int | None = None if stat.S_ISLNK(found.st_mode) else stat.S_IMODE(found.st_mode)
    except FileNotFoundError:
        mode = None
    tmp: Path | None = None
    try:
        # the name is known before the file exists, so that a signal between its creation and the
        # write (SIGTERM, Ctrl+C) still finds it to remove
        while True:
            tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
                break
            except FileExistsError:
                tmp = None  # another's file: never removed here
                continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise


def _written_into(path: Path) -> bool:
    """Whether ``path`` is a device or a pipe to write into, never to replace with a file: a
    terminal, ``/dev/null``, a named pipe, and the system's own links to them (``/dev/stdout``,
    ``/proc/self/fd/1``). A block device (a disk) or a socket is refused. A link elsewhere to
    any of them (planted in a shared folder) is replaced, as every link at the output is."""
    try:
        own = path.lstat()
    except OSError:
        return False
    if stat.S_ISBLK(own.st_mode) or stat.S_ISSOCK(own.st_mode):
        raise NotRegularFileError(errno.EINVAL, "not a regular file", str(path))
    if stat.S_ISCHR(own.st_mode) or stat.S_ISFIFO(own.st_mode):
        return True
    return stat.S_ISLNK(own.st_mode) and path.parts[1:2] in (("dev",), ("proc",))


# A text cell holding either list separator is quoted, whatever the file's own delimiter.
_NEEDS_QUOTES = re.compile(r'[,;"\r\n\t]')
# Where a reader may start a new cell inside a quoted one: either list separator, a tab (a
# file opened as tab-separated text), a line break (a reader that ignores quotes).
_SEPARATOR = re.compile(r"([,;\t\r\n])")

# Decimal places kept per kind of number: rupiah to the sen, percentages and points to 4.
_DIGITS = {"money": 2, "pct": 4, "pp": 4}


def _decimal(value: float, digits: int, point: str) -> str:
    """``156176870000`` for a whole amount, ``46.52`` for ``46.52000000024907``; never an exponent."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", point)


def _csv_cell(value: Any, kind: str, sheet: Sheet, excel_id: bool) -> str:
    """One cell as CSV text: numbers rounded (decimal comma for ``excel_id``), text made inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if not excel_id:
            return str(value)
        return sheet.yes_no[0] if value else sheet.yes_no[1]
    if kind == "quarter" and excel_id and isinstance(value, int):
        return QUARTER_NAMES.get(value, str(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return _decimal(value, _DIGITS.get(kind, 4), "," if excel_id else ".")
    if isinstance(value, date):
        return value.isoformat()
    text = _inert_parts(str(neutralize(plain(str(value)))))
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


def _inert_parts(text: str) -> str:
    """Each part after a separator made inert as well: Excel splits a CSV at the system's list
    separator (";" on Indonesian Windows, "," elsewhere) and never minds quotes in mid-cell, so
    ``x;=cmd|' /C calc'!A0`` in a comma CSV would become a cell ``=cmd|…`` there; a tab or a
    line break may start a cell for other readers."""
    parts = _SEPARATOR.split(text)
    return "".join(neutralize(part) if i >= 2 and i % 2 == 0 else part for i, part in enumerate(parts))


def csv_bytes(sheet: Sheet, *, excel_id: bool = False) -> bytes:
    """A sheet's table as UTF-8 CSV with a BOM, numbers rounded, text that would run as a formula
    made inert, and cells holding a separator quoted.

    Plain: commas, decimal points and the machine column names. ``excel_id``: what Excel on an
    Indonesian Windows opens right: semicolons, decimal commas and the people's headers.
    """
    delimiter = ";" if excel_id else ","
    header = [c.label for c in sheet.columns] if excel_id else sheet.header
    rows = sheet.flat_rows(people=excel_id)
    kinds = [c.kind for c in sheet.columns]
    lines = [delimiter.join(_csv_cell(h, "text", sheet, excel_id) for h in header)]
    lines += [
        delimiter.join(_csv_cell(v, kind, sheet, excel_id) for v, kind in zip(row, kinds, strict=True))
        for row in rows
    ]
    return "\ufeff".encode() + "".join(line + "\r\n" for line in lines).encode("utf-8")


def _workbook(buffer: io.BytesIO) -> Any:
    """An xlsxwriter workbook marked as this tool's output, where text stays text."""
    import xlsxwriter

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
    return book


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """An .xlsx workbook of plain tables (one sheet per table); text is always stored as text."""
    buffer = io.BytesIO()
    book = _workbook(buffer)
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


# Excel's number formats, shown with the reader's own separators (Rp1.234.567 in Indonesia).
# Percentages are stored as Excel percentages (0.4652, shown 46,52%), so that formulas on them
# work as on any percentage; changes and gaps are percentage points (-15.9, shown -15,90 pp).
NUMBER_FORMATS = {
    "money": '"Rp"#,##0',
    "pct": "0.00%",
    "pp": '+0.00" pp";[Red]-0.00" pp";0.00" pp"',
    "int": "0",
    "date": "d mmm yyyy",
}
# Widest a fitted column gets, in characters: long names wrap no further than this.
_WIDEST_TEXT, _WIDEST_NUMBER = 60, 24


def _shown_width(value: Any, kind: str, sheet: Sheet) -> int:
    """About how many characters a cell shows, to fit its column."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return len(sheet.yes_no[0] if value else sheet.yes_no[1])
    if kind == "money" and isinstance(value, int | float):
        return len(f"Rp{round(value):,}")
    if kind == "pct" and isinstance(value, int | float):
        return len(f"{value:.2f}%")
    if kind == "pp" and isinstance(value, int | float):
        return len(f"{value:+.2f} pp")
    if kind == "date":
        return 11
    if kind == "quarter":
        return 6
    return max((len(line) for line in str(value).splitlines()), default=0)


def _widths(sheet: Sheet) -> list[int]:
    """Each column's width from its header and cells (the total rows' too), capped."""
    widths = []
    for j, column in enumerate(sheet.columns):
        cells = [row[j] for row in sheet.rows] + [
            t.label if j == sheet.label_column else t.cells[j] for t in sheet.totals
        ]
        longest = max([_shown_width(v, column.kind, sheet) for v in cells] + [len(column.label)])
        widths.append(min(longest + 2, _WIDEST_TEXT if column.kind == "text" else _WIDEST_NUMBER))
    return widths


class _Styles:
    """The workbook's formats, made once per kind of cell and role (plain, red, total)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.made: dict[tuple[str, str], Any] = {}
        self.header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.government = book.add_format({"bold": True, "font_size": 14})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})

    def cell(self, kind: str, role: str = "plain") -> Any:
        key = (kind, role)
        if key not in self.made:
            # a name longer than its capped column wraps within it, the row's other cells on top
            spec: dict[str, Any] = {"valign": "top", "text_wrap": kind == "text"}
            if kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[kind]
            if role == "red":
                spec["font_color"] = "#C00000"
            if role == "total":
                spec.update(bold=True, top=1)
            self.made[key] = self.book.add_format(spec)
        return self.made[key]


def _write_cell(sheet: Any, i: int, j: int, value: Any, kind: str, style: Any, table: Sheet) -> None:
    if value is None:
        sheet.write_blank(i, j, None, style)
    elif isinstance(value, bool):
        sheet.write_string(i, j, table.yes_no[0] if value else table.yes_no[1], style)
    elif kind == "quarter" and isinstance(value, int):
        sheet.write_string(i, j, QUARTER_NAMES.get(value, str(value)), style)
    elif kind == "pct" and isinstance(value, int | float):
        sheet.write_number(i, j, round(value / 100, 6), style)
    elif isinstance(value, int | float):
        sheet.write_number(i, j, round(value, _DIGITS.get(kind, 4)), style)
    elif isinstance(value, date):
        sheet.write_datetime(i, j, value, style)
    else:
        sheet.write_string(i, j, str(neutralize(value)), style)


def _write_sheet(worksheet: Any, table: Sheet, styles: _Styles) -> None:
    """Title block, header, rows, totals and notes; header frozen, AutoFilter over the table."""
    row = 0
    if table.government:
        worksheet.write_string(row, 0, str(neutralize(table.government)), styles.government)
        row += 1
    worksheet.write_string(row, 0, table.heading, styles.heading)
    row += 1
    for line in table.lines:
        worksheet.write_string(row, 0, str(neutralize(line)))
        row += 1
    header_row = row + 1
    kinds = [c.kind for c in table.columns]
    for j, column in enumerate(table.columns):
        worksheet.write_string(header_row, j, column.label, styles.header)
    for i, values in enumerate(table.rows, start=header_row + 1):
        role = "red" if i - header_row - 1 in table.marked else "plain"
        for j, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            _write_cell(worksheet, i, j, value, kind, styles.cell(kind, role), table)
    last = header_row + len(table.rows)
    for i, total in enumerate(table.totals, start=last + 1):
        for j, (value, kind) in enumerate(zip(total.cells, kinds, strict=True)):
            cell, cell_kind = (total.label, "text") if j == table.label_column else (value, kind)
            _write_cell(worksheet, i, j, cell, cell_kind, styles.cell(cell_kind, "total"), table)
    row = last + len(table.totals) + 2
    for line in table.notes:
        worksheet.write_string(row, 0, str(neutralize(line)), styles.note)
        row += 1
    for j, width in enumerate(_widths(table)):
        worksheet.set_column(j, j, width)
    worksheet.freeze_panes(header_row + 1, 0)
    worksheet.autofilter(header_row, 0, max(last, header_row + 1), max(len(table.columns) - 1, 0))
    worksheet.repeat_rows(header_row)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes


def xlsx_report(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of reports, one sheet per view: a title block above each table, the people's
    headers, totals, Rp and % formats, fitted columns, a frozen header and an AutoFilter."""
    buffer = io.BytesIO()
    book = _workbook(buffer)
    if sheets:
        book.set_properties({"title": sheets[0].heading, "company": sheets[0].government or ""})
    styles = _Styles(book)
    for table in sheets:
        _write_sheet(book.add_worksheet(table.name[:31]), table, styles)
    book.close()
    return buffer.getvalue()


def parquet_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A Parquet file of the rows (column names from ``header``), for DuckDB, Spark or Polars."""
    import polars as pl

    frame = pl.DataFrame([list(r) for r in rows], schema=list(header), orient="row", infer_schema_length=None)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


# The tables ``facts -o`` writes: each but ``sources`` a hive-partitioned Parquet dataset,
# ``TABLE/year=YYYY/as_of=YYYY-MM-DD/part-0.parquet``; ``sources.parquet`` describes every sheet.
FACT_TABLES = ("budget", "realization", "plan", "physical", "sources")
PARTITIONED = ("budget", "realization", "plan", "physical")
PARTITIONS = ("year", "as_of")
# where a partition's value is unknown (no data date): the name Hive, Spark, DuckDB and Polars
# all read back as null
UNKNOWN_PARTITION = "__HIVE_DEFAULT_PARTITION__"
_PART = re.compile(r"part-\d+\.parquet")


def foreign_files(folder: Path) -> list[str]:
    """What ``folder`` holds that ``facts`` did not write (empty when it is missing).

    Its own are ``sources.parquet`` and the partitioned tables' folders holding only their
    partitions (and, from earlier versions, ``budget.parquet`` and the other flat files)."""
    flat = {f"{name}.parquet" for name in FACT_TABLES}
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    foreign: list[str] = []
    for entry in entries:
        if entry.name in flat and entry.is_file(follow_symlinks=False):
            continue
        if entry.name in PARTITIONED and entry.is_dir(follow_symlinks=False):
            foreign.extend(f"{entry.name}/{name}" for name in _foreign_partitions(Path(entry.path)))
            continue
        foreign.append(entry.name)
    return sorted(foreign)


def _foreign_partitions(table: Path) -> list[str]:
    """What a table's folder holds other than ``year=…/as_of=…/part-N.parquet``."""
    foreign = []
    for year in os.scandir(table):
        if not (year.name.startswith("year=") and year.is_dir(follow_symlinks=False)):
            foreign.append(year.name)
            continue
        for as_of in os.scandir(year.path):
            where = f"{year.name}/{as_of.name}"
            if not (as_of.name.startswith("as_of=") and as_of.is_dir(follow_symlinks=False)):
                foreign.append(where)
                continue
            foreign.extend(
                f"{where}/{part.name}"
                for part in os.scandir(as_of.path)
                if not (_PART.fullmatch(part.name) and part.is_file(follow_symlinks=False))
            )
    return foreign


def partition_name(column: str, value: object) -> str:
    """One level of a hive partition path: ``year=2024``, ``as_of=2024-09-30``, unknown as null."""
    return f"{column}={UNKNOWN_PARTITION if value is None else value}"


def write_facts(dataset: Dataset, folder: Path) -> dict[str, int]:
    """The dataset's facts as a partitioned Parquet dataset in ``folder``, all or nothing; rows per table.

    Each table is split by the year and data date of the sheet its rows come from
    (``docs/facts-dataset.md``); ``plan`` and ``physical`` are written only when the inputs
    have them. The files are written into a new folder beside ``folder``, which then takes its
    place: a failure leaves the earlier run's folder as it was, and a success leaves none of
    its files mixed with the new ones.
    """
    import polars as pl

    years = pl.DataFrame(
        [(str(s.file), s.sheet, s.year) for s in dataset.sheets],
        schema={"file": pl.String, "sheet": pl.String, "year": pl.Int32},
        orient="row",
    ).unique(["file", "sheet"], keep="first")
    sources = dataset.sources.join(years, on=["file", "sheet"], how="left", maintain_order="left")
    tables = {
        "budget": dataset.budget,
        "realization": dataset.realization,
        "plan": dataset.plan,
        "physical": dataset.physical,
    }
    keys = sources.select("source", *PARTITIONS)

    def fill(new: Path) -> None:
        for name, frame in tables.items():
            if name in ("plan", "physical") and frame.height == 0:
                continue
            placed = frame.join(keys, on="source", how="left", maintain_order="left")
            parts = placed.partition_by(*PARTITIONS, as_dict=True, maintain_order=True, include_key=False)
            if not parts:  # an empty table is still a table DuckDB and Spark can read
                parts = {(None, None): placed.drop(*PARTITIONS)}
            for values, part in parts.items():
                where = new / name
                for column, value in zip(PARTITIONS, values, strict=True):
                    where = where / partition_name(column, value)
                where.mkdir(parents=True, exist_ok=True)
                buffer = io.BytesIO()
                part.write_parquet(buffer)
                write_atomic(where / "part-0.parquet", buffer.getvalue())
        buffer = io.BytesIO()
        sources.write_parquet(buffer)
        write_atomic(new / "sources.parquet", buffer.getvalue())

    replace_folder(folder, fill)
    return {**{name: frame.height for name, frame in tables.items()}, "sources": sources.height}


def replace_folder(folder: Path, fill: Callable[[Path], None]) -> None:
    """Make ``folder`` hold exactly what ``fill`` writes into an empty folder, all or nothing.

    ``fill`` writes into a temporary folder beside ``folder``; the old folder is renamed aside, the
    new one renamed into its place, and the old one removed. A failure — a full disk, SIGTERM —
    leaves the old folder as it was and no temporary folder behind. The new folder keeps the old
    one's permissions (a new one gets the umask's).
    """
    folder = folder.resolve()  # a link to a folder: the folder it names is replaced, not the link
    try:
        mode: int | None = stat.S_IMODE(folder.stat().st_mode)
    except FileNotFoundError:
        mode = None
    folder.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    new = folder.with_name(f".{folder.name}.{token}.tmp")
    aside = folder.with_name(f".{folder.name}.{token}.old")
    new.mkdir(0o777)
    try:
        fill(new)
        if mode is not None:
            new.chmod(mode)
        if mode is None:
            new.rename(folder)
        else:
            folder.rename(aside)
            try:
                new.rename(folder)
            except BaseException:
                aside.rename(folder)
                raise
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)
