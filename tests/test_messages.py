"""The message catalogue: every code in both languages, used by the code, and shown in the run's language."""

from __future__ import annotations

import ast
import json
import os
import string
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from conftest import SAMPLES
from realisasi_cli import messages
from realisasi_cli.cli.application import app
from realisasi_cli.messages import CATALOGUE, LANGUAGES, Message, text

SRC = Path(__file__).resolve().parents[1] / "src" / "realisasi_cli"
runner = CliRunner()
# calls whose first argument, when a string, is a code of the catalogue
_TAKES_A_CODE = {"Message", "Warning_", "Damaged", "_Permanent", "_Invalid", "text", "say"}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_has_both_languages_with_the_same_values(code: str) -> None:
    texts = CATALOGUE[code]
    assert len(texts) == len(LANGUAGES) == 2
    indonesian, english = texts
    assert indonesian.strip() and english.strip()
    assert _fields(indonesian) == _fields(english), code
    assert code.split("-", 1)[0] in {"E", "W", "H", "D", "K", "R", "N", "T", "F"}


def _calls() -> list[tuple[Path, ast.Call, str]]:
    """Every call in the source outside the catalogue itself, with the name it calls."""
    found = []
    for path in SRC.rglob("*.py"):
        if path.name == "messages.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                found.append((path, node, name))
    return found


def _constants() -> set[str]:
    """Every string constant of the source outside the catalogue (codes in dicts, defaults …)."""
    return {
        node.value
        for path in SRC.rglob("*.py")
        if path.name != "messages.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_the_source_names_only_codes_of_the_catalogue_and_uses_every_one() -> None:
    literal = {c for c in _constants() if c[:2] in {f"{p}-" for p in "EWHDKRNTF"} and c[2:3].isalnum()}
    # codes built from a value: Message(f"K-{kind}")
    built = {
        str(arg.values[0].value)
        for _path, node, name in _calls()
        if name in _TAKES_A_CODE
        for arg in node.args[:1]
        if isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant)
    }
    assert built == {"K-", "T-"}, built
    unknown = {c for c in literal if c not in CATALOGUE and c.split("-", 1)[1].isupper()}
    assert not unknown, f"codes the catalogue lacks: {sorted(unknown)}"
    unused = {c for c in CATALOGUE if c not in literal and not c.startswith(tuple(built))}
    assert not unused, f"codes nothing uses: {sorted(unused)}"


def test_no_error_or_warning_is_written_as_free_text() -> None:
    """An error or a warning is a code and its values: an f-string or sentence in its place is
    a message only English readers would get."""
    offenders = []
    for path, node, name in _calls():
        is_error = name.endswith("Error") and name not in {"ValueError", "TypeError"}
        position = 3 if name == "Warning_" else 0
        if not (is_error or name == "Warning_") or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.JoinedStr) or (
            isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value not in CATALOGUE
        ):
            offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders


def test_numbers_and_dates_follow_the_language() -> None:
    values = {"what": "5.1.02 (Anggaran)", "shown": 12_710_793_000.0, "summed": 12_700_000_000.5}
    assert text("W-SUBTOTAL", "id", **values) == (
        "subtotal 5.1.02 (Anggaran) tertulis 12.710.793.000,00 tetapi rinciannya berjumlah "
        "12.700.000.000,50; rinciannya yang dipakai"
    )
    assert text("W-SUBTOTAL", "en", **values) == (
        "subtotal 5.1.02 (Anggaran) is 12,710,793,000.00 but its rows add up to 12,700,000,000.50; "
        "the rows were used"
    )
    covers = {"name": "Bappeda", "start": date(2022, 7, 1), "end": date(2022, 7, 31)}
    assert text("W-NOT-YEAR-TO-DATE", "id", **covers).startswith(
        "Bappeda: realisasinya mencakup 1 Juli 2022 s.d. 31 Juli 2022"
    )
    assert text("E-TOO-MANY-CELLS", "id", path=Path("a.csv"), n=20_000_000) == (
        "a.csv: lebih dari 20.000.000 sel; ditolak karena tidak wajar."
    )
    assert text("E-TOO-MANY-CELLS", "en", path=Path("a.csv"), n=20_000_000) == (
        "a.csv: more than 20,000,000 cells; refused as absurd."
    )


