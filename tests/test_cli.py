"""The command line: exit codes, stdout and stderr kept apart, every output format."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import openpyxl_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app

runner = CliRunner()
SAMPLE_FILES = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".xlsx", ".xls", ".csv"})


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_ranks_every_unit_right(name: str, expected: dict[str, Any]) -> None:
    result = invoke("rank", str(SAMPLES / name), "--all", "--format", "json", "-q")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    truth = expected[name]
    assert doc["as_of"] == truth["as_of"]
    assert doc["total"]["absorption_pct"] == pytest.approx(truth["total"]["absorption_pct"], abs=0.01)
    want = sorted(truth["units"], key=lambda u: (u["absorption_pct"], u["name"]))
    assert [u["name"] for u in doc["units"]] == [u["name"] for u in want]
    for got, right in zip(doc["units"], want, strict=True):
        assert got["absorption_pct"] == pytest.approx(right["absorption_pct"], abs=0.01)
        assert got["budget"] == pytest.approx(right["budget"], abs=0.5)


def test_json_follows_the_contract() -> None:
    result = invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--format", "json")
    doc = json.loads(result.stdout)
    assert set(doc) >= {"as_of", "category", "total", "threshold_pct", "units", "unranked", "warnings"}
    assert len(doc["units"]) == 10
    assert set(doc["units"][0]) >= {
        "rank",
        "code",
        "name",
        "budget",
        "realized",
        "absorption_pct",
        "below_threshold",
    }
    pcts = [u["absorption_pct"] for u in doc["units"]]
    assert pcts == sorted(pcts)
    assert doc["threshold_pct"] == 57


def test_story_ten_units_under_57_on_10_november(expected: dict[str, Any]) -> None:
    result = invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--all", "-f", "json", "-q")
    below = [u["name"] for u in json.loads(result.stdout)["units"] if u["below_threshold"]]
    assert sorted(below) == sorted(expected["story"]["units_under_threshold_10nov"])


def test_top_lists_highest_first() -> None:
    result = invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--top", "3", "-f", "json", "-q")
    pcts = [u["absorption_pct"] for u in json.loads(result.stdout)["units"]]
    assert len(pcts) == 3 and pcts == sorted(pcts, reverse=True)
    assert json.loads(result.stdout)["units"][0]["rank"] == 1


def test_table_shows_total_and_count_under_threshold(expected: dict[str, Any]) -> None:
    result = invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"))
    assert result.exit_code == 0
    assert "Total" in result.stdout and "10 perangkat daerah di bawah 57%" in result.stdout
    total = expected["rekap_pd_10nov2023.xlsx"]["total"]["budget"]
    assert f"Rp{total:,.0f}".replace(",", ".") in result.stdout


def test_english_labels() -> None:
    result = invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--lang", "en")
    assert "10 units below 57%" in result.stdout


def test_markdown_output_is_a_table(tmp_path: Path) -> None:
    out = tmp_path / "rank.md"
    result = invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "-o", str(out), "-q")
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("\n| ") >= 11 and "|---:|" in text


def test_csv_and_xlsx_make_formula_text_inert(tmp_path: Path) -> None:
    source = tmp_path / "evil.csv"
    source.write_text(
        'Nama OPD;Pagu;Realisasi\n"=HYPERLINK(""http://x"",""klik"")";100;50\n', encoding="utf-8"
    )
    out_csv = tmp_path / "out.csv"
    assert invoke("rank", str(source), "-o", str(out_csv), "-q").exit_code == 0
    table = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert table[1][2] == '\'=HYPERLINK("http://x","klik")' and table[1][5] == "50"
    out_xlsx = tmp_path / "out.xlsx"
    assert invoke("rank", str(source), "-o", str(out_xlsx), "-q").exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out_xlsx).active
    (cell,) = [c for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    assert cell.value.startswith("'=") and cell.data_type == "s"


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("rank", str(tmp_path / "nope.xlsx"))
    assert result.exit_code == 2


def test_output_equal_to_input_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("Nama OPD;Pagu;Realisasi\nDinas A;100;50\n", encoding="utf-8")
    before = source.read_bytes()
    result = invoke("rank", str(source), "-o", str(source), "-f", "csv")
    assert result.exit_code == 2 and "menimpa berkas masukan" in result.stderr
    assert "[E-OUTPUT-IS-INPUT]" in result.stderr
    assert source.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("empty.xlsx", b"", "E-EMPTY-FILE", "berkas ini kosong"),
        ("notes.xlsx", b"PK\x03\x04 this is not really a zip", "E-DAMAGED", "buku kerja ini rusak"),
        (
            "photo.ods",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "E-FILE-TYPE",
            "ini gambar PNG, bukan lembar kerja",
        ),
        ("readme.docx", b"hello", "E-NOT-SPREADSHEET", "bukan lembar kerja"),
        # a note saved under a workbook's name: the name is wrong, not the table
        (
            "laporan.xlsx",
            b"ini bukan excel\n",
            "E-FILE-TYPE",
            "ini teks biasa tanpa tabel, bukan lembar kerja",
        ),
        ("laporan.xls", b"catatan rapat: belum ada data\n", "E-FILE-TYPE", "namanya berakhiran .xls"),
    ],
)
def test_broken_inputs_exit_1_naming_the_file(
    tmp_path: Path, name: str, content: bytes, code: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = invoke("rank", str(path))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("kesalahan: ")
    assert name in result.stderr and message in result.stderr and f"[{code}]" in result.stderr
    assert "Traceback" not in result.output
    assert path.read_bytes() == content


def test_a_csv_named_as_a_workbook_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "lra.xls"  # what some upload systems send
    path.write_text("Nama OPD;Pagu;Realisasi\nDinas A;100;50\n", encoding="utf-8")
    result = invoke("rank", str(path), "-f", "json", "-q")
    assert result.exit_code == 0, result.stderr
    assert '"absorption_pct": 50.0' in result.stdout


def test_a_sheet_without_a_table_exits_1(tmp_path: Path) -> None:
    path = openpyxl_book(tmp_path / "memo.xlsx", {"S": [["Catatan rapat"], ["tidak ada tabel"]]})
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "tidak ditemukan tabel realisasi" in result.stderr
    assert "[E-NO-TABLE-FOUND]" in result.stderr


def test_formulas_without_saved_results_are_named(tmp_path: Path) -> None:
    rows = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 100, "=B2*0.5"], ["Dinas B", 100, "=B3*0.2"]]
    path = openpyxl_book(tmp_path / "formula.xlsx", {"S": rows})
    result = invoke("rank", str(path))
    assert result.exit_code == 1
    assert "formula.xlsx" in result.stderr and "simpan lagi" in result.stderr
    assert "[E-FORMULAS-NO-VALUES]" in result.stderr


def test_one_broken_file_among_several_is_skipped_with_a_warning(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("Nama OPD;Pagu;Realisasi\nDinas A;100;50\n", encoding="utf-8")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    result = invoke("rank", str(tmp_path), "-f", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [u["name"] for u in doc["units"]] == ["Dinas A"]
    assert any("bad.xlsx" in w["file"] and w["code"] == "W-SKIPPED" for w in doc["warnings"])
    strict = invoke("rank", str(tmp_path), "--strict")
    assert strict.exit_code == 1


def test_zero_budget_units_are_unranked(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Nama OPD;Pagu;Realisasi\nDinas A;100;50\nDinas B;0;0\n", encoding="utf-8")
    doc = json.loads(invoke("rank", str(path), "-f", "json").stdout)
    assert doc["unranked"] == [{"code": None, "name": "Dinas B", "reason": "no_budget"}]


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (200 * 1024 * 1024))
    result = invoke("rank", str(path))
    assert result.exit_code == 1 and "refused" in result.stderr


def test_inspect_explains_the_columns() -> None:
    result = invoke("inspect", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--format", "json")
    doc = json.loads(result.stdout)
    sheet = doc["sheets"][0]
    roles = {c["header"]: c["role"] for c in sheet["columns"]}
    assert roles["BELANJA MODAL / Anggaran (Rp)"] == "budget"
    assert sheet["as_of"] == "2023-11-10"
    assert sheet["rows_skipped"]["total"] == 1
    table = invoke("inspect", str(SAMPLES / "rekap_pd_10nov2023.xlsx"))
    assert table.exit_code == 0 and "Baris kepala" in table.stdout


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.startswith("realisasi ")


def test_markup_in_a_unit_name_is_shown_as_text(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Nama OPD;Pagu;Realisasi\n[bold]Dinas [A];100;50\n", encoding="utf-8")
    result = invoke("rank", str(path))
    assert result.exit_code == 0 and "[bold]Dinas [A]" in result.stdout


def test_facts_are_written_as_parquet_for_other_tools(tmp_path: Path, expected: dict[str, Any]) -> None:
    import polars as pl

    out = tmp_path / "facts"
    result = invoke("facts", str(SAMPLES / "realisasi_rinci_tw_2023.xlsx"), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    budget = pl.read_parquet(out / "budget")
    realization = pl.read_parquet(out / "realization")
    truth = expected["realisasi_rinci_tw_2023.xlsx"]["total"]
    assert budget["budget"].sum() == truth["budget"]
    assert realization["realized"].sum() == truth["realized"]
    # three quarters per line item, each with its own period
    assert realization["period_end"].unique().sort().to_list() == [
        date(2023, 3, 31),
        date(2023, 6, 30),
        date(2023, 9, 30),
    ]


def test_rank_as_parquet(tmp_path: Path) -> None:
    import polars as pl

    out = tmp_path / "rank.parquet"
    assert (
        invoke("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "--all", "-o", str(out), "-q").exit_code == 0
    )
    frame = pl.read_parquet(out)
    assert frame.height == 32 and frame["absorption_pct"].is_sorted()


def test_realization_above_budget_is_reported_at_its_row(expected: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    name = "realisasi_rinci_tw_2023.xlsx"
    (truth,) = [w for w in expected[name]["warnings"] if w["kind"] == "realized_exceeds_budget"]
    doc = json.loads(invoke("rank", str(SAMPLES / name), "-f", "json", "-q").stdout)
    (warning,) = [w for w in doc["warnings"] if w["code"] == "W-ABOVE-BUDGET"]
    sheet = load_workbook(SAMPLES / name, read_only=True)[warning["sheet"]]
    row = next(sheet.iter_rows(min_row=warning["row"], max_row=warning["row"], values_only=True))
    assert truth["account"] in row and truth["unit_code"] in row


def test_markup_in_a_unit_name_stays_text_in_markdown(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("Nama OPD;Pagu;Realisasi\n<script>alert(1)</script> & co;100;50\n", encoding="utf-8")
    result = invoke("rank", str(path), "-f", "md")
    assert result.exit_code == 0
    assert "&lt;script>alert(1)&lt;/script> & co" in result.stdout
    assert "<script>" not in result.stdout


def test_facts_into_an_existing_folder(tmp_path: Path) -> None:
    out = tmp_path / "facts"
    out.mkdir()
    for _ in range(2):  # the weekly run writes into the same folder again
        result = invoke("facts", str(SAMPLES / "rekap_pd_10nov2023.xlsx"), "-o", str(out), "-q")
        assert result.exit_code == 0, result.stderr
    assert (out / "budget" / "year=2023" / "as_of=2023-11-10" / "part-0.parquet").exists()


def test_an_output_written_into_the_input_folder_is_left_out_next_time(tmp_path: Path) -> None:
    # The weekly job ranks a folder of exports and writes its ranking beside them; next week
    # that workbook must not be read as one more export (nor block writing it again).
    import shutil

    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(SAMPLES / "rekap_pd_10nov2023.xlsx", folder)
    first = invoke("rank", str(folder), "--all", "-f", "json", "-q")
    output = folder / "peringkat.xlsx"
    assert invoke("rank", str(folder), "--all", "-o", str(output), "-q").exit_code == 0
    again = invoke("rank", str(folder), "--all", "-f", "json")
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["units"] == json.loads(first.stdout)["units"]
    assert "peringkat.xlsx" in again.stderr and "ditulis oleh realisasi" in again.stderr
    assert invoke("rank", str(folder), "--all", "-o", str(output), "-q").exit_code == 0


@pytest.mark.parametrize(
    ("args", "kept"),
    [
        (["rank", "x.xlsx"], ["rank"]),
        (["--debug", "--config", "rank", "quarters", "x.xlsx"], ["quarters"]),  # "rank" is a path here
        (["--config=realisasi.toml", "brief", "x.xlsx"], ["brief"]),
        (["rnak", "x.xlsx"], ["rank", "quarters", "facts", "inspect", "brief", "summary"]),
        (["--help"], ["rank", "quarters", "facts", "inspect", "brief", "summary"]),
        (["--help", "rank"], ["rank", "quarters", "facts", "inspect", "brief", "summary"]),
        (["rank", "--help"], ["rank"]),
    ],
)
def test_a_run_builds_only_the_command_it_names(args: list[str], kept: list[str]) -> None:
    # In a child process: the choice changes the app for the rest of the process.
    code = (
        "import sys; from realisasi_cli.cli import application as cli; "
        "cli.keep_invoked_command(sys.argv[1:]); "
        "print(' '.join(cli.command_name(c) for c in cli.app.registered_commands))"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    assert done.stdout.split() == kept


def test_a_misspelt_command_is_answered_with_the_right_one() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "realisasi_cli", "rnak", "x.xlsx"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Did you mean 'rank'?" in done.stderr


def test_work_handed_to_the_parse_runs_in_another_thread_once(tmp_path: Path) -> None:
    import threading

    from realisasi_cli.cli.startup import Beside
    from realisasi_cli.reading import read_grids

    threads: list[str] = []
    done = threading.Event()

    def task() -> None:
        threads.append(threading.current_thread().name)
        done.set()

    def failing() -> None:
        raise RuntimeError("a failed warm-up does not fail the read")

    csv_path = tmp_path / "r.csv"
    csv_path.write_text("Nama OPD;Pagu;Realisasi\nDinas A;100;50\n", encoding="utf-8")
    beside = Beside(failing, task)
    read_grids(csv_path, beside)  # no workbook parse: the tasks wait
    assert threads == []
    grids = read_grids(SAMPLES / "rekap_pd_10nov2023.xlsx", beside)
    read_grids(SAMPLES / "rekap_pd_10nov2023.xlsx", beside)  # taken by the first read only
    assert done.wait(10)
    assert grids and grids[0].frame.height > 10
    assert len(threads) == 1 and threads[0] != threading.main_thread().name


def test_every_command_goes_through_the_error_handler() -> None:
    """Each registered command's callback is wrapped by the one handler of failures."""
    from realisasi_cli.cli import app

    names = sorted(c.callback.__name__ for c in app.registered_commands if c.callback)
    assert names == ["brief", "facts", "inspect", "quarters", "rank", "summary"]
    assert all(getattr(c.callback, "handled", False) for c in app.registered_commands)


