"""The kind of each sheet, decided from evidence in the sheets: only realization data is ranked.

- ``data``: budget and/or realization lines;
- ``budget``: budget amounts only (a DPA), used where other inputs give the realization;
- ``plan``: planned amounts per month or quarter (anggaran kas / RAK), never ranked;
- ``derived``: a copy of another sheet's rows (hidden or visible, whole or filtered), or a
  summary whose amounts are all found in other sheets (their rows, subtotals or totals);
- ``template``: a header without data rows; ``pendapatan``: revenue rows only.

A sheet that carries its own date (title, header, sheet name) is a snapshot, and is a copy
only of a sheet of the same date: month sheets of one unit are never each other's copies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from realisasi_cli.facts.keys import NAME_KEY
from realisasi_cli.facts.normalize import NOT_REVENUE, NOT_SPENDING, REVENUE_TITLED
from realisasi_cli.facts.schema import Facts, SheetResult, Warning_
from realisasi_cli.messages import Message, some_of
from realisasi_cli.vocabulary import period_in_name

# Share of a sheet's rows (or amounts) found elsewhere that makes it a copy (or a summary).
COPY_SHARE = 0.9
SUMMARY_SHARE = 0.9  # a summary repeats (more than) this share of its amounts; one unit in ten more is data
MIN_ROWS = 2  # a one-line sheet is too little evidence to call it a copy
MIN_AMOUNTS = 3
OWN_DATE = ("title", "header", "sheet name")
PLAN_TITLE = re.compile(r"anggaran kas|\brak\b|rencana (penarikan|kas)")


def base_kind(result: SheetResult) -> tuple[str, Message]:
    """What one sheet is on its own evidence: its columns and whether it has data rows."""
    layout, facts = result.layout, result.facts
    assert layout is not None
    months = sum(1 for c in layout.columns if c.role == "plan" and c.period and not c.physical)
    if months >= 3 and PLAN_TITLE.search(" ".join(layout.context.title).lower()):
        return "plan", Message("R-PLAN-TITLE")
    if not layout.has_realized:
        if any(c.role == "plan" and c.period for c in layout.columns):
            return "plan", Message("R-PLAN")
        if layout.has_budget and not layout.has_period_key:
            return "budget", Message("R-BUDGET")
    if facts is None or facts.rows_used == 0:
        skipped = facts.rows_skipped if facts is not None else {}
        if skipped.get(REVENUE_TITLED, 0):
            return "pendapatan", Message("R-PENDAPATAN-TITLE")
        if skipped.get(NOT_SPENDING, 0):
            return "pendapatan", Message("R-PENDAPATAN")
        if skipped.get(NOT_REVENUE, 0):  # read for --pendapatan: belanja only
            return "belanja", Message("R-BELANJA")
        return "template", Message("R-TEMPLATE")
    return "data", Message("R-DATA")


@dataclass
class _Sheet:
    """One sheet's evidence for the comparison."""

    index: int
    result: SheetResult
    rows: pl.DataFrame  # key, cents, budget (whether the amount is a budget) of the data rows' amounts
    amounts: pl.Series  # distinct cents of the data rows, every measure
    everything: pl.DataFrame  # key, cents of every amount, with per-unit totals and the total
    units: frozenset[str]  # the units it names (codes, else names); empty when it names none
    has_realized: bool = False  # whether any data row holds a realization amount (0 is none)
    unit_count: int = 0  # how many units it names (a code and a name are one)

    @property
    def own_date(self) -> object:
        return self.result.as_of if self.result.as_of_source in OWN_DATE else None

    @property
    def rows_per_unit(self) -> float:
        rows = self.result.facts.rows_used if self.result.facts else 0
        return rows / max(self.unit_count, 1)

    @property
    def hidden(self) -> bool:
        return self.result.layout is not None and self.result.layout.grid.hidden

    @property
    def priority(self) -> tuple[bool, int, int]:
        """Which of two identical sheets is kept: the visible one, the larger, the first."""
        rows = self.result.facts.rows_used if self.result.facts else 0
        return (not self.hidden, rows, -self.index)


