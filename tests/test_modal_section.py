"""Belanja modal in its own right: the brief's section of the lowest capital spending and the
e-mail's modal line, with every number worked out here from the sources' own amounts."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.facts.load import load
from realisasi_cli.metrics.evaluate import evaluate
from realisasi_cli.metrics.modal import category_ranking
from realisasi_cli.metrics.units import RankOptions

runner = CliRunner()
NOVEMBER = SAMPLES / "rekap_pd_10nov2023.xlsx"
# 10 November 2023: TW IV has 92 days, 41 of them gone; 65 % + 30 pp × 41/92
TARGET_10_NOV = 65 + 30 * 41 / 92
MODAL_TARGETS = "[targets]\nmodal = [5, 25, 55, 90]\n"


def pct(value: float, digits: int = 2) -> str:
    """``25.28`` → ``25,28%``, as the brief writes a percentage, written out here by hand."""
    return f"{value:.{digits}f}".replace(".", ",") + "%"


def pp(value: float) -> str:
    """``-53.08`` → ``-53,1 pp``."""
    return ("+" if value > 0 else "") + f"{value:.1f}".replace(".", ",") + " pp"


def rupiah(value: float) -> str:
    """``8756495000`` → ``Rp8.756.495.000``."""
    return "Rp" + f"{round(value):,}".replace(",", ".")


def brief(*args: str, config: Path | None = None) -> str:
    head = ["--config", str(config)] if config is not None else []
    result = runner.invoke(app, [*head, "brief", *args, "--meeting-date", "2023-11-15", "-q"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def section(markdown: str, heading: str) -> list[str]:
    """The lines of a Markdown section, from its heading to the next one."""
    start = markdown.index(f"## {heading}")
    end = markdown.find("\n## ", start + 3)
    return markdown[start : end if end != -1 else None].splitlines()


def table_rows(lines: list[str]) -> list[list[str]]:
    """The cells of a Markdown table's numbered rows."""
    return [[c.strip() for c in line.strip("|").split("|")] for line in lines if re.match(r"\| \d+ \|", line)]


def lowest_modal(truth: dict[str, Any], n: int = 10) -> list[dict[str, Any]]:
    """The ``n`` units with a capital budget, lowest capital absorption first (ties by name)."""
    with_budget = [
        u | {"modal_pct": 100 * u["modal_realized"] / u["modal_budget"]}
        for u in truth["units"]
        if u.get("modal_budget")
    ]
    return sorted(with_budget, key=lambda u: (u["modal_pct"], u["name"]))[:n]


def test_the_ten_lowest_capital_units_on_10_november(expected: dict[str, Any]) -> None:
    truth = expected[NOVEMBER.name]
    lines = section(brief(str(NOVEMBER)), "10 perangkat daerah dengan realisasi belanja modal terendah")
    rows = table_rows(lines)
    wanted = lowest_modal(truth)
    assert [r[1] for r in rows] == [u["name"] for u in wanted]
    for row, unit in zip(rows, wanted, strict=True):
        assert row[2:] == [
            rupiah(unit["modal_budget"]),
            rupiah(unit["modal_realized"]),
            pct(unit["modal_pct"]),
            pct(TARGET_10_NOV),
            pp(unit["modal_pct"] - TARGET_10_NOV),
        ]
    # the two units without a capital budget are never ranked on it
    without = [u["name"] for u in truth["units"] if not u.get("modal_budget")]
    assert len(without) == 2 and not set(without) & {r[1] for r in rows}
    modal_total = expected["story"]["modal_absorption_pct_10nov"]
    head = next(line for line in lines if line.startswith("Belanja modal seluruh perangkat daerah"))
    assert f"**{pct(modal_total)}**" in head and f"**{pp(modal_total - TARGET_10_NOV)}**" in head
    assert f"{len(truth['units']) - 2} dari {len(truth['units'])} perangkat daerah memiliki pagu" in head


class _Rows(HTMLParser):
    """The cell texts of every table row inside one ``<section id=…>``."""

    def __init__(self, section_id: str) -> None:
        super().__init__()
        self.section_id, self.depth, self.rows = section_id, 0, []  # type: ignore[var-annotated]
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.depth += 1 if self.depth or ("id", self.section_id) in attrs else 0
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.depth:
            self.depth -= 1
        elif self.depth and tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def html_rows(page: str, section_id: str) -> list[list[str]]:
    parser = _Rows(section_id)
    parser.feed(page)
    return parser.rows


