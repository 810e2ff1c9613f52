"""Row reasons and checks: subtotals against their leaves, formulas without results, odd amounts."""

from __future__ import annotations

import re

import polars as pl

from realisasi_cli import frames as fr
from realisasi_cli import vocabulary as vocab
from realisasi_cli.detect.layout import Column, Layout
from realisasi_cli.errors import FormulaWithoutValueError
from realisasi_cli.facts.schema import Warning_
from realisasi_cli.facts.slots import Slot
from realisasi_cli.facts.subtotals import TOLERANCE, subtotals
from realisasi_cli.numbers import WRITTEN_AS_AMOUNT


def check_formulas(
    layout: Layout, columns: list[Column], source_of: dict[int, str], warnings: list[Warning_]
) -> None:
    grid = layout.grid
    if not grid.formula_cells:
        return
    below = [(r, c) for r, c in grid.formula_cells if r >= layout.data_start]
    in_amounts = _in_amounts(below, columns, source_of)
    if in_amounts:
        r, c = in_amounts[0]
        raise FormulaWithoutValueError(
            "E-FORMULAS-NO-VALUES", "H-RECALCULATE", path=grid.file, where=grid.where(r, c), n=len(in_amounts)
        )
    if below:
        r, c = below[0]
        warnings.append(
            Warning_(
                str(grid.file),
                grid.sheet,
                r + 1,
                "W-FORMULAS-OUTSIDE",
                {"n": len(below), "where": grid.where(r, c)},
            )
        )


def _in_amounts(
    cells: list[tuple[int, int]], columns: list[Column], source_of: dict[int, str]
) -> list[tuple[int, int]]:
    """The (row, column) ``cells`` in the grid columns the amount ``columns`` are read from."""
    amount_cols = {int(source_of[id(c)][1:]) for c in columns}
    return [(r, c) for r, c in cells if c in amount_cols]


def warn_error_cells(
    layout: Layout, columns: list[Column], source_of: dict[int, str], warnings: list[Warning_]
) -> None:
    """Amount cells whose saved result is an error of Excel's (``#REF!``, ``#DIV/0!``): they read
    as empty, and a row of them would leave its unit out unsaid."""
    grid = layout.grid
    if not grid.error_cells:
        return
    bad = _in_amounts([(r, c) for r, c in grid.error_cells if r >= layout.data_start], columns, source_of)
    if bad:
        r, c = bad[0]
        warnings.append(
            Warning_(
                str(grid.file), grid.sheet, r + 1, "W-ERROR-CELLS", {"n": len(bad), "where": grid.where(r, c)}
            )
        )


_NOT_SPENDING_TOTAL = re.compile(r"\b(pendapatan|pembiayaan|surplus|defisit)\b", re.I)


def warn_totals(
    layout: Layout,
    rows: pl.DataFrame,
    measures: list[Column],
    warnings: list[Warning_],
    tolerance: float = TOLERANCE,
) -> None:
    """A JUMLAH row of a table without account codes whose amount is not the sum of the data rows
    it totals: those since the total before it, all those above it, or (a total above the table)
    all of them. The data rows are used; the warning says the table may be missing a row.
    ``tolerance``: the rounding of the sheet's figures (a thousand for amounts in thousands)."""
    if not measures:
        return
    reason = pl.col("reason")
    totals = fr.filter_rows(rows, reason == "total")
    if not totals.height:
        return
    names = [f"m{c.index}" for c in measures]
    data = fr.filter_rows(rows, reason.is_null()).select("row", *names)
    everything = [data.get_column(n).sum() for n in names]
    previous = -1
    said = [pl.col(c).str.contains(vocab.TOTAL_ROW).fill_null(False) for c in ("description", "unit_name")]
    labels = pl.when(said[0]).then("description").when(said[1]).then("unit_name").otherwise("unit_code")
    for row, label, *stated in totals.select("row", labels, *names).iter_rows():
        if _NOT_SPENDING_TOTAL.search(label or ""):  # JUMLAH PENDAPATAN totals no belanja
            previous = row
            continue
        before = fr.filter_rows(data, pl.col("row") < row)
        block = fr.filter_rows(before, pl.col("row") > previous)
        previous = row
        for column, name, shown, whole in zip(measures, names, stated, everything, strict=True):
            sums = (block.get_column(name).sum(), before.get_column(name).sum(), whole)
            if shown is None or any(abs(shown - summed) <= tolerance for summed in sums):
                continue
            warnings.append(
                Warning_(
                    str(layout.grid.file),
                    layout.grid.sheet,
                    row + 1,
                    "W-TOTAL-ROW",
                    {
                        "label": (label or "").strip(),
                        "column": column.letter,
                        "header": column.header,
                        "shown": shown,
                        "summed": sums[0] if block.height else sums[2],
                    },
                )
            )


