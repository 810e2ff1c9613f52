"""Text from the data cannot act on the terminal, open a link in Markdown, or run in a spreadsheet.

Each test writes an export whose unit names (and file name) carry escape sequences, control
characters, Markdown links and images, line breaks and formula payloads, runs the command,
and reads what it wrote: the terminal's bytes, the Markdown rendered back by a CommonMark
parser, the CSV split the way Excel splits it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from realisasi_cli.cli.application import app
from realisasi_cli.present import safe_text

runner = CliRunner()

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;owned\x07"
LINK = "\x1b]8;;http://evil.example/\x1b\\klik\x1b]8;;\x1b\\"
C1_CSI = "\x9b31m"
# what a terminal acts on; none may reach it from the data
ACTING = ("\x1b", "\x07", "\x9b", "\x9d", "\r", "\x08", "\u202e")

NAMES = [
    f"DINAS {CLEAR}SATU{TITLE}",
    f"DINAS DUA {LINK}",
    f"DINAS TIGA\r\x08\x08{C1_CSI}\u202eAWAS",
    "[klik](javascript:alert(1)) ![](http://evil.example/x.png)",
    "DINAS\nLIMA | DUA BARIS",
    "\\[escaped](javascript:alert(2))",
]


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["--lang", "en", *args])


def export(folder: Path, name: str = "ekspor.csv") -> Path:
    """A semicolon CSV, one unit per name, as csv.writer quotes it; the realization a tenth of
    the budget plus 1 % per row, so each unit is a row of its own."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Perangkat Daerah", "Pagu", "Realisasi"])
        for i, unit in enumerate(NAMES):
            writer.writerow([unit, "1.000.000,00", f"{100_000 + 10_000 * i},00"])
        writer.writerow(["DINAS ENAM", "1.000.000,00", f"x{TITLE}"])  # a warning quoting the cell
    return path


def assert_inert(text: str) -> None:
    found = [c for c in ACTING if c in text]
    assert not found, (found, text[:2000])


def test_plain_strips_whole_sequences_and_keeps_the_rest() -> None:
    assert safe_text.plain(f"a{CLEAR}b{TITLE}c{LINK}d") == "abcklikd"
    assert safe_text.plain(f"x{C1_CSI}y\x9d0;t\x9cz") == "xyz"
    # a carriage return ends a line, as in an old Mac file; it does not go back over one
    assert safe_text.plain("baris\r\nbaru\rlagi\x00\x7f\u202eok") == "baris\nbaru\nlagiok"
    assert safe_text.plain("tab\tdan\nbaris") == "tab\tdan\nbaris"
    assert safe_text.plain("a\nb\u2028c", one_line=True) == "a b c"
    ordinary = "Dinas Pendidikan – Rp1.234.567 ≥ 57% é"
    assert safe_text.plain(ordinary) == ordinary
    # an unterminated OSC eats its line only
    assert safe_text.plain("a\x1b]0;title\nb") == "a\nb"


def test_markdown_text_opens_no_link_image_or_tag() -> None:
    from markdown_it import MarkdownIt

    for name in [*NAMES, "<img src=x onerror=alert(1)>", "<http://evil.example>", "[a]: http://evil.example"]:
        text = safe_text.markdown(name)
        html = MarkdownIt("commonmark").render(f"{text}\n\n[a]\n")
        assert "<a " not in html and "<img" not in html, (name, html)
        assert "\n" not in text


def test_the_terminal_table_warnings_and_file_names_carry_no_control(tmp_path: Path) -> None:
    path = export(tmp_path, f"ekspor{TITLE}{CLEAR}.csv")
    result = invoke("rank", str(path), "--all")
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    assert "DINAS SATU" in result.stdout.replace("\n", " ") or "SATU" in result.stdout
    assert "ekspor.csv" in result.stderr  # the file name, without its sequences


@pytest.mark.parametrize("command", [["inspect"], ["quarters", "--as-of", "2023-09-30"]])
def test_inspect_and_quarters_carry_no_control(tmp_path: Path, command: list[str]) -> None:
    result = invoke(command[0], str(export(tmp_path, f"e{TITLE}.csv")), *command[1:])
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    assert_inert(result.stderr)


def test_errors_name_the_file_without_its_control_characters(tmp_path: Path) -> None:
    path = tmp_path / f"kosong{TITLE}{CLEAR}.csv"
    path.write_bytes(b"")
    result = invoke("rank", str(path))
    assert result.exit_code == 1
    assert_inert(result.stderr)
    assert "kosong.csv" in result.stderr


