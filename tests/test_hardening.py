"""Hostile and broken input is refused with a message; outputs are inert, atomic and never an input.

The refusals are read in English (``--lang en``): the words say which check caught the file.
tests/test_messages.py checks the Indonesian texts and the codes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from builders import ods_bytes, openpyxl_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.cli.handler import handle_errors
from realisasi_cli.inputs.xlsx import (
    Positions,
    XmlExtent,
    bodies_as_text,
    measure_cells,
    measure_simple,
    search_batch,
)
from realisasi_cli.present import export
from realisasi_cli.present.export import neutralize
from realisasi_cli.reading.text import HtmlTables

runner = CliRunner()
posix_only = pytest.mark.skipif(not hasattr(os, "wait4"), reason="measures the child with os.wait4")


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["--lang", "en", *args])


def units_of(result: Any) -> dict[str, tuple[float, float]]:
    assert result.exit_code == 0, result.stderr
    return {u["name"]: (u["budget"], u["realized"]) for u in json.loads(result.stdout)["units"]}


# --- archives that inflate absurdly ------------------------------------------------------------

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nama OPD</t></is></c></row>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships"><sheets><sheet name="Rekap" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b"</Relationships>",
}


def zip_bomb(
    path: Path,
    megabytes: int,
    declared: int | None = None,
    block: bytes = b" " * (1 << 20),
    member: str = "xl/worksheets/sheet1.xml",
) -> Path:
    """A workbook whose ``member`` (its sheet) inflates to ``megabytes`` of ``block``; its size
    header may lie.

    The deflate stream repeats one fully flushed block, so building it takes no time.
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(SHEET_HEAD) + deflate.flush(zlib.Z_FULL_FLUSH)
    body = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.compress(SHEET_TAIL) + deflate.flush()
    crc = zlib.crc32(SHEET_HEAD)
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(SHEET_TAIL, crc)
    size = len(SHEET_HEAD) + megabytes * len(block) + len(SHEET_TAIL)
    entries = []
    for name, content in PARTS.items():
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        entries.append((name, packer.compress(content) + packer.flush(), zlib.crc32(content), len(content)))
    sheet = head + body * megabytes + tail
    entries.append((member, sheet, crc, size if declared is None else declared))
    out, central = io.BytesIO(), []
    for name, data, checksum, length in entries:
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, 8, 0, 0x21, checksum, len(data), length, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
        )
    start = out.tell()
    out.write(b"".join(central))
    end = out.tell()
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), end - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


def run_measured(*args: str) -> tuple[int, str, float, float]:
    """Run the installed command; (exit code, stderr, seconds, peak memory in MB) of that process."""

    def cap_memory() -> None:  # should the guard fail, fail inside the child, not the machine
        resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))

    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "realisasi_cli", "--lang", "en", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=cap_memory,
    )
    assert child.stderr is not None
    stderr = child.stderr.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return child.returncode, stderr, time.perf_counter() - started, peak


@posix_only
def test_a_zip_bomb_is_refused_in_seconds_with_little_memory(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", megabytes=1536)
    assert path.stat().st_size < 2 << 20  # 1.5 GB of XML in under 2 MB
    code, stderr, seconds, peak = run_measured("rank", str(path))
    assert code == 1 and "refused" in stderr and "bomb.xlsx" in stderr
    assert seconds < 10 and peak < 300, (seconds, peak)


@posix_only
def test_a_bomb_whose_sizes_lie_is_caught_while_inflating(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "liar.xlsx", megabytes=1536, declared=5_000_000)
    code, stderr, seconds, peak = run_measured("rank", str(path))
    assert code == 1 and "inflates beyond its declared size" in stderr
    assert seconds < 10 and peak < 300, (seconds, peak)


@posix_only
def test_a_bomb_in_the_document_properties_of_a_folder_is_caught_too(tmp_path: Path) -> None:
    # A folder's workbooks are looked into (for the mark of the tool's own outputs) before
    # their checks: that look is bounded as well.
    folder = tmp_path / "exports"
    folder.mkdir()
    zip_bomb(folder / "liar.xlsx", megabytes=1536, declared=500, member="docProps/custom.xml")
    code, stderr, seconds, peak = run_measured("rank", str(folder))
    assert code == 1 and "inflates beyond its declared size" in stderr
    assert seconds < 10 and peak < 300, (seconds, peak)


@posix_only
def test_an_archive_of_text_without_markup_is_refused_even_at_a_modest_ratio(tmp_path: Path) -> None:
    # 30:1 passes the ratio limit, but the reader would hold 512 MB of text in one buffer
    rng = random.Random(7)
    block = bytes(rng.choice(b"abcdefghij") if rng.random() < 0.02 else 32 for _ in range(1 << 20))
    path = zip_bomb(tmp_path / "text.xlsx", megabytes=512, block=block)
    code, stderr, seconds, peak = run_measured("rank", str(path))
    assert code == 1 and "megabytes of text without markup" in stderr, stderr
    assert seconds < 10 and peak < 300, (seconds, peak)


# --- sheets whose cells span an absurd rectangle ------------------------------------------------


def patched_sheet(path: Path, extra: bytes, dimension: bytes | None = None) -> Path:
    """A small table written by openpyxl, then cells added to (and the dimension set in) its XML.

    ``dimension=b""`` removes the dimension, as some writers leave it out.
    """
    rows = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250], ["Dinas B", 2000, 1500]]
    openpyxl_book(path, {"Rekap": rows})
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].replace(b"</sheetData>", extra + b"</sheetData>")
    if dimension is not None:
        start = xml.index(b"<dimension")
        tag = b'<dimension ref="' + dimension + b'"/>' if dimension else b""
        xml = xml[:start] + tag + xml[xml.index(b">", start) + 1 :]
    parts["xl/worksheets/sheet1.xml"] = xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


