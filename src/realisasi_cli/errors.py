"""Expected failures, each carrying its exit code, a message of the catalogue and a hint."""

from __future__ import annotations

import errno
from enum import IntEnum

from realisasi_cli.messages import Message


class ExitCode(IntEnum):
    """The documented exit codes of the command-line tool."""

    OK = 0
    INPUT = 1  # the input exists but cannot be used
    USAGE = 2  # wrong arguments, missing path, output equal to an input
    DELIVERY = 3  # the e-mail could not be delivered
    INTERRUPTED = 130  # Ctrl+C (SIGINT)
    TERMINATED = 143  # SIGTERM (a service manager or `kill` stopping the run): 128 + 15


class RealisasiError(Exception):
    """Base of all expected failures; the CLI prints ``str(self)`` and exits with ``exit_code``."""

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(self, code: str, hint: str | None = None, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.hint = hint  # a code of the catalogue, filled in with the same params
        self.params = params

    @property
    def detail(self) -> Message:
        """What went wrong, without the hint."""
        return Message(self.code, self.params)

    @property
    def message(self) -> str:
        """What went wrong, in the run's language, without the hint."""
        return self.detail.text()

    def text(self, lang: str | None = None, *, short: bool = False) -> str:
        """The message and its hint in ``lang``."""
        message = self.detail.text(lang, short=short)
        if self.hint is None:
            return message
        return f"{message}\n{Message(self.hint, self.params).text(lang, short=short)}"

    def __str__(self) -> str:
        return self.text()


class InputError(RealisasiError):
    """An input file exists but cannot be used."""


class UnreadableWorkbookError(InputError):
    """The file is not a readable spreadsheet (corrupt, encrypted, empty, not a spreadsheet)."""


class NoTableError(InputError):
    """No sheet of the file holds a recognisable realization table."""


class MissingColumnError(InputError):
    """A table was found but lacks a budget or realization column."""


class FormulaWithoutValueError(InputError):
    """Amounts are formulas whose results were never calculated and saved."""


class RenderError(RealisasiError):
    """An output cannot be made from the data (the PDF compiler refused the brief)."""


class UsageError(RealisasiError):
    """The command line or configuration is wrong."""

    exit_code = ExitCode.USAGE


class OutputError(UsageError):
    """The output file cannot be written (no such folder, no permission, open in another program)."""


class DeliveryError(RealisasiError):
    """The summary e-mail could not be delivered."""

    exit_code = ExitCode.DELIVERY


class FollowupSheetError(InputError):
    """The file given with --followup is not a follow-up worksheet (no header of one found)."""


class DeliveryUncertainError(DeliveryError):
    """The message went out whole but the server never confirmed it: it may have been delivered.

    ``message_id`` and ``recipients`` say what was sent to whom, so that the attempt can be
    recorded and the next run does not send it again unasked.
    """

    def __init__(
        self, code: str, hint: str | None = None, *, message_id: str, recipients: list[str], **params: object
    ) -> None:
        super().__init__(code, hint, **params)
        self.message_id = message_id
        self.recipients = recipients


class Terminated(KeyboardInterrupt):
    """SIGTERM: the run stops as on Ctrl+C (what it was writing is removed), with its own exit code.

    A KeyboardInterrupt, so that every clean-up that runs on Ctrl+C runs on SIGTERM too.
    """


NO_SPACE = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})  # a full disk, a quota used up


class NotRegularFileError(OSError):
    """A path that names a disk or a socket, where a file was to be written."""


def os_reason(exc: OSError) -> Message | str:
    """Why the system refused a file, in the user's language where it is a common refusal (the
    system's own words are in English, or in the code page of a Windows set up otherwise)."""
    if isinstance(exc, PermissionError):
        return Message("D-NO-ACCESS")
    if isinstance(exc, FileNotFoundError):
        return Message("D-NOT-FOUND")
    if isinstance(exc, IsADirectoryError):
        return Message("D-IS-FOLDER")
    if isinstance(exc, NotRegularFileError):
        return Message("D-NOT-A-FILE")
    if exc.errno in NO_SPACE:
        return Message("D-DISK-FULL")
    return exc.strerror or str(exc)
