"""The command-line layer: parse options, call the core, show results, map errors to exit codes."""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import io
import json
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from realisasi_cli import __version__
from realisasi_cli.errors import ExitCode, RealisasiError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from realisasi_cli.config import Config
    from realisasi_cli.load import Dataset
    from realisasi_cli.metrics import Changes, Ranking, RankOptions

app = typer.Typer(
    name="realisasi",
    help="Rank perangkat daerah by budget absorption, straight from realization exports.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals can hold credentials
    add_completion=False,
)


class _Console:
    """A Rich console made on first use: JSON, CSV and file outputs run without importing Rich."""

    def __init__(self, stderr: bool) -> None:
        self.stderr = stderr

    @functools.cached_property
    def rich(self) -> Console:
        from rich.console import Console

        if self.stderr:
            return Console(stderr=True, highlight=False)
        # Piped output (cron, redirect) gets a width that fits a ranking rather than Rich's 80.
        return Console(highlight=False, width=None if sys.stdout.isatty() else 132)

    def print(self, *objects: Any, **options: Any) -> None:
        self.rich.print(*objects, **options)

    @property
    def width(self) -> int:
        return self.rich.width


def escape(text: str) -> str:
    """``text`` shown as it is, not read as Rich markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


out = _Console(stderr=False)
err = _Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


class Format(StrEnum):
    """Output formats of ``rank``."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    md = "md"
    parquet = "parquet"


class Lang(StrEnum):
    """Languages for what people read."""

    id = "id"
    en = "en"


@dataclass
class _State:
    debug: bool = False
    config: Path | None = None


state = _State()

