"""The tool writes numbers and dates as CLDR's ``id_ID`` and ``en_US`` locales do: checked against
babel, which reads CLDR's data, over random and awkward values and every day of two centuries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from realisasi_cli import locale_format as written
from realisasi_cli import messages
from realisasi_cli.present import fmt

LOCALES = {"id": "id_ID", "en": "en_US"}
PATTERNS = {(0, 0): "#,##0", (1, 1): "#,##0.0", (2, 2): "#,##0.00", (0, 2): "#,##0.##", (3, 3): "#,##0.000"}
# halves that round to even, floats whose shortest form is a half, negative zero, a nation's budget
AWKWARD = [0, -0.0, 0.05, 0.15, 0.25, 0.35, -0.05, 2.675, 1.005, 999.995, 0.5, 1.5, 2.5, -2.5, 1e17,
           123_456_789.125, 12_710_793_000, -1234.5, 99.95, 100.0, 7, -7, 10**15 + 1]  # fmt: skip

finite = st.floats(min_value=-1e17, max_value=1e17, allow_nan=False, allow_infinity=False)
money = st.integers(min_value=-(10**17), max_value=10**17)
cents = st.integers(min_value=-(10**12), max_value=10**12).map(lambda c: c / 100)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("fraction", list(PATTERNS))
@pytest.mark.parametrize("value", AWKWARD)
def test_awkward_numbers_as_babel_writes_them(value: float, fraction: tuple[int, int], lang: str) -> None:
    assert written.number(value, lang, fraction) == format_decimal(
        value, format=PATTERNS[fraction], locale=LOCALES[lang]
    )


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(finite, money, cents),
    fraction=st.sampled_from(list(PATTERNS)),
    lang=st.sampled_from(["id", "en"]),
)
def test_any_number_as_babel_writes_it(value: float, fraction: tuple[int, int], lang: str) -> None:
    assert written.number(value, lang, fraction) == format_decimal(
        value, format=PATTERNS[fraction], locale=LOCALES[lang]
    )


def test_the_forms_read_as_people_expect() -> None:
    assert written.number(12_710_793_000, "id") == "12.710.793.000"
    assert written.number(12_710_793_000, "en") == "12,710,793,000"
    assert written.number(56.55, "id", (1, 1)) == "56,6"  # the shortest form 56.55 is a half: to even
    assert written.number(57.0, "id", (0, 2)) == "57"
    assert written.number(78.3696, "id", (0, 2)) == "78,37"
    assert written.number(Decimal("0.125"), "en", (2, 2)) == "0.12"


def test_numbers_past_babels_precision_are_written_whole() -> None:
    # babel keeps 28 digits and fails past them; every digit is written here
    assert written.number(10**30, "id") == "1" + ".000" * 10
    assert written.number(float("inf"), "id") == "∞"
    assert written.number(float("-inf"), "en") == "-∞"
    assert written.number(float("nan"), "id") == "NaN"


def test_every_day_of_two_centuries_as_babel_writes_it() -> None:
    day, end = date(1901, 1, 1), date(2101, 1, 1)
    while day < end:
        for lang, locale in LOCALES.items():
            assert written.long_date(day, lang) == format_date(day, "d MMMM y", locale=locale)
            assert written.full_date(day, lang) == format_date(day, "EEEE, d MMMM y", locale=locale)
            assert written.short_date(day, lang) == format_date(day, "d MMM yyyy", locale=locale)
        day += timedelta(days=1)


def test_the_tools_own_forms_use_them() -> None:
    """Rupiah, percentages, points and the messages' numbers and dates, worked out by hand."""
    assert fmt.rupiah(-1_234_567.5, "id") == "-Rp1.234.568"
    assert fmt.rupiah(1_234_567, "en") == "Rp1,234,567"
    assert fmt.percent(56.55, "id") == "56,6%"
    assert fmt.percent(57.5, "id", digits=0) == "57,5%"
    assert fmt.points(13.94, "en") == "+13.9 pp"
    assert fmt.full_date(date(2023, 11, 5), "id") == "Minggu, 5 November 2023"
    assert fmt.short_date(date(2023, 8, 10), "id") == "10 Agu 2023"
    assert fmt.short_date(date(2023, 8, 10), "xx") == "10 Agu 2023"  # an unknown language: Indonesian
    assert messages.text("W-SKIPPED", "id", reason=1234.5) == "dilewati: 1.234,5"
    assert messages.text("W-SKIPPED", "en", reason=date(2022, 7, 31)) == "skipped: 31 July 2022"
    assert messages.text("W-SKIPPED", "id", reason=[3, 1_000_000]) == "dilewati: 3, 1.000.000"
