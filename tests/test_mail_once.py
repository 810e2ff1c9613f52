"""E-mail at most once per run, against servers on localhost that misbehave on purpose.

Each server here is a real socket: one that stores the message and answers late, one that drops
the connection after the data, one that trickles its greeting forever, one that defers the first
try. The summary must be delivered once, never twice, and the job must end in bounded time.
"""

from __future__ import annotations

import contextlib
import email
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from typing import Any

import pytest

from realisasi_cli.delivery.smtp import (
    DATA_TIMEOUT,
    DEADLINE,
    MAX_SECONDS,
    QUIT_WAIT,
    Deadline,
    SentLog,
    SmtpSettings,
    build_message,
    recipients_in,
    send,
)
from realisasi_cli.errors import DeliveryError, DeliveryUncertainError, ExitCode, UsageError
from test_summary import KABAG, SENDER, exports, invoke, state

# the fixtures of test_summary, used here by name
__all__ = ["exports", "state"]
# the core's messages are read in English here; the commands speak the language they are given
pytestmark = pytest.mark.usefixtures("english_messages")

ROOT = Path(__file__).resolve().parents[1]


# --- a server that misbehaves as told ----------------------------------------------------------


@dataclass
class Script:
    """How the server behaves. ``after_data``: ``reply`` (250 at once), ``late`` (250 after
    ``late`` seconds), ``drop`` (close without a reply), ``4xx`` (451: not taken), ``5xx`` (554:
    refused)."""

    after_data: str = "reply"
    late: float = 0.0
    trickle: float | None = None  # a "220-" line every so many seconds, never the last one
    mail_replies: list[str] = field(default_factory=list)  # replies to MAIL FROM, one per session
    auth: bool = False  # offers AUTH over the plain connection
    flood: bool = False  # answers EHLO with "250-" lines as fast as it can, never the last one
    reset_in_data: bool = False  # resets the connection after the message's first line, unread
    quiet_quit: bool = False  # never answers QUIT, the message taken


