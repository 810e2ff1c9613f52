"""``realisasi brief``: the briefing for the quarterly evaluation meeting, as Markdown or HTML."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from realisasi_cli.cli import (
    AsOfOption,
    BottomOption,
    CategoryOption,
    Inputs,
    LangOption,
    PreviousOption,
    QuietOption,
    RollupOption,
    StrictOption,
    TargetsOption,
    ThresholdOption,
    _check_output,
    _emit,
    _prepare,
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
    previous: PreviousOption = None,
    category: CategoryOption = None,
    lang: LangOption = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", exists=True, dir_okay=False, help="Your own Jinja2 template (copy a shipped one)."
        ),
    ] = None,
    bottom: BottomOption = None,
    threshold: ThresholdOption = None,
    targets: TargetsOption = None,
    bands: Annotated[
        str | None,
        typer.Option(
            "--bands", help="Colour band limits LOW,HIGH in % (default: threshold, quarter target)."
        ),
    ] = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
) -> None:
    """The briefing for the evaluation meeting: summary, categories, ranking, lowest units, charts."""
    from realisasi_cli.analysis import evaluate
    from realisasi_cli.briefing import Bands, build_brief, render_brief

    chosen = _brief_format(fmt_, output)
    meeting = _date_option("--meeting-date", meeting_date) or date.today()
    limits = _bands(bands)
    _check_output(output, [*inputs, *([previous] if previous else []), *([template] if template else [])])
    run = _prepare(
        inputs,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        lang=lang,
        category=category,
        threshold=threshold,
        rollup=rollup,
        previous=previous,
    )
    dataset, config, language, earlier = run.dataset, run.config, run.language, run.previous
    goals = parse_targets(targets, config.targets)
    options = run.options
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
