"""Text from the data made safe where people read it: a terminal, Markdown, plain text.

A cell or a file name may hold what a terminal acts on (ESC sequences that clear the screen,
set the window title or make an OSC-8 link, BEL, a carriage return that writes over a line,
the one-byte C1 forms of the same) or what a Markdown viewer turns into a link or a remote
image. Everything shown is passed through here; the data itself is not changed.
"""

from __future__ import annotations

import re

# A whole escape sequence goes, not only its ESC, so that no "[2J" or "]8;;http://…" is left:
# CSI (ESC [ … final), OSC/DCS/SOS/PM/APC strings up to their terminator (BEL or ST) or the end
# of the line, other two-character escapes, and the one-byte C1 forms of CSI and the strings.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
)
# Every other C0 and C1 control but tab and newline, DEL, and the bidirectional embeddings,
# overrides and isolates that make text read in another order than it is written.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


class Verbatim(str):
    """Text laid out on purpose over several lines (a chart inside a Markdown code block):
    its controls are stripped, its line breaks and characters kept."""

    __slots__ = ()


def plain(text: str, *, one_line: bool = False) -> str:
    """``text`` without escape sequences and control characters (tab and newline stay; a line
    ends in ``\\n`` only). With ``one_line``, every line break becomes a space."""
    if text.isprintable():  # the usual case, decided at C speed: no control, no line break
        return text
    text = _SEQUENCES.sub("", text)
    text = _LINE_BREAKS.sub(" " if one_line else "\n", text)
    return _CONTROLS.sub("", text)


def cell(text: str) -> str:
    """``text`` for a spreadsheet's cell: no escape sequence, control or mark that turns text
    around; its line breaks (``\r``, ``\n``) and tabs kept as the data has them."""
    if text.isprintable():
        return text
    return _CONTROLS.sub(lambda m: m.group() if m.group() == "\r" else "", _SEQUENCES.sub("", text))


def markup(text: str) -> str:
    """``text`` for a Rich console: controls stripped, and shown as it is, not read as markup."""
    from rich.markup import escape

    return escape(plain(text))


# "[" and "]" from the data, escaped, open no link, image or reference ("[x](javascript:…)",
# "![](http://…)", "[x]: http://…"); a backslash before them is doubled so that it cannot
# cancel the escape. "<" before a letter (a tag, an autolink "<http://…>") and "&" of an
# entity are written as entities, so that no HTML opens either.
_BRACKETS = re.compile(r"(\\*)([\[\]])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=#?\w+;)")


def markdown(text: str) -> str:
    """``text`` for Markdown, on one line (a line break would end a table row): inert as text."""
    text = plain(text, one_line=True)
    text = _BRACKETS.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), text)
    return _no_html(text)


def markdown_code(text: Verbatim) -> str:
    """A ``Verbatim`` text for a Markdown code block, where links do not open but the lines stay;
    no tag either, for viewers that render a code block's HTML."""
    return _no_html(plain(text))


def _no_html(text: str) -> str:
    return _TAG_START.sub("&lt;", _ENTITY_START.sub("&amp;", text))
