"""The inputs together: every file read, detected and normalized into one ``Dataset`` of facts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from realisasi_cli import frames as fr
from realisasi_cli.dates import stamp_in_name, year_in_name
from realisasi_cli.errors import (
    InputError,
    MissingColumnError,
    NoTableError,
    RealisasiError,
    UnreadableWorkbookError,
)
from realisasi_cli.facts.jobs import FileJob, file_jobs
from realisasi_cli.facts.parallel import Pool, map_in_order
from realisasi_cli.facts.schema import (
    BUDGET_SCHEMA,
    PHYSICAL_SCHEMA,
    PLAN_SCHEMA,
    REALIZATION_SCHEMA,
    SOURCES_SCHEMA,
    Dataset,
    Facts,
    SheetResult,
    Warning_,
)
from realisasi_cli.inputs.discover import LeftOut, expand_inputs
from realisasi_cli.messages import Lines, Message, readable_name
from realisasi_cli.reading import read_grids

if TYPE_CHECKING:
    from realisasi_cli.detect.layout import Layout
    from realisasi_cli.facts.cache import FactsCache
    from realisasi_cli.reading.grid import Grid

_SCHEMAS = {
    "budget": BUDGET_SCHEMA,
    "realization": REALIZATION_SCHEMA,
    "plan": PLAN_SCHEMA,
    "physical": PHYSICAL_SCHEMA,
    "last_year": REALIZATION_SCHEMA,
}
# Sheets of these kinds are not ranked; each is named in a warning.
LEFT_OUT = ("derived", "plan", "template", "pendapatan", "belanja")


def data_date(layout: Layout, file: Path, sheet: str, year: int | None) -> tuple[date | None, str | None]:
    """The date a sheet's data stands at, and where it was read: title, header, sheet or file name."""
    from realisasi_cli.dates import (
        as_of_in,
        month_end,
        month_in_name,
        numeric_date_in_name,
        short_date_in_name,
        year_in,
        year_in_name,
    )
    from realisasi_cli.facts.slots import latest_to_date, months_of, through

    ctx = layout.context
    if ctx.as_of is not None:
        return ctx.as_of, ctx.as_of_source
    for column in layout.columns:
        if column.role == "realized":
            found = as_of_in(column.header)
            if found:
                return found, "header"
    # realizations to date month by month: the latest filled in ("s.d. September"), in its year
    to_date = [c for c in layout.columns if c.role == "realized" and c.variant == "cumulative"]
    latest = latest_to_date(to_date, layout)
    if latest is not None and year is not None:
        return month_end(year, latest[1]), "header"
    if len(to_date) == 1 and year is not None and (month := through(to_date[0])) is not None:
        # "Realisasi s.d. Triwulan III" under TAHUN 2024; "s.d. Triwulan II" beside the one
        # "Triwulan III" added to it: through September
        flows = [c for c in layout.columns if c.role == "realized" and c.period]
        if len(flows) == 1 and months_of(flows[0])[0] == month + 1:
            month = months_of(flows[0])[1]
        return month_end(year, month), "header"
    if ctx.month_to is not None and year is not None:  # "s.d. Bulan Agustus" under TAHUN 2024
        return month_end(year, ctx.month_to), "title"
    # a text file's one sheet is named after the file: its date is the file name's
    names = (
        [(file.stem, "file name")]
        if sheet == file.stem
        else [(sheet, "sheet name"), (file.stem, "file name")]
    )
    for name, where in names:
        spaced = name.replace("_", " ").replace("-", " ")
        found = as_of_in(spaced) or numeric_date_in_name(name) or short_date_in_name(spaced)
        if found:
            return found, where
        month = month_in_name(name)
        name_year = year or year_in_name(name) or year_in(spaced)
        if month and name_year:
            return month_end(name_year, month), where
    if ctx.part_end is not None:  # TRIWULAN III TAHUN 2024, where nothing else dates it
        return ctx.part_end, "title"
    return None, None


_COPY_NAME = re.compile(
    r"\(\d+\)$|[ _-](copy|salinan|kopi)( \(\d+\))?$|^(copy of|salinan( dari)?|kopi(an)? dari) ", re.I
)


def _named_like_a_copy(file: str) -> bool:
    """Whether a file's name says it is a copy: ``lra (1)``, ``lra - Copy``, ``lra - Salinan``,
    ``Copy of lra``, ``Salinan lra``, ``Salinan dari lra``."""
    return bool(_COPY_NAME.search(Path(file).stem.strip()))


_REVISED_NAME = re.compile(
    r"(?:^|[\s_.()\[\]-])(revisi|rev|perbaikan|pembetulan|koreksi|final|terbaru|update)(?:\d*)(?=$|[\s_.()\[\]-])",
    re.I,
)


