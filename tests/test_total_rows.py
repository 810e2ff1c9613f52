"""What a rekap says of itself: its JUMLAH row against its rows, amounts no rule can read."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from builders import openpyxl_book
from realisasi_cli.cli import app

runner = CliRunner()


def rank_json(*inputs: Path) -> dict[str, Any]:
    result = runner.invoke(app, ["--lang", "en", "rank", *map(str, inputs), "--format", "json", "--all"])
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def semicolons(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


def codes(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [w for w in document["warnings"] if w["code"] == code]


def test_a_jumlah_row_that_is_not_the_sum_of_its_rows_is_named(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Nama SKPD", "Pagu", "Realisasi"], ["Dinas A", 1_000_000, 500_000]]
    rows += [["Dinas B", 2_000_000, 1_000_000], ["JUMLAH", 3_100_000, 1_500_000]]
    doc = rank_json(semicolons(tmp_path / "rekap.csv", rows))
    (warned,) = codes(doc, "W-TOTAL-ROW")  # the Pagu column only: Realisasi adds up
    assert warned["row"] == 4
    assert "3,100,000.00" in warned["message"] and "3,000,000.00" in warned["message"]
    assert doc["total"]["budget"] == 3_000_000  # the rows are used, not the JUMLAH row


def test_totals_per_group_and_a_grand_total_that_add_up_say_nothing(tmp_path: Path) -> None:
    rows: list[list[object]] = [["LAPORAN REALISASI s.d. 30 Juni 2024"], ["Nama OPD", "Pagu", "Realisasi"]]
    rows += [["JUMLAH SELURUHNYA", 600, 210]]  # a grand total above the table
    rows += [["Dinas A", 100, 10], ["Dinas B", 200, 40], ["Jumlah", 300, 50]]
    rows += [["Dinas C", 300, 160], ["Jumlah", 300, 160], ["Total", 600, 210]]
    doc = rank_json(openpyxl_book(tmp_path / "rekap.xlsx", {"LRA": rows}))
    assert not codes(doc, "W-TOTAL-ROW")
    assert (doc["total"]["budget"], doc["total"]["realized"]) == (600, 210)


def test_a_row_whose_amounts_no_rule_reads_is_named_not_dropped_in_silence(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Nama SKPD", "Pagu", "Realisasi"], ["Dinas A", "1,234,567.00", "617,283.50"]]
    rows += [["Dinas B", "2.000.000,00", "1.000.000,00"], [None, None, None]]
    rows += [["Kepala Bagian", "NIP. 19710928 200701 1 002", None]]  # a signature block: no amount
    doc = rank_json(semicolons(tmp_path / "dua.csv", rows))
    unread = codes(doc, "W-ROWS-UNREAD")
    assert [(w["row"], "1,234,567.00" in w["message"], "Dinas A" in w["message"]) for w in unread] == [
        (2, True, True)
    ]
    assert not codes(doc, "W-NOT-AMOUNTS")  # no cell of a counted row was taken for 0
    assert codes(doc, "W-AMOUNT-MALFORMED")[0]["row"] == 2  # 617,283.50 in an Indonesian column
    assert [u["name"] for u in doc["units"]] == ["Dinas B"]
