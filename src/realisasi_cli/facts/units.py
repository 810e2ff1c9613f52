"""A list of the government's units (``--units FILE``): names for units the files do not name.

A CSV or workbook with a code column and a name column, and optionally a column of file-name
patterns (``10_lra_*``) for per-OPD uploads named by an id: every fact of a matching file
belongs to that unit. Listed codes give their units the listed name; listed names map to
their codes (as ``[units]`` aliases do).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from realisasi_cli.errors import MissingColumnError
from realisasi_cli.facts.schema import Dataset

_CODE = re.compile(r"^(kode|kd|code)\b", re.I)
_ID = re.compile(r"^id\b", re.I)  # id_skpd, as a database export names it: a code where no kode is
_NAME = re.compile(r"^(nama|name|perangkat daerah|skpd|opd|unit|satuan kerja)\b", re.I)
_PATTERN = re.compile(r"\b(pola|pattern|berkas|file|nama berkas|file name)\b", re.I)


@dataclass(frozen=True)
class UnitEntry:
    """One listed unit."""

    code: str | None
    name: str | None
    pattern: str | None = None


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def read_units(path: Path) -> list[UnitEntry]:
    """The units listed in ``path`` (CSV, XLSX, …): a header row naming code and name columns."""
    from realisasi_cli.reading import read_grids

    grid = read_grids(path)[0]
    rows = [list(r) for r in grid.frame.head(200).iter_rows()]
    for at, row in enumerate(rows):
        # kode_skpd, nama_skpd: a database export's column names read as words
        cells = [(_text(v) or "").replace("_", " ") for v in row]
        code = next((j for j, c in enumerate(cells) if _CODE.search(c)), None)
        if code is None:
            code = next((j for j, c in enumerate(cells) if _ID.search(c)), None)
        name = next((j for j, c in enumerate(cells) if j != code and _NAME.search(c)), None)
        if code is None and name is None:
            continue
        pattern = next((j for j, c in enumerate(cells) if j not in (code, name) and _PATTERN.search(c)), None)
        entries = []
        for line in [list(r) for r in grid.frame.slice(at + 1).iter_rows()]:
            entry = UnitEntry(
                _text(line[code]) if code is not None else None,
                _text(line[name]) if name is not None else None,
                _text(line[pattern]) if pattern is not None else None,
            )
            if entry.code or entry.name:
                entries.append(entry)
        return entries
    raise MissingColumnError("E-UNITS-NO-HEADER", "H-UNITS-HEADER", path=path)


def aliases_of(entries: list[UnitEntry]) -> dict[str, str]:
    """Listed names mapped to their codes, for unit identity (codes such as ``1.02.0.00``)."""
    return {e.name: e.code for e in entries if e.name and e.code and re.fullmatch(r"\d+(\.\d+)+", e.code)}


def _file_pattern(pattern: str | None) -> str:
    """A listed file pattern as a file's name is matched with it: lower case, without the folders
    a manifest may give (``lra/10_lra_20221130.xlsx``)."""
    return re.split(r"[\\/]", str(pattern).strip())[-1].lower()


def apply_units(dataset: Dataset, entries: list[UnitEntry]) -> Dataset:
    """``dataset`` with the files matching a listed pattern given that unit, and listed codes named."""
    patterned = [e for e in entries if e.pattern]
    named = {e.code: e.name for e in entries if e.code and e.name}
    if not patterned and not named:
        return dataset
    files = dataset.sources.select("source", "file").iter_rows()
    patterns = [(e, _file_pattern(e.pattern)) for e in patterned]
    owner: dict[int, UnitEntry] = {}
    named_files: set[str] = set()
    # the files that name no unit of their own (named after the file): the list names them
    unnamed = {w.file for w in dataset.warnings if w.code == "W-UNNAMED"}
    unnamed_sources: list[bool] = []
    for source, file in files:
        name = Path(file).name.lower()
        match = next((e for e, pattern in patterns if fnmatch.fnmatch(name, pattern)), None)
        if match is not None:
            owner[source] = match
            named_files.add(str(file))
            unnamed_sources.append(str(file) in unnamed)
    by_source = pl.DataFrame(
        {
            "source": list(owner),
            "listed_code": [e.code for e in owner.values()],
            "listed_name": [e.name for e in owner.values()],
            "unnamed": unnamed_sources,
        },
        schema={
            "source": pl.Int32,
            "listed_code": pl.String,
            "listed_name": pl.String,
            "unnamed": pl.Boolean,
        },
    )

    def relabel(frame: pl.DataFrame) -> pl.DataFrame:
        columns = frame.columns
        if by_source.height:
            # a file's own code and name stand (a manifest's id_skpd is no unit code); the list's
            # fill in what it lacks, and name the files that name no unit at all
            listed = pl.col("unnamed").fill_null(False)
            frame = frame.join(by_source, on="source", how="left").with_columns(
                unit_code=pl.when(listed)
                .then(pl.coalesce("listed_code", "unit_code"))
                .otherwise(pl.coalesce("unit_code", "listed_code")),
                unit_name=pl.when(listed)
                .then(pl.coalesce("listed_name", "unit_name"))
                .otherwise(pl.coalesce("unit_name", "listed_name")),
            )
        if named:
            frame = frame.with_columns(
                unit_name=pl.col("unit_code").replace_strict(
                    named, default=pl.col("unit_name"), return_dtype=pl.String
                )
            )
        return frame.select(columns)

    # a file the list names is no longer named after itself
    warnings = [w for w in dataset.warnings if not (w.code == "W-UNNAMED" and w.file in named_files)]
    return replace(
        dataset,
        warnings=warnings,
        budget=relabel(dataset.budget),
        realization=relabel(dataset.realization),
        plan=relabel(dataset.plan),
        physical=relabel(dataset.physical),
    )
