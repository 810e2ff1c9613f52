"""Indonesian month names and the as-of dates that exports write in titles and file names."""

from __future__ import annotations

import calendar
import re
from datetime import date
from itertools import pairwise

MONTHS: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "january": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "february": 2,
    "maret": 3,
    "mar": 3,
    "march": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "juni": 6,
    "jun": 6,
    "june": 6,
    "juli": 7,
    "jul": 7,
    "july": 7,
    "agustus": 8,
    "agt": 8,
    "agu": 8,
    "ags": 8,
    "agst": 8,
    "aug": 8,
    "august": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "oct": 10,
    "october": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
    "dec": 12,
    "december": 12,
}
_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = re.compile(rf"\b(\d{{1,2}})\s*[-/ ]?\s*({_MONTH_WORD})\.?\s*[-/ ]?\s*(\d{{4}})\b", re.I)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# "Mei 2024", "Mei Tahun 2024", "Mei T.A. 2024"
_MONTH_YEAR = re.compile(
    rf"\b({_MONTH_WORD})\.?\s+(?:tahun\s+(?:anggaran\s+)?|t\.?\s?a\.?\s*)?(\d{{4}})\b", re.I
)
# a report at a quarter's or a half year's end: "TRIWULAN III TAHUN ANGGARAN 2024", "Semester I 2024"
_PART_NUMBERS = r"(?:iv|iii|ii|i|[1-4])"
_PART_OF_YEAR = re.compile(
    rf"\b(triwulan|trw|tw|semester)\s*(?:ke\s*-?\s*)?({_PART_NUMBERS}(?:\s*(?:,|dan|&)\s*{_PART_NUMBERS})*)\b"
    r"(?!\s*(?:s\s*\.?\s*/?\s*d|sd|sampai|hingga|-|\u2013))\D{0,40}?\b(20\d{2})\b",
    re.I,
)
_PART_NUMBER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_UNTIL = re.compile(
    r"\b(s\s*\.?\s*/?\s*d\s*\.?|sd|sampai\s+dengan|hingga|per|keadaan|posisi|tanggal|tgl)\b", re.I
)
_DASH = re.compile(r"\s*[-\u2013\u2014]+\s*")  # the dash of "01/07/2022 - 31/07/2022"
_YEAR = re.compile(r"\b(?:tahun\s+anggaran|ta\.?|tahun|apbd(?:\s+\w+)*?)\s*(20\d{2})\b", re.I)
_MONTH_TOKEN = re.compile(rf"(?<![a-z])({_MONTH_WORD})(?![a-z])", re.I)


def month_number(word: str) -> int | None:
    """``"Pebruari"`` → 2; ``None`` when the word is not a month."""
    return MONTHS.get(word.strip().lower().rstrip("."))


def a_year_before(day: date) -> date:
    """The same day of the previous year (28 February for 29 February)."""
    return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dates_at(text: str) -> list[tuple[int, int, date]]:
    """Every full date written in ``text``, with where it starts and ends, in order."""
    found: list[tuple[int, int, date]] = []
    for m in _DATE.finditer(text):
        month = month_number(m.group(2))
        d = _valid(int(m.group(3)), month, int(m.group(1))) if month else None
        if d:
            found.append((m.start(), m.end(), d))
    for m in _NUMERIC_DATE.finditer(text):
        d = _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _ISO_DATE.finditer(text):
        d = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            found.append((m.start(), m.end(), d))
    return sorted(found, key=lambda item: item[0])


def dates_in(text: str) -> list[date]:
    """Every full date written in ``text`` (``10 November 2023``, ``30/09/2023``, ISO)."""
    return [d for _, _, d in _dates_at(text)]


def as_of_in(text: str) -> date | None:
    """The as-of date a title line states, if it states one.

    ``s.d. 30 September 2023``, ``Per 10 November 2023``, ``Periode : 1 Januari 2023 s.d.
    30 September 2023`` (the end), ``SAMPAI DENGAN FEBRUARI 2023`` (the month's end).
    """
    full = dates_in(text)
    if full:
        return full[-1]
    if _UNTIL.search(text) or re.search(r"\bbulan\b|\bperiode\b", text, re.I):
        months = list(_MONTH_YEAR.finditer(text))
        if months:
            last = months[-1]
            month = month_number(last.group(1))
            if month:
                return month_end(int(last.group(2)), month)
    return None


def month_to_in(text: str) -> int | None:
    """The month a title line runs to without its year ("Posisi s.d. Bulan Agustus", "Bulan :
    Agustus"), where it writes no full date."""
    if not (_UNTIL.search(text) or re.search(r"\bbulan\b", text, re.I)) or dates_in(text):
        return None
    months = [month_number(m.group(1)) for m in _MONTH_TOKEN.finditer(text)]
    return months[-1] if months and months[-1] else None


def part_end_in(text: str) -> date | None:
    """The last day of the quarter or half year a title line reports, with its year (``Semester
    I Tahun 2024`` → 30 June 2024); not a range of them (``Triwulan I s.d. IV``). A title's,
    not a column's: "Realisasi TW I 2024" over a column is that quarter's amount."""
    parts = list(_PART_OF_YEAR.finditer(text))
    if not parts:
        return None
    last = parts[-1]
    number = _PART_NUMBER[re.split(r"\s*(?:,|dan|&)\s*", last.group(2).lower())[-1]]  # I dan II: II
    months = 6 if last.group(1).lower() == "semester" else 3
    if number * months > 12:
        return None
    return month_end(int(last.group(3)), number * months)


