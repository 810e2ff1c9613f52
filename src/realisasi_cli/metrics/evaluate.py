"""One evaluation of a dataset: the ranking, changes, quarters and pace that every command shares."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import polars as pl

from realisasi_cli.facts.schema import Dataset
from realisasi_cli.metrics.changes import Changes, compare, previous_sources
from realisasi_cli.metrics.pace import with_pace
from realisasi_cli.metrics.quarters import Quarters, quarters
from realisasi_cli.metrics.ranking import Ranking, category_totals, rank
from realisasi_cli.metrics.units import RankOptions


@dataclass
class Evaluation:
    """Everything a ranking, a briefing or a summary shows about one set of exports."""

    ranking: Ranking
    changes: Changes | None
    quarters: Quarters | None
    pace: dict[str, float | None]  # the whole government's monthly_pct, projected_pct, needed_monthly_pct
    targets: tuple[float, ...]
    bottom: int

    @functools.cached_property
    def categories(self) -> pl.DataFrame:
        """The whole government per top-level category (operasi, modal, …): budget, realized, %."""
        return category_totals(self.ranking)

    @property
    def as_of(self) -> date | None:
        """The date the data stands at."""
        return self.ranking.as_of

    @property
    def current_target(self) -> tuple[int, float] | None:
        """The quarter the as-of date falls in and its cumulative target."""
        if self.as_of is None:
            return None
        quarter = (self.as_of.month - 1) // 3 + 1
        return quarter, self.targets[quarter - 1]


def changes_since(
    ranking: Ranking, dataset: Dataset, previous: Dataset | None, options: RankOptions, bottom: int
) -> Changes | None:
    """Changes against ``previous``, else against the older snapshots among the inputs (or None)."""
    if previous is not None:
        before = rank(previous.budget, previous.realization, previous.sources, options)
        return compare(ranking, before, bottom)
    older = previous_sources(dataset.sources)
    if older is None:
        return None
    keep = older["source"].implode()
    before = rank(
        dataset.budget.filter(pl.col("source").is_in(keep)),
        dataset.realization.filter(pl.col("source").is_in(keep)),
        older,
        options,
    )
    return compare(ranking, before, bottom)


def evaluate(
    dataset: Dataset,
    options: RankOptions,
    targets: tuple[float, ...],
    previous: Dataset | None = None,
    bottom: int = 10,
    *,
    paced: bool = True,
    by_quarter: bool = True,
    plan: pl.DataFrame | None = None,
) -> Evaluation:
    """Rank, compare with the previous snapshot, build the quarter series and the pace.

    ``paced`` and ``by_quarter`` leave out what a command does not show; with ``plan`` (a cash
    plan's facts) each unit's quarters are measured against its own plan instead of ``targets``.
    """
    ranking = rank(dataset.budget, dataset.realization, dataset.sources, options, dataset.physical)
    changes = changes_since(ranking, dataset, previous, options, bottom)
    total_pace: dict[str, float | None] = {}
    if paced:
        ranking, total_pace = with_pace(ranking, targets[-1])
    series = (
        quarters(
            dataset.budget,
            dataset.realization,
            dataset.sources,
            options,
            None if plan is not None else targets,
            plan=plan,
        )
        if by_quarter
        else None
    )
    return Evaluation(
        ranking=ranking,
        changes=changes,
        quarters=series if series is not None and series.last_quarter else None,
        pace=total_pace,
        targets=targets,
        bottom=bottom,
    )
