"""Amount columns grouped into slots: one budget, realization and plan per (category, period)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from realisasi_cli import vocabulary as vocab
from realisasi_cli.detect.layout import Column, Layout

Period = tuple[str, int]  # ("month", 2), ("quarter", 3)
_Groups = dict[tuple[str | None, Period | None], list[Column]]


@dataclass(frozen=True)
class Slot:
    """The amount columns of one (category, period): at most one budget, realization and plan."""

    category: str | None
    period: Period | None
    budget: Column | None
    realized: Column | None
    plan: Column | None = None
    last_year: Column | None = None  # the previous fiscal year's realization, same date
    # the realization's other parts, added to it: UP/GU/TU beside LS under REALISASI SP2D
    parts: tuple[Column, ...] = ()
    budget_parts: tuple[Column, ...] = ()  # the budget's: Pagu DAK and Pagu PAD beside Pagu DAU

    def as_dict(self) -> dict[str, object]:
        """The slot as ``inspect`` shows it: its category, period and column letters."""
        return {
            "category": self.category,
            "period": None if self.period is None else f"{self.period[0]}:{self.period[1]}",
            "budget": self.budget.letter if self.budget else None,
            "realized": self.realized.letter if self.realized else None,
        }


def _choose(
    columns: list[Column], role: str, order: list[str | None], layout: Layout | None = None
) -> Column | None:
    """The column of ``role`` whose variant comes first in ``order``; of several, the total of
    those under one merged header with it (JUMLAH beside LS, UP/GU and TU under REALISASI
    SP2D), the latest of realizations to date month by month ("Realisasi s.d. Januari" …
    "s.d. September", ``latest_to_date``), else the first (a Jumlah SP2D that counts documents
    beside Realisasi is no total)."""
    for variant in order:
        found = [c for c in columns if c.role == role and c.variant == variant]
        if found:
            grouped = next((c for c in found if c.group_total and _beside(c, found)), None)
            latest = latest_to_date(found, layout) if layout is not None and variant == "cumulative" else None
            net = _net(found, layout) if layout is not None else None
            return grouped or (latest[0] if latest else None) or net or _summing(found)
    return None


_NET = re.compile(r"\b(netto|neto|bersih)\b")
_REFUND = re.compile(r"\b(pengembalian|kontra pos|setoran (sisa|kembali))\b")


def _net(columns: list[Column], layout: Layout) -> Column | None:
    """Of realizations gross and net of the refunds (``Realisasi SP2D | Pengembalian Belanja |
    Realisasi Netto``), the net one, where a column of refunds says what it is net of; net of
    the taxes withheld (``Potongan Pajak``, an SP2D's "Nilai Bersih") it is no less belanja than
    its gross, and the gross is read."""
    net = [c for c in columns if _NET.search(vocab.normalize(c.header))]
    refunds = any(_REFUND.search(vocab.normalize(c.header)) for c in layout.columns)
    return net[0] if refunds and len(net) == 1 and len(columns) > 1 else None


def through(column: Column) -> int | None:
    """The month a realization to date runs through, by its header (s.d. Maret: 3; s.d. TW II: 6)."""
    period = vocab.period_of(vocab.normalize(_own(column)))
    if period is None:
        return None
    kind, number = period
    return number if kind == "month" else 3 * number


def latest_to_date(columns: list[Column], layout: Layout) -> tuple[Column, int] | None:
    """Of two realizations to date or more, each through a month its header names, the one
    through the latest month that has a figure, and that month; None where they are not such."""
    months = [(c, month) for c in columns if (month := through(c)) is not None]
    if len(months) < 2 or len(months) < len(columns):
        return None
    frame = layout.grid.frame.slice(layout.data_start)
    filled = [(c, month) for c, month in months if _has_figures(frame, f"c{c.index}")]
    return max(filled, key=lambda item: item[1]) if filled else None


def _has_figures(frame: pl.DataFrame, name: str) -> bool:
    """Whether a column holds an amount other than zero: months not filled in yet are empty, 0
    or "-" (a template's formulas)."""
    if name not in frame.columns:
        return False
    values = frame[name]
    if values.dtype.is_numeric():
        return bool((values.fill_null(0) != 0).any())
    return bool(values.cast(pl.String).str.contains(r"[1-9]").fill_null(False).any())


_TOTAL_WORD = re.compile(r"^(jumlah|total)\b")


def _summing(columns: list[Column]) -> Column:
    """Of several columns of one kind, the one that sums the others: a "Jumlah …" under no
    merged header beside columns each under one ("Jumlah SPJ (LS+UP/GU/TU) s.d. Bulan Ini"
    beside "SPJ-LS Gaji / s.d. Bulan Ini"), or whose other words each of the others has
    ("Jumlah Realisasi" beside "Realisasi DAU" and "Realisasi DAK"; not "Jumlah SP2D" beside
    "Realisasi"); else the first."""
    for column in columns:
        others = [c for c in columns if c is not column]
        text = vocab.normalize(column.header)
        total = _TOTAL_WORD.match(text)
        if not others or _parent(column) or total is None:
            continue
        words = set(text[total.end() :].split())
        if all(_parent(c) for c in others) or all(_qualifies(c, words) for c in others):
            return column
    return columns[0]


def _qualifies(column: Column, words: set[str]) -> bool:
    """Whether ``column`` is of no total and its header has every one of ``words`` and more."""
    own = vocab.normalize(column.header)
    return not _TOTAL_WORD.match(own) and words < set(own.split())


def _parent(column: Column) -> list[str]:
    """The merged headers a column sits under, outermost first (none for a header of one row)."""
    return column.header.split(" / ")[:-1]


def _beside(column: Column, columns: list[Column]) -> bool:
    """Whether another of ``columns`` sits under the same merged header as ``column``."""
    group = _parent(column)
    return bool(group) and any(c is not column and _parent(c) == group for c in columns)


def _money_columns(layout: Layout) -> list[Column]:
    """Budget, realization and period plan columns, without physical progress."""
    return [
        c
        for c in layout.columns
        if (c.role in ("budget", "realized") or (c.role == "plan" and c.period)) and not c.physical
    ]


def _demote_quarter_subtotals(money: list[Column]) -> list[Column]:
    """Quarter columns between month columns are their subtotals: counted, they would count twice."""
    for role in ("realized", "plan"):
        if any(c.period and c.period[0] == "month" for c in money if c.role == role):
            for c in money:
                if c.role == role and c.period and c.period[0] == "quarter":
                    c.role = "check"
    return [c for c in money if c.role in ("budget", "realized", "plan")]


def _demote_partial_flows(money: list[Column]) -> list[Column]:
    """Realizations of some periods only, not from the year's start ("Realisasi Triwulan III",
    "Realisasi Bulan September"), beside a realization to date of their jenis ("s.d. Triwulan
    III", or a month it does not name): the one to date is read; the periods' own, summed, would
    miss the months before. A realization to date through the month before the one period
    ("s.d. Triwulan II" beside "Triwulan III") is added to it, as s.d. Bulan Lalu to Bulan Ini."""
    for category in {c.category for c in money}:
        mine = [c for c in money if c.role == "realized" and c.category == category]
        flows = [c for c in mine if c.period]
        whole = [c for c in mine if not c.period and c.variant in (None, "cumulative")]
        if not flows or not whole or _from_the_start(flows):
            continue
        months = [m for c in whole if (m := through(c)) is not None]
        if len(months) < len(whole) or max(months) >= max(months_of(c)[1] for c in flows):
            for c in flows:
                c.role = "check"
        elif len(flows) == len(whole) == 1 and months_of(flows[0])[0] == months[0] + 1:
            whole[0].variant = "previous"
            flows[0].period, flows[0].variant = None, "flow"
        # else: months after the one to date and more than one: read as before, the periods
    return [c for c in money if c.role in ("budget", "realized", "plan")]


def months_of(column: Column) -> tuple[int, int]:
    """The first and last month of a period column (Triwulan III: 7 and 9)."""
    assert column.period is not None
    kind, number = column.period
    return (3 * number - 2, 3 * number) if kind == "quarter" else (number, number)


def _from_the_start(flows: list[Column]) -> bool:
    """Whether period columns run from the year's first month or quarter without a gap (a month
    and a quarter among them: as before, the periods are read)."""
    kinds = {c.period[0] for c in flows if c.period}
    numbers = sorted({c.period[1] for c in flows if c.period})
    return len(kinds) > 1 or numbers == list(range(1, len(numbers) + 1))


def _group(money: list[Column]) -> _Groups:
    """The columns by (category, period); group totals (JUMLAH) left out where categories exist."""
    if any(c.category and not c.group_total for c in money):
        money = [c for c in money if not c.group_total]
    groups: _Groups = {}
    for c in money:
        groups.setdefault((c.category, c.period), []).append(c)
    return groups


def groups_have_realized(groups: _Groups, category: str | None) -> bool:
    """Whether some period slot of ``category`` holds realization (not only a plan)."""
    return any(
        c.role == "realized"
        for (cat, period), cols in groups.items()
        if cat == category and period
        for c in cols
    )


def plan_slots(layout: Layout) -> list[Slot]:
    """Group the amount columns into (category, period) slots, one budget and realization each.

    Where a measure column says what each row holds (Target / Realisasi), a period column is
    both the slot's plan and its realization: the rows tell them apart.
    """
    groups = _group(_demote_partial_flows(_demote_quarter_subtotals(_money_columns(layout))))
    measured = any(c.role == "measure" for c in layout.columns)
    flows_by_category = {cat for (cat, period) in groups if period is not None}
    slots = []
    for (category, period), cols in groups.items():
        budget = _choose(cols, "budget", ["changed", None, "original"])
        realized = _choose(cols, "realized", ["cumulative", None, "flow"], layout)
        plan = _choose(cols, "plan", [None, "flow", "cumulative"])
        if (
            period is None
            and realized is not None
            and category in flows_by_category
            and groups_have_realized(groups, category)
        ):
            realized.role = "check"  # the periods carry the realization; this is their sum
            realized = None
        if measured and period is not None:
            realized = plan = plan or realized
        last_year = _choose(cols, "realized", ["last_year"]) if period is None else None
        parts = _parts(realized, cols)
        if realized is not None and realized.variant == "flow" and not parts:
            # "s.d. Bulan Lalu" and "Bulan Ini" without their sum: the realization to date is both
            previous = _choose(cols, "realized", ["previous"])
            parts = (previous,) if previous is not None else ()
        budget_parts = _parts(budget, cols)
        if budget is None and realized is None and plan is None and last_year is None:
            continue
        slots.append(
            Slot(
                category=category,
                period=period,
                budget=budget,
                realized=realized,
                plan=plan,
                last_year=last_year,
                parts=parts,
                budget_parts=budget_parts,
            )
        )
    return slots


def _parts(whole: Column | None, columns: list[Column]) -> tuple[Column, ...]:
    """The columns that a realization (or a budget) ``whole`` is one part of, beside it, their
    total missing: ways of payment (LS, UP/GU/TU) or sources of funds (DAU, DAK, PAD) under one
    merged header, or sources of funds each in a header of its own (Realisasi DAU | Realisasi
    DAK, Pagu DAU | Pagu DAK). None where it is itself the total."""
    if whole is None or whole.group_total:
        return ()
    group = _parent(whole)
    others = [c for c in columns if c is not whole and _same_kind(c, whole) and not c.group_total]
    if not others:
        return ()
    if group and vocab.is_part(_own(whole)):
        parts = all(_parent(c) == group and vocab.is_part(_own(c)) for c in others)
    else:
        fund = vocab.is_fund_source(whole.header)
        parts = not group and fund and all(not _parent(c) and vocab.is_fund_source(c.header) for c in others)
    return tuple(others) if parts else ()


def _own(column: Column) -> str:
    """A column's own header, under the merged ones above it."""
    return column.header.split(" / ")[-1]


def _same_kind(column: Column, other: Column) -> bool:
    return (column.role, column.category, column.period, column.variant) == (
        other.role,
        other.category,
        other.period,
        other.variant,
    )


def measures_apart(layout: Layout, slots: list[Slot]) -> list[tuple[Column, list[Column]]]:
    """Each budget or realization column read where others of its kind, slot and variant are
    read by none, none of them their total: the column read and the columns left out (LS read,
    UP/GU/TU beside it not added)."""
    used = {
        id(c)
        for s in slots
        for c in (s.budget, s.realized, s.plan, s.last_year, *s.parts, *s.budget_parts)
        if c is not None
    }
    money = _money_columns(layout)
    apart = []
    for slot in slots:
        for chosen in (slot.budget, slot.realized):
            if chosen is None or chosen.group_total:
                continue
            others = [c for c in money if id(c) not in used and not c.group_total and _same_kind(c, chosen)]
            if not others or chosen in (_summing([*others, chosen]), _net([*others, chosen], layout)):
                continue  # not where it is their total, nor their net of the refunds
            latest = latest_to_date([*others, chosen], layout) if chosen.variant == "cumulative" else None
            if latest is None or latest[0] is not chosen:  # nor the latest of realizations to date
                apart.append((chosen, others))
    return apart
