"""The checks of a zip workbook: zip bombs, passwords, sheet counts, and each sheet's extent by format.

calamine picks its reader by the file's suffix, or, where the suffix names none (or the
content is read from bytes), tries its .xlsx, .xlsb and .ods readers in turn. So every reader
that could open the archive is followed here: the sheets of each are measured, and the text
their shared strings would make counted.
"""

from __future__ import annotations

import zipfile
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, TypeAlias

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import (
    ZIP_ERRORS,
    Damaged,
    check_layout,
    damaged_error,
    inflate_member,
    read_part,
)
from realisasi_cli.inputs.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_MAP_PART,
    MAX_MEMBERS,
    MAX_SHEETS,
    MAX_UNCOMPRESSED_BYTES,
    Cells,
    check_extent,
    text_allowed,
)
from realisasi_cli.inputs.ods import OdsExtent
from realisasi_cli.inputs.package import Members, View, xlsb_view, xlsx_view
from realisasi_cli.inputs.strings import XmlStrings, check_text, referenced_text, xml_string_text
from realisasi_cli.inputs.xlsb import XlsbExtent, xlsb_string_lengths
from realisasi_cli.inputs.xlsx import check_xml_sheet
from realisasi_cli.messages import Message

if TYPE_CHECKING:
    pass

# an archive holding these is a folder of exports zipped, not a workbook
_EXPORT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


Spans: TypeAlias = dict[str, list[tuple[int, int, int, int]]]  # per sheet: (row, col, last row, last col)


def check_archive(path: Path) -> tuple[str, dict[str, list[tuple[int, int]]], Spans, View | None]:
    """Check a zip workbook before calamine opens it.

    Returns its kind (xlsx, xlsb or ods), for .ods the formula cells saved without a result and
    the cells spanning others (per sheet), and the workbook as calamine's xlsx reader maps it
    (its sheets' parts), if it has that map.
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


def refuse_zip_of_exports(path: Path) -> None:
    """A .zip given as an input: name the exports it holds and say to extract them."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {info.filename: info for info in archive.infolist()[:10_000]}
    except ZIP_ERRORS as exc:
        raise damaged_error(path, Message("D-ZIP")) from exc
    _refuse_foreign(path, members)


def _refuse_foreign(path: Path, members: dict[str, zipfile.ZipInfo]) -> None:
    """Refuse an archive that is no workbook: a Word or PowerPoint file, exports zipped, any other zip."""
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


@dataclass
class _Plan:
    """What to measure in each member: (how, sheet name) by member name; the views it came from."""

    checks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    views: list[View] = field(default_factory=list)
    sheets: int = 0
    opened: set[str] = field(default_factory=set)  # members a reader opens as sheets (not only measured)

    def add(self, info: zipfile.ZipInfo, how: str, sheet: str) -> None:
        found = self.checks.setdefault(info.filename, [])
        if all(h != how for h, _ in found):
            found.append((how, sheet))


def _plan(path: Path, members: Members, handle: IO[bytes]) -> tuple[str, _Plan]:
    """The kind of the workbook (the reader calamine tries first) and what to measure."""

    def read(info: zipfile.ZipInfo) -> bytes:
        return read_part(handle, info, limit=MAX_MAP_PART)

    plan = _Plan()
    for view in (xlsx_view(members, read), xlsb_view(members, read)):
        if view is None:
            continue
        plan.views.append(view)
        plan.sheets += len(view.sheets)
        seen: set[str] = set()
        for name, info in view.sheets:
            if info.filename in seen:
                # calamine would read (and hold) the part once per sheet that names it
                raise Damaged("D-SHARED-PART", member=info.filename, sheet=name)
            seen.add(info.filename)
            plan.add(info, view.kind, name)
            plan.opened.add(info.filename)
    ods = members.exact.get("content.xml")
    if ods is not None:
        plan.add(ods, "ods", "content.xml")
        plan.sheets += 1
    # parts where sheets are kept, whether the map names them or not
    for info in members.under("xl/worksheets/"):
        how = {".xml": "xlsx", ".bin": "xlsb"}.get(PurePosixPath(info.filename.lower()).suffix)
        if how is not None and info.filename not in plan.checks:
            plan.add(info, how, info.filename)
    if plan.views:
        kind = plan.views[0].kind
    elif ods is not None:
        kind = "ods"
    elif "xl/workbook.xml" in members.exact:
        kind = "xlsx"  # calamine cannot open it, and will say why
    elif "xl/workbook.bin" in members.exact:
        kind = "xlsb"
    else:
        _refuse_foreign(path, members.exact)
    return kind, plan


