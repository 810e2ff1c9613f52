"""Start-up work handed to the core calamine leaves idle.

calamine's parse of a workbook releases the GIL and keeps one core busy. A run hands over
work it will need once the sheet is read (the next stages' imports, its output's imports and
locale data), so that the other core does it meanwhile. The readers know nothing of what the
work is: ``Beside`` is the ``idle`` hook they run beside a parse.
"""

from __future__ import annotations

import importlib
import io
import logging
import threading
from collections.abc import Callable

# What every read needs once its sheets are parsed, then what every report needs.
PIPELINE = ("realisasi_cli.detect.sheet", "realisasi_cli.facts.normalize")
REPORTS = ("realisasi_cli.metrics.evaluate", "realisasi_cli.present.report")


class Beside:
    """Tasks run once, in the worker thread of the first workbook parse that takes them.

    A task that fails is logged and left for the command to meet again; tasks no workbook
    took (a CSV, a refused file) are simply not run.
    """

    def __init__(self, *tasks: Callable[[], object]) -> None:
        self._tasks = list(tasks)
        self._lock = threading.Lock()

    def add(self, task: Callable[[], object]) -> None:
        """One more task, after those already given."""
        with self._lock:
            self._tasks.append(task)

    def __bool__(self) -> bool:
        """Whether tasks are left: a parse with nothing to run beside it starts no thread."""
        with self._lock:
            return bool(self._tasks)

    def __call__(self) -> None:
        with self._lock:
            tasks, self._tasks = self._tasks, []
        for task in tasks:
            try:
                task()
            except Exception:  # the command does this work again, and reports what fails
                logging.getLogger(__name__).debug("work beside the parse failed", exc_info=True)


def imports(*modules: str) -> Callable[[], None]:
    """A task importing ``modules``: their regexes compile on the idle core."""

    def run() -> None:
        for module in modules:
            importlib.import_module(module)

    return run


def ready_table() -> None:
    """Import Rich's console and table and render one: what printing a table needs."""
    from rich.console import Console
    from rich.table import Table

    from realisasi_cli.cli.output import err, out
    from realisasi_cli.present import tables

    table = Table(title="-", caption="-")
    table.add_column("-", justify="right")
    table.add_row("[red]-[/]")
    Console(file=io.StringIO(), width=40).print(table)
    _ = out.rich, err.rich, tables
