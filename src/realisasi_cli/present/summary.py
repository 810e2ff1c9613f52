"""The weekly summary: the newest snapshot against the previous one, short enough for a phone."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from realisasi_cli.dates import month_end
from realisasi_cli.facts.schema import Dataset
from realisasi_cli.metrics.evaluate import Evaluation
from realisasi_cli.present import fmt
from realisasi_cli.present.located import located
from realisasi_cli.present.not_reported import Reporting, reporting
from realisasi_cli.present.report import Selection, data_dates, rank_json
from realisasi_cli.present.templates import render
from realisasi_cli.present.words import words

_QUARTER_NAMES = {"id": ("TW I", "TW II", "TW III", "TW IV"), "en": ("TW I", "TW II", "TW III", "TW IV")}
# enough to say what is wrong on a phone; the rest is one `rank --format json` away
_MAX_WARNINGS = 5
_MODAL_LOWEST = 3  # the lowest belanja modal units named on the modal line


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
class SummaryModalUnit:
    """One of the units with the lowest belanja modal.

    Attributes:
        code: the unit's code, or None where the export has none.
        name: the unit's name, whitespace collapsed.
        absorption_pct: its capital realization ÷ its capital budget, in %.
    """

    code: str | None
    name: str
    absorption_pct: float | None


@dataclass(frozen=True)
class SummaryContext:
    """What ``summary.txt.j2`` and ``summary.html.j2`` receive (as ``ctx``).

    Attributes:
        lang: ``id`` or ``en``, for the formatting filters.
        labels: the words of the message in that language (``words(lang)``).
        subject: the e-mail's subject line.
        government: the government's name from realisasi.toml, or None.
        as_of: the date the newest snapshot stands at; None when no export says.
        dates_note: the range of the units' data dates and how many have none, where units
            stand at different dates (per-OPD uploads); empty otherwise.
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
        target_to_date_pct: the target on the as-of date, pro-rated by days within the quarter.
        last_year: last year's realization at the same date, as a phrase; None when not known.
        target_gap_pp: ``total_pct - target_to_date_pct``: negative when behind.
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
        notes_total: how many notes there are, where ``notes`` ends with "… N lainnya".
        modal_lowest: the units with a capital budget and the lowest capital absorption, lowest
            first (at most three); empty without categories.
        not_reported: the units that have not reported (no data, old data, nothing realized),
            with the list they were expected from.
        not_reported_shown: how many of them the e-mail names; the rest are counted.
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
    target_to_date_pct: float | None
    target_gap_pp: float | None
    modal_pct: float | None
    last_year: str | None  # "Rp… (58,20%) pada 10 November 2022": last year at the same date
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
    notes_total: int = 0
    dates_note: str = ""
    modal_lowest: list[SummaryModalUnit] = field(default_factory=list)
    not_reported: Reporting = field(default_factory=lambda: Reporting(title=""))
    not_reported_shown: int = 10


def subject_line(as_of: date | None, total_pct: float | None, change_pp: float | None, lang: str) -> str:
    """``Realisasi belanja s.d. 10 November 2023: 62,5% (+5,9 pp)``."""
    head = "Realisasi belanja" if lang == "id" else "Spending realization"
    when = f" {words(lang)['sd']} {fmt.long_date(as_of, lang)}" if as_of else ""
    change = f" ({fmt.points(change_pp, lang)})" if change_pp is not None else ""
    return f"{head}{when}: {fmt.percent(total_pct, lang)}{change}"


def _notes(
    evaluation: Evaluation, dataset: Dataset, lang: str, extra: Iterable[str]
) -> tuple[list[str], int]:
    """Every skipped file by name, then the first few other warnings; and how many there are."""
    labels = words(lang)
    notes = []
    skipped = set()
    for path, why in dataset.skipped_files:
        skipped.add(str(path))
        # the file name is enough in an e-mail: no folders of this machine
        notes.append(f"{labels['skipped']}: {why.text(lang, short=True).rstrip('.')}")
    # what the units' dates call for first: it says how far the figures can be compared
    others = [w.detail.text(lang, short=True) for w in evaluation.warnings]
    quarter_warnings = evaluation.quarters.warnings if evaluation.quarters is not None else []
    files = [w for w in [*dataset.warnings, *quarter_warnings] if w.file not in skipped]
    others += [f"{where}: {message}" if where else message for where, message in located(files, lang)]
    notes += others[:_MAX_WARNINGS]
    if len(others) > _MAX_WARNINGS:
        more = labels["more_warnings"].format(n=len(others) - _MAX_WARNINGS)
        notes.append(f"… {more} ({labels['see_json']})")
    extra = list(extra)
    return [*extra, *notes], len(extra) + len(skipped) + len(others)


