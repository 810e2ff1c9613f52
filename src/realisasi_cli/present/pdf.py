"""The briefing as an A4 PDF, compiled by Typst (the ``typst`` package) from ``templates/brief.typ``.

The template receives the brief as one JSON document (``sys.inputs.brief``), built here from the
same ``BriefContext`` the HTML and Markdown use, with every number and date already written for
people. Text from the files reaches Typst only as JSON strings, which Typst shows and never reads as
markup: a unit named ``#set page(width: 1cm) *x*`` is printed as it is.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realisasi_cli.errors import RenderError, UsageError
from realisasi_cli.present import fmt, safe_text

if TYPE_CHECKING:
    from realisasi_cli.present.brief_context import BriefContext, FileNote, Summary

TEMPLATE = "brief.typ"
INPUT_KEY = "brief"  # the template reads ``json(bytes(sys.inputs.brief))``
_SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def _line(text: str, tone: str = "") -> dict[str, str]:
    """A line of a summary card; ``tone`` is ``neg``, ``pos``, ``muted`` or empty."""
    return {"text": text, "tone": tone}


def _sign(value: float | None) -> str:
    return "" if value is None else "neg" if value < 0 else "pos"


def _cards(s: Summary, labels: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """The summary cards, as the HTML shows them: a label, a value and lines under it."""
    pct, money = fmt.percent, fmt.rupiah
    cards: list[dict[str, Any]] = [
        {
            "label": labels["realized"],
            "value": pct(s.absorption_pct, lang, 2),
            "tone": "",
            "main": True,
            "lines": [
                _line(money(s.realized, lang)),
                _line(f"{labels['budget']} {money(s.budget, lang)}", "muted"),
            ],
        }
    ]
    if s.target_pct is not None:
        cards.append(
            {
                "label": labels["target_to_date"],
                "value": pct(s.target_to_date_pct, lang, 2),
                "lines": [
                    _line(f"{labels['gap']} {fmt.points(s.gap_pp, lang)}", _sign(s.gap_pp)),
                    _line(f"{labels['target']} {s.quarter_name} {pct(s.target_pct, lang, 0)}", "muted"),
                ],
            }
        )
    if s.last_year_realized is not None:
        known = s.last_year_pct is not None
        cards.append(
            {
                "label": labels["last_year"],
                "value": pct(s.last_year_pct, lang, 2) if known else money(s.last_year_realized, lang),
                "lines": [
                    *([_line(money(s.last_year_realized, lang))] if known else []),
                    _line(fmt.long_date(s.last_year_as_of, lang), "muted"),
                ],
            }
        )
    since = f" {labels['since']} {fmt.long_date(s.previous_as_of, lang)}" if s.previous_as_of else ""
    if s.change_pp is not None:
        cards.append(
            {
                "label": labels["change"] + since,
                "value": fmt.points(s.change_pp, lang),
                "tone": _sign(s.change_pp),
                "lines": [],
            }
        )
    else:
        cards.append({"label": labels["change"] + since, "lines": [_line(labels["no_previous"], "muted")]})
    if s.days_left is not None:
        cards.append(
            {
                "label": labels["time_left"],
                "value": f"{s.days_left} {labels['days']}",
                "lines": [_line(f"{labels['until']} {fmt.long_date(s.year_end, lang)}")],
            }
        )
    if s.needed_monthly_pct is not None:
        cards.append(
            {
                "label": labels["needed"],
                "value": f"{pct(s.needed_monthly_pct, lang)} {labels['per_month']}",
                "lines": [
                    _line(
                        f"{money(s.needed_monthly_rupiah, lang)} {labels['per_month']} {labels['to_reach']} "
                        f"{pct(s.year_end_target, lang, 0)}"
                    )
                ],
            }
        )
    if s.monthly_pct is not None:
        cards.append(
            {
                "label": labels["pace"],
                "value": f"{pct(s.monthly_pct, lang)} {labels['per_month']}",
                "lines": [_line(f"{labels['projected']} {pct(s.projected_pct, lang)}")],
            }
        )
    cards.append(
        {
            "label": f"{labels['below_title']} {pct(s.threshold, lang, 0)}",
            "value": f"{s.below_count} {labels['of_units']} {s.unit_count}",
            "tone": "neg",
            "lines": [],
        }
    )
    for card in cards:
        card.setdefault("value", "")
        card.setdefault("tone", "")
        card.setdefault("main", False)
    return cards


def _dates(dates: list[Any], labels: dict[str, str], lang: str) -> str:
    return ", ".join(fmt.long_date(d, lang) for d in dates) or labels["unknown_date"]


def _file_line(note: FileNote, labels: dict[str, str], lang: str, previous: bool = False) -> dict[str, str]:
    """One file of the notes: its name (bold in the PDF) and what was read from it."""
    if note.skipped:
        return {"lead": "", "name": note.name, "text": f": {labels['skipped']}: {note.skipped}"}
    if note.role:
        return {"lead": "", "name": note.name, "text": f": {note.role}"}
    used = f"{labels['budget_used']}: {'; '.join(note.budget_columns)}"
    dated = f"{labels['as_of'].lower()} {_dates(note.as_of, labels, lang)}"
    if previous:
        return {"lead": f"{labels['previous']}: ", "name": note.name, "text": f", {dated}; {used}"}
    where = f" ({labels['from']} {', '.join(note.as_of_from)})" if note.as_of_from else ""
    return {
        "lead": "",
        "name": note.name,
        "text": f": {note.sheets} {labels['sheets']}, {dated}{where}; {used}",
    }


def _svg(markup: str) -> str:
    """The chart as a standalone SVG document (inline SVG in HTML needs no namespace; a file does)."""
    return markup if _SVG_NS in markup else markup.replace("<svg ", f"<svg {_SVG_NS} ", 1)


def _clip(pct: float | None) -> float:
    """A percentage as a bar's length on a 0–100 scale."""
    return 0.0 if pct is None else max(0.0, min(100.0, pct))


