"""Turn a workbook or CSV file into raw cell grids, one per sheet, without assuming a header.

Cells are read once by calamine (fastexcel). What fastexcel does not tell — where its
range starts, merged ranges, formulas saved without results — comes from a streaming scan
of the .xlsx XML (or python-calamine for .xls/.ods), which costs a decompression, not a
second parse.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from realisasi_cli.errors import FormulaWithoutValueError, UnreadableWorkbookError

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
FOLDER_SUFFIXES = WORKBOOK_SUFFIXES | {".csv", ".tsv"}  # not .txt: folders hold notes too
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES

# Limits against archives that inflate absurdly (zip bombs) and absurd sheet sizes.
MAX_UNCOMPRESSED_BYTES = 3 * 1024**3
MAX_COMPRESSION_RATIO = 400
MAX_CELLS = 60_000_000
_TOP_ROWS = 300  # rows whose cell positions are taken from the XML to align the grid

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (0-based)


@dataclass
class Grid:
    """One sheet's cells: ``frame`` has a column ``c{j}`` per sheet column, row i = sheet row i."""

    file: Path
    sheet: str
    frame: pl.DataFrame
    merges: list[Merge] = field(default_factory=list)
    formula_cells: list[tuple[int, int]] = field(default_factory=list)  # saved without a result
    sheet_count: int = 1

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


