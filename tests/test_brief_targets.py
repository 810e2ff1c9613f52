"""The brief measures each unit as rank --pace does: against the target on its own data date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from realisasi_cli.cli import app

runner = CliRunner()


def lra(path: Path, title: str, unit: str, budget: int, realized: int) -> Path:
    rows: list[list[object]] = [[f"LAPORAN REALISASI ANGGARAN {title}"], ["Nama OPD", "Pagu", "Realisasi"]]
    return openpyxl_book(path, {"LRA": [*rows, [unit, budget, realized]]})


def test_units_of_different_dates_are_each_measured_on_their_own(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    lra(folder / "a.xlsx", "s.d. 31 Oktober 2024", "Dinas A", 1000, 500)
    lra(folder / "b.xlsx", "s.d. 30 November 2024", "Dinas B", 2000, 1200)
    on_oct31 = 65 + 30 * 31 / 92  # TW IV's 95 % pro-rated: 75,11 %
    on_nov30 = 65 + 30 * 61 / 92  # 84,89 %
    result = runner.invoke(app, ["rank", str(folder), "--pace", "--all", "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    units = {u["name"]: u["pace"] for u in json.loads(result.stdout)["units"]}
    assert units["Dinas A"]["gap_to_date_pp"] == pytest.approx(50 - on_oct31, abs=1e-4)
    assert units["Dinas B"]["gap_to_date_pp"] == pytest.approx(60 - on_nov30, abs=1e-4)

    out = tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    table = page[page.index("usulan asistensi") :]
    assert "target pada tanggal data masing-masing" in table
    # Dinas A's −25,1 pp against 31 October's target, not −34,9 against 30 November's
    assert f"{50 - on_oct31:.1f} pp".replace(".", ",") in table
    assert f"{50 - on_nov30:.1f} pp".replace(".", ",") not in table
    assert f"{60 - on_nov30:.1f} pp".replace(".", ",") in table
