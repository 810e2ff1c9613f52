"""A detected sheet becomes canonical facts, in named stages.

1. ``key_columns``: the unit, account, description and activity of every row (``keys``);
2. ``amount_columns``: every amount parsed, here and only here (``numbers.read_amounts``);
3. ``name_units``: units named by organisation rows, section rows or the sheet's context;
4. ``row_reasons``: why a row is not data (a total, a heading, a subtotal, no amounts);
5. ``emit_facts``: one budget fact per slot and row, one realization or plan fact per period.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from realisasi_cli import frames as fr
from realisasi_cli import vocabulary as vocab
from realisasi_cli.dates import a_year_before
from realisasi_cli.detect.layout import Column, Layout
from realisasi_cli.detect.values import measure_of
from realisasi_cli.facts import checks
from realisasi_cli.facts.keys import (
    account_categories,
    account_parts,
    categories_of_labels,
    clean_code,
    clean_name,
    fill_merges,
    per_distinct,
    segment,
    span_source,
    stripped,
    units_from_section_rows,
)
from realisasi_cli.facts.periods import period_bounds, row_period
from realisasi_cli.facts.physical import physical_columns, physical_facts
from realisasi_cli.facts.schema import BUDGET_SCHEMA, PLAN_SCHEMA, REALIZATION_SCHEMA, Facts, Warning_
from realisasi_cli.facts.slots import Slot, measures_apart, plan_slots
from realisasi_cli.facts.subtotals import TOLERANCE
from realisasi_cli.messages import Message, some_of
from realisasi_cli.numbers import read_sheet_amounts
from realisasi_cli.reading.grid import Grid

_KEY_ROLES = ("unit", "unit_code", "unit_name", "account", "code", "description")
_NULL_TEXT = pl.lit(None, dtype=pl.String)


@dataclass
class SheetColumns:
    """The columns of one sheet that normalization reads, by what they hold."""

    unit: Column | None  # unit code, or code and name in one cell
    name: Column | None  # unit name (a sub unit's, where a column names them)
    outer_name: Column | None  # beside a sub unit's name column, the unit's: rows without a sub unit
    account: Column | None
    codes: list[Column]  # program/activity codes: rows of one activity share them
    descriptions: list[str]  # grid columns of uraian text, merged spans included
    numbering: list[str]  # grid columns of row numbers ("No"), where a JUMLAH may stand
    period: Column | None  # a month, quarter or date per row
    measure: Column | None  # what each row's amounts are: plan (Target) or realization
    measures: list[Column]  # the amount columns of the slots
    account_parts: list[str]  # grid columns the account code is written across (one, or SIMDA's five)
    source_of: dict[int, str]  # id(measure) -> the grid column its values are read from

    @classmethod
    def of(cls, layout: Layout, slots: list[Slot], frame: pl.DataFrame) -> SheetColumns:
        """Pick the columns of ``layout`` that ``frame`` (the data rows) holds."""

        def first(*roles: str) -> Column | None:
            return next((c for c in layout.columns if c.role in roles), None)

        account = first("account")
        parts = (
            account_parts(layout, account, frame)
            if account is not None and f"c{account.index}" in frame.columns
            else []
        )

        # a column is one measure however many roles it has (a Target/Realisasi sheet's month
        # column is a slot's plan and its realization): its cells are read and warned of once
        every = [
            c
            for s in slots
            for c in (s.budget, s.realized, s.plan, s.last_year, *s.parts, *s.budget_parts)
            if c is not None
        ]
        measures = list({id(c): c for c in every}.values())
        # a sub unit's name where a column gives it (RSUD, UPT, a kecamatan under KECAMATAN), as
        # for codes; sub units stay units of their own
        names = [c for c in layout.columns if c.role == "unit_name"]
        sub = next((c for c in names if "sub" in c.header.lower()), None)
        return cls(
            unit=first("unit", "unit_code"),
            name=sub or first("unit_name"),
            outer_name=next((c for c in names if c is not sub), None) if sub is not None else None,
            account=first("account"),
            codes=[
                c
                for c in layout.columns
                if c.role == "code" and f"c{c.index}" in frame.columns and f"c{c.index}" not in parts
            ],
            descriptions=[
                f"c{i}"
                for c in layout.columns
                if c.role == "description"
                for i in range(c.span[0], c.span[1] + 1)
                if f"c{i}" in frame.columns
            ],
            numbering=[
                f"c{c.index}" for c in layout.columns if c.role == "index" and f"c{c.index}" in frame.columns
            ],
            period=first("period_key"),
            measure=first("measure"),
            measures=measures,
            account_parts=parts,
            source_of={id(c): span_source(layout, c) for c in measures},
        )

    def present(self, column: Column | None, frame: pl.DataFrame) -> bool:
        """Whether ``column`` is one ``frame`` has."""
        return column is not None and f"c{column.index}" in frame.columns


# why rows are left out, as inspect shows them: revenue and financing among belanja, and back
NOT_SPENDING = "not spending (pendapatan/pembiayaan)"
NOT_REVENUE = "not pendapatan (belanja/pembiayaan)"
REVENUE_TITLED = "pendapatan (its title)"


def data_frame(layout: Layout, columns: SheetColumns) -> pl.DataFrame:
    """The rows below the header with their sheet row number, merged key and amount cells filled."""
    frame = layout.grid.frame.slice(layout.data_start).with_row_index("row", offset=layout.data_start)
    frame = fr.with_columns(frame, pl.col("row").cast(pl.Int64))
    needed = set(columns.source_of.values())
    for c in layout.columns:
        if c.role in _KEY_ROLES:
            needed.update(f"c{i}" for i in range(c.span[0], c.span[1] + 1))
    return fill_merges(layout, frame, needed)


_LISTED = rf"^\s*({vocab.LIST_MARK})[.)]\s+\S"  # a list's number before a label: "1. ", "a) "


def key_columns(frame: pl.DataFrame, columns: SheetColumns) -> dict[str, pl.Expr]:
    """Stage 1: unit_code, unit_name, account_code, description and activity of every row."""
    unit, name = columns.unit, columns.name
    exprs: dict[str, pl.Expr] = {
        "unit_code": per_distinct(frame, f"c{unit.index}", clean_code)
        if unit is not None and columns.present(unit, frame)
        else _NULL_TEXT
    }
    exprs["unit_row"] = pl.lit(False)  # a unit's own row above its sub units' (Sub Unit left blank)
    if name is not None and columns.present(name, frame):
        exprs["unit_name"] = per_distinct(frame, f"c{name.index}", clean_name)
        outer = columns.outer_name
        if outer is not None and columns.present(outer, frame):
            unit_name = per_distinct(frame, f"c{outer.index}", clean_name)
            # a row that names its unit and no sub unit: the unit's own row, over its sub units
            exprs["unit_row"] = exprs["unit_name"].is_null() & unit_name.is_not_null()
            exprs["unit_name"] = pl.coalesce(exprs["unit_name"], unit_name)
    elif unit is not None and unit.role == "unit" and columns.present(unit, frame):
        exprs["unit_name"] = per_distinct(frame, f"c{unit.index}", clean_name)
    else:
        exprs["unit_name"] = _NULL_TEXT
    account = columns.account
    parts = columns.account_parts
    if len(parts) > 1:  # a Kode Rekening written over columns: 5 | 2 | 3 | 01 | 01
        written = [segment(name, frame.schema[name]) for name in parts]
        exprs["account_code"] = clean_code(pl.concat_str(written, separator=".", ignore_nulls=True))
    else:
        exprs["account_code"] = (
            per_distinct(frame, f"c{account.index}", clean_code)
            if account is not None and columns.present(account, frame)
            else _NULL_TEXT
        )
    # a total's label in the row-number column ("JUMLAH" under No, nothing beside it) is the row's
    totals = [
        pl.when(text.str.contains(vocab.TOTAL_ROW)).then(text)
        for text in (pl.col(n).cast(pl.String).str.strip_chars() for n in columns.numbering)
    ]
    described = [per_distinct(frame, n, stripped) for n in columns.descriptions] + totals
    exprs["description"] = pl.coalesce(described) if described else _NULL_TEXT
    # the row's number ("A", "I", "1.1"): how they nest tells a heading over its rows; where the
    # number column leaves it blank, the number its label opens with ("a. Kelurahan Kota Baru")
    numbers = [pl.col(columns.numbering[0]).cast(pl.String).str.strip_chars()] if columns.numbering else []
    labelled = [c.index for c in (name,) if c is not None and columns.present(c, frame)]
    labelled += [int(n[1:]) for n in columns.descriptions]
    numbers += [pl.col(f"c{i}").cast(pl.String).str.extract(_LISTED, 1) for i in labelled]
    exprs["number"] = pl.coalesce([pl.when(n != "").then(n) for n in numbers]) if numbers else _NULL_TEXT
    measure = columns.measure
    exprs["measure"] = (
        _measures(frame, f"c{measure.index}")
        if measure is not None and columns.present(measure, frame)
        else _NULL_TEXT
    )
    exprs["activity"] = (
        pl.concat_str(
            [pl.col(f"c{c.index}").cast(pl.String).fill_null("") for c in columns.codes], separator="|"
        )
        if columns.codes
        else pl.lit("")
    )
    return exprs


def _measures(frame: pl.DataFrame, name: str) -> pl.Expr:
    """Each row's measure (``plan``/``realized``) from the words of its measure cell."""
    text = pl.col(name).cast(pl.String)
    distinct = fr.select(frame, text.unique().drop_nulls()).to_series()
    kinds = pl.Series([measure_of(v) for v in distinct.to_list()], dtype=pl.String)
    return text.replace_strict(distinct, kinds, default=None, return_dtype=pl.String)


