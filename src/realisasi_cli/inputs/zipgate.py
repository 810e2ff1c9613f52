"""The checks of a zip workbook: zip bombs, passwords, sheet counts, and each sheet's extent by format."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, NoReturn

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import ZIP_ERRORS, Damaged, damaged_error, inflate_member, read_part
from realisasi_cli.inputs.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_SHEETS,
    MAX_UNCOMPRESSED_BYTES,
    check_extent,
)
from realisasi_cli.inputs.ods import OdsExtent
from realisasi_cli.inputs.xlsb import XlsbExtent, xlsb_sheets
from realisasi_cli.inputs.xlsx import check_xml_sheet, part_names, relationship_targets, xml_sheets
from realisasi_cli.messages import Message

if TYPE_CHECKING:
    pass

# an archive holding these is a folder of exports zipped, not a workbook
_EXPORT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def check_archive(path: Path) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    """Check a zip workbook before calamine opens it.

    Returns its kind (xlsx, xlsb or ods) and, for .ods, the formula cells saved without a result.
    """
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        raise damaged_error(path, Message("D-ZIP")) from exc
    try:
        with archive, path.open("rb") as handle:
            return _check_members(path, archive, handle)
    except Damaged as exc:
        raise damaged_error(path, exc.detail) from exc
    except ZIP_ERRORS as exc:
        raise damaged_error(path, Message("D-ZIP")) from exc


def refuse_zip_of_exports(path: Path) -> NoReturn:
    """A .zip given as an input: name the exports it holds and say to extract them."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()[:10_000]}
    except ZIP_ERRORS as exc:
        raise damaged_error(path, Message("D-ZIP")) from exc
    _refuse_other_archive(path, members)


def _kind_of(path: Path, members: dict[str, zipfile.ZipInfo]) -> str:
    """xlsx, xlsb or ods, by the parts the archive holds; any other archive is refused."""
    for part, kind in (("xl/workbook.xml", "xlsx"), ("xl/workbook.bin", "xlsb"), ("content.xml", "ods")):
        if part in members:
            return kind
    _refuse_other_archive(path, members)


def _refuse_other_archive(path: Path, members: dict[str, zipfile.ZipInfo]) -> NoReturn:
    """An archive that is not a workbook: a Word or PowerPoint file, exports zipped, or else."""
    for part, what in (("word/document.xml", "F-WORD"), ("ppt/presentation.xml", "F-POWERPOINT")):
        if part in members:
            raise UnreadableWorkbookError(
                "E-FILE-TYPE", "H-SAVE-EXPORT", path=path, what=Message(what), suffix=path.suffix.lower()[1:]
            )
    exports = [n for n in members if n.lower().endswith(_EXPORT_SUFFIXES)]
    if exports:
        names = [PurePosixPath(n).name for n in exports[:3]] + (["…"] if len(exports) > 3 else [])
        raise UnreadableWorkbookError("E-ZIP-OF-EXPORTS", "H-EXTRACT", path=path, n=len(members), names=names)
    raise UnreadableWorkbookError("E-ZIP-ARCHIVE", "H-EXTRACT", path=path, n=len(members))


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse encrypted members, unusual compression, and archives that would inflate absurdly."""
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnreadableWorkbookError("E-PASSWORD", "H-PASSWORD", path=path)
    unusual = {info.compress_type for info in infos} - {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    if unusual:
        raise Damaged("D-COMPRESSION", method=min(unusual))
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    worst = max(
        (info.file_size / max(info.compress_size, 1) for info in infos if info.file_size > 1 << 20),
        default=0.0,
    )
    if total > 16 << 20:
        worst = max(worst, total / max(packed, 1))
    if total > MAX_UNCOMPRESSED_BYTES or worst > MAX_COMPRESSION_RATIO:
        raise UnreadableWorkbookError(
            "E-ZIP-BOMB", "H-RESAVE-GENUINE", path=path, megabytes=round(total / 1024**2), ratio=round(worst)
        )


def _check_members(
    path: Path, archive: zipfile.ZipFile, handle: IO[bytes]
) -> tuple[str, dict[str, list[tuple[int, int]]]]:
    infos = archive.infolist()
    members = {info.filename: info for info in infos}
    kind = _kind_of(path, members)
    _check_sizes(path, infos)
    sheets = _sheet_members(path, kind, members, handle)
    if len(sheets) > MAX_SHEETS:
        raise UnreadableWorkbookError("E-TOO-MANY-SHEETS", "H-RESAVE", path=path, n=len(sheets))
    work = sum(members[part].file_size for _name, part in sheets if part in members)
    if work > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableWorkbookError(
            "E-TOO-MUCH-XML", "H-RESAVE", path=path, megabytes=round(work / 1024**2)
        )
    names = {n: n for n in members if n.startswith("xl/worksheets/") and n.endswith((".xml", ".bin"))}
    names.update({part: name for name, part in sheets})
    # Every member is inflated once, in bounded pieces, so that a size that lies is caught
    # before calamine trusts it; the sheets' cells are measured on the way.
    formulas: dict[str, list[tuple[int, int]]] = {}
    for info in infos:
        sheet = names.get(info.filename)
        if sheet is None:
            for _chunk in inflate_member(handle, info):
                pass
            continue
        if kind == "ods":
            ods = OdsExtent(path)
            for chunk in inflate_member(handle, info):
                ods.feed(chunk)
            ods.finish()
            formulas = ods.formulas
        elif kind == "xlsb":
            xlsb = XlsbExtent()
            for chunk in inflate_member(handle, info):
                xlsb.feed(chunk)
            check_extent(path, sheet, xlsb.max_row, xlsb.max_col, xlsb.filled)
        else:
            check_xml_sheet(path, sheet, handle, info)
    return kind, formulas


def _sheet_members(
    path: Path, kind: str, members: dict[str, zipfile.ZipInfo], handle: IO[bytes]
) -> list[tuple[str, str]]:
    """(sheet name, archive member) for every sheet the workbook lists, as calamine finds them."""
    if kind == "ods":
        return [("content.xml", "content.xml")]
    rels_name = "xl/_rels/workbook.xml.rels" if kind == "xlsx" else "xl/_rels/workbook.bin.rels"
    if rels_name not in members:
        return []
    rels = read_part(handle, members[rels_name]).decode("utf-8", "replace")
    book = read_part(handle, members[f"xl/workbook.{'xml' if kind == 'xlsx' else 'bin'}"])
    listed = xml_sheets(book.decode("utf-8", "replace")) if kind == "xlsx" else xlsb_sheets(book)
    targets = relationship_targets(rels)
    found = []
    for name, rid in listed:
        target = targets.get(rid)
        if target is None:
            continue
        for part in part_names(target):
            if part in members:
                found.append((name, part))
                break
    return found
