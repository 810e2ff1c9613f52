"""Cash plans in their shapes (column-wise RAK, row-wise Target/Realisasi, flat bulan1…bulan12),
matched to the units of the realization data; expected figures worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from realisasi_cli.cli import app

runner = CliRunner()
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September"]
MONTHS += ["Oktober", "November", "Desember"]
# The unit's monthly belanja plan and what it realized each month, January to October.
PLAN = [100, 50, 50, 100, 100, 100, 60, 60, 80, 100, 100, 100]  # 1.000 in all
REALIZED = [0, 20, 40, 60, 60, 60, 60, 60, 60, 80, 0, 0]  # 500 through October


def run_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def with_quarters(monthly: list[object]) -> list[object]:
    """Months with a Triwulan column after every third, holding the quarter's sum."""
    out: list[object] = []
    for q in range(4):
        months = monthly[3 * q : 3 * q + 3]
        out += [*months, sum(m for m in months if isinstance(m, int | float))]
    return out


def plan_header() -> list[object]:
    """Nama OPD, Total Anggaran (over two columns), Rincian, the months, a Triwulan after every third."""
    header: list[object] = ["Nama OPD", "Total Anggaran", None, "Rincian"]
    for q, name in enumerate(["Triwulan I", "Triwulan II", "Triwulan III", "Triwulan IV"]):
        header += [*MONTHS[3 * q : 3 * q + 3], name]
    return header


def row_wise_plan(path: Path, unit: str, year: int = 2023, realized: list[int] = REALIZED) -> Path:
    """The anggaran-kas layout of a Toba upload: Target and Realisasi rows per section."""
    header, zeros = plan_header(), [0] * 12
    rows: list[list[object]] = [
        [],
        [],
        ["TARGET (MENURUT ANGGARAN KAS) DAN REALISASI KEUANGAN"],
        [unit],
        [f"TAHUN ANGGARAN {year}"],
        [],
        header,
        [None, "PENDAPATAN", "Rp. ", "TARGET", *with_quarters(list(zeros))],
        [None, None, None, "REALISASI", *with_quarters(list(zeros))],
        [None, "BELANJA", "Rp. ", "Target", *with_quarters(list(PLAN))],
        [None, None, None, "Realisasi", *with_quarters(list(realized))],
        [None, "PEMBIAYAAN", "Rp. ", "Target", *with_quarters([7] * 12)],
        [None, None, None, "Realisasi", *with_quarters([7] * 12)],
        [],
        [None, "BAGIAN KEUANGAN", None, None, None, None, None, None, None, None, None, None, "KEPALA OPD"],
    ]
    merges = ["A3:T3", "A4:T4", "A5:T5", "B7:C7", "A8:A13", "B8:B9", "B10:B11", "B12:B13"]
    return openpyxl_book(path, {"JAN-FEB": rows}, {"JAN-FEB": merges})


def merged_plan(path: Path, unit: str, year: int = 2023) -> Path:
    """A Toba upload whose unit is named in its Nama OPD cell, merged down its rows; the budget in
    the second column under Total Anggaran ("Rp. 1.000"), the sections' names in the first; a
    signature block with a NIP in a month's column under it."""
    header, zeros = plan_header(), [0] * 12
    rows: list[list[object]] = [
        [],
        [],
        ["TARGET (MENURUT ANGGARAN KAS) DAN REALISASI KEUANGAN"],
        [f"{unit.upper()} KABUPATEN CONTOH"],
        [f"TAHUN ANGGARAN {year}"],
        [],
        header,
        [unit, "PENDAPATAN", "Rp. 0", "TARGET", *with_quarters(list(zeros))],
        [None, None, None, "REALISASI", *with_quarters(list(zeros))],
        [None, "BELANJA", "Rp. 1.000", "Target", *with_quarters(list(PLAN))],
        [None, None, None, "Realisasi", *with_quarters(list(REALIZED))],
        [None, "PEMBIAYAAN", " Rp. 84", "Target", *with_quarters([7] * 12)],
        [None, None, None, "Realisasi", *with_quarters([7] * 12)],
        [],
        [None, "KASUBBAG PERENCANAAN DATA DAN INFORMASI PUBLIK", None, None, None, None, None, None, None],
        [],
        [None, "TONGGO SIMANJUNTAK, S.Pi", *[None] * 10, "19630110 199303 1 002"],
    ]
    merges = ["A3:T3", "A4:T4", "A5:T5", "B7:C7", "A8:A13", "B8:B9", "C8:C9", "B10:B11", "C10:C11"]
    merges += ["B12:B13", "C12:C13"]
    return openpyxl_book(path, {"NOV-DES": rows}, {"NOV-DES": merges})


