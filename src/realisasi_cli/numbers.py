"""Parse amounts in every notation Indonesian exports use, as Polars expressions.

A column that mixes numeric cells and text comes back from the reader as text, numeric
cells written in English notation ("1234567.89") next to text typed the Indonesian way
("1.234.567,89"). Only a few shapes are ambiguous between the two ("1.234", "1,234");
those are decided once per column from the unambiguous cells around them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeAlias

import polars as pl

_ID_GROUPED = r"^\d{1,3}(\.\d{3})+(,\d*)?$"
_ID_DECIMAL = r"^\d+,\d+$"
_EN_GROUPED = r"^\d{1,3}(,\d{3})+(\.\d*)?$"
_PLAIN = r"^\d*\.?\d+([eE][+-]?\d+)?$"
_AMBIGUOUS_DOT = r"^\d{1,3}\.\d{3}$"
_ID_BARE = r"^\d{1,3}(\.\d{3}){2,}$"  # "2.500.000": dots for thousands, no decimals
_AMBIGUOUS_COMMA = r"^\d{1,3},\d{3}$"
_SIGNED_AMBIGUOUS_DOT = r"^[+-]?\d{1,3}\.\d{3}$"
# A number's text never ends its fraction with a zero (750.0 is "750", 1.25 is "1.25"): a
# workbook cell "750.000" or "1.250" was typed as text, and typed with a dot for thousands.
_TYPED_GROUP = r"^\s*\(?[+-]?\d{1,3}\.\d\d0\s*\)?\s*[-\u2212]?\s*$"  # "750.000", "500.000-"
_ZERO_MARKS = ["", "-", "–", "—", "--", "nihil"]
# The shapes a text amount may take once its currency, sign and scale are gone: groups of three
# after the first, one decimal separator at most. Anything else ("1.234.567,89.00", "1.23,45")
# would be read by dropping separators, and may be off by a factor of a hundred.
_GROUPED = {
    False: r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?|,\d+",  # Indonesian: 1.234.567,89
    True: r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+",  # English: 1,234,567.89
}
_WELL_FORMED = {english: f"^(?:{grouped})$" for english, grouped in _GROUPED.items()}
_BARE_WELL_FORMED = {english: f"^[+-]?(?:{grouped})$" for english, grouped in _GROUPED.items()}
# No cell of a regional budget holds 10^15 rupiah (a thousand trillion; a province's whole APBD
# is below 10^14), and below it a float still counts every sen exactly. A cell that reads as a
# larger number, or as NaN or infinity, is a damaged or crafted cell, not an amount.
MAX_AMOUNT = 1e15


@dataclass(frozen=True)
class Notation:
    """How one column writes its text amounts, decided from its unambiguous cells."""

    dot_thousands: bool  # "1.234" is one thousand two hundred thirty-four
    comma_thousands: bool  # "1,234" is one thousand two hundred thirty-four
    # whether a cell of the column itself decided it ("1.234.567"), not a default: a column that
    # cannot tell ("500.000" and "250.000" alone) follows the other amount columns of its sheet
    decided: bool = True


# Amounts written with a scale, as the DJPK portal and hand-made recaps do: "11.500,37 M".
_SCALE = r"(?i)^(.*\d)\s*(rb|ribu|jt|juta|miliar|milyar|m|triliun|t)\.?\s*$"
_SCALES = {
    "rb": 1e3,
    "ribu": 1e3,
    "jt": 1e6,
    "juta": 1e6,
    "m": 1e9,
    "miliar": 1e9,
    "milyar": 1e9,
    "t": 1e12,
    "triliun": 1e12,
}


# a NIP (Nomor Induk Pegawai) as signature blocks write it: born, appointed, sex, number
_NIP = r"(?i)^\s*(nip\.?:?\s*)?\d{8}\s+\d{6}\s+\d\s+\d{3}\s*$"
# The results of a formula that failed, as Excel saves them (#REF! after a deleted sheet, #DIV/0!):
# in a workbook's XML, or as text in a CSV saved from such a sheet
EXCEL_ERRORS = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
)
EXCEL_ERROR = "(?:" + "|".join(re.escape(name) for name in EXCEL_ERRORS) + ")"
# a cell written as an amount, readable or not: "Rp. 10.345.419.876", "(1.500,00)", "1,234,567.00",
# or an error of Excel's
WRITTEN_AS_AMOUNT = r"(?i)^\s*(rp\.?\s*)?[-(]?\s*\d[\d.,]*\s*\)?\s*$|^\s*" + EXCEL_ERROR + r"\s*$"


def _unscaled(col: pl.Expr) -> pl.Expr:
    """The amount without its scale word (``11.500,37 M`` → ``11.500,37``)."""
    return pl.coalesce(col.str.extract(_SCALE, 1), col)


def _scale(col: pl.Expr) -> pl.Expr:
    """What a scale word multiplies by (``M`` → 10⁹), 1 without one."""
    word = col.str.extract(_SCALE, 2).str.to_lowercase()
    return word.replace_strict(_SCALES, default=1.0, return_dtype=pl.Float64)


def _body(col: pl.Expr) -> pl.Expr:
    """The digits and separators of a text amount: no currency, sign, percent, scale or spaces."""
    return _unscaled(col).str.replace_all(r"(?i)rp\.?|idr|%|\s|\u00a0|[()+]", "").str.strip_chars("-\u2212")


def _negative(col: pl.Expr) -> pl.Expr:
    """Whether a text amount is negative: "(1.500,00)", "-1.500", "Rp -1.500", "\u22121.500" (a true
    minus), or "1.500-" (a ledger's minus after the amount)."""
    return col.str.contains(r"^\s*(\(|(?i:rp\.?\s*)?[-\u2212]\s*\d)|\d\s*[-\u2212]\s*$")


def _bodies(values: pl.Series) -> pl.DataFrame:
    """A frame whose column ``v`` holds the body of each text amount."""
    return values.rename("v").to_frame().select(_body(pl.col("v")))


def detect_notation(
    values: pl.Series, plain: pl.Series, text_file: bool = False, decimal_comma: bool = False
) -> Notation:
    """Decide a text column's notation from the cells that can only be read one way.

    ``plain`` is the column cast to numbers, null where a cell does not read as one. With
    ``text_file`` (a CSV, an HTML table), every cell was written as it reads, none is a numeric
    cell: a column that writes "1.234.567" writes "2.500" for 2500, and a column that cannot
    tell takes the file's own notation, ``decimal_comma`` (a CSV separated by ";": "1.500" is
    1500) or else a decimal point.
    """
    if values.dtype != pl.String:
        return Notation(dot_thousands=False, comma_thousands=False)
    # Cells that read as a plain number (numeric cells among text) count for no notation;
    # the notation of the rest shows in any large sample, no need to scan them all four times.
    typed_groups = 0 if text_file else _typed_groups(values)
    if plain.null_count() == values.null_count():  # every cell a number: nothing to decide
        if text_file and _decimal_points(values, plain):  # "12.5" written so: a decimal point
            return Notation(dot_thousands=False, comma_thousands=False)
        if typed_groups:  # "750.000" among numeric cells
            return Notation(dot_thousands=True, comma_thousands=False)
        return Notation(dot_thousands=text_file and decimal_comma, comma_thousands=False, decided=False)
    typed = values.filter(plain.is_null()).drop_nulls()
    sample = typed.gather_every(typed.len() // 5_000) if typed.len() > 5_000 else typed
    body = pl.col("v")  # of a frame of bodies, each worked out once
    comma_shapes = {
        "id_decimal": body.str.contains(_ID_DECIMAL) & ~body.str.contains(_AMBIGUOUS_COMMA),
        "id_comma": body.str.contains(_ID_GROUPED) & body.str.contains(",", literal=True),
    }
    stats = (
        _bodies(sample)
        .select(
            id_grouped=(body.str.contains(_ID_GROUPED) & ~body.str.contains(_AMBIGUOUS_DOT)).sum(),
            id_bare=body.str.contains(_ID_BARE).sum(),
            en_grouped=(body.str.contains(_EN_GROUPED) & ~body.str.contains(_AMBIGUOUS_COMMA)).sum(),
            **{name: shape.sum() for name, shape in comma_shapes.items()},
        )
        .row(0, named=True)
    )
    indonesian = stats["id_grouped"] + stats["id_decimal"] + typed_groups
    english = stats["en_grouped"]
    # An Indonesian column whose text amounts carry ",00" leaves bare "123.456" to numeric
    # cells (a decimal point); one whose amounts are written "1.234.567" uses the dot for
    # thousands throughout, and so does one that writes some "2.500.000" without decimals
    # beside "1.000.000,00": its "1.234" is typed as those are, not 1,234 rupiah.
    bare = stats["id_bare"] > 0 or typed_groups > 0
    if not bare and indonesian > english and sample.len() < typed.len() and _ambiguous(values, plain):
        # one amount typed without sen anywhere decides it; the sample may have missed it (the
        # notation decides only the cells that read as a number both ways: where there are none,
        # no need to look)
        bare = bool(_bodies(typed).select(body.str.contains(_ID_BARE).any()).item())
    if text_file:
        if english > indonesian:
            return Notation(dot_thousands=False, comma_thousands=True)
        if indonesian > english or bare:
            return Notation(dot_thousands=True, comma_thousands=False)
        if _decimal_points(values, plain):
            return Notation(dot_thousands=False, comma_thousands=False)
        # "500,000" alone: a comma-separated file groups thousands with it (no amount has three
        # decimals), a ";" one writes its decimals after it
        return Notation(dot_thousands=decimal_comma, comma_thousands=not decimal_comma, decided=False)
    decided = indonesian > 0 or english > 0 or bare
    dot_thousands = indonesian > english and (bare or (stats["id_comma"] == 0 and stats["id_decimal"] == 0))
    if dot_thousands and not bare and sample.len() < typed.len():
        # One decimal comma anywhere decides otherwise; the sample may have missed it.
        commas = typed.filter(typed.str.contains(",", literal=True))
        found = _bodies(commas).select(pl.any_horizontal(*comma_shapes.values()).any())
        dot_thousands = not found.item()
    return Notation(dot_thousands=dot_thousands, comma_thousands=english > indonesian, decided=decided)


_TYPED_GROUP_RE = re.compile(_TYPED_GROUP)
# one dot and digits after it: a decimal, or a typed group (its minus after it, a ledger's)
_POINTED = r"^\s*\(?[+-]?\d*\.\d+\s*\)?\s*[-\u2212]?\s*$"
_POINTED_RE = re.compile(_POINTED)
_FEW_CELLS = 2_000  # below this, Python's regex over the cells is quicker than Polars compiling one


def _typed_groups(values: pl.Series) -> int:
    """How many cells of a workbook's text column are typed thousands ("750.000", "1.250"); a
    cell of that shape always reads as a number, so the whole column is searched at once. None
    count where the column also holds numbers with decimals ("450.125", "12.5"): there a
    "210.250" may be a decimal typed with its zero, in a sheet of millions."""
    if values.len() < _FEW_CELLS:
        cells = [v for v in values.to_list() if v is not None and _POINTED_RE.match(v)]
        typed = sum(1 for v in cells if _TYPED_GROUP_RE.match(v))
        return typed if typed == len(cells) else 0
    pointed = int(values.str.contains(_POINTED).sum())
    grouped = int(values.str.contains(_TYPED_GROUP).sum())
    return grouped if pointed == grouped else 0


def _decimal_points(values: pl.Series, plain: pl.Series) -> bool:
    """Whether some cell that reads as a number has a dot no thousands can have ("12.5",
    "1500000.50"): the column writes a decimal point, whatever separates the file's fields."""
    castable = values.filter(plain.is_not_null())
    pointed = castable.str.contains(r"^\s*[+-]?\d*\.\d+\s*$") & ~castable.str.contains(_SIGNED_AMBIGUOUS_DOT)
    return bool(pointed.any())


def _ambiguous(values: pl.Series, plain: pl.Series) -> bool:
    """Whether some cell reads as a number and as a grouped amount ("1.234"): 1.234 or 1234."""
    castable = values.filter(plain.is_not_null())
    return bool(castable.len()) and bool(castable.str.contains(_SIGNED_AMBIGUOUS_DOT).any())


def amount_expr(name: str, dtype: pl.DataType, notation: Notation) -> pl.Expr:
    """An expression turning column ``name`` into Float64 rupiah (``-``/empty → 0, bad text → null)."""
    col = pl.col(name)
    if dtype.is_numeric():
        return col.cast(pl.Float64)
    if dtype == pl.Boolean or dtype.is_temporal():
        return pl.lit(None, dtype=pl.Float64)
    col = col.cast(pl.String)
    body = _body(col)
    if notation.comma_thousands:
        # English text; numeric cells ("1234567.89") carry no comma and pass unchanged
        text = body.str.replace_all(",", "", literal=True)
    else:
        # Numeric cells come as plain "1234567.89"; typed Indonesian text has dots for
        # thousands and a decimal comma. A bare "123.456" is a numeric cell unless the column
        # writes thousands that way, or the cell was typed with "Rp".
        plain = body.str.contains(_PLAIN)
        # a cell with "Rp" or a scale word ("1.500 M") was typed, not a numeric cell
        thousands = body.str.contains(_AMBIGUOUS_DOT) & (
            pl.lit(notation.dot_thousands) | col.str.contains(r"(?i)rp") | col.str.contains(_SCALE)
        )
        indonesian = body.str.replace_all(".", "", literal=True).str.replace_all(",", ".", literal=True)
        text = pl.when(plain & ~thousands).then(body).otherwise(indonesian)
    value = pl.when(body.is_in(_ZERO_MARKS)).then(pl.lit(0.0)).otherwise(text.cast(pl.Float64, strict=False))
    value = value * _scale(col)
    return pl.when(_negative(col)).then(-value).otherwise(value)


def parse_amounts(values: pl.Series, text_file: bool = False, decimal_comma: bool = False) -> pl.Series:
    """One column of amounts as Float64 rupiah (null where a cell holds none), by ``read_amounts``."""
    return read_amounts(values, text_file, decimal_comma)[0]


Refused: TypeAlias = "pl.Series | None"


def read_sheet_amounts(
    columns: dict[str, pl.Series],
    deciding: Collection[str],
    text_file: bool = False,
    decimal_comma: bool = False,
    threads: int = 1,
) -> dict[str, tuple[pl.Series, Refused]]:
    """``read_amounts`` of each of a sheet's columns. A sheet writes its amounts one way: a column
    whose own cells cannot tell its notation takes the one the columns of ``deciding`` (the
    sheet's amounts, not its percentages) agree on. ``threads`` columns are read at a time."""
    notations: dict[str, Notation | None] = {}
    casts: dict[str, pl.Series] = {}  # each text column cast once, for its notation and its reading
    for key, values in columns.items():
        if values.dtype == pl.String:
            casts[key] = values.cast(pl.Float64, strict=False)
            notations[key] = detect_notation(values, casts[key], text_file, decimal_comma)
    agreed = {
        (n.dot_thousands, n.comma_thousands)
        for k, n in notations.items()
        if n and n.decided and k in deciding
    }
    if len(agreed) == 1:
        sheet = Notation(*agreed.pop())
        for key, notation in notations.items():
            if notation is not None and not notation.decided:
                notations[key] = sheet

    def read(key: str) -> tuple[pl.Series, Refused]:
        return read_amounts(columns[key], text_file, decimal_comma, notations.get(key), casts.get(key))

    if threads < 2 or len(columns) < 2:
        return {key: read(key) for key in columns}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return dict(zip(columns, pool.map(read, columns), strict=True))


def read_amounts(
    values: pl.Series,
    text_file: bool = False,
    decimal_comma: bool = False,
    notation: Notation | None = None,
    cast: pl.Series | None = None,
) -> tuple[pl.Series, pl.Series | None]:
    """One column of amounts as Float64 rupiah, by the rules of ``amount_expr``, and why cells
    that read as numbers were refused: ``range`` (NaN, infinite, ``MAX_AMOUNT`` or more) or
    ``shape`` (separators out of place); None when no cell was. ``text_file`` and
    ``decimal_comma``: how the file writes its cells (``detect_notation``); ``notation``: the
    column's, and ``cast``: the column cast to numbers, where the caller has them
    (``read_sheet_amounts``).

    Most cells need less than all the rules, and a line-item column has a million of them:
    a cell that reads as a plain number ("1234567.89", a numeric cell in a column read as
    text) is that number unless the column writes thousands as "1.234"; a cell of digits,
    separators and a sign ("1.234.567,89") is its digits once the column's thousands
    separators are dropped. Only what is left (Rp, brackets, "-", stray text) goes through
    the rules.
    """
    frame = values.rename("v").to_frame()
    if values.dtype != pl.String:
        numeric = amount_expr("v", values.dtype, Notation(dot_thousands=False, comma_thousands=False))
        return _bounded(frame.with_columns(numeric.alias("v")).to_series().rename(values.name), None)
    parsed = values.cast(pl.Float64, strict=False) if cast is None else cast
    if notation is None:
        notation = detect_notation(values, parsed, text_file, decimal_comma)
    if not notation.dot_thousands and parsed.null_count() == values.null_count():
        return _bounded(parsed, None)  # every cell cast as it stands (the null counts tell)
    rest = parsed.is_null() & values.is_not_null()
    if notation.dot_thousands:
        rest = rest | values.str.contains(_SIGNED_AMBIGUOUS_DOT).fill_null(False)
    if not rest.any():
        return _bounded(parsed, None)
    at = rest.arg_true()
    typed = values if at.len() == values.len() else values.gather(at)
    text = pl.col("v")
    if notation.comma_thousands:
        digits = text.str.replace_all(",", "", literal=True)
    else:  # a number that casts has one decimal comma at most: the first is the one
        digits = text.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    grouped = typed.rename("v").to_frame().select(digits.cast(pl.Float64, strict=False)).to_series()
    left = grouped.is_null()
    if left.any():
        at_left = left.arg_true()
        cells = typed.gather(at_left)
        ruled = cells.rename("v").to_frame().select(amount_expr("v", pl.String(), notation)).to_series()
        # a civil servant's NIP under a signature ("19630110 199303 1 002") is text, not an amount
        grouped = grouped.scatter(at_left, ruled.set(cells.str.contains(_NIP).fill_null(False), None))
    malformed = _malformed(typed, grouped, notation)
    shapes = None
    if malformed.any():
        shapes = pl.repeat(False, values.len(), dtype=pl.Boolean, eager=True).scatter(at, malformed)
    return _bounded(parsed.scatter(at, grouped), shapes)


_DOUBLED_SIGN = r"[-\u2212+]\s*[-\u2212+]\s*\d|\d\s*[-\u2212+]\s*[-\u2212+]"


def _malformed(typed: pl.Series, parsed: pl.Series, notation: Notation) -> pl.Series:
    """Whether each typed cell was read as a number although its separators are out of place."""
    # most typed cells are bare digits and separators ("-1.234.567,89"): one search decides them
    bare = _BARE_WELL_FORMED[notation.comma_thousands]
    suspect = parsed.is_not_null() & ~typed.str.contains(bare).fill_null(False)
    if not suspect.any():
        return suspect
    at = suspect.arg_true()
    body = pl.col("v")
    well_formed = (
        body.is_in(_ZERO_MARKS)
        | body.str.contains(_PLAIN)
        | body.str.contains(_WELL_FORMED[notation.comma_thousands])
    )
    cells = typed.gather(at)
    shaped = _bodies(cells).select(well_formed.fill_null(True)).to_series()
    # two signs ("--500.000", "+-500.000", "500.000--") say no amount; "-1.000.000,-" is one
    doubled = cells.str.contains(_DOUBLED_SIGN).fill_null(False)
    return suspect.scatter(at, ~shaped | doubled)


def _within_range(values: pl.Series) -> bool:
    """Whether every amount of ``values`` is finite and below ``MAX_AMOUNT`` (NaN is not)."""
    if values.null_count() == values.len():
        return True
    # max and min pass over NaN; a sum is NaN where any cell is (or infinite past the largest float,
    # which the full check then looks at): three aggregates, no expression
    extremes: tuple[object, ...] = (values.max(), values.min(), values.sum())
    return all(isinstance(v, int | float) and math.isfinite(v) for v in extremes) and all(
        abs(v) < MAX_AMOUNT for v in extremes[:2] if isinstance(v, int | float)
    )


def _bounded(values: pl.Series, malformed: pl.Series | None) -> tuple[pl.Series, pl.Series | None]:
    """``values`` with the cells that are no amount set to null, and why each was (see ``read_amounts``)."""
    if malformed is None and _within_range(values):
        return values, None  # the column's extremes tell, without a look at every cell
    over = values.is_not_null() & ~(values.is_finite() & (values.abs() < MAX_AMOUNT)).fill_null(True)
    if not over.any() and malformed is None:
        return values, None
    shape = (
        malformed if malformed is not None else pl.repeat(False, values.len(), dtype=pl.Boolean, eager=True)
    )
    why = (
        pl.DataFrame({"over": over, "shape": shape})
        .select(
            pl.when(pl.col("over"))
            .then(pl.lit("range"))
            .when(pl.col("shape"))
            .then(pl.lit("shape"))
            .otherwise(pl.lit(None, dtype=pl.String))
        )
        .to_series()
        .rename(values.name)
    )
    return values.set(why.is_not_null(), None), why
