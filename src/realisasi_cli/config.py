"""``realisasi.toml``: looked up from --config, $REALISASI_CONFIG, ./realisasi.toml, the user dir."""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from realisasi_cli.errors import UsageError
from realisasi_cli.messages import Message

# Conventions, not an official standard: each government sets its own, usually from its anggaran kas.
DEFAULT_TARGETS = (15.0, 40.0, 65.0, 95.0)
DEFAULT_THRESHOLD = 57.0
DEFAULT_BOTTOM = 10
DEFAULT_STALE_DAYS = 14  # a unit's data older than the newest by more than this is named

# [smtp] keys that decide where the password and the mail go (and which certificates vouch for
# the server): a realisasi.toml merely found in the working folder may not set them, since an
# exports folder is often shared; --config, $REALISASI_CONFIG and the user's own config may.
SERVER_KEYS = ("host", "port", "security", "cafile")
CONFIG_ENV = "REALISASI_CONFIG"


@dataclass(frozen=True)
class BriefSettings:
    """``[brief]``: the signature block at the end of the brief, and the meeting's place and time."""

    signer: str | None = None  # the name of who signs, "Drs. Nama Pejabat, M.Si."
    title: str | None = None  # the signer's jabatan, "Kepala Bagian Organisasi"
    nip: str | None = None  # the signer's NIP, as written ("19700101 199003 1 001")
    place: str | None = None  # where it is signed, "Batu"
    meeting_place: str | None = None  # "Ruang Rapat Utama Balai Kota Among Tani"
    meeting_time: str | None = None  # "09.00 WIB – selesai"

    @property
    def signs(self) -> bool:
        """Whether there is a signature block to show."""
        return any((self.signer, self.title, self.nip))


@dataclass
class Config:
    """Settings from the config file (command-line options override them)."""

    path: Path | None = None
    government: str | None = None
    lang: str = "id"
    threshold: float = DEFAULT_THRESHOLD
    bottom: int = DEFAULT_BOTTOM
    stale_days: int = DEFAULT_STALE_DAYS
    targets: tuple[float, ...] = DEFAULT_TARGETS
    # cumulative targets of one spending category (modal lower in TW I, pegawai higher)
    category_targets: dict[str, tuple[float, ...]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    layouts: list[dict[str, Any]] = field(default_factory=list)
    smtp: dict[str, Any] = field(default_factory=dict)
    # who signs the brief, and where the meeting is held: ``[brief]``
    brief: BriefSettings = field(default_factory=BriefSettings)
    # SERVER_KEYS the working folder's realisasi.toml set and that were not used
    smtp_ignored: tuple[str, ...] = ()

    def targets_for(self, category: str | None) -> tuple[float, ...]:
        """The targets of ``category`` where the config gives them, else the overall ones."""
        return self.category_targets.get(category or "", self.targets)

    def layout_for(self, path: Path) -> dict[str, object]:
        """The ``[[layout]]`` override whose ``match`` pattern fits ``path``, if any."""
        for layout in self.layouts:
            pattern = str(layout.get("match", "*"))
            if fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(str(path), pattern):
                return layout
        return {}


_ALL = ("semua", "all", "default")


_N = TypeVar("_N", int, float)


class _Invalid(ValueError):
    """A value of the config file that cannot be used, as a message of the catalogue."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.detail = Message(code, params)


_MOST_STALE_DAYS = 3660  # ten years: a budget year's data is never older than that
MAX_SHOWN = 100_000  # units a table shows at most (--bottom, --top, bottom =)


def _number(data: dict[str, Any], key: str, default: _N, kind: type[_N], low: _N, high: _N) -> _N:
    """``data[key]`` as a number of ``kind`` from ``low`` to ``high``; a value that is none
    ("lima puluh", true, nan) or out of range is said by its key."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Invalid("E-CONFIG-NUMBER", key=key, value=str(value))
    if kind is int and isinstance(value, float) and not value.is_integer():  # bottom = 2.7
        raise _Invalid("E-CONFIG-WHOLE", key=key, value=str(value))
    try:
        number = kind(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise _Invalid("E-CONFIG-NUMBER", key=key, value=str(value)) from exc
    if not low <= number <= high:  # nan is within no range
        raise _Invalid("E-CONFIG-RANGE", key=key, value=str(value), low=low, high=high)
    return number


# the keys each part of the file may hold: a misspelt one ("treshold") is said, not passed over
_KEYS = (
    "government", "lang", "threshold", "bottom", "targets", "stale_days", "brief", "units", "layout", "smtp"
)  # fmt: skip
_SMTP_KEYS = (
    "host",
    "port",
    "security",
    "user",
    "from",
    "to",
    "cafile",
    "timeout",
    "data_timeout",
    "deadline",
    "password",
)  # fmt: skip (a password is refused by its own message)
_LAYOUT_KEYS = ("match", "sheet", "header_row", "columns", "as_of")
LANGUAGES = ("id", "en")


def _known(table: dict[str, Any], keys: tuple[str, ...], section: str) -> None:
    """Every key of ``table`` among ``keys``; one that is not is named with the closest known."""
    import difflib

    for key in table:
        if key not in keys:
            guess = difflib.get_close_matches(str(key), keys, n=1)
            where = f"{section} " if section else ""
            raise _Invalid("E-CONFIG-KEY", key=key, section=where, known=guess or keys)


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _Invalid("E-CONFIG-TEXT", key=key, value=str(value)[:80])
    return value


def _layout(layout: dict[str, Any]) -> dict[str, Any]:
    """A ``[[layout]]`` table, its ``as_of`` (the data date of the files it matches, written
    ``as_of = 2022-11-30`` or as a string) made a date."""
    _known(layout, _LAYOUT_KEYS, "[[layout]]")
    for key in ("match", "sheet"):
        _text(layout, key)
    if "header_row" in layout:
        layout["header_row"] = _number(layout, "header_row", 1, int, 1, 100_000)
    columns = layout.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise _Invalid("E-CONFIG-COLUMNS")
    if "as_of" in layout:
        value = layout["as_of"]
        if isinstance(value, datetime):
            value = value.date()
        elif not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value).strip())
            except ValueError:
                raise _Invalid("E-CONFIG-LAYOUT-DATE", value=str(value)) from None
        layout["as_of"] = value
    return layout