def lra(path: Path, units: list[tuple[str, float, float]], title: str = "s.d. 31 Oktober 2023") -> Path:
    rows: list[list[object]] = [[f"LAPORAN REALISASI ANGGARAN {title}"], ["Nama OPD", "Pagu", "Realisasi"]]
    rows += [[name, budget, realized] for name, budget, realized in units]
    return openpyxl_book(path, {"LRA": rows})


def cumulative_pct(values: list[int], months: int, budget: float) -> float:
    return 100 * sum(values[:months]) / budget


def test_a_row_wise_plan_gives_its_unit_its_own_targets_and_its_realisasi_rows(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "anggaran_kas_7.xlsx", "OPD………..")  # names no unit
    export = lra(tmp_path / "lra_7.xlsx", [("Dinas Contoh", 1000, 500)])
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    (unit,) = doc["units"]
    quarters = {q["quarter"]: q for q in unit["quarters"]}
    # the plan's belanja Target row, cumulated: 200 by March, 500 by June, 700 by September,
    # 1.000 by December; of the unit's budget of 1.000
    assert [quarters[q]["target_pct"] for q in (1, 2, 3, 4)] == [20.0, 50.0, 70.0, 100.0]
    # its Realisasi row places the realization in quarters: 60, 240, 420, then 500 in October
    assert [quarters[q]["cumulative"] for q in (1, 2, 3, 4)] == [60, 240, 420, 500]
    # 31 October: the plan through October (800) of the budget
    assert quarters[4]["target_to_date_pct"] == pytest.approx(80.0)
    assert quarters[4]["gap_pp"] == pytest.approx(50.0 - 80.0)
    # deviation from plan: (800 − 500) ÷ 800
    assert quarters[4]["deviation_pct"] == pytest.approx(100 * 300 / 800)
    # PENDAPATAN and PEMBIAYAAN rows are not belanja: nothing of their 7 a month counts
    assert doc["total"]["quarters"][0]["plan"] == 200
    assert not [w for w in doc["warnings"] if w["code"].startswith("W-PLAN")]


def test_a_row_wise_plan_naming_its_unit_in_the_title_matches_it_by_name(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH")
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 500), ("Dinas Lain", 2000, 600)])
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    units = {u["name"]: {q["quarter"]: q for q in u["quarters"]} for u in doc["units"]}
    assert units["Dinas Contoh"][3]["target_pct"] == 70.0
    # the other unit has no plan: the default targets, never 0 %
    assert units["Dinas Lain"][3]["target_pct"] == 65.0
    assert units["Dinas Lain"][4]["target_to_date_pct"] == pytest.approx(65 + 30 * 31 / 92)


def test_a_plan_that_matches_no_unit_is_a_warning_naming_it(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "anggaran_kas_9.xlsx", "OPD………..")
    export = lra(
        tmp_path / "lra.xlsx", [("Dinas A", 1000, 500), ("Dinas B", 2000, 600), ("Dinas C", 500, 100)]
    )
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    (warning,) = [w for w in doc["warnings"] if w["code"].startswith("W-PLAN")]
    assert warning["file"].endswith("anggaran_kas_9.xlsx")
    # every unit on the default targets, none on 0 %
    assert [[q["target_pct"] for q in u["quarters"]] for u in doc["units"]] == [[15, 40, 65, 95]] * 3


