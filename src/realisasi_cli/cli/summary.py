"""``realisasi summary``: the weekly summary, printed or e-mailed (from cron or Task Scheduler)."""

from __future__ import annotations

import contextlib
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from realisasi_cli.cli.application import command
from realisasi_cli.cli.options import (
    AsOfOption,
    BottomOption,
    Inputs,
    LangOption,
    LastYearOption,
    PlanOption,
    RollupOption,
    StrictOption,
    TargetsOption,
    ThresholdOption,
    UnitsOption,
    dash_is_stdout,
    parse_targets,
)
from realisasi_cli.cli.output import check_output, emit, print_warnings, say, written
from realisasi_cli.cli.run import prepare
from realisasi_cli.errors import DeliveryError, DeliveryUncertainError, RealisasiError, UsageError
from realisasi_cli.messages import Message

if TYPE_CHECKING:
    from collections.abc import Callable
    from email.message import EmailMessage

    from realisasi_cli.config import Config
    from realisasi_cli.delivery.smtp import DeliveryReport, SentLog, SmtpSettings


class SummaryFormat(StrEnum):
    """What ``summary`` prints or writes without --send: the e-mail's text, or a WhatsApp message."""

    text = "text"
    whatsapp = "whatsapp"


_PLACEHOLDER_FROM = "realisasi@contoh.invalid"
_PLACEHOLDER_TO = "penerima@contoh.invalid"


def _server_configured(config_smtp: dict[str, object]) -> bool:
    """Whether a server and a sender are set, in the environment or the config."""
    import os

    return all(
        (os.environ.get(f"REALISASI_SMTP_{key.upper()}") or "").strip() or config_smtp.get(key)
        for key in ("host", "from")
    )


@command("summary")
def summary(
    inputs: Inputs,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            metavar="FILE|DIR",
            exists=True,
            help="Compare with this export instead of the previous snapshot among the inputs.",
        ),
    ] = None,
    send_: Annotated[bool, typer.Option("--send", help="E-mail the summary instead of printing it.")] = False,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            metavar="EMAIL",
            help="Recipient (repeatable); default: REALISASI_SMTP_TO, or to in realisasi.toml \\[smtp].",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Write the e-mail as .eml (to -o or stdout) instead of sending.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the text (or with --dry-run the .eml) here.",
            dir_okay=False,
            callback=dash_is_stdout,
        ),
    ] = None,
    fmt_: Annotated[
        SummaryFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (the e-mail's text, the default) or whatsapp (a message of at most 1,500 "
            "characters with WhatsApp's *bold* and _italic_, to paste into a group).",
        ),
    ] = SummaryFormat.text,
    attach_xlsx: Annotated[
        bool, typer.Option("--attach-xlsx", help="Attach the full ranking as an .xlsx workbook.")
    ] = False,
    attach_brief: Annotated[
        bool, typer.Option("--attach-brief", help="Attach the meeting briefing as HTML (as realisasi brief).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Send even if this summary was sent before.")
    ] = False,
    retries: Annotated[
        int,
        typer.Option(
            "--retries", metavar="N", min=0, help="Tries again after a temporary failure (waits 1, 2, 4 … s)."
        ),
    ] = 3,
    bottom: BottomOption = None,
    threshold: ThresholdOption = None,
    targets: TargetsOption = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    units: UnitsOption = None,
    plan: PlanOption = None,
    last_year: LastYearOption = None,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Nothing on the terminal on success (warnings go in the notes)."),
    ] = False,
) -> None:
    """The newest export against the previous one, short enough for a phone; --send e-mails it once."""
    from realisasi_cli.delivery import smtp as notify
    from realisasi_cli.metrics.evaluate import evaluate
    from realisasi_cli.present.fmt import long_date
    from realisasi_cli.present.summary import (
        brief_attachment,
        build_summary,
        fingerprint,
        ranking_workbook,
        render_summary,
    )

    if output is not None and send_ and not dry_run:
        raise UsageError("E-SUMMARY-OUTPUT-SEND")
    if fmt_ is SummaryFormat.whatsapp and (send_ or dry_run):
        raise UsageError("E-SUMMARY-WHATSAPP-SEND", option="--send" if send_ else "--dry-run")
    check_output(output, inputs + [p for p in (previous, plan, last_year) if p is not None])
    run = prepare(
        inputs,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        units=units,
        lang=lang,
        threshold=threshold,
        rollup=rollup,
        previous=previous,
        plan=plan,
        last_year=last_year,
    )
    dataset, config, language, options, earlier = (
        run.dataset,
        run.config,
        run.language,
        run.options,
        run.previous,
    )
    evaluation = evaluate(
        dataset,
        options,
        parse_targets(targets, config.targets_for(None)),
        earlier,
        bottom or config.bottom,
        plan=run.plan,
        last_year_data=run.last_year,
        stale_days=config.stale_days,
        expected=run.expected,
    )
    print_warnings(dataset.warnings, quiet, language)

    if not (send_ or dry_run):
        context = build_summary(evaluation, dataset, lang=language, government=config.government)
        if fmt_ is SummaryFormat.whatsapp:
            from realisasi_cli.present.whatsapp import whatsapp_text

            emit(whatsapp_text(context), output)
            written(output, quiet)
            return
        emit(render_summary(context)[0], output)
        return

    settings = _server(config, dry_run, quiet)
    # "--to 'a@x.id, b@x.id'" names two, as the environment's and the config's lists do
    recipients = notify.recipients_in(to) if to else list(settings.to)
    recipients = recipients or ([_PLACEHOLDER_TO] if dry_run else [])
    if not recipients:
        raise UsageError("E-NO-RECIPIENTS", "H-GIVE-RECIPIENTS")
    log = notify.SentLog()
    key = log.key(fingerprint(evaluation, dataset), recipients)

    def message() -> EmailMessage:
        context = build_summary(
            evaluation,
            dataset,
            lang=language,
            government=config.government,
            notes=[log.warning.text(language)] if log.warning else [],
        )
        text, html = render_summary(context)
        attachments = []
        if attach_xlsx:
            attachments.append(ranking_workbook(evaluation, dataset, language, config.government))
        if attach_brief:
            attachments.append(brief_attachment(evaluation, dataset, earlier, config.government, language))
        return notify.build_message(
            subject=context.subject,
            sender=settings.sender,
            recipients=recipients,
            text=text,
            html=html,
            attachments=attachments,
        )

    if dry_run:
        log.status(key)  # an unreadable state file is named in the message's notes, as when sending
        if log.warning and not quiet:
            say("N-WARNING", log.warning)
        emit(notify.write_eml(message()), output)
        written(output, quiet)
        return
    day = long_date(evaluation.as_of, language)
    done = _send_once(
        log, key, message, settings, recipients, force=force, retries=retries, day=day, quiet=quiet
    )
    if done is None:
        if not quiet:
            # those the server took then; those it refused did not get it
            from realisasi_cli.delivery.smtp import address_of

            took = [str(r) for r in log.entry(key).get("recipients") or recipients]
            refused = [r for r in recipients if address_of(r) not in {address_of(t) for t in took}]
            say(None, Message("N-ALREADY-SENT", {"day": day, "recipients": took}))
            if refused:
                say(None, Message("N-REFUSED-BEFORE", {"recipients": refused}))
        return
    report, subject, before = done
    report.raise_for_refused()
    if not quiet:
        sent = {"subject": subject, "recipients": report.accepted}
        say(None, Message("N-SENT-AGAIN" if before else "N-SENT", sent))


