"""E-mail delivery against a real SMTP server on localhost (aiosmtpd), TLS from a throwaway CA (trustme)."""

from __future__ import annotations

import asyncio
import email
import json
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from realisasi_cli.delivery.smtp import DeliveryReport, SentLog, SmtpSettings, build_message, send, write_eml
from realisasi_cli.errors import DeliveryError, ExitCode, UsageError

# the messages are read in English here; tests/test_messages.py checks the Indonesian texts
pytestmark = pytest.mark.usefixtures("english_messages")

SENDER = "Realisasi Kota Batu <realisasi@batukota.go.id>"
KABAG = "kabag.organisasi@batukota.go.id"
BAPPEDA = "kepala.bappeda@batukota.go.id"
SUBJECT = "Ringkasan mingguan: 10 SKPD di bawah 57 % ▼"
TEXT = "Realisasi s.d. 10 November 2023: 56,6 % ▲ 1,2 pp.\nDinas Pekerjaan Umum dan Penataan Ruang: 31,4 % ▼"
HTML = "<p>Realisasi s.d. 10 November 2023: <b>56,6 %</b> ▲ 1,2 pp.</p>"
XLSX = bytes(range(256)) * 4  # binary on purpose: every byte value must survive base64
PASSWORD = "rahasia-123"
UTF8_PASSWORD = "kata-sandi-ñ-▲"  # smtplib alone would fail to encode it


# --- a real server ---------------------------------------------------------------------------------


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage
    tls: bool
    login: bytes | None


@dataclass
class Recorder:
    """An aiosmtpd handler that keeps what it accepts and answers from a script where told to."""

    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    data_replies: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        script = self.rcpt_replies.get(address)
        if script:
            return script.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        assert isinstance(envelope.content, bytes)
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        login = session.auth_data if isinstance(session.auth_data, bytes) else None
        # the transport, not session.ssl, which aiosmtpd sets only after STARTTLS
        tls = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(list(envelope.rcpt_tos), parsed, tls, login))
        return "250 OK"


class _Controller(Controller):
    """Listens on a port the system picks, so runs never collide on a fixed one."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it unannotated


@dataclass
class Server:
    port: int
    handler: Recorder


def authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"realisasi"
        and auth_data.password in (PASSWORD.encode(), UTF8_PASSWORD.encode())
    )
    # handled=False: aiosmtpd then answers 535 itself
    return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    """Start an SMTP server on 127.0.0.1 with the given handler and aiosmtpd options; stopped afterwards."""
    controllers: list[Controller] = []

    def start(handler: Recorder | None = None, **options: Any) -> Server:
        handler = handler or Recorder()
        # server_hostname: spares a reverse DNS look-up per server
        controller = _Controller(
            handler, hostname="127.0.0.1", port=0, server_hostname="localhost", **options
        )
        controller.start()
        controllers.append(controller)
        return Server(controller.port, handler)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def cafile(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def stranger_cafile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA that signed nothing the servers here present."""
    path = tmp_path_factory.mktemp("stranger") / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def sleeps() -> list[float]:
    return []


def settings(port: int, **changes: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": SENDER,
        "timeout": 5.0,
    }
    return SmtpSettings(**(values | changes))


def summary(recipients: list[str], **extra: Any) -> EmailMessage:
    return build_message(subject=SUBJECT, sender=SENDER, recipients=recipients, text=TEXT, html=HTML, **extra)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- the message, as the server receives it ------------------------------------------------------------


