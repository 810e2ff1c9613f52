"""The safety checks read each workbook as calamine reads it, so that no crafted file makes them
measure one thing while calamine opens another.

Each hostile file is built here, from bytes; the ones that made calamine abort the process
(or take gigabytes) are run as a separate process, its time and peak memory measured
(``test_hardening.run_measured``): refused with exit code 1 and a message of the catalogue,
in under 20 s and 1 GiB, with no Rust panic on stderr.
"""

from __future__ import annotations

import io
import logging
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_hardening import PARTS, SHEET_HEAD, SHEET_TAIL, invoke, posix_only, run_measured, units_of

WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships">{}</Relationships>'
)
BOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{}</sheets>'
    "</workbook>"
)
TABLE = (
    b'<row r="2"><c r="A2" t="inlineStr"><is><t>Dinas A</t></is></c><c r="B2"><v>1000</v></c>'
    b'<c r="C2"><v>250</v></c></row>'
)
HEADER = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nama OPD</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>Pagu</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>Realisasi</t></is></c></row>'
)
GOOD = SHEET_HEAD.replace(b'<row r="1"><c r="A1" t="inlineStr"><is><t>Nama OPD</t></is></c></row>', HEADER)
GOOD += TABLE + SHEET_TAIL
FAR = SHEET_HEAD + b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' + SHEET_TAIL


def relationship(rid: str, target: str, before: str = "", after: str = "") -> str:
    return f'<Relationship {before}Id="{rid}" Type="{WORKSHEET}" Target="{target}"{after}/>'


