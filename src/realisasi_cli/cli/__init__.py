"""The command line: one module per command on a shared app, options, output and error handler.

The core never imports this package; commands parse options, call the core, and choose
where its results go. Importing a command module registers its command on ``app``.
"""

from __future__ import annotations

from realisasi_cli.cli import brief, facts, inspect, quarters, rank, summary
from realisasi_cli.cli.application import app, main

# the overview lists the commands in the order of a user's day, not alphabetically
ORDER = ("rank", "quarters", "facts", "inspect", "brief", "summary")
app.registered_commands.sort(key=lambda c: ORDER.index(c.name or (c.callback.__name__ if c.callback else "")))

__all__ = ["app", "brief", "facts", "inspect", "main", "quarters", "rank", "summary"]
