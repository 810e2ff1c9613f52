"""Cash plans matched to the units of the realization data.

A plan unit is matched by code, then by name (``units.identify``); then, where one plan and
one realization unit remain unmatched, to each other; a plan that names no unit goes to the
only unit there is; and a plan still unmatched goes to the one unit whose file carries the same
number in its name (``anggaran_kas_32_….xlsx`` and ``32_lra_….xlsx``: an upload system's unit
id). A plan that matches no unit is a warning naming its file: those units keep the default
targets, never 0 %.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from realisasi_cli.facts.schema import Dataset, Warning_
from realisasi_cli.metrics.units import identify, latest_of

_KEYS = ["file", "unit_code", "unit_name"]


@dataclass
class MatchedPlan:
    """A plan's facts under the realization data's units, and what could not be matched."""

    plan: pl.DataFrame  # PLAN_SCHEMA, unit_code/unit_name those of the matched unit
    dataset: Dataset  # the realization data with the plan's realisasi rows added
    warnings: list[Warning_]


def _plan_units(plan: Dataset) -> pl.DataFrame:
    frames = [plan.plan.select(_KEYS), plan.realization.select(_KEYS), plan.budget.select(_KEYS)]
    return pl.concat(frames).unique(maintain_order=True)


def _data_units(dataset: Dataset) -> pl.DataFrame:
    frames = [
        dataset.budget.select("unit_code", "unit_name"),
        dataset.realization.select("unit_code", "unit_name"),
    ]
    return pl.concat(frames).unique(maintain_order=True)


_DATE_LIKE = re.compile(r"\d{5,}|(?<!\d)(19|20)\d{2}(?!\d)")


def _ids(file: str) -> frozenset[str]:
    """The short numbers in a file's name, leaving out years, dates and timestamps."""
    return frozenset(re.findall(r"(?<!\d)\d{1,4}(?!\d)", _DATE_LIKE.sub(" ", Path(file).stem)))


def _by_file_id(unmatched: pl.DataFrame, dataset: Dataset) -> pl.DataFrame:
    """Unmatched plans paired with the one unit whose file names the same short number."""
    files = pl.concat([dataset.budget.select(_KEYS), dataset.realization.select(_KEYS)]).unique()
    by_id: dict[frozenset[str], list[tuple[str | None, str | None]]] = {}
    for row in files.iter_rows(named=True):
        ids = _ids(row["file"])
        unit = (row["unit_code"], row["unit_name"])
        if ids and unit not in by_id.setdefault(ids, []):
            by_id[ids].append(unit)
    pairs = []
    for row in unmatched.select(_KEYS).unique().iter_rows(named=True):
        units = by_id.get(_ids(row["file"]), [])
        if len(units) == 1:
            pairs.append({**row, "to_code": units[0][0], "to_name": units[0][1]})
    schema = {**dict.fromkeys(_KEYS, pl.String), "to_code": pl.String, "to_name": pl.String}
    return pl.DataFrame(pairs, schema=schema)


