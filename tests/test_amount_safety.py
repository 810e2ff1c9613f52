"""Only finite amounts of a sane size are amounts; everything else is a cell warning, and every
output — table, Markdown, JSON, CSV, brief, summary — still comes out, JSON always valid.

The files are written by real writers (csv, openpyxl, an .ods by hand) in each test; the
expected totals are the sums of the cells that are amounts, worked out by hand.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from builders import ods_bytes, openpyxl_book
from conftest import ROOT
from realisasi_cli.cli.application import app
from realisasi_cli.numbers import MAX_AMOUNT, parse_amounts, read_amounts
from test_hardening import posix_only, run_measured

runner = CliRunner()

HEADER = ["Perangkat Daerah", "Pagu", "Realisasi"]


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["--lang", "en", *args])


def strict_json(text: str) -> Any:
    """JSON as a strict parser reads it: NaN, Infinity and -Infinity are not JSON."""

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ";") -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def ranked_all(path: Path) -> Any:
    """``rank --all`` of ``path`` as JSON, the run having succeeded."""
    result = invoke("rank", str(path), "--all", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


HOSTILE = [
    HEADER,
    ["DINAS A", "1.000.000", "500.000,00"],
    ["DINAS NAN", "NaN", "NaN"],
    ["DINAS INF", "inf", "100"],
    ["DINAS HUGE", "1e308", "1e308"],
    ["DINAS DIGITS", "9" * 400, "5"],
    ["DINAS E", "2.000.000", "400.000,00"],
    ["DINAS MINUS", "-5.000.000", "100"],
]


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "hostile.csv", HOSTILE)


def test_numbers_that_are_no_amounts_are_refused_and_say_why() -> None:
    values, why = read_amounts(
        pl.Series(["1.234.567,89", "NaN", "-inf", "1e308", "9" * 400, "999.999.999.999.999", "1e15", "12"])
    )
    assert values.to_list() == [1234567.89, None, None, None, None, 999999999999999.0, None, 12.0]
    assert why is not None
    assert why.to_list() == [None, "range", "range", "range", "range", None, "range", None]
    assert MAX_AMOUNT == 10**15


def test_numeric_cells_out_of_range_are_refused_too() -> None:
    values, why = read_amounts(pl.Series([1.0, float("nan"), float("inf"), -1e300, None]))
    assert values.to_list() == [1.0, None, None, None, None]
    assert why is not None and why.to_list() == [None, "range", "range", "range", None]
    assert parse_amounts(pl.Series([2.5, 3.0])).to_list() == [2.5, 3.0]


@pytest.mark.parametrize("text", ["1.234.567,89.00", "1.23,45", "12.34.567", "1234.567,89", "1.234,567.8"])
def test_separators_out_of_place_are_refused_not_read_by_dropping_them(text: str) -> None:
    values, why = read_amounts(pl.Series([text, "1.000.000,00"]))
    assert values.to_list() == [None, 1000000.0]
    assert why is not None and why.to_list() == ["shape", None]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234.567,89", 1234567.89),
        ("Rp 1.000.000,-", 1000000.0),
        ("1.000.000,", 1000000.0),
        ("(10.000,00)", -10000.0),
        ("2,5 jt", 2500000.0),
        ("11.500,37 M", 11500370000000.0),
        ("56,6%", 56.6),
        ("-", 0.0),
    ],
)
def test_well_formed_amounts_are_still_read(text: str, value: float) -> None:
    values, why = read_amounts(pl.Series([text, "1.000.000,00"]))
    assert values.to_list()[0] == pytest.approx(value)
    assert why is None


def test_english_columns_refuse_their_own_malformed_shapes() -> None:
    values, why = read_amounts(pl.Series(["1,234,567.89", "2,000,000.00", "1,23,456.78"]))
    assert values.to_list() == [1234567.89, 2000000.0, None]
    assert why is not None and why.to_list() == [None, None, "shape"]


def test_rank_json_leaves_out_what_is_no_amount_and_warns_per_cell(hostile: Path) -> None:
    result = invoke("rank", str(hostile), "--all", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = strict_json(result.stdout)
    units = {u["name"]: (u["budget"], u["realized"]) for u in document["units"]}
    # only A and E have budgets that are amounts: 1,000,000 + 2,000,000; realized 500,000 + 400,000
    assert units == {"DINAS A": (1000000.0, 500000.0), "DINAS E": (2000000.0, 400000.0)}
    # realized: 500,000 + 400,000, and the 100, 5 and 100 of units whose budgets are no amounts
    assert document["total"] == {"budget": 3000000.0, "realized": 900205.0, "absorption_pct": 30.0068}
    unranked = {u["name"] for u in document["unranked"]}
    assert unranked == {"DINAS INF", "DINAS DIGITS", "DINAS MINUS"}
    warnings = {w["code"]: w for w in document["warnings"]}
    refused = [w for w in document["warnings"] if w["code"] == "W-AMOUNT-OUT-OF-RANGE"]
    # column B: NaN (row 3), inf (4), 1e308 (5), 400 digits (6); column C: NaN (3), 1e308 (5)
    assert [(w["row"], w["message"].split(" cell")[0]) for w in refused] == [(3, "4"), (3, "2")]
    assert "hostile!B3, hostile!B4, hostile!B5, hostile!B6" in refused[0]["message"]
    assert "9" * 50 not in refused[0]["message"]  # a 400-digit cell is quoted cut short
    negative = warnings["W-NEGATIVE-BUDGET"]
    assert negative["row"] == 8 and "hostile!B8" in negative["message"]
    assert "left out of the totals" in negative["message"]


@pytest.mark.parametrize("fmt", ["table", "md", "csv", "json"])
def test_every_rank_format_comes_out_of_hostile_amounts(hostile: Path, fmt: str) -> None:
    result = invoke("rank", str(hostile), "--all", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert "unexpected" not in result.stderr
    shown = result.stdout if fmt != "json" else json.dumps(strict_json(result.stdout)["units"])
    assert "nan" not in shown.lower().replace("dinas nan", "")
    assert "inf" not in shown.lower().replace("dinas inf", "")


@pytest.mark.parametrize("command", ["brief", "summary"])
def test_the_brief_and_the_summary_come_out_of_hostile_amounts(hostile: Path, command: str) -> None:
    result = invoke(command, str(hostile), "--as-of", "2023-09-30")
    assert result.exit_code == 0, result.stderr
    assert "unexpected" not in result.stderr
    # 900,205 of 3,000,000
    assert "Rp900,205" in result.stdout and "Rp3,000,000" in result.stdout
    assert "30.01%" in result.stdout or "30.0%" in result.stdout


def test_quarters_comes_out_of_hostile_amounts(hostile: Path) -> None:
    result = invoke("quarters", str(hostile), "--as-of", "2023-09-30", "-f", "json")
    assert result.exit_code == 0, result.stderr
    document = strict_json(result.stdout)
    assert document["total"]["budget"] == 3000000.0


def test_a_nan_unit_never_ranks_first(tmp_path: Path) -> None:
    rows = [HEADER, ["DINAS A", "1.000", "900"], ["DINAS NAN", "1.000", "NaN"], ["DINAS B", "1.000", "100"]]
    result = invoke("rank", str(write_csv(tmp_path / "n.csv", rows)), "--all", "-f", "json")
    document = strict_json(result.stdout)
    ranks = {u["name"]: u["rank"] for u in document["units"]}
    # the NaN cell counts as no realization: 0 of 1,000, the lowest
    assert ranks == {"DINAS A": 1, "DINAS B": 2, "DINAS NAN": 3}
    assert document["units"][0]["name"] == "DINAS NAN" and document["units"][0]["realized"] == 0.0


def test_workbook_cells_out_of_range_are_warnings_in_xlsx_and_ods(tmp_path: Path) -> None:
    xlsx = openpyxl_book(
        tmp_path / "far.xlsx",
        {"Rekap": [HEADER, ["DINAS A", 1000, 500], ["DINAS B", 1e308, 5], ["DINAS C", 1000, 400]]},
    )
    ods = tmp_path / "far.ods"
    ods.write_bytes(
        ods_bytes([HEADER, ["DINAS A", 1000, 500], ["DINAS B", "NaN", 5], ["DINAS C", 1000, "1e400"]])
    )
    for path, cells in ((xlsx, ["Rekap!B3"]), (ods, ["Rekap!B3", "Rekap!C4"])):
        result = invoke("rank", str(path), "--all", "-f", "json")
        document = strict_json(result.stdout)
        assert document["total"]["budget"] == 2000.0, path
        refused = [w["message"] for w in document["warnings"] if w["code"] == "W-AMOUNT-OUT-OF-RANGE"]
        assert all(any(cell in m for m in refused) for cell in cells), (path, refused)
        # a refused budget is not an empty one: no "realization above budget" for it
        assert not [w for w in document["warnings"] if w["code"] == "W-ABOVE-BUDGET"], path


def test_a_malformed_amount_is_a_warning_not_a_silent_number(tmp_path: Path) -> None:
    rows = [HEADER, ["DINAS A", "1.234.567,89.00", "1.000,00"], ["DINAS B", "2.000.000,00", "1.000.000,00"]]
    result = invoke("rank", str(write_csv(tmp_path / "m.csv", rows)), "--all", "-f", "json")
    document = strict_json(result.stdout)
    assert document["total"]["budget"] == 2000000.0
    malformed = [w for w in document["warnings"] if w["code"] == "W-AMOUNT-MALFORMED"]
    assert len(malformed) == 1 and "'1.234.567,89.00' at m!B2" in malformed[0]["message"]


def test_a_negative_budget_does_not_cancel_the_others(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["DINAS A", "1.000.000", "600.000,00"],
        ["DINAS B", "-1.000.000", "0"],
        ["DINAS C", "1.000.000", "0"],
    ]
    result = invoke("rank", str(write_csv(tmp_path / "neg.csv", rows)), "--all", "-f", "json")
    document = strict_json(result.stdout)
    # without the warning the total budget would be 1,000,000 and the absorption 60 %
    assert document["total"]["budget"] == 2000000.0 and document["total"]["absorption_pct"] == 30.0
    assert [u["name"] for u in document["unranked"]] == ["DINAS B"]


def test_the_people_formats_show_a_dash_for_what_is_not_a_number() -> None:
    from realisasi_cli.present import fmt

    for value in (float("nan"), float("inf"), float("-inf")):
        assert fmt.rupiah(value) == fmt.percent(value) == fmt.points(value) == "-"
        assert fmt.arrow(value) == ""


def test_json_documents_never_hold_nan_or_infinity() -> None:
    from realisasi_cli.present.report import to_json

    text = to_json({"a": float("nan"), "b": [float("inf"), 1.5], "c": {"d": float("-inf")}})
    assert strict_json(text) == {"a": None, "b": [None, 1.5], "c": {"d": None}}


def _json_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("dumps", "dump")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "json"
    ]


def test_every_json_written_refuses_nan() -> None:
    """Every ``json.dumps``/``json.dump`` in the package passes ``allow_nan=False``: a NaN that got
    this far fails loudly instead of writing ``NaN``, which no strict parser reads."""
    found = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        for call in _json_calls(ast.parse(path.read_text(encoding="utf-8"))):
            allowed = [k for k in call.keywords if k.arg == "allow_nan"]
            ok = (
                len(allowed) == 1
                and isinstance(allowed[0].value, ast.Constant)
                and allowed[0].value.value is False
            )
            found.append((path.relative_to(ROOT).as_posix(), call.lineno, ok))
    assert found, "no json.dumps found: the test no longer looks where JSON is written"
    assert [f for f in found if not f[2]] == []


@pytest.mark.parametrize("fmt", ["table", "md", "csv", "json"])
def test_a_budget_of_a_fraction_of_a_rupiah_does_not_stop_any_output(tmp_path: Path, fmt: str) -> None:
    """A budget of 10^-300 rupiah is an amount, but its absorption (10^302 %) is past what can be
    formatted; it shows as "-", and the outputs come out."""
    rows = [
        HEADER,
        ["DINAS A", "1e-300", "1"],
        ["DINAS B", "0,01", "999.999.999.999.999"],
        ["DINAS C", "1.000", "500"],
    ]
    path = write_csv(tmp_path / "tiny.csv", rows)
    result = invoke("rank", str(path), "--all", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    if fmt == "json":
        strict_json(result.stdout)
    for command in (["brief"], ["summary"], ["quarters"], ["rank", "--pace"]):
        other = invoke(command[0], str(path), "--as-of", "2023-09-30", *command[1:])
        assert other.exit_code == 0 and "unexpected" not in other.stderr, (command, other.stderr)


@posix_only
@pytest.mark.slow
def test_400k_cells_that_are_no_amounts_are_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Measured in a child process: every budget cell NaN, infinite, huge, 400 digits long,
    malformed or negative, one warning per kind and column."""
    kinds = ["NaN", "inf", "1e308", "9" * 400, "1.234.567,89.00", "-5.000.000"]
    path = tmp_path / "hostile.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Perangkat Daerah;Pagu;Realisasi\n")
        handle.writelines(f"DINAS {i};{kinds[i % len(kinds)]};1.000,00\n" for i in range(400_000))
    for fmt in ("json", "md"):
        code, stderr, seconds, peak = run_measured(
            "rank", str(path), "-f", fmt, "-o", str(tmp_path / f"r.{fmt}")
        )
        assert code == 0, stderr
        assert "unexpected" not in stderr
        assert seconds < 20 and peak < 1024, (fmt, seconds, peak)
    document = strict_json((tmp_path / "r.json").read_text(encoding="utf-8"))
    codes = sorted(
        w["code"] for w in document["warnings"] if w["code"].startswith(("W-AMOUNT", "W-NEGATIVE-B"))
    )
    assert codes == ["W-AMOUNT-MALFORMED", "W-AMOUNT-OUT-OF-RANGE", "W-NEGATIVE-BUDGET"]


