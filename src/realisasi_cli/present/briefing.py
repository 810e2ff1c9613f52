"""The briefing for the quarterly evaluation meeting: ``build_brief`` turns an ``Evaluation`` into a
``BriefContext``; ``render_brief`` renders it with a shipped template or a user's own."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from realisasi_cli.dates import month_end
from realisasi_cli.errors import UsageError
from realisasi_cli.metrics.modal import category_ranking, unit_category_targets
from realisasi_cli.metrics.pace import weighted
from realisasi_cli.present import fmt
from realisasi_cli.present.brief_context import (
    BAND_COLOURS,
    BAND_MARKS,
    BAND_TINTS,
    Band,
    Bands,
    BriefContext,
    CategoryRow,
    Charts,
    FileNote,
    ModalRow,
    ModalSection,
    QuarterRow,
    RevenueRow,
    RevenueSection,
    Signature,
    Summary,
    UnitRow,
    WarningNote,
)
from realisasi_cli.present.charts import quarters_svg, quarters_text, units_svg, units_text
from realisasi_cli.present.not_reported import reporting
from realisasi_cli.present.report import data_dates, government_of
from realisasi_cli.present.words import domain_words, words
from realisasi_cli.vocabulary import CATEGORY_PARENT, QUARTER_NAMES

if TYPE_CHECKING:
    from realisasi_cli.config import BriefSettings
    from realisasi_cli.facts.schema import Dataset, Warning_
    from realisasi_cli.metrics.ranking import Ranking
from realisasi_cli.metrics.evaluate import Evaluation

_clean = fmt.one_line


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _file_notes(dataset: Dataset, labels: dict[str, str], lang: str) -> list[FileNote]:
    """Each input file: the sheets of it that are data, their dates and budget columns; a file
    none of whose sheets is data says what it is instead (a cash plan, or nothing used)."""
    notes: dict[Path, FileNote] = {}
    plans: set[Path] = set()
    for sheet in dataset.sheets:
        note = notes.setdefault(sheet.file, FileNote(sheet.file.name, 0, [], [], [], None))
        if sheet.kind == "plan":
            plans.add(sheet.file)
        if sheet.facts is None or sheet.layout is None or not sheet.used:
            continue
        note.sheets += 1
        if sheet.as_of is not None and sheet.as_of not in note.as_of:
            note.as_of.append(sheet.as_of)
        where = labels.get(f"{sheet.as_of_source}_source", sheet.as_of_source or "")
        if where and where not in note.as_of_from:
            note.as_of_from.append(where)
        letters = {slot.get("budget") for slot in sheet.facts.slots}
        for column in sheet.layout.columns:
            header = _clean(column.header)
            if column.letter in letters and header not in note.budget_columns:
                note.budget_columns.append(header)
    for path, why in dataset.skipped_files:
        notes.setdefault(path, FileNote(path.name, 0, [], [], [], None)).skipped = why.text(lang, short=True)
    for path, note in notes.items():
        note.as_of.sort()
        if not note.sheets and not note.skipped:
            note.role = labels["plan_file" if path in plans else "file_not_used"]
    return list(notes.values())


def noted(evaluation: Evaluation, dataset: Dataset) -> list[Warning_]:
    """The warnings the brief notes, in its order: reading, the units' dates, the quarters'."""
    shown = [*dataset.warnings, *evaluation.warnings]
    if evaluation.quarters is not None:
        shown += evaluation.quarters.warnings
    return shown


def _warnings(evaluation: Evaluation, dataset: Dataset, lang: str) -> list[WarningNote]:
    """Every warning in the document's language, naming files without the folders of this machine."""
    from realisasi_cli.present.located import located

    return [WarningNote(where, message) for where, message in located(noted(evaluation, dataset), lang)]


def _coverage(row: dict[str, Any], lang: str) -> str:
    """Whom a quarter's total covers, where not every unit reports: ``3 dari 44 perangkat daerah``."""
    reporting, total = row.get("units_reporting"), row.get("units_total")
    if reporting is None or total is None or reporting == total:
        return ""
    return words(lang)["coverage"].format(n=reporting, total=total)


