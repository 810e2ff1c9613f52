"""Who has not reported: units expected (``--units``, an earlier export, the snapshots given) with
no data, data older than ``stale_days`` before the newest, or nothing realized; in the brief, the
e-mail and ``rank --format json``."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.metrics.ranking import rank
from realisasi_cli.metrics.reporting import expected_units, not_reported
from realisasi_cli.metrics.units import RankOptions
from test_metrics_units import TO_JUNE, budget, realization, sources

runner = CliRunner()
NOVEMBER = SAMPLES / "rekap_pd_10nov2023.xlsx"
ABSENT = ("9.99.0.00.0.00.01.0000", "DINAS YANG BELUM MELAPOR")
TITLE = "Perangkat daerah yang belum melapor"


def invoke(*args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result


def section(markdown: str, title: str = TITLE) -> list[str]:
    """The lines of the brief's section of units that have not reported."""
    start = markdown.index(f"## {title}")
    end = markdown.find("\n## ", start + 3)
    return markdown[start:end].splitlines()


def rows(lines: list[str]) -> list[list[str]]:
    return [
        [c.strip() for c in line.strip("|").split("|")][1:] for line in lines if re.match(r"\| \d+ \|", line)
    ]


def brief(*args: str) -> list[str]:
    return section(invoke("brief", *args, "--meeting-date", "2023-11-15", "-q").stdout)


def units_list(path: Path, units: list[tuple[str | None, str]]) -> Path:
    """The government's units as a workbook with a Kode and a Nama column."""
    return openpyxl_book(path, {"Daftar": [["Kode", "Nama"], *[[c, n] for c, n in units]]})


def test_a_listed_unit_without_data_is_named_in_the_brief_the_e_mail_and_json(
    tmp_path: Path, expected: dict[str, Any]
) -> None:
    everyone = [(u["code"], u["name"]) for u in expected[NOVEMBER.name]["units"]]
    listed = units_list(tmp_path / "opd.xlsx", [*everyone, ABSENT])
    lines = brief(str(NOVEMBER), "--units", str(listed))
    assert f"{len(everyone) + 1} perangkat daerah diharapkan, dari daftar --units: 1 tanpa data." in lines
    assert rows(lines) == [[ABSENT[0], ABSENT[1], "tidak ada data"]]

    mail = invoke("summary", str(NOVEMBER), "--units", str(listed), "-q").stdout
    block = mail.split("Perangkat daerah yang belum melapor: 1 tanpa data\n", 1)[1]
    assert block.startswith(
        f"- {ABSENT[1]}: tidak ada data\n(33 perangkat daerah diharapkan, dari daftar --units)"
    )

    doc = json.loads(invoke("rank", str(NOVEMBER), "--units", str(listed), "-f", "json", "-q").stdout)
    assert doc["not_reported"] == {
        "expected_from": "units",
        "expected": 33,
        "newest": "2023-11-10",
        "stale_before": "2023-10-27",  # 14 days before the newest
        "stale_days": 14,
        "missing": [{"code": ABSENT[0], "name": ABSENT[1]}],
        "stale": [],
        "zero_realization": [],
    }


def test_a_list_by_name_matches_whatever_the_case_and_spacing(tmp_path: Path) -> None:
    listed = units_list(
        tmp_path / "opd.xlsx",
        [
            (None, "dinas  pendidikan"),
            (None, "Dinas Pekerjaan Umum dan Penataan Ruang"),
            (None, "Dinas Pemadam"),
        ],
    )
    lines = brief(str(NOVEMBER), "--units", str(listed))
    assert rows(lines) == [["-", "Dinas Pemadam", "tidak ada data"]]


def flat(path: Path, day: str, units: list[tuple[str, int, int]]) -> Path:
    """A rekap per unit as of ``day``: name, pagu, realisasi."""
    table: list[list[object]] = [
        [f"REKAPITULASI REALISASI BELANJA s.d. {day}"],
        [],
        ["Perangkat Daerah", "Pagu", "Realisasi"],
    ]
    return openpyxl_book(path, {"Rekap": [*table, *[list(u) for u in units]]})


def test_a_unit_that_realized_nothing_is_named(tmp_path: Path) -> None:
    path = flat(
        tmp_path / "rekap.xlsx",
        "30 September 2024",
        [("Dinas A", 1_000_000, 400_000), ("Dinas Sosial", 2_000_000, 0), ("Dinas B", 500_000, 100_000)],
    )
    lines = brief(str(path))
    assert rows(lines) == [["-", "Dinas Sosial", "realisasi nol"]]
    # a single export names no absent unit, and says why
    assert any(line.startswith("Tanpa daftar perangkat daerah (--units)") for line in lines)
    doc = json.loads(invoke("rank", str(path), "-f", "json", "-q").stdout)["not_reported"]
    assert doc["expected_from"] is None and doc["expected"] is None
    assert doc["zero_realization"] == [{"code": None, "name": "Dinas Sosial"}]
    mail = invoke("summary", str(path), "-q").stdout
    assert "Perangkat daerah yang belum melapor: 1 realisasi nol\n- Dinas Sosial: realisasi nol\n" in mail


