"""Where results go: the consoles, the output format chosen from options, files written safely."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from realisasi_cli import messages
from realisasi_cli.errors import NO_SPACE, OutputError, UsageError, os_reason
from realisasi_cli.messages import Message

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderableType, RenderHook
    from rich.segment import Segment

    from realisasi_cli.facts.schema import Warning_
    from realisasi_cli.present.sheets import Sheet


class Format(StrEnum):
    """Output formats of ``rank`` and ``quarters``."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    md = "md"
    parquet = "parquet"


TABULAR = (Format.csv, Format.xlsx, Format.parquet)


PIPED_WIDTH = 120  # the Windows console's default: a file or a pipe reads in one there


def piped_width() -> int | None:
    """The width of stdout when it is not a terminal: ``COLUMNS`` where set, else ``PIPED_WIDTH``.
    None on a terminal, whose own width Rich finds."""
    if _on_terminal(sys.stdout):
        return None
    columns = os.environ.get("COLUMNS", "").strip()
    return int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH


class CsvDialect(StrEnum):
    """How CSV is written: for programs, or for Excel on an Indonesian Windows."""

    plain = "plain"  # commas, decimal points, machine column names
    excel_id = "excel-id"  # semicolons, decimal commas, the people's headers


class _Console:
    """A Rich console made on first use: JSON, CSV and file outputs run without importing Rich.

    On stdout, text lines wrap at the width like the tables; warnings on stderr stay one line
    each, for the terminal to wrap, so that they can be searched in a log.
    """

    def __init__(self, stderr: bool) -> None:
        self.stderr = stderr

    @functools.cached_property
    def _console(self) -> Console:
        from rich.console import Console

        if self.stderr:
            console = Console(stderr=True, highlight=False)
        else:
            console = Console(highlight=False, width=piped_width())
        console.push_render_hook(_strip_controls())
        return console

    @property
    def rich(self) -> Console:
        """The console, at the width of this moment's stdout (a test's runner swaps it)."""
        console = self._console
        if not self.stderr and (width := piped_width()) is not None:
            console.width = width
        return console

    def print(self, *objects: Any, **options: Any) -> None:
        self.rich.print(*objects, **options)

    def show(self, renderables: Sequence[RenderableType | str]) -> None:
        """Print each renderable (lines of markup wrap at the width, or softly on stderr)."""
        console = self.rich
        for item in renderables:
            console.print(item, soft_wrap=self.stderr and isinstance(item, str))

    @property
    def width(self) -> int:
        return self.rich.width


def _strip_controls() -> RenderHook:
    """A render hook that leaves no control character of the data in what a console writes: the
    text of each renderable's segments passes through ``safe_text.plain``, and Rich adds its own
    styles after. Text is escaped where it is made (``escape``); this catches what is left."""
    from rich.console import RenderHook
    from rich.segment import Segment

    from realisasi_cli.present.safe_text import plain

    class Stripped:
        def __init__(self, renderable: Any) -> None:
            self.renderable = renderable

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
            for segment in console.render(self.renderable, options):
                if segment.control or segment.text.isprintable():
                    yield segment
                else:
                    yield Segment(plain(segment.text), segment.style)

    class StripControls(RenderHook):
        def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
            return [Stripped(r) for r in renderables]

    return StripControls()


out = _Console(stderr=False)
err = _Console(stderr=True)


def escape(text: str) -> str:
    """``text`` shown as it is, not read as Rich markup, without control characters."""
    from realisasi_cli.present.safe_text import markup

    return markup(text)


# names that are files, not the folder an output of several files goes into
_FILE_SUFFIXES = {"xlsx", "xls", "csv", "json", "html", "htm", "md", "txt", "pdf", "eml", "parquet"}
# formats another command writes, and the hint naming it
_MADE_BY = {
    "html": "H-BRIEF-FOR-HTML",
    "htm": "H-BRIEF-FOR-HTML",
    "pdf": "H-BRIEF-FOR-PDF",
    "eml": "H-SUMMARY-FOR-EML",
}


def format_for(fmt: Format | None, output: Path | None, writes: Sequence[Format] = tuple(Format)) -> Format:
    """The format asked for, else the one the output's suffix names, else a table; ``writes`` are
    the formats the command writes. A suffix naming another format than --format's is refused."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    named = Format.md if suffix == "markdown" else next((f for f in Format if f.value == suffix), None)
    if fmt is not None:
        if named is not None and named is not fmt and named is not Format.table:
            raise UsageError("E-FORMAT-SUFFIX", path=output, fmt=fmt.value, suffix=suffix)
        return fmt
    if output is not None:
        if named is not None and named in writes and named is not Format.table:
            return named
        known = ", ".join(f".{f.value}" for f in writes if f is not Format.table)
        hint = _MADE_BY.get(suffix)
        if hint is not None:
            raise UsageError("E-OUTPUT-SUFFIX-OTHER", hint, path=output, known=known, suffix=suffix)
        raise UsageError("E-OUTPUT-SUFFIX", path=output, known=known)
    return Format.table


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths are one file under any spelling: ``./a/../a.xlsx``, a link, a hard link,
    a case-insensitive disk."""
    with contextlib.suppress(OSError, RuntimeError):
        if a.resolve() == b.resolve():
            return True
    try:
        return a.samefile(b)
    except OSError:
        return False


