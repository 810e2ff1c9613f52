"""Absorption, ranking and the other metrics: pure Polars on the canonical facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from realisasi_cli.vocabulary import CATEGORY_PARENT, categories_within

DEFAULT_THRESHOLD = 57.0
DEFAULT_BOTTOM = 10
TOP_LEVEL = ("operasi", "modal", "tidak_terduga", "transfer")


def normalized_name(expr: pl.Expr) -> pl.Expr:
    """Unit names compared without case, spacing or punctuation."""
    return expr.str.to_uppercase().str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()


def absorption(realized: pl.Expr, budget: pl.Expr) -> pl.Expr:
    """100 × realized / budget; null where the budget is zero."""
    return pl.when(budget != 0).then(100.0 * realized / budget).otherwise(None)


def _with_unit_key(frame: pl.DataFrame, code_of_name: pl.DataFrame) -> pl.DataFrame:
    named = frame.with_columns(norm=normalized_name(pl.col("unit_name").fill_null("")))
    named = named.join(code_of_name, on="norm", how="left", suffix="_known")
    return (
        named.with_columns(
            unit_code=pl.coalesce("unit_code", "code_known"),
        )
        .with_columns(
            unit=pl.coalesce(pl.col("unit_code"), pl.lit("name:") + pl.col("norm")),
        )
        .drop("code_known")
    )


def _apply_aliases(frame: pl.DataFrame, aliases: dict[str, str]) -> pl.DataFrame:
    """Map other spellings or codes to one unit, as realisasi.toml's [units] table says."""
    if not aliases:
        return frame
    table = pl.DataFrame({"alias": list(aliases), "target": list(aliases.values())}).with_columns(
        alias_norm=normalized_name(pl.col("alias"))
    )
    code_like = pl.col("target").str.contains(r"^\d+(\.\d+)+$")
    table = table.with_columns(
        target_code=pl.when(code_like).then(pl.col("target")),
        target_name=pl.when(~code_like).then(pl.col("target")),
    )
    by_name = table.select(
        norm=pl.col("alias_norm"), t_code=pl.col("target_code"), t_name=pl.col("target_name")
    )
    by_code = table.select(
        unit_code=pl.col("alias"), c_code=pl.col("target_code"), c_name=pl.col("target_name")
    )
    out = frame.with_columns(norm=normalized_name(pl.col("unit_name").fill_null("")))
    out = out.join(by_name, on="norm", how="left").join(by_code, on="unit_code", how="left")
    return out.with_columns(
        unit_code=pl.coalesce(
            "t_code",
            "c_code",
            pl.when(pl.col("t_name").is_null() & pl.col("c_name").is_null()).then(pl.col("unit_code")),
        ),
        unit_name=pl.coalesce("t_name", "c_name", "unit_name"),
    ).drop("norm", "t_code", "t_name", "c_code", "c_name")


def rollup_code(expr: pl.Expr) -> pl.Expr:
    """A sub-unit code (``….0001``) folded into its SKPD (``….0000``)."""
    return (
        pl.when(expr.str.contains(r"\.\d{4}$")).then(expr.str.replace(r"\.\d{4}$", ".0000")).otherwise(expr)
    )


def identify(
    *frames: pl.DataFrame, aliases: dict[str, str] | None = None, rollup: bool = False
) -> list[pl.DataFrame]:
    """Give every fact a ``unit`` key: its code, else a code known for its name, else its name.

    All the tables share one identity, so a name in one is matched to a code in another.
    """
    aliased = [_apply_aliases(frame, aliases or {}) for frame in frames]
    if rollup:
        aliased = [frame.with_columns(unit_code=rollup_code(pl.col("unit_code"))) for frame in aliased]
    pairs = (
        pl.concat([frame.select("unit_code", "unit_name") for frame in aliased])
        .drop_nulls()
        .with_columns(norm=normalized_name(pl.col("unit_name")))
        .unique(["norm"], keep="first")
        .select("norm", code_known=pl.col("unit_code"))
    )
    return [_with_unit_key(frame, pairs) for frame in aliased]


