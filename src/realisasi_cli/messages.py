"""Every warning, error and hint people read, under a stable code, in Indonesian and English.

A message is a code and its parameters (``Message("W-SUBTOTAL", {"what": "5.1.02", ...})``);
its text is made when it is shown, in the language of the run, with numbers and dates
formatted for that language (``locale_format``: ``12.710.793.000`` in Indonesian,
``12,710,793,000`` in English). Codes are stable: JSON carries them (``warnings[].code``) so
that a script or a help desk can rely on them while the wording improves.

Codes: ``E-`` an error (the command stops), ``W-`` a warning, ``H-`` a hint under an error,
``D-`` what is damaged in a file, ``K-`` a kind of sheet, ``R-`` why a sheet is of its kind,
``N-`` a note. This module imports nothing of the project but ``locale_format``.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from realisasi_cli import locale_format as written

LANGUAGES = ("id", "en")
LANG_ENV = "REALISASI_LANG"

# code: (Indonesian, English)
CATALOGUE: dict[str, tuple[str, str]] = {
    # --- the command line and its outputs ---------------------------------------------------
    "E-NO-SUCH-PATH": ("{path}: berkas atau folder tidak ditemukan.", "{path}: no such file or folder."),
    "E-EMPTY-FOLDER": (
        "{path}: folder ini tidak berisi ekspor (.xlsx, .xls, .ods, .csv).",
        "{path}: the folder holds no export (.xlsx, .xls, .ods, .csv).",
    ),
    "E-EXPORTS-IN-SUBFOLDERS": (
        "{path}: ekspornya ada di {n} subfolder ({names}), bukan langsung di folder ini.",
        "{path}: its exports are in {n} subfolder(s) ({names}), not in the folder itself.",
    ),
    "H-GIVE-SUBFOLDERS": (
        "Subfolder tidak dibaca dengan sendirinya: berikan sebagai masukan, misalnya "
        'realisasi rank "{example}"; beberapa folder dapat diberikan sekaligus.',
        "Subfolders are not read of themselves: give them as inputs, e.g. "
        'realisasi rank "{example}"; several folders can be given at once.',
    ),
    "E-EXPORTS-IN-ARCHIVES": (
        "{path}: folder ini hanya berisi arsip ({names}), bukan ekspor.",
        "{path}: the folder holds only archives ({names}), no export.",
    ),
    "H-EXTRACT-HERE": (
        "Ekstrak arsipnya ke folder ini, lalu jalankan lagi.",
        "Extract the archives into this folder, then run again.",
    ),
    "E-OUTPUT-SUFFIX-OTHER": (
        "{path}: perintah ini menulis {known}, bukan .{suffix}.",
        "{path}: this command writes {known}, not .{suffix}.",
    ),
    "E-OUTPUT-SUFFIX": (
        "{path}: format tidak dapat ditentukan dari akhiran nama berkas ({known}); tambahkan --format.",
        "{path}: cannot tell the format from the suffix ({known}); add --format.",
    ),
    "E-FORMAT-SUFFIX": (
        "{path}: --format {fmt} akan menulis {fmt} ke dalam berkas .{suffix}; samakan keduanya.",
        "{path}: --format {fmt} would write {fmt} into a .{suffix} file; make them agree.",
    ),
    "E-OUTPUT-NOT-FOLDER": (
        "{path}: nama ini seperti nama berkas; berikan folder untuk berkas-berkas Parquet (misalnya -o fakta/).",
        "{path}: this looks like a file name; give a folder for the Parquet files (e.g. -o facts/).",
    ),
    "E-OUTPUT-IS-FILE": (
        "{path}: ini berkas; berikan folder untuk berkas keluaran.",
        "{path}: is a file; give a folder for the output files.",
    ),
    "E-PREVIOUS-IS-INPUT": (
        "{path}: --previous adalah salah satu masukan; ia akan dibandingkan dengan dirinya sendiri. "
        "Berikan ekspor minggu atau bulan sebelumnya.",
        "{path}: --previous is one of the inputs; it would be compared with itself. Give the export "
        "of the week or month before.",
    ),
    "E-OUTPUT-IS-INPUT": (
        "{path}: keluaran akan menimpa berkas masukan; pilih nama lain.",
        "{path}: the output would overwrite an input; choose another name.",
    ),
    "E-OUTPUT-IS-FOLDER": (
        "{path}: ini folder; berikan nama berkas.",
        "{path}: is a folder; give a file name.",
    ),
    "E-NOT-A-FILE": (
        "{path}: ini {kind}, bukan berkas; berikan berkas biasa.",
        "{path}: is {kind}, not a file; give an ordinary file.",
    ),
    "E-FACTS-FOLDER-FOREIGN": (
        "{path}: folder ini berisi {n} berkas yang tidak ditulis oleh facts ({names}); folder keluaran "
        "diganti seluruhnya, jadi berikan folder baru atau kosong.",
        "{path}: the folder holds {n} files that facts did not write ({names}); the output folder is "
        "replaced whole, so give a new or empty folder.",
    ),
    "E-OUTPUT-NO-FOLDER": (
        "{path}: folder untuk keluaran tidak ada.",
        "{path}: no such folder for the output.",
    ),
    "E-OUTPUT-WRITE": (
        "{path}: tidak dapat ditulis ({reason}); tidak ada yang ditulis.",
        "{path}: cannot be written ({reason}); nothing was written.",
    ),
    "E-STDOUT-WRITE": (
        "keluaran standar tidak dapat ditulis ({reason}); keluarannya tidak utuh.",
        "standard output cannot be written ({reason}); the output is incomplete.",
    ),
    "E-OUTPUT-NEEDS-FILE": (
        "--format {fmt} memerlukan -o BERKAS.{fmt}.",
        "--format {fmt} needs -o FILE.{fmt}.",
    ),
    "E-BRIEF-SUFFIX": (
        "{path}: format tidak dapat ditentukan dari akhiran nama berkas; tambahkan --format md, html, pdf atau xlsx (lembar tindak lanjut).",
        "{path}: cannot tell the format from the suffix; add --format md, html, pdf or xlsx (the follow-up worksheet).",
    ),
    "E-PDF-RENDER": (
        "bahan rapat tidak dapat dibuat sebagai PDF ({reason}); tidak ada yang ditulis.",
        "the brief cannot be rendered as PDF ({reason}); nothing was written.",
    ),
    "E-BANDS": (
        "--bands {value}: berikan dua persentase, misalnya 57,65.",
        "--bands {value}: give two percentages, e.g. 57,65.",
    ),
    "E-DATE": (
        "{option} {value}: diharapkan tanggal seperti 2023-09-30.",
        "{option} {value}: expected a date like 2023-09-30.",
    ),
    "E-TARGETS": (
        '--targets {value}: berikan empat persentase yang naik untuk TW I–IV, misalnya 15,40,65,95 (dengan desimal: "12,5;40;65;95" dalam tanda kutip).',
        "--targets {value}: give four rising percentages for TW I–IV, e.g. 15,40,65,95.",
    ),
    "E-PERCENT": (
        "'{value}' bukan persentase; tulis misalnya 57 atau 57,5.",
        "'{value}' is not a percentage; write e.g. 57 or 57,5.",
    ),
    "E-PERCENT-RANGE": ("'{value}': persentase dari 0 sampai 100.", "'{value}': a percentage from 0 to 100."),
    "E-CATEGORY-OPTION": (
        "'{value}': gunakan salah satu dari {choices} (atau misalnya 'belanja modal').",
        "'{value}': use one of {choices} (or e.g. 'belanja modal').",
    ),
    "E-CATEGORY": (
        "--category {value}: gunakan salah satu dari {choices}.",
        "--category {value}: use one of {choices}.",
    ),
    "E-SELECTION": (
        "{first} dan {second} sama-sama memilih perangkat daerah yang ditampilkan: berikan salah satu saja.",
        "{first} and {second} both choose which units are shown: give one of them.",
    ),
    "E-PENDAPATAN-CATEGORY": (
        "--category {value} memilih jenis belanja; --pendapatan memeringkat pendapatan: berikan salah satu saja.",
        "--category {value} chooses a spending category; --pendapatan ranks revenue: give one of them.",
    ),
    "E-NO-REVENUE": (
        "{path}: tidak ada baris pendapatan (akun 4) yang dapat dibaca.",
        "{path}: no pendapatan lines (account 4) to read.",
    ),
    "E-NO-REVENUE-ANY": (
        "tidak ada masukan yang memuat baris pendapatan (akun 4).",
        "none of the inputs has pendapatan lines (account 4).",
    ),
    "E-CSV-DIALECT": (
        "--csv-dialect {dialect} berlaku untuk keluaran CSV, bukan {fmt}.",
        "--csv-dialect {dialect} applies to CSV output, not {fmt}.",
    ),
    "E-INSPECT-FORMAT": (
        "inspect menulis tabel, json atau xlsx, bukan {fmt}.",
        "inspect writes a table, json or xlsx, not {fmt}.",
    ),
    "E-INSPECT-TABLE-FILE": (
        "inspect menulis tabelnya ke layar; untuk berkas gunakan -o BERKAS.xlsx atau BERKAS.json.",
        "inspect writes its table to the terminal; for a file use -o FILE.xlsx or FILE.json.",
    ),
    "E-NO-DATED-REALIZATION": (
        "tidak ada realisasi yang tanggalnya diketahui: tidak dapat ditempatkan dalam triwulan.",
        "no realization with a known date: cannot place it in a quarter.",
    ),
    "E-SUMMARY-OUTPUT-SEND": (
        "-o menulis teks atau, dengan --dry-run, berkas .eml; --send mengirimkannya: pilih salah satu.",
        "-o writes the text or, with --dry-run, the .eml; --send sends it: choose one.",
    ),
    "E-SUMMARY-WHATSAPP-SEND": (
        "--format whatsapp menulis pesan untuk ditempel ke grup WhatsApp, bukan e-mail: hapus {option} "
        "(atau hapus --format whatsapp untuk e-mail).",
        "--format whatsapp writes a message to paste into a WhatsApp group, not an e-mail: drop {option} "
        "(or drop --format whatsapp for the e-mail).",
    ),
    "E-NO-RECIPIENTS": ("Tidak ada penerima untuk e-mail.", "No recipients for the e-mail."),
    "E-TEMPLATE-READ": (
        "{path}: templat tidak dapat dibaca ({reason}).",
        "{path}: cannot read the template ({reason}).",
    ),
    "E-TEMPLATE-RENDER": (
        "{path}: templat tidak dapat dirender: {reason}.",
        "{path}: the template cannot be rendered: {reason}.",
    ),
    "E-TEMPLATE-RENDER-LINE": (
        "{path}, baris {line}: templat tidak dapat dirender: {reason}.",
        "{path}, line {line}: the template cannot be rendered: {reason}.",
    ),
    "E-NO-SUCH-OPTION": ("Opsi tidak dikenal: {option}.", "No such option: {option}."),
    "E-MISSING-PARAMETER": ("Belum diberikan: {what}.", "Missing {what}."),
    "E-BAD-PARAMETER": ("Nilai tidak sah untuk {what}: {reason}", "Invalid value for {what}: {reason}"),
    "E-OUT-OF-RANGE": ("{value} di luar rentang {range}.", "{value} is not in the range {range}."),
    "E-NOT-A-NUMBER": ("'{value}' bukan bilangan.", "'{value}' is not a number."),
    "E-NOT-A-CHOICE": ("'{value}' bukan salah satu dari {choices}.", "'{value}' is not one of {choices}."),
    "E-NO-SUCH-COMMAND": (
        "Perintah tidak dikenal: '{name}'. Perintahnya: rank, quarters, facts, inspect, brief, summary.",
        "No such command: '{name}'. The commands are: rank, quarters, facts, inspect, brief, summary.",
    ),
    "E-OPTION-NEEDS-VALUE": ("Opsi {option} memerlukan nilai.", "Option {option} needs a value."),
    "E-EXTRA-ARGUMENTS": ("Argumen berlebih: {values}.", "Unexpected extra arguments: {values}."),
    "E-USAGE": ("Perintah tidak dapat dipahami.", "The command line cannot be understood."),
    "N-DID-YOU-MEAN": ("Mungkin maksudnya: {choices}?", "Did you mean: {choices}?"),
    "N-TRY-HELP": ("Coba '{command} --help' untuk bantuan.", "Try '{command} --help' for help."),
    "E-UNEXPECTED": (
        "kegagalan tak terduga ({reason}).",
        "unexpected failure ({reason}).",
    ),
    "E-OUT-OF-MEMORY": ("memori tidak cukup", "out of memory"),
    # --- the config -------------------------------------------------------------------------
    "E-CONFIG-MISSING": ("{path}: berkas konfigurasi tidak ditemukan.", "{path}: config file not found."),
    "E-CONFIG-NOT-FILE": (
        "{path}: berkas konfigurasi ini bukan berkas biasa (pipa atau perangkat); berikan realisasi.toml.",
        "{path}: the config file is not an ordinary file (a pipe or a device); give a realisasi.toml.",
    ),
    "E-CONFIG-SYNTAX": (
        "{path}: berkas konfigurasi tidak dapat dibaca ({reason}).",
        "{path}: cannot read the config file ({reason}).",
    ),
    "E-CONFIG-VALUE": ("{path}: {problem}.", "{path}: {problem}."),
    "E-CONFIG-LAYOUT-DATE": (
        "as_of = '{value}' di [[layout]] bukan tanggal; tulis misalnya as_of = 2022-11-30",
        "as_of = '{value}' in [[layout]] is not a date; write e.g. as_of = 2022-11-30",
    ),
    "E-CONFIG-TARGETS": (
        "{key} memerlukan empat persentase yang naik untuk TW I–IV, misalnya [15, 40, 65, 95]",
        "{key} needs four rising percentages for TW I–IV, e.g. [15, 40, 65, 95]",
    ),
    "E-CONFIG-TARGET-KEY": (
        "targets.{key}: bukan jenis belanja; gunakan semua atau salah satu dari {choices}",
        "targets.{key}: not a spending category; use semua or one of {choices}",
    ),
    "E-CONFIG-PASSWORD": (
        "kata sandi SMTP disimpan di $REALISASI_SMTP_PASSWORD, bukan di berkas",
        "the SMTP password belongs in $REALISASI_SMTP_PASSWORD, not in a file",
    ),
    "E-CONFIG-TYPE": ("nilai yang salah ({reason})", "a wrong value ({reason})"),
    "E-CONFIG-WHOLE": (
        "{key} = {value} bukan bilangan bulat; tulis misalnya {key} = 10",
        "{key} = {value} is not a whole number; write e.g. {key} = 10",
    ),
    "E-CONFIG-KEY": (
        "kunci {section}'{key}' tidak dikenal; yang dikenal misalnya {known}",
        "unknown key {section}'{key}'; known keys include {known}",
    ),
    "E-CONFIG-TEXT": (
        '{key} = {value} harus berupa teks dalam tanda kutip; tulis misalnya {key} = "…"',
        '{key} = {value} must be text in quotes; write e.g. {key} = "…"',
    ),
    "E-CONFIG-COLUMNS": (
        "columns di [[layout]] harus berupa tabel nama kolom; tulis misalnya "
        'columns = {{ unit = "Perangkat Daerah", budget = "Anggaran" }}',
        "columns in [[layout]] must be a table of column names; write e.g. "
        'columns = {{ unit = "Perangkat Daerah", budget = "Anggaran" }}',
    ),
    "E-CONFIG-LANG": (
        "lang = '{value}' tidak dikenal; pilih {choices}",
        "lang = '{value}' is not known; choose {choices}",
    ),
    "E-CONFIG-NUMBER": (
        "{key} = '{value}' bukan angka; tulis misalnya {key} = 50",
        "{key} = '{value}' is not a number; write e.g. {key} = 50",
    ),
    "E-CONFIG-RANGE": (
        "{key} = {value} di luar batasnya; tulis angka dari {low} sampai {high}",
        "{key} = {value} is out of range; write a number from {low} to {high}",
    ),
    "E-CONFIG-BRIEF-TABLE": (
        "brief harus berupa tabel [brief] dengan signer, title, nip, place",
        "brief must be a [brief] table with signer, title, nip, place",
    ),
    "E-CONFIG-BRIEF-KEY": (
        "[brief] {key}: kunci tidak dikenal; gunakan salah satu dari {choices}",
        "[brief] {key}: unknown key; use one of {choices}",
    ),
    "E-CONFIG-BRIEF-TYPE": (
        '[brief] {key} harus berupa teks dalam tanda kutip, misalnya {key} = "…" (NIP juga)',
        '[brief] {key} must be text in quotes, e.g. {key} = "…" (a NIP too)',
    ),
    "E-UNITS-NO-HEADER": (
        "{path}: tidak ada baris judul dengan kolom kode (Kode) atau nama (Nama) dalam daftar perangkat daerah.",
        "{path}: no header with a code (Kode) or name (Nama) column found in the list of units.",
    ),
    "E-FOLLOWUP-NO-HEADER": (
        "{path}: bukan lembar tindak lanjut: tidak ada baris judul dengan kolom Kode atau Perangkat Daerah dan kolom Permasalahan, Tindak lanjut, Penanggung jawab, Tenggat atau Status.",
        "{path}: not a follow-up worksheet: no header row with a Kode or Perangkat Daerah column and columns Permasalahan, Tindak lanjut, Penanggung jawab, Tenggat or Status.",
    ),
    "E-LAYOUT-NO-SHEET": (
        "{path}: tidak ada lembar bernama '{sheet}' (dari realisasi.toml).",
        "{path}: has no sheet named '{sheet}' (from realisasi.toml).",
    ),
    # --- reading ----------------------------------------------------------------------------
    "E-CANNOT-OPEN": ("{path}: tidak dapat dibuka ({reason}).", "{path}: cannot be opened ({reason})."),
    "E-EMPTY-FILE": ("{path}: berkas ini kosong.", "{path}: the file is empty."),
    "E-NAME-NOT-UTF8": (
        "{path}: nama berkas ini tidak tertulis sebagai teks UTF-8 (biasanya berkas dari zip buatan Windows).",
        "{path}: the file's name is not written as UTF-8 text (as files unpacked from a zip made on "
        "Windows often are).",
    ),
    "H-RENAME-FILE": (
        "Ganti nama berkasnya, misalnya menjadi '{name}'.",
        "Rename the file, for instance to '{name}'.",
    ),
    "E-NOT-SPREADSHEET": (
        "{path}: bukan lembar kerja (.xlsx, .xlsm, .xls, .ods atau .csv).",
        "{path}: not a spreadsheet (.xlsx, .xlsm, .xls, .ods or .csv).",
    ),
    "E-FILE-TYPE": (
        "{path}: ini {what}, bukan lembar kerja, meskipun namanya berakhiran .{suffix}.",
        "{path}: this is {what}, not a spreadsheet, though its name ends in .{suffix}.",
    ),
    "E-DAMAGED-KIND": (
        "{path}: rusak atau bukan lembar kerja ({kind}).",
        "{path}: damaged or not a spreadsheet ({kind}).",
    ),
    "E-ZIP-ARCHIVE": (
        "{path}: arsip zip berisi {n} berkas, bukan lembar kerja.",
        "{path}: a zip archive of {n} file(s), not a spreadsheet.",
    ),
    "E-ZIP-OF-EXPORTS": (
        "{path}: arsip zip berisi {n} berkas ({names}), bukan satu lembar kerja.",
        "{path}: a zip archive of {n} file(s) ({names}), not one spreadsheet.",
    ),
    "E-PASSWORD": (
        "{path}: buku kerja ini dilindungi kata sandi.",
        "{path}: the workbook is password-protected.",
    ),
    "E-ZIP-BOMB": (
        "{path}: ditolak, arsip ini akan mengembang menjadi {megabytes} MB (rasio kompresi {ratio}:1); "
        "ini bukan ekspor biasa.",
        "{path}: refused, the archive would inflate to {megabytes} MB (compression ratio {ratio}:1); "
        "this is not a normal export.",
    ),
    "E-TOO-MANY-SHEETS": (
        "{path}: {n} lembar; ditolak karena tidak wajar.",
        "{path}: {n} sheets; refused as absurd.",
    ),
    "E-TOO-MUCH-XML": (
        "{path}: lembar-lembarnya berisi {megabytes} MB XML untuk diurai; ditolak karena tidak wajar.",
        "{path}: its sheets would make {megabytes} MB of XML to parse; refused as absurd.",
    ),
    "E-DAMAGED": ("{path}: buku kerja ini rusak ({reason}).", "{path}: the workbook is damaged ({reason})."),
    "E-OLE-NO-WORKBOOK": (
        "{path}: dokumen Office (misalnya Word .doc) tanpa buku kerja; bukan lembar kerja.",
        "{path}: an Office document (for example a Word .doc) without a workbook; not a spreadsheet.",
    ),
    "E-SHEET-DECLARES": (
        "{path}: lembar '{sheet}' menyatakan {rows} baris × {cols} kolom; ditolak karena tidak wajar.",
        "{path}: sheet '{sheet}' declares {rows} rows × {cols} columns; refused as absurd.",
    ),
    "E-SHEET-TOO-LARGE": (
        "{path}: lembar '{sheet}' mencakup {rows} baris × {cols} kolom; ditolak karena terlalu besar.",
        "{path}: sheet '{sheet}' spans {rows} rows × {cols} columns; refused as absurdly large.",
    ),
    "E-SHEET-SPARSE": (
        "{path}: lembar '{sheet}' mencakup {rows} baris × {cols} kolom tetapi hanya {filled} sel yang berisi; "
        "ditolak karena tidak wajar (berkas rusak atau sengaja dibuat).",
        "{path}: sheet '{sheet}' spans {rows} rows × {cols} columns but only {filled} cells hold anything; "
        "refused as absurd (a damaged or crafted file).",
    ),
    "E-WORKBOOK-TOO-LARGE": (
        "{path}: lembar-lembarnya bersama mencakup {cells} sel dan hanya {filled} yang berisi; "
        "ditolak karena tidak wajar (berkas rusak atau sengaja dibuat).",
        "{path}: its sheets together span {cells} cells, of which {filled} hold anything; refused as "
        "absurd (a damaged or crafted file).",
    ),
    "E-ODS-REPEATS": (
        "{path}: tabel '{sheet}' mengulang {written} sel tertulis menjadi {filled}; ditolak karena tidak wajar "
        "(berkas rusak atau sengaja dibuat).",
        "{path}: table '{sheet}' repeats {written} written cells into {filled}; refused as absurd "
        "(a damaged or crafted file).",
    ),
    "E-ZIP-MEMBERS": (
        "{path}: arsip ini berisi {n} berkas; ditolak karena tidak wajar.",
        "{path}: the archive holds {n} members; refused as absurd.",
    ),
    "E-STRINGS-AMPLIFIED": (
        "{path}: sel-selnya akan menyalin teks menjadi {megabytes} MB; ditolak karena tidak wajar "
        "(berkas rusak atau sengaja dibuat).",
        "{path}: its cells would copy text into {megabytes} MB; refused as absurd "
        "(a damaged or crafted file).",
    ),
    "E-CSV": (
        "{path}: tidak dapat dibaca sebagai CSV ({reason}).",
        "{path}: cannot be read as CSV ({reason}).",
    ),
    "E-TOO-WIDE": (
        "{path}: tabel lebih lebar dari {n} kolom; ditolak karena tidak wajar.",
        "{path}: a table wider than {n} columns; refused as absurd.",
    ),
    "E-TOO-MANY-CELLS": (
        "{path}: lebih dari {n} sel; ditolak karena tidak wajar.",
        "{path}: more than {n} cells; refused as absurd.",
    ),
    "E-HTML-NO-TABLE": (
        "{path}: berkas HTML tanpa tabel; bukan lembar kerja.",
        "{path}: an HTML file without a table; not a spreadsheet.",
    ),
    "E-XML-NO-SHEET": (
        "{path}: berkas XML tanpa lembar kerja; bukan lembar kerja.",
        "{path}: an XML file without a worksheet; not a spreadsheet.",
    ),
    "E-UNREADABLE": (
        "{path}: tidak dapat dibaca sebagai lembar kerja ({reason}).",
        "{path}: cannot be read as a spreadsheet ({reason}).",
    ),
    "E-UNREADABLE-SHEET": (
        "{path} (lembar '{sheet}'): tidak dapat dibaca sebagai lembar kerja ({reason}).",
        "{path} (sheet '{sheet}'): cannot be read as a spreadsheet ({reason}).",
    ),
    "E-MERGES-OVERLAP": (
        "{path}: lembar '{sheet}' memiliki sel gabungan yang bertumpang tindih; buku kerja ini rusak.",
        "{path}: sheet '{sheet}' has merged ranges that overlap; the workbook is damaged.",
    ),
    "E-FORMULAS-NO-VALUES": (
        "{path} ({where}): {n} sel pagu/realisasi berupa rumus yang disimpan tanpa hasilnya.",
        "{path} ({where}): {n} budget/realization cell(s) are formulas saved without their results.",
    ),
    "E-NO-COLUMN": (
        "tidak ada masukan yang memiliki nilai {missing}:\n{files}",
        "none of the inputs has {missing} amounts:\n{files}",
    ),
    "E-NO-DATA-ROWS": (
        "{path} (lembar '{sheet}'): kepala tabelnya ada tetapi tidak ada baris data (formulir yang belum diisi?).",
        "{path} (sheet '{sheet}'): the header is there but no data rows (a form not filled in yet?).",
    ),
    "E-ONLY-PLANS": (
        "masukan hanya memuat rencana anggaran kas ({n} berkas, misalnya {names}), bukan ekspor realisasi.",
        "the inputs hold only cash plans ({n} file(s), e.g. {names}), no realization export.",
    ),
    "E-IS-PLAN": (
        "{path}: ini rencana anggaran kas (anggaran kas / RAK), bukan ekspor realisasi: "
        "isinya target, bukan peringkat.",
        "{path}: this is a cash plan (anggaran kas / RAK), not a realization export: "
        "it gives targets, not a ranking.",
    ),
    "E-INPUTS-UNUSABLE": (
        "tidak ada masukan yang dapat dipakai:\n{problems}",
        "none of the inputs could be used:\n{problems}",
    ),
    "E-NO-INPUT-TABLE": (
        "tidak ada masukan yang memuat tabel realisasi.",
        "none of the inputs holds a realization table.",
    ),
    "E-NO-PLAN": (
        "{path}: tidak ditemukan rencana bulanan (diharapkan kolom Januari … Desember di bawah judul "
        "'Rencana Anggaran Kas' atau 'Target').",
        "{path}: no monthly plan found (expected Januari … Desember columns under a "
        "'Rencana Anggaran Kas' or 'Target' title).",
    ),
    "E-NO-TABLE-FOUND": (
        "{path}: tidak ditemukan tabel realisasi di {n} lembar.",
        "{path}: no realization table found in {n} sheet(s).",
    ),
    "E-MISSING-COLUMN": (
        "{path} (lembar '{sheet}'): tidak ditemukan kolom {missing} (yang ditemukan: {found}).",
        "{path} (sheet '{sheet}'): no {missing} column found (found {found}).",
    ),
    "N-NO-AMOUNT-COLUMNS": ("tidak ada kolom nilai", "no amount columns"),
    "N-COLUMN-ROLE": ("{role} ('{header}')", "{role} ('{header}')"),
    "N-PATH-NOTE": ("{path}: {note}", "{path}: {note}"),
    "N-MAYBE-AS": ("{name} ({unit}?)", "{name} ({unit}?)"),
    "N-WITH-HINT": ("{reason} {hint}", "{reason} {hint}"),
    "N-KIND-REASON": ("{kind} ({reason})", "{kind} ({reason})"),
    "T-budget": ("pagu", "budget"),
    "T-sheet": ("lembar", "sheet"),
    "T-file": ("berkas", "file"),
    "T-realized": ("realisasi", "realization"),
    # --- e-mail -----------------------------------------------------------------------------
    "E-SMTP-SECURITY": (
        "keamanan SMTP '{value}' bukan salah satu dari starttls, ssl, none.",
        "SMTP security '{value}' is not one of starttls, ssl, none.",
    ),
    "E-SMTP-PASSWORD-FILE": (
        "[smtp] password tidak dibaca dari berkas.",
        "[smtp] password is not read from a file.",
    ),
    "E-SMTP-NO-HOST": ("Belum ada server SMTP yang diatur.", "No SMTP server is configured."),
    "E-SMTP-NO-SENDER": (
        "Belum ada alamat pengirim yang diatur untuk e-mail.",
        "No sender address is configured for the e-mail.",
    ),
    "E-SMTP-PORT": ("port SMTP {value} di luar rentang.", "SMTP port {value} is out of range."),
    "E-SMTP-TEXT": (
        "{key} SMTP {value} harus berupa teks dalam tanda kutip.",
        "SMTP {key} {value} must be text in quotes.",
    ),
    "E-SMTP-TIMEOUT": (
        "{key} SMTP {value} harus berupa jumlah detik di atas 0, paling banyak {most}.",
        "SMTP {key} {value} must be a number of seconds above 0, at most {most}.",
    ),
    "E-SMTP-PLAIN-LOGIN": (
        "pengguna SMTP '{user}' dengan keamanan 'none': kata sandinya akan terkirim tanpa enkripsi.",
        "SMTP user '{user}' with security 'none': the password would travel unencrypted.",
    ),
    "E-SMTP-NO-PASSWORD": (
        "pengguna SMTP '{user}' diatur tetapi kata sandinya tidak.",
        "SMTP user '{user}' is set but no password is.",
    ),
    "E-SMTP-CAFILE": ("{path}: berkas CA tidak ditemukan.", "{path}: CA file not found."),
    "E-SMTP-CAFILE-LOAD": (
        "{path}: berkas CA tidak dapat dimuat ({reason}).",
        "{path}: cannot load the CA file ({reason}).",
    ),
    "E-SMTP-NUMBER": ("{key} SMTP '{value}' bukan angka.", "SMTP {key} '{value}' is not a number."),
    "E-SMTP-TO": (
        "[smtp] to harus berupa alamat atau daftar alamat.",
        "[smtp] to must be an address or a list of addresses.",
    ),
    "E-BAD-ADDRESS": ("'{value}' bukan alamat e-mail.", "'{value}' is not an e-mail address."),
    "E-DELIVERY-PARTLY": (
        "{server}: ditolak untuk {refused}; terkirim ke {accepted}.",
        "{server}: refused {refused}; delivered to {accepted}.",
    ),
    "E-DELIVERY-FAILED": (
        "{server}: pengiriman gagal: {reason}.",
        "{server}: delivery failed: {reason}.",
    ),
    "E-DELIVERY-FAILED-TRIES": (
        "{server}: pengiriman gagal setelah {n} kali percobaan: {reason}.",
        "{server}: delivery failed after {n} attempts: {reason}.",
    ),
    "E-DELIVERY-REFUSED": (
        "{server}: semua penerima ditolak: {refused}.",
        "{server}: every recipient was refused: {refused}.",
    ),
    "E-STATE-WRITE": (
        "{path}: catatan e-mail yang terkirim tidak dapat ditulis ({reason}).",
        "{path}: cannot write the record of sent e-mails ({reason}).",
    ),
    "E-SENT-NOT-RECORDED": (
        "ringkasan terkirim ke {recipients}, tetapi tidak dapat dicatat sebagai terkirim ({reason}); "
        "catatannya tetap 'belum pasti', jadi jalankan berikutnya bertanya dulu sebelum mengirim lagi.",
        "the summary was sent to {recipients}, but could not be recorded as sent ({reason}); its "
        "record stays 'uncertain', so the next run asks before sending it again.",
    ),
    "E-STATE-READ": (
        "{path}: catatan e-mail yang terkirim tidak dapat dibaca ({reason}).",
        "{path}: cannot read the record of sent e-mails ({reason}).",
    ),
    "E-STATE-LOCKED": (
        "{path}: proses lain masih mengirim ringkasan dan belum selesai dalam {seconds} detik ({env}); "
        "tidak ada yang dikirim.",
        "{path}: another run is still sending the summary and did not finish within {seconds} s ({env}); "
        "nothing was sent.",
    ),
    "E-DELIVERY-UNCERTAIN": (
        "{server}: pesan sudah terkirim utuh tetapi server tidak mengonfirmasinya ({reason}): "
        "pengiriman tidak pasti: periksa kotak surat {addresses}; --force mengirimkannya lagi.",
        "{server}: the message went out whole but the server did not confirm it ({reason}): "
        "delivery uncertain: check the mailbox of {addresses}; --force resends.",
    ),
    "E-DELIVERY-WAS-UNCERTAIN": (
        "ringkasan {day} untuk {recipients} dikirim pada {when} tanpa konfirmasi server: pengiriman "
        "tidak pasti, jadi tidak dikirim lagi: periksa kotak suratnya; --force mengirimkannya lagi.",
        "the summary of {day} to {recipients} went out at {when} but the server never confirmed it: "
        "delivery uncertain, so it is not sent again: check the mailbox; --force resends.",
    ),
    "D-DEADLINE": (
        "waktu untuk pengiriman ({seconds} detik, {env}) habis",
        "the time allowed for delivery ({seconds} s, {env}) ran out",
    ),
    "D-STATE-SIZE": ("lebih dari {megabytes} MB", "larger than {megabytes} MB"),
    "D-REPLY-TOO-LONG": (
        "jawaban server lebih dari {megabytes} MB",
        "the server's reply is longer than {megabytes} MB",
    ),
    "D-NO-STARTTLS": (
        "server tidak menawarkan STARTTLS dan ringkasan tidak pernah dikirim tanpa enkripsi "
        "(gunakan {env}=ssl untuk server dengan TLS sejak tersambung)",
        "the server does not offer STARTTLS and the summary is never sent unencrypted "
        "(use {env}=ssl for a server with TLS on connect)",
    ),
    "D-PLAIN-PASSWORD": (
        "kata sandi tidak dikirim melalui sambungan tanpa enkripsi",
        "refusing to send the password over an unencrypted connection",
    ),
    "D-LOGIN-REFUSED": (
        "login sebagai '{user}' ditolak ({reply}); periksa {user_env} dan {password_env}",
        "login as '{user}' refused ({reply}); check {user_env} and {password_env}",
    ),
    "D-NO-AUTH": (
        "server tidak menawarkan AUTH; kosongkan {env} untuk mengirim tanpa login",
        "the server offers no AUTH; unset {env} to send without a login",
    ),
    "D-NO-AUTH-PLAIN": (
        "server tidak menawarkan AUTH PLAIN, yang diperlukan nama pengguna atau kata sandi non-ASCII",
        "the server offers no AUTH PLAIN, which a non-ASCII user name or password needs",
    ),
    "D-TLS-VERIFY": (
        "verifikasi sertifikat TLS gagal ({reason}); atur {env} ke berkas PEM dari CA server",
        "TLS certificate verification failed ({reason}); set {env} to the PEM file of the server's CA",
    ),
    "D-TLS-HANDSHAKE": (
        "jabat tangan TLS gagal ({reason}); periksa {env} dan port-nya",
        "TLS handshake failed ({reason}); check {env} and the port",
    ),
    "D-TIMEOUT": ("server tidak menjawab tepat waktu", "the server did not answer in time"),
    "W-SMTP-HERE": (
        "{path}: [smtp] {keys} tidak dipakai dari realisasi.toml yang hanya ditemukan di folder kerja "
        "(folder bersama tidak boleh memilih server surat); sebutkan dengan --config atau atur "
        "REALISASI_SMTP_*.",
        "{path}: [smtp] {keys} not used from a realisasi.toml merely found in the working folder "
        "(a shared folder may not choose the mail server); name it with --config or set "
        "REALISASI_SMTP_*.",
    ),
    "D-NOT-SMTP": (
        "jawaban server bukan jawaban SMTP (…{reply}); apakah port ini port surat?",
        "the server's reply is no SMTP reply (…{reply}); is this port a mail port?",
    ),
    "D-DISCONNECTED": (
        "server memutus sambungan sebelum selesai",
        "the server closed the connection before the end",
    ),
    "D-CONNECTION-REFUSED": (
        "sambungan ditolak (apakah servernya berjalan di port itu?)",
        "connection refused (is the server running on that port?)",
    ),
    "W-STATE-UNREADABLE": (
        "{path}: tidak terbaca ({reason}), dianggap kosong; berkas lama disimpan sebagai {backup}.",
        "{path}: unreadable ({reason}), treated as empty; the old file is kept as {backup}.",
    ),
    # --- what is damaged --------------------------------------------------------------------
    "D-XML": (
        "content.xml tidak tersusun dengan benar: {reason}",
        "content.xml is not well-formed: {reason}",
    ),
    "D-COMPRESSION": ("metode kompresi tidak lazim {method}", "unusual compression method {method}"),
    "D-OLE": ("bukan wadah OLE yang sah", "not a valid OLE container"),
    "D-CUT-SHORT": ("berkas terpotong", "the file is cut short"),
    "D-CSV-FIELD": (
        "satu sel memuat lebih dari {n} karakter: mungkin tanda kutip yang tidak ditutup",
        "one cell holds more than {n} characters: perhaps a quote left open",
    ),
    "D-NO-ACCESS": (
        "akses ditolak: berkas mungkin sedang dibuka program lain, atau Anda tidak diizinkan membacanya",
        "access denied: another program may have the file open, or you may not read it",
    ),
    "D-NOT-FOUND": ("berkas tidak ada (lagi)", "the file is not there (any more)"),
    "D-IS-FOLDER": ("ini sebuah folder", "it is a folder"),
    "D-CONFIG-NOT-UTF8": ("tidak tersimpan sebagai UTF-8", "it is not saved as UTF-8"),
    "D-NOT-A-FILE": (
        "ini bukan berkas biasa (sebuah disk atau soket)",
        "it is no regular file (a disk or a socket)",
    ),
    "D-DISK-FULL": ("disk penuh", "the disk is full"),
    "D-CONFIG-NESTED": (
        "larik atau tabel bersarang terlalu dalam",
        "arrays or tables are nested too deep",
    ),
    "D-OLE-COUNTS": (
        "kepalanya menyebut {n} sektor, padahal berkas hanya memuat {sectors}",
        "its header counts {n} sectors where the file holds {sectors}",
    ),
    "D-SECTOR-CHAIN": ("rantai sektor rusak", "a broken sector chain"),
    "D-XML-COMMENT": (
        "komentar XML atau bagian CDATA lebih dari 4 MB",
        "an XML comment or CDATA section longer than 4 MB",
    ),
    "D-XML-TAG": ("tag XML lebih dari 1 MB", "an XML tag longer than 1 MB"),
    "D-RECORD-HEADER": ("kepala rekaman rusak", "a record header is malformed"),
    "D-RECORD-SIZE": ("rekaman sebesar {megabytes} MB", "a record of {megabytes} MB"),
    "D-SHEET-DECLARES": (
        "lembar menyatakan {rows} baris × {cols} kolom",
        "a sheet declares {rows} rows × {cols} columns",
    ),
    "D-NO-LOCAL-HEADER": ("{member} tidak memiliki kepala lokal", "{member} has no local header"),
    "D-MEMBER-CUT": ("{member} terpotong", "{member} is cut short"),
    "D-MEMBER-INFLATE": ("{member} tidak dapat didekompresi", "{member} cannot be decompressed"),
    "D-MEMBER-BEYOND": (
        "{member} mengembang melebihi ukuran yang dinyatakan",
        "{member} inflates beyond its declared size",
    ),
    "D-MEMBER-TEXT": (
        "{member} berisi teks bermegabyte tanpa markup",
        "{member} holds megabytes of text without markup",
    ),
    "D-MEMBER-SIZE": ("{member} berukuran {megabytes} MB", "{member} is {megabytes} MB"),
    "D-READER": ("{reason}", "{reason}"),
    "D-ZIP-NAME": (
        "nama anggota arsip {member} akan dibaca berbeda oleh pembaca lembar kerja",
        "the member name {member} would be read otherwise by the spreadsheet reader",
    ),
    "D-ZIP-DUPLICATE": (
        "dua anggota arsip bernama {member} (tanpa membedakan huruf besar dan kecil)",
        "two members are named {member} (letter case aside)",
    ),
    "D-ZIP-LAYOUT": ("direktori arsip tidak konsisten", "the archive's directory is inconsistent"),
    "D-ZIP-OVERLAP": (
        "anggota arsip {member} dan {other} berbagi data yang sama",
        "the members {member} and {other} share their data",
    ),
    "D-XML-PART": (
        "{member} bukan XML yang tersusun benar: {reason}",
        "{member} is not well-formed XML: {reason}",
    ),
    "D-XML-ENCODING": ("{member} tidak disandikan dalam UTF-8", "{member} is not encoded in UTF-8"),
    "D-XML-DTD": (
        "{member} menyatakan tipe dokumen atau entitas",
        "{member} declares a document type or entities",
    ),
    "D-XML-DECLARATION": (
        "lembar berisi deklarasi tipe dokumen atau markup lain",
        "a sheet holds a document type or another markup declaration",
    ),
    "D-XML-LT": (
        'tanda "<" di dalam tag XML atau nilai atribut',
        'a "<" inside an XML tag or attribute value',
    ),
    "D-PART-MISSING": (
        "lembar '{sheet}' merujuk bagian {member} yang tidak ada",
        "sheet '{sheet}' names a part that is missing ({member})",
    ),
    "D-POSITIONAL": (
        "lebih dari {tags} tag sel tanpa referensi posisi",
        "more than {tags} tags of cells written without their references",
    ),
    "D-STRING-INDEX": (
        "sebuah sel merujuk teks bersama yang tidak ada",
        "a cell refers to a shared string that does not exist",
    ),
    "D-SHARED-PART": (
        "lembar '{sheet}' memakai bagian {member} yang sudah dipakai lembar lain",
        "sheet '{sheet}' names the part {member} that another sheet names too",
    ),
    "D-SST": ("tabel teks bersama rusak", "the shared-string table is malformed"),
    "D-SHEET-OFFSET": (
        "posisi lembar '{sheet}' tidak menunjuk awal sebuah lembar",
        "the position of sheet '{sheet}' does not point at the start of a sheet",
    ),
    "D-ZIP": ("bukan arsip zip yang sah", "not a valid archive"),
    # --- hints ------------------------------------------------------------------------------
    "H-RESAVE": (
        "Buka di program lembar kerja lalu simpan lagi sebagai .xlsx, atau ekspor ulang.",
        "Open it in a spreadsheet program and save it again as .xlsx, or export it again.",
    ),
    "H-PASSWORD": (
        "Buka di program lembar kerja, hapus kata sandinya, lalu simpan lagi.",
        "Open it in a spreadsheet program, remove the password and save it again.",
    ),
    "H-TRIM": (
        "Jika berkas ini asli, hapus baris dan kolom di luar tabel lalu simpan lagi.",
        "If the file is genuine, delete the rows and columns beyond the table and save it again.",
    ),
    "H-EXPORT-AGAIN": ("Ekspor ulang dari sistem sumbernya.", "Export it again from the source system."),
    "H-CHECK-EXPORT": (
        "Periksa apakah ini ekspor yang dimaksud, atau ekspor ulang sebagai .xlsx atau .csv.",
        "Check that this is the export you meant, or export it again as .xlsx or .csv.",
    ),
    "H-EXTRACT": (
        "Jika berisi ekspor, ekstrak dulu; jika tidak, ekspor ulang buku kerjanya.",
        "If it holds exports, extract them first; otherwise export the workbook again.",
    ),
    "H-SAVE-EXPORT": (
        "Simpan ekspornya sendiri (Simpan Sebagai .xlsx atau .csv), bukan dokumen ini.",
        "Save the export itself (Save As .xlsx or .csv), not this document.",
    ),
    "H-RESAVE-GENUINE": (
        "Jika berkas ini asli, simpan lagi dari program lembar kerja.",
        "If the file is genuine, save it again from a spreadsheet program.",
    ),
    "H-RECALCULATE": (
        "Buka berkas di Excel atau LibreOffice lalu simpan lagi, agar hasil rumus tersimpan.",
        "Open the file in Excel or LibreOffice and save it again, so the results are stored.",
    ),
    "H-ADD-COLUMN": (
        "Tambahkan ekspor yang berisi nilai {missing}, atau sebutkan kolomnya di realisasi.toml [[layout]].",
        "Add an export with {missing} amounts, or name the column in realisasi.toml [[layout]].",
    ),
    "H-GIVE-PLAN": (
        "Berikan dengan --plan di samping ekspor LRA (realisasi quarters LRA --plan BERKAS), "
        "atau taruh di folder ekspornya.",
        "Give it with --plan beside the LRA export (realisasi quarters LRA --plan FILE), "
        "or put it in the folder of the exports.",
    ),
    "H-PLAN-EXPORT": (
        "Gunakan ekspor anggaran kas / RAK dari SIPD, atau sebutkan kolomnya di realisasi.toml.",
        "Use the anggaran kas / RAK export of SIPD, or name the columns in realisasi.toml.",
    ),
    "H-EXPECTED-HEADER": (
        "Diharapkan kepala tabel dengan misalnya 'Pagu/Anggaran' dan 'Realisasi'; jalankan 'realisasi inspect' "
        "untuk melihat apa yang terbaca, atau atur [[layout]] di realisasi.toml.",
        "Expected a header with e.g. 'Pagu/Anggaran' and 'Realisasi'; run 'realisasi inspect' to see what "
        "was read, or set [[layout]] in realisasi.toml.",
    ),
    "H-ADD-MISSING": (
        "Tambahkan kolom {missing}, atau sebutkan di realisasi.toml [[layout]] columns.",
        "Add a {missing} column, or name it in realisasi.toml [[layout]] columns.",
    ),
    "H-REVENUE": (
        "Pendapatan dibaca dari ekspor LRA yang memuat kode rekening 4 (misalnya LRA SKPD dari SIPD).",
        "Pendapatan is read from LRA exports with account codes 4 (e.g. an SKPD LRA from SIPD).",
    ),
    "H-UNITS-HEADER": (
        "Tulis baris pertama seperti: Kode,Nama,Berkas",
        "Write a first row such as: Kode,Nama,Berkas",
    ),
    "H-FOLLOWUP": (
        "Berikan lembar yang ditulis oleh realisasi brief … -o tindak-lanjut.xlsx dan diisi saat rapat (baris judulnya boleh dipindah, kolomnya boleh diurutkan ulang).",
        "Give the worksheet written by realisasi brief … -o tindak-lanjut.xlsx and filled in at the meeting (its header row may move, its columns may be reordered).",
    ),
    "H-CANNOT-OPEN": (
        "Tutup berkasnya jika sedang dibuka di program lembar kerja, atau periksa izin bacanya, lalu jalankan lagi.",
        "Close the file if a spreadsheet program has it open, or check that you may read it, then run again.",
    ),
    "H-OUTPUT-SPACE": (
        "Kosongkan sebagian ruang di disknya, atau tulis ke folder di disk lain.",
        "Free some space on the disk, or write to a folder on another disk.",
    ),
    "H-OUTPUT-CLOSE": (
        "Tutup berkasnya jika sedang dibuka di program lembar kerja, atau pilih nama atau folder lain.",
        "Close the file if a spreadsheet program has it open, or choose another name or folder.",
    ),
    "H-BRIEF-FOR-PDF": (
        "Bahan rapat PDF untuk dicetak dibuat dengan 'realisasi brief … -o rapat.pdf'.",
        "The printable PDF briefing comes from 'realisasi brief … -o rapat.pdf'.",
    ),
    "H-BRIEF-FOR-HTML": (
        "Bahan rapat HTML atau Markdown dibuat dengan 'realisasi brief … -o rapat.html'.",
        "The HTML briefing comes from 'realisasi brief … -o rapat.html'.",
    ),
    "H-SUMMARY-FOR-EML": (
        "Berkas .eml dibuat dengan 'realisasi summary … --dry-run -o ringkasan.eml'.",
        "The .eml file comes from 'realisasi summary … --dry-run -o summary.eml'.",
    ),
    "H-GIVE-AS-OF": (
        "Berikan tanggal ekspor dengan --as-of TTTT-BB-HH, atau gunakan berkas yang judulnya "
        "menyebut 's.d. <tanggal>'.",
        "Give the export date with --as-of YYYY-MM-DD, or use files whose title says 's.d. <tanggal>'.",
    ),
    "H-CONFIG-UTF8": (
        "Simpan ulang berkasnya sebagai UTF-8 (Notepad: Simpan Sebagai, Pengodean: UTF-8).",
        "Save the file again as UTF-8 (Notepad: Save As, Encoding: UTF-8).",
    ),
    "H-CONFIG-SYNTAX": (
        "Perbaiki sintaks TOML; lihat README, bagian Configuration.",
        "Fix the TOML syntax; see README, section Configuration.",
    ),
    "H-PDF-RENDER": (
        "Sementara itu, tulis sebagai HTML (-o rapat.html) dan cetak dari peramban; laporkan pesan ini.",
        "Meanwhile, write it as HTML (-o rapat.html) and print it from a browser; report this message.",
    ),
    "H-TEMPLATE": (
        "Mulailah dari templates/{template} bawaan; konteksnya `ctx` (BriefContext).",
        "Start from the shipped templates/{template}; the context is `ctx` (BriefContext).",
    ),
    "H-GIVE-RECIPIENTS": (
        "Berikan --to ALAMAT, atau atur [smtp] to atau REALISASI_SMTP_TO.",
        "Give --to ADDR, or set [smtp] to or REALISASI_SMTP_TO.",
    ),
    "H-SMTP-SET": (
        "Atur {env} atau [smtp] {key} di realisasi.toml.",
        "Set {env} or [smtp] {key} in realisasi.toml.",
    ),
    "H-SMTP-PASSWORD-ENV": (
        "Hapus dari realisasi.toml dan atur {env} di lingkungan (environment).",
        "Remove it from realisasi.toml and set {env} in the environment.",
    ),
    "H-SMTP-PORT": ("Atur {env} ke 1–65535.", "Set {env} to 1–65535."),
    "H-SMTP-FIX": (
        "Perbaiki {env} atau [smtp] {key} di realisasi.toml.",
        "Fix {env} or [smtp] {key} in realisasi.toml.",
    ),
    "H-SMTP-JOB-PASSWORD": (
        "Atur {env} di lingkungan (environment) tugas terjadwalnya.",
        "Set {env} in the environment of the job.",
    ),
    "H-SMTP-CAFILE": (
        "Atur {env} atau [smtp] cafile ke berkas PEM dari CA server surat.",
        "Set {env} or [smtp] cafile to the PEM file of the mail server's CA.",
    ),
    "H-SMTP-PLAIN-LOGIN": (
        "Atur {env} ke starttls atau ssl, atau hapus pengguna SMTP-nya bila server tidak memerlukan login.",
        "Set {env} to starttls or ssl, or remove the SMTP user if the server needs no login.",
    ),
    "H-SMTP-HERE": (
        "Server dari {path} di folder kerja tidak dipakai: jalankan dengan --config {path}, atau atur "
        "REALISASI_SMTP_HOST.",
        "The server of {path} in the working folder is not used: run with --config {path}, or set "
        "REALISASI_SMTP_HOST.",
    ),
    "H-FIX-CONFIG": ("Perbaiki realisasi.toml.", "Fix realisasi.toml."),
    "H-FIX-RECIPIENTS": ("Perbaiki penerimanya (--to, [smtp] to).", "Fix the recipients (--to, [smtp] to)."),
    "H-STATE-DIR": (
        "Atur {env} ke folder yang dapat ditulis tugas ini.",
        "Set {env} to a folder this job can write.",
    ),
    "H-DEBUG": (
        "Jalankan lagi perintahnya dengan --debug untuk melihat letaknya, lalu laporkan.",
        "Run the command again with --debug to see where, and report it.",
    ),
    # --- warnings while reading -------------------------------------------------------------
    "W-LEFT-OUT": ("tidak dipakai ({kind}): {reason}", "left out ({kind}): {reason}"),
    "W-DUPLICATE-FILE": (
        "tidak dipakai (turunan): datanya sama dengan {other}",
        "left out (derived): the same data as {other}",
    ),
    "W-MIXED-YEARS": (
        "masukan mencampur tahun anggaran {years}; hanya {latest} yang dipakai ({n} berkas lain tidak dipakai)",
        "the inputs mix fiscal years {years}; only {latest} is used ({n} other file(s) left out)",
    ),
    "W-OWN-OUTPUT": (
        "tidak dipakai: ditulis oleh realisasi (keluaran sebelumnya), bukan ekspor",
        "left out: written by realisasi (an earlier output), not an export",
    ),
    "W-SKIPPED": ("dilewati: {reason}", "skipped: {reason}"),
    "W-SHEET-NOT-READ": (
        "lembar ini tidak dibaca, lembar lain berkas ini dibaca: {reason}",
        "this sheet is not read, the file's other sheets are: {reason}",
    ),
    "W-SUBFOLDER-NOT-READ": (
        "tidak dibaca: subfolder berisi ekspor; berikan sebagai masukan bila datanya ikut dihitung",
        "not read: a subfolder of exports; give it as an input if its data counts",
    ),
    "W-ARCHIVE-NOT-READ": (
        "tidak dibaca: arsip; ekstrak dulu bila berisi ekspor",
        "not read: an archive; extract it first if it holds exports",
    ),
    "W-UNNAMED": (
        "tidak ada yang menyebut perangkat daerah pada {what} ini; dinamai '{name}' menurut nama {what} "
        "(daftar perangkat daerah dengan --units memberinya nama)",
        "nothing names the unit of this {what}; it is called '{name}' after the {what} name "
        "(a list of units given with --units names it)",
    ),
    "W-FORMULAS-OUTSIDE": (
        "{n} sel rumus tanpa hasil tersimpan di luar kolom nilai (yang pertama di {where}); diabaikan",
        "{n} formula cell(s) without saved results outside the amount columns (first at {where}); "
        "they were ignored",
    ),
    "W-SUBTOTAL": (
        "subtotal {what} tertulis {shown:.2f} tetapi rinciannya berjumlah {summed:.2f}; rinciannya yang dipakai",
        "subtotal {what} is {shown:.2f} but its rows add up to {summed:.2f}; the rows were used",
    ),
    "W-TOTAL-ROW": (
        "baris '{label}' tertulis {shown:.2f} di kolom {column} ({header}) tetapi baris di atasnya "
        "berjumlah {summed:.2f}; baris-barisnya yang dipakai — periksa apakah ada baris yang hilang atau lebih",
        "the row '{label}' shows {shown:.2f} in column {column} ({header}) but the rows it totals add up "
        "to {summed:.2f}; the rows were used — check for a row missing or extra",
    ),
    "W-SUBTOTAL-MORE": (
        "{n} selisih subtotal lainnya",
        "{n} more subtotal mismatches",
    ),
    "W-NOT-AMOUNTS": (
        "{n} sel di kolom {column} ({header}) bukan nilai uang, misalnya '{raw}' di {where}; dihitung 0",
        "{n} cell(s) in column {column} ({header}) are not amounts, e.g. '{raw}' at {where}; counted as 0",
    ),
    "W-ERROR-CELLS": (
        "{n} sel nilai berisi galat Excel (#REF!, #DIV/0!, …), yang pertama di {where}: dibaca kosong — "
        "perbaiki rumusnya di Excel lalu simpan lagi",
        "{n} amount cell(s) hold an error of Excel's (#REF!, #DIV/0!, …), the first at {where}: read as "
        "empty — correct the formula in Excel and save again",
    ),
    "W-ROWS-NO-UNIT": (
        "{n} baris memuat nilai tetapi tidak menyebut perangkat daerah: tidak dihitung — isi nama "
        "perangkat daerahnya",
        "{n} row(s) hold amounts but name no unit: not counted — fill in the unit's name",
    ),
    "W-PARTS-WITHIN": (
        "{n} baris bernomor di bawah baris lain (a., b. di bawah 1., 2.) adalah bagiannya: baris JUMLAH "
        "sama dengan jumlah baris luarnya saja, jadi hanya baris luarnya yang dihitung",
        "{n} row(s) numbered under others (a., b. under 1., 2.) are their parts: the JUMLAH row is the "
        "sum of the outer rows alone, so only those are counted",
    ),
    "W-BREAKDOWN-APART": (
        "{n} baris rincian (jenis belanja, program, kegiatan) di bawah perangkat daerahnya tidak sama "
        "jumlahnya dengan baris perangkat daerah itu: baris perangkat daerahnya yang dihitung, "
        "rinciannya tidak — periksa rinciannya",
        "{n} breakdown row(s) (jenis belanja, program, kegiatan) under their unit do not add up to the "
        "unit's row: the unit's row is counted, the breakdown is not — check the breakdown",
    ),
    "W-NAMED-BY-FIGURES": (
        "{n} perangkat daerah yang di sini dinamai lain daripada di berkas atau lembar lain "
        "dianggap sama karena pagu dan realisasinya sama: {names} — periksa bahwa memang sama",
        "{n} unit(s) named here otherwise than in other files or sheets are taken for theirs, by "
        "the same budget and realization: {names} — check that they are",
    ),
    "W-NAMED-BY-BUDGET": (
        "{n} perangkat daerah yang di sini dinamai lain daripada di berkas atau lembar lain bertanggal "
        "lain dianggap sama karena pagunya sama dan realisasinya tidak turun: {names} — periksa bahwa "
        "memang sama",
        "{n} unit(s) named here otherwise than in other files or sheets of another date are taken "
        "for theirs, by the same budget and a realization that did not fall: {names} — check that they are",
    ),
    "W-MAYBE-SAME-UNIT": (
        "{n} perangkat daerah di sini tanpa kode, yang namanya mungkin nama lain (singkatan, atau "
        "dengan nama pemerintah daerahnya) perangkat daerah di berkas atau lembar lain, tetapi angkanya "
        "tidak dapat memastikannya (pagu bulat jutaan, belum ada realisasi, tanggal lain, pagu yang "
        "berubah): dihitung terpisah, mungkin dua kali: {names} — bila sama, samakan namanya "
        "(atau [units] di realisasi.toml), atau pindahkan salah satu berkas",
        "{n} unit(s) here without a code, whose names may be another's of a unit of another file or "
        "sheet (shortened, or with its government's name), which their figures cannot confirm "
        "(budgets of whole millions, nothing realized yet, another date, a budget changed): counted "
        "apart, perhaps twice: {names} — if they are the same, give them one name (or [units] in "
        "realisasi.toml), or move one of the files away",
    ),
    "W-SUMMARY-PART": (
        "lembar ini merangkum lembar-lembar lain, tetapi hanya lembar ini yang memuat {n} perangkat "
        "daerah: {names} — angka mereka diambil dari sini, yang lain dari lembarnya sendiri",
        "this sheet sums up the other sheets, but only it holds {n} unit(s): {names} — their figures "
        "are taken from it, the others' from their own sheets",
    ),
    "W-ROWS-UNREAD": (
        "{n} baris tidak dihitung karena tak satu pun nilainya terbaca, yang pertama {name}: '{raw}' di "
        "{where} ditulis tidak seperti angka lain di kolomnya — perbaiki selnya",
        "{n} row(s) not counted since none of their amounts could be read, the first {name}: '{raw}' at "
        "{where} is written unlike the other numbers of its column — correct the cell",
    ),
    "W-AMOUNT-OUT-OF-RANGE": (
        "{n} sel di kolom {column} ({header}) berisi angka yang bukan nilai uang (NaN, tak hingga, atau "
        "10^15 rupiah ke atas), misalnya '{raw}' di {cells}; tidak dihitung — periksa sel itu",
        "{n} cell(s) in column {column} ({header}) hold a number that is no amount (NaN, infinite, or "
        "10^15 rupiah and more), e.g. '{raw}' at {cells}; not counted — check the cell",
    ),
    "W-AMOUNT-MALFORMED": (
        "{n} sel di kolom {column} ({header}) berisi angka dengan pemisah yang salah tempat, misalnya "
        "'{raw}' di {cells}; tidak dihitung — tulis seperti 1.234.567,89",
        "{n} cell(s) in column {column} ({header}) hold a number whose separators are out of place, "
        "e.g. '{raw}' at {cells}; not counted — write it like 1.234.567,89",
    ),
    "W-NEGATIVE-BUDGET": (
        "{n} pagu negatif di kolom {column} ({header}), misalnya {value} di {cells}; tidak dihitung dalam "
        "total",
        "{n} negative budget amount(s) in column {column} ({header}), e.g. {value} at {cells}; left out "
        "of the totals",
    ),
    "W-TEXT-NOT-UTF8-LINES": (
        "{n} baris berkas UTF-8 ini bukan UTF-8 (baris {lines}); bita yang aneh dibaca sebagai "
        "Windows-1252 — periksa nama di baris itu",
        "{n} line(s) of this UTF-8 file are not UTF-8 (line {lines}); their odd bytes were read as "
        "Windows-1252 — check the names on those lines",
    ),
    "W-TEXT-UTF8-LINES": (
        "sebagian besar baris bukan UTF-8, jadi berkas dibaca sebagai Windows-1252, tetapi {n} baris "
        "adalah UTF-8 (baris {lines}) dan hurufnya bisa tampil aneh — simpan ulang dalam satu pengodean",
        "most lines are not UTF-8, so the file was read as Windows-1252, but {n} line(s) are UTF-8 "
        "(line {lines}) and may show odd characters — save it again in one encoding",
    ),
    "W-CSV-OPEN-QUOTE": (
        'tanda kutip (") yang tidak ditutup di baris {lines} menelan baris-baris sesudahnya; baris itu '
        "dibaca satu per satu, tanda kutipnya sebagai huruf — periksa sel itu",
        'a quote (") that never closes at line {lines} swallowed the lines after it; they were read one '
        "by one, the quote as a character — check that cell",
    ),
    "W-DUPLICATE-UNIT": (
        "perangkat daerah '{name}' muncul {n} kali (baris {rows}); nilainya dijumlahkan",
        "unit '{name}' appears {n} times (rows {rows}); its amounts were added",
    ),
    "W-NEGATIVE": (
        "{n} nilai realisasi negatif (yang pertama di baris {first})",
        "{n} negative realization amount(s) (first at row {first})",
    ),
    "W-ABOVE-BUDGET": (
        "{n} baris dengan realisasi melebihi pagu (yang pertama di baris {first})",
        "{n} row(s) with realization above budget (first at row {first})",
    ),
    "W-OLD-SCHEME": (
        "rekening mengikuti bagan sebelum 2021 (5.1 tidak langsung, 5.2 langsung); modal dibaca dari 5.2.3",
        "accounts follow the pre-2021 scheme (5.1 tidak langsung, 5.2 langsung); modal is read from 5.2.3",
    ),
    "W-PLAN-AMONG-INPUTS": (
        "rencana anggaran kas di antara masukan: dipakai untuk target perangkat daerahnya sendiri",
        "a cash plan among the inputs: used for its units' own targets",
    ),
    "W-PLANS-AMONG-INPUTS": (
        "{n} rencana anggaran kas di antara masukan ({names}): dipakai untuk target perangkat daerahnya sendiri",
        "{n} cash plans among the inputs ({names}): used for their units' own targets",
    ),
    # --- warnings of the evaluation ---------------------------------------------------------
    "W-UNDATED": (
        "{n} perangkat daerah tidak memiliki tanggal data di judul, kepala tabel, lembar atau nama berkas: "
        "{names}; datanya mungkin lebih lama",
        "{n} unit(s) have no data date in their title, header, sheet or file name: {names}; "
        "their data may be older",
    ),
    "W-NO-DATE": (
        "tidak ada tanggal data di judul, kepala tabel, lembar atau nama berkas: kapan datanya "
        "tidak diketahui; --as-of TTTT-BB-HH memberinya tanggal",
        "no data date in the title, header, sheet or file name: when the data stands is not known; "
        "--as-of YYYY-MM-DD gives it one",
    ),
    "W-SIDE-BY-SIDE": (
        "dua tabel berdampingan: tabel di kolom {right} dibaca di bawah tabel di kolom {left}, "
        "barisnya diberi nomor mulai {row} (sesudah baris terakhir lembar)",
        "two tables side by side: the one in columns {right} is read under the one in columns "
        "{left}, its rows numbered from {row} (after the sheet's last row)",
    ),
    "W-MEASURES-APART": (
        "kolom {role} '{used}' yang dibaca; {others} juga kolom {role}, tidak dibaca dan tidak "
        "dijumlahkan: bila yang benar kolom lain, sebutkan di realisasi.toml [[layout]] columns",
        "the {role} column '{used}' is read; {others} are {role} columns too, neither read nor "
        "added: if another is the right one, name it in realisasi.toml [[layout]] columns",
    ),
    "W-SCALED": (
        "nilainya ditulis '{said}': dibaca ×{factor} dalam rupiah",
        "its amounts are written '{said}': read ×{factor} in rupiah",
    ),
    "W-SCALE-DOUBTED": (
        "nilainya ditulis '{said}', tetapi angkanya sudah dalam rupiah: ×{factor} membuat nilai "
        "tengah per baris lebih dari Rp1 triliun; dibaca apa adanya, dalam rupiah",
        "its amounts are written '{said}', but its figures are rupiah already: ×{factor} would make "
        "the median row more than Rp1 trillion; read as they are, in rupiah",
    ),
    "W-SAME-DATE": (
        "{n} perangkat daerah diberi angka berbeda oleh sumber bertanggal sama: {names} — yang dipakai "
        "yang angkanya lebih rinci (rupiah sebelum ribuan), lalu yang namanya menyebut revisi "
        "(revisi, perbaikan, final), lalu yang terakhir menurut nama berkas, lalu urutan lembar; "
        "pindahkan berkas, atau hapus lembar, yang tidak berlaku lagi",
        "{n} unit(s) are given different figures by sources of the same date: {names} — the more "
        "precise (rupiah before thousands), then one named as a revision (revisi, perbaikan, final), "
        "then the last by file name, then by sheet order, is used; "
        "move away the file, or delete the sheet, that no longer holds",
    ),
    "W-STALE": (
        "{n} perangkat daerah memiliki data lebih lama dari yang terbaru ({newest}) lebih dari {days} hari: {names}",
        "{n} unit(s) have data older than the newest ({newest}) by more than {days} days: {names}",
    ),
    "W-FUTURE-DATE": (
        "data bertanggal {day}, setelah hari ini ({today}): mungkin lembar bulan yang belum diisi, atau tanggal yang salah ketik",
        "the data is dated {day}, after today ({today}): perhaps month sheets not filled in yet, or a mistyped date",
    ),
    "W-DATE-AFTER-STAMP": (
        "berkas ini menyebut data per {day}, tetapi nama berkasnya bercap {stamp} (saat diekspor "
        "atau diunggah): datanya tidak mungkin lebih baru dari itu; bila datanya per {stamp}, tulis di "
        'realisasi.toml: [[layout]] match = "{name}" as_of = {iso}',
        "this file says its data stands at {day}, but its name is stamped {stamp} (when it was "
        "exported or uploaded): the data cannot be newer; if it stands at {stamp}, write in "
        'realisasi.toml: [[layout]] match = "{name}" as_of = {iso}',
    ),
    "W-NOT-YEAR-TO-DATE": (
        "{name}: realisasinya mencakup {start} s.d. {end}, bukan sejak 1 Januari; "
        "penyerapannya bukan kumulatif tahun berjalan",
        "{name}: the realization covers {start} to {end}, not from 1 January; its absorption is not year-to-date",
    ),
    "W-PLAN-UNMATCHED": (
        "rencana anggaran kas {unit} ini tidak cocok dengan perangkat daerah mana pun di data realisasi; "
        "perangkat daerah tanpa rencana diukur terhadap target bawaan",
        "this cash plan of {unit} matches no unit of the realization data; units without a plan "
        "are measured against the default targets",
    ),
    "W-PLAN-NAMELESS": (
        "rencana anggaran kas ini tidak menyebut perangkat daerah, dan data realisasinya memuat "
        "{n} perangkat daerah: tidak diketahui milik siapa; perangkat daerah tanpa rencana diukur terhadap "
        "target bawaan",
        "this cash plan names no unit, and the realization data has {n}: it cannot tell whose plan "
        "it is; units without a plan are measured against the default targets",
    ),
    "W-PLAN-NO-YEAR": (
        "rencana anggaran kas ini tidak menyebut tahunnya (di judul, kepala kolom atau nama berkas): "
        "bulan-bulannya tidak bertanggal, jadi tidak dipakai; namai berkasnya dengan tahunnya, "
        "misalnya {example}",
        "this cash plan says its year nowhere (title, column headers or file name): its months have no "
        "dates, so it is not used; put the year in its file name, e.g. {example}",
    ),
    "W-PLAN-OTHER-YEAR": (
        "rencana anggaran kas ini untuk tahun {years}, data realisasinya untuk {year}: tidak dipakai",
        "this cash plan is for {years}, the realization data for {year}: it is not used",
    ),
    "W-PLAN-REALIZATION-DISAGREES": (
        "baris Realisasi rencana anggaran kas ini untuk {unit} berjumlah Rp{plan:.0f} s.d. {day}, "
        "ekspornya Rp{export:.0f}: realisasi per bulan dari rencana itu tidak dipakai",
        "this cash plan's Realisasi row for {unit} adds up to Rp{plan:.0f} to {day}, the export "
        "to Rp{export:.0f}: the plan's realization by month is not used",
    ),
    "W-PLAN-REALIZATION-ONE-MONTH": (
        "baris Realisasi rencana anggaran kas ini untuk {unit} hanya terisi pada satu bulan (s.d. {month}: "
        "Rp{plan:.0f}, realisasi sampai hari itu sekaligus): realisasi bulan-bulan sebelumnya tidak "
        "diketahui, jadi realisasi per bulan dari rencana itu tidak dipakai",
        "this cash plan's Realisasi row for {unit} is filled in one month only (to {month}: Rp{plan:.0f}, "
        "the realization to that day at once): the months before are unknown, so the plan's realization "
        "by month is not used",
    ),
    "W-PLAN-REALIZATION-LATE": (
        "baris Realisasi rencana anggaran kas ini untuk {unit} baru terisi sejak bulan yang berakhir {month} "
        "({months} bulan, Rp{plan:.0f}): bulan-bulan sebelumnya kosong, bukan tanpa realisasi, jadi "
        "realisasi per bulan dari rencana itu tidak dipakai",
        "this cash plan's Realisasi row for {unit} is filled in only from the month ending {month} "
        "({months} months, Rp{plan:.0f}): the months before are blank, not without realization, so the "
        "plan's realization by month is not used",
    ),
    "W-PLAN-BUDGET-DIFFERS": (
        "rencana anggaran kas ini untuk {unit} berjumlah Rp{plan:.0f} setahun, pagunya Rp{budget:.0f}: "
        "bukan rencana pagu ini (rencana perangkat daerah lain?); {unit} diukur terhadap target bawaan",
        "this cash plan for {unit} adds up to Rp{plan:.0f} for the year, its budget to Rp{budget:.0f}: "
        "not a plan of this budget (another unit's plan?); {unit} is measured against the default targets",
    ),
    "W-PLAN-EMPTY": (
        "rencana anggaran kas ini tidak merencanakan apa pun (semua nilainya 0); "
        "{unit} diukur terhadap target bawaan",
        "this cash plan plans nothing (all amounts are 0); {unit} is measured against the default targets",
    ),
    "W-LAST-YEAR-LATER": (
        "{n} berkas tahun lalu bertanggal setelah {then} dan tidak dipakai: tahun lalu dibandingkan "
        "pada tanggal yang sama",
        "{n} file(s) of last year stand after {then} and are left out: last year is compared at the same date",
    ),
    "W-CUMULATIVE-FELL": (
        "realisasi kumulatif {unit} turun dari Rp{before:.0f} ({before_date}) menjadi Rp{after:.0f} "
        "({after_date}); realisasi s.d. suatu tanggal hanya turun karena koreksi: periksa apakah periode "
        "ekspornya dimulai 1 Januari",
        "cumulative realization of {unit} fell from Rp{before:.0f} ({before_date}) to Rp{after:.0f} "
        "({after_date}); realization to date falls only by a correction: check that the export's period "
        "starts on 1 January",
    ),
    "W-QUARTERS-UNDATED": (
        "{n} perangkat daerah tidak memiliki tanggal data dan tidak masuk triwulan (misalnya {names}); "
        "berikan tanggalnya dengan --as-of",
        "{n} unit(s) have no as-of date and are left out of the quarters (e.g. {names}); give the date with --as-of",
    ),
    # --- kinds of sheet and why -------------------------------------------------------------
    "K-data": ("data", "data"),
    "K-budget": ("pagu", "budget"),
    "K-plan": ("rencana", "plan"),
    "K-derived": ("turunan", "derived"),
    "K-template": ("templat", "template"),
    "K-pendapatan": ("pendapatan", "pendapatan"),
    "K-belanja": ("belanja", "belanja"),
    "R-PLAN-TITLE": (
        "rencana anggaran kas: nilai rencana per bulan di bawah judulnya",
        "a cash plan (anggaran kas): planned amounts per month under its title",
    ),
    "R-PLAN": (
        "nilai rencana per bulan atau triwulan (anggaran kas), tanpa realisasi",
        "planned amounts per month or quarter (anggaran kas), no realization",
    ),
    "R-BUDGET": ("hanya nilai pagu (DPA), tanpa realisasi", "budget amounts only (DPA), no realization"),
    "R-PENDAPATAN-TITLE": (
        "judulnya menyebut pendapatan, bukan belanja, dan tabelnya tanpa kode rekening",
        "its title speaks of pendapatan, not belanja, and its table has no account codes",
    ),
    "R-PENDAPATAN": (
        "hanya baris pendapatan atau pembiayaan (akun 4 atau 6)",
        "only pendapatan or pembiayaan rows (account 4 or 6)",
    ),
    "R-BELANJA": (
        "hanya baris belanja atau pembiayaan (akun 5 atau 6), tanpa pendapatan",
        "only belanja or pembiayaan rows (account 5 or 6), no pendapatan",
    ),
    "R-TEMPLATE": ("kepala tabel tanpa baris data", "a header without data rows"),
    "R-DATA": ("baris pagu dan realisasi", "budget and realization lines"),
    "R-UNFILLED": (
        "sel realisasinya kosong (belum diisi)",
        "its realization cells are empty (not filled in yet)",
    ),
    "R-UNFILLED-ZERO": (
        "realisasinya 0 seperti lembar '{sheet}' sebelumnya, dan tak satu lembar bulan pun berisi realisasi "
        "(belum diisi)",
        "its realization is 0 as in sheet '{sheet}' before it, and no month sheet holds any (not filled in yet)",
    ),
    "R-JENIS-PART": (
        "satu jenis belanja dari tabel yang sama: dijumlahkan dengan lembar '{sheet}'",
        "one jenis belanja of the same table: added up with sheet '{sheet}'",
    ),
    "R-COPY": ("barisnya terdapat di lembar '{sheet}'", "its rows are found in sheet '{sheet}'"),
    "R-HIDDEN-PEER": (
        "lembar tersembunyi yang menyebut perangkat daerah lembar '{sheet}' dengan angka lain: "
        "salinan lama atau salinan kerja",
        "a hidden sheet naming the units of sheet '{sheet}' with other figures: an old or working copy",
    ),
    "R-COPY-HIDDEN": (
        "lembar tersembunyi yang barisnya terdapat di lembar '{sheet}'",
        "a hidden sheet whose rows are found in sheet '{sheet}'",
    ),
    "R-SUMMARY": (
        "rekap: semua nilainya terdapat di lembar lain",
        "a summary: its amounts are all found in other sheets",
    ),
    "R-NO-TABLE": ("tidak ada tabel realisasi", "no realization table"),
    # --- words around messages --------------------------------------------------------------
    # --- what a file is, when it is not a spreadsheet -----------------------------------------
    "F-PDF": ("dokumen PDF", "a PDF document"),
    "F-PNG": ("gambar PNG", "a PNG image"),
    "F-JPEG": ("gambar JPEG", "a JPEG image"),
    "F-GIF": ("gambar GIF", "a GIF image"),
    "F-RAR": ("arsip RAR", "a RAR archive"),
    "F-7Z": ("arsip 7-Zip", "a 7-Zip archive"),
    "F-GZIP": ("arsip gzip", "a gzip archive"),
    "F-RTF": ("dokumen RTF", "an RTF document"),
    "F-WORD": ("dokumen Word", "a Word document"),
    "F-POWERPOINT": ("presentasi PowerPoint", "a PowerPoint presentation"),
    "F-BINARY": ("isi biner", "binary content"),
    "F-PLAIN-TEXT": ("teks biasa tanpa tabel", "plain text without a table"),
    "F-FOLDER": ("folder", "a folder"),
    "F-PIPE": ("pipa (FIFO)", "a pipe (FIFO)"),
    "F-DEVICE": ("perangkat (device)", "a device"),
    "F-SOCKET": ("soket", "a socket"),
    "N-ERROR": ("kesalahan", "error"),
    "N-WARNING": ("peringatan", "warning"),
    "N-ROW": ("baris", "row"),
    "N-INTERRUPTED": ("dihentikan", "interrupted"),
    "N-TERMINATED": ("dihentikan (SIGTERM)", "terminated (SIGTERM)"),
    "N-WRITTEN": ("ditulis: {path}", "written: {path}"),
    "N-WRITTEN-FACTS": ("ditulis: {path} ({rows})", "written: {path} ({rows})"),
    "N-ROWS-OF": ("{name}: {n} baris", "{name}: {n} rows"),
    "N-MORE-WARNINGS": (
        "… {n} peringatan lainnya (--format json memuat semuanya)",
        "… {n} more warnings (--format json lists all)",
    ),
    "N-NAMES-MORE": ("{names} dan {n} lainnya", "{names} and {n} more"),
    "N-NAME-DATE": ("{name} ({day})", "{name} ({day})"),
    "N-NAMED-AS": ("{name} → {unit}", "{name} → {unit}"),
    "N-RIVAL": ("{name} ({used}, bukan {others})", "{name} ({used}, not {others})"),
    "N-NOTE": ("catatan", "note"),
    "N-NO-SERVER": (
        "belum ada server SMTP yang diatur: pengirim (dan, tanpa --to, penerima) uji coba ini hanya contoh",
        "no SMTP server is configured: the sender (and, without --to, the recipient) of this dry run "
        "are placeholders",
    ),
    "N-REFUSED-BEFORE": (
        "{recipients} tidak menerimanya: server menolaknya saat itu (--force mengirimkannya lagi ke semua).",
        "{recipients} did not get it: the server refused them then (--force sends it again to all).",
    ),
    "N-ALREADY-SENT": (
        "sudah terkirim: ringkasan {day} sudah dikirim ke {recipients}; tidak dikirim lagi "
        "(--force tetap mengirimkannya).",
        "already sent: the summary of {day} went to {recipients} before; not sent again "
        "(--force sends it anyway).",
    ),
    "N-SENT": ("terkirim: {subject} → {recipients}", "sent: {subject} → {recipients}"),
    "N-SENT-AGAIN": (
        "terkirim lagi (--force): {subject} → {recipients}",
        "sent again (--force): {subject} → {recipients}",
    ),
    # --- reading on every core and on a cluster ---------------------------------------------
    "E-JOBS": (
        "REALISASI_JOBS={value}: bukan bilangan bulat positif.",
        "REALISASI_JOBS={value}: not a positive whole number.",
    ),
    "H-JOBS": (
        "Berikan jumlah proses yang membaca berkas, misalnya REALISASI_JOBS=2 (1: satu proses saja), "
        "atau hapus variabel itu agar setiap inti dipakai.",
        "Give the number of processes that read files, e.g. REALISASI_JOBS=2 (1: one process only), "
        "or unset it to use every core.",
    ),
    "E-DASK-MISSING": (
        "--scheduler memerlukan Dask, yang belum terpasang.",
        "--scheduler needs Dask, which is not installed.",
    ),
    "H-DASK-INSTALL": (
        'Pasang dengan: pip install "realisasi[dask]" (juga di setiap worker klaster).',
        'Install it with: pip install "realisasi[dask]" (on every worker of the cluster too).',
    ),
    "E-SCHEDULER-UNREACHABLE": (
        "--scheduler {address}: penjadwal Dask tidak dapat dihubungi ({reason}).",
        "--scheduler {address}: the Dask scheduler cannot be reached ({reason}).",
    ),
    "H-SCHEDULER": (
        "Periksa alamatnya (mis. tcp://10.0.0.5:8786) dan bahwa penjadwal berjalan; tanpa --scheduler "
        "berkas dibaca di mesin ini.",
        "Check the address (e.g. tcp://10.0.0.5:8786) and that the scheduler is running; without "
        "--scheduler the files are read on this machine.",
    ),
}

_language = os.environ.get(LANG_ENV, "").strip().lower()
_current = _language if _language in LANGUAGES else "id"


def use(lang: str | None) -> None:
    """Set the language of the messages for the rest of the run (unknown: unchanged)."""
    global _current
    if lang in LANGUAGES:
        _current = lang


def current() -> str:
    """The language messages are shown in: set by the run, else ``REALISASI_LANG``, else Indonesian."""
    return _current


@dataclass(frozen=True)
class Message:
    """A code of the catalogue and the values its text names."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str | None = None, *, short: bool = False) -> str:
        """The text in ``lang`` (the run's language by default); ``short`` names files without folders."""
        return text(self.code, lang, short=short, **self.params)

    def __str__(self) -> str:
        return self.text()


