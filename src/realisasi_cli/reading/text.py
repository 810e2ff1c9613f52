"""CSV, and HTML or XML tables saved with a spreadsheet's name, read into grids."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.limits import MAX_CELLS, MAX_COLUMNS, check_extent
from realisasi_cli.inputs.sniff import Decoded, decode, file_codec
from realisasi_cli.messages import Message
from realisasi_cli.reading.grid import Grid, Merge
from realisasi_cli.reading.workbook import clip_merges

# --- CSV, and HTML or XML tables saved with a spreadsheet's name ------------------------------


def read_text(path: Path, kind: str) -> list[Grid]:
    if kind == "text" and path.stat().st_size > _WHOLE_CSV_BYTES:
        return [_read_csv_in_batches(path)]
    raw = path.read_bytes()
    decoded = decode(raw)
    text = decoded.text
    if kind == "html":
        grids = [_read_html(path, text)]
    elif kind == "spreadsheetml":
        grids = _read_spreadsheetml(path, text)
    else:
        grids = [_read_whole_csv(path, text)]
    if grids:
        grids[0].notices[:0] = _encoding_notices(decoded)
    return grids


# A CSV up to this size is read whole, so that a quote left open is mended and lines in another
# encoding are named: at most ~8 million cells as Python strings. A larger one is read in two
# passes and in batches, the limits on cells applied before anything is kept; a quote left open
# in it refuses it, and it is decoded in one encoding.
_WHOLE_CSV_BYTES = 16 << 20

_LINES_NAMED = 5


def _encoding_notices(decoded: Decoded) -> list[tuple[int | None, str, dict[str, object]]]:
    """Lines that disagree with the file's encoding (``inputs.sniff.decode``), as a warning."""
    if not decoded.odd_lines:
        return []
    lines = decoded.odd_lines
    code = "W-TEXT-NOT-UTF8-LINES" if decoded.encoding == "utf-8" else "W-TEXT-UTF8-LINES"
    return [(lines[0], code, {"n": len(lines), "lines": [str(n) for n in lines[:_LINES_NAMED]]})]


def _read_whole_csv(path: Path, text: str) -> Grid:
    """A CSV read whole: a quote left open is mended (``_records``)."""
    try:
        delimiter = _sniff_delimiter(text[:20000])
        # a NUL is no character of any export, and csv refuses the whole file for one
        rows, notices = _records(text.replace("\x00", ""), delimiter)
    except csv.Error as exc:
        raise UnreadableWorkbookError("E-CSV", "H-RESAVE", path=path, reason=_csv_reason(exc)) from exc
    width = max((len(r) for r in rows), default=0)
    check_extent(path, path.stem, len(rows), width, sum(len(r) for r in rows))
    frame = _rows_frame(rows)
    return Grid(path, path.stem, frame, notices=notices, text_file=True, decimal_comma=delimiter == ";")


_MAX_CELL_LINES = 50  # a cell of an export holds a few line breaks; more is a quote left open


class _RunOn(Exception):
    """A quoted cell running on over more lines than a cell holds."""