def test_a_flat_rak_export_with_bulan_columns_and_a_totals_row(tmp_path: Path) -> None:
    header = ["kode_skpd", "nama_skpd", "kode_akun", "nilai_rincian"]
    for q in range(4):
        header += [f"bulan{3 * q + m}" for m in (1, 2, 3)] + [f"TW{q + 1}"]
    a = [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]  # 300
    b = [0, 0, 60, 0, 0, 60, 0, 0, 60, 0, 0, 120]  # 300
    rows: list[list[object]] = [
        header,
        [None, "TOTAL", None, 600, *with_quarters([x + y for x, y in zip(a, b, strict=True)])],
        ["1.01.0.00.0.00.01.0000", "DINAS A", "5.1.02.01.01.0001", 300, *with_quarters(list(a))],
        ["1.02.0.00.0.00.01.0000", "DINAS B", "5.2.02.01.01.0001", 300, *with_quarters(list(b))],
    ]
    plan = openpyxl_book(tmp_path / "rak_2023.xlsx", {"RAK": rows})
    export = lra(
        tmp_path / "lra.xlsx",
        [("1.01.0.00.0.00.01.0000 DINAS A", 300, 100), ("1.02.0.00.0.00.01.0000 DINAS B", 300, 100)],
        title="s.d. 30 Juni 2023",
    )
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    units = {u["code"]: {q["quarter"]: q for q in u["quarters"]} for u in doc["units"]}
    # A: 30 by March, 90 by June, of 300; B: 60, then 120
    assert units["1.01.0.00.0.00.01.0000"][1]["target_pct"] == 10.0
    assert units["1.01.0.00.0.00.01.0000"][2]["target_pct"] == 30.0
    assert units["1.02.0.00.0.00.01.0000"][2]["target_pct"] == 40.0
    # the totals row above the data is not a unit's plan: the plan in all is 90 + 120 by June
    assert doc["total"]["quarters"][1]["plan"] == 210


def test_month_columns_without_a_year_take_it_from_the_file_name(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REALISASI BELANJA PER BULAN"],
        ["Nama OPD", "Pagu", *MONTHS],
        ["Dinas A", 1200, 100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0],
        ["Dinas B", 600, 0, 0, 60, 0, 0, 60, 0, 0, 0, 0, 0, 0],
    ]
    path = openpyxl_book(tmp_path / "realisasi_bulanan_2024.xlsx", {"Data": rows})
    doc = run_json("quarters", str(path), "--all")
    # months with realization end in June: the data stands at 30 June 2024, not December
    assert doc["as_of"] == "2024-06-30"
    units = {u["name"]: u["quarters"] for u in doc["units"]}
    assert [q["cumulative"] for q in units["Dinas A"]] == [300, 600]
    assert [q["cumulative"] for q in units["Dinas B"]] == [60, 120]
    assert [q["realized"] for q in units["Dinas B"]] == [60, 60]


def test_plans_beside_per_unit_uploads_match_by_the_id_in_the_file_names(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    lra(uploads / "7_lra_20231101-101010.xlsx", [("Dinas Contoh", 1000, 500)])
    lra(uploads / "8_lra_20231102-090000.xlsx", [("Dinas Lain", 2000, 600)])
    row_wise_plan(uploads / "anggaran_kas_7_20231030-111111.xlsx", "OPD………..")
    empty = row_wise_plan(uploads / "anggaran_kas_8_20231030-121212.xlsx", "OPD………..")
    from openpyxl import load_workbook

    book = load_workbook(empty)
    for cell in book.active[10][4:]:
        cell.value = 0  # a template sent back without a plan, but with its own realization
    for cell in book.active[11][4:]:
        cell.value = 2 * cell.value if isinstance(cell.value, int) else cell.value
    book.save(empty)
    doc = run_json("quarters", str(uploads), "--all")
    units = {u["name"]: {q["quarter"]: q for q in u["quarters"]} for u in doc["units"]}
    assert [units["Dinas Contoh"][q]["target_pct"] for q in (1, 2, 3, 4)] == [20.0, 50.0, 70.0, 100.0]
    assert [units["Dinas Lain"][q]["target_pct"] for q in (1, 2, 3, 4)] == [15, 40, 65, 95]
    (nothing,) = [w for w in doc["warnings"] if w["code"] == "W-PLAN-EMPTY"]
    assert nothing["file"].endswith("anggaran_kas_8_20231030-121212.xlsx")
    assert not [w for w in doc["warnings"] if w["code"] == "W-PLAN-NAMELESS"]


def test_a_plan_for_another_year_is_not_used(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak_2022.xlsx", "DINAS CONTOH", year=2022)
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 500)])
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    (warning,) = [w for w in doc["warnings"] if w["code"].startswith("W-PLAN")]
    assert "2022" in warning["message"] and "2023" in warning["message"]
    assert [q["target_pct"] for q in doc["units"][0]["quarters"]] == [15, 40, 65, 95]