def _evidence(index: int, result: SheetResult) -> _Sheet | None:
    facts = result.facts
    if facts is None or facts.evidence is None:
        return None
    cells = facts.evidence
    data = cells.filter(pl.col("data"))
    rows = data.select("key", "cents", "budget")
    totals = []
    for frame, column in ((facts.budget, "budget"), (facts.realization, "realized")):
        if frame.height:
            per_unit = frame.group_by("unit_code", "unit_name").agg(pl.col(column).sum())
            totals.append(per_unit.select(key=pl.lit(None, pl.String), cents=pl.col(column)))
            totals.append(frame.select(key=pl.lit(None, pl.String), cents=pl.col(column).sum()))
    everything = pl.concat(
        [
            cells.select("key", "cents"),
            *(t.with_columns(cents=(pl.col("cents") * 100).round().cast(pl.Int64)) for t in totals),
        ]
    )
    units: frozenset[str] = frozenset()
    count = 0
    if not result.unnamed:
        named = pl.concat(
            [
                facts.budget.select("unit_code", "unit_name"),
                facts.realization.select("unit_code", "unit_name"),
            ]
        )
        keys = pl.concat([named["unit_code"], named.select(NAME_KEY).to_series()])
        units = frozenset(keys.drop_nulls().unique().to_list())
        count = named.unique().height
    has_realized = bool(data.select((~pl.col("budget")).any()).item())
    return _Sheet(index, result, rows, data["cents"].unique(), everything, units, has_realized, count)


def _rows_found(sheets: Sequence[_Sheet]) -> dict[tuple[int, int], float]:
    """Share of each sheet's data rows whose key and amount stand among another's rows, for every
    pair of ``sheets`` (their positions) that share a row: one join over them all, not one per
    pair. Against a plan or a DPA (no realization) only budget rows count: its lines repeat."""
    rows = pl.concat([s.rows.with_columns(me=pl.lit(k)) for k, s in enumerate(sheets)])
    pool = pl.concat([s.everything.unique().with_columns(other=pl.lit(k)) for k, s in enumerate(sheets)])
    pairs = (
        rows.join(pool, on=["key", "cents"], how="inner", nulls_equal=False)
        .filter(pl.col("me") != pl.col("other"))
        .group_by("me", "other")
        .agg(found=pl.len(), budget_found=pl.col("budget").sum())
    )
    counts = [(s.rows.height, int(s.rows.get_column("budget").sum())) for s in sheets]
    shares: dict[tuple[int, int], float] = {}
    for me, other, found, budget_found in pairs.iter_rows():
        every, budget = counts[me]
        if not sheets[other].has_realized or sheets[other].result.kind == "plan":
            every, found = budget, budget_found
        if every >= MIN_ROWS:
            shares[me, other] = found / every
    return shares


def _found_elsewhere(sheets: Sequence[_Sheet]) -> list[float]:
    """Share of each sheet's distinct amounts that any other of ``sheets`` holds (rows,
    subtotals, totals): at most what any of them together hold."""
    held = pl.concat(
        [s.everything.select("cents").unique().with_columns(k=pl.lit(k)) for k, s in enumerate(sheets)]
    )
    many = set(held.group_by("cents").agg(pl.len()).filter(pl.col("len") > 1).get_column("cents").to_list())
    shares = []
    for sheet in sheets:
        amounts = sheet.amounts.drop_nulls().to_list()
        enough = len(amounts) >= MIN_AMOUNTS
        shares.append(sum(a in many for a in amounts) / len(amounts) if enough else 0.0)
    return shares


def _amounts_found(sheet: _Sheet, others: Sequence[_Sheet]) -> float:
    """Share of ``sheet``'s distinct amounts found anywhere in ``others`` (rows, subtotals, totals)."""
    if sheet.amounts.len() < MIN_AMOUNTS or not others:
        return 0.0
    pool = pl.concat([o.everything["cents"] for o in others]).unique()
    found = sheet.amounts.is_in(pool.implode())
    return int(found.sum()) / found.len()


def _comparable(sheet: _Sheet, other: _Sheet, *, named: bool = True) -> bool:
    """A dated snapshot is a copy only of a sheet of the same date; a sheet that names its units
    is a copy only of one that names some of the same (two kecamatan with one DPA are two).
    Not ``named``: a summary may name each unit otherwise than its sheet ("Dinkes" for DINAS
    KESEHATAN); its figures tell."""
    if named and sheet.units and other.units and not sheet.units & other.units:
        return False
    mine, theirs = period_in_name(sheet.result.sheet), period_in_name(other.result.sheet)
    if mine is not None and theirs is not None and mine != theirs:
        return False  # "TW1" and "TW2", "Maret" and "Juni": snapshots, not copies
    return sheet.own_date is None or sheet.own_date == other.own_date