_NOT_YET = re.compile(r"(?:^|[\s_.()\[\]-])(sebelum|belum|tidak|bukan|pra|draft|draf)[\s_.()\[\]-]*$", re.I)


def _named_as_revised(path: Path) -> bool:
    """Whether a file's name says it revises another of its date: ``LRA Okt revisi``, ``LRA_rev2``,
    ``LRA (perbaikan)``, ``LRA final``; not ``LRA (sebelum revisi)`` nor ``LRA belum final``."""
    stem = path.stem
    return any(not _NOT_YET.search(stem[: m.start(1)]) for m in _REVISED_NAME.finditer(stem))


FACT_TABLES = ("budget", "realization", "plan", "physical", "last_year")  # the frames of ``Facts``


@dataclass
class _Collected:
    """What the sheets of every input gave, before it becomes one dataset."""

    sources: list[dict[str, object]] = field(default_factory=list)
    # each source's fiscal year: its data date's, else the one its title or names state
    years: dict[object, int | None] = field(default_factory=dict)
    # each sheet's facts under its source number; the number is written into them when joined
    frames: dict[str, list[tuple[int, pl.DataFrame]]] = field(
        default_factory=lambda: {name: [] for name in FACT_TABLES}
    )
    sheets: list[SheetResult] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    skipped: list[tuple[Path, Message]] = field(default_factory=list)
    errors: list[RealisasiError] = field(default_factory=list)

    def add(self, path: Path, order: int, result: SheetResult) -> None:
        """One sheet's facts, under a new source number."""
        self.sheets.append(result)
        if not result.used and result.kind in LEFT_OUT:
            left_out: dict[str, object] = {"kind": Message(f"K-{result.kind}"), "reason": result.reason}
            self.warnings.append(Warning_(str(path), result.sheet, None, "W-LEFT-OUT", left_out))
        elif result.layout is not None and result.facts is None and result.note is not None:
            # a table that could not be read, beside sheets that could: said, not dropped unseen
            self.warnings.append(
                Warning_(str(path), result.sheet, None, "W-SHEET-NOT-READ", {"reason": result.note})
            )
        if result.facts is None or not result.used:
            return
        source = len(self.sources)
        self.sources.append(
            {
                "source": source,
                "file": str(path),
                "sheet": result.sheet,
                "as_of": result.as_of,
                "order": order,
                "precision": result.facts.precision,
                "scale": result.facts.scale,
            }
        )
        self.years[source] = result.year
        facts = result.facts
        for name in FACT_TABLES:
            frame = getattr(facts, name)
            if frame.height:  # an empty one adds nothing (the dataset has the schema without it)
                self.frames[name].append((source, frame))
        self.warnings.extend(facts.warnings)

    def drop_duplicate_files(self) -> None:
        """A file whose facts equal, to the row, those of an earlier file of the same date (a copy
        uploaded twice, ``lra (1).xlsx``) is left out, with a warning."""
        if len({row["file"] for row in self.sources}) < 2:
            return
        # equal facts have equal dates and row counts: where no two sources share them (a year
        # of weekly snapshots, each of its own date), no row is hashed
        shapes: dict[object, list[tuple[str, int]]] = {}
        for name in ("budget", "realization"):
            for source, frame in self.frames[name]:
                shapes.setdefault(source, []).append((name, frame.height))

        def shape(row: dict[str, object]) -> tuple[object, ...]:
            return (row["as_of"], tuple(shapes.get(row["source"], ())))

        alike = Counter(shape(row) for row in self.sources)
        if max(alike.values()) < 2:
            return
        # only the sources that share a date and row counts with another are hashed
        candidates = {row["source"] for row in self.sources if alike[shape(row)] > 1}
        prints: dict[tuple[object, ...], dict[str, object]] = {}
        dropped: set[object] = set()
        fingerprints = {
            name: self._joined(name, candidates)
            .with_columns(h=pl.struct(pl.exclude("source", "file", "sheet", "row")).hash())
            .group_by("source")
            .agg(pl.col("h").sum(), pl.len())
            for name in ("budget", "realization")
            if self.frames[name]
        }
        by_source: dict[object, list[object]] = {}
        for frame in fingerprints.values():
            for source, h, n in frame.iter_rows():
                by_source.setdefault(source, []).extend([h, n])
        # of two equal files the one named like a copy ("lra (1).xlsx", "lra - Copy.xlsx") goes
        for row in sorted(self.sources, key=lambda r: (_named_like_a_copy(str(r["file"])), r["order"])):
            key = (row["as_of"], *by_source.get(row["source"], []))
            first = prints.setdefault(key, row)
            if first is not row and first["file"] != row["file"] and by_source.get(row["source"]):
                dropped.add(row["source"])
                self.warnings.append(
                    Warning_(
                        str(row["file"]),
                        str(row["sheet"]),
                        None,
                        "W-DUPLICATE-FILE",
                        {"other": Path(str(first["file"])).name},
                    )
                )
        if dropped:
            self._keep({row["source"] for row in self.sources if row["source"] not in dropped})

    def keep_latest_year(self) -> None:
        """A folder that mixes fiscal years: keep the latest, with a warning. A source without a
        data date counts by the year its title or names state (``LRA TA 2023.xlsx``), but decides
        the latest year only where no source has a date (next year's "Pagu Indikatif TA 2025"
        beside this year's LRA is left out, not the LRA), and is kept where leaving it out would
        leave the rest without budget or realization."""
        dated = [(row, self.years.get(row["source"])) for row in self.sources]
        years = {year for _row, year in dated if year is not None}
        if len(years) < 2:
            return
        own = {row["as_of"].year for row in self.sources if isinstance(row["as_of"], date)}
        latest = max(own or years)
        dropped = [row for row, year in dated if year is not None and year != latest]
        undated = {row["source"] for row in dropped if not isinstance(row["as_of"], date)}
        kept = {row["source"] for row in self.sources} - {row["source"] for row in dropped}
        if undated and not all(any(s in kept for s, _f in self.frames[n]) for n in ("budget", "realization")):
            dropped = [row for row in dropped if row["source"] not in undated]
            if not dropped:
                return
        self.warnings.append(
            Warning_(
                str(dropped[0]["file"]),
                None,
                None,
                "W-MIXED-YEARS",
                {"years": [str(y) for y in sorted(years)], "latest": str(latest), "n": len(dropped)},
            )
        )
        self._keep({row["source"] for row in self.sources} - {row["source"] for row in dropped})

    def _keep(self, sources: set[object]) -> None:
        """Only the facts of these sources stay."""
        self.sources = [row for row in self.sources if row["source"] in sources]
        self.frames = {
            name: [(source, frame) for source, frame in pairs if source in sources]
            for name, pairs in self.frames.items()
        }

    def _joined(self, name: str, sources: set[object] | None = None) -> pl.DataFrame:
        """The facts of ``name`` (of ``sources`` only, if given) one under the other, each row with
        its source's number (written once for all sheets: a column per sheet would cost a Polars
        operation each)."""
        pairs = [p for p in self.frames[name] if sources is None or p[0] in sources]
        frame = fr.concat([f for _source, f in pairs], _SCHEMAS[name])
        if not pairs:
            return frame
        runs = pl.DataFrame(
            {"source": [s for s, _f in pairs], "n": [f.height for _s, f in pairs]},
            schema={"source": pl.Int32, "n": pl.UInt32},
        )
        source = runs.select(pl.col("source").repeat_by("n")).explode("source").to_series()
        return frame.with_columns(source)

    def dataset(self) -> Dataset:
        """The collected facts as one dataset, with the units a source names otherwise than
        the others, where their figures tell which they are, named as the others name them."""
        from realisasi_cli.facts.figures import named_by_figures, rename

        tables = {name: self._joined(name) for name in self.frames}
        sources = pl.DataFrame(self.sources, schema=SOURCES_SCHEMA)
        renamed, said = named_by_figures(tables["budget"], tables["realization"], sources)
        if renamed is not None:
            tables = {name: rename(frame, renamed) for name, frame in tables.items()}
        return Dataset(
            budget=tables["budget"],
            realization=tables["realization"],
            plan=tables["plan"],
            physical=tables["physical"],
            sources=sources,
            sheets=self.sheets,
            warnings=[*self.warnings, *said],
            skipped_files=self.skipped,
            last_year=tables["last_year"],
        )


