"""The weekly summary: its facts, its templates, and ``summary --send`` against a real SMTP server."""

from __future__ import annotations

import contextlib
import dataclasses
import email
import io
import json
import os
import shutil
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.config import DEFAULT_TARGETS
from realisasi_cli.facts.load import load
from realisasi_cli.facts.schema import Dataset
from realisasi_cli.inputs.discover import expand_inputs
from realisasi_cli.metrics.evaluate import Evaluation, evaluate
from realisasi_cli.metrics.units import RankOptions
from realisasi_cli.present.summary import (
    SummaryContext,
    SummaryUnit,
    build_summary,
    fingerprint,
    render_summary,
    subject_line,
)
from test_notify import Recorder, Server, _Controller, free_port

SEPTEMBER = "rekap_opd_30sep2023.xls"  # one layout, no unit codes
NOVEMBER = "rekap_pd_10nov2023.xlsx"  # another layout, with codes
KABAG = "kabag.organisasi@batukota.go.id"
BAPPEDA = "kepala.bappeda@batukota.go.id"
SENDER = "Realisasi Kota Batu <realisasi@batukota.go.id>"

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["summary", *args])


def indonesian(value: float, digits: int = 1) -> str:
    """``7.94`` → ``7,9``: the decimal comma, as the summary writes numbers."""
    return f"{value:.{digits}f}".replace(".", ",")


