"""``realisasi brief``: the briefing for the quarterly evaluation meeting, as Markdown, HTML or PDF,
and the follow-up worksheet (lembar tindak lanjut) that the meeting fills in and the next brief reads."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    dash_is_stdout,
    parse_date,
    parse_targets,
)
from realisasi_cli.cli.output import check_output, emit, print_warnings, written
from realisasi_cli.cli.run import prepare
from realisasi_cli.errors import UsageError

if TYPE_CHECKING:
    from realisasi_cli.metrics.units import RankOptions
    from realisasi_cli.present.brief_context import RevenueSection


class BriefFormat(StrEnum):
    """Output formats of ``brief``."""

    md = "md"
    html = "html"
    xlsx = "xlsx"  # the follow-up worksheet of the lowest units
    pdf = "pdf"


_SUFFIXES = {
    ".md": BriefFormat.md,
    ".markdown": BriefFormat.md,
    ".html": BriefFormat.html,
    ".htm": BriefFormat.html,
    ".xlsx": BriefFormat.xlsx,
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
    if not (0 <= low <= high <= 1000):  # percentages ("nan", "-5" or "1e9" are none)
        raise UsageError("E-BANDS", value=option)
    return low, high


def _revenue(
    inputs: list[Path], options: RankOptions, bottom: int, lang: str, as_of: str | None, strict: bool
) -> RevenueSection:
    """The brief's pendapatan section: the same inputs read for their account 4 lines."""
    from dataclasses import replace

    from realisasi_cli.cli.run import read_inputs
    from realisasi_cli.metrics.ranking import rank
    from realisasi_cli.present.briefing import revenue_section

    dataset, _config = read_inputs(inputs, as_of, strict, quiet=True, revenue=True)
    revenue = replace(options, domain="pendapatan", category=None)
    ranking = rank(dataset.budget, dataset.realization, dataset.sources, revenue, dataset.physical)
    return revenue_section(ranking, bottom, lang)


@command("brief")
def brief(
    inputs: Inputs,
    fmt_: Annotated[
        BriefFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="md, html, pdf, or xlsx for the follow-up worksheet (default: from -o's suffix, else md).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (.md, .html, .pdf, or .xlsx for the follow-up worksheet) "
            "instead of stdout.",
            dir_okay=False,
            callback=dash_is_stdout,
        ),
    ] = None,
    meeting_date: Annotated[
        str | None,
        typer.Option(
            "--meeting-date", metavar="YYYY-MM-DD", help="Date of the meeting (YYYY-MM-DD; default today)."
        ),
    ] = None,
    previous: PreviousOption = None,
    category: CategoryOption = None,
    lang: LangOption = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template",
            metavar="FILE",
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
            "--bands",
            metavar="LOW,HIGH",
            help="Colour band limits LOW,HIGH in % (default: threshold, quarter target).",
        ),
    ] = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    units: UnitsOption = None,
    plan: PlanOption = None,
    last_year: LastYearOption = None,
    pendapatan: Annotated[
        bool, typer.Option("--pendapatan", help="Add a section on pendapatan (account 4) against its target.")
    ] = False,
    followup: Annotated[
        Path | None,
        typer.Option(
            "--followup",
            metavar="FILE",
            exists=True,
            dir_okay=False,
            help="The follow-up worksheet filled in at the previous meeting (brief -o tindak-lanjut.xlsx): "
            "what was agreed for each unit beside its change since.",
        ),
    ] = None,
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
    given = (previous, template, plan, last_year, followup)
    check_output(output, [*inputs, *(p for p in given if p is not None)])
    if chosen is BriefFormat.xlsx and output is None:
        raise UsageError("E-OUTPUT-NEEDS-FILE", fmt=chosen.value)
    if template is not None:
        from realisasi_cli.inputs.discover import check_readable

        check_readable(template)  # a pipe or a device would never end
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
        stale_days=config.stale_days,
        expected=run.expected,
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
    if pendapatan:
        context.revenue = _revenue(inputs, run.options, bottom or config.bottom, language, as_of, strict)
    if followup is not None:
        from realisasi_cli.facts.followup import read_followup
        from realisasi_cli.present.followup import followup_section

        context.followup = followup_section(read_followup(followup), context)
    document: str | bytes
    if chosen is BriefFormat.xlsx and output is not None:  # without -o it was refused above
        from realisasi_cli.present.followup import followup_workbook

        document = followup_workbook(context, output.name)
    elif chosen is BriefFormat.pdf:
        from realisasi_cli.present.pdf import render_pdf

        document = render_pdf(context, template)
    else:
        document = render_brief(context, chosen.value, template)
    from realisasi_cli.present.briefing import noted

    print_warnings(noted(evaluation, dataset), quiet, language)  # what the document notes
    emit(document, output)
    written(output, quiet)