def load(
    paths: list[Path],
    *,
    as_of: date | None = None,
    strict: bool = False,
    overrides: Callable[[Path], dict[str, object]] | None = None,
    progress: Callable[[Path], None] | None = None,
    plan: bool = False,
    left_out: Sequence[LeftOut] = (),
    idle: Callable[[], None] | None = None,
    explain: bool = False,
    revenue: bool = False,
    workers: int = 1,
    executor: Executor | None = None,
    cache: FactsCache | None = None,
    pool: Pool | None = None,
) -> Dataset:
    """Read every input; skip unusable files with a warning, fail only when none can be used.

    With ``plan``, the inputs are cash plans (anggaran kas / RAK): sheets with monthly planned
    amounts are used, whether or not they also carry realization. ``left_out`` is what the
    caller's ``expand_inputs`` left out of ``paths`` (each said in a warning); ``idle``
    runs beside the first workbook's parse. With ``explain`` (``inspect``), nothing that can
    be described is refused: every sheet comes back with its kind, used or not. With
    ``revenue`` (``--pendapatan``), the facts are the pendapatan lines (account 4), not belanja.
    Files are read by ``workers`` processes (this one among them; more than one starts Python
    processes, so a script calling this needs the ``if __name__ == "__main__":`` guard), or by
    the workers behind ``executor`` (a Dask cluster's), or by this one and ``pool``'s (started
    ahead by ``parallel.worker_pool``); the dataset is the same either way.
    With a ``cache``, a file read before with the same bytes and options is not read again.
    """
    left_out = list(left_out)
    files = expand_inputs(paths, left_out)
    collected = _Collected(warnings=[Warning_(str(note.path), None, None, note.code) for note in left_out])
    jobs = file_jobs(files, as_of=as_of, overrides=overrides, plan=plan, explain=explain, revenue=revenue)
    outcomes = _read_files(jobs, cache, idle, workers, progress, executor, pool)
    # subfolders and archives of exports not read: named when nothing else can be used
    unread = [note for note in left_out if note.code != "W-OWN-OUTPUT"]
    # of sources of one date, the later is used: a file named as a revision ("… revisi.xlsx")
    # comes after the others, then each in its name's order
    later = sorted(range(len(files)), key=lambda i: (_named_as_revised(files[i]), i))
    rank = {index: position for position, index in enumerate(later)}
    for index, (path, outcome) in enumerate(zip(files, outcomes, strict=True)):
        order = rank[index]
        if isinstance(outcome, InputError):
            if strict or (len(files) == 1 and not unread):
                raise outcome
            collected.errors.append(outcome)
            collected.skipped.append((path, outcome.detail))
            collected.warnings.append(
                Warning_(readable_name(str(path)), None, None, "W-SKIPPED", {"reason": outcome.detail})
            )
            continue
        for result in outcome:
            collected.add(path, order, result)
    if not collected.sources and not explain:
        if revenue and not collected.errors:
            raise NoTableError("E-NO-REVENUE-ANY", "H-REVENUE")
        plans = sorted({s.file.name for s in collected.sheets if s.kind == "plan"})
        if plans and not collected.errors:
            raise MissingColumnError("E-ONLY-PLANS", "H-GIVE-PLAN", n=len(plans), names=plans[:3])
        raise _nothing_usable(collected.errors, unread)
    collected.drop_duplicate_files()
    collected.keep_latest_year()
    if not plan and not explain:
        _require_both(collected.frames["budget"], collected.frames["realization"], collected.sheets)
    return collected.dataset()


