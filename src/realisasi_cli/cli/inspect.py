"""``realisasi inspect``: how each file and sheet was understood, and why."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from realisasi_cli.cli.application import command
from realisasi_cli.cli.options import Inputs
from realisasi_cli.cli.output import Format, emit, out
from realisasi_cli.cli.run import read_inputs


@command()
def inspect(
    inputs: Inputs,
    fmt_: Annotated[Format | None, typer.Option("--format", "-f", help="table (default) or json.")] = None,
) -> None:
    """Show how each file and sheet was understood: header, column roles, context, rows used."""
    from realisasi_cli.present.inspect import inspect_json, inspect_tables

    dataset, _config = read_inputs(inputs, None, strict=False, explain=True)
    if fmt_ is Format.json:
        emit(json.dumps(inspect_json(dataset), ensure_ascii=False, indent=2, default=str), None)
    else:
        out.show(inspect_tables(dataset))
