"""Reading: a workbook or text file becomes raw cell grids, one per sheet, without assuming a header.

Every file passes ``inputs.gate.check_file`` before a reader opens it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from realisasi_cli.inputs.gate import check_file

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from realisasi_cli.reading.grid import Grid


def read_grids(path: Path, idle: Callable[[], None] | None = None) -> list[Grid]:
    """Every sheet of ``path`` as a grid; raise ``UnreadableWorkbookError`` if it cannot be read.

    ``idle`` runs beside calamine's parse of a workbook, on the core the parse leaves free.
    """
    from realisasi_cli.reading.text import read_text
    from realisasi_cli.reading.workbook import read_workbook

    checked = check_file(path)
    if checked.kind in {"text", "html", "spreadsheetml"}:
        return read_text(path, checked.kind)
    return read_workbook(path, checked.kind, checked.formulas, idle)
