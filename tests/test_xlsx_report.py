"""Workbooks and CSV files as reports: a title block, people's headers, totals, formats, fitted
columns, one sheet per view; CSV rounded, and for Excel on an Indonesian Windows with
``--csv-dialect excel-id``. Every expected number is worked out here from the fixture's lines."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.present.words import WORDS

runner = CliRunner()

GOVERNMENT = "Pemerintah Kota Contoh"
DISDIK = "DINAS PENDIDIKAN DAN KEBUDAYAAN"
DINKES = "DINAS KESEHATAN"
DPUPR = "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG"
CODES = {DISDIK: "1.01.2.22.0.00.01.0000", DINKES: "1.02.0.00.0.00.01.0000", DPUPR: "1.03.0.00.0.00.01.0000"}

# (unit, account, budget, realized on 10 November, realized on 30 September); 5.1 is operasi,
# 5.2 modal. The last line spends more than its budget: a warning at row 7 of the file.
LINES = [
    (DISDIK, "5.1.02.01.01.0001", 1_200_000_000, 720_000_000, 500_000_000),
    (DISDIK, "5.2.02.01.01.0001", 800_000_000, 123_456_789.25, 50_000_000),
    (DINKES, "5.1.01.01.01.0001", 2_000_000_000, 1_800_000_000, 1_200_000_000),
    (DINKES, "5.2.03.01.01.0001", 1_000_000_000, 100_000_000, 50_000_000),
    (DPUPR, "5.1.02.01.01.0002", 3_000_000_000, 1_000_000_000, 700_000_000),
    (DPUPR, "5.2.04.01.01.0001", 500_000_000, 600_000_000, 300_000_000),
]

BUDGET = {u: sum(b for n, _a, b, _r, _p in LINES if n == u) for u in CODES}
REALIZED = {u: sum(r for n, _a, _b, r, _p in LINES if n == u) for u in CODES}
BEFORE = {u: sum(p for n, _a, _b, _r, p in LINES if n == u) for u in CODES}
MODAL_BUDGET = {u: sum(b for n, a, b, _r, _p in LINES if n == u and a.startswith("5.2")) for u in CODES}
MODAL_REALIZED = {u: sum(r for n, a, _b, r, _p in LINES if n == u and a.startswith("5.2")) for u in CODES}
PCT = {u: 100 * REALIZED[u] / BUDGET[u] for u in CODES}
# lowest absorption first: 42,17 %, 45,71 %, 63,33 %
ORDER = sorted(CODES, key=lambda u: PCT[u])

RANK_HEADER_ID = [
    "Peringkat",
    "Kode",
    "Perangkat Daerah",
    "Pagu",
    "Realisasi",
    "Penyerapan %",
    "Di bawah 57%",
]
RANK_HEADER_EN = ["Rank", "Code", "Unit", "Budget", "Realized", "Absorption %", "Below 57%"]
MONEY, PERCENT = '"Rp"#,##0', "0.00%"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rupiah_text(value: float) -> str:
    """``1.234.567,25``: how the exports write amounts."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def export(path: Path, snapshot: int, title: str) -> Path:
    lines = [f"Kode OPD;Nama OPD;Kode Rekening;Pagu;Realisasi s.d. {title}"]
    lines += [
        f"{CODES[u]};{u};{account};{rupiah_text(budget)};{rupiah_text(line[snapshot])}"
        for line in LINES
        for u, account, budget in [line[:3]]
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def november(tmp_path: Path) -> Path:
    return export(tmp_path / "realisasi_10nov2023.csv", 3, "10 November 2023")


@pytest.fixture
def september(tmp_path: Path) -> Path:
    return export(tmp_path / "realisasi_30sep2023.csv", 4, "30 September 2023")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "realisasi.toml"
    path.write_text(f'government = "{GOVERNMENT}"\n', encoding="utf-8")
    return path


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result


def header_row(sheet: Worksheet, first: str) -> int:
    """The row of the table's header: the first whose column A reads ``first``."""
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


def row_values(sheet: Worksheet, row: int) -> list[Any]:
    values = [c.value for c in sheet[row]]
    while values and values[-1] is None:
        values.pop()
    return values


def title_block(sheet: Worksheet, header: int) -> list[str]:
    return [sheet.cell(r, 1).value for r in range(1, header) if sheet.cell(r, 1).value is not None]


def width(sheet: Worksheet, letter: str) -> float:
    """A column's width (openpyxl groups neighbouring columns of the same width)."""
    index = column_index_from_string(letter)
    for dimension in sheet.column_dimensions.values():
        if dimension.min is not None and dimension.min <= index <= dimension.max:
            return float(dimension.width)
    return 8.43  # Excel's default


def test_every_word_has_both_languages() -> None:
    assert set(WORDS["id"]) == set(WORDS["en"])


def test_the_ranking_workbook_is_a_report_with_a_title_totals_and_formats(
    tmp_path: Path, november: Path, config: Path
) -> None:
    out = tmp_path / "peringkat.xlsx"
    invoke("--config", str(config), "rank", str(november), "--all", "-o", str(out), "-q")
    book = load_workbook(out)
    assert book.sheetnames == ["Peringkat", "Per jenis belanja", "Catatan data"]
    sheet = book["Peringkat"]
    header = header_row(sheet, "Peringkat")
    assert title_block(sheet, header) == [
        GOVERNMENT,
        "Peringkat Realisasi Belanja Perangkat Daerah",
        "Data per 10 November 2023",
        "Sumber data: realisasi_10nov2023.csv",
        "Ditampilkan: seluruh 3 perangkat daerah; ambang 57%",
    ]
    assert sheet.cell(1, 1).font.b and sheet.cell(header, 1).font.b
    assert row_values(sheet, header) == [*RANK_HEADER_ID, "Modal %"]

    rows = [row_values(sheet, header + 1 + i) for i in range(3)]
    for row, unit in zip(rows, ORDER, strict=True):
        assert row[1:5] == [CODES[unit], unit, BUDGET[unit], pytest.approx(REALIZED[unit])]
        assert row[5] == pytest.approx(PCT[unit] / 100, abs=1e-6)  # stored as an Excel percentage
        assert row[6] == ("ya" if PCT[unit] < 57 else "tidak")
        assert row[7] == pytest.approx(MODAL_REALIZED[unit] / MODAL_BUDGET[unit], abs=1e-6)
    assert [r[0] for r in rows] == [3, 2, 1]  # rank 1 is the highest absorption

    total = row_values(sheet, header + 4)
    budget, realized = sum(BUDGET.values()), sum(REALIZED.values())
    assert budget == 8_500_000_000 and realized == pytest.approx(4_343_456_789.25)
    assert total[2] == "Total (3 perangkat daerah)"
    assert total[3] == budget and total[4] == pytest.approx(realized)
    assert total[5] == pytest.approx(realized / budget, abs=1e-6)
    modal = sum(MODAL_REALIZED.values()) / sum(MODAL_BUDGET.values())
    assert total[7] == pytest.approx(modal, abs=1e-6)
    assert sheet.cell(header + 4, 3).font.b

    first = header + 1
    for letter in "DE":
        assert sheet[f"{letter}{first}"].number_format == MONEY
        assert sheet[f"{letter}{header + 4}"].number_format == MONEY
    for letter in "FH":
        assert sheet[f"{letter}{first}"].number_format == PERCENT
    assert width(sheet, "C") > 8.43 and width(sheet, "C") >= len(DPUPR)
    assert width(sheet, "D") >= len("Rp8.500.000.000")
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:H{header + 3}"  # the units, not the total
    # units under the threshold are red, as on the terminal
    assert sheet.cell(first, 3).font.color.rgb.endswith("C00000")


def test_the_category_sheet_gives_each_units_operasi_and_modal_and_the_governments(
    tmp_path: Path, november: Path
) -> None:
    out = tmp_path / "peringkat.xlsx"
    invoke("rank", str(november), "--all", "-o", str(out), "-q")
    sheet = load_workbook(out)["Per jenis belanja"]
    header = header_row(sheet, "Peringkat")
    expected_header = ["Peringkat", "Kode", "Perangkat Daerah", "Jenis belanja", "Pagu", "Realisasi"]
    assert row_values(sheet, header) == [*expected_header, "Penyerapan %"]
    rows = [row_values(sheet, header + 1 + i) for i in range(8)]
    for i, unit in enumerate(ORDER):
        operasi, modal = rows[2 * i], rows[2 * i + 1]
        assert operasi[2:4] == [unit, "Belanja Operasi"] and modal[2:4] == [unit, "Belanja Modal"]
        assert modal[4] == MODAL_BUDGET[unit] and modal[5] == pytest.approx(MODAL_REALIZED[unit])
        assert operasi[4] == BUDGET[unit] - MODAL_BUDGET[unit]
        assert operasi[6] == pytest.approx(
            (REALIZED[unit] - MODAL_REALIZED[unit]) / (BUDGET[unit] - MODAL_BUDGET[unit]), abs=1e-6
        )
    operasi_total, modal_total = rows[6], rows[7]
    assert operasi_total[2:4] == ["Total", "Belanja Operasi"]
    assert operasi_total[4] == 6_200_000_000 and operasi_total[5] == 3_520_000_000
    assert modal_total[2:4] == ["Total", "Belanja Modal"]
    assert modal_total[4] == 2_300_000_000 and modal_total[5] == pytest.approx(823_456_789.25)
    assert modal_total[6] == pytest.approx(823_456_789.25 / 2_300_000_000, abs=1e-6)
    assert sheet.auto_filter.ref == f"A{header}:G{header + 6}"


def test_the_notes_sheet_lists_every_warning_with_its_file_sheet_and_row(
    tmp_path: Path, november: Path
) -> None:
    out = tmp_path / "peringkat.xlsx"
    invoke("rank", str(november), "-o", str(out), "-q")
    sheet = load_workbook(out)["Catatan data"]
    header = header_row(sheet, "Berkas")
    assert row_values(sheet, header) == ["Berkas", "Sheet", "Baris", "Pesan"]
    (warning,) = [
        row_values(sheet, r) for r in range(header + 1, sheet.max_row + 1) if sheet.cell(r, 1).value
    ]
    # the sixth line of figures, under the header: row 7 of the file
    assert warning[:3] == ["realisasi_10nov2023.csv", "realisasi_10nov2023", 7]
    assert "realisasi melebihi pagu" in warning[3] and str(tmp_path) not in warning[3]


def test_english_headers_and_sheet_names_with_lang_en(tmp_path: Path, november: Path) -> None:
    out = tmp_path / "ranking.xlsx"
    invoke("rank", str(november), "--all", "--lang", "en", "-o", str(out), "-q")
    book = load_workbook(out)
    assert book.sheetnames == ["Ranking", "By category", "Data notes"]
    sheet = book["Ranking"]
    header = header_row(sheet, "Rank")
    assert row_values(sheet, header) == [*RANK_HEADER_EN, "Capital %"]
    assert title_block(sheet, header)[:2] == [
        "Spending Absorption Ranking of Government Units",
        "Data as of 10 November 2023",
    ]
    assert row_values(sheet, header + 4)[2] == "Total (3 units)"
    assert row_values(book["Data notes"], header_row(book["Data notes"], "File")) == [
        "File",
        "Sheet",
        "Row",
        "Message",
    ]


def test_the_total_row_is_the_governments_when_only_the_lowest_are_listed(
    tmp_path: Path, november: Path
) -> None:
    out = tmp_path / "terendah.xlsx"
    invoke("rank", str(november), "-n", "2", "-o", str(out), "-q")
    sheet = load_workbook(out)["Peringkat"]
    header = header_row(sheet, "Peringkat")
    assert "Ditampilkan: 2 perangkat daerah terendah dari 3; ambang 57%" in title_block(sheet, header)
    assert [sheet.cell(header + 1 + i, 3).value for i in range(2)] == ORDER[:2]
    total = row_values(sheet, header + 3)
    assert total[2:5] == ["Total (3 perangkat daerah)", 8_500_000_000, pytest.approx(4_343_456_789.25)]
    assert sheet.auto_filter.ref == f"A{header}:H{header + 2}"


def test_a_category_is_named_in_the_title_and_its_amounts_are_totalled(
    tmp_path: Path, november: Path
) -> None:
    out = tmp_path / "modal.xlsx"
    invoke("rank", str(november), "--all", "-c", "modal", "-o", str(out), "-q")
    book = load_workbook(out)
    assert book.sheetnames == ["Peringkat", "Catatan data"]  # one category: no breakdown by category
    sheet = book["Peringkat"]
    header = header_row(sheet, "Peringkat")
    assert "Jenis belanja: Belanja Modal" in title_block(sheet, header)
    assert row_values(sheet, header) == RANK_HEADER_ID
    total = row_values(sheet, header + 4)
    assert total[3] == 2_300_000_000 and total[4] == pytest.approx(823_456_789.25)
    assert total[5] == pytest.approx(823_456_789.25 / 2_300_000_000, abs=1e-6)


def test_change_and_pace_columns_with_previous_and_pace(
    tmp_path: Path, november: Path, september: Path
) -> None:
    out = tmp_path / "laju.xlsx"
    invoke("rank", str(november), "--all", "--previous", str(september), "--pace", "-o", str(out), "-q")
    sheet = load_workbook(out)["Peringkat"]
    header = header_row(sheet, "Peringkat")
    assert row_values(sheet, header) == [
        *RANK_HEADER_ID,
        "Modal %",
        "Perubahan (pp)",
        "Laju/bln",
        "Proyeksi",
        "Perlu/bln",
        "Target s.d. tanggal data",
        "Selisih thd target (pp)",
    ]
    assert "Perubahan sejak 30 September 2023 (3 dari 3 perangkat daerah): realisasi_30sep2023.csv" in (
        title_block(sheet, header)
    )
    # 10 November is day 41 of the 92 days of TW IV: 65 % + 30 pp × 41/92
    to_date = 65 + 30 * 41 / 92
    for i, unit in enumerate(ORDER):
        row = row_values(sheet, header + 1 + i)
        change = 100 * (REALIZED[unit] - BEFORE[unit]) / BUDGET[unit]
        assert row[8] == pytest.approx(change, abs=1e-4)
        assert row[12] == pytest.approx(to_date / 100, abs=1e-6)
        assert row[13] == pytest.approx(PCT[unit] - to_date, abs=1e-4)
    total = row_values(sheet, header + 4)
    budget = sum(BUDGET.values())
    assert total[8] == pytest.approx(100 * (sum(REALIZED.values()) - sum(BEFORE.values())) / budget, abs=1e-4)
    assert total[13] == pytest.approx(100 * sum(REALIZED.values()) / budget - to_date, abs=1e-4)
    assert sheet.cell(header + 1, 9).number_format.startswith('+0.00" pp"')


def test_the_quarters_workbook_totals_each_quarter(tmp_path: Path, expected: dict[str, Any]) -> None:
    name = "realisasi_rinci_tw_2023.xlsx"
    out = tmp_path / "triwulan.xlsx"
    invoke("quarters", str(SAMPLES / name), "--all", "-o", str(out), "-q")
    book = load_workbook(out)
    assert book.sheetnames == ["Triwulan", "Catatan data"]
    sheet = book["Triwulan"]
    header = header_row(sheet, "Kode")
    assert title_block(sheet, header) == [
        "PEMERINTAH KOTA BATU",
        "Realisasi Kumulatif per Triwulan terhadap Target",
        "Data per 30 September 2023",
        f"Sumber data: {name}",
    ]
    assert row_values(sheet, header) == [
        "Kode",
        "Perangkat Daerah",
        "Pagu",
        "Triwulan",
        "Realisasi triwulan",
        "Realisasi kumulatif",
        "% kumulatif",
        "Target",
        "Target s.d. tanggal data",
        "Selisih (pp)",
    ]
    truth = expected[name]["quarters"]
    units = len(truth["units"])
    first_total = header + 1 + 3 * units
    assert sheet.auto_filter.ref == f"A{header}:J{first_total - 1}"
    assert sheet.freeze_panes == f"A{header + 1}"
    budget = expected[name]["total"]["budget"]
    for q, (want, target) in enumerate(zip(truth["total"], (15, 40, 65), strict=True)):
        row = row_values(sheet, first_total + q)
        assert row[1:4] == ["Total", budget, ["TW I", "TW II", "TW III"][q]]
        assert row[4:6] == [want["realized"], want["cumulative"]]
        pct = 100 * want["cumulative"] / budget
        assert row[6] == pytest.approx(pct / 100, abs=1e-6)
        assert row[7] == pytest.approx(target / 100) and row[9] == pytest.approx(pct - target, abs=1e-4)
    assert sheet.cell(first_total, 3).number_format == MONEY
    assert sheet.cell(first_total, 7).number_format == PERCENT
    # the longest name (93 characters) wraps in a column capped at 60 characters
    assert width(sheet, "B") == pytest.approx(60, abs=1)
    assert sheet.cell(header + 1, 2).alignment.wrap_text
    notes = book["Catatan data"]
    found = [row_values(notes, r) for r in range(header_row(notes, "Berkas") + 1, notes.max_row + 1)]
    (above,) = [r for r in found if r and "realisasi melebihi pagu" in str(r[3])]
    source = load_workbook(SAMPLES / name, read_only=True)[above[1]]
    line = next(source.iter_rows(min_row=above[2], max_row=above[2], values_only=True))
    (warning,) = expected[name]["warnings"]
    assert above[0] == name and warning["account"] in line


def test_quarters_in_english(tmp_path: Path) -> None:
    out = tmp_path / "quarters.xlsx"
    invoke("quarters", str(SAMPLES / "realisasi_rinci_tw_2023.xlsx"), "--lang", "en", "-o", str(out), "-q")
    book = load_workbook(out)
    assert book.sheetnames == ["Quarters", "Data notes"]
    sheet = book["Quarters"]
    assert row_values(sheet, header_row(sheet, "Code"))[:4] == ["Code", "Unit", "Budget", "Quarter"]


def test_inspect_writes_a_workbook_of_sheets_and_columns(tmp_path: Path, expected: dict[str, Any]) -> None:
    name = "lra_per_skpd_30sep2023.xlsx"
    out = tmp_path / "cara-baca.xlsx"
    invoke("inspect", str(SAMPLES / name), "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Sheet", "Kolom", "Catatan data"]
    sheet = book["Sheet"]
    header = header_row(sheet, "Berkas")
    labels = row_values(sheet, header)
    assert labels[:5] == ["Berkas", "Sheet", "Jenis sheet", "Alasan", "Dipakai"]
    budgets = {
        sheet.cell(r, labels.index("Nama unit") + 1).value: sheet.cell(r, labels.index("Pagu") + 1).value
        for r in range(header + 1, sheet.max_row + 1)
    }
    for unit in expected[name]["units"]:
        assert budgets[unit["name"]] == unit["budget"]
    letter = get_column_letter(labels.index("Pagu") + 1)
    assert sheet[f"{letter}{header + 1}"].number_format == MONEY
    columns = book["Kolom"]
    assert row_values(columns, header_row(columns, "Berkas"))[2:5] == ["Kolom", "Kepala kolom", "Peran"]


def test_plain_csv_rounds_amounts_and_percentages(tmp_path: Path, november: Path) -> None:
    out = tmp_path / "peringkat.csv"
    invoke("rank", str(november), "--all", "-o", str(out), "-q")
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert table[0] == [
        "rank",
        "code",
        "name",
        "budget",
        "realized",
        "absorption_pct",
        "below_threshold",
        "modal_pct",
    ]
    rows = {row[2]: row for row in table[1:]}
    # 843.456.789,25 of 2.000.000.000 is 42,172839…%; 1.600.000.000 of 3.500.000.000 is 45,714285…%
    assert rows[DISDIK][3:] == ["2000000000", "843456789.25", "42.1728", "True", "15.4321"]
    assert rows[DPUPR][3:] == ["3500000000", "1600000000", "45.7143", "True", "120"]
    assert rows[DINKES][3:] == ["3000000000", "1900000000", "63.3333", "False", "10"]


def test_excel_id_csv_has_semicolons_decimal_commas_a_bom_and_indonesian_headers(
    tmp_path: Path, november: Path
) -> None:
    out = tmp_path / "peringkat.csv"
    invoke("rank", str(november), "--all", "--csv-dialect", "excel-id", "-o", str(out), "-q")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 4
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == [*RANK_HEADER_ID, "Modal %"]
    rows = {row[2]: row for row in table[1:]}
    assert rows[DISDIK][3:] == ["2000000000", "843456789,25", "42,1728", "ya", "15,4321"]
    assert rows[DINKES][3:] == ["3000000000", "1900000000", "63,3333", "tidak", "10"]


def test_excel_id_csv_of_quarters_names_quarters_and_totals(tmp_path: Path, expected: dict[str, Any]) -> None:
    name = "realisasi_rinci_tw_2023.xlsx"
    result = invoke(
        "quarters", str(SAMPLES / name), "-n", "1", "-f", "csv", "--csv-dialect", "excel-id", "-q"
    )
    table = list(csv.reader(io.StringIO(result.stdout.lstrip("\ufeff")), delimiter=";"))
    totals = [row for row in table if row[1] == "Total"]
    truth = expected[name]["quarters"]["total"]
    assert [row[3] for row in totals] == ["TW I", "TW II", "TW III"]
    assert [row[5] for row in totals] == [str(q["cumulative"]) for q in truth]
    # 56,6 % at 30 September against the 65 % target: 8,4 pp behind
    assert totals[2][6:] == ["56,6", "65", "65", "-8,4"]


def test_csv_dialect_is_only_for_csv(tmp_path: Path, november: Path) -> None:
    result = runner.invoke(
        app, ["rank", str(november), "--csv-dialect", "excel-id", "-o", str(tmp_path / "r.xlsx")]
    )
    assert result.exit_code == 2 and "--csv-dialect" in result.stderr


NASTY = ["x;=cmd|' /C calc'!A0", "=1+2", "@SUM(A1)", "Dinas;-cmd;+x"]


def nasty_export(path: Path) -> Path:
    lines = ["Nama OPD;Pagu;Realisasi"]
    lines += [
        '"' + name.replace('"', '""') + f'";{100 * (i + 1)};{10 * (i + 1)}' for i, name in enumerate(NASTY)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("dialect", ["plain", "excel-id"])
def test_no_cell_becomes_a_formula_whichever_separator_excel_splits_at(tmp_path: Path, dialect: str) -> None:
    out = tmp_path / "peringkat.csv"
    invoke(
        "rank",
        str(nasty_export(tmp_path / "opd.csv")),
        "--all",
        "--csv-dialect",
        dialect,
        "-o",
        str(out),
        "-q",
    )
    text = out.read_text(encoding="utf-8-sig")
    delimiter = ";" if dialect == "excel-id" else ","
    names = {row[2] for row in list(csv.reader(io.StringIO(text), delimiter=delimiter))[1:]}
    assert names == {"x;'=cmd|' /C calc'!A0", "'=1+2", "'@SUM(A1)", "Dinas;'-cmd;'+x"}
    # a cell holding a separator is quoted, in either dialect
    assert "\"x;'=cmd|' /C calc'!A0\"" in text
    # Excel splits at the system's list separator (";" in Indonesia, "," elsewhere): no cell
    # it makes starts a formula
    for separator in (";", ","):
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            assert not [cell for cell in row if cell.lstrip(" ").startswith(FORMULA_START)], row
