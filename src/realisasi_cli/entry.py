"""The console script's entry: ``realisasi --version`` is answered before the command line is built.

Building it imports Typer and every command's module (~0.1 s); a scheduler or an installer
asking for the version needs none of it.
"""

from __future__ import annotations

import os
import sys


def tolerant_output() -> None:
    """Standard output and error that cannot fail on a character their encoding lacks.

    On Windows a redirected run (``realisasi rank exports > hasil.txt``, a scheduled task's log)
    writes in the code page (cp1252, cp437), which has no ``Δ``, ``▼`` or ``…``: a file or a
    pipe is written in UTF-8 instead, as Python's UTF-8 mode would, unless ``PYTHONIOENCODING``
    chose its encoding; a console, or an encoding chosen so, gets ``?`` for what it cannot show.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding in ("utf8", "utf8sig") or reconfigure is None:
            continue
        try:
            redirected = not stream.isatty()
        except (OSError, ValueError):
            redirected = True
        if redirected and "PYTHONIOENCODING" not in os.environ:
            reconfigure(encoding="utf-8")
        else:
            reconfigure(errors="replace")


def main() -> None:
    """Console-script entry point."""
    tolerant_output()
    if sys.argv[1:] == ["--version"]:
        from realisasi_cli import __version__

        print(f"realisasi {__version__}")
        return
    from realisasi_cli.cli.application import main as run

    run()
