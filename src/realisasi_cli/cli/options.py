"""Options that several commands share, declared once, and the parsing of their values."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from realisasi_cli import messages
from realisasi_cli.cli.output import CsvDialect, Format
from realisasi_cli.config import MAX_SHOWN
from realisasi_cli.errors import UsageError


class Lang(StrEnum):
    """Languages for what people read."""

    id = "id"
    en = "en"


# more units than any government has: a count beyond it is a typing slip, not a request
Inputs = Annotated[
    list[Path],
    # a file that cannot be read is said by the reading, in the user's language, with the others read
    typer.Argument(
        exists=True,
        readable=False,
        metavar="FILE|DIR...",
        help="Export files or folders.",
        show_default=False,
    ),
]
BottomOption = Annotated[
    int | None,
    typer.Option("--bottom", "-n", metavar="N", min=1, max=MAX_SHOWN, help="Show the N lowest (default 10)."),
]
TopOption = Annotated[
    int | None, typer.Option("--top", metavar="N", min=1, max=MAX_SHOWN, help="Show the N highest instead.")
]
AllOption = Annotated[bool, typer.Option("--all", help="Show every unit.")]


def percent(text: str) -> float:
    """A percentage as people type it: ``57``, ``57,5``, ``57.5``, ``57,5%``; 0 to 100."""
    cleaned = text.strip().removesuffix("%").strip().replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise typer.BadParameter(messages.text("E-PERCENT", value=text)) from None
    if not 0 <= value <= 100:
        raise typer.BadParameter(messages.text("E-PERCENT-RANGE", value=text))
    return value


def category(text: str | None) -> str | None:
    """A spending category as people type it: ``modal``, ``Modal``, ``belanja modal``, ``BTT``."""
    if text is None:
        return None
    from realisasi_cli import vocabulary as vocab

    key = vocab.normalize(text).removeprefix("belanja ").replace(" ", "_")
    if key in vocab.CATEGORIES:
        return key
    found = vocab.category_of(vocab.normalize(text))
    if found is None:
        raise typer.BadParameter(
            messages.text("E-CATEGORY-OPTION", value=text, choices=list(vocab.CATEGORIES))
        )
    return found


PendapatanOption = Annotated[
    bool,
    typer.Option(
        "--pendapatan",
        help="Rank pendapatan (account 4: PAD, transfers, other) against its target instead of belanja.",
    ),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option(
        "--threshold", parser=percent, metavar="PCT", help="Absorption threshold in % (default 57)."
    ),
]
CategoryOption = Annotated[
    str | None,
    typer.Option(
        "--category",
        "-c",
        metavar="CATEGORY",
        callback=category,
        help="Only one spending category: operasi, pegawai, barang_jasa, bunga, subsidi, hibah, bansos, "
        "modal, tidak_terduga, transfer (also 'belanja modal', 'Modal').",
    ),
]
TargetsOption = Annotated[
    str | None,
    typer.Option(
        "--targets", metavar="TW1,TW2,TW3,TW4", help="Cumulative targets % for TW I–IV (default 15,40,65,95)."
    ),
]
PreviousOption = Annotated[
    Path | None,
    typer.Option(
        "--previous", metavar="FILE|DIR", exists=True, help="An earlier export: show the change since then."
    ),
]
PlanOption = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        metavar="FILE|DIR",
        exists=True,
        help="A cash plan (anggaran kas / RAK): each unit's own targets.",
    ),
]
LastYearOption = Annotated[
    Path | None,
    typer.Option(
        "--last-year",
        metavar="FILE|DIR",
        exists=True,
        help="Last year's export (file or folder): realization a year earlier at the same date.",
    ),
]
FormatOption = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="Output format (default: from -o's suffix, else table)."),
]
CsvDialectOption = Annotated[
    CsvDialect | None,
    typer.Option(
        "--csv-dialect",
        help="CSV for programs (plain: commas, decimal points; the default) or for Excel on an "
        "Indonesian Windows (excel-id: semicolons, decimal commas, headers in --lang).",
    ),
]


def dash_is_stdout(value: Path | None) -> Path | None:
    """``-o -``: standard output, as with no ``-o`` (not a file named ``-``)."""
    return None if value is not None and str(value) == "-" else value


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file instead of the terminal.",
        dir_okay=False,
        callback=dash_is_stdout,
    ),
]
LangOption = Annotated[Lang | None, typer.Option("--lang", help="Language for people: id (default) or en.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="Data as of this date (YYYY-MM-DD), overriding the file."
    ),
]
RollupOption = Annotated[
    bool, typer.Option("--rollup", help="Fold sub-units (RSUD, UPT: codes ending .0001) into their SKPD.")
]
UnitsOption = Annotated[
    Path | None,
    typer.Option(
        "--units",
        metavar="FILE",
        exists=True,
        dir_okay=False,
        help="A list of units (CSV/XLSX: Kode, Nama, optionally Berkas with file-name patterns).",
    ),
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail if any input cannot be used.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No warnings on the terminal.")]


def parse_date(name: str, value: str | None) -> date | None:
    """A date option (``--as-of 2023-09-30``), or None when not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError("E-DATE", option=name, value=value) from None


def parse_targets(option: str | None, configured: tuple[float, ...]) -> tuple[float, ...]:
    """``--targets 15,40,65,95``: four rising cumulative percentages for TW I–IV."""
    if option is None:
        return configured
    # 15,40,65,95 — or with decimal commas, separated by semicolons: 12,5;40;65;95
    parts = option.split(";") if ";" in option else option.split(",")
    try:
        values = tuple(float(v.strip().removesuffix("%").replace(",", ".")) for v in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or any(not 0 <= v <= 100 for v in values) or list(values) != sorted(values):
        raise UsageError("E-TARGETS", value=option)
    return values


def check_selection(bottom: int | None, top: int | None, all_units: bool) -> None:
    """--bottom, --top and --all choose the units shown: one at a time."""
    given = [name for name, value in (("--bottom", bottom), ("--top", top), ("--all", all_units)) if value]
    if len(given) > 1:
        raise UsageError("E-SELECTION", first=given[0], second=given[1])


def check_category(category: str | None) -> None:
    """Refuse a category the chart of accounts does not have."""
    if category is None:
        return
    from realisasi_cli.vocabulary import CATEGORIES

    if category not in CATEGORIES:
        raise UsageError("E-CATEGORY", value=category, choices=list(CATEGORIES))
