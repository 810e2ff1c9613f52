"""``realisasi inspect``: how each file and sheet was understood, and why."""

from __future__ import annotations

from typing import Annotated

import typer

from realisasi_cli import messages
from realisasi_cli.cli.application import command
from realisasi_cli.cli.options import Inputs, LangOption, OutputOption
from realisasi_cli.cli.output import Format, check_output, emit, emit_sheets, format_for, out, written
from realisasi_cli.cli.run import read_inputs, refusal, use_language
from realisasi_cli.errors import UsageError


@command()
def inspect(
    inputs: Inputs,
    fmt_: Annotated[
        Format | None, typer.Option("--format", "-f", help="table (default), json, or xlsx (with -o).")
    ] = None,
    output: OutputOption = None,
    lang: LangOption = None,
) -> None:
    """Show how each file and sheet was understood: header, column roles, context, rows used."""
    use_language(lang)
    chosen = format_for(fmt_, output, (Format.table, Format.json, Format.xlsx))
    if chosen not in (Format.table, Format.json, Format.xlsx):
        raise UsageError("E-INSPECT-FORMAT", fmt=chosen.value)
    if chosen is Format.table and output is not None:
        raise UsageError("E-INSPECT-TABLE-FILE")
    check_output(output, inputs)
    from realisasi_cli.present.inspect import inspect_json, inspect_tables
    from realisasi_cli.present.report import to_json

    dataset, config = read_inputs(inputs, None, strict=False, explain=True)
    if chosen is Format.json:
        emit(to_json(inspect_json(dataset), default=str), output)
    elif chosen is Format.xlsx:
        from realisasi_cli.present.sheets import inspect_sheets

        emit_sheets(chosen, inspect_sheets(dataset, messages.current()), output)
    else:
        out.show(inspect_tables(dataset, messages.current()))
    if output is not None:
        written(output, False)
    # what was understood is shown; why the files cannot be ranked comes last, as the error
    refused = refusal(inputs, dataset, config)
    if refused is not None:
        raise refused
