"""The sequential Polars paths for small frames give what Polars' own operations give."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from realisasi_cli import frames as fr

SCHEMA = {"row": pl.Int64, "account_code": pl.String, "m": pl.Float64}


def _rows(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "row": list(range(n)),
            "account_code": [None if i % 4 == 0 else f"5.1.{i}" for i in range(n)],
            "m": [None if i % 3 == 0 else float(i) for i in range(n)],
        },
        schema=SCHEMA,
    )


def test_filter_rows_keeps_rows_where_the_predicate_is_true_and_drops_nulls() -> None:
    frame = _rows(7)  # m: None 1 2 None 4 5 None; account: None 5.1.1 5.1.2 5.1.3 None 5.1.5 5.1.6
    got = fr.filter_rows(frame, pl.col("m") > 1.5)  # null m: the predicate is null, the row goes
    assert got["row"].to_list() == [2, 4, 5]
    assert got.schema == frame.schema
    both = fr.filter_rows(frame, pl.col("account_code").is_not_null() & (pl.col("m") < 5))
    assert both["row"].to_list() == [1, 2]


def test_filter_rows_takes_a_series_mask_and_a_literal() -> None:
    frame = _rows(5)
    mask = pl.Series([True, None, False, True, True])
    assert fr.filter_rows(frame, mask)["row"].to_list() == [0, 3, 4]
    assert fr.filter_rows(frame, pl.lit(True)).height == 5
    assert fr.filter_rows(frame, pl.lit(False)).height == 0
    assert fr.filter_rows(frame, pl.lit(False)).schema == frame.schema


def test_a_big_frame_takes_polars_own_path_with_the_same_result() -> None:
    frame = _rows(fr.SMALL + 9)
    assert not fr.sequential(frame) or pl.thread_pool_size() == 1
    got = fr.filter_rows(frame, pl.col("m").is_not_null() & pl.col("account_code").is_not_null())
    # every third m and every fourth account are null: 1 - 1/3 - 1/4 + 1/12 of the rows stay
    n = fr.SMALL + 9
    expected = sum(1 for i in range(n) if i % 3 and i % 4)
    assert got.height == expected
    assert_frame_equal(fr.select(frame, "row", x=pl.col("m") * 2), frame.select("row", x=pl.col("m") * 2))


def test_select_and_with_columns_match_polars() -> None:
    frame = _rows(6)
    assert fr.select(frame, ["row", "m"]).columns == ["row", "m"]
    got = fr.with_columns(frame, double=pl.col("m") * 2, code=pl.col("account_code").fill_null("-"))
    assert got["double"].to_list() == [None, 2.0, 4.0, None, 8.0, 10.0]
    assert got["code"].to_list() == ["-", "5.1.1", "5.1.2", "5.1.3", "-", "5.1.5"]


def test_empty_frames_have_the_schema_and_are_not_shared() -> None:
    first = fr.empty(SCHEMA)
    assert first.height == 0
    assert first.schema == pl.Schema(SCHEMA)
    second = fr.empty(SCHEMA)
    second = second.with_columns(extra=pl.lit(1))
    assert fr.empty(SCHEMA).columns == ["row", "account_code", "m"]


@pytest.mark.parametrize("n", [0, 1, 3])
def test_concat_of_none_one_and_several(n: int) -> None:
    parts = [_rows(2 + i) for i in range(n)]
    got = fr.concat(parts, SCHEMA)
    assert got.height == sum(2 + i for i in range(n))
    assert got.schema == pl.Schema(SCHEMA)


@pytest.mark.parametrize("n", [5, fr.LOOKUP_IN_PYTHON + 5])
def test_lookup_maps_known_values_and_leaves_the_rest_null(n: int) -> None:
    values = pl.Series("account_code", [["5.1.02", "5.2.03", None, "4.1"][i % 4] for i in range(n)])
    got = fr.lookup(values, {"5.1.02": "barang_jasa", "5.2.03": "modal"}, pl.String())
    expected = [["barang_jasa", "modal", None, None][i % 4] for i in range(n)]
    assert got.to_list() == expected
    assert got.dtype == pl.String and got.name == "account_code"
