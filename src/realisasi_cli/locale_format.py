"""Numbers and dates as each language writes them: ``12.710.793.000,5`` and ``Rabu, 5 November
2023`` in Indonesian, ``12,710,793,000.5`` and ``Wednesday, 5 November 2023`` in English.

These are the forms of the CLDR locales ``id_ID`` and ``en_US`` for the few patterns the tool
writes, to the digit as babel writes them (``tests/test_locale_format.py`` compares them over
many values and every day of two centuries): the number is its shortest decimal form (``str`` of
a float) rounded half to even. Written out here because loading babel and its locale data costs
~30 ms at every run, more than printing the ranking itself. This module imports nothing of the
project.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

LANGS = ("id", "en")

# (thousands, decimal)
_SEPARATORS = {"id": (".", ","), "en": (",", ".")}

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}  # fmt: skip
_SHORT_MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
# Monday first, as date.weekday() counts
_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def number(value: float | int | Decimal, lang: str = "id", fraction: tuple[int, int] = (0, 0)) -> str:
    """``value`` grouped by thousands, with at least ``fraction[0]`` and at most ``fraction[1]``
    decimals (babel's patterns ``#,##0`` = (0, 0), ``#,##0.0`` = (1, 1), ``#,##0.##`` = (0, 2))."""
    least, most = fraction
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    sign = "-" if exact.is_signed() else ""
    if exact.is_nan():
        return "NaN"
    if exact.is_infinite():
        return f"{sign}∞"
    # every digit kept, however large (babel's 28 would fail past 10^28)
    digits = Context(prec=max(28, exact.adjusted() + most + 2), rounding=ROUND_HALF_EVEN)
    rounded = abs(exact).quantize(Decimal(1).scaleb(-most), context=digits)
    whole, _, decimals = f"{rounded:f}".partition(".")
    thousands, point = _SEPARATORS[lang]
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    written = thousands.join([whole, *groups])
    decimals = (decimals or "0").ljust(least, "0")
    if most == 0 or (least == 0 and int(decimals) == 0):
        return sign + written
    while len(decimals) > least and decimals.endswith("0"):
        decimals = decimals[:-1]
    return f"{sign}{written}{point}{decimals}"


def long_date(value: date, lang: str = "id") -> str:
    """``5 November 2023`` (babel's ``d MMMM y``), in English too."""
    return f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"


def full_date(value: date, lang: str = "id") -> str:
    """``Rabu, 5 November 2023`` (``EEEE, d MMMM y``)."""
    return f"{_DAYS[lang][value.weekday()]}, {long_date(value, lang)}"


def short_date(value: date, lang: str = "id") -> str:
    """``5 Nov 2023`` (``d MMM yyyy``) for a narrow column."""
    return f"{value.day} {_SHORT_MONTHS[lang][value.month - 1]} {value.year:04d}"