def _read_files(
    jobs: list[FileJob],
    cache: FactsCache | None,
    idle: Callable[[], None] | None,
    workers: int,
    progress: Callable[[Path], None] | None,
    executor: Executor | None,
    pool: Pool | None = None,
) -> list[list[SheetResult] | InputError]:
    """Each job's results in the jobs' order: from ``cache`` where it has them, else read (and kept)."""
    outcomes: list[list[SheetResult] | InputError | None] = [None] * len(jobs)
    keys: list[str | None] = [None] * len(jobs)
    if cache is not None:
        for i, job in enumerate(jobs):
            keys[i] = key = cache.key(job)
            outcomes[i] = kept = cache.get(key) if key is not None else None
            if kept is not None and progress is not None:
                progress(job.path)
    todo = [i for i, outcome in enumerate(outcomes) if outcome is None]
    # a cluster's workers keep nothing: the cache is this machine's
    here = cache if executor is None else None
    read = map_in_order(
        _read_and_keep,
        [_Miss(jobs[i], here, keys[i]) for i in todo],
        local=lambda miss: _read_and_keep(miss, idle),
        workers=workers,
        done=(lambda miss: progress(miss.job.path)) if progress else None,
        executor=executor,
        pool=pool,
    )
    kept_any = False
    for i, outcome in zip(todo, read, strict=True):
        outcomes[i] = outcome
        key = keys[i]
        if cache is not None and key is not None and not isinstance(outcome, InputError):
            if here is None:
                cache.put(key, outcome)
            kept_any = True
    if cache is not None and kept_any:
        cache.prune()
    complete = [outcome for outcome in outcomes if outcome is not None]
    assert len(complete) == len(jobs)
    return complete


@dataclass(frozen=True)
class _Miss:
    """A file no entry of the cache holds, with where to keep what it says."""

    job: FileJob
    cache: FactsCache | None
    key: str | None


def _read_and_keep(miss: _Miss, idle: Callable[[], None] | None = None) -> list[SheetResult] | InputError:
    """``read_file``, its results kept by the process that read them: keeping a big file's facts
    (a pickle and a checksum, ~10 ms for 10,000 line items) is spread over the processes, not
    left to this one."""
    outcome = read_file(miss.job, idle)
    if miss.cache is not None and miss.key is not None and not isinstance(outcome, InputError):
        miss.cache.put(miss.key, outcome)
    return outcome


