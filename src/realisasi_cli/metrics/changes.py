"""Change since an earlier observation of the same units, and who entered or left the bottom list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.units import normalized_name


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
