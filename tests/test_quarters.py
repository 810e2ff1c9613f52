"""Quarters, categories, targets, pace and changes, with answers worked out independently."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book, xlsxwriter_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.dates import as_of_in, month_in_name, part_end_in

runner = CliRunner()


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_quarter_columns_give_each_quarters_own_and_cumulative_amounts(expected: dict[str, Any]) -> None:
    doc = run_json("quarters", str(SAMPLES / "realisasi_rinci_tw_2023.xlsx"), "--all")
    truth = expected["realisasi_rinci_tw_2023.xlsx"]["quarters"]
    assert doc["targets_pct"] == [15, 40, 65, 95]
    for got, want in zip(doc["total"]["quarters"], truth["total"], strict=True):
        assert got["quarter"] == want["quarter"]
        assert got["realized"] == pytest.approx(want["realized"], abs=0.5)
        assert got["cumulative_pct"] == pytest.approx(want["absorption_pct"], abs=0.01)
        assert got["gap_pp"] == pytest.approx(
            want["absorption_pct"] - [15, 40, 65][got["quarter"] - 1], abs=0.01
        )
    by_name = {u["name"]: u for u in doc["units"]}
    for unit in truth["units"]:
        got_quarters = by_name[unit["name"]]["quarters"]
        for got, want in zip(got_quarters, unit["by_quarter"], strict=True):
            assert got["cumulative_pct"] == pytest.approx(want["absorption_pct"], abs=0.01)
            assert got["realized"] == pytest.approx(want["realized"], abs=0.5)
    last = [u["quarters"][-1]["cumulative_pct"] for u in doc["units"]]
    assert last == sorted(last)


def test_month_columns_with_quarter_subtotals_between_them_count_once(tmp_path: Path) -> None:
    months = ["Januari", "Februari", "Maret", "Triwulan I", "April", "Mei", "Juni", "Triwulan II"]
    rows: list[list[object]] = [
        ["REALISASI BELANJA PER BULAN TAHUN ANGGARAN 2023"],
        ["Nama OPD", "Pagu", *months],
        ["Dinas A", 1200, 10, 20, 30, 60, 40, 50, 60, 150],
        ["Dinas B", 1000, 0, 0, 100, 100, 0, 0, 0, 0],
    ]
    path = openpyxl_book(tmp_path / "bulanan.xlsx", {"S": rows})
    doc = run_json("quarters", str(path), "--all")
    units = {u["name"]: u["quarters"] for u in doc["units"]}
    assert [q["realized"] for q in units["Dinas A"]] == [60, 150]
    assert [q["cumulative"] for q in units["Dinas A"]] == [60, 210]
    assert units["Dinas A"][1]["cumulative_pct"] == pytest.approx(17.5)
    assert [q["cumulative"] for q in units["Dinas B"]] == [100, 100]
    rank = run_json("rank", str(path), "--all")
    assert {u["name"]: u["realized"] for u in rank["units"]} == {"Dinas A": 210, "Dinas B": 100}


def test_units_merged_over_their_jenis_belanja_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAP s.d. 30 Juni 2023"],
        [],
        ["Perangkat Daerah", "Jenis Belanja", "Pagu", "Realisasi"],
        ["DINAS A", "Belanja Operasi", 800, 400],
        [None, "Belanja Modal", 200, 20],
        ["DINAS B", "Belanja Operasi", 500, 100],
        [None, "Belanja Modal", 500, 400],
    ]
    merges = [(3, 0, 4, 0, "DINAS A"), (5, 0, 6, 0, "DINAS B")]
    path = xlsxwriter_book(tmp_path / "jenis.xlsx", rows, merges)
    doc = run_json("rank", str(path), "--all")
    assert {u["name"]: u["absorption_pct"] for u in doc["units"]} == {"DINAS A": 42.0, "DINAS B": 50.0}
    assert doc["warnings"] == []
    modal = run_json("rank", str(path), "--all", "--category", "modal")
    assert [(u["name"], u["absorption_pct"]) for u in modal["units"]] == [
        ("DINAS A", 10.0),
        ("DINAS B", 80.0),
    ]


def test_modal_ranking_on_the_sample(expected: dict[str, Any]) -> None:
    doc = run_json("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--all", "-c", "modal")
    truth = {
        u["name"]: 100 * u["modal_realized"] / u["modal_budget"]
        for u in expected["rekap_pd_10nov2023.xlsx"]["units"]
        if u["modal_budget"]
    }
    assert [u["name"] for u in doc["units"]] == sorted(truth, key=lambda n: (truth[n], n))
    for unit in doc["units"]:
        assert unit["absorption_pct"] == pytest.approx(truth[unit["name"]], abs=0.01)
    assert {u["reason"] for u in doc["unranked"]} == {"no_budget"}
    assert doc["category"] == "modal"


def test_pre_2021_accounts_put_modal_under_5_2_3(tmp_path: Path) -> None:
    rows = [
        ["SKPD : DINAS LAMA"],
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["5", "BELANJA", 1000, 500],
        ["5.1", "BELANJA TIDAK LANGSUNG", 400, 300],
        ["5.1.1", "Belanja Pegawai", 400, 300],
        ["5.2", "BELANJA LANGSUNG", 600, 200],
        ["5.2.2", "Belanja Barang dan Jasa", 350, 150],
        ["5.2.3", "Belanja Modal", 250, 50],
    ]
    path = openpyxl_book(tmp_path / "lra_2019.xlsx", {"S": rows})
    modal = run_json("rank", str(path), "--all", "-c", "modal")
    assert [(u["budget"], u["realized"]) for u in modal["units"]] == [(250, 50)]
    operasi = run_json("rank", str(path), "--all", "-c", "operasi")
    assert [(u["budget"], u["realized"]) for u in operasi["units"]] == [(750, 450)]


def test_lampung_selatan_monthly_exports_give_q1_from_march_and_q2_from_june(real_data: Path) -> None:
    folder = real_data / "lamsel_diskominfo_sipd"
    files = sorted(str(p) for p in folder.glob("lra_*.xlsx"))
    assert len(files) == 7
    result = runner.invoke(app, ["quarters", *files, "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    cumulative = [q["cumulative"] for q in doc["total"]["quarters"]]
    # the 'Jumlah' row, column G (Operasi realisasi) of lra_maret and lra_juni; modal realized 0
    assert cumulative[:2] == [637_656_722, 977_101_743]
    assert "lra_juni.xlsx" in result.stderr and "turun dari" in result.stderr
    assert any("lra_juni.xlsx" in w["file"] for w in doc["warnings"])


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("s.d. 30 September 2023", date(2023, 9, 30)),
        ("Keadaan s.d. Tanggal 10 November 2023", date(2023, 11, 10)),
        ("Per 10 November 2023", date(2023, 11, 10)),
        ("Periode : 1 Januari 2023 s.d. 30 September 2023", date(2023, 9, 30)),
        ("SAMPAI DENGAN FEBRUARI 2023", date(2023, 2, 28)),
        ("periode Januari s.d Oktober 2022", date(2022, 10, 31)),
        ("periode …………. s.d ………….. 2022", None),
        ("Sampai dengan Bulan Mei Tahun 2024", date(2024, 5, 31)),
    ],
)
def test_as_of_from_title_rows(text: str, day: date | None) -> None:
    assert as_of_in(text) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("REALISASI TRIWULAN III TAHUN ANGGARAN 2024", date(2024, 9, 30)),
        ("Realisasi s.d. TW II 2024", date(2024, 6, 30)),
        ("Laporan Triwulan ke-4 Tahun 2024", date(2024, 12, 31)),
        ("Laporan Realisasi Semester I Tahun 2024", date(2024, 6, 30)),
        ("LAPORAN REALISASI SEMESTER II T.A. 2023", date(2023, 12, 31)),
        ("Target Triwulan I s.d. IV 2024", None),
        ("LAPORAN REALISASI ANGGARAN TAHUN 2024", None),
    ],
)
def test_the_end_of_a_quarter_or_half_year_a_title_names(text: str, day: date | None) -> None:
    assert part_end_in(text) == day


def test_a_rekap_of_a_quarter_is_dated_at_its_end_and_a_date_written_out_comes_first(tmp_path: Path) -> None:
    def rekap(name: str, title: list[str], realized: int) -> Path:
        rows: list[list[object]] = [[line] for line in title]
        rows += [[], ["No", "Perangkat Daerah", "Pagu", "Realisasi"]]
        rows += [[1, "Dinas Kesehatan", 900_000, realized]]
        return openpyxl_book(tmp_path / name, {"Rekap": rows})

    july = rekap("a.xlsx", ["REKAPITULASI REALISASI BELANJA", "Keadaan s.d. 31 Juli 2024"], 300_000)
    quarter = rekap("b.xlsx", ["REKAPITULASI REALISASI BELANJA", "TRIWULAN III TAHUN ANGGARAN 2024"], 500_000)
    result = runner.invoke(app, ["rank", str(july), str(quarter), "--format", "json", "--all"])
    assert result.exit_code == 0, result.output
    (unit,) = json.loads(result.stdout)["units"]
    assert (unit["realized"], unit["as_of"]) == (500_000, "2024-09-30")
    # a date written out on another line of the title is the date, not the quarter's end
    title = ["LAPORAN REALISASI TRIWULAN III TAHUN 2024", "Keadaan s.d. 15 Agustus 2024"]
    both = rekap("c.xlsx", title, 400_000)
    result = runner.invoke(app, ["rank", str(both), "--format", "json", "--all"])
    assert json.loads(result.stdout)["units"][0]["as_of"] == "2024-08-15"


def test_as_of_from_the_file_name_and_the_fiscal_year(tmp_path: Path) -> None:
    rows = [["TAHUN ANGGARAN 2026"], ["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 100, 10]]
    path = openpyxl_book(tmp_path / "lra_maret.xlsx", {"S": rows})
    assert run_json("rank", str(path))["as_of"] == "2026-03-31"
    assert month_in_name("lra_pebruari") == 2
    assert run_json("rank", str(path), "--as-of", "2026-04-15")["as_of"] == "2026-04-15"


def test_pace_and_change_since_the_previous_export(expected: dict[str, Any]) -> None:
    now = SAMPLES / "rekap_pd_10nov2023.xlsx"
    before = SAMPLES / "rekap_opd_30sep2023.xls"
    doc = run_json("rank", str(now), "--previous", str(before), "--pace", "--all")
    total_now = expected[now.name]["total"]["absorption_pct"]
    total_before = expected[before.name]["total"]["absorption_pct"]
    assert doc["total_change_pp"] == pytest.approx(total_now - total_before, abs=0.01)
    # 10 November: 10 months and 10 of November's 30 days elapsed; 1 2/3 months remain
    elapsed = 10 + 10 / 30
    assert doc["pace"]["monthly_pct"] == pytest.approx(total_now / elapsed, abs=0.01)
    assert doc["pace"]["projected_pct"] == pytest.approx(12 * total_now / elapsed, abs=0.01)
    assert doc["pace"]["needed_monthly_pct"] == pytest.approx((95 - total_now) / (12 - elapsed), abs=0.01)
    earlier = {u["name"]: u["absorption_pct"] for u in expected[before.name]["units"]}
    for unit in doc["units"]:
        assert unit["change_pp"] == pytest.approx(unit["absorption_pct"] - earlier[unit["name"]], abs=0.01)
    bottom_now = {
        u["name"] for u in sorted(expected[now.name]["units"], key=lambda u: u["absorption_pct"])[:10]
    }
    bottom_before = set(sorted(earlier, key=lambda n: earlier[n])[:10])
    assert {u["name"] for u in doc["entered_bottom"]} == bottom_now - bottom_before
    assert {u["name"] for u in doc["left_bottom"]} == bottom_before - bottom_now


def test_targets_option_and_its_validation() -> None:
    doc = run_json("quarters", str(SAMPLES / "realisasi_rinci_tw_2023.xlsx"), "--targets", "10,30,50,90")
    assert doc["targets_pct"] == [10, 30, 50, 90]
    assert doc["total"]["quarters"][2]["target_pct"] == 50
    bad = runner.invoke(
        app, ["quarters", str(SAMPLES / "realisasi_rinci_tw_2023.xlsx"), "--targets", "90,10"]
    )
    assert bad.exit_code == 2 and "--targets" in bad.stderr


def test_quarters_outputs(tmp_path: Path) -> None:
    source = str(SAMPLES / "realisasi_rinci_tw_2023.xlsx")
    table = runner.invoke(app, ["quarters", source])
    assert table.exit_code == 0 and "TW III" in table.stdout
    for suffix in ("csv", "xlsx", "md"):
        out = tmp_path / f"q.{suffix}"
        assert runner.invoke(app, ["quarters", source, "-o", str(out), "-q"]).exit_code == 0
        assert out.stat().st_size > 0
    assert "| **Total** |" in (tmp_path / "q.md").read_text(encoding="utf-8")


def test_aliases_and_rollup(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "Kode SKPD;Nama SKPD;Pagu;Realisasi\n"
        "1.02.0.00.0.00.01.0000;DINAS KESEHATAN;100;50\n"
        "1.02.0.00.0.00.01.0001;RSUD KOTA;300;250\n"
        ";DINKES;100;10\n",
        encoding="utf-8",
    )
    config = tmp_path / "realisasi.toml"
    config.write_text('[units]\n"DINKES" = "1.02.0.00.0.00.01.0000"\n', encoding="utf-8")
    result = runner.invoke(app, ["--config", str(config), "rank", str(path), "--all", "-f", "json", "-q"])
    doc = json.loads(result.stdout)
    assert {u["code"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "1.02.0.00.0.00.01.0000": (200, 60),
        "1.02.0.00.0.00.01.0001": (300, 250),
    }
    rolled = runner.invoke(
        app, ["--config", str(config), "rank", str(path), "--all", "--rollup", "-f", "json"]
    )
    units = json.loads(rolled.stdout)["units"]
    assert [(u["code"], u["budget"], u["realized"]) for u in units] == [("1.02.0.00.0.00.01.0000", 500, 310)]


def test_plan_gives_each_unit_its_own_targets(tmp_path: Path) -> None:
    plan_rows: list[list[object]] = [
        ["RENCANA ANGGARAN KAS TAHUN ANGGARAN 2023"],
        ["Nama OPD", "Januari", "Februari", "Maret", "April", "Mei", "Juni"],
        ["Dinas A", 100, 100, 100, 200, 200, 200],
        ["Dinas B", 0, 0, 50, 0, 0, 50],
    ]
    plan = openpyxl_book(tmp_path / "rak.xlsx", {"RAK": plan_rows})
    real_rows: list[list[object]] = [
        ["REALISASI s.d. 30 Juni 2023"],
        ["Nama OPD", "Pagu", "Realisasi TW I", "Realisasi TW II"],
        ["Dinas A", 2000, 150, 450],
        ["Dinas B", 500, 10, 0],
    ]
    real = openpyxl_book(tmp_path / "realisasi.xlsx", {"S": real_rows})
    doc = run_json("quarters", str(real), "--plan", str(plan), "--all")
    assert doc["targets_pct"] == [15, 40, 65, 95]  # for any unit without a plan
    units = {u["name"]: u["quarters"] for u in doc["units"]}
    # Dinas A: plan 300 by March, 900 by June, of a 2000 budget; realized 150, then 600
    assert [q["target_pct"] for q in units["Dinas A"]] == [15.0, 45.0]
    assert [q["gap_pp"] for q in units["Dinas A"]] == [7.5 - 15.0, 30.0 - 45.0]
    assert [q["deviation_pct"] for q in units["Dinas A"]] == [50.0, pytest.approx(100 * 300 / 900, abs=1e-4)]
    assert [q["target_pct"] for q in units["Dinas B"]] == [10.0, 20.0]
    assert doc["total"]["quarters"][1]["target_pct"] == pytest.approx(100 * 1000 / 2500)


def test_plan_from_the_real_sipd_rak_export(real_data: Path) -> None:
    folder = real_data / "lamsel_diskominfo_sipd"
    rak = next(folder.glob("RAK_Belanja_*.xlsx"))
    doc = run_json("quarters", str(folder / "lra_maret.xlsx"), "--plan", str(rak))
    (q1,) = doc["total"]["quarters"]
    # the unit's RAK row: Januari 940.984.719 + Februari 1.532.480.122 + Maret 1.342.084.725
    assert q1["plan"] == 940_984_719 + 1_532_480_122 + 1_342_084_725
    assert q1["target_pct"] == pytest.approx(100 * q1["plan"] / (10_701_893_800 + 109_048_100), abs=1e-3)


def test_physical_progress_beside_financial_absorption(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["LAPORAN REALISASI FISIK DAN KEUANGAN s.d. 30 September 2023"],
        ["Perangkat Daerah", "Pagu", "Realisasi", "Realisasi", "Target Fisik"],
        [None, None, "Keuangan", "Fisik (%)", None],
        ["Dinas A", 1000, 400, "55,5", 60],
        ["Dinas B", 2000, 1500, "70", 80],
    ]
    path = openpyxl_book(tmp_path / "rfk.xlsx", {"S": rows}, {"S": ["A2:A3", "B2:B3", "E2:E3"]})
    doc = run_json("rank", str(path), "--all")
    by_name = {u["name"]: u for u in doc["units"]}
    assert by_name["Dinas A"]["absorption_pct"] == 40.0
    assert by_name["Dinas A"]["physical"] == {"realized_pct": 55.5, "target_pct": 60.0, "deviation_pp": 15.5}
    assert by_name["Dinas B"]["physical"]["deviation_pp"] == -5.0


def test_long_table_with_a_month_column_counts_the_budget_once(tmp_path: Path) -> None:
    path = tmp_path / "bulanan.csv"
    path.write_text(
        "Kode OPD;Nama OPD;Bulan;Pagu;Realisasi\n"
        "1.01.0.00.0.00.01.0000;DINAS A;Januari;1.000,00;50,00\n"
        "1.01.0.00.0.00.01.0000;DINAS A;Februari;1.000,00;100,00\n"
        "1.01.0.00.0.00.01.0000;DINAS A;April;1.000,00;200,00\n"
        "1.02.0.00.0.00.01.0000;DINAS B;Maret;400,00;40,00\n",
        encoding="utf-8",
    )
    doc = run_json("quarters", str(path), "--as-of", "2023-04-30", "--all")
    units = {u["name"]: u for u in doc["units"]}
    assert units["DINAS A"]["budget"] == 1000
    assert [q["realized"] for q in units["DINAS A"]["quarters"]] == [150, 200]
    assert [q["cumulative_pct"] for q in units["DINAS A"]["quarters"]] == [15.0, 35.0]
    # no row for DINAS B after March: nothing paid, its total stands until the table ends
    assert [q["cumulative"] for q in units["DINAS B"]["quarters"]] == [40, 40]
    rank = run_json("rank", str(path), "--as-of", "2023-04-30", "--all")
    assert {u["name"]: (u["budget"], u["realized"]) for u in rank["units"]} == {
        "DINAS A": (1000, 350),
        "DINAS B": (400, 40),
    }


def test_sp2d_register_by_date_with_budgets_from_another_file(tmp_path: Path) -> None:
    import datetime as dt

    register = openpyxl_book(
        tmp_path / "sp2d.xlsx",
        {
            "SP2D": [
                ["REGISTER SP2D TAHUN ANGGARAN 2023"],
                ["No", "Tanggal SP2D", "Nama SKPD", "Nilai SP2D"],
                [1, dt.datetime(2023, 2, 10), "DINAS A", 100],
                [2, dt.datetime(2023, 5, 3), "DINAS A", 300],
                [3, dt.datetime(2023, 3, 31), "DINAS B", 50],
            ]
        },
    )
    budgets = tmp_path / "dpa.csv"
    budgets.write_text("Nama SKPD;Pagu\nDINAS A;1000\nDINAS B;500\n", encoding="utf-8")
    doc = run_json("quarters", str(register), str(budgets), "--all")
    assert [q["cumulative"] for q in doc["total"]["quarters"]] == [150, 450]
    assert {u["name"]: [q["cumulative"] for q in u["quarters"]] for u in doc["units"]} == {
        "DINAS A": [100, 400],
        "DINAS B": [50, 50],
    }
    assert {u["name"]: u["quarters"][-1]["cumulative_pct"] for u in doc["units"]} == {
        "DINAS A": 40.0,
        "DINAS B": 10.0,
    }
    alone = runner.invoke(app, ["rank", str(budgets)])
    assert alone.exit_code == 1 and "tidak ditemukan kolom realisasi" in alone.stderr


def test_the_totals_realized_within_a_quarter_is_the_units_own(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()

    def lra(name: str, title: str, units: list[tuple[str, int, int]]) -> None:
        rows: list[list[object]] = [
            [f"LAPORAN REALISASI ANGGARAN {title}"],
            ["Nama OPD", "Pagu", "Realisasi"],
        ]
        openpyxl_book(folder / name, {"LRA": rows + [list(u) for u in units]})

    lra("maret.xlsx", "s.d. 31 Maret 2024", [("Dinas A", 1000, 100)])  # Dinas B sent nothing in March
    lra("juni.xlsx", "s.d. 30 Juni 2024", [("Dinas A", 1000, 300), ("Dinas B", 1000, 250)])
    total = {q["quarter"]: q for q in run_json("quarters", str(folder), "--all")["total"]["quarters"]}
    # TW II: Dinas A's 300 − 100; Dinas B's is unknown without its March: not 550 − 100
    assert total[2]["realized"] == 200
    assert total[2]["cumulative"] == 550
    assert total[1]["realized"] == 100


def test_quarters_say_a_data_date_after_today_as_rank_does(tmp_path: Path) -> None:
    year = date.today().year + 1
    rows: list[list[object]] = [
        [f"LAPORAN REALISASI ANGGARAN s.d. 31 Maret {year}"],
        ["Perangkat Daerah", "Pagu", "Realisasi"],
        ["Dinas A", 1000, 100],
    ]
    path = openpyxl_book(tmp_path / "lra.xlsx", {"LRA": rows})
    result = runner.invoke(app, ["quarters", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    codes = [w["code"] for w in json.loads(result.stdout)["warnings"]]
    assert codes.count("W-FUTURE-DATE") == 1
    assert f"31 Maret {year}, setelah hari ini" in result.stderr


def test_a_total_of_some_units_says_whose_budget_its_percent_is_over(tmp_path: Path) -> None:
    dated = [["LAPORAN REALISASI ANGGARAN s.d. 30 Juni 2024"], ["Perangkat Daerah", "Pagu", "Realisasi"]]
    openpyxl_book(tmp_path / "a.xlsx", {"LRA": [*dated, ["Dinas A", 1000, 300]]})
    openpyxl_book(
        tmp_path / "b.xlsx", {"LRA": [["Perangkat Daerah", "Pagu", "Realisasi"], ["Dinas B", 3000, 900]]}
    )
    result = runner.invoke(app, ["quarters", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx"), "-q"])
    assert result.exit_code == 0, result.stderr
    # TW II's total is Dinas A's 300 of its 1.000 (30 %), not 300 of the 4.000 in the Pagu column
    assert "30,0%" in result.stdout and "1/2" in result.stdout
    assert "Total · n/N: % atas pagu n perangkat daerah (dari N)" in " ".join(result.stdout.split())
    alone = runner.invoke(app, ["quarters", str(tmp_path / "a.xlsx"), "-q"])
    assert alone.exit_code == 0 and "n/N" not in alone.stdout


def test_a_rekap_without_a_date_says_its_date_is_not_known(tmp_path: Path) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA TAHUN 2024"], []]
    rows += [["No", "Perangkat Daerah", "Pagu", "Realisasi"], [1, "Dinas Kesehatan", 900_000, 300_000]]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    result = runner.invoke(app, ["rank", str(path), "--format", "json"])
    assert [w["code"] for w in json.loads(result.stdout)["warnings"]] == ["W-NO-DATE"]
    result = runner.invoke(app, ["rank", str(path), "--format", "json", "--as-of", "2024-06-30"])
    assert json.loads(result.stdout)["warnings"] == []


def test_a_quarter_in_the_title_gives_way_to_the_month_of_a_name_header_or_title_line(tmp_path: Path) -> None:
    def rekap(name: str, title: list[str], realized_header: str = "Realisasi") -> str:
        rows: list[list[object]] = [[line] for line in title]
        rows += [
            [],
            ["No", "Perangkat Daerah", "Pagu", realized_header],
            [1, "Dinas Kesehatan", 900_000, 300_000],
        ]
        return str(openpyxl_book(tmp_path / name, {"Rekap": rows}))

    quarter = "LAPORAN REALISASI ANGGARAN TRIWULAN III TAHUN 2024"
    cases = [
        rekap("LRA Agustus 2024.xlsx", [quarter]),
        rekap("b.xlsx", [quarter], "Realisasi s.d. 31 Agustus 2024"),
        rekap("c.xlsx", [quarter, "Posisi s.d. Bulan Agustus"]),
    ]
    for path in cases:
        result = runner.invoke(app, ["rank", path, "--format", "json"])
        assert json.loads(result.stdout)["units"][0]["as_of"] == "2024-08-31", path
    both = rekap("d.xlsx", ["LAPORAN REALISASI TRIWULAN I DAN II TAHUN 2024"])
    assert (
        json.loads(runner.invoke(app, ["rank", both, "--format", "json"]).stdout)["units"][0]["as_of"]
        == "2024-06-30"
    )


def test_a_quarters_own_realization_beside_its_realization_to_date_gives_way_to_it(tmp_path: Path) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI ANGGARAN OPD"], ["TAHUN ANGGARAN 2024"], []]
    rows += [["No", "OPD", "Pagu", "Realisasi Triwulan III", "Realisasi s.d. Triwulan III"]]
    rows += [[1, "Dinas Kesehatan", 900_000, 120_000, 480_000], [2, "Dinas Sosial", 600_000, 50_000, 150_000]]
    doc = run_json("rank", str(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})), "--all")
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (1_500_000, 630_000)
    assert doc["as_of"] == "2024-09-30"  # the column's header says to when
    assert not [w for w in doc["warnings"] if w["code"] in ("W-NOT-YEAR-TO-DATE", "W-NO-DATE")]


def test_a_quarter_on_a_title_line_of_its_own_is_in_the_titles_year(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI ANGGARAN"],
        ["TAHUN ANGGARAN 2024"],
        ["TRIWULAN III"],
    ]
    rows += [[], ["No", "Perangkat Daerah", "Pagu", "Realisasi"], [1, "Dinas Kesehatan", 900_000, 300_000]]
    doc = run_json("rank", str(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})))
    assert doc["as_of"] == "2024-09-30"
    planned = [rows[0], rows[1], ["Target Triwulan III"], *rows[3:]]
    doc = run_json("rank", str(openpyxl_book(tmp_path / "target.xlsx", {"Rekap": planned})))
    assert doc["as_of"] is None


@pytest.mark.parametrize(
    ("before", "after"), [("s.d. Triwulan II", "Triwulan III"), ("s.d. Agustus", "Bulan September")]
)
def test_a_realization_to_date_and_the_one_period_after_it_are_added(
    tmp_path: Path, before: str, after: str
) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI ANGGARAN OPD"], ["TAHUN ANGGARAN 2024"], []]
    rows += [["No", "OPD", "Pagu", f"Realisasi {before}", f"Realisasi {after}"]]
    rows += [
        [1, "Dinas Kesehatan", 1_000_000, 350_000, 250_000],
        [2, "Dinas Sosial", 500_000, 100_000, 50_000],
    ]
    doc = run_json("rank", str(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})), "--all")
    assert {u["name"]: u["realized"] for u in doc["units"]} == {
        "Dinas Kesehatan": 600_000,
        "Dinas Sosial": 150_000,
    }
    assert doc["as_of"] == "2024-09-30"
    assert not [w for w in doc["warnings"] if w["code"] == "W-NOT-YEAR-TO-DATE"]


def test_a_title_that_says_berdasarkan_is_dated_by_its_date(tmp_path: Path) -> None:
    rows: list[list[object]] = [["REKAPITULASI REALISASI BELANJA BERDASARKAN OPD S.D. 31 AGUSTUS 2024"], []]
    rows += [["No", "Perangkat Daerah", "Pagu", "Realisasi"], [1, "Dinas Kesehatan", 900_000, 300_000]]
    doc = run_json("rank", str(openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})))
    assert doc["as_of"] == "2024-08-31"
    legal = [
        ["REKAPITULASI REALISASI BELANJA TAHUN 2024"],
        ["Berdasarkan Perda Nomor 10 tanggal 28 Desember 2023"],
    ]
    doc = run_json("rank", str(openpyxl_book(tmp_path / "perda.xlsx", {"Rekap": legal + rows[1:]})))
    assert doc["as_of"] != "2023-12-28"
