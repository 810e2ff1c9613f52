"""OLE compound files (.xls, password-protected .xlsx) and the BIFF records of an .xls workbook."""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import Damaged, damaged_error
from realisasi_cli.inputs.limits import MAX_CELLS, check_extent
from realisasi_cli.inputs.sniff import OLE_MAGIC
from realisasi_cli.messages import Message

if TYPE_CHECKING:
    pass


# --- OLE compound files: .xls, and password-protected .xlsx ------------------------------------

_FREE, _END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


class _Compound:
    """The streams of an OLE compound file (the container of .xls and of encrypted .xlsx)."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise Damaged("D-OLE")
        self.data = data
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            raise Damaged("D-OLE")
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
            raise Damaged("D-CUT-SHORT")
        return self.data[at : at + self.sector].ljust(self.sector, b"\x00")

    def _mini_sector(self, index: int) -> bytes:
        at = index * 64
        if at >= len(self.mini):
            raise Damaged("D-CUT-SHORT")
        return self.mini[at : at + 64]

    @staticmethod
    def _chain_bytes(start: int, table: array[int], read: Callable[[int], bytes]) -> bytes:
        """The sectors of a chain, each at most once (a chain that loops is damaged)."""
        parts = []
        seen: set[int] = set()
        sector = start
        while sector not in (_FREE, _END_OF_CHAIN):
            if sector >= len(table) or sector in seen:
                raise Damaged("D-SECTOR-CHAIN")
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


def check_ole(path: Path) -> None:
    """Refuse an encrypted or absurd .xls, and OLE files that hold no workbook, before calamine."""
    try:
        compound = _Compound(path.read_bytes())
        names = compound.names()
        if "encryptedpackage" in names or "encryptioninfo" in names:
            raise UnreadableWorkbookError("E-PASSWORD", "H-PASSWORD", path=path)
        stream = compound.stream("Workbook") or compound.stream("Book")
    except Damaged as exc:
        raise damaged_error(path, exc.detail) from exc
    except (struct.error, ValueError, IndexError, OverflowError) as exc:
        raise damaged_error(path, Message("D-OLE")) from exc
    if stream is None:
        raise UnreadableWorkbookError("E-OLE-NO-WORKBOOK", "H-SAVE-EXPORT", path=path)
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
            raise UnreadableWorkbookError("E-PASSWORD", "H-PASSWORD", path=path)
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
                    "E-SHEET-DECLARES", "H-RESAVE", path=path, sheet=label(substream), rows=rows, cols=cols
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