def warn_nameless(
    layout: Layout,
    rows: pl.DataFrame,
    measures: list[Column],
    warnings: list[Warning_],
    tolerance: float = TOLERANCE,
) -> None:
    """Rows of a table without account codes that hold amounts but name no unit: they are not
    counted (no unit to count them for), and said, unless their amounts are a total without its
    label (the sum of the data rows above, of those since the row before it of its kind, or of
    all of them) or nothing but zeros (a template's empty row of "-")."""
    names = [f"m{c.index}" for c in measures]
    reason = pl.col("reason")
    if not names or not rows.get_column("reason").eq("no unit").any():
        return
    lines = fr.filter_rows(rows, reason.is_null() | (reason == "no unit")).select(
        "row", *names, nameless=reason.eq_missing("no unit")
    )
    nameless = pl.col("nameless")
    # a row's block: how many nameless rows are above it; a nameless row shares its block with
    # the data rows since the nameless row before it, the block it may total
    block = nameless.cast(pl.Int32).cum_sum() - nameless.cast(pl.Int32)
    data = {n: pl.when(nameless).then(0.0).otherwise(pl.col(n).fill_null(0.0)) for n in names}
    lines = fr.with_columns(
        lines,
        block=block,
        **{f"above{n}": data[n].cum_sum() for n in names},
        # a total at the foot counts the nameless rows too
        **{f"every{n}": pl.col(n).fill_null(0.0).cum_sum() - pl.col(n).fill_null(0.0) for n in names},
        **{f"block{n}": data[n].sum().over(block) for n in names},
        **{f"all{n}": data[n].sum() for n in names},
    )
    rows_said = lines.filter(nameless)

    def totals(n: str) -> pl.Expr:
        amount = pl.col(n)
        sums = [pl.col(f"{kind}{n}").fill_null(0.0) for kind in ("above", "every", "block", "all")]
        return amount.is_null() | pl.any_horizontal([(amount - s).abs() <= tolerance for s in sums])

    counted = pl.any_horizontal([pl.col(n).fill_null(0.0) != 0 for n in names])
    said = rows_said.filter(counted & ~pl.all_horizontal([totals(n) for n in names])).get_column("row")
    if said.len():
        grid = layout.grid
        first = int(said.min())  # type: ignore[arg-type]
        warnings.append(Warning_(str(grid.file), grid.sheet, first + 1, "W-ROWS-NO-UNIT", {"n": said.len()}))


# a jenis-belanja row's label, after a list marker: "Belanja Modal", "- Belanja Operasi", "a. Belanja"
_JENIS_ROW = re.compile(r"^(?:[a-z]|\d{1,2}|[ivx]{1,4})?\s*belanja\b")
# the old scheme's kelompok (Permendagri 13/2006), above every jenis: "A. BELANJA TIDAK LANGSUNG"
_KELOMPOK_ROW = re.compile(r"^(?:[a-z]|\d{1,2}|[ivx]{1,4})?\s*belanja (?:tidak )?langsung$")
BREAKDOWN_APART = "breakdown not adding up"


def _jenis_labels(values: pl.Series) -> pl.Series:
    """Whether each of ``values`` labels a jenis belanja (no unit's name starts with "belanja")."""
    mapping = {v: bool(_JENIS_ROW.match(vocab.normalize(v))) for v in values.unique().drop_nulls().to_list()}
    return fr.lookup(values, mapping, pl.Boolean()).fill_null(False)


def _jenis_within(lines: pl.DataFrame, names: list[str], tolerance: float) -> pl.Series:
    """The rows of ``lines`` (its jenis rows, in blocks) that are the subtotal of the jenis rows
    right under them: Belanja Operasi over Belanja Pegawai and Belanja Barang dan Jasa, Belanja
    Modal over Belanja Modal Tanah. Only where those add up to it in every amount column; else
    each row stands as it is."""
    jenis = fr.filter_rows(lines, pl.col("jenis"))
    found: list[int] = []
    if jenis.height < 3:
        return pl.Series(found, dtype=lines.schema["row"])
    label = pl.when(pl.col("unit_jenis")).then("unit_name").otherwise("description")
    texts = fr.select(jenis, label).to_series().to_list()
    categories = [vocab.category_of(vocab.normalize(t)) if t else None for t in texts]
    amounts = list(zip(*(jenis.get_column(n).fill_null(0.0).to_list() for n in names), strict=True))
    blocks, row_numbers = jenis.get_column("block").to_list(), jenis.get_column("row").to_list()
    i = 0
    while i < len(texts):
        top, sums, j = categories[i], [0.0] * len(names), i + 1
        while top in _TOP_JENIS and j < len(texts) and blocks[j] == blocks[i]:
            if not vocab.part_of(categories[j], top):
                break
            sums = [a + b for a, b in zip(sums, amounts[j], strict=True)]
            j += 1
        if j > i + 1 and all(abs(a - b) <= tolerance for a, b in zip(amounts[i], sums, strict=True)):
            found.append(row_numbers[i])
            i = j
        else:
            i += 1
    return pl.Series(found, dtype=lines.schema["row"])


