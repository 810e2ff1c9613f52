"""Text files are read in the encoding each line is in, and a quote that never closes does not
swallow the rows after it. Every file is written in the test, byte by byte where it matters."""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from realisasi_cli.cli.application import app
from realisasi_cli.inputs.sniff import decode, sniff_kind
from realisasi_cli.reading.text import read_text
from test_hardening import posix_only, run_measured

runner = CliRunner()

ROWS = [
    ("Perangkat Daerah", "Pagu", "Realisasi"),
    ("DINAS PEKERJAAN UMUM – PENATAAN RUANG", "1.000.000,00", "500.000,00"),
    ("DINAS KESEHATAN", "2.000.000,00", "1.500.000,00"),
    ("BADAN KEUANGAN DAERAH", "4.000.000,00", "1.000.000,00"),
]


def csv_text(rows: list[tuple[str, ...]] | None = None) -> str:
    return "".join(";".join(r) + "\r\n" for r in rows or ROWS)


def rank(path: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["--lang", "en", "rank", str(path), "--all", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def names(document: dict[str, Any]) -> set[str]:
    return {u["name"] for u in document["units"]}


def test_one_windows_1252_byte_does_not_turn_a_utf8_file_into_mojibake(tmp_path: Path) -> None:
    raw = csv_text().encode("utf-8").replace(b"KESEHATAN", b"KESEHATAN \x96 RSUD")
    path = tmp_path / "lra.csv"
    path.write_bytes(raw)
    document = rank(path)
    # the en dash of line 2 is UTF-8 and stays one; the odd byte of line 3 is read as Windows-1252
    assert names(document) == {
        "DINAS PEKERJAAN UMUM – PENATAAN RUANG",
        "DINAS KESEHATAN – RSUD",
        "BADAN KEUANGAN DAERAH",
    }
    assert not any("â€" in name for name in names(document))
    warnings = [w for w in document["warnings"] if w["code"] == "W-TEXT-NOT-UTF8-LINES"]
    assert len(warnings) == 1 and warnings[0]["row"] == 3 and "line 3" in warnings[0]["message"]


def test_a_windows_1252_file_is_read_as_one_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "lra.csv"
    path.write_bytes(csv_text().replace("KESEHATAN", "KESEHATAN É").encode("cp1252"))
    document = rank(path)
    assert "DINAS PEKERJAAN UMUM – PENATAAN RUANG" in names(document)
    assert "DINAS KESEHATAN É" in names(document)
    assert not [w for w in document["warnings"] if w["code"].startswith("W-TEXT")]


def test_a_mostly_windows_1252_file_names_its_utf8_lines(tmp_path: Path) -> None:
    rows = [*ROWS, ("DINAS SOSIAL É", "1.000.000,00", "100.000,00"), ("DINAS PANGAN Ü", "1.000.000,00", "0")]
    raw = csv_text(rows).encode("cp1252").replace("É".encode("cp1252"), "É".encode())
    decoded = decode(raw)
    # lines 2 and 6 are Windows-1252, line 5 is UTF-8: most lines fail, the file is Windows-1252
    assert decoded.encoding == "cp1252" and decoded.odd_lines == (5,)
    path = tmp_path / "lra.csv"
    path.write_bytes(raw)
    warnings = [w for w in rank(path)["warnings"] if w["code"] == "W-TEXT-UTF8-LINES"]
    assert len(warnings) == 1 and warnings[0]["row"] == 5


def test_a_utf8_file_with_a_bom_keeps_its_lines_too() -> None:
    raw = codecs.BOM_UTF8 + "A – B\n".encode() + b"C\x96D\n"
    decoded = decode(raw)
    assert decoded.text == "A – B\nC–D\n" and decoded.odd_lines == (2,)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_text_either_way_round(tmp_path: Path, codec: str) -> None:
    raw = csv_text().encode(codec)
    assert sniff_kind(raw[:8192]) == "text"
    assert decode(raw).encoding == codec
    path = tmp_path / "lra.csv"
    path.write_bytes(raw)
    document = rank(path)
    assert "DINAS PEKERJAAN UMUM – PENATAAN RUANG" in names(document)
    assert document["total"]["budget"] == 7000000.0


def test_a_lone_quote_does_not_swallow_the_rows_after_it(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ('"DINAS KESEHATAN', "2.000.000,00", "1.500.000,00"), *ROWS[3:]]
    rows += [("DINAS SOSIAL", "1.000.000,00", "250.000,00")]
    path = tmp_path / "lra.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    document = rank(path)
    # every row is a row: 1 + 2 + 4 + 1 million of budget
    assert document["total"]["budget"] == 8000000.0
    assert {"BADAN KEUANGAN DAERAH", "DINAS SOSIAL"} <= names(document)
    warnings = [w for w in document["warnings"] if w["code"] == "W-CSV-OPEN-QUOTE"]
    assert len(warnings) == 1 and warnings[0]["row"] == 3 and "line 3" in warnings[0]["message"]


def test_a_lone_quote_in_the_last_column_is_caught_too(tmp_path: Path) -> None:
    rows = [*ROWS[:2], ("DINAS KESEHATAN", "2.000.000,00", '"1.500.000,00'), *ROWS[3:]]
    path = tmp_path / "lra.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    document = rank(path)
    assert "BADAN KEUANGAN DAERAH" in names(document)
    assert document["total"]["budget"] == 7000000.0
    assert [w["row"] for w in document["warnings"] if w["code"] == "W-CSV-OPEN-QUOTE"] == [3]


def test_a_quoted_cell_over_two_lines_is_one_cell(tmp_path: Path) -> None:
    text = csv_text().replace("DINAS KESEHATAN", '"DINAS KESEHATAN\nDAN KB"')
    path = tmp_path / "lra.csv"
    path.write_text(text, encoding="utf-8")
    (grid,) = read_text(path, "text")
    assert grid.frame.height == 4 and grid.notices == []
    assert grid.frame["c0"][2] == "DINAS KESEHATAN\nDAN KB"


def test_carriage_returns_alone_end_lines_as_in_an_old_mac_file(tmp_path: Path) -> None:
    path = tmp_path / "lra.csv"
    path.write_bytes(csv_text().replace("\r\n", "\r").encode("utf-8"))
    assert rank(path)["total"]["budget"] == 7000000.0


def test_a_lone_quote_before_a_large_rest_does_not_refuse_the_file(tmp_path: Path) -> None:
    # csv alone would make one cell of the 200 KB after the quote, past its size limit (128 KB)
    rows = [ROWS[0], ('"DINAS AWAL', "1.000.000,00", "100.000,00")]
    rows += [(f"DINAS {i}", "1.000.000,00", "500.000,00") for i in range(6000)]
    path = tmp_path / "lra.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    assert path.stat().st_size > 200_000
    document = rank(path)
    assert document["total"]["budget"] == 6001 * 1_000_000.0
    assert document["total"]["realized"] == 100_000.0 + 6000 * 500_000.0
    assert [w["row"] for w in document["warnings"] if w["code"] == "W-CSV-OPEN-QUOTE"] == [2]


def test_a_nul_byte_past_the_first_bytes_of_a_csv_does_not_refuse_it(tmp_path: Path) -> None:
    # a NUL among the first bytes says binary; one further on is a stray byte, dropped
    rows = [*ROWS, *((f"DINAS {i}", "1.000.000,00", "0") for i in range(400))]
    path = tmp_path / "lra.csv"
    path.write_bytes(csv_text(rows).encode("utf-8").replace(b"DINAS 399", b"DINAS 3\x0099", 1))
    document = rank(path)
    assert "DINAS 399" in names(document) and document["total"]["budget"] == (7 + 400) * 1_000_000.0


@posix_only
@pytest.mark.slow
def test_a_lone_quote_before_400k_rows_is_read_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Measured in a child process: csv alone refused this file (a 15 MB cell); line by line it is
    read in a few seconds."""
    path = tmp_path / "lra.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(csv_text([ROWS[0], ('"DINAS AWAL', "1.000.000,00", "100.000,00")]))
        handle.writelines(f"DINAS {i};1.000.000,00;500.000,00\r\n" for i in range(400_000))
    code, stderr, seconds, peak = run_measured("rank", str(path), "-f", "json")
    assert code == 0, stderr
    assert "a quote" in stderr and "line 2" in stderr
    assert seconds < 20 and peak < 1024, (seconds, peak)
