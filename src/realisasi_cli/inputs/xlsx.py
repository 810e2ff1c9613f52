"""The .xlsx sheet map and the rectangle of each sheet, measured from its XML as calamine reads it."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import Damaged, inflate_member
from realisasi_cli.inputs.limits import MAX_TAG, MAX_TEXT_RUN, SPARSE_CELLS, SPARSE_FILL, check_extent
from realisasi_cli.sheetref import column_index

if TYPE_CHECKING:
    import polars as pl


_REL_TAG = re.compile(r"<(?:[\w.-]+:)?Relationship\b[^<>]*>")
_ATTR = r"\b{}\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
_REL_ID = re.compile(_ATTR.format("Id"))
_REL_TARGET = re.compile(_ATTR.format("Target"))
_SHEET_TAG = re.compile(r"<(?:[\w.-]+:)?sheet\b[^<>]*>")
_SHEET_NAME = re.compile(_ATTR.format("name"))
_SHEET_RID = re.compile(_ATTR.format(r"(?:[\w.-]+:)?id"))


def _attr(pattern: re.Pattern[str], tag: str) -> str | None:
    match = pattern.search(tag)
    return None if match is None else _xml_unescape(match.group(1) or match.group(2) or "")


def relationship_targets(rels: str) -> dict[str, str]:
    targets = {}
    for m in _REL_TAG.finditer(rels):
        rid, target = _attr(_REL_ID, m.group(0)), _attr(_REL_TARGET, m.group(0))
        if rid is not None and target is not None:
            targets[rid] = target
    return targets


def xml_sheets(book: str) -> list[tuple[str, str]]:
    sheets = []
    for m in _SHEET_TAG.finditer(book):
        name, rid = _attr(_SHEET_NAME, m.group(0)), _attr(_SHEET_RID, m.group(0))
        if name is not None and rid is not None:
            sheets.append((name, rid))
    return sheets


def part_names(target: str) -> list[str]:
    """The archive names a relationship target may mean (relative to xl/, or absolute)."""
    if target.startswith("/"):
        return [posixpath.normpath(target.lstrip("/"))]
    plain = target if target.startswith("xl/") else f"xl/{target}"
    return [plain, posixpath.normpath(plain)]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    targets = relationship_targets(archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace"))
    names = set(archive.namelist())
    parts = {}
    for name, rid in xml_sheets(book):
        target = targets.get(rid)
        if target:
            candidates = part_names(target)
            parts[name] = next((c for c in candidates if c in names), candidates[0])
    return parts


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


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
_ASIDE_OR_TAG = re.compile(rb"<(!--|!\[CDATA\[|\?)|<" + ATTRS + rb">")
_ASIDE_END = {b"!--": b"-->", b"![CDATA[": b"]]>", b"?": b"?>"}


def without_asides(body: bytes) -> tuple[bytes, bytes]:
    """``body`` without its comments, CDATA sections and processing instructions, and the
    start of one still open at its end (to wait for the next piece).

    The XML reader skips them (a CDATA section is text), the tag regexes would not: a quote
    inside one would hide the tags after it. Tags are skipped whole, quoted values and all,
    so that "<!--" inside a value is not taken for a comment.
    """
    prolog = _PROLOG.match(body)
    start = prolog.end() if prolog else 0
    # "<" is in every tag, "!" and "?" are rare: memchr finds them far faster than "<!", "<?"
    comment = b"!" in body and body.find(b"<!", start) >= 0
    if not comment and (b"?" not in body or body.find(b"<?", start) < 0):
        return body[start:], b""
    kept, pos = [], start
    while (m := _ASIDE_OR_TAG.search(body, pos)) is not None:
        if m.group(1) is None:
            pos = m.end()
            continue
        kept.append(body[start : m.start()])
        end = body.find(_ASIDE_END[m.group(1)], m.end())
        if end < 0:
            if len(body) - m.start() > MAX_TEXT_RUN:
                raise Damaged("D-XML-COMMENT")
            return b"".join(kept), body[m.start() :]
        start = pos = end + len(_ASIDE_END[m.group(1)])
    kept.append(body[start:])
    return b"".join(kept), b""


def tag_attributes(attrs: bytes) -> dict[bytes, bytes]:
    """A tag's attributes by name, read in order, so that text inside a value is not taken for one."""
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(attrs)
    }


def _cells_ended(body: bytes) -> int:
    """Cells that hold something: their end tags, </c> or </x:c> (an empty cell is <c …/>)."""
    return body.count(b"</c>") + body.count(b":c>")


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
    positional: bool = False  # a filled cell without an r attribute
    max_row_tag: int = 0

    def add(self, other: _Measure) -> None:
        self.max_row = max(self.max_row, other.max_row)
        self.max_col = max(self.max_col, other.max_col)
        self.positional = self.positional or other.positional
        self.max_row_tag = max(self.max_row_tag, other.max_row_tag)


