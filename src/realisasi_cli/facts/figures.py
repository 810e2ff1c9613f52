"""Units that one source names otherwise than the others, told by their figures.

A BPKAD rekap beside the units' own uploads often abbreviates ("Dinkes" for DINAS KESEHATAN):
by name they are two units, and the folder's total counts the unit twice. Where such a unit's
budget and realization are, to the rounding of the coarser source, those of one unit of another
source of the same date, and of no other unit, and the names agree as an abbreviation does, it
is that unit: it takes that unit's code and name, and a warning says so. The figures must tell:
a unit with nothing budgeted tells nothing; figures of whole millions (in the source's own
units) tell nothing either, as two kelurahan of one allocation share them; and a pair that two
units share tells neither. Of two sources without codes that name the units each its own way
(two rekaps), the one that abbreviates takes the other's names. Across dates (a rekap of
October beside the units' September uploads) the realization moves: there the budget alone must
tell, and the later realization must not be the smaller. A source whose every figure is
of whole thousands is rounded to them (``Facts.precision``), though no label says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from realisasi_cli.facts.keys import NAME_KEY
from realisasi_cli.facts.schema import Warning_
from realisasi_cli.facts.subtotals import TOLERANCE
from realisasi_cli.messages import Message, some_of

_KEYS = ["source", "unit_code", "unit_name"]
_ROUND = 1_000_000  # figures of whole millions may be two units' by chance
_CROWD = 8  # units of near figures past which none is told from the others


def _letters(name: str) -> str:
    """A name's letters and digits, lower case: what an abbreviation keeps of it."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _compact(name: str | None) -> int:
    """How many letters and digits a name has (0 for none)."""
    return len(_letters(name)) if name else 0


def _abbreviates(name: str | None, other: str | None) -> bool:
    """Whether one name is the other shortened, its letters in the other's order from the same
    first letter: Dinkes and DINAS KESEHATAN, Kel. Sindang Sari and KELURAHAN SINDANGSARI,
    Sekretariat Daerah (Setda) and SEKRETARIAT DAERAH; not Kel. Cibening and KELURAHAN SUKAMAJU."""
    if not name or not other:
        return False
    a, b = _letters(name), _letters(other)
    short, long = sorted((a, b), key=len)
    if not short or short[0] != long[0]:
        return False
    letters = iter(long)
    return all(letter in letters for letter in short)


_REGION = re.compile(r"^(kabupaten|kab|kota|provinsi|prov|pemerintah)\b")


def _with_region(name: str | None, other: str | None) -> bool:
    """Whether ``name`` is ``other`` with its government after it: "Sekretariat Daerah Kabupaten
    Contoh" for SEKRETARIAT DAERAH."""
    if not name or not other:
        return False
    words, others = re.findall(r"[a-z0-9]+", name.lower()), re.findall(r"[a-z0-9]+", other.lower())
    rest = " ".join(words[len(others) :])
    return len(words) > len(others) and words[: len(others)] == others and bool(_REGION.match(rest))


def named_by_figures(
    budget: pl.DataFrame, realization: pl.DataFrame, sources: pl.DataFrame
) -> tuple[pl.DataFrame | None, list[Warning_]]:
    """The units to rename (source, unit_name → new_code, new_name), None where there are none,
    and a warning per source renamed. Only a unit without a code, in a source of two units or
    more, whose name no other source gives, is renamed."""
    if sources.height < 2 or not budget.height or not realization.height:
        return None, []
    if not budget.get_column("unit_code").null_count():  # every unit coded (known without a look)
        return None, []
    units = _units(budget, realization, sources)
    renamed = _renamed(units, sources)
    warnings = [] if renamed is None else _said(renamed, sources)
    return renamed, warnings + _maybe_same(units, renamed, sources)