def mark_breakdowns(
    rows: pl.DataFrame,
    layout: Layout,
    measures: list[Column],
    warnings: list[Warning_],
    tolerance: float = TOLERANCE,
) -> pl.DataFrame:
    """A rekap that lists each unit's jenis belanja on the rows under it (Dinas Pendidikan, then
    Belanja Operasi and Belanja Modal, in the unit column or as uraian with the unit left blank):
    the jenis rows are the unit's, each of its category. The unit's own row is their subtotal
    where it has amounts; where they do not add up to it (a "thereof" line), the unit's row
    stands and the jenis rows are left out, with a warning. Where the unit's row is its first
    jenis (its uraian says one), every row of the block is data. Under a unit's heading without
    amounts, every row that leaves the unit blank is the unit's, jenis or not."""
    names = [f"m{c.index}" for c in measures]
    if not names or not rows.height:
        return rows
    unit_jenis = _jenis_labels(rows.get_column("unit_name"))
    uraian_jenis = _jenis_labels(rows.get_column("description"))
    blank = rows.get_column("reason").eq("no unit")
    if not (unit_jenis.any() or uraian_jenis.any() or blank.any()):
        return rows
    reason, unit = pl.col("reason"), pl.col("unit_name")
    lines = fr.with_columns(
        fr.select(rows, "row", "unit_code", "unit_name", "description", "reason", *names),
        unit_jenis=unit_jenis,
        uraian_jenis=uraian_jenis,
    )
    lines = fr.with_columns(
        lines,
        jenis=(pl.col("unit_jenis") & reason.is_null())
        | (unit.is_null() & pl.col("uraian_jenis") & (reason.is_null() | reason.eq_missing("no unit"))),
        blank=unit.is_null() & reason.eq_missing("no unit"),
        # what opens a block: a unit's row (with amounts, or a heading without), or a total row
        opens=(
            unit.is_not_null() & ~pl.col("unit_jenis") & (reason.is_null() | reason.eq_missing("no amounts"))
        )
        | reason.eq_missing("total"),
    )
    lines = fr.with_columns(lines, block=pl.col("opens").cast(pl.Int32).cum_sum())
    # a jenis over the jenis within it (Belanja Operasi over Pegawai and Barang dan Jasa) is
    # their subtotal: the block adds up without it, and it is left out with the unit's row
    inner = _jenis_within(lines, names, tolerance)
    lines = fr.with_columns(lines, inner=pl.col("row").is_in(inner.implode()))
    lines = fr.with_columns(lines, jenis=pl.col("jenis") & ~pl.col("inner"))
    jenis, opens = pl.col("jenis"), pl.col("opens")
    first = pl.col("row").filter(opens).first()
    # a block under a unit's row that holds jenis rows; those after a total, or above every
    # unit, are not a unit's
    blocks = (
        lines.group_by("block")
        .agg(
            owner=first,
            code=pl.col("unit_code").filter(opens).first(),
            name=pl.col("unit_name").filter(opens).first(),
            own_jenis=pl.col("uraian_jenis").filter(opens).first(),
            total=reason.eq_missing("total").filter(opens).first(),
            heading=reason.eq_missing("no amounts").filter(opens).first(),
            parts=jenis.sum(),
            blanks=pl.col("blank").sum(),
            adds=pl.all_horizontal(
                [
                    pl.col(n).filter(opens).first().is_null()
                    | (
                        (pl.col(n).filter(opens).first() - pl.col(n).filter(jenis).fill_null(0.0).sum()).abs()
                        <= tolerance
                    )
                    for n in names
                ]
            ),
        )
        .filter(
            pl.col("owner").is_not_null()
            & ~pl.col("total")
            & ((pl.col("parts") > 0) | (pl.col("heading") & (pl.col("blanks") > 0)))
        )
    )
    if not blocks.height:
        return rows
    parts = lines.join(blocks, on="block", how="inner").filter(
        jenis | pl.col("inner") | (pl.col("blank") & pl.col("heading"))
    )
    whole = pl.col("adds") | pl.col("own_jenis") | pl.col("heading")
    apart = parts.filter(~whole).get_column("row")
    subtotals = blocks.filter(pl.col("adds") & ~pl.col("own_jenis") & ~pl.col("heading")).get_column("owner")
    if apart.len():
        grid, at = layout.grid, int(apart.min()) + 1  # type: ignore[arg-type]
        warnings.append(Warning_(str(grid.file), grid.sheet, at, "W-BREAKDOWN-APART", {"n": apart.len()}))
    # the jenis rows take their unit's code and name, and keep their label as uraian
    owned = parts.filter(whole).select("row", owner_code="code", owner_name="name")
    rows = rows.join(owned, on="row", how="left", maintain_order="left")
    is_part = pl.col("row").is_in(owned.get_column("row").implode())
    within = pl.col("row").is_in(parts.filter(whole & pl.col("inner")).get_column("row").implode())
    return rows.with_columns(
        description=pl.when(is_part).then(pl.coalesce("description", "unit_name")).otherwise("description"),
        unit_code=pl.when(is_part).then("owner_code").otherwise("unit_code"),
        unit_name=pl.when(is_part).then("owner_name").otherwise("unit_name"),
        reason=pl.when(within)
        .then(pl.lit("subtotal"))
        .when(is_part)
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("row").is_in(subtotals.implode()))
        .then(pl.lit("subtotal"))
        .when(pl.col("row").is_in(apart.implode()))
        .then(pl.lit(BREAKDOWN_APART))
        .otherwise("reason"),
    ).drop("owner_code", "owner_name")


# the jenis belanja over others or their own kind (operasi over pegawai, modal over its lines)
_TOP_JENIS = frozenset(category for category, _ in vocab.CATEGORY_WORDS) - frozenset(vocab.CATEGORY_PARENT)
# a group's heading, normalized: "I. URUSAN WAJIB", "A. PROGRAM …", "Kegiatan …", "Bidang …"
_GROUP_LABEL = re.compile(r"\b(?:urusan|unsur|bidang|program|kegiatan|fungsi)\b")
_NUMBERED = re.compile(r"^\s*(?:[IVXLC]+|[A-Z])[.)]\s")  # "I. URUSAN …", "A. PROGRAM …"
# the levels of the budget's structure, outermost first, as a normalized label opens with one
# after its number ("i urusan wajib", "1 1 sub kegiatan …"; not "penyusunan program kerja"): a
# row naming one over a row naming a deeper one is its heading, be it over one row alone. An
# unsur (UNSUR PENDUKUNG URUSAN PEMERINTAHAN, UNSUR PENGAWASAN) groups units as an urusan does;
# a unit's own row stands under its urusan and bidang, over the levels of its budget.
_LEVEL_OF = {"urusan": 0, "unsur": 0, "bidang": 1, "program": 3, "kegiatan": 4, "sub kegiatan": 5}
_UNIT_LEVEL = 2
_LEVEL = re.compile(r"^(?:[ivxlc]+ |[a-z] |(?:\d+ )+)?(sub kegiatan|urusan|unsur|bidang|program|kegiatan)\b")


