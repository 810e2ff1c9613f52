"""One evaluation of a dataset: the ranking, changes, quarters and pace that every command shares."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date

import polars as pl

from realisasi_cli.config import DEFAULT_STALE_DAYS
from realisasi_cli.facts.schema import Dataset, Warning_
from realisasi_cli.messages import Message, some_of
from realisasi_cli.metrics.changes import Changes, compare, earlier_observations
from realisasi_cli.metrics.freshness import Freshness, freshness
from realisasi_cli.metrics.last_year import LastYear, last_year
from realisasi_cli.metrics.pace import with_pace
from realisasi_cli.metrics.plans import match_plan
from realisasi_cli.metrics.quarters import Quarters, decreases, quarters
from realisasi_cli.metrics.ranking import Ranking, category_totals, rank
from realisasi_cli.metrics.reporting import (
    FROM_INPUTS,
    FROM_PREVIOUS,
    FROM_UNITS,
    NotReported,
    not_reported,
    units_of,
)
from realisasi_cli.metrics.targets import quarter_of, target_on
from realisasi_cli.metrics.units import RankOptions, condense, identify


@dataclass
class Evaluation:
    """Everything a ranking, a briefing or a summary shows about one set of exports."""

    ranking: Ranking
    changes: Changes | None
    quarters: Quarters | None
    pace: dict[str, float | None]  # the whole government's monthly_pct, projected_pct, needed_monthly_pct
    targets: tuple[float, ...]
    bottom: int
    freshness: Freshness
    last_year: LastYear | None = None  # the previous fiscal year at the same date, where known
    not_reported: NotReported | None = None  # units expected without data, stale or with nothing realized

    # where no quarters are built (rank): the units whose cumulative realization fell between
    # snapshots, and what matching the cash plans found, which the quarters' warnings say otherwise
    decreases: list[Warning_] = field(default_factory=list)
    plan_warnings: list[Warning_] = field(default_factory=list)

    @property
    def warnings(self) -> list[Warning_]:
        """What the units' data dates call for (undated, stale, not year-to-date), then the falls
        of cumulative realization and the cash plans' warnings where no quarters say them."""
        return [*date_warnings(self.freshness, self.stale_days), *self.decreases, *self.plan_warnings]

    stale_days: int = DEFAULT_STALE_DAYS

    @functools.cached_property
    def categories(self) -> pl.DataFrame:
        """The whole government per top-level category (operasi, modal, …): budget, realized, %."""
        return category_totals(self.ranking)

    @property
    def as_of(self) -> date | None:
        """The date the data stands at."""
        return self.ranking.as_of

    @property
    def year_end_target(self) -> float:
        """What the year is to reach by 31 December: the TW IV target, or the units' own plans to
        that day where they have them, weighted by budget (``with_pace``)."""
        own = self.pace.get("target_year_pct")
        return float(own) if own is not None else float(self.targets[-1])

    @property
    def current_target(self) -> tuple[int, float, float] | None:
        """The quarter the as-of date falls in, its cumulative target, and the target to date: the
        units' targets on their own data dates (pro-rated by days within the quarter), their own
        cash plans where they have them, weighted by budget (``with_pace``)."""
        if self.as_of is None:
            return None
        quarter = quarter_of(self.as_of)
        full, to_date = self.pace.get("target_quarter_pct"), self.pace.get("target_to_date_pct")
        # the units' targets on their own dates (their own plans), weighted by budget
        return (
            quarter,
            full if full is not None else self.targets[quarter - 1],
            to_date if to_date is not None else target_on(self.targets, self.as_of),
        )


def changes_since(
    ranking: Ranking,
    dataset: Dataset,
    keyed: tuple[pl.DataFrame, pl.DataFrame],
    previous: Dataset | None,
    options: RankOptions,
    bottom: int,
) -> Changes | None:
    """Changes against ``previous``, else against each unit's earlier observations among the
    inputs (``keyed``: their budget and realization keyed by unit); None when no unit has one."""
    if previous is not None:
        before = rank(previous.budget, previous.realization, previous.sources, options)
        return compare(ranking, before, bottom)
    earlier = earlier_observations(*keyed, dataset.sources)
    if earlier is None:
        return None
    budget, realization = earlier
    used = pl.concat([budget.select("source"), realization.select("source")]).unique()
    older = dataset.sources.join(used, on="source", how="semi")
    return compare(ranking, rank(budget, realization, older, options), bottom)


def reporting(
    ranking: Ranking,
    dataset: Dataset,
    previous: Dataset | None,
    options: RankOptions,
    expected: pl.DataFrame | None,
    stale_days: int,
) -> NotReported:
    """Who has not reported, against ``expected`` (a list of units), else the units of
    ``previous``, else every unit of the inputs where they are snapshots of several dates."""
    if expected is not None:
        return not_reported(ranking, expected, FROM_UNITS, options, stale_days)
    if previous is not None:
        before = rank(previous.budget, previous.realization, previous.sources, options)
        return not_reported(ranking, units_of(before), FROM_PREVIOUS, options, stale_days, before.as_of)
    if dataset.sources["as_of"].drop_nulls().n_unique() > 1:
        return not_reported(ranking, units_of(ranking), FROM_INPUTS, options, stale_days)
    return not_reported(ranking, None, None, options, stale_days)