def test_plain_delivery_arrives_part_by_part(serve: Callable[..., Server], sleeps: list[float]) -> None:
    server = serve()
    when = datetime(2023, 11, 15, 7, 0, tzinfo=timezone(timedelta(hours=7)))
    message = summary(
        [KABAG],
        attachments=[("realisasi-10-november-2023.xlsx", XLSX, "application", "vnd.ms-excel")],
        date=when,
    )

    report = send(message, settings(server.port), [KABAG], sleep=sleeps.append)

    assert report == DeliveryReport(
        message_id=message["Message-ID"], server=f"127.0.0.1:{server.port}", accepted=[KABAG], attempts=1
    )
    [got] = server.handler.received
    assert got.recipients == [KABAG]
    mail = got.message
    assert mail["Subject"] == SUBJECT
    assert mail["From"] == SENDER
    assert mail["To"] == KABAG
    assert mail["Message-ID"] == report.message_id
    assert mail["Message-ID"].endswith("@batukota.go.id>")
    assert mail["Date"].datetime == when
    assert mail["Date"].datetime.utcoffset() == timedelta(hours=7)
    assert mail.get_content_type() == "multipart/mixed"
    alternative, attachment = mail.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html = alternative.iter_parts()
    assert (plain.get_content_type(), plain.get_content_charset()) == ("text/plain", "utf-8")
    assert plain.get_content().splitlines() == TEXT.splitlines()
    assert (html.get_content_type(), html.get_content_charset()) == ("text/html", "utf-8")
    assert html.get_content().splitlines() == HTML.splitlines()
    assert attachment.get_filename() == "realisasi-10-november-2023.xlsx"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == XLSX
    assert sleeps == []


def test_a_message_without_attachments_is_alternative_only() -> None:
    message = summary([KABAG, BAPPEDA])

    assert message.get_content_type() == "multipart/alternative"
    assert message["To"] == f"{KABAG}, {BAPPEDA}"
    assert message["Date"].datetime.tzinfo is not None


def test_the_eml_of_a_dry_run_is_the_wire_form_and_parses_back() -> None:
    message = summary([KABAG], attachments=[("rekap ▼.csv", b"a;b\r\n1;2\r\n", "text", "csv")])

    eml = write_eml(message)

    assert b"\r\n" in eml and b"\n" not in eml.replace(b"\r\n", b"")
    assert all(byte < 128 for byte in eml), "7-bit safe: no server needs 8BITMIME"
    parsed = email.message_from_bytes(eml, policy=policy.default)
    assert parsed["Subject"] == SUBJECT
    assert [part.get_filename() for part in parsed.iter_attachments()] == ["rekap ▼.csv"]


def test_a_line_break_in_the_subject_cannot_add_a_header() -> None:
    message = build_message(
        subject="Ringkasan\r\nBcc: semua@contoh.id", sender=SENDER, recipients=[KABAG], text="t", html="h"
    )

    assert message["Subject"] == "Ringkasan Bcc: semua@contoh.id"
    assert "Bcc" not in message


# --- TLS and login -------------------------------------------------------------------------------------


def test_starttls_with_the_ca_file_and_login(
    serve: Callable[..., Server], server_tls: ssl.SSLContext, cafile: Path
) -> None:
    server = serve(tls_context=server_tls, require_starttls=True, authenticator=authenticator)
    config = settings(server.port, security="starttls", cafile=cafile, user="realisasi", password=PASSWORD)

    report = send(summary([KABAG]), config, [KABAG])

    assert report.accepted == [KABAG]
    [got] = server.handler.received
    assert got.tls is True
    assert got.login == b"realisasi"


def test_tls_on_connect_and_a_non_ascii_password(
    serve: Callable[..., Server], server_tls: ssl.SSLContext, cafile: Path
) -> None:
    # aiosmtpd counts only STARTTLS as TLS; this connection is TLS from the start
    server = serve(ssl_context=server_tls, authenticator=authenticator, auth_require_tls=False)
    config = settings(server.port, security="ssl", cafile=cafile, user="realisasi", password=UTF8_PASSWORD)

    send(summary([KABAG]), config, [KABAG])

    [got] = server.handler.received
    assert (got.tls, got.login) == (True, b"realisasi")


def test_a_wrong_password_fails_at_once(
    serve: Callable[..., Server], server_tls: ssl.SSLContext, cafile: Path, sleeps: list[float]
) -> None:
    server = serve(tls_context=server_tls, authenticator=authenticator)
    config = settings(server.port, security="starttls", cafile=cafile, user="realisasi", password="salah")

    with pytest.raises(DeliveryError, match="REALISASI_SMTP_PASSWORD") as caught:
        send(summary([KABAG]), config, [KABAG], sleep=sleeps.append)

    assert "535" in str(caught.value)
    assert sleeps == [], "an authentication failure is not tried again"
    assert server.handler.received == []