def _unit_bars(context: BriefContext) -> list[dict[str, Any]]:
    """The units chart, drawn by Typst itself: in its fonts a name wraps instead of being cut."""
    return [
        {
            "name": u.name,
            "value": _clip(u.absorption_pct),
            "label": fmt.percent(u.absorption_pct, context.lang, 2),
            "band": u.band,
            "target": None if u.target_pct is None else _clip(u.target_pct),
        }
        for u in context.units
    ]


def _ranking(context: BriefContext) -> dict[str, Any]:
    labels, lang = context.labels, context.lang
    columns = ["#", labels["unit"], labels["budget"], labels["realized"], "%"]
    if context.dates_differ:
        columns.append(labels["as_of"])
    if context.categories:
        columns.append(labels["modal_pct"])
    columns.append(labels["change"])
    rows = []
    for u in context.units:
        cells = [
            str(u.rank),
            u.name,
            fmt.rupiah(u.budget, lang),
            fmt.rupiah(u.realized, lang),
            f"{u.mark} {fmt.percent(u.absorption_pct, lang, 2)}",
        ]
        if context.dates_differ:
            cells.append(fmt.short_date(u.as_of, lang))
        if context.categories:
            cells.append(fmt.percent(u.modal_pct, lang))
        cells.append(fmt.points(u.change_pp, lang))
        rows.append({"cells": cells, "band": u.band})
    return {"columns": columns, "rows": rows}


def _bottom(context: BriefContext) -> dict[str, Any]:
    labels, lang = context.labels, context.lang
    columns = [
        labels["no"],
        labels["unit"],
        "%",
        f"{labels['gap_to']} {context.summary.reference_label}",
        labels["change"],
        labels["issues"],
        labels["follow_up"],
    ]
    rows = [
        {
            "no": str(i),
            "name": u.name,
            "code": u.code or "",
            "pct": fmt.percent(u.absorption_pct, lang, 2),
            "gap": fmt.points(u.gap_pp, lang),
            "change": fmt.points(u.change_pp, lang),
            "band": u.band,
        }
        for i, u in enumerate(context.bottom, start=1)
    ]
    return {"title": f"{len(context.bottom)} {labels['bottom_assist']}", "columns": columns, "rows": rows}


