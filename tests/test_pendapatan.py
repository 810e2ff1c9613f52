"""Pendapatan (account 4) ranked in its own right from the same LRA that holds belanja and pembiayaan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book, xlsxwriter_book
from realisasi_cli.cli.application import app

runner = CliRunner()
HEADER = ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]

# Two SIPD-style LRAs of accounts 4, 5 and 6, as one SKPD's export carries them, to 30 June 2024.
# Pendapatan leaves, Dinas Perhubungan: retribusi 400 of 1.000 and 250 of 500 → 650 of 1.500.
DISHUB = [
    ("4", "PENDAPATAN DAERAH", 1_500, 650),
    ("4.1", "PENDAPATAN ASLI DAERAH (PAD)", 1_500, 650),
    ("4.1.02", "Retribusi Daerah", 1_500, 650),
    ("4.1.02.01.01.0001", "Retribusi Pelayanan Parkir di Tepi Jalan Umum", 1_000, 400),
    ("4.1.02.02.01.0002", "Retribusi Terminal", 500, 250),
    ("5", "BELANJA DAERAH", 9_000, 4_000),
    ("5.1", "BELANJA OPERASI", 9_000, 4_000),
    ("5.1.02", "Belanja Barang dan Jasa", 9_000, 4_000),
    ("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 9_000, 4_000),
    ("6", "PEMBIAYAAN DAERAH", 300, 300),
    ("6.1", "PENERIMAAN PEMBIAYAAN", 300, 300),
    ("6.1.01.01.01.0001", "SiLPA", 300, 300),
]
# BPKAD: pajak 3.000 of 4.000, transfer 5.000 of 10.000, lain-lain 100 of 1.000; its 4.1 subtotal
# is written 4.100 although its one line is 4.000: the line counts (and a warning says so).
BPKAD = [
    ("4", "PENDAPATAN DAERAH", 15_000, 8_100),
    ("4.1", "PENDAPATAN ASLI DAERAH (PAD)", 4_100, 3_000),
    ("4.1.01.09.01.0001", "Pajak Reklame", 4_000, 3_000),
    ("4.2", "PENDAPATAN TRANSFER", 10_000, 5_000),
    ("4.2.01.01.01.0001", "Dana Alokasi Umum", 10_000, 5_000),
    ("4.3", "LAIN-LAIN PENDAPATAN DAERAH YANG SAH", 1_000, 100),
    ("4.3.03.01.01.0001", "Pendapatan Hibah", 1_000, 100),
    ("5", "BELANJA DAERAH", 20_000, 2_000),
    ("5.2", "BELANJA MODAL", 20_000, 2_000),
    ("5.2.02.01.01.0001", "Belanja Modal Alat Berat", 20_000, 2_000),
]


def lra(title_unit: str, lines: list[tuple[str, str, int, int]]) -> list[list[object]]:
    return [
        ["LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH"],
        [title_unit],
        ["TAHUN ANGGARAN 2024"],
        ["PERIODE 1 JANUARI 2024 s.d. 30 JUNI 2024"],
        [],
        HEADER,
        *([code, name, budget, real] for code, name, budget, real in lines),
    ]


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "lra"
    folder.mkdir()
    openpyxl_book(
        folder / "lra_dishub.xlsx", {"LRA": lra("SKPD: 2.15.0.00.0.00.01.0000 DINAS PERHUBUNGAN", DISHUB)}
    )
    xlsxwriter_book(
        folder / "lra_bpkad.xlsx", lra("SKPD: 5.02.0.00.0.00.01.0000 BADAN PENGELOLAAN KEUANGAN", BPKAD)
    )
    return folder


def rank(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["rank", *args, "-f", "json", "--all"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_pendapatan_ranks_account_4_by_its_realization_of_the_target(exports: Path) -> None:
    doc = rank(str(exports), "--pendapatan")
    assert doc["domain"] == "pendapatan"
    units = {u["name"]: u for u in doc["units"]}
    dishub, bpkad = units["DINAS PERHUBUNGAN"], units["BADAN PENGELOLAAN KEUANGAN"]
    assert (dishub["budget"], dishub["realized"]) == (1_000 + 500, 400 + 250)
    assert (bpkad["budget"], bpkad["realized"]) == (4_000 + 10_000 + 1_000, 3_000 + 5_000 + 100)
    assert dishub["absorption_pct"] == pytest.approx(100 * 650 / 1_500)
    assert bpkad["absorption_pct"] == pytest.approx(100 * 8_100 / 15_000)
    assert doc["total"]["budget"] == 16_500 and doc["total"]["realized"] == 8_750
    # lowest first: Dishub at 43,33 %, then BPKAD at 54,00 %
    assert [u["name"] for u in doc["units"]] == ["DINAS PERHUBUNGAN", "BADAN PENGELOLAAN KEUANGAN"]
    # the kinds of pendapatan, PAD's pajak and retribusi under it
    assert bpkad["categories"]["pad"]["budget"] == 4_000 and bpkad["categories"]["pad"]["realized"] == 3_000
    assert bpkad["categories"]["pendapatan_transfer"]["realized"] == 5_000
    assert dishub["categories"]["pad"]["absorption_pct"] == pytest.approx(100 * 650 / 1_500)
    # the 4.1 subtotal written 4.100 over its one line of 4.000
    assert any(w["code"] == "W-SUBTOTAL" and "lra_bpkad" in w["file"] for w in doc["warnings"])


def test_belanja_stays_belanja_in_the_same_exports(exports: Path) -> None:
    doc = rank(str(exports))
    assert doc.get("domain", "belanja") == "belanja"
    units = {u["name"]: u for u in doc["units"]}
    assert (units["DINAS PERHUBUNGAN"]["budget"], units["DINAS PERHUBUNGAN"]["realized"]) == (9_000, 4_000)
    assert (
        units["BADAN PENGELOLAAN KEUANGAN"]["budget"],
        units["BADAN PENGELOLAAN KEUANGAN"]["realized"],
    ) == (
        20_000,
        2_000,
    )


def test_the_table_speaks_of_targets_and_pendapatan(exports: Path) -> None:
    result = runner.invoke(app, ["rank", str(exports), "--pendapatan"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.stderr
    assert "Pendapatan" in result.stdout and "Target" in result.stdout
    assert "43,33%" in result.stdout and "54,00%" in result.stdout
    assert "Rp8.750 / Rp16.500" in result.stdout


def test_a_belanja_only_export_has_no_pendapatan_to_rank(tmp_path: Path) -> None:
    rows = lra(
        "SKPD: 1.01.0.00.0.00.01.0000 DINAS PENDIDIKAN",
        [("5", "BELANJA", 100, 50), ("5.1.02.01", "ATK", 100, 50)],
    )
    path = openpyxl_book(tmp_path / "lra_disdik.xlsx", {"LRA": rows})
    result = runner.invoke(app, ["rank", str(path), "--pendapatan"])
    assert result.exit_code == 1
    assert "[E-NO-REVENUE]" in result.stderr and "lra_disdik.xlsx" in result.stderr


def test_quarters_and_the_brief_carry_pendapatan(exports: Path) -> None:
    quarters = runner.invoke(app, ["quarters", str(exports), "--pendapatan", "-f", "json"])
    assert quarters.exit_code == 0, quarters.stderr
    doc = json.loads(quarters.stdout)
    (q2,) = [q for q in doc["total"]["quarters"] if q["quarter"] == 2]
    assert q2["cumulative"] == 8_750 and doc["total"]["budget"] == 16_500
    brief = runner.invoke(app, ["brief", str(exports), "--pendapatan", "--meeting-date", "2024-07-10", "-q"])
    assert brief.exit_code == 0, brief.stderr
    text = brief.stdout
    assert "## Realisasi Pendapatan" in text
    section = text.split("## Realisasi Pendapatan", 1)[1]
    assert "Rp8.750" in section and "Rp16.500" in section and "53,03%" in section  # 8.750 / 16.500
    assert "DINAS PERHUBUNGAN" in section and "43,33%" in section


REAL = Path(__file__).resolve().parents[2] / "shared" / "real_data" / "toba_2022_lra_per_skpd" / "lra"


@pytest.mark.skipif(not REAL.is_dir(), reason="the real exports are not on this machine")
def test_toba_ppkd_lra_ranks_its_pendapatan_row_4() -> None:
    # 33_lra's row "4 PENDAPATAN DAERAH": ANGGARAN 960.503.340.274, REALISASI 638.444.971.413
    # (to 30 Sep 2022), the sum of its 4.1 PAD, 4.2 transfer and 4.3 lain-lain rows below it
    assert 15_519_946_327 + 937_283_393_947 + 7_700_000_000 == 960_503_340_274
    doc = rank(str(REAL / "33_lra_20221205-115140.xlsx"), "--pendapatan")
    (unit,) = doc["units"]
    assert (unit["budget"], unit["realized"]) == (960_503_340_274, 638_444_971_413)
    assert unit["as_of"] == "2022-09-30"
    assert unit["categories"]["pendapatan_transfer"]["realized"] == 623_469_355_764


def test_a_rekap_without_codes_titled_pendapatan_beside_its_belanja_is_left_out(tmp_path: Path) -> None:
    def sheet(title: str, units: list[tuple[str, int, int]]) -> list[list[object]]:
        rows: list[list[object]] = [["PEMERINTAH KABUPATEN CONTOH"], [title], ["s.d. 30 September 2024"], []]
        rows.append(["No", "Perangkat Daerah", "Anggaran", "Realisasi"])
        rows += [[i, name, budget, real] for i, (name, budget, real) in enumerate(units, start=1)]
        return rows

    belanja = [("Dinas Kesehatan", 11_950_000_000, 6_546_913_569)]
    belanja += [("Badan Pendapatan Daerah", 5_432_100_000, 3_210_987_654)]
    pendapatan = [("Dinas Kesehatan", 4_500_000_000, 3_901_234_567)]
    pendapatan += [("Badan Pendapatan Daerah", 95_000_000_000, 71_234_567_890)]
    # the pendapatan sheet comes last, as a later sheet of the same date would win
    path = openpyxl_book(
        tmp_path / "realisasi_apbd.xlsx",
        {
            "Belanja": sheet("REALISASI BELANJA DAERAH PER PERANGKAT DAERAH", belanja),
            "Pendapatan": sheet("REALISASI PENDAPATAN DAERAH PER PERANGKAT DAERAH", pendapatan),
        },
    )
    result = runner.invoke(app, ["rank", str(path), "--all", "-f", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        name: (budget, real) for name, budget, real in belanja
    }
    (left,) = [w for w in doc["warnings"] if w["code"] == "W-LEFT-OUT"]
    assert left["sheet"] == "Pendapatan" and "title speaks of pendapatan" in left["message"]
    # a unit's own belanja LRA without codes, whose unit is the Badan Pendapatan, stays belanja
    own = sheet("LAPORAN REALISASI ANGGARAN BADAN PENDAPATAN DAERAH", belanja[1:])
    path = openpyxl_book(tmp_path / "bapenda.xlsx", {"LRA": own})
    result = runner.invoke(app, ["rank", str(path), "--all", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total"]["realized"] == 3_210_987_654


def _uncoded_lra(path: Path, sections: list[list[list[object]]]) -> Path:
    rows: list[list[object]] = [
        ["PEMERINTAH KABUPATEN CONTOH"],
        ["BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH"],
        ["LAPORAN REALISASI ANGGARAN TAHUN 2024 s.d. 31 Oktober 2024"],
        ["No", "Uraian", "Anggaran (Rp)", "Realisasi (Rp)", "%"],
    ]
    for section in sections:
        rows += section
    return openpyxl_book(path, {"Realisasi": rows})


BELANJA: list[list[object]] = [
    ["I", "BELANJA OPERASI", 84_512_300_000, 51_204_117_350, None],
    ["1", "Belanja Pegawai", 60_000_000_000, 40_000_000_000, None],
    ["2", "Belanja Barang dan Jasa", 24_512_300_000, 11_204_117_350, None],
    ["II", "BELANJA MODAL", 3_250_000_000, 1_102_450_000, None],
    ["1", "Belanja Modal Peralatan dan Mesin", 3_250_000_000, 1_102_450_000, None],
    [None, "JUMLAH BELANJA", 87_762_300_000, 52_306_567_350, None],
]
PENDAPATAN: list[list[object]] = [
    ["III", "PENDAPATAN", 2_000_000_000, 1_700_000_000, None],
    ["1", "Retribusi Daerah", 2_000_000_000, 1_700_000_000, None],
    [None, "JUMLAH PENDAPATAN", 2_000_000_000, 1_700_000_000, None],
]
SURPLUS: list[list[object]] = [[None, "SURPLUS / (DEFISIT)", 1_237_700_000, 3_393_432_650, None]]
PEMBIAYAAN: list[list[object]] = [
    ["IV", "PEMBIAYAAN", 25_000_000_000, 20_000_000_000, None],
    ["1", "Penyertaan Modal Daerah pada PT Bank Pembangunan Daerah", 25_000_000_000, 20_000_000_000, None],
]


@pytest.mark.parametrize(
    "order",
    [[BELANJA, PENDAPATAN, PEMBIAYAAN], [PENDAPATAN, BELANJA, SURPLUS, PEMBIAYAAN]],
    ids=["last", "first"],
)
def test_the_lines_under_pendapatan_and_pembiayaan_of_an_uncoded_lra_are_not_spending(
    tmp_path: Path, order: list[list[list[object]]]
) -> None:
    path = _uncoded_lra(tmp_path / "lra.xlsx", order)
    result = CliRunner().invoke(app, ["rank", str(path), "--format", "json", "--all"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (unit,) = document["units"]
    assert (unit["budget"], unit["realized"]) == (87_762_300_000, 52_306_567_350)
    assert not document["warnings"]
    assert unit["categories"]["modal"]["budget"] == 3_250_000_000
    assert unit["categories"]["modal"]["realized"] == 1_102_450_000


def test_a_pendapatan_section_ends_at_its_jumlah_and_a_line_named_pembiayaan_is_spending(
    tmp_path: Path,
) -> None:
    sections: list[list[list[object]]] = [
        [
            ["I", "PENDAPATAN", 5_000_000_000, 3_000_000_000, None],
            ["1", "Retribusi Pelayanan Kesehatan", 5_000_000_000, 3_000_000_000, None],
            [None, "JUMLAH PENDAPATAN", 5_000_000_000, 3_000_000_000, None],
            ["II", "PROGRAM PELAYANAN KESEHATAN", 100_000_000_000, 45_000_000_000, None],
            [
                "1",
                "Kegiatan Pembiayaan Jaminan Kesehatan Penduduk Miskin",
                70_000_000_000,
                25_000_000_000,
                None,
            ],
            ["2", "Kegiatan Penyediaan Obat", 30_000_000_000, 20_000_000_000, None],
        ]
    ]
    path = _uncoded_lra(tmp_path / "lra.xlsx", sections)
    result = CliRunner().invoke(app, ["rank", str(path), "--format", "json", "--all"])
    assert result.exit_code == 0, result.output
    (unit,) = json.loads(result.stdout)["units"]
    assert (unit["budget"], unit["realized"]) == (100_000_000_000, 45_000_000_000)


def test_a_kegiatan_named_pembiayaan_among_belanja_lines_is_spending(tmp_path: Path) -> None:
    lines: list[list[list[object]]] = [
        [
            ["1", "Kegiatan Penyediaan Obat", 30_000_000_000, 20_000_000_000, None],
            ["2", "Pembiayaan Jaminan Kesehatan Penduduk Miskin", 10_000_000_000, 6_000_000_000, None],
            ["3", "Kegiatan Imunisasi", 60_000_000_000, 19_000_000_000, None],
        ]
    ]
    path = _uncoded_lra(tmp_path / "lra.xlsx", lines)
    result = CliRunner().invoke(app, ["rank", str(path), "--format", "json", "--all"])
    (unit,) = json.loads(result.stdout)["units"]
    assert (unit["budget"], unit["realized"]) == (100_000_000_000, 45_000_000_000)