def _four(name: str, values: Any) -> tuple[float, ...]:
    """Four cumulative percentages for TW I–IV, rising, each 0–100."""
    try:
        targets = tuple(float(t) for t in values)
    except (TypeError, ValueError):
        targets = ()
    if len(targets) != 4 or any(not 0 <= t <= 100 for t in targets) or list(targets) != sorted(targets):
        raise _Invalid("E-CONFIG-TARGETS", key=name)
    return targets


def _targets(value: Any) -> tuple[tuple[float, ...], dict[str, tuple[float, ...]]]:
    """``targets = [15, 40, 65, 95]``, or a ``[targets]`` table with ``semua`` and per-category lists."""
    if not isinstance(value, dict):
        return _four("targets", value), {}
    from realisasi_cli.vocabulary import CATEGORIES

    overall: tuple[float, ...] = DEFAULT_TARGETS
    per_category: dict[str, tuple[float, ...]] = {}
    for key, values in value.items():
        name = str(key).strip().lower().replace(" ", "_").removeprefix("belanja_")
        if name in _ALL:
            overall = _four(f"targets.{key}", values)
        elif name in CATEGORIES:
            per_category[name] = _four(f"targets.{key}", values)
        else:
            raise _Invalid("E-CONFIG-TARGET-KEY", key=key, choices=list(CATEGORIES))
    return overall, per_category


def _brief(value: Any) -> BriefSettings:
    """``[brief]``: every key known, every value text; a NIP is text too (quote it)."""
    if not isinstance(value, dict):
        raise _Invalid("E-CONFIG-BRIEF-TABLE")
    known = [f.name for f in fields(BriefSettings)]
    settings: dict[str, str | None] = {}
    for key, text in value.items():
        if key not in known:
            raise _Invalid("E-CONFIG-BRIEF-KEY", key=key, choices=known)
        if not isinstance(text, str):
            raise _Invalid("E-CONFIG-BRIEF-TYPE", key=key)
        settings[key] = " ".join(text.split()) or None
    return BriefSettings(**settings)


def _user_config() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("realisasi", appauthor=False)) / "realisasi.toml"


def find_config(explicit: Path | None) -> Path | None:
    """The config file in force, in DESIGN order; None when there is none."""
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path("realisasi.toml")
    if local.is_file():
        return local
    user = _user_config()
    return user if user.is_file() else None


def _found_here(explicit: Path | None, path: Path) -> bool:
    """Whether ``path`` is the working folder's realisasi.toml, in force only because it is there."""
    if explicit is not None or os.environ.get(CONFIG_ENV) or path != Path("realisasi.toml"):
        return False
    user = _user_config()
    try:
        return not (user.is_file() and user.samefile(path))  # run from the user's config folder
    except OSError:
        return True


