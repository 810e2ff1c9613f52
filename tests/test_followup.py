"""The follow-up loop of the evaluation meeting: ``brief -o tindak-lanjut.xlsx`` writes the worksheet
handed out at the meeting, and ``brief NEW --followup FILE`` carries what was agreed into the next
brief beside each unit's change since."""

from __future__ import annotations

import html
import shutil
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.facts.followup import date_of, pct_of, read_followup
from realisasi_cli.inputs.discover import OUTPUT_PROPERTY, written_by_realisasi
from realisasi_cli.present.followup import is_done

runner = CliRunner()
NOW = SAMPLES / "rekap_pd_10nov2023.xlsx"
BEFORE = SAMPLES / "rekap_opd_30sep2023.xls"
LRA = SAMPLES / "lra_per_skpd_30sep2023.xlsx"
HEADERS = [
    "No",
    "Kode",
    "Perangkat Daerah",
    "Realisasi %",
    "Selisih thd target s.d. tanggal data (pp)",
    "Sisa pagu",
    "Permasalahan",
    "Tindak lanjut",
    "Penanggung jawab",
    "Tenggat",
    "Status",
]
# the 10 November data date: 65 % at the end of TW III, 95 % at the end of TW IV, 41 of 92 days
TARGET_10_NOV = 65 + 30 * 41 / 92


def run(*args: str) -> Any:
    return runner.invoke(app, [*args])


def ok(*args: str) -> Any:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result


def lowest(truth: dict[str, Any], n: int = 10) -> list[dict[str, Any]]:
    """The n lowest units, worked out from the generator's numbers: by %, ties by name."""
    return sorted(truth["units"], key=lambda u: (u["absorption_pct"], u["name"]))[:n]


def by_name(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["name"]: u for u in truth["units"]}


def pct(value: float) -> str:
    """A percentage as the Indonesian brief writes it: 41,87%."""
    return f"{value:.2f}".replace(".", ",") + "%"


def pp(value: float) -> str:
    """Percentage points as the Indonesian brief writes them: +12,7 pp."""
    return f"{value:+.1f}".replace(".", ",") + " pp"


def worksheet(tmp_path: Path, source: Path, *args: str, name: str = "tindak-lanjut.xlsx") -> Path:
    out = tmp_path / name
    ok("brief", str(source), "-o", str(out), "--meeting-date", "2023-10-16", "-q", *args)
    return out


def header_row(sheet: Any) -> int:
    """The worksheet's header row, found the way a person would: the row that starts with No."""
    return next(r for r in range(1, 30) if sheet.cell(r, 1).value in ("No", "Nr"))


def fill(
    path: Path, out: Path, notes: dict[str, dict[str, Any]], extra: Sequence[dict[str, Any]] = ()
) -> Path:
    """Fill in the write-in cells with openpyxl, as a secretary would in Excel, and save."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.active
    top = header_row(sheet)
    column = {sheet.cell(top, j).value: j for j in range(1, sheet.max_column + 1)}
    for r in range(top + 1, sheet.max_row + 1):
        for key, value in notes.get(sheet.cell(r, column["Perangkat Daerah"]).value, {}).items():
            sheet.cell(r, column[key], value)
    for i, row in enumerate(extra, start=sheet.max_row + 1):
        for key, value in row.items():
            sheet.cell(i, column[key], value)
    book.save(out)
    return out


def width(sheet: Any, column: int) -> float:
    """A column's width, also where the file gives it for a range of columns (G:H)."""
    return next(d.width for d in sheet.column_dimensions.values() if d.min <= column <= d.max)


def section(text: str) -> str:
    return text.split("## Tindak lanjut rapat sebelumnya")[1].split("perangkat daerah terendah (usulan")[0]