def _past(levels: list[int | None], i: int) -> int:
    """The first row after row ``i`` (of a known level) that is not deeper than it: one of its
    level or above, one of no level, or the table's end."""
    outer = levels[i]
    assert outer is not None
    k = i + 1
    while k < len(levels) and (level := levels[k]) is not None and level > outer:
        k += 1
    return k


def _under(levels: list[int | None], i: int) -> int | None:
    """Where the rows under row ``i`` end (exclusive): the rows after it of a deeper level, up to
    one of its level or above, or the table's end. None where it names no level, nothing deeper
    follows, or a row of no level comes first (not a structure to rely on)."""
    if levels[i] is None:
        return None
    k = _past(levels, i)
    if k == i + 1 or (k < len(levels) and levels[k] is None):
        return None
    return k


def _structured(levels: list[int | None], i: int, j: int) -> bool:
    """Whether row ``i`` names a level above row ``j``'s, and the first row after ``j`` and the
    rows deeper than ``j`` under it names ``i``'s level or one above, or there is none: a
    kegiatan over its one sub kegiatan, not lines that merely open with the words ("Program
    Kerja Tahunan" then "Kegiatan Sosialisasi" then "Penyusunan Laporan")."""
    outer, inner = levels[i], levels[j]
    if outer is None or inner is None or outer >= inner:
        return False
    k = _past(levels, j)
    after = levels[k] if k < len(levels) else outer
    return after is not None and after <= outer


_ROMAN = re.compile(r"^[IVXLC]+$")
_DOTTED = re.compile(r"^\d+(?:\.\d+)*\.?$")


def _number_depths(numbers: list[str | None]) -> list[int | None]:
    """How deep each row's number says it is, by the kinds of numbers in the order they first
    come (A, then I, then 1.1: 0, 1, 2): a letter, a Roman numeral, a number of n parts. A
    single letter that is also a numeral (C, I, V, X) is a letter where it follows the letters
    before it (C after B) and a numeral otherwise. None where a row has no number."""
    kinds: list[str | None] = []
    letter = "A"  # the letter that would come next
    for raw in numbers:
        text = (raw or "").strip().rstrip(".)").upper()
        if not text:
            kinds.append(None)
        elif _DOTTED.match(text):
            kinds.append(f"n{text.count('.') + 1}")
        elif len(text) == 1 and text.isalpha() and (text == letter or not _ROMAN.match(text)):
            kinds.append("letter")
            letter = chr(ord(text) + 1)
        elif _ROMAN.match(text):
            kinds.append("roman")
        else:
            kinds.append(None)
    order: dict[str, int] = {}
    for kind in kinds:
        if kind is not None:
            order.setdefault(kind, len(order))
    return [order[kind] if kind is not None else None for kind in kinds]


def _deeper(depth: int | None, other: int | None) -> bool:
    """Whether a row of ``depth`` stands above one of ``other`` (both known)."""
    return depth is not None and other is not None and depth < other


def _nests(code: str, other: str) -> bool:
    """Whether ``other`` is a code within ``code`` (1.06.01.01 within 1.06.01), or a SIPD sub
    unit's within its SKPD's (1.02.0.00.0.00.01.0001 within 1.02.0.00.0.00.01.0000)."""
    if not code:
        return False
    if other.startswith(code + "."):
        return True
    skpd, _, last = code.rpartition(".")
    return last == "0000" and vocab.UNIT_CODE.match(code) is not None and other.startswith(skpd + ".")


def _own_level(text: str) -> int | None:
    """The level a unit's own line names (program, kegiatan, sub kegiatan), if it names one."""
    level = _level(text)
    return level if level is not None and level >= _LEVEL_OF["program"] else None


def _level(text: str) -> int | None:
    """How deep in the budget's structure a row's normalized label says it is, if it says."""
    found = _LEVEL.match(text)
    return _LEVEL_OF[found.group(1)] if found else None


def _jenis_under(labels: list[str | None], kelompok: list[bool], i: int, j: int) -> bool:
    """Whether row ``j``'s jenis belanja is within row ``i``'s: the same (BELANJA MODAL over
    Belanja Modal Peralatan), one it holds (BELANJA OPERASI over Belanja Pegawai), or any under
    an old kelompok (BELANJA TIDAK LANGSUNG over Belanja Pegawai)."""
    inner, outer = labels[j], labels[i]
    if inner is None:
        return False
    return kelompok[i] or vocab.part_of(inner, outer)


PART_WITHIN = "part of a numbered row above"


