"""OLE compound files (.xls, password-protected .xlsx) and the BIFF records of an .xls workbook."""

from __future__ import annotations

import itertools
import struct
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import Damaged, damaged_error
from realisasi_cli.inputs.limits import MAX_CELLS, Cells, check_extent
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
        n_fat, dir_start, _, _, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from(
            "<8I", data, 0x2C
        )
        # calamine sizes its tables by these counts before it reads a sector: a header that
        # counts more sectors than the file holds would have it ask for gigabytes and abort
        sectors = len(data) // self.sector
        n_directory = struct.unpack_from("<I", data, 0x28)[0]
        counted = max(n_fat, n_minifat, n_difat, n_directory)
        if counted > sectors:
            raise Damaged("D-OLE-COUNTS", n=counted, sectors=sectors)
        if any(
            s not in (_FREE, _END_OF_CHAIN) and s >= sectors for s in (dir_start, minifat_start, difat_start)
        ):
            raise Damaged("D-SECTOR-CHAIN")  # a chain that starts past the end of the file
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
        # calamine cuts the directory in entries of 128 bytes and panics on a shorter last one:
        # its sectors must be whole
        directory = self._chain_bytes(dir_start, self.fat, self._whole_sector)
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

    def _whole_sector(self, index: int) -> bytes:
        at = (index + 1) * self.sector
        if at + self.sector > len(self.data):
            raise Damaged("D-CUT-SHORT")
        return self.data[at : at + self.sector]

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
_EOF = 0x000A
_BOUNDSHEET = 0x0085
_FILEPASS = 0x002F
_DIMENSIONS = 0x0200
_MULRK = 0x00BD
_SST = 0x00FC
_CONTINUE = 0x003C
_LABELSST = 0x00FD
# Cells with a value (blank cells are not counted by calamine): BIFF5/8 and older.
_BIFF_CELLS = frozenset(
    {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0002, 0x0003, 0x0004, 0x0005, 0x0206, 0x0406}
)
_CODEPAGE = 0x0042
# A string of the shared-string table makes at most this many bytes of UTF-8 per character it
# counts: UTF-16 (code page 1200, the one of BIFF8), or whatever code page calamine decodes with.
_UTF8_PER_CHAR = {1200: 3}
_UTF8_OTHERWISE = 6


def _records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(start, type, body length) of each BIFF record from ``pos``, as calamine steps through them."""
    end = len(stream)
    while pos + 4 <= end:
        rtype, length = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + length > end:
            return  # calamine fails on a record cut short, and with it the workbook
        yield pos, rtype, length
        pos += 4 + length


def _check_biff(path: Path, stream: bytes) -> None:
    """Walk the BIFF records of a workbook stream: encryption, then each sheet calamine will read.

    calamine reads the workbook's globals up to their EOF, then each sheet from the offset its
    BOUNDSHEET record gives, record by record. So each sheet is measured from that offset,
    which must be the start of a record that starts a sheet (BOF): an offset pointing inside
    another record (a string of the shared-string table, say) would make calamine read a sheet
    that no walk of the records sees.
    """
    starts: dict[int, int] = {}
    sheets: list[tuple[str, int]] = []
    strings: list[int] | None = None
    codepage = 1200
    in_globals = True
    records = list(_records(stream, 0))
    for index, (at, rtype, length) in enumerate(records):
        starts[at] = rtype
        if rtype == _FILEPASS:
            raise UnreadableWorkbookError("E-PASSWORD", "H-PASSWORD", path=path)
        if not in_globals:
            continue
        if rtype == _EOF:
            in_globals = False
        elif rtype == _BOUNDSHEET:
            if length < 8:
                raise Damaged("D-RECORD-HEADER")  # calamine would read past it and panic
            body = stream[at + 4 : at + 4 + length]
            sheets.append((_biff_sheet_name(body[6:]), struct.unpack_from("<I", body)[0]))
        elif rtype == _SST:
            strings = _sst_lengths(stream, records, index)
        elif rtype == _CODEPAGE and length >= 2:
            codepage = struct.unpack_from("<H", stream, at + 4)[0]
    references: Counter[int] = Counter()
    spans: list[tuple[int, int, str]] = []
    cells = Cells(path)  # calamine reads every sheet when it opens the file, and holds them all
    for name, pos in sheets:
        if starts.get(pos) not in _BOF:
            raise Damaged("D-SHEET-OFFSET", sheet=name)
        spans.append((pos, _check_sheet(path, name, stream, pos, references, cells), name))
    spans.sort()
    for (_start, end, _first), (start, _end, second) in itertools.pairwise(spans):
        if start < end:
            raise Damaged("D-SHEET-OFFSET", sheet=second)  # two sheets read from the same records
    per_char = _UTF8_PER_CHAR.get(codepage, _UTF8_OTHERWISE)
    _check_strings(
        path, references, [n * per_char for n in strings] if strings is not None else None, len(stream)
    )


def _check_sheet(
    path: Path, name: str, stream: bytes, pos: int, references: Counter[int], cells: Cells
) -> int:
    """Measure the sheet whose BOF is at ``pos``; where its records end.

    Up to the EOF that closes the sheet's own BOF: the cells of a chart embedded in the sheet
    count too (one version of calamine reads them, another skips them).
    """
    unpack = struct.unpack_from
    max_row = max_col = filled = 0
    depth = 0
    end = pos
    for at, rtype, length in _records(stream, pos):
        body = at + 4
        end = body + length
        if rtype in _BOF:
            depth += 1
        elif rtype == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif rtype in _BIFF_CELLS and length >= 4:
            row, col = unpack("<HH", stream, body)
            max_row, max_col, filled = max(max_row, row + 1), max(max_col, col + 1), filled + 1
            if rtype == _LABELSST and length >= 10:
                references[unpack("<I", stream, body + 6)[0]] += 1
        elif rtype == _MULRK and length >= 6:
            row, first = unpack("<HH", stream, body)
            last = unpack("<H", stream, end - 2)[0]
            max_row, max_col = max(max_row, row + 1), max(max_col, last + 1)
            filled += max(last - first + 1, 0)
        elif rtype == _DIMENSIONS and length in (10, 14):
            rows, cols = _declared(stream[body:end])
            # calamine reserves room for the declared rectangle before it reads a cell
            if rows * cols > MAX_CELLS:
                raise UnreadableWorkbookError(
                    "E-SHEET-DECLARES", "H-RESAVE", path=path, sheet=name, rows=rows, cols=cols
                )
    check_extent(path, name, max_row, max_col, filled)
    cells.add(max_row, max_col, filled)
    return end


def _declared(body: bytes) -> tuple[int, int]:
    """The rows × columns calamine reserves for a DIMENSIONS record (its u32 arithmetic wraps)."""
    if len(body) == 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
    else:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return 1, 1
    wrap = 1 << 32
    return (last_row - 1 - first_row + 1) % wrap, (last_col - 1 - first_col + 1) % wrap


class _Continued:
    """A record's body and the CONTINUE records after it, read as calamine reads them."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts
        self.data = parts[0]
        self.next = 1

    def more(self) -> bool:
        if self.next >= len(self.parts):
            return False
        self.data = self.parts[self.next]
        self.next += 1
        return True

    def take(self, size: int) -> bytes:
        if len(self.data) < size:
            raise Damaged("D-SST")  # calamine would read past the record and panic
        taken, self.data = self.data[:size], self.data[size:]
        return taken

    def skip(self, size: int) -> bool:
        while size > 0:
            if not self.data and not self.more():
                return False
            step = min(size, len(self.data))
            self.data = self.data[step:]
            size -= step
        return True


