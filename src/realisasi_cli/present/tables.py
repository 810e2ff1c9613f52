"""The terminal's view: Rich tables of ``rank`` and ``quarters``, their totals, and warning lines.

Functions here build renderables and lines of Rich markup; the CLI prints them. Every text
from the data is escaped, so a cell cannot become markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from realisasi_cli.present import fmt
from realisasi_cli.present.report import data_dates, last_year_by_unit
from realisasi_cli.present.words import QUARTER_NAMES, words

if TYPE_CHECKING:
    from realisasi_cli.facts.schema import Warning_
    from realisasi_cli.metrics.changes import Changes
    from realisasi_cli.metrics.freshness import Freshness
    from realisasi_cli.metrics.last_year import LastYear
    from realisasi_cli.metrics.ranking import Ranking

WARNINGS_SHOWN = 8  # on the terminal; ``--format json`` lists them all


def bar(pct: float | None, width: int = 12) -> str:
    """A small bar of ``width`` blocks for a percentage."""
    if pct is None:
        return ""
    filled = max(0, min(width, round(pct / 100 * width)))
    return "█" * filled + "·" * (width - filled)


def arrow(value: float | None, lang: str) -> str:
    """A change in percentage points with its direction: ``▲ +1,5 pp``; ``—`` without an earlier
    observation."""
    if value is None:
        return "—"
    return f"{fmt.arrow(value)} {fmt.points(value, lang)}"


def _by_unit(frame: Any, column: str, condition: Any = None) -> dict[str, Any]:
    if frame is None:
        return {}
    rows = frame.filter(condition) if condition is not None else frame
    return {r["unit"]: r[column] for r in rows.iter_rows(named=True)}


Cell = Callable[[dict[str, Any]], str]


def _rank_columns(
    ranking: Ranking,
    units: list[dict[str, Any]],
    lang: str,
    width: int,
    changes: Changes | None,
    total_pace: dict[str, Any] | None,
    show_dates: bool,
    last_year: LastYear | None = None,
) -> list[tuple[str, Cell]]:
    """The ranking's columns after # and the unit's name, each with how its cell is written."""
    labels = words(lang)
    extras = (changes is not None) + 4 * (total_pace is not None)
    columns: list[tuple[str, Cell]] = [
        (labels["budget"], lambda u: fmt.rupiah(u["budget"], lang)),
        (labels["realized"], lambda u: fmt.rupiah(u["realized"], lang)),
        ("%", lambda u: fmt.percent(u["absorption_pct"], lang, 2)),
    ]
    if show_dates:
        columns.append((labels["as_of"], lambda u: fmt.short_date(u.get("as_of"), lang)))
    if ranking.categories is not None:
        modal = _by_unit(ranking.categories, "absorption_pct", _top_is("modal"))
        columns.append((labels["modal_pct"], lambda u: fmt.percent(modal.get(u["unit"]), lang)))
    if ranking.physical is not None:
        physical = _by_unit(ranking.physical, "realized_pct")
        columns.append((labels["physical"], lambda u: fmt.percent(physical.get(u["unit"]), lang)))
    if last_year is not None:
        before = last_year_by_unit(last_year)
        columns.append((labels["last_year_short"], lambda u: _last_year_cell(before.get(u["unit"]), lang)))
    if changes is not None:
        columns.append(("Δ", lambda u: arrow(changes.change_pp.get(u["unit"]), lang)))
    if total_pace is not None:
        for key, field in (
            ("pace_short", "monthly_pct"),
            ("projected_short", "projected_pct"),
            ("needed_short", "needed_monthly_pct"),
        ):
            columns.append((labels[key], lambda u, field=field: fmt.percent(u[field], lang)))  # type: ignore[misc]  # the default binds the loop's field
        columns.append((labels["gap_to_date_short"], lambda u: fmt.points(u.get("gap_to_date_pp"), lang)))
    if width >= 110 + 20 * extras:
        columns.append(("", lambda u: bar(u["absorption_pct"])))
    return columns


def rank_table(
    ranking: Ranking,
    units: list[dict[str, Any]],
    lang: str,
    width: int,
    changes: Changes | None = None,
    total_pace: dict[str, Any] | None = None,
    dates: Freshness | None = None,
    last_year: LastYear | None = None,
) -> Table:
    """The ranking as a table fitted to ``width`` columns: code and bar only where they fit; a
    column of each unit's data date where the units' dates differ."""
    labels = words(lang)
    title = labels["rank_title"] + (f" · {ranking.category}" if ranking.category else "")
    table = Table(title=title, caption=data_dates(dates, ranking.as_of, lang), header_style="bold")
    extras = (changes is not None) + 4 * (total_pace is not None)
    show_code = any(u["code"] for u in units) and width >= 120 + 20 * extras
    show_dates = dates is not None and dates.dates_differ
    columns = _rank_columns(ranking, units, lang, width, changes, total_pace, show_dates, last_year)
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    if show_code:
        table.add_column(labels["code"], style="dim", no_wrap=True)
    table.add_column(labels["unit"], overflow="fold", min_width=20, ratio=1)
    for header, _cell in columns:
        table.add_column(header, justify="left" if not header else "right", no_wrap=True)
    for u in units:
        row = [str(u["rank"]), *([escape(u["code"] or "")] if show_code else []), escape(u["name"])]
        table.add_row(*row, *(cell(u) for _h, cell in columns), style="red" if u["below_threshold"] else None)
    return table


def _last_year_cell(entry: dict[str, float | None] | None, lang: str) -> str:
    """Last year's % at the same date where its budget is known, else its rupiah."""
    if not entry or entry["realized"] is None:
        return "-"
    if entry["absorption_pct"] is not None:
        return fmt.percent(entry["absorption_pct"], lang)
    return fmt.rupiah(entry["realized"], lang)