def mark_parts_by_total(
    rows: pl.DataFrame, layout: Layout, measures: list[Column], warnings: list[Warning_], tolerance: float
) -> pl.DataFrame:
    """Rows numbered under others (``a. UPT SD Negeri 1`` under ``1. Dinas Pendidikan``) that
    the table's one JUMLAH leaves out: where it is the sum of the outer rows alone, in every
    amount column, and not the sum of all, the inner rows are parts of the outer ones (a unit's
    row holds its own office and its UPTs). They are left out, with W-PARTS-WITHIN."""
    names = [f"m{c.index}" for c in measures]
    reason = pl.col("reason")
    totals = fr.filter_rows(rows, reason == "total")
    if not names or totals.height != 1:
        return rows
    data = fr.filter_rows(rows, reason.is_null())
    depths = _number_depths(data.get_column("number").to_list())
    known = {d for d in depths if d is not None}
    if len(known) < 2 or None in depths:
        return rows
    outer = [d == min(known) for d in depths]
    stated = totals.row(0, named=True)
    for name in names:
        column = data.get_column(name).fill_null(0.0).to_list()
        shown, whole = stated[name], sum(column)
        held = sum(a for a, out in zip(column, outer, strict=True) if out)
        if shown is None or abs(shown - held) > tolerance or abs(shown - whole) <= tolerance:
            return rows
    inner = [r for r, out in zip(data.get_column("row").to_list(), outer, strict=True) if not out]
    grid = layout.grid
    warnings.append(Warning_(str(grid.file), grid.sheet, inner[0] + 1, "W-PARTS-WITHIN", {"n": len(inner)}))
    within = pl.Series(inner, dtype=rows.schema["row"])
    return fr.with_columns(
        rows,
        reason=pl.when(pl.col("row").is_in(within.implode())).then(pl.lit(PART_WITHIN)).otherwise(reason),
    )


def own_level_rows(rows: pl.DataFrame, layout: Layout, warnings: list[Warning_]) -> tuple[pl.DataFrame, bool]:
    """A rekap's rows that name a level of the budget's structure in the unit's column (PROGRAM
    …, Kegiatan …, Sub Kegiatan …) under a unit's row that is their subtotal or heading are that
    unit's: they take its code and name, and keep their label as uraian. Without it, each sub
    kegiatan was ranked as a unit of its own. Under a unit's row that is data (its programs
    cover part of it), they are left out, with a warning. Returns the rows and whether any was
    owned so."""
    names = rows.get_column("unit_name").to_list()
    # a program, kegiatan or sub kegiatan is a unit's; an urusan, bidang or unsur groups units
    levels = [_own_level(vocab.normalize(name)) if name else None for name in names]
    if not any(level is not None for level in levels):
        return rows, False
    reasons = rows.get_column("reason").to_list()
    codes = rows.get_column("unit_code").to_list()
    owner: int | None = None
    counted = False  # whether the unit's row above is itself data
    owned: list[int | None] = []
    apart: list[int] = []
    for i, (name, level, reason) in enumerate(zip(names, levels, reasons, strict=True)):
        if name and level is None:
            # a unit's row owns the rows under it where it is their sum or their heading
            owner = i if reason in ("subtotal", "no amounts") else None
            counted = reason is None
        under = level is not None and reason != "total"
        owned.append(owner if under else None)
        if under and counted and reason is None:
            apart.append(i)
    if apart:
        left_out = set(apart)
        rows = fr.with_columns(
            rows,
            reason=pl.when(pl.Series([i in left_out for i in range(rows.height)], dtype=pl.Boolean))
            .then(pl.lit(BREAKDOWN_APART))
            .otherwise("reason"),
        )
        at = int(rows.get_column("row")[apart[0]]) + 1
        warnings.append(
            Warning_(str(layout.grid.file), layout.grid.sheet, at, "W-BREAKDOWN-APART", {"n": len(apart)})
        )
    if all(o is None for o in owned):
        return rows, False
    found = pl.Series([o is not None for o in owned], dtype=pl.Boolean)
    owned_rows = fr.with_columns(
        rows,
        description=pl.when(found).then(pl.coalesce("description", "unit_name")).otherwise("description"),
        unit_code=pl.Series(
            [codes[o] if o is not None else c for o, c in zip(owned, codes, strict=True)], dtype=pl.String
        ),
        unit_name=pl.Series(
            [names[o] if o is not None else n for o, n in zip(owned, names, strict=True)], dtype=pl.String
        ),
    )
    return owned_rows, True


# rows of a table without account codes looked at for group subtotals, and rows below each
_GROUP_ROWS = 5_000
_GROUP_SPAN = 60