def mark_unfilled(sheets: list[_Sheet]) -> None:
    """Month sheets not filled in yet are templates, not snapshots at 0 %:

    * realization columns without a single amount (nor one but 0), where other sheets of the
      workbook have some;
    * where none has any, a year's month sheets (``Jan`` … ``Desember``) after the first: a
      workbook made for the year, whose data date is not December's.
    """
    if any(s.has_realized and s.own_date is not None for s in sheets):
        for sheet in sheets:
            # only dated snapshots: a unit's own sheet at 0 % is a figure, not a blank form
            if sheet.result.kind == "data" and not sheet.has_realized and sheet.own_date is not None:
                sheet.result.kind = "template"
                sheet.result.reason = Message("R-UNFILLED")
        return
    months = sorted(
        (
            s
            for s in sheets
            if s.result.kind == "data" and s.own_date is not None and period_in_name(s.result.sheet)
        ),
        key=lambda s: (str(s.own_date), s.index),
    )
    for sheet in months[1:]:
        sheet.result.kind = "template"
        sheet.result.reason = Message("R-UNFILLED-ZERO", {"sheet": months[0].result.sheet})


def mark_derived(results: list[SheetResult]) -> None:
    """Among the sheets of one workbook, mark the copies and summaries of others as derived."""
    sheets = [s for i, r in enumerate(results) if (s := _evidence(i, r)) is not None]
    mark_unfilled(sheets)
    candidates = [s for s in sheets if s.result.kind == "data"]
    if len(sheets) < 2 or not candidates:
        return
    position = {id(s): k for k, s in enumerate(sheets)}
    shares = _rows_found(sheets)
    copies: dict[int, list[_Sheet]] = {}
    for sheet in candidates:
        me = position[id(sheet)]
        copies[sheet.index] = [
            other
            for k, other in enumerate(sheets)
            if shares.get((me, k), 0.0) >= COPY_SHARE and _comparable(sheet, other)
        ]
    copied = {index: {o.index for o in others} for index, others in copies.items()}

    def copy_of(sheet: _Sheet, other: _Sheet) -> bool:
        return other.index in copied.get(sheet.index, ())

    elsewhere = _found_elsewhere(sheets)
    for sheet in candidates:
        # of two identical sheets, the one kept is not a copy of the other
        sources = [
            other
            for other in copies[sheet.index]
            if not (copy_of(other, sheet) and sheet.priority > other.priority)
        ]
        if sources:
            best = max(sources, key=lambda o: o.priority)
            sheet.result.kind = "derived"
            sheet.result.reason = Message(
                "R-COPY-HIDDEN" if sheet.hidden else "R-COPY", {"sheet": best.result.sheet}
            )
            continue
        if elsewhere[position[id(sheet)]] <= SUMMARY_SHARE:
            continue  # too few of its amounts are anywhere else to sum others up
        rest = [o for o in sheets if o is not sheet]
        named = [o for o in rest if _comparable(sheet, o) and not copy_of(o, sheet)]
        # a rekap that names the units otherwise than their sheets ("Dinkes" beside DINAS
        # KESEHATAN) sums them up only where their figures say so, unit by unit
        others = [o for o in rest if _comparable(sheet, o, named=False) and not copy_of(o, sheet)]
        if _sums_up(sheet, named):
            alone, by_figures = _units_alone(sheet, named, rest), False
        elif sheet.unit_count > 1 and _sums_up(sheet, others):
            alone, by_figures = _units_alone(sheet, others, rest, one_to_one=True), True
        else:
            continue
        many = alone is not None and alone.height * 2 > sheet.unit_count
        if by_figures and (alone is None or many):
            continue  # most of its units are not the others' by name nor figures: no summary
        if alone is not None and alone.height and not many:
            _keep_units(sheet.result, alone)  # the units no other sheet gives are read from it
            continue
        sheet.result.kind = "derived"
        sheet.result.reason = Message("R-SUMMARY")
    mark_hidden_peers(sheets)


def _sums_up(sheet: _Sheet, others: Sequence[_Sheet]) -> bool:
    """Whether ``sheet`` reads as a summary of ``others``: shorter than one of them, or of fewer
    rows per unit (a rekap's one line for each unit's sheet of lines; sheets alike in both are
    each other's peers), and its amounts found among theirs."""
    longer = any(o.priority[1] > sheet.priority[1] or o.rows_per_unit > sheet.rows_per_unit for o in others)
    return longer and _amounts_found(sheet, others) > SUMMARY_SHARE