def test_the_previous_export_is_the_list_without_units(expected: dict[str, Any]) -> None:
    before, now = SAMPLES / "rekap_opd_30sep2023.xls", SAMPLES / "lra_per_skpd_30sep2023.xlsx"
    absent = sorted(
        {u["name"] for u in expected[before.name]["units"]} - {u["name"] for u in expected[now.name]["units"]}
    )
    assert len(absent) == 2
    lines = brief(str(now), "--previous", str(before))
    count = len(expected[before.name]["units"])
    assert (
        f"{count} perangkat daerah diharapkan, dari ekspor pembanding per 30 September 2023: 2 tanpa data."
        in lines
    )
    assert rows(lines) == [["-", name, "tidak ada data"] for name in absent]


def test_a_unit_missing_from_the_newest_snapshot_is_named_with_its_last_date(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    flat(
        folder / "rekap_sep.xlsx",
        "30 September 2024",
        [("Dinas A", 1_000_000, 400_000), ("Dinas B", 2_000_000, 900_000)],
    )
    flat(folder / "rekap_nov.xlsx", "8 November 2024", [("Dinas A", 1_000_000, 700_000)])
    lines = brief(str(folder))
    assert "2 perangkat daerah diharapkan, dari seluruh ekspor masukan: 1 data lama." in lines
    assert rows(lines) == [["-", "Dinas B", "data terakhir per 30 September 2024"]]
    # 8 November − 14 days = 25 October
    rule = "Data lama: bertanggal sebelum 25 Oktober 2024, lebih dari 14 hari sebelum data terbaru"
    assert f"{rule} (8 November 2024)." in lines
    english = section(
        invoke("brief", str(folder), "--lang", "en", "-q").stdout, "Units that have not reported"
    )
    assert rows(english) == [["-", "Dinas B", "latest data as of 30 September 2024"]]


def test_stale_days_from_the_config_decides_what_is_old(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    flat(folder / "a.xlsx", "30 September 2024", [("Dinas A", 1_000_000, 400_000)])
    flat(folder / "b.xlsx", "31 Agustus 2024", [("Dinas B", 1_000_000, 400_000)])
    assert rows(brief(str(folder))) == [["-", "Dinas B", "data terakhir per 31 Agustus 2024"]]
    config = tmp_path / "realisasi.toml"
    config.write_text("stale_days = 40\n", encoding="utf-8")  # 30 days apart: not old any more
    lines = section(
        invoke("--config", str(config), "brief", str(folder), "--meeting-date", "2023-11-15", "-q").stdout
    )
    assert rows(lines) == [] and "Semua perangkat daerah yang diharapkan melapor." in lines


def test_the_metric_matches_by_code_alias_and_name() -> None:
    """A by code, b by its name in any case, c (an alias of 1.03's spelling) by the alias: only
    1.09 has no data; 1.05 realized nothing."""
    facts = budget(
        (0, "1.01", "Dinas A", None, 100.0),
        (0, None, "Dinas B", None, 200.0),
        (0, "1.03", "Dinas C", None, 50.0),
        (0, "1.05", "Dinas E", None, 400.0),
    )
    done = realization(
        (0, "1.01", "Dinas A", None, TO_JUNE, 30.0),
        (0, None, "Dinas B", None, TO_JUNE, 120.0),
        (0, "1.03", "Dinas C", None, TO_JUNE, 20.0),
    )
    options = RankOptions(aliases={"DINAS CE": "1.03"})
    ranking = rank(facts, done, sources(date(2024, 6, 30)), options)
    wanted = expected_units([("1.01", "Dinas A"), (None, "dinas b"), (None, "Dinas Ce"), ("1.09", "Dinas I")])
    result = not_reported(ranking, wanted, "units", options)
    assert result.expected == 4
    assert result.missing.rows() == [("1.09", "Dinas I")]
    assert result.stale.height == 0
    assert result.zero.select("code", "name", "budget").rows() == [("1.05", "Dinas E", 400.0)]
    assert result.count == 2


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_html_brief_and_e_mail_carry_the_section(tmp_path: Path, lang: str) -> None:
    listed = units_list(tmp_path / "opd.xlsx", [ABSENT])
    page = invoke("brief", str(NOVEMBER), "--units", str(listed), "-f", "html", "--lang", lang, "-q").stdout
    part = page.split('<section id="belum-melapor">', 1)[1].split("</section>", 1)[0]
    assert f'<td>{ABSENT[0]}</td><td class="name">{ABSENT[1]}</td>' in part
    assert ("tidak ada data" if lang == "id" else "no data") in part
