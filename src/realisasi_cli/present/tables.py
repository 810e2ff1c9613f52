"""The terminal's view: Rich tables of ``rank`` and ``quarters``, their totals, and warning lines.

Functions here build renderables and lines of Rich markup; the CLI prints them. Every text
from the data is escaped, so a cell cannot become markup, and its control characters are
stripped (``safe_text``). A table is fitted to the width it is
given: where it is too wide its columns leave in a drop order, and a note under it names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from realisasi_cli.present import fmt
from realisasi_cli.present.report import data_dates, last_year_by_unit
from realisasi_cli.present.safe_text import markup as escape
from realisasi_cli.present.words import QUARTER_NAMES, words

if TYPE_CHECKING:
    from rich.console import JustifyMethod, RenderableType

    from realisasi_cli.facts.schema import Warning_
    from realisasi_cli.metrics.changes import Changes
    from realisasi_cli.metrics.freshness import Freshness
    from realisasi_cli.metrics.last_year import LastYear
    from realisasi_cli.metrics.ranking import Ranking

WARNINGS_SHOWN = 8  # on the terminal; ``--format json`` lists them all
BELOW_MARK = "⚠"  # beside a unit under the threshold, as in the Markdown ranking


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

NAME_MIN_WIDTH = 20  # the unit's name wraps, but not into a column narrower than this


@dataclass(frozen=True, eq=False)
class _Column:
    """A table column with its cells already written, and whether it gives way to a narrow screen.

    ``drop`` is the column's place in the drop order (0 leaves first); None keeps it always.
    """

    name: str  # as the left-out note names it; empty for a column not worth naming (the bar)
    header: str
    cells: list[str]
    drop: int | None = None
    justify: JustifyMethod = "right"
    style: str | None = None
    min_width: int | None = None
    in_rows: bool = False  # also in the CSV/XLSX rows, so ``--format csv/xlsx`` shows it
    wraps: bool = False  # the unit's name; no other cell wraps, a number least of all

    def width(self) -> int:
        """The narrowest the column can be, padding included: its longest line, or where it
        wraps its longest word."""
        texts = [Text.from_markup(t) for t in (self.header, *self.cells)]
        if self.wraps:
            words_ = [w for t in texts for w in t.plain.split()]
            return max([NAME_MIN_WIDTH, *(cell_len(w) for w in words_)]) + 2
        lines = [line.plain for t in texts for line in t.split("\n")]
        return max([self.min_width or 1, *(cell_len(line) for line in lines)]) + 2


@dataclass(frozen=True)
class Fitted:
    """A table fitted to the screen, and the note naming the columns it had to leave out."""

    table: Table
    note: str | None

    def renderables(self) -> list[RenderableType | str]:
        """The table, then the note when there is one."""
        return [self.table, *([self.note] if self.note else [])]


def _fit(
    columns: list[_Column],
    styles: list[str | None],
    width: int,
    lang: str,
    title: str,
    caption: str | None,
) -> Fitted:
    """A table of ``columns`` that fits ``width``: columns leave in their drop order until it does.

    Rich's own measure counts a cell that may not wrap by its longest word, so the widths are
    counted here: each column's padding and its border, and the table's outer border.
    """
    widths = {id(c): c.width() for c in columns}

    def needs(kept: list[_Column]) -> int:
        return sum(widths[id(c)] + 1 for c in kept) + 1

    shown = list(columns)
    for column in sorted((c for c in columns if c.drop is not None), key=lambda c: c.drop or 0):
        if needs(shown) <= width:
            break
        shown.remove(column)
    table = Table(title=title, caption=caption, header_style="bold")
    for c in shown:
        if c.wraps:
            table.add_column(c.header, overflow="fold", min_width=NAME_MIN_WIDTH)
        else:
            table.add_column(c.header, justify=c.justify, style=c.style, no_wrap=True, min_width=c.min_width)
    for i, style in enumerate(styles):
        table.add_row(*(c.cells[i] for c in shown), style=style)
    named = [c for c in columns if c not in shown and c.name]
    if not named:
        return Fitted(table, None)
    labels = words(lang)
    formats = "--format csv/xlsx" if all(c.in_rows for c in named) else "--format json"
    whole = needs([c for c in columns if c in shown or c.name])
    note = labels["left_out"].format(
        columns=", ".join(escape(c.name) for c in named), width=whole, formats=formats
    )
    return Fitted(table, f"[dim]{note}[/]")


# The ranking's drop order, least important first: the bar repeats the %, the code and the
# amounts are in the CSV/XLSX rows, then the context columns, then the pace and the change.
# #, the unit, its % and the mark under the threshold always stay.
RANK_DROP_ORDER = (
    "bar",
    "code",
    "realized",
    "budget",
    "physical",
    "last_year",
    "as_of",
    "gap_to_date",
    "projected",
    "pace",
    "needed",
    "change",
    "modal",
)


def _rank_columns(
    ranking: Ranking,
    units: list[dict[str, Any]],
    lang: str,
    changes: Changes | None,
    total_pace: dict[str, Any] | None,
    show_dates: bool,
    last_year: LastYear | None = None,
) -> list[_Column]:
    """Every column the ranking can show, in the order they are shown."""
    labels = words(lang)
    extra: list[tuple[str, str, Cell]] = []  # (key, header, cell) of the optional columns

    def column(key: str, header: str, cell: Cell, **options: Any) -> _Column:
        drop = RANK_DROP_ORDER.index(key) if key in RANK_DROP_ORDER else None
        name = "" if key == "bar" else header
        return _Column(name, header, [cell(u) for u in units], drop=drop, **options)

    if show_dates:
        extra.append(("as_of", labels["as_of"], lambda u: fmt.short_date(u.get("as_of"), lang)))
    if ranking.categories is not None:
        # the category a reader looks at first: modal of belanja, PAD of pendapatan
        highlighted = "pad" if ranking.domain == "pendapatan" else "modal"
        modal = _by_unit(ranking.categories, "absorption_pct", _top_is(highlighted))
        extra.append(("modal", labels["modal_pct"], lambda u: fmt.percent(modal.get(u["unit"]), lang)))
    if ranking.physical is not None:
        physical = _by_unit(ranking.physical, "realized_pct")
        extra.append(("physical", labels["physical"], lambda u: fmt.percent(physical.get(u["unit"]), lang)))
    if last_year is not None:
        before = last_year_by_unit(last_year)
        extra.append(
            ("last_year", labels["last_year_short"], lambda u: _last_year_cell(before.get(u["unit"]), lang))
        )
    if changes is not None:
        extra.append(("change", "Δ", lambda u: arrow(changes.change_pp.get(u["unit"]), lang)))
    if total_pace is not None:

        def pace_cell(field: str) -> Cell:
            return lambda u: fmt.percent(u[field], lang)

        extra += [
            ("pace", labels["pace_short"], pace_cell("monthly_pct")),
            ("projected", labels["projected_short"], pace_cell("projected_pct")),
            ("needed", labels["needed_short"], pace_cell("needed_monthly_pct")),
            ("gap_to_date", labels["gap_to_date_short"], lambda u: fmt.points(u.get("gap_to_date_pp"), lang)),
        ]
    columns = [column("rank", "#", lambda u: str(u["rank"]), min_width=2)]
    if any(u["code"] for u in units):
        columns.append(
            column(
                "code",
                labels["code"],
                lambda u: escape(u["code"] or ""),
                justify="left",
                style="dim",
                in_rows=True,
            )
        )
    columns += [
        column("unit", labels["unit"], lambda u: escape(u["name"]), wraps=True),
        column("budget", labels["budget"], lambda u: fmt.rupiah(u["budget"], lang), in_rows=True),
        column("realized", labels["realized"], lambda u: fmt.rupiah(u["realized"], lang), in_rows=True),
        column("pct", "%", lambda u: fmt.percent(u["absorption_pct"], lang, 2)),
    ]
    if any(u["below_threshold"] for u in units):
        columns.append(
            column("mark", "", lambda u: BELOW_MARK if u["below_threshold"] else "", justify="left")
        )
    columns += [column(key, header, cell) for key, header, cell in extra]
    columns.append(column("bar", "", lambda u: bar(u["absorption_pct"]), justify="left"))
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
) -> Fitted:
    """The ranking as a table fitted to ``width`` columns (``RANK_DROP_ORDER`` says which leave
    first); a column of each unit's data date where the units' dates differ."""
    labels = words(lang)
    category = labels.get(ranking.category, ranking.category) if ranking.category else None
    title = labels["rank_title"] + (f" · {category}" if category else "")
    show_dates = dates is not None and dates.dates_differ
    columns = _rank_columns(ranking, units, lang, changes, total_pace, show_dates, last_year)
    styles = ["red" if u["below_threshold"] else None for u in units]
    return _fit(columns, styles, width, lang, title, data_dates(dates, ranking.as_of, lang))


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
    mark = f"{BELOW_MARK} " if ranking.below_count else ""
    below = labels["below_one" if ranking.below_count == 1 else "below"]
    lines = [
        f"[bold]{labels['total']}[/]: {fmt.rupiah(ranking.total_realized, lang)} / "
        f"{fmt.rupiah(ranking.total_budget, lang)} = [bold]{fmt.percent(ranking.total_pct, lang, 2)}[/]"
        f" · [red]{mark}{ranking.below_count}[/] {below} {fmt.percent(ranking.threshold, lang, 0)}"
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
            own = f"; {labels['own_plans_weighted']}" if ranking.plans is not None else ""
            lines.append(
                f"{labels['target_to_date']}: {fmt.percent(total_pace['target_to_date_pct'], lang)} "
                f"({labels['gap']} {fmt.points(total_pace['gap_to_date_pp'], lang)}{own})"
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


def quarters_table(
    document: dict[str, Any], lang: str, category: str | None, width: int, dates: str | None = None
) -> Fitted:
    """The ``quarters`` JSON document as a table fitted to ``width`` columns: cumulative % and gap
    per unit and quarter. Where it is too wide the budget leaves first, then the earliest
    quarters; the unit and the latest quarter always stay."""
    labels = words(lang)
    title = labels["quarters_title"] + (f" · {labels.get(category, category)}" if category else "")
    as_of = date.fromisoformat(document["as_of"]) if document["as_of"] else None
    notes = [labels["gap_formula"]]
    if any("deviation_pct" in q for q in document["total"]["quarters"]):
        notes.append(labels["deviation_formula"])
    if any(_reporting(q) and q["cumulative_pct"] is not None for q in document["total"]["quarters"]):
        notes.append(labels["total_reporting_note"])
    # the units' dates as rank says them ("Data per 31 Juli 2022 – 31 Desember 2022; …")
    caption = "\n".join([dates or f"{labels['as_of']} {fmt.long_date(as_of, lang)}", *notes])
    units, total = document["units"], document["total"]
    names = [escape(u["name"]) for u in units] + [f"[bold]{labels['total']}[/]"]
    budgets = [fmt.rupiah(b, lang) for b in [*(u["budget"] for u in units), total["budget"]]]
    columns = [
        _Column(labels["unit"], labels["unit"], names, justify="left", wraps=True),
        _Column(labels["budget"], labels["budget"], budgets, drop=0, in_rows=True),
    ]
    latest = len(total["quarters"]) - 1
    for i, entry in enumerate(total["quarters"]):
        cells = [_quarter_cell(u["quarters"][i], lang) for u in units]
        cells.append(_quarter_cell(entry, lang) + _reporting(entry))
        name = QUARTER_NAMES[entry["quarter"]]
        heading = _quarter_heading(entry, lang)
        columns.append(_Column(name, heading, cells, drop=None if i == latest else 1 + i, in_rows=True))
    return _fit(columns, [None] * (len(units) + 1), width, lang, title, caption)


def warning_lines(warnings: list[Warning_], lang: str, limit: int = WARNINGS_SHOWN) -> list[str]:
    """The first ``limit`` warnings as lines for stderr (those saying the same of several sheets
    of a file on one: ``located``), and how many more there are."""
    from realisasi_cli.messages import text
    from realisasi_cli.present.located import located

    lines = []
    label = text("N-WARNING", lang)
    said = located(warnings, lang)
    for where, shown in said[:limit]:
        lines.append(f"[yellow]{label}:[/] {escape(where) + ': ' if where else ''}{escape(shown)}")
    if len(said) > limit:
        lines.append(f"[yellow]{escape(text('N-MORE-WARNINGS', lang, n=len(said) - limit))}[/]")
    return lines
