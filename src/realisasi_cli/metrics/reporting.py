"""Who has not reported: the units expected that have no data at all, data older than the
newest by more than ``stale_days``, or no realization.

The units expected come from a list of units (``--units``), else an earlier export
(``--previous``), else every unit the inputs hold where they are snapshots of several dates
(a unit missing from the newest then stands at an older date and is named as stale).
Without any of them a unit absent from the data cannot be named; the other two still can.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import polars as pl

from realisasi_cli.config import DEFAULT_STALE_DAYS
from realisasi_cli.metrics.freshness import stale_limit
from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.units import RankOptions, identify, normalized_name

# where the list of expected units came from
FROM_UNITS, FROM_PREVIOUS, FROM_INPUTS = "units", "previous", "inputs"

_EXPECTED = {"code": pl.String, "name": pl.String}


@dataclass
class NotReported:
    """The units that did not report, in three exclusive groups: missing, stale, zero."""

    expected_from: str | None  # FROM_UNITS, FROM_PREVIOUS, FROM_INPUTS; None without a list
    expected: int  # how many units were expected (0 without a list)
    missing: pl.DataFrame  # code, name: expected but absent from the data; by name
    stale: pl.DataFrame  # unit, code, name, as_of: data dated before ``limit``; oldest first
    zero: pl.DataFrame  # unit, code, name, budget: ranked, not stale, nothing realized; by name
    newest: date | None  # the newest data date of any unit
    limit: date | None  # data dated before this day is stale (``newest`` − ``stale_days``)
    stale_days: int = DEFAULT_STALE_DAYS
    previous_as_of: date | None = None  # the date of the earlier export, with FROM_PREVIOUS

    @property
    def count(self) -> int:
        """How many units are named, in all three groups."""
        return self.missing.height + self.stale.height + self.zero.height


def expected_units(entries: Iterable[tuple[str | None, str | None]]) -> pl.DataFrame:
    """A frame of the units expected (code, name), from listed (code, name) pairs."""
    rows = [(code, name) for code, name in entries if code or name]
    return pl.DataFrame(rows, schema=_EXPECTED, orient="row")


def units_of(ranking: Ranking) -> pl.DataFrame:
    """Every unit a ranking holds, ranked or not (code, name): the units expected next time."""
    return pl.concat(
        [ranking.units.select(*_EXPECTED), ranking.unranked.select(*_EXPECTED)], how="vertical_relaxed"
    ).cast(_EXPECTED)  # type: ignore[arg-type]  # a dict of names to dtypes is what cast takes


def _keyed(expected: pl.DataFrame, options: RankOptions) -> pl.DataFrame:
    """The expected units with the keys the data's units get (code, aliases, roll-up)."""
    (keyed,) = identify(
        expected.select(unit_code=pl.col("code"), unit_name=pl.col("name")),
        aliases=options.aliases,
        rollup=options.rollup,
    )
    return keyed


def _missing(keyed: pl.DataFrame, present: pl.DataFrame) -> pl.DataFrame:
    """The expected units absent from ``present``: by key, then by normalized name."""
    names = present.select(norm=normalized_name(pl.col("name").fill_null("")))["norm"]
    return (
        keyed.filter(
            ~pl.col("unit").is_in(present["unit"].implode())
            & ~pl.col("unit_code").is_in(present["code"].drop_nulls().implode()).fill_null(False)
            & ~pl.col("norm").is_in(names.implode())
        )
        .unique("unit", keep="first", maintain_order=True)
        .select(code=pl.col("unit_code"), name=pl.coalesce("unit_name", "unit_code"))
        .sort("name")
    )


def not_reported(
    ranking: Ranking,
    expected: pl.DataFrame | None,
    expected_from: str | None,
    options: RankOptions,
    stale_days: int = DEFAULT_STALE_DAYS,
    previous_as_of: date | None = None,
) -> NotReported:
    """The units of ``expected`` (code, name; None without a list) with no data, and the units of
    ``ranking`` whose data is stale or which realized nothing."""
    units = ranking.units
    present = pl.concat(
        [units.select("unit", "code", "name"), ranking.unranked.select("unit", "code", "name")],
        how="vertical_relaxed",
    )
    dated = units["as_of"].drop_nulls()
    newest: date | None = dated.max() if dated.len() else None  # type: ignore[assignment]  # max() of a Date column is typed as any scalar
    limit = stale_limit(newest, stale_days) if newest is not None else None
    # a column, not a literal False: Polars refuses a literal predicate on a frame of many chunks
    is_stale = pl.col("as_of") < limit if limit is not None else pl.col("as_of").is_null() & False
    stale = (
        units.filter(is_stale.fill_null(False)).sort("as_of", "name").select("unit", "code", "name", "as_of")
    )
    zero = (
        units.filter((pl.col("realized") == 0) & ~is_stale.fill_null(False))
        .sort("name")
        .select("unit", "code", "name", "budget")
    )
    keyed = _keyed(expected, options) if expected is not None else None
    missing = _missing(keyed, present) if keyed is not None else pl.DataFrame(schema=_EXPECTED)
    return NotReported(
        expected_from=expected_from if keyed is not None else None,
        expected=keyed["unit"].n_unique() if keyed is not None else 0,
        missing=missing,
        stale=stale,
        zero=zero,
        newest=newest,
        limit=limit,
        stale_days=stale_days,
        previous_as_of=previous_as_of if expected_from == FROM_PREVIOUS else None,
    )
