"""Results shaped for programs and spreadsheets: the JSON contract of DESIGN.md and table rows."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from realisasi_cli.facts.schema import Dataset, Warning_
from realisasi_cli.metrics.changes import Changes
from realisasi_cli.metrics.freshness import Freshness
from realisasi_cli.metrics.last_year import LastYear
from realisasi_cli.metrics.quarters import Quarters
from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.reporting import NotReported


@dataclass(frozen=True)
class Selection:
    """Which ranked units to show: the bottom N (default), the top N, or all."""

    bottom: int = 10
    top: int | None = None
    all: bool = False


def _num(value: Any, digits: int = 2) -> float | None:
    """A number for JSON, rounded; None for unknown, NaN and infinity, which JSON cannot hold."""
    if value is None or not math.isfinite(float(value)):
        return None
    return round(float(value), digits)


# Characters a terminal may act on that JSON leaves as they are (C1 controls, among them the
# one-byte CSI, and the bidirectional overrides): written as \u escapes, the value unchanged.
_JSON_UNSAFE = re.compile("[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float, which JSON cannot hold, as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def to_json(document: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """A document as JSON text that every parser accepts: no NaN or Infinity (``allow_nan=False``,
    non-finite numbers become null) and no character a terminal acts on."""
    text = json.dumps(_finite(document), ensure_ascii=False, indent=2, allow_nan=False, default=default)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def selected_units(ranking: Ranking, selection: Selection) -> list[dict[str, Any]]:
    """The ranked units to show, lowest first (or highest first with ``top``)."""
    units = ranking.units
    if selection.all:
        chosen = units
    elif selection.top is not None:
        chosen = units.reverse().head(selection.top)
    else:
        chosen = units.head(selection.bottom)
    return chosen.to_dicts()


def _pace_dict(row: dict[str, Any]) -> dict[str, float | None]:
    keys = ("monthly_pct", "projected_pct", "needed_monthly_pct", "target_to_date_pct", "gap_to_date_pp")
    return {k: _num(row.get(k), 4) for k in keys}


_NO_PHYSICAL: dict[str, float | None] = {"realized_pct": None, "target_pct": None}


def _deviation_pp(physical: dict[str, float | None] | None, financial: float | None) -> float | None:
    """Physical minus financial progress, in percentage points."""
    if not physical or physical["realized_pct"] is None or financial is None:
        return None
    return _num(physical["realized_pct"] - financial, 4)


def government_of(dataset: Dataset) -> str | None:
    """The government the exports' title rows name (the spelling most sheets use), or None."""
    from collections import Counter

    found = [
        " ".join(s.layout.context.government.split())
        for s in dataset.sheets
        if s.facts is not None and s.layout is not None and s.layout.context.government
    ]
    return Counter(found).most_common(1)[0][0] if found else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def rank_json(
    ranking: Ranking,
    dataset: Dataset,
    selection: Selection,
    changes: Changes | None = None,
    pace: dict[str, Any] | None = None,
    notices: Sequence[Warning_] = (),
    last_year: LastYear | None = None,
    not_reported: NotReported | None = None,
) -> dict[str, Any]:
    """The ``rank --format json`` document, exactly as DESIGN.md's contract; ``not_reported``
    adds who has not reported."""
    before = last_year_by_unit(last_year)
    categories: dict[str, dict[str, dict[str, float | None]]] = {}
    if ranking.categories is not None:
        for row in ranking.categories.iter_rows(named=True):
            categories.setdefault(row["unit"], {})[row["top"]] = {
                "budget": _num(row["budget"]),
                "realized": _num(row["realized"]),
                "absorption_pct": _num(row["absorption_pct"], 4),
            }
    physical: dict[str, dict[str, float | None]] = {}
    if ranking.physical is not None:
        physical = {
            row["unit"]: {
                "realized_pct": _num(row["realized_pct"], 4),
                "target_pct": _num(row["target_pct"], 4),
            }
            for row in ranking.physical.iter_rows(named=True)
        }
    units = []
    for u in selected_units(ranking, selection):
        entry: dict[str, Any] = {
            "rank": u["rank"],
            "code": u["code"],
            "name": u["name"],
            "budget": _num(u["budget"]),
            "realized": _num(u["realized"]),
            "absorption_pct": _num(u["absorption_pct"], 4),
            "below_threshold": bool(u["below_threshold"]),
        }
        if ranking.categories is not None:
            entry["categories"] = categories.get(u["unit"], {})
        entry["as_of"] = _iso(u.get("as_of"))
        entry["period_start"] = _iso(u.get("period_start"))
        entry["change_pp"] = _num(changes.change_pp.get(u["unit"]), 4) if changes is not None else None
        if ranking.physical is not None:
            entry["physical"] = physical.get(u["unit"], _NO_PHYSICAL) | {
                "deviation_pp": _deviation_pp(physical.get(u["unit"]), u["absorption_pct"])
            }
        if "monthly_pct" in u:
            entry["pace"] = _pace_dict(u)
        if last_year is not None:
            entry["last_year"] = before.get(
                u["unit"], dict.fromkeys(("realized", "budget", "absorption_pct"))
            )
        units.append(entry)
    extra: dict[str, Any] = {}
    if changes is not None:
        extra["previous_as_of"] = changes.previous_as_of.isoformat() if changes.previous_as_of else None
        extra["total_change_pp"] = _num(changes.total_change_pp, 4)
        extra["entered_bottom"] = changes.entered_bottom
        extra["left_bottom"] = changes.left_bottom
        extra["units_compared"] = changes.compared
    if pace is not None:
        extra["pace"] = _pace_dict(pace)
    if not_reported is not None:
        from realisasi_cli.present.not_reported import not_reported_json

        extra["not_reported"] = not_reported_json(not_reported)
    if last_year is not None:
        extra["last_year"] = {
            "as_of": _iso(last_year.as_of),
            "realized": _num(last_year.realized),
            "budget": _num(last_year.budget),
            "absorption_pct": _num(last_year.absorption_pct, 4),
        }
    return {
        "domain": ranking.domain,
        "as_of": ranking.as_of.isoformat() if isinstance(ranking.as_of, date) else None,
        "category": ranking.category,
        "total": {
            "budget": _num(ranking.total_budget),
            "realized": _num(ranking.total_realized),
            "absorption_pct": _num(ranking.total_pct, 4),
        },
        "threshold_pct": ranking.threshold,
        "units": units,
        "unranked": [
            {"code": u["code"], "name": u["name"], "reason": u["reason"]} for u in ranking.unranked.to_dicts()
        ],
        "warnings": [w.as_dict() for w in [*dataset.warnings, *notices]],
        **extra,
    }


