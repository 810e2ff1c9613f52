"""Subtotal rows: the account rows that are levels above the leaves, and those among them to check.

A row followed by a deeper account is one when that account is under its code, or, under a
mixed scheme (old-style ``5.2.2.01`` over ``5.1.02.01.01.0024``), when its amounts are the sum
of the leaves below it. A flat list of line items of varying depth stays leaves. Only blocks
whose every code starts with the parent's are checked: under a mixed scheme the block's end
cannot be told from the codes.

A row's *block* at its level is the rows after it in its group (unit and activity) up to the
next row at its level or above. Worked out with window expressions on a big sheet, row by row on
a smaller one, where each level's windows cost more than walking the rows (one Polars thread,
three levels: 30 rows 4.6 ms in windows and 0.05 ms row by row, 2,000 rows 9.8 and 2.9 ms; the
windows win from ~4,000 rows). Both ways give the same rows and sums (``tests/test_subtotals.py``).
"""

from __future__ import annotations

import re

import polars as pl

from realisasi_cli import frames as fr

TOLERANCE = 1.0  # rupiah: differences below this are rounding in the export
# below this many account rows the blocks are found row by row
FEW_ROWS = 2_000

# an old-style heading (5.2.2.02, single-digit third segment) over one new-style account is one
_OLD_STYLE = r"^5\.[12]\.\d(\.\d+)?$"
_OLD_STYLE_RE = re.compile(_OLD_STYLE)
_GROUP = ("unit_code", "unit_name", "activity")  # a row's group: its unit and activity


Mismatch = tuple[int, str, str, float, float]  # sheet row, account code, amount column, shown, summed


def subtotals(spending: pl.DataFrame, names: list[str]) -> tuple[list[int], list[Mismatch]]:
    """The sheet rows (``row``) of ``spending``'s subtotals, and the checked subtotals whose leaves
    add up to another amount than theirs, amount column by amount column (``names``, in order).

    ``spending`` is the account rows in sheet order: ``row``, ``account_code``, ``unit_code``,
    ``unit_name``, ``activity`` and the amount columns ``names``.
    """
    if spending.height < FEW_ROWS:
        return _by_row(spending, names)
    return _by_window(spending, names)


def _agrees(shown: float | None, summed: float | None) -> bool:
    return abs((shown or 0.0) - (summed or 0.0)) <= TOLERANCE


def _by_row(spending: pl.DataFrame, names: list[str]) -> tuple[list[int], list[Mismatch]]:
    """``subtotals`` walking the rows: each parent's block at its level, in its group."""
    rows = spending.get_column("row").to_list()
    codes: list[str] = spending.get_column("account_code").to_list()
    # a missing unit code or name is not an empty one
    group = list(zip(*(spending.get_column(k).to_list() for k in _GROUP), strict=True))
    amounts = [spending.get_column(n).to_list() for n in names]
    n = len(codes)
    depth = [code.count(".") + 1 for code in codes]
    parent = [i + 1 < n and depth[i + 1] > depth[i] and group[i + 1] == group[i] for i in range(n)]
    if not any(parent):
        return [], []
    members: dict[int, list[int]] = {}  # a parent's row index → the deeper rows of its block
    open_block: dict[object, int] = {}  # per group and level: the parent whose block is open
    for level in sorted({depth[i] for i in range(n) if parent[i]}):
        open_block.clear()
        for i in range(n):
            if depth[i] <= level:
                if parent[i] and depth[i] == level:
                    open_block[group[i]] = i
                    members[i] = []
                else:
                    open_block.pop(group[i], None)
            elif (head := open_block.get(group[i])) is not None:
                members[head].append(i)
    found: list[int] = []
    checked: list[tuple[int, list[float]]] = []  # parents to check, with their leaves' sums
    for i in sorted(members, key=lambda i: (depth[i], i)):  # as the windows find them: level by level
        block = members[i]  # never empty: a parent's next row is deeper, in its group
        leaves = [j for j in block if not parent[j]]
        sums = [_sum(values, leaves) for values in amounts]
        under = codes[i + 1].startswith(codes[i] + ".")
        counts = len(leaves) >= 2 or _OLD_STYLE_RE.search(codes[i]) is not None
        if under or (counts and all(_agrees(v[i], s) for v, s in zip(amounts, sums, strict=True))):
            found.append(rows[i])
            if under and all(codes[j].startswith(codes[i] + ".") for j in block):
                checked.append((i, sums))
    mismatches = [
        (rows[i], codes[i], name, values[i] or 0.0, summed)
        for k, (name, values) in enumerate(zip(names, amounts, strict=True))
        for i, sums in checked
        if not _agrees(values[i], summed := sums[k])
    ]
    return found, mismatches


