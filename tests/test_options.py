"""Options as people type them: decimal commas, categories in any case or in words, ranges, conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from realisasi_cli.cli import app

SAMPLE = str(Path(__file__).resolve().parents[1] / "sample_data" / "rekap_pd_10nov2023.xlsx")
runner = CliRunner()


def rank(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["rank", SAMPLE, *args, "--format", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("typed", ["57,5", "57.5", "57,5%", " 57,5 "])
def test_a_threshold_with_a_decimal_comma(typed: str) -> None:
    assert rank("--threshold", typed)["threshold_pct"] == 57.5


@pytest.mark.parametrize("typed", ["modal", "Modal", "MODAL", "belanja modal", "Belanja Modal"])
def test_a_category_in_any_case_or_in_words(typed: str) -> None:
    assert rank("--category", typed)["category"] == "modal"


def test_a_category_alias_from_the_vocabulary() -> None:
    assert rank("-c", "Barang dan Jasa")["category"] == "barang_jasa"
    assert rank("-c", "BTT")["category"] == "tidak_terduga"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--threshold", "150"], "dari 0 sampai 100"),
        (["--threshold", "-5"], "dari 0 sampai 100"),
        (["--threshold", "lima puluh"], "bukan persentase"),
        (["--category", "pegawe"], "pegawai"),
        (["--top", "3", "--bottom", "3"], "--bottom dan --top"),
        (["--top", "3", "--all"], "--top dan --all"),
        (["--targets", "40,15,65,95"], "--targets"),
    ],
)
def test_wrong_options_are_refused_with_a_reason(args: list[str], says: str) -> None:
    result = runner.invoke(app, ["rank", SAMPLE, *args])
    assert result.exit_code == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_targets_with_decimal_commas_separated_by_semicolons() -> None:
    result = runner.invoke(app, ["quarters", SAMPLE, "--targets", "12,5;40;65;95", "-f", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["targets_pct"] == [12.5, 40, 65, 95]


def test_summary_dry_run_needs_no_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("HOST", "FROM", "TO"):
        monkeypatch.delenv(f"REALISASI_SMTP_{key}", raising=False)
    monkeypatch.setenv("REALISASI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["summary", SAMPLE, "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert "To: penerima@contoh.invalid" in result.stdout
    assert "Subject: Realisasi belanja s.d. 10 November 2023" in result.stdout
    assert "hanya contoh" in result.stderr
    sending = runner.invoke(app, ["summary", SAMPLE, "--send", "--to", "a@b.id"])
    assert sending.exit_code == 2 and "[E-SMTP-NO-HOST]" in sending.stderr


def test_an_output_suffix_the_command_does_not_write_is_refused_pointing_to_brief(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rank", SAMPLE, "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert ".xlsx" in result.stderr and "realisasi brief" in result.stderr
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("threshold = nan", "dari 0 sampai 100"),
        ("threshold = inf", "dari 0 sampai 100"),
        ("stale_days = -1", "dari 0 sampai 3.660"),
        ("stale_days = 9999999999999", "dari 0 sampai 3.660"),
        ("bottom = 0", "dari 1 sampai 100.000"),
        ("bottom = 2.7", "bukan bilangan bulat"),
        ("treshold = 50", "'treshold' tidak dikenal; yang dikenal misalnya threshold"),
        ('[smtp]\nhots = "mail.pemda.go.id"', "[smtp] 'hots' tidak dikenal; yang dikenal misalnya host"),
        ("government = 123", "harus berupa teks"),
        ('lang = "fr"', "pilih id, en"),
        ("[[layout]]\nheader_row = -5", "dari 1 sampai 100.000"),
        ('[[layout]]\ncolumns = "Realisasi"', "tabel nama kolom"),
        ("[[layout]]\nheader = 6", "'header' tidak dikenal; yang dikenal misalnya header_row"),
    ],
)
def test_a_config_value_the_command_line_would_refuse_is_refused_too(
    tmp_path: Path, line: str, says: str
) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text(line + "\n", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(config), "rank", SAMPLE])
    assert result.exit_code == 2
    assert says in result.stderr and line.split(" = ")[0].split("\n")[-1] in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_a_config_not_saved_as_utf8_says_how_to_save_it(tmp_path: Path, encoding: str) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_bytes(
        'government = "Pemerintah Kabupaten Tanah Datar · Sumbar"\n'.encode(encoding, "replace")
    )
    result = runner.invoke(app, ["--config", str(config), "rank", SAMPLE])
    assert result.exit_code == 2
    assert "tidak tersimpan sebagai UTF-8" in result.stderr and "Pengodean: UTF-8" in result.stderr