def _matches(
    plan_units: pl.DataFrame, data_units: pl.DataFrame, aliases: dict[str, str] | None, rollup: bool
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(matched: file, unit_code, unit_name, to_code, to_name; unmatched plan units)."""
    # the exports' own keys, as their facts carry them: identify gives a unit named alike the
    # plan's code, and a plan re-keyed to that would miss the unit's budget and realization
    raw = data_units.with_columns(to_code=pl.col("unit_code"), to_name=pl.col("unit_name"))
    data, plans = identify(raw, plan_units, aliases=aliases, rollup=rollup)
    known = data.select("unit", "to_code", "to_name").unique("unit", keep="first")
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


# a plan's realization to an export's date agrees with the export's where neither is more than
# this many times the other: a row filled in month by month, if not to the rupiah
AGREE_FACTOR = 2.0
# a plan is its unit's where its whole year is within this factor of the unit's budget: a plan
# for the budget before a revision stays near it, another unit's plan seldom does
BUDGET_FACTOR = 1.25


def _agreeing(realized: pl.DataFrame, dataset: Dataset) -> tuple[pl.DataFrame, list[Warning_]]:
    """A plan's realisasi rows (re-keyed to the exports' units) where they are an account of the
    unit's months, with a warning for each plan's rows that are not, which are left out:

    * summed to the date of the unit's latest export, they are far from that export's
      realization (``AGREE_FACTOR``): a row with only October filled in beside an LRA to August,
      Rp0 against Rp3.6 billion;
    * they fill in one month after January, or none before July: the year's realization to that
      day typed in at once (Rp66.670.123.653 in November), whose months before would read as
      nothing realized; so for a unit whose export has no date too.

    The months after the unit's latest export are left out too: not yet its data."""
    keys = ["unit_code", "unit_name"]
    months = realized.filter(pl.col("period_end").is_not_null())  # rows of no period place nothing
    if not months.height:
        return realized, []
    dated = dataset.realization.join(dataset.sources.select("source", "as_of"), on="source").filter(
        pl.col("as_of").is_not_null()
    )
    latest = dated.filter(pl.col("as_of") == pl.col("as_of").max().over(keys))
    exported = latest.group_by(*keys, "as_of").agg(export=pl.col("realized").sum())
    through = pl.col("as_of").is_null() | (pl.col("period_end") <= pl.col("as_of"))
    rows = (
        months.join(exported, on=keys, how="left", nulls_equal=True)
        .group_by("file", *keys)
        .agg(
            pl.col("as_of").first(),
            pl.col("export").first(),
            plan=pl.col("realized").filter(through).sum(),
            filled=pl.col("period_end").filter(through & (pl.col("realized") != 0)).sort(),
        )
    )
    low, high = pl.min_horizontal("plan", "export"), pl.max_horizontal("plan", "export")
    disagrees = (pl.col("export").is_not_null() & (high > AGREE_FACTOR * low) & (high - low > 1.0)).fill_null(
        False
    )
    first = pl.col("filled").list.first().dt.month()
    at_once = ((pl.col("filled").list.len() == 1) & (first > 1)) | (first > _LATEST_START)
    # a row that disagrees is said to disagree, however many of its months are filled in
    off = (
        rows.with_columns(at_once=at_once.fill_null(False) & ~disagrees, disagrees=disagrees)
        .filter(pl.col("disagrees") | pl.col("at_once"))
        .sort("file", *keys)
    )
    kept = realized.join(off.select("file", *keys), on=["file", *keys], how="anti", nulls_equal=True)
    # the months after the unit's latest export are not yet its data: a plan's Realisasi row runs
    # to December with nothing in the months to come, and would carry the data date there
    until = exported.select(*keys, until="as_of")
    kept = (
        kept.join(until, on=keys, how="left", nulls_equal=True)
        .filter(
            pl.col("until").is_null()
            | pl.col("period_end").is_null()
            | (pl.col("period_end") <= pl.col("until"))
        )
        .drop("until")
    )
    warnings = []
    for file, code, name, day, sent, plan, filled, at_once_ in off.select(
        "file", *keys, "as_of", "export", "plan", "filled", "at_once"
    ).iter_rows():
        params: dict[str, object] = {"path": Path(file).name, "unit": name or code or "", "plan": plan}
        if at_once_:
            params |= {"month": filled[0], "months": len(filled)}
            code_ = "W-PLAN-REALIZATION-ONE-MONTH" if len(filled) == 1 else "W-PLAN-REALIZATION-LATE"
            warnings.append(Warning_(file, None, None, code_, params))
        else:
            params |= {"export": sent, "day": day}
            warnings.append(Warning_(file, None, None, "W-PLAN-REALIZATION-DISAGREES", params))
    return kept, warnings


# a Realisasi row filled in month by month has something by June: a whole OPD pays salaries
_LATEST_START = 6


def _within_budget(planned: pl.DataFrame, dataset: Dataset) -> tuple[pl.DataFrame, list[Warning_]]:
    """The plans that come near their unit's budget (within ``BUDGET_FACTOR``; below it only where
    they reach December), and a warning for each that does not: another unit's plan, or a plan of
    another budget, would give a target of 180 % or of 30 % by December; its unit keeps the
    default targets."""
    keys = ["unit_code", "unit_name"]
    # each unit's budget in its latest source, the one the ranking measures it by
    keyed = dataset.budget.with_columns(unit=pl.struct(keys))
    latest = latest_of(keyed, dataset.sources)
    budgets = keyed.join(latest, on=["unit", "source"]).group_by(keys).agg(budget=pl.col("budget").sum())
    totals = (
        planned.group_by("file", *keys)
        .agg(pl.col("planned").sum(), whole_year=pl.col("period_end").dt.month().max() == 12)
        .join(budgets, on=keys, how="inner", nulls_equal=True)
    )
    ratio = pl.col("planned") / pl.col("budget")
    # a plan of the months to July (a RAK export's "Total Jan Jul") is short of the budget by right
    short = pl.col("whole_year") & (ratio < 1 / BUDGET_FACTOR)
    off = totals.filter((pl.col("budget") > 0) & ((ratio > BUDGET_FACTOR) | short)).drop("whole_year")
    warnings = [
        Warning_(
            file,
            None,
            None,
            "W-PLAN-BUDGET-DIFFERS",
            {"path": Path(file).name, "unit": name or code or "", "plan": plan, "budget": budget},
        )
        for file, code, name, plan, budget in off.sort("file", *keys).iter_rows()
    ]
    kept = planned.join(off.select("file", *keys), on=["file", *keys], how="anti", nulls_equal=True)
    return kept, warnings


