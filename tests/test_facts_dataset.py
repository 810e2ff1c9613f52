"""facts -o DIR is a hive-partitioned Parquet dataset: DuckDB and Polars read it as it is, and the
province ranking of docs/facts-dataset.md gives the amounts worked out by hand and those of rank."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from lra_exports import lra_export
from realisasi_cli.cli.application import app
from realisasi_cli.errors import ExitCode

duckdb = pytest.importorskip("duckdb")
runner = CliRunner()
M = 1_000_000  # a million rupiah
DOCS = ROOT / "docs" / "facts-dataset.md"


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["--lang", "en", *args])


def province(root: Path) -> Path:
    """Two governments' exports and their facts in ``root/provinsi/<government>``.

    kab_a: Dinas Pendidikan in August (budget 1,500 M, realized 400 M) and September (1,500 M,
    800 M), Dinas Kesehatan in September (2,000 M under a subtotal plus 500 M modal, 1,500 M).
    kab_b: its own Dinas Pendidikan, under the same code as kab_a's, in September (4,000 M, 1,000 M).
    """
    exports = {"kab_a": root / "kab_a", "kab_b": root / "kab_b"}
    for folder in exports.values():
        folder.mkdir()
    school = (
        ("5.1.02.01.01.0024", "Belanja ATK", 1_000 * M),
        ("5.2.02.10.01.0002", "Belanja Modal PC", 500 * M),
    )
    lra_export(
        exports["kab_a"] / "lra_disdik_agustus.xlsx",
        "1.01.0.00.0.00.01.0000",
        "DINAS PENDIDIKAN",
        "31 Agustus 2024",
        [(*school[0], 300 * M), (*school[1], 100 * M)],
    )
    lra_export(
        exports["kab_a"] / "lra_disdik_september.xlsx",
        "1.01.0.00.0.00.01.0000",
        "DINAS PENDIDIKAN",
        "30 September 2024",
        [(*school[0], 600 * M), (*school[1], 200 * M)],
    )
    lra_export(
        exports["kab_a"] / "lra_dinkes_september.xlsx",
        "1.02.0.00.0.00.01.0000",
        "DINAS KESEHATAN",
        "30 September 2024",
        [
            ("5.1.02.01.01.0024", "Belanja ATK", 1_200 * M, 900 * M),
            ("5.1.02.01.01.0052", "Belanja Makan Minum", 800 * M, 600 * M),
            ("5.2.02.10.01.0002", "Belanja Modal PC", 500 * M, 0),
        ],
    )
    lra_export(
        exports["kab_b"] / "lra_disdik_september.xlsx",
        "1.01.0.00.0.00.01.0000",
        "DINAS PENDIDIKAN",
        "30 September 2024",
        [("5.1.01.01.01.0001", "Belanja Gaji", 4_000 * M, 1_000 * M)],
    )
    out = root / "provinsi"
    for government, folder in exports.items():
        result = invoke("facts", str(folder), "-o", str(out / government), "-q")
        assert result.exit_code == 0, result.stderr
    return out


def documented_query(section: str) -> str:
    """The first SQL block under ``section`` of docs/facts-dataset.md."""
    text = DOCS.read_text(encoding="utf-8")
    after = text[text.index(f"## {section}") :]
    match = re.search(r"```sql\n(.*?)```", after, re.S)
    assert match is not None
    return match.group(1)


def test_the_dataset_is_partitioned_by_year_and_data_date(tmp_path: Path) -> None:
    out = province(tmp_path) / "kab_a"

    parts = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet"))

    assert parts == [
        "budget/year=2024/as_of=2024-08-31/part-0.parquet",
        "budget/year=2024/as_of=2024-09-30/part-0.parquet",
        "realization/year=2024/as_of=2024-08-31/part-0.parquet",
        "realization/year=2024/as_of=2024-09-30/part-0.parquet",
        "sources.parquet",
    ]


def test_duckdb_reads_the_partitions_with_their_year_and_date(tmp_path: Path) -> None:
    out = province(tmp_path) / "kab_a"
    query = f"""
        SELECT year, as_of, sum(budget) AS budget, count(*) AS lines
        FROM read_parquet('{out.as_posix()}/budget/*/*/*.parquet', hive_partitioning = true,
                          hive_types = {{'year': INTEGER, 'as_of': DATE}})
        GROUP BY ALL ORDER BY ALL
    """

    rows = duckdb.sql(query).fetchall()

    # August: Disdik's two lines; September: Disdik's two and Dinkes' three, the 5.1.02 subtotal left out
    assert rows == [
        (2024, date(2024, 8, 31), 1_500 * M, 2),
        (2024, date(2024, 9, 30), (1_500 + 2_500) * M, 5),
    ]


def test_the_documented_province_ranking_gives_the_amounts_worked_out_by_hand(tmp_path: Path) -> None:
    out = province(tmp_path)
    query = documented_query("Ranking a whole province").replace("provinsi/", f"{out.as_posix()}/")

    rows = duckdb.sql(query).fetchall()

    assert [
        (g, unit, name, as_of, budget, realized, pct) for g, unit, name, as_of, budget, realized, pct in rows
    ] == [
        (
            "kab_b",
            "1.01.0.00.0.00.01.0000",
            "DINAS PENDIDIKAN",
            date(2024, 9, 30),
            4_000 * M,
            1_000 * M,
            25.0,
        ),
        ("kab_a", "1.01.0.00.0.00.01.0000", "DINAS PENDIDIKAN", date(2024, 9, 30), 1_500 * M, 800 * M, 53.33),
        ("kab_a", "1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", date(2024, 9, 30), 2_500 * M, 1_500 * M, 60.0),
    ]


def test_the_documented_province_ranking_agrees_with_rank_for_each_government(tmp_path: Path) -> None:
    out = province(tmp_path)
    query = documented_query("Ranking a whole province").replace("provinsi/", f"{out.as_posix()}/")
    by_sql = {
        (g, unit): (budget, realized)
        for g, unit, _n, _d, budget, realized, _p in duckdb.sql(query).fetchall()
    }

    by_rank = {}
    for government in ("kab_a", "kab_b"):
        result = invoke("rank", str(tmp_path / government), "--all", "-f", "json", "-q")
        assert result.exit_code == 0, result.stderr
        for unit in json.loads(result.stdout)["units"]:
            by_rank[(government, unit["code"])] = (unit["budget"], unit["realized"])

    assert by_sql == by_rank


def test_polars_reads_the_dataset_with_its_partitions(tmp_path: Path) -> None:
    import polars as pl

    out = province(tmp_path) / "kab_a"

    realization = pl.scan_parquet(
        out / "realization", hive_partitioning=True, hive_schema={"year": pl.Int32, "as_of": pl.Date}
    ).collect()
    sources = pl.read_parquet(out / "sources.parquet")

    latest = realization.filter(pl.col("as_of") == date(2024, 9, 30))
    assert latest["realized"].sum() == (800 + 1_500) * M
    assert sorted(sources["as_of"].to_list()) == [date(2024, 8, 31), date(2024, 9, 30), date(2024, 9, 30)]
    assert sources["year"].to_list() == [2024, 2024, 2024]


def test_an_export_without_a_date_lands_in_the_partition_every_reader_reads_as_null(tmp_path: Path) -> None:
    export = tmp_path / "rekap.csv"
    export.write_text("Nama OPD;Pagu;Realisasi\nDinas A;1000;500\nDinas B;3000;500\n", encoding="utf-8")
    out = tmp_path / "facts"
    assert invoke("facts", str(export), "-o", str(out), "-q").exit_code == 0

    rows = duckdb.sql(
        f"""SELECT year, as_of, sum(budget) FROM read_parquet('{out.as_posix()}/budget/*/*/*.parquet',
            hive_partitioning = true, hive_types = {{'year': INTEGER, 'as_of': DATE}}) GROUP BY ALL"""
    ).fetchall()

    assert rows == [(None, None, 4000.0)]


def test_a_partition_folder_holding_a_file_of_someone_else_is_not_replaced(tmp_path: Path) -> None:
    out = province(tmp_path) / "kab_a"
    stray = out / "budget" / "year=2024" / "catatan.txt"
    stray.write_text("notes", encoding="utf-8")

    result = invoke("facts", str(tmp_path / "kab_a"), "-o", str(out))

    assert result.exit_code == ExitCode.USAGE
    assert "[E-FACTS-FOLDER-FOREIGN]" in result.stderr and "budget/year=2024/catatan.txt" in result.stderr
    assert stray.read_text(encoding="utf-8") == "notes"


def test_a_folder_of_the_earlier_flat_files_is_replaced_by_the_dataset(tmp_path: Path) -> None:
    exports = tmp_path / "kab_a"
    province(tmp_path)
    out = tmp_path / "old"
    out.mkdir()
    for name in ("budget", "realization", "sources"):
        (out / f"{name}.parquet").write_bytes(b"PAR1")

    result = invoke("facts", str(exports), "-o", str(out), "-q")

    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["budget", "realization", "sources.parquet"]