def _send_once(
    log: SentLog,
    key: str,
    message: Callable[[], EmailMessage],
    settings: SmtpSettings,
    recipients: list[str],
    *,
    force: bool,
    retries: int,
    day: str,
    quiet: bool,
) -> tuple[DeliveryReport, str, bool] | None:
    """Check, send and record under the state folder's lock, so that overlapping runs send once;
    None when it was sent before (and not ``force``).

    The attempt is recorded as uncertain the moment the message has gone out whole, before the
    server's reply: a run killed while it waits has then said so for the next one.
    """
    from realisasi_cli.delivery.smtp import Deadline, send

    deadline = Deadline(settings.deadline)
    with log.locked(deadline):
        before = log.status(key)
        if log.warning and not quiet:
            say("N-WARNING", log.warning)
        if before == "uncertain" and not force:
            # nobody knows whether it arrived: exit 3 until someone looks, or --force
            when = log.entry(key).get("sent_at")
            raise DeliveryError("E-DELIVERY-WAS-UNCERTAIN", day=day, recipients=recipients, when=when)
        if before is not None and not force:
            return None
        earlier, mail = log.entry(key), message()
        # written ahead, before anything goes out: a record that cannot be written (a full disk, a
        # folder not ours) stops the mail here, instead of letting every later run send it again
        log.record(key, str(mail["Message-ID"]), recipients, uncertain=True)
        went_out: list[bool] = []
        try:
            report = send(
                mail,
                settings,
                recipients,
                retries=retries,
                deadline=deadline,
                on_transmitted=lambda: went_out.append(True),
            )
        except DeliveryUncertainError as exc:
            # it may be in the mailboxes: the next run must not send it again unasked
            log.record(key, exc.message_id, exc.recipients, uncertain=True)
            raise
        except DeliveryError:
            log.restore(key, earlier)  # refused, or it never went out: no mailbox has it
            raise
        except BaseException:
            if not went_out:  # stopped (Ctrl+C, SIGTERM) before the message went out
                with contextlib.suppress(RealisasiError):
                    log.restore(key, earlier)
            raise
        # the server has the message, so a later run must not send it again
        try:
            log.record(key, report.message_id, report.accepted)
        except RealisasiError as exc:  # left as uncertain: a later run asks before sending again
            raise DeliveryError("E-SENT-NOT-RECORDED", recipients=report.accepted, reason=exc.detail) from exc
    return report, str(mail["Subject"]), before is not None


def _server(config: Config, dry_run: bool, quiet: bool) -> SmtpSettings:
    """The server settings; where the working folder's realisasi.toml named a server that was not
    used, a warning (and the error, when no other names one) says so."""
    from realisasi_cli.delivery.smtp import SmtpSettings

    if config.smtp_ignored and not quiet:
        say("N-WARNING", Message("W-SMTP-HERE", {"path": config.path, "keys": list(config.smtp_ignored)}))
    if dry_run and not _server_configured(config.smtp):
        # the safe first try: the message as it would go, before any server is set up
        if not quiet:
            say("N-NOTE", Message("N-NO-SERVER"))
        return SmtpSettings(host="localhost", sender=_PLACEHOLDER_FROM)
    try:
        return SmtpSettings.resolve(config.smtp)
    except UsageError as exc:
        if exc.code == "E-SMTP-NO-HOST" and config.smtp_ignored:
            raise UsageError("E-SMTP-NO-HOST", "H-SMTP-HERE", path=config.path) from exc
        raise