def _sum(values: list[float | None], rows: list[int]) -> float:
    total = 0.0
    for j in rows:
        value = values[j]
        if value is not None:
            total += value
    return total


def _depth() -> pl.Expr:
    """How many segments an account code has (``5.1.02`` → 3)."""
    return pl.col("account_code").str.count_matches(".", literal=True) + 1


def _following(spending: pl.DataFrame) -> pl.DataFrame:
    """Every row with its depth, its block group (unit and activity), whether it is followed in
    that group by a deeper account (``parent``), and whether that account is under its code by
    the code itself (``under``: ``5.1`` → ``5.1.02``)."""
    after = {k: pl.col(k).shift(-1) for k in ("account_code", "unit_code", "unit_name", "activity")}
    deeper = (
        (after["account_code"].str.count_matches(".", literal=True) + 1 > _depth())
        & after["unit_code"].eq_missing(pl.col("unit_code"))
        & after["unit_name"].eq_missing(pl.col("unit_name"))
        & (after["activity"] == pl.col("activity"))
    )
    return fr.with_columns(
        spending,
        depth=_depth(),
        parent=deeper.fill_null(False),
        under=after["account_code"].str.starts_with(pl.col("account_code") + "."),
        group=pl.struct("unit_code", "unit_name", "activity"),
    )


def _blocks(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Each parent with the sums of the leaves in its block and whether every code of the block
    starts with its own (``pure``): window expressions, not a group-by and a join, which on a
    sheet of a few hundred rows cost more than the arithmetic (``frames``)."""
    found = []
    block = ["group", "run"]
    below = pl.col("depth") > pl.col("level")
    leaf = below & ~pl.col("parent")
    head = pl.col("account_code").first()
    for level in fr.filter_rows(frame, pl.col("parent"))["depth"].unique().sort().to_list():
        keyed = fr.with_columns(
            frame, level=pl.lit(level), run=(pl.col("depth") <= level).cum_sum().over("group")
        )
        summed = fr.with_columns(
            keyed,
            has_block=below.any().over(block),
            pure=(pl.col("account_code").str.starts_with(head + ".") | ~below).all().over(block),
            leaves=leaf.sum().over(block),
            **{_leaves(n): pl.col(n).filter(leaf).sum().over(block) for n in names},
        )
        heads = pl.col("parent") & (pl.col("depth") == level) & pl.col("has_block")
        found.append(fr.filter_rows(summed, heads))
    return pl.concat(found)


def _leaves(name: str) -> str:
    return f"{name}_leaves"


def _agrees_in_frame(name: str) -> pl.Expr:
    return (pl.col(name).fill_null(0) - pl.col(_leaves(name)).fill_null(0)).abs() <= TOLERANCE


def _by_window(spending: pl.DataFrame, names: list[str]) -> tuple[list[int], list[Mismatch]]:
    """``subtotals`` with window expressions, one level at a time."""
    frame = _following(spending)
    if not frame.get_column("parent").any():
        return [], []
    blocks = _blocks(frame, names)
    # one leaf equal to the row above it is no evidence: two line items may cost the same
    old_style = pl.col("account_code").str.contains(_OLD_STYLE)
    summed = ((pl.col("leaves") >= 2) | old_style) & pl.all_horizontal([_agrees_in_frame(n) for n in names])
    confirmed = fr.filter_rows(blocks, pl.col("under") | summed)
    checked = fr.filter_rows(confirmed, pl.col("under") & pl.col("pure"))
    mismatches: list[Mismatch] = []
    for name in names:
        disagree = fr.filter_rows(checked, ~_agrees_in_frame(name))
        disagree = disagree.select("row", "account_code", name, _leaves(name))
        mismatches.extend(
            (row, code, name, shown or 0.0, summed) for row, code, shown, summed in disagree.iter_rows()
        )
    return confirmed.get_column("row").to_list(), mismatches
