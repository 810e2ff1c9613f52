"""The records of .xlsb parts: the rectangle of a sheet, the shared strings and the references to them."""

from __future__ import annotations

import struct
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from realisasi_cli.inputs.archive import Damaged
from realisasi_cli.inputs.limits import MAX_CELLS, MAX_RECORD

if TYPE_CHECKING:
    pass


# --- the rectangle of an .xlsb sheet -----------------------------------------------------------

_XLSB_ROW = 0x0000
_XLSB_CELLS = frozenset(range(0x0002, 0x000C))  # number, string, boolean, error and formula cells
_XLSB_DIMENSION = 0x0094


class Records:
    """BIFF12 records read from pieces of a stream: (type, size, the first 16 bytes of the body)."""

    def __init__(self) -> None:
        self.buffer = b""
        self.skip = 0

    def feed(self, chunk: bytes) -> Iterator[tuple[int, int, bytes]]:
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
                    raise Damaged("D-RECORD-HEADER")
                pos = start
                break
            if size > MAX_RECORD:
                raise Damaged("D-RECORD-SIZE", megabytes=round(size / 1024**2))
            if pos + min(size, 16) > end:
                pos = start
                break
            yield rtype, size, data[pos : pos + min(size, 16)]
            if pos + size > end:
                self.skip = pos + size - end
                pos = end
                break
            pos += size
        self.buffer = data[pos:]


def records(pieces: Iterable[bytes]) -> Iterator[tuple[int, int, bytes]]:
    """Every BIFF12 record of a stream given in pieces."""
    reader = Records()
    for piece in pieces:
        yield from reader.feed(piece)


# the least body calamine reads of each kind of cell record (a shorter one makes it panic)
_CELL_BODY = {0x0002: 12, 0x0003: 9, 0x0004: 9, 0x0005: 16, 0x0006: 12, 0x0007: 12}
_CELL_BODY.update({0x0008: 12, 0x0009: 16, 0x000A: 9, 0x000B: 9})
_XLSB_ISST = 0x0007


class XlsbExtent:
    """Rows × columns of an .xlsb sheet from its BIFF12 records (row headers and cells), and the
    shared strings its cells refer to (count by index)."""

    def __init__(self) -> None:
        self.records = Records()
        self.row = 0
        self.max_row = self.max_col = self.filled = 0
        self.strings: Counter[int] = Counter()

    def feed(self, chunk: bytes) -> None:
        for rtype, size, body in self.records.feed(chunk):
            self._record(rtype, size, body)

    def _record(self, rtype: int, size: int, body: bytes) -> None:
        if rtype == _XLSB_ROW and len(body) >= 4:
            self.row = struct.unpack_from("<I", body)[0]
        elif rtype in _XLSB_CELLS:
            if size < _CELL_BODY.get(rtype, 8):
                raise Damaged("D-RECORD-HEADER")
            self.max_col = max(self.max_col, struct.unpack_from("<I", body)[0] + 1)
            self.max_row = max(self.max_row, self.row + 1)
            self.filled += 1
            if rtype == _XLSB_ISST:
                self.strings[struct.unpack_from("<I", body, 8)[0]] += 1
        elif rtype == _XLSB_DIMENSION and len(body) >= 16:
            # calamine reserves room for the declared rectangle
            _r0, r1, _c0, c1 = struct.unpack_from("<4I", body)
            if (r1 + 1) * (c1 + 1) > MAX_CELLS:
                raise Damaged("D-SHEET-DECLARES", rows=r1 + 1, cols=c1 + 1)


def xlsb_string_lengths(pieces: Iterable[bytes]) -> tuple[array[int], int]:
    """(length by index, longest) of the strings calamine reads from sharedStrings.bin.

    As calamine: the count of BrtBeginSst, then that many BrtSSTItem records, those inside a
    block of future records skipped. A string's length is its record's size, half again
    (UTF-16 becomes at most 1.5 times as many bytes of UTF-8).
    """
    lengths = array("Q")
    count: int | None = None
    in_future = False
    for rtype, size, body in records(pieces):
        if count is None:
            if rtype == 0x009F:
                if size < 8:
                    raise Damaged("D-RECORD-HEADER")
                count = struct.unpack_from("<I", body, 4)[0]
            continue
        if len(lengths) >= count:
            break
        if in_future:
            in_future = rtype != 0x0024
        elif rtype == 0x0023:
            in_future = True
        elif rtype == 0x0013:
            lengths.append(size * 3 // 2 + 1)
    return lengths, max(lengths, default=0)
