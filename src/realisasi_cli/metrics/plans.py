"""Cash plans matched to the units of the realization data.

A plan unit is matched by code, then by name (``units.identify``); then, where one plan and
one realization unit remain unmatched, to each other; a plan that names no unit goes to the
only unit there is. A plan that matches no unit is a warning naming its file: those units
keep the default targets, never 0 %.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from realisasi_cli.facts.schema import Dataset
from realisasi_cli.metrics.units import identify

_KEYS = ["file", "unit_code", "unit_name"]


@dataclass
class MatchedPlan:
    """A plan's facts under the realization data's units, and what could not be matched."""

    plan: pl.DataFrame  # PLAN_SCHEMA, unit_code/unit_name those of the matched unit
    dataset: Dataset  # the realization data with the plan's realisasi rows added
    warnings: list[tuple[str, str]]  # (file, message)


def _plan_units(plan: Dataset) -> pl.DataFrame:
    frames = [plan.plan.select(_KEYS), plan.realization.select(_KEYS), plan.budget.select(_KEYS)]
    return pl.concat(frames).unique(maintain_order=True)


def _data_units(dataset: Dataset) -> pl.DataFrame:
    frames = [
        dataset.budget.select("unit_code", "unit_name"),
        dataset.realization.select("unit_code", "unit_name"),
    ]
    return pl.concat(frames).unique(maintain_order=True)


def _matches(
    plan_units: pl.DataFrame, data_units: pl.DataFrame, aliases: dict[str, str] | None, rollup: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(matched: file, unit_code, unit_name, to_code, to_name; unmatched plan units)."""
    data, plans = identify(data_units, plan_units, aliases=aliases, rollup=rollup)
    known = data.select("unit", to_code="unit_code", to_name="unit_name").unique("unit", keep="first")
    nameless = pl.col("unit_code").is_null() & pl.col("unit_name").is_null()
    keyed = plans.with_columns(unit=pl.when(nameless).then(None).otherwise(pl.col("unit")))
    matched = keyed.join(known, on="unit", how="inner")
    unmatched = keyed.join(known, on="unit", how="anti")
    left = known.join(matched.select("unit"), on="unit", how="anti")
    if (
        unmatched.height
        and known.height
        and (
            (unmatched.select("unit").unique().height == 1 and left.height == 1)
            or (unmatched["unit"].is_null().all() and known.height == 1)
        )
    ):
        target = left if left.height == 1 else known
        matched = pl.concat(
            [matched, unmatched.drop("unit").join(target, how="cross")], how="diagonal_relaxed"
        )
        unmatched = unmatched.clear()
    return matched.select(*_KEYS, "to_code", "to_name"), unmatched


def _rekey(frame: pl.DataFrame, matched: pl.DataFrame) -> pl.DataFrame:
    """The facts of matched plan units under their realization unit; the rest left out."""
    columns = frame.columns
    return (
        frame.join(matched, on=_KEYS, how="inner", nulls_equal=True)
        .with_columns(unit_code=pl.col("to_code"), unit_name=pl.col("to_name"))
        .select(columns)
    )


def match_plan(
    dataset: Dataset, plan: Dataset, aliases: dict[str, str] | None = None, rollup: bool = False
) -> MatchedPlan:
    """The plan re-keyed to ``dataset``'s units; its realisasi rows added as data of lower order
    than the exports (on the same date an export wins)."""
    matched, unmatched = _matches(_plan_units(plan), _data_units(dataset), aliases, rollup)
    units = _data_units(dataset).height
    warnings = [
        (
            row["file"],
            (
                f"the cash plan of {row['unit_name'] or row['unit_code']} in {Path(row['file']).name} "
                "matches no unit of the realization data"
                if row["unit_name"] or row["unit_code"]
                else f"the cash plan in {Path(row['file']).name} names no unit, and the realization data "
                f"has {units}: it cannot tell whose plan it is"
            )
            + "; units without a plan are measured against the default targets",
        )
        for row in unmatched.unique(_KEYS, maintain_order=True).iter_rows(named=True)
    ]
    realized = _rekey(plan.realization, matched)
    if not realized.height:
        return MatchedPlan(plan=_rekey(plan.plan, matched), dataset=dataset, warnings=warnings)
    offset = int(dataset.sources["source"].max() or 0) + 1  # type: ignore[arg-type]  # max() is typed as any scalar
    sources = plan.sources.filter(pl.col("source").is_in(realized["source"].unique().implode())).with_columns(
        source=(pl.col("source") + offset).cast(pl.Int32), order=pl.lit(-1, dtype=pl.Int32)
    )
    joined = replace(
        dataset,
        realization=pl.concat(
            [dataset.realization, realized.with_columns(source=(pl.col("source") + offset).cast(pl.Int32))]
        ),
        sources=pl.concat([dataset.sources, sources.select(dataset.sources.columns)]),
    )
    return MatchedPlan(plan=_rekey(plan.plan, matched), dataset=joined, warnings=warnings)
