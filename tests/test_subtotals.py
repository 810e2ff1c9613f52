"""Subtotal rows found row by row (a small sheet) and with window expressions (a big one): the
same rows, the same checks, worked out here by hand for a few sheets and compared on random ones."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realisasi_cli.facts import subtotals as sub

NAMES = ["m5", "m6"]


def spending(rows: list[tuple[str, str | None, str | None, str, float | None, float | None]]) -> pl.DataFrame:
    """Account rows as ``checks.mark_subtotals`` hands them over: (code, unit code, unit name,
    activity, budget, realization), numbered from sheet row 10."""
    return pl.DataFrame(
        {
            "row": list(range(10, 10 + len(rows))),
            "account_code": [r[0] for r in rows],
            "unit_code": [r[1] for r in rows],
            "unit_name": [r[2] for r in rows],
            "activity": [r[3] for r in rows],
            "m5": [r[4] for r in rows],
            "m6": [r[5] for r in rows],
        },
        schema={
            "row": pl.Int64,
            "account_code": pl.String,
            "unit_code": pl.String,
            "unit_name": pl.String,
            "activity": pl.String,
            "m5": pl.Float64,
            "m6": pl.Float64,
        },
    )


def both(frame: pl.DataFrame) -> tuple[list[int], list[sub.Mismatch]]:
    """Both ways, which must agree; the answer."""
    by_row = sub._by_row(frame, NAMES)
    by_window = sub._by_window(frame, NAMES)
    assert by_row == by_window
    return by_row


U = ("1.01", "Dinas Pendidikan")


def test_a_hierarchy_whose_levels_add_up() -> None:
    frame = spending(
        [
            ("5", *U, "", 300.0, 30.0),
            ("5.1", *U, "", 300.0, 30.0),
            ("5.1.02", *U, "", 100.0, 10.0),
            ("5.1.02.01", *U, "", 100.0, 10.0),
            ("5.1.03", *U, "", 200.0, 20.0),
        ]
    )
    # rows 10, 11, 12 are levels above the leaves 13 and 14 (found level by level); all add up
    assert both(frame) == ([10, 11, 12], [])


def test_a_subtotal_that_does_not_add_up_is_named_with_both_amounts() -> None:
    frame = spending(
        [
            ("5.1", *U, "", 300.0, 31.5),
            ("5.1.02", *U, "", 100.0, 10.0),
            ("5.1.03", *U, "", 199.5, 20.0),
        ]
    )
    # 0.5 off the budget is rounding (under 1 rupiah); 1.5 off the realization is not
    assert both(frame) == ([10], [(10, "5.1", "m6", 31.5, 30.0)])


def test_blocks_end_at_the_next_row_of_their_level_and_in_their_unit() -> None:
    other = ("1.02", "Dinas Kesehatan")
    frame = spending(
        [
            ("5.1", *U, "", 10.0, 1.0),
            ("5.1.01", *U, "", 4.0, 1.0),
            ("5.1.02", *other, "", 99.0, 9.0),  # another unit's row: not in the block
            ("5.1.02", *U, "", 6.0, 0.0),
            ("5.2", *U, "", 7.0, 0.0),  # a leaf at the parent's level closes its block
            ("5.3", *U, "", 5.0, 0.0),
        ]
    )
    assert both(frame) == ([10], [])


def test_a_flat_list_of_varying_depth_stays_leaves() -> None:
    # 5.2.2.01 followed by a deeper account not under it, whose amounts differ: two line items
    frame = spending(
        [
            ("5.2.2.01", *U, "", 50.0, 5.0),
            ("5.1.02.01.01.0024", *U, "", 70.0, 7.0),
            ("5.1.02.01.01.0025", *U, "", 80.0, 8.0),
        ]
    )
    assert both(frame) == ([], [])


def test_an_old_style_heading_over_its_sums_is_a_subtotal_but_not_checked() -> None:
    frame = spending(
        [
            ("5.2.2", *U, "", 150.0, 15.0),
            ("5.1.02.01.01.0024", *U, "", 70.0, 7.0),
            ("5.1.02.01.01.0025", *U, "", 80.0, 8.0),
        ]
    )
    # its block's codes do not start with its own: whether it adds up is evidence, not a check
    assert both(frame) == ([10], [])


def test_a_unit_without_a_code_is_not_a_unit_with_an_empty_one() -> None:
    frame = spending(
        [
            ("5.1", None, "Dinas", "", 10.0, 1.0),
            ("5.1.01", "", "Dinas", "", 10.0, 1.0),
        ]
    )
    assert both(frame) == ([], [])


segment = st.sampled_from(["1", "2", "02", "01", "0024"])
amount = st.one_of(st.none(), st.integers(-5, 400).map(float))
unit_code = st.sampled_from([None, "", "1.01", "1.02"])
unit = st.tuples(unit_code, st.sampled_from([None, "", "Dinas A", "Dinas B"]))
activity = st.sampled_from(["", "1.01.01|2", "1.01.02|1"])


@st.composite
def sheets(draw: st.DrawFn) -> pl.DataFrame:
    """Random account rows walking a chart of accounts (down a level, to a sibling, back up, or
    to a code of another scheme), in runs of a unit and of an activity, some rows set to the sum of
    the rows under them (give or take a rupiah), as an export's levels are: integer amounts,
    whose sums no order of adding changes."""
    rows: list[list[object]] = []
    code = "5"
    key = draw(unit), draw(activity)
    for _ in range(draw(st.integers(0, 40))):
        step = draw(st.sampled_from(["down", "down", "sibling", "up", "other"]))
        parts = code.split(".")
        if step == "down" and len(parts) < 6:
            code = f"{code}.{draw(segment)}"
        elif step == "sibling" and len(parts) > 1:
            code = ".".join([*parts[:-1], draw(segment)])
        elif step == "up" and len(parts) > 1:
            code = ".".join(parts[: draw(st.integers(1, len(parts) - 1))])
        elif step == "other":
            code = draw(st.sampled_from(["5.2.2", "5.2.2.01", "5.1.02.01.01.0024", "4.1"]))
        switch = draw(st.sampled_from(["", "", "", "unit", "activity"]))
        if switch == "unit":
            key = draw(unit), key[1]
        elif switch == "activity":
            key = key[0], draw(activity)
        rows.append([code, *key[0], key[1], draw(amount), draw(amount)])
    for i in reversed(range(len(rows))):
        if draw(st.booleans()):
            under = [r for r in rows[i + 1 : i + 8] if str(r[0]).startswith(f"{rows[i][0]}.")]
            off = draw(st.sampled_from([0.0, 1.0, 2.0]))
            rows[i][4] = sum(float(r[4] or 0.0) for r in under) + off  # type: ignore[arg-type]
            rows[i][5] = sum(float(r[5] or 0.0) for r in under)  # type: ignore[arg-type]
    return spending([tuple(r) for r in rows])  # type: ignore[misc]  # six fields, as drawn


@settings(max_examples=400, deadline=None)
@given(sheets())
def test_row_by_row_and_windows_agree_on_any_sheet(frame: pl.DataFrame) -> None:
    both(frame)


@pytest.mark.parametrize("height", [sub.FEW_ROWS - 1, sub.FEW_ROWS])
def test_sheets_either_side_of_the_threshold_give_their_subtotals(height: int) -> None:
    codes = ["5.1", "5.1.01", "5.1.02"] * (height // 3 + 1)
    frame = spending([(c, *U, "", 2.0 if c == "5.1" else 1.0, None) for c in codes[:height]])
    found, mismatches = sub.subtotals(frame, NAMES)
    assert len(found) == len(range(0, height - 1, 3))  # every 5.1 followed by its two leaves
    assert mismatches == []