MAX_CONFIG_BYTES = 1 << 20


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML of ``path``; a missing, special or broken file is a usage error naming it."""
    import tomllib  # only where there is a file to read

    try:
        info = path.stat()
        mode, size = info.st_mode, info.st_size
    except FileNotFoundError as exc:
        raise UsageError("E-CONFIG-MISSING", path=path) from exc
    except OSError:
        mode, size = stat.S_IFREG, 0  # reading it says what is wrong
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UsageError("E-CONFIG-NOT-FILE", path=path)  # a pipe or a device would never end
    if size > MAX_CONFIG_BYTES:  # a config is a few kilobytes; this one is something else
        reason = Message("D-STATE-SIZE", {"megabytes": MAX_CONFIG_BYTES >> 20})
        raise UsageError("E-CONFIG-SYNTAX", "H-CONFIG-SYNTAX", path=path, reason=reason)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise UsageError("E-CONFIG-MISSING", path=path) from exc
    except UnicodeDecodeError as exc:  # saved as UTF-16 or in a Windows code page
        reason = Message("D-CONFIG-NOT-UTF8")
        raise UsageError("E-CONFIG-SYNTAX", "H-CONFIG-UTF8", path=path, reason=reason) from exc
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise UsageError("E-CONFIG-SYNTAX", "H-CONFIG-SYNTAX", path=path, reason=str(exc)) from exc
    except RecursionError as exc:  # arrays or tables nested hundreds deep: no config of this tool
        reason = Message("D-CONFIG-NESTED")
        raise UsageError("E-CONFIG-SYNTAX", "H-CONFIG-SYNTAX", path=path, reason=reason) from exc


def _server_of_the_user() -> dict[str, Any]:
    """The SERVER_KEYS of the user's own config, when there is one."""
    user = _user_config()
    if not user.is_file():
        return {}
    smtp = _read_toml(user).get("smtp", {})
    return {k: v for k, v in smtp.items() if k in SERVER_KEYS} if isinstance(smtp, dict) else {}


def load_config(explicit: Path | None = None) -> Config:
    """Read the config file in force; a broken file is a usage error naming it.

    From a realisasi.toml found in the working folder, the ``[smtp]`` SERVER_KEYS are not used
    (``smtp_ignored`` names them): the user's own config gives them, or the environment.
    """
    path = find_config(explicit)
    if path is None:
        return Config()
    data = _read_toml(path)
    try:
        _known(data, _KEYS, "")
        targets, category_targets = _targets(data.get("targets", DEFAULT_TARGETS))
        smtp = dict(data.get("smtp", {}))
        _known(smtp, _SMTP_KEYS, "[smtp]")
        lang = _text(data, "lang") or "id"
        if lang not in LANGUAGES:
            raise _Invalid("E-CONFIG-LANG", value=lang, choices=list(LANGUAGES))
        if "password" in smtp:
            raise _Invalid("E-CONFIG-PASSWORD")
        ignored: tuple[str, ...] = ()
        if _found_here(explicit, path):
            ignored = tuple(k for k in SERVER_KEYS if k in smtp)
            smtp = {k: v for k, v in smtp.items() if k not in SERVER_KEYS} | _server_of_the_user()
        return Config(
            path=path,
            government=_text(data, "government"),
            lang=lang,
            threshold=_number(data, "threshold", DEFAULT_THRESHOLD, float, 0.0, 100.0),
            bottom=_number(data, "bottom", DEFAULT_BOTTOM, int, 1, MAX_SHOWN),
            stale_days=_number(data, "stale_days", DEFAULT_STALE_DAYS, int, 0, _MOST_STALE_DAYS),
            targets=targets,
            category_targets=category_targets,
            units={str(k): str(v) for k, v in dict(data.get("units", {})).items()},
            layouts=[_layout(dict(x)) for x in data.get("layout", [])],
            smtp=smtp,
            brief=_brief(data.get("brief", {})),
            smtp_ignored=ignored,
        )
    except _Invalid as exc:
        raise UsageError("E-CONFIG-VALUE", path=path, problem=exc.detail) from exc
    except (TypeError, ValueError) as exc:
        raise UsageError(
            "E-CONFIG-VALUE", path=path, problem=Message("E-CONFIG-TYPE", {"reason": str(exc)})
        ) from exc
