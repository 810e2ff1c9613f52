"""``realisasi brief``: the briefing for the quarterly evaluation meeting, as Markdown or HTML."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from realisasi_cli.cli import (
    LABELS,
    Inputs,
    Lang,
    _check_output,
    _emit,
    _load,
    _print_warnings,
    app,
    err,
    handle_errors,
    parse_targets,
)
from realisasi_cli.errors import UsageError


class BriefFormat(StrEnum):
    """Output formats of ``brief``."""

    md = "md"
    html = "html"


_SUFFIXES = {
    ".md": BriefFormat.md,
    ".markdown": BriefFormat.md,
    ".html": BriefFormat.html,
    ".htm": BriefFormat.html,
}


def _brief_format(chosen: BriefFormat | None, output: Path | None) -> BriefFormat:
    if chosen is not None:
        return chosen
    if output is None:
        return BriefFormat.md
    found = _SUFFIXES.get(output.suffix.lower())
    if found is None:
        raise UsageError(f"{output}: cannot tell the format from the suffix; add --format md or html.")
    return found


def _date_option(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} {value!r}: expected a date like 2023-11-15.") from None


def _bands(option: str | None) -> tuple[float, float] | None:
    if option is None:
        return None
    try:
        low, high = sorted(float(v) for v in option.replace(";", ",").split(","))
    except ValueError:
        raise UsageError(f"--bands {option!r}: give two percentages, e.g. 57,65.") from None
    return low, high


@app.command("brief")
@handle_errors
def brief(
    inputs: Inputs,
    fmt_: Annotated[
        BriefFormat | None,
        typer.Option("--format", "-f", help="md or html (default: from -o's suffix, else md)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (.md or .html) instead of stdout.", dir_okay=False
        ),
    ] = None,
    meeting_date: Annotated[
        str | None, typer.Option("--meeting-date", help="Date of the meeting (YYYY-MM-DD; default today).")
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", exists=True, help="An earlier export: show the change since then."),
    ] = None,
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Only one spending category (as for rank).")
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Language: id (default) or en.")] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", exists=True, dir_okay=False, help="Your own Jinja2 template (copy a shipped one)."
        ),
    ] = None,
    bottom: Annotated[
        int | None,
        typer.Option("--bottom", "-n", min=1, help="How many lowest units to discuss (default 10)."),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option("--threshold", help="Absorption threshold in % (default 57).")
    ] = None,
    targets: Annotated[
        str | None, typer.Option("--targets", help="Cumulative targets % for TW I–IV (default 15,40,65,95).")
    ] = None,
    bands: Annotated[
        str | None,
        typer.Option(
            "--bands", help="Colour band limits LOW,HIGH in % (default: threshold, quarter target)."
        ),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Data as of this date (YYYY-MM-DD).")] = None,
    rollup: Annotated[bool, typer.Option("--rollup", help="Fold sub-units into their SKPD.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Fail if any input cannot be used.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings on the terminal.")] = False,
) -> None:
    """The briefing for the evaluation meeting: summary, categories, ranking, lowest units, charts."""
    from realisasi_cli.analysis import evaluate
    from realisasi_cli.briefing import Bands, build_brief, render_brief
    from realisasi_cli.load import expand_inputs, load
    from realisasi_cli.metrics import RankOptions
    from realisasi_cli.vocabulary import CATEGORIES

    if category is not None and category not in CATEGORIES:
        raise UsageError(f"--category {category!r}: use one of {', '.join(CATEGORIES)}.")
    chosen = _brief_format(fmt_, output)
    meeting = _date_option("--meeting-date", meeting_date) or date.today()
    limits = _bands(bands)
    _check_output(output, [*inputs, *([previous] if previous else []), *([template] if template else [])])
    dataset, config = _load(inputs, as_of, strict, quiet)
    language = lang.value if lang else (config.lang if config.lang in LABELS else "id")
    goals = parse_targets(targets, config.targets)
    options = RankOptions(
        category=category,
        threshold=threshold if threshold is not None else config.threshold,
        aliases=config.units,
        rollup=rollup,
    )
    earlier = (
        load(expand_inputs([previous]), strict=strict, overrides=config.layout_for)
        if previous is not None
        else None
    )
    evaluation = evaluate(dataset, options, goals, previous=earlier, bottom=bottom or config.bottom)
    context = build_brief(
        evaluation,
        dataset,
        government=config.government,
        meeting_date=meeting,
        lang=language,
        bands=Bands(*limits) if limits else None,
        previous=earlier,
    )
    text = render_brief(context, chosen.value, template)
    _print_warnings(dataset, quiet, language)
    _emit(text, output)
    if output is not None and not quiet:
        err.print(f"written: {output}")
