"""Tables fit the width: the important columns stay, the others leave in the drop order with a
note naming them, unit names wrap, numbers stay whole, and COLUMNS sets the width of piped output."""

from __future__ import annotations

import re
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.cli.output import PIPED_WIDTH

runner = CliRunner()
NOVEMBER = SAMPLES / "rekap_pd_10nov2023.xlsx"
SEPTEMBER = SAMPLES / "rekap_opd_30sep2023.xls"  # the same units seven weeks earlier
QUARTERS = SAMPLES / "realisasi_rinci_tw_2023.xlsx"  # TW I to TW III in columns


def shown(width: int | None, *args: str) -> str:
    """stdout of a command with ``COLUMNS=width`` (unset for None), not on a terminal."""
    env = {"COLUMNS": None if width is None else str(width)}
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def rank(width: int | None, *args: str) -> str:
    return shown(width, "rank", str(NOVEMBER), "-q", *args)


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


def headers(text: str) -> list[str]:
    """The header cells of the first table (one header line)."""
    line = next(line for line in text.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in line.split("┃")[1:-1]]


def left_out(text: str) -> list[str]:
    """The columns the note under the table names; none without a note."""
    joined = " ".join(line.strip() for line in text.splitlines())
    found = re.search(r"(?:lebar layar|screen width): (.*?) — ", joined)
    return found.group(1).split(", ") if found else []


def percent_id(realized: float, budget: float) -> str:
    """A percentage with two decimals the Indonesian way: ``41,87%``."""
    return f"{100 * realized / budget:.2f}".replace(".", ",") + "%"


def lowest(expected: dict[str, Any]) -> dict[str, Any]:
    """The unit with the lowest absorption in the November sample, from the generator's numbers."""
    units = expected["rekap_pd_10nov2023.xlsx"]["units"]
    return min(units, key=lambda u: u["realized"] / u["budget"])


CASES = [
    ((), "plain"),
    (("--pace",), "pace"),
    (("--previous", str(SEPTEMBER)), "previous"),
    (("--previous", str(SEPTEMBER), "--pace"), "previous and pace"),
]


@pytest.mark.parametrize("width", [80, 120, 200])
@pytest.mark.parametrize(("args", "label"), CASES, ids=[label for _args, label in CASES])
def test_every_line_of_a_ranking_fits_the_width_and_shows_the_lowest_units_percentage(
    width: int, args: tuple[str, ...], label: str, expected: dict[str, Any]
) -> None:
    text = rank(width, *args)
    assert widest(text) <= width, label
    unit = lowest(expected)
    assert percent_id(unit["realized"], unit["budget"]) == "41,87%"
    assert "41,87%" in text
    assert "…" not in text  # nothing is cut short
    named = left_out(text)
    assert not set(named) & set(headers(text))


@pytest.mark.parametrize(("args", "label"), CASES, ids=[label for _args, label in CASES])
def test_at_80_columns_the_percentages_and_the_mark_stay(args: tuple[str, ...], label: str) -> None:
    text = rank(80, *args)
    columns = headers(text)
    assert columns[:2] == ["#", "Perangkat Daerah"], label
    assert columns[columns.index("%") + 1] == ""  # the mark's column follows the %
    assert "Modal %" in columns
    assert text.count("⚠") == 10 + 1  # each of the ten units under 57 %, and the total's legend


def test_at_80_columns_the_note_names_what_was_left_out_in_the_drop_order() -> None:
    text = rank(80)
    assert headers(text) == ["#", "Perangkat Daerah", "Pagu", "%", "", "Modal %"]
    assert left_out(text) == ["Kode", "Realisasi"]
    assert "--format csv/xlsx" in " ".join(text.split())  # both are in the CSV rows


def test_at_80_columns_with_pace_and_change_the_pace_needed_stays_before_the_amounts() -> None:
    text = rank(80, "--previous", str(SEPTEMBER), "--pace")
    assert headers(text) == ["#", "Perangkat Daerah", "%", "", "Modal %", "Δ", "Perlu/bln"]
    assert left_out(text) == ["Kode", "Pagu", "Realisasi", "Laju/bln", "Proyeksi", "Thd target"]
    assert "--format json" in " ".join(text.split())  # the pace is not in the CSV rows


