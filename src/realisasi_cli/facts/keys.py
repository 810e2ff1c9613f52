"""Key expressions: the unit, account and category of each row, cleaned once per distinct value."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from realisasi_cli import frames as fr
from realisasi_cli import vocabulary as vocab
from realisasi_cli.detect.layout import Column, Layout
from realisasi_cli.facts.schema import Warning_
from realisasi_cli.numbers import WRITTEN_AS_AMOUNT


def span_source(layout: Layout, column: Column) -> str:
    """The physical column a merged header's values are read from: of those under it that have
    data, the one with the most cells written as amounts (a ``Total Anggaran`` over a column of
    section labels and one of ``Rp. 10.345.419.876``), else the first."""
    lo, hi = column.span
    frame = layout.grid.frame.slice(layout.data_start)
    filled = [
        name
        for name in (f"c{index}" for index in range(lo, hi + 1))
        if name in frame.columns and frame[name].null_count() < frame.height
    ]
    if len(filled) < 2:
        return filled[0] if filled else f"c{lo}"
    counts = [_amount_cells(frame[name]) for name in filled]
    return filled[counts.index(max(counts))]  # the first of the most; the first where none is


def _amount_cells(values: pl.Series) -> int:
    """How many of ``values`` are numbers or text written as one."""
    if values.dtype.is_numeric():
        return values.len() - values.null_count()
    if values.dtype == pl.String:
        return int(values.str.contains(WRITTEN_AS_AMOUNT).sum())
    return 0


def fill_merges(layout: Layout, frame: pl.DataFrame, needed: set[str]) -> pl.DataFrame:
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
        if frame.height < FEW_ROWS:  # a few dozen cells: patched as a list, without a query
            cells = series.to_list()
            for i, v in zip(idx, vals, strict=True):
                cells[i] = v
            updates.append(pl.Series(name, cells, dtype=series.dtype))
        else:
            updates.append(series.clone().scatter(idx, pl.Series(vals, dtype=series.dtype)))
    return fr.with_columns(frame, updates)


# a unit's name as a key: lower case, words apart ("Dinas Kesehatan," and "DINAS  KESEHATAN"),
# "&" as "dan"
NAME_KEY = (
    pl.col("unit_name")
    .str.to_lowercase()
    .str.replace_all("&", " dan ", literal=True)
    .str.replace_all(r"[^a-z0-9]+", " ")
    .str.strip_chars()
)


def clean_code(text: pl.Expr) -> pl.Expr:
    """A code cell as a clean code (``5.1.02.``→``5.1.02``, ``5.1.02 Belanja``→``5.1.02``)."""
    return text.str.strip_chars().str.extract(r"^(\d+(?:\.\d+)*)\.?(?:\s|$)", 1)


def account_parts(layout: Layout, account: Column, frame: pl.DataFrame) -> list[str]:
    """The grid columns a Kode Rekening is written across (SIMDA's 5 | 2 | 3 | 01 | 01): the
    account's own, whose cells are each one part, then the columns right of it that no other
    header covers (or the account's own, merged over them) and whose cells are parts too. Just
    its own where its cells are codes already (5.1.02)."""
    # a header merged over the parts names each of them as it names the account's
    taken = {
        i
        for c in layout.columns
        if c is not account and c.header != account.header
        for i in range(c.span[0], c.span[1] + 1)
    }
    parts = [f"c{account.index}"]
    if not _segments(frame, parts[0], widest=2):
        return parts
    k = account.index + 1
    while f"c{k}" in frame.columns and k not in taken and _segments(frame, f"c{k}", widest=4):
        parts.append(f"c{k}")
        k += 1
    return parts if len(parts) > 1 else parts[:1]


def _segments(frame: pl.DataFrame, name: str, widest: int) -> bool:
    """Whether column ``name``'s cells are parts of a code, each a whole number of at most
    ``widest`` digits: every cell with a digit, and four in five of its cells (a label such as
    JUMLAH may stand in it)."""
    text = pl.col(name).cast(pl.String).str.strip_chars()
    cells = frame.select(
        given=(text.is_not_null() & (text != "")).sum(),
        digits=text.str.contains(r"\d").sum(),
        parts=segment(name, frame.schema[name]).str.len_chars().is_between(1, widest).sum(),
    ).row(0)
    given, digits, parts = cells
    return bool(given) and parts == digits and parts * 5 >= given * 4


def segment(name: str, dtype: pl.DataType) -> pl.Expr:
    """A column's cells as parts of a code: whole numbers without a decimal point, text of digits
    alone stripped; anything else (a fraction, a dotted code, a label) as none."""
    column = pl.col(name)
    if dtype.is_float():
        whole = column.cast(pl.Int64, strict=False)
        return pl.when(whole == column).then(whole.cast(pl.String))
    if dtype.is_integer():
        return column.cast(pl.String)
    text = column.cast(pl.String).str.strip_chars()
    return pl.when(text.str.contains(r"^\d+$")).then(text)


def clean_name(text: pl.Expr) -> pl.Expr:
    """A unit name without a leading code (``1.01.0.00 Dinas Pendidikan``→``Dinas Pendidikan``)
    or its number in a list (``1. Dinas Pendidikan``, ``a) Kecamatan Kota``)."""
    text = text.str.strip_chars()
    return pl.coalesce(
        text.str.extract(vocab.CODE_AND_NAME.pattern, 2), text.str.extract(_LISTED_NAME, 1), text
    )


_LISTED_NAME = rf"^{vocab.LIST_NUMBER}\s+(\S.*)$"


def stripped(text: pl.Expr) -> pl.Expr:
    return text.str.strip_chars()


FEW_ROWS = 100


def per_distinct(frame: pl.DataFrame, name: str, clean: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """``clean`` of column ``name`` as text, worked out once per distinct value where values repeat.

    Codes and unit names repeat on every line item of an export, so their regexes run on
    a few hundred texts instead of every row.
    """
    text = pl.col(name).cast(pl.String)
    if frame.height < FEW_ROWS:
        return clean(text)  # a few dozen rows: finding the distinct values costs more than the regexes
    distinct = fr.select(frame, text.unique().drop_nulls()).to_series()
    if distinct.len() * 4 > frame.height:
        return clean(text)
    cleaned = distinct.to_frame().select(clean(pl.col(name))).to_series()
    if cleaned.equals(distinct):
        return text  # already clean, as most exports' codes and names are: no copy
    return text.replace_strict(distinct, cleaned, default=None, return_dtype=pl.String)


def units_from_section_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """A unit code in the account column (``2.16.2.20.2.21.01.0000 Dinas …``) opens that unit's rows."""
    raw = rows.get_column("account_code")  # the account column's codes, cleaned (``key_columns``)
    is_unit = raw.str.contains(vocab.UNIT_CODE.pattern).fill_null(False)
    return fr.with_columns(
        rows,
        unit_code=pl.when(is_unit).then(raw).forward_fill(),
        unit_name=pl.when(is_unit).then(pl.col("description")).forward_fill(),
        account_code=pl.when(is_unit).then(None).otherwise(pl.col("account_code")),
    )


def _map_distinct(values: pl.Series, function: Callable[[str], str | None]) -> pl.Series:
    # Few distinct values even in large exports: map the distinct ones, then look them up.
    mapping = {v: function(v) for v in values.unique().drop_nulls().to_list()}
    return fr.lookup(values, mapping, pl.String())


def categories_of_labels(labels: pl.Series) -> pl.Series:
    return _map_distinct(labels, lambda text: vocab.category_of(vocab.normalize(text)))


def account_categories(
    data: pl.DataFrame, rows: pl.DataFrame, warnings: list[Warning_], layout: Layout, revenue: bool = False
) -> pl.Series:
    """The category of each of ``data``'s rows from its account code, in the scheme (2021 or
    pre-2021) the sheet uses; the kinds of pendapatan with ``revenue``."""
    accounts = data.get_column("account_code")
    codes = accounts.unique().drop_nulls().to_list()
    if revenue:
        kinds = {code: vocab.category_of_revenue_account(code) for code in codes}
        return fr.lookup(accounts, kinds, pl.String())
    account = rows.get_column("account_code")
    heading = (account == "5.1") | (account == "5.2")  # the labels of belanja operasi and modal
    labels: dict[str, str] = {}
    if heading.any():
        headings = fr.filter_rows(fr.select(rows, ["account_code", "description"]), heading)
        labels = {code: text for code, text in headings.iter_rows() if text}
    if vocab.is_old_scheme(codes, labels):
        warnings.append(
            Warning_(
                str(layout.grid.file),
                layout.grid.sheet,
                None,
                "W-OLD-SCHEME",
            )
        )
        function = vocab.category_of_old_account
    else:
        function = vocab.category_of_account
    return fr.lookup(accounts, {code: function(code) for code in codes}, pl.String())