def _quarter_rows(evaluation: Evaluation, lang: str = "id") -> list[QuarterRow]:
    known: dict[int, dict[str, Any]] = {}
    through: date | None = None
    if evaluation.quarters is not None:
        known = {int(r["quarter"]): r for r in evaluation.quarters.total.to_dicts()}
        as_of = evaluation.quarters.as_of
        last = evaluation.quarters.last_quarter
        if as_of is not None and as_of < month_end(as_of.year, 3 * last):
            through = as_of
    rows = []
    for q in range(1, 5):
        r = known.get(q, {})
        target = _num(r.get("target_pct")) if r.get("target_pct") is not None else None
        if target is None and len(evaluation.targets) >= q:
            target = evaluation.targets[q - 1]
        to_date = _num(r.get("target_to_date_pct"))
        current = evaluation.quarters is not None and q == evaluation.quarters.last_quarter and through
        pct = _num(r.get("cumulative_pct"))
        # the gap as quarters measures it: to the target on the units' own dates, where known
        gap = _num(r.get("gap_pp"))
        if gap is None and pct is not None and target is not None:
            gap = pct - (to_date if to_date is not None else target)
        differs = to_date is not None and target is not None and abs(to_date - target) >= 0.005
        rows.append(
            QuarterRow(
                quarter=q,
                name=QUARTER_NAMES[q],
                cumulative=_num(r.get("cumulative")),
                cumulative_pct=pct,
                target_pct=target,
                gap_pp=gap,
                through=through if current else None,
                coverage=_coverage(r, lang),
                target_to_date_pct=to_date if current or differs else None,
            )
        )
    return rows


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _cut_name(value: float, target: tuple[str, float] | None, threshold: float, lang: str) -> str:
    """A band boundary as people know it: "Target TW IV 95%", "ambang 57%", or just "60%"."""
    labels = words(lang)
    pct = fmt.percent(value, lang, 0)
    if target is not None and value == target[1]:
        return f"{labels['target']} {target[0]} {pct}"
    return f"{labels['band_threshold']} {pct}" if value == threshold else pct


def _band_list(
    bands: Bands, target: tuple[str, float] | None, threshold: float, lang: str, units: list[UnitRow]
) -> list[Band]:
    labels = words(lang)
    counts = Counter(u.band for u in units)
    low, high = fmt.percent(bands.low, lang, 0), fmt.percent(bands.high, lang, 0)
    is_target = target is not None and bands.high == target[1]
    spec = [
        ("good", f"≥ {high}" + (f" ({labels['band_target']} {target[0]})" if target and is_target else ""))
    ]
    if bands.low != bands.high:
        spec.append(
            ("warn", f"{low} – < {high}" + (f" ({labels['band_below_target']})" if is_target else ""))
        )
    spec.append(("bad", f"< {low}" + (f" ({labels['band_under']})" if bands.low == threshold else "")))
    return [
        Band(key, label, BAND_COLOURS[key], BAND_TINTS[key], BAND_MARKS[key], counts.get(key, 0))
        for key, label in spec
    ]


def _own_band_list(threshold: float, lang: str, units: list[UnitRow]) -> list[Band]:
    """The legend where each unit is coloured against its own target and the threshold."""
    labels = words(lang)
    counts = Counter(u.band for u in units)
    shown = fmt.percent(threshold, lang, 0)
    spec = [(key, labels[f"band_own_{key}"].format(threshold=shown)) for key in ("good", "warn", "bad")]
    return [
        Band(key, label, BAND_COLOURS[key], BAND_TINTS[key], BAND_MARKS[key], counts.get(key, 0))
        for key, label in spec
    ]


def _category_row(
    row: dict[str, Any], evaluation: Evaluation, own: tuple[float, ...] | None, labels: dict[str, str]
) -> CategoryRow:
    """One spending category of the whole government against its units' targets in it, weighted
    by their budgets there, as the total is: each unit's own cash plan in the category where it
    has one, else the category's targets (config ``[targets]``) or the overall ones, on the
    unit's data date."""
    pct = _num(row["absorption_pct"])
    ranking = evaluation.ranking
    to_date = None
    if evaluation.as_of is not None and ranking.categories is not None:
        rows = ranking.categories.filter(pl.col("top") == row["category"])
        rows = unit_category_targets(
            rows, ranking, own or evaluation.targets, evaluation.as_of, whole_plan=own is None
        )
        to_date = weighted(rows, "target_to_date_pct")
    return CategoryRow(
        key=row["category"],
        label=labels.get(row["category"], row["category"]),
        budget=float(row["budget"]),
        realized=float(row["realized"]),
        absorption_pct=pct,
        highlight=row["category"] == "modal",
        target_to_date_pct=to_date,
        gap_pp=None if pct is None or to_date is None else pct - to_date,
    )


