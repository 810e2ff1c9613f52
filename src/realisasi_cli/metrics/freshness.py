"""How current each unit's data is: the range of data dates, undated and stale units, and
periods that do not run from 1 January (not year-to-date absorption)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from realisasi_cli.config import DEFAULT_STALE_DAYS
from realisasi_cli.metrics.ranking import Ranking


@dataclass
class Freshness:
    """The data dates of the ranked units."""

    newest: date | None
    oldest: date | None
    undated: list[str] = field(default_factory=list)  # names
    stale: list[tuple[str, date]] = field(default_factory=list)  # name, as_of
    not_year_to_date: list[tuple[str, date, date | None]] = field(default_factory=list)  # name, start, end
    # name, as_of, the file ranked, the others: sources of a unit's date that disagree (``Ranking.rivals``)
    rivals: list[tuple[str, date | None, str, list[str]]] = field(default_factory=list)

    @property
    def dates_differ(self) -> bool:
        """Whether units stand at different dates (per-OPD uploads), or some have none."""
        if self.newest is None:  # nothing is dated: nothing to compare
            return False
        return bool(self.undated) or self.newest != self.oldest


def stale_limit(newest: date, stale_days: int = DEFAULT_STALE_DAYS) -> date:
    """The day before which a unit's data is stale: ``stale_days`` before the newest data date."""
    return newest - timedelta(days=stale_days)


def freshness(ranking: Ranking, stale_days: int = DEFAULT_STALE_DAYS) -> Freshness:
    """The data dates of ``ranking``'s units: which are undated, older than the newest by more than
    ``stale_days``, or cover a period that does not start on 1 January."""
    units = ranking.units.select("name", "as_of", "period_start")
    dated = units.filter(pl.col("as_of").is_not_null())
    newest = dated["as_of"].max() if dated.height else None
    oldest = dated["as_of"].min() if dated.height else None
    result = Freshness(newest, oldest)  # type: ignore[arg-type]  # max() of a Date column is typed as any scalar
    result.rivals = ranking.rivals
    result.undated = units.filter(pl.col("as_of").is_null())["name"].sort().to_list()
    if isinstance(newest, date):
        limit = stale_limit(newest, stale_days)
        stale = dated.filter(pl.col("as_of") < limit).sort("as_of", "name")
        result.stale = [(name, as_of) for name, as_of in stale.select("name", "as_of").iter_rows()]
    partial = units.filter(
        pl.col("period_start").is_not_null()
        & ((pl.col("period_start").dt.month() != 1) | (pl.col("period_start").dt.day() != 1))
    ).sort("name")
    result.not_year_to_date = [
        (name, start, end) for name, start, end in partial.select("name", "period_start", "as_of").iter_rows()
    ]
    return result
