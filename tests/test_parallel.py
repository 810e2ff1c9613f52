"""Files are read on every core: the same results in the same order with one process and with several,
a bounded number of files in flight, a worker that dies leaving its files to this process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lra_exports import numbered_exports
from realisasi_cli.cli.application import app
from realisasi_cli.errors import ExitCode
from realisasi_cli.facts import parallel
from realisasi_cli.facts.load import FileJob, read_file

runner = CliRunner()
M = 1_000_000


def folder_of_exports(folder: Path, units: int = 12) -> Path:
    """``units`` one-unit LRA exports (unit i: budget (i+1)·1,000 M, realized (i+1)·100 M), and a
    damaged file in the middle, whose warning must keep its place."""
    return numbered_exports(folder, units, realized_per_mille=100, damaged="05_rusak.xlsx")


def rank_json(folder: Path, jobs: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["--lang", "en", "rank", str(folder), "--all", "-f", "json"], env={"REALISASI_JOBS": jobs}
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_folder_read_by_one_process_or_by_three_gives_the_same_json(tmp_path: Path) -> None:
    folder = folder_of_exports(tmp_path / "exports")

    one = rank_json(folder, "1")
    three = rank_json(folder, "3")

    assert one[0] == three[0] == 0, one[2] + three[2]
    assert one[1] == three[1]
    assert one[2] == three[2]  # the warnings too, in the same order
    doc = json.loads(three[1])
    assert sorted(u["realized"] for u in doc["units"]) == [(i + 1) * 100 * M for i in range(12)]
    assert {u["absorption_pct"] for u in doc["units"]} == {10.0}
    assert [w["code"] for w in doc["warnings"]] == ["W-SKIPPED"]


def test_facts_of_a_folder_are_the_same_file_for_file_with_one_process_and_with_two(tmp_path: Path) -> None:
    import polars as pl

    folder = folder_of_exports(tmp_path / "exports")
    for jobs in ("1", "2"):
        result = runner.invoke(
            app,
            ["facts", str(folder), "-o", str(tmp_path / f"facts{jobs}"), "-q"],
            env={"REALISASI_JOBS": jobs},
        )
        assert result.exit_code == 0, result.stderr

    for table in ("budget", "realization"):
        one, two = (pl.read_parquet(tmp_path / f"facts{jobs}" / table) for jobs in ("1", "2"))
        assert one.equals(two)
        assert one["file"].to_list() == sorted(one["file"].to_list())  # in the folder's order


def test_files_read_in_worker_processes_give_the_facts_read_here(tmp_path: Path) -> None:
    folder = folder_of_exports(tmp_path / "exports", units=6)
    jobs = [FileJob(path, None, {}, partial=True) for path in sorted(folder.iterdir())]

    pool = parallel.process_pool(2)
    try:
        remote = parallel.map_in_order(read_file, jobs, local=None, workers=2, executor=pool)
    finally:
        pool.shutdown()
    here = [read_file(job) for job in jobs]

    assert [type(r).__name__ for r in remote] == [type(r).__name__ for r in here]
    for got, want in zip(remote, here, strict=True):
        if isinstance(want, Exception):
            assert isinstance(got, Exception) and got.code == want.code and got.params == want.params
            continue
        assert not isinstance(got, Exception)
        for a, b in zip(got, want, strict=True):
            assert a.facts is not None and b.facts is not None
            assert a.facts.budget.equals(b.facts.budget) and a.facts.realization.equals(b.facts.realization)
            assert (a.sheet, a.as_of, a.kind, a.used) == (b.sheet, b.as_of, b.kind, b.used)


def test_the_results_come_back_in_order_and_each_is_said_done_in_order() -> None:
    """This process reads slowly, so the two workers take files once they have started."""
    said: list[int] = []

    results = parallel.map_in_order(
        in_a_worker, list(range(60)), local=read_here_slowly, workers=3, done=said.append, executor=None
    )

    assert [value for _where, value in results] == [i * i for i in range(60)]
    assert {where for where, _value in results} == {"here", "worker"}
    assert said == list(range(60))


def test_workers_started_ahead_take_files() -> None:
    with parallel.worker_pool(60, 3) as pool:
        assert pool is not None
        started = pool.ready.result(timeout=60)  # a worker's pid, once it has imported the readers
        results = parallel.map_in_order(
            in_a_worker, list(range(60)), local=read_here_slowly, workers=3, executor=None, pool=pool
        )

    assert [value for _where, value in results] == [i * i for i in range(60)]
    assert {where for where, _value in results} == {"here", "worker"}
    assert started != os.getpid()


def test_a_worker_still_starting_is_stopped_on_leaving() -> None:
    """Not left to finish its imports (~0.4 s) and read the pool's end: it is terminated."""
    with parallel.worker_pool(50, 2) as pool:
        assert pool is not None
        (process,) = pool.executor._processes.values()  # type: ignore[attr-defined]

    deadline = time.monotonic() + 30
    while process.exitcode is None and time.monotonic() < deadline:
        threading.Event().wait(0.01)  # the pool's own thread may be the one that reaps it
    assert process.exitcode is not None
    if os.name == "posix":
        assert process.exitcode == -signal.SIGTERM


