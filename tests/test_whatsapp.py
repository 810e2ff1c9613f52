"""``summary --format whatsapp``: a message of at most 1,500 characters in WhatsApp's own markup,
one line per unit, that no unit name can break."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.facts.load import load
from realisasi_cli.metrics.evaluate import evaluate
from realisasi_cli.metrics.units import RankOptions
from realisasi_cli.present.summary import build_summary
from realisasi_cli.present.whatsapp import LIMIT, whatsapp_text

runner = CliRunner()
SEPTEMBER = "rekap_opd_30sep2023.xls"
NOVEMBER = "rekap_pd_10nov2023.xlsx"


def whatsapp(*args: str) -> Any:
    result = runner.invoke(app, ["summary", *args, "--format", "whatsapp", "-q"])
    assert result.exit_code == 0, result.stderr
    return result


def assert_whatsapp_markup(text: str) -> None:
    """Bold and italic open and close on every line, around text that does not start or end with
    a space (else WhatsApp shows the marks); no strike-through, monospace or HTML at all."""
    for line in text.splitlines():
        assert line.count("*") % 2 == 0 and line.count("_") % 2 == 0, line
        for span in [*re.findall(r"\*([^*]*)\*", line), *re.findall(r"_([^_]*)_", line)]:
            assert span and span == span.strip(), line
    assert not set("~`<>") & set(text)


def indonesian(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """The cron job's folder: the September export and the November one."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in (SEPTEMBER, NOVEMBER):
        shutil.copy2(SAMPLES / name, folder / name)
    return folder


def test_the_weekly_digest_of_the_sample_folder(exports: Path, expected: dict[str, Any]) -> None:
    text = whatsapp(str(exports)).stdout
    assert len(text) <= 1500
    assert_whatsapp_markup(text)
    now, before = (
        expected[NOVEMBER]["units"],
        {u["name"]: u["absorption_pct"] for u in expected[SEPTEMBER]["units"]},
    )
    lowest = min(now, key=lambda u: u["absorption_pct"])
    change = lowest["absorption_pct"] - before[lowest["name"]]
    # the lowest is ranked last of the 32, with its gain since 30 September
    line = f"{len(now)}. {lowest['name']} {indonesian(lowest['absorption_pct'])}% ▲ +{indonesian(change)} pp"
    assert line in text.splitlines()
    lines = text.splitlines()
    assert lines[0] == "*Realisasi Belanja*"
    assert lines[1] == "_s.d. 10 November 2023 · dibanding 30 September 2023_"
    total = expected[NOVEMBER]["total"]["absorption_pct"]
    assert f"*Total: {indonesian(total)}%*" in text
    modal = expected["story"]["modal_absorption_pct_10nov"]
    assert any(x.startswith(f"Belanja Modal: {indonesian(modal)}% · terendah: ") for x in lines)
    # one line per unit of the bottom 10, in the order of the e-mail
    ranked = [x for x in lines if re.match(r"\d+\. ", x)]
    ten = sorted(now, key=lambda u: (u["absorption_pct"], u["name"]))[:10]
    assert [x.split(" ", 1)[1].rsplit(" ", 4)[0] for x in ranked] == [u["name"] for u in ten]