def _meta(context: BriefContext) -> list[list[str]]:
    """The title block's lines: meeting, place, data date, sources."""
    labels, lang = context.labels, context.lang
    meeting = fmt.full_date(context.meeting_date, lang)
    if context.meeting_time:
        meeting += f", {context.meeting_time}"
    meta = [[labels["meeting"], meeting]]
    if context.meeting_place:
        meta.append([labels["meeting_place"], context.meeting_place])
    # the note of differing dates begins with the label itself ("Data per 31 Juli 2022 – …")
    meta.append([labels["as_of"], context.dates_span if context.dates_differ else _data_date(context)])
    many = len(context.sources) > 6
    sources = f"{len(context.sources)} {labels['files_count']}" if many else ", ".join(context.sources)
    meta.append([labels["sources"], sources])
    return meta


def _data_date(context: BriefContext) -> str:
    return context.dates_note if context.dates_differ else fmt.long_date(context.as_of, context.lang)


def _categories(context: BriefContext) -> dict[str, Any]:
    labels, lang = context.labels, context.lang
    if context.categories:
        note = f"◆ {labels['modal_note']}" if context.has_modal else ""
    elif context.category_label:
        note = f"{labels['only_category']}: {context.category_label}."
    else:
        note = labels["no_categories"]
    return {
        "columns": [
            labels["category"],
            labels["budget"],
            labels["realized"],
            "%",
            labels["target_to_date"],
            labels["gap"],
        ],
        "rows": [
            {
                "cells": [
                    c.label + (" ◆" if c.highlight else ""),
                    fmt.rupiah(c.budget, lang),
                    fmt.rupiah(c.realized, lang),
                    fmt.percent(c.absorption_pct, lang, 2),
                    fmt.percent(c.target_to_date_pct, lang, 2),
                    fmt.points(c.gap_pp, lang),
                ],
                "highlight": c.highlight,
            }
            for c in context.categories
        ],
        "note": note,
    }


def _quarters(context: BriefContext) -> dict[str, Any]:
    labels, lang = context.labels, context.lang
    rows = []
    for q in context.quarters:
        name = q.name
        if q.through:
            name += f" ({labels['through']} {fmt.long_date(q.through, lang)})"
        if q.coverage:
            name += f" ({q.coverage})"
        target = fmt.percent(q.target_pct, lang, 0)
        if q.target_to_date_pct is not None:
            target += f" ({labels['to_date_short']} {fmt.percent(q.target_to_date_pct, lang, 2)})"
        rows.append(
            [
                name,
                fmt.rupiah(q.cumulative, lang),
                fmt.percent(q.cumulative_pct, lang, 2),
                target,
                fmt.points(q.gap_pp, lang),
            ]
        )
    return {
        "columns": [labels["quarter"], labels["cumulative"], "%", labels["target"], labels["gap"]],
        "rows": rows if context.has_quarters else [],
        "empty": labels["no_quarters"],
    }


def _notes(context: BriefContext) -> dict[str, Any]:
    labels, lang = context.labels, context.lang
    files = [_file_line(f, labels, lang) for f in context.files]
    files += [_file_line(f, labels, lang, previous=True) for f in context.previous_files]
    rules = [f"{labels['gap_formula']}."]
    if context.has_plan:
        rules.append(f"{labels['deviation_formula']}.")
    targets = ", ".join(f"{q.name} {fmt.percent(q.target_pct, lang, 0)}" for q in context.quarters)
    rules.append(f"{labels['targets_note']}: {targets} ({context.targets_caveat})")
    warnings = [f"{w.where}: {w.message}" if w.where else w.message for w in context.warnings]
    return {
        "files": files,
        "rules": rules,
        "warnings_title": f"{labels['warnings']} ({len(context.warnings)})",
        "warnings": warnings,
        "no_warnings": labels["no_warnings"],
    }


def _signature(context: BriefContext) -> dict[str, str] | None:
    g = context.signature
    if g is None:
        return None
    dated = fmt.long_date(g.date, context.lang) if g.date else ""
    return {
        "place_date": ", ".join(part for part in (g.place or "", dated) if part),
        "title": f"{g.title}," if g.title else "",
        "name": g.name or "",
        "nip": f"{context.labels['nip']} {g.nip}" if g.nip else "",
    }