def column_letter(index: int) -> str:
    """0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _column_index(letters: str) -> int:
    value = 0
    for ch in letters:
        value = value * 26 + ord(ch) - 64
    return value - 1


def read_grids(path: Path) -> list[Grid]:
    """Read every sheet of ``path`` into a grid; raise ``UnreadableWorkbookError`` if it cannot."""
    suffix = path.suffix.lower()
    try:
        head = path.read_bytes()[:8] if path.stat().st_size else b""
    except OSError as exc:
        raise UnreadableWorkbookError(f"{path}: cannot be opened ({exc.strerror}).") from exc
    if not head:
        raise UnreadableWorkbookError(
            f"{path}: the file is empty.", "Export it again from the source system."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0") and suffix != ".xls" and _is_encrypted_ole(path):
        raise UnreadableWorkbookError(
            f"{path}: the workbook is password-protected.",
            "Open it in a spreadsheet program, remove the password and save it again.",
        )
    if suffix in TEXT_SUFFIXES or (suffix in {".xls", ".xlsx"} and _looks_like_text(head)):
        return [_read_csv(path)]
    if suffix not in WORKBOOK_SUFFIXES:
        raise UnreadableWorkbookError(
            f"{path}: not a spreadsheet (.xlsx, .xlsm, .xls, .ods or .csv).",
        )
    if suffix in {".xlsx", ".xlsm", ".ods"}:
        _check_archive(path)
    return _read_workbook(path)


def _looks_like_text(head: bytes) -> bool:
    # Some systems save HTML or CSV with an .xls suffix.
    return not head.startswith((b"PK", b"\xd0\xcf\x11\xe0")) and not head.startswith(b"<")


def _is_encrypted_ole(path: Path) -> bool:
    data = path.read_bytes()[: 1 << 20]
    return "EncryptedPackage".encode("utf-16-le") in data


def _check_archive(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableWorkbookError(
            f"{path}: the workbook is damaged (not a valid archive).",
            "Open it in a spreadsheet program and save it again, or export it again.",
        ) from exc
    total = sum(info.file_size for info in infos)
    worst = max(
        (info.file_size / max(info.compress_size, 1) for info in infos if info.file_size > 1 << 20),
        default=0.0,
    )
    if total > MAX_UNCOMPRESSED_BYTES or worst > MAX_COMPRESSION_RATIO:
        raise UnreadableWorkbookError(
            f"{path}: refused, the archive would inflate to {total / 1024**2:,.0f} MB "
            f"(compression ratio {worst:,.0f}:1); this is not a normal export.",
            "If the file is genuine, save it again from a spreadsheet program.",
        )


def _read_workbook(path: Path) -> list[Grid]:
    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        reader = fastexcel.read_excel(path)
        names = list(reader.sheet_names)
    except BaseException as exc:  # the Rust reader raises PanicException (a BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _unreadable(path, exc) from exc
    # The XML scan (a decompression) runs beside calamine's parse, which releases the GIL.
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(_scan_xlsx, path) if path.suffix.lower() in {".xlsx", ".xlsm"} else None
    try:
        frames = _load_frames(reader, path, names)
    finally:
        scans = pending.result() if pending is not None else {}
        pool.shutdown()
    grids = []
    for name, frame in frames:
        scan = scans.get(name)
        if scan is not None:
            row0, col0 = scan.origin(frame)
            merges, formulas = scan.merges, scan.formulas
        else:
            row0, col0, merges = _calamine_layout(path, name) if frame.height else (0, 0, [])
            formulas = []
        grids.append(
            Grid(
                file=path,
                sheet=name,
                frame=_place(frame, row0, col0),
                merges=merges,
                formula_cells=formulas,
                sheet_count=len(names),
            )
        )
    return grids


def _load_frames(reader: Any, path: Path, names: list[str]) -> list[tuple[str, pl.DataFrame]]:
    frames = []
    for name in names:
        try:
            sheet = reader.load_sheet(name, header_row=None, schema_sample_rows=None, whitespace_as_null=True)
            frame = sheet.to_polars()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise _unreadable(path, exc, name) from exc
        if frame.height * max(frame.width, 1) > MAX_CELLS:
            raise UnreadableWorkbookError(
                f"{path}: sheet {name!r} has {frame.height:,} rows × {frame.width:,} columns; "
                "refused as absurdly large."
            )
        frames.append((name, frame))
    return frames


def _unreadable(path: Path, exc: BaseException, sheet: str | None = None) -> UnreadableWorkbookError:
    text = str(exc).lower()
    where = f"{path}" if sheet is None else f"{path} (sheet {sheet!r})"
    if "password" in text or "encrypt" in text:
        return UnreadableWorkbookError(
            f"{where}: the workbook is password-protected.",
            "Open it in a spreadsheet program, remove the password and save it again.",
        )
    reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return UnreadableWorkbookError(
        f"{where}: cannot be read as a spreadsheet ({reason}).",
        "Open it in a spreadsheet program and save it again as .xlsx, or export it again.",
    )


def _place(frame: pl.DataFrame, row0: int, col0: int) -> pl.DataFrame:
    """Rename columns to absolute sheet columns and pad the rows above the first cell."""
    frame = frame.rename({name: f"c{col0 + j}" for j, name in enumerate(frame.columns)})
    if row0:
        pad = pl.DataFrame(
            {name: pl.Series([None] * row0, dtype=frame.schema[name]) for name in frame.columns}
        )
        frame = pl.concat([pad, frame], rechunk=False)
    return frame


def _calamine_layout(path: Path, sheet: str) -> tuple[int, int, list[Merge]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        found = book.get_sheet_by_name(sheet)
        start = found.start or (0, 0)
        ranges = found.merged_cell_ranges or []
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return 0, 0, []
    merges = [(int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in ranges]
    return int(start[0]), int(start[1]), merges


# --- streaming scan of .xlsx sheet XML ------------------------------------------------------

_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?(/>|>(.*?)</c>)', re.S)
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>'
)


@dataclass
class _SheetScan:
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


def _scan_xlsx(path: Path) -> dict[str, _SheetScan]:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            return {name: _scan_part(archive, part) for name, part in parts.items()}
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets.update(
        {
            m.group(2): m.group(1)
            for m in re.finditer(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
        }
    )
    parts = {}
    for m in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", book):
        tag = m.group(0)
        name = re.search(r'\bname="([^"]*)"', tag)
        rid = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', tag)
        if not name or not rid:
            continue
        target = targets.get(rid.group(1) or rid.group(2) or "")
        if target:
            target = target.lstrip("/")
            parts[_xml_unescape(name.group(1))] = target if target.startswith("xl/") else f"xl/{target}"
    return parts


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def _chunks(archive: zipfile.ZipFile, part: str, size: int = 1 << 20) -> Iterator[bytes]:
    with archive.open(part) as stream:
        while chunk := stream.read(size):
            yield chunk


def _scan_part(archive: zipfile.ZipFile, part: str) -> _SheetScan:
    top: list[tuple[int, int]] = []
    merges: list[Merge] = []
    formulas: list[tuple[int, int]] = []
    carry = b""
    top_done = False
    for chunk in _chunks(archive, part):
        data = carry + chunk
        # keep an incomplete tail for the next chunk so no tag is cut in two
        cut = data.rfind(b"</row>")
        cut = len(data) if cut < 0 else cut + len(b"</row>")
        if b"<mergeCells" in data:
            cut = len(data)
        body, carry = data[:cut], data[cut:]
        if not top_done:
            for m in _CELL.finditer(body):
                row = int(m.group(2)) - 1
                if row >= _TOP_ROWS:
                    top_done = True
                    break
                inner = m.group(4) or b""
                if b"<v>" in inner or b"<is>" in inner or b"<v " in inner:
                    top.append((row, _column_index(m.group(1).decode())))
        if b"<f" in body:
            formulas.extend(
                (int(m.group(2)) - 1, _column_index(m.group(1).decode()))
                for m in _FORMULA_NO_VALUE.finditer(body)
            )
        for m in _MERGE.finditer(body) if b"<mergeCell " in body else ():
            first_col, first_row = _column_index(m.group(1).decode()), int(m.group(2)) - 1
            last_col = _column_index(m.group(3).decode()) if m.group(3) else first_col
            last_row = int(m.group(4)) - 1 if m.group(4) else first_row
            merges.append((first_row, first_col, last_row, last_col))
    return _SheetScan(top_cells=top, merges=merges, formulas=formulas)


# --- CSV -----------------------------------------------------------------------------------


def _read_csv(path: Path) -> Grid:
    raw = path.read_bytes()
    if raw.lstrip()[:1] == b"<" or raw[:200].lower().lstrip().startswith((b"<html", b"<!doctype", b"<table")):
        return _read_html_table(path, raw)
    text = _decode(raw)
    sample = text[:20000]
    delimiter = _sniff_delimiter(sample)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return Grid(file=path, sheet=path.stem, frame=_rows_frame(rows))


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1.0
    for candidate in (";", ",", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in lines]
        if not counts:
            continue
        wide = [c for c in counts if c > 1]
        # the delimiter that splits most lines into the same number of fields
        score = len(wide) + (max(wide.count(c) for c in set(wide)) if wide else 0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _rows_frame(rows: list[list[Any]]) -> pl.DataFrame:
    width = max((len(r) for r in rows), default=0)
    columns = {
        f"c{j}": pl.Series(
            [(r[j].strip() or None) if j < len(r) and isinstance(r[j], str) else None for r in rows],
            dtype=pl.String,
        )
        for j in range(width)
    }
    return pl.DataFrame(columns) if columns else pl.DataFrame()


def _read_html_table(path: Path, raw: bytes) -> Grid:
    from html.parser import HTMLParser

    class _Table(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self._cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in {"td", "th"}:
                self._cell = []
                span = dict(attrs).get("colspan")
                self._span = int(span) if span and span.isdigit() else 1

        def handle_endtag(self, tag: str) -> None:
            if tag in {"td", "th"} and self._cell is not None and self.rows:
                self.rows[-1].append(" ".join("".join(self._cell).split()))
                self.rows[-1].extend([""] * (self._span - 1))
                self._cell = None

        def handle_data(self, data: str) -> None:
            if self._cell is not None:
                self._cell.append(data)

    parser = _Table()
    parser.feed(_decode(raw))
    if not parser.rows:
        raise UnreadableWorkbookError(f"{path}: an HTML file without a table, not a spreadsheet.")
    return Grid(file=path, sheet=path.stem, frame=_rows_frame(parser.rows))


def require_cached_values(grid: Grid, columns: list[int], first_row: int) -> None:
    """Fail when amounts in ``columns`` are formulas saved without their results."""
    missing = [(r, c) for r, c in grid.formula_cells if c in columns and r >= first_row]
    if missing:
        r, c = missing[0]
        raise FormulaWithoutValueError(
            f"{grid.file} ({grid.where(r, c)}): {len(missing)} amount cell(s) are formulas "
            "saved without their results.",
            "Open the file in Excel or LibreOffice and save it again, so the results are stored.",
        )
