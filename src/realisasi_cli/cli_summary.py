"""``realisasi summary``: the weekly summary, printed or e-mailed (from cron or Task Scheduler)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from realisasi_cli.cli import (
    AsOfOption,
    BottomOption,
    Inputs,
    LangOption,
    RollupOption,
    StrictOption,
    TargetsOption,
    ThresholdOption,
    _check_output,
    _emit,
    _prepare,
    _print_warnings,
    app,
    err,
    escape,
    handle_errors,
    parse_targets,
)
from realisasi_cli.errors import UsageError

if TYPE_CHECKING:
    from realisasi_cli.analysis import Evaluation
    from realisasi_cli.load import Dataset

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _stamp(evaluation: Evaluation) -> str:
    """The as-of date for attachment names: ``2023-11-10``."""
    return evaluation.as_of.isoformat() if evaluation.as_of else "terbaru"


def _ranking_workbook(evaluation: Evaluation) -> tuple[str, bytes, str, str]:
    """Every ranked unit as an .xlsx attachment named after the as-of date."""
    from realisasi_cli.export import xlsx_bytes
    from realisasi_cli.report import RANK_COLUMNS, Selection, rank_rows

    rows = rank_rows(evaluation.ranking, Selection(all=True))
    return (
        f"realisasi-{_stamp(evaluation)}.xlsx",
        xlsx_bytes([("Peringkat", RANK_COLUMNS, rows)]),
        *XLSX_TYPE,
    )


def _briefing(
    evaluation: Evaluation, dataset: Dataset, previous: Dataset | None, government: str | None, lang: str
) -> tuple[str, bytes, str, str]:
    """The meeting briefing (as ``realisasi brief -f html`` writes it) as an attachment."""
    from realisasi_cli.briefing import build_brief, render_brief

    context = build_brief(
        evaluation, dataset, government=government, meeting_date=None, lang=lang, previous=previous
    )
    html = render_brief(context, "html")
    return (f"realisasi-brief-{_stamp(evaluation)}.html", html.encode("utf-8"), "text", "html")


@app.command("summary")
@handle_errors
def summary(
    inputs: Inputs,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            exists=True,
            help="Compare with this export instead of the previous snapshot among the inputs.",
        ),
    ] = None,
    send_: Annotated[bool, typer.Option("--send", help="E-mail the summary instead of printing it.")] = False,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
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
            "--output", "-o", help="Write the text (or with --dry-run the .eml) here.", dir_okay=False
        ),
    ] = None,
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
        typer.Option("--retries", min=0, help="Tries again after a temporary failure (waits 1, 2, 4 … s)."),
    ] = 3,
    bottom: BottomOption = None,
    threshold: ThresholdOption = None,
    targets: TargetsOption = None,
    lang: LangOption = None,
    as_of: AsOfOption = None,
    rollup: RollupOption = False,
    strict: StrictOption = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Nothing on the terminal on success (warnings go in the notes)."),
    ] = False,
) -> None:
    """The newest export against the previous one, short enough for a phone; --send e-mails it once."""
    from realisasi_cli import notify
    from realisasi_cli.analysis import evaluate
    from realisasi_cli.fmt import long_date
    from realisasi_cli.summary import build_summary, fingerprint, render_summary

    if output is not None and send_ and not dry_run:
        raise UsageError("-o writes the text or, with --dry-run, the .eml; --send sends it: choose one.")
    _check_output(output, inputs + ([previous] if previous is not None else []))
    run = _prepare(
        inputs,
        as_of=as_of,
        strict=strict,
        quiet=quiet,
        lang=lang,
        threshold=threshold,
        rollup=rollup,
        previous=previous,
    )
    dataset, config, language, options, earlier = (
        run.dataset,
        run.config,
        run.language,
        run.options,
        run.previous,
    )
    evaluation = evaluate(
        dataset, options, parse_targets(targets, config.targets), earlier, bottom or config.bottom
    )
    _print_warnings(dataset, quiet, language)

    if not (send_ or dry_run):
        context = build_summary(evaluation, dataset, lang=language, government=config.government)
        _emit(render_summary(context)[0], output)
        return

    settings = notify.SmtpSettings.resolve(config.smtp)
    recipients = list(to or settings.to)
    if not recipients:
        raise UsageError(
            "No recipients for the e-mail.", "Give --to ADDR, or set [smtp] to or REALISASI_SMTP_TO."
        )
    log = notify.SentLog()
    key = log.key(fingerprint(evaluation, dataset), recipients)
    already = log.was_sent(key)
    if log.warning and not quiet:
        err.print(f"[yellow]warning:[/] {escape(log.warning)}", soft_wrap=True)
    if already and not force and not dry_run:
        if not quiet:
            err.print(
                f"already sent: the summary of {long_date(evaluation.as_of, language)} went to "
                f"{escape(', '.join(recipients))} before; not sent again (--force sends it anyway).",
                soft_wrap=True,
            )
        return

    context = build_summary(
        evaluation,
        dataset,
        lang=language,
        government=config.government,
        notes=[log.warning] if log.warning else [],
    )
    text, html = render_summary(context)
    message = notify.build_message(
        subject=context.subject,
        sender=settings.sender,
        recipients=recipients,
        text=text,
        html=html,
        attachments=[
            *([_ranking_workbook(evaluation)] if attach_xlsx else []),
            *([_briefing(evaluation, dataset, earlier, config.government, language)] if attach_brief else []),
        ],
    )
    if dry_run:
        _emit(notify.write_eml(message), output)
        if output is not None and not quiet:
            err.print(f"written: {escape(str(output))}")
        return
    report = notify.send(message, settings, recipients, retries=retries)
    # only now: the server has the message, so a later run must not send it again
    log.record(key, report.message_id, report.accepted)
    report.raise_for_refused()
    if not quiet:
        again = " again (--force)" if already else ""
        err.print(
            f"sent{again}: {escape(context.subject)} → {escape(', '.join(report.accepted))}", soft_wrap=True
        )