def mark_group_subtotals(
    rows: pl.DataFrame,
    layout: Layout,
    measures: list[Column],
    warnings: list[Warning_],
    tolerance: float = TOLERANCE,
) -> pl.DataFrame:
    """Rows of a table without account codes whose amounts are, in every amount column, the sum
    of the data rows right under them: a group's heading with its total ("I. URUSAN WAJIB"
    over its units, "BELANJA OPERASI" over Belanja Pegawai and Belanja Barang dan Jasa), named
    or not. They are subtotals, not data. Two rows or more make the sum, or one alone where the
    structure says it is under the heading: its jenis belanja is the heading's (BELANJA MODAL
    over Belanja Modal Peralatan dan Mesin), its level (a kegiatan over its sub kegiatan, by the
    label or by numbers that nest), its code (1.06.01 over 1.06.01.01), or its sub unit (a
    unit's own row over it). Where the columns do not say it independently (one of them zero,
    or every row at one share), the row must read as a heading. A program or kegiatan over rows
    labelled as its kegiatan and sub kegiatan is their subtotal even where they do not add up,
    with W-SUBTOTAL (in ``warnings``). Groups within groups are found from the innermost out."""
    names = [f"m{c.index}" for c in measures]
    reason = pl.col("reason")
    open_ = reason.is_null() | reason.eq_missing("no unit")
    if not names or rows.height > _GROUP_ROWS or not rows.get_column("reason").is_null().any():
        return rows
    # a row's label: its uraian, else its unit's name where the rows name units of their own (a
    # unit's sheet names the same one on every row: no row's label)
    own_units = rows.get_column("unit_name").n_unique() > 1
    label = pl.coalesce(pl.col("description"), pl.col("unit_name")) if own_units else pl.col("description")
    lines = fr.select(
        rows,
        "row",
        label.alias("label"),
        *[pl.col(n).fill_null(0.0) for n in names],
        pl.col("activity").alias("code"),
        "unit_code",
        "number",
        pl.col("unit_row").fill_null(False),
        data=reason.is_null(),
        open=open_,
    )
    lines = fr.filter_rows(lines, pl.col("open"))
    if lines.height < 2:
        return rows
    amounts = list(zip(*(lines.get_column(n).to_list() for n in names), strict=True))
    data = lines.get_column("data").to_list()
    raw = [t or "" for t in lines.get_column("label").to_list()]
    texts = [vocab.normalize(t) if t else "" for t in raw]
    # the jenis belanja a jenis row names ("Dinas Penanaman Modal" names none), and whether a row
    # reads as a group's heading: no label, a jenis, an urusan, a program, a numbered part
    labels = [vocab.category_of(t) if _JENIS_ROW.match(t) else None for t in texts]
    kelompok = [bool(_KELOMPOK_ROW.match(t)) for t in texts]
    # a unit's row among them (DINAS KESEHATAN over its programs) stands above every level
    levels = [
        _UNIT_LEVEL if own_units and level is None and vocab.UNIT_NAME.match(t) else level
        for t, level in zip(raw, map(_level, texts), strict=True)
    ]
    labelled = any(texts)  # a row without a label reads as a heading only among labelled rows
    # a row's code (a "Kode" column that is no account: 1.06.01 over its sub unit 1.06.01.01)
    codes = [(c or "").rsplit("|", 1)[-1].strip() for c in lines.get_column("code").to_list()]
    # or its unit's code, where no activity code is given (an SKPD's 1.02.….0000 over its 0001)
    codes = [c or (u or "") for c, u in zip(codes, lines.get_column("unit_code").to_list(), strict=True)]
    # a unit's own row over rows of its sub units (a Sub Unit column left blank on it)
    unit_rows = lines.get_column("unit_row").to_list()
    # the depth the rows' numbers say (A, then I, then 1.1), where they nest
    depths = _number_depths(lines.get_column("number").to_list())
    headings = [
        (labelled and not t)
        or labels[k] in _TOP_JENIS
        or kelompok[k]
        or bool(_GROUP_LABEL.search(t) or _NUMBERED.match(raw[k]))
        or (
            k + 1 < len(codes)
            and (
                _nests(codes[k], codes[k + 1])
                or (unit_rows[k] and not unit_rows[k + 1])
                or _deeper(depths[k], depths[k + 1])
            )
        )
        for k, t in enumerate(texts)
    ]
    row_numbers = lines.get_column("row").to_list()
    marked: set[int] = set()
    unequal: list[tuple[int, int, float, float]] = []  # (line, measure, shown, summed)
    for i in range(len(amounts) - 2, -1, -1):
        own = amounts[i]
        # a heading whose label's level says which rows are under it (a kegiatan, then rows of
        # sub kegiatan) is their subtotal: where they do not add up to it, they are used, as an
        # account's leaves are (numbers alone do not say it: a dinas numbered 1 may stand for
        # its own office above its puskesmas numbered 1.1 and 1.2)
        end = _under(levels, i)
        # (an urusan, unsur or bidang over units is their subtotal only where they add up)
        level = levels[i]
        if end is not None and headings[i] and level is not None and level >= _UNIT_LEVEL:
            under = [j for j in range(i + 1, end) if j not in marked and data[j]]
            if under:
                totals = [sum(column) for column in zip(*(amounts[j] for j in under), strict=True)]
                unequal += [
                    (i, m, a, b)
                    for m, (a, b) in enumerate(zip(own, totals, strict=True))
                    if abs(a - b) > tolerance
                ]
                marked.add(i)
                continue
        if not any(own):
            continue
        sums = [0.0] * len(own)
        shapes: set[tuple[float, ...]] = set()  # the children's amounts as shares of their first
        taken = 0
        for j in range(i + 1, min(len(amounts), i + 1 + _GROUP_SPAN)):
            if j in marked or not data[j]:
                continue
            sums = [a + b for a, b in zip(sums, amounts[j], strict=True)]
            base = amounts[j][0] or 1.0
            shapes.add(tuple(round(a / base, 9) for a in amounts[j]))
            taken += 1
            if all(abs(a - b) <= tolerance for a, b in zip(own, sums, strict=True)):
                # the sum is evidence where two columns say it independently: not where one is
                # zero (nothing realized yet) or every row realized the same share (all at 100 %),
                # as round budgets add up by chance; else only a row that reads as a heading is one
                # a unit's row over its one program's chain is as a heading (its level above them)
                strong = (
                    headings[i]
                    or (sum(1 for a in own if a) >= 2 and len(shapes) >= 2)
                    or (levels[i] == _UNIT_LEVEL and _structured(levels, i, j))
                )
                # one row alone is a heading over its only line where its jenis belanja says so,
                # or the level it names is above the line's (a kegiatan over its sub kegiatan)
                # and the row after that line and its own deeper rows names the heading's level
                # or one above (the next kegiatan or program), or there is none
                alone = (
                    _jenis_under(labels, kelompok, i, j)
                    or _structured(levels, i, j)
                    or _nests(codes[i], codes[j])
                    or (unit_rows[i] and not unit_rows[j])
                    or _structured(depths, i, j)
                )
                if strong and (taken >= 2 or alone):
                    marked.add(i)
                break
            if all(b > a + tolerance for a, b in zip(own, sums, strict=True)):
                break  # past it in every column: no later row brings it back (amounts are not negative)
    if not marked:
        return rows
    grid = layout.grid
    for i, m, shown, summed in sorted(unequal)[:20]:
        what = f"'{raw[i]}' ({measures[m].header})"
        params = {"what": what, "shown": shown, "summed": summed}
        warnings.append(Warning_(str(grid.file), grid.sheet, row_numbers[i] + 1, "W-SUBTOTAL", params))
    if len(unequal) > 20:
        warnings.append(
            Warning_(str(grid.file), grid.sheet, None, "W-SUBTOTAL-MORE", {"n": len(unequal) - 20})
        )
    subtotal = pl.Series([row_numbers[i] for i in marked], dtype=rows.schema["row"])
    return fr.with_columns(
        rows,
        reason=pl.when(pl.col("row").is_in(subtotal.implode())).then(pl.lit("subtotal")).otherwise(reason),
    )


