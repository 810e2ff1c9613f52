"""Targets on a given day: the quarter's target pro-rated by calendar days, or a cash plan to date.

A quarter's target is cumulative and holds at its last day. On a day inside the quarter the
target is the previous quarter's plus the quarter's increase in proportion to the days gone
(10 November with 65 % and 95 %: 65 + 30 × 41/92 = 78,37 %). A cash plan is pro-rated the
same way within its month.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from realisasi_cli.dates import month_end


def quarter_of(day: date) -> int:
    """The quarter (1-4) a day falls in."""
    return (day.month - 1) // 3 + 1


def target_on(targets: Sequence[float], day: date) -> float:
    """The cumulative target on ``day``: the quarter's target pro-rated by calendar days."""
    quarter = quarter_of(day)
    start = date(day.year, 3 * quarter - 2, 1)
    end = month_end(day.year, 3 * quarter)
    before = float(targets[quarter - 2]) if quarter > 1 else 0.0
    elapsed = (day - start).days + 1  # the day itself counts: on the last day the full target
    return before + (float(targets[quarter - 1]) - before) * elapsed / ((end - start).days + 1)


def targets_on(targets: Sequence[float], days: pl.Expr) -> pl.Expr:
    """``target_on`` for a column of dates (null where the date is null)."""
    return days.map_elements(lambda d: target_on(targets, d), return_dtype=pl.Float64)


def plan_to_date(monthly: pl.DataFrame, at: pl.DataFrame) -> pl.DataFrame:
    """Each unit's cumulative plan through a day, its month pro-rated by day.

    ``monthly`` holds unit, period_start, period_end, planned (one month or quarter a row);
    ``at`` holds unit and the day (``at``) plus any other columns, returned with ``plan_to_date``.
    """
    keyed = at.with_row_index("_at_row")
    days = (pl.col("at") - pl.col("period_start")).dt.total_days() + 1
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    share = (days / length).clip(0.0, 1.0)
    through = (
        keyed.select("_at_row", "unit", "at")
        .join(monthly.select("unit", "period_start", "period_end", "planned"), on="unit")
        .group_by("_at_row")
        .agg(plan_to_date=(pl.col("planned") * share).sum())
    )
    return keyed.join(through, on="_at_row", how="left").drop("_at_row")


def plan_months(plan: pl.DataFrame) -> pl.DataFrame:
    """Cash-plan facts summed per unit, category and month (or quarter) of each plan source,
    the frame ``identify`` keys as it keys the realization."""
    return plan.group_by("source", "unit_code", "unit_name", "category", "period_start", "period_end").agg(
        pl.col("planned").sum()
    )


def latest_plan(planned: pl.DataFrame) -> pl.DataFrame:
    """Each unit's monthly plan from its latest plan source (``planned`` keyed by unit)."""
    latest = planned.group_by("unit").agg(pl.col("source").max())
    return planned.join(latest, on=["unit", "source"]).filter(pl.col("period_end").is_not_null())
