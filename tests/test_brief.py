"""The meeting briefing (``realisasi brief``): content, formats, escaping, templates and rendering."""

from __future__ import annotations

import functools
import html
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from builders import openpyxl_book
from conftest import ROOT, SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.facts.load import load
from realisasi_cli.metrics.evaluate import evaluate
from realisasi_cli.metrics.units import RankOptions
from realisasi_cli.present import fmt
from realisasi_cli.present.brief_context import Bands, BriefContext, QuarterRow, UnitRow
from realisasi_cli.present.briefing import build_brief, render_brief
from realisasi_cli.present.charts import quarters_svg, units_svg, units_text

runner = CliRunner()
GOLDEN = Path(__file__).parent / "golden"
NOW = SAMPLES / "rekap_pd_10nov2023.xlsx"
QUARTERLY = SAMPLES / "realisasi_rinci_tw_2023.xlsx"
BEFORE = SAMPLES / "rekap_opd_30sep2023.xls"
MEETING = "2023-11-15"
SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".xlsx", ".xls", ".csv"})
TARGETS = (15.0, 40.0, 65.0, 95.0)


def brief(*args: str) -> Any:
    result = runner.invoke(app, ["brief", *args, "--meeting-date", MEETING, "-q"])
    assert result.exit_code == 0, result.stderr
    return result


@functools.cache  # rendering does not change a context; loading is what takes time
def context_for(*paths: Path, lang: str = "id") -> BriefContext:
    dataset = load(list(paths))
    evaluation = evaluate(dataset, RankOptions(), TARGETS)
    return build_brief(evaluation, dataset, government=None, meeting_date=date(2023, 11, 15), lang=lang)


def lowest_ten(truth: dict[str, Any]) -> list[str]:
    return [u["name"] for u in sorted(truth["units"], key=lambda u: (u["absorption_pct"], u["name"]))[:10]]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_both_formats_hold_the_total_the_ten_lowest_and_the_charts(
    name: str, expected: dict[str, Any]
) -> None:
    truth = expected[name]
    total = fmt.percent(truth["total"]["absorption_pct"], "id", 2)
    context = context_for(SAMPLES / name)
    markdown = render_brief(context, "md")
    page = render_brief(context, "html")
    assert total in markdown and total in page
    for unit in lowest_ten(truth):
        assert f"| {unit} |" in markdown.split("usulan asistensi")[1]
        assert f'<td class="name">{html.escape(unit)}</td>' in page.split('id="asistensi"')[1]
    assert markdown.count("```text") == 2 and "█" in markdown
    assert '<svg class="chart chart-quarters"' in page and '<svg class="chart chart-units"' in page


def test_the_command_writes_markdown_to_stdout_and_html_by_suffix(tmp_path: Path) -> None:
    stdout = brief(str(NOW)).stdout
    assert stdout.startswith("# Bahan Rapat Evaluasi Realisasi Anggaran")
    out = tmp_path / "rapat.html"
    result = runner.invoke(app, ["brief", str(NOW), "-o", str(out), "--meeting-date", MEETING])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "ditulis:" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    forced = brief(str(NOW), "--format", "html").stdout
    assert forced.startswith("<!DOCTYPE html>")


def test_the_story_of_strategic_meeting_iii(expected: dict[str, Any]) -> None:
    page = brief(str(NOW), "--previous", str(BEFORE)).stdout
    story = expected["story"]
    assert "Rabu, 15 November 2023" in page
    assert "**Realisasi**: Rp997.943.761.868 (**62,48%**)" in page
    assert f"**{len(story['units_under_threshold_10nov'])} dari 32 perangkat daerah di bawah 57%**" in page
    change = story["total_absorption_pct_10nov"] - expected[BEFORE.name]["total"]["absorption_pct"]
    assert f"**Perubahan sejak 30 September 2023**: {fmt.points(change)}" in page
    assert f"**{fmt.percent(story['modal_absorption_pct_10nov'], 'id', 2)}**" in page
    # 51 days from 10 November; (95 − 62.48) pp over the remaining 1 2/3 months
    assert "**Sisa waktu**: 51 hari (sampai 31 Desember 2023)" in page
    needed = (95 - story["total_absorption_pct_10nov"]) / (2 - 10 / 30)
    assert f"**{fmt.percent(needed)} per bulan**" in page
    assert "Pembanding: rekap_opd_30sep2023.xls" in page