def test_a_temporary_login_failure_is_tried_again(
    serve: Callable[..., Server], server_tls: ssl.SSLContext, cafile: Path, sleeps: list[float]
) -> None:
    sessions: list[int] = []

    def flaky(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        sessions.append(id(session))
        if sessions[0] == id(session):  # RFC 4954: 454 is a temporary failure, not a wrong password
            return AuthResult(
                success=False, handled=False, message="454 4.7.0 Temporary authentication failure"
            )
        return authenticator(server, session, envelope, mechanism, auth_data)

    server = serve(tls_context=server_tls, authenticator=flaky)
    config = settings(server.port, security="starttls", cafile=cafile, user="realisasi", password=PASSWORD)

    report = send(summary([KABAG]), config, [KABAG], sleep=sleeps.append)

    assert (report.accepted, report.attempts, sleeps) == ([KABAG], 2, [1.0])
    assert len(server.handler.received) == 1


def test_a_certificate_from_an_unknown_ca_is_refused(
    serve: Callable[..., Server], server_tls: ssl.SSLContext, stranger_cafile: Path, sleeps: list[float]
) -> None:
    server = serve(tls_context=server_tls)
    config = settings(server.port, security="starttls", cafile=stranger_cafile)

    with pytest.raises(DeliveryError, match="certificate verification failed") as caught:
        send(summary([KABAG]), config, [KABAG], sleep=sleeps.append)

    assert f"127.0.0.1:{server.port}" in str(caught.value)
    assert caught.value.exit_code == ExitCode.DELIVERY
    assert sleeps == []
    assert server.handler.received == []


def test_a_server_without_starttls_gets_nothing_in_plain_text(
    serve: Callable[..., Server], cafile: Path, sleeps: list[float]
) -> None:
    server = serve()  # no tls_context: no STARTTLS in its EHLO reply
    config = settings(server.port, security="starttls", cafile=cafile)

    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        send(summary([KABAG]), config, [KABAG], sleep=sleeps.append)

    assert server.handler.received == []
    assert sleeps == []


def test_tls_on_connect_to_a_plain_server_is_a_clear_error(
    serve: Callable[..., Server], cafile: Path, sleeps: list[float]
) -> None:
    server = serve()

    with pytest.raises(DeliveryError, match=r"TLS handshake failed.*REALISASI_SMTP_SECURITY"):
        send(
            summary([KABAG]),
            settings(server.port, security="ssl", cafile=cafile),
            [KABAG],
            sleep=sleeps.append,
        )

    assert sleeps == []
    assert server.handler.received == []


# --- refusals and retries ------------------------------------------------------------------------------


def test_one_recipient_refused_for_good_the_other_served(serve: Callable[..., Server]) -> None:
    server = serve(Recorder(rcpt_replies={BAPPEDA: ["550 5.1.1 No such user here"]}))

    report = send(summary([KABAG, BAPPEDA]), settings(server.port), [KABAG, BAPPEDA])

    assert report.accepted == [KABAG]
    assert report.refused == {BAPPEDA: (550, "5.1.1 No such user here")}
    assert [got.recipients for got in server.handler.received] == [[KABAG]]
    with pytest.raises(DeliveryError, match=BAPPEDA) as caught:
        report.raise_for_refused()
    assert caught.value.exit_code == ExitCode.DELIVERY


def test_every_recipient_refused_is_a_delivery_error(serve: Callable[..., Server]) -> None:
    server = serve(Recorder(rcpt_replies={KABAG: ["550 5.1.1 No such user here"]}))

    with pytest.raises(DeliveryError, match=f"every recipient was refused: {KABAG} \\(550"):
        send(summary([KABAG]), settings(server.port), [KABAG])

    assert server.handler.received == []


def test_a_temporary_failure_is_tried_again_and_delivered_once(
    serve: Callable[..., Server], sleeps: list[float]
) -> None:
    server = serve(Recorder(data_replies=["451 4.3.0 Try again later"]))

    report = send(summary([KABAG]), settings(server.port), [KABAG], backoff=0.5, sleep=sleeps.append)

    assert report.attempts == 2
    assert sleeps == [0.5]
    assert report.accepted == [KABAG]
    assert len(server.handler.received) == 1


def test_a_recipient_deferred_at_rcpt_is_retried_alone(
    serve: Callable[..., Server], sleeps: list[float]
) -> None:
    server = serve(Recorder(rcpt_replies={BAPPEDA: ["451 4.2.1 Mailbox busy"]}))

    report = send(summary([KABAG, BAPPEDA]), settings(server.port), [KABAG, BAPPEDA], sleep=sleeps.append)

    assert (report.accepted, report.refused, report.attempts) == ([KABAG, BAPPEDA], {}, 2)
    assert [got.recipients for got in server.handler.received] == [[KABAG], [BAPPEDA]]


def test_retries_back_off_exponentially_then_give_up(
    serve: Callable[..., Server], sleeps: list[float]
) -> None:
    server = serve(Recorder(data_replies=["451 4.3.0 Try again later"] * 4))

    with pytest.raises(DeliveryError, match=r"after 4 attempts: 451 4\.3\.0 Try again later") as caught:
        send(summary([KABAG]), settings(server.port), [KABAG], retries=3, backoff=1.0, sleep=sleeps.append)

    assert sleeps == [1.0, 2.0, 4.0]
    assert f"127.0.0.1:{server.port}" in str(caught.value)
    assert "\n" not in caught.value.message
    assert server.handler.received == []


def test_a_permanent_failure_is_not_tried_again(serve: Callable[..., Server], sleeps: list[float]) -> None:
    server = serve(Recorder(data_replies=["554 5.7.1 Message rejected as spam"]))

    with pytest.raises(DeliveryError, match=r"554 5\.7\.1 Message rejected as spam"):
        send(summary([KABAG]), settings(server.port), [KABAG], sleep=sleeps.append)

    assert sleeps == []


def test_nothing_listening_fails_quickly_and_nothing_is_recorded(tmp_path: Path, sleeps: list[float]) -> None:
    port = free_port()
    log = SentLog(tmp_path)
    key = log.key("data-2023-11-10", [KABAG])
    started = time.monotonic()

    with pytest.raises(DeliveryError, match=f"127.0.0.1:{port}.*after 3 attempts.*connection refused"):
        report = send(summary([KABAG]), settings(port, timeout=0.5), [KABAG], retries=2, sleep=sleeps.append)
        log.record(key, report.message_id, report.accepted)

    assert time.monotonic() - started < 2
    assert sleeps == [1.0, 2.0]
    assert not log.was_sent(key)
    assert not (tmp_path / "sent.json").exists()


def test_a_server_that_never_answers_times_out(sleeps: list[float]) -> None:
    with socket.socket() as silent:
        # listening but never accepting: the connection opens, the greeting never comes
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        started = time.monotonic()

        with pytest.raises(DeliveryError, match="after 2 attempts: the server did not answer in time"):
            send(summary([KABAG]), settings(port, timeout=0.2), [KABAG], retries=1, sleep=sleeps.append)

    assert time.monotonic() - started < 2
    assert sleeps == [1.0]


# --- settings ------------------------------------------------------------------------------------------


CONFIG = {
    "host": "mail.batukota.go.id",
    "port": 587,
    "security": "starttls",
    "user": "realisasi",
    "from": "realisasi@batukota.go.id",
    "to": [KABAG],
}


def test_settings_come_from_the_config_with_the_password_from_the_environment() -> None:
    resolved = SmtpSettings.resolve(CONFIG, {"REALISASI_SMTP_PASSWORD": PASSWORD})

    assert resolved == SmtpSettings(
        host="mail.batukota.go.id",
        port=587,
        security="starttls",
        user="realisasi",
        password=PASSWORD,
        sender="realisasi@batukota.go.id",
        to=(KABAG,),
    )
    assert resolved.timeout == 30.0


def test_the_environment_overrides_the_config(tmp_path: Path) -> None:
    ca_pem = tmp_path / "ca.pem"
    ca_pem.write_text("not needed until sending")
    env = {
        "REALISASI_SMTP_HOST": "relay.internal",
        "REALISASI_SMTP_PORT": "2525",
        "REALISASI_SMTP_SECURITY": "SSL",
        "REALISASI_SMTP_USER": "cron",
        "REALISASI_SMTP_PASSWORD": PASSWORD,
        "REALISASI_SMTP_FROM": "Laporan <laporan@batukota.go.id>",
        "REALISASI_SMTP_CAFILE": str(ca_pem),
    }

    resolved = SmtpSettings.resolve(CONFIG, env)

    assert (resolved.host, resolved.port, resolved.security) == ("relay.internal", 2525, "ssl")
    assert (resolved.user, resolved.sender, resolved.cafile) == ("cron", env["REALISASI_SMTP_FROM"], ca_pem)


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25)])
def test_the_default_port_follows_the_security(security: str, port: int) -> None:
    resolved = SmtpSettings.resolve({"host": "h", "from": "a@b.id", "security": security}, {})

    assert resolved.port == port


