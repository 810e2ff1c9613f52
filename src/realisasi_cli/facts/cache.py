"""Facts already read, kept per file: a second run on the same folder reads only what changed.

Reading a file is a pure function of its bytes, its path and the job (``FileJob``: the date
given, the config's layout, plan, revenue …), so its sheets and facts can be kept under a key
made of exactly these, with the tool's own version and the versions of Polars and the reader.
A file that changed, an option that changes reading, or another release of the tool gives
another key; an entry is never updated in place.

An entry is a pickle of the file's results behind its length and CRC-32 (zlib-ng's, ~25 GB/s: a
year of weekly snapshots is 170 MB of entries, which BLAKE2 took 0.19 s to check and CRC-32 takes
7 ms): a torn or damaged entry is read as missing (and removed), never as facts. The checksum
guards against damage, not against a person: on POSIX an entry that another user owns or may
write is not loaded. The cache is in the user's own cache folder (``REALISASI_CACHE_DIR`` to
put it elsewhere); ``REALISASI_CACHE=off`` or ``--no-cache`` reads everything afresh. It is a
copy of what the files say, so it may be deleted at any time; beyond ``LIMIT_BYTES`` the entries
least recently used are removed. Files that could not be read are not kept: the reason may pass
(a file open in Excel) and the safety checks are quick.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import secrets
import struct
from collections.abc import Iterator
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from realisasi_cli.facts.jobs import FileJob
    from realisasi_cli.facts.schema import SheetResult

FORMAT = 2  # the layout of an entry and of the key: a new value leaves every old entry unused
MAGIC = b"realisasi-facts\n"
_CHECK = struct.Struct(">QI")  # after MAGIC: the pickle's length and CRC-32
LIMIT_BYTES = 512 * 1024 * 1024  # the cache's size, past which the least recently used go
MAX_ENTRY = 256 * 1024 * 1024  # a file's results larger than this are not kept
OFF = ("0", "off", "no", "false", "tidak")
ENV = "REALISASI_CACHE"
DIR_ENV = "REALISASI_CACHE_DIR"

_log = logging.getLogger(__name__)


class FactsCache:
    """The entries in one folder: ``get`` a file's results by its job, ``put`` them after reading."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # each file's bytes hashed and its path resolved once per run (by path, inode, size and
        # mtime): a command asks which files it must read before it reads them (``holds``),
        # then looks their facts up
        self._digests: dict[tuple[str, int, int, int], tuple[Any, str]] = {}

    @classmethod
    def default(cls, environ: dict[str, str] | None = None) -> FactsCache | None:
        """The user's cache, or None where ``REALISASI_CACHE`` turns it off."""
        env = os.environ if environ is None else environ
        if env.get(ENV, "").strip().lower() in OFF:
            return None
        given = env.get(DIR_ENV, "").strip()
        if given:
            return cls(Path(given).expanduser())
        from platformdirs import user_cache_dir

        return cls(Path(user_cache_dir("realisasi", appauthor=False)) / "facts")

    def key(self, job: FileJob) -> str | None:
        """The key of ``job``'s results: its file's bytes, path and options, and the tool's
        version; None when the file cannot be read (the reading says why)."""
        fields = asdict(job)
        path = Path(fields.pop("path"))
        try:
            with path.open("rb") as handle:
                info = os.fstat(handle.fileno())
                size = info.st_size
                seen = (str(path), info.st_ino, size, info.st_mtime_ns)
                known = self._digests.get(seen)  # a run asks twice: to plan the workers, to read
                if known is None:
                    bytes_read = hashlib.blake2b(digest_size=20)
                    while chunk := handle.read(1 << 20):
                        bytes_read.update(chunk)
                    known = self._digests[seen] = (bytes_read, str(path.resolve()))
            bytes_read, where = known
        except (OSError, RuntimeError, ValueError):
            return None
        digest = bytes_read.copy()
        described = {
            "format": FORMAT,
            "tool": tool_fingerprint(),
            "path": where,
            "size": size,
            "job": fields,
        }
        try:
            text = json.dumps(described, sort_keys=True, default=str, allow_nan=False)
        except (TypeError, ValueError):  # a layout in the config that names no key (nan): read afresh
            return None
        digest.update(text.encode("utf-8"))
        return digest.hexdigest()

    def __getstate__(self) -> dict[str, Any]:
        return {"folder": self.folder}  # a worker hashes the files it is given itself

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.folder = state["folder"]
        self._digests = {}

    def holds(self, job: FileJob) -> bool:
        """Whether an entry is kept for ``job`` (not yet whether it is sound: ``get`` tells)."""
        key = self.key(job)
        return key is not None and self._entry(key).is_file()

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> list[SheetResult] | None:
        """The results kept under ``key``, or None: not kept, or damaged (then removed)."""
        entry = self._entry(key)
        try:
            with entry.open("rb") as handle:
                if not _own(os.fstat(handle.fileno())):
                    return None
                raw = handle.read(MAX_ENTRY + len(MAGIC) + 64)
        except OSError:
            return None
        head = len(MAGIC) + _CHECK.size
        body = memoryview(raw)[head:]  # not a copy: a year's snapshot keeps megabytes of facts
        if raw[: len(MAGIC)] != MAGIC or len(raw) < head:
            self._drop(entry)
            return None
        if _CHECK.unpack_from(raw, len(MAGIC)) != (len(body), _crc32(body)):
            self._drop(entry)
            return None
        try:
            results = pickle.loads(body)  # written by this tool, checksummed, the user's own
        except Exception:  # an entry of a release whose classes have changed
            self._drop(entry)
            return None
        if not isinstance(results, list):
            self._drop(entry)
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # used now: the last to be removed
        return results

    def put(self, key: str, results: list[SheetResult]) -> None:
        """Keep ``results`` under ``key``; a cache that cannot be written is left alone (the run
        does not need it)."""
        try:
            payload = pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            _log.debug("results not kept: they do not pickle", exc_info=True)
            return
        if len(payload) > MAX_ENTRY:
            return
        entry = self._entry(key)
        tmp = entry.with_name(f".{entry.name}.{secrets.token_hex(4)}.tmp")
        try:
            entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                with tmp.open("xb") as handle:
                    tmp.chmod(0o600)
                    handle.write(MAGIC)
                    handle.write(_CHECK.pack(len(payload), _crc32(payload)))
                    handle.write(payload)
                tmp.replace(entry)
            finally:
                tmp.unlink(missing_ok=True)
        except OSError:
            _log.debug("results not kept: the cache cannot be written", exc_info=True)

    def prune(self, limit: int | None = None) -> None:
        """Remove the least recently used entries until the cache is within ``limit`` bytes."""
        limit = LIMIT_BYTES if limit is None else limit
        entries = []
        for path in self._entries():
            try:
                info = path.stat()
            except OSError:
                continue
            entries.append((info.st_mtime_ns, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= limit:
                break
            self._drop(path)
            total -= size

    def _entries(self) -> Iterator[Path]:
        try:
            shards = list(os.scandir(self.folder))
        except OSError:
            return
        for shard in shards:
            if not shard.is_dir(follow_symlinks=False):
                continue
            try:
                files = list(os.scandir(shard.path))
            except OSError:
                continue
            for file in files:
                if file.name.endswith(".pickle") and file.is_file(follow_symlinks=False):
                    yield Path(file.path)

    @staticmethod
    def _drop(entry: Path) -> None:
        with contextlib.suppress(OSError):
            entry.unlink(missing_ok=True)


def _crc32(data: bytes | memoryview) -> int:
    """CRC-32 of ``data``: zlib-ng's where its wheel is installed (~25 GB/s), else zlib's (~4 GB/s)."""
    from realisasi_cli.inputs.archive import fast_zlib

    return int(fast_zlib().crc32(data))


def _own(info: os.stat_result) -> bool:
    """Whether an entry is this user's and only this user's to write (POSIX): a pickle from
    anyone else is not loaded, wherever ``REALISASI_CACHE_DIR`` points."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or (info.st_uid == getuid() and not info.st_mode & 0o022)


@cache
def tool_fingerprint() -> str:
    """This tool and the libraries that read and hold the cells, as installed: their versions and
    their files' sizes and times (an edited or reinstalled file is another tool)."""
    import importlib.util

    import realisasi_cli

    parts: list[Any] = [realisasi_cli.__version__]
    package = Path(realisasi_cli.__file__).parent
    sources = list(_python_files(package))
    for name in ("polars", "fastexcel", "python_calamine", "zlib_ng"):
        spec = importlib.util.find_spec(name)
        sources += [Path(spec.origin)] if spec is not None and spec.origin else []
    for source in sources:
        try:
            info = source.stat()
        except OSError:
            continue
        parts.append((str(source), info.st_size, info.st_mtime_ns))
    return hashlib.blake2b(json.dumps(parts, allow_nan=False).encode("utf-8"), digest_size=16).hexdigest()


def _python_files(folder: Path) -> Iterator[Path]:
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
            yield from _python_files(Path(entry.path))
        elif entry.name.endswith((".py", ".typ", ".html", ".j2")):
            yield Path(entry.path)