def evaluate(
    dataset: Dataset,
    options: RankOptions,
    targets: tuple[float, ...],
    previous: Dataset | None = None,
    bottom: int = 10,
    *,
    paced: bool = True,
    by_quarter: bool = True,
    plan: Dataset | None = None,
    stale_days: int = DEFAULT_STALE_DAYS,
    last_year_data: Dataset | None = None,
    expected: pl.DataFrame | None = None,
) -> Evaluation:
    """Rank, compare with the previous snapshot, build the quarter series and the pace.

    ``paced`` and ``by_quarter`` leave out what a command does not show; with ``plan`` (cash
    plans read from their files) each unit the plans match is measured against its own plan
    instead of ``targets``, and the plans' realisasi rows count as realization data.
    ``expected`` (code, name: ``--units``) is the list of units who should have reported.
    """
    plan_facts = None
    plan_warnings: list[Warning_] = []
    # the line items summed once, in the order met: the ranking, the changes, the quarters and
    # the falls between snapshots each sum these again by unit, cheaply, instead of the line
    # items (a year of weekly snapshots: half a million lines, some thousands of sums)
    summed = _summed(dataset)
    # the plans' realisasi rows place realization in months for the quarters; the ranking and
    # the changes stay on the exports themselves
    series_data = summed
    if plan is not None:
        matched = match_plan(dataset, plan, options.aliases, options.rollup)
        series_data, plan_facts, plan_warnings = matched.dataset, matched.plan, matched.warnings
    ranking = rank(summed.budget, summed.realization, summed.sources, options, summed.physical, plan_facts)
    # the units' identity among the inputs' own facts, for the changes and the falls between
    # snapshots (the ranking's also takes in the plans' and the physical progress' names)
    keyed = identify(summed.budget, summed.realization, aliases=options.aliases, rollup=options.rollup)
    changes = changes_since(ranking, summed, (keyed[0], keyed[1]), previous, options, bottom)
    total_pace: dict[str, float | None] = {}
    if paced:
        ranking, total_pace = with_pace(ranking, targets)
    series = (
        quarters(
            series_data.budget,
            series_data.realization,
            series_data.sources,
            options,
            targets,
            plan=plan_facts,
        )
        if by_quarter
        else None
    )
    if series is not None:
        series.warnings[:0] = plan_warnings
    before = last_year(ranking, dataset, last_year_data, options)
    shown = series if series is not None and series.last_quarter else None
    return Evaluation(
        ranking=ranking,
        changes=changes,
        quarters=shown,
        pace=total_pace,
        targets=targets,
        bottom=bottom,
        freshness=freshness(ranking, stale_days),
        stale_days=stale_days,
        last_year=before,
        not_reported=reporting(ranking, dataset, previous, options, expected, stale_days),
        decreases=[] if shown is not None else decreases(keyed[1], summed.sources, options.category),
        plan_warnings=[] if shown is not None else plan_warnings,
    )


def _summed(dataset: Dataset) -> Dataset:
    """``dataset`` with its budget and realization line items summed per source, unit and
    category (and period): all that the metrics read of them (``condense``)."""
    budget, realization = condense(dataset.budget, dataset.realization, in_order=True)
    return replace(dataset, budget=budget, realization=realization)


def date_warnings(dates: Freshness, stale_days: int) -> list[Warning_]:
    """Warnings on the units' data dates, each naming the units."""
    warnings = []
    if dates.undated and dates.newest is None:
        warnings.append(Warning_("", None, None, "W-NO-DATE", {}))
    if dates.undated and dates.newest is not None:
        warnings.append(
            Warning_(
                "",
                None,
                None,
                "W-UNDATED",
                {"n": len(dates.undated), "names": some_of(list(dates.undated))},
            )
        )
    if dates.stale and dates.newest is not None:
        named: list[object] = [
            Message("N-NAME-DATE", {"name": name, "day": day}) for name, day in dates.stale
        ]
        warnings.append(
            Warning_(
                "",
                None,
                None,
                "W-STALE",
                {"n": len(dates.stale), "newest": dates.newest, "days": stale_days, "names": some_of(named)},
            )
        )
    if dates.newest is not None and dates.newest > date.today():
        # month sheets of the whole year, the later ones not filled in yet, say December
        today = date.today()
        warnings.append(Warning_("", None, None, "W-FUTURE-DATE", {"day": dates.newest, "today": today}))
    if dates.rivals:
        named = [
            Message("N-RIVAL", {"name": name, "used": used, "others": some_of(others, limit=3)})
            for name, _day, used, others in dates.rivals
        ]
        warnings.append(Warning_("", None, None, "W-SAME-DATE", {"n": len(named), "names": some_of(named)}))
    for name, start, end in dates.not_year_to_date:
        warnings.append(
            Warning_(
                "",
                None,
                None,
                "W-NOT-YEAR-TO-DATE",
                {"name": name, "start": start, "end": end or "?"},
            )
        )
    return warnings
