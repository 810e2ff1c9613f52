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


def test_the_governments_target_weights_each_units_target_on_its_own_date(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    lra(folder / "a.xlsx", "s.d. 31 Oktober 2024", "Dinas A", 1000, 500)
    lra(folder / "b.xlsx", "s.d. 30 November 2024", "Dinas B", 2000, 1200)
    on_oct31, on_nov30 = 65 + 30 * 31 / 92, 65 + 30 * 61 / 92
    weighted = (on_oct31 * 1000 + on_nov30 * 2000) / 3000  # 81,63 %, not 30 November's 84,89 %
    result = runner.invoke(app, ["rank", str(folder), "--pace", "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    pace = json.loads(result.stdout)["pace"]
    assert pace["target_to_date_pct"] == pytest.approx(weighted, abs=1e-4)
    assert pace["gap_to_date_pp"] == pytest.approx(100 * 1700 / 3000 - weighted, abs=1e-4)
    # so is the pace: Dinas A 50 % in 10 months, Dinas B 60 % in 11, weighted by budget
    monthly = (50 / 10 * 1000 + 60 / 11 * 2000) / 3000  # 5,30 % a month, not 56,67 % over 11 months
    assert pace["monthly_pct"] == pytest.approx(monthly, abs=1e-4)
    assert pace["projected_pct"] == pytest.approx(12 * monthly, abs=1e-3)
    brief = runner.invoke(app, ["brief", str(folder), "-q"])
    assert "- **Target s.d. tanggal data**: " + f"{weighted:.2f}%".replace(".", ",") in brief.stdout
    # the brief's quarter table says what quarters says: TW IV's gap to the same target to date
    quarters = runner.invoke(app, ["quarters", str(folder), "--format", "json", "-q"])
    tw4 = json.loads(quarters.stdout)["total"]["quarters"][3]
    assert tw4["target_to_date_pct"] == pytest.approx(weighted, abs=1e-4)
    row = next(line for line in brief.stdout.splitlines() if line.startswith("| TW IV"))
    assert row.endswith(f"| {tw4['gap_pp']:+.1f} pp |".replace(".", ","))


def test_quarters_put_a_unit_whose_data_stands_in_tw_iii_among_the_lowest(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    lra(folder / "a.xlsx", "s.d. 30 September 2024", "Dinas Lambat", 1000, 300)
    lra(folder / "b.xlsx", "s.d. 30 November 2024", "Dinas B", 2000, 1200)
    lra(folder / "c.xlsx", "s.d. 30 November 2024", "Dinas C", 2000, 1000)
    result = runner.invoke(app, ["quarters", str(folder), "--format", "json", "-q", "--bottom", "2"])
    assert result.exit_code == 0, result.stderr
    # 30 % in TW III is lower than 50 % and 60 % in TW IV: it is the first of the lowest two
    assert [u["name"] for u in json.loads(result.stdout)["units"]] == ["Dinas Lambat", "Dinas C"]
    table = runner.invoke(app, ["quarters", str(folder), "-q"]).stdout
    assert "Data per 30 September 2024 – 30 November 2024" in " ".join(table.split())


def test_a_unit_whose_realization_covers_one_month_has_no_pace_since_january(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    lra(folder / "a.xlsx", "periode 01 Juli s.d. 31 Juli 2024", "Dinas Juli", 1000, 300)
    lra(folder / "b.xlsx", "s.d. 31 Juli 2024", "Dinas B", 1400, 700)
    result = runner.invoke(app, ["rank", str(folder), "--pace", "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    units = {u["name"]: u for u in json.loads(result.stdout)["units"]}
    assert units["Dinas Juli"]["period_start"] == "2024-07-01"
    assert units["Dinas Juli"]["pace"]["monthly_pct"] is None  # not 30 % over seven months
    assert units["Dinas B"]["pace"]["monthly_pct"] == pytest.approx(50 / 7, abs=1e-4)  # 7 months gone


def test_the_brief_says_the_dates_once_and_no_modal_note_without_modal(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    header = ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]
    for name, day in (("a", "31 Oktober 2024"), ("b", "30 November 2024")):
        rows: list[list[object]] = [
            [f"LAPORAN REALISASI ANGGARAN s.d. {day}"],
            [f"SKPD: DINAS {name.upper()}"],
        ]
        rows += [header, ["5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 1000, 600]]
        openpyxl_book(folder / f"{name}.xlsx", {"LRA": rows})
    page = runner.invoke(app, ["brief", str(folder), "-q", "-f", "html"]).stdout
    assert "<dt>Data per</dt><dd>31 Oktober 2024 – 30 November 2024</dd>" in page
    assert "Belanja Operasi" in page and "◆" not in page  # no belanja modal row: no note on it
    markdown = runner.invoke(app, ["brief", str(folder), "-q"]).stdout
    assert "| Belanja Operasi |" in markdown and "◆" not in markdown


def test_a_government_written_kab_dot_names_the_brief(tmp_path: Path) -> None:
    rows: list[list[object]] = [["KAB. LAMPUNG CONTOH"], ["LAPORAN REALISASI ANGGARAN s.d. 31 Juli 2026"]]
    rows += [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1000, 400]]
    path = openpyxl_book(tmp_path / "lra.xlsx", {"LRA": rows})
    result = runner.invoke(app, ["brief", str(path), "-q"])
    assert result.exit_code == 0, result.stderr
    assert "**KAB. LAMPUNG CONTOH** · Tahun Anggaran 2026" in result.stdout
