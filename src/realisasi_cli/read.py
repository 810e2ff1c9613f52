"""Turn a workbook or CSV file into raw cell grids, one per sheet, without assuming a header.

Cells are read once by calamine (fastexcel). What fastexcel does not tell — where its
range starts, merged ranges, formulas saved without results — comes from a streaming scan
of the .xlsx XML (or python-calamine for .xls/.ods), which costs a decompression, not a
second parse.

Every file passes ``guard.check_file`` before a reader opens it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from realisasi_cli.errors import FormulaWithoutValueError, UnreadableWorkbookError
from realisasi_cli.guard import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_TAG,
    PASSWORD,
    RESAVE,
    ZIP_ERRORS,
    check_extent,
    check_file,
    column_index,
    decode_text,
    member_pieces,
    sheet_parts,
)

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


def read_grids(path: Path) -> list[Grid]:
    """Read every sheet of ``path`` into a grid; raise ``UnreadableWorkbookError`` if it cannot."""
    checked = check_file(path)
    if checked.kind in {"text", "html", "spreadsheetml"}:
        return _read_text(path, checked.kind)
    return _read_workbook(path, checked.kind, checked.formulas)


# --- reading a workbook with calamine ----------------------------------------------------------

_beside_parse: list[Callable[[], object]] = []


@contextlib.contextmanager
def beside_parse(task: Callable[[], object]) -> Iterator[None]:
    """Within this block, run ``task`` in the worker thread of the first workbook read.

    calamine's parse releases the GIL and keeps one core busy; a command hands over work it
    will need once the sheet is read (its output's imports and locale data), so that the
    other core does it meanwhile. Tasks of inner blocks run first (what the read itself
    needs next comes before the command's output). A task that fails is left for the
    command to meet again; one that no workbook took (a CSV, a refused file) is dropped
    when the block ends.
    """
    _beside_parse.insert(0, task)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            _beside_parse.remove(task)


def _quietly(task: Callable[[], object]) -> None:
    try:
        task()
    except Exception:  # the command does this work again, and reports what fails
        logging.getLogger(__name__).debug("work beside the parse failed", exc_info=True)


_SUFFIXES_OF = {"xlsx": {".xlsx", ".xlsm"}, "xlsb": {".xlsb"}, "ods": {".ods"}, "xls": {".xls"}}


def _read_workbook(
    path: Path, kind: str, formulas_of: dict[str, list[tuple[int, int]]] | None = None
) -> list[Grid]:
    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    # calamine picks its reader from the suffix; bytes make it look at the content instead.
    source: Path | bytes = path if path.suffix.lower() in _SUFFIXES_OF[kind] else path.read_bytes()
    try:
        reader = fastexcel.read_excel(source)
        names = list(reader.sheet_names)
    except BaseException as exc:  # the Rust reader raises PanicException (a BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _unreadable(path, exc) from exc
    # The XML scan (a decompression) runs beside calamine's parse, which releases the GIL.
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(_scan_xlsx, path) if kind == "xlsx" else None
    with contextlib.suppress(IndexError):  # workbooks of a folder are read in several threads
        while True:
            pool.submit(_quietly, _beside_parse.pop(0))
    try:
        frames = _load_frames(reader, path, names)
    finally:
        scans = pending.result() if pending is not None else {}
        pool.shutdown(wait=False)
    grids = []
    for name, frame in frames:
        scan = scans.get(name)
        if scan is not None:
            row0, col0 = scan.origin(frame)
            merges, formulas = scan.merges, scan.formulas
        else:
            row0, col0, merges = _calamine_layout(source, name) if frame.height else (0, 0, [])
            formulas = (formulas_of or {}).get(name, [])
        placed = _place(frame, row0, col0)
        grids.append(
            Grid(
                file=path,
                sheet=name,
                frame=placed,
                merges=_clip_merges(path, name, merges, placed),
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
        check_extent(path, name, frame.height, frame.width, frame.height * frame.width)
        frames.append((name, frame))
    return frames


def _unreadable(path: Path, exc: BaseException, sheet: str | None = None) -> UnreadableWorkbookError:
    text = str(exc).lower()
    where = f"{path}" if sheet is None else f"{path} (sheet {sheet!r})"
    if "password" in text or "encrypt" in text:
        return UnreadableWorkbookError(f"{where}: the workbook is password-protected.", PASSWORD)
    reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return UnreadableWorkbookError(f"{where}: cannot be read as a spreadsheet ({reason}).", RESAVE)


def _place(frame: pl.DataFrame, row0: int, col0: int) -> pl.DataFrame:
    """Rename columns to absolute sheet columns and pad the rows above the first cell."""
    frame = frame.rename({name: f"c{col0 + j}" for j, name in enumerate(frame.columns)})
    if row0:
        pad = pl.DataFrame(
            {name: pl.Series([None] * row0, dtype=frame.schema[name]) for name in frame.columns}
        )
        frame = pl.concat([pad, frame], rechunk=False)
    return frame


def _clip_merges(path: Path, sheet: str, merges: list[Merge], frame: pl.DataFrame) -> list[Merge]:
    """Merged ranges cut to the cells the sheet has; overlapping ranges mean a damaged sheet."""
    if not merges:
        return []
    last_row = frame.height - 1
    last_col = max((int(name[1:]) for name in frame.columns), default=-1)
    clipped = []
    area = 0
    for r0, c0, r1, c1 in merges:
        r0, c0 = max(r0, 0), max(c0, 0)
        r1, c1 = min(r1, last_row), min(c1, last_col)
        if r0 > r1 or c0 > c1:
            continue
        clipped.append((r0, c0, r1, c1))
        area += (r1 - r0 + 1) * (c1 - c0 + 1)
    if area > 2 * max(frame.height * (last_col + 1), 1):
        raise UnreadableWorkbookError(
            f"{path}: sheet {sheet!r} has merged ranges that overlap; the workbook is damaged.", RESAVE
        )
    return clipped


def _calamine_layout(source: Path | bytes, sheet: str) -> tuple[int, int, list[Merge]]:
    from python_calamine import CalamineWorkbook

    try:
        if isinstance(source, bytes):
            book = CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            book = CalamineWorkbook.from_path(str(source))
        found = book.get_sheet_by_name(sheet)
        start = found.start or (0, 0)
        ranges = found.merged_cell_ranges or []
        merges = [(int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in ranges]
        return int(start[0]), int(start[1]), merges
    except BaseException as exc:  # PanicException too; the layout is a refinement, not a need
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return 0, 0, []


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
            parts = sheet_parts(archive)
            recalc = bool(_FULL_CALC.search(archive.read("xl/workbook.xml").decode("utf-8", "replace")))
            return {name: _scan_part(path, archive.getinfo(part), recalc) for name, part in parts.items()}
    except ZIP_ERRORS:
        # the archive was checked before; what it cannot tell here only refines the grid
        return {}


def _scan_part(path: Path, info: zipfile.ZipInfo, recalc: bool = False) -> _SheetScan:
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
    return _SheetScan(top_cells=top, merges=merges, formulas=sorted(formulas))


# --- CSV, and HTML or XML tables saved with a spreadsheet's name ------------------------------


def _read_text(path: Path, kind: str) -> list[Grid]:
    raw = path.read_bytes()
    text = decode_text(raw)
    if kind == "html":
        return [_read_html(path, text)]
    if kind == "spreadsheetml":
        return _read_spreadsheetml(path, text)
    return [_read_csv(path, text)]


def _read_csv(path: Path, text: str) -> Grid:
    try:
        delimiter = _sniff_delimiter(text[:20000])
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableWorkbookError(f"{path}: cannot be read as CSV ({exc}).", RESAVE) from exc
    width = max((len(r) for r in rows), default=0)
    check_extent(path, path.stem, len(rows), width, sum(len(r) for r in rows))
    return Grid(file=path, sheet=path.stem, frame=_rows_frame(rows))


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


_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the HTML standard's own limits


class _Cell:
    """An open table cell: where it sits, what it spans, and its text so far."""

    def __init__(self, row: int, col: int, rows: int, cols: int) -> None:
        self.row, self.col, self.rows, self.cols = row, col, rows, cols
        self.text: list[str] = []


class _Table:
    """A table being parsed: its current row, the cells spanning down into later rows."""

    def __init__(self) -> None:
        self.row: int | None = None
        self.col = 0
        self.busy: dict[int, int] = {}  # column -> last row a rowspan above occupies
        self.cell: _Cell | None = None


_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)([^<>]*)>")
_TAG_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_RAW_END = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _markup(text: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    """("start" | "end" | "empty" | "text", tag, attributes) of HTML or XML, in one linear pass.

    html.parser needs quadratic time on some malformed input (thousands of "<a" without ">"),
    which a damaged export must not turn into a hang.
    """
    import html  # for the text of HTML tables only

    pos, end = 0, len(text)
    while pos < end:
        lt = text.find("<", pos)
        if lt < 0:
            yield "text", "", {"": html.unescape(text[pos:])}
            return
        if lt > pos:
            yield "text", "", {"": html.unescape(text[pos:lt])}
        if text.startswith("<!--", lt):
            close = text.find("-->", lt + 4)
            pos = end if close < 0 else close + 3
            continue
        if text.startswith("<![CDATA[", lt):
            close = text.find("]]>", lt + 9)
            yield "text", "", {"": text[lt + 9 : end if close < 0 else close]}
            pos = end if close < 0 else close + 3
            continue
        tag = _TAG.match(text, lt)
        if tag is None:
            if text.startswith(("<!", "<?"), lt):
                close = text.find(">", lt)
                pos = end if close < 0 else close + 1
            else:
                yield "text", "", {"": "<"}
                pos = lt + 1
            continue
        pos = tag.end()
        name, raw = tag.group(2).lower(), tag.group(3)
        attrs = {}
        if len(raw) <= 1 << 16:  # longer attribute lists belong to no table
            for a in _TAG_ATTR.finditer(raw):
                attrs[a.group(1).lower()] = html.unescape(a.group(2) or a.group(3) or a.group(4) or "")
        if tag.group(1):
            yield "end", name, attrs
        elif raw.endswith("/"):
            yield "empty", name, attrs
        else:
            yield "start", name, attrs
            if name in _RAW_END:  # script and style text is not data, "<" and all
                found = _RAW_END[name].search(text, pos)
                pos = end if found is None else found.end()


class _Cells:
    """Rows of cells placed by their spans; merged ranges where a cell spans several."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[list[str | None]] = []
        self.merges: list[Merge] = []
        self.slots = 0  # list entries held, against a table of a billion empty cells
        self.filled = 0

    def _put(self, cell: _Cell) -> None:
        value = " ".join("".join(cell.text).split()) or None
        if cell.col + cell.cols > MAX_COLUMNS:
            raise UnreadableWorkbookError(
                f"{self.path}: a table wider than {MAX_COLUMNS:,} columns; refused as absurd.", RESAVE
            )
        row = self.rows[cell.row]
        if len(row) < cell.col + cell.cols:
            self.slots += cell.col + cell.cols - len(row)
            if self.slots > MAX_CELLS:
                raise UnreadableWorkbookError(
                    f"{self.path}: more than {MAX_CELLS:,} cells; refused as absurd."
                )
            row.extend([None] * (cell.col + cell.cols - len(row)))
        row[cell.col] = value
        self.filled += value is not None
        if cell.rows > 1 or cell.cols > 1:
            self.merges.append((cell.row, cell.col, cell.row + cell.rows - 1, cell.col + cell.cols - 1))

    def _new_row(self) -> int:
        self.rows.append([])
        self.slots += 1
        if self.slots > MAX_CELLS:
            raise UnreadableWorkbookError(f"{self.path}: more than {MAX_CELLS:,} cells; refused as absurd.")
        return len(self.rows) - 1

    def grid(self, sheet: str, rows: list[list[str | None]], merges: list[Merge]) -> Grid:
        """The grid of one table, once its size is known to be sane."""
        check_extent(self.path, sheet, len(rows), max((len(r) for r in rows), default=0), self.filled)
        frame = _rows_frame(rows)
        return Grid(
            file=self.path, sheet=sheet, frame=frame, merges=_clip_merges(self.path, sheet, merges, frame)
        )

    @staticmethod
    def _count(value: str | None, limit: int) -> int:
        """A numeric attribute as a number from 0 to ``limit`` (0 when it is not a number)."""
        digits = (value or "").strip()
        return min(int(digits), limit) if digits.isascii() and digits.isdigit() and len(digits) < 12 else 0

    def _span(self, value: str | None, limit: int) -> int:
        """A span or position attribute (rowspan, colspan, Index) as a number from 1 to ``limit``."""
        return max(self._count(value, limit), 1)

    def feed(self, text: str) -> None:
        """Parse a whole document."""
        for kind, tag, attrs in _markup(text):
            if kind == "text":
                self.handle_data(attrs[""])
            elif kind == "start":
                self.handle_starttag(tag, attrs)
            elif kind == "end":
                self.handle_endtag(tag)
            else:
                self.handle_starttag(tag, attrs)
                self.handle_endtag(tag)
        self.close()

    def handle_starttag(self, tag: str, attrs: dict[str, str]) -> None:
        """An opening tag."""

    def handle_endtag(self, tag: str) -> None:
        """A closing tag."""

    def handle_data(self, data: str) -> None:
        """Text between tags."""

    def close(self) -> None:
        """The end of the document."""


class _HtmlTables(_Cells):
    """Every table row of an HTML page in document order; text between tables as one-cell rows."""

    _BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "li", "center", "title"})

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.tables: list[_Table] = []
        self.outside: list[str] = []

    def handle_starttag(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "table":
            self._flush_outside()
            self.tables.append(_Table())
        elif tag == "br" or tag in self._BLOCKS:
            self._text("\n")
        elif self.tables and tag == "tr":
            table = self.tables[-1]
            self._close_cell(table)
            table.row, table.col = self._new_row(), 0
        elif self.tables and tag in ("td", "th"):
            table = self.tables[-1]
            self._close_cell(table)
            if table.row is None:
                table.row, table.col = self._new_row(), 0
            rows = self._span(attrs.get("rowspan"), _MAX_ROWSPAN)
            cols = self._span(attrs.get("colspan"), _MAX_COLSPAN)
            while table.busy.get(table.col, -1) >= table.row:
                table.col += 1
            table.cell = _Cell(table.row, table.col, rows, cols)
            for c in range(table.col, table.col + cols):
                table.busy[c] = table.row + rows - 1
            table.col += cols

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self._text("\n")
        elif self.tables and tag in ("td", "th"):
            self._close_cell(self.tables[-1])
        elif self.tables and tag == "tr":
            table = self.tables[-1]
            self._close_cell(table)
            table.row = None
        elif self.tables and tag == "table":
            self._close_cell(self.tables[-1])
            self.tables.pop()

    def handle_data(self, data: str) -> None:
        self._text(data)

    def close(self) -> None:
        while self.tables:
            self._close_cell(self.tables.pop())
        self._flush_outside()

    def _text(self, data: str) -> None:
        if self.tables:
            cell = self.tables[-1].cell
            if cell is not None:
                cell.text.append(data if data != "\n" else " ")
            return
        if data == "\n":
            self._flush_outside()
        else:
            self.outside.append(data)

    def _flush_outside(self) -> None:
        line = " ".join("".join(self.outside).split())
        self.outside = []
        if line:
            self.rows[self._new_row()].append(line)
            self.filled += 1

    def _close_cell(self, table: _Table) -> None:
        if table.cell is not None:
            self._put(table.cell)
            table.cell = None


def _read_html(path: Path, text: str) -> Grid:
    parser = _HtmlTables(path)
    parser.feed(text)
    if not any(len(row) > 1 for row in parser.rows):
        raise UnreadableWorkbookError(f"{path}: an HTML file without a table; not a spreadsheet.")
    return parser.grid(path.stem, parser.rows, parser.merges)


class _XmlSpreadsheet(_Cells):
    """The worksheets of an Excel 2003 XML Spreadsheet (Workbook/Worksheet/Table/Row/Cell/Data)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.sheets: list[tuple[str, list[list[str | None]], list[Merge]]] = []
        self.row: int | None = None
        self.col = 0
        self.cell: _Cell | None = None
        self.busy: dict[int, int] = {}
        self.in_data = False

    def handle_starttag(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rsplit(":", 1)[-1]
        values = {k.rsplit(":", 1)[-1]: v for k, v in attrs.items()}
        if name == "worksheet":
            self.rows, self.merges, self.busy = [], [], {}
            self.sheets.append((values.get("name") or f"Sheet{len(self.sheets) + 1}", self.rows, self.merges))
        elif name == "row" and self.sheets:
            index = self._span(values.get("index"), 1 << 20) - 1
            while len(self.rows) < index:
                self._new_row()
            self.row, self.col = self._new_row(), 0
        elif name == "cell" and self.row is not None:
            if values.get("index"):
                self.col = self._span(values.get("index"), MAX_COLUMNS + 1) - 1
            while self.busy.get(self.col, -1) >= self.row:
                self.col += 1
            rows = 1 + self._count(values.get("mergedown"), _MAX_ROWSPAN - 1)
            cols = 1 + self._count(values.get("mergeacross"), _MAX_COLSPAN - 1)
            self.cell = _Cell(self.row, self.col, rows, cols)
            for c in range(self.col, self.col + cols):
                self.busy[c] = self.row + rows - 1
            self.col += cols
        elif name == "data":
            self.in_data = True

    def handle_endtag(self, tag: str) -> None:
        name = tag.rsplit(":", 1)[-1]
        if name == "data":
            self.in_data = False
        elif name == "cell" and self.cell is not None:
            self._put(self.cell)
            self.cell = None
        elif name == "row":
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.in_data and self.cell is not None:
            self.cell.text.append(data)


def _read_spreadsheetml(path: Path, text: str) -> list[Grid]:
    parser = _XmlSpreadsheet(path)
    parser.feed(text)
    if not parser.sheets:
        raise UnreadableWorkbookError(f"{path}: an XML file without a worksheet; not a spreadsheet.")
    grids = [parser.grid(name, rows, merges) for name, rows, merges in parser.sheets]
    for grid in grids:
        grid.sheet_count = len(grids)
    return grids


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
