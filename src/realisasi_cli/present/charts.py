"""The briefing's charts: SVG for HTML (every text escaped) and text bars for Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup
from markupsafe import escape as escape_html

from realisasi_cli.present import fmt, safe_text
from realisasi_cli.present.brief_context import BAND_COLOURS, BAND_MARKS, QuarterRow, UnitRow
from realisasi_cli.present.words import words

if TYPE_CHECKING:
    pass


def escape(text: str) -> Markup:
    """Text for SVG: escaped, on one line, without control characters."""
    return escape_html(safe_text.plain(text, one_line=True))


_INK = "#212121"
_GRID = "#e0e0e0"
_MUTED = "#616161"
_REALIZED = "#1565c0"
# a white outline keeps a label readable where it crosses a band line
_HALO = ' paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"'


def _f(value: float) -> str:
    """Coordinates with one decimal: enough on paper, and stable in golden files."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}"{extra}>'
        f"{escape(content)}</text>"
    )


def _svg_start(kind: str, width: int, height: int, title: str) -> list[str]:
    """The opening of a chart's SVG and its accessible title."""
    return [
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" {_FONT} fill="{_INK}">',
        f"<title>{escape(title)}</title>",
    ]


def _clip(pct: float | None) -> float:
    return 0.0 if pct is None else max(0.0, min(100.0, pct))