def rows_of(markdown: str) -> dict[str, list[str]]:
    """The follow-up table's rows by unit name: the cells after the name."""
    rows = {}
    for line in section(markdown).splitlines():
        if line.startswith("| ") and not line.startswith("| No ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            rows[cells[1].split(" (")[0]] = cells[2:]
    return rows


# --- the worksheet ---------------------------------------------------------------------------


def test_the_worksheet_lists_the_briefs_lowest_units_with_room_for_what_the_meeting_agrees(
    tmp_path: Path, expected: dict[str, Any]
) -> None:
    import openpyxl

    path = worksheet(tmp_path, BEFORE)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "Tindak lanjut"
    titles = [sheet.cell(r, 1).value for r in range(1, 5)]
    assert titles == [
        "PEMERINTAH KOTA BATU",
        "Lembar Tindak Lanjut Rapat Evaluasi Realisasi Anggaran",
        "Data per 30 September 2023",
        "Tanggal rapat: Senin, 16 Oktober 2023",
    ]
    top = header_row(sheet)
    assert [sheet.cell(top, j).value for j in range(1, 12)] == HEADERS
    units = lowest(expected[BEFORE.name])
    assert sheet.max_row == top + len(units)
    for i, unit in enumerate(units, start=1):
        row = [sheet.cell(top + i, j) for j in range(1, 12)]
        assert row[0].value == i and row[1].value is None  # the .xls rekap has no codes
        assert row[2].value == unit["name"]
        assert row[3].value == pytest.approx(unit["absorption_pct"] / 100, abs=1e-9)
        assert row[3].number_format == "0.00%"
        # 30 September is the end of TW III: the target to date is TW III's 65 %
        assert row[4].value == pytest.approx(unit["absorption_pct"] - 65, abs=1e-4)
        assert row[5].value == unit["budget"] - unit["realized"]
        assert [c.value for c in row[6:]] == [None] * 5
        for cell in row[6:]:
            assert cell.border.left.style == "thin" and cell.alignment.vertical == "top"
        assert row[6].alignment.wrap_text and row[7].alignment.wrap_text
        assert "yy" in row[9].number_format
    widths = {c: width(sheet, j) for c, j in (("C", 3), ("G", 7), ("H", 8), ("K", 11))}
    assert widths["G"] > widths["C"] > widths["K"] and widths["H"] == widths["G"]
    (status, deadline) = sorted(sheet.data_validations.dataValidation, key=lambda v: v.type)[::-1][:2]
    assert status.type == "list" and status.formula1 == '"Belum,Proses,Selesai"'
    assert str(status.sqref) == f"K{top + 1}:K{top + 10}"
    assert deadline.type == "date" and str(deadline.sqref) == f"J{top + 1}:J{top + 10}"
    assert sheet.freeze_panes == f"D{top + 1}"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.print_title_rows == f"${top}:${top}"
    assert OUTPUT_PROPERTY in [p.name for p in book.custom_doc_props.props]


def test_the_worksheet_of_an_export_with_codes_and_categories(
    tmp_path: Path, expected: dict[str, Any]
) -> None:
    import openpyxl

    sheet = openpyxl.load_workbook(worksheet(tmp_path, NOW)).active
    top = header_row(sheet)
    header = [sheet.cell(top, j).value for j in range(1, 13)]
    assert header == [*HEADERS[:5], "Modal %", *HEADERS[5:]]
    assert sheet.cell(3, 1).value == "Data per 10 November 2023"
    for i, unit in enumerate(lowest(expected[NOW.name]), start=1):
        row = [sheet.cell(top + i, j).value for j in range(1, 8)]
        assert row[1] == unit["code"] and row[2] == unit["name"]
        assert row[4] == pytest.approx(unit["absorption_pct"] - TARGET_10_NOV, abs=1e-4)
        assert row[5] == pytest.approx(unit["modal_realized"] / unit["modal_budget"], abs=1e-9)
        assert row[6] == unit["budget"] - unit["realized"]


def test_the_worksheet_in_english(tmp_path: Path) -> None:
    import openpyxl

    sheet = openpyxl.load_workbook(worksheet(tmp_path, BEFORE, "--lang", "en")).active
    top = header_row(sheet)
    assert sheet.title == "Follow-up"
    assert sheet.cell(2, 1).value == "Follow-up Sheet of the Budget Realization Evaluation Meeting"
    assert [sheet.cell(top, j).value for j in range(1, 12)] == [
        "No",
        "Code",
        "Unit",
        "Absorption %",
        "Gap to the target to date (pp)",
        "Remaining budget",
        "Problems",
        "Follow-up",
        "Person responsible",
        "Deadline",
        "Status",
    ]
    (status,) = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert status.formula1 == '"Not started,In progress,Done"'


def test_the_worksheet_needs_a_file_and_never_overwrites_the_one_it_reads(tmp_path: Path) -> None:
    result = run("brief", str(NOW), "--format", "xlsx")
    assert result.exit_code == 2 and result.stdout == ""
    assert "-o" in result.stderr
    sheet = worksheet(tmp_path, BEFORE)
    before = sheet.read_bytes()
    result = run("brief", str(NOW), "--followup", str(sheet), "-o", str(sheet))
    assert result.exit_code == 2 and "menimpa berkas masukan" in result.stderr
    assert sheet.read_bytes() == before


def test_a_worksheet_among_the_exports_is_left_out_of_the_ranking(tmp_path: Path) -> None:
    folder = tmp_path / "ekspor"
    folder.mkdir()
    shutil.copy(NOW, folder / NOW.name)
    sheet = worksheet(folder, NOW)
    assert written_by_realisasi(sheet)
    result = ok("rank", str(folder), "--format", "json")
    assert "tindak-lanjut.xlsx" in result.stderr
    assert '"absorption_pct": 62.48' in result.stdout


# --- the worksheet read back -----------------------------------------------------------------


def test_the_filled_worksheet_comes_back_into_the_next_brief(
    tmp_path: Path, expected: dict[str, Any]
) -> None:
    then, now = expected[BEFORE.name], expected[NOW.name]
    sheet = worksheet(tmp_path, BEFORE, "--bottom", "13")
    perkim, pupr, dishub = (
        "DINAS PERUMAHAN DAN KAWASAN PERMUKIMAN",
        "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG",
        "DINAS PERHUBUNGAN",
    )
    filled = fill(
        sheet,
        tmp_path / "terisi.xlsx",
        {
            perkim: {
                "Permasalahan": "Lelang gedung gagal dua kali\nmenunggu revisi DPA",
                "Tindak lanjut": "Tender ulang <segera>",
                "Penanggung jawab": "Kabid Perumahan",
                "Tenggat": datetime(2023, 10, 31),
                "Status": "Proses",
            },
            pupr: {"Tindak lanjut": "Percepat SPM", "Tenggat": datetime(2023, 11, 1), "Status": "Selesai"},
            dishub: {"Tindak lanjut": "Kontrak halte", "Tenggat": datetime(2023, 12, 15), "Status": "Belum"},
        },
        extra=[{"Perangkat Daerah": "DINAS YANG SUDAH DIGABUNG", "Permasalahan": "dilebur ke Dinas X"}],
    )
    markdown = ok("brief", str(NOW), "--followup", str(filled), "--meeting-date", "2023-11-15", "-q").stdout
    part = section(markdown)
    assert "Dari lembar terisi.xlsx · data per 30 September 2023 · tanggal rapat 16 Oktober 2023" in part
    rows = rows_of(markdown)
    old13 = [u["name"] for u in lowest(then, 13)]
    new10 = {u["name"] for u in lowest(now)}
    assert list(rows) == [*old13, "DINAS YANG SUDAH DIGABUNG"]
    for name in old13:
        was, is_ = by_name(then)[name]["absorption_pct"], by_name(now)[name]["absorption_pct"]
        assert rows[name][:4] == [
            pct(was),
            pct(is_),
            pp(is_ - was),
            "masih di daftar terendah" if name in new10 else "keluar dari daftar terendah",
        ]
    left = [n for n in old13 if n not in new10]
    assert left  # the 11th to 13th of 30 September are no longer among the lowest ten
    assert f"- Keluar dari daftar terendah: {', '.join(left)}" in part
    assert "- Tidak ditemukan di data baru: DINAS YANG SUDAH DIGABUNG" in part
    assert rows["DINAS YANG SUDAH DIGABUNG"][:4] == ["-", "-", "-", "tidak ditemukan di data baru"]
    assert rows[perkim][4:] == [
        "Lelang gedung gagal dua kali · menunggu revisi DPA",
        "Tender ulang &lt;segera>",
        "Kabid Perumahan",
        "31 Oktober 2023 **⚠ lewat tenggat**",
        "Proses",
    ]
    # done before its deadline passed, or not due yet: no mark
    assert rows[pupr][4:] == ["", "Percepat SPM", "", "1 November 2023", "Selesai"]
    assert rows[dishub][7] == "15 Desember 2023"
    assert "**⚠ 1 tindak lanjut lewat tenggat dan belum selesai**" in part
    assert "Baru di daftar terendah" not in part  # the new ten were all on the worksheet

    page = ok(
        "brief", str(NOW), "--followup", str(filled), "-f", "html", "--meeting-date", "2023-11-15", "-q"
    )
    follow = page.stdout.split('<section id="tindak-lanjut"')[1].split("</section>")[0]
    assert "<segera>" not in follow and html.escape("Tender ulang <segera>", quote=False) in follow
    assert "Lelang gedung gagal dua kali\nmenunggu revisi DPA" in follow  # shown on two lines (pre-line)
    assert follow.count('class="state-still overdue"') == 1
    assert follow.count('class="state-left"') == len(left)


def test_without_followup_the_brief_has_no_such_section() -> None:
    markdown = ok("brief", str(NOW), "--meeting-date", "2023-11-15", "-q").stdout
    assert "Tindak lanjut rapat sebelumnya" not in markdown
    page = ok("brief", str(NOW), "-f", "html", "--meeting-date", "2023-11-15", "-q").stdout
    assert 'id="tindak-lanjut"' not in page


def test_units_are_matched_by_code_before_their_name(tmp_path: Path, expected: dict[str, Any]) -> None:
    import openpyxl

    sheet = worksheet(tmp_path, LRA)
    book = openpyxl.load_workbook(sheet)
    ws = book.active
    top = header_row(ws)
    codes = {}
    for r in range(top + 1, ws.max_row + 1):
        codes[ws.cell(r, 2).value] = ws.cell(r, 4).value
        ws.cell(r, 3, f"Unit lama {r - top}")  # renamed since: the code still says who it is
        ws.cell(r, 8, "Revisi anggaran kas")
    renamed = tmp_path / "kode.xlsx"
    book.save(renamed)
    rows = rows_of(
        ok("brief", str(NOW), "--followup", str(renamed), "--meeting-date", "2023-11-15", "-q").stdout
    )
    now = {u["code"]: u for u in expected[NOW.name]["units"]}
    assert len(rows) == 10
    for (code, fraction), (name, cells) in zip(codes.items(), rows.items(), strict=True):
        assert name.startswith("Unit lama")
        assert cells[:3] == [
            pct(fraction * 100),
            pct(now[code]["absorption_pct"]),
            pp(now[code]["absorption_pct"] - fraction * 100),
        ]


def test_a_worksheet_rearranged_in_a_spreadsheet_program_still_reads(
    tmp_path: Path, expected: dict[str, Any]
) -> None:
    """Header moved down, columns reordered and one added, rows sorted the other way with blank
    rows between them, names retyped in other case, dates as text."""
    import openpyxl

    original = openpyxl.load_workbook(worksheet(tmp_path, BEFORE)).active
    top = header_row(original)
    units = [[original.cell(r, j).value for j in range(1, 12)] for r in range(top + 1, original.max_row + 1)]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Hasil rapat evaluasi, disalin ke berkas baru"])
    sheet.append([])
    sheet.append(["Data per 30 September 2023"])
    sheet.append([])
    sheet.append(
        [
            "STATUS",
            "Nama Perangkat Daerah",
            "Catatan lain",
            "Tenggat",
            "Realisasi (%)",
            "Permasalahan",
            "Tindak Lanjut",
        ]
    )
    deadlines = ["30/11/2023", "15 Desember 2023", date(2023, 12, 1)]
    for i, unit in enumerate(reversed(units)):
        sheet.append([])
        deadline = deadlines[i % 3]
        sheet.append(["Proses", f"  {unit[2].title()} ", "-", deadline, unit[3], f"masalah {i}", f"aksi {i}"])
    moved = tmp_path / "diubah.xlsx"
    book.save(moved)

    read = read_followup(moved)
    assert read.as_of == date(2023, 9, 30) and read.meeting_date is None
    assert [e.name for e in read.entries] == [" ".join(u[2].title().split()) for u in reversed(units)]
    assert [e.deadline for e in read.entries[:3]] == [
        date(2023, 11, 30),
        date(2023, 12, 15),
        date(2023, 12, 1),
    ]
    then = by_name(expected[BEFORE.name])
    rows = rows_of(
        ok("brief", str(NOW), "--followup", str(moved), "--meeting-date", "2023-11-15", "-q").stdout
    )
    now = by_name(expected[NOW.name])
    assert len(rows) == len(units)
    for unit, (shown, cells) in zip(reversed(units), rows.items(), strict=True):
        was, is_ = then[unit[2]]["absorption_pct"], now[unit[2]]["absorption_pct"]
        assert shown.upper() == unit[2]
        assert cells[:4] == [pct(was), pct(is_), pp(is_ - was), "masih di daftar terendah"]


def test_a_worksheet_saved_again_with_a_blank_row_or_as_xls_still_reads(tmp_path: Path) -> None:
    import openpyxl
    import xlwt

    sheet = worksheet(tmp_path, NOW)
    book = openpyxl.load_workbook(sheet)
    ws = book.active
    top = header_row(ws)
    ws.insert_rows(top + 4)  # a blank row in the middle of the units
    ws.insert_rows(1)  # and one above the title
    resaved = tmp_path / "disimpan-ulang.xlsx"
    book.save(resaved)
    entries = read_followup(resaved).entries
    assert len(entries) == 10 and entries[3].row == top + 6

    old = xlwt.Workbook()
    xs = old.add_sheet("Tindak lanjut")
    day = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    percent = xlwt.easyxf(num_format_str="0.00%")
    for j, label in enumerate(
        ["Kode", "Perangkat Daerah", "Realisasi %", "Permasalahan", "Tenggat", "Status"]
    ):
        xs.write(2, j, label)
    xs.write(3, 0, "1.03.0.00.0.00.01.0000")
    xs.write(3, 1, "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG")
    xs.write(3, 2, 0.3393, percent)
    xs.write(3, 3, "Lelang ulang")
    xs.write(3, 4, datetime(2023, 11, 30), day)
    xs.write(3, 5, "Belum")
    as_xls = tmp_path / "lama.xls"
    old.save(str(as_xls))
    (entry,) = read_followup(as_xls).entries
    assert (entry.code, entry.pct, entry.deadline, entry.status) == (
        "1.03.0.00.0.00.01.0000",
        pytest.approx(33.93),
        date(2023, 11, 30),
        "Belum",
    )
    rows = rows_of(
        ok("brief", str(NOW), "--followup", str(as_xls), "--meeting-date", "2023-12-01", "-q").stdout
    )
    assert rows["DINAS PEKERJAAN UMUM DAN PENATAAN RUANG"][:3] == ["33,93%", "41,87%", pp(41.87 - 33.93)]
    assert rows["DINAS PEKERJAAN UMUM DAN PENATAAN RUANG"][7] == "30 November 2023 **⚠ lewat tenggat**"


def test_an_english_worksheet_reads_in_an_indonesian_run(tmp_path: Path) -> None:
    sheet = worksheet(tmp_path, BEFORE, "--lang", "en")
    filled = fill_english(sheet, tmp_path / "filled.xlsx")
    rows = rows_of(
        ok("brief", str(NOW), "--followup", str(filled), "--meeting-date", "2023-11-15", "-q").stdout
    )
    assert rows["DINAS PERHUBUNGAN"][4:] == ["Bus tender", "", "", "1 November 2023", "Done"]


def fill_english(path: Path, out: Path) -> Path:
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.active
    top = header_row(sheet)
    column = {sheet.cell(top, j).value: j for j in range(1, sheet.max_column + 1)}
    for r in range(top + 1, sheet.max_row + 1):
        if sheet.cell(r, column["Unit"]).value == "DINAS PERHUBUNGAN":
            sheet.cell(r, column["Problems"], "Bus tender")
            sheet.cell(r, column["Deadline"], datetime(2023, 11, 1))
            sheet.cell(r, column["Status"], "Done")
    book.save(out)
    return out


def test_a_file_that_is_not_a_worksheet_is_refused(tmp_path: Path) -> None:
    units = tmp_path / "daftar.csv"
    units.write_text("Kode,Nama\n1.03.0.00.0.00.01.0000,Dinas PU\n", encoding="utf-8")
    out = tmp_path / "rapat.html"
    for given in (NOW, units):
        result = run("brief", str(NOW), "--followup", str(given), "-o", str(out))
        assert result.exit_code == 1, result.stderr
        assert result.stdout == "" and "Traceback" not in result.stderr
        assert given.name in result.stderr and "bukan lembar tindak lanjut" in result.stderr
        assert "[E-FOLLOWUP-NO-HEADER]" in result.stderr and "tindak-lanjut.xlsx" in result.stderr
        assert not out.exists()
    missing = run("brief", str(NOW), "--followup", str(tmp_path / "tidak-ada.xlsx"))
    assert missing.exit_code == 2


# --- the brief's asistensi table -------------------------------------------------------------


def test_the_asistensi_table_carries_code_modal_and_what_is_left_of_the_budget(
    expected: dict[str, Any],
) -> None:
    markdown = ok("brief", str(NOW), "--meeting-date", "2023-11-15", "-q").stdout
    table = markdown.split("usulan asistensi)")[1].split("\n## ")[0]
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    assert lines[0] == (
        "| No | Kode | Perangkat Daerah | % | Selisih thd Target TW IV s.d. tgl data 78,37% | Modal % "
        "| Sisa pagu | Perubahan | Permasalahan | Tindak lanjut |"
    )
    for line, unit in zip(lines[1:], lowest(expected[NOW.name]), strict=True):
        cells = [c.strip() for c in line.strip("|").split("|")]
        modal = 100 * unit["modal_realized"] / unit["modal_budget"]
        remaining = unit["budget"] - unit["realized"]
        assert cells[1:3] == [unit["code"], unit["name"]]
        assert cells[5] == f"{modal:.1f}".replace(".", ",") + "%"
        assert cells[6] == "Rp" + f"{remaining:,}".replace(",", ".")
        assert cells[8:] == ["", ""]
    page = ok("brief", str(NOW), "-f", "html", "--meeting-date", "2023-11-15", "-q").stdout
    assistance = page.split('id="asistensi"')[1]
    assert assistance.count('<td class="fill"></td>') == 20 and "<th>Kode</th>" in assistance


def test_a_brief_without_codes_leaves_the_code_column_out(expected: dict[str, Any]) -> None:
    markdown = ok("brief", str(BEFORE), "--meeting-date", "2023-10-16", "-q").stdout
    header = markdown.split("usulan asistensi)")[1].strip().splitlines()[0]
    assert header.startswith("| No | Perangkat Daerah | % |") and "Sisa pagu" in header


# --- cells as people leave them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (0.4187, 41.87),  # an Excel percentage, as the worksheet stores it
        ("0.4187", 41.87),  # the same numeric cell in a column that also holds text
        ("41,87%", 41.87),
        ("41,87", 41.87),  # typed as points into a text cell
        (41.87, 41.87),  # typed as points into a number cell: no unit absorbs 4187 %
        (0, 0.0),
        ("", None),
        (None, None),
        ("belum lapor", None),
    ],
)
def test_a_percentage_cell(cell: object, value: float | None) -> None:
    assert pct_of(cell) == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        (datetime(2023, 11, 30, 0, 0), date(2023, 11, 30)),
        (date(2023, 11, 30), date(2023, 11, 30)),
        ("2023-11-30 00:00:00", date(2023, 11, 30)),  # a date cell in a column that also holds text
        ("30/11/2023", date(2023, 11, 30)),
        ("30 Nopember 2023", date(2023, 11, 30)),
        (45260, date(2023, 11, 30)),  # Excel's day number, in a cell not formatted as a date
        ("minggu depan", None),
        (None, None),
    ],
)
def test_a_deadline_cell(cell: object, day: date | None) -> None:
    assert date_of(cell) == day


