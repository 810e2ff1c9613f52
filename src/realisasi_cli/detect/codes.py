"""Code columns told apart by their values: unit codes, account codes, other codes."""

from __future__ import annotations

import re
from collections import Counter

import polars as pl

from realisasi_cli import vocabulary as vocab
from realisasi_cli.detect.header import cell_text
from realisasi_cli.detect.layout import Column
from realisasi_cli.reading.grid import Grid


def _leading_code(value: str) -> str:
    match = vocab.CODE_AND_NAME.match(value)
    return match.group(1) if match else value


def _value_counts(sample: pl.DataFrame, name: str) -> list[tuple[str, int]]:
    """Each distinct non-empty text of a column with how often it occurs, in order of appearance."""
    counts: dict[str, int] = {}
    # a few thousand cells: counted in Python sooner than a query is planned
    for value, n in Counter(sample.get_column(name).to_list()).items():
        text = cell_text(value)
        if text:
            counts[text] = counts.get(text, 0) + n
    return list(counts.items())


def _shares(values: list[tuple[str, int]]) -> tuple[float, float, float]:
    """How many of the cells hold a unit code, a belanja/pendapatan account, and a code with a name."""
    combined = unit_share = account_share = 0.0
    for v, n in values:
        m = vocab.CODE_AND_NAME.match(v)
        code = m.group(1).rstrip(".") if m else v.rstrip(".")
        combined += n * (m is not None)
        unit_share += n * (vocab.UNIT_CODE.match(code) is not None)
        account_share += n * bool(
            vocab.ACCOUNT_CODE.match(code)
            and code[0] in "456"
            and (len(code) == 1 or re.match(r"^\d\.\d(\.|$)", code))
        )
    return unit_share, account_share, combined


def _headerless(grid: Grid, columns: list[Column]) -> list[Column]:
    """Columns of the table's width whose header cells are empty: their values may still be codes."""
    covered = {i for c in columns for i in range(c.span[0], c.span[1] + 1)}
    last = max((c.span[1] for c in columns), default=-1)
    present = {int(name[1:]) for name in grid.frame.columns}
    return [
        Column(index=j, header="", role="ignore", span=(j, j))
        for j in range(last + 1)
        if j in present and j not in covered
    ]


def _is_chain(values: list[tuple[str, int]]) -> bool:
    """Whether dotted codes nest (5 → 5.1 → 5.1.02): some code is the prefix of another."""
    codes = {_leading_code(v).strip().rstrip(".") for v, _n in values}
    dotted = [c for c in codes if "." in c]
    return any(c.rsplit(".", 1)[0] in codes for c in dotted)


def classify_codes(grid: Grid, columns: list[Column], data_start: int) -> list[Column]:
    """Decide from their contents which code columns hold unit codes, accounts or other codes.

    A column is an account code by its values (dotted codes that nest), whatever its header
    says (``NO. URUT``) and also when it has no header text at all.
    """
    columns = sorted([*columns, *_headerless(grid, columns)], key=lambda c: c.index)
    by_value = ("ignore", "index")
    candidates = [
        c for c in columns if c.role in ("code", "account", "unit_code", "unit_name", "unit", *by_value)
    ]
    sample = grid.frame.slice(data_start, 3000)
    scored: list[tuple[Column, float, float, float]] = []
    for column in candidates:
        name = f"c{column.index}"
        if name not in sample.columns:
            continue
        # Line items repeat a few codes thousands of times: each distinct value is looked at once.
        values = _value_counts(sample, name)
        total = sum(n for _, n in values)
        if not total:
            if column.role in ("code", "account") and column.span == (column.index, column.index):
                column.role = "ignore"
            continue
        unit_share, account_share, combined = _shares(values)
        if column.role in by_value:
            # a column read by its values alone must hold nesting account codes
            if account_share / total >= 0.5 and _is_chain(values):
                column.role = "account"
            continue
        scored.append((column, unit_share / total, account_share / total, combined / total))
    for column, unit_share, account_share, combined in scored:
        if unit_share >= 0.5:
            column.role = "unit" if combined >= 0.5 else "unit_code"
        elif account_share >= 0.5 and column.role in ("code", "account"):
            column.role = "account"
            column.variant = "combined" if combined >= 0.5 else None
        elif column.role in ("code", "account"):
            column.role = "code"
    _keep_deepest_account_and_sub_unit(columns, sample)
    return [c for c in columns if c.header or c.role != "ignore"]


def _keep_deepest_account_and_sub_unit(columns: list[Column], sample: pl.DataFrame) -> None:
    """One account column and one unit column: the others become plain codes."""
    # Several account columns (akun, kelompok, jenis, …): the deepest one carries the leaves.
    accounts = [c for c in columns if c.role == "account"]
    if len(accounts) > 1:

        def depth(c: Column) -> float:
            values = _value_counts(sample, f"c{c.index}")
            segments = sum(n * len(_leading_code(v).split(".")) for v, n in values)
            return segments / max(sum(n for _, n in values), 1)

        keep = max(accounts, key=depth)
        for c in accounts:
            if c is not keep:
                c.role = "code"
    units = [c for c in columns if c.role in ("unit", "unit_code")]
    if len(units) > 1:
        # prefer a sub-unit column (RSUD, UPT) over its SKPD; sub-units stay separate
        preferred = next((c for c in units if "sub" in c.header.lower()), units[-1])
        for c in units:
            if c is not preferred and c.role == preferred.role:
                c.role = "code"