LABELS = {
    "id": {
        "title": "Peringkat Realisasi Belanja Perangkat Daerah",
        "rank": "Peringkat",
        "code": "Kode",
        "unit": "Perangkat Daerah",
        "budget": "Pagu",
        "realized": "Realisasi",
        "total": "Total",
        "below": "perangkat daerah di bawah",
        "unranked": "Tidak diperingkat (pagu nol)",
        "as_of": "Data per",
        "category": "Kategori",
        "modal": "Modal %",
        "more_warnings": "{n} peringatan lainnya",
        "pace": "Laju/bln",
        "projected": "Proyeksi",
        "needed": "Perlu/bln",
        "since": "Perubahan sejak",
        "entered": "Masuk daftar terbawah",
        "left": "Keluar dari daftar terbawah",
        "quarters_title": "Realisasi Kumulatif per Triwulan terhadap Target",
        "target": "Target",
        "gap": "Selisih",
        "physical": "Fisik %",
    },
    "en": {
        "title": "Spending Absorption Ranking of Government Units",
        "rank": "Rank",
        "code": "Code",
        "unit": "Unit",
        "budget": "Budget",
        "realized": "Realized",
        "total": "Total",
        "below": "units below",
        "unranked": "Not ranked (zero budget)",
        "as_of": "Data as of",
        "category": "Category",
        "modal": "Capital %",
        "more_warnings": "{n} more warnings",
        "pace": "Pace/mo",
        "projected": "Projected",
        "needed": "Needed/mo",
        "since": "Change since",
        "entered": "Entered the bottom list",
        "left": "Left the bottom list",
        "quarters_title": "Cumulative Realization per Quarter against Target",
        "target": "Target",
        "gap": "Gap",
        "physical": "Physical %",
    },
}


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """The one place where failures become a short message and an exit code (a traceback with --debug)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        import os

        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except RealisasiError as exc:
            if state.debug:
                raise
            err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            # The reader of the pipe (| head) has stopped; nothing is wrong and nothing is left
            # to say. Point stdout at devnull so that the final flush does not complain.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(int(ExitCode.OK)) from None
        except BaseException as exc:  # Rust panics from the readers derive from BaseException
            if state.debug or isinstance(exc, SystemExit | GeneratorExit):
                raise
            what = "out of memory" if isinstance(exc, MemoryError) else f"{type(exc).__name__}: {exc}"
            err.print(
                f"[bold red]error:[/] unexpected failure ({escape(what[:300])}).\n"
                "Run the command again with --debug to see where, and report it.",
                soft_wrap=True,
            )
            raise typer.Exit(int(ExitCode.INPUT)) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        print(f"realisasi {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on errors.")] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="Config file (realisasi.toml).", dir_okay=False)
    ] = None,
) -> None:
    """Rank perangkat daerah (SKPD/OPD) by budget absorption, from SIPD/SIMDA/e-Monev exports."""
    state.debug = debug
    state.config = config


Inputs = Annotated[
    list[Path], typer.Argument(exists=True, help="Export files or folders.", show_default=False)
]
# Options that several commands share, declared once.
BottomOption = Annotated[
    int | None, typer.Option("--bottom", "-n", min=1, help="Show the N lowest (default 10).")
]
TopOption = Annotated[int | None, typer.Option("--top", min=1, help="Show the N highest instead.")]
AllOption = Annotated[bool, typer.Option("--all", help="Show every unit.")]
ThresholdOption = Annotated[
    float | None, typer.Option("--threshold", help="Absorption threshold in % (default 57).")
]
CategoryOption = Annotated[
    str | None,
    typer.Option(
        "--category",
        "-c",
        help="Only one spending category: operasi, pegawai, barang_jasa, hibah, bansos, "
        "modal, tidak_terduga, transfer.",
    ),
]
TargetsOption = Annotated[
    str | None, typer.Option("--targets", help="Cumulative targets % for TW I–IV (default 15,40,65,95).")
]
PreviousOption = Annotated[
    Path | None,
    typer.Option("--previous", exists=True, help="An earlier export: show the change since then."),
]
FormatOption = Annotated[
    Format | None,
    typer.Option("--format", "-f", help="Output format (default: from -o's suffix, else table)."),
]
LangOption = Annotated[Lang | None, typer.Option("--lang", help="Language for people: id (default) or en.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Data as of this date (YYYY-MM-DD), overriding the file.")
]
RollupOption = Annotated[
    bool, typer.Option("--rollup", help="Fold sub-units (RSUD, UPT: codes ending .0001) into their SKPD.")
]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail if any input cannot be used.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No warnings on the terminal.")]


@dataclass
class Prepared:
    """The inputs read, with the settings every report command needs."""

    dataset: Dataset
    config: Config
    language: str
    options: RankOptions
    previous: Dataset | None


def _prepare(
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
    ready: Callable[[str], None] | None = None,
) -> Prepared:
    """Check the category, read the inputs (and --previous), and settle language and options.

    While the first workbook is parsed, the ranking's modules are imported and
    ``ready(language)`` prepares the output.
    """
    from realisasi_cli.load import load

    if category is not None:
        from realisasi_cli.vocabulary import CATEGORIES

        if category not in CATEGORIES:
            raise UsageError(f"--category {category!r}: use one of {', '.join(CATEGORIES)}.")
    settle = functools.partial(_language, lang)

    def beside(config: Config) -> None:
        for module in ("analysis", "metrics", "report"):
            importlib.import_module(f"realisasi_cli.{module}")
        if ready is not None:
            ready(settle(config))

    dataset, config = _load(inputs, as_of, strict, quiet, beside=beside)
    language = settle(config)
    from realisasi_cli.metrics import RankOptions

    options = RankOptions(
        category=category,
        threshold=threshold if threshold is not None else config.threshold,
        aliases=config.units,
        rollup=rollup,
    )
    earlier = load([previous], strict=strict, overrides=config.layout_for) if previous is not None else None
    return Prepared(dataset, config, language, options, earlier)


def _language(lang: Lang | None, config: Config) -> str:
    return lang.value if lang else (config.lang if config.lang in LABELS else "id")


def _ready_table(language: str) -> None:
    """Import Rich's console and table and load the locale's formats (babel reads them on first
    use): what printing a table needs, done while the sheet is parsed (``read.beside_parse``)."""
    from rich.console import Console
    from rich.table import Table

    from realisasi_cli import fmt

    fmt.ready(language)
    table = Table(title="-", caption="-")
    table.add_column("-", justify="right")
    table.add_row("[red]-[/]")
    Console(file=io.StringIO(), width=40).print(table)
    _ = out.rich, err.rich


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--as-of {value!r}: expected a date like 2023-09-30.") from None


def _check_output(output: Path | None, inputs: list[Path], *, folder: bool = False) -> None:
    """Refuse an output that is one of the inputs under any spelling (``./a/../a.xlsx``, a link).

    With ``folder``, the output is a folder to write files into (created when missing).
    """
    if output is None:
        return
    if folder:
        if output.exists() and not output.is_dir():
            raise UsageError(f"{output}: is a file; give a folder for the output files.")
        return
    target = output.resolve()
    if output.exists():
        from realisasi_cli.guard import expand_inputs

        # The files of a folder given as input are inputs too; a new file beside them is not.
        for path in expand_inputs([p for p in inputs if p.exists()]):
            same = path.resolve() == target
            if not same:
                with contextlib.suppress(OSError):
                    same = path.samefile(output)  # hard links, case-insensitive disks
            if same:
                raise UsageError(f"{output}: the output would overwrite an input; choose another name.")
    if output.exists() and output.is_dir():
        raise UsageError(f"{output}: is a folder; give a file name.")
    if not output.parent.exists():
        raise UsageError(f"{output.parent}: no such folder for the output.")


def _load(
    inputs: list[Path],
    as_of: str | None,
    strict: bool,
    quiet: bool = False,
    beside: Callable[[Config], None] | None = None,
) -> tuple[Dataset, Config]:
    """Read the inputs with the configuration's layouts; ``beside(config)`` runs beside the parse."""
    from realisasi_cli.config import load_config
    from realisasi_cli.guard import expand_inputs
    from realisasi_cli.load import load
    from realisasi_cli.read import beside_parse

    config = load_config(state.config)
    left_out: list[Path] = []
    files = expand_inputs(inputs, left_out)
    meanwhile = beside_parse(functools.partial(beside, config)) if beside else contextlib.nullcontext()
    with _reading_progress(files, quiet) as tick, meanwhile:
        dataset = load(
            files,
            as_of=_parse_date(as_of),
            strict=strict,
            overrides=config.layout_for,
            progress=tick,
            left_out=left_out,
        )
    return dataset, config