@pytest.mark.parametrize(
    ("status", "done"),
    [
        ("Selesai", True),
        ("sudah", True),
        ("Done", True),
        ("Belum selesai", False),
        ("Proses", False),
        ("", False),
    ],
)
def test_a_status_says_whether_it_is_done(status: str, done: bool) -> None:
    assert is_done(status) is done


def test_units_new_to_the_lowest_list_are_named_and_the_section_speaks_english(
    tmp_path: Path, expected: dict[str, Any]
) -> None:
    sheet = worksheet(tmp_path, BEFORE, "--bottom", "5")
    old5 = {u["name"] for u in lowest(expected[BEFORE.name], 5)}
    new10 = [u["name"] for u in lowest(expected[NOW.name])]
    markdown = ok("brief", str(NOW), "--followup", str(sheet), "--meeting-date", "2023-11-15", "-q").stdout
    entered = [n for n in new10 if n not in old5]
    assert len(entered) == 5
    assert f"- Baru di daftar terendah (tidak ada di lembar): {', '.join(entered)}" in section(markdown)
    english = ok("brief", str(NOW), "--followup", str(sheet), "--lang", "en", "--meeting-date", "2023-11-15")
    part = english.stdout.split("## Follow-up of the previous meeting")[1]
    dates = "data as of 30 September 2023 · meeting date 16 October 2023"  # read from the English title
    assert f"From the worksheet tindak-lanjut.xlsx · {dates}" in part
    assert "| No | Unit | % then | % now | Change | Now | Problems | Follow-up |" in part
    assert f"- New in the lowest list (not on the worksheet): {', '.join(entered)}" in part


