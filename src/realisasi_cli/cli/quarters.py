"""``realisasi quarters``: per quarter (TW I–IV) against the targets or each unit's cash plan."""

from __future__ import annotations

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
    OutputOption,
    PendapatanOption,
    PlanOption,
    QuietOption,
    RollupOption,
    StrictOption,
    TargetsOption,
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
from realisasi_cli.errors import InputError


@command()
def quarters(
    inputs: Inputs,
    bottom: BottomOption = None,
    top: TopOption = None,
    all_units: AllOption = False,
    category: CategoryOption = None,
    pendapatan: PendapatanOption = False,
    targets: TargetsOption = None,
    plan: PlanOption = None,
    fmt_: FormatOption = None,
    output: OutputOption = None,
    csv_dialect: CsvDialectOption = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    units: UnitsOption = None,
    quiet: QuietOption = False,
) -> None:
    """Per quarter (TW I–IV): realized, cumulative, % of budget, target and gap, per unit and in total."""
    check_selection(bottom, top, all_units)
    chosen = format_for(fmt_, output)
    check_dialect(csv_dialect, chosen)
    check_output(output, inputs + ([plan] if plan is not None else []))
    run = prepare(
        inputs,
        revenue=pendapatan,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        units=units,
        lang=lang,
        category=category,
        rollup=rollup,
        table=chosen is Format.table,
        plan=plan,
    )
    from realisasi_cli.metrics.evaluate import date_warnings, evaluate
    from realisasi_cli.present import report

    dataset = run.dataset
    evaluation = evaluate(
        dataset,
        run.options,
        parse_targets(targets, run.config.targets_for(category)),
        paced=False,
        plan=run.plan,
    )
    result = evaluation.quarters
    if result is None:
        raise InputError("E-NO-DATED-REALIZATION", "H-GIVE-AS-OF")
    selection = report.Selection(bottom=bottom or run.config.bottom, top=top, all=all_units)
    # the data dates as rank says them (a date after today, not year-to-date, stale), but the
    # undated units: the quarters name those themselves (W-QUARTERS-UNDATED)
    dates = [w for w in date_warnings(evaluation.freshness, evaluation.stale_days) if w.code != "W-UNDATED"]
    document = report.quarters_json(result, dataset, selection, dates)
    print_warnings([*dates, *result.warnings, *dataset.warnings], quiet, run.language)
    if chosen is Format.table:
        from realisasi_cli.present.tables import quarters_table

        shown = report.data_dates(evaluation.freshness, result.as_of, run.language)
        out.show(quarters_table(document, run.language, category, out.width, shown).renderables())
        return
    if chosen is Format.json:
        emit(report.to_json(document), output)
    elif chosen in TABULAR:
        from realisasi_cli.present.sheets import quarters_sheets

        sheets = quarters_sheets(
            result, dataset, selection, run.language, category=category, government=run.config.government
        )
        emit_sheets(chosen, sheets, output, csv_dialect)
    else:
        emit(report.quarters_markdown(result, document, category, run.language), output)
    written(output, quiet)