def _nothing_usable(errors: list[RealisasiError], unread: Sequence[LeftOut] = ()) -> RealisasiError:
    """The error when no input gave facts: the one error, or all of them, with the subfolders
    and archives of exports that were not read (where the data may well be)."""
    if len(errors) == 1 and not unread:
        return errors[0]
    if errors or unread:
        problems = [e.detail for e in errors]
        problems += [Message("N-PATH-NOTE", {"path": n.path, "note": Message(n.code)}) for n in unread]
        return NoTableError("E-INPUTS-UNUSABLE", problems=Lines(problems))
    return NoTableError("E-NO-INPUT-TABLE")


def read_file(job: FileJob, idle: Callable[[], None] | None = None) -> list[SheetResult] | InputError:
    """One file's sheets and facts, or why it cannot be used: a pure function of the file and the job.

    The sheets' grids are let go (each layout keeps its grid's name and flags, not its cells):
    what comes back is the facts, small enough to send between processes and to keep for a
    folder of thousands of files.
    """
    try:
        results = _load_file(
            job.path,
            job.as_of,
            job.override,
            plan=job.plan,
            partial=job.partial,
            idle=idle,
            explain=job.explain,
            revenue=job.revenue,
        )
    except InputError as exc:
        return exc
    for result in results:
        if result.layout is not None:
            result.layout.grid = result.layout.grid.released()
    return results


def _require_both(
    budgets: list[tuple[int, pl.DataFrame]],
    realizations: list[tuple[int, pl.DataFrame]],
    sheets: list[SheetResult],
) -> None:
    """Several inputs may each lack one side, but together they need budgets and realization."""
    has_budget = any(frame.height for _source, frame in budgets)
    has_realized = any(frame.height for _source, frame in realizations)
    if has_budget and has_realized:
        return
    missing = Message("T-realized" if has_budget else "T-budget")
    # what each file is instead: budget only, a template without data rows, …
    said: dict[str, Message] = {}
    for s in sorted((s for s in sheets if s.facts is not None), key=lambda s: s.file.name):
        kind = Message(f"K-{s.kind}") if s.kind else Message("K-data")
        note = Message("N-KIND-REASON", {"kind": kind, "reason": s.reason}) if s.reason else kind
        said.setdefault(s.file.name, Message("N-PATH-NOTE", {"path": s.file.name, "note": note}))
    raise MissingColumnError("E-NO-COLUMN", "H-ADD-COLUMN", missing=missing, files=Lines(list(said.values())))


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


def _layouts(grids: list[Grid], path: Path, override: dict[str, object]) -> list[tuple[Grid, Layout | None]]:
    """Each sheet's layout, with what realisasi.toml says of this file (sheet, header row, columns)."""
    from realisasi_cli.detect.sheet import detect

    wanted_sheet = override.get("sheet")
    if wanted_sheet is not None:
        grids = [g for g in grids if g.sheet == wanted_sheet]
        if not grids:
            raise NoTableError("E-LAYOUT-NO-SHEET", path=path, sheet=wanted_sheet)
    header_row = override.get("header_row")
    first = int(header_row) - 1 if isinstance(header_row, int) else None  # realisasi.toml counts from 1
    columns = override.get("columns")
    layouts: list[tuple[Grid, Layout | None]] = []
    for grid in grids:
        layout = detect(grid, header_row=first)
        stacked = _stacked(grid, layout) if layout is not None and columns is None else None
        if stacked is not None:  # two tables side by side: the right one read under the left
            grid = stacked
            layout = detect(grid, header_row=first)
        if layout is not None and isinstance(columns, dict):
            _apply_column_override(layout, {str(k): str(v) for k, v in columns.items()})
        layouts.append((grid, layout))
    return layouts


_NAMING = ("unit", "unit_code", "unit_name")