def test_nested_messages_lists_and_short_paths() -> None:
    reason = Message("D-MEMBER-CUT", {"member": "xl/worksheets/sheet1.xml"})
    damaged = Message("E-DAMAGED", {"path": Path("/data/opd/lra.xlsx"), "reason": reason})
    assert (
        damaged.text("id") == "/data/opd/lra.xlsx: buku kerja ini rusak (xl/worksheets/sheet1.xml terpotong)."
    )
    assert (
        damaged.text("en", short=True)
        == "lra.xlsx: the workbook is damaged (xl/worksheets/sheet1.xml is cut short)."
    )
    names = Message("N-NAMES-MORE", {"names": ["A", "B"], "n": 3})
    assert names.text("id") == "A, B dan 3 lainnya"


def test_the_language_of_a_run_is_the_option_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from realisasi_cli.present.words import language

    assert language(None, None) == "id"
    assert language(None, "en") == "en"
    monkeypatch.setenv("REALISASI_LANG", "en")
    assert language(None, "id") == "en"
    assert language("id", "en") == "id"
    messages.use("en")
    assert text("N-ERROR") == "error"


def test_an_error_is_indonesian_by_default_and_english_with_lang_en(tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    default = runner.invoke(app, ["rank", str(path)])
    assert default.exit_code == 1
    assert default.stderr.startswith(f"kesalahan: {path}: berkas ini kosong. [E-EMPTY-FILE]")
    assert "Ekspor ulang dari sistem sumbernya." in default.stderr
    for args in (["--lang", "en", "rank", str(path)], ["rank", str(path), "--lang", "en"]):
        english = runner.invoke(app, args)
        assert english.exit_code == 1
        assert english.stderr.startswith(f"error: {path}: the file is empty. [E-EMPTY-FILE]")


def test_the_config_language_and_the_environment_choose_too(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    config = tmp_path / "realisasi.toml"
    config.write_text('lang = "en"\n', encoding="utf-8")
    by_config = runner.invoke(app, ["--config", str(config), "rank", str(path)])
    assert by_config.stderr.startswith("error: ") and "the file is empty" in by_config.stderr
    by_env = runner.invoke(app, ["rank", str(path)], env={"REALISASI_LANG": "en"})
    assert by_env.stderr.startswith("error: ") and "the file is empty" in by_env.stderr


def test_json_warnings_carry_their_code_and_the_run_s_language(tmp_path: Path) -> None:
    # a subtotal row of 1.200 over lines of 700 and 300: the warning the tool gives for it
    rows = [
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["5.1.02", "Belanja Barang dan Jasa", 1200, 600],
        ["5.1.02.01", "Belanja Barang", 700, 400],
        ["5.1.02.02", "Belanja Jasa", 300, 200],
    ]
    path = openpyxl_book(tmp_path / "lra_dinas_a.xlsx", {"LRA": [["DINAS A"], [], *rows]})
    indonesian = json.loads(runner.invoke(app, ["rank", str(path), "-f", "json", "-q"]).stdout)
    english = json.loads(runner.invoke(app, ["rank", str(path), "-f", "json", "-q", "--lang", "en"]).stdout)
    (subtotal,) = [w for w in indonesian["warnings"] if w["code"] == "W-SUBTOTAL"]
    (same,) = [w for w in english["warnings"] if w["code"] == "W-SUBTOTAL"]
    assert subtotal["message"] == (
        "subtotal 5.1.02 (Anggaran) tertulis 1.200,00 tetapi rinciannya berjumlah 1.000,00; "
        "rinciannya yang dipakai"
    )
    assert (
        same["message"]
        == "subtotal 5.1.02 (Anggaran) is 1,200.00 but its rows add up to 1,000.00; the rows were used"
    )
    assert (subtotal["row"], same["row"]) == (4, 4)
    assert indonesian["total"]["budget"] == 1000  # the lines were used, not the subtotal


def test_a_word_document_named_xlsx_is_called_a_word_document(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "laporan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    result = runner.invoke(app, ["rank", str(path)])
    assert result.exit_code == 1
    assert "ini dokumen Word, bukan lembar kerja" in result.stderr and "[E-FILE-TYPE]" in result.stderr


def test_a_zip_of_exports_names_them_and_says_to_extract(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "kiriman.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SAMPLES / "rekap_pd_10nov2023.xlsx", "rekap/rekap_pd_10nov2023.xlsx")
    result = runner.invoke(app, ["--lang", "en", "rank", str(path)])
    assert result.exit_code == 1
    assert "a zip archive of 1 file(s) (rekap_pd_10nov2023.xlsx)" in result.stderr
    assert "extract them first" in result.stderr


@pytest.mark.parametrize(("suffix", "command"), [("html", "realisasi brief"), ("eml", "realisasi summary")])
def test_an_output_suffix_of_another_command_names_that_command(
    tmp_path: Path, suffix: str, command: str
) -> None:
    out = tmp_path / f"hasil.{suffix}"
    result = runner.invoke(app, ["rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "-o", str(out)])
    assert result.exit_code == 2 and command in result.stderr and "[E-OUTPUT-SUFFIX-OTHER]" in result.stderr
    assert not out.exists()


def _run(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REALISASI_LANG"}
    if lang:
        env["REALISASI_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "realisasi_cli", *args], capture_output=True, text=True, env=env, check=False
    )


def test_help_is_indonesian_by_default_and_english_on_request() -> None:
    indonesian = _run("rank", "--help")
    assert indonesian.returncode == 0
    assert "Ambang penyerapan" in indonesian.stdout and "Absorption threshold" not in indonesian.stdout
    english = _run("rank", "--help", lang="en")
    assert "Absorption threshold" in english.stdout
    assert "Absorption threshold" in _run("--lang", "en", "rank", "--help").stdout
    overview = _run("--help")
    assert "Peringkat" in overview.stdout or "peringkat" in overview.stdout


@pytest.mark.parametrize("command", ["rank", "quarters", "brief", "summary", "facts", "inspect"])
def test_what_an_option_takes_is_named_in_the_language_of_the_help(command: str) -> None:
    indonesian = _run(command, "--help").stdout  # Indonesian by default
    english = _run(command, "--help", lang="en").stdout
    for placeholder in ("<str>", "<int range>", "<file>", "<directory>", "<text>", "<path>"):
        assert placeholder not in indonesian and placeholder not in english
    assert "BERKAS" in indonesian and "FILE" not in indonesian.replace("PROFILE", "")
    assert "FILE" in english


def test_a_usage_error_of_the_command_line_is_indonesian() -> None:
    wrong = _run("rank", "--no-such-option", str(SAMPLES / "rekap_pd_10nov2023.xlsx"))
    assert wrong.returncode == 2
    assert "--no-such-option" in wrong.stderr and "Opsi tidak dikenal" in wrong.stderr
    assert "No such option" in _run("rank", "--no-such-option", "x", lang="en").stderr


def test_every_help_text_has_its_indonesian_text() -> None:
    import typer.main

    from realisasi_cli.cli import app as full_app
    from realisasi_cli.cli.localize import HELP

    missing = []

    def walk(command: object) -> None:
        texts = [getattr(command, "help", None)] + [getattr(p, "help", None) for p in command.params]  # type: ignore[attr-defined]
        missing.extend(t for t in texts if t and t not in HELP)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(full_app))
    assert not missing
    shown = {getattr(p, "help", None) for p in _all_params(typer.main.get_command(full_app))}
    unused = [t for t in HELP if t not in shown and t != "Show this message and exit."]
    assert not unused, unused


def _all_params(command: object) -> list[object]:
    found: list[object] = [command, *command.params]  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        found += _all_params(sub)
    return found


def test_inspect_shows_what_it_understood_of_a_file_it_refuses(tmp_path: Path) -> None:
    rows = [
        ["Kode", "Nama SKPD", "Pagu"],
        ["1.01.01", "Dinas Pendidikan", 1_000],
        ["1.02.01", "Dinas Kesehatan", 2_000],
    ]
    path = openpyxl_book(tmp_path / "dpa.xlsx", {"DPA": rows})
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 1
    # what it found: the sheet, its header row and each column's role
    assert "dpa.xlsx [DPA]" in result.stdout and "Baris kepala 1, " in result.stdout
    assert "Pagu" in result.stdout and "pagu" in result.stdout and "Peran" in result.stdout
    # then why it cannot rank it
    assert "tidak ditemukan kolom realisasi" in result.stderr and "[E-MISSING-COLUMN]" in result.stderr
    usable = openpyxl_book(
        tmp_path / "lra.xlsx", {"LRA": [["Nama SKPD", "Pagu", "Realisasi"], ["Dinas A", 100, 40]]}
    )
    assert runner.invoke(app, ["inspect", str(usable)]).exit_code == 0


def test_the_list_of_messages_in_docs_is_up_to_date() -> None:
    script = Path(__file__).resolve().parents[1] / "scripts" / "message_catalogue.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_parser_speaks_the_language_asked_for_after_the_command_too() -> None:
    sample = str(SAMPLES / "rekap_pd_10nov2023.xlsx")
    english = _run("rank", sample, "--threshold", "150", "--lang", "en")
    assert english.returncode == 2
    assert "a percentage from 0 to 100" in english.stderr and "[E-BAD-PARAMETER]" in english.stderr
    both = _run("rank", sample, "--top", "3", "--bottom", "3", "--lang", "en")
    assert "--bottom and --top both choose" in both.stderr and "[E-SELECTION]" in both.stderr
    unknown = _run("laporan")
    assert unknown.returncode == 2 and "Perintah tidak dikenal: 'laporan'" in unknown.stderr
    assert "[E-NO-SUCH-COMMAND]" in unknown.stderr
    no_value = _run("rank", sample, "-o")
    assert "Opsi -o memerlukan nilai. [E-OPTION-NEEDS-VALUE]" in no_value.stderr


def test_a_category_is_named_for_people_in_titles() -> None:
    result = runner.invoke(app, ["rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "-c", "modal", "-n", "2"])
    assert result.exit_code == 0, result.stderr
    assert "· Belanja Modal" in result.stdout and "· modal" not in result.stdout


def test_outputs_of_the_wrong_kind_are_refused_before_anything_is_read(tmp_path: Path) -> None:
    sample = str(SAMPLES / "rekap_pd_10nov2023.xlsx")
    mismatch = runner.invoke(app, ["rank", sample, "-o", str(tmp_path / "x.json"), "-f", "csv"])
    assert mismatch.exit_code == 2 and "[E-FORMAT-SUFFIX]" in mismatch.stderr
    folder = runner.invoke(app, ["facts", sample, "-o", str(tmp_path / "fakta.xlsx")])
    assert folder.exit_code == 2 and "[E-OUTPUT-NOT-FOLDER]" in folder.stderr
    assert not (tmp_path / "fakta.xlsx").exists() and not (tmp_path / "x.json").exists()
    inspect = runner.invoke(app, ["inspect", sample, "-o", str(tmp_path / "cara.txt")])
    assert inspect.exit_code == 2 and "(.json, .xlsx)" in inspect.stderr


def test_a_form_without_data_rows_and_a_folder_of_cash_plans_say_so(tmp_path: Path) -> None:
    form = tmp_path / "formulir.csv"
    form.write_text("Nama OPD;Pagu;Realisasi\n", encoding="utf-8")
    empty = runner.invoke(app, ["rank", str(form)])
    assert (
        empty.exit_code == 1 and "[E-NO-DATA-ROWS]" in empty.stderr and "tidak ada baris data" in empty.stderr
    )
    plans = tmp_path / "rak"
    plans.mkdir()
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni"]
    for unit in ("Dinas A", "Dinas B"):
        rows = [["RENCANA ANGGARAN KAS"], ["Perangkat Daerah", *months], [unit, *[100] * 6]]
        openpyxl_book(plans / f"rak_{unit[-1].lower()}_2024.xlsx", {"RAK": rows})
    only = runner.invoke(app, ["rank", str(plans)])
    assert only.exit_code == 1 and "[E-ONLY-PLANS]" in only.stderr and "--plan" in only.stderr


def test_data_dated_after_today_is_a_warning(tmp_path: Path) -> None:
    rows = [
        ["REALISASI BELANJA s.d. 31 Desember 2099"],
        [],
        ["Nama OPD", "Pagu", "Realisasi"],
        ["Dinas A", 100, 40],
    ]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    result = runner.invoke(app, ["rank", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2099-12-31"
    (future,) = [w for w in doc["warnings"] if w["code"] == "W-FUTURE-DATE"]
    assert "31 Desember 2099" in future["message"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_category_option_names_every_category_it_takes(lang: str) -> None:
    from realisasi_cli.vocabulary import CATEGORIES

    shown = " ".join(_run("rank", "--help", lang=lang).stdout.split())
    assert [c for c in CATEGORIES if c not in shown] == []


def test_the_overview_names_what_its_options_take() -> None:
    indonesian, english = _run("--help").stdout, _run("--help", lang="en").stdout
    for placeholder in ("<file>", "<str>", "<path>"):
        assert placeholder not in indonesian and placeholder not in english
    assert "BERKAS" in indonesian and "FILE" in english and "id|en" in english