def test_the_html_brief_has_the_same_rows_read_back(expected: dict[str, Any]) -> None:
    page = brief(str(NOVEMBER), "--format", "html")
    rows = html_rows(page, "modal")
    assert rows[0][:5] == ["No", "Perangkat Daerah", "Pagu modal", "Realisasi modal", "Modal %"]
    wanted = lowest_modal(expected[NOVEMBER.name])
    assert [r[1] for r in rows[1:]] == [u["name"] for u in wanted]
    assert rows[1][4] == pct(wanted[0]["modal_pct"]) and rows[1][6] == pp(
        wanted[0]["modal_pct"] - TARGET_10_NOV
    )


# --- a line-item export with capital accounts 5.2.xx, worked out by hand ------------------------

# unit, name, account, budget, realized: modal is 5.2 (capital), 5.1 is operasi
LINES = [
    ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", "5.1.02.01.01.0024", 400_000_000, 300_000_000),
    ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", "5.2.02.05.01.0001", 600_000_000, 150_000_000),
    ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "5.1.02.01.01.0024", 500_000_000, 250_000_000),
    ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "5.2.03.01.01.0001", 1_000_000_000, 400_000_000),
    ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "5.2.02.05.01.0002", 250_000_000, 100_000_000),
    ("1.03.0.00.0.00.01.0000", "Dinas PU", "5.2.04.01.01.0001", 2_000_000_000, 200_000_000),
    ("1.03.0.00.0.00.01.0000", "Dinas PU", "5.1.01.01.01.0001", 1_000_000_000, 700_000_000),
    ("4.01.0.00.0.00.01.0000", "Sekretariat Daerah", "5.1.01.01.01.0001", 800_000_000, 600_000_000),
]
# capital spending by hand: PU 200/2000 = 10 %, Pendidikan 150/600 = 25 %, Kesehatan 500/1250 = 40 %
BY_HAND = [
    ("Dinas PU", 2_000_000_000, 200_000_000, 10.0),
    ("Dinas Pendidikan", 600_000_000, 150_000_000, 25.0),
    ("Dinas Kesehatan", 1_250_000_000, 500_000_000, 40.0),
]


def line_items(path: Path, day: str = "30 September 2024") -> Path:
    rows: list[list[object]] = [
        [f"REALISASI BELANJA PER RINCIAN s.d. {day}"],
        ["PEMERINTAH KABUPATEN CONTOH"],
        [],
        ["Kode SKPD", "Nama SKPD", "Kode Rekening", "Uraian", "Pagu", "Realisasi"],
    ]
    rows += [
        [code, name, account, "Belanja", budget, realized] for code, name, account, budget, realized in LINES
    ]
    return openpyxl_book(path, {"Rincian": rows})


def test_capital_spending_against_its_own_target_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text(MODAL_TARGETS, encoding="utf-8")
    page = brief(str(line_items(tmp_path / "rinci.xlsx")), config=config)
    lines = section(page, "3 perangkat daerah dengan realisasi belanja modal terendah")
    rows = table_rows(lines)
    # 30 September is the last day of TW III: the capital target is TW III's, 55 %
    assert rows == [
        [str(i), name, rupiah(budget), rupiah(realized), pct(share), "55,00%", pp(share - 55)]
        for i, (name, budget, realized, share) in enumerate(BY_HAND, start=1)
    ]
    assert "Sekretariat Daerah" not in "\n".join(lines)
    # the whole government: 850 of 3,850 million
    assert f"**{pct(100 * 850 / 3850)}**" in lines[2]
    assert "TW I 5%, TW II 25%, TW III 55%, TW IV 90%" in "\n".join(lines)


def test_the_count_follows_the_brief_s_bottom_count(tmp_path: Path) -> None:
    page = brief(str(line_items(tmp_path / "rinci.xlsx")), "--bottom", "2")
    rows = table_rows(section(page, "2 perangkat daerah dengan realisasi belanja modal terendah"))
    # without [targets] modal, capital spending is measured against the overall TW III target, 65 %
    assert [(r[1], r[4], r[5]) for r in rows] == [
        ("Dinas PU", "10,00%", "65,00%"),
        ("Dinas Pendidikan", "25,00%", "65,00%"),
    ]