FAR_CELLS = {
    "plain": b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "lower case": b'<row r="1048576"><c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "spaced": b'<row r="1048576"><c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "single quotes": b"<row r='1048576'><c t='inlineStr' r='XFD1048576'><is><t>x</t></is></c></row>",
    "tab after =": b'<row r="1048576"><c r=\t"XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    # ">" is allowed inside an attribute's value, and so is text that looks like an attribute
    "> in a value": b'<row r="1048576"><c x="a>b" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    "r in a value": b'<row r="1048576"><c x=" r=\'A1\'" r="XFD1048576"><v>1</v></c></row>',
    "beyond excel": b'<row r="9"><c r="AAAA99999999"><v>1</v></c></row>',
    # the XML reader skips comments and reads CDATA as text: a quote inside them hides nothing
    "quote in a comment": b"<!-- <c x=' -->"
    + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    + b"<!-- '> -->",
    "quote in CDATA": b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t><![CDATA[<c x=\']]>'
    + b'</t></is></c><c r="XFD1048576"><v>1</v></c>'
    + b'<c r="B1048576" t="inlineStr"><is><t><![CDATA[\'>]]></t></is></c></row>',
    # the reader takes the name after any prefix
    "empty prefix": b'<row r="1048576"><:c r="XFD1048576"><v>1</v></:c></row>',
    "non-ASCII prefix": '<row r="1048576"><é:c r="XFD1048576"><v>1</v></é:c></row>'.encode(),
}


@posix_only
@pytest.mark.parametrize("variant", list(FAR_CELLS))
def test_one_cell_far_away_is_refused_before_the_reader_allocates(tmp_path: Path, variant: str) -> None:
    # calamine would allocate 1,048,576 × 16,384 cells and the process would abort.
    path = patched_sheet(tmp_path / "far.xlsx", FAR_CELLS[variant])
    code, stderr, seconds, peak = run_measured("rank", str(path))
    assert code == 1 and "refused as absurdly large" in stderr and "'Rekap'" in stderr, stderr
    assert seconds < 10 and peak < 300


@pytest.mark.parametrize("variant", ["plain", "lower case", "r in a value"])
def test_without_a_dimension_a_cell_far_away_is_refused_too(tmp_path: Path, variant: str) -> None:
    path = patched_sheet(tmp_path / "far.xlsx", FAR_CELLS[variant], dimension=b"")
    assert b"<dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "refused as absurdly large" in result.stderr


def test_without_a_dimension_the_table_is_read_and_styled_empty_cells_skipped(tmp_path: Path) -> None:
    styled = b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    path = patched_sheet(tmp_path / "no_dimension.xlsx", styled, dimension=b"")
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {
        "Dinas A": (1000.0, 250.0),
        "Dinas B": (2000.0, 1500.0),
    }


def test_cells_after_the_switch_to_measuring_are_measured_in_every_batch() -> None:
    # The batch after the first one that reaches beyond the dimension went to a search before
    # that answer came; its cell without an r is still seen, and the sheet placed cell by cell
    # (calamine puts that cell in row 3: the rows r="2" before it set its row).
    padding = b"".join(
        b'<row r="2"><c r="B2" t="inlineStr"><is><t>' + b"x" * 30_000 + b"</t></is></c></row>"
        for _ in range(200)
    )
    xml = (
        b'<worksheet><dimension ref="A1:C3"/><sheetData>'
        b'<row r="4"><c r="XFD4"><v>1</v></c></row><row r="1048575"></row>'
        + padding
        + b"<row><c><v>1</v></c></row></sheetData></worksheet>"
    )
    extent, placed = XmlExtent(), Positions()
    for at in range(0, len(xml), 1 << 20):
        extent.feed(xml[at : at + (1 << 20)])
        placed.feed(xml[at : at + (1 << 20)])
    assert extent.finish() == (4, 16384) and extent.positional
    assert placed.finish() == (4, 16384)


@pytest.mark.parametrize("cut", [3, 9, 30, 60, 66, 80])  # in the prolog, between tags, in the comment
def test_comments_are_left_out_when_a_piece_ends_in_one(cut: int) -> None:
    xml = b'<?xml version="1.0"?><row r="1"><c x="<!--" r="A1"><v>1</v></c><!-- <c r="XFD9"> --></row>'
    extent = XmlExtent(trust_dimension=False)
    extent.feed(xml[:cut])
    extent.feed(xml[cut:])
    assert extent.finish() == (1, 1)  # "<!--" inside a value starts no comment


MEASURED = {  # pieces of sheet XML: (max row, max column, a cell without r, max row tag), read by hand
    "usual": (
        [
            b'<row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="C1" s="1"><v>5</v></c></row>',
            b'<row r="7"><c r="AB7"><v>1</v></c><c r="ZZ9" s="2"/></row><row r="12"/>',
        ],
        (7, 28, False, 12),
    ),
    "prefixed": ([b'<x:row r="2"><x:c r="D2"><x:v>1</x:v></x:c></x:row>'], (2, 4, False, 2)),
    "r not first": ([b'<row r="3"><c s="1" r="E3"><v>1</v></c></row>'], (3, 5, False, 3)),
    "no r": ([b'<row r="4"><c t="n"><v>1</v></c></row>'], (0, 0, True, 4)),
    "<c in a value": ([b'<row r="5"><c x=\'<c r="A5"\' r="XFD5"><v>1</v></c></row>'], (5, 16384, False, 5)),
    # the one tag starts the usual way, but "<c" inside its value is not at a tag's start
    "<c after r": ([b'<row r="6"><c r="A6" x=\'<c r="XFD6">\'><v>1</v></c></row>'], (6, 1, False, 6)),
}


@pytest.mark.parametrize("case", list(MEASURED))
def test_cells_are_measured_alike_by_polars_and_tag_by_tag(case: str) -> None:
    pieces, (rows, cols, positional, row_tag) = MEASURED[case]
    by_tag = measure_cells(pieces)
    assert (by_tag.max_row, by_tag.max_col, by_tag.positional, by_tag.max_row_tag) == (
        rows,
        cols,
        positional,
        row_tag,
    )
    simple = measure_simple(bodies_as_text(pieces))
    # Polars reads only tags that start with their reference, and only when no "<c" hides elsewhere.
    assert simple == (by_tag if case == "usual" else None)


@pytest.mark.parametrize("padded", [False, True])
def test_a_large_sheet_that_is_almost_empty_is_refused(tmp_path: Path, padded: bool) -> None:
    # 200,000 rows × 26 columns (5.2 million cells for the reader to allocate) held by a
    # dozen cells: no export looks like this. Padded, its XML is 17 MB of styled empty
    # cells, which the reader skips and which must not pass for content.
    padding = b"".join(
        b'<row r="%d">' % r
        + b"".join(b'<c r="%s%d" s="1"/>' % (bytes([66 + k]), r) for k in range(20))
        + b"</row>"
        for r in range(5, 40_000)
    )
    far = (padding if padded else b"") + b'<row r="200000"><c r="Z200000"><v>1</v></c></row>'
    path = patched_sheet(tmp_path / "sparse.xlsx", far, dimension=b"A1:Z200000")
    result = invoke("rank", str(path))
    assert result.exit_code == 1
    assert "200,000 rows × 26 columns but only" in result.stderr and "hold anything" in result.stderr


def test_a_dimension_that_claims_the_whole_sheet_is_not_trusted_blindly(tmp_path: Path) -> None:
    path = patched_sheet(tmp_path / "claims.xlsx", b"", dimension=b"A1:XFD1048576")
    result = invoke("rank", str(path), "-f", "json", "-q")
    assert units_of(result) == {"Dinas A": (1000.0, 250.0), "Dinas B": (2000.0, 1500.0)}


def test_styled_empty_cells_far_away_are_harmless(tmp_path: Path) -> None:
    path = patched_sheet(tmp_path / "styled.xlsx", b'<row r="1048576"><c r="XFD1048576" s="0"/></row>')
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {
        "Dinas A": (1000.0, 250.0),
        "Dinas B": (2000.0, 1500.0),
    }


def test_thousands_of_empty_styled_rows_are_read_quickly(tmp_path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Border, PatternFill, Side

    book = Workbook()
    sheet = book.active
    sheet.title = "Rekap"
    for row in [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250], ["Dinas B", 2000, 1500]]:
        sheet.append(row)
    fill, thin = PatternFill("solid", fgColor="FFFF00"), Side(style="thin")
    for r in range(4, 3004):
        for c in range(1, 9):
            cell = sheet.cell(r, c)
            cell.fill, cell.border = fill, Border(top=thin, bottom=thin)
    book.save(tmp_path / "styled.xlsx")
    started = time.perf_counter()
    result = invoke("rank", str(tmp_path / "styled.xlsx"), "-f", "json", "-q")
    assert units_of(result) == {"Dinas A": (1000.0, 250.0), "Dinas B": (2000.0, 1500.0)}
    assert time.perf_counter() - started < 10


def xls_with_record(path: Path, patch: str) -> Path:
    """An .xls by xlwt with one record patched: a far cell, a far blank, or absurd DIMENSIONS."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Rekap")
    for i, row in enumerate(
        [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250], ["Dinas B", 2000, 1500]]
    ):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    sheet.write(5, 0, 1 / 3)  # a NUMBER record (not RK) to move
    sheet.write(6, 0, None, xlwt.easyxf("font: bold on"))  # a BLANK record
    book.save(str(path))
    data = bytearray(path.read_bytes())
    if patch == "far cell":
        at = data.index(struct.pack("<d", 1 / 3)) - 10
        data[at + 4 : at + 8] = struct.pack("<HH", 0xFFFF, 0xFFFF)
    elif patch == "far blank":
        at = data.index(struct.pack("<HHHH", 0x0201, 6, 6, 0))
        data[at + 4 : at + 8] = struct.pack("<HH", 0xFFFF, 0xFFFF)
    else:
        at = data.index(struct.pack("<HH", 0x0200, 14))
        data[at + 4 : at + 18] = struct.pack("<IIHHH", 0, 0xFFFFFFFF, 0, 0xFFFF, 0)
    path.write_bytes(bytes(data))
    return path


@posix_only
@pytest.mark.parametrize(("patch", "code"), [("far cell", 1), ("dimensions", 1), ("far blank", 0)])
def test_old_xls_records_are_measured_before_the_reader_allocates(
    tmp_path: Path, patch: str, code: int
) -> None:
    path = xls_with_record(tmp_path / "rekap.xls", patch)
    got, stderr, seconds, peak = run_measured("rank", str(path), "-q")
    assert got == code, stderr
    assert code == 0 or "absurd" in stderr
    assert seconds < 10 and peak < 400


@posix_only
@pytest.mark.parametrize(
    "field", [0x2C, 0x40, 0x48], ids=["FAT sectors", "mini FAT sectors", "DIFAT sectors"]
)
def test_an_xls_header_that_counts_more_sectors_than_the_file_has_is_refused_not_fatal(
    tmp_path: Path, field: int
) -> None:
    # calamine sizes its tables from these counts first: 2**31 sectors made it ask for 8 GB and
    # abort the process, and with it the reading of a whole folder
    folder = tmp_path / "exports"
    folder.mkdir()
    bad = xls_with_record(folder / "rusak.xls", "far blank")
    data = bytearray(bad.read_bytes())
    data[field : field + 4] = struct.pack("<I", 0x7FFFFFFF)
    bad.write_bytes(bytes(data))
    rows = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas C", 4000, 1000]]
    openpyxl_book(folder / "baik.xlsx", {"Rekap": rows})
    code, stderr, seconds, peak = run_measured("rank", str(bad))
    assert code == 1 and "rusak.xls" in stderr and "damaged" in stderr, stderr
    assert "2,147,483,647 sectors" in stderr
    code, stderr, seconds, peak = run_measured("rank", str(folder))
    assert code == 0 and "rusak.xls" in stderr and "skipped" in stderr, stderr
    assert seconds < 20 and peak < 400


def ods(path: Path, extra_rows: str) -> Path:
    """A one-table .ods with three units and some extra (possibly repeated) rows."""
    rows = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250], ["Dinas B", 2000, 1500]]
    path.write_bytes(ods_bytes(rows, extra_rows))
    return path


def test_a_unit_cell_spanning_its_rows_in_an_ods_names_every_row(tmp_path: Path) -> None:
    # LibreOffice writes a merged cell as one cell spanning rows, and a covered cell under it
    def amount(value: int) -> str:
        return f'<table:table-cell office:value-type="float" office:value="{value}"/>'

    spanned = (
        '<table:table-row><table:table-cell office:value-type="string" table:number-rows-spanned="2">'
        f"<text:p>Dinas A</text:p></table:table-cell>{amount(1000)}{amount(100)}</table:table-row>"
        f"<table:table-row><table:covered-table-cell/>{amount(2000)}{amount(1000)}</table:table-row>"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Dinas B</text:p>'
        f"</table:table-cell>{amount(4000)}{amount(3000)}</table:table-row>"
    )
    path = tmp_path / "rekap.ods"
    path.write_bytes(ods_bytes([["Nama OPD", "Pagu", "Realisasi"]], spanned))
    result = invoke("rank", str(path), "-f", "json", "--all")
    assert result.exit_code == 0, result.stderr
    assert units_of(result) == {"Dinas A": (3000.0, 1100.0), "Dinas B": (4000.0, 3000.0)}


def without_root_powers(args: list[str]) -> list[str]:
    """``args`` run without the powers that let root read any file, where ``setpriv`` can drop them."""
    import shutil

    if os.geteuid() != 0:
        return args
    if shutil.which("setpriv") is None:
        pytest.skip("root reads every file, and setpriv is not here to drop that")
    drop = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", *args]


@posix_only
def test_a_file_that_may_not_be_read_is_said_in_the_users_language_and_the_others_are_read(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    openpyxl_book(folder / "a.xlsx", {"Rekap": [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250]]})
    locked = openpyxl_book(
        folder / "b.xlsx", {"Rekap": [["Nama OPD", "Pagu", "Realisasi"], ["Dinas B", 2000, 1500]]}
    )
    locked.chmod(0)
    command = [sys.executable, "-m", "realisasi_cli", "rank"]
    alone = subprocess.run(without_root_powers([*command, str(locked)]), capture_output=True, text=True)
    assert alone.returncode == 1, alone.stderr
    assert "b.xlsx" in alone.stderr and "akses ditolak" in alone.stderr and "Permission" not in alone.stderr
    both = subprocess.run(without_root_powers([*command, str(folder)]), capture_output=True, text=True)
    assert both.returncode == 0 and "Dinas A" in both.stdout and "Dinas B" not in both.stdout
    assert "b.xlsx" in both.stderr and "akses ditolak" in both.stderr


def test_libreoffice_trailing_empty_rows_are_read(tmp_path: Path) -> None:
    trailing = (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    result = invoke("rank", str(ods(tmp_path / "rekap.ods", trailing)), "-f", "json", "-q")
    assert units_of(result) == {"Dinas A": (1000.0, 250.0), "Dinas B": (2000.0, 1500.0)}


@posix_only
@pytest.mark.parametrize(
    "before",
    ["", 'table:style-name="a>b" ', "table:style-name=\" table:number-columns-repeated='1'\" "],
    ids=["plain", "> in a value", "attribute in a value"],
)
def test_a_value_repeated_over_millions_of_ods_cells_is_refused(tmp_path: Path, before: str) -> None:
    repeated = (
        '<table:table-row table:number-rows-repeated="1000">'
        f'<table:table-cell {before}table:number-columns-repeated="16000" office:value-type="float" '
        'office:value="1"/></table:table-row>'
    )
    code, stderr, seconds, peak = run_measured("rank", str(ods(tmp_path / "rekap.ods", repeated)))
    assert code == 1 and "repeats" in stderr, stderr
    assert seconds < 10 and peak < 300


def biff12(rtype: int, body: bytes) -> bytes:
    """One .xlsb record: type and size as 7-bit varints, then the body."""
    head = bytes([rtype & 0x7F | 0x80, rtype >> 7]) if rtype > 0x7F else bytes([rtype])
    size, out = len(body), bytearray()
    while True:
        out.append(size & 0x7F | (0x80 if size > 0x7F else 0))
        size >>= 7
        if not size:
            break
    return head + bytes(out) + body


def xlsb_sheet(cells: list[tuple[int, int]], dimension: tuple[int, int] = (2, 2)) -> bytes:
    stream = biff12(0x0094, struct.pack("<4I", 0, dimension[0], 0, dimension[1]))
    for row in sorted({r for r, _ in cells}):
        stream += biff12(0x0000, struct.pack("<I", row) + bytes(8))
        for r, c in cells:
            if r == row:
                stream += biff12(0x0005, struct.pack("<II", c, 0) + struct.pack("<d", 1.5))
    return stream


@pytest.mark.parametrize("piece", [1, 3, 7, 1 << 20])
def test_xlsb_records_are_measured_whatever_the_chunks(piece: int) -> None:
    from realisasi_cli.inputs.xlsb import XlsbExtent

    stream = xlsb_sheet([(0, 0), (0, 2), (1, 1), (2, 0), (2, 2)])
    extent = XlsbExtent()
    for at in range(0, len(stream), piece):
        extent.feed(stream[at : at + piece])
    assert (extent.max_row, extent.max_col, extent.filled) == (3, 3, 5)


def test_an_xlsb_cell_or_dimension_far_away_is_caught() -> None:
    from realisasi_cli.errors import UnreadableWorkbookError
    from realisasi_cli.inputs.archive import Damaged
    from realisasi_cli.inputs.limits import check_extent
    from realisasi_cli.inputs.xlsb import XlsbExtent

    far = XlsbExtent()
    far.feed(xlsb_sheet([(0, 0), (1_048_575, 16_383)]))
    with pytest.raises(UnreadableWorkbookError) as refused:
        check_extent(Path("x.xlsb"), "S", far.max_row, far.max_col, far.filled)
    assert refused.value.code == "E-SHEET-TOO-LARGE"
    assert refused.value.params["rows"] == 1_048_576 and refused.value.params["cols"] == 16_384
    with pytest.raises(Damaged) as damaged:
        XlsbExtent().feed(xlsb_sheet([(0, 0)], dimension=(1_048_575, 16_383)))
    assert damaged.value.detail.code == "D-SHEET-DECLARES"


# --- recognised and explained ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_a_password_protected_workbook_is_named_as_such(tmp_path: Path, suffix: str) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    path = tmp_path / f"rahasia{suffix}"
    with (SAMPLES / "rekap_pd_10nov2023.xlsx").open("rb") as plain, path.open("wb") as locked:
        ooxml.OOXMLFile(plain).encrypt("rahasia", locked)
    result = invoke("rank", str(path))
    assert result.exit_code == 1
    assert f"rahasia{suffix}: the workbook is password-protected" in result.stderr
    assert "remove the password" in result.stderr


HTML_EXPORT = """<html><head><meta charset="utf-8"><style>td { color: red }</style>
<script>var cell = "<td>99</td>";</script></head><body>
<h3>PEMERINTAH KOTA CONTOH<br>REALISASI BELANJA s.d. 30 September 2023</h3>
<table border=1>
<tr><th rowspan=2>No</th><th rowspan="2">Nama&nbsp;OPD</th><th colspan=2>Belanja</th></tr>
<tr><th>Anggaran<br>Setelah Perubahan</th><th>Realisasi</th></tr>
<tr><td>1</td><td>Dinas A &amp; B</td><td>1.000.000,00</td><td>500.000,00</td>
<tr><td>2<td>Dinas C<!-- typed by hand --><td>2.000.000,00<td>1.500.000,00
</table><p>Kepala BPKAD</p></body></html>
"""


def test_an_html_table_saved_as_xls_is_read_with_its_spans(tmp_path: Path) -> None:
    path = tmp_path / "rekap.xls"
    path.write_text(HTML_EXPORT, encoding="utf-8")
    result = invoke("rank", str(path), "-f", "json", "-q")
    assert units_of(result) == {
        "Dinas A & B": (1_000_000.0, 500_000.0),
        "Dinas C": (2_000_000.0, 1_500_000.0),
    }
    assert json.loads(result.stdout)["as_of"] == "2023-09-30"


def test_a_header_over_merged_cells_and_line_breaks_is_understood(tmp_path: Path) -> None:
    path = tmp_path / "rekap.xls"
    path.write_text(HTML_EXPORT, encoding="utf-8")
    sheet = json.loads(invoke("inspect", str(path), "-f", "json").stdout)["sheets"][0]
    roles = {c["header"].split(" / ")[-1]: c["role"] for c in sheet["columns"]}
    assert roles["Anggaran Setelah Perubahan"] == "budget"  # "Anggaran<br>Setelah Perubahan"
    assert roles["Realisasi"] == "realized" and roles["Nama OPD"] in {"unit", "unit_name"}


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ";"), ("cp1252", ";"), ("utf-16", "\t")],
    ids=["csv", "cp1252", "unicode"],
)
def test_delimited_text_saved_as_xls_is_read(tmp_path: Path, encoding: str, delimiter: str) -> None:
    path = tmp_path / "rekap.xls"
    lines = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas Pariwisata – Seni", "1.500.000,00", "750.000,00"]]
    path.write_bytes("\r\n".join(delimiter.join(line) for line in lines).encode(encoding))
    result = invoke("rank", str(path), "-f", "json", "-q")
    assert units_of(result) == {"Dinas Pariwisata – Seni": (1_500_000.0, 750_000.0)}


def test_an_excel_2003_xml_spreadsheet_is_read(tmp_path: Path) -> None:
    path = tmp_path / "rekap.xls"
    cells = {
        "title": '<Cell ss:MergeAcross="2"><Data ss:Type="String">REALISASI s.d. 30 September 2023</Data>'
        "</Cell>",
        "header": "".join(
            f'<Cell><Data ss:Type="String">{h}</Data></Cell>' for h in ("Nama OPD", "Pagu", "Realisasi")
        ),
        "unit": '<Cell><Data ss:Type="String">Dinas A</Data></Cell>'
        '<Cell><Data ss:Type="Number">1000</Data></Cell>',
        "skip": '<Cell ss:Index="3"><Data ss:Type="Number">250.5</Data></Cell>',
    }
    path.write_text(
        '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Rekap"><Table>'
        f'<Row>{cells["title"]}</Row><Row ss:Index="3">{cells["header"]}</Row>'
        f"<Row>{cells['unit']}{cells['skip']}</Row></Table></Worksheet></Workbook>",
        encoding="utf-8",
    )
    result = invoke("rank", str(path), "-f", "json", "-q")
    assert units_of(result) == {"Dinas A": (1000.0, 250.5)}
    assert json.loads(result.stdout)["as_of"] == "2023-09-30"


def test_malformed_html_takes_linear_time() -> None:
    # html.parser needs minutes for this; a damaged export must not hang the weekly run
    started = time.perf_counter()
    HtmlTables(Path("x.xls")).feed("<html><table><tr><td>" + "<a" * 200_000 + '<td a="' * 50_000)
    assert time.perf_counter() - started < 5


def truncated(path: Path) -> bytes:
    data = (SAMPLES / "rekap_pd_10nov2023.xlsx").read_bytes()
    return data[: len(data) // 2]


def other_zip(path: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("rekap_januari.xlsx", b"...")
        archive.writestr("rekap_februari.xlsx", b"...")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.xlsx", truncated, "damaged"),
        ("exports.xlsx", other_zip, "a zip archive of 2 file(s) (rekap_januari.xlsx, rekap_februari.xlsx)"),
        ("scan.xlsx", lambda _p: b"%PDF-1.7\n" + bytes(range(256)) * 8, "this is a PDF document"),
        ("noise.xls", lambda _p: bytes(range(256)) * 16, "not a spreadsheet (binary content)"),
        (
            "page.xls",
            lambda _p: b"<html><body><p>Sesi Anda telah habis.</p></body></html>",
            "without a table",
        ),
        (
            "huge_field.csv",
            lambda _p: b"Nama OPD;Pagu\n" + b'"' + b"x" * 200_000 + b'";1\n',
            "cannot be read as CSV",
        ),
    ],
)
def test_broken_and_foreign_files_are_explained(
    tmp_path: Path, name: str, content: Any, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content(path))
    result = invoke("rank", str(path))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and name in result.stderr and message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("sample", "renamed"),
    [("rekap_pd_10nov2023.xlsx", "rekap.xls"), ("rekap_opd_30sep2023.xls", "rekap.xlsx")],
)
def test_a_workbook_saved_under_the_other_suffix_is_read(tmp_path: Path, sample: str, renamed: str) -> None:
    (tmp_path / renamed).write_bytes((SAMPLES / sample).read_bytes())
    assert invoke("rank", str(tmp_path / renamed), "-q").exit_code == 0


def xlsxwriter_formulas(tmp_path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "rumus.xlsx"))
    sheet = book.add_worksheet("Rekap")
    for i, row in enumerate(
        [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, None], ["Dinas B", 2000, None]]
    ):
        sheet.write_row(i, 0, row)
    sheet.write_formula("C2", "=B2*0.5")  # xlsxwriter stores 0 as the result until recalculated
    sheet.write_formula("C3", "=B3*0.25")
    book.close()
    return tmp_path / "rumus.xlsx"


def ods_formulas(tmp_path: Path) -> Path:
    row = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Dinas C</text:p>'
        '</table:table-cell><table:table-cell office:value-type="float" office:value="400"/>'
        '<table:table-cell table:formula="of:=[.B4]*0.5"/></table:table-row>'
    )
    return ods(tmp_path / "rumus.ods", row)


def prefixed_formulas(tmp_path: Path) -> Path:
    """An openpyxl workbook (formulas without results) whose sheet XML names every tag with a
    prefix (``<x:c>``, ``<x:f>``), as some writers do; calamine reads such tags as plain ones."""
    import re

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rekap"
    for row in [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 500], ["Dinas B", 2000, "=B3/2"]]:
        sheet.append(row)
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / "awalan.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r"<(/?)(?![?!])([A-Za-z]+)", r"<\1x:\2", data.decode())
                data = text.replace(' xmlns="', ' xmlns:x="', 1).encode()
            target.writestr(info, data)
    return path


@pytest.mark.parametrize(
    "build", [xlsxwriter_formulas, ods_formulas, prefixed_formulas], ids=["xlsxwriter", "ods", "prefixed"]
)
def test_formulas_saved_without_results_are_named(tmp_path: Path, build: Any) -> None:
    path = build(tmp_path)
    result = invoke("rank", str(path))
    assert result.exit_code == 1
    assert f"{path.name} (Rekap!C" in result.stderr
    assert "formulas saved without their results" in result.stderr and "save it again" in result.stderr


# --- outputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","klik")',
        "+SUM(1,2)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "  =1+1",
    ],
)
def test_text_a_spreadsheet_would_run_is_made_inert(text: str) -> None:
    assert neutralize(text) == "'" + text


@pytest.mark.parametrize("value", [-1250.5, -3, 0, 12.5, "-12,5", "+62812345", "-10%", "Dinas A", None, True])
def test_numbers_and_plain_text_are_left_alone(value: object) -> None:
    assert neutralize(value) == value


EVIL = '=HYPERLINK("http://x","klik")'


def evil_csv(tmp_path: Path) -> Path:
    path = tmp_path / "evil.csv"
    path.write_text(
        "Nama OPD;Pagu;Realisasi\n"
        f'"{EVIL.replace(chr(34), chr(34) * 2)}";100;50\n'
        "@SUM(1+1);200;-20\n"
        "<script>alert(1)</script>;300;150\n",
        encoding="utf-8",
    )
    return path


def test_csv_output_is_inert_and_numbers_stay_numbers(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert invoke("rank", str(evil_csv(tmp_path)), "-o", str(out), "--all", "-q").exit_code == 0
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    names = {row[2]: row for row in table[1:]}
    assert set(names) == {"'" + EVIL, "'@SUM(1+1)", "<script>alert(1)</script>"}
    assert names["'@SUM(1+1)"][4] == "-20"  # a negative amount is a number, not neutralized text


def test_xlsx_output_is_inert_and_numbers_stay_numbers(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "out.xlsx"
    assert invoke("rank", str(evil_csv(tmp_path)), "-o", str(out), "--all", "-q").exit_code == 0
    sheet = load_workbook(out).active
    # the units' rows: those with a rank, between the header and the total row
    rows = {
        sheet.cell(r, 3).value: r for r in range(2, sheet.max_row + 1) if type(sheet.cell(r, 1).value) is int
    }
    assert set(rows) == {"'" + EVIL, "'@SUM(1+1)", "<script>alert(1)</script>"}
    for r in rows.values():
        assert sheet.cell(r, 3).data_type == "s"
    realized = sheet.cell(rows["'@SUM(1+1)"], 5)
    assert realized.data_type == "n" and realized.value == -20


def test_the_html_briefing_escapes_names(tmp_path: Path) -> None:
    out = tmp_path / "rapat.html"
    result = invoke("brief", str(evil_csv(tmp_path)), "-o", str(out), "--meeting-date", "2023-11-15", "-q")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "peringkat.csv"
    out.write_text("last week\n", encoding="utf-8")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", disk_full)
    result = invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "-o", str(out), "-q")
    assert result.exit_code == 2
    assert "peringkat.csv: cannot be written (the disk is full)" in result.stderr
    assert out.read_text(encoding="utf-8") == "last week\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["peringkat.csv"]


def test_a_failed_command_leaves_no_output(tmp_path: Path) -> None:
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    out = tmp_path / "peringkat.xlsx"
    assert invoke("rank", str(broken), "-o", str(out)).exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rusak.xlsx"]


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_new_output_gets_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "peringkat.csv"
    assert invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "-o", str(out), "-q").exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def spellings(tmp_path: Path) -> dict[str, tuple[list[str], Path]]:
    """Inputs, and an output that is one of them, spelled another way."""
    folder = tmp_path / "exports"
    folder.mkdir()
    source = folder / "a.csv"
    source.write_text("Nama OPD;Pagu;Realisasi\nDinas A;100;50\n", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(source)
    os.link(source, tmp_path / "hard.csv")
    return {
        "dot-dot": ([str(source)], folder / ".." / "exports" / "a.csv"),
        "symlink": ([str(source)], tmp_path / "link.csv"),
        "hard link": ([str(source)], tmp_path / "hard.csv"),
        "in a folder given": ([str(folder)], source),
    }


@pytest.mark.skipif(os.name != "posix", reason="symbolic and hard links")
@pytest.mark.parametrize("spelling", ["dot-dot", "symlink", "hard link", "in a folder given"])
def test_an_input_spelled_another_way_is_not_overwritten(tmp_path: Path, spelling: str) -> None:
    inputs, output = spellings(tmp_path)[spelling]
    before = (tmp_path / "exports" / "a.csv").read_bytes()
    result = invoke("rank", *inputs, "-o", str(output), "-f", "csv")
    assert result.exit_code == 2 and "overwrite an input" in result.stderr
    assert (tmp_path / "exports" / "a.csv").read_bytes() == before


def test_a_new_output_inside_an_input_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("Nama OPD;Pagu;Realisasi\nDinas A;100;50\n", encoding="utf-8")
    result = invoke("rank", str(tmp_path), "-o", str(tmp_path / "peringkat.xlsx"), "-q")
    assert result.exit_code == 0 and (tmp_path / "peringkat.xlsx").exists()


# --- the one place where failures become messages ----------------------------------------------


def failing(exc: BaseException) -> typer.Typer:
    """A one-command app whose command raises ``exc`` through handle_errors."""
    small = typer.Typer()

    @small.command()
    @handle_errors
    def run() -> None:
        raise exc

    return small


def test_an_unexpected_failure_is_one_message_without_a_traceback() -> None:
    result = runner.invoke(failing(ValueError("boom")), [])
    assert result.exit_code == 1
    assert result.stderr.startswith("kesalahan: kegagalan tak terduga (ValueError: boom)")
    assert "--debug" in result.stderr and "Traceback" not in result.output


def test_a_panic_of_the_rust_reader_is_one_message_too() -> None:
    class PanicException(BaseException):  # what pyo3 raises: not an Exception
        pass

    result = runner.invoke(failing(PanicException("index out of bounds")), [])
    assert result.exit_code == 1
    assert result.stderr.startswith("kesalahan: kegagalan tak terduga (PanicException: index out of bounds)")


def test_a_closed_pipe_ends_quietly() -> None:
    result = runner.invoke(failing(BrokenPipeError()), [])
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("xml", "unusual"),
    [
        (b'<c r="A1" t="inlineStr"><is><t>pagu = realisasi</t></is></c>', False),
        (b'<c r="A1" t="inlineStr"><is><t>x</t></is></c>', False),
        (b'<c r = "A1"><v>1</v></c>', True),
        (b"<c r\n=\n'A1'><v>1</v></c>", True),
        (b'<c r=\t"A1"><v>1</v></c>', True),
    ],
)
def test_an_r_attribute_with_spaces_around_its_equals_sign_is_found(xml: bytes, unusual: bool) -> None:
    # Such a reference is read cell by cell; "=" between spaces in a cell's text is not one.
    never = r"r=[\"']ZZZ"
    assert search_batch(bodies_as_text([b'<row r="1">', xml, b"</row>"]), never) is unusual


def test_sheet_xml_padded_out_does_not_raise_the_text_its_shared_strings_may_make(tmp_path: Path) -> None:
    from realisasi_cli.errors import UnreadableWorkbookError
    from realisasi_cli.inputs.strings import check_text

    path = tmp_path / "padded.xlsx"
    megabyte = 1 << 20
    check_text(path, 300 * megabyte, allowed=400 * megabyte)  # a big sheet's own text: read
    # 2.5 GB of whitespace in the sheets' XML allowed 2.5 GB of copies, past what the reader's
    # column of text holds (2 GB: it panicked) and some 5 GB of memory
    with pytest.raises(UnreadableWorkbookError) as refused:
        check_text(path, 2200 * megabyte, allowed=2500 * megabyte)
    assert refused.value.code == "E-STRINGS-AMPLIFIED"
