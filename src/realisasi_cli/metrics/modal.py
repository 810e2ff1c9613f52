"""Belanja modal in its own right: the units with a capital budget ranked by its absorption,
each against the capital target on its own data date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.targets import plan_to_date, targets_on
from realisasi_cli.metrics.units import absorption
from realisasi_cli.vocabulary import CATEGORY_PARENT

_COLUMNS = {
    "unit": pl.String,
    "code": pl.String,
    "name": pl.String,
    "budget": pl.Float64,
    "realized": pl.Float64,
    "absorption_pct": pl.Float64,
    "as_of": pl.Date,
    "target_to_date_pct": pl.Float64,
    "gap_pp": pl.Float64,
}


def category_ranking(
    ranking: Ranking,
    targets: Sequence[float],
    category: str = "modal",
    as_of: date | None = None,
    *,
    whole_plan: bool = True,
) -> pl.DataFrame:
    """The ranked units with a budget in ``category`` (> 0), lowest absorption in it first (ties
    by name): budget, realized, absorption_pct, the unit's data date (null where it has none),
    its target in the category on that date (``unit_category_targets``) and the gap to it in pp.
    Empty without categories."""
    if ranking.categories is None:
        return pl.DataFrame(schema=_COLUMNS)
    rows = ranking.categories.filter(pl.col("top") == category)
    own = unit_category_targets(rows, ranking, targets, as_of, whole_plan=whole_plan)
    units = ranking.units.select("unit", "code", "name", "as_of")
    return (
        own.filter(pl.col("budget") > 0)
        .join(units, on="unit")
        .with_columns(gap_pp=pl.col("absorption_pct") - pl.col("target_to_date_pct"))
        .sort(["absorption_pct", "name"])
        .select(list(_COLUMNS))
        .cast(_COLUMNS)  # type: ignore[arg-type]  # a dict of names to dtypes is what cast takes
    )


def unit_category_targets(
    categories: pl.DataFrame,
    ranking: Ranking,
    targets: Sequence[float],
    as_of: date | None,
    *,
    whole_plan: bool = True,
) -> pl.DataFrame:
    """``categories`` (rows of ``Ranking.categories``: unit, top, budget, …) with each row's
    ``target_to_date_pct`` on the unit's data date (``as_of`` where it has none):

    * its own cash plan's rows of that category to that date, as a % of its budget there;
    * else, with ``whole_plan`` and a plan of the unit's without categories (a RAK of totals),
      the plan's target for the whole unit (``with_pace``), its pace taken as every category's;
    * else ``targets`` on that date.
    """
    day = pl.coalesce(pl.col("unit_as_of"), pl.lit(as_of, dtype=pl.Date))
    whole = "target_to_date_pct" in ranking.units.columns and whole_plan and ranking.plans is not None
    units = ranking.units.select(
        "unit",
        unit_as_of=pl.col("as_of"),
        whole=pl.col("target_to_date_pct") if whole else pl.lit(None, dtype=pl.Float64),
    )
    dated = categories.join(units, on="unit", how="left").with_columns(
        target_to_date_pct=targets_on(targets, day), at=day
    )
    plans = ranking.plans
    if plans is None or not dated.height:
        return dated.drop("unit_as_of", "at", "whole")
    # a unit and category as one key, so that a plan's months are taken per category
    key = pl.concat_str(pl.col("unit"), pl.lit("\x1f"), pl.col("top"))
    by_category = plans.filter(pl.col("category").is_not_null())
    monthly = by_category.with_columns(top=pl.col("category").replace(CATEGORY_PARENT)).with_columns(unit=key)
    through = plan_to_date(monthly, dated.select(unit=key, at="at")).select(
        key="unit", to_date="plan_to_date"
    )
    planned = pl.col("key").is_in(monthly["unit"].unique().implode()) & pl.col("at").is_not_null()
    uncategorized = ~pl.col("unit").is_in(by_category["unit"].unique().implode()) & pl.col("unit").is_in(
        plans["unit"].unique().implode()
    )
    return (
        dated.with_columns(key=key)
        .join(through.unique("key"), on="key", how="left")
        .with_columns(
            target_to_date_pct=pl.when(planned)
            .then(absorption(pl.col("to_date"), pl.col("budget")))
            .when(uncategorized & pl.col("whole").is_not_null())
            .then(pl.col("whole"))
            .otherwise(pl.col("target_to_date_pct"))
        )
        .drop("unit_as_of", "at", "key", "to_date", "whole")
    )