def _last_year(evaluation: Evaluation, lang: str) -> str | None:
    """Last year's realization at the same date, as one phrase; None when nothing says it."""
    before = evaluation.last_year
    if before is None:
        return None
    pct = f" ({fmt.percent(before.absorption_pct, lang, 2)})" if before.absorption_pct is not None else ""
    return f"{fmt.rupiah(before.realized, lang)}{pct} · {fmt.long_date(before.as_of, lang)}"


def modal_lowest(evaluation: Evaluation, n: int = _MODAL_LOWEST) -> list[SummaryModalUnit]:
    """The ``n`` units with the lowest belanja modal (units with a capital budget)."""
    from realisasi_cli.metrics.modal import category_ranking

    ranked = category_ranking(evaluation.ranking, evaluation.targets, "modal", evaluation.as_of)
    return [
        SummaryModalUnit(r["code"], fmt.one_line(r["name"]), r["absorption_pct"])
        for r in ranked.head(n).iter_rows(named=True)
    ]


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
    to_date: float | None = None
    gap: float | None = None
    current = evaluation.current_target
    if current is not None and evaluation.as_of is not None:
        quarter, target, to_date = current
        quarter_name = _QUARTER_NAMES[lang][quarter - 1]
        quarter_end = month_end(evaluation.as_of.year, 3 * quarter)
        gap = ranking.total_pct - to_date if ranking.total_pct is not None else None
    modal = evaluation.categories.filter(evaluation.categories["category"] == "modal")["absorption_pct"]
    total_change = changes.total_change_pp if changes is not None else None
    noted, total_notes = _notes(evaluation, dataset, lang, notes)
    return SummaryContext(
        lang=lang,
        labels=words(lang),
        subject=subject_line(evaluation.as_of, ranking.total_pct, total_change, lang),
        government=government,
        as_of=evaluation.as_of,
        dates_note=(data_dates(evaluation.freshness, evaluation.as_of, lang) or "")
        if evaluation.freshness.dates_differ
        else "",
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
        target_to_date_pct=to_date,
        target_gap_pp=gap,
        modal_pct=modal[0] if modal.len() else None,
        last_year=_last_year(evaluation, lang),
        monthly_pct=evaluation.pace["monthly_pct"],
        needed_monthly_pct=evaluation.pace["needed_monthly_pct"],
        year_end_target_pct=evaluation.year_end_target,
        threshold=ranking.threshold,
        below_count=ranking.below_count,
        ranked_count=ranking.units.height,
        bottom=bottom,
        entered=[str(u["name"]) for u in changes.entered_bottom] if changes is not None else [],
        left=[str(u["name"]) for u in changes.left_bottom] if changes is not None else [],
        notes=noted,
        notes_total=total_notes,
        modal_lowest=modal_lowest(evaluation),
        not_reported=reporting(evaluation.not_reported, lang),
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
    payload = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- attachments of the e-mail ---

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _stamp(evaluation: Evaluation) -> str:
    """The as-of date for attachment names: ``2023-11-10``."""
    return evaluation.as_of.isoformat() if evaluation.as_of else "terbaru"


def ranking_workbook(
    evaluation: Evaluation, dataset: Dataset, lang: str, government: str | None = None
) -> tuple[str, bytes, str, str]:
    """Every ranked unit as an .xlsx attachment named after the as-of date: the workbook
    ``rank --all -o peringkat.xlsx`` writes."""
    from realisasi_cli.present.export import xlsx_report
    from realisasi_cli.present.report import Selection
    from realisasi_cli.present.sheets import rank_sheets

    sheets = rank_sheets(evaluation, dataset, Selection(all=True), lang, government=government)
    return (f"realisasi-{_stamp(evaluation)}.xlsx", xlsx_report(sheets), *XLSX_TYPE)


def brief_attachment(
    evaluation: Evaluation, dataset: Dataset, previous: Dataset | None, government: str | None, lang: str
) -> tuple[str, bytes, str, str]:
    """The meeting briefing (as ``realisasi brief -f html`` writes it) as an attachment."""
    from realisasi_cli.present.briefing import build_brief, render_brief

    context = build_brief(
        evaluation, dataset, government=government, meeting_date=None, lang=lang, previous=previous
    )
    html = render_brief(context, "html")
    return (f"realisasi-brief-{_stamp(evaluation)}.html", html.encode("utf-8"), "text", "html")