def test_on_a_real_terminal_only_rich_own_styles_remain(tmp_path: Path) -> None:
    """With colours forced on, the output holds Rich's own ESC sequences but none of the data's."""
    path = export(tmp_path, f"ekspor{TITLE}.csv")
    env = {**os.environ, "FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "160"}
    done = subprocess.run(
        [sys.executable, "-m", "realisasi_cli", "--lang", "en", "rank", str(path), "--all"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert "\x1b[" in out  # Rich's colours are there
    for sequence in (CLEAR, "\x1b]0;", "\x1b]8;;http://evil", "\x07", "\x9b", "\u202e", "\r"):
        assert sequence not in out, repr(sequence)


def _tables(markdown: str) -> list[list[str]]:
    """The GFM tables of a Markdown text: runs of lines that start with a pipe."""
    tables: list[list[str]] = []
    previous = False
    for line in markdown.splitlines():
        row = line.startswith("|")
        if row and not previous:
            tables.append([])
        if row:
            tables[-1].append(line)
        previous = row
    return tables


def _cells(row: str) -> int:
    """How many cells a GFM table row has: pipes not escaped by a backslash, less one."""
    count, escaped = 0, False
    for char in row:
        if char == "|" and not escaped:
            count += 1
        escaped = char == "\\" and not escaped
    return count - 1


@pytest.mark.parametrize(
    "command",
    [["rank", "--all", "-f", "md"], ["quarters", "--all", "-f", "md", "--as-of", "2023-09-30"], ["brief"]],
)
def test_markdown_outputs_keep_every_row_whole_and_open_no_link(tmp_path: Path, command: list[str]) -> None:
    from markdown_it import MarkdownIt

    result = invoke(command[0], str(export(tmp_path)), *command[1:])
    assert result.exit_code == 0, result.stderr
    markdown = result.stdout
    assert_inert(markdown)
    tables = _tables(markdown)
    assert tables
    for table in tables:
        # every row as wide as the header: no line break or pipe of a name ended or split one
        assert {_cells(row) for row in table} == {_cells(table[0])}, table
    unit_rows = [row for row in tables[0] if "DINAS" in row or "klik" in row or "escaped" in row]
    assert len(unit_rows) == len(NAMES) + 1, tables[0]  # and DINAS ENAM
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    assert "<a " not in html and "<img" not in html
    assert "javascript:alert(1)" in html  # still there to read, as text


def test_the_html_brief_and_the_summary_carry_no_control(tmp_path: Path) -> None:
    path = export(tmp_path)
    html = invoke("brief", str(path), "-f", "html")
    summary = invoke("summary", str(path))
    for result in (html, summary):
        assert result.exit_code == 0, result.stderr
        assert_inert(result.stdout)
    # one line per unit in the e-mail: a line break in a name does not start a line of its own
    assert "DINAS LIMA | DUA BARIS" in summary.stdout


def test_json_escapes_what_a_terminal_would_act_on_and_keeps_the_data(tmp_path: Path) -> None:
    result = invoke("rank", str(export(tmp_path)), "--all", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    names = {u["name"] for u in json.loads(result.stdout)["units"]}
    # as it is in the file, but for the carriage return, which the CSV reader reads as a line break
    assert f"DINAS TIGA\n\x08\x08{C1_CSI}\u202eAWAS" in names


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PAYLOADS = [
    "x;=cmd|' /C calc'!A0",
    'y,=HYPERLINK("http://evil.example")',
    "z\t=1+1",
    "w\n@SUM(A1)",
    "\u00a0=2+2",
    "\uff1dcmd",
    f"v{CLEAR};+1+1",
]


@pytest.mark.parametrize("dialect", ["plain", "excel-id"])
def test_no_piece_of_a_csv_cell_starts_a_formula_after_any_separator(tmp_path: Path, dialect: str) -> None:
    source = tmp_path / "opd.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Nama OPD", "Pagu", "Realisasi"])
        for i, name in enumerate(PAYLOADS):
            writer.writerow([name, str(100 * (i + 1)), str(10 * (i + 1))])
    out = tmp_path / "peringkat.csv"
    result = invoke("rank", str(source), "--all", "--csv-dialect", dialect, "-o", str(out), "-q")
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert_inert(text.replace("\r\n", "\n"))
    delimiter = ";" if dialect == "excel-id" else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))[1:]
    assert len(rows) == len(PAYLOADS)
    # every cell holding a separator, a tab or a line break is quoted
    for name in (r[2] for r in rows):
        if any(c in name for c in ",;\t\n"):
            assert '"' + name.replace('"', '""') + '"' in text, name
    # split as a reader that ignores quotes would: at either separator, a tab or a line break
    for line in io.StringIO(text.replace("\r\n", "\n")):
        for separator in (";", ",", "\t"):
            for piece in line.rstrip("\n").split(separator):
                piece = piece.strip('"').lstrip(" \u00a0\u3000")
                assert not piece.startswith(FORMULA_START) or piece.lstrip("+-").replace(",", "").isdigit(), (
                    piece,
                    line,
                )


def test_a_cell_longer_than_any_export_writes_is_refused_in_the_users_words(tmp_path: Path) -> None:
    path = tmp_path / "satu_baris.csv"
    path.write_text("Perangkat Daerah;Pagu;Realisasi\nDinas A;1000;" + "9" * 200_000 + "\n", encoding="utf-8")
    result = invoke("rank", str(path))
    assert result.exit_code == 1, result.stderr
    said = " ".join(result.stderr.split())
    assert "satu_baris.csv" in said and "more than 131,072 characters" in said and "field limit" not in said


def test_the_whatsapp_summary_carries_no_control(tmp_path: Path) -> None:
    result = invoke("summary", str(export(tmp_path)), "-f", "whatsapp")
    assert result.exit_code == 0, result.stderr
    assert_inert(result.stdout)
    assert "DINAS SATU" in result.stdout and "AWAS" in result.stdout


def test_the_pdf_brief_and_the_follow_up_sheet_carry_no_control(tmp_path: Path) -> None:
    import openpyxl
    from pypdf import PdfReader

    path = export(tmp_path)
    for suffix in ("pdf", "xlsx"):
        result = invoke("brief", str(path), "-o", str(tmp_path / f"brief.{suffix}"))
        assert result.exit_code == 0, result.stderr
    pdf = " ".join(page.extract_text() for page in PdfReader(tmp_path / "brief.pdf").pages)
    assert_inert(pdf)
    assert "[2J" not in pdf and "31m" not in pdf  # no sequence left behind as text either
    assert "DINAS SATU" in pdf
    book = openpyxl.load_workbook(tmp_path / "brief.xlsx")
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert_inert(" ".join(cells))
    assert any("DINAS SATU" in c for c in cells)
