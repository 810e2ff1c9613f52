"""Which files are read: folders expanded, the tool's own outputs left out."""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from realisasi_cli.errors import InputError, UsageError
from realisasi_cli.inputs.archive import ZIP_ERRORS, Damaged, read_part

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
FOLDER_SUFFIXES = WORKBOOK_SUFFIXES | {".csv", ".tsv"}  # not .txt: folders hold notes too
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES
ARCHIVE_SUFFIXES = {".zip", ".rar", ".7z"}  # downloads of several exports, to extract first
# entries of a folder's subfolders looked at (in all), down to this depth, to tell which hold exports
_LOOK_ENTRIES = 20_000
_LOOK_DEPTH = 3

# The custom document property every workbook this tool writes carries (export.xlsx_bytes).
OUTPUT_PROPERTY = "realisasi"


def written_by_realisasi(path: Path) -> bool:
    """Whether ``path`` is a workbook this tool wrote (``-o peringkat.xlsx``, an e-mail attachment)."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return False
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            # inflated in bounded pieces: this runs before the file's checks
            custom = read_part(handle, archive.getinfo("docProps/custom.xml"), limit=1 << 20)
        return f'name="{OUTPUT_PROPERTY}"'.encode() in custom
    except (Damaged, *ZIP_ERRORS):
        return False


def kind_of(mode: int) -> str | None:
    """What a path of this ``st_mode`` is when it is not a file, as a code of the catalogue
    (``F-FOLDER``, ``F-PIPE``, ``F-DEVICE``, ``F-SOCKET``); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "F-FOLDER"
    if stat.S_ISFIFO(mode):
        return "F-PIPE"
    if stat.S_ISSOCK(mode):
        return "F-SOCKET"
    return "F-DEVICE"  # character or block device (/dev/zero, /dev/stdin, NUL), or stranger still


def check_readable(path: Path) -> None:
    """Refuse an input that is neither a file nor a folder: reading a pipe or a device (a FIFO,
    ``/dev/stdin``, ``/dev/zero``) would wait forever or never end.

    A path that does not exist is left to the caller, which names it as such.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    kind = kind_of(mode)
    if kind is None or kind == "F-FOLDER":
        return
    from realisasi_cli.messages import Message

    raise UsageError("E-NOT-A-FILE", path=path, kind=Message(kind))


@dataclass(frozen=True)
class LeftOut:
    """A path in a folder given as input that is not read, and the warning that says why:
    ``W-OWN-OUTPUT`` (a workbook this tool wrote), ``W-SUBFOLDER-NOT-READ`` (a folder of
    exports inside it), ``W-ARCHIVE-NOT-READ`` (a .zip of exports)."""

    path: Path
    code: str


def _skipped_name(path: Path) -> bool:
    """Office's lock files (``~$lra.xlsx``), hidden files and folders, macOS's archive leftovers."""
    return path.name.startswith(("~$", ".")) or path.name == "__MACOSX"


def _holds_exports(folder: Path, budget: list[int]) -> bool:
    """Whether ``folder`` or a folder under it (a few levels down) holds a file that would be read
    were it given; links to folders are not followed. Each entry looked at spends one of
    ``budget`` (shared by a folder's subfolders, so that a tree of thousands of folders is not
    walked whole): none left, the answer is no."""
    pending = [(folder, 0)]
    while pending:
        current, depth = pending.pop()
        try:
            entries = list(current.iterdir())
        except OSError:
            continue
        for entry in entries:
            budget[0] -= 1
            if budget[0] < 0:
                return False
            if _skipped_name(entry):
                continue
            if entry.suffix.lower() in FOLDER_SUFFIXES and entry.is_file():
                return True
            if depth < _LOOK_DEPTH and entry.is_dir() and not entry.is_symlink():
                pending.append((entry, depth + 1))
    return False


def _folder_files(folder: Path, left_out: list[LeftOut]) -> list[Path]:
    """The exports directly in ``folder``, by name; what else it holds that looks like exports
    (subfolders of them, archives, this tool's outputs) goes to ``left_out``."""
    found: list[Path] = []
    budget = [_LOOK_ENTRIES]
    for p in sorted(folder.iterdir()):
        if _skipped_name(p):
            continue
        suffix = p.suffix.lower()
        if p.is_dir():
            if not p.is_symlink() and _holds_exports(p, budget):
                left_out.append(LeftOut(p, "W-SUBFOLDER-NOT-READ"))
            continue
        if not p.is_file():
            continue
        if suffix in ARCHIVE_SUFFIXES:
            left_out.append(LeftOut(p, "W-ARCHIVE-NOT-READ"))
        elif suffix in FOLDER_SUFFIXES:
            if written_by_realisasi(p):
                left_out.append(LeftOut(p, "W-OWN-OUTPUT"))
            else:
                found.append(p)
    return found


def expand_inputs(paths: list[Path], left_out: list[LeftOut] | None = None) -> list[Path]:
    """Files as given, and the spreadsheets directly inside folders (sorted by name).

    A folder's workbooks that this tool wrote (last week's ``-o exports/peringkat.xlsx``),
    its subfolders of exports and its archives are not read: they are added to ``left_out``,
    for a warning each. A folder whose exports are all in subfolders or archives is refused
    with the way to give them.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            notes: list[LeftOut] = []
            found = _folder_files(path, notes)
            if not found:
                _refuse_folder(path, notes)
            files.extend(found)
            if left_out is not None:
                left_out.extend(notes)
        elif path.exists():
            check_readable(path)
            files.append(path)
        else:
            raise UsageError("E-NO-SUCH-PATH", path=path)
    return files


def _refuse_folder(path: Path, notes: list[LeftOut]) -> None:
    """Why a folder gives no file to read, with what to give instead."""
    subfolders = [n.path for n in notes if n.code == "W-SUBFOLDER-NOT-READ"]
    archives = [n.path for n in notes if n.code == "W-ARCHIVE-NOT-READ"]
    if subfolders:
        shown = [p.name for p in subfolders[:3]]
        raise InputError(
            "E-EXPORTS-IN-SUBFOLDERS",
            "H-GIVE-SUBFOLDERS",
            path=path,
            n=len(subfolders),
            names=shown,
            example=str(subfolders[0]),
        )
    if archives:
        shown = [p.name for p in archives[:3]]
        raise InputError("E-EXPORTS-IN-ARCHIVES", "H-EXTRACT-HERE", path=path, n=len(archives), names=shown)
    raise InputError("E-EMPTY-FOLDER", path=path)
