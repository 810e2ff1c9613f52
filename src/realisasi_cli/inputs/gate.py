"""The gate: every file is sniffed and checked by its format before a reader opens it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError, os_reason
from realisasi_cli.inputs.discover import SUPPORTED_SUFFIXES
from realisasi_cli.inputs.limits import HEAD
from realisasi_cli.inputs.ole import check_ole
from realisasi_cli.inputs.sniff import sniff_kind
from realisasi_cli.inputs.zipgate import check_archive, refuse_zip_of_exports
from realisasi_cli.messages import Message, readable_name

if TYPE_CHECKING:
    from realisasi_cli.inputs.package import View


# --- the gate --------------------------------------------------------------------------------


@dataclass
class Checked:
    """A file that passed the checks: what it is, and what the checks found on the way."""

    kind: str  # xlsx, xlsb, ods, xls, or text, html, spreadsheetml for text saved as a workbook
    formulas: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # .ods, per sheet
    merges: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)  # .ods, per sheet
    # an .xlsx as calamine maps it (sheet names to parts): the reader's scan of the sheets' XML
    # starts from it instead of reading the map again
    view: View | None = None


def check_file(path: Path) -> Checked:
    """Sniff ``path`` and check it; raise ``UnreadableWorkbookError`` if no reader should open it."""
    suffix = path.suffix.lower()
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        # readers and tables hold names as UTF-8 text: the name is shown as Windows wrote it
        shown = readable_name(str(path))
        raise UnreadableWorkbookError(
            "E-NAME-NOT-UTF8", "H-RENAME-FILE", path=shown, name=Path(shown).name
        ) from None
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError as exc:
        raise UnreadableWorkbookError(
            "E-CANNOT-OPEN", "H-CANNOT-OPEN", path=path, reason=os_reason(exc)
        ) from exc
    if not head:
        raise UnreadableWorkbookError("E-EMPTY-FILE", "H-EXPORT-AGAIN", path=path)
    if suffix == ".zip" and sniff_kind(head) == "zip":
        refuse_zip_of_exports(path)
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableWorkbookError("E-NOT-SPREADSHEET", path=path)
    kind = sniff_kind(head)
    if kind.startswith("F-") and kind != "F-BINARY":
        what = Message(kind)
        raise UnreadableWorkbookError("E-FILE-TYPE", "H-SAVE-EXPORT", path=path, what=what, suffix=suffix[1:])
    if kind == "zip":
        kind, formulas, merges, view = check_archive(path)
        return Checked(kind, formulas, merges, view)
    if kind == "ole":
        check_ole(path)
        return Checked("xls")
    if kind in {"text", "html", "spreadsheetml"}:
        return Checked(kind)
    raise UnreadableWorkbookError("E-DAMAGED-KIND", "H-CHECK-EXPORT", path=path, kind=Message(kind))