def _units(budget: pl.DataFrame, realization: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame:
    """Each source's units with their budget and realization, how many rows gave them, their key,
    the source's date and precision, and how many units the source and how many sources the
    name have."""
    spent = budget.group_by(_KEYS).agg(pl.col("budget").sum(), budget_rows=pl.len())
    realized = realization.group_by(_KEYS).agg(pl.col("realized").sum(), realized_rows=pl.len())
    units = spent.join(realized, on=_KEYS, how="inner", nulls_equal=True).with_columns(
        key=pl.coalesce("unit_code", NAME_KEY), name_key=NAME_KEY
    )
    units = units.with_columns(
        units=pl.len().over("source"), given=pl.col("source").n_unique().over("name_key")
    )
    # figures tell a unit where no other is likely to share them: not whole millions in both (a
    # kelurahan's 500 million and its 125 million tranche; a rekap in millions, a million of
    # its own units), nor nothing budgeted; across dates the realization moves: the budget
    # alone must tell
    whole = _ROUND * pl.col("scale")
    return units.join(sources.select("source", "as_of", "precision", "scale"), on="source").with_columns(
        told=(pl.col("budget") != 0) & ((pl.col("budget") % whole != 0) | (pl.col("realized") % whole != 0)),
        told_by_budget=(pl.col("budget") % whole != 0) & pl.col("as_of").is_not_null(),
        # a unit that only its source names, without a code, in a source of several units
        lone=pl.col("unit_code").is_null()
        & pl.col("unit_name").is_not_null()
        & (pl.col("units") > 1)
        & (pl.col("given") == 1),
    )


def _renamed(units: pl.DataFrame, sources: pl.DataFrame) -> pl.DataFrame | None:
    """``named_by_figures``' units to rename, with what told them (``by``: figures, budget)."""
    told, told_by_budget, lone = pl.col("told"), pl.col("told_by_budget"), pl.col("lone")
    alone = units.filter(lone & (told | told_by_budget))
    if not alone.height:
        return None
    # a unit to rename may be one to rename another to only as the longer name: of two rekaps
    # without codes, each naming the units its own way, the one that abbreviates takes the other's
    others = units.filter(told | told_by_budget).select(
        pl.col("source").alias("other"),
        pl.col("as_of").alias("other_as_of"),
        told.alias("other_told"),
        told_by_budget.alias("other_by_budget"),
        pl.col("unit_code").alias("new_code"),
        pl.col("unit_name").alias("new_name"),
        pl.col("key").alias("other_key"),
        pl.col("name_key").alias("other_name"),
        pl.col("budget").alias("other_budget"),
        pl.col("realized").alias("other_realized"),
        pl.col("precision").alias("other_precision"),
        pl.col("budget_rows").alias("other_budget_rows"),
        pl.col("realized_rows").alias("other_realized_rows"),
        lone.alias("other_lone"),
    )
    # only units of near figures are compared: buckets wider than any rounding, each unit against
    # its own and those beside it; a bucket of many units (equal budgets by the thousand) fits
    # none of them alone, and is not looked into
    width = max(1_000.0, 10 * float(sources.get_column("precision").max() or 1.0))  # type: ignore[arg-type]  # max() is typed as any scalar
    spent_at = pl.col("budget") // width
    alone = alone.with_columns(
        by_budget=told_by_budget, bucket=pl.concat_list(spent_at - 1, spent_at, spent_at + 1)
    ).explode("bucket")
    others = others.with_columns(
        bucket=pl.col("other_budget") // width, realized_bucket=pl.col("other_realized") // width
    ).with_columns(
        crowd=pl.len().over("other_as_of", "bucket", "realized_bucket"), budgets_crowd=pl.len().over("bucket")
    )
    # the codes and names each source gives: a unit it names is no other unit of it
    codes = units.select("source", other_key="key").unique()
    names = units.select("source", other_name="name_key").unique()

    def near(column: str) -> pl.Expr:
        # each row rounded by up to half its precision: a unit's sum by half of that per row
        rounding = pl.max_horizontal(
            pl.col("precision") * pl.col(f"{column}_rows"),
            pl.col("other_precision") * pl.col(f"other_{column}_rows"),
        )
        return (pl.col(column) - pl.col(f"other_{column}")).abs() <= rounding / 2 + TOLERANCE

    def fallen() -> pl.Expr:
        # a realization to date does not fall: the later source's is the larger, to its rounding
        rounding = pl.max_horizontal(
            pl.col("precision") * pl.col("realized_rows"),
            pl.col("other_precision") * pl.col("other_realized_rows"),
        )
        gain = pl.col("realized") - pl.col("other_realized")
        later = pl.col("as_of") > pl.col("other_as_of")
        return pl.when(later).then(gain).otherwise(-gain) < -(rounding / 2 + TOLERANCE)

    # the same date: budget and realization; another date: the budget, the realization grown.
    # Crowded buckets are left out before the joins, and a unit meets only the others of its
    # buckets of both figures: each meets at most a few dozen, whatever the sources hold (3,000
    # units of one band of budgets met each other, 9 GB of pairs, before).
    realized_at = pl.col("realized") // width
    same_date = (
        alone.filter("told")
        .with_columns(realized_bucket=pl.concat_list(realized_at - 1, realized_at, realized_at + 1))
        .explode("realized_bucket")
        .join(
            others.filter(pl.col("other_told") & (pl.col("crowd") <= _CROWD)),
            left_on=["as_of", "bucket", "realized_bucket"],
            right_on=["other_as_of", "bucket", "realized_bucket"],
            nulls_equal=True,
        )
        .with_columns(other_as_of=pl.col("as_of"), by=pl.lit("figures"))
        .filter(near("realized"))
    )
    other_date = (
        alone.filter("by_budget")
        .join(others.filter(pl.col("other_by_budget") & (pl.col("budgets_crowd") <= _CROWD)), on="bucket")
        .filter(pl.col("as_of") != pl.col("other_as_of"))
        .filter(~fallen())
        .with_columns(by=pl.lit("budget"))
    )
    pairs = (
        pl.concat([same_date, other_date.select(same_date.columns)])
        .filter((pl.col("other") != pl.col("source")) & near("budget"))
        .join(codes, on=["source", "other_key"], how="anti")
        .join(names, on=["source", "other_name"], how="anti", nulls_equal=True)
    )
    # a unit told by its figures of the same date is not told otherwise by a budget of another
    pairs = pairs.filter((pl.col("by") == "figures") | (pl.col("by") != "figures").all().over(_KEYS))
    # a unit that fits a unit another source codes or shares is not renamed to one no other gives
    pairs = pairs.filter(~pl.col("other_lone") | pl.col("other_lone").all().over(_KEYS))
    # one unit for one unit: neither figures that fit two units, nor two that fit one
    pairs = pairs.filter(
        (pl.col("other_key").n_unique().over(_KEYS) == 1)
        & (pl.col("unit_name").n_unique().over("source", "other_key") == 1)
    )
    # and the names must agree as an abbreviation does (Dinkes, DINAS KESEHATAN): a kelurahan
    # of another kecamatan, of the same allocation, is not this one
    pairs = pairs.filter(
        pl.Series(
            [
                _abbreviates(a, b) and (not lone_other or _compact(a) < _compact(b))
                for a, b, lone_other in pairs.select("unit_name", "new_name", "other_lone").iter_rows()
            ],
            dtype=pl.Boolean,
        )
    )
    # of a name that is both shortened and shortens (Dkes, Dinkes, Dinas Kesehatan), none is renamed
    # to one renamed itself
    shortened = pairs.select(pl.col("source").alias("other"), pl.col("unit_name").alias("new_name"))
    pairs = pairs.join(shortened, on=["other", "new_name"], how="anti", nulls_equal=True)
    if not pairs.height:
        return None
    return (
        pairs.sort("other")
        .group_by(_KEYS, maintain_order=True)
        .first()
        .select("source", "unit_name", "new_code", "new_name", "by")
    )


_TOLD_BY = {"figures": "W-NAMED-BY-FIGURES", "budget": "W-NAMED-BY-BUDGET"}


def _said(renamed: pl.DataFrame, sources: pl.DataFrame) -> list[Warning_]:
    """A warning per source and evidence of the units renamed."""
    files = dict(sources.select("source", "file").iter_rows())
    sheets = dict(sources.select("source", "sheet").iter_rows())
    warnings = []
    for (source, by), group in renamed.sort("source", "by", "unit_name").group_by(
        "source", "by", maintain_order=True
    ):
        pairs_named: list[object] = [
            Message("N-NAMED-AS", {"name": name, "unit": new_name or new_code})
            for name, new_code, new_name in group.select("unit_name", "new_code", "new_name").iter_rows()
        ]
        params = {"n": len(pairs_named), "names": some_of(pairs_named)}
        warnings.append(Warning_(str(Path(files[source])), sheets[source], None, _TOLD_BY[str(by)], params))
    return warnings


_MAX_PAIRS = 250_000  # names compared, at most, for the units that may be counted twice


def _maybe_same(units: pl.DataFrame, renamed: pl.DataFrame | None, sources: pl.DataFrame) -> list[Warning_]:
    """A warning per source of its units left apart though their names may shorten one unit of
    another source (Dinsos, DINAS SOSIAL), where the figures cannot tell (whole millions, nothing
    realized yet, another date, where the budget may have changed): such a unit may be counted twice."""
    apart = units.filter("lone")
    if renamed is not None:
        apart = apart.join(renamed.select("source", "unit_name"), on=["source", "unit_name"], how="anti")
    if not apart.height or apart.height * units.height > _MAX_PAIRS:
        return []
    columns = ["source", "unit_name", "key", "as_of", "told", "told_by_budget"]
    everyone = list(units.select(*columns, unit=pl.coalesce("unit_name", "unit_code")).iter_rows())
    claims: dict[tuple[int, object], list[tuple[str, object]]] = {}  # (source, unit) → names
    for source, name, _key, as_of, told, _by_budget in apart.select(columns).iter_rows():
        # figures of one date that would have told, had they been the same unit's, say it is not;
        # across dates they do not (a budget changed in between: the APBD Perubahan)
        fits = {
            (key, unit)
            for other, other_name, key, other_as_of, other_told, _by_budget, unit in everyone
            if other != source
            and (
                (_compact(name) < _compact(other_name) and _abbreviates(name, other_name))
                or _with_region(name, other_name)
            )
            and not (as_of == other_as_of and told and other_told)
        }
        if len({key for key, _ in fits}) == 1:
            key, unit = min(fits, key=lambda fit: str(fit[1]))  # one name, whichever set order
            claims.setdefault((source, key), []).append((name, unit))
    # of two units of a source that may be one (Kel. Sukamaju, Kel. Sukamaju Baru for KELURAHAN
    # SUKAMAJU BARU), the nearer name: the longer
    found: dict[int, list[object]] = {}
    for (source, _key), named in sorted(claims.items(), key=lambda item: str(item[0])):
        name, unit = max(named, key=lambda pair: _compact(pair[0]))
        found.setdefault(source, []).append(Message("N-MAYBE-AS", {"name": name, "unit": unit}))
    files = dict(sources.select("source", "file").iter_rows())
    sheets = dict(sources.select("source", "sheet").iter_rows())
    return [
        Warning_(
            str(Path(files[source])),
            sheets[source],
            None,
            "W-MAYBE-SAME-UNIT",
            {"n": len(names), "names": some_of(names)},
        )
        for source, names in sorted(found.items())
    ]


def rename(frame: pl.DataFrame, renamed: pl.DataFrame) -> pl.DataFrame:
    """``frame``'s units renamed as ``named_by_figures`` found."""
    if not frame.height:
        return frame
    columns = frame.columns
    joined = frame.join(
        renamed.with_columns(pl.col("source").cast(frame.schema["source"])),
        on=["source", "unit_name"],
        how="left",
        maintain_order="left",
    )
    found = pl.col("new_name").is_not_null() | pl.col("new_code").is_not_null()
    return joined.with_columns(
        unit_code=pl.when(found & pl.col("unit_code").is_null()).then("new_code").otherwise("unit_code"),
        unit_name=pl.when(found & pl.col("unit_code").is_null()).then("new_name").otherwise("unit_name"),
    ).select(columns)