# below this many cells a sheet's columns parse faster in turn than through two threads (Polars
# works outside the GIL: two text columns of 100k cells parse in 0.04 s instead of 0.06 s)
_PARALLEL_CELLS = 50_000


def amount_columns(
    frame: pl.DataFrame, columns: SheetColumns, physical: dict[str, Column], grid: Grid | None = None
) -> tuple[dict[str, pl.Series], dict[str, pl.Expr]]:
    """Stage 2: every amount cell parsed (``m{i}``), beside the cell as read (``raw{i}``) and why a
    cell that reads as a number is none (``x{i}``: ``range``, ``shape``; ``numbers.read_sheet_amounts``,
    told how ``grid``'s file writes its cells)."""
    to_parse: dict[str, pl.Series] = {}
    exprs: dict[str, pl.Expr] = {}
    for c in columns.measures:
        name = columns.source_of[id(c)]
        if name in frame.columns:
            to_parse[f"m{c.index}"] = frame[name]
            exprs[f"m{c.index}"] = pl.col(f"m{c.index}")
            exprs[f"raw{c.index}"] = pl.col(name)  # as read; only a warning's example is shown
        else:
            exprs[f"m{c.index}"] = pl.lit(None, dtype=pl.Float64)
            exprs[f"raw{c.index}"] = pl.lit(None)
    for key, column in physical.items():
        if f"c{column.index}" in frame.columns:
            to_parse[key] = frame[f"c{column.index}"]
            exprs[key] = pl.col(key)
    parsed: dict[str, pl.Series] = {}
    cells = sum(values.len() for values in to_parse.values())
    read = read_sheet_amounts(
        to_parse,
        deciding=[key for key in to_parse if key.startswith("m")],
        text_file=grid is not None and grid.text_file,
        decimal_comma=grid is not None and grid.decimal_comma,
        threads=2 if cells >= _PARALLEL_CELLS else 1,
    )
    for key, (values, refused) in read.items():
        parsed[key] = values
        if key.startswith("m") and refused is not None:
            parsed["x" + key[1:]] = refused
            exprs["x" + key[1:]] = pl.col("x" + key[1:])
    for c in columns.measures:  # no cell refused: a column of nulls
        exprs.setdefault(f"x{c.index}", pl.lit(None, dtype=pl.String))
    return parsed, exprs


