"""The weekly summary as a WhatsApp message: at most 1,500 characters with WhatsApp's own markup
(``*tebal*``, ``_miring_``), no HTML, one line per unit, ready to paste into a group.

WhatsApp has no escape character, so a name's own markup characters (``*``, ``_``, ``~``, the
backquote) are replaced by look-alikes that WhatsApp does not read as markup: ``∗`` (U+2217),
``＿`` (U+FF3F), ``∼`` (U+223C) and ``ˋ`` (U+02CB). The name still reads the same, and no name
can open or close bold, italic, strike-through or monospace text.

When the message would be longer than the limit, detail goes in this order: the names beyond
the first five units that have not reported, the notes line, the pace and last-year lines,
who entered or left the bottom list, then units of the bottom list from the highest of them
("… dan 3 lainnya"), then the remaining names; the total, the date and the modal line stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from realisasi_cli.present import fmt, safe_text
from realisasi_cli.present.summary import SummaryContext

LIMIT = 1500  # characters: what fits a phone's screen or two, and far below WhatsApp's own limit
_LOOK_ALIKES = str.maketrans({"*": "∗", "_": "＿", "~": "∼", "`": "ˋ"})
_NAME_MAX = 70  # a longer name is cut with "…": the lines stay one per unit on a phone
_ABSENT_FIRST = 5  # names of units that have not reported, before any is counted instead


def plain(text: object, limit: int = _NAME_MAX) -> str:
    """Text from the data as one line that cannot change the message's markup."""
    line = fmt.one_line(safe_text.plain(str(text or ""), one_line=True)).translate(_LOOK_ALIKES)
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Detail:
    """How much of the summary the message holds."""

    units: int  # units of the bottom list named
    absent: int  # units that have not reported named
    modal: int  # lowest belanja modal units named
    notes: bool = True
    extra: bool = True  # the pace needed and last year
    moves: bool = True  # who entered or left the bottom list


def _header(ctx: SummaryContext) -> list[str]:
    labels = ctx.labels
    head = labels["heading"] + (f" · {plain(ctx.government)}" if ctx.government else "")
    lines = [f"*{head}*"]
    when = []
    if ctx.as_of is not None:
        when.append(f"{labels['sd']} {fmt.long_date(ctx.as_of, ctx.lang)}")
    when.append(
        f"{labels['compared']} {fmt.long_date(ctx.previous_as_of, ctx.lang)}"
        if ctx.has_previous
        else labels["no_previous"]
    )
    lines.append("_" + " · ".join(when) + "_")
    if ctx.dates_note:
        lines.append(f"_{plain(ctx.dates_note, 200)}_")
    return lines


def _total(ctx: SummaryContext, detail: _Detail) -> list[str]:
    labels, lang = ctx.labels, ctx.lang
    change = (
        f" {ctx.total_arrow} {fmt.points(ctx.total_change_pp, lang)}"
        if ctx.has_previous and ctx.total_change_pp is not None
        else ""
    )
    lines = [
        "",
        f"*{labels['total']}: {fmt.percent(ctx.total_pct, lang)}*{change}",
        f"{fmt.rupiah(ctx.total_realized, lang)} / {fmt.rupiah(ctx.total_budget, lang)}",
    ]
    if ctx.target_pct is not None:
        lines.append(
            f"{labels['target_to_date']} {fmt.percent(ctx.target_to_date_pct, lang, 2)} · "
            f"{labels['gap'].lower()} {fmt.points(ctx.target_gap_pp, lang)}"
        )
    if ctx.modal_pct is not None:
        modal = f"{labels['modal']}: {fmt.percent(ctx.modal_pct, lang)}"
        named = [f"{plain(m.name)} {fmt.percent(m.absorption_pct, lang)}" for m in ctx.modal_lowest]
        if named[: detail.modal]:
            modal += f" · {labels['modal_lowest_short']}: " + ", ".join(named[: detail.modal])
        lines.append(modal)
    if detail.extra and ctx.last_year:
        lines.append(f"{labels['last_year']}: {ctx.last_year}")
    if detail.extra and ctx.needed_monthly_pct is not None:
        lines.append(
            f"{labels['needed']}: {fmt.percent(ctx.needed_monthly_pct, lang)} {labels['per_month']} "
            f"{labels['to_reach']} {fmt.percent(ctx.year_end_target_pct, lang, 0)}"
        )
    below = labels["below_one" if ctx.below_count == 1 else "below"]
    lines.append(
        f"{ctx.below_count} {labels['of']} {ctx.ranked_count} {below} {fmt.percent(ctx.threshold, lang, 0)}"
    )
    return lines


