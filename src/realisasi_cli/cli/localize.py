"""The command line in the user's language: ``--help`` texts and the errors of option parsing.

The options are declared once, with English help (the source stays readable to every
contributor); ``localize`` puts the Indonesian text of each in place before the command line
is parsed, from ``HELP`` below. The frame of Typer's help (panel titles) and the parser's own
errors (an unknown option, a missing argument) are put in the language too.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

# what an option takes, as its help names it: in Indonesian
METAVARS = {
    "FILE": "BERKAS",
    "FILE|DIR": "BERKAS|FOLDER",
    "FILE|DIR...": "BERKAS|FOLDER...",
    "DIR": "FOLDER",
    "CATEGORY": "JENIS",
    "YYYY-MM-DD": "TTTT-BB-HH",
    "LOW,HIGH": "BAWAH,ATAS",
    "ADDRESS": "ALAMAT",
    "EMAIL": "SUREL",
}

# English help of each option and command: its Indonesian text
HELP: dict[str, str] = {
    "Rank perangkat daerah by budget absorption, straight from realization exports.": (
        "Peringkat perangkat daerah menurut penyerapan anggaran, langsung dari ekspor realisasi."
    ),
    "Show the version and exit.": "Tampilkan versi lalu keluar.",
    "Show a traceback on errors.": "Tampilkan traceback saat terjadi kesalahan.",
    "Config file (realisasi.toml).": "Berkas konfigurasi (realisasi.toml).",
    "Language for people: id (default) or en.": "Bahasa tampilan: id (bawaan) atau en.",
    "Read every file afresh, not the facts kept from earlier runs.": (
        "Baca ulang setiap berkas, bukan fakta yang disimpan dari jalannya perintah sebelumnya."
    ),
    "Rank units by absorption (realisasi ÷ pagu): the bottom 10 by default.": (
        "Peringkat perangkat daerah menurut penyerapan (realisasi ÷ pagu): bawaannya 10 terendah."
    ),
    "Export files or folders.": "Berkas atau folder ekspor.",
    "Show the N lowest (default 10).": "Tampilkan N terendah (bawaan 10).",
    "Show the N highest instead.": "Tampilkan N tertinggi.",
    "Show every unit.": "Tampilkan semua perangkat daerah.",
    "Absorption threshold in % (default 57).": "Ambang penyerapan dalam % (bawaan 57).",
    "Only one spending category: operasi, pegawai, barang_jasa, bunga, subsidi, hibah, bansos, modal, tidak_terduga, "
    "transfer (also 'belanja modal', 'Modal').": (
        "Hanya satu jenis belanja: operasi, pegawai, barang_jasa, bunga, subsidi, hibah, bansos, modal, tidak_terduga, "
        "transfer (juga 'belanja modal', 'Modal')."
    ),
    "Output format (default: from -o's suffix, else table).": (
        "Format keluaran (bawaan: menurut akhiran nama berkas -o, selain itu tabel)."
    ),
    "Write to this file instead of the terminal.": "Tulis ke berkas ini, bukan ke layar.",
    "Data as of this date (YYYY-MM-DD), overriding the file.": (
        "Data per tanggal ini (TTTT-BB-HH), menggantikan tanggal di berkas."
    ),
    "Fold sub-units (RSUD, UPT: codes ending .0001) into their SKPD.": (
        "Gabungkan unit di bawahnya (RSUD, UPT: kode berakhiran .0001) ke SKPD induknya."
    ),
    "Fail if any input cannot be used.": "Gagal bila ada masukan yang tidak dapat dipakai.",
    "A list of units (CSV/XLSX: Kode, Nama, optionally Berkas with file-name patterns).": (
        "Daftar perangkat daerah (CSV/XLSX: Kode, Nama, boleh juga Berkas dengan pola nama berkas)."
    ),
    "No warnings on the terminal.": "Tanpa peringatan di layar.",
    "An earlier export: show the change since then.": "Ekspor sebelumnya: tampilkan perubahan sejak itu.",
    "Add the monthly pace, year-end projection and pace needed.": (
        "Tambahkan laju per bulan, proyeksi akhir tahun, dan laju yang diperlukan."
    ),
    "Cumulative targets % for TW I–IV (default 15,40,65,95).": (
        'Target kumulatif % untuk TW I–IV (bawaan 15,40,65,95; dengan desimal: "12,5;40;65;95").'
    ),
    "Last year's export (file or folder): realization a year earlier at the same date.": (
        "Ekspor tahun lalu (berkas atau folder): realisasi setahun sebelumnya pada tanggal yang sama."
    ),
    "Per quarter (TW I–IV): realized, cumulative, % of budget, target and gap, per unit and in total.": (
        "Per triwulan (TW I–IV): realisasi, kumulatif, % pagu, target dan selisihnya, per perangkat daerah "
        "dan total."
    ),
    "A cash plan (anggaran kas / RAK): each unit's own targets.": (
        "Rencana anggaran kas (anggaran kas / RAK): target masing-masing perangkat daerah."
    ),
    "Write the facts as a Parquet dataset partitioned by year and data date (DuckDB, Spark, Polars).": (
        "Tulis fakta sebagai dataset Parquet yang dipartisi menurut tahun dan tanggal data (DuckDB, Spark, "
        "Polars)."
    ),
    "Read the files on a Dask cluster: its scheduler's address (tcp://host:8786); needs the dask extra of realisasi, and the files where the workers see them.": (
        "Baca berkas di klaster Dask: alamat penjadwalnya (tcp://host:8786); perlu ekstra dask dari "
        "realisasi, dan berkas di tempat yang terjangkau para worker."
    ),
    "Folder for the Parquet files.": "Folder untuk berkas Parquet.",
    "Show how each file and sheet was understood: header, column roles, context, rows used.": (
        "Tampilkan bagaimana tiap berkas dan lembar dipahami: kepala tabel, peran kolom, konteks, baris "
        "yang dipakai."
    ),
    "table (default), json, or xlsx (with -o).": "table (bawaan), json, atau xlsx (dengan -o).",
    "CSV for programs (plain: commas, decimal points; the default) or for Excel on an Indonesian Windows "
    "(excel-id: semicolons, decimal commas, headers in --lang).": (
        "CSV untuk program (plain: koma, titik desimal; bawaan) atau untuk Excel di Windows berbahasa "
        "Indonesia (excel-id: titik koma, koma desimal, judul kolom sesuai --lang)."
    ),
    "The briefing for the evaluation meeting: summary, categories, ranking, lowest units, charts.": (
        "Bahan rapat evaluasi: ringkasan, jenis belanja, peringkat, perangkat daerah terendah, grafik."
    ),
    "The follow-up worksheet filled in at the previous meeting (brief -o tindak-lanjut.xlsx): "
    "what was agreed for each unit beside its change since.": (
        "Lembar tindak lanjut yang diisi pada rapat sebelumnya (brief -o tindak-lanjut.xlsx): "
        "kesepakatan tiap perangkat daerah di samping perubahannya sejak itu."
    ),
    "md, html, pdf, or xlsx for the follow-up worksheet (default: from -o's suffix, else md).": (
        "md, html, pdf, atau xlsx untuk lembar tindak lanjut (bawaan: menurut akhiran nama berkas -o, selain itu md)."
    ),
    "Write to this file (.md, .html, .pdf, or .xlsx for the follow-up worksheet) instead of stdout.": (
        "Tulis ke berkas ini (.md, .html, .pdf, atau .xlsx untuk lembar tindak lanjut), bukan ke layar."
    ),
    "Date of the meeting (YYYY-MM-DD; default today).": "Tanggal rapat (TTTT-BB-HH; bawaan hari ini).",
    "Your own template (copy a shipped one): Jinja2 for md and html, Typst for pdf.": (
        "Templat Anda sendiri (salin dari templat bawaan): Jinja2 untuk md dan html, Typst untuk pdf."
    ),
    "Colour band limits LOW,HIGH in % (default: threshold, quarter target).": (
        "Batas pita warna RENDAH,TINGGI dalam % (bawaan: ambang, target triwulan)."
    ),
    "The newest export against the previous one, short enough for a phone; --send e-mails it once.": (
        "Ekspor terbaru dibanding sebelumnya, cukup ringkas untuk ponsel; --send mengirimkannya sekali "
        "lewat e-mail."
    ),
    "Compare with this export instead of the previous snapshot among the inputs.": (
        "Bandingkan dengan ekspor ini, bukan dengan data sebelumnya di antara masukan."
    ),
    "E-mail the summary instead of printing it.": "Kirim ringkasan lewat e-mail, bukan ditampilkan.",
    "Recipient (repeatable); default: REALISASI_SMTP_TO, or to in realisasi.toml \\[smtp].": (
        "Penerima (boleh berulang); bawaan: REALISASI_SMTP_TO, atau to di realisasi.toml \\[smtp]."
    ),
    "Write the e-mail as .eml (to -o or stdout) instead of sending.": (
        "Tulis e-mail sebagai .eml (ke -o atau layar), bukan dikirim."
    ),
    "Write the text (or with --dry-run the .eml) here.": "Tulis teksnya (atau dengan --dry-run, .eml) ke sini.",
    "text (the e-mail's text, the default) or whatsapp (a message of at most 1,500 characters with "
    "WhatsApp's *bold* and _italic_, to paste into a group).": (
        "text (teks e-mail, bawaan) atau whatsapp (pesan paling banyak 1.500 karakter dengan *tebal* dan "
        "_miring_ WhatsApp, untuk ditempel ke grup)."
    ),
    "Attach the full ranking as an .xlsx workbook.": "Lampirkan peringkat lengkap sebagai buku kerja .xlsx.",
    "Attach the meeting briefing as HTML (as realisasi brief).": (
        "Lampirkan bahan rapat sebagai HTML (seperti realisasi brief)."
    ),
    "Send even if this summary was sent before.": "Kirim meskipun ringkasan ini sudah pernah dikirim.",
    "Tries again after a temporary failure (waits 1, 2, 4 … s).": (
        "Coba lagi setelah kegagalan sementara (menunggu 1, 2, 4 … detik)."
    ),
    "Nothing on the terminal on success (warnings go in the notes).": (
        "Tidak ada tampilan di layar bila berhasil (peringatan masuk ke catatan)."
    ),
    "Show this message and exit.": "Tampilkan bantuan ini lalu keluar.",
    "Rank pendapatan (account 4: PAD, transfers, other) against its target instead of belanja.": (
        "Peringkat pendapatan (akun 4: PAD, transfer, lain-lain) terhadap targetnya, bukan belanja."
    ),
    "Add a section on pendapatan (account 4) against its target.": (
        "Tambahkan bagian pendapatan (akun 4) terhadap targetnya."
    ),
}

# the frame of Typer's help and errors
_PANELS = {
    "ARGUMENTS_PANEL_TITLE": "Argumen",
    "OPTIONS_PANEL_TITLE": "Opsi",
    "COMMANDS_PANEL_TITLE": "Perintah",
    "ERRORS_PANEL_TITLE": "Kesalahan",
    "ABORTED_TEXT": "Dibatalkan.",
    "RICH_HELP": "Coba [blue]'{command_path} {help_option}'[/] untuk bantuan.",
    "DEFAULT_STRING": "[bawaan: {}]",
    "REQUIRED_LONG_STRING": "[wajib]",
}


def requested_language(args: Sequence[str], environ: Any = os.environ) -> str:
    """The language a command line asks for before it is parsed: ``--lang``, ``REALISASI_LANG``,
    the ``lang`` of the config in force, else Indonesian."""
    from realisasi_cli.messages import LANGUAGES

    for i, arg in enumerate(args):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value is not None and value.strip().lower() in LANGUAGES:
            return value.strip().lower()
    chosen = str(environ.get("REALISASI_LANG", "")).strip().lower()
    if chosen in LANGUAGES:
        return chosen
    return _configured_language(args)


def _configured_language(args: Sequence[str]) -> str:
    from pathlib import Path

    from realisasi_cli.config import find_config

    explicit = next((Path(args[i + 1]) for i, a in enumerate(args[:-1]) if a == "--config"), None)
    try:
        path = find_config(explicit)
        if path is None or path.stat().st_size > 1 << 20:
            return "id"
        import tomllib

        lang = str(tomllib.loads(path.read_text(encoding="utf-8-sig")).get("lang", "id")).lower()
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return "id"  # the command reports the broken config itself
    return lang if lang in ("id", "en") else "id"


def localize(command: Any, lang: str) -> None:
    """Put the help of ``command``, its options and its subcommands in ``lang`` (in place)."""
    _named_arguments(command)
    if lang != "id":
        return
    _frame_when_shown(command)
    for attribute in ("help", "short_help"):
        text = getattr(command, attribute, None)
        if text in HELP:
            setattr(command, attribute, HELP[text])
    for param in getattr(command, "params", []):
        if getattr(param, "help", None) in HELP:
            param.help = HELP[param.help]
        if getattr(param, "metavar", None) in METAVARS:
            param.metavar = METAVARS[param.metavar]
    for sub in getattr(command, "commands", {}).values():
        localize(sub, lang)
    _help_option_in_indonesian(command)
    usage = command.get_usage
    command.get_usage = lambda ctx: _in_indonesian(usage(ctx))


_USAGE_WORDS = (
    ("Usage:", "Penggunaan:"),
    ("[OPTIONS]", "[OPSI]"),
    ("COMMAND [ARGS]...", "PERINTAH [ARGUMEN]..."),
)


def _in_indonesian(usage: str) -> str:
    """Click's usage line in Indonesian: "Penggunaan: realisasi rank [OPSI] {BERKAS|FOLDER...}"."""
    for english, indonesian in _USAGE_WORDS:
        usage = usage.replace(english, indonesian, 1)
    return usage