# No row of a regional export is a trillion rupiah at its median: a sheet whose figures would be,
# once multiplied as its words say, is already in rupiah (a template's "dalam ribuan rupiah" left
# above full figures). A province's median unit is some hundreds of billions in rupiah.
_MEDIAN_ROW_LIMIT = 1e12


def _scale_amounts(
    layout: Layout, measures: list[Column], parsed: dict[str, pl.Series], warnings: list[Warning_]
) -> float:
    """Amounts written in thousands or millions, as the column's header or the title says
    ("Pagu (Rp 000)", "dalam ribuan rupiah"), made rupiah, with a warning that says so; unless
    the figures say they are rupiah already (their median row would pass a trillion), which is
    warned too. Returns the largest factor applied (1 for none): what the figures are rounded to."""
    scaled: list[tuple[str, float, str]] = []
    for c in measures:
        own = vocab.amounts_in(c.header)
        factor, words = own or (layout.context.scale, layout.context.scale_said)
        key = f"m{c.index}"
        if factor != 1 and words is not None and key in parsed:
            scaled.append((key, factor, words))
    if not scaled:
        return 1.0
    grid = layout.grid
    _, factor, words = scaled[0]
    if any(_median_row(parsed[key]) * f > _MEDIAN_ROW_LIMIT for key, f, _ in scaled):
        warnings.append(
            Warning_(
                str(grid.file), grid.sheet, None, "W-SCALE-DOUBTED", {"factor": round(factor), "said": words}
            )
        )
        return 1.0
    for key, f, _ in scaled:
        parsed[key] = parsed[key] * f
    warnings.append(
        Warning_(str(grid.file), grid.sheet, None, "W-SCALED", {"factor": round(factor), "said": words})
    )
    return max(f for _, f, _ in scaled)


# rupiah: a sheet whose every amount is of whole thousands, realizations included, is rounded
# to them though nothing says so (a BPKAD rekap); realizations are rarely round by chance
_ROUNDED_TO = 1_000.0
_ROUNDED_REALIZED = 3  # realizations, not zero, that must all be round to tell


def _rounding(measures: list[Column], parsed: dict[str, pl.Series], precision: float) -> float:
    """What the sheet's figures are rounded to: ``precision`` (what a label said), or a thousand
    where every amount that is not zero is of whole thousands and at least
    ``_ROUNDED_REALIZED`` of them are realizations."""
    if precision >= _ROUNDED_TO:
        return precision
    realized = 0
    for c in measures:
        amounts = parsed.get(f"m{c.index}")
        if amounts is None:
            continue
        given = amounts.filter(amounts.is_not_null() & (amounts != 0))
        off = ((given / _ROUNDED_TO).round() * _ROUNDED_TO - given).abs().max()
        if isinstance(off, int | float) and off > 0.005:
            return precision
        if c.role == "realized":
            realized += given.len()
    return _ROUNDED_TO if realized >= _ROUNDED_REALIZED else precision