def _on_terminal(stream: Any) -> bool:
    """Whether ``stream`` is a terminal (None under pythonw; a closed stream is not)."""
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def _reading_progress(files: list[Path], quiet: bool) -> Iterator[Callable[[Path], None] | None]:
    """A progress bar on stderr, shown only on a terminal and only once reading takes over a second."""
    if quiet or not _on_terminal(sys.stderr):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err.rich,
        transient=True,
    )
    task = progress.add_task("membaca", total=len(files))
    timer = threading.Timer(1.0, progress.start)
    timer.start()

    def tick(path: Path) -> None:
        progress.update(task, advance=1, description=f"membaca {path.name}")

    try:
        yield tick
    finally:
        timer.cancel()
        progress.stop()


def _print_warnings(dataset: Dataset, quiet: bool, lang: str) -> None:
    if quiet or not dataset.warnings:
        return
    limit = 8
    for w in dataset.warnings[:limit]:
        where = Path(w.file).name + (f" [{w.sheet}]" if w.sheet else "") + (f" row {w.row}" if w.row else "")
        err.print(f"[yellow]warning:[/] {escape(where)}: {escape(w.message)}", soft_wrap=True)
    if len(dataset.warnings) > limit:
        more = LABELS[lang]["more_warnings"].format(n=len(dataset.warnings) - limit)
        err.print(f"[yellow]… {more} (--format json lists all)[/]")


def _format_for(fmt: Format | None, output: Path | None) -> Format:
    if fmt is not None:
        return fmt
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix in {f.value for f in Format if f is not Format.table}:
            return Format(suffix)
        if suffix == "markdown":
            return Format.md
        raise UsageError(f"{output}: cannot tell the format from the suffix; add --format.")
    return Format.table