@pytest.mark.parametrize(
    ("config", "variable"),
    [
        ({"from": "a@b.id"}, "REALISASI_SMTP_HOST"),
        ({"host": "h"}, "REALISASI_SMTP_FROM"),
        ({"host": "h", "from": "a@b.id", "user": "u"}, "REALISASI_SMTP_PASSWORD"),
        ({"host": "h", "from": "a@b.id", "security": "tls"}, "REALISASI_SMTP_SECURITY"),
        ({"host": "h", "from": "a@b.id", "port": "smtp"}, "REALISASI_SMTP_PORT"),
        ({"host": "h", "from": "a@b.id", "cafile": "/nonexistent/ca.pem"}, "REALISASI_SMTP_CAFILE"),
        ({"host": "h", "from": "a@b.id", "password": "x"}, "REALISASI_SMTP_PASSWORD"),
    ],
)
def test_incomplete_settings_name_the_variable_to_set(config: dict[str, Any], variable: str) -> None:
    with pytest.raises(UsageError, match=variable) as caught:
        SmtpSettings.resolve(config, {})

    assert caught.value.exit_code == ExitCode.USAGE


def test_the_password_never_shows_in_a_repr() -> None:
    resolved = SmtpSettings.resolve(CONFIG, {"REALISASI_SMTP_PASSWORD": PASSWORD})

    assert PASSWORD not in repr(resolved)
    assert PASSWORD not in str(resolved)
    assert "password='***'" in repr(resolved)


