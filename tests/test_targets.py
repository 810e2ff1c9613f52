"""Targets on the data date: the quarter's target pro-rated by calendar days, and cash plans to date."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from realisasi_cli.cli import app
from realisasi_cli.metrics.targets import plan_to_date, target_on

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
TARGETS = (15.0, 40.0, 65.0, 95.0)
runner = CliRunner()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # 10 November 2023: TW IV has 92 days, 41 of them gone (31 October + 10 November)
        (date(2023, 11, 10), 65 + 30 * 41 / 92),
        # the first day of a quarter counts one day of it
        (date(2023, 4, 1), 15 + 25 * 1 / 91),
        (date(2023, 1, 1), 15 * 1 / 90),
        # a leap year's TW I has 91 days; 29 February is its 60th
        (date(2024, 2, 29), 15 * 60 / 91),
        (date(2023, 2, 28), 15 * 59 / 90),
        # the last day of a quarter: its full target
        (date(2023, 9, 30), 65.0),
        (date(2023, 12, 31), 95.0),
    ],
)
def test_the_target_on_a_day_is_pro_rated_by_calendar_days(day: date, expected: float) -> None:
    assert target_on(TARGETS, day) == pytest.approx(expected, abs=1e-9)


def test_a_cash_plan_to_date_pro_rates_the_month_it_falls_in() -> None:
    monthly = pl.DataFrame(
        {
            "unit": ["a", "a", "a", "b"],
            "period_start": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1), date(2024, 1, 1)],
            "period_end": [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 1, 31)],
            "planned": [310.0, 290.0, 620.0, 100.0],
        }
    )
    at = pl.DataFrame(
        {"unit": ["a", "a", "b"], "at": [date(2024, 2, 10), date(2024, 3, 31), date(2024, 1, 1)]}
    )
    result = plan_to_date(monthly, at)
    # January whole, 10 of February's 29 days; all three months; 1 of January's 31 days
    assert result["plan_to_date"].to_list() == pytest.approx([310 + 290 * 10 / 29, 1220.0, 100 / 31])


def test_quarters_on_a_10_november_export_reports_the_target_to_date() -> None:
    result = runner.invoke(
        app, ["quarters", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    tw4 = doc["total"]["quarters"][-1]
    assert tw4["quarter"] == 4 and tw4["at"] == "2023-11-10"
    assert tw4["target_pct"] == 95
    assert tw4["target_to_date_pct"] == pytest.approx(78.3696, abs=1e-4)
    assert tw4["gap_pp"] == pytest.approx(tw4["cumulative_pct"] - 78.3696, abs=1e-3)
    for unit in doc["units"]:
        (q,) = [q for q in unit["quarters"] if q["quarter"] == 4]
        assert q["target_to_date_pct"] == pytest.approx(78.3696, abs=1e-4)


def test_rank_pace_measures_each_unit_against_the_target_on_its_own_date(tmp_path: Path) -> None:
    july = tmp_path / "dinas_a_31jul2023.csv"
    july.write_text("Nama OPD;Pagu;Realisasi\nDinas A;1000;400\n", encoding="utf-8")
    may = tmp_path / "dinas_b_15mei2023.csv"
    may.write_text("Nama OPD;Pagu;Realisasi\nDinas B;1000;200\n", encoding="utf-8")
    result = runner.invoke(app, ["rank", str(tmp_path), "--pace", "--all", "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    units = {u["name"]: u for u in json.loads(result.stdout)["units"]}
    # 31 July: 40 % + 25 pp × 31/92 of TW III; 15 May: 15 % + 25 pp × 45/91 of TW II
    assert units["Dinas A"]["pace"]["target_to_date_pct"] == pytest.approx(40 + 25 * 31 / 92, abs=1e-4)
    assert units["Dinas B"]["pace"]["target_to_date_pct"] == pytest.approx(15 + 25 * 45 / 91, abs=1e-4)
    assert units["Dinas B"]["pace"]["gap_to_date_pp"] == pytest.approx(20 - (15 + 25 * 45 / 91), abs=1e-4)


def test_targets_per_category_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text(
        "[targets]\nsemua = [15, 40, 65, 95]\nmodal = [5, 25, 55, 90]\n"
        "'Belanja Pegawai' = [24, 49, 74, 99]\n",
        encoding="utf-8",
    )
    source = str(SAMPLES / "rekap_pd_10nov2023.xlsx")
    modal = runner.invoke(
        app, ["--config", str(config), "quarters", source, "--category", "modal", "-f", "json", "-q"]
    )
    assert modal.exit_code == 0, modal.stderr
    doc = json.loads(modal.stdout)
    assert doc["targets_pct"] == [5, 25, 55, 90]
    # 10 November: 55 + 35 × 41/92
    assert doc["total"]["quarters"][-1]["target_to_date_pct"] == pytest.approx(55 + 35 * 41 / 92, abs=1e-4)
    brief = runner.invoke(
        app,
        ["--config", str(config), "brief", source, "--format", "md", "--meeting-date", "2023-11-15", "-q"],
    )
    assert brief.exit_code == 0, brief.stderr
    (modal_row,) = [line for line in brief.stdout.splitlines() if line.startswith("| **Belanja Modal**")]
    # belanja modal against its own target to date, the others against the overall one
    assert f"| {55 + 35 * 41 / 92:.2f}%".replace(".", ",") in modal_row
    (operasi_row,) = [line for line in brief.stdout.splitlines() if line.startswith("| Belanja Operasi")]
    assert f"| {65 + 30 * 41 / 92:.2f}%".replace(".", ",") in operasi_row


@pytest.mark.parametrize(
    "text",
    [
        "targets = [40, 15, 65, 95]",
        "targets = [15, 40, 65]",
        "[targets]\nmodal = [5, 25, 55, 120]",
        "[targets]\nbansos_x = [1, 2, 3, 4]",
    ],
)
def test_bad_targets_in_the_config_are_refused_naming_the_file(tmp_path: Path, text: str) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text(text + "\n", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(config), "rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx")])
    assert result.exit_code == 2, result.stdout
    assert "realisasi.toml" in result.stderr and "targets" in result.stderr
