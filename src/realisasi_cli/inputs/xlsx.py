"""The rectangle of each .xlsx sheet, measured from its XML as calamine reads it.

Which part is which sheet is decided in ``inputs.package``; here the sheet XML is read in
pieces, with the tag fragments that ``reading.xlsx_scan`` shares, and each cell placed where
calamine places it.
"""

from __future__ import annotations

import re
import zipfile
from collections import deque
from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import Damaged, inflate_member
from realisasi_cli.inputs.limits import (
    MAX_POSITIONAL_TAGS,
    MAX_TAG,
    MAX_TEXT_RUN,
    SPARSE_CELLS,
    SPARSE_FILL,
    check_extent,
)
from realisasi_cli.inputs.package import AttrError, get_attrs, raw_attr
from realisasi_cli.sheetref import column_index

if TYPE_CHECKING:
    import polars as pl


# --- the rectangle of an .xlsx sheet, from its XML ---------------------------------------------

_DIMENSION = re.compile(
    rb"<(?:[\w.-]+:)?dimension\b[^<>]*?\bref\s*=\s*[\"']([A-Za-z]+)(\d+)(?::([A-Za-z]+)(\d+))?[\"']"
)
# A tag's attributes: ">" may stand inside a quoted value, so quotes are skipped whole.
_QUOTED = rb"\"[^\"]*\"|'[^']*'"
ATTRS = rb"((?:[^<>\"']|" + _QUOTED + rb")*)"
_ATTRIBUTE = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
# The XML reader takes the name after a prefix of any characters but white space, "/" and ">".
PREFIX = rb"(?:[^ \t\r\n<>/:]*:)?"
_CELL_TAG = re.compile(rb"<" + PREFIX + rb"c\b" + ATTRS + rb">")
_ROW_TAG = re.compile(rb"<" + PREFIX + rb"row\b" + ATTRS + rb">")
# The r attribute of a cell or row, reached by skipping the attributes before it whole.
_BEFORE_R = rb"\s*(?:(?!r\s*=)[\w:.-]+\s*=\s*(?:" + _QUOTED + rb")\s*)*r\s*=\s*[\"']\s*"
_CELL_REF = re.compile(_BEFORE_R + rb"([A-Za-z]+)(\d+)\s*[\"']")
_ROW_REF = re.compile(_BEFORE_R + rb"(\d+)\s*[\"']")


def open_tag(name: bytes, attribute: bytes, value: bytes) -> bytes:
    """A pattern of the start tag ``<name …>`` (any prefix) whose ``attribute``, wherever it
    stands, matches ``value``; the attributes before it are skipped whole, quotes and all.

    The safety measurement and the reader's scan (``reading.xlsx_scan``) read tags with these
    fragments, so that both see the same cells, merges and formulas as the XML reader does.
    """
    before = rb"\s+(?:(?!" + attribute + rb"\s*=)[\w:.-]+\s*=\s*(?:" + _QUOTED + rb")\s*)*"
    quoted = attribute + rb"\s*=\s*[\"']\s*" + value + rb"\s*[\"']"
    return b"<" + PREFIX + name + before + quoted + ATTRS


def element(name: bytes) -> bytes:
    """A pattern of an element without child elements, ``<f …/>`` or ``<f …>text</f>``, any prefix."""
    return b"<" + PREFIX + name + rb"\b" + ATTRS + rb"(?:(?<=/)>|>[^<]*</" + PREFIX + name + rb"\s*>)"


def end_tag(name: bytes) -> bytes:
    """A pattern of the end tag ``</name>``, any prefix."""
    return b"</" + PREFIX + name + rb"\s*>"


# What follows the last "<" of a piece of XML, when that tag is whole ("<" cannot follow it).
_TAG_REST = re.compile(ATTRS + rb">")


_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml[^<>]*\?>")
_ASIDE_OR_TAG = re.compile(rb"<(!--|!\[CDATA\[|\?|!)|<" + ATTRS + rb">")
# where each ends; quick-xml ends "<?" at the first "?>", its own "?" included ("<?>")
_ASIDE_END = {b"!--": (b"-->", 0), b"![CDATA[": (b"]]>", 0), b"?": (b"?>", 1)}