class MisbehavingServer:
    """A small SMTP server in threads that counts what it stores, one thread per connection."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)  # so that the accepting thread sees the stop
        self.port: int = self.listener.getsockname()[1]
        self.connections = 0
        self.messages: list[bytes] = []
        self.auth_lines: list[bytes] = []
        self.rcpt_lines: list[bytes] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError), conn, conn.makefile("rb") as lines:
            if self.script.trickle is not None:
                while not self._stop.wait(self.script.trickle):
                    conn.sendall(b"220-still getting ready\r\n")
                return
            conn.sendall(b"220 localhost ESMTP\r\n")
            for line in lines:
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO") and self.script.flood:
                    line_of_a_kb = b"250-" + b"x" * 1020 + b"\r\n"
                    while not self._stop.is_set():
                        conn.sendall(line_of_a_kb * 64)
                    return
                if verb in (b"EHLO", b"HELO"):
                    offers = b"250-AUTH PLAIN LOGIN\r\n" if self.script.auth else b""
                    conn.sendall(b"250-localhost\r\n" + offers + b"250 SIZE 10000000\r\n")
                elif verb == b"AUTH":
                    self.auth_lines.append(line)
                    conn.sendall(b"235 2.7.0 Authentication successful\r\n")
                elif verb == b"MAIL":
                    reply = self.script.mail_replies.pop(0) if self.script.mail_replies else "250 OK"
                    conn.sendall(reply.encode() + b"\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    if not self._after_data(conn, lines):
                        return
                elif verb == b"QUIT":
                    if self.script.quiet_quit:
                        self._stop.wait(30)
                        return
                    conn.sendall(b"221 Bye\r\n")
                    return
                elif verb == b"RCPT":
                    self.rcpt_lines.append(line)
                    conn.sendall(b"250 OK\r\n")
                else:  # RCPT, RSET, NOOP
                    conn.sendall(b"250 OK\r\n")

    def _after_data(self, conn: socket.socket, lines: Any) -> bool:
        """Read the message up to its final dot, store it, and answer as the script says."""
        body = b""
        for line in lines:
            if self.script.reset_in_data:  # closed with the rest unread: the system sends a reset
                time.sleep(0.2)
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return False
            if line == b".\r\n":
                break
            body += line
        if self.script.after_data == "4xx":
            conn.sendall(b"451 4.3.0 Try again later\r\n")
            return True
        if self.script.after_data == "5xx":
            conn.sendall(b"554 5.7.1 Rejected as spam\r\n")
            return True
        self.messages.append(body)
        if self.script.after_data == "drop":
            return False
        if self.script.after_data == "late" and self._stop.wait(self.script.late):
            return False  # the test is over
        conn.sendall(b"250 2.0.0 Ok: queued\r\n")
        return True

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        self._accepting.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)


@pytest.fixture
def misbehaving() -> Iterator[Any]:
    servers: list[MisbehavingServer] = []

    def start(script: Script) -> MisbehavingServer:
        servers.append(MisbehavingServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def settings(port: int, **changes: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": SENDER,
        "timeout": 5.0,
    }
    return SmtpSettings(**(values | changes))


def message() -> Any:
    return build_message(subject="Ringkasan", sender=SENDER, recipients=[KABAG], text="t", html="<p>h</p>")


def subjects(server: MisbehavingServer) -> list[str]:
    return [str(email.message_from_bytes(m, policy=policy.default)["Subject"]) for m in server.messages]


# --- at the level of one delivery ----------------------------------------------------------------------


def test_a_late_reply_to_the_data_is_uncertain_and_never_sent_again(misbehaving: Any) -> None:
    server = misbehaving(Script(after_data="late", late=1.5))
    sleeps: list[float] = []

    with pytest.raises(DeliveryUncertainError, match="delivery uncertain: check the mailbox") as caught:
        send(message(), settings(server.port, data_timeout=0.5), [KABAG], retries=3, sleep=sleeps.append)

    assert caught.value.exit_code == ExitCode.DELIVERY
    assert caught.value.recipients == [KABAG]
    assert server.connections == 1 and len(server.messages) == 1, "stored once, not tried again"
    assert sleeps == []


def test_the_reply_to_the_data_is_awaited_as_long_as_rfc_5321_allows(misbehaving: Any) -> None:
    # A reply later than every other timeout (the per-read one is 0.5 s) but within data_timeout
    # is a delivery, once.
    server = misbehaving(Script(after_data="late", late=1.0))

    report = send(message(), settings(server.port, timeout=0.5, data_timeout=3), [KABAG])

    assert report.accepted == [KABAG] and report.attempts == 1
    assert len(server.messages) == 1
    assert DATA_TIMEOUT == 600 and SmtpSettings(host="h", sender="a@b.id").data_timeout == 600


def test_a_connection_dropped_after_the_data_is_uncertain(misbehaving: Any) -> None:
    server = misbehaving(Script(after_data="drop"))

    with pytest.raises(DeliveryUncertainError, match=f"127.0.0.1:{server.port}.*delivery uncertain"):
        send(message(), settings(server.port), [KABAG], retries=3, sleep=lambda _: None)

    assert server.connections == 1 and len(server.messages) == 1


def test_a_connection_reset_in_the_data_is_no_delivery_and_is_tried_again(misbehaving: Any) -> None:
    # a reset says the server closed with the message unread: it does not have it
    server = misbehaving(Script(reset_in_data=True))
    sleeps: list[float] = []

    with pytest.raises(DeliveryError, match="after 2 attempts: the server closed the connection") as caught:
        send(message(), settings(server.port), [KABAG], retries=1, sleep=sleeps.append)

    assert not isinstance(caught.value, DeliveryUncertainError)
    assert server.connections == 2 and server.messages == [] and sleeps == [1.0]


def test_a_server_silent_after_taking_the_message_holds_the_run_only_briefly(misbehaving: Any) -> None:
    server = misbehaving(Script(quiet_quit=True))
    started = time.monotonic()

    report = send(message(), settings(server.port, timeout=30.0), [KABAG])

    assert report.accepted == [KABAG] and len(server.messages) == 1
    assert time.monotonic() - started < QUIT_WAIT + 3, "QUIT waits QUIT_WAIT, not the 30 s of a command"


def test_recipients_given_in_one_value_are_each_sent_to(misbehaving: Any) -> None:
    server = misbehaving(Script())
    recipients = recipients_in(["kabag@pemda.go.id, Sekda <sekda@pemda.go.id>"])

    send(
        build_message(subject="s", sender=SENDER, recipients=recipients, text="t", html="h"),
        settings(server.port),
        recipients,
    )

    assert [line.split(b":", 1)[1] for line in server.rcpt_lines] == [
        b"<kabag@pemda.go.id>\r\n",
        b"<sekda@pemda.go.id>\r\n",
    ]
    [stored] = server.messages
    assert (
        email.message_from_bytes(stored, policy=policy.default)["To"]
        == "kabag@pemda.go.id, Sekda <sekda@pemda.go.id>"
    )


@pytest.mark.parametrize(
    "value", ["kabag@pemda.go.id\r\nBcc: x@y.id", "Kabag, Keuangan <k@pemda.go.id>", "kabag", "a@b.id\x00"]
)
def test_a_recipient_with_a_line_break_or_no_address_is_refused(value: str) -> None:
    with pytest.raises(UsageError) as caught:
        recipients_in([value])
    assert caught.value.code == "E-BAD-ADDRESS" and caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("reply", "said"),
    [("hello there", "no SMTP reply (…o there)"), ("550 Line too long.", "550 Line too long")],
)
def test_a_reply_is_said_as_the_server_sent_it(misbehaving: Any, reply: str, said: str) -> None:
    server = misbehaving(Script(mail_replies=[reply, reply]))

    with pytest.raises(DeliveryError) as caught:
        send(message(), settings(server.port), [KABAG], retries=0, sleep=lambda _: None)

    assert said in str(caught.value)
    assert "-1" not in str(caught.value) and ".." not in str(caught.value)


def test_a_refusal_before_the_data_is_tried_again_and_delivered_once(misbehaving: Any) -> None:
    server = misbehaving(Script(mail_replies=["451 4.7.1 Greylisted, try again"]))
    sleeps: list[float] = []

    report = send(message(), settings(server.port), [KABAG], sleep=sleeps.append)

    assert (report.accepted, report.attempts, sleeps) == ([KABAG], 2, [1.0])
    assert server.connections == 2 and len(server.messages) == 1


def test_an_explicit_4xx_to_the_data_is_not_uncertain_and_is_tried_again(misbehaving: Any) -> None:
    # 451 after the final dot is the server saying it did not take the message: a new try is
    # the right thing (RFC 5321 4.2.5), unlike silence
    server = misbehaving(Script(after_data="4xx"))

    with pytest.raises(DeliveryError, match="after 2 attempts: 451") as caught:
        send(message(), settings(server.port), [KABAG], retries=1, sleep=lambda _: None)

    assert not isinstance(caught.value, DeliveryUncertainError)
    assert server.connections == 2 and server.messages == []


def test_a_greeting_that_trickles_forever_ends_at_the_deadline(misbehaving: Any) -> None:
    # a "220-" line every 0.2 s: each read returns long before the 5 s per-read timeout
    server = misbehaving(Script(trickle=0.2))
    started = time.monotonic()

    with pytest.raises(DeliveryError, match=r"time allowed for delivery \(1\.5 s, REALISASI_SMTP_DEADLINE\)"):
        send(message(), settings(server.port, deadline=1.5), [KABAG], retries=3, sleep=time.sleep)

    assert time.monotonic() - started < 3
    assert server.messages == []


def test_a_reply_that_never_ends_is_cut_at_a_megabyte(misbehaving: Any) -> None:
    # smtplib keeps every line of a multi-line reply: without a bound this fills memory until
    # the deadline
    server = misbehaving(Script(flood=True))
    started = time.monotonic()

    with pytest.raises(DeliveryError, match="the server's reply is longer than 1 MB"):
        send(message(), settings(server.port), [KABAG], retries=3, sleep=lambda _: None)

    assert time.monotonic() - started < 5
    assert server.connections == 1, "the same server would flood the same way: not tried again"


def test_retries_stop_at_the_deadline(misbehaving: Any) -> None:
    server = misbehaving(Script(mail_replies=["451 busy"] * 10))
    sleeps: list[float] = []

    with pytest.raises(DeliveryError, match="after 2 attempts: 451 busy"):
        # after the first wait of 1 s, 2 s more would pass the deadline of 2 s
        send(message(), settings(server.port, deadline=2.0), [KABAG], retries=5, sleep=sleeps.append)

    assert sleeps == [1.0]


def test_a_password_is_never_sent_to_a_plain_text_server(misbehaving: Any) -> None:
    server = misbehaving(Script(auth=True))

    with pytest.raises(UsageError, match="security 'none'") as caught:
        send(message(), settings(server.port, user="realisasi", password="rahasia"), [KABAG])

    assert caught.value.exit_code == ExitCode.USAGE
    assert server.connections == 0 and server.auth_lines == []


def test_the_time_settings_come_from_the_config_and_the_environment() -> None:
    config = {"host": "h", "from": "a@b.id", "data_timeout": 300, "deadline": "1200"}

    resolved = SmtpSettings.resolve(config, {"REALISASI_SMTP_DEADLINE": "60"})

    assert (resolved.data_timeout, resolved.deadline) == (300.0, 60.0)
    assert SmtpSettings.resolve({"host": "h", "from": "a@b.id"}, {}).deadline == DEADLINE == 900
    for key, variable in (
        ("data_timeout", "REALISASI_SMTP_DATA_TIMEOUT"),
        ("deadline", "REALISASI_SMTP_DEADLINE"),
    ):
        for bad in ("0", "-5", "inf", "soon", "1e12", "86401"):
            with pytest.raises(UsageError, match=variable):
                SmtpSettings.resolve({"host": "h", "from": "a@b.id"}, {variable: bad})
        assert key in str(SmtpSettings.resolve({"host": "h", "from": "a@b.id"}, {}))
    assert (
        SmtpSettings.resolve({"host": "h", "from": "a@b.id"}, {"REALISASI_SMTP_TIMEOUT": "86400"}).timeout
        == 86400
    )
    assert MAX_SECONDS == 86400


@pytest.mark.parametrize(
    ("config", "code"),
    [
        ({"port": True}, "E-SMTP-NUMBER"),
        ({"port": 2525.9}, "E-SMTP-NUMBER"),
        ({"host": ["mail.a.go.id", "mail.b.go.id"]}, "E-SMTP-TEXT"),
        ({"from": 42}, "E-SMTP-TEXT"),
    ],
)
def test_server_settings_of_the_wrong_kind_are_refused(config: dict[str, Any], code: str) -> None:
    with pytest.raises(UsageError) as caught:
        SmtpSettings.resolve({"host": "h", "from": "a@b.id"} | config, {})
    assert caught.value.code == code and caught.value.exit_code == ExitCode.USAGE


def test_security_none_with_a_user_is_refused_however_it_is_set() -> None:
    env = {"REALISASI_SMTP_USER": "realisasi", "REALISASI_SMTP_PASSWORD": "rahasia"}

    with pytest.raises(UsageError, match="REALISASI_SMTP_SECURITY") as caught:
        SmtpSettings.resolve({"host": "h", "from": "a@b.id", "security": "none"}, env)

    assert caught.value.code == "E-SMTP-PLAIN-LOGIN"
    # without a user no login is tried, and the password stays home
    assert SmtpSettings.resolve(
        {"host": "h", "from": "a@b.id", "security": "none"}, env | {"REALISASI_SMTP_USER": ""}
    )


# --- the lock ------------------------------------------------------------------------------------------


def test_a_run_waits_for_the_lock_and_gives_up_at_its_deadline(tmp_path: Path) -> None:
    log, other = SentLog(tmp_path), SentLog(tmp_path)
    started = time.monotonic()

    with other.locked(Deadline(5)):
        with (
            pytest.raises(DeliveryError, match="another run is still sending") as caught,
            log.locked(Deadline(0.3)),
        ):
            pass
        waited = time.monotonic() - started

    assert caught.value.exit_code == ExitCode.DELIVERY
    assert 0.3 <= waited < 2
    with log.locked(Deadline(0.3)):  # free again
        pass


def test_the_lock_is_released_when_its_holder_dies(tmp_path: Path) -> None:
    # a run killed while it holds the lock leaves no stale lock: it is the operating system's
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path\n"
            "from realisasi_cli.delivery.smtp import SentLog, Deadline\n"
            "with SentLog(Path(sys.argv[1])).locked(Deadline(5)):\n"
            "    print('held', flush=True); time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    with pytest.raises(DeliveryError, match="another run"), SentLog(tmp_path).locked(Deadline(0.2)):
        pass
    holder.kill()
    holder.wait()

    with SentLog(tmp_path).locked(Deadline(2)):
        pass


# --- the summary command -------------------------------------------------------------------------------


@pytest.fixture
def uses(monkeypatch: pytest.MonkeyPatch) -> Any:
    def point_at(server: MisbehavingServer) -> MisbehavingServer:
        monkeypatch.setenv("REALISASI_SMTP_PORT", str(server.port))
        return server

    return point_at


def test_story_a_late_250_is_delivered_once_and_the_next_run_does_not_resend(
    state: Path, exports: Path, misbehaving: Any, uses: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = uses(misbehaving(Script(after_data="late", late=1.5)))
    monkeypatch.setenv("REALISASI_SMTP_DATA_TIMEOUT", "0.5")

    first = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")
    second = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")

    assert first.exit_code == 3, first.stderr
    assert "delivery uncertain: check the mailbox" in first.stderr and "--force resends" in first.stderr
    assert "[E-DELIVERY-UNCERTAIN]" in first.stderr and "Traceback" not in first.stderr
    assert second.exit_code == 3, second.stderr
    assert "[E-DELIVERY-WAS-UNCERTAIN]" in second.stderr and "--force" in second.stderr
    assert server.connections == 1 and len(server.messages) == 1, "the second run did not even connect"
    [entry] = json.loads((state / "sent.json").read_text(encoding="utf-8"))["sent"].values()
    assert entry["status"] == "uncertain" and entry["recipients"] == [KABAG]

    server.script.after_data = "reply"
    forced = invoke(str(exports), "--to", KABAG, "--send", "--force", "--lang", "en")
    after = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")

    assert forced.exit_code == 0 and "sent again (--force)" in forced.stderr
    assert after.exit_code == 0 and "already sent" in after.stderr
    assert len(server.messages) == 2
    [entry] = json.loads((state / "sent.json").read_text(encoding="utf-8"))["sent"].values()
    assert entry["status"] == "sent"


def test_story_a_drop_after_the_data_exits_3_once_and_is_remembered(
    state: Path, exports: Path, misbehaving: Any, uses: Any
) -> None:
    server = uses(misbehaving(Script(after_data="drop")))

    first = invoke(str(exports), "--to", KABAG, "--send")
    second = invoke(str(exports), "--to", KABAG, "--send", "-q")

    assert first.exit_code == 3 and "pengiriman tidak pasti" in first.stderr
    assert second.exit_code == 3 and "[E-DELIVERY-WAS-UNCERTAIN]" in second.stderr
    assert server.connections == 1 and len(server.messages) == 1


def test_story_greylisting_is_retried_and_delivered_once(
    state: Path, exports: Path, misbehaving: Any, uses: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = uses(misbehaving(Script(mail_replies=["451 4.7.1 Greylisted"])))
    monkeypatch.setattr(time, "sleep", lambda _: None)

    result = invoke(str(exports), "--to", KABAG, "--send", "-q")

    assert result.exit_code == 0, result.stderr
    assert server.connections == 2 and len(server.messages) == 1
    assert subjects(server) == [subjects(server)[0]] and subjects(server)[0].startswith("Realisasi belanja")


def test_story_a_trickling_server_cannot_hold_the_job(
    state: Path, exports: Path, misbehaving: Any, uses: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = uses(misbehaving(Script(trickle=0.2)))
    monkeypatch.setenv("REALISASI_SMTP_DEADLINE", "1")
    started = time.monotonic()

    result = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")

    assert time.monotonic() - started < 10
    assert result.exit_code == 3
    assert "the time allowed for delivery (1 s, REALISASI_SMTP_DEADLINE) ran out" in result.stderr
    assert not (state / "sent.json").exists(), "nothing went out: the next run tries again"
    assert server.messages == []


def test_story_no_login_over_plain_text(
    state: Path, exports: Path, misbehaving: Any, uses: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = uses(misbehaving(Script(auth=True)))
    monkeypatch.setenv("REALISASI_SMTP_USER", "realisasi")
    monkeypatch.setenv("REALISASI_SMTP_PASSWORD", "rahasia")

    result = invoke(str(exports), "--to", KABAG, "--send")

    assert result.exit_code == 2
    assert "[E-SMTP-PLAIN-LOGIN]" in result.stderr and "REALISASI_SMTP_SECURITY" in result.stderr
    assert server.connections == 0 and server.auth_lines == []


def test_story_a_refusal_after_the_data_is_not_remembered_so_the_next_run_tries_again(
    state: Path, exports: Path, misbehaving: Any, uses: Any
) -> None:
    server = uses(misbehaving(Script(after_data="5xx")))

    refused = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")
    server.script.after_data = "reply"
    again = invoke(str(exports), "--to", KABAG, "--send", "-q")

    assert refused.exit_code == 3 and "554 5.7.1 Rejected as spam" in refused.stderr
    assert again.exit_code == 0, again.stderr
    assert len(server.messages) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_story_a_run_killed_while_waiting_for_the_reply_has_recorded_the_attempt(
    state: Path, exports: Path, misbehaving: Any, uses: Any
) -> None:
    import signal

    server = uses(misbehaving(Script(after_data="late", late=30)))
    command = [sys.executable, "-m", "realisasi_cli", "--lang", "en", "summary", str(exports), "--to", KABAG]
    child = subprocess.Popen([*command, "--send"], stderr=subprocess.PIPE, text=True)
    try:
        started = time.monotonic()
        while not server.messages:  # the message is in; the reply is 30 s away
            assert child.poll() is None, child.communicate()[1]
            assert time.monotonic() - started < 60
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        _, stderr = child.communicate(timeout=30)
    finally:
        child.kill()

    assert child.returncode == 143, stderr
    [entry] = json.loads((state / "sent.json").read_text(encoding="utf-8"))["sent"].values()
    assert entry["status"] == "uncertain"
    after = invoke(str(exports), "--to", KABAG, "--send")
    assert after.exit_code == 3 and "[E-DELIVERY-WAS-UNCERTAIN]" in after.stderr
    assert server.connections == 1


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="measured with POSIX resource limits")
def test_a_trickling_server_holds_a_real_run_no_longer_than_its_deadline(
    state: Path, exports: Path, misbehaving: Any, uses: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_hardening import run_measured

    uses(misbehaving(Script(trickle=0.2)))
    monkeypatch.setenv("REALISASI_SMTP_DEADLINE", "3")

    code, stderr, seconds, peak = run_measured("summary", str(exports), "--to", KABAG, "--send")

    assert code == 3 and "ran out" in stderr, stderr
    assert seconds < 3 + 5 and peak < 300, (seconds, peak)


# --- a realisasi.toml in the working folder ---------------------------------------------------------------


@pytest.fixture
def shared_folder(state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The job runs in a shared exports folder whose realisasi.toml names another server."""
    folder = tmp_path / "shared"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("REALISASI_CONFIG")
    monkeypatch.delenv("REALISASI_SMTP_HOST")
    monkeypatch.delenv("REALISASI_SMTP_SECURITY")
    from realisasi_cli import config

    # the user's own config file, wherever the machine running the tests keeps its own
    monkeypatch.setattr(config, "_user_config", lambda: tmp_path / "home-config" / "realisasi.toml")
    return folder