def _sst_lengths(stream: bytes, records: list[tuple[int, int, int]], index: int) -> list[int] | None:
    """The characters of each string of the SST record at ``records[index]``, as calamine reads
    them; None where calamine fails on the table (and so on the workbook)."""
    parts: list[bytes] = []
    for at, rtype, length in records[index:]:
        if parts and rtype != _CONTINUE:
            break
        parts.append(stream[at + 4 : at + 4 + length])
    record = _Continued(parts)
    if len(record.data) < 8:
        return None
    record.data = record.data[8:]
    lengths: list[int] = []
    while record.data or record.more():
        if not record.data:
            lengths.append(0)
            continue
        if len(record.data) < 3:
            return None
        count, flags = struct.unpack("<HB", record.take(3))
        runs = struct.unpack("<H", record.take(2))[0] if flags & 0x8 else 0
        extra = struct.unpack("<i", record.take(4))[0] if flags & 0x4 else 0
        wide, left = bool(flags & 0x1), count
        while left > 0:
            step = min(len(record.data) // 2 if wide else len(record.data), left)
            record.data = record.data[2 * step if wide else step :]
            left -= step
            if left > 0:
                if not record.more():
                    return None
                wide = bool(record.take(1)[0] & 0x1)
        if extra < 0 or not record.skip(runs * 4) or not record.skip(extra):
            return None
        lengths.append(count)
    return lengths


def _check_strings(path: Path, references: Counter[int], strings: list[int] | None, size: int) -> None:
    """Refuse a workbook whose cells would copy its shared strings (``strings``: bytes each
    makes) into absurdly much text."""
    if not references:
        return
    from realisasi_cli.inputs.strings import check_text

    longest = 0xFFFF * _UTF8_OTHERWISE if strings is None else max(strings, default=0)
    known = strings or []
    text = sum(count * (known[i] if i < len(known) else longest) for i, count in references.items())
    check_text(path, text, size)


def _biff_sheet_name(data: bytes) -> str:
    if len(data) < 2:
        return "?"
    count, flags = data[0], data[1]
    if flags == 1:
        return data[2 : 2 + 2 * count].decode("utf-16-le", "replace")
    if flags == 0:
        return data[2 : 2 + count].decode("cp1252", "replace")
    return data[1 : 1 + count].decode("cp1252", "replace")  # BIFF5: no flags byte
