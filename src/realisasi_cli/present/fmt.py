"""Numbers and dates for people, the Indonesian way (CLDR's ``id`` locale), or English."""

from __future__ import annotations

import math
from datetime import date

from realisasi_cli import locale_format as written


def one_line(text: object) -> str:
    """Names as one line: cells can hold newlines and runs of spaces."""
    return " ".join(str(text or "").split())


# Larger than any total a government has (a nation's budget is ~10^15 rupiah): a percentage of a
# budget of a thousandth of a rupiah reaches 10^300, no figure to show.
_SHOWN_BELOW = 1e18


def _missing(value: float | None) -> bool:
    """Whether a number cannot be shown: unknown, NaN, infinite or absurdly large (never an
    amount, see ``numbers.MAX_AMOUNT``; shown as unknown rather than stopping a table or a brief)."""
    return value is None or not math.isfinite(value) or abs(value) >= _SHOWN_BELOW


def rupiah(value: float | None, lang: str = "id") -> str:
    """``Rp1.234.567`` (whole rupiah), ``Rp1,234,567`` in English: the sign Indonesian budgets are
    read in, as the messages write it, not English's ``IDR``."""
    if _missing(value):
        return "-"
    assert value is not None
    whole = round(value)
    digits = written.number(abs(whole), lang)
    return f"{'-' if whole < 0 else ''}Rp{digits}"


def percent(value: float | None, lang: str = "id", digits: int = 1) -> str:
    """``56,6%``; ``-`` when undefined. ``digits=0`` is for set values (a threshold, a target):
    whole where they are whole (``57%``), else as given (``57,5%``, ``78,37%``)."""
    if _missing(value):
        return "-"
    assert value is not None
    return f"{written.number(value, lang, (digits, digits) if digits else (0, 2))}%"


def points(value: float | None, lang: str = "id") -> str:
    """``+13,9 pp``."""
    if _missing(value):
        return "-"
    assert value is not None
    sign = "+" if value > 0 else ""
    return f"{sign}{written.number(value, lang, (1, 1))} pp"


def arrow(change_pp: float | None) -> str:
    """``▲`` for a gain, ``▼`` for a loss, ``=`` within rounding, empty when unknown."""
    if _missing(change_pp):
        return ""
    assert change_pp is not None
    # within what one decimal shows, a change is no change
    return "▲" if change_pp >= 0.05 else "▼" if change_pp <= -0.05 else "="


def long_date(value: date | None, lang: str = "id") -> str:
    """``10 November 2023``; in English too (``10 November 2023``, as the messages write it, not
    ``November 10, 2023`` as American English writes it)."""
    return "-" if value is None else written.long_date(value, lang)


def full_date(value: date | None, lang: str = "id") -> str:
    """``Rabu, 5 November 2023``: the day without a leading zero, in both languages."""
    return "-" if value is None else written.full_date(value, lang)


def short_date(value: date | None, lang: str = "id") -> str:
    """``10 Nov 2023`` for a narrow column; ``-`` when unknown."""
    return "-" if value is None else written.short_date(value, lang if lang in written.LANGS else "id")
