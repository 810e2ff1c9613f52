"""What a file must pass before a reader opens it, and which files are read at all.

calamine allocates a sheet's whole rectangle at once, and a failed allocation in Rust aborts
the process. So every workbook is checked before calamine sees it: archives that inflate
absurdly (zip bombs, including ones whose declared sizes lie), sheets whose cells span an
absurd or mostly empty rectangle, password-protected workbooks, and files that are not
spreadsheets are refused with a message that names the file.

Nothing here needs Polars but the search and measure of a sheet's cells, which
imports it when it runs.
"""

from __future__ import annotations

import codecs
import functools
import posixpath
import re
import struct
import zipfile
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from realisasi_cli.errors import UnreadableWorkbookError, UsageError

if TYPE_CHECKING:
    import polars as pl


@functools.cache
def _zlib() -> Any:
    """zlib-ng, which inflates sheets more than twice as fast as zlib, behind zlib's interface."""
    try:
        from zlib_ng import zlib_ng

        return zlib_ng
    except ImportError:  # pragma: no cover - a platform without its wheel
        return zlib


WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
FOLDER_SUFFIXES = WORKBOOK_SUFFIXES | {".csv", ".tsv"}  # not .txt: folders hold notes too
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES

# Limits against archives that inflate absurdly (zip bombs) and absurd sheet sizes. A real
# export of a million line items stays well within them.
MAX_UNCOMPRESSED_BYTES = 3 * 1024**3
MAX_COMPRESSION_RATIO = 400  # real workbooks compress 5–20:1, deflate's ceiling is ~1032:1
MAX_CELLS = 60_000_000
MAX_COLUMNS = 16_384  # Excel's own limit
SPARSE_CELLS = 4_000_000  # a sheet larger than this must hold a value in 1 cell of SPARSE_FILL
SPARSE_FILL = 8
MAX_SHEETS = 1_000
MAX_PART_BYTES = 64 * 1024**2  # workbook.xml and its relationships, which are read whole
MAX_TAG = 1 << 20  # an XML tag longer than this is not a spreadsheet's
_MAX_TEXT_RUN = 4 << 20  # nor text this long between tags (a cell holds at most 32,767 characters)
_MAX_RECORD = 16 << 20  # nor an .xlsb record this long
CHUNK = 1 << 20
HEAD = 8192

RESAVE = "Open it in a spreadsheet program and save it again as .xlsx, or export it again."
PASSWORD = "Open it in a spreadsheet program, remove the password and save it again."


def column_index(letters: str) -> int:
    """A → 0, AB → 27."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + ord(ch) - 64
    return value - 1


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_FORMATS = (
    (b"%PDF", "it is a PDF document"),
    (b"\x89PNG", "it is a PNG image"),
    (b"\xff\xd8\xff", "it is a JPEG image"),
    (b"GIF8", "it is a GIF image"),
    (b"Rar!", "it is a RAR archive"),
    (b"7z\xbc\xaf", "it is a 7-Zip archive"),
    (b"\x1f\x8b", "it is a gzip archive"),
    (b"{\\rtf", "it is an RTF document"),
)


def _sniff(head: bytes) -> str:
    """What the first bytes say the file is: zip, ole, html, spreadsheetml, text, or a description."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            return what
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not _utf16_without_bom(head):
        controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
        if b"\x00" in head or controls > len(head) // 20:
            return "binary content"
    text = decode_text(head).lstrip("\ufeff \t\r\n").lower()
    if re.match(r"<[a-z!?]", text):  # markup; a CSV may well start with "<10 juta"
        if "urn:schemas-microsoft-com:office:spreadsheet" in text:
            return "spreadsheetml"
        return "html"
    return "text"


def _utf16_without_bom(head: bytes) -> bool:
    # "Unicode text" saved without a byte-order mark: ASCII with a NUL after every byte.
    odd = head[1::2]
    return len(odd) >= 8 and odd.count(0) > len(odd) * 0.9 and head[0::2].count(0) < len(odd) * 0.1


def check_extent(path: Path, sheet: str, rows: int, cols: int, filled: int) -> None:
    """Refuse a sheet whose rectangle is absurd, or mostly empty beyond any real export."""
    cells = rows * cols
    if cols > MAX_COLUMNS or cells > MAX_CELLS:
        raise UnreadableWorkbookError(
            f"{path}: sheet {sheet!r} spans {rows:,} rows × {cols:,} columns; refused as absurdly large.",
            "If the file is genuine, delete the rows and columns beyond the table and save it again.",
        )
    if cells > SPARSE_CELLS and filled * SPARSE_FILL < cells:
        raise UnreadableWorkbookError(
            f"{path}: sheet {sheet!r} spans {rows:,} rows × {cols:,} columns but only {filled:,} "
            "cells hold anything; refused as absurd (a damaged or crafted file).",
            "If the file is genuine, delete the rows and columns beyond the table and save it again.",
        )