def _named_arguments(command: Any) -> None:
    """An argument whose metavar says what it takes (``FILE|DIR...``) without Typer's type
    beside it in the help (``<path>``)."""
    from typer.core import TyperArgument

    for param in getattr(command, "params", []):
        if isinstance(param, TyperArgument) and param.metavar is not None:
            param.type.get_metavar = _no_metavar  # type: ignore[method-assign]
    for sub in getattr(command, "commands", {}).values():
        _named_arguments(sub)


def _no_metavar(param: Any, ctx: Any) -> str:
    return ""


def _help_option_in_indonesian(command: Any) -> None:
    """``--help`` is made by the parser per run; its text is set where it is made."""
    make = getattr(command, "get_help_option", None)
    if make is None or getattr(make, "localized", False):
        return

    def get_help_option(ctx: Any) -> Any:
        option = make(ctx)
        if option is not None and getattr(option, "help", None) in HELP:
            option.help = HELP[option.help]
        return option

    get_help_option.localized = True  # type: ignore[attr-defined]  # so it is wrapped once
    command.get_help_option = get_help_option


def _frame_when_shown(command: Any) -> None:
    """The frame of the help is put in Indonesian when the help is shown: Typer's module for it
    imports Rich's Markdown and more (~0.1 s), which a run that shows no help never needs."""
    format_help = getattr(command, "format_help", None)
    if format_help is None or getattr(format_help, "localized", False):
        return

    def shown(ctx: Any, formatter: Any) -> Any:
        _frame_in_indonesian()
        return format_help(ctx, formatter)

    shown.localized = True  # type: ignore[attr-defined]  # so it is wrapped once
    command.format_help = shown