def test_written_to_a_file_as_utf_8(exports: Path, tmp_path: Path) -> None:
    printed = whatsapp(str(exports)).stdout
    out = tmp_path / "ringkasan.txt"
    result = runner.invoke(app, ["summary", str(exports), "--format", "whatsapp", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and "ditulis:" in result.stderr
    assert out.read_bytes().decode("utf-8") == printed


def test_english_with_lang_en(exports: Path) -> None:
    text = whatsapp(str(exports), "--lang", "en").stdout
    assert text.startswith(
        "*Spending Realization*\n_as of 10 November 2023 · compared with 30 September 2023_"
    )
    assert "*10 lowest:*" in text and "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG 41.9% ▲" in text
    assert_whatsapp_markup(text)


def rekap(path: Path, units: list[tuple[str, int, int]]) -> Path:
    rows: list[list[object]] = [
        ["REKAPITULASI REALISASI BELANJA s.d. 30 September 2024"],
        [],
        ["Perangkat Daerah", "Pagu", "Realisasi"],
    ]
    return openpyxl_book(path, {"Rekap": [*rows, *[list(u) for u in units]]})


def test_names_with_whatsapp_s_markup_characters_cannot_break_it(tmp_path: Path) -> None:
    names = [
        "Dinas *Pekerjaan* Umum",
        "Badan_Keuangan_Daerah",
        "Dinas ~Sosial~",
        "Kantor `Camat` Batu",
        "Dinas _Kesehatan",
    ]
    path = rekap(tmp_path / "rekap.xlsx", [(n, 1_000_000, 100_000 * (i + 1)) for i, n in enumerate(names)])
    config = tmp_path / "realisasi.toml"
    config.write_text('government = "Pemerintah *Kota* Batu"\n', encoding="utf-8")
    result = runner.invoke(app, ["--config", str(config), "summary", str(path), "-f", "whatsapp", "-q"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert_whatsapp_markup(text)
    # look-alikes: ∗ (U+2217), ＿ (U+FF3F), ∼ (U+223C), ˋ (U+02CB)
    assert text.splitlines()[0] == "*Realisasi Belanja · Pemerintah ∗Kota∗ Batu*"
    for shown, pct in [
        ("Dinas ∗Pekerjaan∗ Umum", "10,0%"),
        ("Badan＿Keuangan＿Daerah", "20,0%"),
        ("Dinas ∼Sosial∼", "30,0%"),
        ("Kantor ˋCamatˋ Batu", "40,0%"),
        ("Dinas ＿Kesehatan", "50,0%"),
    ]:
        assert any(line.endswith(f". {shown} {pct}") for line in text.splitlines()), shown


def test_a_long_list_is_cut_to_the_limit_with_how_many_more(tmp_path: Path) -> None:
    units = [
        (
            f"DINAS PEMBERDAYAAN MASYARAKAT DAN DESA SERTA PERLINDUNGAN ANAK NO {i:02d}",
            1_000_000,
            10_000 * (i + 1),
        )
        for i in range(60)
    ]
    path = rekap(tmp_path / "rekap.xlsx", units)
    text = whatsapp(str(path), "--bottom", "60").stdout
    assert len(text) <= LIMIT
    assert_whatsapp_markup(text)
    lines = text.splitlines()
    shown = [x for x in lines if re.match(r"\d+\. ", x)]
    assert 1 <= len(shown) < 60
    # the lowest first: 10,000 of 1,000,000 = 1 %
    assert shown[0] == f"60. {units[0][0]} 1,0%"
    (more,) = [x for x in lines if x.startswith("… dan ")]
    assert more == f"… dan {60 - len(shown)} lainnya"
    assert "*60 terbawah:*" in lines


def test_any_limit_is_kept_with_balanced_markup(tmp_path: Path) -> None:
    units = [
        (f"Dinas_{i} *Nama* Yang Cukup Panjang Untuk Satu Baris", 1_000_000, 5_000 * (i + 1))
        for i in range(40)
    ]
    dataset = load([rekap(tmp_path / "rekap.xlsx", units)])
    evaluation = evaluate(dataset, RankOptions(), (15.0, 40.0, 65.0, 95.0), bottom=40)
    context = build_summary(evaluation, dataset, government="Pemerintah Kota Contoh")
    for limit in (600, 800, 1500, 4000):
        text = whatsapp_text(context, limit)
        assert len(text) <= limit, limit
        assert_whatsapp_markup(text)
        assert "Dinas＿0 ∗Nama∗ Yang Cukup Panjang Untuk Satu Baris 0,5%" in text
    assert "lainnya" not in whatsapp_text(context, 4000)


def test_a_name_too_long_for_one_line_is_cut(tmp_path: Path) -> None:
    name = "DINAS PEMBERDAYAAN PEREMPUAN, PERLINDUNGAN ANAK, PENGENDALIAN PENDUDUK DAN KELUARGA BERENCANA"
    text = whatsapp(str(rekap(tmp_path / "rekap.xlsx", [(name, 1_000_000, 250_000)]))).stdout
    (line,) = [x for x in text.splitlines() if x.startswith("1. ")]
    # 70 characters at most: 69 of the name's, then "…"
    assert line == f"1. {name[:69].rstrip()}… 25,0%"


def test_units_that_have_not_reported_are_in_the_digest(tmp_path: Path) -> None:
    listed = openpyxl_book(
        tmp_path / "opd.xlsx",
        {"Daftar": [["Kode", "Nama"], ["9.99.0.00.0.00.01.0000", "DINAS YANG BELUM MELAPOR"]]},
    )
    text = whatsapp(str(SAMPLES / NOVEMBER), "--units", str(listed)).stdout
    assert "\n*Belum melapor:* 1 tanpa data\n- DINAS YANG BELUM MELAPOR (tidak ada data)\n" in text
    assert_whatsapp_markup(text)


def test_whatsapp_is_not_e_mailed(exports: Path) -> None:
    for option in ("--send", "--dry-run"):
        result = runner.invoke(app, ["summary", str(exports), "--format", "whatsapp", option])
        assert result.exit_code == 2, result.stdout
        assert "[E-SUMMARY-WHATSAPP-SEND]" in result.stderr and option in result.stderr
        assert result.stdout == ""


def test_the_notes_line_counts_every_note_not_the_lines_shown(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    # eight uploads that name no unit: eight notes, of which the summary shows five and "… 3 lainnya"
    for i in range(8):
        rows: list[list[object]] = [["LAPORAN REALISASI s.d. 30 Juni 2024"], ["Uraian", "Pagu", "Realisasi"]]
        rows += [["Belanja Operasi", 1000 + i, 500]]
        openpyxl_book(folder / f"{i + 1}_lra.xlsx", {"Sheet1": rows})
    result = whatsapp(str(folder))
    assert "_8 catatan data (" in result.stdout
