"""Deliver the weekly summary by e-mail: settings, message, SMTP with retries, and a log against resending.

The caller (the ``summary`` command) does, in this order::

    settings = SmtpSettings.resolve(config.smtp)          # UsageError (exit 2) when incomplete
    message = build_message(subject=..., sender=settings.sender, recipients=to, text=..., html=...)
    log = SentLog()
    key = log.key(fingerprint_of_the_data, to)
    if not log.was_sent(key):
        report = send(message, settings, to)               # DeliveryError (exit 3) when nothing went out
        log.record(key, report.message_id, report.accepted)
        report.raise_for_refused()                         # exit 3 naming the refused addresses

and with ``--dry-run`` writes ``write_eml(message)`` instead of sending.
"""

from __future__ import annotations

import base64
import contextlib
import email.policy
import email.utils
import hashlib
import json
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal, cast

from realisasi_cli.errors import DeliveryError, UsageError
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
}
PASSWORD_ENV = "REALISASI_SMTP_PASSWORD"
STATE_DIR_ENV = "REALISASI_STATE_DIR"


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
    timeout: float = 30.0
    to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.security not in DEFAULT_PORTS:
            raise UsageError(
                f"SMTP security {self.security!r} is not one of starttls, ssl, none.",
                f"Set {_ENV['security']} or [smtp] security in realisasi.toml.",
            )
        if self.port == 0:
            # frozen: the default port is filled in once, here
            object.__setattr__(self, "port", DEFAULT_PORTS[self.security])

    def __repr__(self) -> str:
        password = "'***'" if self.password else "None"
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port!r}, security={self.security!r}, "
            f"user={self.user!r}, password={password}, sender={self.sender!r}, "
            f"cafile={self.cafile!r}, timeout={self.timeout!r}, to={self.to!r})"
        )

    @property
    def server(self) -> str:
        """``host:port``, as error messages name the server."""
        return f"{self.host}:{self.port}"

    @classmethod
    def resolve(cls, config_smtp: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> SmtpSettings:
        """Settings from the ``[smtp]`` table, each key overridden by its ``REALISASI_SMTP_*`` variable."""
        if "password" in config_smtp:
            raise UsageError(
                "[smtp] password is not read from a file.",
                f"Remove it from realisasi.toml and set {PASSWORD_ENV} in the environment.",
            )

        def get(key: str) -> Any:
            value = env.get(_ENV[key])
            if value is not None and value.strip():
                return value.strip()
            return config_smtp.get(key)

        host = _text(get("host"))
        if not host:
            raise UsageError(
                "No SMTP server is configured.",
                f"Set {_ENV['host']} or [smtp] host in realisasi.toml.",
            )
        sender = _text(get("from"))
        if not sender:
            raise UsageError(
                "No sender address is configured for the e-mail.",
                f"Set {_ENV['from']} or [smtp] from in realisasi.toml.",
            )
        security = (_text(get("security")) or "starttls").lower()
        if security not in DEFAULT_PORTS:
            raise UsageError(
                f"SMTP security {security!r} is not one of starttls, ssl, none.",
                f"Set {_ENV['security']} or [smtp] security in realisasi.toml.",
            )
        port = _number(get("port"), "port", int)
        if port is not None and not 0 < port < 65536:
            raise UsageError(f"SMTP port {port} is out of range.", f"Set {_ENV['port']} to 1–65535.")
        timeout = _number(get("timeout"), "timeout", float)
        if timeout is not None and timeout <= 0:
            raise UsageError(f"SMTP timeout {timeout} must be positive.", f"Fix {_ENV['timeout']}.")
        user = _text(get("user")) or None
        password = env.get(PASSWORD_ENV) or None
        if user and not password:
            raise UsageError(
                f"SMTP user {user!r} is set but no password is.",
                f"Set {PASSWORD_ENV} in the environment of the job.",
            )
        cafile_text = _text(get("cafile"))
        cafile = Path(cafile_text).expanduser() if cafile_text else None
        if cafile is not None and not cafile.is_file():
            raise UsageError(
                f"{cafile}: CA file not found.",
                f"Set {_ENV['cafile']} or [smtp] cafile to the PEM file of the mail server's CA.",
            )
        return cls(
            host=host,
            sender=sender,
            port=port or 0,
            security=cast(Security, security),
            user=user,
            password=password,
            cafile=cafile,
            timeout=timeout or 30.0,
            to=tuple(_recipient_list(get("to"))),
        )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any, key: str, kind: type[int] | type[float]) -> Any:
    if value is None or value == "":
        return None
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"SMTP {key} {value!r} is not a number.", f"Fix {_ENV[key]} or [smtp] {key} in realisasi.toml."
        ) from exc