def test_a_plans_realisasi_rows_never_change_the_ranking(tmp_path: Path) -> None:
    folder = tmp_path / "dinas"
    folder.mkdir()
    lra(folder / "7_lra.xlsx", [("Dinas Contoh", 1000, 450)])  # the LRA's own figure
    row_wise_plan(folder / "anggaran_kas_7.xlsx", "DINAS CONTOH")  # its Realisasi row sums to 500
    result = runner.invoke(app, ["rank", str(folder), "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    (unit,) = json.loads(result.stdout)["units"]
    assert (unit["budget"], unit["realized"]) == (1000, 450)
    doc = run_json("quarters", str(folder), "--all")
    # the quarters take the months from the plan's Realisasi row up to TW III, then the LRA's
    # 31 October figure, which comes after the plan's on the same date
    assert [q["cumulative"] for q in doc["units"][0]["quarters"]] == [60, 240, 420, 450]


def test_a_plans_realisasi_row_far_from_the_export_is_not_its_months(tmp_path: Path) -> None:
    folder = tmp_path / "dinas"
    folder.mkdir()
    lra(folder / "7_lra.xlsx", [("Dinas Contoh", 1000, 450)], title="s.d. 31 Agustus 2023")
    # as a Toba upload: only October's realization filled in, every month before it left at 0
    late = [0] * 9 + [80, 0, 0]
    row_wise_plan(folder / "anggaran_kas_7.xlsx", "DINAS CONTOH", realized=late)
    result = runner.invoke(app, ["--lang", "en", "quarters", str(folder), "--all", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    quarters = {q["quarter"]: q["cumulative"] for q in doc["units"][0]["quarters"]}
    # the LRA's 450 to 31 August is TW III's figure, not the plan's 0; no months before it are known
    assert quarters[3] == 450 and quarters[1] is None and quarters[2] is None
    assert [
        (Path(w["file"]).name, w["message"])
        for w in doc["warnings"]
        if w["code"] == "W-PLAN-REALIZATION-DISAGREES"
    ] == [
        (
            "anggaran_kas_7.xlsx",
            "this cash plan's Realisasi row for Dinas Contoh adds up to Rp0 to "
            "31 August 2023, the export to Rp450: the plan's realization by month is not used",
        )
    ]
    # the file is named once, where the warning is (not again in the message)
    assert "anggaran_kas_7.xlsx: this cash plan's Realisasi row for Dinas Contoh" in result.stderr


def test_a_cash_plan_given_as_the_export_says_what_it_is(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "anggaran_kas_7.xlsx", "DINAS CONTOH")
    result = runner.invoke(app, ["rank", str(plan)])
    assert result.exit_code == 1
    assert "anggaran_kas_7.xlsx" in result.stderr and "--plan" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_units_own_plan_is_its_target_to_date_in_the_ranking_and_the_brief(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH")
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 500), ("Dinas Lain", 2000, 600)])
    doc = run_json("rank", str(export), "--plan", str(plan), "--pace", "--all")
    units = {u["name"]: u for u in doc["units"]}
    # Dinas Contoh's plan through October: 800 of its 1.000
    assert units["Dinas Contoh"]["pace"]["target_to_date_pct"] == pytest.approx(80.0)
    assert units["Dinas Contoh"]["pace"]["gap_to_date_pp"] == pytest.approx(50.0 - 80.0)
    # Dinas Lain has no plan: the default targets on 31 October, 65 + 30 × 31/92
    default = 65 + 30 * 31 / 92
    assert units["Dinas Lain"]["pace"]["target_to_date_pct"] == pytest.approx(default, abs=1e-4)
    # the government's target: the two weighted by budget, 1.000 and 2.000
    weighted = (80.0 * 1000 + default * 2000) / 3000
    assert doc["pace"]["target_to_date_pct"] == pytest.approx(weighted, abs=1e-4)
    assert doc["pace"]["gap_to_date_pp"] == pytest.approx(100 * 1100 / 3000 - weighted, abs=1e-4)
    # what each needs a month over the two months left: Dinas Contoh to its plan's 100 % by
    # December, Dinas Lain to the default 95 %; the government to the two weighted, 96,67 %
    assert units["Dinas Contoh"]["pace"]["needed_monthly_pct"] == pytest.approx((100 - 50) / 2)
    assert units["Dinas Lain"]["pace"]["needed_monthly_pct"] == pytest.approx((95 - 30) / 2)
    year_end = (100 * 1000 + 95 * 2000) / 3000
    assert doc["pace"]["needed_monthly_pct"] == pytest.approx((year_end - 100 * 1100 / 3000) / 2, abs=1e-4)

    out = tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", str(export), "--plan", str(plan), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert f"{weighted:.2f}%".replace(".", ",") in text  # 76,74%: the summary's target to date
    # TW IV's target at its end: Dinas Contoh's whole plan (100 %) and 95 %, weighted: 96,67 %
    assert "Target TW IV 96,67%" in text
    assert "untuk mencapai 96,67% pada 31 Oktober" not in text and "untuk mencapai 96,67%" in text
    # the quarters' targets are the plans' where there are: not said to be the defaults
    assert "tertimbang pagu; selain itu nilai bawaan yang dapat diubah" in text
    # each unit's gap is to its own target: Dinas Contoh −30,0 pp, Dinas Lain 30 − 75,11
    assert "-30,0 pp" in text
    assert f"{30 - default:.1f} pp".replace(".", ",") in text


def test_the_brief_notes_a_plan_among_the_inputs_as_a_plan_not_as_data(tmp_path: Path) -> None:
    folder = tmp_path / "dinas"
    folder.mkdir()
    lra(folder / "7_lra.xlsx", [("Dinas Contoh", 1000, 450)])
    row_wise_plan(folder / "anggaran_kas_7.xlsx", "DINAS CONTOH")
    out = tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert (
        "<strong>anggaran_kas_7.xlsx</strong>: rencana anggaran kas: target perangkat daerahnya sendiri"
        in page
    )
    assert "<strong>7_lra.xlsx</strong>: 1 sheet, data per 31 Oktober 2023" in page


def test_a_plans_realisasi_months_after_the_export_do_not_move_its_date(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH")  # realisasi through October: 500
    # the LRA stands at 31 August: 360, what the plan's Realisasi row says through August
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 360)], title="s.d. 31 Agustus 2023")
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    assert doc["as_of"] == "2023-08-31"
    (unit,) = doc["units"]
    assert [q["cumulative"] for q in unit["quarters"]] == [60, 240, 360]  # no TW IV of the plan's