def test_a_worksheet_saved_as_ods_reads(tmp_path: Path) -> None:
    from builders import ods_bytes

    rows = [
        ["Lembar Tindak Lanjut Rapat Evaluasi Realisasi Anggaran"],
        ["Data per 30 September 2023"],
        ["Kode", "Perangkat Daerah", "Realisasi %", "Tindak lanjut", "Tenggat", "Status"],
        ["2.15.0.00.0.00.01.0000", "DINAS PERHUBUNGAN", 0.4409, "Kontrak halte", "1 Desember 2023", "Proses"],
    ]
    path = tmp_path / "tindak-lanjut.ods"
    path.write_bytes(ods_bytes(rows))
    (entry,) = read_followup(path).entries
    assert (entry.code, entry.name, entry.action, entry.deadline) == (
        "2.15.0.00.0.00.01.0000",
        "DINAS PERHUBUNGAN",
        "Kontrak halte",
        date(2023, 12, 1),
    )
    assert entry.pct == pytest.approx(44.09)


@pytest.mark.slow
def test_the_loop_on_real_per_skpd_uploads_gives_back_the_same_units(tmp_path: Path, real_data: Path) -> None:
    """Written from the 44 Toba uploads and read back against the same uploads: every unit is
    found again (by code where the upload gives one, else by name), still in the lowest list,
    with no change."""
    import openpyxl

    folder = real_data / "toba_2022_lra_per_skpd" / "lra"
    sheet = worksheet(tmp_path, folder)
    assert openpyxl.load_workbook(sheet).active["A6"].value == "Sumber data: 44 berkas"
    read = read_followup(sheet)
    assert len(read.entries) == 10 and read.as_of == date(2022, 12, 31)
    markdown = ok("brief", str(folder), "--followup", str(sheet), "--meeting-date", "2023-10-16", "-q").stdout
    rows = rows_of(markdown)
    assert len(rows) == 10
    for cells in rows.values():
        assert cells[0] == cells[1] and cells[2] == "0,0 pp" and cells[3] == "masih di daftar terendah"