@pytest.mark.parametrize("extra", [(), ("--previous", str(SEPTEMBER))])
def test_at_120_columns_the_pace_columns_stay(extra: tuple[str, ...]) -> None:
    text = rank(120, "--pace", *extra)
    columns = headers(text)
    assert {"Perlu/bln", "Laju/bln", "Proyeksi", "Thd target", "Modal %"} <= set(columns)
    assert "Kode" not in columns and "Kode" in left_out(text)


def test_at_200_columns_everything_is_shown_with_the_bar_and_no_note() -> None:
    text = rank(200, "--previous", str(SEPTEMBER), "--pace")
    columns = headers(text)
    assert {"Kode", "Pagu", "Realisasi", "Δ", "Perlu/bln", "Thd target"} <= set(columns)
    assert "█" in text and left_out(text) == []
    assert "Rp156.176.870.000" in text and "Rp65.391.255.469" in text


def test_the_width_the_note_asks_for_shows_every_column() -> None:
    text = rank(80, "--previous", str(SEPTEMBER), "--pace")
    asked = re.search(r"hingga (\d+) kolom", " ".join(text.split()))
    assert asked is not None
    needed = int(asked.group(1))
    wide = rank(needed, "--previous", str(SEPTEMBER), "--pace")
    assert left_out(wide) == [] and "Kode" in headers(wide)
    assert "Kode" in left_out(rank(needed - 1, "--previous", str(SEPTEMBER), "--pace"))


def test_unit_names_wrap_rather_than_being_cut(expected: dict[str, Any]) -> None:
    text = rank(80, "--previous", str(SEPTEMBER), "--pace")
    name = lowest(expected)["name"]  # DINAS PEKERJAAN UMUM DAN PENATAAN RUANG
    cells = [line.split("│")[2].strip() for line in text.splitlines() if line.startswith("│")]
    start = next(i for i, cell in enumerate(cells) if name.startswith(cell) and cell)
    assert " ".join(cells[start : start + 2]) == name


def test_the_note_is_in_english_with_lang_en() -> None:
    text = rank(80, "--lang", "en", "--pace")
    assert "Columns left out for the screen width: Code" in " ".join(text.split())
    assert "Capital %" in headers(text) and "Needed/mo" in headers(text)


def test_piped_output_without_columns_is_the_default_width() -> None:
    text = rank(None, "--previous", str(SEPTEMBER), "--pace")
    assert widest(text) == PIPED_WIDTH
    assert "Perlu/bln" in headers(text)


@pytest.mark.parametrize("width", [80, 120, 200])
def test_quarters_keep_the_unit_and_the_latest_quarters(width: int) -> None:
    text = shown(width, "quarters", str(QUARTERS), "-q")
    assert widest(text) <= width
    heading = " ".join(line for line in text.splitlines() if line.startswith("┃"))
    assert "Perangkat Daerah" in heading and "TW III" in heading
    for name in left_out(text):
        assert f"{name} (" not in heading
    if width == 80:
        assert left_out(text) == ["Pagu", "TW I"]
        assert "TW II (" in heading
    if width == 200:
        assert left_out(text) == [] and "Pagu" in heading


@pytest.mark.parametrize("name", ["rekap_pd_10nov2023.xlsx", "lra_per_skpd_30sep2023.xlsx"])
def test_inspect_fits_80_columns(name: str) -> None:
    text = shown(80, "inspect", str(SAMPLES / name))
    assert widest(text) <= 80 and "Baris kepala" in text


def test_english_amounts_are_in_rupiah_as_in_indonesian_and_in_the_messages() -> None:
    text = shown(200, "--lang", "en", "rank", str(NOVEMBER), "-q")
    assert "Rp156,176,870,000" in text and "Rp65,391,255,469" in text
    assert "IDR" not in text


def test_one_unit_below_the_threshold_is_one_unit_in_english(tmp_path: Any) -> None:
    from builders import openpyxl_book

    rows = [["Perangkat Daerah", "Pagu", "Realisasi"], ["Dinas A", 1_000, 100], ["Dinas B", 1_000, 900]]
    book = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    text = " ".join(shown(200, "--lang", "en", "rank", str(book), "--as-of", "2023-11-10", "-q").split())
    assert "1 unit below 57%" in text  # Dinas A's 10 %; Dinas B's 90 % is above