def without_asides(body: bytes, masked: bool = False) -> tuple[bytes, bytes]:
    """``body`` without its comments, CDATA sections and processing instructions, and the
    start of one still open at its end (to wait for the next piece). ``masked``: each is
    replaced by as many spaces instead, so that lengths measured in the result hold.

    The XML reader skips them (a CDATA section is text), the tag regexes would not: a quote
    inside one would hide the tags after it. Tags are skipped whole, quoted values and all,
    so that "<!--" inside a value is not taken for a comment. Any other "<!" (a document type
    declaration, which calamine's reader parses by rules of its own) is refused, and so is a
    "<" inside a tag, before which the reader and the regexes would disagree on where a comment
    starts.
    """
    prolog = _PROLOG.match(body)
    start = prolog.end() if prolog else 0
    kept = [b" " * start] if masked else []
    # "<" is in every tag, "!" and "?" are rare: memchr finds them far faster than "<!", "<?"
    comment = b"!" in body and body.find(b"<!", start) >= 0
    if not comment and (b"?" not in body or body.find(b"<?", start) < 0):
        return b"".join([*kept, body[start:]]), b""
    pos = start
    while (m := _ASIDE_OR_TAG.search(body, pos)) is not None:
        if body.find(b"<", pos, m.start()) >= 0:
            # a "<" that starts no tag closed before the next "<": calamine's reader reads that
            # tag on, over what would be taken here for a comment
            raise Damaged("D-XML-LT")
        if m.group(1) is None:
            pos = m.end()
            continue
        if m.group(1) == b"!":
            raise Damaged("D-XML-DECLARATION")
        kept.append(body[start : m.start()])
        closing, back = _ASIDE_END[m.group(1)]
        end = body.find(closing, m.end() - back)
        if end < 0:
            if len(body) - m.start() > MAX_TEXT_RUN:
                raise Damaged("D-XML-COMMENT")
            return b"".join(kept), body[m.start() :]
        pos = end + len(closing)
        if masked:
            kept.append(b" " * (pos - m.start()))
        start = pos
    kept.append(body[start:])
    return b"".join(kept), b""


def tag_attributes(attrs: bytes) -> dict[bytes, bytes]:
    """A tag's attributes by name, read in order, so that text inside a value is not taken for one."""
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(attrs)
    }


def numbers_above(limit: int) -> str:
    """A regex for a decimal number greater than ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    n = len(digits)
    branches = [rf"[1-9][0-9]{{{n},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            branches.append(f"{digits[:i]}[{int(d) + 1}-9]" + rf"[0-9]{{{n - i - 1}}}")
    return "0*(?:" + "|".join(branches) + r")(?:[^0-9]|$)"


def letters_above(letters: str) -> str:
    """A regex for column letters after ``letters``, in either case, followed by the row's digits."""
    n = len(letters)
    branches = [f"[A-Za-z]{{{n + 1},}}"]
    for i, ch in enumerate(letters.upper()):
        if ch != "Z":
            prefix = "".join(f"[{c}{c.lower()}]" for c in letters[:i].upper())
            after = chr(ord(ch) + 1)
            branches.append(f"{prefix}[{after}-Z{after.lower()}-z][A-Za-z]{{{n - i - 1}}}")
    return "(?:" + "|".join(branches) + r")[0-9]"


_BATCH = 4 << 20  # bytes of sheet XML searched at once, by Polars' regex engine
_QUEUED = 16 << 20  # bytes of sheet XML waiting for the search at most


def complete_tags(data: bytes) -> tuple[bytes, bytes]:
    """Split streamed XML where its last tag is complete: (what can be scanned, what waits).

    A tag cut in two by a chunk boundary waits for the next chunk; one longer than 1 MB is
    not XML any spreadsheet writes.
    """
    lt = data.rfind(b"<")
    if lt < 0 or _TAG_REST.match(data, lt + 1):  # the last tag closes, outside its quoted values
        return data, b""
    if len(data) - lt > MAX_TAG:
        raise Damaged("D-XML-TAG")
    return data[:lt], data[lt:]


@dataclass
class _Measure:
    """The extent of the cells in some pieces of sheet XML."""

    max_row: int = 0
    max_col: int = 0
    positional: bool = False  # a filled cell whose place calamine takes from the cells before it
    max_row_tag: int = 0

    def add(self, other: _Measure) -> None:
        self.max_row = max(self.max_row, other.max_row)
        self.max_col = max(self.max_col, other.max_col)
        self.positional = self.positional or other.positional
        self.max_row_tag = max(self.max_row_tag, other.max_row_tag)


# the fewest bytes of sheet XML that make one reference to a shared string: <c t="s"><v>0</v></c>
_REFERENCE_BYTES = 21


@dataclass
class SheetStats:
    """What the measurement of one sheet found, for the limits that span the workbook."""

    xml_bytes: int = 0  # the sheet's XML, inflated
    cells: int = 0  # its rectangle, as calamine will allocate it
    filled: int = 0

    @property
    def references(self) -> int:
        """At least as many as the sheet's references to shared strings."""
        return self.xml_bytes // _REFERENCE_BYTES