_LAST_YEAR_KEYS = ("realized", "budget", "absorption_pct")


def last_year_by_unit(last_year: LastYear | None) -> dict[str, dict[str, float | None]]:
    """Each unit's realization last year at the same date (and its budget and % where known)."""
    if last_year is None:
        return {}
    return {
        r["unit"]: {
            "realized": _num(r["realized_last_year"]),
            "budget": _num(r["budget_last_year"]),
            "absorption_pct": _num(r["absorption_last_year_pct"], 4),
        }
        for r in last_year.units.iter_rows(named=True)
    }


def _quarter_list(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "quarter": r["quarter"],
            "realized": _num(r["realized"]),
            "cumulative": _num(r["cumulative"]),
            "cumulative_pct": _num(r["cumulative_pct"], 4),
            "target_pct": _num(r["target_pct"], 4),
            "target_to_date_pct": _num(r["target_to_date_pct"], 4),
            "at": _iso(r["at"]),
            "gap_pp": _num(r["gap_pp"], 4),
            **(
                {
                    "plan": _num(r["plan"]),
                    "plan_to_date": _num(r["plan_to_date"]),
                    "deviation_pct": _num(r["deviation_pct"], 4),
                }
                if "plan" in r
                else {}
            ),
        }
        for r in rows
    ]


def quarter_order(result: Quarters, selection: Selection) -> list[str]:
    """The units to show, ordered like ``rank`` by the cumulative % of each unit's latest quarter
    with data (ties by name): a unit whose data stands in TW III is among the lowest by its TW III
    figure, not after every unit of TW IV; units with no quarter known come last."""
    import polars as pl

    units = result.units
    known = units.filter(pl.col("cumulative_pct").is_not_null()).sort("quarter")
    latest = known.group_by("unit").agg(pl.col("cumulative_pct").last())
    everyone = units.select("unit", "name").unique("unit", keep="first")
    ranked = everyone.join(latest, on="unit", how="left").sort(["cumulative_pct", "name"], nulls_last=True)
    order: list[str] = ranked["unit"].to_list()
    if selection.top is not None:
        return list(reversed(order))[: selection.top]
    return order if selection.all else order[: selection.bottom]


