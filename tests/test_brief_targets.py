"""The brief measures each unit as rank --pace does: against the target on its own data date."""

from __future__ import annotations

import json
import re
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


def test_a_unit_is_coloured_against_its_own_target_and_its_tick_drawn_there(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    lra(folder / "a.xlsx", "s.d. 31 Oktober 2024", "Dinas A", 1000, 780)
    lra(folder / "b.xlsx", "s.d. 30 November 2024", "Dinas B", 2000, 1200)
    on_oct31 = 65 + 30 * 31 / 92  # 75,11 %: Dinas A's 78 % meets it
    on_nov30 = 65 + 30 * 61 / 92  # 84,89 %: Dinas B's 60 % does not, but is above the 57 % threshold
    weighted = (on_oct31 * 1000 + on_nov30 * 2000) / 3000  # 81,63 %: Dinas A would be under it
    assert weighted > 78
    markdown = runner.invoke(app, ["brief", str(folder), "-q"])
    assert markdown.exit_code == 0, markdown.stderr
    # the ranking table: #, unit, pagu, realisasi, %, data per, change, band mark
    ranking = [line.split(" | ") for line in markdown.stdout.splitlines() if line.startswith("| ")]
    rows = {cells[1]: " | ".join(cells) for cells in ranking if len(cells) > 3 and cells[2].startswith("Rp")}
    assert rows["Dinas A"].rstrip(" |").endswith("●")
    assert rows["Dinas B"].rstrip(" |").endswith("◐")
    assert (
        "● ≥ targetnya sendiri dan ≥ ambang 57%: 1 · ◐ di antara targetnya sendiri dan ambang 57%: 1"
        in markdown.stdout
    )

    out = tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    svg = page[page.index('<svg class="chart chart-units"') :]
    ticks = [float(x) for x in re.findall(r'<line class="own-target" x1="([\d.]+)"', svg)]
    # bars start at x = 340 and are 480 wide for 100 %; the units are drawn lowest first
    assert ticks == [
        pytest.approx(340 + 4.8 * on_nov30, abs=0.06),
        pytest.approx(340 + 4.8 * on_oct31, abs=0.06),
    ]
    assert "target s.d. tanggal data perangkat daerah itu" in svg


def test_one_date_keeps_one_target_for_every_unit(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    lra(folder / "a.xlsx", "s.d. 31 Oktober 2024", "Dinas A", 1000, 780)
    lra(folder / "b.xlsx", "s.d. 31 Oktober 2024", "Dinas B", 2000, 1200)
    result = runner.invoke(app, ["brief", str(folder), "-q", "-f", "html"])
    assert result.exit_code == 0, result.stderr
    assert 'class="own-target"' not in result.stdout and "targetnya sendiri" not in result.stdout
    # one target for all: 75 % on 31 October (65 + 30·31/92 = 75,11 %), the threshold below it
    assert "≥ 75,11% (capai target TW IV s.d. tgl data)" in result.stdout