def _frame_in_indonesian() -> None:
    from typer import rich_utils

    for name, value in _PANELS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, value)


def usage_error(exc: Any, lang: str) -> tuple[str, str]:
    """The parser's error in ``lang`` (an unknown option, a missing argument, a bad value) and its code."""
    import re

    from realisasi_cli.messages import Message, text

    kind = type(exc).__name__
    if kind == "NoSuchOption":
        message = text("E-NO-SUCH-OPTION", lang, option=exc.option_name)
        if getattr(exc, "possibilities", None):
            message += " " + text("N-DID-YOU-MEAN", lang, choices=sorted(exc.possibilities))
        return message, "E-NO-SUCH-OPTION"
    if kind == "MissingParameter":
        param = getattr(exc, "param", None)
        hint = param.get_error_hint(exc.ctx) if param is not None and exc.ctx is not None else "?"
        return text("E-MISSING-PARAMETER", lang, what=hint), "E-MISSING-PARAMETER"
    if kind == "BadParameter":
        param = getattr(exc, "param", None)
        hint = getattr(exc, "param_hint", None) or (
            param.get_error_hint(exc.ctx) if param is not None and exc.ctx is not None else "?"
        )
        reason = _parser_problem(str(exc.message), lang)
        return text("E-BAD-PARAMETER", lang, what=hint, reason=reason), "E-BAD-PARAMETER"
    message = str(exc.format_message())
    patterns = (
        (r"No such command '(?P<name>.*)'\.", "E-NO-SUCH-COMMAND"),
        (r"Option '(?P<option>.*)' requires (?:an argument|\d+ arguments)\.", "E-OPTION-NEEDS-VALUE"),
        (r"Got unexpected extra arguments? \((?P<values>.*)\)", "E-EXTRA-ARGUMENTS"),
    )
    for pattern, code in patterns:
        found = re.fullmatch(pattern, message)
        if found:
            return Message(code, found.groupdict()).text(lang), code
    return message, "E-USAGE"