def _stacked(grid: Grid, layout: Layout) -> Grid | None:
    """A sheet of two tables side by side, as a page laid out to print (units 1–4 in A:E, 5–8 in
    G:K under the same header): the grid with the right table's rows under the left's, and a
    notice that says so. None where the header is not one block of columns twice over, naming
    units and amounts."""
    from dataclasses import replace

    from realisasi_cli.sheetref import column_letter

    columns = sorted(layout.columns, key=lambda c: c.index)
    half = len(columns) // 2
    left, right = columns[:half], columns[half:]
    if (
        half < 3
        or len(columns) % 2
        or [(c.role, c.header) for c in left] != [(c.role, c.header) for c in right]
    ):
        return None
    if not any(c.role in _NAMING for c in left) or not any(c.role in ("budget", "realized") for c in left):
        return None
    shift = right[0].index - left[0].index
    if shift <= left[-1].index - left[0].index or any(
        b.index - a.index != shift for a, b in zip(left, right, strict=True)
    ):
        return None
    frame = grid.frame
    moved = [j for j in range(right[0].index, right[-1].index + 1) if f"c{j}" in frame.columns]
    under = frame.slice(layout.data_start).select(pl.col(f"c{j}").alias(f"c{j - shift}") for j in moved)
    kept = frame.drop([f"c{j}" for j in moved])
    stacked = pl.concat([kept, under], how="diagonal_relaxed")
    notice = {
        "right": f"{column_letter(right[0].index)}–{column_letter(right[-1].index)}",
        "left": f"{column_letter(left[0].index)}–{column_letter(left[-1].index)}",
        "row": frame.height + 1,
    }
    merges = [m for m in grid.merges if m[3] < right[0].index]
    return replace(
        grid, frame=stacked, merges=merges, notices=[*grid.notices, (None, "W-SIDE-BY-SIDE", notice)]
    )


def _text_named_as_workbook(path: Path) -> bool:
    """Whether ``path`` is named as a workbook (.xlsx, .xls, …) but holds plain text, as the
    reading's sniff tells it (an .xls saved as HTML or SpreadsheetML is a workbook)."""
    from realisasi_cli.inputs.limits import HEAD
    from realisasi_cli.inputs.sniff import sniff_kind

    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except OSError:
        return False
    return sniff_kind(head) == "text"


def _refusal(path: Path, layouts: list[tuple[Grid, Layout | None]], plan: bool) -> InputError:
    """Why no sheet of ``path`` can be used, as the error to raise."""
    if plan:
        return MissingColumnError("E-NO-PLAN", "H-PLAN-EXPORT", path=path)
    found_tables = [lay for _g, lay in layouts if lay is not None]
    if not found_tables and _text_named_as_workbook(path):
        # "ini bukan excel" saved as laporan.xlsx: the name is wrong, not the table
        return UnreadableWorkbookError(
            "E-FILE-TYPE",
            "H-SAVE-EXPORT",
            path=path,
            what=Message("F-PLAIN-TEXT"),
            suffix=path.suffix.lower()[1:],
        )
    if not found_tables:
        return NoTableError("E-NO-TABLE-FOUND", "H-EXPECTED-HEADER", path=path, n=len(layouts))
    best = max(found_tables, key=lambda lay: lay.score)
    if best.has_budget and best.has_realized:  # the columns are there, the rows are not
        return NoTableError("E-NO-DATA-ROWS", path=path, sheet=best.grid.sheet)
    found = [
        Message("N-COLUMN-ROLE", {"role": Message(f"T-{c.role}"), "header": c.header})
        for c in best.columns
        if c.role in ("budget", "realized")
    ]
    missing = Message("T-realized" if best.has_budget else "T-budget")
    return MissingColumnError(
        "E-MISSING-COLUMN",
        "H-ADD-MISSING",
        path=path,
        sheet=best.grid.sheet,
        missing=missing,
        found=found or Message("N-NO-AMOUNT-COLUMNS"),
    )


def _period_named(sheet: str) -> bool:
    """Whether a sheet is named after a period (``Jan``, ``s.d Maret``, ``TW II``), not a unit."""
    from realisasi_cli.vocabulary import normalize, period_in_name

    return period_in_name(sheet) is not None and len(normalize(sheet).split()) <= 4


def _file_unit(layouts: list[tuple[Grid, Layout | None]]) -> tuple[str | None, str | None]:
    """The unit one of the file's sheets names above its table (code, name), or in the first rows
    of a sheet without a table (a DPA's cover), if any does."""
    from realisasi_cli.detect.sheet import context_of

    for _grid, layout in layouts:
        if layout is not None and (layout.context.unit_name or layout.context.unit_code):
            return layout.context.unit_code, layout.context.unit_name
    for grid, layout in layouts:
        if layout is None:
            context = context_of(grid)
            if context.unit_name or context.unit_code:
                return context.unit_code, context.unit_name
    return None, None