def _recipient_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        # from the environment: "a@x.id, b@x.id"; getaddresses keeps "Name, Title <a@x.id>" whole
        return [addr for _, addr in email.utils.getaddresses([value]) if addr]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise UsageError("[smtp] to must be an address or a list of addresses.", "Fix realisasi.toml.")


def _addresses(recipients: Iterable[str]) -> list[str]:
    """Bare addresses, in order, each once (case-insensitively); a bad one is a usage error."""
    seen: set[str] = set()
    result: list[str] = []
    for recipient in recipients:
        _, address = email.utils.parseaddr(recipient)
        if "@" not in address:
            raise UsageError(
                f"{recipient!r} is not an e-mail address.", "Fix the recipients (--to, [smtp] to)."
            )
        if address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    if not result:
        raise UsageError("No recipients for the e-mail.", f"Set [smtp] to in realisasi.toml or {_ENV['to']}.")
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
                f"{self.server}: refused {_refusals(self.refused)}; delivered to {', '.join(self.accepted)}."
            )


class _Permanent(Exception):
    """A failure that trying again will not mend; carries the one-line reason."""


def send(
    message: EmailMessage,
    settings: SmtpSettings,
    recipients: Iterable[str],
    *,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Deliver ``message`` to ``recipients``, trying a temporary failure again up to ``retries`` times.

    Waits ``backoff``, 2×, 4× … between tries; raises DeliveryError when no recipient got it.
    """
    if retries < 0:
        raise ValueError("retries must be 0 or more")
    pending = _addresses(recipients)
    context = _tls_context(settings) if settings.security != "none" else None
    report = DeliveryReport(message_id=str(message.get("Message-ID", "")), server=settings.server, attempts=0)
    while pending:
        report.attempts += 1
        last_try = report.attempts > retries
        try:
            refused_now = _deliver_once(message, settings, pending, context)
        except smtplib.SMTPRecipientsRefused as exc:
            refused_now = exc.recipients
        except (_Permanent, OSError) as exc:
            reason = _reason(exc)
            if isinstance(exc, _Permanent) or not _temporary(exc) or last_try:
                if report.accepted:
                    # part of it went out already: report who is missing rather than lose that fact
                    code = exc.smtp_code if isinstance(exc, smtplib.SMTPResponseException) else -1
                    report.refused.update(dict.fromkeys(pending, (code, reason)))
                    break
                tries = f" after {report.attempts} attempts" if report.attempts > 1 else ""
                raise DeliveryError(f"{settings.server}: delivery failed{tries}: {reason}.") from exc
            sleep(backoff * 2 ** (report.attempts - 1))
            continue
        replies = {address: (code, _one_line(reply)) for address, (code, reply) in refused_now.items()}
        report.accepted += [address for address in pending if address not in replies]
        pending = [address for address, (code, _) in replies.items() if 400 <= code < 500]
        report.refused.update({a: r for a, r in replies.items() if a not in pending})
        if pending and last_try:
            report.refused.update({a: replies[a] for a in pending})
            break
        if pending:
            sleep(backoff * 2 ** (report.attempts - 1))
    if not report.accepted:
        raise DeliveryError(f"{settings.server}: every recipient was refused: {_refusals(report.refused)}.")
    return report


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    try:
        context = ssl.create_default_context(cafile=settings.cafile)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(
            f"{settings.cafile}: cannot load the CA file ({exc}).",
            f"Set {_ENV['cafile']} to a PEM file with the mail server's CA certificate.",
        ) from exc
    if settings.cafile is not None:
        # create_default_context loads the system store only without a cafile; we want both
        context.load_default_certs()
    return context


def _deliver_once(
    message: EmailMessage, settings: SmtpSettings, recipients: list[str], context: ssl.SSLContext | None
) -> dict[str, tuple[int, bytes]]:
    """One SMTP session; returns the recipients refused while others were accepted."""
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            if not smtp.has_extn("starttls"):
                raise _Permanent(
                    "the server does not offer STARTTLS and the summary is never sent unencrypted "
                    f"(use {_ENV['security']}=ssl for a server with TLS on connect)"
                )
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            if not isinstance(smtp.sock, ssl.SSLSocket) and settings.security != "none":
                raise _Permanent("refusing to send the password over an unencrypted connection")
            try:
                _login(smtp, settings.user, settings.password or "")
            except smtplib.SMTPAuthenticationError as exc:
                raise _Permanent(
                    f"login as {settings.user!r} refused ({exc.smtp_code} {_one_line(exc.smtp_error)}); "
                    f"check {_ENV['user']} and {PASSWORD_ENV}"
                ) from exc
        sender = email.utils.parseaddr(settings.sender)[1] or settings.sender
        refused = smtp.send_message(message, from_addr=sender, to_addrs=recipients)
    except BaseException:
        smtp.close()
        raise
    # the server has the message: a failing QUIT must not make us send it again
    with contextlib.suppress(OSError):
        smtp.quit()
    smtp.close()
    return refused


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    if not smtp.has_extn("auth"):
        raise _Permanent(f"the server offers no AUTH; unset {_ENV['user']} to send without a login")
    if f"{user}{password}".isascii():
        smtp.login(user, password)
        return
    # smtplib encodes credentials as ASCII; AUTH PLAIN (RFC 4616) carries UTF-8, so send that by hand
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise _Permanent("the server offers no AUTH PLAIN, which a non-ASCII user name or password needs")
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
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False  # e.g. SMTPNotSupportedError: the server lacks what we need
    return isinstance(exc, OSError)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"TLS certificate verification failed ({exc.verify_message}); "
            f"set {_ENV['cafile']} to the PEM file of the server's CA"
        )
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake failed ({exc.reason or exc}); check {_ENV['security']} and the port"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_one_line(exc.smtp_error)}"
    # smtplib reports a read that timed out as a disconnection
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running on that port?)"
    return _one_line(str(exc) or type(exc).__name__)


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


class SentLog:
    """Which summaries went out already, in ``sent.json`` under the state directory."""

    def __init__(self, state_dir: Path | None = None) -> None:
        if state_dir is None:
            env = os.environ.get(STATE_DIR_ENV)
            if env:
                state_dir = Path(env).expanduser()
            else:
                from platformdirs import user_state_dir

                state_dir = Path(user_state_dir("realisasi", appauthor=False))
        self.path = state_dir / "sent.json"
        self.warning: str | None = None
        """Set when the state file was unreadable and a copy was kept; the CLI shows it."""

    @staticmethod
    def key(data_fingerprint: str, recipients: Iterable[str]) -> str:
        """One key per data and set of recipients, whatever their order, case or display names."""
        addresses = sorted(
            {email.utils.parseaddr(r)[1].strip().lower() or r.strip().lower() for r in recipients}
        )
        payload = json.dumps([data_fingerprint, addresses], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def was_sent(self, key: str) -> bool:
        """True when a message with this key was accepted by the server before."""
        return key in self._load()

    def record(self, key: str, message_id: str, recipients: Iterable[str]) -> None:
        """Remember a message the server accepted (call it only then)."""
        entries = self._load()
        entries[key] = {
            "message_id": message_id,
            "recipients": list(recipients),
            "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        data = json.dumps({"version": 1, "sent": entries}, ensure_ascii=False, indent=2) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, data.encode("utf-8"))
        except OSError as exc:
            raise UsageError(
                f"{self.path}: cannot record the sent e-mail ({exc.strerror or exc}).",
                f"Set {STATE_DIR_ENV} to a folder this job can write.",
            ) from exc

    def _load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
            entries = data["sent"]
            if not isinstance(entries, dict):
                raise TypeError("'sent' is not an object")
            return entries
        except (UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
            backup = self._keep_copy(raw)
            self.warning = (
                f"{self.path}: unreadable ({type(exc).__name__}), treated as empty; "
                f"the old file is kept as {backup}."
            )
            return {}

    def _keep_copy(self, raw: bytes) -> Path:
        """Save a corrupt state file beside it before it can be overwritten; never clobber an older copy."""
        n = 0
        while True:
            backup = self.path.with_name(f"{self.path.name}.bak" if n == 0 else f"{self.path.name}.{n}.bak")
            if not backup.exists():
                write_atomic(backup, raw)
                return backup
            if backup.read_bytes() == raw:
                return backup
            n += 1
