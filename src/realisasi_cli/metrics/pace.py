"""Pace: the monthly absorption so far, the year-end projection, and the monthly absorption needed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import polars as pl

from realisasi_cli.dates import month_end
from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.targets import plan_to_date, quarter_of, target_on, targets_on
from realisasi_cli.metrics.units import absorption


def pace(
    cumulative_pct: pl.Expr, as_of: date | pl.Expr | None, year_end_target: float | pl.Expr
) -> dict[str, pl.Expr]:
    """Average monthly absorption so far, the year-end projection, and the monthly pace needed to
    reach ``year_end_target`` (a column: each unit's own plan), as of a day or of a column of
    days (each unit's own data date)."""
    if as_of is None:
        none = pl.lit(None, dtype=pl.Float64)
        return {"monthly_pct": none, "projected_pct": none, "needed_monthly_pct": none}
    day = as_of if isinstance(as_of, pl.Expr) else pl.lit(as_of, dtype=pl.Date)
    # months gone: the month's days pro-rated (10 November: 10 + 10/30)
    elapsed = (day.dt.month() - 1) + day.dt.day() / day.dt.month_end().dt.day()
    remaining = 12 - elapsed
    monthly = pl.when(elapsed > 0).then(cumulative_pct / elapsed)
    end = year_end_target if isinstance(year_end_target, pl.Expr) else pl.lit(year_end_target)
    needed = pl.when(remaining > 0).then(((end - cumulative_pct) / remaining).clip(lower_bound=0.0))
    return {"monthly_pct": monthly, "projected_pct": monthly * 12, "needed_monthly_pct": needed}


def with_pace(ranking: Ranking, targets: Sequence[float]) -> tuple[Ranking, dict[str, float | None]]:
    """The ranking with pace columns on every unit, and the whole government's pace.

    Each unit's pace and target to date are taken on its own data date (the ranking's where it has none),
    and its gap is measured against it: the unit's own cash plan to that day where it has one
    (``Ranking.plans``), else ``targets``. The government's target to date is the units' targets
    weighted by their budgets, as in the quarters and the categories.
    """
    year_end_target = float(targets[-1])
    day = (
        pl.coalesce(pl.col("as_of"), pl.lit(ranking.as_of, dtype=pl.Date))
        if "as_of" in ranking.units.columns
        else (pl.lit(ranking.as_of, dtype=pl.Date))
    )
    units, year_end = ranking.units, pl.lit(year_end_target)
    if ranking.plans is not None:
        # a unit with a plan aims at its plan by 31 December (most often its whole budget), not 95 %
        ends = _targets_at(units, ranking.plans, pl.date(day.dt.year(), 12, 31), year_end_target, targets)
        # only a plan that reaches December says the year's end (a RAK of January to July does not)
        whole = ranking.plans.group_by("unit").agg(whole=(pl.col("period_end").dt.month() == 12).any())
        ends = ends.join(whole, on="unit", how="left").select(
            "unit",
            year_end_pct=pl.when(pl.col("whole"))
            .then(pl.col("target_to_date_pct"))
            .otherwise(year_end_target),
        )
        units = units.join(ends, on="unit", how="left")
        year_end = pl.col("year_end_pct")
    units = units.with_columns(**pace(pl.col("absorption_pct"), day, year_end))
    if "period_start" in units.columns:
        # realization of a part of the year only (1 Juli – 31 Juli, W-NOT-YEAR-TO-DATE) is no
        # pace since January: its months are not the months gone
        partial = pl.col("period_start").is_not_null() & (
            (pl.col("period_start").dt.month() > 1) | (pl.col("period_start").dt.day() > 1)
        )
        none = pl.lit(None, dtype=pl.Float64)
        units = units.with_columns(
            pl.when(partial).then(none).otherwise(pl.col(name)).alias(name)
            for name in ("monthly_pct", "projected_pct", "needed_monthly_pct")
        )
    units = units.with_columns(target_to_date_pct=targets_on(targets, day))
    if ranking.plans is not None:
        units = _own_targets(units, ranking.plans, day, targets)
    units = units.with_columns(gap_to_date_pp=pl.col("absorption_pct") - pl.col("target_to_date_pct"))
    year_end_total = weighted(units, "year_end_pct") if "year_end_pct" in units.columns else None
    total_end = year_end_total if year_end_total is not None else year_end_target
    exprs = pace(pl.lit(ranking.total_pct, dtype=pl.Float64), ranking.as_of, total_end)
    row: dict[str, Any] = pl.DataFrame({"x": [0]}).select(**exprs).row(0, named=True)
    total = {k: (None if v is None else float(v)) for k, v in row.items()}
    # the pace so far of the units at their own dates, weighted by budget, as the target is (on
    # one date for all, the total's own); what is needed stays the total's from the newest date
    for name in ("monthly_pct", "projected_pct"):
        own = weighted(units, name)
        if own is not None:
            total[name] = own
    # the units' targets on their own dates (their own plans), weighted by budget: on one date
    # for all, the targets on it
    to_date = weighted(units, "target_to_date_pct")
    if to_date is None and ranking.as_of is not None:
        to_date = target_on(targets, ranking.as_of)
    if ranking.plans is not None and ranking.as_of is not None:
        total["target_quarter_pct"] = _quarter_end_target(units, ranking.plans, ranking.as_of, targets)
    total["target_to_date_pct"] = to_date
    if year_end_total is not None:
        total["target_year_pct"] = year_end_total
        units = units.drop("year_end_pct")
    total["gap_to_date_pp"] = (
        None if to_date is None or ranking.total_pct is None else ranking.total_pct - to_date
    )
    return replace(ranking, units=units), total


def _quarter_end_target(
    units: pl.DataFrame, plans: pl.DataFrame, as_of: date, targets: Sequence[float]
) -> float | None:
    """The government's target at the end of the quarter ``as_of`` falls in: each unit's own plan
    to that day where it has one, else that quarter's target, weighted by budget (a unit whose
    data stands in an earlier quarter has this quarter to reach too)."""
    quarter = quarter_of(as_of)
    end = pl.lit(month_end(as_of.year, 3 * quarter), dtype=pl.Date)
    return weighted(
        _targets_at(units, plans, end, float(targets[quarter - 1]), targets), "target_to_date_pct"
    )


def _targets_at(
    units: pl.DataFrame, plans: pl.DataFrame, day: pl.Expr, default: float, targets: Sequence[float]
) -> pl.DataFrame:
    """Each unit's target on ``day`` (unit, budget, target_to_date_pct): its own plan to that day
    where it has one, else ``default``. ``day`` may name the units' ``as_of``."""
    dated = [c for c in ("as_of",) if c in units.columns]
    at = units.select("unit", "budget", *dated, target_to_date_pct=pl.lit(default))
    return _own_targets(at, plans, day, targets)


def _own_targets(
    units: pl.DataFrame, plans: pl.DataFrame, day: pl.Expr, targets: Sequence[float]
) -> pl.DataFrame:
    """``target_to_date_pct`` of the units with a cash plan replaced by their plan to their data
    date, as a % of their budget; ``target_quarter_pct``: the target at that quarter's end."""
    keys = units.select("unit", at=day)
    quarter_end = pl.date(pl.col("at").dt.year(), pl.col("at").dt.quarter() * 3, 1).dt.month_end()
    monthly = plans.select("unit", "period_start", "period_end", "planned")
    to_date = plan_to_date(monthly, keys).select("unit", to_date="plan_to_date")
    full = plan_to_date(monthly, keys.select("unit", at=quarter_end)).select("unit", full="plan_to_date")
    planned = pl.col("unit").is_in(plans["unit"].unique().implode()) & day.is_not_null()
    default = day.dt.quarter().replace_strict(
        {q: float(targets[q - 1]) for q in range(1, 5)}, default=None, return_dtype=pl.Float64
    )
    return (
        units.join(to_date, on="unit", how="left")
        .join(full, on="unit", how="left")
        .with_columns(
            target_to_date_pct=pl.when(planned)
            .then(absorption(pl.col("to_date"), pl.col("budget")))
            .otherwise(pl.col("target_to_date_pct")),
            target_quarter_pct=pl.when(planned)
            .then(absorption(pl.col("full"), pl.col("budget")))
            .otherwise(default),
        )
        .drop("to_date", "full")
    )


def weighted(units: pl.DataFrame, column: str) -> float | None:
    """The units' ``column`` weighted by their budgets (those where it is known)."""
    known = units.filter(pl.col(column).is_not_null() & (pl.col("budget") != 0))
    weight = float(known["budget"].sum())
    return float((known[column] * known["budget"]).sum()) / weight if weight else None
