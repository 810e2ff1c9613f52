"""Workbooks and folders as offices really send them: copies, recaps, month sheets, cash plans,
per-OPD uploads at different dates, duplicate uploads. Every file is written by a real writer
(openpyxl, xlsxwriter, the csv module) and every expected figure is worked out here by hand.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from builders import xlsxwriter_book
from realisasi_cli.cli import app
from realisasi_cli.facts.load import load

runner = CliRunner()


def rank_json(*inputs: Path | str) -> dict[str, Any]:
    """``realisasi --lang en rank INPUTS --format json --all``, parsed; the run must succeed.

    The warnings are read in English here; tests/test_messages.py checks their Indonesian texts.
    """
    result = runner.invoke(
        app, ["--lang", "en", "rank", *(str(i) for i in inputs), "--format", "json", "--all"]
    )
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["name"]: u for u in document["units"]}


def messages(document: dict[str, Any]) -> list[str]:
    return [w["message"] for w in document["warnings"]]


def left_out(document: dict[str, Any], kind: str) -> dict[str, str]:
    """Sheet (or file, for whole files) → message, of the warnings ``left out (<kind>): …``."""
    prefix = f"left out ({kind}): "
    return {
        str(w["sheet"] or Path(w["file"]).name): w["message"]
        for w in document["warnings"]
        if w["code"] == "W-LEFT-OUT" and w["message"].startswith(prefix)
    }


def write_book(
    path: Path,
    sheets: dict[str, Sequence[Sequence[object]]],
    *,
    hidden: Sequence[str] = (),
    hidden_rows: dict[str, Sequence[int]] | None = None,
    filters: dict[str, str] | None = None,
) -> Path:
    """An openpyxl workbook; ``hidden`` sheets get ``sheet_state = "hidden"``, ``hidden_rows``
    (1-based) are hidden as a filter hides them, under the ``filters`` range (``"A4:D7"``)."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=i, column=j, value=value)
        if name in hidden:
            sheet.sheet_state = "hidden"
        if filters and name in filters:
            sheet.auto_filter.ref = filters[name]
        for row_number in (hidden_rows or {}).get(name, []):
            sheet.row_dimensions[row_number].hidden = True
    book.save(path)
    return path


# --- 1. copies of the data sheet, hidden and filtered -------------------------------------------

UNITS_3 = [
    ("Dinas Pendidikan", 1_250_000_000, 812_500_000),
    ("Dinas Kesehatan", 980_000_000, 441_000_000),
    ("Dinas Perhubungan", 420_000_000, 105_000_000),
]


def recap_rows(units: Sequence[tuple[str, int, int]]) -> list[list[object]]:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA PERANGKAT DAERAH"],
        ["PEMERINTAH KABUPATEN CONTOH TAHUN ANGGARAN 2024"],
        [],
        ["No", "Perangkat Daerah", "Pagu", "Realisasi"],
    ]
    rows += [[i, name, budget, real] for i, (name, budget, real) in enumerate(units, start=1)]
    return rows


def test_a_hidden_copy_and_a_filtered_copy_of_the_data_sheet_are_not_counted_again(
    tmp_path: Path,
) -> None:
    path = write_book(
        tmp_path / "rekap.xlsx",
        {
            "Rekap": recap_rows(UNITS_3),
            "Salinan": recap_rows(UNITS_3),
            "Filter": recap_rows(UNITS_3[:2]),
        },
        hidden=["Salinan"],
        filters={"Filter": "A4:D6"},
    )
    doc = rank_json(path)
    units = by_name(doc)
    assert sorted(units) == sorted(name for name, _b, _r in UNITS_3)
    for name, budget, real in UNITS_3:
        assert (units[name]["budget"], units[name]["realized"]) == (budget, real)
    assert doc["total"]["budget"] == 1_250_000_000 + 980_000_000 + 420_000_000
    assert doc["total"]["realized"] == 812_500_000 + 441_000_000 + 105_000_000
    derived = left_out(doc, "derived")
    assert set(derived) == {"Salinan", "Filter"}
    assert "'Rekap'" in derived["Salinan"] and "'Rekap'" in derived["Filter"]


def test_a_recap_in_thousands_after_unit_sheets_as_short_as_it_is_a_summary(tmp_path: Path) -> None:
    # each unit's sheet has two lines (an operasi one, a modal one), as many as the recap has rows;
    # the recap, last, in thousands of rupiah, has one line per unit: it sums the sheets up
    dinkes = [
        ("5.1.02.01.01.0024", "Belanja ATK", 1_000_000, 400_000),
        ("5.2.02.01.01.0001", "Alat", 3_000_000, 500_000),
    ]
    dishub = [
        ("5.1.02.01.01.0024", "Belanja ATK", 2_000_000, 1_500_000),
        ("5.2.02.05.01.0001", "Alat", 4_000_000, 3_000_000),
    ]
    recap = [
        ["REKAPITULASI REALISASI ANGGARAN PER SKPD (dalam ribuan rupiah)"],
        ["TAHUN ANGGARAN 2024"],
        [],
        ["No", "Perangkat Daerah", "Anggaran", "Realisasi"],
        [1, "DINAS KESEHATAN", 4_000, 900],
        [2, "DINAS PERHUBUNGAN", 6_000, 4_500],
    ]
    doc = rank_json(
        two_units_and_recap(tmp_path, ("DINAS KESEHATAN", "DINAS PERHUBUNGAN"), dinkes, dishub, recap)
    )
    assert set(left_out(doc, "derived")) == {"Rekap"}
    units = by_name(doc)
    assert (units["DINAS KESEHATAN"]["budget"], units["DINAS KESEHATAN"]["realized"]) == (4_000_000, 900_000)
    # the line items rank, with their belanja modal: 500,000 of 3,000,000 and 3,000,000 of 4,000,000
    modal = {name: unit["categories"]["modal"] for name, unit in units.items()}
    assert (modal["DINAS KESEHATAN"]["budget"], modal["DINAS KESEHATAN"]["realized"]) == (3_000_000, 500_000)
    assert modal["DINAS PERHUBUNGAN"]["absorption_pct"] == 75.0
    # the sheets are named after their units, and the SKPD line names them too: no unnamed warning
    assert not [w for w in doc["warnings"] if w["code"] == "W-UNNAMED"]


def test_amounts_in_thousands_as_the_title_or_a_header_says_are_read_in_rupiah(tmp_path: Path) -> None:
    titled = [
        ["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"],
        ["(dalam ribuan rupiah)"],
        ["No", "Perangkat Daerah", "Pagu", "Realisasi"],
        [1, "Dinas A", 1_250, 500],
        [2, "Dinas B", 2_000, 1_500],
    ]
    doc = rank_json(write_book(tmp_path / "ribuan.xlsx", {"Rekap": titled}))
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas A": (1_250_000, 500_000),
        "Dinas B": (2_000_000, 1_500_000),
    }
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-SCALED"]
    assert "'dalam ribuan'" in said["message"] and "1,000" in said["message"]
    # a header that says it of its own column: that column only
    headed = [
        ["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"],
        ["No", "Perangkat Daerah", "Pagu (Rp 000)", "Realisasi (Rp)"],
        [1, "Dinas A", 1_250, 500_000],
        [2, "Dinas B", 2_000, 1_500_000],
    ]
    doc = rank_json(write_book(tmp_path / "kolom.xlsx", {"Rekap": headed}))
    assert doc["total"]["budget"] == 3_250_000 and doc["total"]["realized"] == 2_000_000