@pytest.mark.parametrize(("budget", "used"), [(400, False), (2000, False), (1100, True), (850, True)])
def test_a_plan_far_from_its_units_budget_is_named_and_not_used(
    tmp_path: Path, budget: int, used: bool
) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH")  # 1.000 over the whole year
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", budget, 300)])
    doc = run_json("rank", str(export), "--plan", str(plan), "--pace", "--all")
    (unit,) = doc["units"]
    warned = [w for w in doc["warnings"] if w["code"] == "W-PLAN-BUDGET-DIFFERS"]
    if used:  # within a quarter of the budget: the plan through October, 800, is the target
        assert not warned
        assert unit["pace"]["target_to_date_pct"] == pytest.approx(100 * 800 / budget)
    else:  # 2,5 or 0,5 times the budget: the default target on 31 October, 65 + 30 × 31/92
        assert len(warned) == 1 and warned[0]["file"].endswith("ak.xlsx")
        assert unit["pace"]["target_to_date_pct"] == pytest.approx(65 + 30 * 31 / 92, abs=1e-4)


def test_a_plan_with_a_code_is_checked_against_an_export_that_names_units_only(tmp_path: Path) -> None:
    header = ["Kode", "Uraian", "Anggaran", *MONTHS]
    rows: list[list[object]] = [["RENCANA ANGGARAN KAS SKPD TAHUN 2023"], header]
    rows += [["1.02.0.00.0.00.01.0000", "Dinas Kesehatan", 2400, *[200] * 12]]  # 3 times the budget
    plan = openpyxl_book(tmp_path / "rak.xlsx", {"RAK": rows})
    export = lra(tmp_path / "lra.xlsx", [("Dinas Kesehatan", 800, 300), ("Dinas Sosial", 200, 150)])
    doc = run_json("rank", str(export), "--plan", str(plan), "--pace", "--all")
    (warned,) = [w for w in doc["warnings"] if w["code"] == "W-PLAN-BUDGET-DIFFERS"]
    assert "Rp2.400" in warned["message"] and "Rp800" in warned["message"]
    units = {u["name"]: u for u in doc["units"]}
    # the default target on 31 October, not the plan's 2.000 of 800 (250 %)
    assert units["Dinas Kesehatan"]["pace"]["target_to_date_pct"] == pytest.approx(
        65 + 30 * 31 / 92, abs=1e-4
    )


