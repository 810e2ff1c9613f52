"""What reading each file needs (``FileJob``), worked out before anything heavy is imported: a
command can ask the facts cache which files it must read, and start workers for them, while
Polars and the readers are still loading."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class FileJob:
    """What reading one file needs, all of it picklable: another process or a cluster's worker
    reads the file from this alone."""

    path: Path
    as_of: date | None
    override: dict[str, object]
    plan: bool = False
    partial: bool = False
    explain: bool = False
    revenue: bool = False


def file_jobs(
    files: list[Path],
    *,
    as_of: date | None = None,
    overrides: Callable[[Path], dict[str, object]] | None = None,
    plan: bool = False,
    explain: bool = False,
    revenue: bool = False,
) -> list[FileJob]:
    """One job per file. Among several files (or to explain them) a file may lack one side, the
    budget or the realization: the others may give it."""
    partial = len(files) > 1 or explain
    jobs = []
    for path in files:
        override = overrides(path) if overrides else {}
        # --as-of for every file, else the date a [[layout]] of the config gives the files it matches
        day = as_of or _day(override.get("as_of"))
        jobs.append(FileJob(path, day, override, plan, partial, explain, revenue))
    return jobs


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None