def _sheet_facts(
    path: Path,
    grid: Grid,
    layout: Layout,
    source: int,
    as_of_override: date | None,
    *,
    several: bool,
    file_unit: tuple[str | None, str | None],
    revenue: bool = False,
    as_of_from: str = "--as-of",
) -> SheetResult:
    """One sheet's facts, dated, its unit named after the sheet or file if nothing names it.

    Month sheets (``Jan`` … ``Desember``) are snapshots of the file's unit, not units.
    """
    from realisasi_cli.facts.kinds import OWN_DATE
    from realisasi_cli.facts.normalize import normalize

    year = layout.context.year
    as_of: date | None
    as_of_source: str | None
    if as_of_override:
        as_of, as_of_source = as_of_override, as_of_from
    else:
        as_of, as_of_source = data_date(layout, path, grid.sheet, year)
    if year is None and as_of is None:
        # month columns place realization in quarters; the year may be only in a name
        year = year_in_name(grid.sheet) or year_in_name(path.stem)
    by_sheet = several and not _period_named(grid.sheet)
    fallback = grid.sheet if by_sheet else path.stem
    context = layout.context
    if context.unit_name is None and context.unit_code is None and not by_sheet:
        context.unit_code, context.unit_name = file_unit
    facts = normalize(
        layout,
        source,
        fallback,
        as_of,
        year or (as_of.year if as_of else None),
        evidence=several,
        revenue=revenue,
    )
    if as_of_override is None and _months_hold_realization(layout):
        measured = any(c.role == "measure" for c in layout.columns)
        facts, as_of, as_of_source = _to_last_month(facts, as_of, as_of_source, measured=measured)
    named = [f.get_column("unit_name") for f in (facts.budget, facts.realization, facts.plan) if f.height]
    # a unit named above the table ("SKPD : 1.01… DINAS PENDIDIKAN") is named, whatever the sheet
    # is called; a code alone leaves the name to the sheet or file, and that is said
    said = context.unit_name is not None
    unnamed = bool(named) and not said and all((names == fallback).all() for names in named)
    if unnamed:
        what = "sheet" if by_sheet else "file"
        facts.warnings.insert(
            0,
            Warning_(
                str(path),
                grid.sheet,
                None,
                "W-UNNAMED",
                {"what": Message(f"T-{what}"), "name": fallback},
            ),
        )
    stamp = stamp_in_name(path.stem)
    # a date the file itself says, which a stamp in its name can contradict; not a plan's year
    dated = as_of is not None and as_of_source in OWN_DATE and not facts.plan.height
    if dated and stamp is not None and as_of is not None and stamp < as_of:
        # SIPD prints the period asked for ("s.d. 31 Desember") whatever the day it is exported
        facts.warnings.append(
            Warning_(
                str(path),
                grid.sheet,
                None,
                "W-DATE-AFTER-STAMP",
                {"day": as_of, "stamp": stamp, "name": path.name, "iso": stamp.isoformat()},
            )
        )
    return SheetResult(path, grid.sheet, layout, facts, as_of, as_of_source, unnamed=unnamed)


def _nameless(facts: Facts) -> None:
    """A cash plan that names no unit is matched to the realization's units later
    (``metrics.plans``): its facts carry no name rather than the file's."""
    facts.warnings = [w for w in facts.warnings if w.code != "W-UNNAMED"]
    nothing = {"unit_code": pl.lit(None, dtype=pl.String), "unit_name": pl.lit(None, dtype=pl.String)}
    facts.plan = facts.plan.with_columns(**nothing)
    facts.realization = facts.realization.with_columns(**nothing)
    facts.budget = facts.budget.with_columns(**nothing)


def _months_hold_realization(layout: Layout) -> bool:
    """Whether the sheet's realization is in month or quarter columns."""
    return any(c.role == "realized" and c.period for c in layout.columns) or (
        any(c.role == "measure" for c in layout.columns)
    )


def _to_last_month(
    facts: Facts, as_of: date | None, source: str | None, *, measured: bool = False
) -> tuple[Facts, date | None, str | None]:
    """Month columns after the last month with any realization are not reported yet: they are
    left out, and the data stands at the end of that month where nothing says a later date."""
    paid = facts.realization.filter(pl.col("realized") != 0)["period_end"].drop_nulls()
    if not paid.len():
        if measured:  # a Realisasi row left at 0 in every month: not filled in, no figure
            facts.realization = facts.realization.clear()
        return facts, as_of, source
    last = paid.max()
    assert isinstance(last, date)
    if as_of is None or as_of < last.replace(day=1):
        as_of, source = last, "the last month with realization"
    cutoff = max(as_of, last)
    facts.realization = facts.realization.filter(
        pl.col("period_start").is_null() | (pl.col("period_start") <= cutoff)
    )
    return facts, as_of, source


def _choose_used(results: list[SheetResult], plan: bool, partial: bool) -> None:
    """Which sheets give facts: realization data (in a folder, budget-only sheets too), or with
    ``plan``, the sheets with planned amounts per month."""
    candidates = [r for r in results if r.layout is not None and r.facts is not None and r.kind != "derived"]
    if plan:
        chosen = [r for r in candidates if _usable(r.layout, plan=True)]
    else:
        chosen = [r for r in candidates if r.kind == "data" and _usable(r.layout, plan=False)]
        if not chosen and partial:
            chosen = [
                r
                for r in candidates
                if r.kind in ("data", "budget") and _usable(r.layout, False, partial=True)
            ]
    for result in chosen:
        result.used = True


