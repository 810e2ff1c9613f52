"""Metrics on tiny inline budget, realization and sources frames; expected numbers by hand arithmetic."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from realisasi_cli.facts import schema
from realisasi_cli.metrics.changes import compare
from realisasi_cli.metrics.evaluate import evaluate
from realisasi_cli.metrics.pace import with_pace
from realisasi_cli.metrics.quarters import quarters
from realisasi_cli.metrics.ranking import Ranking, category_totals, rank
from realisasi_cli.metrics.units import RankOptions

TARGETS = (15.0, 40.0, 65.0, 95.0)
JAN1, MAR31, JUN30 = date(2024, 1, 1), date(2024, 3, 31), date(2024, 6, 30)
Q1, Q2 = (JAN1, MAR31), (date(2024, 4, 1), JUN30)
TO_JUNE = (JAN1, JUN30)


def budget(*rows: tuple[int, str | None, str, str | None, float]) -> pl.DataFrame:
    """Budget facts from (source, unit_code, unit_name, category, budget)."""
    facts = [
        (s, f"f{s}.xlsx", "S", i, code, name, None, cat, b) for i, (s, code, name, cat, b) in enumerate(rows)
    ]
    return pl.DataFrame(facts, schema.BUDGET_SCHEMA, orient="row")


def realization(*rows: tuple[int, str | None, str, str | None, tuple[date, date], float]) -> pl.DataFrame:
    """Realization facts from (source, unit_code, unit_name, category, (start, end), realized)."""
    facts = [
        (s, f"f{s}.xlsx", "S", i, c, n, None, cat, *days, r) for i, (s, c, n, cat, days, r) in enumerate(rows)
    ]
    return pl.DataFrame(facts, schema.REALIZATION_SCHEMA, orient="row")


def sources(*as_of: date | None) -> pl.DataFrame:
    """One source per as-of date, in the order given."""
    return pl.DataFrame(
        [(i, f"f{i}.xlsx", "S", d, i, 1.0, 1.0) for i, d in enumerate(as_of)],
        schema.SOURCES_SCHEMA,
        orient="row",
    )


def table(names: str, *rows: tuple[object, ...]) -> pl.DataFrame:
    """An expected frame by hand: column names, then rows (names and codes text, counts whole, else float)."""
    types = {"unit": pl.String, "code": pl.String, "name": pl.String, "category": pl.String}
    types |= {"rank": pl.Int64, "quarter": pl.Int64, "below_threshold": pl.Boolean}
    return pl.DataFrame(list(rows), {n: types.get(n, pl.Float64) for n in names.split()}, orient="row")


FIVE_UNITS_BUDGET = budget(
    (0, "1.01", "Dinas A", None, 100.0),
    (0, None, "Dinas B", None, 200.0),
    (0, "1.03", "Dinas C", None, 50.0),
    (0, "1.04", "Dinas D", None, 0.0),
    (0, "1.05", "Dinas E", None, 400.0),
)
FIVE_UNITS_REALIZED = realization(
    (0, "1.01", "Dinas A", None, TO_JUNE, 30.0),
    (0, None, "Dinas B", None, TO_JUNE, 120.0),
    (0, "1.03", "Dinas C", None, TO_JUNE, 20.0),
    (0, "1.03", "Dinas C", None, TO_JUNE, 10.0),  # a second line item of C
    (0, "1.04", "Dinas D", None, TO_JUNE, 5.0),
)


def five_units(threshold: float = 57.0) -> Ranking:
    return rank(FIVE_UNITS_BUDGET, FIVE_UNITS_REALIZED, sources(JUN30), RankOptions(threshold=threshold))


def ranking_of(rows: list[tuple[str, str | None, str, float]], total_pct: float) -> Ranking:
    """A ranking by hand from (unit, code, name, absorption_pct), listed as given; total budget 100."""
    units = table("unit code name absorption_pct", *rows)
    return Ranking(units, units.clear(), 100.0, total_pct, 57.0, category=None, as_of=MAR31, categories=None)


# --- ranking ----------------------------------------------------------------------------------


def test_rank_one_is_the_highest_absorption_and_the_lowest_is_listed_first() -> None:
    expected = table(
        "unit rank code name budget realized absorption_pct below_threshold",
        ("1.05", 4, "1.05", "Dinas E", 400.0, 0.0, 100 * 0 / 400, True),
        ("1.01", 3, "1.01", "Dinas A", 100.0, 30.0, 100 * 30 / 100, True),
        ("name:DINAS B", 1, None, "Dinas B", 200.0, 120.0, 100 * 120 / 200, False),
        ("1.03", 1, "1.03", "Dinas C", 50.0, 20.0 + 10.0, 100 * (20 + 10) / 50, False),
    )
    ranking = five_units()
    assert_frame_equal(ranking.units.drop("as_of", "period_start"), expected)
    # each unit carries the date of its data and the start of the period its realization covers
    assert ranking.units["as_of"].to_list() == [JUN30] * 4
    assert ranking.units["period_start"].to_list() == [None, TO_JUNE[0], TO_JUNE[0], TO_JUNE[0]]


def test_units_with_equal_absorption_are_listed_by_name() -> None:
    ranking = rank(
        budget((0, "2", "Dinas Zeta", None, 100.0), (0, "1", "Dinas Alfa", None, 300.0)),
        realization(
            (0, "2", "Dinas Zeta", None, TO_JUNE, 50.0), (0, "1", "Dinas Alfa", None, TO_JUNE, 150.0)
        ),
        sources(JUN30),
        RankOptions(),
    )
    assert ranking.units.select("name", "rank").rows() == [("Dinas Alfa", 1), ("Dinas Zeta", 1)]


def test_a_unit_without_budget_is_unranked_with_reason_no_budget() -> None:
    expected = table("unit code name realized", ("1.04", "1.04", "Dinas D", 5.0))
    expected = expected.with_columns(reason=pl.lit("no_budget"))
    ranking = five_units()
    assert_frame_equal(ranking.unranked, expected)
    assert "Dinas D" not in ranking.units["name"].to_list()


def test_below_threshold_means_strictly_under_the_threshold() -> None:
    ranking = five_units(threshold=60.0)
    assert ranking.units.select("name", "below_threshold").rows() == [
        ("Dinas E", True),
        ("Dinas A", True),
        ("Dinas B", False),  # exactly 60 is not below 60
        ("Dinas C", False),
    ]
    assert ranking.below_count == 2


def test_the_totals_count_every_unit_the_unranked_included() -> None:
    ranking = five_units()
    assert ranking.total_budget == 100.0 + 200 + 50 + 0 + 400
    assert ranking.total_realized == 30.0 + 120 + 30 + 5
    assert ranking.total_pct == pytest.approx(100 * (30 + 120 + 30 + 5) / (100 + 200 + 50 + 400))
    assert ranking.as_of == JUN30


def test_a_later_snapshot_of_a_unit_replaces_the_earlier_one() -> None:
    ranking = rank(
        budget((0, "1.01", "Dinas A", None, 100.0), (1, "1.01", "Dinas A", None, 120.0)),
        realization((1, "1.01", "Dinas A", None, TO_JUNE, 30.0), (0, "1.01", "Dinas A", None, Q1, 10.0)),
        sources(MAR31, JUN30),
        RankOptions(),
    )
    assert ranking.units.select("budget", "realized", "absorption_pct").rows() == [
        (120.0, 30.0, pytest.approx(100 * 30 / 120))
    ]
    assert ranking.as_of == JUN30


CATEGORY_BUDGET = budget(
    (0, "1.01", "Dinas A", "pegawai", 400.0),
    (0, "1.01", "Dinas A", "modal", 600.0),
    (0, "1.02", "Dinas B", "barang_jasa", 200.0),
)
CATEGORY_REALIZED = realization(
    (0, "1.01", "Dinas A", "pegawai", Q1, 100.0),
    (0, "1.01", "Dinas A", "modal", Q1, 50.0),
    (0, "1.01", "Dinas A", "pegawai", Q2, 150.0),
    (0, "1.02", "Dinas B", "barang_jasa", Q1, 20.0),
    (0, "1.02", "Dinas B", "barang_jasa", Q2, 60.0),
)


def test_ranking_one_category_counts_its_subcategories_only() -> None:
    ranking = rank(CATEGORY_BUDGET, CATEGORY_REALIZED, sources(JUN30), RankOptions(category="operasi"))
    assert ranking.units.select("name", "budget", "realized", "absorption_pct").rows() == [
        ("Dinas B", 200.0, 20.0 + 60, pytest.approx(100 * 80 / 200)),
        ("Dinas A", 400.0, 100.0 + 150, pytest.approx(100 * 250 / 400)),
    ]
    assert ranking.categories is None


def test_category_totals_sum_every_unit_per_top_level_category() -> None:
    ranking = rank(CATEGORY_BUDGET, CATEGORY_REALIZED, sources(JUN30), RankOptions())
    expected = table(
        "category budget realized absorption_pct",
        ("modal", 600.0, 50.0, 100 * 50 / 600),
        ("operasi", 400.0 + 200, 100.0 + 150 + 20 + 60, 100 * (100 + 150 + 20 + 60) / (400 + 200)),
    )
    assert_frame_equal(category_totals(ranking), expected)


def test_category_totals_are_empty_when_no_fact_has_a_category() -> None:
    totals = category_totals(five_units())
    assert totals.height == 0
    assert totals.columns == ["category", "budget", "realized", "absorption_pct"]


# --- quarters ---------------------------------------------------------------------------------


def test_quarters_give_the_realization_within_each_quarter_and_the_cumulative_against_targets() -> None:
    series = quarters(CATEGORY_BUDGET, CATEGORY_REALIZED, sources(JUN30), RankOptions(), TARGETS)
    a, b = 400.0 + 600, 200.0
    expected = table(
        "unit quarter realized cumulative cumulative_pct target_pct gap_pp",
        ("1.01", 1, 100.0 + 50, 150.0, 100 * 150 / a, 15.0, 100 * 150 / a - 15),
        ("1.01", 2, 150.0, 150.0 + 150, 100 * 300 / a, 40.0, 100 * 300 / a - 40),
        ("1.02", 1, 20.0, 20.0, 100 * 20 / b, 15.0, 100 * 20 / b - 15),
        ("1.02", 2, 60.0, 20.0 + 60, 100 * 80 / b, 40.0, 100 * 80 / b - 40),
    )
    assert_frame_equal(series.units.select(expected.columns), expected)
    assert series.last_quarter == 2
    assert series.as_of == JUN30
    assert series.warnings == []


def test_the_total_of_each_quarter_is_measured_over_every_units_budget() -> None:
    series = quarters(CATEGORY_BUDGET, CATEGORY_REALIZED, sources(JUN30), RankOptions(), TARGETS)
    whole = 400.0 + 600 + 200
    expected = table(
        "quarter budget realized cumulative cumulative_pct target_pct gap_pp",
        (1, whole, 100.0 + 50 + 20, 170.0, 100 * 170 / whole, 15.0, 100 * 170 / whole - 15),
        (2, whole, 150.0 + 60, 170.0 + 210, 100 * 380 / whole, 40.0, 100 * 380 / whole - 40),
    )
    assert_frame_equal(series.total.select(expected.columns).sort("quarter"), expected)


def test_a_unit_without_payments_in_a_later_quarter_keeps_its_cumulative() -> None:
    series = quarters(
        budget((0, "1", "Dinas A", None, 100.0), (0, "2", "Dinas B", None, 100.0)),
        realization(
            (0, "1", "Dinas A", None, Q1, 10.0),
            (0, "1", "Dinas A", None, Q2, 30.0),
            (0, "2", "Dinas B", None, Q1, 25.0),
        ),
        sources(JUN30),
        RankOptions(),
        TARGETS,
    )
    b = series.units.filter(pl.col("unit") == "2").select("quarter", "realized", "cumulative", "gap_pp")
    assert b.rows() == [(1, 25.0, 25.0, 25.0 - 15), (2, 0.0, 25.0, 25.0 - 40)]


# --- pace -------------------------------------------------------------------------------------


def test_with_pace_adds_the_pace_and_leaves_the_input_ranking_as_it_was() -> None:
    ranking = rank(
        budget((0, "1", "Dinas A", None, 100.0)),
        realization((0, "1", "Dinas A", None, TO_JUNE, 40.0)),
        sources(JUN30),
        RankOptions(),
    )
    before = ranking.units.clone()
    paced, total = with_pace(ranking, (15.0, 40.0, 65.0, 95.0))
    assert_frame_equal(ranking.units, before)
    assert "monthly_pct" not in ranking.units.columns
    assert paced is not ranking
    elapsed = 6.0  # 30 June: five whole months and all of June
    expected = before.with_columns(
        monthly_pct=pl.lit(40 / elapsed),
        projected_pct=pl.lit(40 / elapsed * 12),
        needed_monthly_pct=pl.lit((95 - 40) / (12 - elapsed)),
        target_to_date_pct=pl.lit(40.0),  # 30 June is TW II's last day: its full target
        gap_to_date_pp=pl.lit(0.0),
    )
    assert_frame_equal(paced.units, expected)
    assert total == {
        "monthly_pct": pytest.approx(40 / 6),  # 6.67 % a month
        "projected_pct": pytest.approx(80.0),
        "needed_monthly_pct": pytest.approx((95 - 40) / 6),
        "target_to_date_pct": 40.0,
        "gap_to_date_pp": 0.0,
    }


def test_the_pace_needed_is_zero_once_the_target_is_reached() -> None:
    ranking = rank(
        budget((0, "1", "Dinas A", None, 100.0)),
        realization((0, "1", "Dinas A", None, (JAN1, date(2024, 9, 30)), 97.0)),
        sources(date(2024, 9, 30)),
        RankOptions(),
    )
    paced, total = with_pace(ranking, (15.0, 40.0, 65.0, 95.0))
    assert paced.units["needed_monthly_pct"].to_list() == [0.0]
    assert total["monthly_pct"] == pytest.approx(97 / 9)
    assert total["needed_monthly_pct"] == 0.0


def test_each_units_pace_is_on_its_own_data_date() -> None:
    oct31, nov30 = date(2024, 10, 31), date(2024, 11, 30)
    ranking = rank(
        budget((0, "1", "Dinas A", None, 100.0), (1, "2", "Dinas B", None, 100.0)),
        realization(
            (0, "1", "Dinas A", None, (JAN1, oct31), 50.0), (1, "2", "Dinas B", None, (JAN1, nov30), 66.0)
        ),
        sources(oct31, nov30),
        RankOptions(),
    )
    paced, total = with_pace(ranking, (15.0, 40.0, 65.0, 95.0))
    rows = {r["name"]: r for r in paced.units.iter_rows(named=True)}
    # Dinas A's export stands at 31 October: ten months gone, two to go
    assert rows["Dinas A"]["monthly_pct"] == pytest.approx(5.0)
    assert rows["Dinas A"]["projected_pct"] == pytest.approx(60.0)
    assert rows["Dinas A"]["needed_monthly_pct"] == pytest.approx((95 - 50) / 2)
    # Dinas B's at 30 November: eleven months gone
    assert rows["Dinas B"]["monthly_pct"] == pytest.approx(6.0)
    assert rows["Dinas B"]["needed_monthly_pct"] == pytest.approx(95 - 66.0)
    # the whole government's: the units' own, weighted by budget (as its target is), not 116 of
    # 200 over the newest date's eleven months
    assert total["monthly_pct"] == pytest.approx((5.0 * 100 + 6.0 * 100) / 200)
    assert total["projected_pct"] == pytest.approx(12 * 5.5)


def test_the_pace_is_unknown_without_an_as_of_date() -> None:
    ranking = rank(
        budget((0, "1", "Dinas A", None, 100.0)),
        realization((0, "1", "Dinas A", None, TO_JUNE, 40.0)),
        sources(None),
        RankOptions(),
    )
    paced, total = with_pace(ranking, (15.0, 40.0, 65.0, 95.0))
    assert paced.units.select("monthly_pct", "projected_pct", "needed_monthly_pct").rows() == [
        (None, None, None)
    ]
    assert total == dict.fromkeys(
        ("monthly_pct", "projected_pct", "needed_monthly_pct", "target_to_date_pct", "gap_to_date_pp")
    )


# --- changes ----------------------------------------------------------------------------------


def test_compare_gives_the_points_each_unit_gained_since_the_previous_ranking() -> None:
    previous = ranking_of([("1", "1", "Dinas A", 10.0), ("2", "2", "Dinas B", 35.0)], total_pct=20.0)
    current = ranking_of(
        [("1", "1", "Dinas A", 25.0), ("2", "2", "Dinas B", 40.0), ("3", "3", "Dinas Baru", 50.0)],
        total_pct=32.5,
    )
    changes = compare(current, previous, bottom=2)
    assert changes.change_pp == {"1": 25.0 - 10, "2": 40.0 - 35, "3": None}
    # Dinas Baru was not seen before: the totals cover other units, so they are not compared
    assert changes.total_change_pp is None
    assert (changes.compared, changes.units) == (2, 3)


def test_the_total_change_is_told_when_the_same_units_are_seen_before_and_now() -> None:
    previous = ranking_of([("1", "1", "Dinas A", 10.0), ("2", "2", "Dinas B", 35.0)], total_pct=20.0)
    current = ranking_of([("1", "1", "Dinas A", 25.0), ("2", "2", "Dinas B", 40.0)], total_pct=32.5)
    changes = compare(current, previous, bottom=2)
    assert changes.total_change_pp == pytest.approx(32.5 - 20.0)
    assert (changes.compared, changes.units) == (2, 2)
    assert changes.previous_as_of == MAR31


def test_compare_matches_a_previous_unit_by_its_name_when_the_code_is_new() -> None:
    previous = ranking_of([("name:DINAS KESEHATAN", None, "Dinas  Kesehatan.", 12.0)], total_pct=12.0)
    current = ranking_of([("1.02", "1.02", "DINAS KESEHATAN", 30.0)], total_pct=30.0)
    changes = compare(current, previous, bottom=5)
    assert changes.change_pp == {"1.02": 30.0 - 12.0}
    assert changes.entered_bottom == []
    assert changes.left_bottom == []


def test_compare_tells_who_entered_and_who_left_the_bottom_list() -> None:
    previous = ranking_of(
        [("1", "1", "Dinas A", 10.0), ("2", "2", "Dinas B", 20.0), ("3", "3", "Dinas C", 30.0)],
        total_pct=20.0,
    )
    current = ranking_of(
        [("3", "3", "Dinas C", 31.0), ("2", "2", "Dinas B", 35.0), ("1", "1", "Dinas A", 50.0)],
        total_pct=40.0,
    )
    changes = compare(current, previous, bottom=2)
    assert changes.entered_bottom == [{"code": "3", "name": "Dinas C"}]
    assert changes.left_bottom == [{"code": "1", "name": "Dinas A"}]


# --- evaluate ---------------------------------------------------------------------------------


def two_snapshots() -> schema.Dataset:
    """March and June snapshots of two units; each realization is cumulative from 1 January."""
    return schema.Dataset(
        budget=budget(
            (0, "1", "Dinas A", None, 1000.0),
            (0, "2", "Dinas B", None, 500.0),
            (1, "1", "Dinas A", None, 1000.0),
            (1, "2", "Dinas B", None, 500.0),
        ),
        realization=realization(
            (0, "1", "Dinas A", None, Q1, 100.0),
            (0, "2", "Dinas B", None, Q1, 50.0),
            (1, "1", "Dinas A", None, TO_JUNE, 400.0),
            (1, "2", "Dinas B", None, TO_JUNE, 100.0),
        ),
        plan=pl.DataFrame(schema=schema.PLAN_SCHEMA),
        physical=pl.DataFrame(schema=schema.PHYSICAL_SCHEMA),
        sources=sources(MAR31, JUN30),
        sheets=[],
        warnings=[],
    )


def test_evaluate_ranks_the_newest_snapshot_and_compares_it_with_the_older() -> None:
    result = evaluate(two_snapshots(), RankOptions(), TARGETS, bottom=1)
    assert result.ranking.units.select("name", "rank", "absorption_pct").rows() == [
        ("Dinas B", 2, 100 * 100 / 500),
        ("Dinas A", 1, 100 * 400 / 1000),
    ]
    assert result.as_of == JUN30
    assert result.current_target == (2, 40.0, 40.0)  # 30 June closes TW II: the full target
    assert result.changes is not None
    assert result.changes.change_pp == {
        "2": pytest.approx(100 * 100 / 500 - 100 * 50 / 500),
        "1": pytest.approx(100 * 400 / 1000 - 100 * 100 / 1000),
    }
    # in March A and B both stood at 10 %: A came first by name; now B is the lowest
    assert result.changes.entered_bottom == [{"code": "2", "name": "Dinas B"}]
    assert result.changes.left_bottom == [{"code": "1", "name": "Dinas A"}]
    assert result.changes.total_change_pp == pytest.approx(100 * 500 / 1500 - 100 * 150 / 1500)


def test_evaluate_builds_the_quarters_from_the_snapshots_and_the_pace_of_the_whole() -> None:
    result = evaluate(two_snapshots(), RankOptions(), TARGETS)
    assert result.quarters is not None
    assert result.quarters.units.select("unit", "quarter", "realized", "cumulative_pct", "gap_pp").rows() == [
        ("1", 1, 100.0, 100 * 100 / 1000, 100 * 100 / 1000 - 15),
        ("1", 2, 400.0 - 100, 100 * 400 / 1000, 100 * 400 / 1000 - 40),
        ("2", 1, 50.0, 100 * 50 / 500, 100 * 50 / 500 - 15),
        ("2", 2, 100.0 - 50, 100 * 100 / 500, 100 * 100 / 500 - 40),
    ]
    total_pct = 100 * (400 + 100) / (1000 + 500)
    assert result.pace == {
        "monthly_pct": pytest.approx(total_pct / 6),
        "projected_pct": pytest.approx(total_pct / 6 * 12),
        "needed_monthly_pct": pytest.approx((95 - total_pct) / 6),
        "target_to_date_pct": 40.0,
        "gap_to_date_pp": pytest.approx(total_pct - 40),
    }
    assert "monthly_pct" in result.ranking.units.columns
    assert result.categories.height == 0


def test_evaluate_leaves_out_what_a_command_does_not_show() -> None:
    result = evaluate(two_snapshots(), RankOptions(), TARGETS, paced=False, by_quarter=False)
    assert result.quarters is None
    assert result.pace == {}
    assert "monthly_pct" not in result.ranking.units.columns


def facts_of(budgets: pl.DataFrame, realized: pl.DataFrame, dates: pl.DataFrame) -> schema.Dataset:
    return schema.Dataset(
        budget=budgets,
        realization=realized,
        plan=pl.DataFrame(schema=schema.PLAN_SCHEMA),
        physical=pl.DataFrame(schema=schema.PHYSICAL_SCHEMA),
        sources=dates,
        sheets=[],
        warnings=[],
    )


def test_per_unit_uploads_of_different_dates_give_no_changes_and_no_falls() -> None:
    # each unit in one file only: an upload of March is not an earlier snapshot of another unit
    dataset = facts_of(
        budget((0, "1", "Dinas A", None, 1000.0), (1, "2", "Dinas B", None, 500.0)),
        realization((0, "1", "Dinas A", None, Q1, 300.0), (1, "2", "Dinas B", None, TO_JUNE, 100.0)),
        sources(MAR31, JUN30),
    )
    result = evaluate(dataset, RankOptions(), TARGETS, by_quarter=False)
    assert result.changes is None
    assert result.decreases == []
    assert result.ranking.units.select("name", "absorption_pct").rows() == [
        ("Dinas B", 100 * 100 / 500),
        ("Dinas A", 100 * 300 / 1000),
    ]


def test_a_fall_between_two_files_of_the_same_date_is_warned() -> None:
    # Dinas A stands at 100 at 30 June in the later file (order 1) and at 50 in the earlier one,
    # which runs to 30 September (Dinas B's line): A's 50 is carried to that date, a fall
    sep30 = date(2024, 9, 30)
    dataset = facts_of(
        budget(
            (0, "1", "Dinas A", None, 1000.0),
            (0, "2", "Dinas B", None, 500.0),
            (1, "1", "Dinas A", None, 1000.0),
        ),
        realization(
            (0, "1", "Dinas A", None, TO_JUNE, 50.0),
            (0, "2", "Dinas B", None, (JAN1, sep30), 200.0),
            (1, "1", "Dinas A", None, TO_JUNE, 100.0),
        ),
        sources(sep30, JUN30),
    )
    result = evaluate(dataset, RankOptions(), TARGETS, by_quarter=False)
    fell = [(w.code, w.params["unit"], w.params["before"], w.params["after"]) for w in result.decreases]
    assert fell == [("W-CUMULATIVE-FELL", "Dinas A", 100.0, 50.0)]


def test_a_unit_whose_first_payment_comes_in_a_later_quarter_stood_at_zero_before() -> None:
    """One register covering January to June: Dinas B pays first in Q2, so its Q1 is 0, not unknown."""
    result = quarters(
        budget((0, "1", "Dinas A", None, 100.0), (0, "2", "Dinas B", None, 100.0)),
        realization(
            (0, "1", "Dinas A", None, Q1, 10.0),
            (0, "1", "Dinas A", None, Q2, 30.0),
            (0, "2", "Dinas B", None, Q2, 25.0),
        ),
        sources(JUN30),
        RankOptions(),
        (15.0, 40.0, 65.0, 95.0),
    )
    b = result.units.filter(pl.col("name") == "Dinas B").sort("quarter")
    assert b.select("quarter", "realized", "cumulative").rows() == [(1, 0.0, 0.0), (2, 25.0, 25.0)]
    total = result.total.sort("quarter")
    assert total.select("realized", "cumulative", "units_reporting", "units_total").rows() == [
        (10.0, 10.0, 2, 2),
        (30.0 + 25.0, 10.0 + 30.0 + 25.0, 2, 2),
    ]
