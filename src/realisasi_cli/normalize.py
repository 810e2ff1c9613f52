"""Turn a detected sheet into canonical facts: budget lines and realizations.

Budget and realization stay separate facts so that no layout counts a budget twice (a row
with quarter columns has one budget and four realizations). Amounts are parsed here and
only here.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from realisasi_cli import vocabulary as vocab
from realisasi_cli.dates import MONTHS, month_end
from realisasi_cli.detect import Column, Layout
from realisasi_cli.errors import FormulaWithoutValueError, Warning_
from realisasi_cli.numbers import parse_amounts

# Every fact says where it came from, which unit and account it belongs to, and its category.
_LINE: dict[str, pl.DataType] = {
    "source": pl.Int32(),
    "file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int64(),
    "unit_code": pl.String(),
    "unit_name": pl.String(),
    "account_code": pl.String(),
    "category": pl.String(),
}
_PERIOD: dict[str, pl.DataType] = {"period_start": pl.Date(), "period_end": pl.Date()}
BUDGET_SCHEMA = {**_LINE, "budget": pl.Float64()}
REALIZATION_SCHEMA = {**_LINE, **_PERIOD, "realized": pl.Float64()}
PLAN_SCHEMA = {**_LINE, **_PERIOD, "planned": pl.Float64()}
PHYSICAL_SCHEMA = {
    "source": pl.Int32(),
    "row": pl.Int64(),
    "unit_code": pl.String(),
    "unit_name": pl.String(),
    "weight": pl.Float64(),
    "target_pct": pl.Float64(),
    "realized_pct": pl.Float64(),
}
_TOLERANCE = 1.0  # rupiah: differences below this are rounding in the export


@dataclass
class Facts:
    """The canonical facts read from one sheet, and what happened to its rows."""

    budget: pl.DataFrame
    realization: pl.DataFrame
    plan: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PLAN_SCHEMA))
    physical: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PHYSICAL_SCHEMA))
    warnings: list[Warning_] = field(default_factory=list)
    rows_used: int = 0
    rows_skipped: dict[str, int] = field(default_factory=dict)
    slots: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class _Slot:
    category: str | None
    period: tuple[str, int] | None
    budget: Column | None
    realized: Column | None
    plan: Column | None = None


def _choose(columns: list[Column], order: list[str | None]) -> Column | None:
    for variant in order:
        for c in columns:
            if c.variant == variant:
                return c
    return None


def plan_slots(layout: Layout) -> list[_Slot]:
    """Group the amount columns into (category, period) slots, one budget and realization each."""
    money = [
        c
        for c in layout.columns
        if (c.role in ("budget", "realized") or (c.role == "plan" and c.period)) and not c.physical
    ]
    for role in ("realized", "plan"):
        if any(c.period and c.period[0] == "month" for c in money if c.role == role):
            # quarter subtotal columns between the months would count every amount twice
            for c in money:
                if c.role == role and c.period and c.period[0] == "quarter":
                    c.role = "check"
    money = [c for c in money if c.role in ("budget", "realized", "plan")]
    categorized = any(c.category and not c.group_total for c in money)
    if categorized:
        money = [c for c in money if not c.group_total]
    groups: dict[tuple[str | None, tuple[str, int] | None], list[Column]] = {}
    for c in money:
        groups.setdefault((c.category, c.period), []).append(c)
    slots = []
    flows_by_category = {cat for (cat, period) in groups if period is not None}
    for (category, period), cols in groups.items():
        budget = _choose([c for c in cols if c.role == "budget"], ["changed", None, "original"])
        realized = _choose([c for c in cols if c.role == "realized"], ["cumulative", None, "flow"])
        plan = _choose([c for c in cols if c.role == "plan"], [None, "flow", "cumulative"])
        if period is None and category in flows_by_category and realized is not None:
            flows = groups_have_realized(groups, category)
            if flows:
                realized.role = "check"  # the periods carry the realization; this is their sum
                realized = None
        if budget is None and realized is None and plan is None:
            continue
        slots.append(_Slot(category=category, period=period, budget=budget, realized=realized, plan=plan))
    return slots


def groups_have_realized(
    groups: dict[tuple[str | None, tuple[str, int] | None], list[Column]], category: str | None
) -> bool:
    """Whether some period slot of ``category`` holds realization (not only a plan)."""
    return any(
        c.role == "realized"
        for (cat, period), cols in groups.items()
        if cat == category and period
        for c in cols
    )


def _span_source(layout: Layout, column: Column) -> str:
    """The physical column a merged header's values are read from: the first that has data."""
    lo, hi = column.span
    frame = layout.grid.frame.slice(layout.data_start)
    for index in range(lo, hi + 1):
        name = f"c{index}"
        if name in frame.columns and frame[name].null_count() < frame.height:
            return name
    return f"c{lo}"