def _plans_have(ranking: Ranking, category: str) -> bool:
    """Whether some unit's cash plan has rows of ``category`` (a top-level one)."""
    plans = ranking.plans
    return plans is not None and bool((plans["category"].replace(CATEGORY_PARENT) == category).any())


def modal_section(
    evaluation: Evaluation, own: tuple[float, ...] | None, categories: list[CategoryRow], lang: str
) -> ModalSection:
    """The units with the lowest belanja modal (as many as the brief's bottom list), each against
    its capital target on its data date: its own cash plan's modal rows (or, without ``own``, a
    plan of totals' pace), else ``own`` (config ``[targets] modal``) or the overall targets."""
    labels = words(lang)
    targets = own or evaluation.targets
    # a plan of totals gives its pace to belanja modal only where the config has no modal targets
    plans_used = evaluation.ranking.plans is not None and (
        own is None or _plans_have(evaluation.ranking, "modal")
    )
    ranked = category_ranking(evaluation.ranking, targets, "modal", evaluation.as_of, whole_plan=own is None)
    shown = ranked.head(evaluation.bottom)
    total = next((c for c in categories if c.key == "modal"), None)
    listed = ", ".join(f"{QUARTER_NAMES[q]} {fmt.percent(t, lang, 0)}" for q, t in enumerate(targets, 1))
    section = ModalSection(
        title=labels["modal_lowest"].format(n=shown.height or evaluation.bottom),
        units=[
            ModalRow(
                code=r["code"],
                name=_clean(r["name"]),
                budget=float(r["budget"]),
                realized=float(r["realized"]),
                absorption_pct=_num(r["absorption_pct"]),
                target_to_date_pct=_num(r["target_to_date_pct"]),
                gap_pp=_num(r["gap_pp"]),
                as_of=r["as_of"],
            )
            for r in shown.iter_rows(named=True)
        ],
        with_budget=ranked.height,
        unit_count=evaluation.ranking.units.height,
        coverage=labels["modal_units_with"].format(n=ranked.height, total=evaluation.ranking.units.height),
        targets=list(targets),
        own_targets=own is not None,
        targets_note=f"{labels['modal_targets_own' if own else 'modal_targets_general']}: {listed}"
        + (f"; {labels['modal_targets_plans']}" if plans_used else ""),
    )
    if total is not None:
        section.budget, section.realized = total.budget, total.realized
        section.absorption_pct = total.absorption_pct
        section.target_to_date_pct, section.gap_pp = total.target_to_date_pct, total.gap_pp
    if not section.units:
        category = evaluation.ranking.category
        section.note = (
            f"{labels['only_category']}: {labels.get(category, category)}."
            if category is not None
            else labels["modal_none"]
        )
    return section