class XmlExtent:
    """The rows × columns that calamine would allocate for a worksheet, read chunk by chunk.

    Where the sheet declares its ``<dimension>``, a search confirms that no cell lies beyond
    it and that every cell starts with its reference; otherwise (or when one does not) every
    cell reference is read. Each batch of XML is searched or measured in a worker thread
    while the next is inflated (both release the GIL); at most ``_QUEUED`` bytes wait for it.
    Filled cells are counted only until there are enough of them for the density rule, which
    a real export reaches early in its XML. A cell whose place calamine takes from the cells
    and rows before it (it has no reference) sets ``positional``: such a sheet is then placed
    cell by cell, in order, by ``Positions``.
    """

    def __init__(self, trust_dimension: bool = True) -> None:
        self.trust_dimension = trust_dimension
        self.used_dimension = False
        self.exact = not trust_dimension
        self.started = False
        self.beyond = ""
        self.extent = _Measure()
        self.filled = 0
        self.needed = 0  # filled cells that satisfy the density rule for the declared rectangle
        self.stats = SheetStats()
        self.carry = b""
        self.batch: list[bytes] = []
        self.batch_bytes = 0
        self.pools: dict[int, ThreadPoolExecutor] = {}  # by number of workers
        # the pieces, their size, and the answer: None when the search found nothing, and how
        # many cells with a value the pieces hold
        self.pending: deque[tuple[list[bytes], int, Future[tuple[_Measure | None, int]]]] = deque()
        self.pending_bytes = 0

    @property
    def positional(self) -> bool:
        """Whether some cell takes its place from the ones before it."""
        return self.extent.positional

    def feed(self, chunk: bytes) -> None:
        self.stats.xml_bytes += len(chunk)
        body, self.carry = complete_tags(self.carry + chunk)
        body, open_aside = without_asides(body)
        self.carry = open_aside + self.carry
        self._scan(body)

    def finish(self) -> tuple[int, int]:
        try:
            self._scan(self.carry)
            self.carry = b""
            self._examine(last=True)
            while self.pending:
                self._collect()
        finally:
            self.close()
        return self.extent.max_row, self.extent.max_col

    def close(self) -> None:
        """Stop the worker threads (also when a piece was refused on the way)."""
        for pool in self.pools.values():
            pool.shutdown(cancel_futures=True)

    def _scan(self, body: bytes) -> None:
        if not self.started:
            self.started = True
            found = _DIMENSION.search(body) if self.trust_dimension else None
            if found is None:
                self.exact = True
            else:
                letters, digits = found.group(3) or found.group(1), found.group(4) or found.group(2)
                self.extent.max_row, self.extent.max_col = number(digits), column_index(letters.decode()) + 1
                self.used_dimension = True
                cells = self.extent.max_row * self.extent.max_col
                self.needed = -(-cells // SPARSE_FILL) if cells > SPARSE_CELLS else 0
                # A reference beyond the dimension, or an r attribute written unusually
                # ("r = 'A1'", see search_batch), sends the scan to read every cell.
                self.beyond = (
                    r"r=[\"'](?:"
                    + letters_above(letters.decode())
                    + r"|[A-Za-z]*"
                    + numbers_above(self.extent.max_row)
                    + ")"
                )
        self.batch.append(body)
        self.batch_bytes += len(body)
        if self.batch_bytes >= _BATCH:
            self._examine()

    def _examine(self, last: bool = False) -> None:
        bodies, size, self.batch, self.batch_bytes = self.batch, self.batch_bytes, [], 0
        if not bodies or self.extent.positional:
            return  # a sheet of cells placed one after the other is placed by Positions
        # A search keeps pace with the inflate; measuring every cell takes both cores.
        workers = 2 if self.exact else 1
        if workers not in self.pools and not (last and not self.pending):
            self.pools[workers] = ThreadPoolExecutor(max_workers=workers)
        beyond = None if self.exact else self.beyond
        count = self.exact or self.filled < self.needed
        if last and not self.pending:
            # the whole sheet in one batch (most small exports): a thread would only add its start
            future: Future[tuple[_Measure | None, int]] = Future()
            future.set_result(_examine_batch(bodies, beyond, count))
        else:
            future = self.pools[workers].submit(_examine_batch, bodies, beyond, count)
        self.pending.append((bodies, size, future))
        self.pending_bytes += size
        while self.pending and (self.pending_bytes > _QUEUED or self.pending[0][2].done()):
            self._collect()

    def _collect(self) -> None:
        """Take the oldest batch's answer: nothing beyond the dimension, or its cells' extent.

        Once one batch sends the scan to measuring, the batches sent to a search before that
        answer came are measured too: a clean search does not see cells without an r.
        """
        bodies, size, future = self.pending.popleft()
        self.pending_bytes -= size
        measure, valued = future.result()
        self.filled += valued
        if self.extent.positional:
            return
        if measure is None and self.exact:
            measure = _measure(bodies)
        if measure is not None:
            self.exact = True
            self.extent.add(measure)


def bodies_as_text(bodies: list[bytes]) -> pl.Series:
    """Pieces of sheet XML as a Polars text column.

    Pieces end at a tag, never inside a character. Only ASCII matters to the searches, so
    text that is not UTF-8 is searched with U+FFFD in place of its undecodable bytes.
    """
    import polars as pl

    try:
        return pl.Series(bodies, dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.PolarsError:
        return pl.Series([body.decode("utf-8", "replace") for body in bodies], dtype=pl.String)


# A cell tag that does not start with its reference: calamine may place it after the one before.
# (after "<" or after any prefix's ":", which Polars' engine finds fastest as a pair of bytes)
_UNREFERENCED = r"[<:]c(?:/|>|[ \t\r\n]+(?:[^r \t\r\n]|r[ \t\r\n]*[^ \t\r\n=]))"


# A cell with a value: a <v> with text (after a formula, if any) or an <is>. Only such cells
# count for the density rule, so that filling a sheet with stray "</c>" or empty cells (which
# calamine leaves out) costs as much XML as the cells it pretends to be.
_VALUED = (
    r"[<:]c(?:>|[ \t\r\n][^<>]*[^/<>]>)[ \t\r\n]*(?:<(?:[^ \t\r\n<>/:]*:)?f(?:[ \t\r\n][^<>]*)?"
    r"(?:/>|>[^<]*</(?:[^ \t\r\n<>/:]*:)?f>)[ \t\r\n]*)?"
    r"<(?:[^ \t\r\n<>/:]*:)?(?:v(?:>|[ \t\r\n][^<>]*[^/<>]>)[^<]|is[ \t\r\n>])"
)


def _examine_batch(bodies: list[bytes], beyond: str | None, count: bool) -> tuple[_Measure | None, int]:
    """The extent of the cells in ``bodies`` (with ``beyond``: None when nothing matches it), and
    the cells with a value in them (when ``count``)."""
    text = bodies_as_text(bodies)
    valued = int(text.str.count_matches(_VALUED).sum()) if count else 0
    if beyond is not None and not search_batch(text, beyond) and not text.str.contains(_UNREFERENCED).any():
        return None, valued
    return _measure(bodies, text), valued


def _measure(bodies: list[bytes], text: pl.Series | None = None) -> _Measure:
    """The extent of the cells in ``bodies`` (``text``: the same, as a Polars column)."""
    return measure_simple(bodies_as_text(bodies) if text is None else text) or measure_cells(bodies)


def search_batch(text: pl.Series, beyond: str) -> bool:
    """Whether any of these pieces of XML matches ``beyond`` or spaces an r attribute's "="."""
    if text.str.contains(beyond).any():
        return True
    # One regex for both would run at half the speed; "=" beside a space is rare in sheet XML,
    # so the narrower search runs only where the quick one finds some.
    # (calamine's attribute reader takes a form feed for white space too)
    return bool(text.str.contains(r"[ \t\r\n\x0c]=|=[ \t\r\n\x0c]").any()) and bool(
        text.str.contains(r"r[ \t\r\n\x0c]+=|r=[ \t\r\n\x0c]").any()
    )


# For Polars' regex engine, from the patterns above: a cell or row tag with any prefix (ASCII
# word boundary, as in bytes); one that starts with its reference; the rest of a tag.
_ANY_TAG = "<" + PREFIX.decode() + "{}(?-u:\\b)"
_PLAIN_TAG = {"c": r'<c r="[A-Z]{1,3}[0-9]{1,7}"', "row": r'<row r="[0-9]{1,7}"'}
_REST = _TAG_REST.pattern.decode()
# a second r attribute after the first, which calamine might take instead
_SECOND_R = r'(?s)^<c r="[A-Z]{1,3}[0-9]{1,7}".*[ \t\r\n\x0c"\']r[ \t\r\n\x0c]*='


def measure_simple(text: pl.Series) -> _Measure | None:
    """The extent of the cells in ``text``, if every cell and row tag starts with its reference.

    Writers put it first: ``<c r="B7" …>``, ``<row r="7" …>``. Such tags are taken out by
    Polars and their references read by slicing, several times faster than reading each tag
    in Python. None when some tag starts otherwise (or has a namespace prefix, or a second r
    attribute), or when "<c"/"<row" stands anywhere but at a tag's start, which well-formed
    XML rules out ("<" is escaped in text and values): those pieces are read by
    ``measure_cells``.
    """
    import polars as pl

    measure = _Measure()
    for name in ("c", "row"):
        tags = text.str.extract_all("<" + name + r"(?-u:\b)" + _REST).explode().drop_nulls()
        if tags.len() != text.str.count_matches(_ANY_TAG.format(name)).sum():
            return None
        if not tags.str.contains("^" + _PLAIN_TAG[name]).all():
            return None
        if name == "c":
            if tags.str.contains(_SECOND_R).any():
                return None
            tags = tags.filter(~tags.str.ends_with("/>"))  # a styled empty cell: calamine skips it
        if not tags.len():
            continue
        refs = tags.str.slice(len(name) + 5).str.split_exact('"', 1).struct.field("field_0")
        if name == "row":
            measure.max_row_tag = int(refs.cast(pl.Int64).max())  # type: ignore[arg-type]  # max() is typed as any scalar
            continue
        rows = refs.str.strip_chars_start("ABCDEFGHIJKLMNOPQRSTUVWXYZ").cast(pl.Int64)
        measure.max_row = int(rows.max())  # type: ignore[arg-type]  # max() is typed as any scalar
        letters = refs.str.strip_chars_end("0123456789").unique()
        measure.max_col = max(column_index(col) + 1 for col in letters.to_list())
    return measure


_CELL_KEYS = (b"r", b"s", b"t")


def measure_cells(bodies: list[bytes]) -> _Measure:
    """The extent of the cells in ``bodies``, tag by tag, their attributes read as calamine reads them.

    A filled cell without a reference calamine takes (its ``r``, or the one calamine's
    attribute reader settles on) is not placed here but marks the pieces ``positional``.
    """
    measure = _Measure()
    for body in bodies:
        _every_tag_read(body)
        for m in _CELL_TAG.finditer(body):
            attrs = m.group(1)
            empty = attrs.endswith(b"/")
            try:
                ref = get_attrs(attrs.removesuffix(b"/"), _CELL_KEYS).get(b"r")
            except AttrError:
                ref = None
            place = None if ref is None else cell_place(ref)
            if place is None:
                # placed after the cell before it; an empty one still moves the next along
                measure.positional = True
                continue
            if empty:
                continue  # a styled empty cell: calamine does not count it
            measure.max_row = max(measure.max_row, place[0] + 1)
            measure.max_col = max(measure.max_col, place[1] + 1)
        for m in _ROW_TAG.finditer(body):
            row = _ROW_REF.match(m.group(1))
            if row is not None:
                measure.max_row_tag = max(measure.max_row_tag, number(row.group(1)))
    return measure


# where a cell or row tag starts, as calamine's reader finds one: any prefix, then the name
# followed by white space, "/" or ">"
_CELL_OR_ROW = re.compile(rb"<" + PREFIX + rb"(?:c|row)(?=[ \t\r\n/>])")


def _every_tag_read(body: bytes) -> None:
    """Refuse pieces where a cell or row tag is not read whole by the tag regexes.

    That happens where the tag holds a "<" outside its quoted values: calamine's XML reader
    reads such a tag on to the first ">", and may find a reference in it that no regex here
    sees. ("<c" inside the quoted value of a tag read whole is no tag, to either.)
    """
    covered = 0
    for m in _CELL_OR_ROW.finditer(body):
        if m.start() < covered:
            continue
        whole = _TAG_REST.match(body, m.end())
        if whole is None:
            raise Damaged("D-XML-LT")
        covered = whole.end()


def cell_place(ref: bytes) -> tuple[int, int] | None:
    """(row, column), 0-based, of a cell reference as calamine's ``get_row_column`` reads it.

    None where calamine's reading fails (and the sheet with it), or finds no column.
    """
    letters = ref.rstrip(b"0123456789")
    digits = ref[len(letters) :]
    if not digits or not letters.isalpha() or number(digits) == 0:
        return None
    return number(digits) - 1, column_index(letters.decode())


def row_place(ref: bytes) -> int | None:
    """The 0-based row of a row's r attribute as calamine's ``get_row`` reads it (letters ignored)."""
    letters = ref.rstrip(b"0123456789")
    digits = ref[len(letters) :]
    if not digits or (letters and not letters.isalpha()) or number(digits) == 0:
        return None
    return number(digits) - 1


def number(digits: bytes) -> int:
    """Decimal digits as a number; past 18 digits simply a number too large for any sheet.

    (Python refuses to convert thousands of digits at once, and calamine's counters wrap.)
    """
    return int(digits) if len(digits) <= 18 else 1 << 62


# --- cells placed one after the other, as calamine places them ----------------------------------

# A tag after its "<" as quick-xml reads it: up to the first ">" outside quotes, a "<" inside
# it included, as the reader includes it.
_ELEMENT = re.compile(rb"(/?)((?:[^>\"']|\"[^\"]*\"|'[^']*')*+)>")
_XML_WHITE = b" \t\r\n"
_START, _END, _TEXT = 0, 1, 2
_C, _RS, _RE = 0, 1, 2  # a cell, a row's start, a row's end (in PlainPositions)
Event = tuple[int, bytes, bytes]  # kind, name, raw attributes
Reader = Generator[None, Event, None]


def _local(name: bytes) -> bytes:
    return name.partition(b":")[2] if b":" in name else name


class Positions:
    """The rectangle of a sheet whose cells calamine places one after the other, in order.

    A cell without a reference goes where the cell before it left the column (one further),
    in the row the last ``<row r>`` set, or one below each ``</row>`` since. This replays
    calamine's cell reader tag by tag, over the XML split into tags as its XML reader splits
    it: its row and column counters, and which tags it reads as values of a cell (a ``<c>``
    or ``<row>`` inside a cell is no cell and no row to it). It is slow (Python), so it runs
    only for such sheets, and only up to ``MAX_POSITIONAL_TAGS`` tags.
    """

    def __init__(self) -> None:
        self.carry = b""
        self.max_row = self.max_col = self.filled = self.tags = 0
        self.reader: Reader = self._read()
        next(self.reader)

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        self.carry = data[self._events(data) :]
        if len(self.carry) > MAX_TEXT_RUN:
            raise Damaged("D-XML-TAG")

    def finish(self) -> tuple[int, int]:
        self._events(self.carry + b"<")  # text at the end, if any
        self.carry = b""
        return self.max_row, self.max_col

    def _events(self, data: bytes) -> int:
        """Send the events of ``data``; where the part that waits for more begins."""
        send = self.reader.send
        pos = 0
        while (lt := data.find(b"<", pos)) >= 0:
            if lt > pos:
                send((_TEXT, b"", b""))
            aside = _aside_end(data, lt)
            if aside is not None:
                if aside < 0:
                    return lt  # cut short: wait for the next piece
                pos = aside
                continue
            m = _ELEMENT.match(data, lt + 1)
            if m is None:
                return lt
            pos = m.end()
            self.tags += 1
            if self.tags > MAX_POSITIONAL_TAGS:
                raise Damaged("D-POSITIONAL", tags=MAX_POSITIONAL_TAGS)
            content = m.group(2)
            if m.group(1):
                send((_END, content.rstrip(_XML_WHITE), b""))
                continue
            empty = content.endswith(b"/")
            if empty:
                content = content[:-1]
            cut = next((i for i, byte in enumerate(content) if byte in _XML_WHITE), len(content))
            name = content[:cut]
            send((_START, name, content[cut:]))
            if empty:
                send((_END, name, b""))
        return len(data) if pos >= len(data) else pos

    def _place(self, row: int, col: int) -> None:
        self.max_row = max(self.max_row, row + 1)
        self.max_col = max(self.max_col, col + 1)
        self.filled += 1

    def _read(self) -> Reader:
        """calamine's ``XlsxCellReader``: the sheet up to ``<sheetData>``, then ``next_cell``."""
        while True:
            kind, name, _attrs = yield
            if kind == _START and _local(name) == b"sheetData":
                break
        row_index = col_index = 0
        while True:
            kind, name, attrs = yield
            local = _local(name)
            if kind == _START and local == b"row":
                ref = _attr(attrs, b"r")
                row = None if ref is None else row_place(ref)
                if row is not None:
                    row_index = row
            elif kind == _END and local == b"row":
                row_index += 1
                col_index = 0
            elif kind == _START and local == b"c":
                try:
                    found = get_attrs(attrs, _CELL_KEYS)
                except AttrError:
                    found = {}
                place = cell_place(found[b"r"]) if b"r" in found else None
                if place is not None:
                    col_index = place[1]
                else:
                    place = (row_index, col_index)
                valued = yield from self._cell(found.get(b"t"))
                col_index += 1
                if valued:
                    self._place(*place)

    def _cell(self, kind_of_value: bytes | None) -> Generator[None, Event, bool]:
        """The events of one cell up to its ``</c>``; whether it has a value element."""
        valued = False
        while True:
            kind, name, _attrs = yield
            if kind == _START:
                valued = True
                yield from self._value(name, kind_of_value)
            elif kind == _END and _local(name) == b"c":
                return valued

    def _value(self, name: bytes, kind_of_value: bytes | None) -> Reader:
        """calamine's ``read_value``: what it reads of a cell's child element."""
        local = _local(name)
        if local == b"is":
            yield from _read_string(name)
        elif local == b"v" and kind_of_value in (b"inlineStr", b"is"):
            yield from _read_to_end(name)
        elif local == b"v" and kind_of_value in (b"n", b"s", b"b", b"e", None):
            kind, end, _attrs = yield
            if not (kind == _END and end == name):
                yield from _read_to_end(name)
        elif local == b"v":
            while True:
                kind, end, _attrs = yield
                if kind == _END and end == name:
                    return
        elif local == b"f":
            yield from _read_to_end(name)
        # any other element: calamine fails on the sheet, whatever follows


def _aside_end(data: bytes, lt: int) -> int | None:
    """Where the comment, CDATA section or processing instruction at ``lt`` ends, as quick-xml
    ends it; -1 if it may still be cut short; None if ``lt`` starts a tag."""
    after = data[lt + 1 : lt + 9]
    if after[:1] == b"?":
        end = data.find(b"?>", lt + 1)  # "<?>" is one: its "?" ends it
        return -1 if end < 0 else end + 2
    if after[:1] != b"!":
        return None if after else -1
    for opening, closing in ((b"!--", b"-->"), (b"![CDATA[", b"]]>")):
        if after.startswith(opening):
            end = data.find(closing, lt + 1 + len(opening))
            return -1 if end < 0 else end + len(closing)
        if opening.startswith(after):
            return -1  # too little yet to tell
    raise Damaged("D-XML-DECLARATION")


def _attr(attrs: bytes, key: bytes) -> bytes | None:
    try:
        return raw_attr(attrs, key)
    except AttrError:
        return None


def _read_to_end(name: bytes) -> Reader:
    """quick-xml's ``read_to_end``: up to the end tag of ``name`` that closes it, nesting counted."""
    depth = 0
    while True:
        kind, found, _attrs = yield
        if found != name or kind == _TEXT:
            continue
        if kind == _START:
            depth += 1
        elif depth == 0:
            return
        else:
            depth -= 1


def _read_string(closing: bytes) -> Reader:
    """calamine's ``read_string``: up to the first end tag named ``closing``, each ``<t>`` read whole."""
    phonetic = False
    while True:
        kind, name, _attrs = yield
        local = _local(name)
        if kind == _END and name == closing:
            return
        if kind == _START and local == b"rPh":
            phonetic = True
        elif kind == _END and local == b"rPh":
            phonetic = False
        elif kind == _START and local == b"t" and not phonetic:
            while True:
                kind, end, _attrs = yield
                if kind == _END and end == name:
                    break


# --- the same, for plainly written sheets, in Polars -------------------------------------------

_W = r"[ \t\r\n]"
_A = r"(?:" + _W + r"[^<>]*)?"  # a tag's attributes, without ">" in their values
_V = (
    r"<v" + _A + r">[^<]*</v>|<v" + _A + r"/>|<f" + _A + r">[^<]*</f>|<f" + _A + r"/>"
    r"|<is>(?:[^<]|<t" + _A + r">[^<]*</t>|<t" + _A + r"/>|</?r>|</?rPr>|<rPh" + _A + r">|</rPh>"
    r"|<[a-zA-Z]+" + _A + r"/>)*</is>"
)
# a cell with content, each of its elements closed inside it: calamine's reader of its values
# stops where the cell ends
_FULL_CELL = r"<c(?:>|" + _W + r"(?:[^<>]*[^/<>])?>)(?:[^<]|" + _V + r")*</c>"
_TOKENS = r"<c(?:[ \t\r\n/][^<>]*)?>|<row(?:[ \t\r\n/][^<>]*)?>|</row>"
_KEY = r"""[ \t\r\n"']{}[ \t\r\n\x0c]*="""
_VALUE = r"""[ \t\r\n"']r[ \t\r\n\x0c]*=[ \t\r\n\x0c]*["']([^"']*)["']"""
# a "<" inside a tag or a quoted value: calamine's reader and the regexes would split tags apart
_PLAIN_BATCH = 1 << 20  # bytes of sheet XML placed at once: some hundred thousand tags
_LT_IN_TAG = r"<(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*(?:<|\"[^\"]*<|'[^']*<)"


def _rows_cut(data: bytes) -> int:
    """Where a batch of sheet XML may end: after its last ``</row>``, else its last ``</c>``."""
    end = data.rfind(b"</row>")
    if end >= 0:
        return end + 6
    end = data.rfind(b"</c>")
    return end + 4 if end >= 0 else 0


class PlainPositions:
    """``Positions`` in Polars, for sheets written plainly: no prefixes, attributes without ">"
    in their values, each cell's elements the usual ones (``<v>``, ``<f>``, ``<is>`` of text
    runs), each closed inside the cell. Then calamine reads every cell and row tag, and no
    other, as the regexes here find them, and the counters can be replayed as running sums.
    ``plain`` turns False on anything else, for ``Positions`` to read the sheet instead.
    """

    def __init__(self) -> None:
        self.plain = True
        self.row_index = self.col_index = 0
        self.max_row = self.max_col = self.filled = 0
        self.carry = b""
        self.batch: list[bytes] = []
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        if not self.plain:
            return
        body, self.carry = complete_tags(self.carry + chunk)
        body, open_aside = without_asides(body)
        data = b"".join([*self.batch, body])
        cut = _rows_cut(data)
        self.batch, self.size = [data[:cut]], cut
        self.carry = data[cut:] + open_aside + self.carry
        if len(self.carry) > _QUEUED:
            self.plain = False  # a row of many megabytes: read tag by tag
        if self.size >= _PLAIN_BATCH:
            self._batch()

    def finish(self) -> tuple[int, int]:
        if self.plain:
            self.batch.append(self.carry)
            self._batch()
        return self.max_row, self.max_col

    def _batch(self) -> None:
        import polars as pl

        bodies, self.batch, self.size = self.batch, [], 0
        if not self.plain or not any(bodies):
            return
        text = bodies_as_text(bodies)

        def count(pattern: str) -> int:
            return int(text.str.count_matches(pattern).sum())

        def most(series: pl.Series, key: str) -> int:
            return int(series.str.count_matches(_KEY.format(key)).max() or 0)  # type: ignore[arg-type]  # max() is typed as any scalar

        tags = text.str.extract_all(_TOKENS).explode().drop_nulls()
        cells = tags.filter(tags.str.starts_with("<c"))
        rows = tags.filter(tags.str.starts_with("<row"))
        self.plain = (
            not text.str.contains(_LT_IN_TAG).any()
            and not text.str.contains(r":(?:c|row)[ \t\r\n/>]").any()
            and count(r"<c[ \t\r\n/>]") == cells.len()
            and count(r"<row[ \t\r\n/>]") == rows.len()
            and count(r"</row[ \t\r\n>]") == tags.len() - cells.len() - rows.len()
            and count(r"</c[ \t\r\n>]") == count(_FULL_CELL) == int((~cells.str.ends_with("/>")).sum())
            and all(most(cells, key) <= 1 for key in "rst")
            and most(rows, "r") <= 1
        )
        if not self.plain or not tags.len():
            return
        self._place(pl.DataFrame({"tag": tags}))

    def _place(self, frame: pl.DataFrame) -> None:
        """Place the cells of one batch of tags, from the counters the batch before left."""
        import polars as pl

        tag = pl.col("tag")
        ref = tag.str.extract(_VALUE)
        kind = (
            pl.when(tag.str.starts_with("</row"))
            .then(pl.lit([_RE]))
            .when(tag.str.starts_with("<row") & tag.str.ends_with("/>"))
            .then(pl.lit([_RS, _RE]))
            .when(tag.str.starts_with("<row"))
            .then(pl.lit([_RS]))
            .otherwise(pl.lit([_C]))
        )
        frame = frame.select(
            kind=kind.cast(pl.List(pl.UInt8)), ref=ref, valued=~tag.str.ends_with("/>")
        ).explode("kind")
        cell, row_start = pl.col("kind") == _C, pl.col("kind") == _RS
        frame = frame.with_columns(
            set_row=pl.when(row_start).then(
                pl.col("ref").str.extract(r"^[A-Za-z]*([0-9]{1,7})$").cast(pl.Int64) - 1
            ),
            col_ref=pl.when(cell).then(pl.col("ref").str.extract(r"^([A-Za-z]{1,3})[0-9]{1,7}$")),
            row_ref=pl.when(cell).then(
                pl.col("ref").str.extract(r"^[A-Za-z]{1,3}([0-9]{1,7})$").cast(pl.Int64) - 1
            ),
        )
        odd = (row_start & pl.col("ref").is_not_null() & pl.col("set_row").is_null()) | (
            cell & pl.col("ref").is_not_null() & pl.col("row_ref").is_null()
        )
        if frame.select(odd.any()).item():
            self.plain = False  # references calamine reads otherwise (or not at all)
            return
        letters = frame.get_column("col_ref").drop_nulls().unique().to_list()
        frame = frame.with_columns(
            explicit_col=pl.col("col_ref").replace_strict(
                letters, [column_index(x) for x in letters], default=None, return_dtype=pl.Int64
            )
        ).drop("ref", "col_ref")
        frame = self._rows(frame).drop("set_row")
        frame = self._columns(frame)
        placed = frame.filter(cell & pl.col("valued")).select(
            row=pl.coalesce("row_ref", "row").max(),
            col=pl.coalesce("explicit_col", "col").max(),
            cells=pl.len(),
        )
        cells = int(placed.get_column("cells")[0])
        if cells:
            self.max_row = max(self.max_row, int(placed.get_column("row")[0]) + 1)
            self.max_col = max(self.max_col, int(placed.get_column("col")[0]) + 1)
            self.filled += cells

    def _rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The row calamine is on at each tag: the last ``<row r>`` set it, each ``</row>`` adds one."""
        import polars as pl

        row_end = (pl.col("kind") == _RE).cast(pl.Int64)
        setting = (pl.col("kind") == _RS) & pl.col("set_row").is_not_null()
        frame = frame.with_columns(ends_before=row_end.cum_sum() - row_end)
        base = pl.when(setting).then(pl.col("set_row")).forward_fill().fill_null(self.row_index)
        since = pl.when(setting).then(pl.col("ends_before")).forward_fill().fill_null(0)
        frame = frame.with_columns(row=base + pl.col("ends_before") - since)
        last = frame.select(base=base.last(), ends=row_end.sum(), since=since.last()).row(0)
        frame = frame.drop("ends_before")
        self.row_index = int(last[0]) + int(last[1]) - int(last[2])
        return frame

    def _columns(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The column calamine gives each cell without a reference: one after the cell before,
        counted from the last cell with one (or from 0 after a ``</row>``)."""
        import polars as pl

        row_end = pl.col("kind") == _RE
        explicit = (pl.col("kind") == _C) & pl.col("explicit_col").is_not_null()
        positional = ((pl.col("kind") == _C) & pl.col("explicit_col").is_null()).cast(pl.Int64)
        reset = row_end | explicit
        reset_to = pl.when(row_end).then(0).otherwise(pl.col("explicit_col") + 1)
        frame = frame.with_columns(seen=positional.cum_sum(), positional=positional)
        base = pl.when(reset).then(reset_to).forward_fill().fill_null(self.col_index)
        since = pl.when(reset).then(pl.col("seen")).forward_fill().fill_null(0)
        frame = frame.with_columns(col=base + pl.col("seen") - pl.col("positional") - since)
        last = frame.select(base=base.last(), seen=pl.col("seen").last(), since=since.last()).row(0)
        self.col_index = int(last[0]) + int(last[1]) - int(last[2])
        return frame


def _run(
    extent: XmlExtent | Positions | PlainPositions, handle: IO[bytes], info: zipfile.ZipInfo
) -> tuple[int, int]:
    try:
        for chunk in inflate_member(handle, info):
            extent.feed(chunk)
        return extent.finish()
    finally:
        if isinstance(extent, XmlExtent):
            extent.close()


def check_xml_sheet(path: Path, sheet: str, handle: IO[bytes], info: zipfile.ZipInfo) -> SheetStats:
    """Refuse a sheet whose cells calamine would place in an absurd rectangle; what was found on the way."""
    extent = XmlExtent()
    stats = extent.stats
    rows, cols = _run(extent, handle, info)
    filled, positional = extent.filled, extent.positional
    if not positional:
        try:
            check_extent(path, sheet, rows, cols, filled)
        except UnreadableWorkbookError:
            if not extent.used_dimension:
                raise
            # The declared dimension may overstate the sheet; measure the cells themselves.
            exact = XmlExtent(trust_dimension=False)
            rows, cols = _run(exact, handle, info)
            filled, positional = exact.filled, exact.positional
            if not positional:
                check_extent(path, sheet, rows, cols, filled)
    if positional:
        plain = PlainPositions()
        rows, cols = _run(plain, handle, info)
        filled = plain.filled
        if not plain.plain:
            placed = Positions()
            rows, cols = _run(placed, handle, info)
            filled = placed.filled
        check_extent(path, sheet, rows, cols, filled)
    stats.cells, stats.filled = rows * cols, filled
    return stats
