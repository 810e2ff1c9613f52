"""A follow-up worksheet filled in at a meeting (``brief --followup FILE``): what was agreed per unit.

The worksheet is the one ``brief -o tindak-lanjut.xlsx`` writes, as it comes back: filled in
Excel or LibreOffice, saved again (also as .xls or .ods), columns moved or added, rows sorted,
blank rows between them. The header row is found by its words (Indonesian or English), not by
its position; every other row that names a unit (a code or a name) and says something about
it is an entry. Cells are read as the workbook holds them: a percentage as an Excel
percentage (0.4187) or as typed text (``41,87%``), a deadline as a date or as text
(``30/11/2023``, ``30 November 2023``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from realisasi_cli.dates import MONTHS, dates_in, month_number
from realisasi_cli.errors import FollowupSheetError

# Each column's header words, in the order a header cell is tried: the person responsible for
# a follow-up before the follow-up itself, and a percentage of belanja modal is not the unit's.
_COLUMNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("owner", re.compile(r"penanggung\s*jawab|\bpj\b|\bpic\b|responsible|\bowner\b", re.I)),
    ("deadline", re.compile(r"tenggat|batas\s+waktu|target\s+waktu|deadline|\bdue\b", re.I)),
    ("status", re.compile(r"^\s*status\b", re.I)),
    ("issues", re.compile(r"permasalahan|masalah|kendala|problem|issue", re.I)),
    ("action", re.compile(r"tindak\s*lanjut|rencana\s+aksi|follow[\s-]*up|\baction", re.I)),
    ("code", re.compile(r"^\s*(kode|kd|code)\b", re.I)),
    ("pct", re.compile(r"^(?!.*(modal|capital|fisik|physical|selisih|gap)).*%", re.I)),
    ("name", re.compile(r"perangkat\s+daerah|^\s*nama\b|\bname\b|^\s*unit\b|\bskpd\b|\bopd\b", re.I)),
)
WRITE_INS = ("issues", "action", "owner", "deadline", "status")
_MEETING = re.compile(r"\b(rapat|meeting)\b", re.I)
# A header is looked for in the first rows of a sheet; the title block above it is short.
_HEADER_ROWS = 60
# An English-notation number as the reader gives a numeric cell of a column that holds text.
_PLAIN = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
# Excel's day numbers of 1955–2118: a date saved in a cell that is not formatted as one.
_SERIALS = (20000, 80000)
_EXCEL_EPOCH = date(1899, 12, 30)
# How an English worksheet writes its dates: "September 30, 2023"
_MONTH_FIRST = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2}),?\s+(\d{4})\b", re.I
)


@dataclass
class FollowupEntry:
    """One unit of the worksheet, as the meeting left it."""

    row: int  # 1-based row of the sheet, for messages
    code: str | None
    name: str | None
    pct: float | None  # the unit's absorption % when the worksheet was written
    issues: str = ""
    action: str = ""
    owner: str = ""
    deadline: date | None = None
    deadline_text: str = ""  # the deadline as written, when it is not a date
    status: str = ""  # as written: Belum / Proses / Selesai, or the meeting's own words


@dataclass
class FollowupSheet:
    """A filled follow-up worksheet: its entries and the dates its title block states."""

    file: Path
    sheet: str
    entries: list[FollowupEntry]
    as_of: date | None = None  # the data date the worksheet was written from
    meeting_date: date | None = None  # the meeting it was filled in at
    columns: list[str] = field(default_factory=list)  # the columns found, by key


def _text(value: object) -> str:
    """A cell as one trimmed text (line breaks kept, ``\\r\\n`` as ``\\n``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def _unquoted(text: str) -> str:
    """Text as it was before the worksheet made it inert (``'=…`` was ``=…``): the brief is no
    spreadsheet, and escapes it for its own format."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def header_columns(cells: list[object]) -> dict[str, int]:
    """The columns a header row names, by key (``code``, ``name``, ``pct``, ``issues`` …)."""
    found: dict[str, int] = {}
    for j, cell in enumerate(cells):
        text = " ".join(_text(cell).split())
        if not text:
            continue
        for key, pattern in _COLUMNS:
            if pattern.search(text):
                found.setdefault(key, j)
                break
    return found


def _is_header(columns: dict[str, int]) -> bool:
    """A unit column and two of the columns filled in at the meeting: a realization export
    or a list of units has no Permasalahan or Tindak lanjut."""
    return ("code" in columns or "name" in columns) and sum(k in columns for k in WRITE_INS) >= 2


def pct_of(value: object) -> float | None:
    """A percentage cell: an Excel percentage (0.4187 is 41,87 %) or text as typed (``41,87%``)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value).replace(" ", "")
        if not text:
            return None
        if not _PLAIN.fullmatch(text):
            return _typed_number(text.rstrip("%"))
        number = float(text)
    # a number above 150 % was typed as points into a cell not formatted as a percentage
    return number * 100 if abs(number) <= 1.5 else number