# --- zip archives: .xlsx, .xlsm, .xlsb, .ods ---------------------------------------------------

# zipfile's failures on a damaged archive are not all BadZipFile.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    EOFError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    zlib.error,
)


class _Damaged(Exception):
    """A structural fault found while checking a file; becomes an UnreadableWorkbookError."""


def _damaged(path: Path, reason: str) -> UnreadableWorkbookError:
    return UnreadableWorkbookError(f"{path}: the workbook is damaged ({reason}).", RESAVE)


def _check_archive(path: Path) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    """Check a zip workbook before calamine opens it.

    Returns its kind (xlsx, xlsb or ods) and, for .ods, the formula cells saved without a result.
    """
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise _damaged(path, "not a valid archive") from exc
    try:
        with archive, path.open("rb") as handle:
            return _check_members(path, archive, handle)
    except _Damaged as exc:
        raise _damaged(path, str(exc)) from exc
    except ZIP_ERRORS as exc:
        raise _damaged(path, "not a valid archive") from exc


def _check_members(
    path: Path, archive: zipfile.ZipFile, handle: IO[bytes]
) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    infos = archive.infolist()
    members = {info.filename: info for info in infos}
    if "xl/workbook.xml" in members:
        kind = "xlsx"
    elif "xl/workbook.bin" in members:
        kind = "xlsb"
    elif "content.xml" in members:
        kind = "ods"
    else:
        raise UnreadableWorkbookError(
            f"{path}: a zip archive of {len(infos)} file(s), not a spreadsheet.",
            "If it holds exports, extract them first; otherwise export the workbook again.",
        )
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnreadableWorkbookError(f"{path}: the workbook is password-protected.", PASSWORD)
    unusual = {info.compress_type for info in infos} - {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    if unusual:
        raise _Damaged(f"unusual compression method {min(unusual)}")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    worst = max(
        (info.file_size / max(info.compress_size, 1) for info in infos if info.file_size > 1 << 20),
        default=0.0,
    )
    if total > 16 << 20:
        worst = max(worst, total / max(packed, 1))
    if total > MAX_UNCOMPRESSED_BYTES or worst > MAX_COMPRESSION_RATIO:
        raise UnreadableWorkbookError(
            f"{path}: refused, the archive would inflate to {total / 1024**2:,.0f} MB "
            f"(compression ratio {worst:,.0f}:1); this is not a normal export.",
            "If the file is genuine, save it again from a spreadsheet program.",
        )
    sheets = _sheet_members(path, kind, members, handle)
    if len(sheets) > MAX_SHEETS:
        raise UnreadableWorkbookError(f"{path}: {len(sheets):,} sheets; refused as absurd.", RESAVE)
    work = sum(members[part].file_size for _name, part in sheets if part in members)
    if work > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableWorkbookError(
            f"{path}: its sheets would make {work / 1024**2:,.0f} MB of XML to parse; refused as absurd.",
            RESAVE,
        )
    names = {n: n for n in members if n.startswith("xl/worksheets/") and n.endswith((".xml", ".bin"))}
    names.update({part: name for name, part in sheets})
    # Every member is inflated once, in bounded pieces, so that a size that lies is caught
    # before calamine trusts it; the sheets' cells are measured on the way.
    formulas: dict[str, list[tuple[int, int]]] = {}
    for info in infos:
        sheet = names.get(info.filename)
        if sheet is None:
            for _chunk in _inflate(handle, info):
                pass
            continue
        if kind == "ods":
            ods = _OdsExtent(path)
            for chunk in _inflate(handle, info):
                ods.feed(chunk)
            ods.finish()
            formulas = ods.formulas
        elif kind == "xlsb":
            xlsb = _XlsbExtent()
            for chunk in _inflate(handle, info):
                xlsb.feed(chunk)
            check_extent(path, sheet, xlsb.max_row, xlsb.max_col, xlsb.filled)
        else:
            _check_xml_sheet(path, sheet, handle, info)
    return kind, formulas


def _inflate(handle: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in pieces of at most 1 MB; fails if it inflates beyond its declared size.

    In XML, megabytes of text without a tag (which the reader would hold in one buffer) fail too.
    """
    markup = info.filename.endswith((".xml", ".rels"))
    run = 0
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _Damaged(f"{info.filename} has no local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    remaining = info.compress_size
    produced = 0
    inflater = _zlib().decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while remaining > 0:
        raw = handle.read(min(remaining, 1 << 18))
        if not raw:
            raise _Damaged(f"{info.filename} is cut short")
        remaining -= len(raw)
        while raw:
            if inflater is None:
                out, raw = raw, b""
            else:
                try:
                    out = inflater.decompress(raw, CHUNK)
                except (zlib.error, _zlib().error) as exc:
                    raise _Damaged(f"{info.filename} cannot be decompressed") from exc
                raw = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise _Damaged(f"{info.filename} inflates beyond its declared size")
            if markup:
                at = out.rfind(b"<")
                run = run + len(out) if at < 0 else len(out) - at
                if run > _MAX_TEXT_RUN:
                    raise _Damaged(f"{info.filename} holds megabytes of text without markup")
            if out:
                yield out
            if inflater is not None and inflater.eof:
                return


def member_pieces(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A checked archive member in pieces of at most 1 MB, inflated as the checks inflate it."""
    with path.open("rb") as handle:
        try:
            yield from _inflate(handle, info)
        except _Damaged as exc:
            raise zipfile.BadZipFile(str(exc)) from exc


def _read_part(handle: IO[bytes], info: zipfile.ZipInfo, limit: int = MAX_PART_BYTES) -> bytes:
    if info.file_size > limit:
        raise _Damaged(f"{info.filename} is {info.file_size / 1024**2:,.0f} MB")
    return b"".join(_inflate(handle, info))


def _sheet_members(
    path: Path, kind: str, members: dict[str, zipfile.ZipInfo], handle: IO[bytes]
) -> list[tuple[str, str]]:
    """(sheet name, archive member) for every sheet the workbook lists, as calamine finds them."""
    if kind == "ods":
        return [("content.xml", "content.xml")]
    rels_name = "xl/_rels/workbook.xml.rels" if kind == "xlsx" else "xl/_rels/workbook.bin.rels"
    if rels_name not in members:
        return []
    rels = _read_part(handle, members[rels_name]).decode("utf-8", "replace")
    book = _read_part(handle, members[f"xl/workbook.{'xml' if kind == 'xlsx' else 'bin'}"])
    listed = _xml_sheets(book.decode("utf-8", "replace")) if kind == "xlsx" else _xlsb_sheets(book)
    targets = _relationship_targets(rels)
    found = []
    for name, rid in listed:
        target = targets.get(rid)
        if target is None:
            continue
        for part in _part_names(target):
            if part in members:
                found.append((name, part))
                break
    return found


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


def _relationship_targets(rels: str) -> dict[str, str]:
    targets = {}
    for m in _REL_TAG.finditer(rels):
        rid, target = _attr(_REL_ID, m.group(0)), _attr(_REL_TARGET, m.group(0))
        if rid is not None and target is not None:
            targets[rid] = target
    return targets


def _xml_sheets(book: str) -> list[tuple[str, str]]:
    sheets = []
    for m in _SHEET_TAG.finditer(book):
        name, rid = _attr(_SHEET_NAME, m.group(0)), _attr(_SHEET_RID, m.group(0))
        if name is not None and rid is not None:
            sheets.append((name, rid))
    return sheets


def _part_names(target: str) -> list[str]:
    """The archive names a relationship target may mean (relative to xl/, or absolute)."""
    if target.startswith("/"):
        return [posixpath.normpath(target.lstrip("/"))]
    plain = target if target.startswith("xl/") else f"xl/{target}"
    return [plain, posixpath.normpath(plain)]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    targets = _relationship_targets(archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace"))
    names = set(archive.namelist())
    parts = {}
    for name, rid in _xml_sheets(book):
        target = targets.get(rid)
        if target:
            candidates = _part_names(target)
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
_ATTRS = rb"((?:[^<>\"']|" + _QUOTED + rb")*)"
_ATTRIBUTE = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
# The XML reader takes the name after a prefix of any characters but white space, "/" and ">".
_PREFIX = rb"(?:[^ \t\r\n<>/:]*:)?"
_CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c\b" + _ATTRS + rb">")
_ROW_TAG = re.compile(rb"<" + _PREFIX + rb"row\b" + _ATTRS + rb">")
# The r attribute of a cell or row, reached by skipping the attributes before it whole.
_BEFORE_R = rb"\s*(?:(?!r\s*=)[\w:.-]+\s*=\s*(?:" + _QUOTED + rb")\s*)*r\s*=\s*[\"']\s*"
_CELL_REF = re.compile(_BEFORE_R + rb"([A-Za-z]+)(\d+)\s*[\"']")
_ROW_REF = re.compile(_BEFORE_R + rb"(\d+)\s*[\"']")
# What follows the last "<" of a piece of XML, when that tag is whole ("<" cannot follow it).
_TAG_REST = re.compile(_ATTRS + rb">")


_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml[^<>]*\?>")
_ASIDE_OR_TAG = re.compile(rb"<(!--|!\[CDATA\[|\?)|<" + _ATTRS + rb">")
_ASIDE_END = {b"!--": b"-->", b"![CDATA[": b"]]>", b"?": b"?>"}


def _without_asides(body: bytes) -> tuple[bytes, bytes]:
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
            if len(body) - m.start() > _MAX_TEXT_RUN:
                raise _Damaged("an XML comment or CDATA section longer than 4 MB")
            return b"".join(kept), body[m.start() :]
        start = pos = end + len(_ASIDE_END[m.group(1)])
    kept.append(body[start:])
    return b"".join(kept), b""


def _attributes(attrs: bytes) -> dict[bytes, bytes]:
    """A tag's attributes by name, read in order, so that text inside a value is not taken for one."""
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTRIBUTE.finditer(attrs)
    }


def _cells_ended(body: bytes) -> int:
    """Cells that hold something: their end tags, </c> or </x:c> (an empty cell is <c …/>)."""
    return body.count(b"</c>") + body.count(b":c>")


def _numbers_above(limit: int) -> str:
    """A regex for a decimal number greater than ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    n = len(digits)
    branches = [rf"[1-9][0-9]{{{n},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            branches.append(f"{digits[:i]}[{int(d) + 1}-9]" + rf"[0-9]{{{n - i - 1}}}")
    return "0*(?:" + "|".join(branches) + r")(?:[^0-9]|$)"


def _letters_above(letters: str) -> str:
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


def _complete_tags(data: bytes) -> tuple[bytes, bytes]:
    """Split streamed XML where its last tag is complete: (what can be scanned, what waits).

    A tag cut in two by a chunk boundary waits for the next chunk; one longer than 1 MB is
    not XML any spreadsheet writes.
    """
    lt = data.rfind(b"<")
    if lt < 0 or _TAG_REST.match(data, lt + 1):  # the last tag closes, outside its quoted values
        return data, b""
    if len(data) - lt > MAX_TAG:
        raise _Damaged("an XML tag longer than 1 MB")
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


class _XmlExtent:
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
        body, self.carry = _complete_tags(self.carry + chunk)
        body, open_aside = _without_asides(body)
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
                # ("r = 'A1'", see _search_batch), sends the scan to read every cell.
                self.beyond = (
                    r"r=[\"'](?:"
                    + _letters_above(letters.decode())
                    + r"|[A-Za-z]*"
                    + _numbers_above(self.extent.max_row)
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


def _as_text(bodies: list[bytes]) -> pl.Series:
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
    text = _as_text(bodies)
    if beyond is not None and not _search_batch(text, beyond):
        return None
    return _measure(bodies, text)


def _measure(bodies: list[bytes], text: pl.Series | None = None) -> _Measure:
    """The extent of the cells in ``bodies`` (``text``: the same, as a Polars column)."""
    return _measure_simple(_as_text(bodies) if text is None else text) or _measure_cells(bodies)


def _search_batch(text: pl.Series, beyond: str) -> bool:
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
_ANY_TAG = "<" + _PREFIX.decode() + "{}(?-u:\\b)"
_PLAIN_TAG = {"c": r'<c r="[A-Z]{1,3}[0-9]{1,7}"', "row": r'<row r="[0-9]{1,7}"'}
_REST = _TAG_REST.pattern.decode()


def _measure_simple(text: pl.Series) -> _Measure | None:
    """The extent of the cells in ``text``, if every cell and row tag starts with its reference.

    Writers put it first: ``<c r="B7" …>``, ``<row r="7" …>``. Such tags are taken out by
    Polars and their references read by slicing, several times faster than reading each tag
    in Python. None when some tag starts otherwise (or has a namespace prefix), or when
    "<c"/"<row" stands anywhere but at a tag's start, which well-formed XML rules out ("<" is
    escaped in text and values): those pieces are read by ``_measure_cells``.
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
            measure.max_row_tag = int(refs.cast(pl.Int64).max())  # type: ignore[arg-type]
            continue
        measure.max_row = int(refs.str.strip_chars_start("ABCDEFGHIJKLMNOPQRSTUVWXYZ").cast(pl.Int64).max())  # type: ignore[arg-type]
        letters = refs.str.strip_chars_end("0123456789").unique()
        measure.max_col = max(column_index(col) + 1 for col in letters.to_list())
    return measure


def _measure_cells(bodies: list[bytes]) -> _Measure:
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


def _check_xml_sheet(path: Path, sheet: str, handle: IO[bytes], info: zipfile.ZipInfo) -> None:
    extent = _XmlExtent()
    for chunk in _inflate(handle, info):
        extent.feed(chunk)
    rows, cols = extent.finish()
    try:
        check_extent(path, sheet, rows, cols, extent.filled)
    except UnreadableWorkbookError:
        if not extent.used_dimension:
            raise
        # The declared dimension may overstate the sheet; measure the cells themselves.
        exact = _XmlExtent(trust_dimension=False)
        for chunk in _inflate(handle, info):
            exact.feed(chunk)
        rows, cols = exact.finish()
        check_extent(path, sheet, rows, cols, exact.filled)


# --- the rectangle of an .ods table ------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)(table:table-row|table:table-cell|table:covered-table-cell|table:table|text:p)(?=[\s/>])"
    + _ATTRS
    + rb">"
)
# Real files repeat a value over a few cells (a row of zeros), not over a million.
_MAX_REPEAT = 100
_REPEAT_CELLS = 1_000_000