def _units_alone(
    sheet: _Sheet, others: Sequence[_Sheet], everyone: Sequence[_Sheet], *, one_to_one: bool = False
) -> pl.DataFrame | None:
    """The units (code, name) of a summary that none of ``others`` names (a rekap of 30 units
    beside the sheets of 29), maybe none; None where a sheet it sums up names no unit to tell.
    A unit whose figures are those of a unit of ``everyone`` (the workbook's other sheets) is
    that unit, named otherwise; ``one_to_one``, only where they are no other unit's on either
    side (where the figures alone say the sheet is a summary)."""
    facts = sheet.result.facts
    if facts is None or not sheet.units or not others or any(not o.units for o in others):
        return None
    given = pl.Series(sorted(frozenset().union(*(o.units for o in others))), dtype=pl.String)
    pairs = pl.concat(
        [facts.budget.select("unit_code", "unit_name"), facts.realization.select("unit_code", "unit_name")]
    )
    alone = pairs.unique().filter(
        ~pl.col("unit_code").is_in(given.implode()).fill_null(False)
        & ~NAME_KEY.is_in(given.implode()).fill_null(False)
    )
    # a unit named otherwise ("KEC. KOTA 1" for "KECAMATAN KOTA 1") whose figures are another
    # sheet's unit's is that unit; one to one, round budgets that repeat (kelurahan of 500
    # million each, nothing realized yet) tell none
    # a unit counts once however many sheets give it (a hidden copy of the data sheet)
    seen = {
        row for o in everyone if o.result.facts is not None for row in _unit_sums(o.result.facts).iter_rows()
    }
    known = Counter((budget, realized) for _code, _name, budget, realized in seen)
    mine = {
        (code, name): (budget, realized) for code, name, budget, realized in _unit_sums(facts).iter_rows()
    }
    repeated = Counter(mine.values())

    def told(pair: tuple[object, object] | None) -> bool:
        if pair is None or pair == (0.0, 0.0) or not known[pair]:
            return False
        return not one_to_one or (known[pair] == 1 and repeated[pair] == 1)

    alone = alone.filter(
        pl.Series([not told(mine.get((code, name))) for code, name in alone.iter_rows()], dtype=pl.Boolean)
    )
    return alone


def _unit_sums(facts: Facts) -> pl.DataFrame:
    """Each unit's budget and realization, in whole rupiah, of one sheet's facts."""
    keys = ["unit_code", "unit_name"]
    budget = facts.budget.group_by(keys).agg(pl.col("budget").sum())
    realized = facts.realization.group_by(keys).agg(pl.col("realized").sum())
    both = budget.join(realized, on=keys, how="full", coalesce=True, nulls_equal=True)
    return both.select(*keys, pl.col("budget", "realized").fill_null(0.0).round(0)).sort(keys)


def _keep_units(result: SheetResult, units: pl.DataFrame) -> None:
    """Only ``units``' facts of a summary stay, with a warning that names them."""
    facts = result.facts
    assert facts is not None
    on = ["unit_code", "unit_name"]

    def mine(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.join(units, on=on, how="semi", nulls_equal=True)

    facts.budget, facts.realization = mine(facts.budget), mine(facts.realization)
    facts.plan, facts.physical, facts.last_year = (
        mine(facts.plan),
        mine(facts.physical),
        mine(facts.last_year),
    )
    facts.rows_used = pl.concat([facts.budget.select("row"), facts.realization.select("row")]).n_unique()
    names = [str(name or code) for code, name in units.sort(on).iter_rows()]
    params = {"n": len(names), "names": some_of(names)}
    facts.warnings.append(Warning_(str(result.file), result.sheet, None, "W-SUMMARY-PART", params))


def mark_hidden_peers(sheets: list[_Sheet]) -> None:
    """A hidden sheet that names the units of a sheet shown beside it, of its date, with figures of
    its own: the workbook's older or working copy ("lama", "Sheet1 (2)"), not more data. The sheet
    the workbook shows is the one ranked; a hidden sheet of other units stays data."""
    shown = [s for s in sheets if s.result.kind == "data" and not s.hidden and s.units]
    for sheet in sheets:
        if sheet.result.kind != "data" or not sheet.hidden or not sheet.units:
            continue
        peers = [
            other
            for other in shown
            if _comparable(sheet, other) and len(sheet.units & other.units) >= COPY_SHARE * len(sheet.units)
        ]
        if peers:
            sheet.result.kind = "derived"
            sheet.result.reason = Message("R-HIDDEN-PEER", {"sheet": peers[0].result.sheet})
