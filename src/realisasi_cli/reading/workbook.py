"""Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) read by calamine into grids, every cell once.

What fastexcel does not tell (where its range starts, merged ranges, formulas saved without
results) comes from a streaming scan of the .xlsx XML (``xlsx_scan``), or python-calamine for
.xls/.ods."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.limits import check_extent
from realisasi_cli.reading.grid import Grid, Merge
from realisasi_cli.reading.xlsx_scan import SheetScan, scan_xlsx

if TYPE_CHECKING:
    from realisasi_cli.inputs.package import View

# above this size a workbook's XML scan runs in a thread beside calamine's parse (a 10,000-row
# export is ~400 KB); below it the two take less than starting the thread
_BESIDE_BYTES = 256 * 1024
_SUFFIXES_OF = {"xlsx": {".xlsx", ".xlsm"}, "xlsb": {".xlsb"}, "ods": {".ods"}, "xls": {".xls"}}


def read_workbook(
    path: Path,
    kind: str,
    formulas_of: dict[str, list[tuple[int, int]]] | None = None,
    idle: Callable[[], None] | None = None,
    view: View | None = None,
    merges_of: dict[str, list[Merge]] | None = None,
) -> list[Grid]:
    """Every sheet of a checked workbook as a grid; ``idle`` runs beside the parse. ``view`` is
    the .xlsx's map of sheets to parts as the checks read it, ``merges_of`` an .ods's cells
    spanning others as they found them (``inputs.gate.Checked``)."""
    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    # calamine picks its reader from the suffix; bytes make it look at the content instead.
    source: Path | bytes = path if path.suffix.lower() in _SUFFIXES_OF[kind] else path.read_bytes()
    try:
        reader = fastexcel.read_excel(source)
        names = list(reader.sheet_names)
    except BaseException as exc:  # the Rust reader raises PanicException (a BaseException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _unreadable(path, exc) from exc
    if not idle and (kind != "xlsx" or path.stat().st_size < _BESIDE_BYTES):
        # a small workbook is parsed and scanned in less time than a thread takes to start;
        # ``idle`` is false once its work is done (``startup.Beside``), as for every file after the first
        frames = _load_frames(reader, path, names)
        scans = scan_xlsx(path, view) if kind == "xlsx" else {}
    else:
        frames, scans = _parse_beside_scan(reader, path, kind, names, idle, view)
    grids = []
    for name, frame, hidden in frames:
        scan = scans.get(name)
        if scan is not None:
            row0, col0 = scan.origin(frame)
            merges, formulas, errors = scan.merges, scan.formulas, scan.errors
        else:
            # python-calamine is another version of calamine: it opens only the formats whose
            # layout fastexcel cannot tell, and no .xlsx, whose sheets the scan above reads
            layout = frame.height and kind != "xlsx"
            row0, col0, merges = _calamine_layout(source, name) if layout else (0, 0, [])
            merges = merges or (merges_of or {}).get(name, [])
            formulas, errors = (formulas_of or {}).get(name, []), []
        placed = _place(frame, row0, col0)
        grids.append(
            Grid(
                file=path,
                sheet=name,
                frame=placed,
                merges=clip_merges(path, name, merges, placed),
                formula_cells=formulas,
                error_cells=errors,
                hidden=hidden,
            )
        )
    return grids


def _parse_beside_scan(
    reader: Any, path: Path, kind: str, names: list[str], idle: Callable[[], None] | None, view: View | None
) -> tuple[list[tuple[str, pl.DataFrame, bool]], dict[str, SheetScan]]:
    """calamine's parse, with the XML scan (a decompression) and ``idle`` in a thread beside it:
    the parse releases the GIL."""
    pool = ThreadPoolExecutor(max_workers=1)
    pending = pool.submit(scan_xlsx, path, view) if kind == "xlsx" else None
    if idle is not None:
        pool.submit(idle)
    try:
        frames = _load_frames(reader, path, names)
    finally:
        scans = pending.result() if pending is not None else {}
        pool.shutdown(wait=False)
    return frames, scans


def _load_frames(reader: Any, path: Path, names: list[str]) -> list[tuple[str, pl.DataFrame, bool]]:
    frames = []
    for name in names:
        try:
            sheet = reader.load_sheet(name, header_row=None, schema_sample_rows=None, whitespace_as_null=True)
            frame = sheet.to_polars()
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise _unreadable(path, exc, name) from exc
        check_extent(path, name, frame.height, frame.width, frame.height * frame.width)
        frames.append((name, frame, str(getattr(sheet, "visible", "visible")) != "visible"))
    return frames


def _unreadable(path: Path, exc: BaseException, sheet: str | None = None) -> UnreadableWorkbookError:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return UnreadableWorkbookError("E-PASSWORD", "H-PASSWORD", path=path)
    reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    if sheet is None:
        return UnreadableWorkbookError("E-UNREADABLE", "H-RESAVE", path=path, reason=reason)
    return UnreadableWorkbookError("E-UNREADABLE-SHEET", "H-RESAVE", path=path, sheet=sheet, reason=reason)


def _place(frame: pl.DataFrame, row0: int, col0: int) -> pl.DataFrame:
    """Rename columns to absolute sheet columns and pad the rows above the first cell."""
    frame = frame.rename({name: f"c{col0 + j}" for j, name in enumerate(frame.columns)})
    if row0:  # rows of nulls above, one column of nulls per type (clear(n) costs ten times more)
        nulls: dict[pl.DataType, pl.Series] = {}
        pad = [
            nulls.setdefault(dtype, pl.Series([None] * row0, dtype=dtype)).alias(name)
            for name, dtype in frame.schema.items()
        ]
        frame = pl.DataFrame(pad).vstack(frame)
    return frame


def clip_merges(path: Path, sheet: str, merges: list[Merge], frame: pl.DataFrame) -> list[Merge]:
    """Merged ranges cut to the cells the sheet has; overlapping ranges mean a damaged sheet."""
    if not merges:
        return []
    last_row = frame.height - 1
    last_col = max((int(name[1:]) for name in frame.columns), default=-1)
    clipped = []
    area = 0
    for r0, c0, r1, c1 in merges:
        r0, c0 = max(r0, 0), max(c0, 0)
        r1, c1 = min(r1, last_row), min(c1, last_col)
        if r0 > r1 or c0 > c1:
            continue
        clipped.append((r0, c0, r1, c1))
        area += (r1 - r0 + 1) * (c1 - c0 + 1)
    if area > 2 * max(frame.height * (last_col + 1), 1):
        raise UnreadableWorkbookError("E-MERGES-OVERLAP", "H-RESAVE", path=path, sheet=sheet)
    return clipped


def _calamine_layout(source: Path | bytes, sheet: str) -> tuple[int, int, list[Merge]]:
    from python_calamine import CalamineWorkbook

    try:
        if isinstance(source, bytes):
            book = CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            book = CalamineWorkbook.from_path(str(source))
        found = book.get_sheet_by_name(sheet)
        start = found.start or (0, 0)
        ranges = found.merged_cell_ranges or []
        merges = [(int(a[0]), int(a[1]), int(b[0]), int(b[1])) for a, b in ranges]
        return int(start[0]), int(start[1]), merges
    except BaseException as exc:  # PanicException too; the layout is a refinement, not a need
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return 0, 0, []