def _add_parts(slots: list[Slot], parsed: dict[str, pl.Series]) -> None:
    """Each realization paid in parts (LS, UP/GU/TU) or by source of funds, and each budget by
    source of funds, made their sum, in its own column; a row with none of the parts has none
    (null), as a row with no realization."""
    for whole, parts in ((s.realized, s.parts) for s in slots):
        _sum_into(whole, parts, parsed)
    for whole, parts in ((s.budget, s.budget_parts) for s in slots):
        _sum_into(whole, parts, parsed)


def _sum_into(whole: Column | None, parts: tuple[Column, ...], parsed: dict[str, pl.Series]) -> None:
    keys = [f"m{c.index}" for c in (whole, *parts) if c is not None and f"m{c.index}" in parsed]
    if whole is None or len(keys) < 2:
        return
    frame = pl.DataFrame({key: parsed[key] for key in keys})
    given = pl.any_horizontal(pl.col(key).is_not_null() for key in keys)
    summed = frame.select(pl.when(given).then(pl.sum_horizontal(keys)).alias(keys[0]))
    parsed[keys[0]] = summed.to_series()


# what a column's header may say besides its measure, and still be the whole of the spending
_OF_ALL_WORDS = (
    "pagu anggaran realisasi dpa dppa spj sp2d jumlah total seluruhnya semua belanja rp rupiah nilai "
    "daerah apbd perubahan murni semula menjadi setelah s d sd bulan ini lalu kumulatif tahun keuangan dana"
)
_OF_ALL = frozenset(_OF_ALL_WORDS.split())


def _says_all(column: Column) -> bool:
    """Whether a column's header names no part of the spending: "Pagu", "Total Realisasi", "Jumlah
    Anggaran (Rp)"; not "BELANJA TIDAK LANGSUNG / Pagu", "Belanja Rutin", "Gaji dan Tunjangan"."""
    words = set(vocab.normalize(column.header.replace(" / ", " ")).split())
    return words <= _OF_ALL


def _rest_of_totals(slots: list[Slot], parsed: dict[str, pl.Series], tolerance: float) -> None:
    """Amount columns of no jenis belanja beside columns each of one, of their period, hold them
    where neither is on any row below their sum ("Pagu | Realisasi" beside "Pagu Belanja Modal |
    Realisasi Belanja Modal"; "Total Pagu" beside "Pagu Belanja Operasi" and "Pagu Belanja
    Modal"): they count what the jenis leave, their amounts less the jenis' (nothing where the
    jenis are all of it), in their own columns. Below their sum on a row, they are a part
    beside them. So do the columns of a jenis beside those of the jenis within it, first
    ("Belanja Operasi" beside "Belanja Pegawai" and "Belanja Barang dan Jasa")."""
    for whole in slots:
        if whole.category is None:
            continue
        within = [
            s
            for s in slots
            if s.period == whole.period
            and s.category not in (None, whole.category)
            and vocab.part_of(s.category, whole.category)
        ]
        _keep_rest(whole, within, parsed, tolerance)
    for whole in (s for s in slots if s.category is None):
        parts = [s for s in slots if s.category is not None and s.period == whole.period]
        _keep_rest(whole, parts, parsed, tolerance, all_said=True)


def _keep_rest(
    whole: Slot, parts: list[Slot], parsed: dict[str, pl.Series], tolerance: float, *, all_said: bool = False
) -> None:
    """``whole``'s budget and realization columns, less ``parts``' on each row, where on no row
    they are below their parts' sum; ``all_said``: only a column whose header names no part of
    the spending (not BELANJA TIDAK LANGSUNG / Pagu)."""
    rests: dict[str, pl.Series] = {}
    for role in ("budget", "realized"):
        column = getattr(whole, role)
        if all_said and column is not None and not _says_all(column):
            continue  # BELANJA TIDAK LANGSUNG / Pagu beside BELANJA MODAL / Pagu: a part too
        keys = [f"m{c.index}" for s in parts if (c := getattr(s, role)) is not None]
        keys = [key for key in keys if key in parsed]
        if column is None or f"m{column.index}" not in parsed or not keys:
            continue
        key = f"m{column.index}"
        frame = pl.DataFrame({k: parsed[k] for k in (key, *keys)})
        rests[key] = frame.select((pl.col(key) - pl.sum_horizontal(keys)).round(2)).to_series()
    if any(rest.lt(-tolerance).any() for rest in rests.values()):
        return
    for key, rest in rests.items():
        parsed[key] = rest.clip(lower_bound=0.0).alias(key)


def _median_row(amounts: pl.Series) -> float:
    """The median of a column's amounts that are not zero, in absolute value (0 where none are)."""
    median = amounts.abs().filter(amounts != 0).median()
    return float(median) if isinstance(median, int | float) else 0.0


