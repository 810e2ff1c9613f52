"""The amount parser reads every notation Indonesian exports use, decided per column."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realisasi_cli.numbers import parse_amounts


def parse(values: list[object]) -> list[float | None]:
    return parse_amounts(pl.Series("v", values)).to_list()


def indonesian(value: int, cents: int) -> str:
    grouped = f"{value:,}".replace(",", ".")
    return f"{grouped},{cents:02d}"


def english(value: int, cents: int) -> str:
    return f"{value:,}.{cents:02d}"


def test_indonesian_text_next_to_numeric_cells_is_not_read_100_times_too_large() -> None:
    # the reader renders numeric cells in a text column in English notation
    assert parse(["1.234.567,89", "1234567.89", "53683500"]) == [1234567.89, 1234567.89, 53683500.0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Rp53.683.500,00", 53683500.0),
        ("Rp. 1.000", 1000.0),
        ("-", 0.0),
        ("", 0.0),
        ("(10.000,00)", -10000.0),
        ("-5.000,00", -5000.0),
        ("56,6%", 56.6),
        ("1,234,567,890.00", 1234567890.0),
        ("0,00", 0.0),
    ],
)
def test_single_values(text: str, value: float) -> None:
    assert parse([text])[0] == value


def test_an_ambiguous_dot_follows_the_column() -> None:
    # a column writing thousands without decimals: "123.456" is 123456
    assert parse(["1.234.567", "123.456"]) == [1234567.0, 123456.0]
    # a column writing ",00" decimals leaves a bare "123.456" to a numeric cell
    assert parse(["1.234.567,00", "123.456"]) == [1234567.0, 123.456]


def test_an_ambiguous_comma_follows_the_column() -> None:
    assert parse(["1,234,567", "1,234"]) == [1234567.0, 1234.0]
    assert parse(["1.234.567,5", "1,234"]) == [1234567.5, 1.234]


def test_text_that_is_not_an_amount_is_null() -> None:
    assert parse(["NIP. 19750101 200003 1 001", "Kepala Dinas"]) == [None, None]


def test_numeric_columns_pass_through() -> None:
    assert parse([1.5, 2.0, None]) == [1.5, 2.0, None]


amounts = st.tuples(st.integers(min_value=0, max_value=10**13), st.integers(min_value=0, max_value=99))


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=20), st.sampled_from([indonesian, english]), st.booleans())
def test_every_amount_written_in_a_columns_notation_reads_back(
    values: list[tuple[int, int]], notation: object, negative: bool
) -> None:
    write = notation  # type: ignore[assignment]
    texts = [write(v, c) for v, c in values]  # type: ignore[operator]
    if negative:
        texts = [f"({t})" for t in texts]
    parsed = parse(texts)
    sign = -1 if negative else 1
    for (value, cents), got in zip(values, parsed, strict=True):
        assert got == pytest.approx(sign * (value + cents / 100), abs=0.005)


cells = st.tuples(st.integers(min_value=0, max_value=10**13), st.sampled_from(["numeric", "text", "dash"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, min_size=1, max_size=60))
def test_numeric_cells_mixed_with_typed_text_read_back(values: list[tuple[int, str]]) -> None:
    # A column read as text: numeric cells rendered in English notation, as the reader does,
    # typed amounts in Indonesian notation with sen, "-" for zero. Mostly-numeric and
    # mostly-text columns take different paths through the parser; both must agree.
    texts, expected = [], []
    for sen, form in values:
        if form == "numeric":
            texts.append(repr(sen / 100))
            expected.append(sen / 100)
        elif form == "text":
            texts.append(indonesian(sen // 100, sen % 100))
            expected.append(sen / 100)
        else:
            texts.append("-")
            expected.append(0.0)
    assert parse(texts) == pytest.approx(expected, abs=0.005)