def test_a_brief_on_one_spending_category(expected: dict[str, Any]) -> None:
    page = brief(str(NOW), "--category", "modal").stdout
    assert page.startswith("# Bahan Rapat Evaluasi Realisasi Anggaran · Belanja Modal")
    assert f"(**{fmt.percent(expected['story']['modal_absorption_pct_10nov'], 'id', 2)}**)" in page
    assert "Bahan ini hanya memuat: **Belanja Modal**." in page


@pytest.mark.parametrize("fmt_", ["md", "html"])
def test_golden(fmt_: str, request: pytest.FixtureRequest) -> None:
    result = runner.invoke(
        app, ["brief", str(NOW), str(QUARTERLY), "--meeting-date", MEETING, "--format", fmt_, "-q"]
    )
    assert result.exit_code == 0, result.stderr
    golden = GOLDEN / f"brief.{fmt_}"
    if request.config.getoption("--update-golden") or os.environ.get("REALISASI_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8", newline="\n")
    assert result.stdout == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; if the change is intended: pytest --update-golden"
    )


def test_the_html_loads_nothing_from_anywhere() -> None:
    page = (GOLDEN / "brief.html").read_text(encoding="utf-8")
    for remote in ("://", "<script", "<link", "@import", "url(", "src=", "href=", "<iframe", "@font-face"):
        assert remote not in page
    assert str(ROOT) not in page and str(ROOT) not in (GOLDEN / "brief.md").read_text(encoding="utf-8")


def test_every_shipped_brief_template_renders_with_the_context(tmp_path: Path) -> None:
    shipped = sorted(
        p.name
        for p in resources.files("realisasi_cli.templates").iterdir()
        if p.name.startswith("brief.") and p.name.endswith(".j2")
    )
    assert shipped == ["brief.html.j2", "brief.md.j2"]
    bare = openpyxl_book(
        tmp_path / "tanpa_tanggal.xlsx",
        {"S": [["Perangkat Daerah", "Pagu", "Realisasi"], ["Dinas A", 100, 30], ["Dinas B", 0, 0]]},
    )
    contexts = [context_for(NOW, QUARTERLY), context_for(NOW, lang="en"), context_for(bare)]
    for context in contexts:
        for name in shipped:
            text = render_brief(context, name.split(".")[1])
            assert context.labels["summary"] in text and context.labels["notes"] in text
    undated = contexts[2]
    assert undated.as_of is None and not undated.has_quarters and undated.unranked == ["Dinas B"]
    assert "tanpa_tanggal.xlsx: 1 sheet, data per tanggal tidak diketahui" in render_brief(undated, "md")
    assert "Summary" in render_brief(contexts[1], "md")


def test_a_users_own_template(tmp_path: Path) -> None:
    own = tmp_path / "ringkas.md.j2"
    own.write_text(
        "{{ ctx.summary.absorption_pct | percent(ctx.lang, 2) }} · "
        "{% for u in ctx.bottom %}{{ u.name }}; {% endfor %}\n",
        encoding="utf-8",
    )
    out = brief(str(NOW), "--template", str(own)).stdout
    assert out.startswith("62,48% · DINAS PEKERJAAN UMUM DAN PENATAAN RUANG; ")
    broken = tmp_path / "rusak.html.j2"
    broken.write_text("<p>{{ ctx.no_such_field }}</p>\n", encoding="utf-8")
    result = runner.invoke(app, ["brief", str(NOW), "--template", str(broken), "-f", "html"])
    assert result.exit_code == 2
    assert "rusak.html.j2" in result.stderr and "no_such_field" in result.stderr
    assert result.stdout == ""


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    for args in (
        ["-o", str(tmp_path / "rapat.txt")],
        ["-o", str(NOW)],
        ["--meeting-date", "15/11/2023"],
        ["--bands", "57"],
        ["--bands", "nan,65"],
        ["--bands", "-5,65"],
        ["--category", "gaji"],
    ):
        result = runner.invoke(app, ["brief", str(NOW), *args])
        assert result.exit_code == 2, args
        assert result.stdout == ""


