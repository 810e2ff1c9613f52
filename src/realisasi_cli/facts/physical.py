"""Physical progress (realisasi fisik): percentages of work done, weighted by each row's budget."""

from __future__ import annotations

import polars as pl

from realisasi_cli import frames as fr
from realisasi_cli.detect.layout import Column, Layout
from realisasi_cli.facts.schema import PHYSICAL_SCHEMA
from realisasi_cli.facts.slots import Slot


def physical_columns(layout: Layout) -> dict[str, Column]:
    """Realisasi fisik and target fisik columns (percentages of work done), when the export has them."""
    found: dict[str, Column] = {}
    for column in layout.columns:
        if not column.physical:
            continue
        if column.role in ("realized", "pct") and "phys_real" not in found:
            found["phys_real"] = column
        elif column.role == "plan" and "phys_target" not in found:
            found["phys_target"] = column
    return found


def physical_facts(
    data: pl.DataFrame, physical: dict[str, Column], slots: list[Slot], source: int
) -> pl.DataFrame:
    """One physical-progress fact per row, weighted by the row's budget."""
    if "phys_real" not in physical or "phys_real" not in data.columns:
        return fr.empty(PHYSICAL_SCHEMA)
    budgets = [pl.col(f"m{s.budget.index}").fill_null(0) for s in slots if s.budget is not None]

    # Percent-formatted cells hold fractions (0,45 for 45 %): a column never above 1 is scaled.
    def as_pct(name: str) -> pl.Expr:
        column = pl.col(name)
        return pl.when(column.max() <= 1.0).then(column * 100).otherwise(column)

    target = as_pct("phys_target") if "phys_target" in data.columns else pl.lit(None, dtype=pl.Float64)
    return fr.select(
        fr.filter_rows(data, pl.col("phys_real").is_not_null()),
        source=pl.lit(source, dtype=pl.Int32),
        row=pl.col("row"),
        unit_code=pl.col("unit_code"),
        unit_name=pl.col("unit_name"),
        weight=pl.sum_horizontal(budgets) if budgets else pl.lit(0.0),
        target_pct=target,
        realized_pct=as_pct("phys_real"),
    )