# the parser's words on a value, and the code of the catalogue saying the same
_PARSER_PROBLEMS = (
    (r"(?:File|Directory|Path) '(?P<path>.*)' does not exist\.", "E-NO-SUCH-PATH"),
    (r"File '(?P<path>.*)' is a directory\.", "E-OUTPUT-IS-FOLDER"),
    (r"(?:Directory|Path) '(?P<path>.*)' is a file\.", "E-OUTPUT-IS-FILE"),
    (r"'?(?P<value>.*?)'? is not in the range (?P<range>.*)\.", "E-OUT-OF-RANGE"),
    (r"'(?P<value>.*)' is not a valid (?:integer|int range|float|float range)\.", "E-NOT-A-NUMBER"),
    (r"'(?P<value>.*)' is not one of (?P<choices>.*)\.", "E-NOT-A-CHOICE"),
)


def _parser_problem(message: str, lang: str) -> str:
    """The parser's words on a value (a path that is not there, a number out of range), in ``lang``."""
    import re

    from realisasi_cli.messages import Message

    for pattern, code in _PARSER_PROBLEMS:
        found = re.fullmatch(pattern, message)
        if found:
            return Message(code, found.groupdict()).text(lang)
    return message


def run(command: Any, args: list[str], lang: str) -> int:
    """Run the click ``command`` on ``args``; its parsing errors are shown in ``lang``. The exit code."""
    from realisasi_cli.cli.output import err, escape
    from realisasi_cli.messages import text

    try:
        result = command.main(args=args, prog_name="realisasi", standalone_mode=False)
    except Exception as exc:  # the parser's ClickException, of whichever click Typer brings
        if type(exc).__name__ == "Abort":  # Ctrl-C or end of input at a prompt, or SIGTERM
            from realisasi_cli.errors import ExitCode, Terminated

            if isinstance(exc.__cause__ or exc.__context__, Terminated):
                err.print(text("N-TERMINATED", lang))
                return int(ExitCode.TERMINATED)
            err.print(text("N-INTERRUPTED", lang))
            return int(ExitCode.INTERRUPTED)
        if not hasattr(exc, "exit_code") or not hasattr(exc, "format_message"):
            raise
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":  # the help was the answer
            return int(exc.exit_code)
        if ctx is not None:
            err.print(escape(ctx.get_usage()), soft_wrap=True)
        message, code = usage_error(exc, lang)
        line = f"[bold red]{text('N-ERROR', lang)}:[/] {escape(message)} [dim]\\[{code}][/]"
        err.print(line, soft_wrap=True)
        if ctx is not None:
            err.print(escape(text("N-TRY-HELP", lang, command=ctx.command_path)), soft_wrap=True)
        return int(exc.exit_code)
    return result if isinstance(result, int) else 0


def main(app: Any) -> None:
    """Build ``app``'s command, put it in the requested language, and run it on ``sys.argv``."""
    import typer.main

    from realisasi_cli import messages

    args = sys.argv[1:]
    lang = requested_language(args)
    messages.use(lang)  # the parser's own checks (a percentage, a category) speak it too
    command = typer.main.get_command(app)
    localize(command, lang)
    sys.exit(run(command, args, lang))
