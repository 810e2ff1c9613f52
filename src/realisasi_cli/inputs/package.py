"""Which archive member is which sheet, decided as calamine decides it, from XML read by expat.

calamine finds a workbook's sheets through small XML parts: the package relationships
(``_rels/.rels``) name the workbook's folder, the workbook's relationships map ids to parts,
and the workbook lists its sheets by name and id. A check that reads these parts differently
from calamine measures one sheet while calamine opens another, so they are read here by a
real XML parser (expat, in C: it resolves no entity here, and a document type declaration is
refused), and a part that is not well-formed XML is refused rather than guessed at. From the
parsed tags, the attributes are taken raw, as calamine takes them, and calamine's rules
applied: attributes matched by their exact name, the last relationship of an id winning, a
sheet's id under any prefix, targets relative to the workbook's folder unless absolute, and
archive names looked up regardless of ASCII case, with "\\" read as "/".

``inputs.zipgate`` measures the parts these maps name, and ``reading.xlsx_scan`` scans them,
so the checks, the scan and calamine agree on which part is which sheet.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from realisasi_cli.inputs.archive import Damaged

if TYPE_CHECKING:
    pass


# --- archive names, as calamine looks them up ----------------------------------------------------

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_UNICODE_PATH = 0x7075  # Info-ZIP's extra field that renames a member for calamine's zip reader


def fold(name: str) -> str:
    """A name as calamine's cache of archive names keys it: "\\" as "/", ASCII letters in lower case."""
    return name.replace("\\", "/").translate(_ASCII_LOWER)


class Members:
    """The members of an archive under the names calamine's zip reader gives them.

    Two members whose names differ only in case or slashes would leave it to the order of the
    archive which one calamine opens; such an archive is refused, as is a member that the zip
    reader would rename (an Info-ZIP Unicode path field) or whose name Python cuts at a NUL.
    """

    def __init__(self, infos: list[zipfile.ZipInfo]) -> None:
        self.exact: dict[str, zipfile.ZipInfo] = {}
        self.folded: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.orig_filename
            if "\x00" in name or _renamed(info):
                raise Damaged("D-ZIP-NAME", member=name.replace("\x00", "\\0"))
            key = fold(name)
            if key in self.folded:
                raise Damaged("D-ZIP-DUPLICATE", member=name)
            self.exact[name] = info
            self.folded[key] = info

    def find(self, path: str) -> zipfile.ZipInfo | None:
        """The member calamine opens for ``path``: by its folded name, else by exactly that name."""
        return self.folded.get(path.translate(_ASCII_LOWER)) or self.exact.get(path)

    def under(self, folder: str) -> Iterator[zipfile.ZipInfo]:
        """Members whose folded name starts with ``folder`` (already folded)."""
        return (info for key, info in self.folded.items() if key.startswith(folder))


def _renamed(info: zipfile.ZipInfo) -> bool:
    """Whether the central directory gives ``info`` a Unicode path other than the name Python reads."""
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + size]
        at += 4 + size
        if kind != _UNICODE_PATH:
            continue
        if len(body) < 5 or body[0] != 1:
            return True
        raw = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
        if struct.unpack_from("<I", body, 1)[0] != zlib.crc32(raw):
            return True  # the reader refuses the archive; so does the gate
        return body[5:].decode("utf-8", "replace") != info.orig_filename
    return False


# --- small XML parts, parsed by expat, with their tags' raw attributes -----------------------------

