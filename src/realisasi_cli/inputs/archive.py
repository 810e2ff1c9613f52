"""Zip archives (.xlsx, .xlsm, .xlsb, .ods): members inflated in bounded pieces, sizes never trusted."""

from __future__ import annotations

import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.limits import CHUNK, MAX_PART_BYTES, MAX_TEXT_RUN
from realisasi_cli.messages import Message

if TYPE_CHECKING:
    pass


def fast_zlib() -> Any:
    """zlib-ng, which inflates sheets more than twice as fast as zlib (and checks CRC-32 some six
    times as fast), behind zlib's interface; zlib itself where its wheel is missing."""
    try:
        from zlib_ng import zlib_ng

        return zlib_ng
    except ImportError:  # pragma: no cover - a platform without its wheel
        return zlib


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


class Damaged(Exception):
    """A structural fault found while checking a file; becomes an UnreadableWorkbookError."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.detail = Message(code, params)

    def __str__(self) -> str:
        return self.detail.text("en")


def damaged_error(path: Path, reason: Message) -> UnreadableWorkbookError:
    return UnreadableWorkbookError("E-DAMAGED", "H-RESAVE", path=path, reason=reason)


def inflate_member(handle: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes in pieces of at most 1 MB; fails if it inflates beyond its declared size.

    In XML, megabytes of text without a tag (which the reader would hold in one buffer) fail too.
    """
    markup = info.filename.endswith((".xml", ".rels"))
    run = 0
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise Damaged("D-NO-LOCAL-HEADER", member=info.filename)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    remaining = info.compress_size
    produced = 0
    inflater = fast_zlib().decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while remaining > 0:
        raw = handle.read(min(remaining, 1 << 18))
        if not raw:
            raise Damaged("D-MEMBER-CUT", member=info.filename)
        remaining -= len(raw)
        while raw:
            if inflater is None:
                out, raw = raw, b""
            else:
                try:
                    out = inflater.decompress(raw, CHUNK)
                except (zlib.error, fast_zlib().error) as exc:
                    raise Damaged("D-MEMBER-INFLATE", member=info.filename) from exc
                raw = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise Damaged("D-MEMBER-BEYOND", member=info.filename)
            if markup:
                at = out.rfind(b"<")
                run = run + len(out) if at < 0 else len(out) - at
                if run > MAX_TEXT_RUN:
                    raise Damaged("D-MEMBER-TEXT", member=info.filename)
            if out:
                yield out
            if inflater is not None and inflater.eof:
                return


_END = b"PK\x05\x06"
_END64_LOCATOR = b"PK\x06\x07"
_END64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"


def check_layout(handle: IO[bytes], infos: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive that calamine's zip reader could read otherwise than Python's.

    Both must find the same central directory: the last end record, not contradicted by a
    zip64 record, with nothing prepended (the two readers correct for prepended data
    differently) and listing as many members as Python read. And no two members may share
    compressed bytes: members made from one deflate stream would inflate it once per name,
    beyond what the ratio of the archive's size suggests.
    """
    size = handle.seek(0, 2)
    tail_at = max(size - (1 << 16) - 22, 0)
    handle.seek(tail_at)
    tail = handle.read()
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < 22:
        raise Damaged("D-ZIP-LAYOUT")
    _sig, _disk, _cd_disk, _here, entries, cd_size, cd_offset, comment = struct.unpack_from(
        "<4sHHHHIIH", tail, at
    )
    end_at = tail_at + at
    if end_at + 22 + comment > size:
        raise Damaged("D-ZIP-LAYOUT")
    directory_end = end_at
    locator = end_at - 20
    if locator >= 0:
        handle.seek(locator)
        found = handle.read(20)
        if found[:4] == _END64_LOCATOR:
            # Python reads the zip64 record just before the locator, calamine's reader where
            # the locator points: the two must be the same place
            if struct.unpack_from("<Q", found, 8)[0] != locator - 56:
                raise Damaged("D-ZIP-LAYOUT")
            entries, cd_size, cd_offset, directory_end = _zip64_end(
                handle, locator - 56, (entries, cd_size, cd_offset)
            )
    if entries != len(infos) or cd_offset + cd_size != directory_end:
        raise Damaged("D-ZIP-LAYOUT")
    if infos:
        handle.seek(cd_offset)
        if handle.read(4) != _CENTRAL:
            raise Damaged("D-ZIP-LAYOUT")
    spans = []
    for info in infos:
        handle.seek(info.header_offset)
        header = handle.read(30)
        if len(header) < 30 or header[:4] != b"PK\x03\x04":
            raise Damaged("D-NO-LOCAL-HEADER", member=info.filename)
        name_length, extra_length = struct.unpack_from("<HH", header, 26)
        data_end = info.header_offset + 30 + name_length + extra_length + info.compress_size
        if data_end > cd_offset:
            raise Damaged("D-MEMBER-CUT", member=info.filename)
        spans.append((info.header_offset, data_end, info.filename))
    spans.sort()
    for (_start, end, first), (start, _end, second) in itertools.pairwise(spans):
        if start < end:
            raise Damaged("D-ZIP-OVERLAP", member=first, other=second)


def _zip64_end(handle: IO[bytes], at: int, plain: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """(entries, directory size, directory offset, record offset) of the zip64 end record at ``at``.

    Python reads the zip64 record whenever its locator is there; calamine's reader only when a
    field of the plain record says so: the two must agree wherever the plain record has a value.
    """
    handle.seek(at)
    record = handle.read(56)
    if len(record) < 56 or record[:4] != _END64:
        raise Damaged("D-ZIP-LAYOUT")
    entries, cd_size, cd_offset = struct.unpack_from("<QQQ", record, 32)
    sentinels = (0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    for value, wide, sentinel in zip(plain, (entries, cd_size, cd_offset), sentinels, strict=True):
        if value != sentinel and value != wide:
            raise Damaged("D-ZIP-LAYOUT")
    return entries, cd_size, cd_offset, at


def member_pieces(path: Path, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A checked archive member in pieces of at most 1 MB, inflated as the checks inflate it."""
    with path.open("rb") as handle:
        try:
            yield from inflate_member(handle, info)
        except Damaged as exc:
            raise zipfile.BadZipFile(str(exc)) from exc


def read_part(handle: IO[bytes], info: zipfile.ZipInfo, limit: int = MAX_PART_BYTES) -> bytes:
    if info.file_size > limit:
        raise Damaged("D-MEMBER-SIZE", member=info.filename, megabytes=round(info.file_size / 1024**2))
    return b"".join(inflate_member(handle, info))
