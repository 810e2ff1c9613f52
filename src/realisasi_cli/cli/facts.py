"""``realisasi facts``: the normalized facts as Parquet, for DuckDB, Spark or Polars."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from realisasi_cli import messages
from realisasi_cli.cli.application import command
from realisasi_cli.cli.options import AsOfOption, Inputs, QuietOption, StrictOption
from realisasi_cli.cli.output import check_output, print_warnings, say
from realisasi_cli.cli.run import read_inputs
from realisasi_cli.errors import NO_SPACE, OutputError, UsageError, os_reason
from realisasi_cli.messages import Message


@command()
def facts(
    inputs: Inputs,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="DIR", help="Folder for the Parquet files.", file_okay=False),
    ],
    as_of: AsOfOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Read the files on a Dask cluster: its scheduler's address (tcp://host:8786); "
            "needs the dask extra of realisasi, and the files where the workers see them.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the facts as a Parquet dataset partitioned by year and data date (DuckDB, Spark, Polars)."""
    from contextlib import nullcontext

    from realisasi_cli.facts.parallel import dask_cluster
    from realisasi_cli.present.export import foreign_files, write_facts

    check_output(output, inputs, folder=True)
    foreign = foreign_files(output)
    if foreign:
        # the folder is replaced whole: only one that facts wrote (or an empty one) may be
        raise UsageError("E-FACTS-FOLDER-FOREIGN", path=output, names=foreign[:5], n=len(foreign))
    if scheduler is not None:
        # the workers open the files: a path relative to this folder means nothing to them
        inputs = [path.absolute() for path in inputs]
    with dask_cluster(scheduler) if scheduler is not None else nullcontext() as cluster:
        dataset, _config = read_inputs(inputs, as_of, strict, quiet, cluster=cluster)
    try:
        counts = write_facts(dataset, output)
    except OSError as exc:
        hint = "H-OUTPUT-SPACE" if exc.errno in NO_SPACE else "H-OUTPUT-CLOSE"
        raise OutputError("E-OUTPUT-WRITE", hint, path=output, reason=os_reason(exc)) from exc
    print_warnings(dataset.warnings, quiet, messages.current())
    if not quiet:
        rows = [Message("N-ROWS-OF", {"name": name, "n": n}) for name, n in counts.items() if n]
        say(None, Message("N-WRITTEN-FACTS", {"path": output, "rows": rows}))