def test_plans_among_the_inputs_are_said_on_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    for unit in ("7", "8"):
        lra(folder / f"{unit}_lra.xlsx", [(f"Dinas {unit}", 1000, 450)])
        row_wise_plan(folder / f"anggaran_kas_{unit}.xlsx", f"DINAS {unit}")
    doc = run_json("rank", str(folder), "--all")
    assert not [w for w in doc["warnings"] if w["code"] == "W-PLAN-AMONG-INPUTS"]
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-PLANS-AMONG-INPUTS"]
    assert said["file"] == "" and "anggaran_kas_7.xlsx, anggaran_kas_8.xlsx" in said["message"]


def brief_lines(
    plan: Path, title: str, unit: str, operasi: tuple[int, int], modal: tuple[int, int]
) -> list[str]:
    """The Markdown brief's lines for an LRA of one unit's operasi and modal accounts (budget,
    realized) beside ``plan``."""
    export = openpyxl_book(
        plan.with_name("lra.xlsx"),
        {
            "LRA": [
                [f"LAPORAN REALISASI ANGGARAN {title}"],
                [f"SKPD: {unit}"],
                ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
                ["5.1.02.01.01.0001", "Belanja Alat Tulis Kantor", *operasi],
                ["5.2.02.01.01.0001", "Belanja Modal Komputer", *modal],
            ]
        },
    )
    result = runner.invoke(app, ["brief", str(export), "--plan", str(plan), "-q"])
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def test_the_briefs_categories_take_each_units_own_plan_in_that_category(tmp_path: Path) -> None:
    header = ["kode_skpd", "nama_skpd", "kode_akun", "nilai_rincian"]
    for q in range(4):
        header += [f"bulan{3 * q + m}" for m in (1, 2, 3)] + [f"TW{q + 1}"]
    operasi = [10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]  # 300: 90 by June
    modal = [0, 0, 60, 0, 0, 60, 0, 0, 60, 0, 0, 120]  # 300: 120 by June
    code = "1.01.0.00.0.00.01.0000"
    rows: list[list[object]] = [
        header,
        [code, "DINAS A", "5.1.02.01.01.0001", 300, *with_quarters(list(operasi))],
        [code, "DINAS A", "5.2.02.01.01.0001", 300, *with_quarters(list(modal))],
    ]
    plan = openpyxl_book(tmp_path / "rak_2023.xlsx", {"RAK": rows})
    lines = brief_lines(plan, "s.d. 30 Juni 2023", f"{code} DINAS A", (300, 100), (300, 30))
    # the total: 210 of 600 planned by June, 35 %; operasi 90 of 300, 30 %; modal 120 of 300, 40 %
    assert any(line.startswith("- **Target s.d. tanggal data**: 35,00%") for line in lines)
    operasi_row = next(line for line in lines if line.startswith("| Belanja Operasi |"))
    assert "| 33,33% | 30,00% | +3,3 pp |" in operasi_row
    modal_row = next(line for line in lines if line.startswith("| **Belanja Modal**"))
    assert "| 40,00% | -30,0 pp |" in modal_row
    unit_row = next(line for line in lines if line.startswith("| 1 | DINAS A | Rp300 | Rp30 |"))
    assert unit_row.endswith("| 10,00% | 40,00% | -30,0 pp |")
    assert any(
        "diukur terhadap rencana kasnya sendiri (baris belanja modalnya bila ada" in line for line in lines
    )


