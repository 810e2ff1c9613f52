"""Change since an earlier observation of the same units, and who entered or left the bottom list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.units import latest_sources, normalized_name


@dataclass
class Changes:
    """What moved since a previous snapshot: pp per unit, who entered or left the bottom list."""

    change_pp: dict[str, float | None]  # unit key → percentage points gained
    entered_bottom: list[dict[str, str | None]]
    left_bottom: list[dict[str, str | None]]
    previous_as_of: date | None
    total_change_pp: float | None  # only when every unit was seen before
    compared: int = 0  # units seen before and now
    units: int = 0  # units now


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
    """Each unit's change in absorption since ``previous`` and the moves in and out of the bottom N.

    Only units seen in both count: a unit without an earlier observation has no change, and
    entering or leaving the bottom list is told only among units seen before and now.
    """
    before_units = _match_previous(current.units, previous.units)
    joined = current.units.select("unit", "absorption_pct").join(
        before_units.select("unit", before=pl.col("absorption_pct")), on="unit", how="left"
    )
    change = {
        row["unit"]: (None if row["before"] is None else row["absorption_pct"] - row["before"])
        for row in joined.iter_rows(named=True)
    }
    both = current.units.join(before_units.select("unit"), on="unit", how="semi").select("unit")
    now = current.units.head(bottom).select("unit", "code", "name")
    before = before_units.sort(["absorption_pct", "name"]).head(bottom).select("unit", "code", "name")
    entered = now.join(both, on="unit", how="semi").join(before, on="unit", how="anti")
    left = before.join(both, on="unit", how="semi").join(now, on="unit", how="anti")
    everyone = both.height == current.units.height == previous.units.height
    total = (
        current.total_pct - previous.total_pct
        if everyone and current.total_pct is not None and previous.total_pct is not None
        else None
    )
    return Changes(
        change,
        entered.select("code", "name").to_dicts(),
        left.select("code", "name").to_dicts(),
        previous.as_of,
        total,
        compared=both.height,
        units=current.units.height,
    )


def earlier_observations(
    keyed_budget: pl.DataFrame, keyed_realization: pl.DataFrame, sources: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """The facts of each unit's observations dated before its latest one; None when no unit has any.

    The facts are keyed by unit (``identify``). Per-OPD uploads at different dates are not a
    series: a unit's change is measured only against an earlier export of the same unit.
    """
    if sources["as_of"].drop_nulls().n_unique() < 2:
        return None
    seen = pl.concat([keyed_budget.select("unit", "source"), keyed_realization.select("unit", "source")])
    if not seen.unique().get_column("unit").is_duplicated().any():
        return None  # every unit in one source only: per-OPD uploads, one each
    dates = sources.select("source", "as_of")
    current = (
        latest_sources(keyed_budget, keyed_realization, sources)
        .join(dates, on="source")
        .select("unit", current=pl.col("as_of"))
    )

    def earlier(frame: pl.DataFrame) -> pl.DataFrame:
        columns = [c for c in frame.columns if c != "unit"]
        return (
            frame.join(dates, on="source")
            .join(current, on="unit")
            .filter(pl.col("as_of") < pl.col("current"))
            .select(columns)
        )

    before_budget, before_realization = earlier(keyed_budget), earlier(keyed_realization)
    if not before_budget.height and not before_realization.height:
        return None
    return before_budget, before_realization