# a start tag: its name (up to white space), the rest up to the first ">" outside quotes
_RAW_TAG = re.compile(rb"<([^ \t\r\n/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_DECLARED = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_WHITE = b" \t\r\n\x0c"  # Rust's ASCII white space, which calamine's attribute reader skips


@dataclass
class Tag:
    """A start or end tag of a parsed part: its raw name and, for a start tag, its raw attributes."""

    start: bool
    name: bytes
    attrs: bytes = b""

    @property
    def local(self) -> bytes:
        """The name after its prefix (after the first ":"), as quick-xml's ``local_name``."""
        return self.name.partition(b":")[2] if b":" in self.name else self.name


def xml_tags(data: bytes, member: str) -> list[Tag]:
    """The start and end tags of a well-formed XML part, in order; an empty element gives both.

    Raises ``Damaged`` for a part that is not well-formed, declares a document type or
    entities, or is not UTF-8 (the parts calamine compares as raw bytes).
    """
    from xml.parsers import expat  # the sheet map's parts only

    declared = _DECLARED.match(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        declared is not None and declared.group(1).lower() != b"utf-8"
    ):
        raise Damaged("D-XML-ENCODING", member=member)
    parser = expat.ParserCreate("UTF-8")
    tags: list[Tag] = []

    def start(_name: str, _attrs: object) -> None:
        found = _RAW_TAG.match(data, parser.CurrentByteIndex)
        if found is None:  # pragma: no cover - expat has just read this tag
            raise Damaged("D-XML-PART", member=member, reason="tag")
        content = found.group(1) + found.group(2)
        if content.endswith(b"/"):
            content = content[:-1]
        name = found.group(1).removesuffix(b"/")
        tags.append(Tag(True, name, content[len(name) :]))

    def end(name: str) -> None:
        tags.append(Tag(False, name.encode()))

    def refuse(*_args: object) -> None:
        raise Damaged("D-XML-DTD", member=member)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise Damaged("D-XML-PART", member=member, reason=str(exc)) from exc
    return tags


class AttrError(Exception):
    """calamine's attribute reader fails on this tag (a key without "=", a value without quotes)."""


def raw_attributes(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(key, raw value) of each attribute, read as calamine's ``RawAttrIter`` reads them."""
    pos, end = 0, len(raw)
    while True:
        while pos < end and raw[pos] in _WHITE:
            pos += 1
        if pos >= end:
            return
        equals = raw.find(b"=", pos)
        if equals < 0:
            raise AttrError
        key = raw[pos:equals].rstrip(_WHITE)
        pos = equals + 1
        while pos < end and raw[pos] in _WHITE:
            pos += 1
        if pos >= end or raw[pos] not in b"\"'":
            raise AttrError
        close = raw.find(raw[pos : pos + 1], pos + 1)
        if close < 0:
            yield key, raw[pos + 1 :]
            return
        yield key, raw[pos + 1 : close]
        pos = close + 1


def get_attrs(raw: bytes, keys: tuple[bytes, ...]) -> dict[bytes, bytes]:
    """calamine's ``get_attrs!``: each key's last value, stopping once as many matches as keys are seen."""
    found: dict[bytes, bytes] = {}
    matches = 0
    for key, value in raw_attributes(raw):
        if key in keys:
            found[key] = value
            matches += 1
        if matches == len(keys):
            break
    return found


def raw_attr(raw: bytes, key: bytes) -> bytes | None:
    """calamine's ``raw_attr``: the first value of ``key``."""
    for name, value in raw_attributes(raw):
        if name == key:
            return value
    return None


_REFERENCE = re.compile(rb"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|apos|quot);|&")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"apos": "'", b"quot": '"'}


def unescape(value: bytes) -> str | None:
    """A raw value with its references replaced, as quick-xml's ``unescape``; None where it fails."""
    out, pos = [], 0
    for m in _REFERENCE.finditer(value):
        out.append(value[pos : m.start()].decode("utf-8", "replace"))
        pos = m.end()
        ref = m.group(1)
        if ref is None:
            return None
        if ref in _NAMED:
            out.append(_NAMED[ref])
            continue
        if len(ref) > 10:
            return None
        code = int(ref[2:], 16) if ref[1:2] == b"x" else int(ref[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        out.append(chr(code))
    out.append(value[pos:].decode("utf-8", "replace"))
    return "".join(out)


# --- the sheet maps -----------------------------------------------------------------------------


@dataclass
class View:
    """A workbook as one of calamine's readers opens it: its sheets' parts, its shared strings."""

    kind: str  # xlsx or xlsb
    sheets: list[tuple[str, zipfile.ZipInfo]] = field(default_factory=list)
    strings: zipfile.ZipInfo | None = None
    book: zipfile.ZipInfo | None = None  # workbook.xml
    missing: list[tuple[str, str]] = field(default_factory=list)  # (sheet, part) not in the archive


Read = Callable[[zipfile.ZipInfo], bytes]
_SHEET_TYPES = {"worksheet", "chartsheet", "dialogsheet"}
_STATES = {b"visible", b"hidden", b"veryHidden"}


def xlsx_view(members: Members, read: Read) -> View | None:
    """The sheets calamine's .xlsx reader opens, or None where that reader fails to open the archive."""
    package = members.find("_rels/.rels")
    if package is None:
        return None
    folder = _workbook_folder(xml_tags(read(package), package.orig_filename))
    if folder is None:
        return None
    rels_info = members.find(f"{folder}_rels/workbook.xml.rels")
    if rels_info is None:
        return None
    relationships = _relationships(xml_tags(read(rels_info), rels_info.orig_filename))
    if relationships is None:
        return None
    book = members.find(f"{folder}workbook.xml")
    view = View("xlsx", strings=members.find(f"{folder}sharedStrings.xml"), book=book)
    if book is None:
        return view  # calamine opens it, with no sheets
    listed = _listed_sheets(xml_tags(read(book), book.orig_filename), relationships, folder)
    if listed is None:
        return None
    for name, path in listed:
        info = members.find(path)
        if info is None:
            view.missing.append((name, path))
        else:
            view.sheets.append((name, info))
    return view


def _workbook_folder(tags: list[Tag]) -> str | None:
    """The folder of the workbook part named by the package relationships (``xl/``), as calamine takes it."""
    at = next((i for i, tag in enumerate(tags) if tag.start and tag.local == b"Relationships"), None)
    if at is None:
        return None
    target: str | None = None
    for tag in tags[at + 1 :]:
        if tag.start and tag.local == b"Relationship":
            try:
                found = get_attrs(tag.attrs, (b"Type", b"Target"))
            except AttrError:
                return None
            if found.get(b"Type", b"").endswith(b"/relationships/officeDocument") and b"Target" in found:
                target = unescape(found[b"Target"])
                if target is None:
                    return None
        elif not tag.start and tag.local == b"Relationships":
            break
    else:
        return None
    if target is None:
        return None
    slash = target.rfind("/")
    return target[: slash + 1].removeprefix("/") if slash >= 0 else ""


def _relationships(tags: list[Tag]) -> dict[bytes, tuple[str, str]] | None:
    """Relationship id → (target, type), raw as calamine keeps them; the last of an id wins."""
    found: dict[bytes, tuple[str, str]] = {}
    for tag in tags:
        if tag.start and tag.local == b"Relationship":
            try:
                attrs = get_attrs(tag.attrs, (b"Id", b"Type", b"Target"))
            except AttrError:
                return None
            if b"Id" in attrs:
                target = attrs.get(b"Target", b"").decode("utf-8", "replace")
                found[attrs[b"Id"]] = (target, attrs.get(b"Type", b"").decode("utf-8", "replace"))
        elif not tag.start and tag.local == b"Relationships":
            return found
    return None


def _listed_sheets(
    tags: list[Tag], relationships: dict[bytes, tuple[str, str]], folder: str
) -> list[tuple[str, str]] | None:
    """(sheet name, part path) of each ``<sheet>`` of workbook.xml, or None where calamine fails."""
    sheets: list[tuple[str, str]] = []
    at = 0
    while at < len(tags):
        tag = tags[at]
        at += 1
        if not tag.start:
            if tag.local == b"workbook":
                return sheets
            continue
        try:
            if tag.local == b"sheet":
                sheet = _sheet(tag, relationships, folder)
                if sheet is None:
                    return None
                sheets.append(sheet)
            elif tag.local == b"workbookPr":
                raw_attr(tag.attrs, b"date1904")
            elif tag.local == b"definedName" and raw_attr(tag.attrs, b"name") is not None:
                # calamine reads the name's text up to the first end tag of the same name
                while at < len(tags) and (tags[at].start or tags[at].name != tag.name):
                    at += 1
                if at == len(tags):
                    return None
                at += 1
        except AttrError:
            return None
    return None


def _sheet(tag: Tag, relationships: dict[bytes, tuple[str, str]], folder: str) -> tuple[str, str] | None:
    name, rel_id = "", b""
    for key, value in raw_attributes(tag.attrs):
        if key == b"name":
            decoded = unescape(value)
            if decoded is None:
                return None
            name = decoded
        elif key == b"state":
            if value not in _STATES:
                return None
        elif key == b"id" or (key.endswith(b"id") and key[-3:-2] == b":"):
            rel_id = value
    relationship = relationships.get(rel_id)
    if relationship is None:
        return None
    target, kind = relationship
    if kind.rsplit("/", 1)[-1] not in _SHEET_TYPES:
        return None
    return name, target[1:] if target.startswith("/") else f"{folder}{target}"


def xlsb_view(members: Members, read: Read) -> View | None:
    """The sheets calamine's .xlsb reader opens, or None where that reader fails to open the archive."""
    book = members.find("xl/workbook.bin")
    if book is None:
        return None
    relationships: dict[str, str] = {}
    rels_info = members.exact.get("xl/_rels/workbook.bin.rels")  # looked up by its exact name
    if rels_info is not None:
        for tag in xml_tags(read(rels_info), rels_info.orig_filename):
            if tag.start and tag.name == b"Relationship":
                try:
                    attrs = get_attrs(tag.attrs, (b"Id", b"Target"))
                except AttrError:
                    return None
                if b"Id" in attrs and b"Target" in attrs:
                    target = unescape(attrs[b"Target"])
                    if target is None:
                        return None
                    relationships[attrs[b"Id"].decode("utf-8", "replace")] = target
    view = View("xlsb", strings=members.find("xl/sharedStrings.bin"))
    for name, rel_id in xlsb_sheets(read(book)):
        target = relationships.get(rel_id)
        if target is None:
            view.missing.append((name, rel_id))  # calamine indexes its map with the id and panics
            continue
        path = f"xl/{target}"
        if path.split("/")[1:2] not in (["worksheets"], ["chartsheets"], ["dialogsheets"]):
            return None
        info = members.find(path)
        if info is None:
            view.missing.append((name, path))
        else:
            view.sheets.append((name, info))
    return view


def xlsb_sheets(book: bytes) -> list[tuple[str, str]]:
    """(name, relationship id) of each BrtBundleSh record of workbook.bin, read as calamine reads them.

    A record that calamine would read beyond (and panic on) is refused.
    """
    sheets: list[tuple[str, str]] = []
    pos, end = 0, len(book)
    while pos < end:
        rtype = book[pos]
        pos += 1
        if rtype & 0x80:
            if pos >= end:
                break
            rtype = (rtype & 0x7F) | ((book[pos] & 0x7F) << 7)
            pos += 1
        size = 0
        for i in range(4):
            if pos >= end:
                return sheets
            byte = book[pos]
            pos += 1
            size |= (byte & 0x7F) << (7 * i)
            if not byte & 0x80:
                break
        body = book[pos : pos + size]
        pos += size
        if rtype != 0x009C:
            continue
        if len(body) < size or size < 12:
            raise Damaged("D-RECORD-HEADER")
        count = struct.unpack_from("<I", body, 8)[0]
        if count == 0xFFFFFFFF:
            continue
        name_at = 12 + 2 * count
        if name_at + 4 > len(body):
            raise Damaged("D-RECORD-HEADER")
        length = struct.unpack_from("<I", body, name_at)[0]
        if name_at + 4 + 2 * length > len(body):
            raise Damaged("D-RECORD-HEADER")
        rid = body[12:name_at].decode("utf-16-le", "replace")
        sheets.append((body[name_at + 4 : name_at + 4 + 2 * length].decode("utf-16-le", "replace"), rid))
    return sheets