def _bottom(ctx: SummaryContext, detail: _Detail) -> list[str]:
    labels, lang = ctx.labels, ctx.lang
    if not ctx.bottom:
        return []
    lines = ["", f"*{len(ctx.bottom)} {labels['lowest']}:*"]
    for u in ctx.bottom[: detail.units]:
        change = f" {u.arrow} {fmt.points(u.change_pp, lang)}" if u.change_pp is not None else ""
        lines.append(f"{u.rank}. {plain(u.name)} {fmt.percent(u.absorption_pct, lang)}{change}")
    if len(ctx.bottom) > detail.units:
        lines.append(labels["more_names"].format(n=len(ctx.bottom) - detail.units))
    if detail.moves and ctx.entered:
        lines.append(f"{labels['entered']}: " + ", ".join(plain(n) for n in ctx.entered))
    if detail.moves and ctx.left:
        lines.append(f"{labels['left']}: " + ", ".join(plain(n) for n in ctx.left))
    return lines


def _absent(ctx: SummaryContext, detail: _Detail) -> list[str]:
    absent = ctx.not_reported
    if not absent.units:
        return []
    lines = ["", f"*{ctx.labels['nr_short']}:* {absent.counts}"]
    lines += [f"- {plain(u.name)} ({u.note})" for u in absent.units[: detail.absent]]
    if len(absent.units) > detail.absent:
        lines.append(ctx.labels["more_names"].format(n=len(absent.units) - detail.absent))
    return lines


def _compose(ctx: SummaryContext, detail: _Detail) -> str:
    labels = ctx.labels
    lines = [*_header(ctx), *_total(ctx, detail), *_bottom(ctx, detail), *_absent(ctx, detail), ""]
    if detail.notes and ctx.notes:
        lines.append(
            f"_{labels['wa_notes'].format(n=ctx.notes_total or len(ctx.notes))} ({labels['see_json']})_"
        )
    lines.append(f"_{labels['summary_footer']}_")
    # nothing from the data acts on a terminal or turns the text around (ESC, BEL, U+202E)
    return safe_text.plain("\n".join(lines)) + "\n"


def _less(ctx: SummaryContext) -> Iterator[_Detail]:
    """Every level of detail, from all of it down to the total, the date, the modal line and the
    lowest unit."""
    detail = _Detail(units=len(ctx.bottom), absent=len(ctx.not_reported.units), modal=len(ctx.modal_lowest))
    yield detail
    detail = replace(detail, absent=min(detail.absent, _ABSENT_FIRST))
    yield detail
    detail = replace(detail, notes=False)
    yield detail
    detail = replace(detail, extra=False)
    yield detail
    detail = replace(detail, moves=False)
    yield detail
    for units in range(detail.units - 1, 0, -1):
        detail = replace(detail, units=units)
        yield detail
    for absent in range(detail.absent - 1, -1, -1):
        detail = replace(detail, absent=absent)
        yield detail
    for modal in range(detail.modal - 1, -1, -1):
        detail = replace(detail, modal=modal)
        yield detail


def whatsapp_text(ctx: SummaryContext, limit: int = LIMIT) -> str:
    """The summary as a WhatsApp message of at most ``limit`` characters."""
    text = ""
    for detail in _less(ctx):
        text = _compose(ctx, detail)
        if len(text) <= limit:
            return text
    # unreachable with names cut to _NAME_MAX; still, never over the limit: whole lines only,
    # so that no bold or italic is left open
    return text[: limit - 2].rsplit("\n", 1)[0] + "\n…"
