"""Acceptance on real exports in ../shared/real_data (skipped when absent).

The expected figures were read cell by cell from the files (budget in Q, realization in the
merged R:S cell or in S alone, leaves 5.1–5.4), not produced by this code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realisasi_cli.cli.application import app
from realisasi_cli.facts.load import load
from realisasi_cli.metrics.ranking import rank
from realisasi_cli.metrics.units import RankOptions

runner = CliRunner()

# file → (budget, realized): the sums of the 5.1–5.4 leaf rows
TOBA = {
    "56_lra_20221130-122701.xlsx": (2168987046 + 47962630, 1270087428 + 288190026),  # S alone
    "51_lra_20221130-121956.xlsx": (2334880409, 1914262548),  # subtotal 5 disagrees
    "53_lra_20221130-133818.xlsx": (1686015701 + 24084000, 1178441152 + 23907117),  # idem
    "55_lra_20221130-122259.xlsx": (2669397973 + 198044480, 1684019985),  # subtotal 5 is 0
    "52_lra_20221130-122212.xlsx": (2184540632 + 42532646, 2086751720 + 46459091),  # modal > pagu
    "33_lra_20221205-115140.xlsx": (
        25107484239 + 21461782 + 333771541 + 243302730000,
        16458203451 + 6118792 + 21886000 + 168361432406,
    ),
}


def test_toba_44_files_one_per_skpd(real_data: Path) -> None:
    folder = real_data / "toba_2022_lra_per_skpd" / "lra"
    dataset = load([folder])
    result = rank(dataset.budget, dataset.realization, dataset.sources, RankOptions())
    assert result.units.height == 44
    by_source = {}
    for row in dataset.budget.group_by("file").agg(b=pl_sum("budget")).iter_rows():
        by_source[Path(row[0]).name] = row[1]
    realized = {
        Path(r[0]).name: r[1]
        for r in dataset.realization.group_by("file").agg(r=pl_sum("realized")).iter_rows()
    }
    for name, (budget, real) in TOBA.items():
        assert by_source[name] == pytest.approx(budget, abs=0.5), name
        assert realized[name] == pytest.approx(real, abs=0.5), name
    subtotal_files = {Path(w.file).name for w in dataset.warnings if w.message.startswith("subtotal")}
    assert subtotal_files == {
        "51_lra_20221130-121956.xlsx",
        "53_lra_20221130-133818.xlsx",
        "55_lra_20221130-122259.xlsx",
    }
    names = set(result.units["name"].to_list())
    assert {"Kecamatan Uluan", "Dinas Kesehatan", "Kantor Camat Balige"} <= names
    uluan = result.units.filter(result.units["name"] == "Kecamatan Uluan").to_dicts()[0]
    assert uluan["absorption_pct"] == pytest.approx(
        100 * (2086751720 + 46459091) / (2184540632 + 42532646), abs=0.01
    )
    assert uluan["rank"] == 1


def pl_sum(column: str):  # type: ignore[no-untyped-def]
    import polars as pl

    return pl.col(column).sum()


def test_lampung_selatan_sipd_rekap_with_text_amounts(real_data: Path) -> None:
    path = real_data / "lamsel_diskominfo_sipd" / "lra_juli.xlsx"
    result = runner.invoke(app, ["rank", str(path), "--all", "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    (unit,) = doc["units"]
    # the Jumlah row: operasi 10.701.893.800,00 / 643.531.783,00; modal 109.048.100,00 / 0,00
    assert unit["code"] == "2.16.2.20.2.21.01.0000"
    assert unit["name"] == "Dinas Komunikasi dan Informatika"
    assert unit["budget"] == 10_701_893_800 + 109_048_100
    assert unit["realized"] == 643_531_783
    assert unit["categories"]["modal"]["budget"] == 109_048_100
    assert doc["as_of"] == "2026-07-31"  # from the file name and TAHUN ANGGARAN 2026


def test_ntb_flat_export_without_realization_is_a_clear_missing_column_error(real_data: Path) -> None:
    path = real_data / "ntb_sipd_flat_export" / "format-import.xlsx"
    result = runner.invoke(app, ["rank", str(path)])
    assert result.exit_code == 1
    assert "format-import.xlsx" in result.stderr
    assert "tidak ditemukan kolom realisasi" in result.stderr and "[E-MISSING-COLUMN]" in result.stderr
    assert "Traceback" not in result.output
