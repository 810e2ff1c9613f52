"""What a rekap says of itself: its JUMLAH row against its rows, amounts no rule can read."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from realisasi_cli.cli import app

runner = CliRunner()


def rank_json(*inputs: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["--lang", "en", "rank", *map(str, inputs), "--format", "json", "--all"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def semicolons(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def codes(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [w for w in document["warnings"] if w["code"] == code]


def test_a_jumlah_row_that_is_not_the_sum_of_its_rows_is_named(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Nama SKPD", "Pagu", "Realisasi"], ["Dinas A", 1_000_000, 500_000]]
    rows += [["Dinas B", 2_000_000, 1_000_000], ["JUMLAH", 3_100_000, 1_500_000]]
    doc = rank_json(semicolons(tmp_path / "rekap.csv", rows))
    (warned,) = codes(doc, "W-TOTAL-ROW")  # the Pagu column only: Realisasi adds up
    assert warned["row"] == 4
    assert "3,100,000.00" in warned["message"] and "3,000,000.00" in warned["message"]
    assert doc["total"]["budget"] == 3_000_000  # the rows are used, not the JUMLAH row


def test_totals_per_group_and_a_grand_total_that_add_up_say_nothing(tmp_path: Path) -> None:
    rows: list[list[object]] = [["LAPORAN REALISASI s.d. 30 Juni 2024"], ["Nama OPD", "Pagu", "Realisasi"]]
    rows += [["JUMLAH SELURUHNYA", 600, 210]]  # a grand total above the table
    rows += [["Dinas A", 100, 10], ["Dinas B", 200, 40], ["Jumlah", 300, 50]]
    rows += [["Dinas C", 300, 160], ["Jumlah", 300, 160], ["Total", 600, 210]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"LRA": rows}))
    assert not codes(doc, "W-TOTAL-ROW")
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (600, 210)


def test_a_row_whose_amounts_no_rule_reads_is_named_not_dropped_in_silence(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Nama SKPD", "Pagu", "Realisasi"], ["Dinas A", "1,234,567.00", "617,283.50"]]
    rows += [["Dinas B", "2.000.000,00", "1.000.000,00"], [None, None, None]]
    rows += [["Kepala Bagian", "NIP. 19710928 200701 1 002", None]]  # a signature block: no amount
    doc = rank_json(semicolons(tmp_path / "dua.csv", rows))
    unread = codes(doc, "W-ROWS-UNREAD")
    assert [(w["row"], "1,234,567.00" in w["message"], "Dinas A" in w["message"]) for w in unread] == [
        (2, True, True)
    ]
    assert not codes(doc, "W-NOT-AMOUNTS")  # no cell of a counted row was taken for 0
    assert codes(doc, "W-AMOUNT-MALFORMED")[0]["row"] == 2  # 617,283.50 in an Indonesian column
    assert [u["name"] for u in doc["units"]] == ["Dinas B"]


# --- each unit's jenis belanja on the rows under it ------------------------------------------

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September"]
MONTHS += ["Oktober", "November", "Desember"]
TITLE = ["REKAPITULASI REALISASI BELANJA PERANGKAT DAERAH s.d. 30 September 2024"]
# Dinas Pendidikan 100 bn (operasi 60, modal 40), realized 50 bn (35, 15);
# Dinas Kesehatan 80 bn (operasi 50, modal 30), realized 20 bn (15, 5)
BREAKDOWN = [
    ("Dinas Pendidikan", 100e9, 50e9, [("Belanja Operasi", 60e9, 35e9), ("Belanja Modal", 40e9, 15e9)]),
    ("Dinas Kesehatan", 80e9, 20e9, [("Belanja Operasi", 50e9, 15e9), ("Belanja Modal", 30e9, 5e9)]),
]


def by_unit(doc: dict[str, Any]) -> dict[str, tuple[float, float, dict[str, tuple[float, float]]]]:
    return {
        u["name"]: (
            u["budget"],
            u["realized"],
            {k: (v["budget"], v["realized"]) for k, v in (u.get("categories") or {}).items()},
        )
        for u in doc["units"]
    }


EXPECTED = {
    "Dinas Pendidikan": (100e9, 50e9, {"operasi": (60e9, 35e9), "modal": (40e9, 15e9)}),
    "Dinas Kesehatan": (80e9, 20e9, {"operasi": (50e9, 15e9), "modal": (30e9, 5e9)}),
}


def test_jenis_rows_under_each_unit_in_the_unit_column_are_its_categories(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah / Jenis Belanja", "Pagu", "Realisasi"]]
    for number, (unit, budget, realized, parts) in enumerate(BREAKDOWN, start=1):
        rows.append([number, unit, budget, realized])
        rows += [[None, f"- {label}", b, r] for label, b, r in parts]
    rows.append([None, "JUMLAH", 180e9, 70e9])
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    # counted once, not with the jenis rows as units of their own beside the units' rows
    assert by_unit(doc) == EXPECTED
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (180e9, 70e9)
    assert not doc["warnings"]


def test_jenis_rows_as_uraian_with_the_unit_left_blank_under_the_units_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "Uraian", "Pagu", "Realisasi"]]
    for number, (unit, budget, realized, parts) in enumerate(BREAKDOWN, start=1):
        rows.append([number, unit, None, budget, realized])
        rows += [[None, None, label, b, r] for label, b, r in parts]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert by_unit(doc) == EXPECTED
    assert not doc["warnings"]  # no row without a unit: each jenis row is its unit's


def test_jenis_rows_under_unit_headings_without_amounts(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    for number, (unit, _budget, _realized, parts) in enumerate(BREAKDOWN, start=1):
        rows.append([number, unit, None, None])
        rows += [
            [None, f"{letter}. {label}", b, r] for letter, (label, b, r) in zip("ab", parts, strict=True)
        ]
    rows.append([None, "JUMLAH", 180e9, 70e9])
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert by_unit(doc) == EXPECTED
    assert not doc["warnings"]


def test_rows_under_a_units_heading_with_the_unit_left_blank_are_the_units(tmp_path: Path) -> None:
    # the unit column holds nothing on the rows with amounts: it names the headings above them
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "Uraian", "Pagu", "Realisasi"]]
    rows += [[1, "Dinas Pendidikan", None, None, None]]
    rows += [[None, None, "Program Pendidikan Dasar", 60e9, 35e9], [None, None, "Program Guru", 40e9, 15e9]]
    rows += [[2, "Dinas Kesehatan", None, None, None]]
    rows += [[None, None, "Belanja Operasi", 50e9, 15e9], [None, None, "Belanja Modal", 30e9, 5e9]]
    rows += [[], [None, "Kepala Bagian Keuangan", None, None, None], [None, "NIP. 19700101 199003 1 001"]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert by_unit(doc) == {
        "Dinas Pendidikan": (100e9, 50e9, {}),  # programs say no jenis belanja
        "Dinas Kesehatan": (80e9, 20e9, {"operasi": (50e9, 15e9), "modal": (30e9, 5e9)}),
    }
    assert not doc["warnings"]


def test_a_unit_named_on_its_first_jenis_row_keeps_every_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "Jenis Belanja", "Pagu", "Realisasi"]]
    for number, (unit, _budget, _realized, parts) in enumerate(BREAKDOWN, start=1):
        (first, b, r), *rest = parts
        rows.append([number, unit, first, b, r])
        rows += [[None, None, label, b, r] for label, b, r in rest]
    rows.append([None, "JUMLAH", None, 180e9, 70e9])
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert by_unit(doc) == EXPECTED
    assert not doc["warnings"]


def test_sub_units_named_in_their_own_column_under_a_units_heading_are_units(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "Sub Unit", "Pagu", "Realisasi"]]
    rows += [[1, "KECAMATAN", None, None, None]]  # a heading over its sub units
    rows += [[None, None, "Kecamatan Kota", 5e9, 2e9], [None, None, "Kecamatan Utara", 4e9, 1e9]]
    rows += [[None, None, "Kecamatan Selatan", 3e9, 1.5e9], [2, "Dinas Pendidikan", None, 100e9, 50e9]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == {
        "Kecamatan Kota": (5e9, 2e9),
        "Kecamatan Utara": (4e9, 1e9),
        "Kecamatan Selatan": (3e9, 1.5e9),
        "Dinas Pendidikan": (100e9, 50e9),
    }
    assert not doc["warnings"]


def test_a_units_coded_row_over_its_one_coded_sub_unit_is_counted_once(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, [], ["Kode", "Perangkat Daerah", "Sub Unit", "Anggaran", "Realisasi"]]
    rows += [["1.01.01", "Dinas Pendidikan", None, 24_000_124_656, 11_900_654_871]]  # its two sub units
    rows += [["1.01.01.01", "Dinas Pendidikan", "Dinas Pendidikan", 20_000_123_456, 10_000_654_321]]
    rows += [["1.01.01.02", "Dinas Pendidikan", "SMP Negeri 1", 4_000_001_200, 1_900_000_550]]
    rows += [["1.06.01", "Dinas Sosial", None, 8_000_333_333, 2_000_444_444]]  # its one sub unit
    rows += [["1.06.01.01", "Dinas Sosial", "Dinas Sosial", 8_000_333_333, 2_000_444_444]]
    expected = {
        "Dinas Pendidikan": (20_000_123_456, 10_000_654_321),
        "SMP Negeri 1": (4_000_001_200, 1_900_000_550),
        "Dinas Sosial": (8_000_333_333, 2_000_444_444),
    }
    doc = rank_json(openpyxl_book(tmp_path / "simda.xlsx", {"Sub Unit": rows}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == expected
    assert not doc["warnings"]
    # without codes, a row that names only its unit over rows that name their sub units
    uncoded = [rows[0], rows[1], ["No", "Perangkat Daerah", "Sub Unit", "Anggaran", "Realisasi"]]
    uncoded += [[None, *row[1:]] for row in rows[3:]]
    doc = rank_json(openpyxl_book(tmp_path / "tanpa_kode.xlsx", {"Sub Unit": uncoded}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == expected
    assert not doc["warnings"]
    # SIMDA's headers
    uncoded[2] = ["No", "Nama Unit", "Nama Sub Unit", "Anggaran", "Realisasi"]
    doc = rank_json(openpyxl_book(tmp_path / "simda_nama.xlsx", {"Sub Unit": uncoded}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == expected
    assert not doc["warnings"]


def test_a_thereof_line_that_does_not_add_up_leaves_the_units_row_counted(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
    rows += [[1, "Dinas Pendidikan", 100e9, 50e9], [None, "- Belanja Modal", 40e9, 15e9]]
    rows += [[2, "Dinas Penanaman Modal dan PTSP", 10e9, 2e9]]  # "Modal" in a unit's name
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == {
        "Dinas Pendidikan": (100e9, 50e9),
        "Dinas Penanaman Modal dan PTSP": (10e9, 2e9),
    }
    (said,) = codes(doc, "W-BREAKDOWN-APART")
    assert said["row"] == 5 and said["message"].startswith(
        "1 breakdown row(s) (jenis belanja, program, kegiatan)"
    )


EXPECTED_CATEGORIES = {name: categories for name, (_b, _r, categories) in EXPECTED.items()}


def test_jenis_rows_within_jenis_rows_under_a_unit_count_the_innermost(tmp_path: Path) -> None:
    # Dinas Pendidikan 100 bn = operasi 60 (pegawai 40 + barang 20) + modal 40, realized
    # 50 = 35 (25 + 10) + 15; Dinas Kesehatan 80 = 50 (30 + 20) + 30, realized 20 = 15 (10 + 5) + 5
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah / Jenis Belanja", "Pagu", "Realisasi"]]
    rows += [[1, "Dinas Pendidikan", 100e9, 50e9], [None, "Belanja Operasi", 60e9, 35e9]]
    rows += [[None, "  Belanja Pegawai", 40e9, 25e9], [None, "  Belanja Barang dan Jasa", 20e9, 10e9]]
    rows += [[None, "Belanja Modal", 40e9, 15e9], [2, "Dinas Kesehatan", 80e9, 20e9]]
    rows += [[None, "Belanja Operasi", 50e9, 15e9], [None, "  Belanja Pegawai", 30e9, 10e9]]
    rows += [[None, "  Belanja Barang dan Jasa", 20e9, 5e9], [None, "Belanja Modal", 30e9, 5e9]]
    rows.append([None, "JUMLAH", 180e9, 70e9])
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    units = by_unit(doc)
    assert {name: unit[:2] for name, unit in units.items()} == {
        "Dinas Pendidikan": (100e9, 50e9),
        "Dinas Kesehatan": (80e9, 20e9),
    }
    # operasi from its pegawai and barang dan jasa, its own row being their subtotal
    assert {name: unit[2] for name, unit in units.items()} == EXPECTED_CATEGORIES
    assert not doc["warnings"]
    # where the jenis within do not add up to theirs, the unit's row stands, as for a thereof line
    rows[5][2] = 21e9  # Barang dan Jasa of Dinas Pendidikan
    doc = rank_json(openpyxl_book(tmp_path / "lain.xlsx", {"Rekap": rows}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == {
        "Dinas Pendidikan": (100e9, 50e9),
        "Dinas Kesehatan": (80e9, 20e9),
    }
    assert [(w["code"], w["row"]) for w in doc["warnings"]] == [("W-BREAKDOWN-APART", 5)]


FOUR_UNITS = ["Dinas Kesehatan", "Dinas PUPR", "Dinas Pendidikan", "Dinas Sosial"]


def test_sub_jumlah_rows_and_unlabelled_group_totals_are_totals_not_units(tmp_path: Path) -> None:
    header = ["No", "Nama SKPD", "Pagu", "Realisasi"]
    # group I: 1,500 + 2,000 = 3,500 (realized 750 + 1,000); group II: 3,000 + 800 = 3,800 (900 + 200)
    groups = [
        [[1, "Dinas Pendidikan", 1_500, 750], [2, "Dinas Kesehatan", 2_000, 1_000]],
        [[3, "Dinas PUPR", 3_000, 900], [4, "Dinas Sosial", 800, 200]],
    ]
    subtotals = [[3_500, 1_750], [3_800, 1_100]]
    labelled: list[list[object]] = [TITLE, header]
    unlabelled: list[list[object]] = [TITLE, header]
    for group, (budget, realized) in zip(groups, subtotals, strict=True):
        labelled += [*group, [None, "Sub Jumlah", budget, realized]]
        unlabelled += [*group, [None, None, budget, realized]]
    labelled.append([None, "JUMLAH", 7_300, 2_850])
    for rows, name in ((labelled, "sub.xlsx"), (unlabelled, "kosong.xlsx")):
        doc = rank_json(openpyxl_book(tmp_path / name, {"Rekap": rows}))
        assert sorted(u["name"] for u in doc["units"]) == FOUR_UNITS
        assert (doc["total"]["budget"], doc["total"]["realized"]) == (7_300, 2_850)
        # each group's total equals its own rows: neither a unit nor a row without one
        assert not doc["warnings"], name


# --- group headings with their totals above their rows ------------------------------------


def test_group_headings_above_their_units_are_subtotals_named_or_not(tmp_path: Path) -> None:
    header = ["No", "Nama SKPD", "Pagu", "Realisasi"]
    # I: 1,500 + 2,000 = 3,500 (realized 750 + 1,000); II: 3,000 + 800 = 3,800 (900 + 200)
    units = [[1, "Dinas Pendidikan", 1_500, 750], [2, "Dinas Kesehatan", 2_000, 1_000]]
    others = [[3, "Dinas PUPR", 3_000, 900], [4, "Dinas Sosial", 800, 200]]
    named: list[list[object]] = [TITLE, header, ["I.", "URUSAN WAJIB PELAYANAN DASAR", 3_500, 1_750], *units]
    named += [
        ["II.", "URUSAN WAJIB NON PELAYANAN DASAR", 3_800, 1_100],
        *others,
        [None, "JUMLAH", 7_300, 2_850],
    ]
    nameless: list[list[object]] = [
        TITLE,
        header,
        ["I", None, 3_500, 1_750],
        *units,
        ["II", None, 3_800, 1_100],
    ]
    nameless += others
    for rows, name in ((named, "urusan.xlsx"), (nameless, "tanpa_nama.xlsx")):
        doc = rank_json(openpyxl_book(tmp_path / name, {"Rekap": rows}))
        assert sorted(u["name"] for u in doc["units"]) == FOUR_UNITS
        assert (doc["total"]["budget"], doc["total"]["realized"]) == (7_300, 2_850)
        assert not doc["warnings"], name


def test_a_units_lra_without_codes_counts_its_jenis_belanja_once(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN"],
        ["SKPD : DINAS PENDIDIKAN"],
        ["s.d. 30 Juni 2024"],
        ["Uraian", "Anggaran", "Realisasi"],
        ["BELANJA OPERASI", 1_200_000_000, 600_000_000],  # 800 + 400 million
        ["Belanja Pegawai", 800_000_000, 450_000_000],
        ["Belanja Barang dan Jasa", 400_000_000, 150_000_000],
        ["BELANJA MODAL", 300_000_000, 100_000_000],  # its one line
        ["Belanja Modal Peralatan dan Mesin", 300_000_000, 100_000_000],
        ["JUMLAH BELANJA", 1_500_000_000, 700_000_000],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "lra.xlsx", {"LRA": rows}))
    (unit,) = doc["units"]
    assert (unit["budget"], unit["realized"]) == (1_500_000_000, 700_000_000)
    assert unit["categories"]["modal"]["budget"] == 300_000_000
    assert unit["categories"]["modal"]["realized"] == 100_000_000
    assert not codes(doc, "W-TOTAL-ROW")


def test_a_kelompok_over_its_one_jenis_line_is_counted_once(tmp_path: Path) -> None:
    million = 1_000_000
    # the old scheme's BELANJA TIDAK LANGSUNG over its one jenis, then BELANJA LANGSUNG over programs
    rows: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN TAHUN 2024 s.d. 30 Juni 2024"],
        ["SKPD : 1.02.01 DINAS KESEHATAN"],
        [],
        ["No", "Program / Kegiatan", "Anggaran", "Realisasi"],
        ["A", "BELANJA TIDAK LANGSUNG", 5000 * million, 3600 * million],
        [None, "Belanja Pegawai", 5000 * million, 3600 * million],
        ["B", "BELANJA LANGSUNG", 3000 * million, 1900 * million],
        ["1", "PROGRAM PELAYANAN ADMINISTRASI PERKANTORAN", 1000 * million, 700 * million],
        [None, "Kegiatan Penyediaan Jasa Surat Menyurat", 400 * million, 300 * million],
        [None, "Kegiatan Penyediaan Jasa Kebersihan Kantor", 600 * million, 400 * million],
        ["2", "PROGRAM UPAYA KESEHATAN MASYARAKAT", 2000 * million, 1200 * million],
        [None, "Kegiatan Pelayanan Kesehatan Penduduk Miskin", 2000 * million, 1200 * million],
        [None, "JUMLAH", 8000 * million, 5500 * million],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "btl_bl.xlsx", {"Realisasi": rows}))
    (unit,) = doc["units"]
    # 5000 + 400 + 600 + 2000 million; realized 3600 + 300 + 400 + 1200
    assert (unit["budget"], unit["realized"]) == (8000 * million, 5500 * million)
    assert not doc["warnings"]
    # the new scheme's BELANJA OPERASI over its one jenis, Belanja Pegawai
    rows = [
        ["LAPORAN REALISASI ANGGARAN"],
        ["SKPD : DINAS PENDIDIKAN"],
        ["s.d. 30 Juni 2024"],
        ["Uraian", "Anggaran", "Realisasi"],
        ["BELANJA OPERASI", 800 * million, 450 * million],
        ["Belanja Pegawai", 800 * million, 450 * million],
        ["BELANJA MODAL", 300 * million, 100 * million],
        ["Belanja Modal Peralatan dan Mesin", 200 * million, 60 * million],
        ["Belanja Modal Gedung dan Bangunan", 100 * million, 40 * million],
        ["JUMLAH BELANJA", 1100 * million, 550 * million],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "operasi.xlsx", {"LRA": rows}))
    (unit,) = doc["units"]
    assert (unit["budget"], unit["realized"]) == (1100 * million, 550 * million)
    assert unit["categories"]["operasi"]["budget"] == 800 * million
    assert not doc["warnings"]


def test_programs_over_kegiatan_over_sub_kegiatan_count_the_sub_kegiatan(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REALISASI PER PROGRAM s.d. 30 Juni 2024"],
        ["SKPD : DINAS KOMUNIKASI DAN INFORMATIKA"],
        ["NO", "PROGRAM DAN KEGIATAN", "PAGU ANGGARAN", "REALISASI"],
        ["A", "PROGRAM PENUNJANG URUSAN", 300, 130],  # I + II
        ["I", "Kegiatan Perencanaan", 100, 40],
        ["1.1", "Sub Kegiatan Penyusunan Dokumen", 60, 30],
        ["1.2", "Sub Kegiatan Evaluasi Kinerja", 40, 10],
        ["II", "Kegiatan Administrasi Keuangan", 200, 90],
        ["2.1", "Sub Kegiatan Penyediaan Gaji", 150, 80],
        ["2.2", "Sub Kegiatan Laporan Keuangan", 50, 10],
        ["B", "PROGRAM INFORMASI PUBLIK", 500, 210],
        ["III", "Kegiatan Pengelolaan Informasi", 500, 210],
        ["3.1", "Sub Kegiatan Relasi Media", 450, 200],
        ["3.2", "Sub Kegiatan Diseminasi", 50, 10],
        ["JUMLAH", None, 800, 340],  # under No, as the row numbers are
    ]
    doc = rank_json(openpyxl_book(tmp_path / "program.xlsx", {"Program": rows}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (800, 340)
    assert not codes(doc, "W-TOTAL-ROW")


def test_a_kegiatan_over_its_one_sub_kegiatan_is_counted_once(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REALISASI PER PROGRAM s.d. 30 Juni 2024"],
        ["SKPD : DINAS KOMUNIKASI DAN INFORMATIKA"],
        ["NO", "PROGRAM DAN KEGIATAN", "PAGU ANGGARAN", "REALISASI"],
        ["A", "PROGRAM PENUNJANG URUSAN", 300, 130],  # I + II
        ["I", "Kegiatan Perencanaan", 100, 40],  # its one sub kegiatan
        ["1.1", "Sub Kegiatan Penyusunan Dokumen", 100, 40],
        ["II", "Kegiatan Administrasi Keuangan", 200, 90],
        ["2.1", "Sub Kegiatan Penyediaan Gaji", 150, 80],
        ["2.2", "Sub Kegiatan Laporan Keuangan", 50, 10],
        ["B", "PROGRAM INFORMASI PUBLIK", 100, 20],  # its one kegiatan, of two alike sub kegiatan
        ["III", "Kegiatan Pengelolaan Informasi", 100, 20],
        ["3.1", "Sub Kegiatan Relasi Media", 50, 10],
        ["3.2", "Sub Kegiatan Diseminasi", 50, 10],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "program.xlsx", {"Program": rows}))
    # 100 + 150 + 50 + 50 + 50; realized 40 + 80 + 10 + 10 + 10
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (400, 150)
    assert not doc["warnings"]
    # lines that name a level inside their label, not as their level, are lines alike
    lines: list[list[object]] = [*rows[:3], [1, "Penyusunan Program Kerja", 50, 0]]
    lines += [[2, "Koordinasi Kegiatan Sub Kegiatan", 50, 0]]
    doc = rank_json(openpyxl_book(tmp_path / "lines.xlsx", {"Program": lines}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (100, 0)
    # and so are lines that open with a level's word, where no structure follows
    lines = [*rows[:3], [1, "Program Kerja Tahunan Bidang", 25, 10]]
    lines += [[2, "Kegiatan Sosialisasi Program", 25, 10], [3, "Penyusunan Laporan", 30, 5]]
    doc = rank_json(openpyxl_book(tmp_path / "flat.xlsx", {"Program": lines}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (80, 25)


def test_numbers_that_nest_tell_a_heading_over_one_line_its_label_does_not_name(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REALISASI PER PROGRAM s.d. 30 Juni 2024"],
        ["SKPD : DINAS KOMUNIKASI DAN INFORMATIKA"],
        ["NO", "PROGRAM / KEGIATAN / SUB KEGIATAN", "PAGU ANGGARAN", "REALISASI"],
        ["A", "PROGRAM APLIKASI INFORMATIKA", 250, 100],  # its kegiatan, of one line
        ["I", "Kegiatan Pengelolaan e-Government", 250, 100],
        [],
        ["1.1", "Pengembangan Aplikasi", 250, 100],
        [],
        ["B", "PROGRAM STATISTIK", 40, 12],
        ["II", "Kegiatan Penyelenggaraan Statistik Sektoral", 40, 12],
        ["2.1", "Koordinasi Statistik", 40, 12],
        ["C", "PROGRAM PERSANDIAN", 30, 10],  # C a letter after B, not a hundred
        ["III", "Kegiatan Persandian", 30, 10],
        ["3.1", "Keamanan Informasi", 20, 6],
        ["3.2", "Sandi", 10, 4],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "program.xlsx", {"Program": rows}))
    # the sub kegiatan: 250 + 40 + 20 + 10, realized 100 + 12 + 6 + 4
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (320, 122)
    # rows numbered alike are lines alike, however equal their figures
    lines: list[list[object]] = [*rows[:3], [1, "Pengembangan Aplikasi", 25, 10]]
    lines += [[2, "Koordinasi Statistik", 25, 10], [3, "Sandi", 30, 5]]
    doc = rank_json(openpyxl_book(tmp_path / "lines.xlsx", {"Program": lines}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (80, 25)


def test_a_heading_whose_rows_do_not_add_up_gives_way_to_its_rows_and_is_said(tmp_path: Path) -> None:
    juta = 1_000_000
    rows: list[list[object]] = [
        ["REALISASI PER PROGRAM s.d. 30 Juni 2024"],
        ["SKPD : DINAS KOMUNIKASI DAN INFORMATIKA"],
        ["NO", "PROGRAM DAN KEGIATAN", "PAGU ANGGARAN", "REALISASI"],
        ["A", "PROGRAM PENUNJANG URUSAN", 300 * juta, 130 * juta],
        ["I", "Kegiatan Perencanaan", 100 * juta, 40 * juta],  # its sub kegiatan realized 20 + 19
        ["1.1", "Sub Kegiatan Penyusunan Dokumen", 60 * juta, 20 * juta],
        ["1.2", "Sub Kegiatan Evaluasi Kinerja", 40 * juta, 19 * juta],
        ["II", "Kegiatan Administrasi Keuangan", 200 * juta, 90 * juta],
        ["2.1", "Sub Kegiatan Penyediaan Gaji", 150 * juta, 80 * juta],
        ["2.2", "Sub Kegiatan Laporan Keuangan", 50 * juta, 10 * juta],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "program.xlsx", {"Program": rows}))
    # the sub kegiatan, as an account's leaves are: 60 + 40 + 150 + 50, realized 20 + 19 + 80 + 10
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (300 * juta, 129 * juta)
    said = codes(doc, "W-SUBTOTAL")
    assert [w["row"] for w in said] == [4, 5]  # the program and the kegiatan, in Realisasi
    assert "'Kegiatan Perencanaan'" in said[1]["message"] and "39,000,000.00" in said[1]["message"]


def test_units_with_the_same_figures_are_each_counted_not_one_the_others_heading(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, ["No", "Nama SKPD", "Pagu", "Realisasi"]]
    rows += [[1, "Kelurahan Sisir", 500_000_000, 0], [2, "Kelurahan Ngaglik", 500_000_000, 0]]
    rows += [
        [3, "Kelurahan Temas", 400_000_000, 100_000_000],
        [4, "Kelurahan Songgokerto", 400_000_000, 100_000_000],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "kelurahan.xlsx", {"Rekap": rows}))
    assert len(doc["units"]) == 4
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (1_800_000_000, 200_000_000)


def test_a_total_in_thousands_rounded_to_a_thousand_is_no_mismatch(tmp_path: Path) -> None:
    rows: list[list[object]] = [TITLE, ["(dalam ribuan rupiah)"], ["No", "Nama SKPD", "Pagu", "Realisasi"]]
    rows += [[1, "Dinas A", 1_250.25, 500.5], [2, "Dinas B", 2_249.5, 1_249.25]]
    rows += [[None, "JUMLAH", 3_500, 1_750]]  # 3,499.75 and 1,749.75 rounded, as the sheet shows them
    rows += [[3, None, 10, 5]]  # and a row without a unit, still said
    doc = rank_json(openpyxl_book(tmp_path / "ribuan.xlsx", {"Rekap": rows}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (3_499_750, 1_749_750)
    assert [w["code"] for w in doc["warnings"]] == ["W-SCALED", "W-ROWS-NO-UNIT"]


def test_a_dpa_of_round_budgets_keeps_a_unit_whose_budget_is_the_next_twos(tmp_path: Path) -> None:
    # pagu only: 3 bn is 1 bn + 2 bn by chance, and Dinas A is a unit, not a heading
    rows: list[list[object]] = [TITLE, ["No", "Nama SKPD", "Pagu", "Realisasi"]]
    rows += [
        [1, "Dinas A", 3_000_000_000, 0],
        [2, "Dinas B", 1_000_000_000, 0],
        [3, "Dinas C", 2_000_000_000, 0],
    ]
    rows += [[4, "Dinas D", 500_000_000, 100_000_000]]
    doc = rank_json(openpyxl_book(tmp_path / "dpa.xlsx", {"Rekap": rows}))
    assert len(doc["units"]) == 4 and doc["total"]["budget"] == 6_500_000_000
    # the same under a heading that reads as one is its subtotal
    rows[2:2] = [["I", "URUSAN WAJIB", 6_500_000_000, 100_000_000]]
    doc = rank_json(openpyxl_book(tmp_path / "urusan.xlsx", {"Rekap": rows}))
    assert len(doc["units"]) == 4 and doc["total"]["budget"] == 6_500_000_000


def test_units_that_add_up_by_chance_in_a_rekap_without_a_second_witness_are_kept(tmp_path: Path) -> None:
    # year end, all at 100 %: Kecamatan Kota is Barat + Timur in both columns, by their shares alone
    rows: list[list[object]] = [TITLE, ["No", "Nama SKPD", "Pagu", "Realisasi"]]
    rows += [
        [1, "Kecamatan Kota", 1_000_000_000, 1_000_000_000],
        [2, "Kecamatan Barat", 500_000_000, 500_000_000],
    ]
    rows += [
        [3, "Kecamatan Timur", 500_000_000, 500_000_000],
        [4, "Kecamatan Utara", 800_000_000, 700_000_000],
    ]
    doc = rank_json(openpyxl_book(tmp_path / "akhir_tahun.xlsx", {"Rekap": rows}))
    assert len(doc["units"]) == 4
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (2_800_000_000, 2_700_000_000)
    # one unit's sub kegiatan, two alike in a row: both count
    lines: list[list[object]] = [
        ["SKPD : DINAS PENDIDIKAN"],
        ["s.d. 30 Juni 2024"],
        ["Uraian", "Pagu", "Realisasi"],
    ]
    lines += [
        ["Sub Kegiatan Rapat", 50_000_000, 50_000_000],
        ["Sub Kegiatan Pelatihan", 50_000_000, 50_000_000],
    ]
    lines += [["Sub Kegiatan Sosialisasi", 80_000_000, 20_000_000]]
    doc = rank_json(openpyxl_book(tmp_path / "sub_kegiatan.xlsx", {"LRA": lines}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (180_000_000, 120_000_000)


# (name, (pagu, realisasi) of belanja operasi, of belanja modal); their sums are the unit's
JENIS_UNITS = [
    ("Dinas Pendidikan", (612_345_678_000, 301_234_567_890), (88_765_432_000, 20_111_222_333)),
    ("Dinas Kesehatan", (401_000_000_000, 210_987_654_321), (0, 0)),
    ("Dinas Sosial", (35_432_100_000, 17_000_123_456), (12_345_000_000, 6_543_210_987)),
]


def _jenis_rekap(
    tmp_path: Path, name: str, header: list[str], cells: Any, units: list[Any] = JENIS_UNITS
) -> dict[str, Any]:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA PER PERANGKAT DAERAH"],
        ["Keadaan s.d. 30 September 2024"],
        [],
        ["No", "Perangkat Daerah", *header],
    ]
    for i, (unit, operasi, modal) in enumerate(units, start=1):
        rows.append([i, unit, *cells(operasi, modal)])
    return rank_json(openpyxl_book(tmp_path / f"{name}.xlsx", {"Rekap": rows}))


@pytest.mark.parametrize(
    ("total_pagu", "total_realisasi"),
    [("Total Pagu", "Total Realisasi"), ("Jumlah Pagu", "Jumlah Realisasi"), ("Pagu", "Realisasi")],
)
def test_a_total_column_beside_its_jenis_columns_is_counted_once(
    tmp_path: Path, total_pagu: str, total_realisasi: str
) -> None:
    header = ["Pagu Belanja Operasi", "Realisasi Belanja Operasi", "Pagu Belanja Modal"]
    header += ["Realisasi Belanja Modal", total_pagu, total_realisasi]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        return [*operasi, *modal, operasi[0] + modal[0], operasi[1] + modal[1]]

    doc = _jenis_rekap(tmp_path, "jenis_total", header, cells)
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        budget, realized, categories = got[unit]
        assert (budget, realized) == (operasi[0] + modal[0], operasi[1] + modal[1])
        assert categories["modal"] == modal
    assert doc["total"]["budget"] == 612_345_678_000 + 88_765_432_000 + 401e9 + 35_432_100_000 + 12_345e6
    assert not codes(doc, "W-MEASURES-APART")


def test_a_units_pagu_and_realisasi_beside_its_modal_count_the_modal_once(tmp_path: Path) -> None:
    # Pagu | Realisasi of the whole unit, then of which belanja modal
    header = ["Pagu", "Realisasi", "Pagu Belanja Modal", "Realisasi Belanja Modal"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        return [operasi[0] + modal[0], operasi[1] + modal[1], *modal]

    got = by_unit(_jenis_rekap(tmp_path, "of_which_modal", header, cells))
    for unit, operasi, modal in JENIS_UNITS:
        budget, realized, categories = got[unit]
        assert (budget, realized) == (operasi[0] + modal[0], operasi[1] + modal[1])
        assert categories["modal"] == modal


def test_a_realization_by_jenis_beside_its_jumlah_is_counted_once(tmp_path: Path) -> None:
    header = ["Pagu Anggaran", "Realisasi Belanja Operasi", "Realisasi Belanja Modal", "Jumlah Realisasi"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        return [operasi[0] + modal[0], operasi[1], modal[1], operasi[1] + modal[1]]

    got = by_unit(_jenis_rekap(tmp_path, "realized_by_jenis", header, cells))
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])


def test_a_realization_by_source_of_funds_is_read_from_its_jumlah(tmp_path: Path) -> None:
    header = ["Pagu", "Realisasi DAU", "Realisasi DAK", "Realisasi PAD", "Jumlah Realisasi"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        realized = operasi[1] + modal[1]
        dau, dak = realized // 2, realized // 3
        return [operasi[0] + modal[0], dau, dak, realized - dau - dak, realized]

    doc = _jenis_rekap(tmp_path, "sumber_dana", header, cells)
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])
    assert not codes(doc, "W-MEASURES-APART")


def test_a_column_of_no_jenis_below_the_jenis_beside_it_is_counted_beside_them(tmp_path: Path) -> None:
    # "Pagu | Realisasi" here is the rest of the unit's spending, smaller than its modal in a row
    header = ["Pagu Belanja Modal", "Realisasi Belanja Modal", "Pagu", "Realisasi"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        return [*modal, *operasi]

    units = [*JENIS_UNITS, ("Dinas Perhubungan", (1_000_000_000, 400_000_000), (9_000_000_000, 100_000_000))]
    got = by_unit(_jenis_rekap(tmp_path, "rest", header, cells, units))
    for unit, operasi, modal in units:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])


def test_an_skpds_row_over_its_sipd_sub_units_is_their_subtotal(tmp_path: Path) -> None:
    # SIPD: the SKPD 1.02.….0000 and, right under it, its sub units .0001 and .0002, each at the
    # SKPD's share (so the figures alone do not tell a heading); the codes do
    rows: list[list[object]] = [TITLE, [], ["Kode", "SKPD / Unit SKPD", "Anggaran", "Realisasi"]]
    rows += [["1.01.2.22.0.00.01.0000", "DINAS PENDIDIKAN", 76_314_508_000, 24_296_609_049]]
    rows += [["1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", 142_000_000_000, 85_200_000_000]]
    rows += [["1.02.0.00.0.00.01.0001", "   RSUD dr. Soedirman", 64_000_000_000, 38_400_000_000]]
    rows += [["1.02.0.00.0.00.01.0002", "   UPT Puskesmas Sukamaju", 78_000_000_000, 46_800_000_000]]
    rows += [["1.03.0.00.0.00.01.0000", "DINAS PEKERJAAN UMUM", 99_477_504_000, 66_054_573_366]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert doc["total"]["budget"] == 76_314_508_000 + 142_000_000_000 + 99_477_504_000
    assert doc["total"]["realized"] == 24_296_609_049 + 85_200_000_000 + 66_054_573_366
    assert "DINAS KESEHATAN" not in by_unit(doc)  # ranked by its sub units, as a Sub Unit column's
    # an SKPD's row of its own figures beside its sub units' is counted with them
    rows[4][2:] = [20_000_000_000, 9_000_000_000]
    doc = rank_json(openpyxl_book(tmp_path / "own.xlsx", {"Rekap": rows}))
    assert doc["total"]["budget"] == 76_314_508_000 + 20e9 + 64e9 + 78e9 + 99_477_504_000


def test_a_units_name_broken_over_two_rows_is_one_name(tmp_path: Path) -> None:
    # a rekap converted from a PDF: the rest of a long name on the next row, alone
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "Pagu", "Realisasi", "%"]]
    rows += [[1, "DINAS PENDIDIKAN DAN", 126_692_649_000, 47_688_742_230, 37.64], [None, "KEBUDAYAAN"]]
    rows += [[2, "DINAS KESEHATAN", 184_101_236_000, 63_058_124_672, 34.25]]
    rows += [[3, "DINAS PEKERJAAN UMUM DAN", 172_284_830_000, 103_054_584_709, 59.82]]
    rows += [[None, "PENATAAN RUANG"], [4, "SEKRETARIAT DAERAH", 120_257_451_000, 50_210_187_616, 41.75]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == {
        "DINAS PENDIDIKAN DAN KEBUDAYAAN": (126_692_649_000, 47_688_742_230),
        "DINAS KESEHATAN": (184_101_236_000, 63_058_124_672),
        "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG": (172_284_830_000, 103_054_584_709),
        "SEKRETARIAT DAERAH": (120_257_451_000, 50_210_187_616),
    }


def test_two_tables_side_by_side_are_both_read(tmp_path: Path) -> None:
    # a page laid out to print: units 1–3 in A:D, 4–6 in F:I, under one title
    units = [
        ("Dinas Pendidikan", 126_692_649_000, 47_688_742_230),
        ("Dinas Kesehatan", 184_101_236_000, 63_058_124_672),
        ("Dinas Sosial", 35_432_100_000, 17_000_123_456),
        ("Dinas Perhubungan", 107_834_543_000, 55_981_353_913),
        ("Sekretariat Daerah", 120_257_451_000, 50_210_187_616),
        ("Inspektorat", 9_876_543_000, 4_321_098_765),
    ]
    header = ["No", "Perangkat Daerah", "Pagu", "Realisasi"]
    rows: list[list[object]] = [TITLE, [], [*header, None, *header]]
    for i in range(3):
        rows.append([i + 1, *units[i], None, i + 4, *units[i + 3]])
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == {n: (b, r) for n, b, r in units}
    (said,) = codes(doc, "W-SIDE-BY-SIDE")
    assert "F–I" in said["message"] and "A–D" in said["message"]


def test_a_kelompok_beside_belanja_modal_is_no_total_of_it(tmp_path: Path) -> None:
    # BELANJA TIDAK LANGSUNG | BELANJA MODAL, each over Pagu | Realisasi: two parts, added up
    rows: list[list[object]] = [TITLE, [], ["No", "Perangkat Daerah", "BELANJA TIDAK LANGSUNG", None]]
    rows[2] += ["BELANJA MODAL", None]
    rows += [[None, None, "Pagu", "Realisasi", "Pagu", "Realisasi"]]
    rows += [
        [1, "Dinas Pendidikan", 300e9, 200e9, 40e9, 15e9],
        [2, "Dinas Kesehatan", 250e9, 150e9, 30e9, 10e9],
    ]
    merges = {"Rekap": ["C3:D3", "E3:F3"]}
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}, merges))
    assert {name: unit[:2] for name, unit in by_unit(doc).items()} == {
        "Dinas Pendidikan": (340e9, 215e9),
        "Dinas Kesehatan": (280e9, 160e9),
    }


def test_months_to_date_not_filled_in_yet_are_zeros_or_dashes(tmp_path: Path) -> None:
    header = ["No", "Perangkat Daerah", "Pagu Anggaran", *[f"Realisasi s.d. {m}" for m in MONTHS]]
    rows: list[list[object]] = [["PERKEMBANGAN REALISASI BELANJA TAHUN ANGGARAN 2024"], [], header]
    rows.append([1, "Dinas Kesehatan", 900_000_000, *[37_000_000 * m for m in range(1, 9)], 0, 0, "-", "-"])
    doc = rank_json(openpyxl_book(tmp_path / "r.xlsx", {"S": rows}))
    (unit,) = doc["units"]
    assert (unit["realized"], unit["as_of"]) == (296_000_000, "2024-08-31")


@pytest.mark.parametrize("non_modal", ["Belanja Non Modal", "Belanja Non-Modal", "Selain Belanja Modal"])
def test_columns_of_the_spending_but_modal_are_counted_with_it(tmp_path: Path, non_modal: str) -> None:
    header = [f"Pagu {non_modal}", "Pagu Belanja Modal", f"Realisasi {non_modal}", "Realisasi Belanja Modal"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        return [operasi[0], modal[0], operasi[1], modal[1]]

    doc = _jenis_rekap(tmp_path, "non_modal", header, cells)
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        budget, realized, categories = got[unit]
        assert (budget, realized) == (operasi[0] + modal[0], operasi[1] + modal[1])
        assert categories["modal"] == modal
    assert not codes(doc, "W-MEASURES-APART")


def test_a_non_modal_row_over_its_jenis_is_their_subtotal(tmp_path: Path) -> None:
    m = 1_000_000
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    rows += [["No", "Perangkat Daerah / Jenis Belanja", "Pagu", "Realisasi"]]
    rows += [[1, "Dinas Pendidikan", 1000 * m, 550 * m], [None, "Belanja Non Modal", 800 * m, 500 * m]]
    rows += [[None, "Belanja Pegawai", 500 * m, 400 * m], [None, "Belanja Barang dan Jasa", 300 * m, 100 * m]]
    rows += [[None, "Belanja Modal", 200 * m, 50 * m], [2, "Dinas Kesehatan", 1000 * m, 400 * m]]
    rows += [[None, "Belanja Non Modal", 600 * m, 300 * m], [None, "Belanja Pegawai", 400 * m, 200 * m]]
    rows += [[None, "Belanja Barang dan Jasa", 200 * m, 100 * m], [None, "Belanja Modal", 400 * m, 100 * m]]
    doc = rank_json(openpyxl_book(tmp_path / "rows.xlsx", {"Rekap": rows}))
    got = by_unit(doc)
    assert got["Dinas Pendidikan"][:2] == (1000 * m, 550 * m)
    assert got["Dinas Kesehatan"][:2] == (1000 * m, 400 * m)
    assert got["Dinas Kesehatan"][2]["modal"] == (400 * m, 100 * m)


# (name, pagu, realisasi): the units of a rekap grouped by urusan and unsur (Permendagri 90)
GROUPED_UNITS = [
    ("DINAS PENDIDIKAN", 250_123_456_000, 160_234_567_890),
    ("DINAS KESEHATAN", 180_456_789_000, 120_567_891_234),
    ("DINAS TENAGA KERJA", 12_345_678_000, 8_123_456_789),
    ("SEKRETARIAT DAERAH", 75_432_100_000, 50_250_750_125),
    ("INSPEKTORAT DAERAH", 8_765_432_000, 5_432_100_000),
    ("BADAN KESATUAN BANGSA DAN POLITIK", 4_321_000_000, 2_100_000_000),
]
GROUPS = [
    ("URUSAN PEMERINTAHAN WAJIB YANG BERKAITAN DENGAN PELAYANAN DASAR", GROUPED_UNITS[0:2]),
    ("URUSAN PEMERINTAHAN WAJIB YANG TIDAK BERKAITAN DENGAN PELAYANAN DASAR", GROUPED_UNITS[2:3]),
    ("UNSUR PENDUKUNG URUSAN PEMERINTAHAN", GROUPED_UNITS[3:4]),
    ("UNSUR PENGAWASAN URUSAN PEMERINTAHAN", GROUPED_UNITS[4:5]),
    ("UNSUR PEMERINTAHAN UMUM", GROUPED_UNITS[5:6]),
]
GROUPED_BUDGET = (
    250_123_456_000 + 180_456_789_000 + 12_345_678_000 + 75_432_100_000 + 8_765_432_000 + 4_321_000_000
)
GROUPED_REALIZED = (
    160_234_567_890 + 120_567_891_234 + 8_123_456_789 + 50_250_750_125 + 5_432_100_000 + 2_100_000_000
)


def _group_sum(units: list[tuple[str, int, int]]) -> tuple[int, int]:
    return sum(u[1] for u in units), sum(u[2] for u in units)


def test_unsur_headings_over_one_unit_each_are_their_subtotals(tmp_path: Path) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI ANGGARAN BELANJA DAERAH s.d. 30 September 2024"], []]
    rows.append(["No", "Urusan / Perangkat Daerah", "Anggaran", "Realisasi"])
    number = 0
    for heading, units in GROUPS:
        rows.append([None, heading, *_group_sum(units)])
        for name, budget, realized in units:
            number += 1
            rows.append([number, name, budget, realized])
    doc = rank_json(openpyxl_book(tmp_path / "unsur.xlsx", {"Rekap": rows}))
    assert sorted(u["name"] for u in doc["units"]) == sorted(u[0] for u in GROUPED_UNITS)
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (GROUPED_BUDGET, GROUPED_REALIZED)


def test_belanja_daerah_over_numbered_groups_is_the_total(tmp_path: Path) -> None:
    # the whole at the top, its label merged over No and name; groups numbered I., II. in the label
    rows: list[list[object]] = [["REKAPITULASI REALISASI ANGGARAN BELANJA DAERAH s.d. 30 September 2024"], []]
    rows.append(["No", "Urusan / Perangkat Daerah", "Anggaran", "Realisasi"])
    rows.append(["BELANJA DAERAH", None, GROUPED_BUDGET, GROUPED_REALIZED])
    merges = ["A4:B4"]
    for roman, (heading, units) in zip(["I", "II", "III", "IV", "V"], GROUPS, strict=True):
        rows.append([f"{roman}. {heading}", None, *_group_sum(units)])
        merges.append(f"A{len(rows)}:B{len(rows)}")
        for letter, (name, budget, realized) in zip("abc", units, strict=False):
            rows.append([f"{letter}.", name, budget, realized])
    doc = rank_json(openpyxl_book(tmp_path / "top.xlsx", {"Rekap": rows}, {"Rekap": merges}))
    assert sorted(u["name"] for u in doc["units"]) == sorted(u[0] for u in GROUPED_UNITS)
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (GROUPED_BUDGET, GROUPED_REALIZED)


def test_units_numbered_in_an_uraian_column_are_named_without_their_number(tmp_path: Path) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI ANGGARAN BELANJA DAERAH s.d. 30 September 2024"], []]
    rows.append(["Uraian", "Anggaran", "Realisasi"])
    number = 0
    for letter, (heading, units) in zip("ABCDE", GROUPS, strict=True):
        rows.append([f"{letter}. {heading}", *_group_sum(units)])
        for name, budget, realized in units:
            number += 1
            rows.append([f"{number}. {name}", budget, realized])
    rows.append(["JUMLAH", GROUPED_BUDGET, GROUPED_REALIZED])
    doc = rank_json(openpyxl_book(tmp_path / "uraian.xlsx", {"Rekap": rows}))
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        name: (budget, realized) for name, budget, realized in GROUPED_UNITS
    }
    assert not codes(doc, "W-TOTAL-ROW")


@pytest.mark.parametrize(
    "previous", ["Realisasi s.d. Bulan Lalu", "Realisasi Bulan Lalu", "Realisasi Yang Lalu"]
)
def test_the_realization_before_and_this_months_without_their_sum_are_added(
    tmp_path: Path, previous: str
) -> None:
    header = ["Pagu", previous, "Realisasi Bulan Ini"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        realized = operasi[1] + modal[1]
        return [operasi[0] + modal[0], realized - realized // 7, realized // 7]

    doc = _jenis_rekap(tmp_path, "lalu_ini", header, cells)
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])
    assert not codes(doc, "W-MEASURES-APART") and not codes(doc, "W-NOT-YEAR-TO-DATE")


def test_realizations_to_date_month_by_month_under_one_header_read_the_latest(tmp_path: Path) -> None:
    # REALISASI KUMULATIF merged over Januari … April: each month's column runs from January
    rows: list[list[object]] = [["PERKEMBANGAN REALISASI KUMULATIF PER BULAN"], ["TAHUN ANGGARAN 2024"], []]
    rows += [["No", "Perangkat Daerah", "Pagu", "REALISASI KUMULATIF", None, None, None]]
    rows += [[None, None, None, "Januari", "Februari", "Maret", "April"]]
    rows += [[1, "Dinas Kesehatan", 900_000, 20_000, 70_000, 150_000, 210_000]]
    rows += [[2, "Dinas Sosial", 600_000, 0, 30_000, 45_000, 90_000]]
    merges = ["A4:A5", "B4:B5", "C4:C5", "D4:G4"]
    doc = rank_json(openpyxl_book(tmp_path / "kumulatif.xlsx", {"Rekap": rows}, {"Rekap": merges}))
    assert {u["name"]: u["realized"] for u in doc["units"]} == {
        "Dinas Kesehatan": 210_000,
        "Dinas Sosial": 90_000,
    }
    assert doc["as_of"] == "2024-04-30"


@pytest.mark.parametrize("grouped", [True, False])
def test_a_realization_by_source_of_funds_without_a_jumlah_is_added_up(tmp_path: Path, grouped: bool) -> None:
    # REALISASI BERDASARKAN SUMBER DANA over DAU | DAK | PAD, or Realisasi DAU | … side by side
    sources = ["DAU", "DAK Fisik", "PAD"]
    header = ["Pagu", *(sources if grouped else [f"Realisasi {s}" for s in sources])]
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    if grouped:  # No, Perangkat Daerah and Pagu merged over both rows of the header
        rows.append(["No", "Perangkat Daerah", "Pagu", "Realisasi Berdasarkan Sumber Dana", None, None])
    rows.append(["No", "Perangkat Daerah", *header])
    for i, (unit, operasi, modal) in enumerate(JENIS_UNITS, start=1):
        realized = operasi[1] + modal[1]
        dau, dak = realized // 2, realized // 5
        rows.append([i, unit, operasi[0] + modal[0], dau, dak, realized - dau - dak])
    merges = {"Rekap": ["A3:A4", "B3:B4", "C3:C4", "D3:F3"]} if grouped else None
    doc = rank_json(openpyxl_book(tmp_path / "sumber_dana.xlsx", {"Rekap": rows}, merges))
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])
    assert not codes(doc, "W-MEASURES-APART")


def test_a_realization_net_of_its_refunds_is_read_beside_the_gross(tmp_path: Path) -> None:
    header = ["Pagu", "Realisasi SP2D", "Pengembalian Belanja", "Realisasi Netto"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        realized = operasi[1] + modal[1]
        return [operasi[0] + modal[0], realized + 1_250_000, 1_250_000, realized]

    doc = _jenis_rekap(tmp_path, "netto", header, cells)
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])
    assert not codes(doc, "W-MEASURES-APART")


def test_a_register_of_sp2d_by_day_is_not_taken_for_a_part_of_the_year(tmp_path: Path) -> None:
    import datetime

    rows: list[list[object]] = [["REGISTER SP2D"], ["TAHUN ANGGARAN 2024"], []]
    rows += [["No", "Nomor SP2D", "Tanggal SP2D", "SKPD", "Nilai SP2D"]]  # the SP2D's number: no amount
    paid = [("Dinas Kesehatan", 2, 400_000), ("Dinas Kesehatan", 5, 300_000), ("Dinas Sosial", 3, 90_000)]
    for i, (unit, month, amount) in enumerate(paid, start=1):
        rows.append([i, f"{i:05d}/SP2D/LS/2024", datetime.date(2024, month, 15), unit, amount])
    openpyxl_book(tmp_path / "register_sp2d_sep_2024.xlsx", {"Register": rows})
    dpa = [["No", "Nama SKPD", "Pagu DPA"], [1, "Dinas Kesehatan", 2_000_000], [2, "Dinas Sosial", 900_000]]
    openpyxl_book(tmp_path / "dpa_2024.xlsx", {"DPA": dpa})
    doc = rank_json(tmp_path)
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas Kesehatan": (2_000_000, 700_000),
        "Dinas Sosial": (900_000, 90_000),
    }
    assert not codes(doc, "W-NOT-YEAR-TO-DATE")


def test_a_note_under_the_table_says_the_amounts_are_in_thousands(tmp_path: Path) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    rows += [
        ["No", "Perangkat Daerah", "Pagu", "Realisasi"],
        [1, "Dinas Kesehatan", 180_456_789, 120_567_891],
    ]
    rows += [[2, "Dinas Sosial", 35_432_100, 17_000_123], [], ["Ket: angka dalam ribuan rupiah"]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas Kesehatan": (180_456_789_000, 120_567_891_000),
        "Dinas Sosial": (35_432_100_000, 17_000_123_000),
    }
    assert codes(doc, "W-SCALED")


def test_a_realization_in_percent_beside_a_budget_in_rupiah_is_not_read_as_rupiah(tmp_path: Path) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    rows += [["No", "Perangkat Daerah", "Pagu", "Realisasi Keuangan"]]
    rows += [[1, "Dinas Kesehatan", 180_456_789_000, 64.06], [2, "Dinas Sosial", 35_432_100_000, 47.5]]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    result = runner.invoke(app, ["--lang", "en", "rank", str(path), "--format", "json"])
    assert result.exit_code == 1 and "E-MISSING-COLUMN" in result.stderr
    # small figures beside small budgets are amounts: a rekap in millions of rupiah
    rows[3:] = [[1, "Dinas Kesehatan", 180_456, 64], [2, "Dinas Sosial", 35_432, 47]]
    doc = rank_json(openpyxl_book(tmp_path / "juta.xlsx", {"Rekap": rows}))
    assert doc["total"]["realized"] == 111


@pytest.mark.parametrize("with_total", [False, True])
def test_a_jenis_column_beside_the_jenis_within_it_is_counted_once(tmp_path: Path, with_total: bool) -> None:
    # Belanja Operasi | of it Belanja Pegawai | Belanja Modal (| Jumlah): operasi holds pegawai
    header = ["Pagu Belanja Operasi", "Pagu Belanja Pegawai", "Pagu Belanja Modal"]
    header += ["Realisasi Belanja Operasi", "Realisasi Belanja Pegawai", "Realisasi Belanja Modal"]
    header += ["Total Pagu", "Total Realisasi"] if with_total else []

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        pegawai = (operasi[0] // 2, operasi[1] // 2)
        row: list[object] = [operasi[0], pegawai[0], modal[0], operasi[1], pegawai[1], modal[1]]
        return row + ([operasi[0] + modal[0], operasi[1] + modal[1]] if with_total else [])

    doc = _jenis_rekap(tmp_path, "operasi_pegawai", header, cells)
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        budget, realized, categories = got[unit]
        assert (budget, realized) == (operasi[0] + modal[0], operasi[1] + modal[1])
        assert categories["modal"] == modal
        assert categories["operasi"] == operasi


def test_a_budget_by_source_of_funds_is_added_up_as_its_realization_is(tmp_path: Path) -> None:
    header = ["Pagu DAU", "Pagu DAK", "Pagu PAD", "Realisasi DAU", "Realisasi DAK", "Realisasi PAD"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        budget, realized = operasi[0] + modal[0], operasi[1] + modal[1]
        return [budget // 2, budget // 4, budget - budget // 2 - budget // 4, realized // 2, realized // 4,
                realized - realized // 2 - realized // 4]  # fmt: skip

    doc = _jenis_rekap(tmp_path, "pagu_sumber_dana", header, cells)
    got = by_unit(doc)
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])
    assert not codes(doc, "W-MEASURES-APART")


def test_a_realization_net_of_the_taxes_withheld_gives_way_to_the_gross(tmp_path: Path) -> None:
    header = ["Pagu", "Realisasi Bruto", "Potongan Pajak", "Realisasi Netto"]

    def cells(operasi: tuple[int, int], modal: tuple[int, int]) -> list[object]:
        realized = operasi[1] + modal[1]
        return [operasi[0] + modal[0], realized, realized // 10, realized - realized // 10]

    got = by_unit(_jenis_rekap(tmp_path, "pajak", header, cells))
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])


@pytest.mark.parametrize(
    ("header", "note"),
    [
        ("Pagu", "Grafik Realisasi per Kecamatan (dalam ribuan rupiah)"),  # a chart's caption
        ("Pagu (Rp)", "*) Paket konstruksi dalam juta rupiah pada lampiran"),  # the header says rupiah
    ],
)
def test_a_line_under_the_table_that_is_no_note_of_its_unit_scales_nothing(
    tmp_path: Path, header: str, note: str
) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    rows += [["No", "Kecamatan", header, "Realisasi"], [1, "Kecamatan Kota", 900_000_000, 450_000_000]]
    rows += [[2, "Kecamatan Desa", 600_000_000, 120_000_000], [], [note]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (1_500_000_000, 570_000_000)
    assert not codes(doc, "W-SCALED")


def test_small_realizations_in_thousands_or_in_whole_rupiah_are_amounts(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA s.d. 31 Januari 2024"],
        ["(dalam ribuan rupiah)"],
    ]
    rows += [["No", "Perangkat Daerah", "Pagu", "Realisasi"], [1, "Dinas Kesehatan", 180_456_789, 125.5]]
    rows += [[2, "Dinas Sosial", 35_432_100, 98.25]]
    doc = rank_json(openpyxl_book(tmp_path / "ribuan.xlsx", {"Rekap": rows}))
    assert doc["total"]["realized"] == 223_750
    rows[1:2] = [[]]  # no scale said, figures without decimals: rupiah (a first small payment)
    rows[3:] = [[1, "Dinas Kesehatan", 900_000_000, 120], [2, "Dinas Sosial", 1_200_000_000, 75]]
    doc = rank_json(openpyxl_book(tmp_path / "rupiah.xlsx", {"Rekap": rows}))
    assert doc["total"]["realized"] == 195


def test_a_file_named_after_its_unit_lists_that_units_parts_not_units(tmp_path: Path) -> None:
    m = 1_000_000
    rows: list[list[object]] = [["LAPORAN REALISASI ANGGARAN PER SUB UNIT"], ["s.d. 30 September 2024"], []]
    rows += [["Uraian", "Anggaran", "Realisasi"], ["1. Sekretariat", 400 * m, 300 * m]]
    rows += [["2. UPT Puskesmas Kota", 300 * m, 150 * m], ["3. UPT Puskesmas Desa", 300 * m, 150 * m]]
    rows += [["JUMLAH", 1000 * m, 600 * m]]
    openpyxl_book(tmp_path / "Dinas Kesehatan.xlsx", {"LRA": rows})
    doc = rank_json(tmp_path / "Dinas Kesehatan.xlsx")
    assert [(u["name"], u["budget"], u["realized"]) for u in doc["units"]] == [
        ("Dinas Kesehatan", 1000 * m, 600 * m)
    ]


def test_a_register_of_one_quarters_payments_is_said_to_be_no_year_to_date(tmp_path: Path) -> None:
    import datetime

    rows: list[list[object]] = [["REGISTER SP2D"], ["TAHUN ANGGARAN 2024"], []]
    rows += [["No", "Tanggal SP2D", "SKPD", "Nilai SP2D"]]
    rows += [
        [1, datetime.date(2024, 7, 2), "Dinas Kesehatan", 400_000],
        [2, datetime.date(2024, 9, 3), "Dinas Kesehatan", 200_000],
    ]
    openpyxl_book(tmp_path / "register_sp2d_sep_2024.xlsx", {"Register": rows})
    openpyxl_book(
        tmp_path / "dpa_2024.xlsx",
        {"DPA": [["No", "Nama SKPD", "Pagu DPA"], [1, "Dinas Kesehatan", 2_000_000]]},
    )
    (warned,) = codes(rank_json(tmp_path), "W-NOT-YEAR-TO-DATE")
    assert "covers 2 July 2024 to" in warned["message"]


def test_a_unit_whose_name_opens_with_unsur_in_a_flat_list_is_a_unit(tmp_path: Path) -> None:
    m = 1_000_000
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    rows += [["No", "Perangkat Daerah", "Pagu", "Realisasi"], [1, "Sekretariat DPRD", 1000 * m, 600 * m]]
    rows += [[2, "Unsur Pelaksana BPBD", 500 * m, 200 * m], [3, "Dinas Sosial", 400 * m, 100 * m]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (1900 * m, 900 * m)
    assert len(doc["units"]) == 3


def test_belanja_daerah_over_its_jenis_rows_is_their_heading_not_a_total(tmp_path: Path) -> None:
    m = 1_000_000
    rows: list[list[object]] = [["LAPORAN REALISASI ANGGARAN"], ["s.d. 30 September 2024"], []]
    rows += [["Uraian", "Anggaran", "Realisasi"], ["BELANJA DAERAH", 1000 * m, 600 * m]]
    rows += [["BELANJA OPERASI", 800 * m, 520 * m], ["BELANJA MODAL", 200 * m, 80 * m]]
    doc = rank_json(openpyxl_book(tmp_path / "Dinas Kesehatan.xlsx", {"LRA": rows}))
    assert [(u["name"], u["budget"], u["realized"]) for u in doc["units"]] == [
        ("Dinas Kesehatan", 1000 * m, 600 * m)
    ]
    assert not codes(doc, "W-TOTAL-ROW")


def test_dak_fisik_beside_keuangan_under_realisasi_is_progress_not_rupiah(tmp_path: Path) -> None:
    m = 1_000_000
    rows: list[list[object]] = [["REKAPITULASI REALISASI DAK s.d. 30 September 2024"], []]
    rows += [["No", "Perangkat Daerah", "Pagu Murni", "Pagu Perubahan", "REALISASI", None]]
    rows += [[None, None, None, None, "DAK Fisik", "Keuangan"]]
    rows += [
        [1, "Dinas Pendidikan", 900 * m, 1000 * m, 70, 600 * m],
        [2, "Dinas Kesehatan", 500 * m, 500 * m, 40, 150 * m],
    ]
    merges = {"Rekap": ["A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3"]}
    doc = rank_json(openpyxl_book(tmp_path / "dak.xlsx", {"Rekap": rows}, merges))
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas Pendidikan": (1000 * m, 600 * m),
        "Dinas Kesehatan": (500 * m, 150 * m),
    }


@pytest.mark.parametrize("number_column", [False, True])
def test_rows_lettered_under_numbered_units_that_the_jumlah_leaves_out_are_their_parts(
    tmp_path: Path, number_column: bool
) -> None:
    # a unit's row holds its own office and its UPTs; JUMLAH is the sum of the units' rows alone
    m = 1_000_000
    lines = [
        ("1", "Dinas Pendidikan", 1000, 600),
        ("a", "UPT SD Negeri 1", 300, 200),
        ("b", "UPT SD Negeri 2", 200, 100),
    ]
    lines += [
        ("2", "Dinas Kesehatan", 800, 400),
        ("a", "Puskesmas Kota", 300, 150),
        ("3", "Dinas Sosial", 500, 100),
    ]
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    if number_column:  # the units numbered in a No column, their parts lettered in the label
        rows.append(["No", "Uraian", "Anggaran", "Realisasi"])
        rows += [
            [n if n.isdigit() else None, name if n.isdigit() else f"{n}. {name}", b * m, r * m]
            for n, name, b, r in lines
        ]
        rows.append(["JUMLAH", None, 2300 * m, 1100 * m])
    else:
        rows.append(["Uraian", "Anggaran", "Realisasi"])
        rows += [[f"{n}. {name}", b * m, r * m] for n, name, b, r in lines]
        rows.append(["JUMLAH", 2300 * m, 1100 * m])
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas Pendidikan": (1000 * m, 600 * m),
        "Dinas Kesehatan": (800 * m, 400 * m),
        "Dinas Sosial": (500 * m, 100 * m),
    }
    (warned,) = codes(doc, "W-PARTS-WITHIN")
    assert "3 row(s)" in warned["message"]
    assert not codes(doc, "W-TOTAL-ROW")


def test_a_rekap_of_opd_in_a_file_named_after_the_office_that_issued_it_ranks_them(tmp_path: Path) -> None:
    m = 1_000_000
    rows: list[list[object]] = [["REKAPITULASI REALISASI ANGGARAN OPD S.D. 30 SEPTEMBER 2024"], []]
    rows += [["No", "Uraian", "Pagu", "Realisasi"], [1, "Dinas Pendidikan", 900 * m, 500 * m]]
    rows += [[2, "Dinas Kesehatan", 700 * m, 400 * m], [3, "Badan Kepegawaian Daerah", 100 * m, 60 * m]]
    rows += [["JUMLAH", None, 1700 * m, 960 * m]]
    doc = rank_json(openpyxl_book(tmp_path / "BPKAD Rekap Realisasi OPD.xlsx", {"Rekap": rows}))
    assert sorted(u["name"] for u in doc["units"]) == [
        "Badan Kepegawaian Daerah",
        "Dinas Kesehatan",
        "Dinas Pendidikan",
    ]
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (1700 * m, 960 * m)


@pytest.mark.parametrize(
    ("header", "file"),
    [
        ("Kecamatan", "rekap.xlsx"),
        ("Nama Kelurahan", "rekap.xlsx"),
        ("Nama Sekolah", "rekap.xlsx"),
        ("Kecamatan", "Kecamatan.xlsx"),  # a file named for the kind of unit it lists
        ("Puskesmas", "Dinas Kesehatan - Puskesmas.xlsx"),  # the office's places, named by the header
    ],
)
def test_a_column_named_for_the_places_a_list_holds_names_its_units(
    tmp_path: Path, header: str, file: str
) -> None:
    m = 1_000_000
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"], []]
    rows += [["No", header, "Pagu", "Realisasi"], [1, "Teluk Pakedai", 3_846 * m, 2_237 * m]]
    rows += [[2, "Sungai Kakap", 4_751 * m, 1_453 * m], ["JUMLAH", None, 8_597 * m, 3_690 * m]]
    doc = rank_json(openpyxl_book(tmp_path / file, {"Rekap": rows}))
    assert sorted(u["name"] for u in doc["units"]) == ["Sungai Kakap", "Teluk Pakedai"]
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (8_597 * m, 3_690 * m)


def test_a_kop_naming_the_issuing_office_over_a_rekap_of_opd_leaves_them_units(tmp_path: Path) -> None:
    m = 1_000_000
    rows: list[list[object]] = [
        ["PEMERINTAH KABUPATEN CONTOH"],
        ["BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH"],
    ]
    rows += [["REKAPITULASI REALISASI ANGGARAN OPD S.D. 30 SEPTEMBER 2024"], []]
    rows += [["No", "Uraian", "Pagu", "Realisasi"], [1, "Dinas Pendidikan", 900 * m, 500 * m]]
    rows += [
        [2, "Dinas Kesehatan", 700 * m, 400 * m],
        [3, "Badan Pengelolaan Keuangan dan Aset Daerah", 100 * m, 60 * m],
    ]
    rows += [["JUMLAH", None, 1700 * m, 960 * m]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert len(doc["units"]) == 3
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (1700 * m, 960 * m)


def test_a_csv_of_a_grouped_header_spreads_each_group_over_its_columns(tmp_path: Path) -> None:
    # as Excel saves merged group cells to CSV: the label in the first of its columns only
    rows: list[list[object]] = [["REKAPITULASI REALISASI ANGGARAN S.D. 30 SEPTEMBER 2024"], []]
    rows += [["No", "Nama SKPD", "BELANJA OPERASI", "", "", "BELANJA MODAL", "", ""]]
    rows += [["", "", "Anggaran", "Realisasi", "%", "Anggaran", "Realisasi", "%"]]
    rows += [[1, "Dinas Ketahanan Pangan", "42.322.845.000,00", "29.214.106.446,00", "69,03",
              "21.597.444.000,00", "12.632.652.147,00", "58,49"]]  # fmt: skip
    rows += [[2, "Dinas Sosial", "10.000.000.000,00", "4.000.000.000,00", "40,00", "2.000.000.000,00",
              "500.000.000,00", "25,00"]]  # fmt: skip
    doc = rank_json(semicolons(tmp_path / "rekap.csv", rows))
    got = by_unit(doc)
    assert got["Dinas Ketahanan Pangan"][:2] == (
        42_322_845_000 + 21_597_444_000,
        29_214_106_446 + 12_632_652_147,
    )
    assert got["Dinas Sosial"][2]["modal"] == (2_000_000_000, 500_000_000)
    assert not codes(doc, "W-MEASURES-APART")


def test_a_jumlah_in_a_column_of_a_header_not_known_is_no_data_row(tmp_path: Path) -> None:
    # the names stand under "Wilayah Binaan", a header the tool reads for nothing: one unit, its
    # JUMLAH row not counted in it
    rows: list[list[object]] = [["REKAPITULASI REALISASI s.d. 30 September 2024"], []]
    rows += [["No", "Wilayah Binaan", "Pagu", "Realisasi"], [1, "Teluk Pakedai", 3_846, 2_237]]
    rows += [[2, "Sungai Kakap", 4_751, 1_453], [None, "JUMLAH", 8_597, 3_690]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}))
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (8_597, 3_690)


@pytest.mark.parametrize(
    ("header", "values"),
    [(["s.d. Bulan Lalu", "Bulan Ini"], lambda r: [r - r // 5, r // 5]), (["s.d. Bulan Ini"], lambda r: [r])],
)
def test_columns_naming_only_their_months_are_the_realization(
    tmp_path: Path, header: list[str], values: Any
) -> None:
    rows: list[list[object]] = [["LAPORAN REALISASI ANGGARAN s.d. 31 Oktober 2024"], []]
    rows.append(["No", "SKPD", "Anggaran", *header, "%"])
    for i, (unit, operasi, modal) in enumerate(JENIS_UNITS, start=1):
        budget, realized = operasi[0] + modal[0], operasi[1] + modal[1]
        rows.append([i, unit, budget, *values(realized), round(realized / budget * 100, 2)])
    got = by_unit(rank_json(openpyxl_book(tmp_path / "lra.xlsx", {"Sheet1": rows})))
    for unit, operasi, modal in JENIS_UNITS:
        assert got[unit][:2] == (operasi[0] + modal[0], operasi[1] + modal[1])
