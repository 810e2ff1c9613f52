"""Realization per quarter: within, cumulative, % of budget, against targets or each unit's cash plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from realisasi_cli.facts.schema import Warning_
from realisasi_cli.metrics.ranking import unit_totals
from realisasi_cli.metrics.targets import latest_plan, plan_months, plan_to_date, targets_on
from realisasi_cli.metrics.units import SAME_DATE_ORDER, RankOptions, absorption, condense, identify
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
    warnings: list[Warning_]


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
        .join(sources.select("source", "file", "order", "precision"), on="source")
        .sort(pl.col("unit"), pl.col("period_end"), *SAME_DATE_ORDER)
    )


def snapshot_decreases(points: pl.DataFrame, realization: pl.DataFrame) -> list[Warning_]:
    """Where a later snapshot of a unit shows less cumulative realization than an earlier one:
    cumulative realization falls only by a correction, or in an export of another period than
    from 1 January. The unit is named as the realization (keyed: ``identify``) names it."""
    per_date = points.group_by("unit", "period_end", maintain_order=True).last().sort("unit", "period_end")
    drops = per_date.with_columns(
        before=pl.col("cumulative").shift(1).over("unit"),
        before_file=pl.col("file").shift(1).over("unit"),
        before_date=pl.col("period_end").shift(1).over("unit"),
    ).filter(pl.col("cumulative") < pl.col("before") - 1.0)
    if not drops.height:
        return []
    names = dict(
        realization.filter(pl.col("unit_name").is_not_null())
        .group_by("unit")
        .agg(pl.col("unit_name").last())
        .iter_rows()
    )
    return [
        Warning_(
            row["file"],
            None,
            None,
            "W-CUMULATIVE-FELL",
            {
                "unit": names.get(row["unit"]) or row["unit"].removeprefix("name:"),
                "before": row["before"],
                "before_date": row["before_date"],
                "after": row["cumulative"],
                "after_date": row["period_end"],
            },
        )
        for row in drops.iter_rows(named=True)
    ]


def decreases(keyed_realization: pl.DataFrame, sources: pl.DataFrame, category: str | None) -> list[Warning_]:
    """``snapshot_decreases`` of the realization (keyed by unit: ``identify``), for a command that
    builds no quarters (``rank``): none where the inputs are of one date, or where no unit has
    two points (a source and date each) for its cumulative realization to fall between."""
    if sources["as_of"].drop_nulls().n_unique() < 2:
        return []
    realization = keyed_realization
    if category is not None:
        realization = realization.filter(pl.col("category").is_in(categories_within(category)))
    points = realization.filter(pl.col("period_end").is_not_null()).select("unit", "source", "period_end")
    if not points.unique().get_column("unit").is_duplicated().any():
        return []
    return snapshot_decreases(cumulative_points(realization, sources), realization)


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
    extra = [plan_months(plan)] if plan is not None else []
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
    warnings = snapshot_decreases(points, realization)
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
        names = [Path(f).name for f in files[:3]]
        warnings.append(
            # of one file where one file is undated; of no one file where several are
            Warning_(
                files[0] if len(files) == 1 else "",
                None,
                None,
                "W-QUARTERS-UNDATED",
                {"n": undated.len(), "names": names},
            )
        )
    if points.height:
        year = int(points.select(pl.col("period_end").dt.year().max()).item())
        points = points.filter(pl.col("period_end").dt.year() == year)
    per_quarter = (
        points.with_columns(quarter=((pl.col("period_end").dt.month() - 1) // 3 + 1).cast(pl.Int64))
        .sort(pl.col("period_end"), *SAME_DATE_ORDER)
        .group_by("unit", "quarter")
        .agg(cumulative=pl.col("cumulative").last(), at=pl.col("period_end").last())
    )
    last = int(per_quarter["quarter"].max() or 0) if per_quarter.height else 0  # type: ignore[arg-type]  # max() is typed as any scalar
    grid = totals.select("unit", "code", "name", "budget").join(
        pl.DataFrame({"quarter": list(range(1, last + 1))}, schema={"quarter": pl.Int64}), how="cross"
    )
    units = (
        grid.join(per_quarter, on=["unit", "quarter"], how="left")
        .with_columns(pl.col("cumulative").cast(pl.Float64), pl.col("at").cast(pl.Date))
        .sort("unit", "quarter")
    )
    units = _with_targets(units, targets, planned)
    units = units.with_columns(
        realized=pl.when(pl.col("quarter") == 1)
        .then(pl.col("cumulative"))
        .otherwise(pl.col("cumulative") - pl.col("cumulative").shift(1).over("unit")),
        cumulative_pct=absorption(pl.col("cumulative"), pl.col("budget")),
    ).with_columns(gap_pp=pl.col("cumulative_pct") - pl.col("target_to_date_pct"))
    if planned is not None:
        units = units.with_columns(deviation_pct=_deviation("plan_to_date"))
    reporting = pl.col("cumulative").is_not_null()
    # the plans of the units the total is of: those reporting in the quarter (all, where none does)
    among = reporting | ~reporting.any()
    # the deviation compares the plans and the realization of the same units: reporting, planned
    compared = reporting & pl.col("plan_to_date").is_not_null()
    total = (
        units.group_by("quarter")
        .agg(
            *(
                [
                    *(
                        pl.when((among & pl.col(c).is_not_null()).any())
                        .then(pl.col(c).filter(among).sum())
                        .alias(c)
                        for c in ("plan", "plan_to_date")
                    ),
                    pl.when(compared.any())
                    .then(pl.col("plan_to_date").filter(compared).sum())
                    .alias("compared_plan"),
                ]
                if planned is not None
                else []
            ),
            budget=pl.col("budget").sum(),
            # units whose exports reach this quarter; the total's % is over their budgets
            reporting_budget=pl.col("budget").filter(reporting).sum(),
            units_reporting=reporting.sum().cast(pl.Int64),
            units_total=pl.len().cast(pl.Int64),
            cumulative=pl.when(reporting.any()).then(pl.col("cumulative").sum()),
            # within the quarter: the units' own, where they report in it and in the one before
            # (the difference of two totals over different units would mean nothing)
            realized=pl.when(pl.col("realized").is_not_null().any()).then(pl.col("realized").sum()),
            at=pl.col("at").max(),
            target_pct=_weighted("target_pct"),
            target_to_date_pct=_weighted("target_to_date_pct"),
            planned_cumulative=pl.col("cumulative").filter(compared).sum()
            if planned is not None
            else pl.lit(None, dtype=pl.Float64),
        )
        .sort("quarter")
        .with_columns(
            cumulative_pct=absorption(pl.col("cumulative"), pl.col("reporting_budget")),
        )
        .with_columns(gap_pp=pl.col("cumulative_pct") - pl.col("target_to_date_pct"))
    )
    if planned is not None:
        total = total.with_columns(deviation_pct=_deviation("compared_plan", "planned_cumulative")).drop(
            "compared_plan"
        )
    latest = points.select(pl.col("period_end").max()).item() if points.height else None
    as_of = latest if isinstance(latest, date) else None
    return Quarters(
        units=units, total=total, last_quarter=last, targets=targets, as_of=as_of, warnings=warnings
    )


def _weighted(column: str) -> pl.Expr:
    """A per-unit target over the units reporting in the quarter (all, where none does),
    weighted by budget: each unit's own plan, or the default targets."""
    reporting = pl.col("cumulative").is_not_null()
    among = reporting | ~reporting.any()
    known = among & pl.col(column).is_not_null()
    weight = pl.col("budget").filter(known).sum()
    return pl.when(known.any() & (weight != 0)).then(
        (pl.col(column) * pl.col("budget")).filter(known).sum() / weight
    )


