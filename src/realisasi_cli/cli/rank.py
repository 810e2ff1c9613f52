"""``realisasi rank``: the units by absorption, the bottom 10 by default."""

from __future__ import annotations

from typing import Annotated

import typer

from realisasi_cli.cli.application import command
from realisasi_cli.cli.options import (
    AllOption,
    AsOfOption,
    BottomOption,
    CategoryOption,
    CsvDialectOption,
    FormatOption,
    Inputs,
    LangOption,
    LastYearOption,
    OutputOption,
    PendapatanOption,
    PlanOption,
    PreviousOption,
    QuietOption,
    RollupOption,
    StrictOption,
    TargetsOption,
    ThresholdOption,
    TopOption,
    UnitsOption,
    check_selection,
    parse_targets,
)
from realisasi_cli.cli.output import (
    TABULAR,
    Format,
    check_dialect,
    check_output,
    emit,
    emit_sheets,
    format_for,
    out,
    print_warnings,
    written,
)
from realisasi_cli.cli.run import prepare


@command()
def rank(
    inputs: Inputs,
    bottom: BottomOption = None,
    top: TopOption = None,
    all_units: AllOption = False,
    threshold: ThresholdOption = None,
    pendapatan: PendapatanOption = False,
    category: CategoryOption = None,
    fmt_: FormatOption = None,
    output: OutputOption = None,
    csv_dialect: CsvDialectOption = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    units: UnitsOption = None,
    quiet: QuietOption = False,
    previous: PreviousOption = None,
    with_pace: Annotated[
        bool, typer.Option("--pace", help="Add the monthly pace, year-end projection and pace needed.")
    ] = False,
    targets: TargetsOption = None,
    last_year: LastYearOption = None,
    plan: PlanOption = None,
) -> None:
    """Rank units by absorption (realisasi ÷ pagu): the bottom 10 by default."""
    check_selection(bottom, top, all_units)
    chosen = format_for(fmt_, output)
    check_dialect(csv_dialect, chosen)
    check_output(output, inputs + [p for p in (previous, last_year, plan) if p is not None])
    run = prepare(
        inputs,
        revenue=pendapatan,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        units=units,
        lang=lang,
        category=category,
        threshold=threshold,
        rollup=rollup,
        previous=previous,
        table=chosen is Format.table,
        last_year=last_year,
        plan=plan,
    )
    from realisasi_cli.metrics.evaluate import evaluate
    from realisasi_cli.present import report

    selection = report.Selection(bottom=bottom or run.config.bottom, top=top, all=all_units)
    goals = parse_targets(targets, run.config.targets_for(category))
    evaluation = evaluate(
        run.dataset,
        run.options,
        goals,
        run.previous,
        selection.bottom,
        paced=with_pace,
        by_quarter=False,
        plan=run.plan,
        stale_days=run.config.stale_days,
        last_year_data=run.last_year,
        expected=run.expected,
    )
    before = evaluation.last_year
    if before is not None:
        print_warnings(before.warnings, quiet, run.language)
    ranking, changes = evaluation.ranking, evaluation.changes
    total_pace = evaluation.pace if with_pace else None
    # what the units' dates call for first: it says how far the figures can be trusted
    print_warnings([*evaluation.warnings, *run.dataset.warnings], quiet, run.language)
    if chosen is Format.table:
        from realisasi_cli.present.tables import last_year_line, rank_lines, rank_table

        shown = report.selected_units(ranking, selection)
        table = rank_table(
            ranking, shown, run.language, out.width, changes, total_pace, evaluation.freshness, before
        )
        out.show(table.renderables())
        out.show(rank_lines(ranking, run.language, changes, total_pace))
        if before is not None:
            out.show([last_year_line(before, run.language)])
        return
    if chosen is Format.json:
        document = report.rank_json(
            ranking,
            run.dataset,
            selection,
            changes,
            total_pace,
            notices=evaluation.warnings,
            last_year=before,
            not_reported=evaluation.not_reported,
        )
        emit(report.to_json(document), output)
    elif chosen in TABULAR:
        from realisasi_cli.present.sheets import rank_sheets

        sheets = rank_sheets(
            evaluation,
            run.dataset,
            selection,
            run.language,
            government=run.config.government,
            previous=run.previous,
        )
        emit_sheets(chosen, sheets, output, csv_dialect)
    else:
        emit(report.rank_markdown(ranking, selection, run.language), output)
    written(output, quiet)
