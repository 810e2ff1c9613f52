"""The one place where failures become a short message and an exit code (a traceback with --debug)."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer

from realisasi_cli.cli.output import err, escape
from realisasi_cli.errors import NO_SPACE, ExitCode, RealisasiError, Terminated, os_reason
from realisasi_cli.messages import Message, text

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class _State:
    """The global options of this run."""

    debug: bool = False
    config: Path | None = None
    lang: str | None = None  # --lang, before or after the command
    no_cache: bool = False  # --no-cache: every file read afresh


state = _State()


def _error_line(message: str, code: str, hint: str = "") -> str:
    """``kesalahan: …`` with the message's code after it (after its list, where it has one), for a
    help desk to look up, then the hint."""
    return f"[bold red]{text('N-ERROR')}:[/] {escape(message)} [dim]\\[{code}][/]" + (
        f"\n{escape(hint)}" if hint else ""
    )


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` with every failure turned into a message on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except RealisasiError as exc:
            if state.debug:
                raise
            hint = Message(exc.hint, exc.params).text() if exc.hint else ""
            err.print(_error_line(exc.detail.text(), exc.code, hint), soft_wrap=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except Terminated:
            err.print(text("N-TERMINATED"))
            raise typer.Exit(int(ExitCode.TERMINATED)) from None
        except KeyboardInterrupt:
            err.print(text("N-INTERRUPTED"))
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            # The reader of the pipe (| head) has stopped; nothing is wrong and nothing is left
            # to say. Point stdout at devnull so that the final flush does not complain.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(int(ExitCode.OK)) from None
        except OSError as exc:
            if state.debug or exc.errno not in NO_SPACE:
                raise
            # what reaches here full is the screen's output sent to a file (> out.txt); a
            # file of -o is told by its own message; nothing is left to flush
            message = text("E-STDOUT-WRITE", reason=os_reason(exc))
            err.print(_error_line(message, "E-STDOUT-WRITE"), soft_wrap=True)
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(int(ExitCode.USAGE)) from None
        except BaseException as exc:  # Rust panics from the readers derive from BaseException
            if state.debug or isinstance(exc, SystemExit | GeneratorExit):
                raise
            what = text("E-OUT-OF-MEMORY") if isinstance(exc, MemoryError) else f"{type(exc).__name__}: {exc}"
            message = text("E-UNEXPECTED", reason=what[:300])
            err.print(_error_line(message, "E-UNEXPECTED", text("H-DEBUG")), soft_wrap=True)
            raise typer.Exit(int(ExitCode.INPUT)) from None

    wrapper.handled = True  # type: ignore[attr-defined]  # the mark a test looks for on every command
    return wrapper


def stop_on_sigterm() -> None:
    """SIGTERM (a service manager, a scheduler, ``kill``) stops the run as Ctrl+C does: what was
    being written is removed, and the exit code is 143. Only the first one counts, so that a second
    cannot cut the clean-up short."""
    import signal

    def terminate(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated

    signal.signal(signal.SIGTERM, terminate)