_FISCAL_YEAR = re.compile(r"\b(?:tahun\s+anggaran|t\.?\s?a\.?)\s*(20\d{2})\b", re.I)
# a regulation cited ("Peraturan Bupati Nomor 45 Tahun 2023"): the year it was made, not the budget's
_CITED = re.compile(r"\bnomor\s+\S+\s+tahun\s+20\d{2}\b", re.I)


def year_in(text: str) -> int | None:
    """The fiscal year a title states (``TAHUN ANGGARAN 2026``, ``TA 2026``, ``APBD 2026``); a
    regulation's "Nomor 45 Tahun 2023" is none."""
    m = _FISCAL_YEAR.search(text) or _YEAR.search(_CITED.sub(" ", text))
    return int(m.group(1)) if m else None


def month_in_name(name: str) -> int | None:
    """A month written in a file or sheet name (``lra_maret``) — the last one wins."""
    tokens = _MONTH_TOKEN.findall(name.replace("_", " ").replace("-", " "))
    return month_number(tokens[-1]) if tokens else None


_NAME_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def year_in_name(name: str) -> int | None:
    """A four-digit year in a file or sheet name (the last, where it writes several)."""
    years = _NAME_YEAR.findall(name)
    return int(years[-1]) if years else None


def sole_year_in_name(name: str) -> int | None:
    """The year a file or sheet name writes, where it writes one only ("… 2024 (format
    Permendagri 77 2020)" says none for sure)."""
    years = set(_NAME_YEAR.findall(name))
    return int(years.pop()) if len(years) == 1 else None


_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s*[-/ ]?\s*({_MONTH_WORD})\b\.?", re.I)
_SHORT_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*[-/ ]?\s*({_MONTH_WORD})\.?\s*[-/ ]?\s*(\d{{2}})(?!\d)", re.I
)


def period_start_in(text: str) -> date | None:
    """The first day a title's period covers, when it states a range: ``01 Juli s.d 31 Juli
    2022`` → 1 July 2022; ``Januari s.d Agustus 2022`` → 1 January 2022; two dates joined by a
    dash, ``01/07/2022 - 31/07/2022`` → 1 July 2022 (``02/01/2022 - …``, the first working day,
    → 1 January)."""
    dated = _dates_at(text)
    for (_, stop, first), (start, _, last) in pairwise(dated):
        if first < last and _DASH.fullmatch(text[stop:start]):
            if first.month == 1 and first.day <= 7:  # the year's first working day: from January
                return date(first.year, 1, 1)
            if first.day == 1:  # a period starts on a month's first; "31/07 - 05/08" is none
                return first
    until = _UNTIL.search(text)
    end = as_of_in(text)
    if (
        until is None
        or end is None
        or until.group(1).lower() in ("per", "keadaan", "posisi", "tanggal", "tgl")
    ):
        return None
    before = text[: until.start()]
    full = dates_in(before)
    if full:
        return full[-1]
    day_month = list(_DAY_MONTH.finditer(before))
    if day_month:
        month = month_number(day_month[-1].group(2))
        return _valid(end.year, month, int(day_month[-1].group(1))) if month else None
    months = _MONTH_TOKEN.findall(before)
    month = month_number(months[-1]) if months else None
    return date(end.year, month, 1) if month else None


# a day, month and year of digits standing alone in a file name (LRA_Dinkes_31-01-2024,
# lra_2024_01_31, LRA Dinkes 31-01-2024); digits that run on from more digits (the unit code
# in LRA_1_02_01_2024_Des) are none
_NAME_DATE = re.compile(r"(?<!\d[-_.])(?<!\d)(\d{1,2})([-_.])(\d{1,2})\2(\d{4})(?![-_.]?\d)")
_NAME_ISO = re.compile(r"(?<!\d[-_.])(?<!\d)(\d{4})([-_.])(\d{2})\2(\d{2})(?![-_.]?\d)")


def numeric_date_in_name(name: str) -> date | None:
    """The last date a file or sheet name writes in digits alone, day first or ISO."""
    found = [(m.start(), _valid(int(m[4]), int(m[3]), int(m[1]))) for m in _NAME_DATE.finditer(name)]
    found += [(m.start(), _valid(int(m[1]), int(m[3]), int(m[4]))) for m in _NAME_ISO.finditer(name)]
    dated = [d for _, d in sorted(found, key=lambda item: item[0]) if d is not None]
    return dated[-1] if dated else None


def short_date_in_name(name: str) -> date | None:
    """A day, month and two-digit year in a file or sheet name: ``Realisasi Jan sd 12 Mei 26``."""
    found = list(_SHORT_DATE.finditer(name.replace("_", " ")))
    if not found:
        return None
    last = found[-1]
    month = month_number(last.group(2))
    return _valid(2000 + int(last.group(3)), month, int(last.group(1))) if month else None


# an export's or upload's date and time in its file name: 5_lra_20221219-170457, rak_20230105_0930
_STAMP = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})[-_ T]?([01]\d|2[0-3])([0-5]\d)([0-5]\d)?(?!\d)")


def stamp_in_name(name: str) -> date | None:
    """The day of a date-and-time stamp in a file name (``54_lra_20221130-122103`` → 30 November
    2022): when the file was exported or uploaded. Not a data date (DESIGN: never guessed from
    an upload timestamp), only a bound on it."""
    found = list(_STAMP.finditer(name))
    if not found:
        return None
    last = found[-1]
    return _valid(int(last.group(1)), int(last.group(2)), int(last.group(3)))
