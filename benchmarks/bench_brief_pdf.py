#!/usr/bin/env python3
"""Benchmark the brief as PDF (Typst) against the same brief as HTML (Jinja2).

Writes a rekap of N units (default 40, a large city) with belanja operasi and belanja modal
groups as of 10 November 2023 into ``benchmarks/data/`` (git-ignored), builds the brief's
context once, then times, alternating within each repetition:

- *render*: ``render_pdf(context)`` and ``render_brief(context, "html")`` in this process;
- *command*: ``realisasi brief FILE -o x.pdf`` and ``-o x.html``, each a new process.

It prints the medians and the median of the ratios taken within each repetition (PDF ÷ HTML).
The first PDF of a process loads Typst's fonts; it is timed apart as *first*.

Usage (from the repository root, with the project's venv):

    python benchmarks/bench_brief_pdf.py
    python benchmarks/bench_brief_pdf.py --units 40,80 --repeat 15
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from importlib import metadata
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
_VENV_CLI = Path(sys.executable).with_name("realisasi")
CLI = str(_VENV_CLI) if _VENV_CLI.exists() else shutil.which("realisasi") or "realisasi"
# every run reads the file afresh: the facts cache would answer from the second run on
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"REALISASI_CACHE": "off"}


def generate(path: Path, units: int) -> None:
    """A grouped-header rekap: each unit's operasi and modal pagu and realisasi, absorbing 35–85 %."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Rekap")
    sheet.write(0, 0, "PEMERINTAH KOTA CONTOH")
    sheet.write(1, 0, "REKAPITULASI REALISASI BELANJA PERANGKAT DAERAH s.d. 10 November 2023")
    sheet.merge_range(3, 0, 4, 0, "Kode")
    sheet.merge_range(3, 1, 4, 1, "Perangkat Daerah")
    sheet.merge_range(3, 2, 3, 3, "BELANJA OPERASI")
    sheet.merge_range(3, 4, 3, 5, "BELANJA MODAL")
    for column, word in enumerate(["Anggaran", "Realisasi", "Anggaran", "Realisasi"], start=2):
        sheet.write(4, column, word)
    for i in range(units):
        operasi, modal = 20_000_000_000 + 1_000_000_000 * (i % 17), 3_000_000_000 + 500_000_000 * (i % 7)
        share = 0.35 + 0.5 * i / max(units - 1, 1)
        row = [
            f"{1 + i // 20}.{i % 20 + 1:02d}.0.00.0.00.01.0000",
            f"DINAS CONTOH NOMOR {i + 1} URUSAN PEMERINTAHAN",
            operasi,
            round(operasi * min(share + 0.08, 0.95)),
            modal,
            round(modal * share * 0.6),
        ]
        for column, value in enumerate(row):
            sheet.write(5 + i, column, value)
    book.close()


def _pages(pdf: bytes) -> str:
    """The page count, where pypdf (the test extra) is installed."""
    try:
        from io import BytesIO

        from pypdf import PdfReader
    except ImportError:
        return "?"
    return str(len(PdfReader(BytesIO(pdf)).pages))


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def command(args: Sequence[str]) -> float:
    start = time.perf_counter()
    subprocess.run([CLI, *args], check=True, env=ENV, capture_output=True)
    return time.perf_counter() - start


def summary(label: str, pdf: list[float], html: list[float]) -> str:
    ratios = [p / h for p, h in zip(pdf, html, strict=True)]
    pdf_ms, html_ms = statistics.median(pdf) * 1000, statistics.median(html) * 1000
    return (
        f"{label:<8} pdf {pdf_ms:7.1f} ms   html {html_ms:7.1f} ms"
        f"   pdf ÷ html {statistics.median(ratios):5.1f}×   (pdf max {max(pdf) * 1000:.1f} ms)"
    )


def bench(units: int, repeat: int) -> None:
    from realisasi_cli.facts.load import load
    from realisasi_cli.metrics.evaluate import evaluate
    from realisasi_cli.metrics.units import RankOptions
    from realisasi_cli.present.briefing import build_brief, render_brief
    from realisasi_cli.present.pdf import render_pdf

    DATA.mkdir(exist_ok=True)
    source = DATA / f"rekap_{units}_units.xlsx"
    generate(source, units)
    dataset = load([source])
    evaluation = evaluate(dataset, RankOptions(), (15.0, 40.0, 65.0, 95.0))
    context = build_brief(evaluation, dataset, government=None, meeting_date=date(2023, 11, 15))
    assert len(context.units) == units, len(context.units)
    first = timed(lambda: render_pdf(context))
    pages = _pages(render_pdf(context))
    pdf, html = [], []
    for _ in range(repeat):
        pdf.append(timed(lambda: render_pdf(context)))
        html.append(timed(lambda: render_brief(context, "html")))
    print(f"{units} units, {len(render_pdf(context)) // 1024} KiB PDF ({pages} pages)")
    print(f"first    pdf {first * 1000:7.1f} ms (loads Typst's fonts)")
    print(summary("render", pdf, html))
    with tempfile.TemporaryDirectory() as folder:
        pdf_out, html_out = Path(folder) / "x.pdf", Path(folder) / "x.html"
        base = ["brief", str(source), "--meeting-date", "2023-11-15", "-q", "-o"]
        command([*base, str(pdf_out)])  # warm the bytecode and disk caches
        pdf, html = [], []
        for _ in range(max(3, repeat // 3)):
            pdf.append(command([*base, str(pdf_out)]))
            html.append(command([*base, str(html_out)]))
    print(summary("command", pdf, html))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", default="40", help="comma-separated unit counts (default 40)")
    parser.add_argument("--repeat", type=int, default=15, help="renders per format (medians reported)")
    args = parser.parse_args(argv)
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores; typst {metadata.version('typst')}, jinja2 {metadata.version('jinja2')}"
    )
    for units in (int(n) for n in args.units.split(",")):
        bench(units, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