def _typed_number(text: str) -> float | None:
    import polars as pl

    from realisasi_cli.numbers import parse_amounts

    parsed = parse_amounts(pl.Series([text], dtype=pl.String))[0]
    return None if parsed is None else float(parsed)


def date_of(value: object) -> date | None:
    """A deadline cell: a date, an Excel day number, or a date written as text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value))
    text = _text(value)
    if _PLAIN.fullmatch(text):
        return _serial(float(text))
    found = _dates_in(text)
    return found[0] if found else None


def _dates_in(text: str) -> list[date]:
    """The dates written in ``text``, the Indonesian way (``30 November 2023``, ``30/11/2023``)
    or the English (``November 30, 2023``)."""
    found = dates_in(text)
    for m in _MONTH_FIRST.finditer(text):
        month = month_number(m.group(1))
        try:
            found.append(date(int(m.group(3)), month or 0, int(m.group(2))))
        except ValueError:
            continue
    return found


def _serial(number: float) -> date | None:
    low, high = _SERIALS
    return _EXCEL_EPOCH + timedelta(days=int(number)) if low <= number <= high else None


def _entry(at: int, cells: list[object], columns: dict[str, int]) -> FollowupEntry | None:
    def cell(key: str) -> object:
        j = columns.get(key)
        return cells[j] if j is not None and j < len(cells) else None

    code, name = _text(cell("code")) or None, _unquoted(_text(cell("name"))) or None
    if code is not None:
        code = "".join(code.split())
    pct = pct_of(cell("pct"))
    deadline_cell = cell("deadline")
    deadline = date_of(deadline_cell)
    written = {k: _unquoted(_text(cell(k))) for k in ("issues", "action", "owner", "status")}
    if code is None and name is None:
        return None
    # a line of text under the table (a note, a signature) names no unit: nothing is said of it
    if code is None and pct is None and not any(written.values()) and deadline_cell in (None, ""):
        return None
    return FollowupEntry(
        row=at + 1,
        code=code,
        name=" ".join(name.split()) if name else None,
        pct=pct,
        deadline=deadline,
        deadline_text="" if deadline is not None else _text(deadline_cell),
        **written,
    )


def _title_dates(rows: list[list[object]]) -> tuple[date | None, date | None]:
    """The data date and the meeting date that the title block above the header states."""
    as_of = meeting = None
    for cells in rows:
        for cell in cells:
            text = _text(cell)
            if not text:
                continue
            found = _dates_in(text)
            if found and _MEETING.search(text):
                meeting = meeting or found[-1]
            elif found and as_of is None:
                as_of = found[-1]
    return as_of, meeting


def read_followup(path: Path) -> FollowupSheet:
    """The entries of a filled follow-up worksheet (the first sheet with its header)."""
    from realisasi_cli.reading import read_grids

    for grid in sorted(read_grids(path), key=lambda g: g.hidden):
        rows = [list(r) for r in grid.frame.iter_rows()]
        for at, cells in enumerate(rows[:_HEADER_ROWS]):
            columns = header_columns(cells)
            if not _is_header(columns):
                continue
            entries = [
                e for i, line in enumerate(rows[at + 1 :], start=at + 1) if (e := _entry(i, line, columns))
            ]
            as_of, meeting = _title_dates(rows[:at])
            return FollowupSheet(path, grid.sheet, entries, as_of, meeting, list(columns))
    raise FollowupSheetError("E-FOLLOWUP-NO-HEADER", "H-FOLLOWUP", path=path)
