"""One evaluation of a dataset: the ranking, changes, quarters and pace that reports share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from realisasi_cli.load import Dataset
from realisasi_cli.metrics import (
    Changes,
    Quarters,
    Ranking,
    RankOptions,
    compare,
    pace,
    previous_sources,
    quarters,
    rank,
)


@dataclass
class Evaluation:
    """Everything a briefing or a summary shows about one set of exports."""

    ranking: Ranking
    changes: Changes | None
    quarters: Quarters | None
    pace: dict[str, float | None]  # the whole government's monthly_pct, projected_pct, needed_monthly_pct
    targets: tuple[float, ...]
    categories: pl.DataFrame  # top-level category (operasi, modal, …): budget, realized, absorption_pct
    bottom: int

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


def add_pace(ranking: Ranking, year_end_target: float) -> dict[str, float | None]:
    """Add pace columns to every unit; return the whole government's pace."""
    ranking.units = ranking.units.with_columns(
        **pace(pl.col("absorption_pct"), ranking.as_of, year_end_target)
    )
    exprs = pace(pl.lit(ranking.total_pct, dtype=pl.Float64), ranking.as_of, year_end_target)
    row: dict[str, Any] = pl.DataFrame({"x": [0]}).select(**exprs).row(0, named=True)
    return {k: (None if v is None else float(v)) for k, v in row.items()}


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
        .with_columns(
            absorption_pct=pl.when(pl.col("budget") != 0).then(100 * pl.col("realized") / pl.col("budget"))
        )
        .sort("category")
    )


def evaluate(
    dataset: Dataset,
    options: RankOptions,
    targets: tuple[float, ...],
    previous: Dataset | None = None,
    bottom: int = 10,
) -> Evaluation:
    """Rank, compare with the previous snapshot, build the quarter series and the pace."""
    ranking = rank(dataset.budget, dataset.realization, dataset.sources, options, dataset.physical)
    changes = changes_since(ranking, dataset, previous, options, bottom)
    total_pace = add_pace(ranking, targets[-1])
    series = quarters(dataset.budget, dataset.realization, dataset.sources, options, targets)
    return Evaluation(
        ranking=ranking,
        changes=changes,
        quarters=series if series.last_quarter else None,
        pace=total_pace,
        targets=targets,
        categories=category_totals(ranking),
        bottom=bottom,
    )
