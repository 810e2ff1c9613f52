"""Warnings as the lines a person reads: one line for what several sheets of a file share."""

from __future__ import annotations

from realisasi_cli.facts.schema import Warning_
from realisasi_cli.messages import Message
from realisasi_cli.present.located import located

DERIVED = {"kind": Message("K-derived"), "reason": "barisnya terdapat di lembar 'RAK Belanja'"}


def left_out(sheet: str, file: str = "/data/rak.xlsx") -> Warning_:
    return Warning_(file, sheet, None, "W-LEFT-OUT", DERIVED)


def test_what_several_sheets_of_a_file_share_is_one_line_naming_them() -> None:
    warnings = [left_out(f"Sheet{i}") for i in range(1, 4)]
    assert located(warnings, "en") == [
        ("rak.xlsx [Sheet1, Sheet2, Sheet3]", "left out (derived): barisnya terdapat di lembar 'RAK Belanja'")
    ]


def test_past_five_sheets_the_rest_are_counted() -> None:
    ((where, _message),) = located([left_out(f"S{i}") for i in range(8)], "id")
    assert where == "rak.xlsx [S0, S1, S2, S3, S4 dan 3 lainnya]"


def test_other_files_rows_and_messages_keep_their_own_lines() -> None:
    warnings = [
        left_out("A"),
        left_out("B", file="/data/lain.xlsx"),  # another file
        Warning_("/data/lain.xlsx", "B", 7, "W-LEFT-OUT", DERIVED),  # a row of its own
        Warning_("", None, None, "W-LEFT-OUT", DERIVED),  # of no one file
    ]
    assert [where for where, _message in located(warnings, "en")] == [
        "rak.xlsx [A]",
        "lain.xlsx [B]",
        "lain.xlsx [B] row 7",
        "",
    ]


def formulas(sheet: str, row: int = 37, n: int = 4) -> Warning_:
    return Warning_(
        "/data/rfk.xlsx", sheet, row + 1, "W-FORMULAS-OUTSIDE", {"n": n, "where": f"{sheet}!D{row + 1}"}
    )


def test_month_sheets_that_say_the_same_of_one_row_are_one_line() -> None:
    months = ["Jan", "Peb", "Mar"]
    warnings = [formulas(m) for m in months] + [formulas("Apr", row=40), formulas("Mei", n=2)]
    assert located(warnings, "id") == [
        (
            "rfk.xlsx [Jan, Peb, Mar] baris 38",
            "4 sel rumus tanpa hasil tersimpan di luar kolom nilai (yang pertama di Jan!D38); diabaikan",
        ),
        (
            "rfk.xlsx [Apr] baris 41",
            "4 sel rumus tanpa hasil tersimpan di luar kolom nilai (yang pertama di Apr!D41); diabaikan",
        ),
        (
            "rfk.xlsx [Mei] baris 38",
            "2 sel rumus tanpa hasil tersimpan di luar kolom nilai (yang pertama di Mei!D38); diabaikan",
        ),
    ]