def name_units(
    rows: pl.DataFrame,
    frame: pl.DataFrame,
    columns: SheetColumns,
    keys: dict[str, pl.Expr],
    layout: Layout,
    fallback_unit: str,
) -> tuple[pl.DataFrame, bool]:
    """Stage 3: name every row's unit; returns the rows and whether the table itself names units."""
    unit, name, account = columns.unit, columns.name, columns.account
    if unit is not None and unit.role == "unit_code" and name is None:
        rows = _names_from_organisation_rows(rows, frame, columns, keys)
    if name is not None and account is None:
        rows = _wrapped_names(rows, columns)
    names_units = unit is not None or name is not None
    if not names_units and account is not None:
        rows = units_from_section_rows(rows)
        names_units = rows["unit_code"].null_count() < rows.height
    if not names_units:
        context = layout.context
        rows = fr.with_columns(
            rows,
            unit_code=pl.lit(context.unit_code, dtype=pl.String),
            unit_name=pl.lit(context.unit_name or fallback_unit, dtype=pl.String),
        )
    return rows, names_units


# a unit's name broken over two rows (a table converted from a PDF): the first row ends so
_WRAPS = re.compile(r"(?:\s(?:dan|serta|&|dan/atau)|[,&/-])$", re.I)
_WRAPPED_ROWS = 5_000  # rows looked at, at most


def _wrapped_names(rows: pl.DataFrame, columns: SheetColumns) -> pl.DataFrame:
    """A unit's name that runs on to the next row ("DINAS PENDIDIKAN DAN", then "KEBUDAYAAN" on a
    row of nothing else: no amount, code or number) is the two joined, on the first row."""
    if rows.height > _WRAPPED_ROWS or rows.height < 2:
        return rows
    names = rows.get_column("unit_name").to_list()
    codes = rows.get_column("unit_code").to_list()
    numbers = rows.get_column("number").to_list()
    amounts = [rows.get_column(f"m{c.index}").to_list() for c in columns.measures]
    joined = list(names)
    for i in range(1, len(names)):
        before, name = joined[i - 1], names[i]
        if not before or not name or codes[i] or numbers[i] or any(a[i] is not None for a in amounts):
            continue
        if _WRAPS.search(before.strip()) and any(a[i - 1] is not None for a in amounts):
            joined[i - 1], joined[i] = f"{before.strip()} {name.strip()}", None
    if joined == names:
        return rows
    return fr.with_columns(rows, unit_name=pl.Series(joined, dtype=pl.String))


def _names_from_organisation_rows(
    rows: pl.DataFrame, frame: pl.DataFrame, columns: SheetColumns, keys: dict[str, pl.Expr]
) -> pl.DataFrame:
    """A SIPD rekap names each unit on its own row: the unit code, no deeper code, the name as uraian."""
    assert columns.unit is not None
    deeper = [pl.col(f"c{c.index}").is_null() for c in columns.codes if c.index > columns.unit.index]
    organisation = fr.select(
        frame,
        unit_code=keys["unit_code"],
        name=keys["description"],
        org=pl.all_horizontal([keys["account_code"].is_null(), *deeper]),
    ).filter(pl.col("org") & pl.col("unit_code").is_not_null() & pl.col("name").is_not_null())
    lookup = organisation.unique("unit_code", keep="first").select("unit_code", "name")
    return (
        rows.join(lookup, on="unit_code", how="left")
        .with_columns(unit_name=pl.coalesce("unit_name", "name"))
        .drop("name")
        .sort("row")
    )


_TOTAL_CELL = r"(?i)^\s*(jumlah|total|grand total|jumlah total|total keseluruhan|jumlah seluruhnya)\s*:?\s*$"


def _with_totals_said_elsewhere(rows: pl.DataFrame, layout: Layout, columns: SheetColumns) -> pl.DataFrame:
    """``rows`` with ``total_said``: a row that names no unit nor uraian of its own and says
    JUMLAH (or TOTAL) alone in a column read for nothing else, as a list whose names stand in a
    column of a header the tool does not know: counted, it would count the list twice."""
    used = set(columns.source_of.values()) | {
        f"c{i}" for c in layout.columns if c.role != "ignore" for i in range(c.span[0], c.span[1] + 1)
    }
    frame = layout.grid.frame.slice(layout.data_start)
    others = [n for n in frame.columns if n not in used and frame.schema[n] == pl.String]
    if not others:
        return rows
    said = fr.select(
        frame, pl.any_horizontal([pl.col(n).str.contains(_TOTAL_CELL).fill_null(False) for n in others])
    )
    at = pl.Series(said.to_series().arg_true() + layout.data_start, dtype=rows.schema["row"])
    if not at.len():
        return rows
    nameless = pl.col("unit_name").is_null() & pl.col("description").is_null()
    return fr.with_columns(rows, total_said=pl.col("row").is_in(at.implode()) & nameless)


