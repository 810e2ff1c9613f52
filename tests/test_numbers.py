"""The amount parser reads every notation Indonesian exports use, decided per column."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realisasi_cli.numbers import parse_amounts, read_amounts


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


def test_a_nip_without_its_label_is_text_and_no_refused_amount() -> None:
    # under a signature in a month's column: 19630110 199303 1 002 would be 1,96 × 10^17 rupiah
    values, refused = read_amounts(pl.Series("v", ["1.500.000", "19630110 199303 1 002", "2 500 000"]))
    assert values.to_list() == [1_500_000.0, None, 2_500_000.0]
    assert refused is None


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


cells = st.tuples(
    st.integers(min_value=0, max_value=10**13),
    st.sampled_from(["numeric", "text", "rp", "minus", "brackets", "dash"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, min_size=1, max_size=60))
def test_numeric_cells_mixed_with_typed_text_read_back(values: list[tuple[int, str]]) -> None:
    # A column read as text: numeric cells rendered in English notation, as the reader does,
    # next to amounts typed in Indonesian notation with sen, with Rp, a sign or brackets, and
    # "-" for zero. The parser takes different paths for each; all must give the amount.
    texts, expected = [], []
    for sen, form in values:
        typed = indonesian(sen // 100, sen % 100)
        text, value = {
            "numeric": (repr(sen / 100), sen / 100),
            "text": (typed, sen / 100),
            "rp": (f"Rp{typed}", sen / 100),
            "minus": (f"-{typed}", -sen / 100),
            "brackets": (f"({typed})", -sen / 100),
            "dash": ("-", 0.0),
        }[form]
        texts.append(text)
        expected.append(value)
    assert parse(texts) == pytest.approx(expected, abs=0.005)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**12), st.booleans()), min_size=1, max_size=40))
def test_a_column_of_whole_rupiah_reads_every_dot_as_thousands(values: list[tuple[int, bool]]) -> None:
    # "1.234.567" and "-123.456" without sen: the column writes thousands with dots, so a
    # lone "123.456" is 123456, not 123.456.
    texts = [("-" if negative else "") + f"{value:,}".replace(",", ".") for value, negative in values]
    if not any(value >= 1_000_000 for value, _ in values):
        texts.append("1.234.567")  # one cell that can only be read one way
        values = [*values, (1_234_567, False)]
    assert parse(texts) == [float(-v if negative else v) for v, negative in values]


def test_one_decimal_comma_anywhere_in_a_long_column_decides_its_notation() -> None:
    # 30,000 amounts "1.250.000,00" with sen: the column writes sen after a comma, and a bare
    # "123.456" among them is a numeric cell (the reader writes 123.456 so), found however
    # far down the column the one comma is
    values: list[object] = ["1.250.000,00"] * 30_000
    values.append("123.456")
    assert parse(values)[-1] == 123.456
    assert parse(values)[7] == 1250000.0


def test_amounts_typed_without_sen_beside_some_with_make_the_dot_thousands() -> None:
    # "2.500.000" typed without sen beside "1.000.000,00": the column's "1.234" is typed the same
    # way, 1.234 rupiah, not 1,234; a long column decides so wherever its bare amounts are
    for at in range(7):  # one of them at any place the sample of a long column steps over
        values: list[object] = ["1.000.000,00"] * (30_000 + at) + ["2.500.000", "1.234", "250.000"]
        assert parse(values)[-3:] == [2_500_000.0, 1_234.0, 250_000.0]
    assert parse(["1.000.000,00", "2.500.000", "5.678"]) == [1_000_000.0, 2_500_000.0, 5_678.0]


def test_checkboxes_and_dates_are_not_amounts() -> None:
    from datetime import date

    assert parse([True, False, None]) == [None, None, None]
    assert parse([date(2024, 1, 5), None]) == [None, None]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 99), st.booleans()), min_size=1, max_size=30),
    st.sampled_from(["indonesian", "english"]),
)
def test_a_csv_separated_by_semicolons_reads_every_amount_as_typed(
    values: list[tuple[int, int, bool]], notation: str
) -> None:
    # A CSV saved by a spreadsheet set up for Indonesian: no numeric cells, every amount typed, with
    # or without sen ("1.500" for 1500, "2.500,50"), even where every amount is small enough to be
    # read either way; a file that writes English amounts ("1,500.50") among ";" still reads as typed.
    texts, expected = [], []
    for value, cents, with_sen in values:
        grouped = f"{value:,}"
        if notation == "indonesian":
            grouped = grouped.replace(",", ".")
            texts.append(f"{grouped},{cents:02d}" if with_sen else grouped)
        else:
            texts.append(f"{grouped}.{cents:02d}" if with_sen else grouped)
        expected.append(value + (cents / 100 if with_sen else 0))
    if notation == "english":
        texts.append("1,234,567.89")  # one amount that can only be read one way: the file writes English
        expected.append(1_234_567.89)
    got = parse_amounts(pl.Series("v", texts), text_file=True, decimal_comma=True).to_list()
    assert got == pytest.approx(expected, abs=0.005)


def test_small_amounts_typed_with_a_dot_are_thousands_in_a_semicolon_csv_and_a_workbook() -> None:
    # "1.500" and "250.000" alone: typed in a ";" CSV they are 1500 and 250000; in a workbook's
    # column they are typed text too, as no numeric cell's text ends its fraction with a zero
    # (1.5 reads "1.5", 250.0 "250")
    texts = pl.Series("v", ["1.500", "2.000", "250.000", "750"])
    assert parse_amounts(texts, text_file=True, decimal_comma=True).to_list() == [
        1500.0,
        2000.0,
        250000.0,
        750.0,
    ]
    assert parse_amounts(texts).to_list() == [1500.0, 2000.0, 250000.0, 750.0]
    # numeric cells among them ("1.25", "1.234": what 1.25 and 1.234 read as) decide nothing
    assert parse_amounts(pl.Series("v", ["1.25", "1.234", "750"])).to_list() == [1.25, 1.234, 750.0]
    # a ";" file whose column writes a decimal point where no thousands can be ("1500000.50"):
    # its "616.875" is a decimal too
    points = pl.Series("v", ["1500000.50", "616.875", "12.5", "2000"])
    assert parse_amounts(points, text_file=True, decimal_comma=True).to_list() == [
        1500000.5,
        616.875,
        12.5,
        2000.0,
    ]


def test_typed_thousands_are_not_read_so_beside_numbers_with_decimals() -> None:
    # a sheet of millions: numeric 450.125 and 12345.678 read as text; a typed "210.250" among
    # them may be 210.25 with its zero, and no numeric cell is read as thousands
    cells = pl.Series("v", ["450.125", "12345.678", "210.250"])
    assert parse_amounts(cells).to_list() == [450.125, 12345.678, 210.25]


def test_a_column_that_cannot_tell_follows_the_other_amounts_of_its_sheet() -> None:
    from realisasi_cli.numbers import read_sheet_amounts

    pagu = pl.Series("a", ["1.000.000", "2.000.000"])  # dots for thousands: only one reading
    realisasi = pl.Series("b", ["500.000", "250.000"])  # 500 or 500,000: this column cannot tell
    got = read_sheet_amounts({"m1": pagu, "m2": realisasi}, deciding=["m1", "m2"])
    assert got["m2"][0].to_list() == [500_000.0, 250_000.0]
    # a column of percentages decides nothing for the amounts: a column of "1.234" and "1.25"
    # (numeric cells 1.234 and 1.25, read as text) stays as it reads
    cells = pl.Series("b", ["1.234", "1.25"])
    got = read_sheet_amounts({"p": pagu, "m2": cells}, deciding=["m2"])
    assert got["m2"][0].to_list() == [1.234, 1.25]
    # amounts that disagree (one column English, one Indonesian) leave it to its own cells
    english = pl.Series("c", ["1,000,000.00", "2,000,000.00"])
    got = read_sheet_amounts({"m1": pagu, "m3": english, "m2": cells}, deciding=["m1", "m2", "m3"])
    assert got["m2"][0].to_list() == [1.234, 1.25] and got["m3"][0].to_list() == [1e6, 2e6]


def test_a_text_file_reads_its_short_amounts_as_its_column_writes_the_long_ones() -> None:
    # in a CSV ("," between fields) no cell is a workbook's numeric cell: beside "1.000.000,00",
    # "2.500" was typed the same way, 2500; so it was in a workbook, where 2.5 reads "2.5"
    texts = pl.Series("v", ["1.000.000,00", "2.500"])
    assert parse_amounts(texts, text_file=True).to_list() == [1_000_000.0, 2_500.0]
    assert parse_amounts(texts).to_list() == [1_000_000.0, 2_500.0]
    # what a workbook's numeric cell 2.25 reads as stays 2.25 beside them
    assert parse_amounts(pl.Series("v", ["1.000.000,00", "2.25"])).to_list() == [1_000_000.0, 2.25]


def test_a_typed_thousand_with_its_minus_after_it_or_in_brackets_is_a_thousand() -> None:
    # a workbook's text cells beside numeric ones: "500.000-" is a ledger's -500,000, not -500
    cells = pl.Series("v", ["500.000-", "(250.000)", "1000000", "750"])
    assert parse_amounts(cells).to_list() == [-500000.0, -250000.0, 1000000.0, 750.0]


def test_an_amount_with_two_signs_is_refused_as_malformed() -> None:
    values, refused = read_amounts(pl.Series("v", ["--500.000", "+-500.000", "1.000.000", "-1.000.000,-"]))
    assert values.to_list() == [None, None, 1000000.0, -1000000.0]
    assert refused is not None and refused.to_list() == ["shape", "shape", None, None]
