"""Which files are read: folders expanded, the tool's own outputs left out."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from realisasi_cli.errors import InputError, UsageError
from realisasi_cli.inputs.archive import ZIP_ERRORS, Damaged, read_part

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}
FOLDER_SUFFIXES = WORKBOOK_SUFFIXES | {".csv", ".tsv"}  # not .txt: folders hold notes too
SUPPORTED_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_SUFFIXES

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


def expand_inputs(paths: list[Path], left_out: list[Path] | None = None) -> list[Path]:
    """Files as given, and the spreadsheets inside folders (sorted by name).

    A folder's workbooks that this tool wrote (last week's ``-o exports/peringkat.xlsx``)
    are not exports: they are left out, and added to ``left_out``.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = []
            for p in sorted(path.iterdir()):
                if (
                    not p.is_file()
                    or p.suffix.lower() not in FOLDER_SUFFIXES
                    or p.name.startswith(("~$", "."))
                ):
                    continue
                if written_by_realisasi(p):
                    if left_out is not None:
                        left_out.append(p)
                    continue
                found.append(p)
            if not found:
                raise InputError("E-EMPTY-FOLDER", path=path)
            files.extend(found)
        elif path.exists():
            check_readable(path)
            files.append(path)
        else:
            raise UsageError("E-NO-SUCH-PATH", path=path)
    return files
