"""The weekly summary: the newest snapshot against the previous one, short enough for a phone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from realisasi_cli import fmt
from realisasi_cli.analysis import Evaluation
from realisasi_cli.dates import month_end
from realisasi_cli.load import Dataset
from realisasi_cli.report import Selection, rank_json, render

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "heading": "Realisasi Belanja",
        "as_of": "s.d.",
        "compared": "dibanding",
        "no_previous": "belum ada data sebelumnya untuk dibandingkan",
        "total": "Total",
        "target": "Target",
        "gap": "selisih",
        "modal": "Belanja modal",
        "needed": "Laju perlu",
        "per_month": "per bulan",
        "to_reach": "untuk mencapai",
        "by_year_end": "pada 31 Desember",
        "current_pace": "laju kini",
        "of": "dari",
        "below": "perangkat daerah di bawah",
        "bottom": "terbawah",
        "unit": "Perangkat Daerah",
        "change": "Perubahan",
        "entered": "Masuk daftar terbawah",
        "left": "Keluar dari daftar terbawah",
        "notes": "Catatan",
        "skipped": "dilewati",
        "more_warnings": "peringatan lain (lihat 'realisasi rank --format json')",
        "footer": "Ringkasan otomatis dari realisasi.",
    },
    "en": {
        "heading": "Spending Realization",
        "as_of": "as of",
        "compared": "compared with",
        "no_previous": "no earlier export to compare with",
        "total": "Total",
        "target": "Target",
        "gap": "gap",
        "modal": "Capital spending",
        "needed": "Pace needed",
        "per_month": "per month",
        "to_reach": "to reach",
        "by_year_end": "by 31 December",
        "current_pace": "current pace",
        "of": "of",
        "below": "units below",
        "bottom": "lowest",
        "unit": "Unit",
        "change": "Change",
        "entered": "Entered the bottom list",
        "left": "Left the bottom list",
        "notes": "Notes",
        "skipped": "skipped",
        "more_warnings": "more warnings (see 'realisasi rank --format json')",
        "footer": "Automatic summary from realisasi.",
    },
}

_QUARTER_NAMES = {"id": ("TW I", "TW II", "TW III", "TW IV"), "en": ("Q1", "Q2", "Q3", "Q4")}
# enough to say what is wrong on a phone; the rest is one `rank --format json` away
_MAX_WARNINGS = 5


@dataclass(frozen=True)
class SummaryUnit:
    """One unit of the bottom list.

    Attributes:
        rank: 1 = highest absorption of all ranked units.
        code: the unit's code, or None where the export has none.
        name: the unit's name as the export writes it.
        absorption_pct: realized ÷ budget, in %.
        change_pp: percentage points gained since the previous snapshot; None when unknown.
        arrow: ``▲`` (gained), ``▼`` (lost), ``=`` (unchanged) or empty (no previous value).
        below_threshold: whether the unit is under the threshold.
    """

    rank: int
    code: str | None
    name: str
    absorption_pct: float
    change_pp: float | None
    arrow: str
    below_threshold: bool


@dataclass(frozen=True)
class SummaryContext:
    """What ``summary.txt.j2`` and ``summary.html.j2`` receive (as ``ctx``).

    Attributes:
        lang: ``id`` or ``en``, for the formatting filters.
        labels: the words of the message in that language (``LABELS[lang]``).
        subject: the e-mail's subject line.
        government: the government's name from realisasi.toml, or None.
        as_of: the date the newest snapshot stands at; None when no export says.
        previous_as_of: the date of the snapshot compared with; None without one.
        has_previous: whether there was a snapshot to compare with.
        total_pct: the whole government's absorption, in %.
        total_change_pp: percentage points gained since the previous snapshot.
        total_arrow: ``▲``, ``▼``, ``=`` for that change, or empty without a previous snapshot.
        total_budget: the whole government's budget, rupiah.
        total_realized: the whole government's realization, rupiah.
        quarter_name: the quarter the as-of date falls in (``TW IV``); None without a date.
        quarter_end: the last day of that quarter.
        target_pct: the cumulative target for that quarter, in %.
        target_gap_pp: ``total_pct - target_pct``: negative when behind.
        modal_pct: absorption of belanja modal, in %; None when the export has no categories.
        monthly_pct: the average monthly absorption so far, in %.
        needed_monthly_pct: the monthly absorption still needed to reach the year-end target.
        year_end_target_pct: the TW IV target, in %.
        threshold: the absorption threshold, in %.
        below_count: how many ranked units are under the threshold.
        ranked_count: how many units are ranked.
        bottom: the lowest units, lowest first.
        entered: names of the units that entered the bottom list since the previous snapshot.
        left: names of the units that left it.
        notes: skipped files and other warnings, one line each.
    """

    lang: str
    labels: dict[str, str]
    subject: str
    government: str | None
    as_of: date | None
    previous_as_of: date | None
    has_previous: bool
    total_pct: float | None
    total_change_pp: float | None
    total_arrow: str
    total_budget: float
    total_realized: float
    quarter_name: str | None
    quarter_end: date | None
    target_pct: float | None
    target_gap_pp: float | None
    modal_pct: float | None
    monthly_pct: float | None
    needed_monthly_pct: float | None
    year_end_target_pct: float
    threshold: float
    below_count: int
    ranked_count: int
    bottom: list[SummaryUnit] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def subject_line(as_of: date | None, total_pct: float | None, change_pp: float | None, lang: str) -> str:
    """``Realisasi belanja s.d. 10 November 2023: 62,5% (+5,9 pp)``."""
    head = "Realisasi belanja" if lang == "id" else "Spending realization"
    when = f" {LABELS[lang]['as_of']} {fmt.long_date(as_of, lang)}" if as_of else ""
    change = f" ({fmt.points(change_pp, lang)})" if change_pp is not None else ""
    return f"{head}{when}: {fmt.percent(total_pct, lang)}{change}"


def _notes(evaluation: Evaluation, dataset: Dataset, lang: str, extra: Iterable[str]) -> list[str]:
    """Every skipped file by name, then the first few other warnings."""
    labels = LABELS[lang]
    notes = []
    skipped = set()
    for path, message in dataset.skipped_files:
        skipped.add(str(path))
        # the loader's message starts with the full path; the file name is enough in an e-mail
        reason = message.removeprefix(str(path)).lstrip(": ").rstrip(".").replace(str(path), path.name)
        notes.append(f"{path.name}: {labels['skipped']} ({reason})")
    others = [
        Path(w.file).name
        + (f" [{w.sheet}]" if w.sheet else "")
        + (f" row {w.row}" if w.row else "")
        + f": {w.message.replace(w.file, Path(w.file).name)}"
        for w in dataset.warnings
        if w.file not in skipped
    ]
    if evaluation.quarters is not None:
        others += [f"{Path(f).name}: {m}" for f, m in evaluation.quarters.warnings]
    notes += others[:_MAX_WARNINGS]
    if len(others) > _MAX_WARNINGS:
        notes.append(f"… {len(others) - _MAX_WARNINGS} {labels['more_warnings']}")
    return [*extra, *notes]


def build_summary(
    evaluation: Evaluation,
    dataset: Dataset,
    *,
    lang: str = "id",
    government: str | None = None,
    notes: Iterable[str] = (),
) -> SummaryContext:
    """The summary's facts from an evaluation; ``notes`` come first among its notes."""
    ranking = evaluation.ranking
    changes = evaluation.changes
    change_pp = changes.change_pp if changes is not None else {}
    bottom = [
        SummaryUnit(
            rank=u["rank"],
            code=u["code"],
            name=u["name"],
            absorption_pct=u["absorption_pct"],
            change_pp=change_pp.get(u["unit"]),
            arrow=fmt.arrow(change_pp.get(u["unit"])),
            below_threshold=bool(u["below_threshold"]),
        )
        for u in ranking.units.head(evaluation.bottom).iter_rows(named=True)
    ]
    quarter_name: str | None = None
    quarter_end: date | None = None
    target: float | None = None
    gap: float | None = None
    current = evaluation.current_target
    if current is not None and evaluation.as_of is not None:
        quarter, target = current
        quarter_name = _QUARTER_NAMES[lang][quarter - 1]
        quarter_end = month_end(evaluation.as_of.year, 3 * quarter)
        gap = ranking.total_pct - target if ranking.total_pct is not None else None
    modal = evaluation.categories.filter(evaluation.categories["category"] == "modal")["absorption_pct"]
    total_change = changes.total_change_pp if changes is not None else None
    return SummaryContext(
        lang=lang,
        labels=LABELS[lang],
        subject=subject_line(evaluation.as_of, ranking.total_pct, total_change, lang),
        government=government,
        as_of=evaluation.as_of,
        previous_as_of=changes.previous_as_of if changes is not None else None,
        has_previous=changes is not None,
        total_pct=ranking.total_pct,
        total_change_pp=total_change,
        total_arrow=fmt.arrow(total_change),
        total_budget=ranking.total_budget,
        total_realized=ranking.total_realized,
        quarter_name=quarter_name,
        quarter_end=quarter_end,
        target_pct=target,
        target_gap_pp=gap,
        modal_pct=modal[0] if modal.len() else None,
        monthly_pct=evaluation.pace["monthly_pct"],
        needed_monthly_pct=evaluation.pace["needed_monthly_pct"],
        year_end_target_pct=evaluation.targets[-1],
        threshold=ranking.threshold,
        below_count=ranking.below_count,
        ranked_count=ranking.units.height,
        bottom=bottom,
        entered=[str(u["name"]) for u in changes.entered_bottom] if changes is not None else [],
        left=[str(u["name"]) for u in changes.left_bottom] if changes is not None else [],
        notes=_notes(evaluation, dataset, lang, notes),
    )


def render_summary(context: SummaryContext) -> tuple[str, str]:
    """The plain text and the HTML of the summary."""
    return (
        render("summary.txt.j2", context),
        render("summary.html.j2", context, html=True),
    )


def fingerprint(evaluation: Evaluation, dataset: Dataset) -> str:
    """``sha256:…`` over the facts the summary shows: the same data gives the same value.

    The full ranking document with the changes and pace, and the targets; not file names,
    paths, times or warnings, so that a moved folder or a new broken file is not new data.
    """
    document = rank_json(
        evaluation.ranking, dataset, Selection(all=True), evaluation.changes, evaluation.pace
    )
    document.pop("warnings")
    document["targets_pct"] = list(evaluation.targets)
    document["bottom"] = evaluation.bottom
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