def some_of(items: Sequence[object], limit: int = 5) -> object:
    """Names for a message: all of ``items``, or the first ``limit`` and how many more
    (``N-NAMES-MORE``: "A, B dan 3 lainnya")."""
    if len(items) <= limit:
        return list(items)
    return Message("N-NAMES-MORE", {"names": list(items[:limit]), "n": len(items) - limit})


_BREAKS = re.compile(r"[\n\r\t\v\f\x85\u2028\u2029]")  # the output strips escape sequences itself


def readable_name(text: str) -> str:
    """A file name as Windows would show it where its bytes are not UTF-8 (kept by the system as
    surrogates: ``\udce9`` → ``é``, cp1252), without line breaks (a line break in a name is no
    new line of the message)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogateescape").decode("cp1252", "replace")
    return _BREAKS.sub("", text)


class Lines(tuple[object, ...]):
    """Values shown one per line, indented, where a list would be one line joined by commas."""


class _Formatter(string.Formatter):
    """``str.format`` whose numbers, dates, paths, lists and nested messages follow the language."""

    def __init__(self, lang: str, short: bool) -> None:
        self.lang = lang
        self.short = short

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Message):
            return value.text(self.lang, short=self.short)
        if isinstance(value, bool) or value is None:
            return "-" if value is None else str(value)
        if isinstance(value, int | float):
            digits = (
                int(format_spec[1:-1]) if format_spec.startswith(".") and format_spec.endswith("f") else None
            )
            return written.number(value, self.lang, (0, 2) if digits is None else (digits, digits))
        if isinstance(value, date):
            return written.long_date(value, self.lang)
        if isinstance(value, PurePath):
            return readable_name(value.name if self.short else str(value))
        if isinstance(value, Lines):
            return "\n".join("  " + self.format_field(v, format_spec) for v in value)
        if isinstance(value, list | tuple | set | frozenset):
            return ", ".join(self.format_field(v, format_spec) for v in value)
        return format(value, format_spec)


def text(code: str, lang: str | None = None, *, short: bool = False, **params: object) -> str:
    """The text of ``code`` in ``lang`` with ``params`` filled in."""
    lang = lang if lang in LANGUAGES else _current
    template = CATALOGUE[code][LANGUAGES.index(lang)]
    return _Formatter(lang, short).vformat(template, (), params)
