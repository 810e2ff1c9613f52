"""Last year at the same date: a prior-year column of the export, or last year's exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from realisasi_cli.cli import app

runner = CliRunner()


def rank_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["rank", *args, "--all", "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("title", "headers"),
    [
        (
            "LAPORAN REALISASI ANGGARAN TAHUN ANGGARAN 2026 s.d. 30 Juni 2026",
            ["REALISASI 2025", "REALISASI 2026"],
        ),
        ("LAPORAN REALISASI ANGGARAN s.d. 30 Juni 2026", ["Realisasi Tahun Lalu", "Realisasi"]),
    ],
)
def test_a_prior_year_column_is_last_year_never_this_year(
    tmp_path: Path, title: str, headers: list[str]
) -> None:
    rows: list[list[object]] = [
        [title],
        ["Nama OPD", "Pagu", *headers],
        ["Dinas A", 1000, 300, 450],
        ["Dinas B", 2000, 900, 700],
    ]
    path = openpyxl_book(tmp_path / "lra.xlsx", {"LRA": rows})
    doc = rank_json(str(path))
    units = {u["name"]: u for u in doc["units"]}
    assert units["Dinas A"]["realized"] == 450 and units["Dinas B"]["realized"] == 700
    assert doc["total"]["realized"] == 1150
    assert units["Dinas A"]["last_year"] == {"realized": 300, "budget": None, "absorption_pct": None}
    assert units["Dinas B"]["last_year"]["realized"] == 900
    assert doc["last_year"]["realized"] == 1200
    assert doc["last_year"]["as_of"] == "2025-06-30"


def test_last_years_exports_at_the_same_date_or_the_nearest_earlier(tmp_path: Path) -> None:
    now = tmp_path / "lra_10nov2023.csv"
    now.write_text(
        "Kode SKPD;Nama SKPD;Pagu;Realisasi\n1.01.0.00.0.00.01.0000;DINAS A;1000;600\n;DINAS B;2000;1000\n",
        encoding="utf-8",
    )
    before = tmp_path / "2022"
    before.mkdir()
    (before / "lra_30sep2022.csv").write_text(
        "Kode SKPD;Nama SKPD;Pagu;Realisasi\n"
        "1.01.0.00.0.00.01.0000;Dinas A (lama);800;400\n;Dinas B;1600;400\n",
        encoding="utf-8",
    )
    (before / "lra_31des2022.csv").write_text(
        "Kode SKPD;Nama SKPD;Pagu;Realisasi\n"
        "1.01.0.00.0.00.01.0000;Dinas A (lama);800;780\n;Dinas B;1600;1500\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rank", str(now), "--last-year", str(before), "--all", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    units = {u["name"]: u for u in doc["units"]}
    # 31 December 2022 is after 10 November 2022: the 30 September snapshot is the nearest earlier;
    # DINAS A matched by its code, DINAS B by its name
    assert units["DINAS A"]["last_year"] == {"realized": 400, "budget": 800, "absorption_pct": 50.0}
    assert units["DINAS B"]["last_year"] == {"realized": 400, "budget": 1600, "absorption_pct": 25.0}
    assert doc["last_year"] == {
        "as_of": "2022-09-30",
        "realized": 800,
        "budget": 2400,
        "absorption_pct": pytest.approx(100 * 800 / 2400, abs=1e-4),
    }
    assert "lra_31des2022.csv" in result.stderr
    table = runner.invoke(app, ["rank", str(now), "--last-year", str(before), "-q"])
    assert table.exit_code == 0 and "Thn lalu" in table.stdout and "33,33%" in table.stdout


def test_the_brief_and_the_summary_show_last_year(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN TAHUN ANGGARAN 2026 s.d. 30 Juni 2026"],
        ["Nama OPD", "Pagu", "REALISASI 2025", "REALISASI 2026"],
        ["Dinas A", 1000, 300, 450],
    ]
    path = openpyxl_book(tmp_path / "lra.xlsx", {"LRA": rows})
    brief = runner.invoke(app, ["brief", str(path), "--meeting-date", "2026-07-10", "-f", "md", "-q"])
    assert brief.exit_code == 0, brief.stderr
    assert "**Tahun lalu pada tanggal yang sama** (30 Juni 2025): Rp300" in brief.stdout
    summary = runner.invoke(app, ["summary", str(path), "-q"])
    assert summary.exit_code == 0, summary.stderr
    assert "Tahun lalu pada tanggal yang sama: Rp300 · 30 Juni 2025" in summary.stdout