def _shorten(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def quarters_svg(quarters: list[QuarterRow], lang: str = "id") -> Markup:
    """Cumulative realization per quarter (bars) against the cumulative targets (marks and line)."""
    labels = words(lang)
    width, height = 520, 300
    left, right, top, bottom = 56.0, 500.0, 40.0, 240.0
    slot = (right - left) / 4

    def y(pct: float | None) -> float:
        return bottom - (bottom - top) * _clip(pct) / 100

    parts = _svg_start("chart-quarters", width, height, labels["quarters_chart"])
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{_f(left)}" y1="{_f(y(tick))}" x2="{_f(right)}" y2="{_f(y(tick))}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 8, y(tick) + 4, fmt.percent(tick, lang, 0), anchor="end", size=11))
    target_points = []
    for i, q in enumerate(quarters):
        centre = left + slot * (i + 0.5)
        if q.cumulative_pct is not None:
            top_y = y(q.cumulative_pct)
            parts.append(
                f'<rect x="{_f(centre - 28)}" y="{_f(top_y)}" width="56" height="{_f(bottom - top_y)}" '
                f'fill="{_REALIZED}"><title>{escape(q.name)}: '
                f"{escape(fmt.percent(q.cumulative_pct, lang))}</title></rect>"
            )
            # inside the bar when it is tall enough, so that the label never sits on a target mark
            inside = bottom - top_y >= 24
            parts.append(
                _text(
                    centre,
                    top_y + 17 if inside else min(top_y, y(q.target_pct) if q.target_pct else top_y) - 6,
                    fmt.percent(q.cumulative_pct, lang),
                    anchor="middle",
                    size=12,
                    extra=' font-weight="bold"' + (' fill="#ffffff"' if inside else _HALO),
                )
            )
        else:
            parts.append(
                _text(
                    centre, bottom - 6, labels["no_data"], anchor="middle", size=10, extra=f' fill="{_MUTED}"'
                )
            )
        if q.target_pct is not None:
            ty = y(q.target_pct)
            target_points.append(f"{_f(centre)},{_f(ty)}")
            parts.append(
                f'<line x1="{_f(centre - 40)}" y1="{_f(ty)}" x2="{_f(centre + 40)}" y2="{_f(ty)}" '
                f'stroke="{BAND_COLOURS["bad"]}" stroke-width="3"/>'
            )
            parts.append(
                _text(
                    centre + 42,
                    ty + 4,
                    fmt.percent(q.target_pct, lang, 0),
                    size=10,
                    extra=f' fill="{BAND_COLOURS["bad"]}"',
                )
            )
        if q.target_to_date_pct is not None:
            dy = y(q.target_to_date_pct)
            parts.append(
                f'<line x1="{_f(centre - 40)}" y1="{_f(dy)}" x2="{_f(centre + 40)}" y2="{_f(dy)}" '
                f'stroke="{BAND_COLOURS["bad"]}" stroke-width="2" stroke-dasharray="5 3">'
                f"<title>{escape(labels['target_to_date'])}: "
                f"{escape(fmt.percent(q.target_to_date_pct, lang))}</title></line>"
            )
        parts.append(
            _text(centre, bottom + 18, q.name, anchor="middle", size=12, extra=' font-weight="bold"')
        )
        if q.through is not None:
            through = f"{labels['through']} {fmt.long_date(q.through, lang)}"
            parts.append(
                _text(centre, bottom + 34, through, anchor="middle", size=10, extra=f' fill="{_MUTED}"')
            )
    if len(target_points) > 1:
        parts.append(
            f'<polyline points="{" ".join(target_points)}" fill="none" stroke="{BAND_COLOURS["bad"]}" '
            'stroke-width="1.5" stroke-dasharray="5 4" stroke-opacity="0.6"/>'
        )
    parts.append(f'<rect x="{_f(left)}" y="10" width="14" height="12" fill="{_REALIZED}"/>')
    parts.append(_text(left + 20, 20, labels["cumulative"], size=11))
    parts.append(
        f'<line x1="{_f(left + 200)}" y1="16" x2="{_f(left + 222)}" y2="16" '
        f'stroke="{BAND_COLOURS["bad"]}" stroke-width="3"/>'
    )
    parts.append(_text(left + 228, 20, labels["target"], size=11))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def units_svg(
    units: list[UnitRow], markers: list[tuple[float, str]], lang: str = "id", tick_label: str = ""
) -> Markup:
    """One horizontal bar per unit, coloured by band, with the band boundaries as dashed lines;
    a unit's own target (``UnitRow.target_pct``) as an upright tick on its bar, which
    ``tick_label`` explains."""
    labels = words(lang)
    row, label_width, bar_left, bar_width = 20, 330.0, 340.0, 480.0
    top = 46.0
    width = 900
    height = int(top + row * max(len(units), 1) + 16)

    def x(pct: float | None) -> float:
        return bar_left + bar_width * _clip(pct) / 100

    parts = _svg_start("chart-units", width, height, labels["units_chart"])
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{_f(x(tick))}" y1="{_f(top - 4)}" x2="{_f(x(tick))}" y2="{_f(height - 12)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(
                x(tick),
                top - 8,
                fmt.percent(tick, lang, 0),
                anchor="middle",
                size=10,
                extra=f' fill="{_MUTED}"',
            )
        )
    values = []
    for i, unit in enumerate(units):
        y = top + row * i
        pct = fmt.percent(unit.absorption_pct, lang, 2)
        parts.append(
            f"<g><title>{escape(unit.name)}: {escape(pct)}</title>"
            + _text(label_width, y + 14, _shorten(unit.name, 40), anchor="end", size=11)
            + f'<rect x="{_f(bar_left)}" y="{_f(y + 3)}" width="{_f(x(unit.absorption_pct) - bar_left)}" '
            f'height="{row - 6}" fill="{BAND_COLOURS[unit.band]}"/>'
            + (_tick(x(unit.target_pct), y, row) if unit.target_pct is not None else "")
            + "</g>"
        )
        values.append(_text(x(unit.absorption_pct) + 5, y + 14, pct, size=10, extra=_HALO))
    for i, (value, name) in enumerate(markers):
        mx = x(value)
        parts.append(
            f'<line x1="{_f(mx)}" y1="{_f(top - 2)}" x2="{_f(mx)}" y2="{_f(height - 12)}" stroke="{_INK}" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        parts.append(
            _text(mx, 12 + 14 * (i % 2), name, anchor="middle", size=11, extra=' font-weight="bold"')
        )
    if tick_label:
        parts.append(_text(width - 8, 12 + 14 * (len(markers) % 2), f"│ {tick_label}", anchor="end", size=10))
    # the values last, over the band lines, so that a line never strikes through a number
    parts.extend(values)
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _tick(x: float, y: float, row: int) -> str:
    """A unit's own target on its bar: a short upright line across the bar's height."""
    return (
        f'<line class="own-target" x1="{_f(x)}" y1="{_f(y + 1)}" x2="{_f(x)}" y2="{_f(y + row - 1)}" '
        f'stroke="{_INK}" stroke-width="2"/>'
    )


