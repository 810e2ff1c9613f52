"""Absorption per unit and in total, the ranking, and the breakdown by spending category."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from realisasi_cli.facts.subtotals import TOLERANCE  # rupiah: sums differing by less agree
from realisasi_cli.metrics.targets import latest_plan, plan_months
from realisasi_cli.metrics.units import RankOptions, absorption, condense, identify, latest_of, latest_sources
from realisasi_cli.vocabulary import CATEGORY_PARENT, categories_within

_FIRST_PAYMENTS_BY = 3  # the month by which a register of the year to date has paid each unit


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
        # where a unit's rows are periods (months, quarters), the first one's start is where its
        # realization starts; a register's days (SP2D by SP2D) say when payments began: a first
        # one after the first quarter (none in January to March) is a part of the year
        .agg(
            realized=pl.col("realized").sum(),
            period_start=pl.when((pl.col("period_start") != pl.col("period_end")).any())
            .then(pl.col("period_start").min())
            .when(pl.col("period_start").min().dt.month() > _FIRST_PAYMENTS_BY)
            .then(pl.col("period_start").min())
            .otherwise(pl.col("period_start").filter(pl.col("period_end").is_null()).min()),
        )
    )
    dated = latest.join(sources.select("source", "as_of"), on="source", how="left").select("unit", "as_of")
    return (
        dated.join(names, on="unit", how="left")
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
    domain: str = "belanja"  # "pendapatan": the budgets are revenue targets
    # unit, period_start, period_end, planned: the own cash plan of each unit that has one; None
    # where none has
    plans: pl.DataFrame | None = None
    # name, as_of, used, others: the units that other sources of their latest date give other
    # figures (two uploads of one day), the file ranked and the files left aside
    rivals: list[tuple[str, date | None, str, list[str]]] = field(default_factory=list)

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
    plan: pl.DataFrame | None = None,
) -> Ranking:
    """Rank units by absorption: 1 = highest; listed lowest first, ties by name. ``plan`` (cash
    plans matched to the units, ``match_plan``) gives the units it covers their own plans."""
    budget, realization = condense(budget, realization)
    physical = physical if physical is not None and physical.height else None
    extra = [physical] if physical is not None else []
    if plan is not None:
        extra.append(plan_months(plan))
    budget, realization, *keyed = identify(
        budget, realization, *extra, aliases=options.aliases, rollup=options.rollup
    )
    latest = latest_sources(budget, realization, sources)
    progress = physical_progress(keyed[0], latest) if physical is not None else None
    plans = latest_plan(keyed[-1]) if plan is not None else None
    if plans is not None and options.category is not None:
        plans = plans.filter(pl.col("category").is_in(categories_within(options.category)))
    if plans is not None and not plans.height:
        plans = None  # no unit has a plan of its own
    totals = unit_totals(budget, realization, sources, options.category, latest)
    totals = totals.with_columns(absorption_pct=absorption(pl.col("realized"), pl.col("budget")))
    ranked = (
        totals.filter(pl.col("budget") != 0)
        .with_columns(
            rank=pl.col("absorption_pct").rank(method="min", descending=True).cast(pl.Int64),
            below_threshold=pl.col("absorption_pct") < options.threshold,
        )
        .sort(["absorption_pct", "name"])
        .select(
            "unit",
            "rank",
            "code",
            "name",
            "budget",
            "realized",
            "absorption_pct",
            "below_threshold",
            "as_of",
            "period_start",
        )
    )
    zero = pl.col("budget") == 0
    if options.domain == "pendapatan":  # a unit with no target and no receipts earns no pendapatan
        zero = zero & (pl.col("realized") != 0)
    unranked = (
        totals.filter(zero)
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
    names = dict(totals.select("unit", "name").iter_rows())
    return Ranking(
        units=ranked,
        unranked=unranked,
        total_budget=float(totals["budget"].sum()),
        total_realized=float(totals["realized"].sum()),
        threshold=options.threshold,
        category=options.category,
        as_of=as_of,  # type: ignore[arg-type]  # max() of a Date column is typed as any scalar
        categories=breakdown,
        physical=progress,
        domain=options.domain,
        plans=plans,
        rivals=[
            (names.get(unit, unit), *rest) for unit, *rest in rivals(budget, realization, sources, latest)
        ],
    )


def rivals(
    budget: pl.DataFrame, realization: pl.DataFrame, sources: pl.DataFrame, latest: pl.DataFrame
) -> list[tuple[str, date | None, str, list[str]]]:
    """The units that two or more sources of their latest date give different budgets or
    realization (lra.xlsx and lra (1).xlsx uploaded the same day, one of them revised): unit,
    as_of, the file ranked (``latest_of``), the other files. Sources that agree (a rekap beside
    the units' own uploads), be it to the thousand a rekap in thousands rounds each row to, are
    no rivals."""
    seen = pl.concat([budget.select("unit", "source"), realization.select("unit", "source")]).unique()
    if sources.height < 2 or not seen.get_column("unit").is_duplicated().any():
        return []
    dated = sources.select("source", "as_of", "file", "sheet", "precision")
    newest = latest.join(dated, on="source").select("unit", newest="as_of", used="source")
    alike = (
        seen.join(dated, on="source")
        .join(newest, on="unit")
        # undated sources follow their order (a later file name wins) and are warned as undated
        .filter(pl.col("as_of").is_not_null() & (pl.col("as_of") == pl.col("newest")))
        .filter(pl.len().over("unit") > 1)
    )
    if not alike.height:
        return []
    sums = [
        frame.join(alike.select("unit", "source"), on=["unit", "source"])
        .group_by("unit", "source")
        .agg(pl.col(column).sum(), pl.len().alias(f"{column}_rows"))
        for frame, column in ((budget, "budget"), (realization, "realized"))
    ]
    # each row rounded by up to half its precision: a unit's sum by half of that per row
    rounding = [
        pl.max_horizontal(TOLERANCE, (pl.col("precision") * pl.col(f"{c}_rows") / 2).max().over("unit"))
        for c in ("budget", "realized")
    ]
    spread = [
        (pl.col(c).max() - pl.col(c).min()).over("unit") > allowed
        for c, allowed in zip(("budget", "realized"), rounding, strict=True)
    ]
    differ = (
        alike.join(sums[0], on=["unit", "source"], how="left")
        .join(sums[1], on=["unit", "source"], how="left")
        # a source without budget (a DPA beside the realization) differs in nothing it lacks
        .filter(pl.any_horizontal(spread).fill_null(False))
        # a file of its own is named by its name; two sheets of one file by their sheets too
        .with_columns(alone=pl.len().over("unit", "file") == 1)
        .sort("unit", "source")
    )
    found: dict[str, tuple[date | None, str, list[str]]] = {}
    for unit, newest, used, source, file, sheet, alone in differ.select(
        "unit", "newest", "used", "source", "file", "sheet", "alone"
    ).iter_rows():
        label = Path(file).name if alone else f"{Path(file).name} [{sheet}]"
        when, ranked, others = found.get(unit, (newest, "", []))
        if source == used:
            ranked = label
        else:
            others = [*others, label]
        found[unit] = (when, ranked, others)
    return [(unit, when, ranked, others) for unit, (when, ranked, others) in found.items()]


def category_totals(ranking: Ranking) -> pl.DataFrame:
    """The whole government's budget, realization and absorption per top-level category."""
    if ranking.categories is None:
        return pl.DataFrame(
            schema={
                "category": pl.String,
                "budget": pl.Float64,
                "realized": pl.Float64,
                "absorption_pct": pl.Float64,
            }
        )
    return (
        ranking.categories.group_by(category=pl.col("top"))
        .agg(pl.col("budget").sum(), pl.col("realized").sum())
        .with_columns(absorption_pct=absorption(pl.col("realized"), pl.col("budget")))
        .sort("category")
    )