def build_brief(
    evaluation: Evaluation,
    dataset: Dataset,
    *,
    government: str | None,
    meeting_date: date | None,
    lang: str = "id",
    bands: Bands | None = None,
    previous: Dataset | None = None,
    category_targets: dict[str, tuple[float, ...]] | None = None,
    settings: BriefSettings | None = None,
) -> BriefContext:
    """The briefing's context from an evaluation: summary, categories, ranking, charts and notes.

    ``government`` (from the config) wins over the name in the export's title rows; ``settings``
    (config ``[brief]``) give the signature block and the meeting's place and time.
    """
    labels = words(lang)
    ranking = evaluation.ranking
    as_of = evaluation.as_of
    current = evaluation.current_target
    quarter_name = QUARTER_NAMES[current[0]] if current else None
    target_pct = current[1] if current else None
    # the meeting's question is who is behind today: the target on the data date
    to_date_pct = current[2] if current else None
    target = (
        (f"{quarter_name} {labels['to_date_short']}", to_date_pct)
        if quarter_name is not None and to_date_pct is not None
        else None
    )
    limit = to_date_pct if to_date_pct is not None else ranking.threshold
    chosen = bands is not None  # --bands: the same limits for every unit
    bands = bands or Bands.around(ranking.threshold, limit)
    # the units' gap is measured against what the summary shows: the target, else the threshold
    reference_pct = limit
    reference_label = _cut_name(reference_pct, target, ranking.threshold, lang)
    # each unit is measured against its target on its own data date, its own cash plan where it
    # has one (``with_pace``), as rank --pace measures it: the summary's where they all share it
    own = to_date_pct is not None and "target_to_date_pct" in ranking.units.columns
    if own and ranking.plans is not None:
        reference_label = labels["own_plan_reference"]
    elif own and evaluation.freshness.dates_differ:
        reference_label = labels["own_date_reference"]

    # where the units' targets differ, each unit's colour is taken against its own target too
    per_unit = own and not chosen and (ranking.plans is not None or evaluation.freshness.dates_differ)

    def gap(unit: dict[str, Any]) -> float | None:
        if unit["absorption_pct"] is None:
            return None
        reference = unit["target_to_date_pct"] if own else reference_pct
        return None if reference is None else float(unit["absorption_pct"]) - reference

    def own_target(unit: dict[str, Any]) -> float | None:
        return _num(unit["target_to_date_pct"]) if per_unit else None

    def band(unit: dict[str, Any]) -> str:
        target = own_target(unit)
        limits = bands if target is None else Bands.around(ranking.threshold, target)
        return limits.of(unit["absorption_pct"])

    modal: dict[str, float | None] = {}
    if ranking.categories is not None:
        modal = {
            r["unit"]: _num(r["absorption_pct"])
            for r in ranking.categories.filter(ranking.categories["top"] == "modal").iter_rows(named=True)
        }
    changes = evaluation.changes
    units = [
        UnitRow(
            rank=int(u["rank"]),
            code=u["code"],
            name=_clean(u["name"]),
            budget=float(u["budget"]),
            realized=float(u["realized"]),
            absorption_pct=_num(u["absorption_pct"]),
            band=band(u),
            mark=BAND_MARKS[band(u)],
            gap_pp=gap(u),
            change_pp=_num(changes.change_pp.get(u["unit"])) if changes is not None else None,
            modal_pct=modal.get(u["unit"]),
            as_of=u.get("as_of"),
            target_pct=own_target(u),
        )
        for u in ranking.units.iter_rows(named=True)
    ]
    total_pct = ranking.total_pct
    pace = evaluation.pace
    needed = pace.get("needed_monthly_pct")
    year_end = date(as_of.year, 12, 31) if as_of is not None else None
    summary = Summary(
        budget=ranking.total_budget,
        realized=ranking.total_realized,
        absorption_pct=total_pct,
        threshold=ranking.threshold,
        below_count=ranking.below_count,
        unit_count=len(units),
        quarter_name=quarter_name,
        target_pct=target_pct,
        target_to_date_pct=to_date_pct,
        gap_pp=None if total_pct is None or to_date_pct is None else total_pct - to_date_pct,
        reference_pct=reference_pct,
        reference_label=reference_label,
        previous_as_of=changes.previous_as_of if changes is not None else None,
        change_pp=changes.total_change_pp if changes is not None else None,
        entered_bottom=[_clean(i["name"]) for i in changes.entered_bottom] if changes else [],
        left_bottom=[_clean(i["name"]) for i in changes.left_bottom] if changes else [],
        year_end=year_end,
        days_left=(year_end - as_of).days if year_end is not None and as_of is not None else None,
        year_end_target=evaluation.year_end_target,
        monthly_pct=pace.get("monthly_pct"),
        projected_pct=pace.get("projected_pct"),
        needed_monthly_pct=needed,
        needed_monthly_rupiah=None if needed is None else needed / 100 * ranking.total_budget,
        last_year_as_of=evaluation.last_year.as_of if evaluation.last_year else None,
        last_year_realized=evaluation.last_year.realized if evaluation.last_year else None,
        last_year_pct=evaluation.last_year.absorption_pct if evaluation.last_year else None,
    )
    categories = [
        _category_row(r, evaluation, (category_targets or {}).get(r["category"]), labels)
        for r in evaluation.categories.iter_rows(named=True)
    ]
    order = {"operasi": 0, "modal": 1, "tidak_terduga": 2, "transfer": 3}
    categories.sort(key=lambda c: (order.get(c.key, 9), c.key))
    quarters = _quarter_rows(evaluation, lang)
    if per_unit:
        band_list = _own_band_list(ranking.threshold, lang, units)
        markers = [(ranking.threshold, _cut_name(ranking.threshold, None, ranking.threshold, lang))]
        tick = labels["band_tick_plan" if ranking.plans is not None else "band_tick_date"]
    else:
        band_list = _band_list(bands, target, ranking.threshold, lang, units)
        markers = [(bands.low, _cut_name(bands.low, target, ranking.threshold, lang))]
        if bands.high != bands.low:
            markers.append((bands.high, _cut_name(bands.high, target, ranking.threshold, lang)))
        tick = ""
    charts = Charts(
        quarters_svg=quarters_svg(quarters, lang),
        units_svg=units_svg(units, markers, lang, tick),
        quarters_text=quarters_text(quarters, lang),
        units_text=units_text(units, markers, lang, tick),
        markers=markers,
        tick_label=tick,
    )
    return BriefContext(
        lang=lang,
        labels=labels,
        title=labels["brief_title"],
        government=_clean(government) or government_of(dataset),
        fiscal_year=as_of.year if as_of is not None else None,
        meeting_date=meeting_date,
        as_of=as_of,
        dates_differ=evaluation.freshness.dates_differ,
        dates_note=data_dates(evaluation.freshness, as_of, lang) or "",
        category=ranking.category,
        category_label=labels.get(ranking.category, ranking.category) if ranking.category else None,
        sources=_unique([Path(f).name for f in dataset.sources["file"].to_list()]),
        summary=summary,
        categories=categories,
        bands=band_list,
        units=units,
        bottom=units[: evaluation.bottom],
        unranked=[_clean(n) for n in ranking.unranked["name"].to_list()],
        quarters=quarters,
        has_quarters=any(q.cumulative_pct is not None for q in quarters),
        has_plan=evaluation.quarters is not None and "plan" in evaluation.quarters.units.columns,
        charts=charts,
        files=_file_notes(dataset, labels, lang),
        previous_files=_file_notes(previous, labels, lang) if previous is not None else [],
        warnings=_warnings(evaluation, dataset, lang),
        modal=modal_section(evaluation, (category_targets or {}).get("modal"), categories, lang),
        not_reported=reporting(evaluation.not_reported, lang),
        signature=_signature(settings, meeting_date),
        meeting_place=settings.meeting_place if settings else None,
        meeting_time=settings.meeting_time if settings else None,
    )