def test_inspect_names_skipped_rows_in_one_order(tmp_path: Path) -> None:
    path = tmp_path / "lra.csv"
    rows = [
        "Kode Rekening;Uraian;Anggaran;Realisasi",
        ";BELANJA;300;120",  # a heading without a code
        "4.1;Pendapatan Asli Daerah;500;400",
        "5.1;Belanja Operasi;300;120",  # the sum of the two below it
        "5.1.02.01;Belanja Barang;100;40",
        "5.1.02.02;Belanja Jasa;200;80",
        "5.1.02.03;Belanja Lain;;",
        ";Jumlah Belanja;300;120",
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    runs = [json.loads(invoke("inspect", str(path), "--format", "json").stdout) for _ in range(3)]
    skipped = [list(doc["sheets"][0]["rows_skipped"].items()) for doc in runs]
    assert skipped[0] == [
        ("heading (no account code)", 1),
        ("no amounts", 1),
        ("not spending (pendapatan/pembiayaan)", 1),
        ("subtotal", 1),
        ("total", 1),
    ]
    assert skipped[1] == skipped[0] and skipped[2] == skipped[0]


def run_redirected(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    """The command with its output redirected, as ``realisasi rank … > hasil.txt`` on Windows."""
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    return subprocess.run(
        [sys.executable, "-m", "realisasi_cli", *args], capture_output=True, env={**base, **env}, timeout=120
    )


@pytest.mark.parametrize("encoding", ["cp1252", "cp437"])
@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx")), "DINAS PEKERJAAN UMUM"),
        (("summary", str(SAMPLES), "--dry-run"), "Subject:"),
    ],
)
def test_output_in_a_windows_code_page_does_not_fail_on_signs_it_lacks(
    encoding: str, args: tuple[str, ...], shown: str
) -> None:
    result = run_redirected({"PYTHONIOENCODING": encoding, "REALISASI_CACHE": "off"}, *args)
    assert result.returncode == 0, result.stderr.decode(encoding)
    assert shown in result.stdout.decode(encoding)  # what the code page holds, the rest replaced


