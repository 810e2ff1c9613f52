"""Files read on every core, or on a Dask cluster: results in the files' order, work in flight bounded.

Reading a file (gate, calamine, detection, normalization) holds Python's lock for most of its
time, so threads do not add a core; processes do. This process reads files too, so no core
waits while a worker starts (each imports Polars and the readers: ~0.2 s forked on Linux
before this process loads Polars, ~0.3 s as a new interpreter elsewhere): the workers get
files only once they are ready, and a folder too small to wait for them is read here alone.
A command that knows early that it will read a folder starts the workers then
(``worker_pool``), while this process still imports Polars and the readers: the two starts
overlap on two cores. At most ``IN_FLIGHT`` files per worker are handed out at a time, and
each comes back reduced to its facts, so a folder of 200 files never holds 200 grids.

This module imports nothing heavy: a worker process imports it first, to start with one
Polars thread before Polars is loaded; so does this process beside its workers, for a folder
of small files (``share_cores``).
"""

from __future__ import annotations

import functools
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from realisasi_cli.errors import UsageError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT = 2  # files handed to each worker at a time: one read, one waiting
# below this many files a folder is read in this process alone: a worker would be ready after
# the last of them (measured: 0.4–0.5 s to start, ~10 ms per small export)
MIN_FILES = 8


def cores() -> int:
    """The processors this process may run on (a CPU affinity counts, where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def jobs_wanted(environ: dict[str, str] | None = None) -> int:
    """How many processes read files: ``REALISASI_JOBS`` if set (1 reads in this process alone),
    else one per core."""
    value = (environ if environ is not None else os.environ).get("REALISASI_JOBS", "").strip()
    if not value:
        return cores()
    if not value.isdigit() or int(value) < 1:
        raise UsageError("E-JOBS", "H-JOBS", value=value)
    return int(value)


@dataclass(frozen=True)
class Cluster:
    """A Dask cluster's workers as an executor, and how many files they read at once."""

    executor: Executor
    threads: int


@contextmanager
def dask_cluster(address: str, timeout: float = 10.0) -> Iterator[Cluster]:
    """The Dask scheduler at ``address`` (``tcp://host:8786``) as a ``Cluster``, closed afterwards.

    Its workers need this package installed and the files at the paths given.
    """
    import importlib

    try:
        # imported by name: the extra may be absent, and its Client is untyped
        distributed: Any = importlib.import_module("distributed")
    except ImportError as exc:
        raise UsageError("E-DASK-MISSING", "H-DASK-INSTALL") from exc
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise UsageError("E-SCHEDULER-UNREACHABLE", "H-SCHEDULER", address=address, reason=reason) from exc
    try:
        threads = sum(client.nthreads().values())
        yield Cluster(client.get_executor(pure=False), max(threads, 1))
    finally:
        client.close()


def _one_polars_thread() -> None:
    """Polars on one thread in this process, unless ``POLARS_MAX_THREADS`` says otherwise (only
    before Polars is imported: its pool is made once)."""
    os.environ.setdefault("POLARS_MAX_THREADS", "1")


# glibc's mallopt parameters: blocks below this many bytes come from the heap, not their own
# mapping, and the heap gives back to the system only what lies free above the other
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MAPPED_FROM = 32 << 20
_TRIMMED_FROM = 64 << 20


@functools.cache
def steady_heap() -> None:
    """On Linux, the blocks a reading allocates and frees by the thousand (a sheet's cells, a
    file's facts pickled between processes: a few megabytes each) are reused from the heap,
    not mapped and unmapped every time: glibc maps anything above 128 KB afresh, and the page
    faults of mapping it again took half the system time of a folder of 52 sheets of 10,000
    rows (0.86 s of sys, 0.41 s with this). Elsewhere, or without glibc, nothing changes."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # a C library without mallopt
        return
    mallopt(_M_MMAP_THRESHOLD, _MAPPED_FROM)
    mallopt(_M_TRIM_THRESHOLD, _TRIMMED_FROM)


def _start_worker() -> None:
    """A worker process: one Polars thread (the processes are the parallelism; idle Polars threads
    of several processes would spin against each other), its heap kept (``steady_heap``), and
    Ctrl+C left to the parent."""
    _one_polars_thread()
    steady_heap()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# below this many bytes of files, a folder's facts join into frames too small for Polars' pool
SMALL_FOLDER_BYTES = 4 << 20


def share_cores(files: list[Path]) -> None:
    """This process reads ``files`` beside its workers: for a folder of small files it runs Polars
    on one thread too. The workers hold the other cores, and on a small sheet handing work to the
    pool costs more than it gives (a Toba sheet: ~9 ms on one thread, ~12 ms on two). A folder
    of more bytes keeps the pool here for the ranking of its joined facts."""
    total = 0
    for path in files:
        with suppress(OSError):
            total += path.stat().st_size
    if total < SMALL_FOLDER_BYTES:
        _one_polars_thread()


def _ready() -> int:
    """Import what reading needs; the worker then takes files without a pause."""
    import realisasi_cli.detect.sheet
    import realisasi_cli.facts.load
    import realisasi_cli.facts.normalize  # noqa: F401  # imported to be ready

    return os.getpid()


def _start_method() -> str:
    """How worker processes start: forked on Linux while this process has not loaded Polars (the
    child has what was imported so far, and is ready ~0.05–0.1 s sooner; Polars' threads would not
    survive a fork), else spawned afresh, as on Windows and macOS."""
    import sys

    return "fork" if sys.platform.startswith("linux") and "polars" not in sys.modules else "spawn"


def _default_signals() -> None:
    """In a forked child, before any of its Python runs: SIGTERM and Ctrl+C as for a fresh
    process, not the command's handlers (which would clean up the parent's outputs)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@functools.cache