def test_a_plan_of_totals_gives_its_pace_to_each_category_of_its_unit(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH")  # BELANJA: 800 of 1.000 by October
    lines = brief_lines(plan, "s.d. 31 Oktober 2023", "DINAS CONTOH", (600, 450), (400, 100))
    # 80 % for the unit and for each of its categories, not the general 75,11 % of 31 October
    assert any(line.startswith("- **Target s.d. tanggal data**: 80,00%") for line in lines)
    operasi_row = next(line for line in lines if line.startswith("| Belanja Operasi |"))
    assert operasi_row.endswith("| 75,00% | 80,00% | -5,0 pp |")
    modal_row = next(line for line in lines if line.startswith("| **Belanja Modal**"))
    assert "| 80,00% | -55,0 pp |" in modal_row


def test_a_plan_with_its_unit_merged_down_and_its_budget_beside_the_section_names(tmp_path: Path) -> None:
    plan = merged_plan(tmp_path / "anggaran_kas_9.xlsx", "Satuan Polisi Pamong Praja")
    export = lra(tmp_path / "lra.xlsx", [("Satuan Polisi Pamong Praja", 1000, 500)])
    doc = run_json("rank", str(export), "--plan", str(plan), "--pace", "--all")
    (unit,) = doc["units"]
    # BELANJA's plan through October, 800 of 1.000; not PEMBIAYAAN's 7 a month beside it
    assert unit["pace"]["target_to_date_pct"] == pytest.approx(80.0)
    codes = {w["code"] for w in doc["warnings"]}
    # the section names are labels, Target and Realisasi rows no duplicates, and the NIP under
    # the signature is no amount of the table
    assert not codes & {"W-NOT-AMOUNTS", "W-DUPLICATE-UNIT", "W-ABOVE-BUDGET", "W-AMOUNT-OUT-OF-RANGE"}, doc[
        "warnings"
    ]
    inspected = runner.invoke(app, ["inspect", str(plan), "--format", "json"])
    (sheet,) = json.loads(inspected.stdout)["sheets"]
    roles = {c["column"]: c["role"] for c in sheet["columns"]}
    assert roles["B"] == "description" and roles["D"] == "measure"
    assert sheet["rows_skipped"]["not spending (pendapatan/pembiayaan)"] == 4


def test_a_refused_cell_of_a_target_and_realisasi_sheet_is_warned_of_once(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH")
    from openpyxl import load_workbook

    book = load_workbook(plan)
    book["JAN-FEB"]["Q10"] = "9e20"  # October's plan: a number, but no amount of rupiah
    book.save(plan)
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 500)])
    doc = run_json("rank", str(export), "--plan", str(plan))
    refused = [w for w in doc["warnings"] if w["code"] == "W-AMOUNT-OUT-OF-RANGE"]
    assert len(refused) == 1 and "JAN-FEB!Q10" in refused[0]["message"], doc["warnings"]


def test_a_realisasi_row_filled_in_one_month_leaves_the_months_before_unknown(tmp_path: Path) -> None:
    # the year's realization to November typed into November alone, as the LRA says it
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH", realized=[0] * 10 + [500, 0])
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 500)], title="s.d. 30 November 2023")
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    (unit,) = doc["units"]
    quarters = {q["quarter"]: q for q in unit["quarters"]}
    # TW I–III unknown, not 0 %: nothing says what was realized by March, June or September
    assert [quarters[q]["cumulative"] for q in (1, 2, 3)] == [None, None, None]
    assert quarters[4]["cumulative"] == 500
    (warning,) = [w for w in doc["warnings"] if w["code"] == "W-PLAN-REALIZATION-ONE-MONTH"]
    assert "Dinas Contoh" in warning["message"] and "30 November 2023: Rp500" in warning["message"]


def test_a_realisasi_row_filled_month_by_month_places_realization_in_its_quarters(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH")  # REALIZED: 0, 20, 40, … 500 by October
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 500)])
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    quarters = {q["quarter"]: q["cumulative"] for q in doc["units"][0]["quarters"]}
    assert [quarters[q] for q in (1, 2, 3)] == [sum(REALIZED[:3]), sum(REALIZED[:6]), sum(REALIZED[:9])]
    assert not [w for w in doc["warnings"] if w["code"].startswith("W-PLAN-REALIZATION")]