def condense(budget: pl.DataFrame, realization: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Line items summed per source, unit, category (and period): what every metric needs."""
    keys = ["source", "unit_code", "unit_name", "category"]
    periods = ["period_start", "period_end"]
    # one query each, run side by side
    condensed_budget, condensed_realization = pl.collect_all(
        [
            budget.lazy().group_by(keys).agg(pl.col("budget").sum()),
            realization.lazy().group_by(keys + periods).agg(pl.col("realized").sum()),
        ]
    )
    return condensed_budget, condensed_realization


@dataclass(frozen=True)
class RankOptions:
    """What to rank and how."""

    category: str | None = None
    threshold: float = DEFAULT_THRESHOLD
    aliases: dict[str, str] | None = None
    rollup: bool = False


def latest_sources(budget: pl.DataFrame, realization: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """For each unit, the source (file/sheet) of its latest snapshot: by as-of date, then order given."""
    return latest_of(
        pl.concat([budget.select("unit", "source"), realization.select("unit", "source")]), sources
    )


def latest_of(facts: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """For each unit, the latest source among ``facts`` (one kind of fact: budget or realization)."""
    seen = facts.select("unit", "source").unique()
    if sources.height == 1:  # one file or sheet: the latest of every unit
        return seen.sort("unit")
    return (
        seen.join(sources.select("source", "as_of", "order"), on="source")
        .sort(["unit", "as_of", "order", "source"], nulls_last=False)
        .group_by("unit", maintain_order=True)
        .last()
        .select("unit", "source")
    )


def unit_totals(
    budget: pl.DataFrame,
    realization: pl.DataFrame,
    sources: pl.DataFrame,
    category: str | None = None,
    latest: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Budget and realization per unit, each from the unit's latest source that has it (one row per unit).

    A register of payments without budgets, next to a DPA without realization, gives both.
    ``latest`` is ``latest_sources`` of these facts, where the caller has it already.
    """
    if latest is None:
        latest = latest_sources(budget, realization, sources)
    latest_budget = latest_of(budget, sources)
    latest_realized = latest_of(realization, sources)
    if category is not None:
        wanted = categories_within(category)
        budget = budget.filter(pl.col("category").is_in(wanted))
        realization = realization.filter(pl.col("category").is_in(wanted))
    names = (
        pl.concat(
            [
                budget.select("unit", "unit_code", "unit_name", "source"),
                realization.select("unit", "unit_code", "unit_name", "source"),
            ]
        )
        .join(latest, on=["unit", "source"])
        .group_by("unit")
        .agg(code=pl.col("unit_code").drop_nulls().first(), name=pl.col("unit_name").drop_nulls().first())
    )
    b = budget.join(latest_budget, on=["unit", "source"]).group_by("unit").agg(budget=pl.col("budget").sum())
    r = (
        realization.join(latest_realized, on=["unit", "source"])
        .group_by("unit")
        .agg(realized=pl.col("realized").sum())
    )
    return (
        latest.select("unit")
        .join(names, on="unit", how="left")
        .join(b, on="unit", how="left")
        .join(r, on="unit", how="left")
        .with_columns(
            pl.col("budget").fill_null(0.0),
            pl.col("realized").fill_null(0.0),
            name=pl.coalesce("name", "code", pl.col("unit").str.replace("^name:", "")),
        )
    )


def category_breakdown(budget: pl.DataFrame, realization: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
    """Per unit and top-level category (operasi, modal, …): budget, realized, absorption.

    ``latest`` is ``latest_sources`` of these facts.
    """
    top = pl.col("category").replace(CATEGORY_PARENT)
    b = (
        budget.join(latest, on=["unit", "source"])
        .filter(pl.col("category").is_not_null())
        .group_by("unit", top.alias("top"))
        .agg(budget=pl.col("budget").sum())
    )
    r = (
        realization.join(latest, on=["unit", "source"])
        .filter(pl.col("category").is_not_null())
        .group_by("unit", top.alias("top"))
        .agg(realized=pl.col("realized").sum())
    )
    return (
        b.join(r, on=["unit", "top"], how="full", coalesce=True)
        .with_columns(pl.col("budget").fill_null(0.0), pl.col("realized").fill_null(0.0))
        .with_columns(absorption_pct=absorption(pl.col("realized"), pl.col("budget")))
        .sort("unit", "top")
    )


def physical_progress(physical: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
    """Physical progress per unit from its latest snapshot, weighted by each row's budget."""
    weighted = pl.col("weight").sum() > 0
    return (
        physical.join(latest, on=["unit", "source"])
        .group_by("unit")
        .agg(
            realized_pct=pl.when(weighted)
            .then((pl.col("realized_pct") * pl.col("weight")).sum() / pl.col("weight").sum())
            .otherwise(pl.col("realized_pct").mean()),
            target_pct=pl.when(weighted & pl.col("target_pct").is_not_null().any())
            .then((pl.col("target_pct") * pl.col("weight")).sum() / pl.col("weight").sum())
            .otherwise(pl.col("target_pct").mean()),
        )
    )


@dataclass
class Ranking:
    """Every unit ranked (lowest absorption first), the unranked, and the total."""

    units: pl.DataFrame  # rank, code, name, budget, realized, absorption_pct, below_threshold
    unranked: pl.DataFrame  # code, name, reason
    total_budget: float
    total_realized: float
    threshold: float
    category: str | None
    as_of: date | None
    categories: pl.DataFrame | None  # per unit and top-level category
    physical: pl.DataFrame | None = None  # unit, realized_pct, target_pct (realisasi fisik)

    @property
    def total_pct(self) -> float | None:
        """The whole government's absorption."""
        return 100.0 * self.total_realized / self.total_budget if self.total_budget else None

    @property
    def below_count(self) -> int:
        """How many ranked units are under the threshold."""
        return int(self.units["below_threshold"].sum())


def rank(
    budget: pl.DataFrame,
    realization: pl.DataFrame,
    sources: pl.DataFrame,
    options: RankOptions,
    physical: pl.DataFrame | None = None,
) -> Ranking:
    """Rank units by absorption: 1 = highest; listed lowest first, ties by name."""
    budget, realization = condense(budget, realization)
    extra = [physical] if physical is not None and physical.height else []
    budget, realization, *keyed = identify(
        budget, realization, *extra, aliases=options.aliases, rollup=options.rollup
    )
    latest = latest_sources(budget, realization, sources)
    progress = physical_progress(keyed[0], latest) if keyed else None
    totals = unit_totals(budget, realization, sources, options.category, latest)
    totals = totals.with_columns(absorption_pct=absorption(pl.col("realized"), pl.col("budget")))
    ranked = (
        totals.filter(pl.col("budget") != 0)
        .with_columns(
            rank=pl.col("absorption_pct").rank(method="min", descending=True).cast(pl.Int64),
            below_threshold=pl.col("absorption_pct") < options.threshold,
        )
        .sort(["absorption_pct", "name"])
        .select("unit", "rank", "code", "name", "budget", "realized", "absorption_pct", "below_threshold")
    )
    unranked = (
        totals.filter(pl.col("budget") == 0)
        .sort("name")
        .select("unit", "code", "name", "realized", reason=pl.lit("no_budget"))
    )
    has_categories = budget["category"].drop_nulls().len() > 0
    breakdown = (
        category_breakdown(budget, realization, latest)
        if has_categories and options.category is None
        else None
    )
    used = sources.filter(pl.col("source").is_in(latest["source"].implode()))
    as_of = used["as_of"].drop_nulls().max() if used["as_of"].drop_nulls().len() else None
    return Ranking(
        units=ranked,
        unranked=unranked,
        total_budget=float(totals["budget"].sum()),
        total_realized=float(totals["realized"].sum()),
        threshold=options.threshold,
        category=options.category,
        as_of=as_of,  # type: ignore[arg-type]
        categories=breakdown,
        physical=progress,
    )


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
    return (
        pl.concat([points, carried], how="diagonal_relaxed")
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
    last = int(per_quarter["quarter"].max() or 0) if per_quarter.height else 0  # type: ignore[arg-type]
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


def pace(cumulative_pct: pl.Expr, as_of: date | None, year_end_target: float) -> dict[str, pl.Expr]:
    """Average monthly absorption so far, the year-end projection, and the monthly pace needed."""
    if as_of is None:
        none = pl.lit(None, dtype=pl.Float64)
        return {"monthly_pct": none, "projected_pct": none, "needed_monthly_pct": none}
    import calendar

    elapsed = as_of.month - 1 + as_of.day / calendar.monthrange(as_of.year, as_of.month)[1]
    remaining = 12 - elapsed
    monthly = cumulative_pct / elapsed if elapsed > 0 else pl.lit(None, dtype=pl.Float64)
    needed = (
        ((pl.lit(year_end_target) - cumulative_pct) / remaining).clip(lower_bound=0.0)
        if remaining > 0
        else pl.lit(None, dtype=pl.Float64)
    )
    return {"monthly_pct": monthly, "projected_pct": monthly * 12, "needed_monthly_pct": needed}


@dataclass
class Changes:
    """What moved since a previous snapshot: pp per unit, who entered or left the bottom list."""

    change_pp: dict[str, float | None]  # unit key → percentage points gained
    entered_bottom: list[dict[str, str | None]]
    left_bottom: list[dict[str, str | None]]
    previous_as_of: date | None
    total_change_pp: float | None


def _match_previous(current: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Previous units keyed like the current ones: same key, else the same normalized name."""
    names = current.select("unit", norm=normalized_name(pl.col("name")))
    prev = previous.with_columns(norm=normalized_name(pl.col("name")))
    by_key = prev.join(current.select("unit"), on="unit", how="semi")
    rest = (
        prev.join(current.select("unit"), on="unit", how="anti")
        .join(names.rename({"unit": "matched"}), on="norm", how="left")
        .with_columns(unit=pl.coalesce("matched", "unit"))
        .drop("matched")
    )
    return pl.concat([by_key, rest], how="diagonal").drop("norm")


def compare(current: Ranking, previous: Ranking, bottom: int) -> Changes:
    """Each unit's change in absorption since ``previous`` and the moves in and out of the bottom N."""
    before_units = _match_previous(current.units, previous.units)
    joined = current.units.select("unit", "absorption_pct").join(
        before_units.select("unit", before=pl.col("absorption_pct")), on="unit", how="left"
    )
    change = {
        row["unit"]: (None if row["before"] is None else row["absorption_pct"] - row["before"])
        for row in joined.iter_rows(named=True)
    }
    now = current.units.head(bottom).select("unit", "code", "name")
    before = before_units.sort(["absorption_pct", "name"]).head(bottom).select("unit", "code", "name")
    entered = now.join(before, on="unit", how="anti").select("code", "name").to_dicts()
    left = before.join(now, on="unit", how="anti").select("code", "name").to_dicts()
    total = (
        current.total_pct - previous.total_pct
        if current.total_pct is not None and previous.total_pct is not None
        else None
    )
    return Changes(change, entered, left, previous.as_of, total)


def previous_sources(sources: pl.DataFrame) -> pl.DataFrame | None:
    """The sources before the newest snapshot date, when the inputs hold more than one date."""
    dates = sources["as_of"].drop_nulls().unique()
    if dates.len() < 2:
        return None
    newest = dates.max()
    return sources.filter(pl.col("as_of").is_null() | (pl.col("as_of") < newest))