def total_rows(rows: pl.DataFrame) -> pl.Series:
    """Rows without an account code whose unit or description starts with a total word."""
    words = ("unit_name", "description", "unit_code")
    if not rows.get_column("account_code").null_count():
        return rows.get_column("row").clear()  # every row has an account: none is a total row
    named_total = pl.any_horizontal([pl.col(c).str.contains(vocab.TOTAL_ROW).fill_null(False) for c in words])
    label = pl.coalesce(pl.col("description"), pl.col("unit_name"))
    whole = label.str.contains(vocab.WHOLE_BELANJA) & ~label.shift(-1).str.contains(
        vocab.JENIS_LABEL
    ).fill_null(False)
    said = pl.col("total_said") if "total_said" in rows.columns else pl.lit(False)
    marked = fr.select(rows, "row", "account_code", total=named_total | whole.fill_null(False) | said)
    return fr.filter_rows(marked, pl.col("account_code").is_null() & pl.col("total")).get_column("row")


# data rows, and rows left out for having no amount (some of which held amounts unread)
_kept_or_unread = pl.col("reason").is_null() | (pl.col("reason") == "no amounts")


def row_reasons(
    rows: pl.DataFrame, columns: SheetColumns, revenue: bool = False, title: str = ""
) -> pl.DataFrame:
    """Stage 4: a ``reason`` per row that is not data (null for data rows).

    Belanja (account 5) is the data; with ``revenue``, pendapatan (account 4) is, and it needs
    account codes: a table without them says nothing of which rows are revenue, except its
    ``title`` ("REALISASI PENDAPATAN DAERAH", no word of belanja, anggaran, serapan or
    pengeluaran), which makes every row revenue."""
    amounts = [pl.col(f"m{c.index}") for c in columns.measures]
    has_amount = pl.any_horizontal([a.is_not_null() for a in amounts]) if amounts else pl.lit(False)
    totals = total_rows(rows)
    is_total = pl.col("row").is_in(totals.implode()) if totals.len() else pl.lit(False)
    reason = pl.when(is_total).then(pl.lit("total")).when(~has_amount).then(pl.lit("no amounts"))
    if columns.account is not None:
        reason = reason.when(pl.col("account_code").is_null()).then(pl.lit("heading (no account code)"))
        if revenue:
            other = pl.col("account_code").str.contains(r"^[56](\.|$)")
            reason = reason.when(other).then(pl.lit(NOT_REVENUE))
            reason = reason.when(~pl.col("account_code").str.starts_with("4")).then(
                pl.lit("not an account of pendapatan")
            )
        else:
            income = pl.col("account_code").str.contains(r"^[46](\.|$)")
            reason = reason.when(income).then(pl.lit(NOT_SPENDING))
            reason = reason.when(~pl.col("account_code").str.starts_with("5")).then(
                pl.lit("not an account of belanja")
            )
    elif revenue:
        reason = reason.when(pl.lit(True)).then(pl.lit("no account codes"))
    elif vocab.REVENUE_TITLE.search(title) and not vocab.SPENDING_TITLE.search(title):
        reason = reason.when(pl.lit(True)).then(pl.lit(REVENUE_TITLED))
    else:
        reason = reason.when(pl.col("unit_name").is_null() & pl.col("unit_code").is_null()).then(
            pl.lit("no unit")
        )
        reason = reason.when(_not_spending(pl.col("description"))).then(pl.lit(NOT_SPENDING))
    return fr.with_columns(rows, reason=reason.otherwise(pl.lit(None, dtype=pl.String)))


def _not_spending(label: pl.Expr) -> pl.Expr:
    """Rows of revenue or financing in a table without account codes: labelled so, or under a
    heading of pendapatan, pembiayaan or the surplus up to the next belanja heading, within one
    unit's rows ("III. PENDAPATAN" over its "Retribusi Daerah" after the unit's belanja)."""
    section = (
        pl.when(label.str.contains(vocab.NOT_SPENDING_SECTION))
        .then(pl.lit(True))
        .when(label.str.contains(vocab.SPENDING_SECTION))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
        .forward_fill()
        .over("unit_code", "unit_name")
    )
    return (label.str.contains(vocab.NOT_SPENDING_LABEL) | section).fill_null(False)


def category_of_rows(
    data: pl.DataFrame,
    rows: pl.DataFrame,
    columns: SheetColumns,
    layout: Layout,
    warnings: list[Warning_],
    revenue: bool = False,
) -> pl.Series | None:
    """Each data row's spending category (its kind of pendapatan with ``revenue``), from its account
    code or a jenis-belanja label; None when neither says (the slots' categories then stand)."""
    if columns.account is not None:
        return account_categories(data, rows, warnings, layout, revenue)
    # jenis-belanja rows ("Belanja Modal") under a unit merged over them
    labels = categories_of_labels(data.get_column("description"))
    return labels if labels.is_not_null().any() else None


def _slot_facts(
    data: pl.DataFrame, slot: Slot, base_columns: dict[str, pl.Expr], labelled: bool
) -> pl.DataFrame:
    """The rows of one slot with every amount the slot names."""
    category = pl.lit(slot.category, dtype=pl.String)
    if labelled:
        category = pl.coalesce(pl.col("category_of_row"), category)

    def amount(column: Column | None, measure: str | None = None) -> pl.Expr:
        if column is None:
            return pl.lit(None, pl.Float64)
        value = pl.col(f"m{column.index}").fill_null(0.0)
        if slot.plan is not None and slot.realized is slot.plan:  # each row's measure says which
            return pl.when(pl.col("measure") == measure).then(value)
        return value

    return fr.select(
        data,
        **base_columns,
        category=category,
        budget=amount(slot.budget),
        realized=amount(slot.realized, "realized"),
        planned=amount(slot.plan, "plan"),
        last_year=amount(slot.last_year),
    )