def test_no_workers_are_started_ahead_for_a_few_files_or_a_single_process() -> None:
    with parallel.worker_pool(parallel.MIN_FILES - 1, 4) as few, parallel.worker_pool(100, 1) as alone:
        assert few is None and alone is None


def test_a_few_files_are_read_here_though_workers_were_started_ahead() -> None:
    with parallel.worker_pool(50, 2) as pool:
        results = parallel.map_in_order(
            in_a_worker, list(range(3)), local=read_here_slowly, workers=2, executor=None, pool=pool
        )

    assert results == [("here", i * i) for i in range(3)]


def test_beside_workers_a_folder_of_small_files_runs_polars_on_one_thread_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = [tmp_path / f"{i:02d}_lra.xlsx" for i in range(10)]
    for path in small:
        path.write_bytes(b"x" * 10_000)
    big = tmp_path / "rekap_besar.xlsx"
    with big.open("wb") as handle:  # as many bytes as a sheet of some 120,000 line items
        handle.truncate(parallel.SMALL_FOLDER_BYTES)

    environ = {name: value for name, value in os.environ.items() if name != "POLARS_MAX_THREADS"}
    monkeypatch.setattr(os, "environ", environ)  # this process's own stays as it is

    parallel.share_cores([*small, big])
    assert "POLARS_MAX_THREADS" not in environ  # the ranking of big joined facts keeps the pool

    parallel.share_cores([*small, tmp_path / "gone.xlsx"])
    assert environ["POLARS_MAX_THREADS"] == "1"

    environ["POLARS_MAX_THREADS"] = "4"
    parallel.share_cores(small)
    assert environ["POLARS_MAX_THREADS"] == "4"  # the user's own setting stands


class CountingExecutor(ThreadPoolExecutor):
    """A thread pool that records the most tasks it ever held at once."""

    def __init__(self) -> None:
        super().__init__(max_workers=4)
        self.held = 0
        self.most = 0
        self.lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self.lock:
            self.held += 1
            self.most = max(self.most, self.held)
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self.release)
        return future

    def release(self, _future: Future[Any]) -> None:
        with self.lock:
            self.held -= 1


def test_no_more_files_are_handed_out_than_the_workers_can_hold() -> None:
    executor = CountingExecutor()

    with executor:
        results = parallel.map_in_order(
            slow_square, list(range(30)), local=None, workers=2, executor=executor
        )

    assert results == [i * i for i in range(30)]
    assert executor.most <= 2 * parallel.IN_FLIGHT


def test_a_worker_that_dies_leaves_its_files_to_this_process(tmp_path: Path) -> None:
    here = os.getpid()

    results = parallel.map_in_order(
        dies_in_a_worker, [here] * 12, local=lambda pid: "here", workers=2, executor=None
    )

    assert results == ["here"] * 12


def test_a_file_comes_back_as_its_facts_without_the_cells_of_its_sheets(tmp_path: Path) -> None:
    folder = folder_of_exports(tmp_path / "exports", units=1)

    (result,) = read_file(FileJob(folder / "00_lra.xlsx", None, {}))  # type: ignore[misc]

    assert result.facts is not None and result.facts.budget["budget"].to_list() == [1_000 * M]
    assert result.layout is not None and result.layout.grid.frame.height == 0
    assert result.layout.grid.sheet == "LRA"