def brief_json(context: BriefContext) -> dict[str, Any]:
    """The brief as the Typst template reads it: text ready to show, in the context's language."""
    labels, lang = context.labels, context.lang
    title = context.title + (f" · {context.category_label}" if context.category_label else "")
    government = context.government or ""
    s = context.summary
    moves = []
    if s.entered_bottom:
        moves.append(f"{labels['entered']}: {', '.join(s.entered_bottom)}")
    if s.left_bottom:
        moves.append(f"{labels['left']}: {', '.join(s.left_bottom)}")
    return {
        "lang": lang,
        "labels": labels,
        "title": title,
        "government": government,
        "fiscal_year": f"{labels['fiscal_year']} {context.fiscal_year}" if context.fiscal_year else "",
        "running_header": {
            "left": government or context.title,
            "right": (
                context.dates_note
                if context.dates_differ
                else f"{labels['as_of']} {_data_date(context)}"
                if context.as_of
                else ""
            ),
        },
        "page_of": labels["page_of"],
        "meta": _meta(context),
        "cards": _cards(s, labels, lang),
        "moves": moves,
        "categories": _categories(context),
        "quarters": _quarters(context),
        "charts": {
            "quarters": _svg(str(context.charts.quarters_svg)) if context.has_quarters else "",
            "units": _unit_bars(context),
            "markers": [{"value": _clip(v), "label": label} for v, label in context.charts.markers],
            "tick": context.charts.tick_label,
        },
        "bands": [
            {
                "key": b.key,
                "label": b.label,
                "colour": b.colour,
                "tint": b.tint,
                "mark": b.mark,
                "count": b.count,
            }
            for b in context.bands
        ],
        "ranking": _ranking(context),
        "unranked": f"{labels['unranked']}: {', '.join(context.unranked)}" if context.unranked else "",
        "bottom": _bottom(context),
        "sections": _sections(context),
        "notes": _notes(context),
        "signature": _signature(context),
        "footer": labels["brief_footer"],
    }


def _section(
    title: str, lines: list[str], columns: list[str], aligns: str, rows: list[list[str]]
) -> dict[str, Any]:
    """One of the brief's later sections as a titled table: ``aligns`` is a letter per column, l or r."""
    return {
        "title": title,
        "lines": [t for t in lines if t],
        "columns": columns,
        "aligns": aligns,
        "rows": rows,
    }