_BAR_WIDTH = 40


def _bar(pct: float | None, marks: list[tuple[float, str]]) -> str:
    """``█`` up to ``pct`` of 100 %, ``░`` after; ``marks`` (value, char) drawn over both."""
    cells = ["░"] * _BAR_WIDTH
    filled = round(_clip(pct) / 100 * _BAR_WIDTH) if pct is not None else 0
    for i in range(filled):
        cells[i] = "█"
    for value, char in marks:
        cells[min(_BAR_WIDTH - 1, round(_clip(value) / 100 * _BAR_WIDTH))] = char
    return "".join(cells)


def _plain(text: str) -> str:
    """Text safe inside a Markdown code block: one line, no controls, no backticks that could close it."""
    return safe_text.plain(text, one_line=True).replace("`", "'")


def quarters_text(quarters: list[QuarterRow], lang: str = "id") -> safe_text.Verbatim:
    """The quarter chart as text: one bar per quarter, ``┃`` where its target is."""
    labels = words(lang)
    lines = []
    for q in quarters:
        marks = [(q.target_pct, "┃")] if q.target_pct is not None else []
        value = fmt.percent(q.cumulative_pct, lang) if q.cumulative_pct is not None else labels["no_data"]
        tail = f"{labels['target']} {fmt.percent(q.target_pct, lang, 0)}" if q.target_pct is not None else ""
        if q.target_to_date_pct is not None:
            tail += f", {labels['to_date_short']} {fmt.percent(q.target_to_date_pct, lang)}"
            marks.append((q.target_to_date_pct, "╎"))
        if q.gap_pp is not None:
            tail += f", {labels['gap']} {fmt.points(q.gap_pp, lang)}"
        if q.through is not None:
            tail += f", {labels['through']} {fmt.long_date(q.through, lang)}"
        lines.append(f"{q.name:<7}{_bar(q.cumulative_pct, marks)} {value:>6}  ({tail})")
    legend = f"{'':7}█ {labels['cumulative'].lower()}  ┃ {labels['target'].lower()}"
    if any(q.target_to_date_pct is not None for q in quarters):
        legend += f"  ╎ {labels['target_to_date'].lower()}"
    lines.append(legend)
    return safe_text.Verbatim("\n".join(lines))


def units_text(
    units: list[UnitRow], markers: list[tuple[float, str]], lang: str = "id", tick_label: str = ""
) -> safe_text.Verbatim:
    """The unit chart as text: one bar per unit with its band mark; ``┆``/``┃`` at the band
    boundaries, ``│`` at a unit's own target."""
    chars = ["┆", "┃"]
    marks = [(value, chars[min(i, 1)]) for i, (value, _name) in enumerate(markers)]
    name_width = 36
    lines = [
        f"{_shorten(_plain(u.name), name_width):<{name_width}} {BAND_MARKS[u.band]} "
        f"{_bar(u.absorption_pct, marks + ([(u.target_pct, '│')] if u.target_pct is not None else []))} "
        f"{fmt.percent(u.absorption_pct, lang, 2):>7}"
        for u in units
    ]
    legend = "  ".join(f"{chars[min(i, 1)]} {_plain(name)}" for i, (_v, name) in enumerate(markers))
    if tick_label:
        legend += f"  │ {_plain(tick_label)}"
    lines.append(f"{'':{name_width}}   {legend}")
    return safe_text.Verbatim("\n".join(lines))


# --- rendering ----------------------------------------------------------------------------------
