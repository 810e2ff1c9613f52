"""Deliver the weekly summary by e-mail: settings, message, SMTP with retries, and a log against resending.

The caller (the ``summary`` command) does, in this order::

    settings = SmtpSettings.resolve(config.smtp)          # UsageError (exit 2) when incomplete
    log = SentLog()
    key = log.key(fingerprint_of_the_data, to)
    deadline = Deadline(settings.deadline)
    with log.locked(deadline):                             # overlapping runs: one sends, the other waits
        if log.status(key) is None:                        # "sent", "uncertain" or None
            message = build_message(subject=..., sender=settings.sender, recipients=to, text=..., html=...)
            log.record(key, message_id, to, uncertain=True)  # ahead: a record that cannot be
                                                           # written stops the mail here
            report = send(message, settings, to, deadline=deadline)  # DeliveryError (exit 3)
            log.record(key, report.message_id, report.accepted)
    report.raise_for_refused()                             # exit 3 naming the refused addresses

and with ``--dry-run`` writes ``write_eml(message)`` instead of sending.

At most once per run: a failure before the message data went out whole is tried again, and so
is an explicit 4xx reply to it; once the data and its final ``.`` were sent, a missing reply or a
dropped connection is *uncertain* (the server may have it): DeliveryUncertainError (exit 3), never
sent again automatically, and the record written ahead stays. Where the server refused the
message outright, or it never went out, the caller puts the record back as it was
(``SentLog.restore``).
"""

from __future__ import annotations

import base64
import contextlib
import email.policy
import email.utils
import hashlib
import json
import os
import re
import signal
import smtplib
import socket
import ssl
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal, cast

from realisasi_cli.errors import DeliveryError, DeliveryUncertainError, UsageError, os_reason
from realisasi_cli.inputs.discover import kind_of
from realisasi_cli.messages import Message
from realisasi_cli.present.export import write_atomic

Security = Literal["starttls", "ssl", "none"]

DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}

# environment variable for each [smtp] key; the password has no key: it never lives in a file
_ENV = {
    "host": "REALISASI_SMTP_HOST",
    "port": "REALISASI_SMTP_PORT",
    "security": "REALISASI_SMTP_SECURITY",
    "user": "REALISASI_SMTP_USER",
    "from": "REALISASI_SMTP_FROM",
    "to": "REALISASI_SMTP_TO",
    "cafile": "REALISASI_SMTP_CAFILE",
    "timeout": "REALISASI_SMTP_TIMEOUT",
    "data_timeout": "REALISASI_SMTP_DATA_TIMEOUT",
    "deadline": "REALISASI_SMTP_DEADLINE",
}
PASSWORD_ENV = "REALISASI_SMTP_PASSWORD"
STATE_DIR_ENV = "REALISASI_STATE_DIR"

TIMEOUT = 30.0  # each reply but the last, in seconds
# RFC 5321 4.5.3.2.6: a client waits 10 minutes for the reply to the end of the data, since the
# server may be filtering the message; giving up sooner is how a message gets delivered twice.
DATA_TIMEOUT = 600.0
# All of one run's delivery (the lock, every try, every reply) ends within this, whatever the
# server does: a server that trickles a line every few seconds never lets a per-read timeout fire.
DEADLINE = 900.0
QUIT_WAIT = 5.0  # seconds for the reply to QUIT, once the message is accepted


