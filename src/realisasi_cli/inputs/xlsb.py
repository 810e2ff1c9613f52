"""The rectangle of an .xlsb sheet, and the sheet list of its binary workbook part."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from realisasi_cli.inputs.archive import Damaged
from realisasi_cli.inputs.limits import MAX_CELLS, MAX_RECORD

if TYPE_CHECKING:
    pass


# --- the rectangle of an .xlsb sheet -----------------------------------------------------------

_XLSB_ROW = 0x0000
_XLSB_CELLS = frozenset(range(0x0002, 0x000C))  # number, string, boolean, error and formula cells
_XLSB_DIMENSION = 0x0094


class XlsbExtent:
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
                    raise Damaged("D-RECORD-HEADER")
                pos = start
                break
            if size > MAX_RECORD:
                raise Damaged("D-RECORD-SIZE", megabytes=round(size / 1024**2))
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
                raise Damaged("D-SHEET-DECLARES", rows=r1 + 1, cols=c1 + 1)


def xlsb_sheets(book: bytes) -> list[tuple[str, str]]:
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