def _fill_merges(layout: Layout, frame: pl.DataFrame, needed: set[str]) -> pl.DataFrame:
    """A value in a merged range belongs to every cell the range covers."""
    patches: dict[str, tuple[list[int], list[object]]] = {}
    start = layout.data_start
    for r0, c0, r1, c1 in layout.grid.merges:
        if r1 < start or (r0 == r1 and c0 == c1):
            continue
        anchor = f"c{c0}"
        if anchor not in frame.columns or r0 < start or r0 - start >= frame.height:
            continue
        value = frame[anchor][r0 - start]
        if value is None:
            continue
        for c in range(c0, c1 + 1):
            name = f"c{c}"
            if name not in needed or name not in frame.columns:
                continue
            idx, vals = patches.setdefault(name, ([], []))
            for r in range(max(r0, start), r1 + 1):
                if (r, c) != (r0, c0) and r - start < frame.height:
                    idx.append(r - start)
                    vals.append(value)
    if not patches:
        return frame
    updates = []
    for name, (idx, vals) in patches.items():
        series = frame[name]
        if series.dtype != pl.String and any(isinstance(v, str) for v in vals):
            series = series.cast(pl.String)
            vals = [str(v) for v in vals]
        elif series.dtype == pl.String:
            vals = [str(v) for v in vals]
        updates.append(series.clone().scatter(idx, pl.Series(vals, dtype=series.dtype)))
    return frame.with_columns(updates)


def _clean_code(text: pl.Expr) -> pl.Expr:
    """A code cell as a clean code (``5.1.02.``→``5.1.02``, ``5.1.02 Belanja``→``5.1.02``)."""
    return text.str.strip_chars().str.extract(r"^(\d+(?:\.\d+)*)\.?(?:\s|$)", 1)


def _clean_name(text: pl.Expr) -> pl.Expr:
    """A unit name without a leading code (``1.01.0.00 Dinas Pendidikan``→``Dinas Pendidikan``)."""
    text = text.str.strip_chars()
    return pl.coalesce(text.str.extract(vocab.CODE_AND_NAME.pattern, 2), text)