def _repeat(value: bytes | None) -> int:
    """A number-…-repeated attribute: how many rows or cells one element stands for."""
    value = (value or b"").strip()
    return int(value) if value.isdigit() else 1


class _OdsExtent:
    """Rows × columns of each table in content.xml, with repeated rows and cells expanded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.carry = b""
        self.name = "?"
        self.formulas: dict[str, list[tuple[int, int]]] = {}
        # calamine's .ods reader never returns from some XML that is cut short, so the whole
        # document must be well-formed (expat, in C; it also stops entity expansion bombs).
        from xml.parsers import expat  # for .ods only

        self.wellformed = expat.ParserCreate("utf-8")  # as calamine reads it
        self.malformed = (expat.ExpatError, LookupError, ValueError)
        self._reset()

    def _reset(self) -> None:
        self.row = self.max_row = self.max_col = self.filled = self.written = 0
        self.repeat = 1
        self.col = self.row_cells = 0
        self.row_has = False
        self.open_cell: tuple[int, int] | None = None  # (column, span) of a cell that may hold text

    def feed(self, chunk: bytes) -> None:
        try:
            self.wellformed.Parse(chunk, False)
        except self.malformed as exc:
            raise _Damaged(f"content.xml is not well-formed: {exc}") from exc
        body, self.carry = _complete_tags(self.carry + chunk)
        body, open_aside = _without_asides(body)
        self.carry = open_aside + self.carry
        for m in _ODS_TAG.finditer(body):
            self._tag(m.group(1) == b"/", m.group(2), m.group(3))

    def finish(self) -> None:
        try:
            self.wellformed.Parse(b"", True)
        except self.malformed as exc:
            raise _Damaged(f"content.xml is not well-formed: {exc}") from exc
        self._check()

    def _check(self) -> None:
        check_extent(self.path, self.name, self.max_row, self.max_col, self.filled)
        if self.filled > _REPEAT_CELLS and self.filled > _MAX_REPEAT * self.written:
            raise UnreadableWorkbookError(
                f"{self.path}: table {self.name!r} repeats {self.written:,} written cells into "
                f"{self.filled:,}; refused as absurd (a damaged or crafted file).",
                RESAVE,
            )

    def _tag(self, closing: bool, tag: bytes, attrs: bytes) -> None:
        empty = attrs.endswith(b"/")
        if tag == b"table:table":
            if closing:
                self._check()
            else:
                name = _attributes(attrs).get(b"table:name")
                self.name = name.decode("utf-8", "replace") if name is not None else "?"
            self._reset()
        elif tag == b"table:table-row":
            if closing:
                self._end_row()
            else:
                self.repeat = _repeat(_attributes(attrs).get(b"table:number-rows-repeated"))
                self.col = self.row_cells = 0
                self.row_has = False
                if empty:
                    self._end_row()
        elif tag == b"text:p":
            if not closing and not empty and self.open_cell is not None:
                self._value(*self.open_cell)  # text without a value type is a string to calamine
                self.open_cell = None
        elif closing:
            self.open_cell = None
        else:
            found = _attributes(attrs)
            span = _repeat(found.get(b"table:number-columns-repeated"))
            if b"office:value-type" in found:
                self._value(self.col, span)
            elif b"table:formula" in found:
                self.formulas.setdefault(self.name, []).append((self.row, self.col))
            elif not empty:
                self.open_cell = (self.col, span)
            self.col += span

    def _value(self, col: int, span: int) -> None:
        self.max_col = max(self.max_col, col + span)
        self.row_cells += span
        self.row_has = True
        self.written += 1

    def _end_row(self) -> None:
        if self.row_has:
            self.max_row = self.row + self.repeat
            self.filled += self.row_cells * self.repeat
        self.row += self.repeat
        self.repeat = 1
        self.row_has = False
        self.open_cell = None


# --- the rectangle of an .xlsb sheet -----------------------------------------------------------

_XLSB_ROW = 0x0000
_XLSB_CELLS = frozenset(range(0x0002, 0x000C))  # number, string, boolean, error and formula cells
_XLSB_DIMENSION = 0x0094


class _XlsbExtent:
    """Rows × columns of an .xlsb sheet from its BIFF12 records (row headers and cells)."""

    def __init__(self) -> None:
        self.buffer = b""
        self.skip = 0
        self.row = 0
        self.max_row = self.max_col = self.filled = 0

    def feed(self, chunk: bytes) -> None:
        if self.skip:
            dropped = min(self.skip, len(chunk))
            chunk, self.skip = chunk[dropped:], self.skip - dropped
        data = self.buffer + chunk
        pos, end = 0, len(data)
        while pos < end:
            start = pos
            rtype = data[pos]
            pos += 1
            if rtype & 0x80:
                if pos >= end:
                    pos = start
                    break
                rtype = (rtype & 0x7F) | ((data[pos] & 0x7F) << 7)
                pos += 1
            size = shift = 0
            complete = False
            for _ in range(4):
                if pos >= end:
                    break
                byte = data[pos]
                pos += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    complete = True
                    break
            if not complete:
                if pos - start >= 6:
                    raise _Damaged("a record header is malformed")
                pos = start
                break
            if size > _MAX_RECORD:
                raise _Damaged(f"a record of {size / 1024**2:,.0f} MB")
            if pos + min(size, 16) > end:
                pos = start
                break
            self._record(rtype, data[pos : pos + min(size, 16)])
            if pos + size > end:
                self.skip = pos + size - end
                pos = end
                break
            pos += size
        self.buffer = data[pos:]

    def _record(self, rtype: int, body: bytes) -> None:
        if rtype == _XLSB_ROW and len(body) >= 4:
            self.row = struct.unpack_from("<I", body)[0]
        elif rtype in _XLSB_CELLS and len(body) >= 4:
            self.max_col = max(self.max_col, struct.unpack_from("<I", body)[0] + 1)
            self.max_row = max(self.max_row, self.row + 1)
            self.filled += 1
        elif rtype == _XLSB_DIMENSION and len(body) >= 16:
            # calamine reserves room for the declared rectangle
            _r0, r1, _c0, c1 = struct.unpack_from("<4I", body)
            if (r1 + 1) * (c1 + 1) > MAX_CELLS:
                raise _Damaged(f"a sheet declares {r1 + 1:,} rows × {c1 + 1:,} columns")


def _xlsb_sheets(book: bytes) -> list[tuple[str, str]]:
    """(name, relationship id) of each BrtBundleSh record in workbook.bin."""
    sheets: list[tuple[str, str]] = []
    pos, end = 0, len(book)
    while pos < end:
        rtype = book[pos]
        pos += 1
        if rtype & 0x80 and pos < end:
            rtype = (rtype & 0x7F) | ((book[pos] & 0x7F) << 7)
            pos += 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                return sheets
            byte = book[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        body = book[pos : pos + size]
        pos += size
        if rtype == 0x009C and len(body) >= 12:
            count = struct.unpack_from("<I", body, 8)[0]
            if count == 0xFFFFFFFF or 12 + 2 * count + 4 > len(body):
                continue
            rid = body[12 : 12 + 2 * count].decode("utf-16-le", "replace")
            name_at = 12 + 2 * count
            length = struct.unpack_from("<I", body, name_at)[0]
            name = body[name_at + 4 : name_at + 4 + 2 * length].decode("utf-16-le", "replace")
            sheets.append((name, rid))
    return sheets


# --- OLE compound files: .xls, and password-protected .xlsx ------------------------------------

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


class _Compound:
    """The streams of an OLE compound file (the container of .xls and of encrypted .xlsx)."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or not data.startswith(_OLE_MAGIC):
            raise _Damaged("not a valid OLE container")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise _Damaged("not a valid OLE container")
        self.sector = 1 << shift
        self.cutoff = struct.unpack_from("<I", data, 0x38)[0]
        n_fat, dir_start, _, _, minifat_start, _, difat_start, n_difat = struct.unpack_from("<8I", data, 0x2C)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector, hops = difat_start, 0
        while sector not in (_FREE, _END_OF_CHAIN) and hops < n_difat and hops <= len(data) // self.sector:
            values = struct.unpack(f"<{self.sector // 4}I", self._sector(sector))
            difat.extend(values[:-1])
            sector, hops = values[-1], hops + 1
        # no more FAT sectors than the file has sectors, so that a crafted header cannot
        # make the table (and the chains through it) larger than the file
        self.fat = array("I")  # 4 bytes on every platform CPython supports
        for s in difat[: min(n_fat, len(data) // self.sector + 1)]:
            if s not in (_FREE, _END_OF_CHAIN):
                self.fat.frombytes(self._sector(s))
        directory = self._chain_bytes(dir_start, self.fat, self._sector)
        self.entries: dict[str, tuple[int, int, int]] = {}
        for at in range(0, len(directory) - 127, 128):
            name_length = struct.unpack_from("<H", directory, at + 64)[0]
            kind = directory[at + 66]
            start, size = struct.unpack_from("<II", directory, at + 116)
            name = directory[at : at + max(0, min(name_length, 64) - 2)].decode("utf-16-le", "replace")
            if kind in (1, 2, 5):
                self.entries.setdefault(name.lower(), (kind, start, size))
        root = next((e for e in self.entries.values() if e[0] == 5), None)
        self.mini = b""
        self.minifat = array("I")
        if root is not None:
            self.mini = self._chain_bytes(root[1], self.fat, self._sector)[: root[2]]
            if minifat_start not in (_FREE, _END_OF_CHAIN):
                self.minifat.frombytes(self._chain_bytes(minifat_start, self.fat, self._sector))

    def _sector(self, index: int) -> bytes:
        at = (index + 1) * self.sector
        if at >= len(self.data):
            raise _Damaged("the file is cut short")
        return self.data[at : at + self.sector].ljust(self.sector, b"\x00")

    def _mini_sector(self, index: int) -> bytes:
        at = index * 64
        if at >= len(self.mini):
            raise _Damaged("the file is cut short")
        return self.mini[at : at + 64]

    @staticmethod
    def _chain_bytes(start: int, table: array[int], read: Callable[[int], bytes]) -> bytes:
        """The sectors of a chain, each at most once (a chain that loops is damaged)."""
        parts = []
        seen: set[int] = set()
        sector = start
        while sector not in (_FREE, _END_OF_CHAIN):
            if sector >= len(table) or sector in seen:
                raise _Damaged("a broken sector chain")
            seen.add(sector)
            parts.append(read(sector))
            sector = table[sector]
        return b"".join(parts)

    def names(self) -> set[str]:
        """Lower-case names of every stream and storage."""
        return set(self.entries)

    def stream(self, name: str) -> bytes | None:
        """A stream's bytes by (case-insensitive) name, or None."""
        entry = self.entries.get(name.lower())
        if entry is None or entry[0] != 2:
            return None
        _kind, start, size = entry
        if size < self.cutoff and self.mini:
            return self._chain_bytes(start, self.minifat, self._mini_sector)[:size]
        return self._chain_bytes(start, self.fat, self._sector)[:size]


def _check_ole(path: Path) -> None:
    """Refuse an encrypted or absurd .xls, and OLE files that hold no workbook, before calamine."""
    try:
        compound = _Compound(path.read_bytes())
        names = compound.names()
        if "encryptedpackage" in names or "encryptioninfo" in names:
            raise UnreadableWorkbookError(f"{path}: the workbook is password-protected.", PASSWORD)
        stream = compound.stream("Workbook") or compound.stream("Book")
    except _Damaged as exc:
        raise _damaged(path, str(exc)) from exc
    except (struct.error, ValueError, IndexError, OverflowError) as exc:
        raise _damaged(path, "not a valid OLE container") from exc
    if stream is None:
        raise UnreadableWorkbookError(
            f"{path}: an Office document (for example a Word .doc) without a workbook; not a spreadsheet."
        )
    _check_biff(path, stream)


_BOF = frozenset({0x0809, 0x0409, 0x0209, 0x0009})
_BOUNDSHEET = 0x0085
_FILEPASS = 0x002F
_DIMENSIONS = 0x0200
_MULRK = 0x00BD
# Cells with a value (blank cells are not counted by calamine): BIFF5/8 and older.
_BIFF_CELLS = frozenset(
    {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0002, 0x0003, 0x0004, 0x0005, 0x0206, 0x0406}
)


def _check_biff(path: Path, stream: bytes) -> None:
    """Walk the BIFF records of a workbook stream: encryption, declared and actual sheet sizes."""
    pos, end = 0, len(stream)
    names: list[str] = []
    substream = -1
    max_row = max_col = filled = 0
    unpack = struct.unpack_from

    def label(index: int) -> str:
        return names[index - 1] if 0 < index <= len(names) else f"#{index}"

    while pos + 4 <= end:
        rtype, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if pos > end:
            break
        if rtype in _BOF:
            check_extent(path, label(substream), max_row, max_col, filled)
            substream += 1
            max_row = max_col = filled = 0
        elif rtype == _FILEPASS:
            raise UnreadableWorkbookError(f"{path}: the workbook is password-protected.", PASSWORD)
        elif rtype in _BIFF_CELLS and length >= 4:
            row, col = unpack("<HH", stream, body)
            max_row, max_col, filled = max(max_row, row + 1), max(max_col, col + 1), filled + 1
        elif rtype == _MULRK and length >= 6:
            row, first = unpack("<HH", stream, body)
            last = unpack("<H", stream, pos - 2)[0]
            max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
            filled += max(last - first + 1, 0)
        elif rtype == _DIMENSIONS and length in (10, 14):
            # calamine reserves room for the declared rectangle before it reads a cell
            rows, cols = unpack("<xxxxIxxH" if length == 14 else "<xxHxxH", stream, body)
            if rows * cols > MAX_CELLS:
                raise UnreadableWorkbookError(
                    f"{path}: sheet {label(substream)!r} declares {rows:,} rows × {cols:,} columns; "
                    "refused as absurd.",
                    RESAVE,
                )
        elif rtype == _BOUNDSHEET and length >= 8:
            names.append(_biff_sheet_name(stream[body + 6 : pos]))
    check_extent(path, label(substream), max_row, max_col, filled)


def _biff_sheet_name(data: bytes) -> str:
    if len(data) < 2:
        return "?"
    count, flags = data[0], data[1]
    if flags == 1:
        return data[2 : 2 + 2 * count].decode("utf-16-le", "replace")
    if flags == 0:
        return data[2 : 2 + count].decode("cp1252", "replace")
    return data[1 : 1 + count].decode("cp1252", "replace")  # BIFF5: no flags byte


def decode_text(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", "replace")
    if _utf16_without_bom(raw[:HEAD]):
        return raw.decode("utf-16-le", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


# --- the gate --------------------------------------------------------------------------------


@dataclass
class Checked:
    """A file that passed the checks: what it is, and what the checks found on the way."""

    kind: str  # xlsx, xlsb, ods, xls, or text, html, spreadsheetml for text saved as a workbook
    formulas: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # .ods, per sheet


def check_file(path: Path) -> Checked:
    """Sniff ``path`` and check it; raise ``UnreadableWorkbookError`` if no reader should open it."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError as exc:
        raise UnreadableWorkbookError(f"{path}: cannot be opened ({exc.strerror}).") from exc
    if not head:
        raise UnreadableWorkbookError(
            f"{path}: the file is empty.", "Export it again from the source system."
        )
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableWorkbookError(f"{path}: not a spreadsheet (.xlsx, .xlsm, .xls, .ods or .csv).")
    kind = _sniff(head)
    if kind == "zip":
        kind, formulas = _check_archive(path)
        return Checked(kind, formulas)
    if kind == "ole":
        _check_ole(path)
        return Checked("xls")
    if kind in {"text", "html", "spreadsheetml"}:
        return Checked(kind)
    raise UnreadableWorkbookError(
        f"{path}: damaged or not a spreadsheet ({kind}).",
        "Check that this is the export you meant, or export it again as .xlsx or .csv.",
    )


# The custom document property every workbook this tool writes carries (export.xlsx_bytes).
OUTPUT_PROPERTY = "realisasi"


def written_by_realisasi(path: Path) -> bool:
    """Whether ``path`` is a workbook this tool wrote (``-o peringkat.xlsx``, an e-mail attachment)."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return False
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            # inflated in bounded pieces: this runs before the file's checks
            custom = _read_part(handle, archive.getinfo("docProps/custom.xml"), limit=1 << 20)
        return f'name="{OUTPUT_PROPERTY}"'.encode() in custom
    except (_Damaged, *ZIP_ERRORS):
        return False


def expand_inputs(paths: list[Path], left_out: list[Path] | None = None) -> list[Path]:
    """Files as given, and the spreadsheets inside folders (sorted by name).

    A folder's workbooks that this tool wrote (last week's ``-o exports/peringkat.xlsx``)
    are not exports: they are left out, and added to ``left_out``.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = []
            for p in sorted(path.iterdir()):
                if (
                    not p.is_file()
                    or p.suffix.lower() not in FOLDER_SUFFIXES
                    or p.name.startswith(("~$", "."))
                ):
                    continue
                if written_by_realisasi(p):
                    if left_out is not None:
                        left_out.append(p)
                    continue
                found.append(p)
            if not found:
                raise UsageError(f"{path}: the folder holds no export (.xlsx, .xls, .ods, .csv).")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise UsageError(f"{path}: no such file or folder.")
    return files
