"""Facts kept per file: a second run reads only the files that changed and says the same; a changed
byte, option or tool reads again; a damaged entry is read as missing; the cache can be turned off,
may be unwritable, and stays within its size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lra_exports import lra_export, numbered_exports
from realisasi_cli.cli.application import app
from realisasi_cli.facts import cache as facts_cache
from realisasi_cli.facts import load as facts_load

runner = CliRunner()
M = 1_000_000


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache on, in a folder of the test's own, files read in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("REALISASI_CACHE", "on")
    monkeypatch.setenv("REALISASI_CACHE_DIR", str(folder))
    monkeypatch.setenv("REALISASI_JOBS", "1")
    return folder


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files really read (detected and normalized), in order."""
    seen: list[str] = []
    real = facts_load._load_file

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        seen.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(facts_load, "_load_file", counting)
    return seen


def exports(folder: Path, units: int = 4) -> Path:
    """Unit i: budget (i+1)·1,000 M, realized (i+1)·250 M (25 %), and a damaged file."""
    return numbered_exports(folder, units, realized_per_mille=250, damaged="09_rusak.xlsx")


def rank(*args: str) -> tuple[int, dict[str, Any], str]:
    result = runner.invoke(app, ["--lang", "en", *args[:-1], "rank", args[-1], "--all", "-f", "json"])
    doc = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, doc, result.stderr


def entries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pickle"))


def test_a_second_run_reads_nothing_again_and_a_changed_file_alone(
    tmp_path: Path, cache_dir: Path, reads: list[str]
) -> None:
    folder = exports(tmp_path / "exports")

    first = rank(str(folder))
    assert first[0] == 0, first[2]
    assert sorted(reads) == ["00_lra.xlsx", "01_lra.xlsx", "02_lra.xlsx", "03_lra.xlsx", "09_rusak.xlsx"]
    assert len(entries(cache_dir)) == 4  # the damaged file is not kept: its reason may pass
    reads.clear()

    second = rank(str(folder))
    assert second == first
    assert reads == ["09_rusak.xlsx"]
    reads.clear()

    # unit 3 (budget 3,000 M) now reports 1,500 M: 50 %
    lra_export(
        folder / "02_lra.xlsx",
        "1.03.0.00.0.00.01.0000",
        "DINAS NOMOR 3",
        "30 September 2024",
        [("5.1.02.01.01.0024", "Belanja ATK", 3_000 * M, 1_500 * M)],
    )
    third = rank(str(folder))
    assert third[0] == 0, third[2]
    assert sorted(reads) == ["02_lra.xlsx", "09_rusak.xlsx"]
    pct = {u["name"]: u["absorption_pct"] for u in third[1]["units"]}
    assert pct == {"DINAS NOMOR 1": 25.0, "DINAS NOMOR 2": 25.0, "DINAS NOMOR 3": 50.0, "DINAS NOMOR 4": 25.0}
    assert third[1]["total"]["realized"] == (250 + 500 + 1_500 + 1_000) * M