def _stripped(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars()


def _per_distinct(frame: pl.DataFrame, name: str, clean: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``clean`` of column ``name`` as text, worked out once per distinct value where values repeat.

    Codes and unit names repeat on every line item of an export, so their regexes run on
    a few hundred texts instead of every row.
    """
    text = pl.col(name).cast(pl.String)
    distinct = frame.select(text.unique().drop_nulls()).to_series()
    if distinct.len() * 4 > frame.height:
        return clean(text)
    cleaned = distinct.to_frame().select(clean(pl.col(name))).to_series()
    if cleaned.equals(distinct):
        return text  # already clean, as most exports' codes and names are: no copy
    return text.replace_strict(distinct, cleaned, default=None, return_dtype=pl.String)


def _parse_columns(columns: dict[str, pl.Series]) -> dict[str, pl.Series]:
    """``parse_amounts`` of each column, two at a time: Polars works outside the GIL, and
    two text columns of 100k cells parse in 0.04 s instead of 0.06 s."""
    if len(columns) < 2:
        return {key: parse_amounts(values) for key, values in columns.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(columns, pool.map(parse_amounts, columns.values()), strict=True))


def normalize(layout: Layout, source: int, fallback_unit: str, as_of: date | None, year: int | None) -> Facts:
    """The facts of one understood sheet; ``fallback_unit`` names the unit when nothing else does."""
    grid = layout.grid
    warnings: list[Warning_] = []
    slots = plan_slots(layout)
    measure_columns = [c for s in slots for c in (s.budget, s.realized, s.plan) if c is not None]
    source_of = {id(c): _span_source(layout, c) for c in measure_columns}
    _check_formulas(layout, measure_columns, source_of, warnings)

    frame = grid.frame.slice(layout.data_start).with_row_index("row", offset=layout.data_start)
    frame = frame.with_columns(pl.col("row").cast(pl.Int64))
    needed = set(source_of.values())
    for c in layout.columns:
        if c.role in ("unit", "unit_code", "unit_name", "account", "code", "description"):
            needed.update(f"c{i}" for i in range(c.span[0], c.span[1] + 1))
    frame = _fill_merges(layout, frame, needed)

    def present(name: str) -> bool:
        return name in frame.columns

    unit_col = next((c for c in layout.columns if c.role in ("unit", "unit_code")), None)
    name_col = next((c for c in layout.columns if c.role == "unit_name"), None)
    account_col = next((c for c in layout.columns if c.role == "account"), None)
    code_cols = [c for c in layout.columns if c.role == "code" and present(f"c{c.index}")]
    desc_names = [
        f"c{i}"
        for c in layout.columns
        if c.role == "description"
        for i in range(c.span[0], c.span[1] + 1)
        if present(f"c{i}")
    ]
    null = pl.lit(None, dtype=pl.String)
    exprs: dict[str, pl.Expr] = {}
    exprs["unit_code"] = (
        _per_distinct(frame, f"c{unit_col.index}", _clean_code)
        if unit_col and present(f"c{unit_col.index}")
        else null
    )
    if name_col and present(f"c{name_col.index}"):
        exprs["unit_name"] = _per_distinct(frame, f"c{name_col.index}", _clean_name)
    elif unit_col and unit_col.role == "unit" and present(f"c{unit_col.index}"):
        exprs["unit_name"] = _per_distinct(frame, f"c{unit_col.index}", _clean_name)
    else:
        exprs["unit_name"] = null
    exprs["account_code"] = (
        _per_distinct(frame, f"c{account_col.index}", _clean_code)
        if account_col and present(f"c{account_col.index}")
        else null
    )
    exprs["description"] = (
        pl.coalesce([_per_distinct(frame, n, _stripped) for n in desc_names]) if desc_names else null
    )
    exprs["activity"] = (
        pl.concat_str([pl.col(f"c{c.index}").cast(pl.String).fill_null("") for c in code_cols], separator="|")
        if code_cols
        else pl.lit("")
    )
    to_parse: dict[str, pl.Series] = {}  # parsed below, together
    for c in measure_columns:
        name = source_of[id(c)]
        if present(name):
            to_parse[f"m{c.index}"] = frame[name]
            exprs[f"m{c.index}"] = pl.col(f"m{c.index}")
            exprs[f"raw{c.index}"] = pl.col(name)  # as read; only a warning's example is shown
        else:
            exprs[f"m{c.index}"] = pl.lit(None, dtype=pl.Float64)
            exprs[f"raw{c.index}"] = pl.lit(None)
    period_col = next((c for c in layout.columns if c.role == "period_key"), None)
    if period_col is not None and present(f"c{period_col.index}"):
        exprs["period_start"], exprs["period_end"] = _row_period(
            f"c{period_col.index}",
            frame.schema[f"c{period_col.index}"],
            year or (as_of.year if as_of else None),
        )
    physical = _physical_columns(layout)
    for key, column in physical.items():
        name = f"c{column.index}"
        if present(name):
            to_parse[key] = frame[name]
            exprs[key] = pl.col(key)
    parsed = _parse_columns(to_parse)
    rows = frame.with_columns(**parsed).select(pl.col("row"), **exprs)

    # Unit names on their own organisation rows (SIPD rekap): the row that carries the unit
    # code but no deeper code names the unit in its description.
    if unit_col is not None and unit_col.role == "unit_code" and name_col is None:
        deeper = [pl.col(f"c{c.index}").is_null() for c in code_cols if c.index > unit_col.index]
        org_rows = frame.select(
            unit_code=exprs["unit_code"],
            name=exprs["description"],
            org=pl.all_horizontal([exprs["account_code"].is_null(), *deeper]),
        ).filter(pl.col("org") & pl.col("unit_code").is_not_null() & pl.col("name").is_not_null())
        lookup = org_rows.unique("unit_code", keep="first").select("unit_code", "name")
        rows = (
            rows.join(lookup, on="unit_code", how="left")
            .with_columns(unit_name=pl.coalesce("unit_name", "name"))
            .drop("name")
        )
        rows = rows.sort("row")

    ctx = layout.context
    if unit_col is None and name_col is None and account_col is not None:
        rows = _units_from_section_rows(rows, frame, account_col)
        if rows["unit_code"].null_count() < rows.height:
            unit_col = account_col  # the table names its units; no fallback needed
    no_key = unit_col is None and name_col is None
    if no_key:
        rows = rows.with_columns(
            unit_code=pl.lit(ctx.unit_code, dtype=pl.String),
            unit_name=pl.lit(ctx.unit_name or fallback_unit, dtype=pl.String),
        )
    amounts = [pl.col(f"m{c.index}") for c in measure_columns]
    has_amount = pl.any_horizontal([a.is_not_null() for a in amounts]) if amounts else pl.lit(False)
    total_word = r"(?i)^\s*(jumlah|total|sub ?total|grand total)\b"
    word_columns = ("unit_name", "description", "unit_code")
    # Totals carry no account code; only those rows are searched for the word.
    totals = (
        rows.select("row", "account_code", *word_columns)
        .filter(pl.col("account_code").is_null())
        .filter(
            pl.any_horizontal([pl.col(c).str.contains(total_word).fill_null(False) for c in word_columns])
        )
        .get_column("row")
    )
    is_total = pl.col("row").is_in(totals.implode()) if totals.len() else pl.lit(False)
    reason = pl.when(is_total).then(pl.lit("total")).when(~has_amount).then(pl.lit("no amounts"))
    if account_col is not None:
        reason = reason.when(pl.col("account_code").is_null()).then(pl.lit("heading (no account code)"))
        reason = reason.when(~pl.col("account_code").str.starts_with("5")).then(
            pl.lit("not spending (pendapatan/pembiayaan)")
        )
    else:
        reason = reason.when(pl.col("unit_name").is_null() & pl.col("unit_code").is_null()).then(
            pl.lit("no unit")
        )
    rows = rows.with_columns(reason=reason.otherwise(pl.lit(None, dtype=pl.String)))
    if account_col is not None:
        rows = _mark_subtotals(rows, layout, measure_columns, warnings)

    skipped = rows.filter(pl.col("reason").is_not_null())
    counts = dict(skipped.group_by("reason").len().iter_rows())
    data = rows.filter(pl.col("reason").is_null())
    _warn_unparsed(layout, data, measure_columns, warnings)
    _warn_amounts(layout, data, slots, warnings)
    file, sheet = str(grid.file), grid.sheet
    if account_col is not None:
        category_expr: pl.Expr | None = _account_categories(data, rows, warnings, layout)
    else:
        # jenis-belanja rows ("Belanja Modal") under a unit merged over them
        category_expr = pl.col("description").map_batches(_categories_of_labels, return_dtype=pl.String)
        labelled = data.select(category_expr.is_not_null().any()).item()
        if not labelled:
            category_expr = None
        if not no_key:
            _warn_duplicates(layout, data, warnings, by_label=bool(labelled))
    if category_expr is not None:  # once, not once per slot
        data = data.with_columns(category_of_row=category_expr)
    budgets, realizations, plans = [], [], []
    for slot in slots:
        category = pl.lit(slot.category, dtype=pl.String)
        if category_expr is not None:
            category = pl.coalesce(pl.col("category_of_row"), category)
        base = data.select(
            source=pl.lit(source, dtype=pl.Int32),
            file=pl.lit(file),
            sheet=pl.lit(sheet),
            row=pl.col("row"),
            unit_code=pl.col("unit_code"),
            unit_name=pl.col("unit_name"),
            account_code=pl.col("account_code"),
            category=category,
            budget=pl.col(f"m{slot.budget.index}").fill_null(0.0)
            if slot.budget
            else pl.lit(None, pl.Float64),
            realized=pl.col(f"m{slot.realized.index}").fill_null(0.0)
            if slot.realized
            else pl.lit(None, pl.Float64),
            planned=pl.col(f"m{slot.plan.index}").fill_null(0.0) if slot.plan else pl.lit(None, pl.Float64),
        )
        if slot.budget is not None:
            budgets.append(base.select(list(BUDGET_SCHEMA)))
        if slot.realized is not None:
            start, end = _period_bounds(slot.period, as_of, year)
            if "period_end" in data.columns and slot.period is None:
                bounds = data.select("period_start", "period_end")  # each row's own month or date
                realized_facts = base.hstack(bounds)
            else:
                realized_facts = base.with_columns(
                    period_start=pl.lit(start, dtype=pl.Date), period_end=pl.lit(end, dtype=pl.Date)
                )
            realizations.append(realized_facts.select(list(REALIZATION_SCHEMA)))
        if slot.plan is not None:
            start, end = _period_bounds(slot.period, as_of, year)
            plans.append(
                base.with_columns(
                    period_start=pl.lit(start, dtype=pl.Date), period_end=pl.lit(end, dtype=pl.Date)
                ).select(list(PLAN_SCHEMA))
            )
    budget = pl.concat(budgets) if budgets else pl.DataFrame(schema=BUDGET_SCHEMA)
    if period_col is not None and budget.height:
        # a long table repeats the budget on every period row: count it once per line
        budget = (
            budget.group_by("unit_code", "unit_name", "account_code", "category", maintain_order=True)
            .last()
            .select(list(BUDGET_SCHEMA))
        )
    realization = pl.concat(realizations) if realizations else pl.DataFrame(schema=REALIZATION_SCHEMA)
    plan = pl.concat(plans) if plans else pl.DataFrame(schema=PLAN_SCHEMA)
    return Facts(
        budget=budget,
        realization=realization,
        plan=plan,
        physical=_physical_facts(data, physical, slots, source),
        warnings=warnings,
        rows_used=data.height,
        rows_skipped=counts,
        slots=[
            {
                "category": s.category,
                "period": None if s.period is None else f"{s.period[0]}:{s.period[1]}",
                "budget": s.budget.letter if s.budget else None,
                "realized": s.realized.letter if s.realized else None,
            }
            for s in slots
        ],
    )


def _row_period(name: str, dtype: pl.DataType, year: int | None) -> tuple[pl.Expr, pl.Expr]:
    """Each row's period from a month, quarter or date cell: (start, end) dates."""
    col = pl.col(name)
    if dtype.is_temporal():
        day = col.cast(pl.Date)
        return day, day
    text = col.cast(pl.String).str.strip_chars()
    day = pl.coalesce(
        text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%d/%m/%Y", strict=False),
        text.str.to_date("%d-%m-%Y", strict=False),
    )
    month_words = dict(MONTHS)
    lowered = text.str.to_lowercase().str.replace(r"\s*\d{4}$", "")
    month = pl.coalesce(
        lowered.replace_strict(month_words, default=None, return_dtype=pl.Int32),
        lowered.cast(pl.Int32, strict=False),
    )
    quarter = lowered.str.extract(r"^(?:tw|triwulan|trw|q)?\s*(iv|iii|ii|i|[1-4])$", 1).replace_strict(
        {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4},
        default=None,
        return_dtype=pl.Int32,
    )
    is_quarter = lowered.str.contains(r"^(tw|triwulan|trw|q)")
    fiscal = pl.lit(year if year is not None else None, dtype=pl.Int32)
    first_month = pl.when(is_quarter).then(quarter * 3 - 2).otherwise(month)
    last_month = pl.when(is_quarter).then(quarter * 3).otherwise(month)
    start = pl.date(fiscal, first_month, 1)
    end = start.dt.offset_by(pl.format("{}mo", last_month - first_month + 1)).dt.offset_by("-1d")
    return pl.coalesce(day, start), pl.coalesce(day, end)


def _physical_columns(layout: Layout) -> dict[str, Column]:
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


def _physical_facts(
    data: pl.DataFrame, physical: dict[str, Column], slots: list[_Slot], source: int
) -> pl.DataFrame:
    """One physical-progress fact per row, weighted by the row's budget."""
    if "phys_real" not in physical or "phys_real" not in data.columns:
        return pl.DataFrame(schema=PHYSICAL_SCHEMA)
    budgets = [pl.col(f"m{s.budget.index}").fill_null(0) for s in slots if s.budget is not None]

    # Percent-formatted cells hold fractions (0,45 for 45 %): a column never above 1 is scaled.
    def as_pct(name: str) -> pl.Expr:
        column = pl.col(name)
        return pl.when(column.max() <= 1.0).then(column * 100).otherwise(column)

    target = as_pct("phys_target") if "phys_target" in data.columns else pl.lit(None, dtype=pl.Float64)
    return data.filter(pl.col("phys_real").is_not_null()).select(
        source=pl.lit(source, dtype=pl.Int32),
        row=pl.col("row"),
        unit_code=pl.col("unit_code"),
        unit_name=pl.col("unit_name"),
        weight=pl.sum_horizontal(budgets) if budgets else pl.lit(0.0),
        target_pct=target,
        realized_pct=as_pct("phys_real"),
    )


def _units_from_section_rows(rows: pl.DataFrame, frame: pl.DataFrame, account_col: Column) -> pl.DataFrame:
    """A unit code in the account column (``2.16.2.20.2.21.01.0000 Dinas …``) opens that unit's rows."""
    raw = frame.select(code=_per_distinct(frame, f"c{account_col.index}", _clean_code))["code"]
    is_unit = raw.str.contains(vocab.UNIT_CODE.pattern).fill_null(False)
    return rows.with_columns(
        unit_code=pl.when(is_unit).then(raw).forward_fill(),
        unit_name=pl.when(is_unit).then(pl.col("description")).forward_fill(),
        account_code=pl.when(is_unit).then(None).otherwise(pl.col("account_code")),
    )


def _map_distinct(values: pl.Series, function: Callable[[str], str | None]) -> pl.Series:
    # Few distinct values even in large exports: map the distinct ones, then look them up.
    mapping = {v: function(v) for v in values.unique().drop_nulls().to_list()}
    return values.replace_strict(mapping, default=None, return_dtype=pl.String)


def _categories_of_labels(labels: pl.Series) -> pl.Series:
    return _map_distinct(labels, lambda text: vocab.category_of(vocab.normalize(text)))


def _account_categories(
    data: pl.DataFrame, rows: pl.DataFrame, warnings: list[Warning_], layout: Layout
) -> pl.Expr:
    """Categories from account codes, in the scheme (2021 or pre-2021) the sheet uses."""
    headings = rows.filter(pl.col("account_code").is_in(["5.1", "5.2"])).select("account_code", "description")
    labels = {code: text for code, text in headings.iter_rows() if text}
    codes = data["account_code"].unique().drop_nulls().to_list()
    if vocab.is_old_scheme(codes, labels):
        warnings.append(
            Warning_(
                str(layout.grid.file),
                layout.grid.sheet,
                None,
                "accounts follow the pre-2021 scheme (5.1 tidak langsung, 5.2 langsung); "
                "modal is read from 5.2.3",
            )
        )
        function = vocab.category_of_old_account
    else:
        function = vocab.category_of_account
    mapping = {code: function(code) for code in codes}
    return pl.col("account_code").replace_strict(mapping, default=None, return_dtype=pl.String)


def _period_bounds(
    period: tuple[str, int] | None, as_of: date | None, year: int | None
) -> tuple[date | None, date | None]:
    if period is None:
        if as_of is None:
            return None, None
        return date(as_of.year, 1, 1), as_of
    fiscal = year or (as_of.year if as_of else None)
    if fiscal is None:
        return None, None
    kind, number = period
    if kind == "quarter":
        return date(fiscal, 3 * number - 2, 1), month_end(fiscal, 3 * number)
    return date(fiscal, number, 1), month_end(fiscal, number)


def _check_formulas(
    layout: Layout, columns: list[Column], source_of: dict[int, str], warnings: list[Warning_]
) -> None:
    grid = layout.grid
    if not grid.formula_cells:
        return
    amount_cols = {int(source_of[id(c)][1:]) for c in columns}
    below = [(r, c) for r, c in grid.formula_cells if r >= layout.data_start]
    in_amounts = [(r, c) for r, c in below if c in amount_cols]
    if in_amounts:
        r, c = in_amounts[0]
        raise FormulaWithoutValueError(
            f"{grid.file} ({grid.where(r, c)}): {len(in_amounts)} budget/realization cell(s) are "
            "formulas saved without their results.",
            "Open the file in Excel or LibreOffice and save it again, so the results are stored.",
        )
    if below:
        r, c = below[0]
        warnings.append(
            Warning_(
                str(grid.file),
                grid.sheet,
                r + 1,
                f"{len(below)} formula cell(s) without saved results outside the amount "
                f"columns (first at {grid.where(r, c)}); they were ignored",
            )
        )


def _mark_subtotals(
    rows: pl.DataFrame, layout: Layout, measures: list[Column], warnings: list[Warning_]
) -> pl.DataFrame:
    """Mark account rows that are subtotals of the rows below them; check them against the leaves."""
    grid = layout.grid
    names = [f"m{c.index}" for c in measures]
    keys = ["row", "account_code", "unit_code", "activity"]
    spending = rows.select(*keys, *names, "reason").filter(pl.col("reason").is_null())
    # A parent is followed, in its unit and activity, by an account under it; only a row
    # followed by a longer code can be one.
    code = pl.col("account_code")
    following = spending.select(*keys, **{f"next_{k}": pl.col(k).shift(-1) for k in keys[1:]}).filter(
        pl.col("next_account_code").str.len_bytes() > code.str.len_bytes()
    )
    parents = following.filter(
        pl.col("next_account_code").str.starts_with(code + ".")
        & pl.col("next_unit_code").eq_missing(pl.col("unit_code"))
        & (pl.col("next_activity") == pl.col("activity"))
    )
    if parents.height:
        spending = spending.with_columns(
            parent=pl.col("row").is_in(parents["row"].implode()),
            group=pl.concat_str([pl.col("unit_code").fill_null(""), pl.col("activity")], separator="|"),
            depth=pl.col("account_code").str.count_matches(".", literal=True) + 1,
        )
        max_depth = int(spending.select(pl.col("depth").max()).item() or 1)
        mismatches: list[tuple[int, str, float, float]] = []
        for level in range(1, max_depth):
            keyed = spending.with_columns(
                key=pl.when(pl.col("depth") >= level).then(
                    pl.col("group")
                    + "#"
                    + pl.col("account_code").str.split(".").list.slice(0, level).list.join(".")
                )
            ).with_columns(
                # a run starts where the key changes or a parent at this level opens a new block
                run=(
                    (pl.col("key") != pl.col("key").shift(1)).fill_null(True)
                    | (pl.col("parent") & (pl.col("depth") == level))
                ).cum_sum()
            )
            leaf_sums = (
                keyed.filter(~pl.col("parent") & (pl.col("depth") > level))
                .group_by("run")
                .agg([pl.col(n).fill_null(0).sum().alias(n) for n in names])
            )
            level_parents = keyed.filter(pl.col("parent") & (pl.col("depth") == level)).join(
                leaf_sums, on="run", how="left", suffix="_leaves"
            )
            for column, name in zip(measures, names, strict=True):
                bad = level_parents.filter(
                    (pl.col(name).fill_null(0) - pl.col(f"{name}_leaves").fill_null(0)).abs() > _TOLERANCE
                )
                for row, code, shown, summed in bad.select(
                    "row", "account_code", name, f"{name}_leaves"
                ).iter_rows():
                    mismatches.append((row, f"{code} ({column.header})", shown or 0.0, summed or 0.0))
        for row, what, shown, summed in sorted(mismatches)[:20]:
            warnings.append(
                Warning_(
                    str(grid.file),
                    grid.sheet,
                    row + 1,
                    f"subtotal {what} is {shown:,.2f} but its rows add up to {summed:,.2f}; "
                    "the rows were used",
                )
            )
        if len(mismatches) > 20:
            warnings.append(
                Warning_(str(grid.file), grid.sheet, None, f"{len(mismatches) - 20} more subtotal mismatches")
            )
    if not parents.height:
        return rows
    is_subtotal = pl.col("row").is_in(parents["row"].implode())
    return rows.with_columns(reason=pl.when(is_subtotal).then(pl.lit("subtotal")).otherwise(pl.col("reason")))


def _warn_unparsed(
    layout: Layout, data: pl.DataFrame, measures: list[Column], warnings: list[Warning_]
) -> None:
    grid = layout.grid
    for c in measures:
        bad = data.filter(pl.col(f"m{c.index}").is_null() & pl.col(f"raw{c.index}").is_not_null())
        if bad.height:
            row, raw = bad.select("row", pl.col(f"raw{c.index}").cast(pl.String)).row(0)
            warnings.append(
                Warning_(
                    str(grid.file),
                    grid.sheet,
                    row + 1,
                    f"{bad.height} cell(s) in column {c.letter} ({c.header}) are not amounts, "
                    f"e.g. {raw!r} at {grid.where(row, c.index)}; counted as 0",
                )
            )


def _warn_duplicates(layout: Layout, data: pl.DataFrame, warnings: list[Warning_], by_label: bool) -> None:
    grid = layout.grid
    unit = pl.coalesce("unit_code", pl.col("unit_name").str.to_lowercase())
    key = pl.concat_str([unit, pl.col("description").fill_null("")], separator="|") if by_label else unit
    dupes = (
        data.with_columns(key=key)
        .group_by("key")
        .agg(pl.col("row").sort(), pl.col("unit_name").first())
        .filter(pl.col("row").list.len() > 1)
        .sort(pl.col("row").list.first())
    )
    for _key, rows, name in dupes.iter_rows():
        warnings.append(
            Warning_(
                str(grid.file),
                grid.sheet,
                rows[1] + 1,
                f"unit {name!r} appears {len(rows)} times (rows "
                f"{', '.join(str(r + 1) for r in rows[:5])}); its amounts were added",
            )
        )


def _warn_amounts(layout: Layout, data: pl.DataFrame, slots: list[_Slot], warnings: list[Warning_]) -> None:
    """Negative realization, and realization above the budget of the same row and slot."""
    grid = layout.grid
    realized = [pl.col(f"m{s.realized.index}") for s in slots if s.realized is not None]
    # a category's realization (all its periods) against its budget on the same row
    budgets = {s.category: s.budget for s in slots if s.budget is not None and s.period is None}
    pairs = [
        pl.sum_horizontal(
            [pl.col(f"m{s.realized.index}").fill_null(0) for s in slots if s.category == cat and s.realized]
        )
        > pl.col(f"m{budget.index}").fill_null(0) + _TOLERANCE
        for cat, budget in budgets.items()
        if any(s.category == cat and s.realized is not None for s in slots)
    ]
    checks = {
        "negative": pl.any_horizontal([r < 0 for r in realized]) if realized else pl.lit(False),
        "over": pl.any_horizontal(pairs) if pairs else pl.lit(False),
    }
    for kind, condition in checks.items():
        rows = data.filter(condition)["row"]
        if rows.len() == 0:
            continue
        first = int(rows[0]) + 1
        what = (
            "negative realization amount(s)" if kind == "negative" else "row(s) with realization above budget"
        )
        warnings.append(
            Warning_(str(grid.file), grid.sheet, first, f"{rows.len()} {what} (first at row {first})")
        )