def quarters_json(
    result: Quarters, dataset: Dataset, selection: Selection, notices: Sequence[Warning_] = ()
) -> dict[str, Any]:
    """The ``quarters --format json`` document, as DESIGN.md's contract; ``notices`` (what the
    data dates call for) lead its warnings."""
    by_unit = grouped(result.units.to_dicts(), "unit")
    units = []
    for key in quarter_order(result, selection):
        rows = by_unit[key]
        units.append(
            {
                "code": rows[0]["code"],
                "name": rows[0]["name"],
                "budget": _num(rows[0]["budget"]),
                "quarters": _quarter_list(rows),
            }
        )
    total_rows = result.total.to_dicts()
    total_quarters = [
        entry | {"units_reporting": row["units_reporting"], "units_total": row["units_total"]}
        for entry, row in zip(_quarter_list(total_rows), total_rows, strict=True)
    ]
    return {
        "as_of": result.as_of.isoformat() if isinstance(result.as_of, date) else None,
        "targets_pct": list(result.targets) if result.targets is not None else None,
        "total": {
            "budget": _num(total_rows[0]["budget"]) if total_rows else None,
            "quarters": total_quarters,
        },
        "units": units,
        "warnings": [w.as_dict() for w in [*notices, *dataset.warnings, *result.warnings]],
    }


def grouped(rows: list[dict[str, Any]], key: str) -> dict[Any, list[dict[str, Any]]]:
    """The rows by their value of ``key``, in the order they come."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


RANK_COLUMNS = ["rank", "code", "name", "budget", "realized", "absorption_pct", "below_threshold"]


def rank_rows(ranking: Ranking, selection: Selection) -> list[list[Any]]:
    """Rows of the plain ranking table (the e-mailed workbook), in ``RANK_COLUMNS`` order."""
    return [[u[c] for c in RANK_COLUMNS] for u in selected_units(ranking, selection)]


@dataclass
class RankContext:
    """What ``rank.md.j2`` receives."""

    title: str
    lang: str
    labels: dict[str, str]
    as_of: date | None
    category: str | None
    units: list[dict[str, Any]]
    total_budget: float
    total_realized: float
    total_pct: float | None
    threshold: float
    below_count: int
    unranked: list[dict[str, Any]]


def rank_markdown(ranking: Ranking, selection: Selection, lang: str) -> str:
    """The ranking as Markdown (``rank.md.j2``)."""
    from realisasi_cli.present.templates import render
    from realisasi_cli.present.words import words

    labels = words(lang)
    context = RankContext(
        title=labels["rank_title"],
        lang=lang,
        labels=labels,
        as_of=ranking.as_of,
        category=ranking.category,
        units=selected_units(ranking, selection),
        total_budget=ranking.total_budget,
        total_realized=ranking.total_realized,
        total_pct=ranking.total_pct,
        threshold=ranking.threshold,
        below_count=ranking.below_count,
        unranked=ranking.unranked.to_dicts(),
    )
    return render("rank.md.j2", context)


@dataclass
class QuartersContext:
    """What ``quarters.md.j2`` receives."""

    title: str
    lang: str
    labels: dict[str, str]
    as_of: date | None
    category: str | None
    quarter_names: list[str]
    units: list[dict[str, Any]]
    total: dict[str, Any]


def quarters_markdown(result: Quarters, document: dict[str, Any], category: str | None, lang: str) -> str:
    """The quarters document as Markdown (``quarters.md.j2``)."""
    from realisasi_cli.present.templates import render
    from realisasi_cli.present.words import QUARTER_NAMES, words

    labels = words(lang)
    context = QuartersContext(
        title=labels["quarters_title"],
        lang=lang,
        labels=labels,
        as_of=result.as_of,
        category=category,
        quarter_names=[QUARTER_NAMES[q] for q in range(1, result.last_quarter + 1)],
        units=document["units"],
        total=document["total"],
    )
    return render("quarters.md.j2", context)


def data_dates(dates: Freshness | None, as_of: date | None, lang: str) -> str | None:
    """``Data per 10 November 2023``, or the range when units stand at different dates."""
    from realisasi_cli.present import fmt
    from realisasi_cli.present.words import words

    labels = words(lang)
    if dates is None or not dates.dates_differ:
        return f"{labels['as_of']} {fmt.long_date(as_of, lang)}" if as_of else None
    parts = []
    if dates.oldest is not None and dates.newest is not None:
        span = fmt.long_date(dates.newest, lang)
        if dates.oldest != dates.newest:
            span = f"{fmt.long_date(dates.oldest, lang)} – {span}"
        parts.append(f"{labels['as_of']} {span}")
    if dates.undated:
        parts.append(f"{len(dates.undated)} {labels['undated']}")
    return "; ".join(parts) or None