def mark_subtotals(
    rows: pl.DataFrame, layout: Layout, measures: list[Column], warnings: list[Warning_]
) -> pl.DataFrame:
    """Mark account rows that are subtotals of the rows below them; check them against the leaves."""
    grid = layout.grid
    names = [f"m{c.index}" for c in measures]
    spending = fr.filter_rows(
        fr.select(rows, ["row", "account_code", "unit_code", "unit_name", "activity", *names, "reason"]),
        pl.col("reason").is_null() & pl.col("account_code").is_not_null(),
    )
    parents, found = subtotals(spending, names)
    if not parents:
        return rows
    header = {f"m{c.index}": c.header for c in measures}
    mismatches = sorted(
        (row, f"{code} ({header[name]})", shown, summed) for row, code, name, shown, summed in found
    )
    for row, what, shown, summed in mismatches[:20]:
        warnings.append(
            Warning_(
                str(grid.file),
                grid.sheet,
                row + 1,
                "W-SUBTOTAL",
                {"what": what, "shown": shown, "summed": summed},
            )
        )
    if len(mismatches) > 20:
        warnings.append(
            Warning_(str(grid.file), grid.sheet, None, "W-SUBTOTAL-MORE", {"n": len(mismatches) - 20})
        )
    is_subtotal = pl.col("row").is_in(pl.Series(parents, dtype=pl.Int64).implode())
    return fr.with_columns(
        rows, reason=pl.when(is_subtotal).then(pl.lit("subtotal")).otherwise(pl.col("reason"))
    )


def warn_unparsed(
    layout: Layout, data: pl.DataFrame, measures: list[Column], warnings: list[Warning_]
) -> None:
    """Cells of data rows that are no amount (counted as 0), and rows left out because not one of
    their amounts could be read although some cell is written as one (``1,234,567.00`` in a
    column of ``2.000.000,00``): such a row is not counted, and its unit would vanish unsaid."""
    grid = layout.grid
    unread: list[pl.Expr] = []
    for c in measures:
        if not data.get_column(f"m{c.index}").null_count():
            continue  # every cell an amount (the null count is known without a look)
        # cells refused for what they read as are named by warn_refused; in a row left out for
        # having no amount, only a cell written as an amount was one unread ("1,234,567.00"; not
        # "(Rp)" nor a signature's "NIP. 19710928 200701 1 002")
        raw = pl.col(f"raw{c.index}")
        missed = pl.col(f"m{c.index}").is_null() & raw.is_not_null() & pl.col(f"x{c.index}").is_null()
        unread.append(missed & raw.cast(pl.String).str.contains(WRITTEN_AS_AMOUNT).fill_null(False))
        bad = fr.filter_rows(data, missed & pl.col("reason").is_null())
        if bad.height:
            row, raw = bad.select("row", pl.col(f"raw{c.index}").cast(pl.String)).row(0)
            warnings.append(
                Warning_(
                    str(grid.file),
                    grid.sheet,
                    row + 1,
                    "W-NOT-AMOUNTS",
                    {
                        "n": bad.height,
                        "column": c.letter,
                        "header": c.header,
                        "raw": raw,
                        "where": grid.where(row, c.index),
                    },
                )
            )

    if not unread:
        return
    left_out = fr.filter_rows(data, pl.col("reason").is_not_null() & pl.any_horizontal(unread))
    if left_out.height:
        row = int(left_out["row"][0])
        cells = [
            (c, value)
            for c in measures
            if (value := left_out[f"raw{c.index}"].cast(pl.String)[0]) is not None
            and left_out[f"m{c.index}"][0] is None
        ]
        column, shown = cells[0] if cells else (measures[0], "")
        name = left_out["unit_name"][0] if "unit_name" in left_out.columns else None
        warnings.append(
            Warning_(
                str(grid.file),
                grid.sheet,
                row + 1,
                "W-ROWS-UNREAD",
                {
                    "n": left_out.height,
                    "name": name or left_out["unit_code"][0] or "",
                    "raw": shown,
                    "where": grid.where(row, column.index),
                },
            )
        )