def test_a_file_that_cannot_be_used_comes_back_as_its_error(tmp_path: Path) -> None:
    folder = folder_of_exports(tmp_path / "exports", units=1)

    outcome = read_file(FileJob(folder / "05_rusak.xlsx", None, {}))

    assert isinstance(outcome, Exception) and outcome.code.startswith("E-")


@pytest.mark.parametrize("value", ["0", "-1", "dua", "1.5"])
def test_a_number_of_jobs_that_is_not_a_positive_whole_number_is_refused(tmp_path: Path, value: str) -> None:
    folder = folder_of_exports(tmp_path / "exports", units=2)

    code, _stdout, stderr = rank_json(folder, value)

    assert code == ExitCode.USAGE
    assert f"REALISASI_JOBS={value}" in stderr and "[E-JOBS]" in stderr and "Traceback" not in stderr


def test_one_process_per_core_unless_told_otherwise() -> None:
    assert parallel.jobs_wanted({}) == parallel.cores()
    assert parallel.jobs_wanted({"REALISASI_JOBS": " 3 "}) == 3


def in_a_worker(value: int) -> tuple[str, int]:
    return "worker", value * value


def read_here_slowly(value: int) -> tuple[str, int]:
    threading.Event().wait(0.03)
    return "here", value * value


def slow_square(value: int) -> int:
    threading.Event().wait(0.002)
    return value * value


def dies_in_a_worker(parent: int) -> str:
    """Ends a worker process abruptly, as a reader crashing it would."""
    if os.getpid() != parent:
        os._exit(3)
    return "here"


def cli(*args: str, jobs: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, in a process of its own (whose workers are forked on Linux,
    since it has not loaded Polars when it starts them)."""
    env = {**os.environ, "REALISASI_JOBS": jobs, "REALISASI_CACHE": "off", "REALISASI_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "realisasi_cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_command_reads_a_folder_with_its_workers_as_with_one_process(tmp_path: Path) -> None:
    folder = folder_of_exports(tmp_path / "exports")
    one = cli("rank", str(folder), "--all", "-f", "json", jobs="1")
    two = cli("rank", str(folder), "--all", "-f", "json", jobs="2")
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout == two.stdout and one.stderr == two.stderr  # nothing said twice by a child
    doc = json.loads(two.stdout)
    assert sorted(u["realized"] for u in doc["units"]) == [(i + 1) * 100 * M for i in range(12)]


def test_workers_start_as_fresh_processes_once_polars_is_loaded() -> None:
    # this test process has loaded Polars: a fork would carry its threads' dead state
    assert parallel._start_method() == "spawn"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked only on Linux")
def test_sigterm_stops_the_command_and_its_forked_workers_without_a_trace(tmp_path: Path) -> None:
    folder = numbered_exports(tmp_path / "exports", 60, realized_per_mille=100, damaged="99_rusak.xlsx")
    env = {**os.environ, "REALISASI_JOBS": "2", "REALISASI_CACHE": "off"}
    child = subprocess.Popen(
        [sys.executable, "-m", "realisasi_cli", "rank", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while not workers and time.monotonic() < deadline and child.poll() is None:
        children = Path(f"/proc/{child.pid}/task/{child.pid}/children")
        workers = [int(p) for p in children.read_text().split()] if children.exists() else []
        time.sleep(0.005)
    assert workers, "no worker was started"
    # the worker does not catch SIGTERM: it is not the command's handler, which would clean up
    caught = next(
        int(line.split()[1], 16)
        for line in Path(f"/proc/{workers[0]}/status").read_text().splitlines()
        if line.startswith("SigCgt:")
    )
    assert not caught & (1 << (signal.SIGTERM - 1))
    child.send_signal(signal.SIGTERM)
    _out, err = child.communicate(timeout=60)
    assert child.returncode == ExitCode.TERMINATED
    assert "Traceback" not in err and "Process" not in err
    for pid in workers:  # each worker is gone, not left running
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