def _emit(text: str | bytes, output: Path | None) -> None:
    from realisasi_cli.errors import OutputError
    from realisasi_cli.export import write_atomic

    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        write_atomic(output, text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(
            f"{output}: cannot be written ({exc.strerror or exc}); nothing was written.",
            "Close the file if a spreadsheet program has it open, or choose another name or folder.",
        ) from exc


_TABULAR = (Format.csv, Format.xlsx, Format.parquet)


def _emit_rows(
    fmt: Format, sheet: str, header: list[str], rows: list[list[Any]], output: Path | None
) -> None:
    """Rows as CSV (stdout or file), or as an .xlsx / .parquet file (which needs -o)."""
    from realisasi_cli.export import csv_bytes, parquet_bytes, xlsx_bytes

    if fmt is Format.csv:
        _emit(csv_bytes(header, rows), output)
        return
    if output is None:
        raise UsageError(f"--format {fmt.value} needs -o FILE.{fmt.value}.")
    data = xlsx_bytes([(sheet, header, rows)]) if fmt is Format.xlsx else parquet_bytes(header, rows)
    _emit(data, output)


def _bar(pct: float | None, width: int = 12) -> str:
    if pct is None:
        return ""
    filled = max(0, min(width, round(pct / 100 * width)))
    return "█" * filled + "·" * (width - filled)


def _arrow(value: float | None, lang: str) -> str:
    from realisasi_cli import fmt

    if value is None:
        return ""
    return f"{fmt.arrow(value)} {fmt.points(value, lang)}"


def _rank_table(
    ranking: Ranking,
    units: list[dict[str, Any]],
    lang: str,
    show_modal: bool,
    changes: Changes | None = None,
    total_pace: dict[str, Any] | None = None,
) -> None:
    from rich.table import Table

    from realisasi_cli import fmt

    labels = LABELS[lang]
    title = labels["title"] + (f" · {ranking.category}" if ranking.category else "")
    caption = f"{labels['as_of']} {fmt.long_date(ranking.as_of, lang)}" if ranking.as_of else None
    table = Table(title=title, caption=caption, header_style="bold")
    extras = (changes is not None) + 3 * (total_pace is not None)
    show_code = any(u["code"] for u in units) and out.width >= 120 + 20 * extras
    show_bar = out.width >= 110 + 20 * extras
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    if show_code:
        table.add_column(labels["code"], style="dim", no_wrap=True)
    table.add_column(labels["unit"], overflow="fold", min_width=20, ratio=1)
    table.add_column(labels["budget"], justify="right", no_wrap=True)
    table.add_column(labels["realized"], justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    if show_modal:
        table.add_column(labels["modal"], justify="right", no_wrap=True)
    physical = {}
    if ranking.physical is not None:
        physical = {r["unit"]: r["realized_pct"] for r in ranking.physical.iter_rows(named=True)}
        table.add_column(labels["physical"], justify="right", no_wrap=True)
    if changes is not None:
        table.add_column("Δ", justify="right", no_wrap=True)
    if total_pace is not None:
        for key in ("pace", "projected", "needed"):
            table.add_column(labels[key], justify="right", no_wrap=True)
    if show_bar:
        table.add_column("", no_wrap=True)
    modal = {}
    if show_modal and ranking.categories is not None:
        modal = {
            r["unit"]: r["absorption_pct"]
            for r in ranking.categories.filter(ranking.categories["top"] == "modal").iter_rows(named=True)
        }
    for u in units:
        style = "red" if u["below_threshold"] else None
        row = (
            [str(u["rank"])]
            + ([escape(u["code"] or "")] if show_code else [])
            + [
                escape(u["name"]),
                fmt.rupiah(u["budget"], lang),
                fmt.rupiah(u["realized"], lang),
                fmt.percent(u["absorption_pct"], lang, 2),
            ]
        )
        if show_modal:
            row.append(fmt.percent(modal.get(u["unit"]), lang))
        if ranking.physical is not None:
            row.append(fmt.percent(physical.get(u["unit"]), lang))
        if changes is not None:
            row.append(_arrow(changes.change_pp.get(u["unit"]), lang))
        if total_pace is not None:
            row += [fmt.percent(u[k], lang) for k in ("monthly_pct", "projected_pct", "needed_monthly_pct")]
        if show_bar:
            row.append(_bar(u["absorption_pct"]))
        table.add_row(*row, style=style)
    out.print(table)
    below = ranking.below_count
    out.print(
        f"[bold]{labels['total']}[/]: {fmt.rupiah(ranking.total_realized, lang)} / "
        f"{fmt.rupiah(ranking.total_budget, lang)} = [bold]{fmt.percent(ranking.total_pct, lang, 2)}[/]"
        f" · [red]{below}[/] {labels['below']} {fmt.percent(ranking.threshold, lang, 0)}"
    )
    if changes is not None:
        since = fmt.long_date(changes.previous_as_of, lang)
        out.print(f"{labels['since']} {since}: {_arrow(changes.total_change_pp, lang)}")
        for key, items in (("entered", changes.entered_bottom), ("left", changes.left_bottom)):
            if items:
                out.print(f"{labels[key]}: " + ", ".join(str(i["name"]) for i in items), soft_wrap=True)
    if total_pace is not None:
        out.print(
            f"{labels['pace']}: {fmt.percent(total_pace['monthly_pct'], lang)} · "
            f"{labels['projected']}: {fmt.percent(total_pace['projected_pct'], lang)} · "
            f"{labels['needed']}: {fmt.percent(total_pace['needed_monthly_pct'], lang)}"
        )
    if ranking.unranked.height:
        names = ", ".join(ranking.unranked["name"].to_list())
        out.print(f"{labels['unranked']}: {names}", soft_wrap=True)


def parse_targets(option: str | None, configured: tuple[float, ...]) -> tuple[float, ...]:
    """``--targets 15,40,65,95``: four rising cumulative percentages for TW I–IV."""
    if option is None:
        return configured
    try:
        values = tuple(float(v) for v in option.replace(";", ",").split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or any(not 0 <= v <= 100 for v in values) or list(values) != sorted(values):
        raise UsageError(f"--targets {option!r}: give four rising percentages for TW I–IV, e.g. 15,40,65,95.")
    return values


@dataclass
class RankContext:
    """What ``rank.md.j2`` receives."""

    title: str
    lang: str
    labels: dict[str, str]
    as_of: date | None
    category: str | None
    units: list[dict[str, Any]]
    total_budget: float
    total_realized: float
    total_pct: float | None
    threshold: float
    below_count: int
    unranked: list[dict[str, Any]]


@app.command()
@handle_errors
def rank(
    inputs: Inputs,
    bottom: BottomOption = None,
    top: TopOption = None,
    all_units: AllOption = False,
    threshold: ThresholdOption = None,
    category: CategoryOption = None,
    fmt_: FormatOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of the terminal.", dir_okay=False),
    ] = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    previous: PreviousOption = None,
    with_pace: Annotated[
        bool, typer.Option("--pace", help="Add the monthly pace, year-end projection and pace needed.")
    ] = False,
    targets: TargetsOption = None,
) -> None:
    """Rank units by absorption (realisasi ÷ pagu): the bottom 10 by default."""
    fmt_chosen = _format_for(fmt_, output)
    _check_output(output, inputs + ([previous] if previous is not None else []))
    run = _prepare(
        inputs,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        lang=lang,
        category=category,
        threshold=threshold,
        rollup=rollup,
        previous=previous,
        ready=_ready_table if fmt_chosen is Format.table else None,
    )
    from realisasi_cli.analysis import add_pace, changes_since
    from realisasi_cli.metrics import rank as compute_rank
    from realisasi_cli.report import RANK_COLUMNS, Selection, rank_json, rank_rows, render, selected_units

    dataset, config, language, options = run.dataset, run.config, run.language, run.options
    ranking = compute_rank(dataset.budget, dataset.realization, dataset.sources, options, dataset.physical)
    selection = Selection(bottom=bottom or config.bottom, top=top, all=all_units)
    goals = parse_targets(targets, config.targets)
    changes = changes_since(ranking, dataset, run.previous, options, selection.bottom)
    total_pace = add_pace(ranking, goals[-1]) if with_pace else None
    _print_warnings(dataset, quiet, language)
    if fmt_chosen is Format.table:
        units = selected_units(ranking, selection)
        show_modal = ranking.categories is not None
        _rank_table(ranking, units, language, show_modal, changes=changes, total_pace=total_pace)
        return
    if fmt_chosen is Format.json:
        document = rank_json(ranking, dataset, selection, changes, total_pace)
        _emit(json.dumps(document, ensure_ascii=False, indent=2), output)
    elif fmt_chosen in _TABULAR:
        _emit_rows(fmt_chosen, "Peringkat", RANK_COLUMNS, rank_rows(ranking, selection), output)
    else:
        context = RankContext(
            title=LABELS[language]["title"],
            lang=language,
            labels=LABELS[language],
            as_of=ranking.as_of,
            category=ranking.category,
            units=selected_units(ranking, selection),
            total_budget=ranking.total_budget,
            total_realized=ranking.total_realized,
            total_pct=ranking.total_pct,
            threshold=ranking.threshold,
            below_count=ranking.below_count,
            unranked=ranking.unranked.to_dicts(),
        )
        _emit(render("rank.md.j2", context), output)
    if output is not None and not quiet:
        err.print(f"written: {output}")


@dataclass
class QuartersContext:
    """What ``quarters.md.j2`` receives."""

    title: str
    lang: str
    labels: dict[str, str]
    as_of: date | None
    category: str | None
    quarter_names: list[str]
    units: list[dict[str, Any]]
    total: dict[str, Any]


def _quarters_table(document: dict[str, Any], lang: str, category: str | None) -> None:
    from rich.table import Table

    from realisasi_cli import fmt
    from realisasi_cli.vocabulary import QUARTER_NAMES

    labels = LABELS[lang]
    title = labels["quarters_title"] + (f" · {category}" if category else "")
    as_of = date.fromisoformat(document["as_of"]) if document["as_of"] else None
    table = Table(title=title, caption=f"{labels['as_of']} {fmt.long_date(as_of, lang)}", header_style="bold")
    table.add_column(labels["unit"], overflow="fold", min_width=20, ratio=1)
    table.add_column(labels["budget"], justify="right", no_wrap=True)
    quarters = [q["quarter"] for q in document["total"]["quarters"]]
    for q in quarters:
        target = document["total"]["quarters"][q - 1]["target_pct"]
        suffix = f" ({labels['target']} {fmt.percent(target, lang, 0)})" if target is not None else ""
        table.add_column(QUARTER_NAMES[q] + suffix, justify="right", no_wrap=True)

    def cell(entry: dict[str, Any]) -> str:
        if entry["cumulative_pct"] is None:
            return "-"
        text = fmt.percent(entry["cumulative_pct"], lang)
        if entry["gap_pp"] is None:
            return text
        colour = "green" if entry["gap_pp"] >= 0 else "red"
        return f"{text} [{colour}]({fmt.points(entry['gap_pp'], lang)})[/]"

    for unit in document["units"]:
        table.add_row(
            escape(unit["name"]), fmt.rupiah(unit["budget"], lang), *[cell(q) for q in unit["quarters"]]
        )
    total = document["total"]
    table.add_row(
        f"[bold]{labels['total']}[/]",
        fmt.rupiah(total["budget"], lang),
        *[cell(q) for q in total["quarters"]],
    )
    out.print(table)


@app.command()
@handle_errors
def quarters(
    inputs: Inputs,
    bottom: BottomOption = None,
    top: TopOption = None,
    all_units: AllOption = False,
    category: CategoryOption = None,
    targets: TargetsOption = None,
    plan: Annotated[
        Path | None,
        typer.Option("--plan", exists=True, help="A cash plan (anggaran kas / RAK): each unit's targets."),
    ] = None,
    fmt_: FormatOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.", dir_okay=False)
    ] = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    quiet: QuietOption = False,
) -> None:
    """Per quarter (TW I–IV): realized, cumulative, % of budget, target and gap, per unit and in total."""
    fmt_chosen = _format_for(fmt_, output)
    _check_output(output, inputs + ([plan] if plan is not None else []))
    run = _prepare(
        inputs,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        lang=lang,
        category=category,
        rollup=rollup,
        ready=_ready_table if fmt_chosen is Format.table else None,
    )
    from realisasi_cli.load import load
    from realisasi_cli.metrics import quarters as compute_quarters
    from realisasi_cli.report import QUARTER_COLUMNS, Selection, quarter_rows, quarters_json, render
    from realisasi_cli.vocabulary import QUARTER_NAMES

    dataset, config, language, options = run.dataset, run.config, run.language, run.options
    goals = parse_targets(targets, config.targets)
    plan_dataset = None
    if plan is not None:
        plan_dataset = load([plan], strict=strict, plan=True)
        dataset.warnings.extend(plan_dataset.warnings)
    result = compute_quarters(
        dataset.budget,
        dataset.realization,
        dataset.sources,
        options,
        None if plan_dataset is not None else goals,
        plan=plan_dataset.plan if plan_dataset is not None else None,
    )
    if result.last_quarter == 0:
        from realisasi_cli.errors import InputError

        raise InputError(
            "no realization with a known date: cannot place it in a quarter.",
            "Give the export date with --as-of YYYY-MM-DD, or use files whose title says 's.d. <tanggal>'.",
        )
    selection = Selection(bottom=bottom or config.bottom, top=top, all=all_units)
    document = quarters_json(result, dataset, selection)
    if not quiet:
        for f, message in result.warnings:
            err.print(f"[yellow]warning:[/] {escape(Path(f).name)}: {escape(message)}", soft_wrap=True)
    _print_warnings(dataset, quiet, language)
    if fmt_chosen is Format.table:
        _quarters_table(document, language, category)
    elif fmt_chosen is Format.json:
        _emit(json.dumps(document, ensure_ascii=False, indent=2), output)
    elif fmt_chosen in _TABULAR:
        _emit_rows(fmt_chosen, "Triwulan", QUARTER_COLUMNS, quarter_rows(result, selection), output)
    else:
        context = QuartersContext(
            title=LABELS[language]["quarters_title"],
            lang=language,
            labels=LABELS[language],
            as_of=result.as_of,
            category=category,
            quarter_names=[QUARTER_NAMES[q] for q in range(1, result.last_quarter + 1)],
            units=document["units"],
            total=document["total"],
        )
        _emit(render("quarters.md.j2", context), output)
    if output is not None and not quiet:
        err.print(f"written: {output}")


@app.command()
@handle_errors
def facts(
    inputs: Inputs,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Folder for the Parquet files.", file_okay=False),
    ],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Data as of this date (YYYY-MM-DD).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail if any input cannot be used.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No warnings on the terminal.")] = False,
) -> None:
    """Write the normalized facts (budget.parquet, realization.parquet, …) for DuckDB, Spark or Polars."""
    from realisasi_cli.export import write_atomic

    _check_output(output, inputs, folder=True)
    dataset, _config = _load(inputs, as_of, strict, quiet)
    output.mkdir(parents=True, exist_ok=True)
    tables = {
        "budget": dataset.budget,
        "realization": dataset.realization,
        "plan": dataset.plan,
        "physical": dataset.physical,
        "sources": dataset.sources,
    }
    for name, frame in tables.items():
        if name in ("plan", "physical") and frame.height == 0:
            continue
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        write_atomic(output / f"{name}.parquet", buffer.getvalue())
    _print_warnings(dataset, quiet, "id")
    if not quiet:
        counts = ", ".join(f"{name}: {frame.height:,}" for name, frame in tables.items() if frame.height)
        err.print(f"written: {escape(str(output))} ({counts})")


