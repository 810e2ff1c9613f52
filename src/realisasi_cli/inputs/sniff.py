"""What a file's first bytes say it is, and how its text is decoded."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path
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


def codec_of(head: bytes, all_utf8: Callable[[], bool]) -> str:
    """The codec text is read with: its byte-order mark's, UTF-16 for "Unicode text" saved
    without one, else UTF-8 when all of it is (``all_utf8``), else Windows-1252."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _utf16_without_bom(head[:HEAD]):
        return "utf-16-le"
    return "utf-8" if all_utf8() else "cp1252"


def decode_text(raw: bytes) -> str:
    """Text of a file's bytes, decoded as ``codec_of`` says."""
    return raw.decode(codec_of(raw, lambda: _utf8(raw)), "replace")


def file_codec(path: Path) -> str:
    """The codec ``decode_text`` would choose for the file at ``path``, read in pieces."""
    with path.open("rb") as handle:
        head = handle.read(HEAD)

    def all_utf8() -> bool:
        decoder = codecs.getincrementaldecoder("utf-8")()
        with path.open("rb") as handle:
            try:
                while piece := handle.read(1 << 20):
                    decoder.decode(piece)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return False
        return True

    return codec_of(head, all_utf8)


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