def _load_file(
    path: Path,
    as_of_override: date | None,
    override: dict[str, object],
    *,
    plan: bool,
    partial: bool = False,
    idle: Callable[[], None] | None = None,
    explain: bool = False,
    revenue: bool = False,
) -> list[SheetResult]:
    """The sheets of one file, each with its kind, and its facts where it is used.

    Every sheet with a table is normalized; its kind (``facts.kinds``) decides whether its
    facts count. A file of several sheets compares them, to leave copies and summaries out.
    """
    from realisasi_cli.facts.kinds import base_kind, mark_derived

    layouts = _layouts(read_grids(path, idle), path, override)
    several = sum(lay is not None for _g, lay in layouts) > 1
    file_unit = _file_unit(layouts)
    results: list[SheetResult] = []
    errors: list[InputError] = []
    for grid, layout in layouts:
        if layout is None:
            no_table = Message("R-NO-TABLE")
            results.append(SheetResult(path, grid.sheet, None, None, None, None, note=no_table))
            continue
        try:
            result = _sheet_facts(
                path,
                grid,
                layout,
                len(results),
                as_of_override,
                several=several,
                file_unit=file_unit,
                revenue=revenue,
                # the date of a [[layout]] in the config, where --as-of gives none
                as_of_from="[[layout]]" if override.get("as_of") == as_of_override else "--as-of",
            )
        except InputError as exc:
            if not several and not explain:
                raise
            errors.append(exc)
            note = (
                exc.detail
                if exc.hint is None
                else Message("N-WITH-HINT", {"reason": exc.detail, "hint": Message(exc.hint, exc.params)})
            )
            results.append(SheetResult(path, grid.sheet, layout, None, None, None, note=note))
            continue
        result.kind, result.reason = base_kind(result)
        if plan and result.unnamed and result.facts is not None:
            _nameless(result.facts)
        results.append(result)
    if several:
        mark_derived(results)
    _choose_used(results, plan, partial)
    if several and not plan:
        _add_up_jenis_sheets(results)
    if not any(r.used for r in results) and not explain:
        if errors:
            raise errors[0]
        if revenue and not partial:
            raise NoTableError("E-NO-REVENUE", "H-REVENUE", path=path)
        if not partial or not any(r.kind in LEFT_OUT for r in results):
            if not plan and any(r.kind == "plan" for r in results):
                raise MissingColumnError("E-IS-PLAN", "H-GIVE-PLAN", path=path)
            raise _refusal(path, layouts, plan)
    for result in results:
        if result.facts is not None:
            result.facts.evidence = None  # compared; not kept for the rest of the run
    return results


def _add_up_jenis_sheets(results: list[SheetResult]) -> None:
    """Sheets of one date that each hold one jenis belanja, named by the sheet ("Belanja
    Operasi", "Belanja Modal"), with no jenis of their own rows, are parts of one table: their
    facts are added up on the first, each of its sheet's jenis, and the others are not sources
    of their own (one would have been taken for the other's snapshot, the units' figures of one
    jenis only)."""
    from realisasi_cli import vocabulary as vocab

    parts: list[tuple[SheetResult, str]] = []
    for result in results:
        if result.used and result.facts is not None and result.kind == "data":
            jenis = vocab.category_of(vocab.normalize(result.sheet))
            given = result.facts.budget.get_column("category").drop_nulls().unique().to_list()
            if jenis is not None and set(given) <= {jenis}:
                parts.append((result, jenis))
    jenis_named = {jenis for _r, jenis in parts}
    dates = {result.as_of for result, _j in parts}
    if len(parts) < 2 or len(jenis_named) < len(parts) or len(dates) > 1:
        return
    first = parts[0][0]
    facts = first.facts
    assert facts is not None
    tables: dict[str, list[pl.DataFrame]] = {name: [] for name in FACT_TABLES}
    for result, jenis in parts:
        own = result.facts
        assert own is not None
        for name, frames in tables.items():
            frame = getattr(own, name)
            if "category" in frame.columns:
                frame = fr.with_columns(frame, category=pl.coalesce("category", pl.lit(jenis)))
            frames.append(frame)
        if result is not first:
            facts.warnings += own.warnings
            facts.rows_used += own.rows_used
            for reason, n in own.rows_skipped.items():
                facts.rows_skipped[reason] = facts.rows_skipped.get(reason, 0) + n
            facts.precision, facts.scale = max(facts.precision, own.precision), max(facts.scale, own.scale)
            result.used = False
            result.reason = Message("R-JENIS-PART", {"sheet": first.sheet})
    for name, frames in tables.items():
        setattr(facts, name, pl.concat([f for f in frames if f.height] or frames[:1], how="vertical_relaxed"))


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