@app.command()
@handle_errors
def inspect(
    inputs: Inputs,
    fmt_: Annotated[Format | None, typer.Option("--format", "-f", help="table (default) or json.")] = None,
) -> None:
    """Show how each file and sheet was understood: header, column roles, context, rows used."""
    from realisasi_cli.inspect import inspect_json, inspect_tables

    dataset, _config = _load(inputs, None, strict=False)
    if fmt_ is Format.json:
        _emit(json.dumps(inspect_json(dataset), ensure_ascii=False, indent=2, default=str), None)
    else:
        for renderable in inspect_tables(dataset):
            out.print(renderable)


def _keep_invoked_command(args: list[str]) -> None:
    """Register only the command that ``args`` names, if it names one.

    Typer builds every command's options on each run (~0.02 s for all of ours); a run of
    ``rank`` needs only rank's. Without a known command (``--help``, a typo) all stay, so
    the overview and the suggestions are complete. It changes ``app`` for the rest of the
    process: for ``main()``, which runs once.
    """
    values = iter(args)
    for arg in values:
        if arg == "--help":  # the overview, whatever follows
            return
        if arg == "--config":
            next(values, None)  # its value
        elif not arg.startswith("-"):
            chosen = [c for c in app.registered_commands if _command_name(c) == arg]
            if chosen:
                app.registered_commands = chosen
            return


def _command_name(info: typer.models.CommandInfo) -> str:
    from typer.main import get_command_name

    return info.name or (get_command_name(info.callback.__name__) if info.callback else "")


def main() -> None:
    """Console-script entry point."""
    if sys.platform == "win32":  # the Windows console is not UTF-8 by default
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure:
                reconfigure(encoding="utf-8", errors="replace")
    _keep_invoked_command(sys.argv[1:])
    try:
        app()
    finally:
        # What is still alive now lives until the process ends: spare the interpreter's
        # shutdown from scanning it all for reference cycles, again (~0.1 s).
        gc.freeze()


from realisasi_cli import cli_brief as _cli_brief  # noqa: E402,F401  (registers "brief")
from realisasi_cli import cli_summary as _cli_summary  # noqa: E402,F401  (registers "summary")