def test_other_bytes_of_the_same_size_and_time_are_read_again(
    tmp_path: Path, cache_dir: Path, reads: list[str]
) -> None:
    csv = tmp_path / "lra.csv"
    rows = (
        "Kode OPD;Nama OPD;Kode Rekening;Pagu;Realisasi\n"
        "1.01.0.00.0.00.01.0000;DINAS A;5.1.02.01.01.0024;{};{}\n"
    )
    csv.write_text(rows.format(1000, 400), encoding="utf-8")
    stamp = csv.stat()
    assert rank(str(csv))[1]["total"]["absorption_pct"] == 40.0

    csv.write_text(rows.format(1000, 700), encoding="utf-8")  # as many bytes, then the old time
    os.utime(csv, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert csv.stat().st_size == stamp.st_size and csv.stat().st_mtime_ns == stamp.st_mtime_ns
    reads.clear()

    assert rank(str(csv))[1]["total"]["absorption_pct"] == 70.0
    assert reads == ["lra.csv"]


def test_the_cache_tells_which_files_a_run_must_read_before_reading_them(
    tmp_path: Path, cache_dir: Path
) -> None:
    import pickle

    from realisasi_cli.facts.jobs import file_jobs

    folder = exports(tmp_path / "exports", units=2)
    files = sorted(folder.iterdir())
    assert rank(str(folder))[0] == 0
    (folder / "02_lra_baru.xlsx").write_bytes((folder / "00_lra.xlsx").read_bytes())
    store = facts_cache.FactsCache.default()
    assert store is not None

    plain = file_jobs([*files, folder / "02_lra_baru.xlsx"])
    dated = file_jobs(files, as_of=date(2024, 8, 31))

    # the damaged file is not kept (its reason may pass); a new file, or another date, is unread
    assert [store.holds(job) for job in plain] == [True, True, False, False]
    assert not any(store.holds(job) for job in dated)
    # a worker given the cache hashes its files itself: nothing of this run's reading goes along
    assert pickle.loads(pickle.dumps(store)).folder == store.folder


def test_an_option_that_changes_reading_or_another_tool_reads_again(
    tmp_path: Path, cache_dir: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = exports(tmp_path / "exports", units=2)
    plain = rank(str(folder))
    reads.clear()

    dated = runner.invoke(app, ["--lang", "en", "rank", str(folder), "--as-of", "2024-08-31", "-f", "json"])
    assert dated.exit_code == 0, dated.stderr
    assert sorted(reads) == ["00_lra.xlsx", "01_lra.xlsx", "09_rusak.xlsx"]
    assert json.loads(dated.stdout)["as_of"] == "2024-08-31"
    reads.clear()

    monkeypatch.setattr(facts_cache, "tool_fingerprint", lambda: "a later release")
    assert rank(str(folder)) == plain
    assert sorted(reads) == ["00_lra.xlsx", "01_lra.xlsx", "09_rusak.xlsx"]


def test_a_damaged_entry_is_read_as_missing_and_written_again(
    tmp_path: Path, cache_dir: Path, reads: list[str]
) -> None:
    folder = exports(tmp_path / "exports", units=3)
    first = rank(str(folder))
    kept = entries(cache_dir)
    assert len(kept) == 3
    whole = kept[0].read_bytes()
    kept[0].write_bytes(whole[:-1] + bytes([whole[-1] ^ 0xFF]))  # one bit of the pickle flipped
    kept[1].write_bytes(whole[: len(whole) // 2])  # torn
    kept[2].write_bytes(b"")
    reads.clear()

    assert rank(str(folder)) == first
    assert sorted(reads) == ["00_lra.xlsx", "01_lra.xlsx", "02_lra.xlsx", "09_rusak.xlsx"]
    assert all(e.read_bytes().startswith(facts_cache.MAGIC) for e in entries(cache_dir))
    assert all(e.stat().st_size > 100 for e in entries(cache_dir))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners and modes")
def test_an_entry_others_may_write_is_not_loaded(tmp_path: Path, cache_dir: Path, reads: list[str]) -> None:
    folder = exports(tmp_path / "exports", units=2)
    first = rank(str(folder))
    kept = entries(cache_dir)
    kept[0].chmod(0o666)
    reads.clear()

    assert rank(str(folder)) == first
    assert len(reads) == 2 and reads[-1] == "09_rusak.xlsx" and reads[0].endswith("_lra.xlsx")
    assert all(e.stat().st_mode & 0o077 == 0 for e in entries(cache_dir))


def test_off_by_environment_or_option_reads_every_file_and_keeps_nothing(
    tmp_path: Path, cache_dir: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = exports(tmp_path / "exports", units=2)
    with_option = rank("--no-cache", str(folder))
    assert with_option[0] == 0 and not cache_dir.exists()

    monkeypatch.setenv("REALISASI_CACHE", "off")
    for _ in range(2):
        assert rank(str(folder)) == with_option
    assert not cache_dir.exists()
    assert len(reads) == 3 * 3


def test_a_cache_that_cannot_be_written_leaves_the_run_as_it_is(
    tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = exports(tmp_path / "exports", units=2)
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setenv("REALISASI_CACHE", "on")
    monkeypatch.setenv("REALISASI_CACHE_DIR", str(blocked / "facts"))
    monkeypatch.setenv("REALISASI_JOBS", "1")

    code, doc, stderr = rank(str(folder))

    assert code == 0, stderr
    assert doc["total"]["realized"] == (250 + 500) * M
    assert blocked.read_text(encoding="utf-8") == "x"


def test_pruning_removes_the_least_recently_used_until_within_the_limit(tmp_path: Path) -> None:
    store = facts_cache.FactsCache(tmp_path / "cache")
    keys = [f"{i:02d}" + "ab" * 19 for i in range(5)]
    for i, key in enumerate(keys):
        store.put(key, [b"x" * 10_000])  # type: ignore[list-item]  # any picklable list
        os.utime(store._entry(key), ns=(i * 10**9, i * 10**9))
    size = store._entry(keys[0]).stat().st_size
    assert store.get(keys[1]) == [b"x" * 10_000]  # used now: newest of all

    store.prune(limit=3 * size)

    assert sorted(p.stem for p in entries(tmp_path / "cache")) == sorted([keys[1], keys[3], keys[4]])


@pytest.mark.skipif(sys.platform == "win32", reason="the worker processes need the spawn guard")
def test_two_real_runs_on_two_cores_print_the_same_and_the_second_reads_from_the_cache(
    tmp_path: Path,
) -> None:
    folder = numbered_exports(tmp_path / "exports", 12, realized_per_mille=100, damaged="05_rusak.xlsx")
    cache = {"REALISASI_CACHE": "on", "REALISASI_CACHE_DIR": str(tmp_path / "c"), "REALISASI_JOBS": "2"}
    env = {**os.environ, **cache}
    command = [sys.executable, "-m", "realisasi_cli", "--lang", "en", "rank", str(folder), "--all"]
    command += ["-f", "json"]

    runs = [subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)]
    written = {e: e.stat().st_ino for e in entries(tmp_path / "c")}
    runs.append(subprocess.run(command, env=env, capture_output=True, text=True, timeout=120))

    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert {e: e.stat().st_ino for e in entries(tmp_path / "c")} == written  # read, not written again
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    doc = json.loads(runs[1].stdout)
    assert sorted(u["realized"] for u in doc["units"]) == [(i + 1) * 100 * M for i in range(12)]
    assert [w["code"] for w in doc["warnings"]] == ["W-SKIPPED"]
    assert len(entries(tmp_path / "c")) == 12
