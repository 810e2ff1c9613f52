"""What every report command does first: read the inputs and settle config, language and options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli import messages
from realisasi_cli.cli import startup
from realisasi_cli.cli.handler import state
from realisasi_cli.cli.options import Lang, check_category, parse_date
from realisasi_cli.cli.output import reading_progress, same_file
from realisasi_cli.errors import RealisasiError, UsageError

if TYPE_CHECKING:
    import polars as pl

    from realisasi_cli.config import Config
    from realisasi_cli.facts.cache import FactsCache
    from realisasi_cli.facts.parallel import Cluster
    from realisasi_cli.facts.schema import Dataset
    from realisasi_cli.facts.units import UnitEntry
    from realisasi_cli.metrics.units import RankOptions


@dataclass
class Prepared:
    """The inputs read, with the settings every report command needs."""

    dataset: Dataset
    config: Config
    language: str
    options: RankOptions
    previous: Dataset | None
    plan: Dataset | None = None  # --plan: cash plans giving units their own targets
    last_year: Dataset | None = None  # --last-year: the previous fiscal year's exports
    units: list[UnitEntry] = field(default_factory=list)  # --units: the government's units

    @property
    def expected(self) -> pl.DataFrame | None:
        """The units listed with --units (code, name), who should have reported; None without."""
        if not self.units:
            return None
        from realisasi_cli.metrics.reporting import expected_units

        return expected_units((e.code, e.name) for e in self.units)


def use_language(lang: Lang | None) -> None:
    """A command's own ``--lang``: the messages from here on are in it."""
    if lang is not None:
        state.lang = lang.value
        messages.use(lang.value)


def read_inputs(
    inputs: list[Path],
    as_of: str | None,
    strict: bool,
    quiet: bool = False,
    beside: Callable[[Config], None] | None = None,
    explain: bool = False,
    revenue: bool = False,
    cluster: Cluster | None = None,
) -> tuple[Dataset, Config]:
    """Read the inputs with the configuration's layouts; ``beside(config)`` runs beside the parse.

    The files are read on every core (``REALISASI_JOBS`` processes, if set), or on ``cluster``;
    the worker processes for a folder start before this one imports Polars and the readers."""
    from realisasi_cli.config import load_config
    from realisasi_cli.facts.jobs import file_jobs
    from realisasi_cli.facts.parallel import jobs_wanted, share_cores, steady_heap, worker_pool
    from realisasi_cli.inputs.discover import LeftOut, expand_inputs
    from realisasi_cli.present.words import language

    steady_heap()  # before the workers start: a forked one keeps it
    config = load_config(state.config)
    messages.use(language(state.lang, config.lang))
    left_out: list[LeftOut] = []
    files = expand_inputs(inputs, left_out)
    date_given = parse_date("--as-of", as_of)
    cache = facts_cache()
    workers = cluster.threads if cluster is not None else jobs_wanted()
    unread = 0
    if cluster is None and workers > 1:
        layouts = config.layout_for
        jobs = file_jobs(files, as_of=date_given, overrides=layouts, explain=explain, revenue=revenue)
        unread = sum(not cache.holds(job) for job in jobs) if cache is not None else len(jobs)
    with worker_pool(unread, workers) as pool, reading_progress(files, quiet) as tick:
        if pool is not None:
            share_cores(files)
        from realisasi_cli.facts.load import load

        idle = startup.Beside(startup.imports(*startup.PIPELINE))
        if beside is not None:
            idle.add(lambda: beside(config))
        dataset = load(
            files,
            as_of=date_given,
            strict=strict,
            overrides=config.layout_for,
            progress=tick,
            left_out=left_out,
            idle=idle,
            explain=explain,
            revenue=revenue,
            workers=workers,
            executor=cluster.executor if cluster is not None else None,
            cache=cache,
            pool=pool,
        )
    return dataset, config


def facts_cache() -> FactsCache | None:
    """The facts kept from earlier runs (``facts.cache``), unless ``--no-cache`` or
    ``REALISASI_CACHE=off`` says to read every file afresh."""
    from realisasi_cli.facts.cache import FactsCache

    return None if state.no_cache else FactsCache.default()


def refusal(inputs: list[Path], dataset: Dataset, config: Config) -> RealisasiError | None:
    """Why ``rank`` could not use these inputs (for ``inspect``, which read them to explain them);
    None when it could."""
    if dataset.budget.height and dataset.realization.height:
        return None
    from realisasi_cli.facts.load import load
    from realisasi_cli.inputs.discover import expand_inputs

    try:
        load(expand_inputs(inputs, []), overrides=config.layout_for, cache=facts_cache())
    except RealisasiError as exc:
        return exc
    return None


