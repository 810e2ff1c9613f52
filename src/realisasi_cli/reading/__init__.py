"""Reading: a workbook or text file becomes raw cell grids, one per sheet, without assuming a header.

Every file passes ``inputs.gate.check_file`` before a reader opens it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from realisasi_cli.reading.grid import Grid


def read_grids(path: Path, idle: Callable[[], None] | None = None) -> list[Grid]:
    """Every sheet of ``path`` as a grid; raise ``UnreadableWorkbookError`` if it cannot be read.

    ``idle`` runs beside calamine's parse of a workbook, on the core the parse leaves free.
    """
    # imported here: a run whose files' facts are all kept (``facts.cache``) reads no file, and
    # importing this package for its grids (an unpickled layout) leaves the gate unloaded
    from realisasi_cli.inputs.gate import check_file
    from realisasi_cli.reading.text import read_text
    from realisasi_cli.reading.workbook import read_workbook

    checked = check_file(path)
    if checked.kind in {"text", "html", "spreadsheetml"}:
        return read_text(path, checked.kind)
    return read_workbook(path, checked.kind, checked.formulas, idle, checked.view, checked.merges)
