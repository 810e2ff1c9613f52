"""The Typer application, its global options, and the entry point ``main``."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from realisasi_cli import __version__
from realisasi_cli.cli.handler import handle_errors, state, stop_on_sigterm

app = typer.Typer(
    name="realisasi",
    help="Rank perangkat daerah by budget absorption, straight from realization exports.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold credentials
    add_completion=False,
)

F = TypeVar("F", bound=Callable[..., Any])


def command(name: str | None = None) -> Callable[[F], F]:
    """Register a command whose failures go through the one error handler."""

    def register(function: F) -> F:
        handled = handle_errors(function)
        app.command(name)(handled)
        return function

    return register


def _version(value: bool) -> None:
    if value:
        print(f"realisasi {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", metavar="FILE", help="Config file (realisasi.toml).", dir_okay=False),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", metavar="id|en", help="Language for people: id (default) or en.", show_default=False
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Read every file afresh, not the facts kept from earlier runs."),
    ] = False,
) -> None:
    """Rank perangkat daerah (SKPD/OPD) by budget absorption, from SIPD/SIMDA/e-Monev exports."""
    from realisasi_cli import messages
    from realisasi_cli.present.words import use_domain

    state.debug = debug
    state.config = config
    state.no_cache = no_cache
    from realisasi_cli.cli.localize import requested_language

    state.lang = lang.strip().lower() if lang and lang.strip().lower() in messages.LANGUAGES else None
    # the command line as the process got it may say it after the command (rank x.xlsx --lang en),
    # else REALISASI_LANG or the config
    given = [*sys.argv[1:], *(["--config", str(config)] if config else [])]
    messages.use(state.lang or requested_language(given))
    use_domain("belanja")


def keep_invoked_command(args: list[str]) -> None:
    """Register only the command that ``args`` names, if it names one.

    Typer builds every command's options on each run (~0.02 s for all of ours); a run of
    ``rank`` needs only rank's. Without a known command (``--help``, a typo) all stay, so
    the overview and the suggestions are complete. It changes ``app`` for the rest of the
    process: for ``main()``, which runs once.
    """
    values = iter(args)
    for arg in values:
        if arg == "--help":  # the overview, whatever follows
            return
        if arg == "--config":
            next(values, None)  # its value
        elif not arg.startswith("-"):
            chosen = [c for c in app.registered_commands if command_name(c) == arg]
            if chosen:
                app.registered_commands = chosen
            return


def command_name(info: typer.models.CommandInfo) -> str:
    """The name a registered command is called by."""
    from typer.main import get_command_name

    return info.name or (get_command_name(info.callback.__name__) if info.callback else "")


def main() -> None:
    """Console-script entry point."""
    if sys.platform == "win32":  # the Windows console is not UTF-8 by default
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure:
                reconfigure(encoding="utf-8", errors="replace")
    stop_on_sigterm()
    keep_invoked_command(sys.argv[1:])
    from realisasi_cli.cli import localize

    try:
        localize.main(app)
    finally:
        # What is still alive now lives until the process ends: spare the interpreter's
        # shutdown from scanning it all for reference cycles, again (~0.1 s).
        gc.freeze()