def test_a_config_in_the_working_folder_cannot_choose_the_mail_server(
    shared_folder: Path, exports: Path, misbehaving: Any, tmp_path: Path
) -> None:
    rogue = misbehaving(Script(auth=True))
    (shared_folder / "realisasi.toml").write_text(
        f'government = "Kota Batu"\n[smtp]\nhost = "127.0.0.1"\nport = {rogue.port}\nsecurity = "none"\n',
        encoding="utf-8",
    )

    result = invoke(str(exports), "--to", KABAG, "--send", "--lang", "en")

    assert result.exit_code == 2
    assert "[smtp] host, port, security not used from a realisasi.toml merely found" in result.stderr
    assert "[E-SMTP-NO-HOST]" in result.stderr and "--config" in result.stderr
    assert rogue.connections == 0


def test_the_users_own_config_gives_the_server_and_the_working_folder_the_rest(
    shared_folder: Path, exports: Path, misbehaving: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rogue, own = misbehaving(Script()), misbehaving(Script())
    monkeypatch.delenv("REALISASI_SMTP_PORT", raising=False)
    (shared_folder / "realisasi.toml").write_text(
        f'government = "Pemerintah Kota Contoh"\n[smtp]\nhost = "127.0.0.1"\nport = {rogue.port}\n',
        encoding="utf-8",
    )
    user_config = tmp_path / "home-config" / "realisasi.toml"
    user_config.parent.mkdir(parents=True)
    user_config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {own.port}\nsecurity = "none"\n', encoding="utf-8"
    )

    result = invoke(str(exports), "--to", KABAG, "--send", "-q")

    assert result.exit_code == 0, result.stderr
    assert (rogue.connections, len(own.messages)) == (0, 1)
    mail = email.message_from_bytes(own.messages[0], policy=policy.default)
    assert "Pemerintah Kota Contoh" in str(mail.get_body(preferencelist=("plain",)))