_REFUSED = {"range": "W-AMOUNT-OUT-OF-RANGE", "shape": "W-AMOUNT-MALFORMED"}
_CELLS_NAMED = 5


def warn_refused(
    layout: Layout, rows: pl.DataFrame, measures: list[Column], warnings: list[Warning_]
) -> None:
    """Cells that read as numbers but are no amount (``numbers.read_amounts``), in any row below the
    header: NaN, infinite or absurdly large, or with separators out of place. They count as empty."""
    grid = layout.grid
    for c in measures:
        if rows.get_column(f"x{c.index}").null_count() == rows.height:
            continue  # no cell refused
        refused = fr.filter_rows(rows, pl.col(f"x{c.index}").is_not_null())
        for why, code in _REFUSED.items():
            bad = fr.filter_rows(refused, pl.col(f"x{c.index}") == why)
            if not bad.height:
                continue
            first = bad.select("row", pl.col(f"raw{c.index}").cast(pl.String)).head(_CELLS_NAMED)
            row, raw = first.row(0)
            warnings.append(
                Warning_(
                    str(grid.file),
                    grid.sheet,
                    row + 1,
                    code,
                    {
                        "n": bad.height,
                        "column": c.letter,
                        "header": c.header,
                        "raw": _shown(raw),
                        "cells": [grid.where(r, c.index) for r in first["row"].to_list()],
                    },
                )
            )


def _shown(raw: str | None) -> str:
    """A cell's text as a warning quotes it: a 400-digit number is cut, not printed whole."""
    text = raw or ""
    return text if len(text) <= 40 else text[:37] + "…"


def drop_negative_budgets(
    layout: Layout, data: pl.DataFrame, slots: list[Slot], warnings: list[Warning_]
) -> pl.DataFrame:
    """Negative budgets left out, with a warning: a pagu below zero is no budget, and summed it
    would cancel other units' budgets in the total. No layout marks a row as a correction."""
    grid = layout.grid
    budgets = list({s.budget.index: s.budget for s in slots if s.budget is not None}.values())
    for column in budgets:
        name = f"m{column.index}"
        if not _below_zero(data.get_column(name).min()):
            continue
        bad = fr.filter_rows(data, pl.col(name) < 0)
        first = bad.select("row", name).head(_CELLS_NAMED)
        row, value = first.row(0)
        warnings.append(
            Warning_(
                str(grid.file),
                grid.sheet,
                row + 1,
                "W-NEGATIVE-BUDGET",
                {
                    "n": bad.height,
                    "column": column.letter,
                    "header": column.header,
                    "value": value,
                    "cells": [grid.where(r, column.index) for r in first["row"].to_list()],
                },
            )
        )
        data = fr.with_columns(data, pl.when(pl.col(name) < 0).then(None).otherwise(pl.col(name)).alias(name))
    return data


def _below_zero(value: object) -> bool:
    return isinstance(value, int | float) and value < 0


def warn_duplicates(layout: Layout, data: pl.DataFrame, warnings: list[Warning_], by_label: bool) -> None:
    """A unit on several rows of a rekap (of one label, with ``by_label``), whose amounts are
    summed: a unit's Target and Realisasi rows (``measure``) are no duplicate of each other."""
    grid = layout.grid
    unit = pl.coalesce("unit_code", pl.col("unit_name").str.to_lowercase())
    parts = [unit, pl.col("measure").fill_null("")]
    key = pl.concat_str([*parts, pl.col("description").fill_null("")] if by_label else parts, separator="|")
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
                "W-DUPLICATE-UNIT",
                {"name": name, "n": len(rows), "rows": [str(r + 1) for r in rows[:5]]},
            )
        )


def warn_amounts(layout: Layout, data: pl.DataFrame, slots: list[Slot], warnings: list[Warning_]) -> None:
    """Negative realization, and realization above the budget of the same row and slot."""
    grid = layout.grid
    # a column's least value is known without a filter: most sheets have no negative realization
    realized = [
        pl.col(name)
        for name in {f"m{s.realized.index}" for s in slots if s.realized is not None}
        if _below_zero(data.get_column(name).min())
    ]
    # a category's realization (all its periods) against its budget on the same row
    budgets = {s.category: s.budget for s in slots if s.budget is not None and s.period is None}
    pairs = [
        (
            pl.sum_horizontal(
                [
                    pl.col(f"m{s.realized.index}").fill_null(0)
                    for s in slots
                    if s.category == cat and s.realized
                ]
            )
            > pl.col(f"m{budget.index}").fill_null(0) + TOLERANCE
        )
        # a budget cell refused as no amount (warn_refused) is not an empty budget
        & pl.col(f"x{budget.index}").is_null()
        for cat, budget in budgets.items()
        if any(s.category == cat and s.realized is not None for s in slots)
    ]
    checks = {
        "negative": pl.any_horizontal([r < 0 for r in realized]) if realized else None,
        "over": pl.any_horizontal(pairs) if pairs else None,
    }
    for kind, condition in checks.items():
        if condition is None:  # nothing to check; a literal predicate fails on a frame of many chunks
            continue
        rows = fr.filter_rows(data, condition)["row"]
        if rows.len() == 0:
            continue
        first = int(rows[0]) + 1
        code = "W-NEGATIVE" if kind == "negative" else "W-ABOVE-BUDGET"
        warnings.append(Warning_(str(grid.file), grid.sheet, first, code, {"n": rows.len(), "first": first}))
