"""Acceptance on whole real folders in ../shared/real_data (skipped when absent): the copies,
cash plans, month sheets and per-OPD uploads of tests/test_folders.py as offices really send them.

The expected figures were read from the files (openpyxl, and the SOURCE.txt notes beside them),
not produced by this code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from realisasi_cli.cli import app

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real_data"
runner = CliRunner()


def folder(name: str) -> Path:
    path = REAL / name
    if not path.is_dir():
        pytest.skip(f"../shared/real_data/{name} is not present")
    return path


def rank_json(path: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["--lang", "en", "rank", str(path), "--format", "json", "--all"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def title_lines(path: Path, rows: int = 12) -> list[list[str]]:
    """The non-empty cells of the first rows of the first sheet, as text."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        lines = []
        for row in sheet.iter_rows(min_row=1, max_row=rows, values_only=True):
            cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
            if cells:
                lines.append(cells)
        return lines
    finally:
        book.close()


def sub_unit(lines: list[list[str]]) -> str:
    """The value of the ``Sub Unit Organisasi : …`` line."""
    (line,) = [cells for cells in lines if cells[0] == "Sub Unit Organisasi"]
    return line[-1]


def test_lampung_selatan_month_exports_and_their_cash_plan_are_one_unit() -> None:
    doc = rank_json(folder("lamsel_diskominfo_sipd"))
    (unit,) = doc["units"]
    assert unit["code"] == "2.16.2.20.2.21.01.0000"
    assert unit["name"] == "Dinas Komunikasi dan Informatika"
    # the 'Jumlah' row of lra_juli.xlsx: operasi 10.701.893.800,00 / 643.531.783,00, modal 109.048.100,00
    assert doc["total"]["budget"] == 10_701_893_800 + 109_048_100 == 10_810_941_900
    assert doc["total"]["realized"] == 643_531_783
    assert (unit["budget"], unit["realized"]) == (10_810_941_900, 643_531_783)
    assert unit["as_of"] == "2026-07-31"
    # against the same unit's June export, whose 'Jumlah' row realized 977.101.743,00 (modal 0,00)
    assert doc["previous_as_of"] == "2026-06-30" and doc["units_compared"] == 1
    june_pct = 100 * 977_101_743 / 10_810_941_900
    assert unit["change_pp"] == pytest.approx(100 * 643_531_783 / 10_810_941_900 - june_pct, abs=1e-4)
    plans = [w for w in doc["warnings"] if w["code"] == "W-PLAN-AMONG-INPUTS"]
    assert [Path(w["file"]).name.startswith("RAK_Belanja") for w in plans] == [True]


def test_bali_workbook_of_month_sheets_is_one_unit_with_the_dpa_budget() -> None:
    doc = rank_json(folder("bali_diskominfos_rfk_2026"))
    (unit,) = doc["units"]
    # the DPA's leaves: 5.1.02.01.01.0024/0025/0026, 5.1.02.02.01.0003, 5.1.02.04.01.0001
    leaves = 1_496_900 + 1_222_200 + 558_400 + 27_000_000 + 23_406_000
    assert unit["budget"] == leaves == 53_683_500
    assert doc["total"]["budget"] == 53_683_500
    # named on the DPA cover: "ORGANISASI : 2.16.2.20.2.21.02.0000 - Dinas Komunikasi, …"
    assert unit["code"] == "2.16.2.20.2.21.02.0000"
    assert unit["name"] == "Dinas Komunikasi, Informatika dan Statistik"


def test_toba_uploads_are_44_units_at_their_own_dates_and_no_change_is_invented() -> None:
    lra = folder("toba_2022_lra_per_skpd") / "lra"
    doc = rank_json(lra)
    assert len(doc["units"]) == 44
    assert [u["name"] for u in doc["units"] if u["change_pp"] is not None] == []
    assert "units_compared" not in doc and "entered_bottom" not in doc
    units = {u["name"]: u for u in doc["units"]}

    august = title_lines(lra / "42_lra_20221130-123413.xlsx")
    assert ["periode Januari s.d Agustus 2022"] in august
    balige = units[sub_unit(august)]
    assert (balige["as_of"], balige["period_start"]) == ("2022-08-31", "2022-01-01")

    july = title_lines(lra / "32_lra_20221208-163242.xlsx")
    assert ["periode 01 Juli s.d 31 Juli 2022"] in july
    bappeda = units[sub_unit(july)]
    assert (bappeda["as_of"], bappeda["period_start"]) == ("2022-07-31", "2022-07-01")
    partial = [w["message"] for w in doc["warnings"] if w["code"] == "W-NOT-YEAR-TO-DATE"]
    assert partial == [
        f"{sub_unit(july)}: the realization covers 1 July 2022 to 31 July 2022, not from 1 January; "
        "its absorption is not year-to-date"
    ]

    placeholder = title_lines(lra / "10_lra_20221130-122622.xlsx")
    assert ["periode …………. s.d ………….. 2022"] in placeholder
    assert sub_unit(placeholder).strip("…. ") == ""  # no unit named either: called after the file
    undated = units["10_lra_20221130-122622"]
    assert (undated["as_of"], undated["period_start"]) == (None, None)
    assert any(w["code"] == "W-UNDATED" and "10_lra_20221130-122622" in w["message"] for w in doc["warnings"])


