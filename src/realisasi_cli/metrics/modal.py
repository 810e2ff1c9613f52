"""Belanja modal in its own right: the units with a capital budget ranked by its absorption,
each against the capital target on its own data date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.targets import targets_on

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
    ranking: Ranking, targets: Sequence[float], category: str = "modal", as_of: date | None = None
) -> pl.DataFrame:
    """The ranked units with a budget in ``category`` (> 0), lowest absorption in it first (ties
    by name): budget, realized, absorption_pct, the unit's data date (null where it has none),
    the category's target on it (on ``as_of`` where it has none) and the gap to it in pp. Empty
    without categories."""
    if ranking.categories is None:
        return pl.DataFrame(schema=_COLUMNS)
    own = ranking.categories.filter((pl.col("top") == category) & (pl.col("budget") > 0)).select(
        "unit", "budget", "realized", "absorption_pct"
    )
    units = ranking.units.select("unit", "code", "name", unit_as_of=pl.col("as_of"))
    day = pl.coalesce(pl.col("unit_as_of"), pl.lit(as_of, dtype=pl.Date))
    return (
        own.join(units, on="unit")
        .with_columns(target_to_date_pct=targets_on(targets, day), as_of=pl.col("unit_as_of"))
        .with_columns(gap_pp=pl.col("absorption_pct") - pl.col("target_to_date_pct"))
        .sort(["absorption_pct", "name"])
        .select(list(_COLUMNS))
        .cast(_COLUMNS)  # type: ignore[arg-type]  # a dict of names to dtypes is what cast takes
    )
