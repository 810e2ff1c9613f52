#!/usr/bin/env python3
"""Benchmark ``realisasi rank`` against a bare calamine read and a pandas groupby.

Generates line-item realization exports (numeric amounts, a variant with amounts as
Indonesian text like ``1.234.567,00``, and on request one without the sheet's
``<dimension>``) into ``benchmarks/data/`` (git-ignored, reused on later runs), then times
each method as a separate process, alternating methods within each repetition, and prints
medians of wall time and peak RSS, the median of the ratios taken within each repetition,
and CLI startup figures.

Usage (from the repository root, with the project's venv):

    python benchmarks/bench_rank.py
    python benchmarks/bench_rank.py --rows 10000,100000,1000000 --repeat 3
    python benchmarks/bench_rank.py \
        --toba ../shared/real_data/toba_2022_lra_per_skpd/lra
    python benchmarks/bench_rank.py --rows 100000 --variants nodim --no-pandas

1,000,000 rows take minutes to generate and about 8 s per read. pandas is optional
(``pip install pandas``); it is a benchmark-only comparison, not a project dependency.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
PY = sys.executable
# The console script next to this interpreter, so the venv under test is the one timed.
_VENV_CLI = Path(PY).with_name("realisasi")
CLI = str(_VENV_CLI) if _VENV_CLI.exists() else shutil.which("realisasi") or "realisasi"
N_UNITS = 40
# Python caches compiled modules unless told not to; some shells and containers set
# PYTHONDONTWRITEBYTECODE, which would time a recompilation of the package on every run
# instead of the tool as an installed user runs it. check_rank's first run writes the cache.
# Every run reads the file afresh (REALISASI_CACHE=off): the facts cache would answer from the
# second run on, and the figure is about reading.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"REALISASI_CACHE": "off"}
HEADER = ["Kode SKPD", "Nama SKPD", "Kode Rekening", "Uraian", "Pagu", "Realisasi"]

# (account code, uraian): mostly operasi, a few 5.2 modal so category detection has work.
ACCOUNTS: list[tuple[str, str]] = [
    ("5.1.01.01.01.0001", "Belanja Gaji Pokok PNS"),
    ("5.1.01.01.02.0001", "Belanja Tunjangan Keluarga PNS"),
    ("5.1.01.02.01.0001", "Belanja Tambahan Penghasilan berdasarkan Beban Kerja PNS"),
    ("5.1.02.01.01.0024", "Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor"),
    ("5.1.02.01.01.0052", "Belanja Makanan dan Minuman Rapat"),
    ("5.1.02.02.01.0026", "Belanja Jasa Tenaga Administrasi"),
    ("5.1.02.02.01.0061", "Belanja Tagihan Listrik"),
    ("5.1.02.03.02.0035", "Belanja Pemeliharaan Alat Angkutan-Kendaraan Dinas Bermotor"),
    ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa"),
    ("5.2.02.05.01.0005", "Belanja Modal Alat Kantor Lainnya"),
    ("5.2.02.10.01.0002", "Belanja Modal Personal Computer"),
    ("5.2.03.01.01.0001", "Belanja Modal Bangunan Gedung Kantor"),
    ("5.2.04.01.01.0012", "Belanja Modal Jalan Kota"),
]
PANDAS_SNIPPET = (
    "import sys, pandas as pd; "
    "df = pd.read_excel(sys.argv[1], header=3, engine='openpyxl'); "
    "df.groupby('Nama SKPD')[['Pagu','Realisasi']].sum()"
)
FLOOR_SNIPPET = (
    "import sys, fastexcel; "
    "fastexcel.read_excel(sys.argv[1]).load_sheet(0, header_row=None, "
    "schema_sample_rows=None).to_polars()"
)


def rupiah_text(value: int) -> str:
    """Indonesian notation: dots group thousands, comma before the sen."""
    return f"{value:,}".replace(",", ".") + ",00"


def lines(rows: int) -> Iterator[tuple[str, str, str, str, int, int]]:
    """The line items of a file of this size; replayed by check_rank for expected totals."""
    # A fixed seed per size keeps files comparable across runs and machines.
    rng = random.Random(rows)
    units = [
        (f"{1 + i % 7}.{2 + i % 20:02d}.0.00.0.00.{i + 1:02d}.0000", f"DINAS {i + 1:02d}")
        for i in range(N_UNITS)
    ]
    for r in range(rows):
        # Rows grouped by unit, as SIPD exports them, rather than shuffled.
        kode, nama = units[r * N_UNITS // rows]
        akun, uraian = ACCOUNTS[rng.randrange(len(ACCOUNTS))]
        pagu = rng.randrange(1_000, 500_000) * 1_000
        yield kode, nama, akun, uraian, pagu, int(pagu * rng.uniform(0.2, 1.0))


def generate(path: Path, rows: int, text_amounts: bool) -> None:
    tmp = path.with_suffix(".tmp")
    # constant_memory streams rows to disk, so 1M rows do not hold the sheet in RAM.
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("Sheet1")
    ws.write_string(0, 0, "PEMERINTAH KOTA CONTOH")
    ws.write_string(1, 0, "REALISASI BELANJA PER REKENING s.d. 30 September 2023")
    for col, name in enumerate(HEADER):
        ws.write_string(3, col, name)
    for row, (kode, nama, akun, uraian, pagu, real) in enumerate(lines(rows), start=4):
        ws.write_string(row, 0, kode)
        ws.write_string(row, 1, nama)
        ws.write_string(row, 2, akun)
        ws.write_string(row, 3, uraian)
        if text_amounts:
            ws.write_string(row, 4, rupiah_text(pagu))
            ws.write_string(row, 5, rupiah_text(real))
        else:
            ws.write_number(row, 4, pagu)
            ws.write_number(row, 5, real)
    wb.close()
    tmp.replace(path)  # a half-written file from an interrupted run is never reused


def without_dimension(source: Path, path: Path) -> None:
    """A copy of ``source`` whose sheet declares no ``<dimension>``, as some streaming writers
    leave it out: the safety pass then measures every cell reference instead of searching."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data, count=1)
            new.writestr(info, data)
    tmp.replace(path)


