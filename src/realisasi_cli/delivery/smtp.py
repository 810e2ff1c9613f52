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
                "E-SMTP-SECURITY", "H-SMTP-SET", value=self.security, env=_ENV["security"], key="security"
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
            raise UsageError("E-SMTP-PASSWORD-FILE", "H-SMTP-PASSWORD-ENV", env=PASSWORD_ENV)

        def get(key: str) -> Any:
            value = env.get(_ENV[key])
            if value is not None and value.strip():
                return value.strip()
            return config_smtp.get(key)

        host = _text(get("host"))
        if not host:
            raise UsageError("E-SMTP-NO-HOST", "H-SMTP-SET", env=_ENV["host"], key="host")
        sender = _text(get("from"))
        if not sender:
            raise UsageError("E-SMTP-NO-SENDER", "H-SMTP-SET", env=_ENV["from"], key="from")
        security = (_text(get("security")) or "starttls").lower()
        if security not in DEFAULT_PORTS:
            raise UsageError(
                "E-SMTP-SECURITY", "H-SMTP-SET", value=security, env=_ENV["security"], key="security"
            )
        port = _number(get("port"), "port", int)
        if port is not None and not 0 < port < 65536:
            raise UsageError("E-SMTP-PORT", "H-SMTP-PORT", value=str(port), env=_ENV["port"])
        timeout = _number(get("timeout"), "timeout", float)
        if timeout is not None and timeout <= 0:
            raise UsageError(
                "E-SMTP-TIMEOUT", "H-SMTP-FIX", value=timeout, env=_ENV["timeout"], key="timeout"
            )
        user = _text(get("user")) or None
        password = env.get(PASSWORD_ENV) or None
        if user and not password:
            raise UsageError("E-SMTP-NO-PASSWORD", "H-SMTP-JOB-PASSWORD", user=user, env=PASSWORD_ENV)
        cafile_text = _text(get("cafile"))
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
        raise UsageError("E-SMTP-NUMBER", "H-SMTP-FIX", key=key, value=str(value), env=_ENV[key]) from exc


def _recipient_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        # from the environment: "a@x.id, b@x.id"; getaddresses keeps "Name, Title <a@x.id>" whole
        return [addr for _, addr in email.utils.getaddresses([value]) if addr]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise UsageError("E-SMTP-TO", "H-FIX-CONFIG")


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
                    report.refused.update(dict.fromkeys(pending, (code, reason.text())))
                    break
                if report.attempts > 1:
                    raise DeliveryError(
                        "E-DELIVERY-FAILED-TRIES", server=settings.server, n=report.attempts, reason=reason
                    ) from exc
                raise DeliveryError("E-DELIVERY-FAILED", server=settings.server, reason=reason) from exc
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
        raise DeliveryError("E-DELIVERY-REFUSED", server=settings.server, refused=_refusals(report.refused))
    return report


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
                raise _Permanent("D-NO-STARTTLS", env=_ENV["security"])
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user:
            if not isinstance(smtp.sock, ssl.SSLSocket) and settings.security != "none":
                raise _Permanent("D-PLAIN-PASSWORD")
            try:
                _login(smtp, settings.user, settings.password or "")
            except smtplib.SMTPAuthenticationError as exc:
                raise _Permanent(
                    "D-LOGIN-REFUSED",
                    user=settings.user,
                    reply=f"{exc.smtp_code} {_one_line(exc.smtp_error)}",
                    user_env=_ENV["user"],
                    password_env=PASSWORD_ENV,
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
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False  # e.g. SMTPNotSupportedError: the server lacks what we need
    return isinstance(exc, OSError)


def _reason(exc: BaseException) -> Message:
    if isinstance(exc, _Permanent):
        return exc.detail
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Message("D-TLS-VERIFY", {"reason": exc.verify_message, "env": _ENV["cafile"]})
    if isinstance(exc, ssl.SSLError):
        return Message("D-TLS-HANDSHAKE", {"reason": str(exc.reason or exc), "env": _ENV["security"]})
    if isinstance(exc, smtplib.SMTPResponseException):
        return Message("D-READER", {"reason": f"{exc.smtp_code} {_one_line(exc.smtp_error)}"})
    # smtplib reports a read that timed out as a disconnection
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return Message("D-TIMEOUT")
    if isinstance(exc, ConnectionRefusedError):
        return Message("D-CONNECTION-REFUSED")
    return Message("D-READER", {"reason": _one_line(str(exc) or type(exc).__name__)})


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
        self.warning: Message | None = None
        """Set when the state file was unreadable and a copy was kept; the CLI shows it."""

    @staticmethod
    def key(data_fingerprint: str, recipients: Iterable[str]) -> str:
        """One key per data and set of recipients, whatever their order, case or display names."""
        addresses = sorted(
            {email.utils.parseaddr(r)[1].strip().lower() or r.strip().lower() for r in recipients}
        )
        payload = json.dumps([data_fingerprint, addresses], ensure_ascii=False, allow_nan=False)
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
        data = (
            json.dumps({"version": 1, "sent": entries}, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, data.encode("utf-8"))
        except OSError as exc:
            raise UsageError(
                "E-STATE-WRITE",
                "H-STATE-DIR",
                path=self.path,
                reason=exc.strerror or str(exc),
                env=STATE_DIR_ENV,
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
            self.warning = Message(
                "W-STATE-UNREADABLE", {"path": self.path, "reason": type(exc).__name__, "backup": backup}
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