def _plans_among(dataset: Dataset) -> Dataset | None:
    """The cash plans that sit among the inputs (left out of the ranking), read as plans: each
    unit they match gets its own targets, as with --plan."""
    from realisasi_cli.facts.load import load
    from realisasi_cli.facts.schema import Warning_
    from realisasi_cli.messages import Message, some_of

    files = sorted({s.file for s in dataset.sheets if s.kind == "plan" and not s.used}, key=str)
    if not files:
        return None
    try:
        plans = load(list(files), plan=True, cache=facts_cache())
    except RealisasiError:
        return None  # the notice that it was left out stands
    named = {str(f) for f in files}
    dataset.warnings = [
        w
        for w in dataset.warnings
        if not (w.file in named and w.code == "W-LEFT-OUT" and w.params["kind"] == Message("K-plan"))
    ]
    if len(files) == 1:
        dataset.warnings.append(Warning_(str(files[0]), None, None, "W-PLAN-AMONG-INPUTS"))
    else:  # a folder of uploads with each unit's anggaran kas beside it: one line, not one per plan
        names = some_of([f.name for f in files], limit=3)
        dataset.warnings.append(
            Warning_("", None, None, "W-PLANS-AMONG-INPUTS", {"n": len(files), "names": names})
        )
    return plans


def prepare(
    inputs: list[Path],
    *,
    as_of: str | None,
    strict: bool,
    quiet: bool,
    lang: Lang | None,
    category: str | None = None,
    threshold: float | None = None,
    rollup: bool = False,
    previous: Path | None = None,
    table: bool = False,
    units: Path | None = None,
    plan: Path | None = None,
    last_year: Path | None = None,
    revenue: bool = False,
) -> Prepared:
    """Check the category, read the inputs (and --previous), and settle language and options.

    While the first workbook is parsed, the reports' modules are imported and, for a
    ``table``, what printing it needs.
    """
    from realisasi_cli.inputs.discover import check_readable
    from realisasi_cli.present.words import language

    use_language(lang)
    for given in (previous, plan, units, last_year):
        if given is not None:
            check_readable(given)  # a pipe or a device would never end
    check_category(category)
    if revenue and category is not None:
        raise UsageError("E-PENDAPATAN-CATEGORY", value=category)
    from realisasi_cli.present.words import use_domain

    use_domain("pendapatan" if revenue else "belanja")

    def beside(config: Config) -> None:
        startup.imports(*startup.REPORTS)()
        if table:
            startup.ready_table()

    dataset, config = read_inputs(inputs, as_of, strict, quiet, beside=beside, revenue=revenue)
    from realisasi_cli.facts.load import load
    from realisasi_cli.facts.units import aliases_of, apply_units, read_units
    from realisasi_cli.metrics.units import RankOptions

    listed = read_units(units) if units is not None else []
    options = RankOptions(
        category=category,
        threshold=threshold if threshold is not None else config.threshold,
        aliases={**config.units, **aliases_of(listed)},
        rollup=rollup,
        domain="pendapatan" if revenue else "belanja",
    )
    if previous is not None:
        _refuse_previous_among(previous, inputs)
    earlier = (
        load([previous], strict=strict, overrides=config.layout_for, revenue=revenue, cache=facts_cache())
        if previous is not None
        else None
    )
    if listed:
        dataset = apply_units(dataset, listed)
        earlier = apply_units(earlier, listed) if earlier is not None else None
    # cash plans are of belanja: pendapatan is measured against its own target
    plans = (
        None
        if revenue
        else load([plan], strict=strict, plan=True, cache=facts_cache())
        if plan is not None
        else _plans_among(dataset)
    )
    if plans is not None:  # a plan among the inputs was read twice: its warnings are said once
        said = {(w.file, w.sheet, w.row, w.code, repr(w.params)) for w in dataset.warnings}
        dataset.warnings.extend(
            w for w in plans.warnings if (w.file, w.sheet, w.row, w.code, repr(w.params)) not in said
        )
    before = None
    if last_year is not None:
        from realisasi_cli.facts.parallel import jobs_wanted
        from realisasi_cli.inputs.discover import expand_inputs

        before = load(
            expand_inputs([last_year], []),
            strict=strict,
            overrides=config.layout_for,
            revenue=revenue,
            workers=jobs_wanted(),
            cache=facts_cache(),
        )
        before = apply_units(before, listed) if listed else before
    chosen = language(state.lang, config.lang)
    return Prepared(dataset, config, chosen, options, earlier, plans, before, listed)


def _refuse_previous_among(previous: Path, inputs: list[Path]) -> None:
    """``--previous`` is the snapshot before the inputs: given as one of them too, it would be
    compared with itself, every change 0,0 pp. (Inside a folder given it is fine: the folder's
    newer exports are what it is compared with.)"""
    if any(same_file(previous, p) for p in inputs):
        raise UsageError("E-PREVIOUS-IS-INPUT", path=previous)
