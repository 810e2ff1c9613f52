"""Normalization stage by stage on tiny inline sheets; every expected frame is written by hand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from realisasi_cli.detect.layout import Column, Context, Layout
from realisasi_cli.detect.sheet import detect
from realisasi_cli.facts import checks
from realisasi_cli.facts import normalize as stages
from realisasi_cli.facts.keys import fill_merges
from realisasi_cli.facts.schema import BUDGET_SCHEMA, REALIZATION_SCHEMA, Warning_
from realisasi_cli.facts.slots import Slot, plan_slots
from realisasi_cli.reading.grid import Grid

# the messages are read in English here; tests/test_messages.py checks the Indonesian texts
pytestmark = pytest.mark.usefixtures("english_messages")

Row = Sequence[str | None]
JAN1, MAR31, APR1, JUN30 = date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 1), date(2024, 6, 30)
QUARTER_DATES = [
    (JAN1, MAR31),
    (APR1, JUN30),
    (date(2024, 7, 1), date(2024, 9, 30)),
    (date(2024, 10, 1), date(2024, 12, 31)),
]

FLAT = [
    ["No", "Nama SKPD", "Pagu", "Realisasi"],
    ["1", "Dinas Pendidikan", "1000", "400"],
    ["2", "Dinas Kesehatan", "2000", "1500"],
    [None, "JUMLAH", "3000", "1900"],
]
TEXT_AMOUNTS = [
    ["Nama SKPD", "Pagu", "Realisasi"],
    ["Dinas A", "1.234.567,89", "Rp 1.000"],
    ["Dinas B", "2.000.000,00", "(10.000,00)"],
    ["Dinas C", "500.000,00", "-"],
]
LRA = [
    ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
    ["5", "BELANJA DAERAH", "1000", "600"],
    ["5.1", "BELANJA OPERASI", "1000", "600"],
    ["5.1.02", "Belanja Barang dan Jasa", "1000", "600"],
    ["5.1.02.01", "Belanja Barang", "700", "500"],
    ["5.1.02.02", "Belanja Jasa", "300", "100"],
    [None, "JUMLAH BELANJA", "1000", "600"],
]
QUARTERS = [
    ["Nama SKPD", "Pagu", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"],
    ["Dinas A", "1000", "100", "200", "300", "400"],
    ["Dinas B", "500", "50", "0", "25", "-"],
]
MONTHS_AND_QUARTER = [
    ["Nama SKPD", "Pagu", "Januari", "Februari", "Maret", "Triwulan I", "April"],
    ["Dinas A", "1200", "10", "20", "30", "60", "40"],
    ["Dinas B", "600", "1", "2", "3", "6", "4"],
]


def grid_of(rows: Sequence[Row]) -> Grid:
    """A grid of text cells: column ``c{j}`` holds cell j of every row."""
    width = max(len(r) for r in rows)
    cells = {f"c{j}": [r[j] if j < len(r) else None for r in rows] for j in range(width)}
    frame = pl.DataFrame(cells, schema=dict.fromkeys(cells, pl.String))
    return Grid(file=Path("tiny.xlsx"), sheet="Rekap", frame=frame)


def layout_of(rows: Sequence[Row]) -> Layout:
    layout = detect(grid_of(rows))
    assert layout is not None
    return layout


def col(index: int, header: str, role: str, **kwargs: object) -> Column:
    return Column(index=index, header=header, role=role, span=(index, index), **kwargs)  # type: ignore[arg-type]


def stage_rows(
    layout: Layout, fallback: str = "Pemda Contoh"
) -> tuple[stages.SheetColumns, pl.DataFrame, bool]:
    """Stages 1–3 as ``normalize`` chains them: keys, parsed amounts, units."""
    slots = plan_slots(layout)
    frame = layout.grid.frame.slice(layout.data_start)
    columns = stages.SheetColumns.of(layout, slots, frame)
    frame = stages.data_frame(layout, columns)
    keys = stages.key_columns(frame, columns)
    parsed, amounts = stages.amount_columns(frame, columns, {})
    rows = frame.with_columns(**parsed).select(pl.col("row"), **keys, **amounts)
    rows, names_units = stages.name_units(rows, frame, columns, keys, layout, fallback)
    return columns, rows, names_units


TYPES = {"row": pl.Int64, "source": pl.Int32, "period_start": pl.Date, "period_end": pl.Date}
FLOATS = ("budget", "realized", "m1", "m2", "m3")


def table(names: str, *rows: tuple[object, ...]) -> pl.DataFrame:
    """An expected frame by hand: space-separated column names, then its rows (text unless typed)."""
    cols = names.split()
    schema = {n: pl.Float64 if n in FLOATS else TYPES.get(n, pl.String) for n in cols}
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def budget_facts(*rows: tuple[object, ...], source: int = 0) -> pl.DataFrame:
    """Budget facts of tiny.xlsx/Rekap from (row, unit_code, unit_name, account_code, category, budget)."""
    return pl.DataFrame([(source, "tiny.xlsx", "Rekap", *r) for r in rows], BUDGET_SCHEMA, orient="row")


def realization_facts(*rows: tuple[object, ...], source: int = 0) -> pl.DataFrame:
    """Realization facts from (row, unit_code, unit_name, account_code, category, start, end, realized)."""
    return pl.DataFrame([(source, "tiny.xlsx", "Rekap", *r) for r in rows], REALIZATION_SCHEMA, orient="row")


# --- stage 1: keys ----------------------------------------------------------------------------


@pytest.mark.parametrize("height", [4, 150])  # a few rows are patched as lists, many by scatter
def test_a_merged_cell_gives_its_value_to_every_cell_it_covers(height: int) -> None:
    names = ["Dinas A", None, None, "Dinas B"] + ["Dinas C"] * (height - 4)
    budgets = [100.0, None, None, 7.0] + [1.0] * (height - 4)
    frame = pl.DataFrame({"c0": ["Nama", *names], "c1": [None, *budgets], "c2": [None, *budgets]})
    # Dinas A merged over sheet rows 2-4, its budget over rows 2-3 and across c1:c2
    grid = Grid(Path("m.xlsx"), "S", frame, merges=[(1, 0, 3, 0), (1, 1, 2, 2)])
    layout = Layout(grid, 0, 0, 1, [], Context(), 1.0)
    data = frame.slice(1).with_row_index("row", offset=1)
    filled = fill_merges(layout, data, {"c0", "c1", "c2"})
    assert filled["c0"].to_list()[:4] == ["Dinas A", "Dinas A", "Dinas A", "Dinas B"]
    assert filled["c1"].to_list()[:4] == [100.0, 100.0, None, 7.0]
    assert filled["c2"].to_list()[:4] == [100.0, 100.0, None, 7.0]
    assert filled.schema == data.schema and filled.height == height


def test_key_columns_read_each_rows_unit_name_and_leave_absent_keys_null() -> None:
    _, got, _ = stage_rows(layout_of(FLAT))
    keys = got.select("row", "unit_code", "unit_name", "account_code", "description", "activity")
    expected = table(
        "row unit_code unit_name account_code description activity",
        (1, None, "Dinas Pendidikan", None, None, ""),
        (2, None, "Dinas Kesehatan", None, None, ""),
        (3, None, "JUMLAH", None, None, ""),
    )
    assert_frame_equal(keys, expected)


def test_key_columns_split_a_cell_holding_code_and_name() -> None:
    rows = [
        ["SKPD", "Pagu", "Realisasi"],
        ["1.01.0.00.0.00.01.0000 Dinas Pendidikan", "1000", "400"],
        ["1.02.0.00.0.00.01.0000 Dinas Kesehatan", "2000", "1500"],
    ]
    layout = layout_of(rows)
    assert [c.role for c in layout.columns] == ["unit", "budget", "realized"]
    _, got, names_units = stage_rows(layout)
    expected = table(
        "unit_code unit_name",
        ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan"),
        ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan"),
    )
    assert_frame_equal(got.select("unit_code", "unit_name"), expected)
    assert names_units


# --- stage 2: amounts -------------------------------------------------------------------------


def test_amount_columns_parse_indonesian_text_amounts_cell_by_cell() -> None:
    _, got, _ = stage_rows(layout_of(TEXT_AMOUNTS))
    expected = table(
        "m1 raw1 m2 raw2",
        (1234567.89, "1.234.567,89", 1000.0, "Rp 1.000"),
        (2000000.0, "2.000.000,00", -10000.0, "(10.000,00)"),
        (500000.0, "500.000,00", 0.0, "-"),
    )
    assert_frame_equal(got.select("m1", "raw1", "m2", "raw2"), expected)


def test_text_that_is_no_amount_parses_to_null_and_normalize_warns_of_it() -> None:
    rows = [["Nama SKPD", "Pagu", "Realisasi"], ["Dinas A", "1000", "n/a"], ["Dinas B", "2000", "300"]]
    _, got, _ = stage_rows(layout_of(rows))
    assert got["m2"].to_list() == [None, 300.0]
    facts = stages.normalize(layout_of(rows), 0, "Pemda", None, None)
    assert facts.realization["realized"].to_list() == [0.0, 300.0]
    assert [w.row for w in facts.warnings] == [2]
    assert "'n/a'" in facts.warnings[0].message


# --- stage 3: units ---------------------------------------------------------------------------


def test_name_units_falls_back_when_nothing_names_a_unit() -> None:
    _, got, names_units = stage_rows(layout_of(LRA), fallback="Dinas Dari Nama Berkas")
    assert not names_units
    assert got["unit_name"].unique().to_list() == ["Dinas Dari Nama Berkas"]
    assert got["unit_code"].null_count() == got.height


def test_name_units_takes_the_unit_from_the_title_above_the_table() -> None:
    rows = [["SKPD : 1.02.0.00.0.00.01.0000 Dinas Kesehatan"], [None], *LRA]
    _, got, _ = stage_rows(layout_of(rows), fallback="unused")
    units = set(got.select("unit_code", "unit_name").iter_rows())
    assert units == {("1.02.0.00.0.00.01.0000", "Dinas Kesehatan")}


def test_name_units_reads_a_sipd_rekap_unit_name_from_its_organisation_row() -> None:
    rows = [
        ["Kode SKPD", "Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["1.01.0.00.0.00.01.0000", None, "Dinas Pendidikan", "1000", "400"],
        ["1.01.0.00.0.00.01.0000", "5.1.02.01", "Belanja Barang", "1000", "400"],
        ["1.02.0.00.0.00.01.0000", None, "Dinas Kesehatan", "500", "50"],
        ["1.02.0.00.0.00.01.0000", "5.1.02.01", "Belanja Barang", "500", "50"],
    ]
    layout = layout_of(rows)
    assert [c.role for c in layout.columns][:2] == ["unit_code", "account"]
    columns, got, names_units = stage_rows(layout)
    assert names_units
    heading = "heading (no account code)"
    expected = table(
        "row unit_name reason",
        (1, "Dinas Pendidikan", heading),
        (2, "Dinas Pendidikan", None),
        (3, "Dinas Kesehatan", heading),
        (4, "Dinas Kesehatan", None),
    )
    assert_frame_equal(stages.row_reasons(got, columns).select("row", "unit_name", "reason"), expected)


def test_name_units_opens_a_unit_at_each_section_row_of_the_account_column() -> None:
    rows = [
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["1.01.0.00.0.00.01.0000", "Dinas Pendidikan", "1000", "400"],
        ["5.1.02.01", "Belanja Barang", "600", "300"],
        ["5.1.02.02", "Belanja Jasa", "400", "100"],
        ["1.02.0.00.0.00.01.0000", "Dinas Kesehatan", "500", "50"],
        ["5.1.02.01", "Belanja Barang", "500", "50"],
    ]
    layout = layout_of(rows)
    assert layout.columns[0].role == "account"  # 2 unit codes in 5 cells: an account column
    _, got, names_units = stage_rows(layout)
    assert names_units
    edu, health = (
        ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan"),
        ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan"),
    )
    expected = table(
        "unit_code unit_name account_code",
        (*edu, None),
        (*edu, "5.1.02.01"),
        (*edu, "5.1.02.02"),
        (*health, None),
        (*health, "5.1.02.01"),
    )
    assert_frame_equal(got.select("unit_code", "unit_name", "account_code"), expected)


# --- stage 4: reasons -------------------------------------------------------------------------


def test_total_rows_are_the_rows_without_an_account_that_start_with_a_total_word() -> None:
    rows = table(
        "row account_code unit_name description unit_code",
        (5, None, "Dinas A", None, None),
        (6, None, "JUMLAH", None, None),
        (7, "5.1", "Total (code)", None, None),
        (8, None, None, "  Sub Total belanja", None),
        (9, None, "Dinas Jumlah", None, "Grand Total"),
    )
    assert stages.total_rows(rows).to_list() == [6, 8, 9]


def test_a_jumlah_row_is_not_a_unit() -> None:
    columns, got, _ = stage_rows(layout_of(FLAT))
    assert stages.row_reasons(got, columns)["reason"].to_list() == [None, None, "total"]
    facts = stages.normalize(layout_of(FLAT), 0, "Pemda", None, None)
    expected = budget_facts(
        (1, None, "Dinas Pendidikan", None, None, 1000.0), (2, None, "Dinas Kesehatan", None, None, 2000.0)
    )
    assert_frame_equal(facts.budget, expected)
    assert (facts.rows_used, facts.rows_skipped) == (2, {"total": 1})


def test_row_reasons_name_headings_revenue_and_rows_without_amounts() -> None:
    rows = [
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["4.1.01", "Pajak Daerah", "900", "800"],
        [None, "Urusan Pendidikan", "100", "40"],
        ["5.1.01.01", "Belanja Gaji", None, None],
        ["5.1.02.01", "Belanja Barang", "100", "40"],
        [None, "Total", "1000", "840"],
    ]
    columns, got, _ = stage_rows(layout_of(rows))
    reasons = stages.row_reasons(got, columns)["reason"].to_list()
    revenue, heading = "not spending (pendapatan/pembiayaan)", "heading (no account code)"
    assert reasons == [revenue, heading, "no amounts", None, "total"]


def test_a_row_of_a_unit_table_without_any_unit_is_skipped() -> None:
    rows = [["Nama SKPD", "Pagu", "Realisasi"], ["Dinas A", "1000", "400"], [None, "50", "5"]]
    columns, got, _ = stage_rows(layout_of(rows))
    assert stages.row_reasons(got, columns)["reason"].to_list() == [None, "no unit"]


def test_only_the_leaves_of_an_account_hierarchy_are_summed_and_the_parents_are_subtotals() -> None:
    layout = layout_of(LRA)
    columns, got, _ = stage_rows(layout)
    warnings: list[Warning_] = []
    marked = checks.mark_subtotals(stages.row_reasons(got, columns), layout, columns.measures, warnings)
    assert marked["reason"].to_list() == ["subtotal", "subtotal", "subtotal", None, None, "total"]
    assert warnings == []
    facts = stages.normalize(layout_of(LRA), 0, "Pemda", None, None)
    expected = budget_facts(
        (4, None, "Pemda", "5.1.02.01", "barang_jasa", 700.0),
        (5, None, "Pemda", "5.1.02.02", "barang_jasa", 300.0),
    )
    assert_frame_equal(facts.budget, expected)
    assert facts.realization["realized"].to_list() == [500.0, 100.0]
    assert facts.rows_skipped == {"subtotal": 3, "total": 1}
    assert facts.warnings == []


def test_a_subtotal_that_disagrees_with_its_leaves_is_warned_and_the_leaves_are_used() -> None:
    rows = [
        ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"],
        ["5.1.02", "Belanja Barang dan Jasa", "1200", "600"],
        ["5.1.02.01", "Belanja Barang", "700", "500"],
        ["5.1.02.02", "Belanja Jasa", "300", "100"],
    ]
    facts = stages.normalize(layout_of(rows), 0, "Pemda", None, None)
    assert facts.budget["budget"].to_list() == [700.0, 300.0]
    assert facts.rows_skipped == {"subtotal": 1}
    message = "subtotal 5.1.02 (Anggaran) is 1,200.00 but its rows add up to 1,000.00; the rows were used"
    assert [(w.row, w.message) for w in facts.warnings] == [(2, message)]


# --- stage 5: facts ---------------------------------------------------------------------------

BASE = {
    "source": pl.lit(0, dtype=pl.Int32),
    "file": pl.lit("tiny.xlsx"),
    "sheet": pl.lit("Rekap"),
    **{k: pl.col(k) for k in ("row", "unit_code", "unit_name", "account_code")},
}
PAGU, REAL = col(1, "Pagu", "budget"), col(2, "Realisasi", "realized")


def test_emit_facts_gives_one_budget_per_row_and_dates_the_realization_by_the_as_of_date() -> None:
    data = table(
        "row unit_code unit_name account_code m1 m2",
        (3, "1.01", "Dinas A", None, 1000.0, 250.0),
        (4, None, "Dinas B", None, None, 75.0),
    )
    slot = Slot(category="modal", period=None, budget=PAGU, realized=REAL)
    budget, realization, plan, _last_year = stages.emit_facts(
        data, [slot], BASE, labelled=False, as_of=JUN30, year=None, long_periods=False
    )
    expected = budget_facts(
        (3, "1.01", "Dinas A", None, "modal", 1000.0), (4, None, "Dinas B", None, "modal", 0.0)
    )
    assert_frame_equal(budget, expected)
    expected = realization_facts(
        (3, "1.01", "Dinas A", None, "modal", JAN1, JUN30, 250.0),
        (4, None, "Dinas B", None, "modal", JAN1, JUN30, 75.0),
    )
    assert_frame_equal(realization, expected)
    assert plan.height == 0


def test_emit_facts_count_a_budget_repeated_on_every_period_row_once() -> None:
    data = table(
        "row unit_code unit_name account_code m1 m2 period_start period_end",
        (1, None, "Dinas A", None, 900.0, 10.0, JAN1, date(2024, 1, 31)),
        (2, None, "Dinas A", None, 900.0, 20.0, date(2024, 2, 1), date(2024, 2, 29)),
        (3, None, "Dinas A", None, 900.0, 30.0, date(2024, 3, 1), MAR31),
    )
    slot = Slot(category=None, period=None, budget=PAGU, realized=REAL)
    budget, realization, _, _ = stages.emit_facts(
        data, [slot], BASE, labelled=False, as_of=None, year=2024, long_periods=True
    )
    assert_frame_equal(budget, budget_facts((3, None, "Dinas A", None, None, 900.0)))
    ends = [(date(2024, 1, 31), 10.0), (date(2024, 2, 29), 20.0), (MAR31, 30.0)]
    assert realization.select("period_end", "realized").rows() == ends


def test_quarter_columns_become_one_realization_fact_per_quarter() -> None:
    facts = stages.normalize(layout_of(QUARTERS), 0, "Pemda", None, 2024)
    a, b = [100.0, 200.0, 300.0, 400.0], [50.0, 0.0, 25.0, 0.0]  # B's "-" is zero
    expected = realization_facts(
        *[
            fact
            for (start, end), in_a, in_b in zip(QUARTER_DATES, a, b, strict=True)
            for fact in (
                (1, None, "Dinas A", None, None, start, end, in_a),
                (2, None, "Dinas B", None, None, start, end, in_b),
            )
        ]
    )
    assert_frame_equal(facts.realization, expected)
    expected = budget_facts((1, None, "Dinas A", None, None, 1000.0), (2, None, "Dinas B", None, None, 500.0))
    assert_frame_equal(facts.budget, expected)


def test_a_triwulan_column_between_months_is_a_check_and_not_counted_twice() -> None:
    layout = layout_of(MONTHS_AND_QUARTER)
    assert [s.as_dict() for s in plan_slots(layout)] == [
        {"category": None, "period": None, "budget": "B", "realized": None},
        {"category": None, "period": "month:1", "budget": None, "realized": "C"},
        {"category": None, "period": "month:2", "budget": None, "realized": "D"},
        {"category": None, "period": "month:3", "budget": None, "realized": "E"},
        {"category": None, "period": "month:4", "budget": None, "realized": "G"},
    ]
    assert [c.role for c in layout.columns if c.header == "Triwulan I"] == ["check"]
    facts = stages.normalize(layout_of(MONTHS_AND_QUARTER), 0, "Pemda", None, 2024)
    totals = facts.realization.group_by("unit_name").agg(pl.col("realized").sum()).sort("unit_name")
    assert_frame_equal(
        totals, table("unit_name realized", ("Dinas A", 10.0 + 20 + 30 + 40), ("Dinas B", 1.0 + 2 + 3 + 4))
    )
    a = facts.realization.filter(pl.col("unit_name") == "Dinas A")
    assert a["period_start"].to_list() == [JAN1, date(2024, 2, 1), date(2024, 3, 1), APR1]
    assert a["period_end"].to_list() == [date(2024, 1, 31), date(2024, 2, 29), MAR31, date(2024, 4, 30)]


def test_normalize_reads_a_flat_table_of_text_amounts_whole() -> None:
    facts = stages.normalize(layout_of(TEXT_AMOUNTS), 3, "Pemda", MAR31, None)
    expected = budget_facts(
        (1, None, "Dinas A", None, None, 1234567.89),
        (2, None, "Dinas B", None, None, 2000000.0),
        (3, None, "Dinas C", None, None, 500000.0),
        source=3,
    )
    assert_frame_equal(facts.budget, expected)
    expected = realization_facts(
        (1, None, "Dinas A", None, None, JAN1, MAR31, 1000.0),
        (2, None, "Dinas B", None, None, JAN1, MAR31, -10000.0),
        (3, None, "Dinas C", None, None, JAN1, MAR31, 0.0),
        source=3,
    )
    assert_frame_equal(facts.realization, expected)
    assert facts.slots == [{"category": None, "period": None, "budget": "B", "realized": "C"}]
    warnings = [(w.row, w.message) for w in facts.warnings]
    assert warnings == [(3, "1 negative realization amount(s) (first at row 3)")]