def test_a_realisasi_row_blank_until_september_leaves_its_months_unknown(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH", realized=[0] * 8 + [300, 200, 0, 0])
    export = lra(tmp_path / "lra.xlsx", [("Dinas Contoh", 1000, 500)])  # to 31 October
    doc = run_json("quarters", str(export), "--plan", str(plan), "--all")
    quarters = {q["quarter"]: q["cumulative"] for q in doc["units"][0]["quarters"]}
    assert [quarters[q] for q in (1, 2, 3, 4)] == [None, None, None, 500]
    (late,) = [w for w in doc["warnings"] if w["code"] == "W-PLAN-REALIZATION-LATE"]
    assert "30 September 2023 (2 bulan, Rp500)" in late["message"]


def test_the_total_deviation_compares_the_plans_and_realization_of_the_same_units(tmp_path: Path) -> None:
    plan = row_wise_plan(tmp_path / "ak.xlsx", "DINAS CONTOH", realized=[0] * 12)  # its realisasi not used
    a = lra(tmp_path / "a.xlsx", [("Dinas Contoh", 1000, 500)])  # to 31 October, with a plan
    b = lra(tmp_path / "b.xlsx", [("Dinas Lain", 2000, 900)], title="s.d. 30 September 2023")  # no plan
    doc = run_json("quarters", str(a), str(b), "--plan", str(plan), "--all")
    total = {q["quarter"]: q for q in doc["total"]["quarters"]}
    # TW III: only Dinas Lain reports, and it has no plan: nothing to compare
    assert total[3]["units_reporting"] == 1
    assert total[3]["plan_to_date"] is None and total[3]["deviation_pct"] is None
    # TW IV: Dinas Contoh's plan to 31 October, 800, against its 500: 37,5 % behind
    assert total[4]["plan_to_date"] == 800
    assert total[4]["deviation_pct"] == pytest.approx(100 * (800 - 500) / 800)


def test_a_plan_that_says_its_year_nowhere_is_named_not_ignored_in_silence(tmp_path: Path) -> None:
    header = ["kode_skpd", "nama_skpd", "nilai_rincian", *[f"bulan{m}" for m in range(1, 13)]]
    rows: list[list[object]] = [header, ["1.01.0.00.0.00.01.0000", "DINAS A", 1200, *[100] * 12]]
    plan = openpyxl_book(tmp_path / "rak.xlsx", {"RAK": rows})
    export = lra(tmp_path / "lra.xlsx", [("1.01.0.00.0.00.01.0000 DINAS A", 1200, 300)])
    doc = run_json("rank", str(export), "--plan", str(plan), "--pace", "--all")
    (warned,) = [w for w in doc["warnings"] if w["code"] == "W-PLAN-NO-YEAR"]
    assert warned["file"].endswith("rak.xlsx") and "rak_2023.xlsx" in warned["message"]
    # the default target on 31 October, the plan's months being of no year
    assert doc["units"][0]["pace"]["target_to_date_pct"] == pytest.approx(65 + 30 * 31 / 92, abs=1e-4)


def test_a_plan_of_january_to_july_does_not_say_what_the_year_is_to_reach(tmp_path: Path) -> None:
    header = ["kode_skpd", "nama_skpd", "nilai_rincian", *[f"bulan{m}" for m in range(1, 8)]]
    rows: list[list[object]] = [header, ["1.01.0.00.0.00.01.0000", "DINAS A", 700, *[100] * 7]]
    plan = openpyxl_book(tmp_path / "rak_2023.xlsx", {"RAK": rows})
    export = lra(
        tmp_path / "lra.xlsx", [("1.01.0.00.0.00.01.0000 DINAS A", 1200, 300)], title="s.d. 31 Juli 2023"
    )
    doc = run_json("rank", str(export), "--plan", str(plan), "--pace", "--all")
    (unit,) = doc["units"]
    assert unit["pace"]["target_to_date_pct"] == pytest.approx(100 * 700 / 1200)  # its plan to July
    # the default 95 % by December, over the five months left: not the plan's 58,33 % to July
    assert unit["pace"]["needed_monthly_pct"] == pytest.approx((95 - 25) / 5)
