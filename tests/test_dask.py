"""facts --scheduler ADDRESS reads the files on a Dask cluster (a LocalCluster here) and writes the
dataset a local run writes; a scheduler that cannot be reached, or Dask missing, is said plainly."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lra_exports import numbered_exports
from realisasi_cli.cli.application import app
from realisasi_cli.errors import ExitCode, UsageError
from realisasi_cli.facts import parallel

runner = CliRunner()
M = 1_000_000


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["--lang", "en", *args])


def exports(folder: Path, units: int = 10) -> Path:
    """``units`` one-unit exports (unit i: 1,000·(i+1) M budget, 250·(i+1) M realized) and a damaged file."""
    return numbered_exports(folder, units, realized_per_mille=250, damaged="03_rusak.xlsx")


@pytest.mark.slow
def test_facts_on_a_local_dask_cluster_are_those_of_a_local_run(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    import polars as pl
    from distributed import LocalCluster

    folder = exports(tmp_path / "exports")
    here = invoke("facts", str(folder), "-o", str(tmp_path / "here"))
    assert here.exit_code == 0, here.stderr

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = invoke(
            "facts", str(folder), "-o", str(tmp_path / "cluster"), "--scheduler", cluster.scheduler_address
        )

    assert result.exit_code == 0, result.stderr
    # the damaged file is a warning, as on this machine
    assert result.stderr.replace("cluster (", "here (") == here.stderr
    assert "03_rusak.xlsx" in result.stderr and "skipped" in result.stderr
    for table in ("budget", "realization"):
        got = pl.read_parquet(tmp_path / "cluster" / table)
        want = pl.read_parquet(tmp_path / "here" / table)
        # on the cluster, files are named by their absolute path: what the workers opened
        assert got["file"].to_list() == [str(Path(f).absolute()) for f in want["file"].to_list()]
        assert got.drop("file").equals(want.drop("file"))
    budget = pl.read_parquet(tmp_path / "cluster" / "budget")
    assert budget["budget"].sum() == sum((i + 1) * 1_000 * M for i in range(10))


def test_a_scheduler_that_cannot_be_reached_is_a_usage_error_naming_it() -> None:
    pytest.importorskip("distributed")

    with pytest.raises(UsageError) as caught, parallel.dask_cluster("tcp://127.0.0.1:9", timeout=0.5):
        pass

    assert caught.value.code == "E-SCHEDULER-UNREACHABLE"
    assert caught.value.params["address"] == "tcp://127.0.0.1:9"
    assert caught.value.exit_code == ExitCode.USAGE


def test_without_dask_the_scheduler_option_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now fails
    folder = exports(tmp_path / "exports", units=1)

    result = invoke("facts", str(folder), "-o", str(tmp_path / "out"), "--scheduler", "tcp://10.0.0.5:8786")

    assert result.exit_code == ExitCode.USAGE
    assert "[E-DASK-MISSING]" in result.stderr and 'pip install "realisasi[dask]"' in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
