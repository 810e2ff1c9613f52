#!/usr/bin/env python3
"""Benchmark ``realisasi rank`` on folders of many exports against reading them bare.

Folders:

* ``opd200``: 200 per-OPD LRA exports (one unit each, ~30 account lines, a title block),
  as a province's or a city's uploads arrive;
* ``weekly52``: 52 weekly whole-Pemda snapshots of 10,000 line items each, a year of them;
* ``toba`` (with ``--toba DIR``): the 44 real one-SKPD LRA files of Kabupaten Toba.

The floor is one Python process that reads every sheet of every file with fastexcel (calamine)
into Polars, the least any tool reading the files must do. ``realisasi rank`` runs three ways:
*cold* (every file read afresh, ``REALISASI_CACHE=off``), *warm* (every file's facts in the
cache from an earlier run) and *one new* (all but the last file in the cache, as a weekly run
finds the week's new export among those it read before). Each repetition runs the four as
separate processes, in alternating order, and the ratios to the floor are taken within the
repetition; the script prints medians of wall time and peak RSS, the medians of the paired
ratios, and, for ``opd200``, the peak RSS against the largest single file's ``rank`` run.
Generated folders go to ``benchmarks/data/`` (git-ignored) and are reused.

Usage (from the repository root, with the project's venv):

    python benchmarks/bench_folders.py
    python benchmarks/bench_folders.py --folders opd200 --repeat 7
    python benchmarks/bench_folders.py --toba ../shared/real_data/toba_2022_lra_per_skpd/lra
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PY = sys.executable
_VENV_CLI = Path(PY).with_name("realisasi")
CLI = str(_VENV_CLI) if _VENV_CLI.exists() else shutil.which("realisasi") or "realisasi"
# every file read afresh (cold) unless a measurement gives the run a cache of its own
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"REALISASI_CACHE": "off"}
FLOOR = (
    "import sys, pathlib, fastexcel\n"
    "for path in sorted(pathlib.Path(sys.argv[1]).iterdir()):\n"
    "    if path.suffix == '.xlsx':\n"
    "        book = fastexcel.read_excel(str(path))\n"
    "        for name in book.sheet_names:\n"
    "            book.load_sheet(name, header_row=None, schema_sample_rows=None).to_polars()\n"
)
ACCOUNTS = [
    ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS"),
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"),
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat"),
    ("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi"),
    ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa"),
    ("5.2.02.10.01.0002", "Belanja Modal Personal Computer"),
    ("5.2.03.01.01.0001", "Belanja Modal Bangunan Gedung Kantor"),
]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]  # fmt: skip


def _opd_export(path: Path, index: int, rng: random.Random) -> None:
    """One SKPD's LRA: title rows, a header, its account lines with a subtotal per group."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("LRA")
    code = f"{1 + index % 7}.{index % 30 + 1:02d}.0.00.0.00.{index % 90 + 1:02d}.{index // 90:04d}"
    sheet.write_string(0, 0, "PEMERINTAH PROVINSI CONTOH")
    sheet.write_string(1, 0, "LAPORAN REALISASI ANGGARAN s.d. 30 September 2024")
    sheet.write_string(2, 0, f"SKPD: {code} DINAS CONTOH {index + 1:03d}")
    for col, name in enumerate(["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]):
        sheet.write_string(4, col, name)
    row = 5
    for line in range(30):
        account, text = ACCOUNTS[line % len(ACCOUNTS)]
        budget = rng.randrange(10_000, 900_000) * 1_000
        sheet.write_string(row, 0, f"{account[:-4]}{line + 1:04d}")
        sheet.write_string(row, 1, text)
        sheet.write_number(row, 2, budget)
        sheet.write_number(row, 3, int(budget * rng.uniform(0.2, 0.95)))
        row += 1
    book.close()


def _snapshot(path: Path, week: int, rows: int, rng: random.Random) -> None:
    """A whole-Pemda line-item export of one week: 40 units, ``rows`` lines, realization growing."""
    day = datetime.date(2024, 1, 7) + datetime.timedelta(weeks=week)  # each Sunday of the year
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    sheet.write_string(0, 0, "PEMERINTAH KOTA CONTOH")
    sheet.write_string(1, 0, f"REALISASI BELANJA PER REKENING s.d. {day.day} {MONTHS[day.month - 1]} 2024")
    for col, name in enumerate(["Kode SKPD", "Nama SKPD", "Kode Rekening", "Uraian", "Pagu", "Realisasi"]):
        sheet.write_string(3, col, name)
    share = (week + 1) / 53
    for r in range(rows):
        unit = r * 40 // rows
        account, text = ACCOUNTS[rng.randrange(len(ACCOUNTS))]
        budget = rng.randrange(1_000, 500_000) * 1_000
        sheet.write_string(4 + r, 0, f"{1 + unit % 7}.{2 + unit % 20:02d}.0.00.0.00.{unit + 1:02d}.0000")
        sheet.write_string(4 + r, 1, f"DINAS {unit + 1:02d}")
        sheet.write_string(4 + r, 2, account)
        sheet.write_string(4 + r, 3, text)
        sheet.write_number(4 + r, 4, budget)
        sheet.write_number(4 + r, 5, int(budget * share * rng.uniform(0.7, 1.0)))
    book.close()


def ensure(folder: str) -> Path:
    path = DATA / folder
    if (path / "done").exists():
        return path
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    t0 = time.perf_counter()
    print(f"generating {folder} ...", end=" ", flush=True)
    rng = random.Random(folder)
    if folder == "opd200":
        for i in range(200):
            _opd_export(path / f"{i + 1:03d}_lra_skpd.xlsx", i, rng)
    else:
        for week in range(52):
            _snapshot(path / f"realisasi_minggu_{week + 1:02d}.xlsx", week, 10_000, rng)
    (path / "done").write_text("", encoding="utf-8")
    print(f"{time.perf_counter() - t0:.1f}s", flush=True)
    return path


def run(cmd: Sequence[str], cache: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process (os.wait4: this child's own rusage),
    reading every file afresh, or with the facts kept in ``cache``."""
    env = ENV if cache is None else ENV | {"REALISASI_CACHE": "on", "REALISASI_CACHE_DIR": str(cache)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {err.decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def forget_newest(folder: Path, cache: Path) -> None:
    """Remove the cache's entry of the folder's last file: the next run finds it new, as a weekly
    run finds the week's export among those it read before."""
    from realisasi_cli.facts.cache import FactsCache
    from realisasi_cli.facts.load import FileJob

    newest = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx")[-1]
    store = FactsCache(cache)
    key = store.key(FileJob(newest, None, {}, partial=True))
    assert key is not None
    store._entry(key).unlink(missing_ok=True)


def check(folder: Path, expected_units: int) -> None:
    """Fail unless rank reads every unit of the folder."""
    out = subprocess.run(
        [CLI, "rank", str(folder), "--all", "-f", "json", "-q"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    ).stdout
    units = len(json.loads(out)["units"])
    if units != expected_units:
        raise SystemExit(f"{folder.name}: rank ranked {units} units, expected {expected_units}")


METHODS = ("cold", "warm", "one new", "floor")


def measure(name: str, folder: Path, repeat: int) -> dict[str, float]:
    """The folder read afresh (*cold*), from a cache of every file (*warm*), from a cache of all
    but the last file (*one new*, as a weekly run), and the floor; ratios to the floor paired."""
    rank = [CLI, "rank", str(folder), "-q"]
    floor = [PY, "-c", FLOOR, str(folder)]
    cache = DATA / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    run(rank)  # warm the disk cache and the compiled modules
    run(rank, cache)  # and fill the facts cache

    def once(method: str) -> tuple[float, float]:
        if method == "floor":
            return run(floor)
        if method == "one new":
            forget_newest(folder, cache)
        return run(rank, None if method == "cold" else cache)

    samples: dict[str, list[tuple[float, float]]] = {m: [] for m in METHODS}
    ratios: dict[str, list[float]] = {m: [] for m in METHODS[:-1]}
    for i in range(repeat):
        order = METHODS if i % 2 == 0 else METHODS[::-1]
        got = {method: once(method) for method in order}
        for method, value in got.items():
            samples[method].append(value)
        for method in ratios:
            ratios[method].append(got[method][0] / got["floor"][0])
    result = {f"{m}_s": statistics.median(t for t, _ in samples[m]) for m in METHODS}
    result |= {f"{m}_mb": statistics.median(mb for _, mb in samples[m]) for m in METHODS}
    result |= {f"{m}_ratio": statistics.median(ratios[m]) for m in ratios}
    shown = " · ".join(f"{m} {result[f'{m}_s']:.2f} s ({result[f'{m}_ratio']:.2f}×)" for m in METHODS[:-1])
    print(
        f"{name:9} {shown} · floor {result['floor_s']:.2f} s (× floor: median of {repeat} paired) · "
        f"peak MB cold {result['cold_mb']:.0f}, warm {result['warm_mb']:.0f}, floor {result['floor_mb']:.0f}",
        flush=True,
    )
    return result


def largest_file_peak(folder: Path, repeat: int) -> float:
    """Peak RSS of ``rank`` on the folder's largest file alone (median)."""
    largest = max((p for p in folder.iterdir() if p.suffix == ".xlsx"), key=lambda p: p.stat().st_size)
    return statistics.median(run([CLI, "rank", str(largest), "-q"])[1] for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folders", default="opd200,weekly52", help="opd200, weekly52 (comma-separated)")
    parser.add_argument("--toba", type=Path, help="the folder of Toba's 44 LRA files")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{CLI} · python {sys.version.split()[0]} · {os.cpu_count()} cores", flush=True)
    names = [f for f in args.folders.split(",") if f]
    unknown = [n for n in names if n not in ("opd200", "weekly52")]
    if unknown:  # the Toba folder is given with --toba, never generated
        parser.error(f"unknown folder {', '.join(unknown)}: opd200 or weekly52 (the Toba folder: --toba DIR)")
    for name in names:
        folder = ensure(name)
        check(folder, 200 if name == "opd200" else 40)
        measure(name, folder, args.repeat)
        if name == "opd200":
            single = largest_file_peak(folder, args.repeat)
            whole = statistics.median(run([CLI, "rank", str(folder), "-q"])[1] for _ in range(args.repeat))
            print(f"{'':9} peak RSS, folder ÷ its largest file alone: {whole:.0f} / {single:.0f} MB = "
                  f"{whole / single:.2f}×", flush=True)  # fmt: skip
    if args.toba is not None:
        measure("toba", args.toba, args.repeat)


if __name__ == "__main__":
    main()
