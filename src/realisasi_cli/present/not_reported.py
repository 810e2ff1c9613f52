"""Who has not reported, as the brief, the e-mail, the WhatsApp text and the JSON show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from realisasi_cli.metrics.reporting import FROM_INPUTS, FROM_PREVIOUS, FROM_UNITS, NotReported
from realisasi_cli.present import fmt
from realisasi_cli.present.words import words

MISSING, STALE, ZERO = "missing", "stale", "zero"


@dataclass
class AbsentUnit:
    """One unit that has not reported."""

    code: str | None
    name: str  # whitespace collapsed; escape it for the output format
    reason: str  # missing (expected, no data), stale (data older than the limit), zero (nothing realized)
    as_of: date | None  # the unit's latest data date (stale units)
    note: str  # the reason for people: "tidak ada data", "data terakhir per 30 September 2023", …


@dataclass
class Reporting:
    """The section "Perangkat daerah yang belum melapor" of the brief and the e-mail's block."""

    title: str  # "Perangkat daerah yang belum melapor"
    units: list[AbsentUnit] = field(
        default_factory=list
    )  # no data first, then stale (oldest first), then zero
    has_list: bool = False  # whether units absent from the data could be named (a list of units was known)
    expected: int = 0  # how many units were expected
    expected_note: str = ""  # "34 perangkat daerah diharapkan, dari daftar --units"; empty without a list
    counts: str = ""  # "2 tanpa data · 1 realisasi nol": the groups that name a unit
    stale_rule: str = ""  # what old data means here, with the dates; empty when no unit's data is old
    empty_note: str = ""  # the sentence shown when no unit is named (or why absent ones cannot be)


def reporting(result: NotReported | None, lang: str) -> Reporting:
    """The units that have not reported, with their reasons in ``lang``."""
    labels = words(lang)
    view = Reporting(title=labels["nr_title"])
    if result is None:
        view.empty_note = labels["nr_no_list"]
        return view
    for row in result.missing.iter_rows(named=True):
        view.units.append(
            AbsentUnit(row["code"], fmt.one_line(row["name"]), MISSING, None, labels["nr_missing"])
        )
    for row in result.stale.iter_rows(named=True):
        note = labels["nr_stale"].format(day=fmt.long_date(row["as_of"], lang))
        view.units.append(AbsentUnit(row["code"], fmt.one_line(row["name"]), STALE, row["as_of"], note))
    for row in result.zero.iter_rows(named=True):
        view.units.append(AbsentUnit(row["code"], fmt.one_line(row["name"]), ZERO, None, labels["nr_zero"]))
    view.has_list = result.expected_from is not None
    view.expected = result.expected
    if result.expected_from in (FROM_UNITS, FROM_PREVIOUS, FROM_INPUTS):
        view.expected_note = labels[f"nr_expected_{result.expected_from}"].format(
            n=result.expected, day=fmt.long_date(result.previous_as_of, lang)
        )
    groups = {MISSING: result.missing.height, STALE: result.stale.height, ZERO: result.zero.height}
    view.counts = " · ".join(labels[f"nr_count_{key}"].format(n=n) for key, n in groups.items() if n)
    if result.stale.height and result.limit is not None and result.newest is not None:
        view.stale_rule = labels["nr_stale_rule"].format(
            limit=fmt.long_date(result.limit, lang),
            days=result.stale_days,
            newest=fmt.long_date(result.newest, lang),
        )
    if not view.has_list:
        view.empty_note = labels["nr_no_list"] + ("" if view.units else f" {labels['nr_none_known']}")
    elif not view.units:
        view.empty_note = labels["nr_none"]
    return view


def not_reported_json(result: NotReported | None) -> dict[str, Any] | None:
    """``not_reported`` of ``rank --format json``: the list used, and the units in each group."""
    if result is None:
        return None

    def iso(value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "expected_from": result.expected_from,
        "expected": result.expected if result.expected_from is not None else None,
        "newest": iso(result.newest),
        "stale_before": iso(result.limit),
        "stale_days": result.stale_days,
        "missing": [{"code": r["code"], "name": r["name"]} for r in result.missing.iter_rows(named=True)],
        "stale": [
            {"code": r["code"], "name": r["name"], "as_of": iso(r["as_of"])}
            for r in result.stale.iter_rows(named=True)
        ],
        "zero_realization": [
            {"code": r["code"], "name": r["name"]} for r in result.zero.iter_rows(named=True)
        ],
    }