def test_a_title_saying_thousands_over_full_rupiah_figures_is_not_believed(tmp_path: Path) -> None:
    # a template's "(dalam ribuan rupiah)" left above a kabupaten's figures in rupiah: ×1000 would
    # make its median unit 45 trillion rupiah, more than most governments' whole budgets
    kabupaten = [
        ("Dinas Pendidikan", 120_000_000_000, 60_000_000_000),
        ("Dinas Kesehatan", 45_000_000_000, 20_000_000_000),
        ("Kecamatan Balige", 8_000_000_000, 5_000_000_000),
    ]
    rows = recap_rows(kabupaten)
    rows[1] = ["Keadaan s.d. 30 September 2024 (dalam ribuan rupiah)"]
    doc = rank_json(write_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert by_name(doc)["Dinas Kesehatan"]["budget"] == 45_000_000_000
    assert doc["total"]["budget"] == 173_000_000_000
    assert not [w for w in doc["warnings"] if w["code"] == "W-SCALED"]
    (doubted,) = [w for w in doc["warnings"] if w["code"] == "W-SCALE-DOUBTED"]
    assert "'dalam ribuan" in doubted["message"] and "read as they are" in doubted["message"]
    # a province's recap in thousands, its median unit 400 billion rupiah, is multiplied
    province = [
        ("Dinas Pendidikan", 9_000_000_000, 4_500_000_000),
        *[(f"Dinas {i}", budget, budget // 2) for i, budget in ((1, 150_000_000), (2, 400_000_000))],
    ]
    rows = recap_rows(province)
    rows[1] = ["Keadaan s.d. 30 September 2024 (dalam ribuan rupiah)"]
    doc = rank_json(write_book(tmp_path / "provinsi.xlsx", {"Rekap": rows}))
    assert by_name(doc)["Dinas Pendidikan"]["budget"] == 9_000_000_000_000
    assert doc["total"]["realized"] == (4_500_000_000 + 75_000_000 + 200_000_000) * 1000
    assert [w["code"] for w in doc["warnings"] if w["code"].startswith("W-SCALE")] == ["W-SCALED"]


def test_a_hidden_older_copy_with_its_own_figures_does_not_replace_the_sheet_shown(tmp_path: Path) -> None:
    # "lama": the same units, the same date, the figures of an earlier draft, hidden; it comes
    # after the sheet shown, and a rule by order alone would rank its figures
    older = [(name, budget, real // 5) for name, budget, real in UNITS_3]
    others = [("Dinas Sosial", 300_000_000, 150_000_000)]
    path = write_book(
        tmp_path / "rekap.xlsx",
        {"Rekap": recap_rows(UNITS_3), "lama": recap_rows(older), "Kecamatan": recap_rows(others)},
        hidden=["lama", "Kecamatan"],
    )
    doc = rank_json(path)
    units = by_name(doc)
    for name, budget, real in UNITS_3:
        assert (units[name]["budget"], units[name]["realized"]) == (budget, real)
    # a hidden sheet of other units is data
    assert (units["Dinas Sosial"]["budget"], units["Dinas Sosial"]["realized"]) == (300_000_000, 150_000_000)
    assert doc["total"]["realized"] == 812_500_000 + 441_000_000 + 105_000_000 + 150_000_000
    derived = left_out(doc, "derived")
    assert set(derived) == {"lama"} and "'Rekap'" in derived["lama"]


def test_a_copy_whose_rows_a_filter_hides_is_still_a_copy(tmp_path: Path) -> None:
    # the filtered copy keeps all three rows, the filter hides the third (row 7)
    path = write_book(
        tmp_path / "rekap.xlsx",
        {"Rekap": recap_rows(UNITS_3), "Filter": recap_rows(UNITS_3)},
        hidden_rows={"Filter": [7]},
        filters={"Filter": "A4:D7"},
    )
    doc = rank_json(path)
    assert len(doc["units"]) == 3
    assert doc["total"]["budget"] == 1_250_000_000 + 980_000_000 + 420_000_000
    assert set(left_out(doc, "derived")) == {"Filter"}


# --- 2. per-unit LRA sheets and their recap -----------------------------------------------------

HEADER = ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]


def lra_rows(title: str, unit: str, lines: Sequence[tuple[str, str, int, int]]) -> list[list[object]]:
    return [
        [title],
        [unit],
        ["TAHUN ANGGARAN 2024"],
        [],
        HEADER,
        *([code, name, budget, real] for code, name, budget, real in lines),
    ]


DINKES = [
    ("5", "BELANJA DAERAH", 1_000_000, 620_000),
    ("5.1", "BELANJA OPERASI", 700_000, 500_000),
    ("5.1.02", "Belanja Barang dan Jasa", 700_000, 500_000),
    ("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 300_000, 200_000),
    ("5.1.02.01.01.0025", "Belanja Kertas dan Cover", 400_000, 300_000),
    ("5.2", "BELANJA MODAL", 300_000, 120_000),
    ("5.2.02", "Belanja Modal Peralatan dan Mesin", 300_000, 120_000),
    ("5.2.02.01.01.0001", "Belanja Modal Alat Berat", 300_000, 120_000),
]
DINKES_BUDGET = 300_000 + 400_000 + 300_000  # the leaves
DINKES_REALIZED = 200_000 + 300_000 + 120_000
DISHUB = [
    ("5", "BELANJA DAERAH", 2_450_000, 1_102_500),
    ("5.1", "BELANJA OPERASI", 1_650_000, 982_500),
    ("5.1.02", "Belanja Barang dan Jasa", 1_650_000, 982_500),
    ("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 650_000, 402_500),
    ("5.1.02.01.01.0026", "Belanja Bahan Cetak", 1_000_000, 580_000),
    ("5.2", "BELANJA MODAL", 800_000, 120_000),
    ("5.2.02", "Belanja Modal Peralatan dan Mesin", 800_000, 120_000),
    ("5.2.02.05.01.0001", "Belanja Modal Alat Kantor", 800_000, 120_000),
]
DISHUB_BUDGET = 650_000 + 1_000_000 + 800_000
DISHUB_REALIZED = 402_500 + 580_000 + 120_000
LRA = "LAPORAN REALISASI ANGGARAN"
SKPD_DINKES = "SKPD : 1.02.0.00.0.00.01.0000 DINAS KESEHATAN"
SKPD_DISHUB = "SKPD : 2.15.0.00.0.00.01.0000 DINAS PERHUBUNGAN"


def two_units_and_recap(
    tmp_path: Path,
    names: tuple[str, str],
    dinkes: Sequence[tuple[str, str, int, int]],
    dishub: Sequence[tuple[str, str, int, int]],
    recap: list[list[object]],
) -> Path:
    """A workbook of Dinas Kesehatan's and Dinas Perhubungan's LRA sheets (named ``names``), then a recap."""
    sheets = {names[0]: lra_rows(LRA, SKPD_DINKES, dinkes), names[1]: lra_rows(LRA, SKPD_DISHUB, dishub)}
    return write_book(tmp_path / "lra_2024.xlsx", {**sheets, "Rekap": recap})


def test_a_recap_of_the_per_unit_sheets_is_a_summary_and_not_a_third_set_of_units(
    tmp_path: Path,
) -> None:
    recap = [
        ["REKAPITULASI REALISASI ANGGARAN PER SKPD"],
        ["TAHUN ANGGARAN 2024"],
        [],
        ["No", "Perangkat Daerah", "Anggaran", "Realisasi"],
        [1, "DINAS KESEHATAN", DINKES_BUDGET, DINKES_REALIZED],
        [2, "DINAS PERHUBUNGAN", DISHUB_BUDGET, DISHUB_REALIZED],
    ]
    doc = rank_json(two_units_and_recap(tmp_path, ("Dinkes", "Dishub"), DINKES, DISHUB, recap))
    units = {u["code"]: u for u in doc["units"]}
    assert sorted(units) == ["1.02.0.00.0.00.01.0000", "2.15.0.00.0.00.01.0000"]
    dinkes, dishub = units["1.02.0.00.0.00.01.0000"], units["2.15.0.00.0.00.01.0000"]
    assert dinkes["name"] == "DINAS KESEHATAN"
    assert (dinkes["budget"], dinkes["realized"]) == (1_000_000, 620_000)
    assert (dishub["budget"], dishub["realized"]) == (2_450_000, 1_102_500)
    assert doc["total"]["budget"] == DINKES_BUDGET + DISHUB_BUDGET
    assert doc["total"]["realized"] == DINKES_REALIZED + DISHUB_REALIZED
    assert set(left_out(doc, "derived")) == {"Rekap"}


def test_a_recap_naming_every_unit_otherwise_is_a_summary_by_its_figures(tmp_path: Path) -> None:
    recap = [
        ["REKAPITULASI REALISASI ANGGARAN PER SKPD"],
        ["TAHUN ANGGARAN 2024"],
        [],
        ["No", "Perangkat Daerah", "Anggaran", "Realisasi"],
        [1, "Dinkes", DINKES_BUDGET, DINKES_REALIZED],  # the sheets say DINAS KESEHATAN
        [2, "Dishub", DISHUB_BUDGET, DISHUB_REALIZED],
    ]
    doc = rank_json(two_units_and_recap(tmp_path, ("Kesehatan", "Perhubungan"), DINKES, DISHUB, recap))
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "DINAS KESEHATAN": (DINKES_BUDGET, DINKES_REALIZED),
        "DINAS PERHUBUNGAN": (DISHUB_BUDGET, DISHUB_REALIZED),
    }
    assert set(left_out(doc, "derived")) == {"Rekap"}
    # a rekap of other units whose round figures chance to stand in a longer sheet is no summary
    title: list[list[object]] = [["REKAPITULASI PAGU TAHUN ANGGARAN 2024"], []]
    budgets = [500_000_000, 600_000_000, 700_000_000, 800_000_000]
    kecamatan = [*title, ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    kecamatan += [
        [i, f"Kecamatan {name}", b, 0] for i, (name, b) in enumerate(zip("ABCD", budgets, strict=True), 1)
    ]
    kelurahan = [*title, ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    kelurahan += [[i, f"Kelurahan {i}", budgets[i % 4], 0] for i in range(1, 9)]
    doc = rank_json(write_book(tmp_path / "pagu.xlsx", {"Kecamatan": kecamatan, "Kelurahan": kelurahan}))
    assert len(doc["units"]) == 12 and doc["total"]["budget"] == 3 * sum(budgets)
    assert not left_out(doc, "derived")


def test_a_january_recap_naming_one_unit_otherwise_among_repeated_budgets_is_a_summary(
    tmp_path: Path,
) -> None:
    title = "LAPORAN REALISASI ANGGARAN s.d. 31 Januari 2024"
    names = ["KELURAHAN CIBODAS", "KELURAHAN PANUNGGANGAN", "KELURAHAN SINDANGSARI", "KELURAHAN UWUNG JAYA"]
    names += ["KELURAHAN KOANG JAYA", "KELURAHAN NUSA JAYA"]
    budgets = [500_000_000, 500_000_000, 600_000_000, 600_000_000, 700_000_000, 700_000_000]  # none realized
    sheets: dict[str, Sequence[Sequence[object]]] = {}
    recap: list[list[object]] = [[title], [], ["No", "Perangkat Daerah", "Anggaran", "Realisasi"]]
    for n, (name, budget) in enumerate(zip(names, budgets, strict=True), start=1):
        lines = [("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", budget - 120_000_000, 0)]
        lines += [("5.2.02.05.01.0001", "Belanja Modal Alat Kantor", 120_000_000, 0)]
        sheets[name.title()] = lra_rows(title, f"SKPD : 7.01.0.00.0.00.01.000{n} {name}", lines)
        recap.append([n, "Kel. Sindang Sari" if n == 3 else name.title(), budget, 0])
    doc = rank_json(write_book(tmp_path / "kecamatan.xlsx", {**sheets, "Rekap": recap}))
    assert doc["total"]["budget"] == sum(budgets) and len(doc["units"]) == 6
    assert set(left_out(doc, "derived")) == {"Rekap"}


def test_a_recap_that_alone_holds_a_unit_gives_that_unit_and_sums_up_the_others(tmp_path: Path) -> None:
    # ten units' LRA sheets, each DINKES's lines times its number, and a recap of eleven
    sheets: dict[str, Sequence[Sequence[object]]] = {}
    recap: list[list[object]] = [["REKAPITULASI PER SKPD"], ["TAHUN ANGGARAN 2024"], []]
    recap.append(["No", "Perangkat Daerah", "Anggaran", "Realisasi"])
    for n in range(1, 11):
        lines = [(code, name, budget * n, real * n) for code, name, budget, real in DINKES]
        unit = f"7.01.0.00.0.00.{n:02d}.0000 KECAMATAN {n}"
        sheets[f"Kec {n}"] = lra_rows(LRA, f"SKPD : {unit}", lines)
        recap.append([n, f"KECAMATAN {n}", DINKES_BUDGET * n, DINKES_REALIZED * n])
    recap.append([11, "RSUD KOTA", 1_100_000, 405_000])  # no sheet of its own
    doc = rank_json(write_book(tmp_path / "lra_2024.xlsx", {**sheets, "Rekap": recap}))
    units = {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]}
    assert len(units) == 11 and units["RSUD KOTA"] == (1_100_000, 405_000)
    assert units["KECAMATAN 7"] == (DINKES_BUDGET * 7, DINKES_REALIZED * 7)
    assert doc["total"]["budget"] == DINKES_BUDGET * 55 + 1_100_000
    (part,) = [w for w in doc["warnings"] if w["code"] == "W-SUMMARY-PART"]
    assert part["sheet"] == "Rekap" and "only it holds 1 unit(s): RSUD KOTA" in part["message"]
    # a unit the recap names otherwise ("KEC. KOTA 1"), with its sheet's very figures, is that unit
    recap[4][1] = "KEC. KOTA 1"
    recap.pop()
    doc = rank_json(write_book(tmp_path / "singkat.xlsx", {**sheets, "Rekap": recap}))
    assert len(doc["units"]) == 10 and doc["total"]["budget"] == DINKES_BUDGET * 55
    assert not [w for w in doc["warnings"] if w["code"] == "W-SUMMARY-PART"]


def test_two_units_with_the_same_budget_lines_are_two_units_not_a_copy(tmp_path: Path) -> None:
    """Two kecamatan given one DPA: the same accounts and budgets, their own realization."""
    same_dpa = [(code, name, budget, 0) for code, name, budget, _real in DINKES]
    second = [(c, n, b, r // 2) for c, n, b, r in DINKES]  # every amount halved, by construction
    path = write_book(
        tmp_path / "kecamatan.xlsx",
        {
            "Kec A": lra_rows(LRA, "SKPD : 7.01.0.00.0.00.01.0000 KECAMATAN A", DINKES),
            "Kec B": lra_rows(LRA, "SKPD : 7.01.0.00.0.00.02.0000 KECAMATAN B", second),
            "Kec C": lra_rows(LRA, "SKPD : 7.01.0.00.0.00.03.0000 KECAMATAN C", same_dpa),
        },
    )
    doc = rank_json(path)
    units = {u["code"]: (u["budget"], u["realized"]) for u in doc["units"]}
    assert units == {
        "7.01.0.00.0.00.01.0000": (DINKES_BUDGET, DINKES_REALIZED),
        "7.01.0.00.0.00.02.0000": (DINKES_BUDGET, 200_000 // 2 + 300_000 // 2 + 120_000 // 2),
        "7.01.0.00.0.00.03.0000": (DINKES_BUDGET, 0),
    }
    assert not left_out(doc, "derived")


# --- 3. a code column without a header ----------------------------------------------------------


def headerless(lines: Sequence[tuple[str, str, int, int]]) -> list[list[object]]:
    """The LRA with the header cell over the codes left empty."""
    rows = lra_rows(LRA, SKPD_DINKES, lines)
    rows[4] = [None, "Uraian", "Anggaran", "Realisasi"]
    return rows


def test_codes_under_an_empty_header_still_nest_and_only_the_leaves_are_summed(tmp_path: Path) -> None:
    path = write_book(tmp_path / "lra.xlsx", {"Sheet1": headerless(DINKES)})
    doc = rank_json(path)
    (unit,) = doc["units"]
    # every level summed would give 1.000.000 + 700.000 × 2 + … = 3.600.000
    assert (unit["budget"], unit["realized"]) == (DINKES_BUDGET, DINKES_REALIZED)
    assert unit["code"] == "1.02.0.00.0.00.01.0000"


def test_a_copy_whose_code_column_has_no_header_is_a_copy_and_the_total_is_the_leaves(
    tmp_path: Path,
) -> None:
    path = write_book(
        tmp_path / "lra.xlsx",
        {"LRA": lra_rows(LRA, SKPD_DINKES, DINKES), "Sheet1": headerless(DINKES)},
    )
    doc = rank_json(path)
    (unit,) = doc["units"]
    assert (unit["budget"], unit["realized"]) == (1_000_000, 620_000)
    assert doc["total"]["budget"] == 300_000 + 400_000 + 300_000
    derived = left_out(doc, "derived")
    assert set(derived) == {"Sheet1"} and "'LRA'" in derived["Sheet1"]


# --- 4. old-style headings over new-style codes -------------------------------------------------


def test_old_style_headings_over_new_style_codes_are_subtotals(tmp_path: Path) -> None:
    lines = [
        (" 5.2.2.", "Belanja Barang dan Jasa", 1_000_000, 640_000),
        (" 5.2.2.01", "Belanja Bahan Pakai Habis", 600_000, 420_000),
        ("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 250_000, 170_000),
        ("5.1.02.01.01.0025", "Belanja Kertas dan Cover", 350_000, 250_000),
        (" 5.2.2.02", "Belanja Bahan Material", 400_000, 220_000),
        ("5.1.02.01.01.0052", "Belanja Bahan Bangunan", 400_000, 220_000),
    ]
    path = write_book(tmp_path / "lra.xlsx", {"LRA": lra_rows(LRA, SKPD_DINKES, lines)})
    doc = rank_json(path)
    (unit,) = doc["units"]
    assert unit["budget"] == 250_000 + 350_000 + 400_000
    assert unit["realized"] == 170_000 + 250_000 + 220_000
    assert not [m for m in messages(doc) if m.startswith("subtotal")]


# --- 5. month sheets of one unit ----------------------------------------------------------------

# account → budget, realization at the end of January, February, March
MONTHS = {
    "5.1.02.01.01.0024": ("Belanja Alat Tulis Kantor", 40_000_000, (5_000_000, 12_000_000, 20_000_000)),
    "5.1.02.01.01.0026": ("Belanja Jasa Tenaga Ahli", 60_000_000, (3_000_000, 9_000_000, 16_000_000)),
    "5.2.02.05.01.0001": ("Belanja Modal Laptop", 100_000_000, (0, 0, 25_000_000)),
}


def month_book(path: Path, months: Sequence[str] = ("Jan", "Feb", "Mar"), filled: int = 3) -> Path:
    """A DPA cover, then month sheets: the first ``filled`` with MONTHS' realization, the rest
    copies of the form with 0 realized (a workbook made for the whole year)."""
    cover = [
        ["DOKUMEN PELAKSANAAN ANGGARAN"],
        ["SATUAN KERJA PERANGKAT DAERAH"],
        ["ORGANISASI : 2.16.2.20.2.21.02.0000 - Dinas Komunikasi"],
        ["TAHUN ANGGARAN 2024"],
    ]
    sheets: dict[str, list[list[object]]] = {"DPA": cover}
    for month, sheet in enumerate(months):
        rows: list[list[object]] = [
            ["LAPORAN REALISASI ANGGARAN BELANJA"],
            ["TAHUN ANGGARAN 2024"],
            [],
            HEADER,
        ]
        rows += [
            [code, name, budget, real[month] if month < filled else 0]
            for code, (name, budget, real) in MONTHS.items()
        ]
        sheets[sheet] = rows
    return write_book(path, sheets)


def test_month_sheets_are_snapshots_of_one_unit_and_march_is_compared_with_february(
    tmp_path: Path,
) -> None:
    doc = rank_json(month_book(tmp_path / "realisasi_diskominfo.xlsx"))
    (unit,) = doc["units"]
    assert (unit["code"], unit["name"]) == ("2.16.2.20.2.21.02.0000", "Dinas Komunikasi")
    budget = 40_000_000 + 60_000_000 + 100_000_000
    march = 20_000_000 + 16_000_000 + 25_000_000
    february = 12_000_000 + 9_000_000 + 0
    assert (unit["budget"], unit["realized"]) == (budget, march)
    assert unit["absorption_pct"] == pytest.approx(100 * march / budget, abs=1e-4)  # 30.5
    assert unit["as_of"] == "2024-03-31"
    assert doc["as_of"] == "2024-03-31"
    assert unit["change_pp"] == pytest.approx(100 * march / budget - 100 * february / budget, abs=1e-4)
    assert doc["units_compared"] == 1
    assert doc["previous_as_of"] == "2024-02-29"
    assert not left_out(doc, "derived")


YEAR = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def test_month_sheets_of_the_year_not_filled_in_yet_do_not_date_the_data(tmp_path: Path) -> None:
    # January to March filled in, April to Desember copies of the form with 0 realized
    doc = rank_json(month_book(tmp_path / "rfk_2024.xlsx", YEAR, filled=3))
    (unit,) = doc["units"]
    assert unit["as_of"] == doc["as_of"] == "2024-03-31"  # not 31 December at 0 %
    assert unit["realized"] == 20_000_000 + 16_000_000 + 25_000_000
    assert doc["previous_as_of"] == "2024-02-29"
    unfilled = [w for w in doc["warnings"] if w["code"] == "W-LEFT-OUT"]
    assert [w["sheet"] for w in unfilled] == list(YEAR[3:])
    assert all("not filled in yet" in w["message"] for w in unfilled)


def test_a_year_of_month_sheets_none_filled_in_stands_at_the_first(tmp_path: Path) -> None:
    doc = rank_json(month_book(tmp_path / "rfk_2024.xlsx", YEAR, filled=0))
    (unit,) = doc["units"]
    assert (unit["as_of"], unit["realized"]) == ("2024-01-31", 0)
    unfilled = [w for w in doc["warnings"] if w["code"] == "W-LEFT-OUT"]
    assert [w["sheet"] for w in unfilled] == list(YEAR[1:])
    assert all("as in sheet 'Jan' before it" in w["message"] for w in unfilled)
    assert "W-FUTURE-DATE" not in {w["code"] for w in doc["warnings"]}


# --- 6. per-OPD uploads at different dates ------------------------------------------------------


def toba_rows(period: str, unit: str, budget: int, realized: int) -> list[list[object]]:
    """An LRA as the Toba per-OPD uploads: titles, the unit lines, one operasi and one modal leaf."""
    operasi_budget, modal_budget = budget * 3 // 4, budget // 4
    operasi_real, modal_real = realized * 4 // 5, realized // 5
    return [
        ["PEMERINTAH KABUPATEN CONTOH"],
        ["LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH"],
        [period],
        [],
        ["Urusan Pemerintahan", ":", "…."],
        ["Unit Organisasi", ":", unit],
        ["Sub Unit Organisasi", ":", unit],
        [],
        ["KODE REKENING", "URAIAN", "ANGGARAN", "REALISASI"],
        ["5", "BELANJA DAERAH", budget, realized],
        ["5.1", "BELANJA OPERASI", operasi_budget, operasi_real],
        ["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", operasi_budget, operasi_real],
        ["5.2", "BELANJA MODAL", modal_budget, modal_real],
        ["5.2.02.05.01.0001", "Belanja Modal Alat Kantor", modal_budget, modal_real],
    ]


PLACEHOLDER = "periode …………. s.d ………….. 2022"


def uploads(folder: Path) -> Path:
    folder.mkdir()
    write_book(
        folder / "12_lra_20221216-084407.xlsx",
        {
            "Sheet1": toba_rows(
                "periode Januari s.d Agustus 2022", "Dinas Pertanian", 2_000_000_000, 1_100_000_000
            )
        },
    )
    write_book(
        folder / "32_lra_20221208-163242.xlsx",
        {
            "Sheet1": toba_rows(
                "periode 01 Juli s.d 31 Juli 2022", "Badan Perencanaan", 1_500_000_000, 150_000_000
            )
        },
    )
    write_book(
        folder / "10_lra_20221130-122622.xlsx",
        {"Sheet1": toba_rows(PLACEHOLDER, "Badan Penanggulangan Bencana", 800_000_000, 520_000_000)},
    )
    return folder


def test_uploads_of_different_units_at_different_dates_are_not_a_series(tmp_path: Path) -> None:
    doc = rank_json(uploads(tmp_path / "lra"))
    units = by_name(doc)
    assert sorted(units) == ["Badan Penanggulangan Bencana", "Badan Perencanaan", "Dinas Pertanian"]
    assert units["Dinas Pertanian"]["as_of"] == "2022-08-31"
    assert units["Dinas Pertanian"]["period_start"] == "2022-01-01"
    assert units["Badan Perencanaan"]["as_of"] == "2022-07-31"
    assert units["Badan Perencanaan"]["period_start"] == "2022-07-01"
    assert units["Badan Penanggulangan Bencana"]["as_of"] is None
    assert units["Badan Penanggulangan Bencana"]["period_start"] is None
    assert [u["change_pp"] for u in doc["units"]] == [None, None, None]
    assert "units_compared" not in doc and "entered_bottom" not in doc
    assert (units["Dinas Pertanian"]["budget"], units["Dinas Pertanian"]["realized"]) == (
        1_500_000_000 + 500_000_000,
        880_000_000 + 220_000_000,
    )
    assert doc["total"]["budget"] == 2_000_000_000 + 1_500_000_000 + 800_000_000
    partial = [m for m in messages(doc) if "not from 1 January" in m]
    assert len(partial) == 1
    assert partial[0].startswith("Badan Perencanaan: the realization covers 1 July 2022 to 31 July 2022")
    undated = [m for m in messages(doc) if "no data date" in m]
    assert len(undated) == 1 and "Badan Penanggulangan Bencana" in undated[0]
    assert "Dinas Pertanian" not in undated[0]


def test_a_period_written_as_two_dates_joined_by_a_dash_is_a_part_of_the_year(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    write_book(
        folder / "32_lra.xlsx",
        {
            "Sheet1": toba_rows(
                "Periode : 01/07/2022 - 31/07/2022", "Badan Perencanaan", 1_500_000_000, 150_000_000
            )
        },
    )
    write_book(
        folder / "12_lra.xlsx",
        {
            "Sheet1": toba_rows(
                "Periode 1 Januari 2022 – 31 Juli 2022", "Dinas Pertanian", 2_000_000_000, 1_100_000_000
            )
        },
    )
    write_book(  # from the year's first working day: the year to date
        folder / "14_lra.xlsx",
        {"Sheet1": toba_rows("Periode : 02/01/2022 - 31/07/2022", "Dinas Sosial", 900_000_000, 300_000_000)},
    )
    doc = rank_json(folder)
    units = by_name(doc)
    assert units["Badan Perencanaan"]["period_start"] == "2022-07-01"
    assert units["Badan Perencanaan"]["as_of"] == "2022-07-31"
    assert units["Dinas Sosial"]["period_start"] == "2022-01-01"
    assert units["Dinas Pertanian"]["period_start"] == "2022-01-01"
    partial = [m for m in messages(doc) if "not from 1 January" in m]
    assert len(partial) == 1
    assert partial[0].startswith("Badan Perencanaan: the realization covers 1 July 2022 to 31 July 2022")


def series_folder(folder: Path) -> Path:
    """Dinas Pertanian uploads in March and in June, Dinas Sosial only in June."""
    folder.mkdir()
    write_book(
        folder / "12_lra_maret.xlsx",
        {
            "Sheet1": toba_rows(
                "periode Januari s.d Maret 2022", "Dinas Pertanian", 2_000_000_000, 300_000_000
            )
        },
    )
    write_book(
        folder / "12_lra_juni.xlsx",
        {"Sheet1": toba_rows("periode Januari s.d Juni 2022", "Dinas Pertanian", 2_000_000_000, 900_000_000)},
    )
    write_book(
        folder / "11_lra_juni.xlsx",
        {"Sheet1": toba_rows("periode Januari s.d Juni 2022", "Dinas Sosial", 1_000_000_000, 400_000_000)},
    )
    return folder


def test_a_change_is_measured_only_against_an_earlier_upload_of_the_same_unit(tmp_path: Path) -> None:
    doc = rank_json(series_folder(tmp_path / "lra"))
    units = by_name(doc)
    assert sorted(units) == ["Dinas Pertanian", "Dinas Sosial"]
    pertanian, sosial = units["Dinas Pertanian"], units["Dinas Sosial"]
    assert (pertanian["budget"], pertanian["realized"], pertanian["as_of"]) == (
        2_000_000_000,
        900_000_000,
        "2022-06-30",
    )
    assert pertanian["change_pp"] == pytest.approx(45.0 - 15.0, abs=1e-4)  # 900/2000 − 300/2000
    assert sosial["change_pp"] is None  # no earlier upload of Dinas Sosial
    assert doc["units_compared"] == 1
    assert doc["total"]["budget"] == 2_000_000_000 + 1_000_000_000


def test_quarters_count_the_units_reporting_each_quarter(tmp_path: Path) -> None:
    folder = series_folder(tmp_path / "lra")
    result = runner.invoke(app, ["--lang", "en", "quarters", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    q1, q2 = doc["total"]["quarters"]
    assert (q1["quarter"], q1["units_reporting"], q1["units_total"]) == (1, 1, 2)
    assert (q2["quarter"], q2["units_reporting"], q2["units_total"]) == (2, 2, 2)
    assert q1["cumulative"] == 300_000_000
    assert q2["cumulative"] == 900_000_000 + 400_000_000
    assert doc["total"]["budget"] == 3_000_000_000
    assert doc["as_of"] == "2022-06-30"


# --- 7. a cash plan beside the export -----------------------------------------------------------


def test_a_cash_plan_beside_the_export_is_not_ranked(tmp_path: Path) -> None:
    folder = tmp_path / "dinkes"
    folder.mkdir()
    rak: list[list[object]] = [
        ["RENCANA ANGGARAN KAS"],
        [SKPD_DINKES],
        ["TAHUN ANGGARAN 2024"],
        [],
        ["Kode Rekening", "Uraian", "Anggaran", "Januari", "Februari", "Maret"],
        ["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 300_000, 100_000, 100_000, 100_000],
        ["5.1.02.01.01.0025", "Belanja Kertas dan Cover", 400_000, 0, 200_000, 200_000],
        ["5.2.02.01.01.0001", "Belanja Modal Alat Berat", 300_000, 0, 0, 300_000],
    ]
    write_book(folder / "rak_dinkes_2024.xlsx", {"RAK": rak})
    export = lra_rows("LAPORAN REALISASI ANGGARAN s.d. 31 Maret 2024", SKPD_DINKES, DINKES)
    write_book(folder / "lra_dinkes.xlsx", {"LRA": export})
    doc = rank_json(folder)
    (unit,) = doc["units"]
    assert (unit["budget"], unit["realized"]) == (DINKES_BUDGET, DINKES_REALIZED)
    assert doc["total"]["budget"] == 300_000 + 400_000 + 300_000
    assert doc["as_of"] == "2024-03-31"
    plans = [w for w in doc["warnings"] if w["code"] == "W-PLAN-AMONG-INPUTS"]
    assert [Path(w["file"]).name for w in plans] == ["rak_dinkes_2024.xlsx"]
    # the plan beside the export gives the unit its own targets: all 1.000.000 planned by March
    result = runner.invoke(app, ["--lang", "en", "quarters", str(folder), "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    (q1,) = json.loads(result.stdout)["units"][0]["quarters"]
    assert (q1["plan"], q1["target_pct"]) == (1_000_000, 100.0)


# --- 8. one upload twice ------------------------------------------------------------------------


def test_the_same_file_uploaded_twice_is_counted_once(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    rows = recap_rows(UNITS_3)
    rows[1] = ["Keadaan s.d. Tanggal 30 September 2024"]
    write_book(folder / "lra.xlsx", {"Rekap": rows})
    write_book(folder / "lra (1).xlsx", {"Rekap": rows})
    doc = rank_json(folder)
    assert len(doc["units"]) == 3
    assert doc["total"]["budget"] == 1_250_000_000 + 980_000_000 + 420_000_000
    assert doc["total"]["realized"] == 812_500_000 + 441_000_000 + 105_000_000
    same = [w for w in doc["warnings"] if w["code"] == "W-DUPLICATE-FILE"]
    assert len(same) == 1
    named = same[0]["message"].rsplit("the same data as ", 1)[1]
    assert {Path(same[0]["file"]).name, named} == {"lra.xlsx", "lra (1).xlsx"}


@pytest.mark.parametrize(
    "copy", ["Salinan lra.xlsx", "Salinan dari lra.xlsx", "Copy of lra.xlsx", "lra - Salinan.xlsx"]
)
def test_of_two_equal_files_the_one_named_as_a_copy_is_the_one_left_out(tmp_path: Path, copy: str) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    rows = recap_rows(UNITS_3)
    rows[1] = ["Keadaan s.d. Tanggal 30 September 2024"]
    write_book(folder / "lra.xlsx", {"Rekap": rows})
    write_book(folder / copy, {"Rekap": rows})
    doc = rank_json(folder)
    (same,) = [w for w in doc["warnings"] if w["code"] == "W-DUPLICATE-FILE"]
    assert Path(same["file"]).name == copy and same["message"].endswith("the same data as lra.xlsx")


def test_two_uploads_of_one_date_with_other_figures_are_said_and_agreeing_ones_are_not(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    rows = recap_rows(UNITS_3)
    rows[1] = ["Keadaan s.d. Tanggal 30 September 2024"]
    revised = [list(row) for row in rows]
    revised[-1][3] = 210_000_000  # Dinas Perhubungan's realization, revised the same day
    write_book(folder / "lra.xlsx", {"Rekap": rows})
    write_book(folder / "lra (1).xlsx", {"Rekap": revised})
    # Dinas Kesehatan's own upload of the same date agrees with both: no rival
    own = [*rows[:4], [1, "Dinas Kesehatan", 980_000_000, 441_000_000]]
    write_book(folder / "dinkes.xlsx", {"Rekap": own})
    doc = rank_json(folder)
    units = by_name(doc)
    # the last by name (lra.xlsx after "lra (1).xlsx") is ranked, and the other is named
    assert units["Dinas Perhubungan"]["realized"] == 105_000_000
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-SAME-DATE"]
    assert said["message"].startswith("1 unit(s)")
    assert "Dinas Perhubungan (lra.xlsx, not lra (1).xlsx)" in said["message"]
    assert "Dinas Kesehatan" not in said["message"]


def test_a_rekap_in_thousands_beside_the_units_own_uploads_agrees_and_gives_way(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    title: list[list[object]] = [["REKAPITULASI REALISASI s.d. 30 September 2024"], []]
    exact = [
        ("Dinas Pendidikan", 1_500_457_123, 750_123_456),
        ("Dinas Kesehatan", 2_000_987_654, 1_000_654_321),
        ("Dinas Sosial", 800_111_499, 200_332_501),
    ]
    for name, budget, real in exact:
        write_book(
            folder / f"{name}.xlsx",
            {"LRA": [*title, ["Perangkat Daerah", "Pagu", "Realisasi"], [name, budget, real]]},
        )
    # the rekap rounds each figure to a thousand and sorts last by name
    rekap = [*title, ["(dalam ribuan rupiah)"], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rekap += [[i, n, round(b / 1000), round(r / 1000)] for i, (n, b, r) in enumerate(exact, start=1)]
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    # the units' own figures, to the rupiah, and no rivals: the rekap says the same in thousands
    assert {n: (u["budget"], u["realized"]) for n, u in by_name(doc).items()} == {
        name: (budget, real) for name, budget, real in exact
    }
    assert not [w for w in doc["warnings"] if w["code"] == "W-SAME-DATE"]
    # a rekap that says otherwise by more than its rounding is a rival still
    rekap[-1][3] = 250_000  # Dinas Sosial's realization, 250,000 thousand
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-SAME-DATE"]
    assert "Dinas Sosial (Dinas Sosial.xlsx, not rekap.xlsx)" in said["message"]
    assert by_name(doc)["Dinas Sosial"]["realized"] == 200_332_501


# three units' own uploads of 30 September 2024 (code, name, the rekap's short name, pagu, realisasi)
UPLOADED = [
    ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", "Dinkes", 2_000_987_654, 1_000_654_321),
    ("1.01.0.00.0.00.01.0000", "DINAS PENDIDIKAN", "Disdik", 1_500_456_789, 750_123_456),
    ("1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "Dinsos", 800_111_222, 200_333_444),
]


Uploaded = list[tuple[str, str, str, int, int]]


def coded_uploads(folder: Path, title: list[list[object]], units: Uploaded) -> None:
    """Each unit's LRA upload under ``title``: its code and name above two lines (one of them modal)."""
    folder.mkdir(exist_ok=True)
    for code, name, _short, budget, real in units:
        lines = [["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]]
        lines += [["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", budget - 1_000_000, real - 400_000]]
        lines += [["5.2.02.05.01.0001", "Belanja Modal Alat Kantor", 1_000_000, 400_000]]
        write_book(folder / f"{name}.xlsx", {"LRA": [*title, [f"SKPD : {code} {name}"], [], *lines]})


def test_a_rekap_that_abbreviates_the_units_beside_their_uploads_counts_each_once(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    title: list[list[object]] = [["LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"]]
    units = list(UPLOADED)
    coded_uploads(folder, title, units)
    rekap = [*title, [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rekap += [[i, short, b, r] for i, (_c, _n, short, b, r) in enumerate(units, start=1)]
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        name: (budget, real) for _c, name, _s, budget, real in units
    }
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-FIGURES"]
    assert Path(said["file"]).name == "rekap.xlsx" and said["message"].startswith("3 unit(s)")
    assert "Dinkes → DINAS KESEHATAN" in said["message"]
    # figures that two units share tell neither: the rekap's unit stays its own
    units[2] = ("1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "Dinsos", 1_500_456_789, 750_123_456)
    code, name, _short, budget, real = units[2]
    lines = [["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]]
    lines += [["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", budget, real]]
    write_book(folder / f"{name}.xlsx", {"LRA": [*title, [f"SKPD : {code} {name}"], [], *lines]})
    rekap[-1] = [3, "Dinsos", budget, real]
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    names = sorted(u["name"] for u in doc["units"])
    assert names == ["DINAS KESEHATAN", "DINAS PENDIDIKAN", "DINAS SOSIAL", "Dinsos", "Disdik"]
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-FIGURES"]
    assert said["message"].startswith("1 unit(s)") and "Dinkes → DINAS KESEHATAN" in said["message"]


def test_a_rekap_rounded_to_thousands_without_saying_so_is_told_by_its_rounded_figures(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "uploads"
    title: list[list[object]] = [["LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"]]
    units = list(UPLOADED)
    coded_uploads(folder, title, units)
    # the rekap is in rupiah, every figure rounded to a thousand, and no label says so
    rekap = [*title, [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rekap += [[i, s, round(b, -3), round(r, -3)] for i, (_c, _n, s, b, r) in enumerate(units, start=1)]
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    # each unit once, with its own upload's figures to the rupiah
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        name: (budget, real) for _c, name, _s, budget, real in units
    }
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-FIGURES"]
    assert Path(said["file"]).name == "rekap.xlsx" and said["message"].startswith("3 unit(s)")


def test_a_january_rekap_that_abbreviates_tells_its_units_by_budgets_not_of_whole_millions(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    title: list[list[object]] = [["LAPORAN REALISASI ANGGARAN s.d. 31 Januari 2024"]]
    units = [  # nothing realized yet; Dinas Sosial's budget is of whole millions
        ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", "Dinkes", 2_000_987_654),
        ("1.01.0.00.0.00.01.0000", "DINAS PENDIDIKAN", "Disdik", 1_500_456_789),
        ("1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "Dinsos", 800_000_000),
    ]
    for code, name, _short, budget in units:
        lines = [["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]]
        lines += [["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", budget, 0]]
        write_book(folder / f"{name}.xlsx", {"LRA": [*title, [f"SKPD : {code} {name}"], [], *lines]})
    rekap = [*title, [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rekap += [[i, short, b, 0] for i, (_c, _n, short, b) in enumerate(units, start=1)]
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    budgets = {u["name"]: u["budget"] for u in doc["units"]}
    assert budgets == {
        "DINAS KESEHATAN": 2_000_987_654,
        "DINAS PENDIDIKAN": 1_500_456_789,
        "DINAS SOSIAL": 800_000_000,
        "Dinsos": 800_000_000,  # a round budget with nothing realized tells no unit: counted apart
    }
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-FIGURES"]
    assert said["message"].startswith("2 unit(s)") and "Disdik → DINAS PENDIDIKAN" in said["message"]
    # the unit counted apart is named, beside the one its name may shorten
    (maybe,) = [w for w in doc["warnings"] if w["code"] == "W-MAYBE-SAME-UNIT"]
    assert Path(maybe["file"]).name == "rekap.xlsx" and maybe["message"].startswith("1 unit(s)")
    assert "Dinsos (DINAS SOSIAL?)" in maybe["message"]


def upload(folder: Path, code: str, name: str, title: str, lines: list[tuple[str, str, int, int]]) -> None:
    """A unit's own LRA upload, ``name``.xlsx, under ``title``."""
    write_book(folder / f"{name}.xlsx", {"LRA": lra_rows(title, f"SKPD : {code} {name}", lines)})


def test_figures_that_tell_no_unit_leave_the_names_as_they_are(tmp_path: Path) -> None:
    title = "LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"
    folder = tmp_path / "kecamatan"
    folder.mkdir()
    # Sukamaju (another kecamatan) and Cibening (no upload) share whole-million figures
    upload(
        folder,
        "7.01.0.00.0.00.02.0001",
        "KELURAHAN SUKAMAJU",
        title,
        [("5.1.02", "Belanja", 500_000_000, 125_000_000)],
    )
    upload(
        folder,
        "7.01.0.00.0.00.01.0001",
        "KELURAHAN MEKARSARI",
        title,
        [("5.1.02", "Belanja", 612_345_678, 200_111_222)],
    )
    # and Sukarame (another kecamatan) and Jatimulya (no upload) an even split of an allocation
    upload(
        folder,
        "7.01.0.00.0.00.02.0002",
        "KELURAHAN SUKARAME",
        title,
        [("5.1.02", "Belanja", 352_848_500, 176_424_250)],
    )
    rekap = [[title], [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rekap += [[1, "Kel. Mekarsari", 612_345_678, 200_111_222], [2, "Kel. Cibening", 500_000_000, 125_000_000]]
    rekap += [[3, "Kel. Jatimulya", 352_848_500, 176_424_250]]
    write_book(folder / "rekap_kec_timur.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    assert {u["name"]: u["budget"] for u in doc["units"]} == {
        "KELURAHAN SUKAMAJU": 500_000_000,
        "KELURAHAN SUKARAME": 352_848_500,
        "KELURAHAN MEKARSARI": 612_345_678,
        "Kel. Cibening": 500_000_000,
        "Kel. Jatimulya": 352_848_500,
    }
    (said,) = [w["message"] for w in doc["warnings"] if w["code"] == "W-NAMED-BY-FIGURES"]
    assert said.startswith("1 unit(s)") and "Kel. Mekarsari → KELURAHAN MEKARSARI" in said


def test_of_two_rekaps_without_codes_the_one_that_abbreviates_takes_the_others_names(tmp_path: Path) -> None:
    title = "LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"
    folder = tmp_path / "rekaps"
    folder.mkdir()
    figures = [(2_000_987_654, 1_000_654_321), (1_500_456_789, 750_123_456), (800_111_222, 200_333_444)]
    for file, names in (
        ("bpkad.xlsx", ["Dinkes", "Disdik", "Dinsos"]),
        ("bappeda.xlsx", ["Dinas Kesehatan", "Dinas Pendidikan", "Dinas Sosial"]),
    ):
        rows = [[title], [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
        rows += [[i, n, b, r] for i, (n, (b, r)) in enumerate(zip(names, figures, strict=True), start=1)]
        write_book(folder / file, {"Rekap": rows})
    doc = rank_json(folder)
    # three units, each once, under the full names
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas Kesehatan": figures[0],
        "Dinas Pendidikan": figures[1],
        "Dinas Sosial": figures[2],
    }
    assert doc["total"]["budget"] == sum(b for b, _ in figures)
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-FIGURES"]
    assert Path(said["file"]).name == "bpkad.xlsx" and "Dinkes → Dinas Kesehatan" in said["message"]
    # names that do not shorten each other (another first letter) are other units still
    bappeda = [[title], [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    others = ["Kesehatan", "Pendidikan", "Sosial"]
    bappeda += [[i, n, b, r] for i, (n, (b, r)) in enumerate(zip(others, figures, strict=True), start=1)]
    write_book(folder / "bappeda.xlsx", {"Rekap": bappeda})
    doc = rank_json(folder)
    assert not [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-FIGURES"]
    assert len(doc["units"]) == 6


def test_a_rekap_in_thousands_of_units_and_their_jenis_rows_is_told_by_its_rounded_sums(
    tmp_path: Path,
) -> None:
    title = "LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"
    folder = tmp_path / "uploads"
    folder.mkdir()
    parts = [
        (10_000_400_400, 5_000_300_400),
        (20_000_400_400, 8_000_300_400),
        (30_000_400_400, 9_000_300_400),
    ]
    jenis = [("5.1.02.01.01.0024", "Belanja Operasi"), ("5.2.02.05.01.0001", "Belanja Modal")]
    jenis += [("5.3.01.01.01.0001", "Belanja Tidak Terduga")]
    lines = [(code, label, b, r) for (code, label), (b, r) in zip(jenis, parts, strict=True)]
    upload(folder, "1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", title, lines)
    budget, realized = sum(b for b, _ in parts), sum(r for _, r in parts)
    # each row rounded to a thousand: the jenis rows sum to 1,200 rupiah above the unit's own
    rekap = [
        [title],
        [],
        ["(dalam ribuan rupiah)"],
        ["No", "Perangkat Daerah / Jenis Belanja", "Pagu", "Realisasi"],
    ]
    rekap += [[1, "Dinkes", round(budget / 1000), round(realized / 1000)]]
    rekap += [
        [None, label, round(b / 1000), round(r / 1000)]
        for (_c, label), (b, r) in zip(jenis, parts, strict=True)
    ]
    rekap += [[2, "Dinas Sosial", 8_000_444, 3_100_444]]  # in the rekap only
    write_book(folder / "rekap_bpkad.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "DINAS KESEHATAN": (budget, realized),
        "Dinas Sosial": (8_000_444_000, 3_100_444_000),
    }


def test_a_rekap_in_millions_that_abbreviates_tells_its_units_in_its_own_units(tmp_path: Path) -> None:
    title = "LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"
    folder = tmp_path / "uploads"
    folder.mkdir()
    units = [
        ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", "Dinkes", 62_000_987_654, 31_000_654_321),
        ("1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "Dinsos", 8_800_111_222, 2_200_333_444),
    ]
    for code, name, _short, budget, real in units:
        upload(folder, code, name, title, [("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", budget, real)])
    # every figure of a rekap in millions is of whole millions: in its own units, they are not
    rekap = [[title], [], ["(dalam jutaan rupiah)"], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rekap += [[i, short, round(b / 1e6), round(r / 1e6)] for i, (_c, _n, short, b, r) in enumerate(units, 1)]
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        name: (budget, real) for _c, name, _s, budget, real in units
    }


def test_a_budget_file_beside_a_realization_file_of_one_date_are_no_rivals(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    title = [["REKAPITULASI s.d. 30 September 2024"], []]
    dpa = [*title, ["No", "Perangkat Daerah", "Pagu"]]
    dpa += [[i, name, budget] for i, (name, budget, _real) in enumerate(UNITS_3, start=1)]
    lra = [*title, ["No", "Perangkat Daerah", "Realisasi"]]
    lra += [[i, name, real] for i, (name, _budget, real) in enumerate(UNITS_3, start=1)]
    write_book(folder / "dpa.xlsx", {"DPA": dpa})
    write_book(folder / "realisasi.xlsx", {"LRA": lra})
    doc = rank_json(folder)
    assert {n: (u["budget"], u["realized"]) for n, u in by_name(doc).items()} == {
        name: (budget, real) for name, budget, real in UNITS_3
    }
    assert not [w for w in doc["warnings"] if w["code"] == "W-SAME-DATE"]


def test_last_years_undated_file_beside_this_years_is_left_out_by_the_year_its_title_says(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    this_year = recap_rows(UNITS_3)  # "TAHUN ANGGARAN 2024" in the title, no date
    last_year = recap_rows([(name, budget, budget * 9 // 10) for name, budget, _real in UNITS_3])
    last_year[1] = ["PEMERINTAH KABUPATEN CONTOH TAHUN ANGGARAN 2023"]
    write_book(folder / "LRA TA 2024.xlsx", {"Rekap": this_year})
    write_book(folder / "Realisasi TA 2023.xlsx", {"Rekap": last_year})  # last by name
    doc = rank_json(folder)
    assert {n: (u["budget"], u["realized"]) for n, u in by_name(doc).items()} == {
        name: (budget, real) for name, budget, real in UNITS_3
    }
    (mixed,) = [w for w in doc["warnings"] if w["code"] == "W-MIXED-YEARS"]
    assert mixed["file"].endswith("Realisasi TA 2023.xlsx") and "only 2024 is used" in mixed["message"]


def test_a_cited_regulations_year_and_next_years_plan_do_not_decide_the_fiscal_year(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    title = [
        ["LAMPIRAN II PERATURAN BUPATI NOMOR 45 TAHUN 2023"],
        ["TENTANG PENJABARAN APBD TAHUN ANGGARAN 2024"],
    ]
    dpa = [*title, [], ["No", "Perangkat Daerah", "Pagu"]]
    dpa += [[i, name, budget] for i, (name, budget, _real) in enumerate(UNITS_3, start=1)]
    lra = [["REKAPITULASI REALISASI s.d. 30 Juni 2024"], [], ["No", "Perangkat Daerah", "Realisasi"]]
    lra += [[i, name, real] for i, (name, _budget, real) in enumerate(UNITS_3, start=1)]
    plan = [["PAGU INDIKATIF"], [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    plan += [[i, name, budget * 2, 0] for i, (name, budget, _real) in enumerate(UNITS_3, start=1)]
    write_book(folder / "penjabaran.xlsx", {"DPA": dpa})
    write_book(folder / "realisasi.xlsx", {"LRA": lra})
    write_book(folder / "Pagu Indikatif TA 2025.xlsx", {"Pagu": plan})  # next year's, undated
    doc = rank_json(folder)
    assert {n: (u["budget"], u["realized"]) for n, u in by_name(doc).items()} == {
        name: (budget, real) for name, budget, real in UNITS_3
    }
    (mixed,) = [w for w in doc["warnings"] if w["code"] == "W-MIXED-YEARS"]
    assert mixed["file"].endswith("Pagu Indikatif TA 2025.xlsx") and "only 2024 is used" in mixed["message"]


def test_two_sheets_of_one_workbook_with_other_figures_name_their_sheets(tmp_path: Path) -> None:
    rows = recap_rows(UNITS_3)
    rows[1] = ["Keadaan s.d. Tanggal 30 September 2024"]
    revised = [list(row) for row in rows]
    revised[-1][3] = 210_000_000  # Dinas Perhubungan's realization, on a second sheet
    book = write_book(tmp_path / "lra.xlsx", {"Awal": rows, "Perbaikan": revised})
    doc = rank_json(book)
    # the last sheet is ranked
    assert by_name(doc)["Dinas Perhubungan"]["realized"] == 210_000_000
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-SAME-DATE"]
    assert "Dinas Perhubungan (lra.xlsx [Perbaikan], not lra.xlsx [Awal])" in said["message"]
    assert "then by sheet order" in said["message"]


# --- 9, 10. text amounts ------------------------------------------------------------------------


def test_text_amounts_under_a_million_beside_numeric_cells_and_in_a_comma_csv(tmp_path: Path) -> None:
    # typed "750.000" among numeric cells: no number's text ends its fraction with a zero
    rows: list[list[object]] = [
        ["REKAPITULASI s.d. 30 September 2024"],
        ["No", "Perangkat Daerah", "Pagu", "Realisasi"],
    ]
    rows += [[1, "Kelurahan A", 1_500_000, "750.000"], [2, "Kelurahan B", 2_000_000, "250.000"]]
    rows += [[3, "Kelurahan C", 1_000_000, 500_000]]
    doc = rank_json(write_book(tmp_path / "kelurahan.xlsx", {"Rekap": rows}))
    assert {n: u["realized"] for n, u in by_name(doc).items()} == {
        "Kelurahan A": 750_000,
        "Kelurahan B": 250_000,
        "Kelurahan C": 500_000,
    }
    # a comma-separated file whose amounts are all under a million: "750,000" groups thousands
    path = tmp_path / "kelurahan.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Perangkat Daerah", "Pagu", "Realisasi"])
        writer.writerows([["Kelurahan A", "750,000", "250,000"], ["Kelurahan B", "900,000", "450,000"]])
    doc = rank_json(path)
    assert {n: (u["budget"], u["realized"]) for n, u in by_name(doc).items()} == {
        "Kelurahan A": (750_000, 250_000),
        "Kelurahan B": (900_000, 450_000),
    }


def test_a_csv_with_a_key_value_block_above_the_header_is_read(tmp_path: Path) -> None:
    path = tmp_path / "realisasi_2014.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Judul", "Realisasi Anggaran"])
        writer.writerow(["Tahun", "2014"])
        writer.writerow([])
        writer.writerow(["Nama SKPD", "Anggaran", "Realisasi"])
        writer.writerow(["Dinas Pendidikan", "1.000.000,00", "250.000,00"])
        writer.writerow(["Dinas Kesehatan", "2.500.000,50", "1.250.000,25"])
        writer.writerow(["Dinas Sosial", "750.000,00", "600.000,00"])
    doc = rank_json(path)
    units = by_name(doc)
    assert sorted(units) == ["Dinas Kesehatan", "Dinas Pendidikan", "Dinas Sosial"]
    assert (units["Dinas Pendidikan"]["budget"], units["Dinas Pendidikan"]["realized"]) == (
        1_000_000,
        250_000,
    )
    assert (units["Dinas Kesehatan"]["budget"], units["Dinas Kesehatan"]["realized"]) == (
        2_500_000.5,
        1_250_000.25,
    )
    assert doc["total"]["budget"] == 1_000_000 + 2_500_000.5 + 750_000
    assert doc["total"]["realized"] == 250_000 + 1_250_000.25 + 600_000
    assert units["Dinas Sosial"]["absorption_pct"] == pytest.approx(80.0, abs=1e-4)


def test_text_amounts_with_scale_words_are_read_at_their_scale(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAP REALISASI OPD"],
        ["Nama OPD", "Pagu", "Realisasi"],
        ["Dinas A", "1,5 M", "250 jt"],
        ["Dinas B", "800 jt", "2 M"],
    ]
    path = xlsxwriter_book(tmp_path / "rekap.xlsx", rows)
    dataset = load([path])
    budget = dict(dataset.budget.group_by("unit_name").agg(pl.col("budget").sum()).iter_rows())
    realized = dict(dataset.realization.group_by("unit_name").agg(pl.col("realized").sum()).iter_rows())
    assert budget == {"Dinas A": 1_500_000_000, "Dinas B": 800_000_000}
    assert realized == {"Dinas A": 250_000_000, "Dinas B": 2_000_000_000}
    units = by_name(rank_json(path))
    assert units["Dinas A"]["absorption_pct"] == pytest.approx(100 * 250 / 1500, abs=1e-4)


# --- 11. a list of units naming per-OPD files -----------------------------------------------------


def test_a_list_of_units_names_the_files_it_matches_by_pattern(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    # as the real placeholders: the export names no unit
    write_book(
        folder / "10_lra_20221130-122622.xlsx",
        {"Sheet1": toba_rows("periode Januari s.d Oktober 2022", "……", 800_000_000, 520_000_000)},
    )
    write_book(
        folder / "11_lra_20221219-171246.xlsx",
        {"Sheet1": toba_rows("periode Januari s.d Oktober 2022", "……", 1_200_000_000, 300_000_000)},
    )
    listing = tmp_path / "units.csv"
    with listing.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Kode", "Nama", "Berkas"])
        writer.writerow(["1.05.0.00.0.00.02.0000", "Badan Penanggulangan Bencana Daerah", "10_lra_*"])
        writer.writerow(["1.06.0.00.0.00.01.0000", "Dinas Sosial", "11_lra_*"])
    result = runner.invoke(
        app, ["--lang", "en", "rank", str(folder), "-f", "json", "--all", "--units", str(listing)]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    units = {u["code"]: u for u in doc["units"]}
    assert sorted(units) == ["1.05.0.00.0.00.02.0000", "1.06.0.00.0.00.01.0000"]
    bpbd, sosial = units["1.05.0.00.0.00.02.0000"], units["1.06.0.00.0.00.01.0000"]
    assert (bpbd["name"], bpbd["budget"], bpbd["realized"]) == (
        "Badan Penanggulangan Bencana Daerah",
        800_000_000,
        520_000_000,
    )
    assert (sosial["name"], sosial["budget"], sosial["realized"]) == (
        "Dinas Sosial",
        1_200_000_000,
        300_000_000,
    )


def test_an_upload_manifest_of_a_database_export_names_the_files_it_lists(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    for name, budget, realized in (
        ("10_lra_20221130-122622.xlsx", 800_000_000, 520_000_000),
        ("11_lra_20221219-171246.xlsx", 1_200_000_000, 300_000_000),
    ):
        write_book(
            folder / name, {"Sheet1": toba_rows("periode Januari s.d Oktober 2022", "……", budget, realized)}
        )
    manifest = tmp_path / "manifest.csv"  # as the portal's upload table is dumped: column names, paths
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "id_skpd", "nama_skpd", "tahun", "tanggal_upload"])
        writer.writerow(
            ["lra/10_lra_20221130-122622.xlsx", "10", "Badan Penanggulangan Bencana Daerah", 2022, ""]
        )
        writer.writerow(["lra/11_lra_20221219-171246.xlsx", "11", "Dinas Sosial", 2022, ""])
    result = runner.invoke(
        app, ["--lang", "en", "rank", str(folder), "-f", "json", "--all", "--units", str(manifest)]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [
        (u["code"], u["name"], u["budget"], u["realized"]) for u in sorted(doc["units"], key=by_code)
    ] == [
        ("10", "Badan Penanggulangan Bencana Daerah", 800_000_000, 520_000_000),
        ("11", "Dinas Sosial", 1_200_000_000, 300_000_000),
    ]
    # named by the list, no file is said to be named after itself
    assert [w for w in doc["warnings"] if w["code"] == "W-UNNAMED"] == []


def by_code(unit: dict[str, Any]) -> str:
    return str(unit["code"])


# --- 12. a template beside the data ---------------------------------------------------------------


def test_an_empty_template_sheet_beside_the_data_is_left_out_as_a_template(tmp_path: Path) -> None:
    template = recap_rows([])
    path = write_book(tmp_path / "rekap.xlsx", {"Rekap": recap_rows(UNITS_3), "Format": template})
    doc = rank_json(path)
    assert len(doc["units"]) == 3
    assert doc["total"]["budget"] == 1_250_000_000 + 980_000_000 + 420_000_000
    assert left_out(doc, "template") == {"Format": "left out (template): a header without data rows"}
    assert not left_out(doc, "derived")


def test_line_items_of_varying_depth_that_do_not_add_up_stay_leaves(tmp_path: Path) -> None:
    """A flat list where a shorter code is followed by a deeper one of another branch, the
    amounts not its sum: every line counts, none is taken for a subtotal."""
    lines = [
        ("5.1.02.01", "Belanja Barang", 100_000, 50_000),
        ("5.2.02.05.01.0001", "Belanja Modal Alat Kantor", 200_000, 80_000),
        ("5.1.02.02", "Belanja Jasa", 300_000, 120_000),
    ]
    path = write_book(tmp_path / "rincian.xlsx", {"Rincian": lra_rows(LRA, SKPD_DINKES, lines)})
    doc = rank_json(path)
    assert doc["total"]["budget"] == 100_000 + 200_000 + 300_000
    assert doc["total"]["realized"] == 50_000 + 80_000 + 120_000


def rekap_sheet(title: str, rows: Sequence[tuple[str, object, object]]) -> list[list[object]]:
    return [[title], ["TAHUN ANGGARAN 2024"], [], ["Perangkat Daerah", "Pagu", "Realisasi"], *map(list, rows)]


def test_quarter_sheets_of_one_workbook_are_snapshots_not_copies(tmp_path: Path) -> None:
    """TW1 and TW2 share the budgets; TW2, the later quarter, is a snapshot of its own."""
    units = [("Dinas A", 1_000_000, 100_000), ("Dinas B", 2_000_000, 300_000)]
    later = [("Dinas A", 1_000_000, 400_000), ("Dinas B", 2_000_000, 700_000)]
    path = write_book(
        tmp_path / "tw.xlsx",
        {"TW1": rekap_sheet("REALISASI TW I", units), "TW2": rekap_sheet("REALISASI TW II", later)},
    )
    doc = rank_json(path)
    assert not left_out(doc, "derived")
    assert doc["total"]["realized"] == 400_000 + 700_000


def test_a_legal_basis_line_does_not_date_the_data(tmp_path: Path) -> None:
    rows = rekap_sheet("REALISASI BELANJA s.d. 30 Juni 2024", [("Dinas A", 1_000_000, 400_000)])
    rows.insert(1, ["Berdasarkan Perda Nomor 10 Tahun 2023 tanggal 28 Desember 2023"])
    doc = rank_json(write_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert doc["as_of"] == "2024-06-30"


def test_a_scale_word_makes_a_dotted_amount_thousands(tmp_path: Path) -> None:
    rows = [("Dinas A", "1.500 M", "1.200 M"), ("Dinas B", "800 M", "100 M")]
    doc = rank_json(write_book(tmp_path / "rekap.xlsx", {"Rekap": rekap_sheet("REKAP", rows)}))
    assert doc["total"]["budget"] == 1_500e9 + 800e9
    assert doc["total"]["realized"] == 1_200e9 + 100e9


# --- subfolders and archives: named, not read --------------------------------------------------


def test_subfolders_and_archives_in_a_folder_are_named_and_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "Dinas Kesehatan" / "2024").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "catatan").mkdir()
    write_book(folder / "rekap.xlsx", {"Rekap": recap_rows(UNITS_3[:1])})
    # exports two levels down, one in a hidden folder, only notes in another, and a zip
    write_book(folder / "Dinas Kesehatan" / "2024" / "lra.xlsx", {"Rekap": recap_rows(UNITS_3[1:2])})
    write_book(folder / ".git" / "lra.xlsx", {"Rekap": recap_rows(UNITS_3[2:])})
    (folder / "catatan" / "rapat.txt").write_text("notulen", encoding="utf-8")
    (folder / "semua_opd.zip").write_bytes((folder / "rekap.xlsx").read_bytes())
    document = rank_json(folder)
    # only the file directly in the folder counts: Dinas Pendidikan's 812.5 of 1,250 million
    assert [u["name"] for u in document["units"]] == ["Dinas Pendidikan"]
    assert document["total"]["budget"] == 1_250_000_000
    notes = {Path(w["file"]).name: w["code"] for w in document["warnings"] if "NOT-READ" in w["code"]}
    assert notes == {"Dinas Kesehatan": "W-SUBFOLDER-NOT-READ", "semua_opd.zip": "W-ARCHIVE-NOT-READ"}


def test_a_folder_of_subfolders_is_refused_with_the_way_to_give_them(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    for name, unit in (("Dinas A", UNITS_3[0]), ("Dinas B", UNITS_3[1])):
        (folder / name).mkdir(parents=True)
        write_book(folder / name / "lra.xlsx", {"Rekap": recap_rows([unit])})
    (folder / "loop").symlink_to(folder, target_is_directory=True)  # a link back: not followed
    out = tmp_path / "peringkat.xlsx"
    result = runner.invoke(app, ["--lang", "en", "rank", str(folder), "-o", str(out)])
    assert result.exit_code == 1
    assert "exports are in 2 subfolder(s) (Dinas A, Dinas B)" in result.stderr
    assert f'realisasi rank "{folder / "Dinas A"}"' in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()
    # given as inputs, the subfolders are read: both units
    document = rank_json(folder / "Dinas A", folder / "Dinas B")
    assert sorted(u["name"] for u in document["units"]) == ["Dinas Kesehatan", "Dinas Pendidikan"]


def test_a_folder_of_archives_is_refused_with_the_advice_to_extract_them(tmp_path: Path) -> None:
    (tmp_path / "unduhan.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (tmp_path / "lama.7z").write_bytes(b"7z")
    result = runner.invoke(app, ["--lang", "en", "rank", str(tmp_path)])
    assert result.exit_code == 1
    assert "holds only archives (lama.7z, unduhan.zip)" in result.stderr
    assert "Extract the archives into this folder" in result.stderr


def test_when_nothing_at_the_top_can_be_used_the_error_names_the_subfolders(tmp_path: Path) -> None:
    (tmp_path / "lra").mkdir()
    write_book(tmp_path / "lra" / "dinas_a.xlsx", {"Rekap": recap_rows(UNITS_3[:1])})
    (tmp_path / "manifest.csv").write_text("berkas,diunggah\ndinas_a.xlsx,2024-07-01\n", encoding="utf-8")
    result = runner.invoke(app, ["--lang", "en", "rank", str(tmp_path)])
    assert result.exit_code == 1 and "none of the inputs could be used" in result.stderr
    assert f"{tmp_path / 'lra'}: not read: a subfolder of exports" in result.stderr


@pytest.mark.parametrize("june", [250_000_000, 900_000_000])
def test_cumulative_realization_lower_than_at_an_earlier_upload_is_warned_once(
    tmp_path: Path, june: int
) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    for name, title, realized in (
        ("12_lra_maret.xlsx", "periode Januari s.d Maret 2022", 300_000_000),
        ("12_lra_juni.xlsx", "periode Januari s.d Juni 2022", june),
    ):
        write_book(folder / name, {"Sheet1": toba_rows(title, "Dinas Pertanian", 2_000_000_000, realized)})
    ranked = rank_json(folder)
    assert by_name(ranked)["Dinas Pertanian"]["realized"] == june  # the latest counts all the same
    result = runner.invoke(app, ["--lang", "en", "quarters", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    expected = (
        "cumulative realization of Dinas Pertanian fell from Rp300,000,000 (31 March 2022) to "
        "Rp250,000,000 (30 June 2022)"
    )
    for doc in (ranked, json.loads(result.stdout)):
        fell = [w for w in doc["warnings"] if w["code"] == "W-CUMULATIVE-FELL"]
        if june > 300_000_000:
            assert fell == []
        else:  # said once, by the later file, whether or not the quarters are built
            assert [(Path(w["file"]).name, w["message"][: len(expected)]) for w in fell] == [
                ("12_lra_juni.xlsx", expected)
            ]


def test_a_list_with_a_row_id_beside_its_codes_takes_the_codes(tmp_path: Path) -> None:
    from realisasi_cli.facts.units import UnitEntry, read_units

    listing = tmp_path / "units.csv"
    with listing.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Kode", "Nama"])  # a database's row id first: not the unit's code
        writer.writerow(["7", "1.02.0.00.0.00.01.0000", "Dinas Kesehatan"])
    assert read_units(listing) == [UnitEntry("1.02.0.00.0.00.01.0000", "Dinas Kesehatan")]


def test_a_folder_without_realization_says_what_each_file_is_instead(tmp_path: Path) -> None:
    folder = tmp_path / "ntb"
    folder.mkdir()
    # a DPA: budgets only; a deviation report whose header waits for its rows
    xlsxwriter_book(folder / "dpa.xlsx", [["Perangkat Daerah", "Pagu"], ["Dinas A", 1000], ["Dinas B", 2000]])
    xlsxwriter_book(
        folder / "laporan.xlsx", [["LAPORAN DEVIASI"], ["No.", "Perangkat Daerah", "Pagu", "Realisasi"]]
    )
    result = runner.invoke(app, ["--lang", "en", "rank", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "none of the inputs has realization amounts:" in result.stderr
    assert "  dpa.xlsx: budget (budget amounts only (DPA), no realization)" in result.stderr
    assert "  laporan.xlsx: template (a header without data rows)" in result.stderr


def test_a_units_list_names_the_files_that_name_none_and_leaves_a_files_own_code(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    own = [["LAPORAN REALISASI s.d. 30 Juni 2024"], ["Kode SKPD", "Nama SKPD", "Pagu", "Realisasi"]]
    write_book(folder / "39_lra_20240701.xlsx", {"S": [*own, ["4.04.02.01", "Kecamatan Contoh", 1000, 400]]})
    nameless = [["LAPORAN REALISASI s.d. 30 Juni 2024"], ["Uraian", "Pagu", "Realisasi"]]
    write_book(folder / "10_lra_20240701.xlsx", {"S": [*nameless, ["Belanja Operasi", 2000, 500]]})
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,id_skpd,nama_skpd\nlra/39_lra_20240701.xlsx,39,Kecamatan Contoh\n"
        "lra/10_lra_20240701.xlsx,10,Badan Penanggulangan Bencana Daerah\n",
        encoding="utf-8",
    )
    doc = rank_json(folder, "--units", str(manifest))
    units = {u["name"]: u["code"] for u in doc["units"]}
    # the file's own code stands (the manifest's 39 is a database id); the nameless file is named
    assert units == {"Kecamatan Contoh": "4.04.02.01", "Badan Penanggulangan Bencana Daerah": "10"}


@pytest.mark.parametrize(
    ("january", "march"),
    [
        ("LRA_Dinkes_31-01-2024", "LRA_Dinkes_15-03-2024"),
        ("LRA_Dinkes_31.01.2024", "LRA_Dinkes_15.03.2024"),
        ("lra_dinkes_2024_01_31", "lra_dinkes_2024_03_15"),
        ("LRA_Dinkes_31_Januari_2024", "LRA_Dinkes_15_Maret_2024"),
    ],
)
def test_dates_in_file_names_joined_by_underscores_date_the_uploads(
    tmp_path: Path, january: str, march: str
) -> None:
    folder = tmp_path / "dinkes"
    folder.mkdir()
    unit = "SKPD : 1.02.0.00.0.00.01.0000 DINAS KESEHATAN"
    title = "LAPORAN REALISASI ANGGARAN"  # the title dates nothing: only the file names do
    lines = [("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 10_123_456_000, 812_345_678)]
    write_book(folder / f"{january}.xlsx", {"LRA": lra_rows(title, unit, lines)})
    # the March upload sorts before January's by name
    lines = [("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 10_123_456_000, 2_212_345_999)]
    write_book(folder / f"{march}.xlsx", {"LRA": lra_rows(title, unit, lines)})
    doc = rank_json(folder)
    (dinkes,) = doc["units"]
    assert dinkes["realized"] == 2_212_345_999 and dinkes["as_of"] == "2024-03-15"


def test_a_summary_that_abbreviates_beside_its_data_and_a_hidden_copy_counts_each_unit_once(
    tmp_path: Path,
) -> None:
    title = ["REALISASI BELANJA PER REKENING s.d. 30 September 2024"]
    items = [
        (
            "1.02.0.00.0.00.01.0000",
            "Dinas Kesehatan",
            "5.1.02.01.01.0024",
            "Belanja ATK",
            1_200_000_000,
            456_789_123,
        ),
        (
            "1.02.0.00.0.00.01.0000",
            "Dinas Kesehatan",
            "5.2.02.05.01.0005",
            "Belanja Laptop",
            2_500_000_000,
            300_000_500,
        ),
        (
            "1.01.0.00.0.00.01.0000",
            "Dinas Pendidikan",
            "5.1.01.01.01.0001",
            "Belanja Gaji",
            30_000_000_000,
            22_345_678_901,
        ),
        (
            "2.07.0.00.0.00.01.0000",
            "Dinas Perdagangan",
            "5.1.02.01.01.0024",
            "Belanja ATK",
            900_000_000,
            512_345_678,
        ),
    ]
    header = ["Kode SKPD", "Nama SKPD", "Kode Rekening", "Uraian", "Pagu", "Realisasi"]
    data = [title, [], header, *(list(item) for item in items)]
    # a hidden copy filtered to Dinas Kesehatan's rows
    copy = [title, [], header, *(list(item) for item in items if item[1] == "Dinas Kesehatan")]
    units: dict[str, tuple[int, int]] = {}
    for _code, name, _account, _label, budget, real in items:
        b, r = units.get(name, (0, 0))
        units[name] = (b + budget, r + real)
    short = {"Dinas Kesehatan": "Dinkes", "Dinas Pendidikan": "Disdik", "Dinas Perdagangan": "Disdag"}
    rekap: list[list[object]] = [
        ["REKAP PER SKPD s.d. 30 September 2024"],
        [],
        ["No", "SKPD", "Pagu", "Realisasi"],
    ]
    rekap += [[i, short[name], b, r] for i, (name, (b, r)) in enumerate(units.items(), start=1)]
    path = write_book(
        tmp_path / "realisasi.xlsx", {"Rekap": rekap, "Data": data, "Data (2)": copy}, hidden=["Data (2)"]
    )
    doc = rank_json(path)
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == units


def test_a_later_rekap_that_names_the_units_otherwise_is_told_by_their_budgets(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    september: list[list[object]] = [["LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"]]
    units = [
        (
            "1.03.0.00.0.00.01.0000",
            "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG",
            "",
            36_456_789_000,
            9_100_200_349,
        ),
        ("4.01.0.00.0.00.01.0000", "SEKRETARIAT DAERAH", "", 8_765_432_000, 5_432_109_876),
        ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", "", 2_000_987_000, 1_000_654_321),
    ]
    coded_uploads(folder, september, units)
    # a month later, the BPKAD's rekap: other names, the same budgets, more realized
    october = [
        ("Dinas Pekerjaan Umum & Penataan Ruang", 36_456_789_000, 15_987_654_321),
        ("Sekretariat Daerah Kabupaten Contoh", 8_765_432_000, 6_012_345_678),
        ("Dinkes", 2_000_987_000, 1_400_000_000),
    ]
    rekap: list[list[object]] = [
        ["REKAP REALISASI BELANJA PER SKPD s.d. 31 Oktober 2024"],
        [],
        ["No", "Nama SKPD", "Pagu", "Realisasi"],
    ]
    rekap += [[i, name, budget, real] for i, (name, budget, real) in enumerate(october, start=1)]
    write_book(folder / "rekap_okt.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    # each unit once, at October's figures, under its code (PUPR's names are one: & is dan)
    assert {u["code"]: (u["budget"], u["realized"], u["as_of"]) for u in doc["units"]} == {
        code: (budget, real, "2024-10-31")
        for (code, _name, _s, _b, _r), (_n, budget, real) in zip(units, october, strict=True)
    }
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-BUDGET"]
    assert Path(said["file"]).name == "rekap_okt.xlsx" and said["message"].startswith("2 unit(s)")
    assert "Dinkes → DINAS KESEHATAN" in said["message"]
    # a realization that fell since tells no unit: an earlier rekap that says more is not theirs
    rekap[0] = ["REKAP REALISASI BELANJA PER SKPD s.d. 31 Agustus 2024"]
    write_book(folder / "rekap_okt.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    assert not [w for w in doc["warnings"] if w["code"] == "W-NAMED-BY-BUDGET"]
    assert len(doc["units"]) == 5  # PUPR by its name; Setda and Dinkes apart


def test_a_unit_named_with_an_ampersand_is_the_unit_named_with_dan(tmp_path: Path) -> None:
    folder = tmp_path / "pupr"
    folder.mkdir()
    header = ["No", "Perangkat Daerah", "Pagu", "Realisasi"]
    september = [["REKAP REALISASI s.d. 30 September 2024"], [], header]
    september += [[1, "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG", 36_000_000_000, 9_000_000_000]]
    september += [[2, "DINAS SOSIAL", 4_000_000_000, 1_000_000_000]]
    october = [["REKAP REALISASI s.d. 31 Oktober 2024"], [], header]
    october += [[1, "Dinas Pekerjaan Umum & Penataan Ruang", 36_000_000_000, 16_000_000_000]]
    october += [[2, "Dinas Sosial", 4_000_000_000, 2_000_000_000]]
    write_book(folder / "rekap_sep.xlsx", {"Rekap": september})
    write_book(folder / "rekap_okt.xlsx", {"Rekap": october})
    doc = rank_json(folder)
    # one unit each, at October's figures
    assert sorted((u["budget"], u["realized"], u["as_of"]) for u in doc["units"]) == [
        (4_000_000_000, 2_000_000_000, "2024-10-31"),
        (36_000_000_000, 16_000_000_000, "2024-10-31"),
    ]


@pytest.mark.parametrize(
    "stem", ["LRA_1_02_01_2024_Des", "lra_5_01_03_2024_desember", "Realisasi_1_01_01_2024_Des"]
)
def test_a_unit_code_in_a_file_name_is_no_date(tmp_path: Path, stem: str) -> None:
    folder = tmp_path / "dinkes"
    folder.mkdir()
    unit = "SKPD : 1.02.0.00.0.00.01.0000 DINAS KESEHATAN"
    lines = [("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS", 10_000_000_000, 6_041_401_787)]
    write_book(folder / f"{stem}.xlsx", {"LRA": lra_rows("LAPORAN REALISASI ANGGARAN", unit, lines)})
    (dinkes,) = rank_json(folder)["units"]
    assert dinkes["as_of"] == "2024-12-31"  # December's end, from the month's name


def test_a_units_own_lra_of_round_figures_is_not_less_precise_than_a_rekap(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    title = "LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"
    # the BPKAD's coded rekap, first by name, and the unit's own later-sorting LRA of whole thousands
    rekap = [[title], [], ["Kode SKPD", "Nama SKPD", "Pagu", "Realisasi"]]
    rekap += [["1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", 12_000_000_000, 3_941_575_433]]
    rekap += [["1.06.0.00.0.00.01.0000", "DINAS SOSIAL", 3_000_000_000, 1_200_123_456]]
    write_book(folder / "00_rekap_bpkad.xlsx", {"Rekap": rekap})
    lines = [("5.1.01.01.01.0001", "Belanja Gaji", 9_000_000_000, 3_000_000_000)]
    lines += [("5.1.02.01.01.0024", "Belanja ATK", 2_000_000_000, 600_810_000)]
    lines += [("5.2.02.05.01.0005", "Belanja Modal Laptop", 1_000_000_000, 342_000_000)]
    upload(folder, "1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", title, lines)
    dinkes = by_name(rank_json(folder))["DINAS KESEHATAN"]
    assert dinkes["realized"] == 3_000_000_000 + 600_810_000 + 342_000_000


def test_of_two_units_that_may_be_one_unit_elsewhere_only_the_nearer_name_is_said(tmp_path: Path) -> None:
    folder = tmp_path / "kelurahan"
    rekap: list[list[object]] = [["REKAPITULASI REALISASI BELANJA KELURAHAN s.d. 31 Oktober 2024"], []]
    rekap.append(["No", "Nama SKPD", "Anggaran", "Realisasi"])
    rekap += [
        [1, "Kel. Sukamaju", 500_000_000, 210_000_000],
        [2, "Kel. Sukamaju Baru", 500_000_000, 230_000_000],
    ]
    rekap += [[3, "Kel. Cibening", 450_000_000, 180_000_000]]
    september: list[list[object]] = [["LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"]]
    # only Kelurahan Sukamaju Baru uploaded, a month before; round figures tell nothing
    coded_uploads(
        folder,
        september,
        [("7.01.0.00.0.00.02.0003", "Kelurahan Sukamaju Baru", "", 500_000_000, 200_000_000)],
    )
    write_book(folder / "rekap_okt.xlsx", {"R": rekap})
    doc = rank_json(folder)
    (maybe,) = [w for w in doc["warnings"] if w["code"] == "W-MAYBE-SAME-UNIT"]
    assert maybe["message"].startswith("1 unit(s)")
    assert "Kel. Sukamaju Baru (Kelurahan Sukamaju Baru?)" in maybe["message"]


@pytest.mark.parametrize(
    "name", ["lra revisi.xlsx", "lra_rev2.xlsx", "lra (perbaikan).xlsx", "LRA FINAL.xlsx"]
)
def test_an_upload_named_as_a_revision_is_used_over_the_others_of_its_date(tmp_path: Path, name: str) -> None:
    # first by name, or last: the revision counts
    doc = _beside_lra_of_october(tmp_path, name, dishub_realized=210_000_000)
    assert by_name(doc)["Dinas Perhubungan"]["realized"] == 210_000_000
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-SAME-DATE"]
    assert f"Dinas Perhubungan ({name}, not lra.xlsx)" in said["message"]


def test_a_later_rekap_after_a_budget_change_says_which_of_its_units_may_be_counted_twice(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    september: list[list[object]] = [["LAPORAN REALISASI ANGGARAN s.d. 30 September 2024"]]
    units = [  # (code, name, the rekap's name, September's budget, October's after the change)
        ("1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "Dinsos", 812_345_678, 950_111_222),
        (
            "4.01.0.00.0.00.01.0000",
            "SEKRETARIAT DAERAH",
            "Sekretariat Daerah Kabupaten Contoh",
            5_432_109_876,
            5_987_654_321,
        ),
        ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", "Dinas Kesehatan", 2_000_987_654, 2_000_987_654),
    ]
    for code, name, _short, budget, _later in units:
        lines = [["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]]
        lines += [["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", budget, budget // 3]]
        write_book(folder / f"{name}.xlsx", {"LRA": [*september, [f"SKPD : {code} {name}"], [], *lines]})
    rekap: list[list[object]] = [["REKAPITULASI REALISASI s.d. 31 Oktober 2024"], []]
    rekap += [["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rekap += [[i, short, later, later // 2] for i, (_c, _n, short, _b, later) in enumerate(units, start=1)]
    write_book(folder / "rekap.xlsx", {"Rekap": rekap})
    doc = rank_json(folder)
    # the budgets changed: nothing tells the units apart or together, and they are counted apart
    assert len(doc["units"]) == 5
    (maybe,) = [w for w in doc["warnings"] if w["code"] == "W-MAYBE-SAME-UNIT"]
    assert Path(maybe["file"]).name == "rekap.xlsx" and maybe["message"].startswith("2 unit(s)")
    assert "Dinsos (DINAS SOSIAL?)" in maybe["message"]
    assert "Sekretariat Daerah Kabupaten Contoh (SEKRETARIAT DAERAH?)" in maybe["message"]


def test_sheets_of_one_jenis_each_of_one_date_are_added_up_per_unit(tmp_path: Path) -> None:
    # a BPKAD workbook: the units' belanja operasi on one sheet, their belanja modal on another
    units = {
        "Dinas Kesehatan": ((700e6, 350e6), (200e6, 50e6)),
        "Dinas Sosial": ((300e6, 210e6), (50e6, 0.0)),
    }

    def sheet(part: int) -> list[list[object]]:
        rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
        rows += [["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
        rows += [[i, name, *figures[part]] for i, (name, figures) in enumerate(units.items(), start=1)]
        return rows

    path = tmp_path / "rekap_jenis.xlsx"
    write_book(path, {"Belanja Operasi": sheet(0), "Belanja Modal": sheet(1)})
    doc = rank_json(path)
    got = {u["name"]: (u["budget"], u["realized"], u["categories"]["modal"]["budget"]) for u in doc["units"]}
    assert got == {"Dinas Kesehatan": (900e6, 400e6, 200e6), "Dinas Sosial": (350e6, 210e6, 50e6)}
    assert not [w for w in doc["warnings"] if w["code"] == "W-SAME-DATE"]


@pytest.mark.parametrize(
    "name", ["lra (sebelum revisi).xlsx", "lra belum final.xlsx", "lra draft final.xlsx"]
)
def test_a_name_that_says_it_is_not_yet_revised_is_no_revision(tmp_path: Path, name: str) -> None:
    # lra.xlsx is last by name ("lra (…" and "lra b…" sort before it), and counts
    doc = _beside_lra_of_october(tmp_path, name, dishub_realized=10_000_000)
    assert by_name(doc)["Dinas Perhubungan"]["realized"] == 105_000_000


def _beside_lra_of_october(tmp_path: Path, name: str, dishub_realized: int) -> dict[str, Any]:
    """A folder of lra.xlsx and ``name``, both of 31 October, ``name`` with another realization
    of Dinas Perhubungan; ranked."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    rows = recap_rows(UNITS_3)
    rows[1] = ["Keadaan s.d. Tanggal 31 Oktober 2024"]
    other = [list(row) for row in rows]
    other[-1][3] = dishub_realized
    write_book(folder / "lra.xlsx", {"Rekap": rows})
    write_book(folder / name, {"Rekap": other})
    return rank_json(folder)