def match_plan(
    dataset: Dataset, plan: Dataset, aliases: dict[str, str] | None = None, rollup: bool = False
) -> MatchedPlan:
    """The plan re-keyed to ``dataset``'s units; its realisasi rows added as data of lower order
    than the exports (on the same date an export wins), where they agree with the exports."""
    matched, unmatched = _matches(_plan_units(plan), _data_units(dataset), aliases, rollup)
    if unmatched.height:
        paired = _by_file_id(unmatched, dataset)
        matched = pl.concat([matched, paired], how="diagonal_relaxed")
        unmatched = unmatched.join(paired.select(_KEYS), on=_KEYS, how="anti", nulls_equal=True)
    units = _data_units(dataset).height
    warnings = [
        Warning_(
            row["file"],
            None,
            None,
            "W-PLAN-UNMATCHED" if row["unit_name"] or row["unit_code"] else "W-PLAN-NAMELESS",
            {"unit": row["unit_name"] or row["unit_code"], "path": Path(row["file"]).name, "n": units},
        )
        for row in unmatched.unique(_KEYS, maintain_order=True).iter_rows(named=True)
    ]
    planned = _rekey(plan.plan, matched)
    year = dataset.as_of.year if dataset.as_of is not None else None
    other_year = (
        planned.filter(pl.col("period_end").dt.year() != year) if year is not None else planned.clear()
    )
    for file in other_year["file"].unique().sort().to_list():
        years = sorted(other_year.filter(pl.col("file") == file)["period_end"].dt.year().unique().to_list())
        warnings.append(
            Warning_(
                file,
                None,
                None,
                "W-PLAN-OTHER-YEAR",
                {"path": Path(file).name, "years": [str(y) for y in years], "year": str(year)},
            )
        )
    planned = planned.join(other_year.select("file").unique(), on="file", how="anti")
    # months of no year are no dates: a plan that says its year nowhere targets no day
    undated = (
        planned.group_by("file").agg(dated=pl.col("period_end").is_not_null().any()).filter(~pl.col("dated"))
    )
    for file in undated["file"].sort().to_list():
        example = (
            f"{Path(file).stem}_{year}{Path(file).suffix}"
            if year is not None
            else f"{Path(file).stem}_2024.xlsx"
        )
        warnings.append(
            Warning_(file, None, None, "W-PLAN-NO-YEAR", {"path": Path(file).name, "example": example})
        )
    planned = planned.join(undated.select("file"), on="file", how="anti")
    # a plan of nothing (a template sent back empty) is no plan: its unit keeps the defaults
    totals = planned.group_by("file", "unit_code", "unit_name").agg(pl.col("planned").sum())
    empty = totals.filter(pl.col("planned") == 0)
    for row in empty.iter_rows(named=True):
        warnings.append(
            Warning_(
                row["file"],
                None,
                None,
                "W-PLAN-EMPTY",
                {"path": Path(row["file"]).name, "unit": row["unit_name"] or row["unit_code"]},
            )
        )
    planned = planned.join(
        empty.drop("planned"), on=["file", "unit_code", "unit_name"], how="anti", nulls_equal=True
    )
    planned, off_budget = _within_budget(planned, dataset)
    warnings += off_budget
    realized = _rekey(plan.realization, matched).join(
        other_year.select("file").unique(), on="file", how="anti"
    )
    realized, disagree = _agreeing(realized, dataset)
    warnings += disagree
    if not realized.height:
        return MatchedPlan(plan=planned, dataset=dataset, warnings=warnings)
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
    return MatchedPlan(plan=planned, dataset=joined, warnings=warnings)
