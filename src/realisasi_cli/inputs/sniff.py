"""What a file's first bytes say it is, and how its text is decoded."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
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
    """Whether ``head`` is UTF-16 saved without a byte-order mark, either way round."""
    return _utf16_order(head) is not None


def _utf16_order(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for "Unicode text" saved without a byte-order mark (mostly
    ASCII, so a NUL after every byte, or before it), else None."""
    odd, even = head[1::2], head[0::2]
    if len(odd) < 8:
        return None
    if odd.count(0) > len(odd) * 0.9 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.9 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


@dataclass(frozen=True)
class Decoded:
    """A text file's characters, the encoding they were read in, and the lines that disagree
    with it (1-based; see ``decode``)."""

    text: str
    encoding: str
    odd_lines: tuple[int, ...] = ()


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """A decoding error handler: the bytes that are not UTF-8 read as Windows-1252."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", "replace"), error.end


codecs.register_error("realisasi-cp1252", _cp1252_bytes)


def decode(raw: bytes) -> Decoded:
    """A text file's characters: UTF-16 by its byte-order mark or its NULs, else UTF-8 line by
    line. One odd byte (a name pasted from an old program) does not make a UTF-8 file
    Windows-1252: the lines that are not UTF-8 keep their UTF-8 and read their odd bytes as
    Windows-1252, and are named. Only where most lines with non-ASCII text are not UTF-8 is the
    file Windows-1252; its lines that were UTF-8 are then named."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(raw.decode("utf-16", "replace"), "utf-16")
    order = _utf16_order(raw[:HEAD])
    if order is not None:
        return Decoded(raw.decode(order, "replace"), order)
    body = raw[len(codecs.BOM_UTF8) :] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    odd, utf8 = [], []
    for number, line in enumerate(io.BytesIO(body), start=1):  # a line at a time, not a list
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            odd.append(number)
        else:
            utf8.append(number)
    if len(odd) > len(utf8):
        return Decoded(body.decode("cp1252", "replace"), "cp1252", tuple(utf8))
    return Decoded(body.decode("utf-8", "realisasi-cp1252"), "utf-8", tuple(odd))


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
    """A text file's characters (``decode``)."""
    return decode(raw).text


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