def _sections(context: BriefContext) -> list[dict[str, Any]]:
    """The sections after the asistensi table, as the HTML has them: the lowest belanja modal, who
    has not reported, the previous meeting's follow-up, pendapatan."""
    labels, lang = context.labels, context.lang
    pct, money, points = fmt.percent, fmt.rupiah, fmt.points
    sections = []
    m = context.modal
    if m.title:
        total = (
            f"{labels['modal_total']}: {pct(m.absorption_pct, lang, 2)} ({money(m.realized, lang)} / "
            f"{money(m.budget, lang)}) · {labels['modal_target_to_date']} "
            f"{pct(m.target_to_date_pct, lang, 2)} · {labels['gap']} {points(m.gap_pp, lang)}; {m.coverage}"
            if m.units
            else m.note
        )
        rows = [
            [
                str(i),
                u.name,
                money(u.budget, lang),
                money(u.realized, lang),
                pct(u.absorption_pct, lang, 2),
                pct(u.target_to_date_pct, lang, 2),
                points(u.gap_pp, lang),
            ]
            for i, u in enumerate(m.units, start=1)
        ]
        columns = [
            labels["no"],
            labels["unit"],
            labels["modal_budget"],
            labels["modal_realized"],
            labels["modal_pct"],
            labels["modal_target_to_date"],
            labels["gap"],
        ]
        sections.append(
            _section(m.title, [total, m.targets_note if m.units else ""], columns, "rlrrrrr", rows)
        )
    r = context.not_reported
    if r.title:
        lines = [
            f"{r.expected_note}: {r.counts}" if r.expected_note and r.units else r.expected_note or r.counts
        ]
        rows = [[str(i), u.code or "-", u.name, u.note] for i, u in enumerate(r.units, start=1)]
        columns = [labels["no"], labels["code"], labels["unit"], labels["note"]]
        sections.append(_section(r.title, [*lines, r.empty_note, r.stale_rule], columns, "rlll", rows))
    f = context.followup
    if f is not None:
        rows = [
            [
                str(i),
                u.name,
                pct(u.then_pct, lang, 2),
                pct(u.now_pct, lang, 2),
                points(u.change_pp, lang),
                u.state_label,
                u.action or u.issues,
                u.status,
            ]
            for i, u in enumerate(f.rows, start=1)
        ]
        columns = [
            labels["no"],
            labels["unit"],
            labels["fu_then"],
            labels["fu_now"],
            labels["change"],
            labels["fu_state"],
            labels["follow_up"],
            labels["status"],
        ]
        sections.append(_section(labels["fu_section"], [f.file], columns, "rlrrrlll", rows))
    v = context.revenue
    if v is not None:
        total = (
            f"{labels['revenue_total']}: {money(v.realized, lang)} / {money(v.target, lang)} = "
            f"{pct(v.pct, lang, 2)}"
        )
        rows = [
            [str(i), u.label, money(u.target, lang), money(u.realized, lang), pct(u.pct, lang, 2)]
            for i, u in enumerate(v.lowest, start=1)
        ]
        kinds = "; ".join(f"{k.label} {pct(k.pct, lang, 2)}" for k in v.kinds)
        columns = [labels["no"], labels["unit"], labels["target"], labels["realized"], "%"]
        sections.append(_section(labels["revenue_section"], [total, kinds], columns, "rlrrr", rows))
    return sections


def _diagnostic_line(diagnostic: str) -> int | None:
    """The line of the template a Typst error points at (``┌─ brief.typ:12:5``)."""
    found = re.search(r"┌─ [^\n]*?:(\d+):\d+", diagnostic)
    return int(found.group(1)) if found else None


def _cleaned(value: Any) -> Any:
    """Every text of the brief's document without controls or the marks that turn text around
    (U+202E): the PDF shows a name as it is written, as the HTML brief does."""
    if isinstance(value, str):
        return safe_text.plain(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return value


def render_pdf(context: BriefContext, template_path: Path | None = None) -> bytes:
    """The brief as PDF bytes, with the shipped ``brief.typ`` or a user's own Typst template.

    Only the fonts Typst carries are used, so the PDF looks the same on every machine; they are
    embedded in the file.
    """
    import typst

    if template_path is not None:
        try:
            source = template_path.read_bytes()
        except OSError as exc:
            raise UsageError("E-TEMPLATE-READ", path=template_path, reason=str(exc)) from exc
        root = template_path.resolve().parent
    else:
        shipped = resources.files("realisasi_cli.templates") / TEMPLATE
        source = shipped.read_bytes()
        root = Path(str(resources.files("realisasi_cli.templates")))
    data = json.dumps(_cleaned(brief_json(context)), ensure_ascii=False, allow_nan=False)
    compiler = typst.Compiler(root=str(root), ignore_system_fonts=True)
    try:
        pdf = compiler.compile(input=source, format="pdf", sys_inputs={INPUT_KEY: data})
    except typst.TypstError as exc:
        reason = exc.message
        if template_path is None:
            raise RenderError("E-PDF-RENDER", "H-PDF-RENDER", reason=reason) from exc
        line = _diagnostic_line(exc.diagnostic)
        code = "E-TEMPLATE-RENDER-LINE" if line else "E-TEMPLATE-RENDER"
        raise UsageError(
            code, "H-TEMPLATE", path=template_path, line=line, reason=reason, template=TEMPLATE
        ) from exc
    if not isinstance(pdf, bytes):  # a list of pages is what PNG and SVG give, never PDF
        raise RenderError("E-PDF-RENDER", "H-PDF-RENDER", reason=type(pdf).__name__)
    return pdf