def _with_targets(
    units: pl.DataFrame, targets: tuple[float, ...] | None, planned: pl.DataFrame | None
) -> pl.DataFrame:
    """Each unit's cumulative target at each quarter's end (``target_pct``) and on the day its
    data stands at in that quarter (``target_to_date_pct``): its own cash plan where it has one,
    else the default targets. A quarter whose data reaches its last day keeps the full target."""
    year = units["at"].dt.year().max()
    quarter_end = pl.date(pl.lit(year), pl.col("quarter") * 3, 1).dt.month_end()
    units = units.with_columns(quarter_end=quarter_end)
    at = pl.coalesce("at", "quarter_end")
    if targets is not None:
        default = pl.col("quarter").replace_strict(
            {q: float(targets[q - 1]) for q in range(1, 5)}, return_dtype=pl.Float64
        )
        default_to_date = targets_on(targets, at)
    else:
        default = default_to_date = pl.lit(None, dtype=pl.Float64)
    units = units.with_columns(target_pct=default, target_to_date_pct=default_to_date)
    if planned is None:
        return units.drop("quarter_end")
    monthly = latest_plan(planned)
    has_plan = pl.col("unit").is_in(monthly["unit"].unique().implode())
    keys = units.select("unit", "quarter", "quarter_end", day=at)
    full = plan_to_date(monthly, keys.select("unit", "quarter", at="quarter_end"))
    to_date = plan_to_date(monthly, keys.select("unit", "quarter", at="day"))
    return (
        units.join(full.select("unit", "quarter", plan="plan_to_date"), on=["unit", "quarter"], how="left")
        .join(to_date.select("unit", "quarter", "plan_to_date"), on=["unit", "quarter"], how="left")
        .with_columns(
            target_pct=pl.when(has_plan)
            .then(absorption(pl.col("plan"), pl.col("budget")))
            .otherwise(default),
            target_to_date_pct=pl.when(has_plan)
            .then(absorption(pl.col("plan_to_date"), pl.col("budget")))
            .otherwise(default_to_date),
        )
        .drop("quarter_end")
    )


def _deviation(plan: str, realized: str = "cumulative") -> pl.Expr:
    """(plan − realized) ÷ plan, in %: how far realization is behind its own plan."""
    return pl.when(pl.col(plan) != 0).then(100 * (pl.col(plan) - pl.col(realized)) / pl.col(plan))