def test_output_redirected_from_an_ascii_locale_is_written_in_utf8() -> None:
    env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "REALISASI_CACHE": "off"}
    result = run_redirected(env, "rank", str(SAMPLES / "rekap_pd_10nov2023.xlsx"))
    assert result.returncode == 0, result.stderr
    assert "⚠" in result.stdout.decode("utf-8")  # the sign of a unit below the threshold, as such


def test_previous_given_as_the_input_itself_is_refused(tmp_path: Path) -> None:
    path = SAMPLES / "rekap_pd_10nov2023.xlsx"
    result = runner.invoke(
        app, ["rank", str(path), "--previous", str(SAMPLES / ".." / "sample_data" / path.name)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "E-PREVIOUS-IS-INPUT" in result.stderr and "dibandingkan dengan dirinya sendiri" in result.stderr


@pytest.mark.parametrize("where", ["--config", "working folder"])
def test_a_config_nested_hundreds_deep_or_too_large_is_a_usage_error_not_a_traceback(
    tmp_path: Path, where: str
) -> None:
    sample = str(SAMPLES / "rekap_pd_10nov2023.xlsx")
    for text, said in (("a = " + "[" * 500 + "]" * 500 + "\n", "nested too deep"), ("#" * (2 << 20), "1 MB")):
        config = tmp_path / "realisasi.toml"
        config.write_text(text, encoding="utf-8")
        given = ["--config", str(config)] if where == "--config" else []
        done = subprocess.run(
            [sys.executable, "-m", "realisasi_cli", "--lang", "en", *given, "rank", sample],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and said in done.stderr and "realisasi.toml" in done.stderr


@pytest.mark.parametrize("option", ["--bottom", "-n", "--top"])
def test_a_count_of_units_past_any_government_is_a_usage_error(option: str) -> None:
    sample = str(SAMPLES / "rekap_pd_10nov2023.xlsx")
    count = "99999999999999999999"
    done = subprocess.run(
        [sys.executable, "-m", "realisasi_cli", "--lang", "en", "rank", sample, option, count],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "not in the range" in done.stderr and "unexpected" not in done.stderr


@pytest.mark.parametrize(("line", "key"), [('threshold = "abc"', "threshold"), ("bottom = true", "bottom")])
def test_a_config_number_that_is_none_is_named_by_its_key(tmp_path: Path, line: str, key: str) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text(line + "\n", encoding="utf-8")
    sample = str(SAMPLES / "rekap_pd_10nov2023.xlsx")
    result = CliRunner().invoke(app, ["--lang", "en", "--config", str(config), "rank", sample])
    assert result.exit_code == 2, result.output
    said = " ".join(result.stderr.split())
    assert f"{key} = " in said and "is not a number" in said and "could not convert" not in said


def test_a_sheet_that_cannot_be_read_beside_one_that_can_is_named_in_a_warning(tmp_path: Path) -> None:
    good = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas A", 1_000, 400], ["Dinas B", 2_000, 500]]
    formulas = [["Nama OPD", "Pagu", "Realisasi"], ["Dinas C", 100, "=B2*0.5"], ["Dinas D", 100, "=B3*0.2"]]
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": good, "Hitung": formulas})
    result = invoke("rank", str(path), "-f", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["total"]["budget"] == 3_000 and doc["total"]["realized"] == 900
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-SHEET-NOT-READ"]
    assert said["sheet"] == "Hitung" and "simpan lagi" in said["message"]
