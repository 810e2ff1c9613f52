"""Read, detect and normalize a set of input files into one dataset of facts."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from realisasi_cli.errors import (
    InputError,
    MissingColumnError,
    NoTableError,
    RealisasiError,
    Warning_,
)
from realisasi_cli.guard import expand_inputs
from realisasi_cli.read import Grid, beside_parse, read_grids

if TYPE_CHECKING:
    from realisasi_cli.detect import Layout
    from realisasi_cli.normalize import Facts

R = TypeVar("R")


@dataclass
class SheetResult:
    """One sheet: how it was understood and what it gave."""

    file: Path
    sheet: str
    layout: Layout | None
    facts: Facts | None
    as_of: date | None
    as_of_source: str | None
    note: str | None = None


@dataclass
class Dataset:
    """All facts from the inputs, with one source per sheet that gave facts."""

    budget: pl.DataFrame
    realization: pl.DataFrame
    plan: pl.DataFrame  # monthly planned amounts, from cash-plan inputs
    physical: pl.DataFrame  # physical progress (realisasi fisik) per row, where exports carry it
    sources: pl.DataFrame  # source, file, sheet, as_of, order
    sheets: list[SheetResult]
    warnings: list[Warning_]
    skipped_files: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def as_of(self) -> date | None:
        """The latest as-of date of any source."""
        values = self.sources["as_of"].drop_nulls()
        return values.max() if values.len() else None  # type: ignore[return-value]


def _as_of(layout: Layout, file: Path, sheet: str, year: int | None) -> tuple[date | None, str | None]:
    from realisasi_cli.dates import as_of_in, month_end, month_in_name, year_in, year_in_name

    ctx = layout.context
    if ctx.as_of is not None:
        return ctx.as_of, ctx.as_of_source
    for column in layout.columns:
        if column.role == "realized":
            found = as_of_in(column.header)
            if found:
                return found, "header"
    for name, where in ((sheet, "sheet name"), (file.stem, "file name")):
        spaced = name.replace("_", " ").replace("-", " ")
        found = as_of_in(spaced)
        if found:
            return found, where
        month = month_in_name(name)
        name_year = year or year_in_name(name) or year_in(spaced)
        if month and name_year:
            return month_end(name_year, month), where
    return None, None


def load(
    paths: list[Path],
    *,
    as_of: date | None = None,
    strict: bool = False,
    overrides: Callable[[Path], dict[str, object]] | None = None,
    progress: Callable[[Path], None] | None = None,
    plan: bool = False,
    left_out: Sequence[Path] = (),
) -> Dataset:
    """Read every input; skip unusable files with a warning, fail only when none can be used.

    With ``plan``, the inputs are cash plans (anggaran kas / RAK): sheets with monthly planned
    amounts are used, whether or not they also carry realization. ``left_out`` names the
    tool's own outputs that the caller's ``expand_inputs`` left out of ``paths``.
    """
    left_out = list(left_out)
    files = expand_inputs(paths, left_out)
    sheets: list[SheetResult] = []
    warnings = [
        Warning_(str(path), None, None, "left out: written by realisasi (an earlier output), not an export")
        for path in left_out
    ]
    skipped: list[tuple[Path, str]] = []
    budgets: list[pl.DataFrame] = []
    realizations: list[pl.DataFrame] = []
    plans: list[pl.DataFrame] = []
    physicals: list[pl.DataFrame] = []
    source_rows: list[dict[str, object]] = []
    errors: list[RealisasiError] = []

    def read_one(path: Path) -> list[SheetResult] | InputError:
        try:
            return _load_file(path, 0, as_of, overrides(path) if overrides else {}, plan, len(files) > 1)
        except InputError as exc:
            return exc

    with beside_parse(_import_steps):
        outcomes = _map_files(read_one, files, progress)
    from realisasi_cli.normalize import BUDGET_SCHEMA, PHYSICAL_SCHEMA, PLAN_SCHEMA, REALIZATION_SCHEMA

    for order, (path, outcome) in enumerate(zip(files, outcomes, strict=True)):
        if isinstance(outcome, InputError):
            exc = outcome
            if strict or len(files) == 1:
                raise exc
            errors.append(exc)
            skipped.append((path, exc.message))
            warnings.append(Warning_(str(path), None, None, f"skipped: {exc.message}"))
            continue
        for result in outcome:
            sheets.append(result)
            if result.facts is None:
                continue
            source = len(source_rows)
            source_rows.append(
                {
                    "source": source,
                    "file": str(path),
                    "sheet": result.sheet,
                    "as_of": result.as_of,
                    "order": order,
                }
            )
            budgets.append(result.facts.budget.with_columns(source=pl.lit(source, pl.Int32)))
            realizations.append(result.facts.realization.with_columns(source=pl.lit(source, pl.Int32)))
            plans.append(result.facts.plan.with_columns(source=pl.lit(source, pl.Int32)))
            physicals.append(result.facts.physical.with_columns(source=pl.lit(source, pl.Int32)))
            warnings.extend(result.facts.warnings)
    if not source_rows:
        if errors:
            raise (
                errors[0]
                if len(errors) == 1
                else NoTableError(
                    "none of the inputs could be used:\n" + "\n".join(f"  {e.message}" for e in errors)
                )
            )
        raise NoTableError("none of the inputs holds a realization table.")
    dated = [(row, row["as_of"]) for row in source_rows if isinstance(row["as_of"], date)]
    years = {as_of.year for _row, as_of in dated}
    if len(years) > 1:
        latest = max(years)
        dropped = [row for row, as_of in dated if as_of.year != latest]
        warnings.append(
            Warning_(
                str(dropped[0]["file"]),
                None,
                None,
                f"the inputs mix fiscal years {sorted(years)}; only {latest} is used "
                f"({len(dropped)} sheet(s) of other years left out)",
            )
        )
        keep = {row["source"] for row in source_rows} - {row["source"] for row in dropped}
        source_rows = [row for row in source_rows if row["source"] in keep]
        budgets = [b.filter(pl.col("source").is_in(list(keep))) for b in budgets]
        realizations = [r.filter(pl.col("source").is_in(list(keep))) for r in realizations]
        plans = [p.filter(pl.col("source").is_in(list(keep))) for p in plans]
        physicals = [p.filter(pl.col("source").is_in(list(keep))) for p in physicals]
    if not plan:
        _require_both(budgets, realizations, sheets)
    sources = pl.DataFrame(
        source_rows,
        schema={
            "source": pl.Int32,
            "file": pl.String,
            "sheet": pl.String,
            "as_of": pl.Date,
            "order": pl.Int32,
        },
    )
    return Dataset(
        budget=pl.concat(budgets) if budgets else pl.DataFrame(schema=BUDGET_SCHEMA),
        realization=pl.concat(realizations) if realizations else pl.DataFrame(schema=REALIZATION_SCHEMA),
        plan=pl.concat(plans) if plans else pl.DataFrame(schema=PLAN_SCHEMA),
        physical=pl.concat(physicals) if physicals else pl.DataFrame(schema=PHYSICAL_SCHEMA),
        sources=sources,
        sheets=sheets,
        warnings=warnings,
        skipped_files=skipped,
    )


def _import_steps() -> None:
    """Import detection and normalization, which a read needs only once the sheet is parsed.

    Run beside calamine's parse (``read.beside_parse``): their regexes compile on the idle core.
    """
    for module in ("detect", "normalize"):
        importlib.import_module(f"realisasi_cli.{module}")


def _map_files(
    function: Callable[[Path], R], files: list[Path], progress: Callable[[Path], None] | None
) -> list[R]:
    """``function`` over the files, in their order; several files are read two at a time.

    calamine and Polars release the GIL, so a second thread overlaps one file's parse with
    another's; more threads than cores would only raise the peak memory.
    """
    if len(files) < 2:
        results = []
        for path in files:
            results.append(function(path))
            if progress:
                progress(path)
        return results
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        futures = [pool.submit(function, path) for path in files]
        results = []
        for path, future in zip(files, futures, strict=True):
            results.append(future.result())
            if progress:
                progress(path)
        return results


def _require_both(
    budgets: list[pl.DataFrame], realizations: list[pl.DataFrame], sheets: list[SheetResult]
) -> None:
    """Several inputs may each lack one side, but together they need budgets and realization."""
    has_budget = any(frame.height for frame in budgets)
    has_realized = any(frame.height for frame in realizations)
    if has_budget and has_realized:
        return
    missing = "realization" if has_budget else "budget"
    files = ", ".join(sorted({s.file.name for s in sheets if s.facts is not None}))
    raise MissingColumnError(
        f"none of the inputs has a {missing} column ({files}).",
        f"Add an export with {missing} amounts, or name the column in realisasi.toml [[layout]].",
    )


def _usable(layout: Layout | None, plan: bool, partial: bool = False) -> bool:
    """Whether a sheet gives facts; with ``partial``, budget-only or realization-only sheets do."""
    if layout is None:
        return False
    if plan:
        return any(c.role == "plan" and c.period for c in layout.columns)
    if partial:
        # a DPA without realization beside a register of payments without budgets
        return layout.has_budget or layout.has_realized
    # a register (SP2D by date) may carry no budget: the other inputs give it
    return layout.has_realized and (layout.has_budget or layout.has_period_key)


def _load_file(
    path: Path,
    first_source: int,
    as_of_override: date | None,
    override: dict[str, object],
    plan: bool,
    partial: bool = False,
) -> list[SheetResult]:
    grids = read_grids(path)
    from realisasi_cli.detect import detect
    from realisasi_cli.normalize import normalize

    wanted_sheet = override.get("sheet")
    if wanted_sheet is not None:
        grids = [g for g in grids if g.sheet == wanted_sheet]
        if not grids:
            raise NoTableError(f"{path}: has no sheet named {wanted_sheet!r} (from realisasi.toml).")
    header_row = override.get("header_row")
    layouts: list[tuple[Grid, Layout | None]] = []
    for grid in grids:
        layout = detect(grid, header_row=int(header_row) - 1 if isinstance(header_row, int) else None)
        if layout is not None and isinstance(override.get("columns"), dict):
            _apply_column_override(layout, override["columns"])  # type: ignore[arg-type]
        layouts.append((grid, layout))
    complete = [(g, lay) for g, lay in layouts if _usable(lay, plan)]
    usable = complete or [(g, lay) for g, lay in layouts if partial and _usable(lay, plan, partial=True)]
    if not usable:
        found_tables = [lay for _g, lay in layouts if lay is not None]
        if plan:
            raise MissingColumnError(
                f"{path}: no monthly plan found (expected Januari … Desember columns under a "
                "'Rencana Anggaran Kas' or 'Target' title).",
                "Use the anggaran kas / RAK export of SIPD, or name the columns in realisasi.toml.",
            )
        if found_tables:
            lay = max(found_tables, key=lambda lay_: lay_.score)
            found = ", ".join(
                f"{c.role} ({c.header!r})" for c in lay.columns if c.role in ("budget", "realized")
            )
            missing = "realization" if lay.has_budget else "budget"
            raise MissingColumnError(
                f"{path} (sheet {lay.grid.sheet!r}): no {missing} column found "
                f"(found {found or 'no amount columns'}).",
                f"Add a {missing} column, or name it in realisasi.toml [[layout]] columns.",
            )
        raise NoTableError(
            f"{path}: no realization table found in {len(grids)} sheet(s).",
            "Expected a header with e.g. 'Pagu/Anggaran' and 'Realisasi'; "
            "run 'realisasi inspect' to see what was read, or set [[layout]] in realisasi.toml.",
        )
    results: list[SheetResult] = []
    multi = len(usable) > 1
    source = first_source
    for grid, layout in layouts:
        if layout is None or (grid, layout) not in usable:
            results.append(
                SheetResult(
                    path,
                    grid.sheet,
                    layout,
                    None,
                    None,
                    None,
                    note="no realization table",
                )
            )
            continue
        year = layout.context.year
        as_of, as_of_source = (
            (as_of_override, "--as-of")
            if as_of_override
            else _as_of(
                layout,
                path,
                grid.sheet,
                year,
            )
        )
        fallback = grid.sheet if multi else path.stem
        facts = normalize(layout, source, fallback, as_of, year or (as_of.year if as_of else None))
        has_unit = any(c.role in ("unit", "unit_code", "unit_name") for c in layout.columns)
        if not has_unit and layout.context.unit_name is None:
            facts.warnings.insert(
                0,
                Warning_(
                    str(path),
                    grid.sheet,
                    None,
                    f"nothing names the unit of this {'sheet' if multi else 'file'}; "
                    f"it is called {fallback!r} after the {'sheet' if multi else 'file'} name",
                ),
            )
        results.append(SheetResult(path, grid.sheet, layout, facts, as_of, as_of_source))
        source += 1
    return results


def _apply_column_override(layout: Layout, columns: dict[str, str]) -> None:
    """Give the columns named in realisasi.toml their role, whatever detection thought."""
    wanted = {str(v).strip().lower(): role for role, v in columns.items()}
    role_names = {
        "unit": "unit_name",
        "code": "unit_code",
        "budget": "budget",
        "realized": "realized",
        "account": "account",
    }
    for column in layout.columns:
        header = column.header.strip().lower()
        last = header.split(" / ")[-1]
        role = wanted.get(header) or wanted.get(last)
        if role:
            column.role = role_names.get(role, role)
            column.variant = None
            column.group_total = False