def check_output(output: Path | None, inputs: list[Path], *, folder: bool = False) -> None:
    """Refuse an output that is one of the inputs under any spelling (``./a/../a.xlsx``, a link).

    With ``folder``, the output is a folder to write files into (created when missing).
    """
    if output is None:
        return
    if folder and not output.exists() and output.suffix.lower().lstrip(".") in _FILE_SUFFIXES:
        raise UsageError("E-OUTPUT-NOT-FOLDER", path=output)
    if folder:
        if output.exists() and not output.is_dir():
            raise UsageError("E-OUTPUT-IS-FILE", path=output)
        return
    if output.exists():
        from realisasi_cli.inputs.discover import expand_inputs

        # The files of a folder given as input are inputs too; a new file beside them is not.
        for path in expand_inputs([p for p in inputs if p.exists()]):
            if same_file(path, output):
                raise UsageError("E-OUTPUT-IS-INPUT", path=output)
        if output.is_dir():
            raise UsageError("E-OUTPUT-IS-FOLDER", path=output)
    if not output.parent.exists():
        raise UsageError("E-OUTPUT-NO-FOLDER", path=output.parent)


def emit(text: str | bytes, output: Path | None) -> None:
    """``text`` to stdout, or written atomically to ``output``."""
    from realisasi_cli.present.export import write_atomic

    if output is None:
        try:
            if isinstance(text, bytes):
                sys.stdout.buffer.write(text)
            else:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader has stopped (| head): nothing is wrong
        except OSError as exc:  # a full disk under > out.csv
            hint = "H-OUTPUT-SPACE" if exc.errno in NO_SPACE else "H-OUTPUT-CLOSE"
            raise OutputError("E-STDOUT-WRITE", hint, reason=os_reason(exc)) from exc
        return
    try:
        write_atomic(output, text if isinstance(text, bytes) else text.encode("utf-8"))
    except OSError as exc:
        hint = "H-OUTPUT-SPACE" if exc.errno in NO_SPACE else "H-OUTPUT-CLOSE"
        raise OutputError("E-OUTPUT-WRITE", hint, path=output, reason=os_reason(exc)) from exc


def check_dialect(dialect: CsvDialect | None, fmt: Format) -> None:
    """--csv-dialect says how CSV is written: refuse it for another format."""
    if dialect is not None and fmt is not Format.csv:
        raise UsageError("E-CSV-DIALECT", dialect=dialect.value, fmt=fmt.value)


def emit_sheets(
    fmt: Format, sheets: Sequence[Sheet], output: Path | None, dialect: CsvDialect | None = None
) -> None:
    """The first sheet as CSV (stdout or file) or Parquet, or every sheet as an .xlsx report;
    .xlsx and .parquet need -o."""
    from realisasi_cli.present.export import csv_bytes, parquet_bytes, xlsx_report

    if fmt is Format.csv:
        emit(csv_bytes(sheets[0], excel_id=dialect is CsvDialect.excel_id), output)
        return
    if output is None:
        raise UsageError("E-OUTPUT-NEEDS-FILE", fmt=fmt.value)
    if fmt is Format.xlsx:
        emit(xlsx_report(sheets), output)
    else:
        emit(parquet_bytes(sheets[0].header, sheets[0].flat_rows()), output)


def written(output: Path | None, quiet: bool) -> None:
    """Say which file was written (on stderr, not with --quiet)."""
    if output is not None and not quiet:
        err.print(escape(messages.text("N-WRITTEN", path=output)), soft_wrap=True)


def say(label: str | None, message: Message) -> None:
    """One message on stderr, after a yellow label (``peringatan:``, ``catatan:``) where given."""
    prefix = f"[yellow]{messages.text(label)}:[/] " if label else ""
    err.print(prefix + escape(message.text()), soft_wrap=True)


def print_warnings(warnings: list[Warning_], quiet: bool, lang: str) -> None:
    """The first warnings on stderr, unless --quiet."""
    if quiet or not warnings:
        return
    from realisasi_cli.present.tables import warning_lines

    err.show(warning_lines(warnings, lang))


def _on_terminal(stream: Any) -> bool:
    """Whether ``stream`` is a terminal (None under pythonw; a closed stream is not)."""
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def reading_progress(files: list[Path], quiet: bool) -> Iterator[Callable[[Path], None] | None]:
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
        progress.update(task, advance=1, description=f"membaca {escape(path.name)}")

    try:
        yield tick
    finally:
        timer.cancel()
        progress.stop()