def test_amount_cells_saved_as_excel_errors_are_said_not_dropped_in_silence(tmp_path: Path) -> None:
    import re
    import zipfile

    rows: list[list[object]] = [["Perangkat Daerah", "Pagu", "Realisasi"], ["Dinas A", 1000, 500]]
    rows += [["Dinas E", 777001, 777002], ["Dinas B", 2000, 1000]]
    plain = openpyxl_book(tmp_path / "plain.xlsx", {"Sheet": rows})
    path = tmp_path / "galat.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                # Dinas E's two amounts as a formula whose saved result is an error, as Excel writes it
                for value, error in ((b"777001", b"#REF!"), (b"777002", b"#DIV/0!")):
                    data = re.sub(
                        rb'<c r="([A-Z]+\d+)"[^>]*><v>' + value + rb"</v></c>",
                        rb'<c r="\1" t="e"><f>Sheet2!A1</f><v>' + error + rb"</v></c>",
                        data,
                    )
            target.writestr(item, data)
    result = CliRunner().invoke(app, ["--lang", "en", "rank", str(path), "--all", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-ERROR-CELLS"]
    assert said["row"] == 3 and "2 amount cell(s)" in said["message"] and "Sheet!B3" in said["message"]
    assert doc["total"]["budget"] == 3000  # Dinas E's cells read as empty, and it is said why


@pytest.mark.parametrize("errors", [("#SPILL!", "#CALC!"), ("#GETTING_DATA", "#CALC!"), ("#REF!", "#N/A")])
def test_a_row_of_excel_errors_in_a_csv_is_said_whichever_error_excel_saved(
    tmp_path: Path, errors: tuple[str, str]
) -> None:
    rows = [
        HEADER,
        ["Dinas A", "1.000.000", "500.000"],
        ["Dinas E", *errors],
        ["Dinas B", "2.000.000", "1.000.000"],
    ]
    doc = ranked_all(write_csv(tmp_path / "galat.csv", rows))  # Dinas E's formulas failed before it was saved
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-ROWS-UNREAD"]
    assert "Dinas E" in said["message"] and errors[0] in said["message"] and "galat!B3" in said["message"]
    assert doc["total"]["budget"] == 3_000_000 and doc["total"]["realized"] == 1_500_000


def test_a_semicolon_csv_of_small_amounts_reads_the_dots_as_thousands(tmp_path: Path) -> None:
    # every amount below a million, each "1.500" readable as 1.5 or 1500: a spreadsheet set up for
    # Indonesian saves its CSV with ";" between fields and a dot between thousands
    rows = [["Dinas A", "1.500", "750"], ["Dinas B", "2.000", "1.000"], ["Dinas C", "250.000", "125.000"]]
    doc = ranked_all(write_csv(tmp_path / "rekap.csv", [HEADER, *rows]))
    assert doc["total"]["budget"] == 1_500 + 2_000 + 250_000
    assert doc["total"]["realized"] == 750 + 1_000 + 125_000
    budgets = {u["name"]: u["budget"] for u in doc["units"]}
    assert budgets == {"Dinas A": 1500, "Dinas B": 2000, "Dinas C": 250000}


def test_amounts_typed_as_text_in_a_workbook_read_alike_in_every_column(tmp_path: Path) -> None:
    # every amount a text cell, the budgets with two groups of thousands, the realization with
    # one ("500.000"): the sheet writes its amounts one way, so 500.000 is five hundred thousand
    rows = [["Perangkat Daerah", "Pagu", "Realisasi"], ["Dinas A", "1.000.000", "500.000"]]
    rows.append(["Dinas B", "2.000.000", "250.000"])
    path = openpyxl_book(tmp_path / "teks.xlsx", {"Rekap": rows})
    result = CliRunner().invoke(app, ["--lang", "en", "rank", str(path), "--all", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas A": (1_000_000, 500_000),
        "Dinas B": (2_000_000, 250_000),
    }
    assert doc["total"]["absorption_pct"] == 25.0  # 750,000 of 3,000,000


def test_a_comma_csv_reads_a_short_amount_as_its_column_writes_the_long_ones(tmp_path: Path) -> None:
    # "," between fields: the amounts with a decimal comma are quoted
    rows = [HEADER, ["Dinas A", "1.000.000,00", "500.000,00"], ["Dinas B", "2.500", "1.250"]]
    doc = ranked_all(write_csv(tmp_path / "rekap.csv", rows, delimiter=","))
    assert {u["name"]: (u["budget"], u["realized"]) for u in doc["units"]} == {
        "Dinas A": (1_000_000, 500_000),
        "Dinas B": (2_500, 1_250),
    }


def test_a_row_with_amounts_but_no_unit_is_said_and_an_unlabelled_total_is_not(tmp_path: Path) -> None:
    rows = [["Perangkat Daerah", "Anggaran", "Realisasi"], ["Dinas A", "1.000.000", "100.000"]]
    rows.append(["", "2.000.000", "1.000.000"])  # a unit whose name was left out
    rows.append(["Dinas B", "4.000.000", "3.000.000"])
    rows.append(["", "7.000.000", "4.100.000"])  # the sum of the rows above, without a label
    doc = ranked_all(write_csv(tmp_path / "rekap.csv", rows))
    (said,) = [w for w in doc["warnings"] if w["code"] == "W-ROWS-NO-UNIT"]
    assert said["row"] == 3 and said["file"].endswith("rekap.csv") and "1 row(s)" in said["message"]
    assert doc["total"]["budget"] == 5_000_000 and doc["total"]["realized"] == 3_100_000


@pytest.mark.parametrize(("written", "value"), [("500.000-", -500_000), ("\u2212500.000", -500_000)])
def test_a_minus_sign_after_the_amount_or_as_a_true_minus_is_negative(
    tmp_path: Path, written: str, value: int
) -> None:
    rows = [HEADER, ["Dinas A", "1.000.000", "700.000"]]
    rows.append(["Dinas B", "1.000.000", written])  # a correction, as ledgers print it
    doc = ranked_all(write_csv(tmp_path / "koreksi.csv", rows))
    assert doc["total"]["realized"] == 700_000 + value