# --- never twice ---------------------------------------------------------------------------------------


def test_a_recorded_summary_counts_as_sent(tmp_path: Path) -> None:
    log = SentLog(tmp_path / "state")
    key = log.key("sha256:abc", [KABAG, BAPPEDA])

    assert not log.was_sent(key)
    log.record(key, "<1@batukota.go.id>", [KABAG, BAPPEDA])

    assert SentLog(tmp_path / "state").was_sent(key)
    stored = json.loads((tmp_path / "state" / "sent.json").read_text(encoding="utf-8"))
    assert stored["sent"][key]["message_id"] == "<1@batukota.go.id>"


def test_the_key_ignores_order_case_and_display_names() -> None:
    key = SentLog.key("sha256:abc", [KABAG, BAPPEDA])

    assert SentLog.key("sha256:abc", [BAPPEDA.upper(), f"Kabag <{KABAG}>"]) == key
    assert SentLog.key("sha256:abc", [KABAG]) != key
    assert SentLog.key("sha256:abd", [KABAG, BAPPEDA]) != key


def test_other_recipients_have_not_been_sent_the_summary(tmp_path: Path) -> None:
    log = SentLog(tmp_path)
    log.record(log.key("sha256:abc", [KABAG]), "<1@batukota.go.id>", [KABAG])

    assert not log.was_sent(log.key("sha256:abc", [BAPPEDA]))


def test_a_corrupt_state_file_is_treated_as_empty_and_kept(tmp_path: Path) -> None:
    broken = b'{"version": 1, "sent": {"abc'
    (tmp_path / "sent.json").write_bytes(broken)
    log = SentLog(tmp_path)
    key = log.key("sha256:abc", [KABAG])

    assert not log.was_sent(key)
    assert log.warning is not None and log.warning.code == "W-STATE-UNREADABLE"
    assert "sent.json.bak" in log.warning.text()
    log.record(key, "<2@batukota.go.id>", [KABAG])

    assert log.was_sent(key)
    assert (tmp_path / "sent.json.bak").read_bytes() == broken


def test_the_state_directory_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REALISASI_STATE_DIR", str(tmp_path / "cron-state"))
    log = SentLog()

    log.record(log.key("sha256:abc", [KABAG]), "<3@batukota.go.id>", [KABAG])

    assert log.path == tmp_path / "cron-state" / "sent.json"
    assert log.path.is_file()
