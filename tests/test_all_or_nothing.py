"""Outputs and state are all or nothing: a folder of facts swapped in whole, SIGTERM cleaned up like
Ctrl+C, pipes and devices refused as inputs, and a broken record of sent e-mails set aside."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.delivery.smtp import SentLog
from realisasi_cli.errors import ExitCode
from test_summary import KABAG, exports, invoke, smtp, state

# the fixtures of test_summary, used here by name
__all__ = ["exports", "smtp", "state"]

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals, pipes and devices")
runner = CliRunner()
NOVEMBER = SAMPLES / "rekap_pd_10nov2023.xlsx"


def run(*args: str) -> Any:
    return runner.invoke(app, ["--lang", "en", *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (a facts dataset's partitions too), by its path, and its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def physical_export(path: Path) -> Path:
    """A small export with realisasi fisik: its facts include physical.parquet."""
    path.write_text(
        "Nama OPD;Pagu;Realisasi;Realisasi Fisik (%)\nDinas A;1000;500;60\nDinas B;2000;500;30\n",
        encoding="utf-8",
    )
    return path


# --- facts -o DIR ----------------------------------------------------------------------------------------


def test_facts_replace_the_folder_whole_so_no_file_of_an_earlier_run_stays(tmp_path: Path) -> None:
    import polars as pl

    out = tmp_path / "facts"
    first = run("facts", str(physical_export(tmp_path / "fisik.csv")), "-o", str(out), "-q")
    assert first.exit_code == 0, first.stderr
    unknown = "year=__HIVE_DEFAULT_PARTITION__/as_of=__HIVE_DEFAULT_PARTITION__/part-0.parquet"
    assert sorted(snapshot(out)) == [
        f"budget/{unknown}",
        f"physical/{unknown}",
        f"realization/{unknown}",
        "sources.parquet",
    ]

    second = run("facts", str(NOVEMBER), "-o", str(out), "-q")

    assert second.exit_code == 0, second.stderr
    november = "year=2023/as_of=2023-11-10/part-0.parquet"
    assert sorted(snapshot(out)) == [f"budget/{november}", f"realization/{november}", "sources.parquet"]
    assert pl.read_parquet(out / "budget").height == 96  # 32 units × 3 categories, November's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts", "fisik.csv"], "no temporary folder left"


def test_a_disk_that_fills_up_leaves_the_earlier_facts_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realisasi_cli.present import export

    out = tmp_path / "facts"
    assert run("facts", str(physical_export(tmp_path / "fisik.csv")), "-o", str(out), "-q").exit_code == 0
    before = snapshot(out)
    written = []
    real = export.write_atomic

    def fills_up(path: Path, data: bytes) -> None:
        if written:  # the second file finds the disk full, half way through
            path.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)
        written.append(path)

    monkeypatch.setattr(export, "write_atomic", fills_up)
    result = run("facts", str(NOVEMBER), "-o", str(out))

    assert result.exit_code == ExitCode.USAGE
    assert "the disk is full" in result.stderr and "nothing was written" in result.stderr
    assert "free some space" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts", "fisik.csv"]


def test_a_folder_holding_other_files_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "laporan"
    out.mkdir()
    (out / "catatan.docx").write_bytes(b"notes of a meeting")

    result = run("facts", str(NOVEMBER), "-o", str(out))

    assert result.exit_code == ExitCode.USAGE
    assert "[E-FACTS-FOLDER-FOREIGN]" in result.stderr and "catatan.docx" in result.stderr
    assert snapshot(out) == {"catatan.docx": b"notes of a meeting"}


@posix_only
def test_a_new_facts_folder_gets_the_usual_permissions_and_a_replaced_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    out = tmp_path / "facts"
    assert run("facts", str(NOVEMBER), "-o", str(out), "-q").exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
    out.chmod(0o750)

    assert run("facts", str(NOVEMBER), "-o", str(out), "-q").exit_code == 0

    assert out.stat().st_mode & 0o777 == 0o750


# --- SIGTERM ---------------------------------------------------------------------------------------------

# The command as installed, with one change: writing a file to disk takes a minute (os.fsync
# sleeps), so that the test can send SIGTERM while an output is being written.
_SLOW_DISK = """
import os, sys, time
os.fsync = lambda fd: time.sleep(60)
sys.argv = ["realisasi", *sys.argv[1:]]
from realisasi_cli.cli.application import main
main()
"""


def terminate_while_writing(folder: Path, *args: str) -> tuple[int, str]:
    """Run the command, send SIGTERM once a temporary file or folder appears in ``folder``; its
    exit code and stderr."""
    child = subprocess.Popen(
        [sys.executable, "-c", _SLOW_DISK, "--lang", "en", *args], stderr=subprocess.PIPE, text=True
    )
    try:
        started = time.monotonic()
        while not any(p.name.endswith(".tmp") for p in folder.iterdir()):
            assert child.poll() is None, child.communicate()[1]
            assert time.monotonic() - started < 60, "no temporary file appeared"
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()
    return child.returncode, stderr


@posix_only
@pytest.mark.parametrize(("command", "name"), [("rank", "out.json"), ("brief", "out.html")])
def test_an_output_named_by_a_link_replaces_the_link_not_the_file_it_points_to(
    tmp_path: Path, command: str, name: str
) -> None:
    victim = tmp_path / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    victim.write_bytes(b"the user's own file\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    link = shared / name
    link.symlink_to(victim)
    result = run(command, str(NOVEMBER), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert victim.read_bytes() == b"the user's own file\n"
    assert not link.is_symlink() and link.stat().st_size > 0


@posix_only
def test_an_output_that_is_a_named_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "peringkat.csv"
    os.mkfifo(pipe)
    got: list[bytes] = []
    # the reader opens first, without blocking, and reads until the writer is done
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)

    def read() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                chunk = os.read(reader, 65536)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            if chunk:
                got.append(chunk)
            elif got:  # the writer has closed it
                return
            else:  # no writer yet
                time.sleep(0.01)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        result = run("rank", str(NOVEMBER), "-o", str(pipe), "-f", "csv")
        thread.join(timeout=40)
    finally:
        os.close(reader)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(pipe.lstat().st_mode), "the pipe is still a pipe"
    lines = b"".join(got).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("rank,code,name,budget,realized") and len(lines) == 11


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_under_the_screens_output_is_a_clear_error(tmp_path: Path) -> None:
    with Path("/dev/full").open("wb") as full:
        child = subprocess.run(
            [sys.executable, "-m", "realisasi_cli", "rank", str(NOVEMBER), "--all"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ | {"REALISASI_CACHE": "off"},
            check=False,
        )
    assert child.returncode == ExitCode.USAGE == 2
    assert "E-STDOUT-WRITE" in child.stderr and "Traceback" not in child.stderr


def test_sigterm_while_writing_leaves_no_temporary_file_and_exits_143(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()

    code, stderr = terminate_while_writing(out, "rank", str(NOVEMBER), "-o", str(out / "peringkat.xlsx"))

    assert code == ExitCode.TERMINATED == 143
    assert "terminated (SIGTERM)" in stderr and "Traceback" not in stderr
    assert list(out.iterdir()) == []


@posix_only
def test_sigterm_while_writing_facts_leaves_the_earlier_folder(tmp_path: Path) -> None:
    out = tmp_path / "facts"
    assert run("facts", str(NOVEMBER), "-o", str(out), "-q").exit_code == 0
    before = snapshot(out)

    code, stderr = terminate_while_writing(tmp_path, "facts", str(NOVEMBER), "-o", str(out))

    assert code == 143, stderr
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["facts"]


# --- pipes and devices as inputs ------------------------------------------------------------------------


@contextlib.contextmanager
def fuse(fifo: Path, seconds: float = 10) -> Iterator[None]:
    """Should the command open the pipe after all, end its wait after a while rather than hang the suite."""

    def unblock() -> None:
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(seconds, unblock)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "rekap.xlsx"
    os.mkfifo(path)
    return path


@posix_only
@pytest.mark.parametrize(
    "args",
    [
        ["rank", "{fifo}"],
        ["rank", str(NOVEMBER), "{fifo}"],
        ["rank", str(NOVEMBER), "--previous", "{fifo}"],
        ["quarters", str(NOVEMBER), "--plan", "{fifo}"],
        ["rank", str(NOVEMBER), "--units", "{fifo}"],
        ["rank", str(NOVEMBER), "--last-year", "{fifo}"],
        ["brief", str(NOVEMBER), "--template", "{fifo}"],
        ["facts", "{fifo}", "-o", "{out}"],
        ["--config", "{fifo}", "rank", str(NOVEMBER)],
    ],
)
def test_a_pipe_given_as_any_input_is_refused_at_once(fifo: Path, tmp_path: Path, args: list[str]) -> None:
    started = time.monotonic()
    with fuse(fifo):
        result = run(*(a.format(fifo=fifo, out=tmp_path / "facts") for a in args))

    assert time.monotonic() - started < 8
    assert result.exit_code == ExitCode.USAGE, result.stderr
    assert str(fifo) in result.stderr and "Traceback" not in result.stderr
    assert "is a pipe (FIFO), not a file" in result.stderr or "[E-CONFIG-NOT-FILE]" in result.stderr
    assert not (tmp_path / "facts").exists()


@posix_only
def test_a_device_is_refused_as_an_input() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")

    result = run("rank", "/dev/zero")

    assert result.exit_code == ExitCode.USAGE
    assert "/dev/zero: is a device, not a file" in result.stderr


@posix_only
def test_a_pipe_inside_a_folder_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / NOVEMBER.name).write_bytes(NOVEMBER.read_bytes())
    os.mkfifo(folder / "sedang-diunggah.xlsx")

    with fuse(folder / "sedang-diunggah.xlsx"):
        result = run("rank", str(folder), "-f", "json", "-q")

    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["units"]) == 10


# --- the record of sent e-mails --------------------------------------------------------------------------


def _nested(tmp_path: Path) -> None:
    (tmp_path / "sent.json").write_bytes(b'{"version": 1, "sent": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")


def _not_utf8(tmp_path: Path) -> None:
    (tmp_path / "sent.json").write_bytes(b'{"version": 1, "sent": {"\xff\xfe": {}}}')


def _a_folder(tmp_path: Path) -> None:
    (tmp_path / "sent.json").mkdir()
    (tmp_path / "sent.json" / "x").write_text("?")


def _a_pipe(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    os.mkfifo(tmp_path / "sent.json")


def _not_an_object(tmp_path: Path) -> None:
    (tmp_path / "sent.json").write_text('{"version": 1, "sent": [1, 2]}', encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_nested, "RecursionError"),
        (_not_utf8, "UnicodeDecodeError"),
        (_a_folder, "a folder"),
        (_a_pipe, "a pipe (FIFO)"),
        (_not_an_object, "TypeError"),
    ],
)
def test_a_broken_state_file_is_set_aside_and_named(
    tmp_path: Path, make: Any, reason: str, english_messages: None
) -> None:
    make(tmp_path)
    log = SentLog(tmp_path)
    key = log.key("sha256:abc", [KABAG])

    assert log.status(key) is None
    assert log.warning is not None and log.warning.code == "W-STATE-UNREADABLE"
    assert reason in log.warning.text() and "sent.json.bak" in log.warning.text()
    log.record(key, "<1@batukota.go.id>", [KABAG])

    assert SentLog(tmp_path).was_sent(key)
    assert (tmp_path / "sent.json.bak").exists()


def test_a_second_broken_state_file_does_not_overwrite_the_first_backup(tmp_path: Path) -> None:
    _not_utf8(tmp_path)
    SentLog(tmp_path).status("k")  # copied to sent.json.bak, left in place
    (tmp_path / "sent.json").unlink()
    _a_folder(tmp_path)

    log = SentLog(tmp_path)
    log.status("k")

    assert log.warning is not None and "sent.json.1.bak" in log.warning.text()
    assert (tmp_path / "sent.json.bak").read_bytes().startswith(b'{"version"')
    assert (tmp_path / "sent.json.1.bak").is_dir()


def test_a_folder_in_place_of_the_state_file_does_not_stop_the_mail(
    smtp: Any, state: Path, exports: Path
) -> None:
    state.mkdir(parents=True)
    (state / "sent.json").mkdir()

    first = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")
    second = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")

    assert first.exit_code == 0, first.stderr
    assert "unreadable (a folder)" in first.stderr and "sent.json.bak" in first.stderr
    assert "unexpected failure" not in first.stderr
    assert second.exit_code == 0 and "already sent" in second.stderr
    assert len(smtp.handler.received) == 1
    assert (state / "sent.json.bak").is_dir() and (state / "sent.json").is_file()


def test_a_state_folder_on_a_full_disk_stops_the_mail_before_it_goes(
    smtp: Any, state: Path, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realisasi_cli.delivery import smtp as delivery

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(delivery, "write_atomic", full)
    for _ in range(2):  # a cron job's every run
        result = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")
        assert result.exit_code == ExitCode.USAGE, result.stderr
        assert "the disk is full" in result.stderr and "Traceback" not in result.stderr
    assert smtp.handler.received == []  # not once per run, unrecorded


def test_a_record_that_fails_after_the_server_took_the_mail_says_it_was_sent(
    smtp: Any, state: Path, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realisasi_cli.delivery import smtp as delivery

    real, writes = delivery.write_atomic, []

    def fills_up(path: Path, data: bytes) -> None:
        writes.append(path)
        if len(writes) > 1:  # the record ahead is written; the disk is full when the server answers
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(delivery, "write_atomic", fills_up)
    first = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")
    assert first.exit_code == ExitCode.DELIVERY, first.stderr
    assert "was sent to" in first.stderr and KABAG in first.stderr
    monkeypatch.setattr(delivery, "write_atomic", real)
    second = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")
    assert second.exit_code == ExitCode.DELIVERY and "uncertain" in second.stderr.lower()
    assert len(smtp.handler.received) == 1


@posix_only
def test_a_file_name_that_is_not_utf8_is_named_readably_with_what_to_do(tmp_path: Path) -> None:
    name = os.fsdecode(b"Realisasi Dinas Kesehatan \xe9.xlsx")  # as unpacked from a zip made on Windows
    try:
        (tmp_path / name).write_bytes(NOVEMBER.read_bytes())
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system keeps only UTF-8 names")
    alone = run("rank", str(tmp_path / name))
    assert alone.exit_code == ExitCode.INPUT
    assert "Realisasi Dinas Kesehatan é.xlsx" in alone.stderr and "UTF-8" in alone.stderr
    assert "Rename the file" in alone.stderr and "Traceback" not in alone.stderr
    (tmp_path / "rekap.xlsx").write_bytes(NOVEMBER.read_bytes())
    folder = run("rank", str(tmp_path), "--format", "json")
    assert folder.exit_code == 0, folder.stderr
    (skipped,) = [w for w in json.loads(folder.stdout)["warnings"] if w["code"] == "W-SKIPPED"]
    assert skipped["file"].endswith("Realisasi Dinas Kesehatan é.xlsx")


def test_an_output_on_a_full_disk_says_to_free_space_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realisasi_cli.present import export

    def full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export, "write_atomic", full)
    result = run("rank", str(NOVEMBER), "-o", str(tmp_path / "peringkat.json"))
    assert result.exit_code == ExitCode.USAGE
    assert "the disk is full" in result.stderr and "Free some space on the disk" in result.stderr
    assert "Traceback" not in result.stderr and not list(tmp_path.iterdir())


@posix_only
def test_a_line_break_in_a_file_name_stays_in_its_warnings_line(tmp_path: Path) -> None:
    (tmp_path / "rekap.xlsx").write_bytes(NOVEMBER.read_bytes())
    (tmp_path / "broken\nname.xlsx").write_bytes(b"not a workbook")
    result = run("rank", str(tmp_path), "-q", "--format", "json")
    assert result.exit_code == 0, result.stderr
    shown = run("rank", str(tmp_path))
    (line,) = [line for line in shown.stderr.splitlines() if "broken" in line]
    assert "brokenname.xlsx" in line and "skipped" in line


def test_an_output_of_a_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("rank", str(NOVEMBER), "--format", "json", "-o", "-", "-q")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["total"]["budget"] > 0
    assert not (tmp_path / "-").exists()