def test_text_that_a_spreadsheet_would_run_stays_text_and_still_finds_its_unit(tmp_path: Path) -> None:
    import openpyxl

    from builders import openpyxl_book

    evil = "@SUM(1+1)*cmd|' /C calc'!A0"  # openpyxl would write a leading = as a formula itself
    export = openpyxl_book(
        tmp_path / "rekap.xlsx",
        {
            "Rekap": [
                ["Realisasi s.d. 30 September 2023"],
                ["Perangkat Daerah", "Pagu", "Realisasi"],
                [evil, 1000, 300],
                ["Dinas Biasa", 1000, 700],
            ]
        },
    )
    sheet = worksheet(tmp_path, export)
    ws = openpyxl.load_workbook(sheet).active
    cell = ws.cell(header_row(ws) + 1, 3)
    assert cell.data_type == "s" and cell.value == "'" + evil
    rows = rows_of(
        ok("brief", str(export), "--followup", str(sheet), "--meeting-date", "2023-10-16", "-q").stdout
    )
    # 300 of 1000 then and now: found again, and named as the export names it
    assert list(rows) == [evil.replace("|", "\\|"), "Dinas Biasa"]
    assert next(iter(rows.values()))[:4] == ["30,00%", "30,00%", "0,0 pp", "masih di daftar terendah"]


def test_a_worksheet_with_its_header_and_no_unit_says_so(tmp_path: Path) -> None:
    from builders import openpyxl_book

    empty = openpyxl_book(
        tmp_path / "kosong.xlsx",
        {"Catatan": [["Catatan rapat"]], "TL": [["Kode", "Perangkat Daerah", "Tindak lanjut", "Status"]]},
    )
    markdown = ok("brief", str(NOW), "--followup", str(empty), "--meeting-date", "2023-11-15", "-q").stdout
    assert "Lembar ini tidak memuat perangkat daerah." in section(markdown)
