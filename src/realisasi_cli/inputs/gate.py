"""The gate: every file is sniffed and checked by its format before a reader opens it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.discover import SUPPORTED_SUFFIXES
from realisasi_cli.inputs.limits import HEAD
from realisasi_cli.inputs.ole import check_ole
from realisasi_cli.inputs.sniff import sniff_kind
from realisasi_cli.inputs.zipgate import check_archive

if TYPE_CHECKING:
    pass


# --- the gate --------------------------------------------------------------------------------


@dataclass
class Checked:
    """A file that passed the checks: what it is, and what the checks found on the way."""

    kind: str  # xlsx, xlsb, ods, xls, or text, html, spreadsheetml for text saved as a workbook
    formulas: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # .ods, per sheet


def check_file(path: Path) -> Checked:
    """Sniff ``path`` and check it; raise ``UnreadableWorkbookError`` if no reader should open it."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError as exc:
        raise UnreadableWorkbookError(f"{path}: cannot be opened ({exc.strerror}).") from exc
    if not head:
        raise UnreadableWorkbookError(
            f"{path}: the file is empty.", "Export it again from the source system."
        )
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableWorkbookError(f"{path}: not a spreadsheet (.xlsx, .xlsm, .xls, .ods or .csv).")
    kind = sniff_kind(head)
    if kind == "zip":
        kind, formulas = check_archive(path)
        return Checked(kind, formulas)
    if kind == "ole":
        check_ole(path)
        return Checked("xls")
    if kind in {"text", "html", "spreadsheetml"}:
        return Checked(kind)
    raise UnreadableWorkbookError(
        f"{path}: damaged or not a spreadsheet ({kind}).",
        "Check that this is the export you meant, or export it again as .xlsx or .csv.",
    )