def last_year_line(last_year: LastYear, lang: str) -> str:
    """``Tahun lalu pada tanggal yang sama (10 November 2022): Rp… (58,20%)``."""
    labels = words(lang)
    pct = last_year.absorption_pct
    shown = f" ({fmt.percent(pct, lang, 2)})" if pct is not None else ""
    when = fmt.long_date(last_year.as_of, lang)
    return f"{labels['last_year']} ({when}): {fmt.rupiah(last_year.realized, lang)}{shown}"


def _top_is(category: str) -> Any:
    import polars as pl

    return pl.col("top") == category


def rank_lines(
    ranking: Ranking, lang: str, changes: Changes | None = None, total_pace: dict[str, Any] | None = None
) -> list[str]:
    """The lines under the ranking: total, change since the previous export, pace, the unranked."""
    labels = words(lang)
    lines = [
        f"[bold]{labels['total']}[/]: {fmt.rupiah(ranking.total_realized, lang)} / "
        f"{fmt.rupiah(ranking.total_budget, lang)} = [bold]{fmt.percent(ranking.total_pct, lang, 2)}[/]"
        f" · [red]{ranking.below_count}[/] {labels['below']} {fmt.percent(ranking.threshold, lang, 0)}"
    ]
    if changes is not None:
        since = fmt.long_date(changes.previous_as_of, lang)
        compared = labels["units_of"].format(n=changes.compared, total=changes.units)
        total = f": {arrow(changes.total_change_pp, lang)}" if changes.total_change_pp is not None else ""
        lines.append(f"{labels['change']} {labels['since']} {since} ({compared}){total}")
        for key, items in (("entered", changes.entered_bottom), ("left", changes.left_bottom)):
            if items:
                lines.append(f"{labels[key]}: " + ", ".join(escape(str(i["name"])) for i in items))
    if total_pace is not None:
        lines.append(
            f"{labels['pace_short']}: {fmt.percent(total_pace['monthly_pct'], lang)} · "
            f"{labels['projected_short']}: {fmt.percent(total_pace['projected_pct'], lang)} · "
            f"{labels['needed_short']}: {fmt.percent(total_pace['needed_monthly_pct'], lang)}"
        )
        if total_pace.get("target_to_date_pct") is not None:
            lines.append(
                f"{labels['target_to_date']}: {fmt.percent(total_pace['target_to_date_pct'], lang)} "
                f"({labels['gap']} {fmt.points(total_pace['gap_to_date_pp'], lang)})"
            )
    if ranking.unranked.height:
        names = ", ".join(escape(n) for n in ranking.unranked["name"].to_list())
        lines.append(f"{labels['unranked']}: {names}")
    return lines


