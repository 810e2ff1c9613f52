"""``realisasi brief``: the briefing for the quarterly evaluation meeting, as Markdown, HTML or PDF."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from realisasi_cli.cli.application import command
from realisasi_cli.cli.options import (
    AsOfOption,
    BottomOption,
    CategoryOption,
    Inputs,
    LangOption,
    LastYearOption,
    PlanOption,
    PreviousOption,
    QuietOption,
    RollupOption,
    StrictOption,
    TargetsOption,
    ThresholdOption,
    UnitsOption,
    parse_date,
    parse_targets,
)
from realisasi_cli.cli.output import check_output, emit, print_warnings, written
from realisasi_cli.cli.run import prepare
from realisasi_cli.errors import UsageError


class BriefFormat(StrEnum):
    """Output formats of ``brief``."""

    md = "md"
    html = "html"
    pdf = "pdf"


_SUFFIXES = {
    ".md": BriefFormat.md,
    ".markdown": BriefFormat.md,
    ".html": BriefFormat.html,
    ".htm": BriefFormat.html,
    ".pdf": BriefFormat.pdf,
}


def _brief_format(chosen: BriefFormat | None, output: Path | None) -> BriefFormat:
    if chosen is not None:
        return chosen
    if output is None:
        return BriefFormat.md
    found = _SUFFIXES.get(output.suffix.lower())
    if found is None:
        raise UsageError("E-BRIEF-SUFFIX", path=output)
    return found


def _bands(option: str | None) -> tuple[float, float] | None:
    if option is None:
        return None
    try:
        low, high = sorted(float(v) for v in option.replace(";", ",").split(","))
    except ValueError:
        raise UsageError("E-BANDS", value=option) from None
    return low, high


@command("brief")
def brief(
    inputs: Inputs,
    fmt_: Annotated[
        BriefFormat | None,
        typer.Option("--format", "-f", help="md, html or pdf (default: from -o's suffix, else md)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (.md, .html or .pdf) instead of stdout.",
            dir_okay=False,
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
            "--template",
            exists=True,
            dir_okay=False,
            help="Your own template (copy a shipped one): Jinja2 for md and html, Typst for pdf.",
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
    units: UnitsOption = None,
    plan: PlanOption = None,
    last_year: LastYearOption = None,
    quiet: QuietOption = False,
) -> None:
    """The briefing for the evaluation meeting: summary, categories, ranking, lowest units, charts."""
    from realisasi_cli.metrics.evaluate import evaluate
    from realisasi_cli.present.brief_context import Bands
    from realisasi_cli.present.briefing import build_brief, render_brief

    chosen = _brief_format(fmt_, output)
    if chosen is BriefFormat.pdf and output is None:
        raise UsageError("E-OUTPUT-NEEDS-FILE", fmt=chosen.value)
    meeting = parse_date("--meeting-date", meeting_date) or date.today()
    limits = _bands(bands)
    check_output(output, [*inputs, *(p for p in (previous, template, plan, last_year) if p is not None)])
    run = prepare(
        inputs,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        units=units,
        lang=lang,
        category=category,
        threshold=threshold,
        rollup=rollup,
        previous=previous,
        plan=plan,
        last_year=last_year,
    )
    dataset, config, language, earlier = run.dataset, run.config, run.language, run.previous
    goals = parse_targets(targets, config.targets_for(category))
    options = run.options
    evaluation = evaluate(
        dataset,
        options,
        goals,
        previous=earlier,
        bottom=bottom or config.bottom,
        plan=run.plan,
        last_year_data=run.last_year,
    )
    context = build_brief(
        evaluation,
        dataset,
        government=config.government,
        meeting_date=meeting,
        lang=language,
        bands=Bands(*limits) if limits else None,
        previous=earlier,
        category_targets=config.category_targets,
        settings=config.brief,
    )
    if chosen is BriefFormat.pdf:
        from realisasi_cli.present.pdf import render_pdf

        document: str | bytes = render_pdf(context, template)
    else:
        document = render_brief(context, chosen.value, template)
    print_warnings(dataset.warnings, quiet, language)
    emit(document, output)
    written(output, quiet)