class _Lines:
    """Lines handed to ``csv.reader`` one by one, from ``start``: where the record being read
    began (``record``), and a stop to one that takes more than ``_MAX_CELL_LINES`` lines."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines = lines
        self.next = self.record = start

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        if self.next - self.record >= _MAX_CELL_LINES:
            raise _RunOn
        self.next += 1
        return self.lines[self.next - 1] + "\n"


def _records(
    text: str, delimiter: str
) -> tuple[list[list[str]], list[tuple[int | None, str, dict[str, object]]]]:
    """The rows of a CSV text, and a warning where a quote that never closes swallowed the rows
    after it.

    A cell may hold a line break inside quotes; a lone ``"`` at the start of a cell opens such a
    cell, which then runs to the next quote, maybe the end of the file, taking every row in
    between (or past csv's limit on a cell's size, refusing the file). A cell that runs over
    more than ``_MAX_CELL_LINES`` lines, or spans lines looking like rows (as many fields as
    the table's rows, or one fewer) over three lines or more or with a quote that never closes,
    was opened by mistake: its lines are read one by one, the unmatched quote as a character.
    """
    rows: list[list[str]] | None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))
    except csv.Error:  # a cell past csv's size limit: a quote left open over a large file
        rows = None
    else:
        # a line break inside quotes is the only way a record spans lines: none, nothing to look at
        breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
        if len(rows) >= breaks + (not text.endswith(("\n", "\r"))):
            return rows, []
    lines = io.StringIO(text, newline=None).read().split("\n")
    if lines and lines[-1] == "":  # the line break that ends the last line
        lines.pop()
    widths = Counter(len(line.split(delimiter)) for line in lines[:200])
    widths.pop(1, None)
    row_like = max(2, (widths.most_common(1)[0][0] if widths else 2) - 1)
    fixed: list[list[str]] = []
    opened: list[int] = []
    start = 0
    while start < len(lines):
        feed = _Lines(lines, start)
        try:
            for record in csv.reader(feed, delimiter=delimiter):
                first, feed.record = feed.record, feed.next
                spanned = lines[first : feed.record]
                unclosed = sum(line.count('"') for line in spanned) % 2 == 1
                if (
                    len(spanned) > 1
                    and (len(spanned) >= 3 or unclosed)
                    and any(len(line.split(delimiter)) >= row_like for line in spanned[1:])
                ):
                    opened.append(first + 1)
                    fixed.extend(_line_fields(line, delimiter) for line in spanned)
                else:
                    fixed.append(record)
            break
        except (_RunOn, csv.Error):
            opened.append(feed.record + 1)
            fixed.append(_line_fields(lines[feed.record], delimiter))
            start = feed.record + 1
    if not opened:
        return fixed, []
    lines_named = [str(n) for n in opened[:_LINES_NAMED]]
    return fixed, [(opened[0], "W-CSV-OPEN-QUOTE", {"n": len(opened), "lines": lines_named})]


def _line_fields(line: str, delimiter: str) -> list[str]:
    """One line's fields; a line with an odd number of quotes is split at every delimiter, a
    quote that opens no closed cell kept as a character."""
    if line.count('"') % 2 == 0:
        return next(csv.reader([line], delimiter=delimiter), [])
    fields = line.split(delimiter)
    return [f[1:-1].replace('""', '"') if len(f) > 1 and f[0] == f[-1] == '"' else f for f in fields]


_CSV_BATCH = 50_000  # rows parsed by Python's csv module before they become a frame


def _read_csv_in_batches(path: Path) -> Grid:
    """A large CSV file, read in two passes over the file: one that counts its rows and fields,
    so that the limits on cells hold before anything is kept, then one that keeps them.

    The second pass parses rows in batches and makes each a frame of text columns, so that
    Python holds one batch of parsed fields at a time.
    """
    codec = file_codec(path)
    try:
        with path.open(encoding=codec, errors="replace", newline="") as handle:
            delimiter = _sniff_delimiter(handle.read(20000))
            handle.seek(0)
            rows = filled = width = 0
            for row in csv.reader(handle, delimiter=delimiter):
                rows += 1
                filled += len(row)
                width = max(width, len(row))
                if width > MAX_COLUMNS or rows * width > MAX_CELLS:
                    check_extent(path, path.stem, rows, width, filled)
            check_extent(path, path.stem, rows, width, filled)
            if not width:
                return Grid(file=path, sheet=path.stem, frame=pl.DataFrame())
            handle.seek(0)
            frames: list[pl.DataFrame] = []
            batch: list[list[str]] = []
            for row in csv.reader(handle, delimiter=delimiter):
                batch.append(row)
                if len(batch) == _CSV_BATCH:
                    frames.append(_batch_frame(batch))
                    batch = []
            frames.append(_batch_frame(batch))
    except csv.Error as exc:
        raise UnreadableWorkbookError("E-CSV", "H-RESAVE", path=path, reason=_csv_reason(exc)) from exc
    frame = pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0]
    frame = frame.select(f"c{j}" for j in range(width))
    return Grid(path, path.stem, frame, text_file=True, decimal_comma=delimiter == ";")


def _batch_frame(rows: list[list[str]]) -> pl.DataFrame:
    """One batch of CSV rows as text columns; blank lines keep their place."""
    frame = _rows_frame(rows)
    return frame if frame.width else pl.DataFrame({"c0": pl.Series([None] * len(rows), dtype=pl.String)})


def _csv_reason(exc: csv.Error) -> object:
    """Why Python's csv module refused the file, in the user's language where it is a refusal a
    file can earn (one cell longer than any export writes, a quote in the wrong place)."""
    text = str(exc)
    if "field larger than field limit" in text:
        return Message("D-CSV-FIELD", {"n": csv.field_size_limit()})
    return text


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
            raise UnreadableWorkbookError("E-TOO-WIDE", "H-RESAVE", path=self.path, n=MAX_COLUMNS)
        row = self.rows[cell.row]
        if len(row) < cell.col + cell.cols:
            self.slots += cell.col + cell.cols - len(row)
            if self.slots > MAX_CELLS:
                raise UnreadableWorkbookError("E-TOO-MANY-CELLS", path=self.path, n=MAX_CELLS)
            row.extend([None] * (cell.col + cell.cols - len(row)))
        row[cell.col] = value
        self.filled += value is not None
        if cell.rows > 1 or cell.cols > 1:
            self.merges.append((cell.row, cell.col, cell.row + cell.rows - 1, cell.col + cell.cols - 1))

    def _new_row(self) -> int:
        self.rows.append([])
        self.slots += 1
        if self.slots > MAX_CELLS:
            raise UnreadableWorkbookError("E-TOO-MANY-CELLS", path=self.path, n=MAX_CELLS)
        return len(self.rows) - 1

    def grid(self, sheet: str, rows: list[list[str | None]], merges: list[Merge]) -> Grid:
        """The grid of one table, once its size is known to be sane."""
        check_extent(self.path, sheet, len(rows), max((len(r) for r in rows), default=0), self.filled)
        frame = _rows_frame(rows)
        return Grid(
            file=self.path, sheet=sheet, frame=frame, merges=clip_merges(self.path, sheet, merges, frame)
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


class HtmlTables(_Cells):
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
    parser = HtmlTables(path)
    parser.feed(text)
    if not any(len(row) > 1 for row in parser.rows):
        raise UnreadableWorkbookError("E-HTML-NO-TABLE", path=path)
    grid = parser.grid(path.stem, parser.rows, parser.merges)
    grid.text_file = True  # a table's cells as a page shows them ("1.500.000,00"), no numeric cells
    return grid


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
        raise UnreadableWorkbookError("E-XML-NO-SHEET", path=path)
    return [parser.grid(name, rows, merges) for name, rows, merges in parser.sheets]