def test_values_from_files_are_escaped(tmp_path: Path) -> None:
    evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)> | Dinas'
    rows: list[list[object]] = [
        ["PEMERINTAH <b>KOTA</b> CONTOH"],
        ["Realisasi s.d. 30 September 2023"],
        ["Perangkat Daerah", "Pagu", "Realisasi"],
        [evil, 1000, 300],
        ["Dinas ```Biasa```", 1000, 700],
    ]
    path = openpyxl_book(tmp_path / "aneh.xlsx", {"Rekap": rows})
    page = brief(str(path), "-f", "html").stdout
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert str(escape(evil)) in page
    svg = page[page.index('<svg class="chart chart-units"') : page.index("</svg>", page.index("chart-units"))]
    assert "&lt;script&gt;" in svg and "<script" not in svg
    markdown = brief(str(path)).stdout
    # no tag can open in a Markdown viewer, and the name still reads as itself
    assert "<script" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert '&lt;script>alert("x")&lt;/script> & &lt;img src=x onerror=alert(1)> \\| Dinas' in markdown
    chart = markdown.split("```text")[2].split("```")[0]
    assert "Dinas '''Biasa'''" in chart


def test_bands_colour_units_by_target_and_threshold() -> None:
    bands = Bands(low=57, high=65)
    assert [bands.of(p) for p in (None, 10, 57, 64.99, 65, 100)] == [
        "bad",
        "bad",
        "warn",
        "warn",
        "good",
        "good",
    ]
    context = context_for(NOW)
    assert [b.key for b in context.bands] == ["good", "warn", "bad"]
    assert sum(b.count for b in context.bands) == len(context.units) == 32
    page = brief(str(NOW), "--bands", "65,57").stdout
    assert "● ≥ 65%: 20 · ◐ 57% – < 65%: 2 · ○ < 57% (di bawah ambang): 10" in page


def test_charts_escape_text_and_clip_bars() -> None:
    unit = UnitRow(1, None, 'A <b> & "B"', 10.0, 12.0, 120.0, "good", "●", None, None, None)
    svg = units_svg([unit], [(57.0, "ambang <57>")])
    assert "A &lt;b&gt; &amp; &#34;B&#34;" in svg and "ambang &lt;57&gt;" in svg and "<b>" not in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths == [480.0]  # 120 % is drawn as a full bar, and labelled with its value
    quarters = [QuarterRow(q, f"TW {q}", None, None, 15.0 * q, None, None) for q in range(1, 5)]
    assert "tidak ada data" in quarters_svg(quarters) and "<rect" in quarters_svg(quarters)
    assert units_text([unit], [(57.0, "x")]).startswith('A <b> & "B"')


def _png_colours(data: bytes) -> int:
    """Distinct pixel colours of an 8-bit RGB(A) PNG, decoded with the standard library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, width, height, bpp = 8, [], 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour_type in (2, 6)
            bpp = 3 if colour_type == 2 else 4
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    stride = width * bpp
    prev = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind_ = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride) if kind_ else ():
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            if kind_ == 1:
                line[i] = (line[i] + a) & 255
            elif kind_ == 2:
                line[i] = (line[i] + b) & 255
            elif kind_ == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            else:
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[i : i + bpp]) for i in range(0, stride, bpp))
        prev = line
    return len(colours)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="no chromium binary on PATH")
def test_headless_chromium_renders_a_page_that_is_not_blank(tmp_path: Path) -> None:
    page = tmp_path / "rapat.html"
    page.write_text((GOLDEN / "brief.html").read_text(encoding="utf-8"), encoding="utf-8")
    shot = tmp_path / "rapat.png"
    subprocess.run(
        [
            str(_chromium()),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=700,900",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert _png_colours(shot.read_bytes()) > 50


def test_templates_are_found_from_the_editable_install() -> None:
    for name in ("brief.md.j2", "brief.html.j2"):
        assert (resources.files("realisasi_cli.templates") / name).is_file()


@pytest.mark.slow
def test_the_wheel_ships_the_templates(tmp_path: Path) -> None:
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode:
        pytest.skip("pip is not available")
    # a copy, so that the build leaves no build/ or egg-info in the working tree
    source = tmp_path / "src-copy"
    for part in ("src", "templates"):
        shutil.copytree(ROOT / part, source / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", "dist"],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode and re.search(r"No matching distribution|Could not find a version", built.stderr):
        pytest.skip("pip cannot fetch the build backend (setuptools) here")
    assert built.returncode == 0, built.stderr
    (wheel,) = (source / "dist").glob("realisasi-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {"realisasi_cli/templates/brief.md.j2", "realisasi_cli/templates/brief.html.j2"}
    assert shipped | {"realisasi_cli/templates/brief.typ"} <= set(names)