def _with_period(
    base: pl.DataFrame,
    data: pl.DataFrame,
    slot: Slot,
    as_of: date | None,
    year: int | None,
    period_start: date | None = None,
) -> pl.DataFrame:
    """``base`` with the period it covers: the slot's, else each row's own month or date."""
    if "period_end" in data.columns and slot.period is None:
        return base.hstack(fr.select(data, ["period_start", "period_end"]).get_columns())
    start, end = period_bounds(slot.period, as_of, year, period_start)
    return fr.with_columns(
        base, period_start=pl.lit(start, dtype=pl.Date), period_end=pl.lit(end, dtype=pl.Date)
    )


def emit_facts(
    data: pl.DataFrame,
    slots: Sequence[Slot],
    base_columns: dict[str, pl.Expr],
    *,
    labelled: bool,
    as_of: date | None,
    year: int | None,
    long_periods: bool,
    period_start: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Stage 5: budget, realization, plan and last year's realization facts of the data rows."""
    budgets, realizations, plans, last_years = [], [], [], []
    for slot in slots:
        base = _slot_facts(data, slot, base_columns, labelled)
        if slot.budget is not None:
            budgets.append(fr.select(base, list(BUDGET_SCHEMA)))
        if slot.realized is not None:
            dated = _with_period(base, data, slot, as_of, year, period_start)
            dated = fr.select(dated, list(REALIZATION_SCHEMA))
            if dated.get_column("realized").null_count():  # a row of another measure (plan)
                dated = fr.filter_rows(dated, pl.col("realized").is_not_null())
            realizations.append(dated)
        if slot.plan is not None:
            start, end = period_bounds(slot.period, as_of, year)
            dated = fr.with_columns(
                base, period_start=pl.lit(start, dtype=pl.Date), period_end=pl.lit(end, dtype=pl.Date)
            )
            plans.append(fr.filter_rows(fr.select(dated, list(PLAN_SCHEMA)), pl.col("planned").is_not_null()))
        if slot.last_year is not None and as_of is not None:
            then = a_year_before(as_of)
            dated = fr.with_columns(
                base,
                realized=pl.col("last_year"),
                period_start=pl.lit(then.replace(month=1, day=1), dtype=pl.Date),
                period_end=pl.lit(then, dtype=pl.Date),
            )
            last_years.append(fr.select(dated, list(REALIZATION_SCHEMA)))
    budget = fr.concat(budgets, BUDGET_SCHEMA)
    if long_periods and budget.height:
        # a long table repeats the budget on every period row: count it once per line
        budget = (
            budget.group_by("unit_code", "unit_name", "account_code", "category", maintain_order=True)
            .last()
            .select(list(BUDGET_SCHEMA))
        )
    realization = fr.concat(realizations, REALIZATION_SCHEMA)
    plan = fr.concat(plans, PLAN_SCHEMA)
    last_year = fr.concat(last_years, REALIZATION_SCHEMA)
    return budget, realization, plan, last_year


def evidence_of(rows: pl.DataFrame, slots: Sequence[Slot]) -> pl.DataFrame:
    """Every amount of the sheet, data rows and subtotals alike, with the key of its row: what
    another sheet is compared with to tell a copy or a summary (``facts.kinds``)."""
    key = pl.coalesce(
        pl.col("account_code"),
        pl.col("unit_code"),
        pl.col("unit_name").str.to_lowercase().str.strip_chars(),
        pl.col("description").str.to_lowercase().str.strip_chars(),
    )
    parts = [
        fr.select(
            rows,
            key=key,
            cents=(pl.col(f"m{column.index}") * 100).round().cast(pl.Int64, strict=False),
            data=pl.col("reason").is_null(),
            budget=pl.lit(column is slot.budget),
        )
        for slot in slots
        for column in (slot.budget, slot.realized, slot.plan, slot.last_year)
        if column is not None
    ]
    empty = {"key": pl.String, "cents": pl.Int64, "data": pl.Boolean, "budget": pl.Boolean}
    return fr.filter_rows(fr.concat(parts, empty), pl.col("cents").is_not_null() & (pl.col("cents") != 0))


def normalize(
    layout: Layout,
    source: int,
    fallback_unit: str,
    as_of: date | None,
    year: int | None,
    *,
    evidence: bool = False,
    revenue: bool = False,
) -> Facts:
    """The facts of one understood sheet; ``fallback_unit`` names the unit when nothing else does.

    With ``evidence``, the facts keep every amount of the sheet for comparing sheets; with
    ``revenue``, the facts are its pendapatan (account 4) instead of its belanja.
    """
    grid = layout.grid
    # what reading noticed (a quote that never closes, lines in another encoding) comes first
    warnings = [Warning_(str(grid.file), grid.sheet, row, code, params) for row, code, params in grid.notices]
    slots = plan_slots(layout)
    for used, others in measures_apart(layout, slots):
        params = {
            "role": Message(f"T-{used.role}"),
            "used": used.header,
            "others": some_of([f"'{c.header}'" for c in others]),
        }
        warnings.append(Warning_(str(grid.file), grid.sheet, None, "W-MEASURES-APART", params))
    frame = layout.grid.frame.slice(layout.data_start)
    columns = SheetColumns.of(layout, slots, frame)
    checks.check_formulas(layout, columns.measures, columns.source_of, warnings)
    checks.warn_error_cells(layout, columns.measures, columns.source_of, warnings)
    frame = data_frame(layout, columns)

    keys = key_columns(frame, columns)
    physical = physical_columns(layout)
    parsed, amounts = amount_columns(frame, columns, physical, grid)
    # figures in thousands add up to a thousand, not to a rupiah
    scaled = _scale_amounts(layout, columns.measures, parsed, warnings)
    _add_parts(slots, parsed)
    _rest_of_totals(slots, parsed, TOLERANCE * scaled)
    # a rekap's figures may be rounded though nothing says so; an LRA's lines are exact
    precision = scaled if columns.account is not None else _rounding(columns.measures, parsed, scaled)
    tolerance = TOLERANCE * scaled  # a row's own figures are checked to what the label says
    exprs = {**keys, **amounts}
    fiscal = year or (as_of.year if as_of else None)
    if columns.present(columns.period, frame):
        assert columns.period is not None
        name = f"c{columns.period.index}"
        exprs["period_start"], exprs["period_end"] = row_period(name, frame.schema[name], fiscal)
    rows = fr.select(fr.with_columns(frame, **parsed), pl.col("row"), **exprs)
    rows = _with_totals_said_elsewhere(rows, layout, columns)
    rows, names_units = name_units(rows, frame, columns, keys, layout, fallback_unit)

    checks.warn_refused(layout, rows, columns.measures, warnings)
    rows = row_reasons(rows, columns, revenue, " ".join(layout.context.title))
    lines_of_units = False
    if columns.account is not None:
        rows = checks.mark_subtotals(rows, layout, columns.measures, warnings)
    else:  # a rekap's jenis-belanja rows under each unit, and its JUMLAH row
        rows = checks.mark_breakdowns(rows, layout, columns.measures, warnings, tolerance)
        rows = checks.mark_group_subtotals(rows, layout, columns.measures, warnings, tolerance)
        rows = checks.mark_parts_by_total(rows, layout, columns.measures, warnings, tolerance)
        rows, lines_of_units = checks.own_level_rows(rows, layout, warnings)
        checks.warn_totals(layout, rows, columns.measures, warnings, tolerance)
        checks.warn_nameless(layout, rows, columns.measures, warnings, tolerance)
    counts = dict(rows.get_column("reason").drop_nulls().value_counts().iter_rows())
    data = fr.filter_rows(rows, pl.col("reason").is_null())
    # a row whose amounts are all unreadable is no data row, yet what it held must be said
    checks.warn_unparsed(layout, fr.filter_rows(rows, _kept_or_unread), columns.measures, warnings)
    checks.warn_amounts(layout, data, slots, warnings)
    data = checks.drop_negative_budgets(layout, data, slots, warnings)
    category = category_of_rows(data, rows, columns, layout, warnings, revenue)
    # a unit on a row per month (a period column) is not listed twice
    if columns.account is None and names_units and (columns.unit or columns.name) and columns.period is None:
        # a unit's lines (its sub kegiatan, its jenis) are told apart by their labels
        by_label = category is not None or lines_of_units
        checks.warn_duplicates(layout, data, warnings, by_label=by_label)
    if category is not None:  # once, not once per slot
        data = fr.with_columns(data, category_of_row=category)
    base_columns = {
        "source": pl.lit(source, dtype=pl.Int32),
        "file": pl.lit(str(grid.file)),
        "sheet": pl.lit(grid.sheet),
        "row": pl.col("row"),
        "unit_code": pl.col("unit_code"),
        "unit_name": pl.col("unit_name"),
        "account_code": pl.col("account_code"),
    }
    budget, realization, plan, last_year = emit_facts(
        data,
        slots,
        base_columns,
        labelled=category is not None,
        as_of=as_of,
        year=year,
        long_periods=columns.period is not None,
        # the title's range counts only where the date is the title's own
        period_start=layout.context.period_start if layout.context.as_of == as_of else None,
    )
    return Facts(
        budget=budget,
        realization=realization,
        plan=plan,
        last_year=last_year,
        physical=physical_facts(data, physical, slots, source),
        warnings=warnings,
        rows_used=data.height,
        rows_skipped=counts,
        slots=[slot.as_dict() for slot in slots],
        evidence=evidence_of(rows, slots) if evidence else None,
        precision=precision,
        scale=scaled,
    )
