"""The console script's entry: ``realisasi --version`` is answered before the command line is built.

Building it imports Typer and every command's module (~0.1 s); a scheduler or an installer
asking for the version needs none of it.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        from realisasi_cli import __version__

        print(f"realisasi {__version__}")
        return
    from realisasi_cli.cli.application import main as run

    run()
