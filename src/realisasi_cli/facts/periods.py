"""The period each fact covers: from a slot's month or quarter, a row's own date, or the as-of date."""

from __future__ import annotations

from datetime import date

import polars as pl

from realisasi_cli.dates import MONTHS, month_end


def row_period(name: str, dtype: pl.DataType, year: int | None) -> tuple[pl.Expr, pl.Expr]:
    """Each row's period from a month, quarter or date cell: (start, end) dates."""
    col = pl.col(name)
    if dtype.is_temporal():
        day = col.cast(pl.Date)
        return day, day
    text = col.cast(pl.String).str.strip_chars()
    day = pl.coalesce(
        text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%d/%m/%Y", strict=False),
        text.str.to_date("%d-%m-%Y", strict=False),
    )
    month_words = dict(MONTHS)
    lowered = text.str.to_lowercase().str.replace(r"\s*\d{4}$", "")
    month = pl.coalesce(
        lowered.replace_strict(month_words, default=None, return_dtype=pl.Int32),
        lowered.cast(pl.Int32, strict=False),
    )
    quarter = lowered.str.extract(r"^(?:tw|triwulan|trw|q)?\s*(iv|iii|ii|i|[1-4])$", 1).replace_strict(
        {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4},
        default=None,
        return_dtype=pl.Int32,
    )
    is_quarter = lowered.str.contains(r"^(tw|triwulan|trw|q)")
    fiscal = pl.lit(year if year is not None else None, dtype=pl.Int32)
    first_month = pl.when(is_quarter).then(quarter * 3 - 2).otherwise(month)
    last_month = pl.when(is_quarter).then(quarter * 3).otherwise(month)
    start = pl.date(fiscal, first_month, 1)
    end = start.dt.offset_by(pl.format("{}mo", last_month - first_month + 1)).dt.offset_by("-1d")
    return pl.coalesce(day, start), pl.coalesce(day, end)


def period_bounds(
    period: tuple[str, int] | None, as_of: date | None, year: int | None, start: date | None = None
) -> tuple[date | None, date | None]:
    """The first and last day a slot's facts cover: its month or quarter, else from ``start``
    (the title's range, 1 January when it states none) to the as-of date."""
    if period is None:
        if as_of is None:
            return None, None
        if start is not None and start.year == as_of.year and start <= as_of:
            return start, as_of
        return date(as_of.year, 1, 1), as_of
    fiscal = year or (as_of.year if as_of else None)
    if fiscal is None:
        return None, None
    kind, number = period
    if kind == "quarter":
        return date(fiscal, 3 * number - 2, 1), month_end(fiscal, 3 * number)
    return date(fiscal, number, 1), month_end(fiscal, number)