def test_the_metric_ranks_units_with_a_capital_budget(tmp_path: Path) -> None:
    dataset = load([line_items(tmp_path / "rinci.xlsx")])
    evaluation = evaluate(dataset, RankOptions(), (15.0, 40.0, 65.0, 95.0))
    ranked = category_ranking(evaluation.ranking, (5.0, 25.0, 55.0, 90.0), "modal", evaluation.as_of)
    assert ranked.select("name", "budget", "realized").rows() == [(n, b, r) for n, b, r, _ in BY_HAND]
    assert ranked["absorption_pct"].to_list() == pytest.approx([s for *_, s in BY_HAND])
    assert ranked["gap_pp"].to_list() == pytest.approx([s - 55 for *_, s in BY_HAND])


def lra(path: Path, day: str, code: str, name: str, lines: list[list[object]]) -> Path:
    head: list[list[object]] = [
        ["LAPORAN REALISASI ANGGARAN"],
        [f"s.d. {day}"],
        [f"SKPD : {code} {name}"],
        [],
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
    ]
    return openpyxl_book(path, {"LRA": [*head, *lines]})


def test_each_unit_is_measured_on_its_own_data_date(tmp_path: Path) -> None:
    """Per-OPD uploads of different dates: each unit against the capital target on its own date."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    lra(
        folder / "1_lra.xlsx",
        "30 September 2024",
        "1.01.0.00.0.00.01.0000",
        "DINAS PENDIDIKAN",
        [
            ["5.1.02.01.01.0024", "ATK", 400_000_000, 300_000_000],
            ["5.2.02.05.01.0001", "Laptop", 600_000_000, 150_000_000],
        ],
    )
    lra(
        folder / "2_lra.xlsx",
        "31 Agustus 2024",
        "1.02.0.00.0.00.01.0000",
        "DINAS KESEHATAN",
        [
            ["5.1.02.01.01.0024", "ATK", 500_000_000, 250_000_000],
            ["5.2.03.01.01.0001", "Gedung", 1_000_000_000, 400_000_000],
        ],
    )
    rows = table_rows(
        section(brief(str(folder)), "2 perangkat daerah dengan realisasi belanja modal terendah")
    )
    # 31 August: 62 of TW III's 92 days, 40 % + 25 pp × 62/92; 30 September: TW III's 65 %
    august = 40 + 25 * 62 / 92
    assert [(r[1], r[4], r[5], r[6], r[7]) for r in rows] == [
        ("DINAS PENDIDIKAN", "25,00%", "30 September 2024", "65,00%", pp(25 - 65)),
        ("DINAS KESEHATAN", "40,00%", "31 Agustus 2024", pct(august), pp(40 - august)),
    ]


def test_without_capital_spending_the_section_says_so(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI s.d. 30 September 2024"],
        [],
        ["Perangkat Daerah", "Pagu", "Realisasi"],
        ["Dinas A", 1_000_000, 400_000],
        ["Dinas B", 2_000_000, 1_500_000],
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    lines = section(brief(str(path)), "10 perangkat daerah dengan realisasi belanja modal terendah")
    assert "Data tidak memuat belanja modal per perangkat daerah; bagian ini dilewati." in lines
    assert not table_rows(lines)
    english = brief(str(path), "--lang", "en")
    assert "## The 10 units with the lowest capital (modal) spending" in english
    assert "The data has no capital spending per unit; this section is left out." in english
    only = brief(str(NOVEMBER), "--category", "modal")
    assert "Bahan ini hanya memuat: Belanja Modal." in section(
        only, "10 perangkat daerah dengan realisasi belanja modal"
    )


def test_the_e_mail_names_the_government_s_capital_spending_and_its_lowest_units(
    expected: dict[str, Any],
) -> None:
    result = runner.invoke(app, ["summary", str(NOVEMBER), "-q"])
    assert result.exit_code == 0, result.stderr
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("Belanja Modal:")]
    lowest = lowest_modal(expected[NOVEMBER.name], 3)
    named = ", ".join(f"{u['name']} {pct(u['modal_pct'], 1)}" for u in lowest)
    assert (
        line
        == f"Belanja Modal: {pct(expected['story']['modal_absorption_pct_10nov'], 1)} · terendah: {named}"
    )
    english = runner.invoke(app, ["summary", str(NOVEMBER), "-q", "--lang", "en"]).stdout
    assert f"Capital spending: 36.0% · lowest: {lowest[0]['name']} 25.3%" in english
