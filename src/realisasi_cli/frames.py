"""Polars operations on small frames, without a hand-off to Polars' thread pool.

Polars runs a select or ``with_columns`` of several expressions, and every filter, on its thread
pool. Handing the work over and waiting for it costs ~80–100 µs (measured with Polars 2.1 on two
cores: a filter of 40 rows 96 µs, the same rows filtered column by column 14 µs; a select of three
expressions 106 µs, sequentially 36 µs), more than the work itself on the few dozen rows of a
sheet, and normalizing a sheet runs some fifty such operations. Below ``SMALL`` rows, or where the
pool has a single thread (a process reading files beside others: the processes are the
parallelism), these helpers take the sequential path; a big sheet keeps the pool.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, TypeAlias

import polars as pl

SMALL = 20_000  # rows: below this the pool's hand-off costs more than it saves

Into: TypeAlias = pl.Expr | pl.Series | str | Iterable[pl.Expr | pl.Series | str]
Schema: TypeAlias = Mapping[str, pl.DataType | type[pl.DataType]]


@cache
def _one_thread() -> bool:
    return pl.thread_pool_size() == 1


def sequential(frame: pl.DataFrame) -> bool:
    """Whether operations on ``frame`` are faster without the thread pool."""
    return frame.height < SMALL or _one_thread()


def select(frame: pl.DataFrame, *exprs: Into, **named: Into) -> pl.DataFrame:
    """``frame.select(...)``, sequentially where that is faster."""
    if sequential(frame):
        return frame.select_seq(*exprs, **named)
    return frame.select(*exprs, **named)


def with_columns(frame: pl.DataFrame, *exprs: Into, **named: Into) -> pl.DataFrame:
    """``frame.with_columns(...)``, sequentially where that is faster."""
    if sequential(frame):
        return frame.with_columns_seq(*exprs, **named)
    return frame.with_columns(*exprs, **named)


def filter_rows(frame: pl.DataFrame, predicate: pl.Expr | pl.Series) -> pl.DataFrame:
    """``frame.filter(predicate)``: the rows where ``predicate`` is true (null counts as false),
    column by column where that is faster."""
    if not sequential(frame) or not frame.width:
        return frame.filter(predicate)
    mask = predicate if isinstance(predicate, pl.Series) else frame.select_seq(predicate).to_series()
    if mask.len() != frame.height:  # a literal: every row or none
        return frame.filter(predicate)
    return pl.DataFrame([column.filter(mask) for column in frame.iter_columns()], schema=frame.schema)


_EMPTY: dict[tuple[tuple[str, str], ...], pl.DataFrame] = {}


def empty(schema: Schema) -> pl.DataFrame:
    """A frame of no rows with ``schema`` (building one from a schema costs ~110 µs; a kept one is
    cleared in ~1 µs)."""
    key = tuple((name, repr(dtype)) for name, dtype in schema.items())
    kept = _EMPTY.get(key)
    if kept is None:
        kept = _EMPTY[key] = pl.DataFrame(schema=dict(schema))
    return kept.clear()


def concat(frames: Sequence[pl.DataFrame], schema: Schema) -> pl.DataFrame:
    """The ``frames`` one under the other; a frame of ``schema`` and no rows when there are none."""
    if not frames:
        return empty(schema)
    if len(frames) == 1:
        return frames[0]
    return pl.concat(frames)


LOOKUP_IN_PYTHON = 2_000  # values: below this a dictionary beats replace_strict's ~400 µs


def lookup(values: pl.Series, mapping: Mapping[Any, Any], dtype: pl.DataType) -> pl.Series:
    """Each of ``values`` replaced by what ``mapping`` gives it, null where it gives nothing
    (``replace_strict(mapping, default=None)``): by a dictionary in Python for a short column,
    where Polars' replace would build its table for a few dozen rows."""
    if values.len() < LOOKUP_IN_PYTHON:
        return pl.Series(values.name, [mapping.get(v) for v in values.to_list()], dtype=dtype)
    return values.replace_strict(dict(mapping), default=None, return_dtype=dtype)