def _signature(settings: BriefSettings | None, meeting_date: date | None) -> Signature | None:
    """The signature block the config asks for, dated on the meeting's day."""
    if settings is None or not settings.signs:
        return None
    return Signature(settings.place, meeting_date, settings.title, settings.signer, settings.nip)


def template_name(fmt_: str) -> str:
    """The shipped template of a format: ``brief.md.j2`` or ``brief.html.j2``."""
    return f"brief.{fmt_}.j2"


def render_brief(context: BriefContext, fmt_: str, template_path: Path | None = None) -> str:
    """Render the briefing as ``md`` or ``html``, with the shipped template or ``template_path``."""
    from jinja2 import TemplateError

    from realisasi_cli.present.templates import render

    if template_path is None:
        return render(template_name(fmt_), context, html=fmt_ == "html")
    try:
        source = template_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError("E-TEMPLATE-READ", path=template_path, reason=str(exc)) from exc
    try:
        return render(template_path.name, context, html=fmt_ == "html", source=source)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        code = "E-TEMPLATE-RENDER-LINE" if line else "E-TEMPLATE-RENDER"
        raise UsageError(
            code, "H-TEMPLATE", path=template_path, line=line, reason=str(exc), template=template_name(fmt_)
        ) from exc


def revenue_section(ranking: Ranking, bottom: int, lang: str) -> RevenueSection:
    """Pendapatan in the brief: the total against the target, its kinds, the lowest units."""
    with domain_words("pendapatan"):
        labels = words(lang)
    kinds = []
    if ranking.categories is not None:
        per_kind = (
            ranking.categories.group_by("top")
            .agg(pl.col("budget").sum(), pl.col("realized").sum())
            .sort("top")
            .iter_rows(named=True)
        )
        for row in per_kind:
            target, realized = float(row["budget"] or 0), float(row["realized"] or 0)
            pct = 100 * realized / target if target else None
            kinds.append(RevenueRow(labels.get(row["top"], row["top"]), None, target, realized, pct))
    lowest = [
        RevenueRow(u["name"], u["code"], u["budget"], u["realized"], u["absorption_pct"])
        for u in ranking.units.head(bottom).iter_rows(named=True)
    ]
    return RevenueSection(
        target=ranking.total_budget,
        realized=ranking.total_realized,
        pct=ranking.total_pct,
        as_of=ranking.as_of,
        kinds=kinds,
        lowest=lowest,
        units=ranking.units.height,
    )
