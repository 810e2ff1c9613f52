"""Each layout of DESIGN.md is understood without configuration, with answers worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book, xlsxwriter_book
from realisasi_cli.cli import app
from realisasi_cli.facts.load import load
from realisasi_cli.metrics.ranking import rank
from realisasi_cli.metrics.units import RankOptions

# the messages are read in English here; tests/test_messages.py checks the Indonesian texts
pytestmark = pytest.mark.usefixtures("english_messages")


def ranked(*paths: Path, **options: object) -> dict[str, tuple[float, float, float]]:
    dataset = load(list(paths))
    result = rank(dataset.budget, dataset.realization, dataset.sources, RankOptions(**options))  # type: ignore[arg-type]
    return {u["name"]: (u["budget"], u["realized"], u["absorption_pct"]) for u in result.units.to_dicts()}


def test_toba_trap_budget_from_q_and_realization_from_merged_r_s(tmp_path: Path) -> None:
    # ANGGARAN merged over Q:R, REALISASI over S alone; data realization sits in merged R:S
    # (value in R) or in S alone. R lies under ANGGARAN yet holds realization amounts.
    rows: list[list[object]] = [[None] * 19 for _ in range(24)]
    rows[2][4] = "PEMERINTAH KABUPATEN CONTOH"
    rows[4][4] = "periode Januari s.d Oktober 2022"
    rows[8][3], rows[8][10] = "Unit Organisasi :", "Dinas Contoh"
    rows[13][1], rows[13][6], rows[13][16], rows[13][18] = "KODE REKENING", "URAIAN", "ANGGARAN", "REALISASI"
    data = [
        ("4", "PENDAPATAN DAERAH", 500.0, 400.0, False),
        ("5", "BELANJA DAERAH", 1000.0, 700.0, True),
        ("5.1", "BELANJA OPERASI", 800.0, 600.0, False),  # realization in S alone
        ("5.2", "BELANJA MODAL", 200.0, 100.0, True),
    ]
    merges = ["B14:F15", "G14:O15", "Q14:R15"]
    for i, (code, name, budget, real, merged) in enumerate(data, start=17):
        rows[i][3], rows[i][7], rows[i][16] = code, name, budget
        if merged:
            rows[i][17] = real
            merges.append(f"R{i + 1}:S{i + 1}")
        else:
            rows[i][18] = real
    path = openpyxl_book(tmp_path / "lra.xlsx", {"Sheet1": rows}, {"Sheet1": merges})
    assert ranked(path) == {"Dinas Contoh": (1000.0, 700.0, 70.0)}


def test_grouped_two_row_header_with_column_numbers_total_and_signature(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["PEMERINTAH KOTA CONTOH"],
        ["Keadaan s.d. Tanggal 10 November 2023"],
        [],
        [
            "No",
            "Perangkat Daerah",
            "BELANJA OPERASI",
            None,
            None,
            "BELANJA MODAL",
            None,
            None,
            "JUMLAH",
            None,
            None,
        ],
        [
            None,
            None,
            "Anggaran (Rp)",
            "Realisasi (Rp)",
            "%",
            "Anggaran (Rp)",
            "Realisasi (Rp)",
            "%",
            "Anggaran (Rp)",
            "Realisasi (Rp)",
            "%",
        ],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        [1, "Dinas A", 300, 150, 50, 100, 10, 10, 400, 160, 40],
        [2, "Dinas B", 200, "180", 90, "-", "-", "-", 200, 180, 90],
        [None, "JUMLAH", 500, 330, 66, 100, 10, 10, 600, 340, 56.67],
        [],
        [None, None, None, None, None, None, None, "Batu, 10 November 2023"],
        [None, None, None, None, None, None, None, "NIP. 19750101 200003 1 001"],
    ]
    merges = [
        (3, 0, 4, 0, "No"),
        (3, 1, 4, 1, "Perangkat Daerah"),
        (3, 2, 3, 4, "BELANJA OPERASI"),
        (3, 5, 3, 7, "BELANJA MODAL"),
        (3, 8, 3, 10, "JUMLAH"),
    ]
    path = xlsxwriter_book(tmp_path / "rekap.xlsx", rows, merges)
    assert ranked(path) == {"Dinas A": (400.0, 160.0, 40.0), "Dinas B": (200.0, 180.0, 90.0)}
    modal = ranked(path, category="modal")
    assert modal["Dinas A"] == (100.0, 10.0, 10.0)


def test_lra_sums_leaves_and_prefers_the_changed_budget(tmp_path: Path) -> None:
    rows = [
        ["LAPORAN REALISASI ANGGARAN"],
        ["SKPD : 1.02.0.00.0.00.01.0000 DINAS KESEHATAN"],
        [],
        ["Kode Rekening", "Uraian", "Anggaran Murni", "Anggaran Setelah Perubahan", "Realisasi"],
        ["5", "BELANJA DAERAH", "9.999,00", "1.000.000,00", "500.000,00"],
        ["5.1", "BELANJA OPERASI", "1,00", "700.000,00", "500.000,00"],
        ["5.1.02.01.01.0024", "ATK", "1,00", "300.000,00", "200.000,00"],
        ["5.1.02.01.01.0025", "Kertas", "1,00", "400.000,00", "300.000,00"],
        ["5.2", "BELANJA MODAL", "1,00", "300.000,00", "-"],
        ["5.2.02.01.01.0001", "Alat berat", "1,00", "300.000,00", "-"],
    ]
    path = openpyxl_book(tmp_path / "lra_dinkes.xlsx", {"Dinkes": rows})
    dataset = load([path])
    assert dataset.warnings == []
    result = rank(dataset.budget, dataset.realization, dataset.sources, RankOptions())
    unit = result.units.to_dicts()[0]
    assert (unit["code"], unit["name"]) == ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN")
    assert (unit["budget"], unit["realized"]) == (1_000_000.0, 500_000.0)


def test_subtotal_that_disagrees_is_reported_with_its_row(tmp_path: Path) -> None:
    rows = [
        ["SKPD : DINAS A"],
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["5", "BELANJA", 999, 50],
        ["5.1", "OPERASI", 100, 50],
        ["5.1.01", "Pegawai", 100, 50],
    ]
    path = openpyxl_book(tmp_path / "a.xlsx", {"S": rows})
    dataset = load([path])
    messages = [(w.row, w.message) for w in dataset.warnings]
    assert len(messages) == 1 and messages[0][0] == 3 and "999.00" in messages[0][1]
    assert ranked(path) == {"DINAS A": (100.0, 50.0, 50.0)}


def test_mixed_numeric_and_text_amounts_in_one_column(tmp_path: Path) -> None:
    rows = [
        ["REKAP REALISASI"],
        ["Nama OPD", "Pagu", "Realisasi"],
        ["Dinas A", 1234567.5, "1.000.000,50"],
        ["Dinas B", "2.000.000,00", 500000],
    ]
    path = openpyxl_book(tmp_path / "mixed.xlsx", {"Rekap": rows})
    result = ranked(path)
    assert result["Dinas A"][:2] == (1234567.5, 1000000.5)
    assert result["Dinas B"][:2] == (2000000.0, 500000.0)


def test_unit_named_after_the_file_when_nothing_names_it(tmp_path: Path) -> None:
    rows = [["Kode Rekening", "Uraian", "Pagu", "Realisasi"], ["5.1.02", "Barang", 100, 25]]
    path = openpyxl_book(tmp_path / "kecamatan_x.xlsx", {"Sheet1": rows})
    dataset = load([path])
    assert any("kecamatan_x" in w.message for w in dataset.warnings)
    assert ranked(path) == {"kecamatan_x": (100.0, 25.0, 25.0)}


def test_later_snapshot_of_the_same_unit_wins(tmp_path: Path) -> None:
    def snapshot(name: str, title: str, real: int) -> Path:
        rows = [
            [title],
            ["Kode SKPD", "Nama SKPD", "Pagu", "Realisasi"],
            ["1.01.0.00.0.00.01.0000", "DINAS PENDIDIKAN", 1000, real],
        ]
        return openpyxl_book(tmp_path / name, {"S": rows})

    late = snapshot("b.xlsx", "s.d. 30 September 2023", 600)
    early = snapshot("a.xlsx", "s.d. 30 Juni 2023", 300)
    assert ranked(late, early) == {"DINAS PENDIDIKAN": (1000.0, 600.0, 60.0)}


def test_pendapatan_and_pembiayaan_rows_are_not_spending(tmp_path: Path) -> None:
    rows = [
        ["SKPD : BPKAD"],
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["4.1.01", "Pajak", 5000, 4000],
        ["5.1.01", "Pegawai", 100, 80],
        ["6.1.01", "SiLPA", 700, 700],
    ]
    path = openpyxl_book(tmp_path / "bpkad.xlsx", {"S": rows})
    assert ranked(path) == {"BPKAD": (100.0, 80.0, 80.0)}


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_with_bom_or_cp1252(tmp_path: Path, delimiter: str) -> None:
    amount = ("1.500.000,00", "750.000,00") if delimiter == ";" else ("1500000.00", "750000.00")
    text = (
        f"Nama OPD{delimiter}Pagu{delimiter}Realisasi\r\n"
        f"Dinas Pariwisata dan Kebudayaan – Bidang Seni{delimiter}"
        f'"{amount[0]}"{delimiter}"{amount[1]}"\r\n'
    )
    path = tmp_path / "rekap.csv"
    path.write_bytes(text.encode("cp1252") if delimiter == "," else "\ufeff".encode() + text.encode())
    ((name, values),) = ranked(path).items()
    assert name.startswith("Dinas Pariwisata") and values == (1_500_000.0, 750_000.0, 50.0)


def test_old_xls_written_by_xlwt(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Rekap")
    for i, row in enumerate(
        [
            ["REKAP OPD"],
            ["Nama OPD", "Pagu Anggaran", "Realisasi"],
            ["Dinas A", 400.0, 100.0],
            ["TOTAL", 400.0, 100.0],
        ]
    ):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    path = tmp_path / "rekap.xls"
    book.save(str(path))
    assert ranked(path) == {"Dinas A": (400.0, 100.0, 25.0)}


def test_a_layout_the_detector_does_not_know_is_read_with_realisasi_toml(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from realisasi_cli.cli.application import app

    rows = [
        ["Catatan bagian keuangan"],
        [],
        ["Pelaksana", "Plafond Kegiatan", "Terbayar"],
        ["Bidang A", 200, 50],
        ["Bidang B", 100, 80],
    ]
    path = openpyxl_book(tmp_path / "aneh_2023.xlsx", {"Lembar": rows})
    runner = CliRunner()
    assert runner.invoke(app, ["rank", str(path)]).exit_code == 1
    config = tmp_path / "realisasi.toml"
    config.write_text(
        '[[layout]]\nmatch = "aneh_*.xlsx"\nsheet = "Lembar"\nheader_row = 3\n'
        'columns = { unit = "Pelaksana", budget = "Plafond Kegiatan", realized = "Terbayar" }\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["--config", str(config), "rank", str(path), "-f", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    import json

    units = json.loads(result.stdout)["units"]
    assert [(u["name"], u["absorption_pct"]) for u in units] == [("Bidang A", 25.0), ("Bidang B", 80.0)]


@pytest.mark.parametrize("value", [True, "date"])
def test_a_realization_column_of_dates_or_checkboxes_counts_as_zero_with_a_warning(
    tmp_path: Path, value: object
) -> None:
    # "Realisasi" merged over C:D, where D holds dates (or TRUE) and no amounts: the column
    # is read, its cells are not amounts, and the file is still ranked.
    import datetime

    cell = datetime.datetime(2024, 1, 5) if value == "date" else value
    rows = [
        ["REKAP REALISASI"],
        ["Nama OPD", "Pagu", "Realisasi", None],
        ["Dinas A", 1000, None, cell],
        ["Dinas B", 2000, None, cell],
    ]
    path = openpyxl_book(tmp_path / "flags.xlsx", {"Rekap": rows}, {"Rekap": ["C2:D2"]})
    dataset = load([path])
    assert any("are not amounts" in w.message for w in dataset.warnings)
    assert ranked(path) == {"Dinas A": (1000.0, 0.0, 0.0), "Dinas B": (2000.0, 0.0, 0.0)}


def test_text_in_an_amount_column_is_counted_as_zero_and_shown_in_the_warning(tmp_path: Path) -> None:
    rows = [
        ["Nama OPD", "Pagu", "Realisasi"],
        ["Dinas A", 1000, 400],
        ["Dinas B", 2000, "belum ada"],
        ["Dinas C", 3000, "lihat lampiran"],
    ]
    path = openpyxl_book(tmp_path / "stray.xlsx", {"Rekap": rows})
    dataset = load([path])
    messages = [w.message for w in dataset.warnings if "are not amounts" in w.message]
    assert messages == [
        "2 cell(s) in column C (Realisasi) are not amounts, e.g. 'belum ada' at Rekap!C3; counted as 0"
    ]
    assert ranked(path)["Dinas B"] == (2000.0, 0.0, 0.0)


def test_inspect_names_deviation_and_physical_columns_for_what_they_are(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["LAPORAN DEVIASI s.d. 28 Februari 2023"],
        ["Perangkat Daerah", "Pagu", "Realisasi", "Realisasi Fisik", "Deviasi", "Sisa Anggaran"],
        ["Dinas A", 1000, 400, 35, 10, 600],
        ["Dinas B", 2000, 500, 20, 5, 1500],
    ]
    path = openpyxl_book(tmp_path / "deviasi.xlsx", {"Data": rows})
    result = CliRunner().invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (sheet,) = json.loads(result.stdout)["sheets"]
    roles = {c["header"]: (c["role"], c["physical"]) for c in sheet["columns"]}
    assert roles["Deviasi"] == ("deviation", False)  # from the plan: not the budget left
    assert roles["Sisa Anggaran"] == ("remaining", False)
    assert roles["Realisasi Fisik"] == ("realized", True)
    text = CliRunner().invoke(app, ["inspect", str(path)]).stdout
    lines = {line.split()[0]: " ".join(line.split()) for line in text.splitlines() if line.startswith("  ")}
    assert "Baris kepala 2, Data mulai baris 3" in text  # one header row: not "2–2"
    assert lines["D"] == "D Realisasi Fisik realisasi fisik"
    assert lines["E"] == "E Deviasi deviasi"
    assert lines["F"] == "F Sisa Anggaran sisa anggaran"
    # the units are named in the table: no empty code before the words that say so
    assert "  Perangkat Daerah: (dari tabel)" in text


def test_a_csv_dated_by_its_name_says_the_date_is_the_file_names(tmp_path: Path) -> None:
    path = tmp_path / "realisasi_juni_2024.csv"
    path.write_text("Perangkat Daerah;Pagu;Realisasi\nDinas A;1000;400\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    (sheet,) = json.loads(result.stdout)["sheets"]
    assert (sheet["as_of"], sheet["as_of_source"]) == ("2024-06-30", "file name")


def test_a_title_date_after_the_files_stamp_is_questioned_and_the_config_can_date_the_file(
    tmp_path: Path,
) -> None:
    # SIPD prints the period asked for: "s.d. 31 Desember" on a file exported on 30 November
    rows: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN s.d. 31 Desember 2022"],
        ["Perangkat Daerah", "Pagu", "Realisasi"],
        ["Kecamatan Lumban Julu", 1000, 600],
    ]
    path = openpyxl_book(tmp_path / "54_lra_20221130-122103.xlsx", {"Sheet1": rows})
    runner = CliRunner()
    result = runner.invoke(app, ["rank", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2022-12-31"  # the file's own date stands: a stamp is no data date
    (stamped,) = [w for w in doc["warnings"] if w["code"] == "W-DATE-AFTER-STAMP"]
    assert "31 Desember 2022" in stamped["message"] and "bercap 30 November 2022" in stamped["message"]
    assert 'match = "54_lra_20221130-122103.xlsx" as_of = 2022-11-30' in stamped["message"]

    config = tmp_path / "realisasi.toml"
    config.write_text('[[layout]]\nmatch = "54_lra_*.xlsx"\nas_of = 2022-11-30\n', encoding="utf-8")
    dated = runner.invoke(app, ["--config", str(config), "rank", str(path), "-f", "json", "--pace"])
    assert dated.exit_code == 0, dated.stderr
    doc = json.loads(dated.stdout)
    assert doc["as_of"] == "2022-11-30"
    assert "W-DATE-AFTER-STAMP" not in {w["code"] for w in doc["warnings"]}
    # the target on 30 November: 65 + 30 × 61/92 = 84,89 %
    assert doc["units"][0]["pace"]["target_to_date_pct"] == pytest.approx(65 + 30 * 61 / 92, abs=1e-4)
    inspected = runner.invoke(app, ["--config", str(config), "inspect", str(path)])
    assert "Data per: 30 November 2022 (Tanggal dari: as_of di [[layout]] realisasi.toml)" in inspected.stdout


def test_a_layout_date_that_is_no_date_is_refused_naming_the_config(tmp_path: Path) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text('[[layout]]\nmatch = "*.xlsx"\nas_of = "30 Nopember"\n', encoding="utf-8")
    path = openpyxl_book(
        tmp_path / "lra.xlsx", {"S": [["Perangkat Daerah", "Pagu", "Realisasi"], ["A", 1, 1]]}
    )
    result = CliRunner().invoke(app, ["--config", str(config), "rank", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert (
        "realisasi.toml" in result.stderr
        and "as_of = '30 Nopember' di [[layout]] bukan tanggal" in result.stderr
    )


@pytest.mark.parametrize(
    "parts",
    [
        ["LS", "UP/GU", "TU", "JUMLAH"],
        ["LS Gaji", "LS Non Gaji", "UP/GU/TU", "Total"],
        ["LS", "GU", "TU", "Jumlah SP2D"],
    ],
)
def test_realization_by_payment_under_a_merged_header_is_read_from_its_total(
    tmp_path: Path, parts: list[str]
) -> None:
    # REALISASI SP2D merged over the payments (LS, UP/GU, TU) and their JUMLAH
    units = [
        ("Dinas Kesehatan", 12_580_356_000, (6_012_345_678, 1_500_000_101, 111_111_000)),
        ("Dinas Sosial", 3_456_789_000, (1_512_345_678, 300_000_000, 200_000_000)),
    ]
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI SP2D PER SKPD"],
        ["s.d. 31 Oktober 2024"],
        [],
        ["NO", "NAMA SKPD", "PAGU", "REALISASI SP2D", None, None, None, "SISA PAGU"],
        [None, None, None, *parts, None],
    ]
    for i, (name, budget, paid) in enumerate(units, start=1):
        rows.append([i, name, budget, *paid, sum(paid), budget - sum(paid)])
    merges = {"SP2D": ["A4:A5", "B4:B5", "C4:C5", "D4:G4", "H4:H5"]}
    path = openpyxl_book(tmp_path / "sp2d.xlsx", {"SP2D": rows}, merges)
    assert {name: (b, r) for name, (b, r, _) in ranked(path).items()} == {
        name: (budget, sum(paid)) for name, budget, paid in units
    }


@pytest.mark.parametrize(
    ("original", "changed"),
    [
        ("Pagu DPA", "Pagu DPPA"),
        ("DPA", "DPPA"),
        ("Semula", "Menjadi"),
        ("Anggaran Murni", "Anggaran Perubahan"),
    ],
)
def test_the_changed_budget_is_read_beside_the_original_whatever_its_name(
    tmp_path: Path, original: str, changed: str
) -> None:
    units = [("Dinas Kesehatan", 11_950_000_000, 12_450_000_000, 9_546_913_569)]
    units += [("Dinas Sosial", 3_500_000_000, 3_900_000_000, 3_135_802_467)]
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA PERANGKAT DAERAH"],
        ["s.d. 30 November 2024"],
        [],
        ["No", "Perangkat Daerah", original, changed, "Bertambah/(Berkurang)", "Realisasi", "%"],
    ]
    for i, (name, first, then, real) in enumerate(units, start=1):
        rows.append([i, name, first, then, then - first, real, round(100 * real / then, 2)])
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    assert {name: (b, r) for name, (b, r, _) in ranked(path).items()} == {
        name: (then, real) for name, _first, then, real in units
    }


def test_realization_by_payment_without_its_total_is_their_sum(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI SP2D PER SKPD"],
        ["s.d. 31 Oktober 2024"],
        [],
        ["NO", "NAMA SKPD", "PAGU", "REALISASI SP2D", None],
        [None, None, None, "LS", "UP/GU/TU"],
        [1, "Dinas Kesehatan", 12_580_356_000, 6_012_345_678, 1_611_111_101],
        [2, "Dinas Sosial", 3_456_789_000, None, 500_000_000],  # nothing paid LS yet
    ]
    merges = {"SP2D": ["A4:A5", "B4:B5", "C4:C5", "D4:E4"]}
    path = openpyxl_book(tmp_path / "sp2d.xlsx", {"SP2D": rows}, merges)
    assert {name: (b, r) for name, (b, r, _) in ranked(path).items()} == {
        "Dinas Kesehatan": (12_580_356_000, 6_012_345_678 + 1_611_111_101),
        "Dinas Sosial": (3_456_789_000, 500_000_000),
    }
    assert not [w for w in load([path]).warnings if w.code == "W-MEASURES-APART"]


def test_two_realizations_that_are_not_parts_say_which_column_was_read(tmp_path: Path) -> None:
    # SP2D and SPJ are two stages of one spending, not parts: neither is added to the other
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI PER SKPD"],
        ["s.d. 31 Oktober 2024"],
        [],
        ["NO", "NAMA SKPD", "PAGU", "REALISASI", None],
        [None, None, None, "SP2D", "SPJ"],
        [1, "Dinas Kesehatan", 12_580_356_000, 7_623_456_779, 7_500_000_000],
        [2, "Dinas Sosial", 3_456_789_000, 500_000_000, 480_000_000],
    ]
    merges = {"R": ["A4:A5", "B4:B5", "C4:C5", "D4:E4"]}
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"R": rows}, merges)
    assert {name: r for name, (_, r, _) in ranked(path).items()} == {
        "Dinas Kesehatan": 7_623_456_779,
        "Dinas Sosial": 500_000_000,
    }
    (said,) = [w for w in load([path]).warnings if w.code == "W-MEASURES-APART"]
    assert said.params["used"] == "REALISASI / SP2D"
    assert "'REALISASI / SPJ'" in said.message and "realisasi.toml" in said.message


@pytest.mark.parametrize("header", ["Uraian", "Uraian SKPD", "Keterangan"])
def test_a_rekap_whose_uraian_column_names_the_units_ranks_each_unit(tmp_path: Path, header: str) -> None:
    units = [("Dinas Kesehatan", 11_950_000_000, 6_546_913_569)]
    units += [("Dinas Pendidikan", 42_000_000_000, 24_333_333_222)]
    units += [
        ("Sekretariat DPRD", 3_500_000_000, 2_135_802_467),
        ("Kecamatan Balige", 1_200_000_000, 612_345_678),
    ]
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA PERANGKAT DAERAH"],
        ["s.d. 31 Agustus 2024"],
        [],
        ["No", header, "Anggaran", "Realisasi", "%"],
    ]
    rows += [
        [i, name, budget, real, round(100 * real / budget, 2)]
        for i, (name, budget, real) in enumerate(units, 1)
    ]
    rows.append([None, "Jumlah", sum(u[1] for u in units), sum(u[2] for u in units), None])
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Sheet1": rows})
    assert {name: (b, r) for name, (b, r, _) in ranked(path).items()} == {
        name: (budget, real) for name, budget, real in units
    }
    assert not [w for w in load([path]).warnings if w.code == "W-UNNAMED"]


def test_an_uraian_column_of_spending_lines_names_no_unit(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN DINAS KESEHATAN"],
        ["s.d. 31 Agustus 2024"],
        [],
        ["No", "Uraian", "Anggaran", "Realisasi"],
        [1, "Belanja Pegawai", 5_000_000_000, 3_000_000_000],
        [2, "Belanja Barang dan Jasa", 2_000_000_000, 1_000_000_000],
        [3, "Belanja Modal", 1_000_000_000, 250_000_000],
    ]
    path = openpyxl_book(tmp_path / "lra.xlsx", {"Sheet1": rows})
    # one unit, named after the file as nothing names it, of every line
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {"lra": (8_000_000_000, 4_250_000_000)}


def test_an_uraian_column_of_urusan_unit_and_jenis_rows_ranks_each_unit(tmp_path: Path) -> None:
    # urusan rows over unit headings, each unit's jenis belanja rows and its own Jumlah row
    groups = [
        (
            "URUSAN WAJIB PELAYANAN DASAR",
            [("Dinas Kesehatan", (9_450_000_000, 6_234_567_891), (2_500_000_000, 312_345_678))],
        ),
        (
            "URUSAN WAJIB NON PELAYANAN DASAR",
            [("Dinas Sosial", (3_100_000_000, 2_012_345_678), (400_000_000, 123_456_789))],
        ),
    ]
    rows: list[list[object]] = [
        ["LAPORAN REALISASI BELANJA PER SKPD"],
        ["Periode s.d. 30 September 2024"],
        [],
        ["No", "Uraian", "Anggaran", "Realisasi"],
    ]
    expected = {}
    for g, (urusan, units) in enumerate(groups, start=1):
        rows.append(
            ["I" * g, urusan, sum(o[0] + m[0] for _, o, m in units), sum(o[1] + m[1] for _, o, m in units)]
        )
        for i, (name, operasi, modal) in enumerate(units, start=1):
            rows.append([i, name.upper()])
            rows += [[None, "Belanja Operasi", *operasi], [None, "Belanja Modal", *modal]]
            rows.append([None, f"Jumlah {name}", operasi[0] + modal[0], operasi[1] + modal[1]])
            expected[name.upper()] = (operasi[0] + modal[0], operasi[1] + modal[1])
    path = openpyxl_book(tmp_path / "lap.xlsx", {"Sheet1": rows})
    assert {name: (b, r) for name, (b, r, _) in ranked(path).items()} == expected


def test_a_units_own_report_by_its_sub_offices_in_an_uraian_column_stays_one_unit(tmp_path: Path) -> None:
    biros = [("Biro Pemerintahan dan Otonomi Daerah", 8_123_456_789, 5_012_345_678)]
    biros += [("Biro Hukum", 3_456_789_012, 2_001_234_567), ("Biro Umum", 21_345_678_901, 15_432_109_876)]
    rows: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN PER BIRO"],
        ["SEKRETARIAT DAERAH PROVINSI"],  # the title names the unit: the Biro rows are its parts
        ["s.d. 30 September 2024"],
        [],
        ["No", "Uraian", "Anggaran", "Realisasi"],
    ]
    rows += [[i, name, budget, real] for i, (name, budget, real) in enumerate(biros, start=1)]
    path = openpyxl_book(tmp_path / "lra_setda.xlsx", {"Sheet1": rows})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        "SEKRETARIAT DAERAH PROVINSI": (sum(b for _, b, _ in biros), sum(r for _, _, r in biros))
    }


def test_a_count_of_sp2d_beside_the_realization_is_not_read_as_it(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAP REALISASI PER SKPD s.d. 30 September 2024"],
        [],
        ["No", "Perangkat Daerah", "Pagu", "Realisasi", "%", "Jumlah SP2D"],
        [1, "Dinas Kesehatan", 12_000_000_000, 7_025_049_379, 58.54, 412],
        [2, "Dinas Sosial", 3_000_000_000, 1_200_000_000, 40.0, 97],
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    assert {n: r for n, (_, r, _) in ranked(path).items()} == {
        "Dinas Kesehatan": 7_025_049_379,
        "Dinas Sosial": 1_200_000_000,
    }


@pytest.mark.parametrize(
    "title",
    [
        "LAPORAN REALISASI PENDAPATAN DAN PENYERAPAN ANGGARAN PERANGKAT DAERAH",
        "REKAP PENDAPATAN DAN SERAPAN ANGGARAN OPD",
        "LAPORAN REALISASI PENDAPATAN DAN PENGELUARAN PER OPD",
    ],
)
def test_a_rekap_titled_with_pendapatan_and_spending_is_read_as_spending(tmp_path: Path, title: str) -> None:
    rows: list[list[object]] = [
        [title],
        ["s.d. 30 September 2024"],
        [],
        ["No", "Perangkat Daerah", "Pagu Anggaran", "Realisasi Anggaran"],
    ]
    rows += [
        [1, "Dinas Kesehatan", 12_000_000_000, 7_025_049_379],
        [2, "Dinas Sosial", 3_000_000_000, 1_200_000_000],
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    assert {n: r for n, (_, r, _) in ranked(path).items()} == {
        "Dinas Kesehatan": 7_025_049_379,
        "Dinas Sosial": 1_200_000_000,
    }


def test_a_rekap_of_whole_thousands_still_says_a_total_row_off_by_a_thousand(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAP REALISASI PER SKPD s.d. 30 September 2024"],
        [],
        ["No", "Perangkat Daerah", "Pagu", "Realisasi"],
    ]
    units = [
        ("Dinas Kesehatan", 12_000_000_000, 7_025_049_000),
        ("Dinas Sosial", 3_000_000_000, 1_200_000_000),
    ]
    units += [("Dinas Perhubungan", 5_000_000_000, 2_500_123_000)]
    rows += [[i, name, budget, real] for i, (name, budget, real) in enumerate(units, start=1)]
    rows.append([None, "JUMLAH", sum(b for _, b, _ in units), sum(r for _, _, r in units) + 1_000])  # a typo
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    assert [w.code for w in load([path]).warnings] == ["W-TOTAL-ROW"]


@pytest.mark.parametrize("unit", ["(Rp. 1.000)", "(Rp 000)", "(dalam Rp 1.000)"])
def test_a_row_under_the_header_that_says_thousands_scales_the_amounts(tmp_path: Path, unit: str) -> None:
    units = [("Dinas Kesehatan", 12_580_356, 7_025_049), ("Dinas Sosial", 3_456_789, 1_675_234)]
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA PER SKPD"],
        ["s.d. 31 Oktober 2024"],
        [],
        ["No", "Nama SKPD", "Anggaran", "Realisasi", "Sisa Anggaran", "%"],
        [None, None, unit, unit, unit, "(%)"],
    ]
    rows += [[i, n, b, r, b - r, round(100 * r / b, 2)] for i, (n, b, r) in enumerate(units, start=1)]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"R": rows}, {"R": ["A4:A5", "B4:B5"]})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        name: (budget * 1000, real * 1000) for name, budget, real in units
    }


def test_realization_by_payment_under_each_period_is_the_sum_of_its_cumulative_parts(tmp_path: Path) -> None:
    # REALISASI > s.d. Bulan Lalu | Bulan Ini | s.d. Bulan Ini > LS | UP/GU/TU: three header rows
    units = [("Dinas Kesehatan", 12_580_356_123, (5_012_345_678, 1_000_123_456), (912_345_678, 100_234_567))]
    units += [("Dinas Sosial", 3_456_789_012, (1_212_345_671, 300_111_222), (112_345_678, 50_432_109))]
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA PER SKPD"],
        ["s.d. 31 Oktober 2024"],
        [],
        ["No", "Nama SKPD", "Pagu", "REALISASI", None, None, None, None, None],
        [None, None, None, "s.d. Bulan Lalu", None, "Bulan Ini", None, "s.d. Bulan Ini", None],
        [None, None, None, "LS", "UP/GU/TU", "LS", "UP/GU/TU", "LS", "UP/GU/TU"],
    ]
    expected = {}
    for i, (name, budget, before, now) in enumerate(units, start=1):
        to_date = (before[0] + now[0], before[1] + now[1])
        rows.append([i, name, budget, *before, *now, *to_date])
        expected[name] = (budget, sum(to_date))
    merges = {"R": ["A4:A6", "B4:B6", "C4:C6", "D4:I4", "D5:E5", "F5:G5", "H5:I5"]}
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"R": rows}, merges)
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == expected


@pytest.mark.parametrize("header", ["Perangkat Daerah", "Uraian"])
def test_program_kegiatan_and_sub_kegiatan_rows_under_a_units_row_are_that_units(
    tmp_path: Path, header: str
) -> None:
    units = {
        "DINAS KESEHATAN": {
            "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH": {
                "Administrasi Keuangan Perangkat Daerah": [
                    ("Penyediaan Gaji dan Tunjangan ASN", 8_250_000_000, 6_123_456_789)
                ],
                "Administrasi Umum Perangkat Daerah": [
                    ("Penyediaan Alat Tulis Kantor", 350_000_000, 212_345_678),
                    ("Penyediaan Bahan Logistik Kantor", 150_000_000, 98_765_432),
                ],
            },
            "PROGRAM PEMENUHAN UPAYA KESEHATAN": {
                "Penyediaan Fasilitas Pelayanan Kesehatan": [
                    ("Pembangunan Puskesmas", 4_000_000_000, 1_234_567_890)
                ]
            },
        },
        "DINAS PERHUBUNGAN": {
            "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH": {
                "Administrasi Keuangan Perangkat Daerah": [
                    ("Penyediaan Gaji dan Tunjangan ASN", 3_100_000_000, 2_312_345_678)
                ]
            },
        },
    }

    def total(lines: list[tuple[str, int, int]]) -> tuple[int, int]:
        return sum(b for _, b, _ in lines), sum(r for _, _, r in lines)

    rows: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN PER PROGRAM, KEGIATAN DAN SUB KEGIATAN"],
        ["s.d. 31 Juli 2024"],
        [],
        ["No", header, "Pagu Anggaran", "Realisasi"],
    ]
    expected = {}
    for u, (unit, programs) in enumerate(units.items(), start=1):
        leaves = [line for kegiatan in programs.values() for lines in kegiatan.values() for line in lines]
        expected[unit] = total(leaves)
        rows.append([u, unit, *total(leaves)])
        for program, kegiatan in programs.items():
            rows.append([None, program, *total([line for lines in kegiatan.values() for line in lines])])
            for name, lines in kegiatan.items():
                rows.append([None, f"Kegiatan {name}", *total(lines)])
                rows += [[None, f"Sub Kegiatan {label}", budget, real] for label, budget, real in lines]
    path = openpyxl_book(tmp_path / "realisasi_program.xlsx", {"Realisasi": rows})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == expected
    assert not [w for w in load([path]).warnings if w.code == "W-DUPLICATE-UNIT"]  # a unit's lines


def test_a_first_line_written_with_rp_is_data_not_a_unit_row(tmp_path: Path) -> None:
    # a rincian whose amounts are text with Rp: "Rp 1.000.000" is an honorarium, not "in millions"
    rows: list[list[object]] = [
        ["RINCIAN REALISASI BELANJA"],
        ["DINAS KOMUNIKASI DAN INFORMATIKA"],
        ["s.d. 30 September 2024"],
        [],
        ["No", "Uraian", "Pagu", "Realisasi"],
        [1, "Honorarium Narasumber", "Rp 1.000.000", "Rp 1.000.000"],
        [2, "Belanja Alat Tulis Kantor", "Rp 750.000", "Rp 520.000"],
        [3, "Belanja Makan Minum Rapat", "Rp 1.200.000", "Rp 650.000"],
    ]
    path = openpyxl_book(tmp_path / "rincian.xlsx", {"R": rows})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        "DINAS KOMUNIKASI DAN INFORMATIKA": (2_950_000, 2_170_000)
    }


def test_a_unit_row_of_one_unit_statement_repeated_scales_the_amounts(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA PER SKPD s.d. 31 Oktober 2024"],
        [],
        ["No", "Nama SKPD", "Anggaran", "Realisasi"],
        [None, None, "(Rp. 1.000)", "(Rp. 1.000)"],
        [1, "Dinas Kesehatan", 12_580_356, 7_025_049],
        [2, "Dinas Sosial", 3_456_789, 1_675_234],
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"R": rows})  # the unit row's one statement, twice
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        "Dinas Kesehatan": (12_580_356_000, 7_025_049_000),
        "Dinas Sosial": (3_456_789_000, 1_675_234_000),
    }


def _program_rekap(
    units: list[tuple[str, tuple[int, int] | None, list[tuple[str, int, int]]]],
) -> list[list[object]]:
    """A rekap of unit rows (their own amounts, or None for a heading), each over PROGRAM,
    Kegiatan and Sub Kegiatan rows of its sub kegiatan (label, pagu, realisasi)."""
    rows: list[list[object]] = [["LAPORAN REALISASI PER PROGRAM"], ["s.d. 31 Juli 2024"], []]
    rows.append(["No", "Perangkat Daerah", "Pagu", "Realisasi"])
    for u, (unit, own, subs) in enumerate(units, start=1):
        rows.append([u, unit, *(own or (None, None))])
        if subs:
            b, r = sum(s[1] for s in subs), sum(s[2] for s in subs)
            rows += [[None, "PROGRAM PENUNJANG URUSAN", b, r], [None, "Kegiatan Administrasi Umum", b, r]]
            rows += [[None, f"Sub Kegiatan {label}", sb, sr] for label, sb, sr in subs]
    return rows


def test_a_unit_row_without_its_own_lines_keeps_them_from_the_next_units_heading(tmp_path: Path) -> None:
    units: list[tuple[str, tuple[int, int] | None, list[tuple[str, int, int]]]] = [
        (
            "DINAS PEKERJAAN UMUM",
            None,
            [("Jalan", 600_000_000, 400_000_000), ("Jembatan", 300_000_000, 210_000_000)],
        ),
        ("SEKRETARIAT DPRD", (300_000_000, 200_000_000), []),  # one row, no breakdown
        ("BAPPEDA", None, [("Penyusunan RPJMD", 250_000_000, 120_000_000)]),  # a heading without amounts
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"R": _program_rekap(units)})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        "DINAS PEKERJAAN UMUM": (900_000_000, 610_000_000),
        "SEKRETARIAT DPRD": (300_000_000, 200_000_000),
        "BAPPEDA": (250_000_000, 120_000_000),
    }


def test_programs_that_cover_part_of_a_units_row_leave_the_units_row_counted(tmp_path: Path) -> None:
    units: list[tuple[str, tuple[int, int] | None, list[tuple[str, int, int]]]] = [
        (
            "DINAS PENDIDIKAN",
            (10_000_000_000, 7_000_000_000),
            [("Gedung Sekolah", 4_000_000_000, 2_500_000_000)],
        ),
        ("DINAS KESEHATAN", (8_000_000_000, 6_000_000_000), [("Puskesmas", 8_000_000_000, 6_000_000_000)]),
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"R": _program_rekap(units)})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        "DINAS PENDIDIKAN": (10_000_000_000, 7_000_000_000),
        "DINAS KESEHATAN": (8_000_000_000, 6_000_000_000),
    }
    assert "W-BREAKDOWN-APART" in [w.code for w in load([path]).warnings]


def test_units_named_short_over_their_program_chains_are_each_one_unit(tmp_path: Path) -> None:
    units: list[tuple[str, tuple[int, int] | None, list[tuple[str, int, int]]]] = [
        ("BAPPEDA", (250_000_000, 120_000_000), [("Penyusunan RPJMD", 250_000_000, 120_000_000)]),
        ("SATPOL PP", (400_000_000, 310_000_000), [("Patroli Ketertiban", 400_000_000, 310_000_000)]),
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"R": _program_rekap(units)})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        "BAPPEDA": (250_000_000, 120_000_000),
        "SATPOL PP": (400_000_000, 310_000_000),
    }


def test_a_comparison_of_two_years_reads_the_later_years_realization(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["PERBANDINGAN REALISASI BELANJA SKPD TAHUN 2023 DAN 2024"],
        [],
        ["No", "Perangkat Daerah", "Pagu 2024", "Realisasi", None],
        [None, None, None, "2023", "2024"],
        [1, "Dinas Pendidikan", 850_000_000, 700_000_000, 612_000_000],
        [2, "Dinas Kesehatan", 420_000_000, 390_000_000, 301_000_000],
    ]
    path = openpyxl_book(
        tmp_path / "rekap.xlsx", {"Rekap": rows}, {"Rekap": ["A3:A4", "B3:B4", "C3:C4", "D3:E3"]}
    )
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        "Dinas Pendidikan": (850_000_000, 612_000_000),
        "Dinas Kesehatan": (420_000_000, 301_000_000),
    }


def test_an_spj_fungsional_is_read_from_its_total_of_the_payments(tmp_path: Path) -> None:
    # SPJ-LS Gaji | SPJ-LS Barang & Jasa | SPJ UP/GU/TU, each over s.d. Bulan Lalu | Bulan Ini |
    # s.d. Bulan Ini, then their Jumlah to date: "Barang & Jasa" is a way of payment, no jenis
    units = [
        (
            "Dinas Kesehatan",
            12_580_356_123,
            (2_506_172_839, 2_506_172_839, 1_000_123_456),
            (456_172_839, 456_172_839, 100_234_567),
        )
    ]
    units += [
        (
            "Dinas Sosial",
            3_456_789_012,
            (606_172_835, 606_172_836, 300_111_222),
            (56_172_839, 56_172_839, 50_432_109),
        )
    ]
    rows: list[list[object]] = [
        ["LAPORAN PERTANGGUNGJAWABAN BENDAHARA PENGELUARAN (SPJ FUNGSIONAL) PER SKPD"],
        ["Bulan Oktober 2024"],
        [],
        [
            *[
                "No",
                "Nama SKPD",
                "Jumlah Anggaran",
                "SPJ-LS Gaji",
                None,
                None,
                "SPJ-LS Barang & Jasa",
                None,
                None,
            ],
            *["SPJ UP/GU/TU", None, None, "Jumlah SPJ (LS+UP/GU/TU) s.d. Bulan Ini", "Sisa Pagu Anggaran"],
        ],
        [None, None, None, *["s.d. Bulan Lalu", "Bulan Ini", "s.d. Bulan Ini"] * 3, None, None],
    ]
    expected = {}
    for i, (name, budget, before, now) in enumerate(units, start=1):
        cells: list[object] = []
        for b, n in zip(before, now, strict=True):
            cells += [b, n, b + n]
        total = sum(before) + sum(now)
        rows.append([i, name, budget, *cells, total, budget - total])
        expected[name] = (budget, total)
    merges = ["A4:A5", "B4:B5", "C4:C5", "D4:F4", "G4:I4", "J4:L4", "M4:M5", "N4:N5"]
    path = openpyxl_book(tmp_path / "spj.xlsx", {"S": rows}, {"S": merges})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == expected


def test_a_title_line_right_above_a_three_row_header_is_no_header_row(tmp_path: Path) -> None:
    million = 1_000_000
    units = [("Dinas Pendidikan", 850 * million, (300 * million, 20 * million, 100 * million, 5 * million))]
    units += [("Dinas Kesehatan", 420 * million, (150 * million, 12 * million, 60 * million, 3 * million))]
    rows: list[list[object]] = [
        [
            "LAPORAN REALISASI BELANJA PERANGKAT DAERAH",
            None,
            None,
            None,
            None,
            "Lampiran I",
            "Peraturan Bupati Nomor 5",
        ],
        ["No", "Perangkat Daerah", "Anggaran", None, "Realisasi", None, None, None, "%"],
        [None, None, "Murni", "Perubahan", "Belanja Operasi", None, "Belanja Modal", None, None],
        [None, None, None, None, "LS", "UP/GU/TU", "LS", "UP/GU/TU", None],
    ]
    for i, (name, changed, paid) in enumerate(units, start=1):
        rows.append([i, name, changed - 50 * million, changed, *paid, round(100 * sum(paid) / changed, 2)])
    merges = ["A1:E1", "A2:A4", "B2:B4", "C2:D2", "E2:H2", "I2:I4", "C3:C4", "D3:D4", "E3:F3", "G3:H3"]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows}, {"Rekap": merges})
    assert {n: (b, r) for n, (b, r, _) in ranked(path).items()} == {
        name: (changed, sum(paid)) for name, changed, paid in units
    }


# SIMDA's Kode Rekening over five columns (5 | 2 | 3 | 01 | 01), the old scheme's accounts
SIMDA_LINES: list[tuple[tuple[object, ...], str, int, int]] = [
    ((5,), "BELANJA", 1_350_000_000, 655_000_000),
    ((5, 1), "BELANJA TIDAK LANGSUNG", 700_000_000, 450_000_000),
    ((5, 1, 1), "Belanja Pegawai", 700_000_000, 450_000_000),
    ((5, 1, 1, "01"), "Gaji dan Tunjangan", 700_000_000, 450_000_000),
    ((5, 1, 1, "01", "01"), "Gaji Pokok PNS", 700_000_000, 450_000_000),
    ((5, 2), "BELANJA LANGSUNG", 650_000_000, 205_000_000),
    ((5, 2, 2), "Belanja Barang dan Jasa", 400_000_000, 160_000_000),
    ((5, 2, 2, "01"), "Belanja Bahan Pakai Habis", 400_000_000, 160_000_000),
    ((5, 2, 2, "01", "01"), "Belanja Alat Tulis Kantor", 150_000_000, 60_000_000),
    ((5, 2, 2, "01", "02"), "Belanja Perangko dan Materai", 250_000_000, 100_000_000),
    ((5, 2, 3), "Belanja Modal", 250_000_000, 45_000_000),
    ((5, 2, 3, "29"), "Belanja Modal Pengadaan Komputer", 250_000_000, 45_000_000),
    ((5, 2, 3, "29", "01"), "Belanja Modal Pengadaan Komputer/PC", 250_000_000, 45_000_000),
]


@pytest.mark.parametrize("merged", [False, True])
def test_a_kode_rekening_written_over_five_columns_is_one_code(tmp_path: Path, merged: bool) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="cp1252")
    sheet = book.add_sheet("LRA")
    title = ["PEMERINTAH KABUPATEN CONTOH", "LAPORAN REALISASI ANGGARAN BELANJA DAERAH"]
    title += ["Unit Organisasi : 1.02.01 DINAS KESEHATAN", "Periode : 1 Januari 2019 s/d 30 September 2019"]
    for i, line in enumerate(title):
        sheet.write(i, 0, line)
    if merged:
        sheet.write_merge(5, 5, 0, 4, "KODE REKENING")
    else:
        sheet.write(5, 0, "KODE REKENING")
    for j, header in enumerate(["URAIAN", "ANGGARAN", "REALISASI", "LEBIH/(KURANG)"], start=5):
        sheet.write(5, j, header)
    for i, (code, label, budget, realized) in enumerate(SIMDA_LINES, start=6):
        for j, part in enumerate(code):
            sheet.write(i, j, part)
        for j, value in enumerate([label, budget, realized, realized - budget], start=5):
            sheet.write(i, j, value)
    path = tmp_path / "lra.xls"
    book.save(str(path))
    result = CliRunner().invoke(app, ["--lang", "en", "rank", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    (unit,) = json.loads(result.stdout)["units"]
    # the leaves: 700 + 150 + 250 + 250 million; realized 450 + 60 + 100 + 45
    assert (unit["budget"], unit["realized"]) == (1_350_000_000, 655_000_000)
    modal = unit["categories"]["modal"]
    assert (modal["budget"], modal["realized"]) == (250_000_000, 45_000_000)


MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September"]
MONTHS_ID += ["Oktober", "November", "Desember"]


def test_realizations_to_date_month_by_month_read_the_latest_filled_in(tmp_path: Path) -> None:
    # a year's sheet of "Realisasi s.d. <bulan>", filled in through September
    header = ["No", "Perangkat Daerah", "Pagu Anggaran", *[f"Realisasi s.d. {m}" for m in MONTHS_ID]]
    rows: list[list[object]] = [["PERKEMBANGAN REALISASI BELANJA TAHUN ANGGARAN 2024"], [], header]
    units = {"Dinas Kesehatan": (900_000_000, 37_000_000), "Dinas Sosial": (400_000_000, 11_000_000)}
    for i, (name, (budget, monthly)) in enumerate(units.items(), start=1):
        rows.append([i, name, budget, *[monthly * month for month in range(1, 10)]])
    result = CliRunner().invoke(
        app, ["--lang", "en", "rank", str(openpyxl_book(tmp_path / "r.xlsx", {"S": rows})), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {u["name"]: u["realized"] for u in doc["units"]} == {
        "Dinas Kesehatan": 333_000_000,
        "Dinas Sosial": 99_000_000,
    }
    assert {u["as_of"] for u in doc["units"]} == {"2024-09-30"}
    assert not [w for w in doc["warnings"] if w["code"] == "W-MEASURES-APART"]