def ensure_file(rows: int, variant: str) -> Path:
    path = DATA / f"lineitems_{rows}_{variant}.xlsx"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        print(f"generating {path.name} ...", end=" ", flush=True)
        if variant == "nodim":
            without_dimension(ensure_file(rows, "num"), path)
        else:
            generate(path, rows, text_amounts=variant == "text")
        print(f"{time.perf_counter() - t0:.1f}s", flush=True)
    return path


def run(cmd: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process.

    os.wait4 returns the rusage of exactly this child, so each run gets its own peak RSS
    without /usr/bin/time's extra process or RUSAGE_CHILDREN's high-water mark.
    """
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    assert proc.stderr is not None
    err = proc.stderr.read()  # drain before waiting so a chatty child cannot block
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024  # Linux reports KiB


def check_rank(path: Path, rows: int) -> None:
    """Fail unless rank finds all units and the exact totals the generator wrote."""
    out = subprocess.run(
        [CLI, "rank", str(path), "--all", "--format", "json", "-q"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    ).stdout
    data = json.loads(out)
    budget = realized = 0
    for *_, pagu, real in lines(rows):
        budget += pagu
        realized += real
    names = {u["name"] for u in data["units"]}
    got = (data["total"]["budget"], data["total"]["realized"])
    if len(names) != N_UNITS or got != (budget, realized):
        raise SystemExit(
            f"{path.name}: rank gave {len(names)} units and totals {got}, "
            f"expected {N_UNITS} and {(budget, realized)}"
        )


Samples = dict[str, list[tuple[float, float]]]


def measure(methods: dict[str, list[str]], repeat: int, once: set[str]) -> Samples:
    """(seconds, MB) of each run per method, interleaving methods so drift hits all alike."""
    samples: Samples = {name: [] for name in methods}
    for i in range(repeat):
        for name, cmd in methods.items():
            if name in once and i > 0:
                continue
            samples[name].append(run(cmd))
    return samples


def median(samples: list[tuple[float, float]], field: int) -> float:
    return statistics.median(s[field] for s in samples)


def paired_ratio(a: list[tuple[float, float]], b: list[tuple[float, float]], field: int) -> str:
    """The median of a/b over the repetitions, each ratio taken within one repetition.

    Runs of one repetition follow each other, so a slow spell of the machine slows both
    sides of a ratio; a ratio of medians would mix repetitions. Falls back to the ratio
    of medians where one side ran once (pandas at 1M rows).
    """
    if len(a) != len(b):
        return ratio(median(a, field), median(b, field))
    return f"{statistics.median(x[field] / y[field] for x, y in zip(a, b, strict=True)):.2f}x"


def startup(label: str, cmd: list[str], n: int = 5) -> str:
    return f"  {label:<22} {statistics.median(run(cmd)[0] for _ in range(n)):6.3f} s"


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def machine() -> str:
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return (
        f"machine: {os.cpu_count()} cores, {mem} RAM, {platform.platform()}\n"
        f"python {platform.python_version()}, polars {version('polars')}, "
        f"fastexcel {version('fastexcel')}, pandas {version('pandas')}, "
        f"realisasi {version('realisasi')}"
    )


def fmt_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}x" if a is not None and b else "-"


def have_pandas() -> bool:
    probe = [PY, "-c", "import pandas, openpyxl"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--rows", default="10000,100000", help="comma-separated row counts (default 10000,100000)"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per method (median reported)")
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas comparison")
    ap.add_argument("--toba", type=Path, help="also time rank on this folder of exports")
    ap.add_argument(
        "--variants",
        default="num,text",
        help="comma-separated: num, text (amounts as Indonesian text), nodim (num without "
        "the sheet's <dimension>); default num,text",
    )
    args = ap.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = set(variants) - {"num", "text", "nodim"}
    if unknown:
        ap.error(f"unknown variant(s): {', '.join(sorted(unknown))}")
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]
    use_pandas = not args.no_pandas and have_pandas()

    print(machine())
    print(f"cli: {CLI}\nrepeat: {args.repeat}, pandas: {'yes' if use_pandas else 'no'}\n")

    results: list[tuple[int, str, Samples]] = []
    for rows in sizes:
        for variant in variants:
            path = ensure_file(rows, variant)
            check_rank(path, rows)  # timing a run that gives wrong answers would be meaningless
            methods = {
                "rank": [CLI, "rank", str(path), "--all", "--format", "json", "-q"],
                "floor": [PY, "-c", FLOOR_SNIPPET, str(path)],
            }
            if use_pandas:
                methods["pandas"] = [PY, "-c", PANDAS_SNIPPET, str(path)]
            # openpyxl needs about a minute per million rows; one sample is plenty there.
            once = {"pandas"} if rows >= 1_000_000 else set()
            results.append((rows, variant, measure(methods, args.repeat, once)))
            print(f"measured {path.name}", flush=True)

    head = [
        "rows",
        "variant",
        "rank s",
        "floor s",
        "pandas s",
        "rank/floor",
        "pandas/rank",
        "rank MB",
        "floor MB",
        "MB ratio",
    ]
    widths = [9, 7, 7, 7, 8, 10, 11, 7, 8, 8]
    print("\n" + fmt_row(head, widths))
    print(fmt_row(["-" * w for w in widths], widths))
    for rows, variant, res in results:
        rank, floor, pandas = res["rank"], res["floor"], res.get("pandas")
        print(
            fmt_row(
                [
                    f"{rows:,}",
                    variant,
                    f"{median(rank, 0):.2f}",
                    f"{median(floor, 0):.2f}",
                    f"{median(pandas, 0):.2f}" if pandas else "-",
                    paired_ratio(rank, floor, 0),
                    paired_ratio(pandas, rank, 0) if pandas else "-",
                    f"{median(rank, 1):.0f}",
                    f"{median(floor, 1):.0f}",
                    paired_ratio(rank, floor, 1),
                ],
                widths,
            )
        )
    if "text" in variants:
        print(
            "variant text: amounts are Indonesian-notation strings; pandas reads them as "
            "strings and its groupby concatenates them uncleaned, so its time is a "
            "lower bound."
        )
    if "nodim" in variants:
        print("variant nodim: the num file without its <dimension> (every cell reference is measured).")

    print("\nstartup (median of 5):")
    for line in (
        startup("python -c pass", [PY, "-c", "pass"]),
        startup("realisasi --version", [CLI, "--version"]),
        startup("realisasi --help", [CLI, "--help"]),
    ):
        print(line)

    if args.toba is not None:
        cmd = [CLI, "rank", str(args.toba), "--all", "-f", "json", "-q"]
        toba = measure({"toba": cmd}, args.repeat, set())["toba"]
        toba_s, toba_mb = median(toba, 0), median(toba, 1)
        n_files = sum(1 for p in args.toba.iterdir() if p.is_file())
        print(f"\ntoba folder ({n_files} files, {args.toba}):")
        print(f"  rank --all -f json       {toba_s:6.2f} s  {toba_mb:.0f} MB peak (median of {args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