@pytest.fixture(scope="module")
def truth(expected: dict[str, Any]) -> dict[str, Any]:
    """From expected.json: the lowest unit on 10 November, its absorption and change since 30 September."""
    lowest = min(expected[NOVEMBER]["units"], key=lambda u: u["absorption_pct"])
    before = {u["name"]: u["absorption_pct"] for u in expected[SEPTEMBER]["units"]}
    total = expected[NOVEMBER]["total"]["absorption_pct"]
    total_change = total - expected[SEPTEMBER]["total"]["absorption_pct"]
    return {
        "name": lowest["name"],
        "pct": f"{indonesian(lowest['absorption_pct'])}%",
        "change": f"+{indonesian(lowest['absorption_pct'] - before[lowest['name']])} pp",
        "subject": (
            f"Realisasi belanja s.d. 10 November 2023: {indonesian(total)}% (+{indonesian(total_change)} pp)"
        ),
    }


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    """A folder as a cron job sees it: two exports of different layouts and dates."""
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in (SEPTEMBER, NOVEMBER):
        shutil.copy2(SAMPLES / name, folder / name)
    return folder


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config and a private state folder, whatever the machine running the tests has."""
    config = tmp_path / "realisasi.toml"
    config.write_text('government = "Pemerintah Kota Batu"\n', encoding="utf-8")
    monkeypatch.setenv("REALISASI_CONFIG", str(config))
    monkeypatch.setenv("REALISASI_STATE_DIR", str(tmp_path / "state"))
    for name in list(os.environ):
        if name.startswith("REALISASI_SMTP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REALISASI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REALISASI_SMTP_SECURITY", "none")
    monkeypatch.setenv("REALISASI_SMTP_FROM", SENDER)
    monkeypatch.setenv("REALISASI_SMTP_TIMEOUT", "5")
    return tmp_path / "state"


@contextlib.contextmanager
def serving(handler: Recorder, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """A real SMTP server on localhost that the command is configured to use (REALISASI_SMTP_PORT)."""
    controller = _Controller(handler, hostname="127.0.0.1", port=0, server_hostname="localhost")
    controller.start()
    monkeypatch.setenv("REALISASI_SMTP_PORT", str(controller.port))
    try:
        yield Server(controller.port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp(state: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    with serving(Recorder(), monkeypatch) as server:
        yield server


def bodies(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


# --- e-mail, as the server receives it -----------------------------------------------------------------


def test_run_twice_the_summary_goes_once_to_both_recipients(
    smtp: Server, exports: Path, truth: dict[str, Any]
) -> None:
    first = invoke(str(exports), "--to", KABAG, "--to", BAPPEDA, "--send")
    second = invoke(str(exports), "--to", KABAG, "--to", BAPPEDA, "--send")

    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 0, second.stderr
    [got] = smtp.handler.received
    assert got.recipients == [KABAG, BAPPEDA]
    message = got.message
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == truth["subject"]
    assert message["Date"] and message["Message-ID"]
    text, html = bodies(message)
    for body in (text, html):
        assert truth["name"] in body
        assert truth["pct"] in body
        assert truth["change"] in body
        assert "30 September 2023" in body
    assert "▲ " + truth["change"] in text
    assert first.stdout == "" and second.stdout == ""
    assert "terkirim:" in first.stderr
    assert "sudah terkirim" in second.stderr and "--force" in second.stderr


def test_nothing_listening_exits_3_with_one_line_and_nothing_recorded(
    state: Path, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("REALISASI_SMTP_PORT", str(port))

    result = invoke(str(exports), "--to", KABAG, "--send", "--retries", "0")

    assert result.exit_code == 3
    [line] = result.stderr.strip().splitlines()
    assert f"127.0.0.1:{port}" in line and "sambungan ditolak" in line and "[E-DELIVERY-FAILED]" in line
    assert "Traceback" not in result.stderr + result.stdout
    assert not (state / "sent.json").exists()


def test_dry_run_writes_a_parseable_eml_and_sends_nothing(
    smtp: Server, state: Path, exports: Path, tmp_path: Path, truth: dict[str, Any]
) -> None:
    eml = tmp_path / "ringkasan.eml"

    to_file = invoke(str(exports), "--to", KABAG, "--dry-run", "-o", str(eml))
    to_stdout = invoke(str(exports), "--to", KABAG, "--dry-run", "--attach-xlsx")

    assert to_file.exit_code == 0 and to_stdout.exit_code == 0, to_file.stderr + to_stdout.stderr
    parsed = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Subject"] == truth["subject"]
    assert parsed["To"] == KABAG
    assert truth["name"] in bodies(parsed)[0]
    piped = email.message_from_bytes(to_stdout.stdout_bytes, policy=policy.default)
    assert isinstance(piped, EmailMessage)
    assert [a.get_filename() for a in piped.iter_attachments()] == ["realisasi-2023-11-10.xlsx"]
    assert smtp.handler.received == []
    assert not (state / "sent.json").exists()


def test_force_sends_it_again(smtp: Server, exports: Path) -> None:
    invoke(str(exports), "--to", KABAG, "--send")

    again = invoke(str(exports), "--to", KABAG, "--send", "--force")

    assert again.exit_code == 0, again.stderr
    assert "terkirim lagi" in again.stderr
    assert len(smtp.handler.received) == 2


def test_a_broken_file_is_named_in_the_notes_and_the_mail_still_goes(smtp: Server, exports: Path) -> None:
    (exports / "rekap_rusak.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")

    result = invoke(str(exports), "--to", KABAG, "--send", "--quiet")

    assert result.exit_code == 0, result.stderr
    [got] = smtp.handler.received
    text, html = bodies(got.message)
    assert "Catatan" in text
    assert "dilewati: rekap_rusak.xlsx" in text and "dilewati: rekap_rusak.xlsx" in html
    assert str(exports) not in text, "the file's name is enough; the folder says nothing to the reader"


def test_quiet_prints_nothing_on_success(smtp: Server, exports: Path) -> None:
    sent = invoke(str(exports), "--to", KABAG, "--send", "--quiet")
    skipped = invoke(str(exports), "--to", KABAG, "--send", "--quiet")

    for result in (sent, skipped):
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert len(smtp.handler.received) == 1


def test_the_ranking_can_go_along_as_a_workbook(smtp: Server, exports: Path) -> None:
    from openpyxl import load_workbook

    result = invoke(str(exports), "--to", KABAG, "--send", "--attach-xlsx", "-q")

    assert result.exit_code == 0, result.stderr
    [got] = smtp.handler.received
    assert got.message.get_content_type() == "multipart/mixed"
    [attachment] = got.message.iter_attachments()
    assert isinstance(attachment, EmailMessage)
    book = load_workbook(io.BytesIO(attachment.get_content()), read_only=True)
    assert book.sheetnames[0] == "Peringkat"
    rows = list(book["Peringkat"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Peringkat")
    units = [row for row in rows[header + 1 :] if row and isinstance(row[0], int)]
    assert len(units) == 32, "every ranked unit, not only the bottom 10"
    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    by_name = {u["name"]: u for u in expected[NOVEMBER]["units"]}
    for row in units:
        assert row[3] == by_name[row[2]]["budget"] and row[4] == by_name[row[2]]["realized"]


def test_the_briefing_can_go_along_as_html(smtp: Server, exports: Path) -> None:
    if not (resources.files("realisasi_cli.templates") / "brief.html.j2").is_file():
        pytest.skip("templates/brief.html.j2 is not shipped yet")

    result = invoke(str(exports), "--to", KABAG, "--send", "--attach-brief", "-q")

    assert result.exit_code == 0, result.stderr
    [got] = smtp.handler.received
    [attachment] = got.message.iter_attachments()
    assert attachment.get_filename() == "realisasi-brief-2023-11-10.html"
    assert attachment.get_content_type() == "text/html"
    assert "DINAS PEKERJAAN UMUM" in attachment.get_content()


def test_recipients_come_from_the_environment_when_no_to_is_given(
    smtp: Server, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REALISASI_SMTP_TO", f"{KABAG}, Kepala Bappeda <{BAPPEDA}>")

    result = invoke(str(exports), "--send", "-q")

    assert result.exit_code == 0, result.stderr
    assert [got.recipients for got in smtp.handler.received] == [[KABAG, BAPPEDA]]


def test_no_recipients_at_all_is_a_usage_error(smtp: Server, exports: Path) -> None:
    result = invoke(str(exports), "--send")

    assert result.exit_code == 2
    assert "REALISASI_SMTP_TO" in result.stderr
    assert smtp.handler.received == []


def test_a_refused_recipient_exits_3_and_the_others_are_not_sent_it_again(
    state: Path, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusing = Recorder(rcpt_replies={BAPPEDA: ["550 5.1.1 No such user here"]})
    with serving(refusing, monkeypatch) as server:
        first = invoke(str(exports), "--to", KABAG, "--to", BAPPEDA, "--send")
        second = invoke(str(exports), "--to", KABAG, "--to", BAPPEDA, "--send", "-q")
        third = invoke(str(exports), "--to", KABAG, "--to", BAPPEDA, "--send", "--lang", "en")

    assert first.exit_code == 3
    assert BAPPEDA in first.stderr and "550" in first.stderr
    assert (state / "sent.json").exists()
    assert second.exit_code == 0
    assert [got.recipients for got in server.handler.received] == [[KABAG]]
    # the run after names whom it went to, and whom the server refused
    went, refused = third.stderr.split("\n")[:2]
    assert "already sent" in went and KABAG in went and BAPPEDA not in went
    assert BAPPEDA in refused and "refused" in refused


# --- without --send -------------------------------------------------------------------------------------


def test_without_send_the_text_goes_to_stdout(state: Path, exports: Path, truth: dict[str, Any]) -> None:
    result = invoke(str(exports), "-q")

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert truth["name"] in result.stdout and truth["change"] in result.stdout
    assert "Pemerintah Kota Batu" in result.stdout
    assert "10 dari 32 perangkat daerah di bawah 57%" in result.stdout
    assert not (state / "sent.json").exists()


def test_previous_names_the_export_to_compare_with(state: Path, truth: dict[str, Any]) -> None:
    result = invoke(str(SAMPLES / NOVEMBER), "--previous", str(SAMPLES / SEPTEMBER), "-q")

    assert result.exit_code == 0, result.stderr
    assert "dibanding 30 September 2023" in result.stdout
    assert truth["change"] in result.stdout


def test_output_with_send_is_a_usage_error(state: Path, exports: Path, tmp_path: Path) -> None:
    result = invoke(str(exports), "--to", KABAG, "--send", "-o", str(tmp_path / "x.eml"))

    assert result.exit_code == 2
    assert "--dry-run" in result.stderr


# --- the summary's facts and templates -----------------------------------------------------------------


@pytest.fixture(scope="module")
def evaluated() -> tuple[Evaluation, Dataset]:
    dataset = load(expand_inputs([SAMPLES / SEPTEMBER, SAMPLES / NOVEMBER]))
    return evaluate(dataset, RankOptions(), DEFAULT_TARGETS), dataset


@pytest.fixture(scope="module")
def context(evaluated: tuple[Evaluation, Dataset]) -> SummaryContext:
    return build_summary(*evaluated, government="Pemerintah Kota Batu")


def test_the_context_holds_the_story(context: SummaryContext, expected: dict[str, Any]) -> None:
    story = expected["story"]
    assert context.total_pct == pytest.approx(story["total_absorption_pct_10nov"], abs=0.01)
    assert context.modal_pct == pytest.approx(story["modal_absorption_pct_10nov"], abs=0.01)
    assert context.below_count == len(story["units_under_threshold_10nov"])
    assert [u.name for u in context.bottom] == story["units_under_threshold_10nov"]
    assert (context.quarter_name, context.target_pct) == ("TW IV", 95.0)
    # 10 November 2023: 65 % at the end of TW III plus 30 pp × 41/92 days of TW IV
    assert context.target_to_date_pct == pytest.approx(65 + 30 * 41 / 92)
    assert context.target_gap_pp == pytest.approx(context.total_pct - (65 + 30 * 41 / 92))
    assert context.needed_monthly_pct is not None and context.needed_monthly_pct > 0
    assert all(u.arrow == "▲" for u in context.bottom)


def test_every_field_of_the_contexts_is_documented() -> None:
    for cls in (SummaryContext, SummaryUnit):
        doc = cls.__doc__ or ""
        missing = [f.name for f in dataclasses.fields(cls) if f"    {f.name}: " not in doc]
        assert missing == [], f"{cls.__name__} does not document {missing}"


def test_both_templates_render_with_and_without_a_previous_snapshot(context: SummaryContext) -> None:
    alone = build_summary(
        evaluate(load([SAMPLES / NOVEMBER]), RankOptions(), DEFAULT_TARGETS), load([SAMPLES / NOVEMBER])
    )

    for ctx in (context, alone):
        text, html = render_summary(ctx)
        assert "DINAS PEKERJAAN UMUM" in text and "DINAS PEKERJAAN UMUM" in html
        assert html.lstrip().startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert alone.subject == "Realisasi belanja s.d. 10 November 2023: 62,5%"
    assert "belum ada data sebelumnya" in render_summary(alone)[0]


def test_html_escapes_everything_from_the_data(context: SummaryContext) -> None:
    evil = "<script>alert('x')</script> & Co"
    unit = dataclasses.replace(context.bottom[0], name=evil)
    ctx = dataclasses.replace(
        context, government=evil, bottom=[unit], entered=[evil], notes=[f"{evil}.xlsx: dilewati"]
    )

    text, html = render_summary(ctx)

    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 4
    assert evil in text


def test_english_when_asked(evaluated: tuple[Evaluation, Dataset]) -> None:
    ctx = build_summary(*evaluated, lang="en")

    text, _ = render_summary(ctx)

    assert ctx.subject == "Spending realization as of 10 November 2023: 62.5% (+5.9 pp)"
    assert "10 of 32 units below 57%" in text and "TW IV" in text


def test_the_subject_has_no_date_when_no_export_gives_one() -> None:
    assert subject_line(None, 56.56, None, "id") == "Realisasi belanja: 56,6%"


def test_the_fingerprint_follows_the_data_not_the_files(tmp_path: Path) -> None:
    def fingerprint_of(*names: str, folder: str, touch: bool = False) -> str:
        target = tmp_path / folder
        target.mkdir()
        for name in names:
            shutil.copy(SAMPLES / name, target / name)
            if touch:
                os.utime(target / name, (0, 0))
        dataset = load(expand_inputs([target]))
        return fingerprint(evaluate(dataset, RankOptions(), DEFAULT_TARGETS), dataset)

    same = fingerprint_of(SEPTEMBER, NOVEMBER, folder="a")

    assert fingerprint_of(SEPTEMBER, NOVEMBER, folder="b", touch=True) == same
    assert fingerprint_of(NOVEMBER, folder="c") != same
    assert same.startswith("sha256:")
