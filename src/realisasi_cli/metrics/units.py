"""Which facts belong to which unit: keys by code or name, aliases, roll-up, each unit's latest source."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from realisasi_cli.config import DEFAULT_THRESHOLD


def normalized_name(expr: pl.Expr) -> pl.Expr:
    """Unit names compared without case, spacing or punctuation, ``&`` as ``dan``."""
    upper = expr.str.to_uppercase().str.replace_all("&", " DAN ", literal=True)
    return upper.str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()


def absorption(realized: pl.Expr, budget: pl.Expr) -> pl.Expr:
    """100 × realized / budget; null where the budget is zero."""
    return pl.when(budget != 0).then(100.0 * realized / budget).otherwise(None)


def normalized_names(frame: pl.DataFrame, column: str = "unit_name") -> pl.Expr:
    """``normalized_name`` of ``column`` (null as ""), worked out once per distinct name: a year
    of weekly snapshots repeats a few hundred names on half a million line items."""
    text = pl.col(column).fill_null("")
    distinct = frame.select(text.unique()).to_series()
    if distinct.len() * 4 > frame.height:
        return normalized_name(text)
    normalized = distinct.to_frame().select(normalized_name(pl.col(column))).to_series()
    return text.replace_strict(distinct, normalized, return_dtype=pl.String)


def _with_unit_key(frame: pl.DataFrame, code_of_name: pl.DataFrame) -> pl.DataFrame:
    named = frame.with_columns(norm=normalized_names(frame))
    named = named.join(code_of_name, on="norm", how="left", suffix="_known")
    return (
        named.with_columns(
            unit_code=pl.coalesce("unit_code", "code_known"),
        )
        .with_columns(
            unit=pl.coalesce(pl.col("unit_code"), pl.lit("name:") + pl.col("norm")),
        )
        .drop("code_known")
    )


def _apply_aliases(frame: pl.DataFrame, aliases: dict[str, str]) -> pl.DataFrame:
    """Map other spellings or codes to one unit, as realisasi.toml's [units] table says."""
    if not aliases:
        return frame
    table = pl.DataFrame({"alias": list(aliases), "target": list(aliases.values())}).with_columns(
        alias_norm=normalized_name(pl.col("alias"))
    )
    code_like = pl.col("target").str.contains(r"^\d+(\.\d+)+$")
    table = table.with_columns(
        target_code=pl.when(code_like).then(pl.col("target")),
        target_name=pl.when(~code_like).then(pl.col("target")),
    )
    by_name = table.select(
        norm=pl.col("alias_norm"), t_code=pl.col("target_code"), t_name=pl.col("target_name")
    )
    by_code = table.select(
        unit_code=pl.col("alias"), c_code=pl.col("target_code"), c_name=pl.col("target_name")
    )
    out = frame.with_columns(norm=normalized_names(frame))
    out = out.join(by_name, on="norm", how="left").join(by_code, on="unit_code", how="left")
    return out.with_columns(
        unit_code=pl.coalesce(
            "t_code",
            "c_code",
            pl.when(pl.col("t_name").is_null() & pl.col("c_name").is_null()).then(pl.col("unit_code")),
        ),
        unit_name=pl.coalesce("t_name", "c_name", "unit_name"),
    ).drop("norm", "t_code", "t_name", "c_code", "c_name")


def rollup_code(expr: pl.Expr) -> pl.Expr:
    """A sub-unit code (``….0001``) folded into its SKPD (``….0000``)."""
    return (
        pl.when(expr.str.contains(r"\.\d{4}$")).then(expr.str.replace(r"\.\d{4}$", ".0000")).otherwise(expr)
    )


def identify(
    *frames: pl.DataFrame, aliases: dict[str, str] | None = None, rollup: bool = False
) -> list[pl.DataFrame]:
    """Give every fact a ``unit`` key: its code, else a code known for its name, else its name.

    All the tables share one identity, so a name in one is matched to a code in another.
    """
    aliased = [_apply_aliases(frame, aliases or {}) for frame in frames]
    if rollup:
        aliased = [frame.with_columns(unit_code=rollup_code(pl.col("unit_code"))) for frame in aliased]
    named = (  # each (code, name) once, in the order first met
        pl.concat([frame.select("unit_code", "unit_name") for frame in aliased])
        .drop_nulls()
        .unique(maintain_order=True)
    )
    pairs = (
        named.with_columns(norm=normalized_name(pl.col("unit_name")))
        .unique(["norm"], keep="first", maintain_order=True)
        .select("norm", code_known=pl.col("unit_code"))
    )
    return [_with_unit_key(frame, pairs) for frame in aliased]


def condense(
    budget: pl.DataFrame, realization: pl.DataFrame, *, in_order: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Line items summed per source, unit, category (and period): what every metric needs.

    ``in_order``: the sums in the order their line items are first met, so that ``identify``
    matches a name to the same code as among the line items."""
    keys = ["source", "unit_code", "unit_name", "category"]
    periods = ["period_start", "period_end"]
    # one query each, run side by side
    condensed_budget, condensed_realization = pl.collect_all(
        [
            budget.lazy().group_by(keys, maintain_order=in_order).agg(pl.col("budget").sum()),
            realization.lazy()
            .group_by(keys + periods, maintain_order=in_order)
            .agg(pl.col("realized").sum()),
        ]
    )
    return condensed_budget, condensed_realization


@dataclass(frozen=True)
class RankOptions:
    """What to rank and how."""

    category: str | None = None
    threshold: float = DEFAULT_THRESHOLD
    aliases: dict[str, str] | None = None
    rollup: bool = False
    domain: str = "belanja"  # or "pendapatan": what the facts are (the reading decided it)


# of two sources of one date, the one used: the more precise (rupiah over thousands: a rekap in
# thousands beside the units' own uploads), then the later given (by file name, then sheet)
SAME_DATE_ORDER = (pl.col("precision").neg(), pl.col("order"))


def latest_sources(budget: pl.DataFrame, realization: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """For each unit, the source (file/sheet) of its latest snapshot: by as-of date, then
    ``SAME_DATE_ORDER``."""
    return latest_of(
        pl.concat([budget.select("unit", "source"), realization.select("unit", "source")]), sources
    )


def latest_of(facts: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """For each unit, the latest source among ``facts`` (one kind of fact: budget or realization)."""
    seen = facts.select("unit", "source").unique()
    if sources.height == 1:  # one file or sheet: the latest of every unit
        return seen.sort("unit")
    return (
        seen.join(sources.select("source", "as_of", "order", "precision"), on="source")
        .sort([pl.col("unit"), pl.col("as_of"), *SAME_DATE_ORDER, pl.col("source")], nulls_last=False)
        .group_by("unit", maintain_order=True)
        .last()
        .select("unit", "source")
    )