@dataclass(frozen=True, repr=False)
class SmtpSettings:
    """Where and how to deliver; ``port`` 0 means the default port of ``security``."""

    host: str
    sender: str
    port: int = 0
    security: Security = "starttls"
    user: str | None = None
    password: str | None = None
    cafile: Path | None = None
    timeout: float = TIMEOUT
    to: tuple[str, ...] = ()
    data_timeout: float = DATA_TIMEOUT
    deadline: float = DEADLINE

    def __post_init__(self) -> None:
        if self.security not in DEFAULT_PORTS:
            raise UsageError(
                "E-SMTP-SECURITY", "H-SMTP-SET", value=self.security, env=_ENV["security"], key="security"
            )
        if self.user and self.security == "none":
            # a login would carry the password in clear to whatever answers on that port
            raise UsageError("E-SMTP-PLAIN-LOGIN", "H-SMTP-PLAIN-LOGIN", user=self.user, env=_ENV["security"])
        if self.port == 0:
            # frozen: the default port is filled in once, here
            object.__setattr__(self, "port", DEFAULT_PORTS[self.security])

    def __repr__(self) -> str:
        password = "'***'" if self.password else "None"
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port!r}, security={self.security!r}, "
            f"user={self.user!r}, password={password}, sender={self.sender!r}, "
            f"cafile={self.cafile!r}, timeout={self.timeout!r}, to={self.to!r}, "
            f"data_timeout={self.data_timeout!r}, deadline={self.deadline!r})"
        )

    @property
    def server(self) -> str:
        """``host:port``, as error messages name the server."""
        return f"{self.host}:{self.port}"

    @classmethod
    def resolve(cls, config_smtp: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> SmtpSettings:
        """Settings from the ``[smtp]`` table, each key overridden by its ``REALISASI_SMTP_*`` variable."""
        if "password" in config_smtp:
            raise UsageError("E-SMTP-PASSWORD-FILE", "H-SMTP-PASSWORD-ENV", env=PASSWORD_ENV)

        def get(key: str) -> Any:
            value = env.get(_ENV[key])
            if value is not None and value.strip():
                return value.strip()
            return config_smtp.get(key)

        host = _text(get("host"), "host")
        if not host:
            raise UsageError("E-SMTP-NO-HOST", "H-SMTP-SET", env=_ENV["host"], key="host")
        sender = _text(get("from"), "from")
        if not sender:
            raise UsageError("E-SMTP-NO-SENDER", "H-SMTP-SET", env=_ENV["from"], key="from")
        security = (_text(get("security"), "security") or "starttls").lower()
        if security not in DEFAULT_PORTS:
            raise UsageError(
                "E-SMTP-SECURITY", "H-SMTP-SET", value=security, env=_ENV["security"], key="security"
            )
        port = _number(get("port"), "port", int)
        if port is not None and not 0 < port < 65536:
            raise UsageError("E-SMTP-PORT", "H-SMTP-PORT", value=str(port), env=_ENV["port"])
        timeout, data_timeout, deadline = (
            _seconds(get(key), key) for key in ("timeout", "data_timeout", "deadline")
        )
        user = _text(get("user"), "user") or None
        password = env.get(PASSWORD_ENV) or None
        if user and not password:
            raise UsageError("E-SMTP-NO-PASSWORD", "H-SMTP-JOB-PASSWORD", user=user, env=PASSWORD_ENV)
        cafile_text = _text(get("cafile"), "cafile")
        cafile = Path(cafile_text).expanduser() if cafile_text else None
        if cafile is not None and not cafile.is_file():
            raise UsageError("E-SMTP-CAFILE", "H-SMTP-CAFILE", path=cafile, env=_ENV["cafile"])
        return cls(
            host=host,
            sender=sender,
            port=port or 0,
            security=cast(Security, security),
            user=user,
            password=password,
            cafile=cafile,
            timeout=timeout or TIMEOUT,
            to=tuple(_recipient_list(get("to"))),
            data_timeout=data_timeout or DATA_TIMEOUT,
            deadline=deadline or DEADLINE,
        )


def _text(value: Any, key: str) -> str:
    if value is not None and not isinstance(value, str):  # host = ["a", "b"]: no host name
        raise UsageError("E-SMTP-TEXT", "H-SMTP-FIX", key=key, value=str(value)[:80], env=_ENV[key])
    return "" if value is None else value.strip()


def _number(value: Any, key: str, kind: type[int] | type[float]) -> Any:
    if value is None or value == "":
        return None
    # port = true is no port 1, port = 25.9 no port 25
    whole = kind is not int or not isinstance(value, float) or value.is_integer()
    if isinstance(value, bool) or not whole:
        raise UsageError("E-SMTP-NUMBER", "H-SMTP-FIX", key=key, value=str(value), env=_ENV[key])
    try:
        return kind(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise UsageError("E-SMTP-NUMBER", "H-SMTP-FIX", key=key, value=str(value), env=_ENV[key]) from exc


MAX_SECONDS = 86_400.0  # a day: no wait of a weekly job is longer, and the clock's waits take it


def _seconds(value: Any, key: str) -> float | None:
    """A time setting in seconds, above 0 and at most a day; None when not set."""
    seconds = _number(value, key, float)
    if seconds is not None and not 0 < seconds <= MAX_SECONDS:
        raise UsageError(
            "E-SMTP-TIMEOUT", "H-SMTP-FIX", value=seconds, env=_ENV[key], key=key, most=int(MAX_SECONDS)
        )
    return cast("float | None", seconds)


def _recipient_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # from the environment: "a@x.id, b@x.id"
        return recipients_in([value])
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return recipients_in(value)
    raise UsageError("E-SMTP-TO", "H-FIX-CONFIG")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def recipients_in(values: Iterable[str]) -> list[str]:
    """Each recipient of ``values``, where one value may name several ("a@x.id, b@x.id", as a
    mail program takes them): ``Kabag <kabag@x.id>`` or a bare address each. A value with a line
    break or another control character, or a part that is no address ("Bcc: …", a name whose
    comma is not in quotes), is refused: what is sent to is what is shown."""
    found: list[str] = []
    for value in values:
        if _CONTROL.search(value):
            raise UsageError("E-BAD-ADDRESS", "H-FIX-RECIPIENTS", value=" ".join(value.split()))
        if not value.strip():
            continue
        parts = email.utils.getaddresses([value])
        if not parts or any("@" not in address or ":" in name for name, address in parts):
            raise UsageError("E-BAD-ADDRESS", "H-FIX-RECIPIENTS", value=value.strip())
        found += [email.utils.formataddr((name, address)) if name else address for name, address in parts]
    return found


def _addresses(recipients: Iterable[str]) -> list[str]:
    """Bare addresses, in order, each once (case-insensitively); a bad one is a usage error."""
    seen: set[str] = set()
    result: list[str] = []
    for recipient in recipients:
        _, address = email.utils.parseaddr(recipient)
        if "@" not in address:
            raise UsageError("E-BAD-ADDRESS", "H-FIX-RECIPIENTS", value=recipient)
        if address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    if not result:
        raise UsageError("E-NO-RECIPIENTS", "H-SMTP-SET", env=_ENV["to"], key="to")
    return result


# --- the message ---------------------------------------------------------------------------------


def build_message(
    *,
    subject: str,
    sender: str,
    recipients: Sequence[str],
    text: str,
    html: str,
    attachments: Sequence[tuple[str, bytes, str, str]] = (),
    date: datetime | None = None,
    message_id_domain: str | None = None,
) -> EmailMessage:
    """A UTF-8 multipart/alternative (text, HTML) message, inside multipart/mixed when there are attachments.

    ``attachments`` are ``(filename, data, maintype, subtype)``; a naive ``date`` is taken as local time.
    """
    _addresses(recipients)
    when = date if date is not None and date.tzinfo is not None else (date or datetime.now()).astimezone()
    message = EmailMessage()
    # a subject built from data must not smuggle in a header through a line break
    message["Subject"] = " ".join(subject.split())
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = email.utils.format_datetime(when)
    # the sender's domain, not the host name: a cron host's name says nothing and may not resolve
    domain = message_id_domain or email.utils.parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = email.utils.make_msgid(domain=domain)
    # RFC 3834: tells vacation responders not to answer a cron job
    message["Auto-Submitted"] = "auto-generated"
    # quoted-printable, not 8bit: smtplib does not negotiate 8BITMIME, and the text stays readable raw
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for filename, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def write_eml(message: EmailMessage) -> bytes:
    """The message exactly as it would go on the wire (CRLF line ends), for ``--dry-run``."""
    return message.as_bytes(policy=email.policy.SMTP)


# --- delivery ------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """Who got the message; ``refused`` maps each address that did not to ``(SMTP code, reply)``.

    The code is -1 where the connection failed after others were served.
    """

    message_id: str
    server: str
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, tuple[int, str]] = field(default_factory=dict)
    attempts: int = 1

    def raise_for_refused(self) -> None:
        """Raise DeliveryError (exit 3) naming each refused address, when there is one."""
        if self.refused:
            raise DeliveryError(
                "E-DELIVERY-PARTLY",
                server=self.server,
                refused=_refusals(self.refused),
                accepted=self.accepted,
            )


class _Permanent(Exception):
    """A failure that trying again will not mend; carries the reason as a message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.detail = Message(code, params)


class _Uncertain(Exception):
    """The message data went out whole and then no reply came (or the connection was lost): the
    server may have the message, so it must not be sent again in this run."""

    def __init__(self, detail: Message) -> None:
        super().__init__(detail.code)
        self.detail = detail


class _Expired(Exception):
    """The run's deadline passed before the message went out."""

    def __init__(self, detail: Message) -> None:
        super().__init__(detail.code)
        self.detail = detail


class Deadline:
    """The time one run may spend on delivery, counted from its creation: waiting for the lock,
    every try, every wait between tries and every reply."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        """Seconds left, 0 once it has passed."""
        return max(0.0, self._end - self._clock())


class _Watchdog:
    """Shuts a session's connection down when the deadline passes, whatever the session waits
    for (a greeting that never ends, a TLS handshake, the reply to the data).

    It shuts down a duplicate of the socket's descriptor: the socket object itself changes when
    TLS wraps it, and shutting down acts on the connection that every descriptor shares.
    """

    def __init__(self, deadline: Deadline) -> None:
        self._lock = threading.Lock()
        self._socket: tuple[int, int, int] | None = None  # descriptor, family, type
        self.fired = False
        self._timer = threading.Timer(deadline.remaining(), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        """Watch this connection (until ``release``)."""
        with self._lock:
            self._socket = (sock.fileno(), sock.family, sock.type)
            if self.fired:
                self._shut()

    def release(self) -> None:
        """Stop watching, before the connection's descriptor is closed (and could be reused)."""
        with self._lock:
            self._socket = None
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shut()

    def _shut(self) -> None:
        if self._socket is None:
            return
        fd, family, kind = self._socket
        with contextlib.suppress(OSError), socket.fromfd(fd, family, kind) as duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)


# RFC 5321 4.5.3.1.5: a reply line is at most 512 octets; an EHLO reply has a few dozen lines.
# smtplib keeps every line of a multi-line reply, so a server that never ends one fills memory.
MAX_REPLY = 1 << 20


class _ReplyTooLong(OSError):
    """A reply past MAX_REPLY: smtplib turns it into a disconnection, whose context this is."""


class _BoundedReplies:
    """The session's reading side, counting each reply's bytes against MAX_REPLY."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self.left = MAX_REPLY

    def readline(self, limit: int = -1) -> bytes:
        line: bytes = self._file.readline(limit)
        self.left -= len(line)
        if self.left < 0:
            raise _ReplyTooLong("reply too long")
        return line

    def close(self) -> None:
        self._file.close()


@dataclass
class _Guard:
    """What watches one session: the run's deadline and its watchdog, the wait for the reply to
    the data, and who is told the moment the message has gone out whole."""

    deadline: Deadline
    watchdog: _Watchdog
    data_timeout: float
    on_transmitted: Callable[[], None] | None = None


class _Session(smtplib.SMTP):
    """smtplib's client, watched by the run's deadline, waiting as RFC 5321 allows for the reply
    to the end of the data, and knowing whether the message went out whole (``transmitted``)."""

    transmitted = False

    def __init__(self, settings: SmtpSettings, guard: _Guard) -> None:
        self.guard = guard
        super().__init__(settings.host, settings.port, timeout=min(settings.timeout, _left(guard.deadline)))

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # the plain connection: SMTP_SSL wraps what this returns, after it is watched
        wait = min(timeout, _left(self.guard.deadline))
        sock = socket.create_connection((host, port), wait, self.source_address)
        self.guard.watchdog.watch(sock)
        return sock

    def getreply(self) -> tuple[int, bytes]:
        """smtplib's reading of one reply, at most MAX_REPLY bytes of it."""
        if self.file is None and self.sock is not None:
            self.file = _BoundedReplies(self.sock.makefile("rb"))
        if isinstance(self.file, _BoundedReplies):
            self.file.left = MAX_REPLY
        return super().getreply()

    def data(self, msg: Any) -> tuple[int, bytes]:
        """smtplib's DATA, noting when the message went out whole and then waiting up to
        ``data_timeout`` (within the deadline) for the server's verdict."""
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        raw = msg.encode("ascii") if isinstance(msg, str) else bytes(msg)
        raw = re.sub(rb"(?m)^\.", b"..", raw)  # RFC 5321 4.5.2: a leading dot is doubled
        if not raw.endswith(b"\r\n"):
            raw += b"\r\n"
        self.send(raw)
        with _signals_held():
            # the final dot and the record of it as one step: a SIGTERM or Ctrl+C in between
            # would otherwise stop the run with the message delivered and nothing recorded
            self.send(b".\r\n")
            self.transmitted = True
            if self.guard.on_transmitted is not None:
                self.guard.on_transmitted()
        if self.sock is not None:
            self.sock.settimeout(min(self.guard.data_timeout, _left(self.guard.deadline)))
        verdict = self.getreply()
        if self.sock is not None:  # QUIT, after the verdict, waits briefly: the server has it
            self.sock.settimeout(min(self.timeout, QUIT_WAIT, _left(self.guard.deadline)))
        return verdict

    def close(self) -> None:
        self.guard.watchdog.release()
        super().close()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM that come during the block act once it is done.

    Their handlers are swapped for one that only notes the signal (a signal mask would not do:
    the kernel hands a process's signal to any thread that does not block it, the watchdog's).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    names = [signal.SIGINT] + ([signal.SIGTERM] if hasattr(signal, "SIGTERM") else [])
    before = {signum: signal.signal(signum, lambda signum, frame: came.append(signum)) for signum in names}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        for first in came[:1]:
            handler = before[signal.Signals(first)]
            if callable(handler):
                handler(first, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(first)


class _TlsSession(smtplib.SMTP_SSL, _Session):
    """The same, with TLS from the first byte (``security = "ssl"``)."""

    def __init__(self, settings: SmtpSettings, guard: _Guard, context: ssl.SSLContext) -> None:
        self.guard = guard
        timeout = min(settings.timeout, _left(guard.deadline))
        smtplib.SMTP_SSL.__init__(self, settings.host, settings.port, timeout=timeout, context=context)


def _left(deadline: Deadline) -> float:
    """The time left as a socket timeout (0 would make the socket non-blocking)."""
    return max(deadline.remaining(), 0.001)


def send(
    message: EmailMessage,
    settings: SmtpSettings,
    recipients: Iterable[str],
    *,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    deadline: Deadline | None = None,
    on_transmitted: Callable[[], None] | None = None,
) -> DeliveryReport:
    """Deliver ``message`` to ``recipients``, trying a failure before the data went out again up to
    ``retries`` times, waiting ``backoff``, 2×, 4× … between tries, all within ``deadline``.

    Raises DeliveryError when no recipient got it, DeliveryUncertainError when the message went
    out whole but was never confirmed (it is then not sent again). ``on_transmitted`` is called
    the moment the message has gone out whole, before the server's reply: a run killed while it
    waits for that reply has then recorded the attempt.
    """
    if retries < 0:
        raise ValueError("retries must be 0 or more")
    deadline = deadline or Deadline(settings.deadline)
    pending = _addresses(recipients)
    context = _tls_context(settings) if settings.security != "none" else None
    report = DeliveryReport(message_id=str(message.get("Message-ID", "")), server=settings.server, attempts=0)

    def again(wait: float) -> bool:
        # another try only where one is left, and time for the wait and something of the try
        return report.attempts <= retries and deadline.remaining() > wait

    while pending:
        report.attempts += 1
        wait = backoff * 2 ** (report.attempts - 1)
        try:
            refused_now = _deliver_once(message, settings, pending, context, deadline, on_transmitted)
        except _Uncertain as exc:
            raise DeliveryUncertainError(
                "E-DELIVERY-UNCERTAIN",
                server=settings.server,
                reason=exc.detail,
                addresses=pending,
                message_id=report.message_id,
                recipients=[*report.accepted, *pending],
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            refused_now = exc.recipients
        except (_Permanent, _Expired, OSError) as exc:
            reason = _reason(exc)
            if isinstance(exc, _Permanent | _Expired) or not _temporary(exc) or not again(wait):
                _give_up(exc, reason, report, pending, settings.server)
                break
            sleep(wait)
            continue
        replies = {address: (code, _one_line(reply)) for address, (code, reply) in refused_now.items()}
        report.accepted += [address for address in pending if address not in replies]
        pending = [address for address, (code, _) in replies.items() if 400 <= code < 500]
        report.refused.update({a: r for a, r in replies.items() if a not in pending})
        if pending and not again(wait):
            report.refused.update({a: replies[a] for a in pending})
            break
        if pending:
            sleep(wait)
    if not report.accepted:
        raise DeliveryError("E-DELIVERY-REFUSED", server=settings.server, refused=_refusals(report.refused))
    return report


def _give_up(
    exc: BaseException, reason: Message, report: DeliveryReport, pending: list[str], server: str
) -> None:
    """The last failure: who is missing when others were served, else the error to raise."""
    if report.accepted:
        # part of it went out already: report who is missing rather than lose that fact
        code = exc.smtp_code if isinstance(exc, smtplib.SMTPResponseException) else -1
        report.refused.update(dict.fromkeys(pending, (code, reason.text())))
        return
    if report.attempts > 1:
        raise DeliveryError(
            "E-DELIVERY-FAILED-TRIES", server=server, n=report.attempts, reason=reason
        ) from exc
    raise DeliveryError("E-DELIVERY-FAILED", server=server, reason=reason) from exc


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=settings.cafile)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(
            "E-SMTP-CAFILE-LOAD", "H-SMTP-CAFILE", path=settings.cafile, reason=str(exc), env=_ENV["cafile"]
        ) from exc
    if settings.cafile is not None:
        # create_default_context loads the system store only without a cafile; we want both
        context.load_default_certs()
    return context


def _deliver_once(
    message: EmailMessage,
    settings: SmtpSettings,
    recipients: list[str],
    context: ssl.SSLContext | None,
    deadline: Deadline,
    on_transmitted: Callable[[], None] | None,
) -> dict[str, tuple[int, bytes]]:
    """One SMTP session; returns the recipients refused while others were accepted.

    Raises _Uncertain when the message went out whole and no verdict came back, _Expired when the
    deadline passed before that.
    """
    if deadline.remaining() <= 0:
        raise _Expired(Message("D-DEADLINE", {"seconds": deadline.seconds, "env": _ENV["deadline"]}))
    watchdog = _Watchdog(deadline)
    guard = _Guard(deadline, watchdog, settings.data_timeout, on_transmitted)
    smtp: _Session | None = None
    try:
        if settings.security == "ssl":
            assert context is not None
            smtp = _TlsSession(settings, guard, context)
        else:
            smtp = _Session(settings, guard)
        refused = _converse(smtp, message, settings, recipients, context)
        # the server has the message: a failing QUIT must not make us send it again (and the
        # watchdog still minds its reply)
        with contextlib.suppress(OSError):
            smtp.quit()
    except BaseException as exc:
        if smtp is not None:
            smtp.close()
        if isinstance(exc, smtplib.SMTPDataError) and 400 <= exc.smtp_code < 600:
            raise  # the server's verdict on the message: it does not have it
        # a connection reset by the server: it closed with the message unread (a server that read
        # it to the end and failed closes without a reset), so it does not have it
        reset = isinstance(exc, ConnectionResetError) or isinstance(exc.__context__, ConnectionResetError)
        if (
            smtp is not None
            and smtp.transmitted
            and not reset
            and isinstance(exc, OSError | smtplib.SMTPException)
        ):
            raise _Uncertain(_reason(exc, fired=watchdog.fired, deadline=deadline)) from exc
        if watchdog.fired and isinstance(exc, OSError):
            raise _Expired(_reason(exc, fired=True, deadline=deadline)) from exc
        raise
    finally:
        watchdog.release()
    smtp.close()
    return refused


def _converse(
    smtp: _Session,
    message: EmailMessage,
    settings: SmtpSettings,
    recipients: list[str],
    context: ssl.SSLContext | None,
) -> dict[str, tuple[int, bytes]]:
    """EHLO, STARTTLS, the login, and the message, on a connected session."""
    smtp.ehlo()
    if settings.security == "starttls":
        if not smtp.has_extn("starttls"):
            raise _Permanent("D-NO-STARTTLS", env=_ENV["security"])
        smtp.starttls(context=context)
        smtp.ehlo()
    if settings.user:
        if not isinstance(smtp.sock, ssl.SSLSocket):
            raise _Permanent("D-PLAIN-PASSWORD")
        try:
            _login(smtp, settings.user, settings.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            if 400 <= exc.smtp_code < 500:
                raise  # 454: a temporary failure (RFC 4954), tried again as any 4xx
            raise _Permanent(
                "D-LOGIN-REFUSED",
                user=settings.user,
                reply=_reply(exc),
                user_env=_ENV["user"],
                password_env=PASSWORD_ENV,
            ) from exc
    sender = email.utils.parseaddr(settings.sender)[1] or settings.sender
    return smtp.send_message(message, from_addr=sender, to_addrs=recipients)


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    if not smtp.has_extn("auth"):
        raise _Permanent("D-NO-AUTH", env=_ENV["user"])
    if f"{user}{password}".isascii():
        smtp.login(user, password)
        return
    # smtplib encodes credentials as ASCII; AUTH PLAIN (RFC 4616) carries UTF-8, so send that by hand
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise _Permanent("D-NO-AUTH-PLAIN")
    blob = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {blob}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _temporary(exc: BaseException) -> bool:
    """Worth another try: a lost or refused connection, a timeout, a 4xx reply."""
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        return False  # a certificate or protocol mismatch does not mend itself
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 0 or 400 <= exc.smtp_code < 500
    if isinstance(exc.__context__, _ReplyTooLong):
        return False  # the same server will flood the same way
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False  # e.g. SMTPNotSupportedError: the server lacks what we need
    return isinstance(exc, OSError)


def _reason(exc: BaseException, *, fired: bool = False, deadline: Deadline | None = None) -> Message:
    """Why a try failed, as people read it; ``fired``: the deadline's watchdog cut the connection."""
    if isinstance(exc, _Permanent | _Expired):
        return exc.detail
    if fired and deadline is not None:
        return Message("D-DEADLINE", {"seconds": deadline.seconds, "env": _ENV["deadline"]})
    if isinstance(exc.__context__, _ReplyTooLong):
        return Message("D-REPLY-TOO-LONG", {"megabytes": MAX_REPLY >> 20})
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Message("D-TLS-VERIFY", {"reason": exc.verify_message, "env": _ENV["cafile"]})
    if isinstance(exc, ssl.SSLError):
        return Message("D-TLS-HANDSHAKE", {"reason": str(exc.reason or exc), "env": _ENV["security"]})
    if isinstance(exc, smtplib.SMTPResponseException):
        if exc.smtp_code < 0:  # no code: smtplib kept only the reply's end
            return Message("D-NOT-SMTP", {"reply": _reply(exc)})
        return Message("D-READER", {"reason": _reply(exc)})
    # smtplib reports a read that timed out as a disconnection
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return Message("D-TIMEOUT")
    if isinstance(exc, ConnectionRefusedError):
        return Message("D-CONNECTION-REFUSED")
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError):  # smtplib says so in English
        return Message("D-DISCONNECTED")
    return Message("D-READER", {"reason": _one_line(str(exc) or type(exc).__name__)})


def _reply(exc: smtplib.SMTPResponseException) -> str:
    """A server's reply as said: its code and text (no code where it sent none: smtplib's -1),
    without the final full stop a message adds its own after."""
    text = _one_line(exc.smtp_error).rstrip(".")
    return f"{exc.smtp_code} {text}" if exc.smtp_code >= 0 else text


def _one_line(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _refusals(refused: Mapping[str, tuple[int, str]]) -> str:
    # -1 is smtplib's code for a failure that has no SMTP reply
    return "; ".join(
        f"{address} ({code} {reply})" if code >= 0 else f"{address} ({reply})"
        for address, (code, reply) in refused.items()
    )


# --- never twice ---------------------------------------------------------------------------------

Status = Literal["sent", "uncertain"]

# A state file holds one small entry per summary sent; one this large is not ours.
_STATE_LIMIT = 16 << 20


def address_of(recipient: str) -> str:
    """A recipient's address alone, in lower case (``Kabag <KABAG@x.go.id>`` → ``kabag@x.go.id``)."""
    return email.utils.parseaddr(recipient)[1].strip().lower() or recipient.strip().lower()


class SentLog:
    """Which summaries went out already, in ``sent.json`` under the state directory.

    An entry is ``sent`` (the server accepted it) or ``uncertain`` (it went out whole but was
    never confirmed); ``locked`` keeps overlapping runs from both sending.
    """

    def __init__(self, state_dir: Path | None = None) -> None:
        if state_dir is None:
            env = os.environ.get(STATE_DIR_ENV)
            if env:
                state_dir = Path(env).expanduser()
            else:
                from platformdirs import user_state_dir

                state_dir = Path(user_state_dir("realisasi", appauthor=False))
        self.path = state_dir / "sent.json"
        self.lock_path = state_dir / "sent.lock"
        self.warning: Message | None = None
        """Set when the state file was unreadable and a copy was kept; the CLI shows it."""

    @staticmethod
    def key(data_fingerprint: str, recipients: Iterable[str]) -> str:
        """One key per data and set of recipients, whatever their order, case or display names."""
        addresses = sorted({address_of(r) for r in recipients})
        payload = json.dumps([data_fingerprint, addresses], ensure_ascii=False, allow_nan=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def was_sent(self, key: str) -> bool:
        """True when a message with this key was accepted by the server before."""
        return self.status(key) == "sent"

    def status(self, key: str) -> Status | None:
        """``sent``, ``uncertain`` (it went out but was never confirmed), or None: never sent."""
        entry = self._load().get(key)
        if entry is None:
            return None
        return "uncertain" if isinstance(entry, dict) and entry.get("status") == "uncertain" else "sent"

    def entry(self, key: str) -> dict[str, Any]:
        """What was recorded of this key (empty when nothing, or not an object)."""
        entry = self._load().get(key)
        return entry if isinstance(entry, dict) else {}

    def record(
        self, key: str, message_id: str, recipients: Iterable[str], *, uncertain: bool = False
    ) -> None:
        """Remember a message the server accepted, or one that went out unconfirmed (``uncertain``)."""
        self.restore(
            key,
            {
                "message_id": message_id,
                "recipients": list(recipients),
                "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "status": "uncertain" if uncertain else "sent",
            },
        )

    def restore(self, key: str, entry: dict[str, Any] | None) -> None:
        """Put back what ``entry(key)`` gave before (None, or an empty one: no entry)."""
        entries = self._load()
        if entry:
            entries[key] = entry
        else:
            entries.pop(key, None)
        data = (
            json.dumps({"version": 1, "sent": entries}, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        )
        try:
            if not entries:  # nothing sent: no record, as before the first attempt
                self.path.unlink(missing_ok=True)
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, data.encode("utf-8"))
        except OSError as exc:
            raise self._error("E-STATE-WRITE", self.path, exc) from exc

    @contextlib.contextmanager
    def locked(self, deadline: Deadline, poll: float = 0.05) -> Iterator[None]:
        """Hold ``sent.lock`` from the check to the record, so that overlapping runs send once.

        The lock is the operating system's (``flock``; ``msvcrt.locking`` on Windows): it goes with
        the process, however it ends, so a crashed run leaves no stale lock behind. A run that
        cannot have it before ``deadline`` fails with exit code 3.
        """
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            # O_NONBLOCK: a pipe put in the lock file's place must not hang the open
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o666)
        except OSError as exc:
            raise self._error("E-STATE-WRITE", self.lock_path, exc) from exc
        try:
            kind = kind_of(os.fstat(fd).st_mode)
            if kind is not None:
                raise self._error("E-STATE-WRITE", self.lock_path, Message(kind))
            while not _try_lock(fd, self.lock_path):
                if deadline.remaining() <= 0:
                    raise DeliveryError(
                        "E-STATE-LOCKED", path=self.lock_path, seconds=deadline.seconds, env=_ENV["deadline"]
                    )
                time.sleep(min(poll, deadline.remaining()))
            try:
                yield
            finally:
                _unlock(fd)
        finally:
            os.close(fd)

    def _load(self) -> dict[str, Any]:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise self._error("E-STATE-READ", self.path, exc) from exc
        if not stat.S_ISREG(info.st_mode):
            # a folder, a pipe, a device: moved aside, so that a record can take its place
            return self._unreadable(Message(kind_of(info.st_mode) or "F-FOLDER"), self._move_aside())
        if info.st_size > _STATE_LIMIT:
            return self._unreadable(
                Message("D-STATE-SIZE", {"megabytes": _STATE_LIMIT >> 20}), self._move_aside()
            )
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise self._error("E-STATE-READ", self.path, exc) from exc
        try:
            data = json.loads(raw.decode("utf-8"))
            entries = data["sent"]
            if not isinstance(entries, dict):
                raise TypeError("'sent' is not an object")
            return entries
        # RecursionError: the decoder's answer to [[[[… nested deeper than Python's stack
        except (UnicodeDecodeError, ValueError, TypeError, KeyError, RecursionError) as exc:
            return self._unreadable(type(exc).__name__, self._keep_copy(raw))

    def _unreadable(self, reason: str | Message, backup: Path) -> dict[str, Any]:
        """No entries, and the state message naming why and where the old file went."""
        self.warning = Message("W-STATE-UNREADABLE", {"path": self.path, "reason": reason, "backup": backup})
        return {}

    def _backup(self, n: int) -> Path:
        """sent.json.bak, sent.json.1.bak, …"""
        return self.path.with_name(f"{self.path.name}.bak" if n == 0 else f"{self.path.name}.{n}.bak")

    def _keep_copy(self, raw: bytes) -> Path:
        """Save a corrupt state file beside it before it can be overwritten; never clobber an older copy."""
        n = 0
        while True:
            backup = self._backup(n)
            try:
                info = backup.lstat()
            except FileNotFoundError:
                try:
                    write_atomic(backup, raw)
                except OSError as exc:
                    raise self._error("E-STATE-WRITE", backup, exc) from exc
                return backup
            except OSError:
                info = None
            if (
                info
                and stat.S_ISREG(info.st_mode)
                and info.st_size == len(raw)
                and backup.read_bytes() == raw
            ):
                return backup
            n += 1

    def _move_aside(self) -> Path:
        """Rename what stands in the state file's place to the first free backup name."""
        n = 0
        while os.path.lexists(self._backup(n)):
            n += 1
        try:
            self.path.rename(self._backup(n))
        except OSError as exc:
            raise self._error("E-STATE-WRITE", self.path, exc) from exc
        return self._backup(n)

    @staticmethod
    def _error(code: str, path: Path, problem: OSError | Message) -> UsageError:
        reason = problem if isinstance(problem, Message) else os_reason(problem)
        return UsageError(code, "H-STATE-DIR", path=path, reason=reason, env=STATE_DIR_ENV)


def _try_lock(fd: int, path: Path) -> bool:
    """Take the lock on ``fd`` if it is free; False when another process holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False  # held by another run (Windows says EACCES, or EDEADLOCK: an OSError below)
    except OSError as exc:
        if sys.platform == "win32":
            return False
        raise SentLog._error("E-STATE-WRITE", path, exc) from exc
    return True


def _unlock(fd: int) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