def _quarter_cell(entry: dict[str, Any], lang: str) -> str:
    if entry["cumulative_pct"] is None:
        return "-"
    text = fmt.percent(entry["cumulative_pct"], lang)
    if entry["gap_pp"] is None:
        return text
    colour = "green" if entry["gap_pp"] >= 0 else "red"
    deviation = entry.get("deviation_pct")
    extra = (
        f"\n{words(lang)['deviation_short']} {fmt.percent(deviation, lang)}" if deviation is not None else ""
    )
    return f"{text} [{colour}]({fmt.points(entry['gap_pp'], lang)})[/]{extra}"


def _quarter_heading(entry: dict[str, Any], lang: str) -> str:
    """``TW IV (Target 95%)``, with the target to the data date where the quarter is in progress."""
    labels = words(lang)
    target, to_date = entry["target_pct"], entry.get("target_to_date_pct")
    if target is None:
        return QUARTER_NAMES[entry["quarter"]]
    text = f"{labels['target']} {fmt.percent(target, lang, 0)}"
    if to_date is not None and abs(to_date - target) >= 0.005:
        text += f"\n{labels['to_date_short']} {fmt.percent(to_date, lang)}"
    return f"{QUARTER_NAMES[entry['quarter']]} ({text})"


def _reporting(quarter: dict[str, Any]) -> str:
    """`` · 3/44`` after a total that not every unit reports."""
    reporting, total = quarter.get("units_reporting"), quarter.get("units_total")
    if reporting is None or total is None or reporting == total:
        return ""
    return f" [dim]· {reporting}/{total}[/]"


def quarters_table(document: dict[str, Any], lang: str, category: str | None) -> Table:
    """The ``quarters`` JSON document as a table: cumulative % and gap per unit and quarter."""
    labels = words(lang)
    title = labels["quarters_title"] + (f" · {category}" if category else "")
    as_of = date.fromisoformat(document["as_of"]) if document["as_of"] else None
    notes = [labels["gap_formula"]]
    if any("deviation_pct" in q for q in document["total"]["quarters"]):
        notes.append(labels["deviation_formula"])
    caption = "\n".join([f"{labels['as_of']} {fmt.long_date(as_of, lang)}", *notes])
    table = Table(title=title, caption=caption, header_style="bold")
    table.add_column(labels["unit"], overflow="fold", min_width=20, ratio=1)
    table.add_column(labels["budget"], justify="right", no_wrap=True)
    for entry in document["total"]["quarters"]:
        table.add_column(_quarter_heading(entry, lang), justify="right", min_width=10)
    for unit in document["units"]:
        cells = [_quarter_cell(q, lang) for q in unit["quarters"]]
        table.add_row(escape(unit["name"]), fmt.rupiah(unit["budget"], lang), *cells)
    total = document["total"]
    cells = [_quarter_cell(q, lang) + _reporting(q) for q in total["quarters"]]
    table.add_row(f"[bold]{labels['total']}[/]", fmt.rupiah(total["budget"], lang), *cells)
    return table


def warning_lines(warnings: list[Warning_], lang: str, limit: int = WARNINGS_SHOWN) -> list[str]:
    """The first ``limit`` warnings as lines for stderr, and how many more there are."""
    from realisasi_cli.messages import text

    lines = []
    label, row = text("N-WARNING", lang), text("N-ROW", lang)
    for w in warnings[:limit]:
        where = (
            Path(w.file).name + (f" [{w.sheet}]" if w.sheet else "") + (f" {row} {w.row}" if w.row else "")
        )
        shown = w.detail.text(lang, short=True)
        lines.append(f"[yellow]{label}:[/] {escape(where) + ': ' if where else ''}{escape(shown)}")
    if len(warnings) > limit:
        lines.append(f"[yellow]{escape(text('N-MORE-WARNINGS', lang, n=len(warnings) - limit))}[/]")
    return lines