def package(path: Path, parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip of ``parts`` (the usual package, the good sheet and a far one, unless replaced)."""
    every: dict[str, bytes | str] = {
        **PARTS,
        "xl/worksheets/sheet1.xml": GOOD,
        "xl/evil.xml": FAR,
        **parts,
    }
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in every.items():
            archive.writestr(name, content)
    return path


def refused_quietly(path: Path, *words: str) -> str:
    """Run ``rank`` on ``path`` in a process of its own: refused, quickly, without a panic."""
    code, stderr, seconds, peak = run_measured("rank", str(path))
    assert code == 1, (code, stderr[-600:])
    assert all(word in stderr for word in words) and "[E-" in stderr, stderr
    assert "panicked" not in stderr and "Traceback" not in stderr, stderr
    assert seconds < 20 and peak < 1024, (seconds, peak)
    return stderr


# --- which part is which sheet --------------------------------------------------------------------

SHEET_MAPS = {
    # text that looks like an attribute, inside another attribute's value
    "Target in a value": {
        "xl/_rels/workbook.xml.rels": RELS.format(
            relationship("rId1", "evil.xml", before="Note=\" Target='worksheets/sheet1.xml'\" ")
        ),
    },
    "Id in a value": {
        "xl/_rels/workbook.xml.rels": RELS.format(
            relationship("rId1", "worksheets/sheet1.xml")
            + relationship("rId1", "evil.xml", before="Note=' Id=\"rId7\"' ")
        ),
    },
    "r:id in a value": {
        "xl/workbook.xml": BOOK.format('<sheet name="Rekap" Note=\' r:id="rId1"\' r:id="rId2" sheetId="1"/>'),
        "xl/_rels/workbook.xml.rels": RELS.format(
            relationship("rId1", "worksheets/sheet1.xml") + relationship("rId2", "evil.xml")
        ),
    },
    # ">" inside a value: a regex for the tag stops there
    "> in a Relationship": {
        "xl/_rels/workbook.xml.rels": RELS.format(
            relationship("rId1", "worksheets/sheet1.xml")
            + relationship("rId1", "evil.xml", before='Note="a>b" ')
        ),
    },
    "> in a sheet": {
        "xl/workbook.xml": BOOK.format('<sheet Note="a>b" name="Rekap" sheetId="1" r:id="rId2"/>'),
        "xl/_rels/workbook.xml.rels": RELS.format(
            relationship("rId1", "worksheets/sheet1.xml") + relationship("rId2", "evil.xml")
        ),
    },
    # targets calamine resolves its own way
    "absolute target": {"xl/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "/xl/evil.xml"))},
    "another case": {
        "xl/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "worksheets/SHEET9.xml")),
        "XL/Worksheets/Sheet9.XML": FAR,
    },
    "a backslash": {
        "xl/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "other/sheet9.xml")),
        "xl\\other\\sheet9.xml": FAR,
    },
    # the package relationships name another folder for the workbook
    "another folder": {
        "_rels/.rels": PARTS["_rels/.rels"].replace(b"xl/workbook.xml", b"zz/workbook.xml"),
        "zz/workbook.xml": PARTS["xl/workbook.xml"],
        "zz/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "sheet.xml")),
        "zz/sheet.xml": FAR,
    },
}


@posix_only
@pytest.mark.parametrize("case", list(SHEET_MAPS))
def test_the_sheet_calamine_opens_is_the_sheet_measured(tmp_path: Path, case: str) -> None:
    # Before, the checks measured worksheets/sheet1.xml (or nothing) and calamine opened the
    # sheet with a cell at XFD1048576: the process aborted allocating 549,755,813,888 bytes.
    path = package(tmp_path / "map.xlsx", SHEET_MAPS[case])
    refused_quietly(path, "'Rekap'", "refused as absurdly large")


def test_a_workbook_in_another_folder_named_by_its_package_is_read(tmp_path: Path) -> None:
    path = package(
        tmp_path / "moved.xlsx",
        {
            "_rels/.rels": PARTS["_rels/.rels"].replace(b"xl/workbook.xml", b"zz/workbook.xml"),
            "zz/workbook.xml": PARTS["xl/workbook.xml"],
            "zz/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "sheet.xml")),
            "zz/sheet.xml": GOOD,
            "xl/evil.xml": GOOD,
        },
    )
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {"Dinas A": (1000.0, 250.0)}


@pytest.mark.parametrize(
    "rels",
    [
        relationship("rId1", "worksheets/sheet1.xml", before='Note="a>b" '),
        relationship("rId1", "worksheets/sheet1.xml", after=" Note=\" Target='evil.xml'\""),
        relationship("rId1", "/xl/worksheets/sheet1.xml"),
        relationship("rId1", "worksheets/Sheet1.XML"),
    ],
    ids=["> in a value", "Target in a value", "absolute", "another case"],
)
def test_the_same_constructs_in_a_genuine_workbook_are_read(tmp_path: Path, rels: str) -> None:
    path = package(
        tmp_path / "fine.xlsx", {"xl/_rels/workbook.xml.rels": RELS.format(rels), "xl/evil.xml": GOOD}
    )
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {"Dinas A": (1000.0, 250.0)}


ODD_MAPS = {
    "entities": (
        {"xl/workbook.xml": '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "x">]><workbook/>'},
        "declares a document type",
    ),
    "unclosed": (
        {"xl/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "worksheets/sheet1.xml")[:-2] + ">")},
        "not well-formed XML",
    ),
    "UTF-16": (
        {"xl/workbook.xml": BOOK.format('<sheet name="Rekap" r:id="rId1"/>').encode("utf-16")},
        "UTF-8",
    ),
    "no such part": (
        {"xl/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "worksheets/none.xml"))},
        "names a part that is missing",
    ),
}


@pytest.mark.parametrize("case", list(ODD_MAPS))
def test_a_sheet_map_that_is_not_plain_xml_is_refused(tmp_path: Path, case: str) -> None:
    parts, words = ODD_MAPS[case]
    result = invoke("rank", str(package(tmp_path / "odd.xlsx", parts)))
    assert result.exit_code == 1 and words in result.stderr, result.stderr
    assert "[E-DAMAGED]" in result.stderr


@posix_only
def test_an_ods_that_is_also_an_xlsx_has_both_measured(tmp_path: Path) -> None:
    # Given bytes (a misnamed file), calamine tries its .xlsx reader before the .ods one.
    from builders import ods_bytes

    with zipfile.ZipFile(
        io.BytesIO(ods_bytes([["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250]]))
    ) as ods:
        parts = {info.filename: ods.read(info) for info in ods.infolist()}
    parts.update(
        {
            "_rels/.rels": PARTS["_rels/.rels"].replace(b"xl/workbook.xml", b"zz/workbook.xml"),
            "zz/workbook.xml": PARTS["xl/workbook.xml"],
            "zz/_rels/workbook.xml.rels": RELS.format(relationship("rId1", "sheet.xml")).encode(),
            "zz/sheet.xml": FAR,
        }
    )
    path = tmp_path / "both.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    refused_quietly(path, "refused as absurdly large")


# --- where calamine places a cell ------------------------------------------------------------------

# cells as sheet XML: the kinds calamine places differently
CELLS = {
    "empty": "<c/>",
    "value": "<c><v>1</v></c>",
    "text": '<c t="inlineStr"><is><t>x</t></is></c>',
    "styled empty": '<c s="1"/>',
}


@st.composite
def sheets(draw: st.DrawFn) -> tuple[bytes, bool]:
    """Sheet XML of rows with and without r, cells with and without r; whether it nests a cell."""
    parts, nested = [], False
    for _ in range(draw(st.integers(0, 8))):
        cells = []
        for _ in range(draw(st.integers(0, 6))):
            kind = draw(st.sampled_from([*CELLS, "placed", "placed empty", "nested"]))
            if kind.startswith("placed"):
                ref = f"{'ABCDEFGHIJ'[draw(st.integers(0, 9))]}{draw(st.integers(1, 30))}"
                cells.append(f'<c r="{ref}"/>' if kind.endswith("empty") else f'<c r="{ref}"><v>2</v></c>')
            elif kind == "nested":  # calamine reads the inner cell as the outer one's value
                nested = True
                cells.append('<c><v><c r="A1"/></v></c>')
            else:
                cells.append(CELLS[kind])
        shape = draw(st.sampled_from(["row", "row r", "empty row", "no row"]))
        body = "".join(cells)
        if shape == "row r":
            parts.append(f'<row r="{draw(st.integers(1, 30))}">{body}</row>')
        elif shape == "empty row":
            parts.append("<row/>" + body)
        elif shape == "no row":
            parts.append(body)
        else:
            parts.append(f"<row>{body}</row>")
    xml = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    return (xml + "".join(parts) + "</sheetData></worksheet>").encode(), nested


def calamine_extent(tmp: Path, xml: bytes) -> tuple[int, int]:
    """(rows, columns) up to the last cell calamine reads a value in, or (0, 0)."""
    from python_calamine import CalamineWorkbook

    path = package(tmp / "placed.xlsx", {"xl/worksheets/sheet1.xml": xml})
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    if sheet.end is None:
        return 0, 0
    return sheet.end[0] + 1, sheet.end[1] + 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet=sheets())
def test_cells_are_placed_where_calamine_places_them(tmp_path: Path, sheet: tuple[bytes, bool]) -> None:
    from realisasi_cli.inputs.xlsx import PlainPositions, Positions

    xml, nested = sheet
    logging.getLogger("python_calamine").setLevel(logging.ERROR)
    expected = calamine_extent(tmp_path, xml)
    placed, plain = Positions(), PlainPositions()
    for at in range(0, len(xml), 97):  # in pieces, cut anywhere
        placed.feed(xml[at : at + 97])
        plain.feed(xml[at : at + 97])
    found, plainly = placed.finish(), plain.finish()
    if nested:  # the inner cell is a value of the outer one, which calamine then finds empty
        assert found[0] >= expected[0] and found[1] >= expected[1]
        assert not plain.plain  # such a sheet is left to the replay tag by tag
    else:
        assert found == expected
        assert plain.plain and plainly == expected


# sheets that declare a small dimension, with one cell calamine puts at XFD1048576 (or near it)
HIDDEN_CELLS = {
    # no reference: placed after the cells and rows before it
    "placed after empty rows": b"<row/>" * 1_048_575 + b"<row>" + b"<c/>" * 16_383 + b"<c><v>1</v></c></row>",
    # the second r is the one calamine takes
    "two r attributes": b'<row r="1048576"><c r="A1" r="XFD1048576"><v>1</v></c></row>',
    # a "<" inside the tag: calamine reads on to the ">", the regexes stopped
    "< inside the tag": b'<row r="1048576"><c r="A1" s="1" <x="1" r="XFD1048576"><v>1</v></c></row>',
    "a comment inside the tag": b'<row r="1048576"><c r="A1" s="1" <!--="x" r="XFD1048576" -->'
    b"<v>1</v></c></row>",
    # calamine's attribute reader takes a form feed for white space
    "form feed before =": b'<row r="2"><c r\x0c="XFD1048576"><v>1</v></c></row>',
    # "<?>" is a whole processing instruction to calamine's reader
    "<?> then a cell": b'<?><row r="1048576"><c r="XFD1048576"><v>1</v></c></row><?x?>',
}


@posix_only
@pytest.mark.parametrize("case", list(HIDDEN_CELLS))
def test_a_cell_calamine_places_far_away_is_refused_whatever_the_dimension_says(
    tmp_path: Path, case: str
) -> None:
    xml = SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:C3"/><sheetData>')
    # stored, not compressed: the ratio of the archive does not give it away
    sheet = {"xl/worksheets/sheet1.xml": xml + HIDDEN_CELLS[case] + SHEET_TAIL}
    stderr = refused_quietly(package(tmp_path / "hidden.xlsx", sheet, zipfile.ZIP_STORED))
    assert "refused as absurdly large" in stderr or "damaged" in stderr, stderr


@posix_only
def test_a_large_sheet_of_cells_without_references_is_read(tmp_path: Path) -> None:
    # some writers leave every r out: 60,000 rows of three cells, placed one after the other
    rows = b"".join(
        b'<row><c t="inlineStr"><is><t>Dinas ' + str(i % 7).encode() + b"</t></is></c><c><v>1000</v></c>"
        b"<c><v>250</v></c></row>"
        for i in range(60_000)
    )
    header = (
        b'<row><c t="inlineStr"><is><t>Nama OPD</t></is></c><c t="inlineStr"><is><t>Pagu</t></is></c>'
        b'<c t="inlineStr"><is><t>Realisasi</t></is></c></row>'
    )
    xml = SHEET_HEAD.split(b"<row")[0] + header + rows + SHEET_TAIL
    path = package(tmp_path / "placed.xlsx", {"xl/worksheets/sheet1.xml": xml})
    code, stderr, seconds, peak = run_measured("rank", str(path), "-q")
    assert code == 0, stderr
    assert seconds < 20 and peak < 1024, (seconds, peak)


# --- .xls: the sheets calamine reads, from where their offsets point ------------------------------


def biff(rtype: int, body: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(body)) + body


# a whole sheet: BOF, a DIMENSIONS whose first row lies after its last (calamine's reserve for
# it wraps around to 4,294,967,293 rows), one number, EOF
HIDDEN_SHEET = (
    biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
    + biff(0x0200, struct.pack("<IIHHH", 5, 2, 0, 3, 0))
    + biff(0x0203, struct.pack("<HHHd", 0, 0, 0, 1.0))
    + biff(0x000A, b"")
)


def xlwt_book(
    path: Path, rows: list[list[object]], strings: dict[tuple[int, int], str] | None = None
) -> Path:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Rekap")
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    for (i, j), text in (strings or {}).items():
        sheet.write(i, j, text)
    book.save(str(path))
    return path


def workbook_stream(path: Path) -> bytes:
    from realisasi_cli.inputs.ole import _Compound

    stream = _Compound(path.read_bytes()).stream("Workbook")
    assert stream is not None
    return stream


@posix_only
def test_a_sheet_hidden_inside_a_shared_string_is_refused(tmp_path: Path) -> None:
    # The sheet's offset points into the text of a shared string that holds a whole sheet: a
    # walk of the records never sees it; calamine jumps there, and its reserve aborted.
    rows = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250]]
    path = xlwt_book(tmp_path / "hidden.xls", rows, {(5, 0): "x" + HIDDEN_SHEET.decode("latin-1")})
    data = bytearray(path.read_bytes())
    stream = workbook_stream(path)
    hidden = stream.index(HIDDEN_SHEET)
    at = stream.index(b"\x85\x00")  # the BOUNDSHEET record, early in the stream
    old = stream[at + 4 : at + 8]
    record = stream[at : at + 8]
    where = bytes(data).index(record)
    data[where + 4 : where + 8] = struct.pack("<I", hidden)
    assert struct.unpack("<I", old)[0] != hidden
    path.write_bytes(bytes(data))
    refused_quietly(path, "does not point at the start of a sheet")


@posix_only
def test_an_xls_dimension_that_wraps_around_is_refused(tmp_path: Path) -> None:
    path = xlwt_book(tmp_path / "wrap.xls", [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250]])
    data = bytearray(path.read_bytes())
    at = bytes(data).index(struct.pack("<HH", 0x0200, 14))
    data[at + 4 : at + 18] = struct.pack("<IIHHH", 5, 2, 0, 3, 0)  # first row 5, last row 1
    path.write_bytes(bytes(data))
    refused_quietly(path, "declares 4,294,967,293 rows")


@posix_only
def test_one_long_shared_string_in_many_xls_cells_is_refused(tmp_path: Path) -> None:
    # 10,000 cells refer to one string of 30,000 characters: 300 MB of text from 200 KB
    long = "Belanja " * 3_750
    cells = {(i, 3): long for i in range(1, 10_001)}
    path = xlwt_book(tmp_path / "strings.xls", [["Nama OPD", "Pagu", "Realisasi", "Uraian"]], cells)
    assert path.stat().st_size < 400_000
    refused_quietly(path, "would copy text into")


# --- .ods: repeats counted as calamine counts them ---------------------------------------------------

ODS_ROWS = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 250]]
STRING_CELL = '<table:table-cell office:value-type="string"{}><text:p>{}</text:p></table:table-cell>'
ODS_BOMBS = {
    # calamine reads "+99000" as 99,000 (Rust's parse); the checks read 1
    "a signed count": '<table:table-row table:number-rows-repeated="+99000">'
    + STRING_CELL.format(' table:number-columns-repeated="1000"', "Dinas A")
    + "</table:table-row>",
    "a count written as a reference": '<table:table-row table:number-rows-repeated="&#57;9000">'
    + STRING_CELL.format(' table:number-columns-repeated="1000"', "Dinas A")
    + "</table:table-row>",
    # one cell of 2,000,000,000 spaces, from a few bytes
    "spaces": "<table:table-row>"
    + STRING_CELL.format("", 'a<text:s text:c="2000000000"/>')
    + "</table:table-row>",
    # 100 KB of text repeated over 16,000 columns and 10 rows
    "a long text repeated": '<table:table-row table:number-rows-repeated="10">'
    + STRING_CELL.format(' table:number-columns-repeated="16000"', "Belanja " * 12_500)
    + "</table:table-row>",
}


@posix_only
@pytest.mark.parametrize("case", list(ODS_BOMBS))
def test_ods_repeats_and_spaces_are_counted_as_calamine_counts_them(tmp_path: Path, case: str) -> None:
    from builders import ods_bytes

    path = tmp_path / "repeats.ods"
    path.write_bytes(ods_bytes(ODS_ROWS, ODS_BOMBS[case]))
    stderr = refused_quietly(path)
    assert "refused" in stderr, stderr


def test_an_ods_count_calamine_cannot_read_ends_in_a_message(tmp_path: Path) -> None:
    from builders import ods_bytes

    path = tmp_path / "spaced.ods"
    spaced = '<table:table-row table:number-rows-repeated=" 99000"><table:table-cell/></table:table-row>'
    path.write_bytes(ods_bytes(ODS_ROWS, spaced))
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "[E-" in result.stderr and "unexpected" not in result.stderr


def test_ods_text_and_repeats_of_a_genuine_export_are_read(tmp_path: Path) -> None:
    from builders import ods_bytes

    path = tmp_path / "fine.ods"
    trailing = (
        '<table:table-row table:number-rows-repeated="+3"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    rows = [
        ["Nama OPD", "Pagu", "Realisasi"],
        ['Dinas<text:s text:c="+1"/>A', 1000, 250],
    ]  # ods_bytes writes it raw
    path.write_bytes(ods_bytes(rows, trailing))
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {"Dinas A": (1000.0, 250.0)}


# --- archives: members, their names and their bytes ---------------------------------------------------


def raw_zip(path: Path, entries: list[tuple[str, bytes]], shared: list[str] = ()) -> Path:  # type: ignore[assignment]
    """A zip written by hand: ``entries`` deflated, then central entries for the ``shared``
    names that all point at the data of the first entry."""
    out, central = io.BytesIO(), []
    first = None
    for name, content in entries:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = packer.compress(content) + packer.flush()
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, 8, 0, 0x21, zlib.crc32(content), len(data), len(content), len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data)
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
        )
        first = first or (fields, offset)
    assert first is not None
    for name in shared:
        fields, offset = first
        encoded = name.encode()
        fields = (*fields[:-1], len(encoded))
        central.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + encoded
        )
    start = out.tell()
    out.write(b"".join(central))
    count = len(central)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


@posix_only
def test_members_that_share_one_compressed_stream_are_refused(tmp_path: Path) -> None:
    # nine sheets, one stream: the ratio of the archive counted its bytes nine times
    names = [f"xl/worksheets/sheet{i}.xml" for i in range(1, 10)]
    book = BOOK.format("".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, 10)))
    rels = RELS.format("".join(relationship(f"rId{i}", f"worksheets/sheet{i}.xml") for i in range(1, 10)))
    parts = {**PARTS, "xl/workbook.xml": book.encode(), "xl/_rels/workbook.xml.rels": rels.encode()}
    path = raw_zip(tmp_path / "shared.xlsx", [(names[0], GOOD), *parts.items()], shared=names[1:])
    refused_quietly(path, "share their data")


def test_an_archive_of_too_many_members_is_refused(tmp_path: Path) -> None:
    path = package(tmp_path / "many.xlsx", {f"xl/media/{i}.bin": b"" for i in range(10_001)})
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "holds 10,007 members" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"XL/worksheets/SHEET1.xml": FAR}, "two members are named"),
        ({"xl/worksheets\\sheet1.xml": FAR}, "two members are named"),
    ],
    ids=["case", "backslash"],
)
def test_members_named_alike_are_refused(tmp_path: Path, extra: dict[str, bytes], words: str) -> None:
    # which one calamine opens would depend on the order of the archive
    result = invoke("rank", str(package(tmp_path / "twice.xlsx", extra)))
    assert result.exit_code == 1 and words in result.stderr, result.stderr


def test_a_member_renamed_by_a_unicode_path_field_is_refused(tmp_path: Path) -> None:
    path = package(tmp_path / "renamed.xlsx", {})
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = b"xl/evil.xml"
    field = struct.pack("<B I", 1, zlib.crc32(name)) + b"xl/worksheets/sheet1.xml"
    renamed = tmp_path / "unicode.xlsx"
    with zipfile.ZipFile(renamed, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in parts.items():
            info = zipfile.ZipInfo(member)
            if member == "xl/evil.xml":
                info.extra = struct.pack("<HH", 0x7075, len(field)) + field
            archive.writestr(info, content, zipfile.ZIP_DEFLATED)
    result = invoke("rank", str(renamed))
    assert result.exit_code == 1 and "would be read otherwise" in result.stderr, result.stderr


def test_data_prepended_to_an_archive_is_refused(tmp_path: Path) -> None:
    # Python and calamine's zip reader correct for it differently
    path = package(tmp_path / "prefixed.xlsx", {})
    path.write_bytes(b"PK\x03\x04" + bytes(508) + path.read_bytes())
    with zipfile.ZipFile(path) as archive:  # Python reads it, shifted
        assert archive.read("xl/worksheets/sheet1.xml") == GOOD
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "directory is inconsistent" in result.stderr, result.stderr


# --- shared strings copied into every cell that refers to them -----------------------------------------

SST = '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>'


def long_text(size: int) -> str:
    """Text that compresses about 30:1, as prose does not but a crafted file may."""
    import random

    rng = random.Random(5)
    return "".join(rng.choice("abcdefghij") if rng.random() < 0.02 else " " for _ in range(size))


def string_book(path: Path, strings: list[str], references: list[int]) -> Path:
    """A workbook whose table is followed by cells that refer to shared strings by index."""
    cells = "".join(
        f'<row r="{i + 3}"><c r="D{i + 3}" t="s"><v>{index}</v></c></row>'
        for i, index in enumerate(references)
    )
    sheet = GOOD.replace(SHEET_TAIL, cells.encode() + SHEET_TAIL)
    sst = SST.format("".join(f"<si><t>{text}</t></si>" for text in strings))
    return package(path, {"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": sst})


@posix_only
@pytest.mark.parametrize("references", [400, 1_000])
def test_one_long_shared_string_in_many_cells_is_refused(tmp_path: Path, references: int) -> None:
    # 4 MB of text, 400 references: 1.6 GB of copies from a file of a few hundred KB
    path = string_book(tmp_path / "copies.xlsx", ["Dinas B", long_text(4 << 20)], [1] * references)
    assert path.stat().st_size < 400_000
    refused_quietly(path, "would copy text into")


def test_long_strings_each_referred_to_once_are_read(tmp_path: Path) -> None:
    # (cells) × (longest string) is far beyond the budget; the strings each cell refers to are not
    strings = ["Dinas B", long_text(2 << 20), *(f"kode {i}" for i in range(20_000))]
    path = string_book(tmp_path / "notes.xlsx", strings, [1, *range(2, 20_002)])
    result = invoke("rank", str(path), "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr


def test_shared_strings_calamine_would_number_otherwise_are_not_trusted(tmp_path: Path) -> None:
    # a string outside <sst> shifts the numbers: its length cannot be told apart from another's
    strings = ["Dinas B", long_text(2 << 20), *(f"kode {i}" for i in range(20_000))]
    path = string_book(tmp_path / "odd.xlsx", strings, [1, *range(2, 20_002)])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"<sst ", b"<si><t>x</t></si><sst ")
    odd = package(tmp_path / "numbered.xlsx", parts)
    result = invoke("rank", str(odd))
    assert result.exit_code == 1 and "would copy text into" in result.stderr, result.stderr


# --- .xlsb: what calamine would panic on --------------------------------------------------------------


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_book(path: Path, strings: list[str], references: list[int], rel_id: str = "rId1") -> Path:
    """An .xlsb written by hand: a header row, "Dinas A" 1000 250, then cells that refer to strings."""
    from test_hardening import biff12

    bundle = struct.pack("<II", 0, 1) + wide(rel_id) + wide("Rekap")
    book = biff12(0x0083, b"") + biff12(0x008F, b"") + biff12(0x009C, bundle) + biff12(0x0090, b"")
    book += biff12(0x0084, b"")

    def text(col: int, value: str) -> bytes:
        return biff12(0x0006, struct.pack("<II", col, 0) + wide(value))

    def number(col: int, value: float) -> bytes:
        return biff12(0x0005, struct.pack("<IId", col, 0, value))

    def row(index: int) -> bytes:
        return biff12(0x0000, struct.pack("<I", index) + bytes(8))

    sheet = (
        biff12(0x0081, b"")
        + biff12(0x0094, struct.pack("<4I", 0, 2 + len(references), 0, 3))
        + biff12(0x0091, b"")
    )
    sheet += row(0) + text(0, "Nama OPD") + text(1, "Pagu") + text(2, "Realisasi")
    sheet += row(1) + text(0, "Dinas A") + number(1, 1000) + number(2, 250)
    for i, index in enumerate(references):
        sheet += row(2 + i) + biff12(0x0007, struct.pack("<III", 3, 0, index))
    sheet += biff12(0x0092, b"")
    sst = biff12(0x009F, struct.pack("<II", len(strings), len(strings)))
    sst += b"".join(biff12(0x0013, b"\x00" + wide(s)) for s in strings) + biff12(0x00A0, b"")
    rels = RELS.format(relationship("rId1", "worksheets/sheet1.bin"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", PARTS["[Content_Types].xml"])
        archive.writestr("xl/workbook.bin", book)
        archive.writestr("xl/_rels/workbook.bin.rels", rels)
        archive.writestr("xl/worksheets/sheet1.bin", sheet)
        archive.writestr("xl/sharedStrings.bin", sst)
    return path


def test_a_genuine_xlsb_with_shared_strings_is_read(tmp_path: Path) -> None:
    path = xlsb_book(tmp_path / "fine.xlsb", ["catatan"], [0, 0])
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {"Dinas A": (1000.0, 250.0)}


@posix_only
@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda p: xlsb_book(p, ["catatan"], [5]), "refers to a shared string that does not exist"),
        (lambda p: xlsb_book(p, ["catatan"], [0], rel_id="rId9"), "names a part that is missing"),
        (lambda p: xlsb_book(p, ["catatan", long_text(1 << 20)], [1] * 300), "would copy text into"),
    ],
    ids=["no such string", "no such relationship", "one long string in many cells"],
)
def test_an_xlsb_calamine_would_panic_on_or_blow_up_is_refused(
    tmp_path: Path, build: object, words: str
) -> None:
    path = build(tmp_path / "odd.xlsb")  # type: ignore[operator]
    refused_quietly(path, words)


# --- CSV: the limits hold before the file is parsed whole ------------------------------------------------


def test_csv_rows_read_in_batches_keep_their_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from realisasi_cli.reading import text

    monkeypatch.setattr(text, "_CSV_BATCH", 2)  # batches of two rows: blank and short rows between
    path = tmp_path / "rekap.csv"
    path.write_text(
        "judul\n\n\nNama OPD;Pagu;Realisasi\nDinas A;1000;250\n\nDinas B;2000;1500\n", encoding="utf-8"
    )
    grid = text.read_text(path, "text")[0]
    assert grid.frame.height == 7 and grid.frame.columns == ["c0", "c1", "c2"]
    assert grid.frame.row(4) == ("Dinas A", "1000", "250") and grid.frame.row(1) == (None, None, None)
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {
        "Dinas A": (1000.0, 250.0),
        "Dinas B": (2000.0, 1500.0),
    }


@posix_only
@pytest.mark.slow
def test_a_csv_of_195_mb_beyond_the_cell_limit_is_refused_with_little_memory(tmp_path: Path) -> None:
    # 975,000 rows of 100 one-digit fields: 97.5 million cells. Before, the file was read,
    # decoded and parsed whole before the limit was applied: 6.4 GB.
    path = tmp_path / "big.csv"
    line = ";".join(["1"] * 100) + "\n"
    with path.open("w", encoding="ascii") as handle:
        handle.write("Nama OPD;Pagu;Realisasi" + ";x" * 97 + "\n")
        for _ in range(975):
            handle.write(line * 1000)
    assert path.stat().st_size > 190_000_000
    code, stderr, seconds, peak = run_measured("rank", str(path))
    assert code == 1 and "refused as absurdly large" in stderr, stderr
    assert seconds < 20 and peak < 300, (seconds, peak)


@posix_only
@pytest.mark.slow
def test_a_large_csv_within_the_limits_is_read_in_proportion_to_its_size(tmp_path: Path) -> None:
    # 1.5 million line items (about 115 MB): read in a few seconds and well under 1 GiB
    path = tmp_path / "lines.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Nama OPD;Kode Rekening;Uraian;Pagu;Realisasi\n")
        for block in range(1_500):
            handle.write(
                "".join(
                    f"Dinas {i % 40};5.1.02.{i % 997:03d};Belanja barang nomor {i % 500};{1000 + i};{i}\n"
                    for i in range(block * 1000, block * 1000 + 1000)
                )
            )
    code, stderr, seconds, peak = run_measured("rank", str(path), "-q")
    assert code == 0, stderr
    assert seconds < 20 and peak < 1024, (seconds, peak)


# --- limits of the first round, each with a test of its own ---------------------------------------------


def test_a_tag_longer_than_a_megabyte_is_refused(tmp_path: Path) -> None:
    tag = b'<row r="2"><c r="A2" s="' + b"1" * (2 << 20) + b'"><v>1</v></c></row>'
    sheet = {"xl/worksheets/sheet1.xml": GOOD.replace(TABLE, tag)}
    result = invoke("rank", str(package(tmp_path / "tag.xlsx", sheet, zipfile.ZIP_STORED)))
    assert result.exit_code == 1 and "an XML tag longer than 1 MB" in result.stderr, result.stderr


def test_more_than_a_thousand_sheets_are_refused(tmp_path: Path) -> None:
    book = BOOK.format("".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, 1002)))
    rels = RELS.format("".join(relationship(f"rId{i}", f"worksheets/s{i}.xml") for i in range(1, 1002)))
    sheets = {f"xl/worksheets/s{i}.xml": GOOD for i in range(1, 1002)}
    path = package(
        tmp_path / "sheets.xlsx", {"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels, **sheets}
    )
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "1,001 sheets; refused as absurd" in result.stderr, result.stderr


def test_an_ods_whose_content_is_not_well_formed_is_refused(tmp_path: Path) -> None:
    from builders import ods_bytes

    path = tmp_path / "cut.ods"
    path.write_bytes(ods_bytes(ODS_ROWS, "<table:table-row><table:table-cell>"))
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "content.xml is not well-formed" in result.stderr, result.stderr


@pytest.mark.parametrize("piece", [7, 61, 1 << 20])
def test_shared_strings_are_measured_alike_in_one_pass_and_tag_by_tag(
    piece: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realisasi_cli.inputs.strings import XmlStrings

    xml = SST.format(
        "".join(f"<si><t>kode {i}</t></si>" for i in range(300))
        + "<si><r><t>x</t></r><r><rPr><b/></rPr><t>"
        + "y" * 500
        + "</t></r></si><si/><si><t>z</t></si>"
    ).encode()

    def measured() -> XmlStrings:
        strings = XmlStrings()
        for at in range(0, len(xml), piece):
            strings.feed(xml[at : at + piece])
        strings.finish()
        return strings

    quick = measured()
    monkeypatch.setattr(XmlStrings, "_plainly", lambda _self, _body: False)
    slow = measured()
    assert list(quick.lengths) == list(slow.lengths) and len(quick.lengths) == 303
    assert (
        quick.longest == slow.longest == len("<r><t>x</t></r><r><rPr><b/></rPr><t>" + "y" * 500 + "</t></r>")
    )
    assert quick.plain and slow.plain


def test_two_sheets_that_name_one_part_are_refused(tmp_path: Path) -> None:
    # calamine would read (and hold) the part once for each
    book = BOOK.format('<sheet name="A" sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" r:id="rId2"/>')
    rels = RELS.format(
        relationship("rId1", "worksheets/sheet1.xml") + relationship("rId2", "worksheets/sheet1.xml")
    )
    path = package(tmp_path / "twice.xlsx", {"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels})
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "that another sheet names too" in result.stderr, result.stderr


def test_cells_placed_tag_by_tag_are_replayed_up_to_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from realisasi_cli.inputs import xlsx
    from realisasi_cli.inputs.archive import Damaged

    monkeypatch.setattr(xlsx, "MAX_POSITIONAL_TAGS", 1_000)
    placed = xlsx.Positions()
    with pytest.raises(Damaged, match="more than 1,000 tags"):
        placed.feed(b"<worksheet><sheetData>" + b"<row><c><v>1</v></c></row>" * 400)


@posix_only
def test_an_xls_cut_short_inside_its_directory_is_refused_without_a_panic(tmp_path: Path) -> None:
    from conftest import SAMPLES

    data = (SAMPLES / "rekap_opd_30sep2023.xls").read_bytes()
    directory = (struct.unpack_from("<I", data, 0x30)[0] + 1) * 512  # the sector of its first entries
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: directory + 300])  # calamine cut the last entry short and panicked
    refused_quietly(path, "the file is cut short")


def zip64_directory(data: bytes, plain_values: bool) -> bytes:
    """The archive with a zip64 end record and locator before its end record (as large archives
    have); the plain record keeps its values or says "see zip64"."""
    end = data.rindex(b"PK\x05\x06")
    _sig, _d, _cd, _here, entries, size, offset, _comment = struct.unpack_from("<4sHHHHIIH", data, end)
    record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, entries, entries, size, offset)
    locator = struct.pack("<IIQI", 0x07064B50, 0, end, 1)
    if plain_values:
        plain = data[end:]
    else:
        plain = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return data[:end] + record + locator + plain


@pytest.mark.parametrize("plain_values", [True, False])
def test_an_archive_with_a_zip64_directory_is_read(tmp_path: Path, plain_values: bool) -> None:
    path = package(tmp_path / "zip64.xlsx", {"xl/evil.xml": GOOD})
    path.write_bytes(zip64_directory(path.read_bytes(), plain_values))
    with zipfile.ZipFile(path) as archive:
        assert archive.read("xl/worksheets/sheet1.xml") == GOOD
    assert units_of(invoke("rank", str(path), "-f", "json", "-q")) == {"Dinas A": (1000.0, 250.0)}


def test_a_zip64_directory_that_contradicts_the_plain_one_is_refused(tmp_path: Path) -> None:
    # Python reads the zip64 record, calamine's reader the plain one, which here lists no member
    path = package(tmp_path / "zip64.xlsx", {"xl/evil.xml": GOOD})
    data = zip64_directory(path.read_bytes(), plain_values=True)
    end = data.rindex(b"PK\x05\x06")
    path.write_bytes(data[: end + 8] + struct.pack("<HH", 0, 0) + data[end + 12 :])
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "directory is inconsistent" in result.stderr, result.stderr


@posix_only
def test_stray_end_tags_do_not_pass_for_cells_that_hold_something(tmp_path: Path) -> None:
    # 1,048,576 × 28 cells, two of them filled, and 7.5 million "</c>" that calamine ignores:
    # counted as cells, they made the sheet look dense enough to allocate (1.4 GB and more)
    far = b'<row r="1048576"><c r="AB1048576"><v>1</v></c></row>' + b"</c>" * 7_500_000
    sheet = {"xl/worksheets/sheet1.xml": GOOD.replace(SHEET_TAIL, far + SHEET_TAIL)}
    path = package(tmp_path / "stray.xlsx", sheet, zipfile.ZIP_STORED)
    refused_quietly(path, "only 7 cells hold anything")


def many_sheets(path: Path, count: int, far: bytes) -> Path:
    """A workbook of ``count`` sheets, each the good table and one cell at ``far``."""
    book = BOOK.format(
        "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, count + 1))
    )
    rels = RELS.format("".join(relationship(f"rId{i}", f"worksheets/s{i}.xml") for i in range(1, count + 1)))
    sheet = GOOD.replace(SHEET_TAIL, b'<row r="1990"><c r="' + far + b'"><v>1</v></c></row>' + SHEET_TAIL)
    sheets = {f"xl/worksheets/s{i}.xml": sheet for i in range(1, count + 1)}
    return package(path, {"xl/workbook.xml": book, "xl/_rels/workbook.xml.rels": rels, **sheets})


@posix_only
def test_many_sheets_that_are_each_within_the_limits_are_counted_together(tmp_path: Path) -> None:
    # each sheet 1,990 × 2,000 cells (below the size where emptiness counts), seven filled:
    # fifty of them took 30 s and 4.8 GB, as calamine holds every sheet's rectangle
    path = many_sheets(tmp_path / "many.xlsx", 20, b"BXX1990")
    refused_quietly(path, "its sheets together span 79,600,000 cells")


def test_several_sheets_of_a_genuine_workbook_are_read(tmp_path: Path) -> None:
    path = many_sheets(tmp_path / "several.xlsx", 3, b"C1990")
    result = invoke("rank", str(path), "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
