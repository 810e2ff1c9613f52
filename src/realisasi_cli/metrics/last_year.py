"""Last year at the same date: each unit's realization of the previous fiscal year then, beside now.

From a column of the same export (``REALISASI 2025`` beside ``REALISASI 2026``, ``Realisasi
Tahun Lalu``), or from last year's exports (``--last-year``): their snapshot at the same day a
year earlier, or the nearest earlier one. Never counted as this year's realization.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from realisasi_cli.dates import a_year_before
from realisasi_cli.facts.schema import Dataset, Warning_
from realisasi_cli.metrics.ranking import Ranking, rank
from realisasi_cli.metrics.units import RankOptions, identify, latest_of, normalized_name


@dataclass
class LastYear:
    """Per unit and in total, the previous year's realization at the same date."""

    units: pl.DataFrame  # unit, realized_last_year, budget_last_year, absorption_last_year_pct
    realized: float
    budget: float | None  # None where last year's budgets are not known
    as_of: date | None  # the date last year's figures stand at
    warnings: list[Warning_]

    @property
    def absorption_pct(self) -> float | None:
        """Last year's total realization as a % of last year's total budget, where known."""
        return 100 * self.realized / self.budget if self.budget else None


def _from_columns(ranking: Ranking, dataset: Dataset, options: RankOptions) -> LastYear | None:
    facts = dataset.last_year
    if options.category is not None:
        from realisasi_cli.vocabulary import categories_within

        facts = facts.filter(pl.col("category").is_in(categories_within(options.category)))
    if not facts.height:
        return None
    (keyed,) = identify(facts, aliases=options.aliases, rollup=options.rollup)
    latest = latest_of(keyed, dataset.sources)
    per_unit = (
        keyed.join(latest, on=["unit", "source"])
        .group_by("unit")
        .agg(realized_last_year=pl.col("realized").sum(), as_of=pl.col("period_end").max())
        .join(ranking.units.select("unit"), on="unit", how="semi")
        .with_columns(
            budget_last_year=pl.lit(None, dtype=pl.Float64),
            absorption_last_year_pct=pl.lit(None, dtype=pl.Float64),
        )
    )
    as_of = per_unit["as_of"].max()
    return LastYear(
        units=per_unit.drop("as_of"),
        realized=float(per_unit["realized_last_year"].sum()),
        budget=None,
        as_of=as_of if isinstance(as_of, date) else None,
        warnings=[],
    )


def _from_exports(ranking: Ranking, previous: Dataset, options: RankOptions) -> LastYear:
    """Last year's exports ranked as of the same date a year earlier (or the nearest before)."""
    warnings: list[Warning_] = []
    sources = previous.sources
    if ranking.as_of is not None:
        then = a_year_before(ranking.as_of)
        usable = sources.filter(pl.col("as_of").is_null() | (pl.col("as_of") <= then))
        if usable.height < sources.height:
            later = sources.filter(pl.col("as_of") > then)["file"].unique().sort().to_list()
            warnings.append(
                Warning_(later[0], None, None, "W-LAST-YEAR-LATER", {"n": len(later), "then": then})
            )
        sources = usable

    def keep(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(sources.select("source"), on="source", how="semi")

    before = rank(keep(previous.budget), keep(previous.realization), sources, options)
    units = before.units.select(
        "code",
        norm=normalized_name(pl.col("name")),
        realized_last_year="realized",
        budget_last_year="budget",
        absorption_last_year_pct="absorption_pct",
    )
    now = ranking.units.select("unit", "code", norm=normalized_name(pl.col("name")))
    by_code = now.filter(pl.col("code").is_not_null()).join(units.drop("norm"), on="code")
    rest = now.join(by_code.select("unit"), on="unit", how="anti")
    by_name = rest.join(units.drop("code"), on="norm")
    matched = pl.concat([by_code.drop("code", "norm"), by_name.drop("code", "norm")], how="diagonal_relaxed")
    return LastYear(
        units=matched.select("unit", "realized_last_year", "budget_last_year", "absorption_last_year_pct"),
        realized=float(matched["realized_last_year"].sum()),
        budget=float(matched["budget_last_year"].sum()),
        as_of=before.as_of,
        warnings=warnings,
    )


def last_year(
    ranking: Ranking, dataset: Dataset, previous_year: Dataset | None, options: RankOptions
) -> LastYear | None:
    """Last year at the same date: from ``previous_year``'s exports where given, else from
    last-year columns of the exports themselves; None when neither says."""
    if previous_year is not None:
        return _from_exports(ranking, previous_year, options)
    return _from_columns(ranking, dataset, options)