class XmlExtent:
    """The rows × columns that calamine would allocate for a worksheet, read chunk by chunk.

    Where the sheet declares its ``<dimension>``, a search confirms that no cell lies beyond
    it; otherwise (or when one does) every cell reference is read. Each batch of XML is
    searched or measured in a worker thread while the next is inflated (both release the
    GIL); at most ``_QUEUED`` bytes wait for it. Filled cells are counted only until there
    are enough of them for the density rule, which a real export reaches early in its XML.
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
        self.carry = b""
        self.batch: list[bytes] = []
        self.batch_bytes = 0
        self.pools: dict[int, ThreadPoolExecutor] = {}  # by number of workers
        # the pieces, their size, and the answer: None when the search found nothing
        self.pending: deque[tuple[list[bytes], int, Future[_Measure | None]]] = deque()
        self.pending_bytes = 0

    def feed(self, chunk: bytes) -> None:
        body, self.carry = complete_tags(self.carry + chunk)
        body, open_aside = without_asides(body)
        self.carry = open_aside + self.carry
        self._scan(body)

    def finish(self) -> tuple[int, int]:
        try:
            self._scan(self.carry)
            self.carry = b""
            self._examine()
            while self.pending:
                self._collect()
        finally:
            for pool in self.pools.values():
                pool.shutdown(cancel_futures=True)
        extent = self.extent
        rows = max(extent.max_row, extent.max_row_tag if extent.positional else 0)
        return rows, extent.max_col

    def _scan(self, body: bytes) -> None:
        if not self.started:
            self.started = True
            found = _DIMENSION.search(body) if self.trust_dimension else None
            if found is None:
                self.exact = True
            else:
                letters, digits = found.group(3) or found.group(1), found.group(4) or found.group(2)
                self.extent.max_row, self.extent.max_col = int(digits), column_index(letters.decode()) + 1
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
        if self.exact or self.filled < self.needed:
            self.filled += _cells_ended(body)
        self.batch.append(body)
        self.batch_bytes += len(body)
        if self.batch_bytes >= _BATCH:
            self._examine()

    def _examine(self) -> None:
        bodies, size, self.batch, self.batch_bytes = self.batch, self.batch_bytes, [], 0
        if not bodies:
            return
        # A search keeps pace with the inflate; measuring every cell takes both cores.
        workers = 2 if self.exact else 1
        if workers not in self.pools:
            self.pools[workers] = ThreadPoolExecutor(max_workers=workers)
        beyond = None if self.exact else self.beyond
        self.pending.append((bodies, size, self.pools[workers].submit(_examine_batch, bodies, beyond)))
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
        measure = future.result()
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


def _examine_batch(bodies: list[bytes], beyond: str | None) -> _Measure | None:
    """The extent of the cells in ``bodies``; with ``beyond``, None when nothing matches it."""
    text = bodies_as_text(bodies)
    if beyond is not None and not search_batch(text, beyond):
        return None
    return _measure(bodies, text)


def _measure(bodies: list[bytes], text: pl.Series | None = None) -> _Measure:
    """The extent of the cells in ``bodies`` (``text``: the same, as a Polars column)."""
    return measure_simple(bodies_as_text(bodies) if text is None else text) or measure_cells(bodies)


def search_batch(text: pl.Series, beyond: str) -> bool:
    """Whether any of these pieces of XML matches ``beyond`` or spaces an r attribute's "="."""
    if text.str.contains(beyond).any():
        return True
    # One regex for both would run at half the speed; "=" beside a space is rare in sheet XML,
    # so the narrower search runs only where the quick one finds some.
    return bool(text.str.contains(r"[ \t\r\n]=|=[ \t\r\n]").any()) and bool(
        text.str.contains(r"r[ \t\r\n]+=|r=[ \t\r\n]").any()
    )


# For Polars' regex engine, from the patterns above: a cell or row tag with any prefix (ASCII
# word boundary, as in bytes); one that starts with its reference; the rest of a tag.
_ANY_TAG = "<" + PREFIX.decode() + "{}(?-u:\\b)"
_PLAIN_TAG = {"c": r'<c r="[A-Z]{1,3}[0-9]{1,7}"', "row": r'<row r="[0-9]{1,7}"'}
_REST = _TAG_REST.pattern.decode()


def measure_simple(text: pl.Series) -> _Measure | None:
    """The extent of the cells in ``text``, if every cell and row tag starts with its reference.

    Writers put it first: ``<c r="B7" …>``, ``<row r="7" …>``. Such tags are taken out by
    Polars and their references read by slicing, several times faster than reading each tag
    in Python. None when some tag starts otherwise (or has a namespace prefix), or when
    "<c"/"<row" stands anywhere but at a tag's start, which well-formed XML rules out ("<" is
    escaped in text and values): those pieces are read by ``measure_cells``.
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


def measure_cells(bodies: list[bytes]) -> _Measure:
    """The extent of the cells in ``bodies``, tag by tag, whatever their attributes' order."""
    measure = _Measure()
    for body in bodies:
        for m in _CELL_TAG.finditer(body):
            attrs = m.group(1)
            if attrs.endswith(b"/"):
                continue  # a styled empty cell: calamine does not count it
            ref = _CELL_REF.match(attrs)
            if ref is None:
                measure.positional = True
                continue
            measure.max_col = max(measure.max_col, column_index(ref.group(1).decode()) + 1)
            measure.max_row = max(measure.max_row, int(ref.group(2)))
        for m in _ROW_TAG.finditer(body):
            row = _ROW_REF.match(m.group(1))
            if row is not None:
                measure.max_row_tag = max(measure.max_row_tag, int(row.group(1)))
    return measure


def check_xml_sheet(path: Path, sheet: str, handle: IO[bytes], info: zipfile.ZipInfo) -> None:
    extent = XmlExtent()
    for chunk in inflate_member(handle, info):
        extent.feed(chunk)
    rows, cols = extent.finish()
    try:
        check_extent(path, sheet, rows, cols, extent.filled)
    except UnreadableWorkbookError:
        if not extent.used_dimension:
            raise
        # The declared dimension may overstate the sheet; measure the cells themselves.
        exact = XmlExtent(trust_dimension=False)
        for chunk in inflate_member(handle, info):
            exact.feed(chunk)
        rows, cols = exact.finish()
        check_extent(path, sheet, rows, cols, exact.filled)
