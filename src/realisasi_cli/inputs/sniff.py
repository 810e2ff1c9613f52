"""What a file's first bytes say it is, and how its text is decoded."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from realisasi_cli.inputs.limits import HEAD

if TYPE_CHECKING:
    pass


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# the first bytes of files people mistake for exports, and the code of the catalogue naming them
_OTHER_FORMATS = (
    (b"%PDF", "F-PDF"),
    (b"\x89PNG", "F-PNG"),
    (b"\xff\xd8\xff", "F-JPEG"),
    (b"GIF8", "F-GIF"),
    (b"Rar!", "F-RAR"),
    (b"7z\xbc\xaf", "F-7Z"),
    (b"\x1f\x8b", "F-GZIP"),
    (b"{\\rtf", "F-RTF"),
)


def sniff_kind(head: bytes) -> str:
    """What the first bytes say the file is: zip, ole, html, spreadsheetml, text, or an ``F-`` code."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            return what
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not _utf16_without_bom(head):
        controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
        if b"\x00" in head or controls > len(head) // 20:
            return "F-BINARY"
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
