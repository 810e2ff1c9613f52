"""Zip archives (.xlsx, .xlsm, .xlsb, .ods): members inflated in bounded pieces, sizes never trusted."""

from __future__ import annotations

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


def _zlib() -> Any:
    """zlib-ng, which inflates sheets more than twice as fast as zlib, behind zlib's interface."""
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
    inflater = _zlib().decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
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
                except (zlib.error, _zlib().error) as exc:
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