def _reset_signals_after_fork() -> None:
    """``_default_signals`` registered to run in every forked child, once per process."""
    os.register_at_fork(after_in_child=_default_signals)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` Python processes (``_start_method``)."""
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    method = _start_method()
    if method == "fork":
        _reset_signals_after_fork()
        for stream in (sys.stdout, sys.stderr):  # what a child flushes on leaving is not written twice
            with suppress(Exception):
                stream.flush()
    context = multiprocessing.get_context(method)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker)


@dataclass(frozen=True)
class Pool:
    """Worker processes started ahead of the reading, and the sign that they are ready."""

    executor: ProcessPoolExecutor
    ready: Future[int]


@contextmanager
def worker_pool(files: int, workers: int) -> Iterator[Pool | None]:
    """``workers - 1`` processes started now for a reading of ``files`` files that will want
    them (None when it will not), stopped on leaving. Each takes ~0.35 s to import what reading
    needs: started before this process imports the same, the two starts overlap."""
    if workers < 2 or files < MIN_FILES:
        yield None
        return
    executor = process_pool(workers - 1)
    try:
        yield Pool(executor, executor.submit(_ready))
    finally:
        _stop(executor)


def _stop(pool: Executor) -> None:
    """Stop the pool's workers now, a file half read or a worker still starting included."""
    # the workers this pool started (Python 3.14's terminate_workers() does this; before it, the
    # pool keeps them only here, and forgets them on shutdown): one still importing would
    # otherwise hold the exit ~0.5 s
    processes: dict[int, Any] = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list(processes.values()):
        process.terminate()
    for process in list(processes.values()):
        process.join()


def map_in_order(
    remote: Callable[[T], R],
    items: Sequence[T],
    *,
    local: Callable[[T], R] | None,
    workers: int,
    done: Callable[[T], None] | None = None,
    executor: Executor | None = None,
    pool: Pool | None = None,
) -> list[R]:
    """``remote(item)`` for every item, in the items' order; ``done(item)`` as each finishes, in order.

    With an ``executor`` (a cluster's), every item goes to it, ``workers`` at a time times
    ``IN_FLIGHT``. Otherwise this process runs ``local`` on items as they come, and ``workers - 1``
    processes (``pool``'s, or started here) take items once they are ready; a worker that dies (a
    reader crashing its process) leaves its items to be read here.
    """
    if executor is not None:
        return _run(remote, items, None, executor, None, workers * IN_FLIGHT, done)
    run_here = local or remote
    if workers < 2 or len(items) < MIN_FILES:
        results = []
        for item in items:
            results.append(run_here(item))
            if done is not None:
                done(item)
        return results
    if pool is not None:
        return _run(remote, items, run_here, pool.executor, pool.ready, (workers - 1) * IN_FLIGHT, done)
    with worker_pool(len(items), workers) as started:
        assert started is not None
        return _run(remote, items, run_here, started.executor, started.ready, (workers - 1) * IN_FLIGHT, done)


def _run(
    remote: Callable[[T], R],
    items: Sequence[T],
    local: Callable[[T], R] | None,
    executor: Executor,
    ready: Future[int] | None,
    limit: int,
    done: Callable[[T], None] | None,
) -> list[R]:
    """The loop of ``map_in_order``: hand out items while the executor has room, read the next one
    here meanwhile (with ``local``), and collect what came back, in order."""
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, R] = {}
    flying: dict[Future[R], int] = {}
    upcoming = 0  # the first item neither handed out nor read here
    emitted = 0
    broken = False
    while emitted < len(items):
        if ready is not None and ready.done() and ready.exception() is not None:
            broken = True  # a worker that cannot start takes no files
        if not broken and (ready is None or ready.done()):
            try:
                while len(flying) < limit and upcoming < len(items):
                    flying[executor.submit(remote, items[upcoming])] = upcoming
                    upcoming += 1
            except BrokenProcessPool:
                if local is None:
                    raise
                broken = True
        if local is not None and upcoming < len(items):
            results[upcoming] = local(items[upcoming])
            upcoming += 1
            finished = [future for future in flying if future.done()]
        elif flying:
            finished = list(wait(flying, return_when=FIRST_COMPLETED).done)
        else:
            finished = []
        for future in finished:
            index = flying.pop(future)
            try:
                results[index] = future.result()
            except BrokenProcessPool:
                if local is None:
                    raise
                broken = True  # this item and the others handed out are read here
                results[index] = local(items[index])
        while emitted < len(items) and emitted in results:
            if done is not None:
                done(items[emitted])
            emitted += 1
    return [results[i] for i in range(len(items))]