def quarters_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["quarters", *args, "--format", "json", "--all"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_toba_dinas_kesehatan_against_its_own_anggaran_kas() -> None:
    toba = folder("toba_2022_lra_per_skpd")
    plan = toba / "anggaran_kas" / "anggaran_kas_2_20221208-171415.xlsx"
    doc = quarters_json(str(toba / "lra" / "2_lra_20221219-170101.xlsx"), "--plan", str(plan))
    (unit,) = doc["units"]
    # the BELANJA Target row (E10:S10), cumulated by quarter, of its 122.469.821.840 total:
    # 58.119.640.734 / 86.700.000.305 / 101.979.042.028 / 122.469.821.840
    total = 122_469_821_840
    expected = [58_119_640_734, 86_700_000_305, 101_979_042_028, total]
    assert [q["target_pct"] for q in unit["quarters"]] == pytest.approx(
        [100 * e / total for e in expected], abs=1e-4
    )
    assert [round(q["target_pct"], 2) for q in unit["quarters"]] == [47.46, 70.79, 83.27, 100.0]
    # through November (the LRA's date): all but December's 4.397.414.129
    assert unit["quarters"][3]["target_to_date_pct"] == pytest.approx(
        100 * (total - 4_397_414_129) / total, abs=1e-4
    )
    assert round(unit["quarters"][3]["target_to_date_pct"], 2) == 96.41
    # its Realisasi row holds 0 in E11:Q11 and the LRA's 66.670.123.653 in R11 (November) alone:
    # the year to November typed in at once, which says nothing of TW I–III
    plans = [w for w in doc["warnings"] if w["code"].startswith("W-PLAN")]
    assert [w["code"] for w in plans] == ["W-PLAN-REALIZATION-ONE-MONTH"]
    assert [q["cumulative"] for q in unit["quarters"]] == [None, None, None, 66_670_123_653]


def test_toba_one_unit_plan_against_a_32_unit_export_is_a_warning_naming_it() -> None:
    toba = folder("toba_2022_lra_per_skpd")
    plan = toba / "anggaran_kas" / "anggaran_kas_2_20221208-171415.xlsx"
    samples = Path(__file__).resolve().parents[1] / "sample_data"
    doc = quarters_json(str(samples / "rekap_pd_10nov2023.xlsx"), "--plan", str(plan))
    (warning,) = [w for w in doc["warnings"] if w["code"].startswith("W-PLAN")]
    assert warning["file"].endswith(plan.name) and "32" in warning["message"]
    targets = {q["target_pct"] for u in doc["units"] for q in u["quarters"]}
    assert targets == {15.0, 40.0, 65.0, 95.0}  # the default targets, no 0 % anywhere


def test_toba_plans_beside_the_uploads_match_their_units_by_the_id_in_the_file_names() -> None:
    toba = folder("toba_2022_lra_per_skpd")
    doc = quarters_json(str(toba / "lra"), str(toba / "anggaran_kas"))
    assert not [
        w for w in doc["warnings"] if w["code"] == "W-PLAN-UNMATCHED" or w["code"] == "W-PLAN-NAMELESS"
    ]
    # each anggaran kas file gives its unit (the LRA upload with the same id) its own targets,
    # but anggaran_kas_1, whose BELANJA Target row is all 0: that unit and the other 28 keep
    # the defaults
    own = [
        u
        for u in doc["units"]
        if [q["target_pct"] for q in u["quarters"]] != [15, 40, 65, 95][: len(u["quarters"])]
    ]
    assert len(own) == 15
    (empty,) = [w for w in doc["warnings"] if w["code"] == "W-PLAN-EMPTY"]
    assert Path(empty["file"]).name.startswith("anggaran_kas_1_")