def test_a_config_named_with_config_may_choose_the_server(
    shared_folder: Path, exports: Path, misbehaving: Any
) -> None:
    own = misbehaving(Script())
    (shared_folder / "realisasi.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {own.port}\nsecurity = "none"\n', encoding="utf-8"
    )

    from typer.testing import CliRunner

    from realisasi_cli.cli.application import app

    result = CliRunner().invoke(
        app, ["--config", "realisasi.toml", "summary", str(exports), "--to", KABAG, "--send", "-q"]
    )

    assert result.exit_code == 0, result.stderr
    assert len(own.messages) == 1


# --- two runs at once ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_runs_at_the_same_moment_send_once(
    state: Path, exports: Path, misbehaving: Any, uses: Any
) -> None:
    # the server takes 3 s to answer the data: the second run reaches its check while the first
    # is still waiting for that reply, and must wait for the lock instead of sending too
    server = uses(misbehaving(Script(after_data="late", late=3.0)))
    env = {k: v for k, v in os.environ.items() if k != "REALISASI_LANG"} | {"REALISASI_LANG": "en"}
    command = [sys.executable, "-m", "realisasi_cli", "summary", str(exports), "--to", KABAG, "--send"]

    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=60), run.communicate()[1]) for run in runs]

    assert [code for code, _ in results] == [0, 0], results
    assert len(server.messages) == 1
    said = sorted("already sent" in stderr for _, stderr in results)
    assert said == [False, True], results


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_signal_during_the_final_dot_and_its_record_acts_after_both() -> None:
    import signal

    from realisasi_cli.delivery.smtp import _signals_held

    class Stopped(Exception):
        pass

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    done: list[str] = []
    old = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(Stopped), _signals_held():
            signal.raise_signal(signal.SIGTERM)
            done.append("dot sent")
            signal.raise_signal(signal.SIGINT)
            done.append("recorded")
        assert signal.getsignal(signal.SIGTERM) is stop  # the handler is back
    finally:
        signal.signal(signal.SIGTERM, old)
    assert done == ["dot sent", "recorded"]