def _check_members(
    path: Path, archive: zipfile.ZipFile, handle: IO[bytes]
) -> tuple[str, dict[str, list[tuple[int, int]]], Spans, View | None]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnreadableWorkbookError("E-ZIP-MEMBERS", "H-RESAVE", path=path, n=len(infos))
    check_layout(handle, infos)
    members = Members(infos)
    if (
        not any(name in members.exact for name in ("xl/workbook.xml", "xl/workbook.bin", "content.xml"))
        and members.find("_rels/.rels") is None
    ):
        _refuse_foreign(path, members.exact)
    _check_sizes(path, infos)
    kind, plan = _plan(path, members, handle)
    if plan.sheets > MAX_SHEETS:
        raise UnreadableWorkbookError("E-TOO-MANY-SHEETS", "H-RESAVE", path=path, n=plan.sheets)
    by_name = {info.filename: info for info in infos}
    work = sum(by_name[name].file_size for name in plan.checks)
    if work > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableWorkbookError(
            "E-TOO-MUCH-XML", "H-RESAVE", path=path, megabytes=round(work / 1024**2)
        )
    text = _Text(plan.views)
    formulas, merges = _measure(path, handle, infos, plan, text)
    for view in plan.views:
        # a sheet whose part is missing: calamine fails on it (or, in .xlsb, panics); a part
        # found under another name than calamine would find is never measured, so refused
        for sheet, part in view.missing:
            raise Damaged("D-PART-MISSING", member=part, sheet=sheet)
    text.check(path, handle)
    return kind, formulas, merges, next((view for view in plan.views if view.kind == "xlsx"), None)


def _measure(
    path: Path, handle: IO[bytes], infos: list[zipfile.ZipInfo], plan: _Plan, text: _Text
) -> tuple[dict[str, list[tuple[int, int]]], Spans]:
    """Inflate every member once, in bounded pieces, so that a size that lies is caught before
    calamine trusts it, and measure the sheets on the way; the .ods formulas without results and
    cells spanning others."""
    formulas: dict[str, list[tuple[int, int]]] = {}
    merges: Spans = {}
    cells = Cells(path)
    for info in infos:
        checks = plan.checks.get(info.filename)
        if checks is None:
            if not text.strings(info, handle):
                for _chunk in inflate_member(handle, info):
                    pass
            continue
        for how, sheet in checks:
            if how == "ods":
                ods = OdsExtent(path)
                for chunk in inflate_member(handle, info):
                    ods.feed(chunk)
                ods.finish()
                formulas, merges = ods.formulas, ods.merges
            elif how == "xlsb":
                xlsb = XlsbExtent()
                for chunk in inflate_member(handle, info):
                    xlsb.feed(chunk)
                check_extent(path, sheet, xlsb.max_row, xlsb.max_col, xlsb.filled)
                text.xlsb_refs.update(xlsb.strings)
                if info.filename in plan.opened:
                    cells.add(xlsb.max_row, xlsb.max_col, xlsb.filled)
            else:
                stats = check_xml_sheet(path, sheet, handle, info)
                text.xml_bytes += stats.xml_bytes
                text.xml_cells += stats.references
                if info.filename in plan.opened:
                    cells.add(stats.cells, 1, stats.filled)
    cells.check()
    return formulas, merges


class _Text:
    """The text that the workbook's references to shared strings would make, by reader."""

    def __init__(self, views: list[View]) -> None:
        self.xml = next((v for v in views if v.kind == "xlsx"), None)
        self.bin = next((v for v in views if v.kind == "xlsb"), None)
        self.xml_strings: XmlStrings | None = None
        self.bin_lengths: array[int] = array("Q")
        self.bin_longest = 0
        self.xml_bytes = self.xml_cells = 0
        self.xlsb_refs: Counter[int] = Counter()

    def strings(self, info: zipfile.ZipInfo, handle: IO[bytes]) -> bool:
        """Read ``info`` if it is a shared-strings part of a view; whether it was."""
        if self.xml is not None and self.xml.strings is info:
            self.xml_strings = XmlStrings()
            for chunk in inflate_member(handle, info):
                self.xml_strings.feed(chunk)
            self.xml_strings.finish()
            return True
        if self.bin is not None and self.bin.strings is info:
            self.bin_lengths, self.bin_longest = xlsb_string_lengths(inflate_member(handle, info))
            return True
        return False

    def check(self, path: Path, handle: IO[bytes]) -> None:
        """Refuse the workbook if its references would make absurdly much text."""
        if self.xlsb_refs:
            if max(self.xlsb_refs) >= len(self.bin_lengths):
                raise Damaged("D-STRING-INDEX")  # calamine would index its strings with it and panic
            check_text(path, referenced_text(self.xlsb_refs, self.bin_lengths, self.bin_longest), 0)
        strings = self.xml_strings
        if self.xml is None or strings is None:
            return
        bound = self.xml_cells * strings.longest
        if bound <= text_allowed(self.xml_bytes):
            return
        if not strings.plain:
            check_text(path, bound, self.xml_bytes)
            return
        sheets = {info.filename: info for _name, info in self.xml.sheets}.values()
        made = sum(xml_string_text(handle, info, strings.lengths, strings.longest) for info in sheets)
        check_text(path, made, self.xml_bytes)
