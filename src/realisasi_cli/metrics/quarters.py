"""Realization per quarter: within, cumulative, % of budget, against targets or each unit's cash plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from realisasi_cli.metrics.ranking import unit_totals
from realisasi_cli.metrics.units import RankOptions, absorption, condense, identify
from realisasi_cli.vocabulary import categories_within


@dataclass
class Quarters:
    """Per unit and in total, each quarter's realization against the cumulative target."""

    # unit, code, name, budget, quarter, realized, cumulative, cumulative_pct, target_pct, gap_pp
    units: pl.DataFrame
    total: pl.DataFrame  # quarter, budget, realized, cumulative, cumulative_pct, target_pct, gap_pp
    last_quarter: int
    targets: tuple[float, ...] | None
    as_of: date | None
    warnings: list[tuple[str, str]]  # (file, message)


def cumulative_points(realization: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """Cumulative realization per unit at each date a source reports (flows summed in order)."""
    points = (
        realization.filter(pl.col("period_end").is_not_null())
        .group_by("unit", "source", "period_end")
        .agg(flow=pl.col("realized").sum())
        .sort("period_end")
        .with_columns(cumulative=pl.col("flow").cum_sum().over("unit", "source"))
    )
    # A register's unit with no payment after March still stands at its March total when the
    # register ends: carry each unit's cumulative to its source's last date.
    ends = points.group_by("source").agg(last_end=pl.col("period_end").max())
    carried = (
        points.sort("period_end")
        .group_by("unit", "source")
        .agg(pl.col("cumulative").last(), last_seen=pl.col("period_end").max())
        .join(ends, on="source")
        .filter(pl.col("last_seen") < pl.col("last_end"))
        .select(
            "unit", "source", period_end=pl.col("last_end"), flow=pl.lit(0.0), cumulative=pl.col("cumulative")
        )
    )
    # Likewise a unit whose first payment comes in a later quarter stood at 0 in the quarters
    # its source already covers: a point of 0 at each of them.
    quarter_ends = points.group_by("source", quarter=(pl.col("period_end").dt.month() - 1) // 3).agg(
        period_end=pl.col("period_end").max()
    )
    firsts = points.group_by("unit", "source").agg(first_seen=pl.col("period_end").min())
    zeros = (
        firsts.join(quarter_ends, on="source")
        .filter(pl.col("period_end") < pl.col("first_seen"))
        .select("unit", "source", "period_end", flow=pl.lit(0.0), cumulative=pl.lit(0.0))
    )
    return (
        pl.concat([points, carried, zeros], how="diagonal_relaxed")
        .join(sources.select("source", "file", "order"), on="source")
        .sort("unit", "period_end", "order")
    )


def snapshot_decreases(points: pl.DataFrame) -> list[tuple[str, str]]:
    """Where a later snapshot of a unit shows less cumulative realization than an earlier one."""
    per_date = points.group_by("unit", "period_end", maintain_order=True).last().sort("unit", "period_end")
    drops = per_date.with_columns(
        before=pl.col("cumulative").shift(1).over("unit"),
        before_file=pl.col("file").shift(1).over("unit"),
        before_date=pl.col("period_end").shift(1).over("unit"),
    ).filter(pl.col("cumulative") < pl.col("before") - 1.0)
    return [
        (
            row["file"],
            f"cumulative realization of {row['unit'].removeprefix('name:')} fell from "
            f"{row['before']:,.0f} ({row['before_date']}) to {row['cumulative']:,.0f} ({row['period_end']}); "
            "the export's period may not be cumulative from 1 January",
        )
        for row in drops.iter_rows(named=True)
    ]


def quarters(
    budget: pl.DataFrame,
    realization: pl.DataFrame,
    sources: pl.DataFrame,
    options: RankOptions,
    targets: tuple[float, ...] | None,
    plan: pl.DataFrame | None = None,
) -> Quarters:
    """Realized within each quarter, cumulative, % of budget, target and gap, per unit and in total.

    With a ``plan`` (monthly cash-plan facts), each unit's target is its own cumulative plan as
    a % of its budget, and the deviation from plan is reported too.
    """
    budget, realization = condense(budget, realization)
    extra = (
        [
            plan.group_by("source", "unit_code", "unit_name", "category", "period_end").agg(
                pl.col("planned").sum()
            )
        ]
        if plan is not None
        else []
    )
    budget, realization, *keyed = identify(
        budget, realization, *extra, aliases=options.aliases, rollup=options.rollup
    )
    planned = keyed[0] if keyed else None
    totals = unit_totals(budget, realization, sources, options.category)
    if options.category is not None:
        wanted = categories_within(options.category)
        realization = realization.filter(pl.col("category").is_in(wanted))
        if planned is not None:
            planned = planned.filter(pl.col("category").is_in(wanted))
    points = cumulative_points(realization, sources)
    warnings = snapshot_decreases(points)
    undated = realization.filter(pl.col("period_end").is_null())["unit"].unique()
    undated = undated.filter(~undated.is_in(points["unit"].unique().implode()))
    if undated.len():
        files = (
            sources.filter(
                pl.col("source").is_in(
                    realization.filter(pl.col("unit").is_in(undated.implode()))["source"].implode()
                )
            )["file"]
            .unique()
            .sort()
            .to_list()
        )
        warnings.append(
            (
                files[0],
                f"{undated.len()} unit(s) have no as-of date and are left out of the quarters "
                f"(e.g. {', '.join(Path(f).name for f in files[:3])}); give the date with --as-of",
            )
        )
    if points.height:
        year = int(points.select(pl.col("period_end").dt.year().max()).item())
        points = points.filter(pl.col("period_end").dt.year() == year)
    per_quarter = (
        points.with_columns(quarter=((pl.col("period_end").dt.month() - 1) // 3 + 1).cast(pl.Int64))
        .sort("period_end", "order")
        .group_by("unit", "quarter")
        .agg(cumulative=pl.col("cumulative").last())
    )
    last = int(per_quarter["quarter"].max() or 0) if per_quarter.height else 0  # type: ignore[arg-type]  # max() is typed as any scalar
    grid = totals.select("unit", "code", "name", "budget").join(
        pl.DataFrame({"quarter": list(range(1, last + 1))}, schema={"quarter": pl.Int64}), how="cross"
    )
    target = pl.lit(None, dtype=pl.Float64)
    if planned is not None:
        grid = grid.join(_plan_by_quarter(planned, last), on=["unit", "quarter"], how="left")
        target = absorption(pl.col("plan"), pl.col("budget"))
    elif targets is not None and last:
        target = pl.col("quarter").replace_strict(
            {q: float(targets[q - 1]) for q in range(1, last + 1)}, return_dtype=pl.Float64
        )
    units = (
        grid.join(per_quarter, on=["unit", "quarter"], how="left")
        .sort("unit", "quarter")
        .with_columns(
            realized=pl.when(pl.col("quarter") == 1)
            .then(pl.col("cumulative"))
            .otherwise(pl.col("cumulative") - pl.col("cumulative").shift(1).over("unit")),
            cumulative_pct=absorption(pl.col("cumulative"), pl.col("budget")),
            target_pct=target,
        )
        .with_columns(gap_pp=pl.col("cumulative_pct") - pl.col("target_pct"))
    )
    if planned is not None:
        units = units.with_columns(deviation_pct=_deviation())
    total = (
        units.group_by("quarter")
        .agg(
            *([pl.col("plan").sum()] if planned is not None else []),
            budget=pl.col("budget").sum(),
            # units whose exports reach this quarter; the total's % is over their budgets
            reporting_budget=pl.col("budget").filter(pl.col("cumulative").is_not_null()).sum(),
            units_reporting=pl.col("cumulative").is_not_null().sum().cast(pl.Int64),
            units_total=pl.len().cast(pl.Int64),
            cumulative=pl.when(pl.col("cumulative").is_not_null().any()).then(pl.col("cumulative").sum()),
        )
        .sort("quarter")
        .with_columns(
            realized=pl.col("cumulative") - pl.col("cumulative").shift(1, fill_value=0.0),
            cumulative_pct=absorption(pl.col("cumulative"), pl.col("reporting_budget")),
            target_pct=target,
        )
        .with_columns(gap_pp=pl.col("cumulative_pct") - pl.col("target_pct"))
    )
    if planned is not None:
        total = total.with_columns(target_pct=absorption(pl.col("plan"), pl.col("budget"))).with_columns(
            gap_pp=pl.col("cumulative_pct") - pl.col("target_pct"), deviation_pct=_deviation()
        )
    latest = points.select(pl.col("period_end").max()).item() if points.height else None
    as_of = latest if isinstance(latest, date) else None
    return Quarters(
        units=units, total=total, last_quarter=last, targets=targets, as_of=as_of, warnings=warnings
    )


def _plan_by_quarter(planned: pl.DataFrame, last: int) -> pl.DataFrame:
    """Each unit's cumulative plan at the end of quarters 1..last, from its latest plan source."""
    latest = planned.group_by("unit").agg(pl.col("source").max())
    monthly = planned.join(latest, on=["unit", "source"]).filter(pl.col("period_end").is_not_null())
    ends = pl.DataFrame({"quarter": list(range(1, last + 1))}, schema={"quarter": pl.Int64})
    return (
        monthly.join(ends, how="cross")
        .filter(pl.col("period_end").dt.month() <= 3 * pl.col("quarter"))
        .group_by("unit", "quarter")
        .agg(plan=pl.col("planned").sum())
    )


def _deviation() -> pl.Expr:
    """(plan − realized) ÷ plan, in %: how far realization is behind its own plan."""
    return pl.when(pl.col("plan") != 0).then(100 * (pl.col("plan") - pl.col("cumulative")) / pl.col("plan"))
