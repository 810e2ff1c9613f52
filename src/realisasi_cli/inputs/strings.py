"""Shared strings, and the text they would make in the cells that reference them.

A workbook stores each distinct text once and its cells refer to it by number; calamine (and
then the frame built from its cells) makes a copy of the text for every cell that refers to
it. One string of megabytes referred to by a few hundred cells makes gigabytes out of a file
of kilobytes. So, before calamine opens a workbook, the text its references would make is
bounded: first by (cells) × (the longest string), which a real export passes easily, and
where that is not enough, by adding up the length of the very string each cell refers to.
"""

from __future__ import annotations

import re
import zipfile
from array import array
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import Damaged, inflate_member
from realisasi_cli.inputs.limits import text_allowed
from realisasi_cli.inputs.xlsx import bodies_as_text, complete_tags, without_asides

if TYPE_CHECKING:
    pass


# --- the shared strings of an .xlsx (sharedStrings.xml) -----------------------------------------

_P = rb"(?:[^ \t\r\n<>/:]*:)?"
_TOKEN = re.compile(
    rb"<(?:/(" + _P + rb"(?:si|sst))[ \t\r\n]*|(" + _P + rb"(?:si|sst))(?=[ \t\r\n/>])"
    rb"((?:[^<>\"']|\"[^\"]*\"|'[^']*')*+))>"
)
_PLAIN_SI = re.compile(rb"(<si>|</si>)")
_ANY_SI = re.compile(rb"</?" + _P + rb"si(?=[ \t\r\n/>])")
# a "<" inside a tag, which calamine's XML reader would read past
_LT_IN_TAG = re.compile(rb"<(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*+(?:<|\"[^\"]*<|'[^']*<)")


def _local(name: bytes) -> bytes:
    return name.partition(b":")[2] if b":" in name else name


class XmlStrings:
    """The length of every shared string of sharedStrings.xml, read in pieces.

    A string's length is taken as the bytes between its ``<si>`` and the first end tag of
    that name after it (calamine reads the string up to there), markup included: never less
    than its text. ``longest`` holds for any structure; ``lengths`` (by index) only when the
    part is ``plain`` — every string inside ``<sst>``, none inside another, each closed by
    an end tag of its own name — for then calamine numbers them in the same order.
    """

    def __init__(self) -> None:
        self.carry = b""
        self.offset = 0
        self.lengths = array("Q")
        self.longest = 0
        self.plain = True
        self.started = self.ended = False  # <sst>, </sst>
        self.open: tuple[bytes, int] | None = None  # name and content start of the string being read
        self.unresolved: dict[bytes, list[int]] = {}  # content starts waiting for an end tag of their name

    def feed(self, chunk: bytes) -> None:
        body, self.carry = complete_tags(self.carry + chunk)
        body, open_aside = without_asides(body, masked=True)
        self.carry = open_aside + self.carry
        self._tokens(body)

    def finish(self) -> None:
        self._tokens(self.carry)
        self.carry = b""
        for starts in self.unresolved.values():  # never closed: calamine fails; still bounded here
            for start in starts:
                self.longest = max(self.longest, self.offset - start)
        self.unresolved.clear()
        if self.open is not None:
            self.plain = False

    def _tokens(self, body: bytes) -> None:
        if _LT_IN_TAG.search(body):
            raise Damaged("D-XML-LT")
        if self._plainly(body):
            self.offset += len(body)
            return
        base = self.offset
        for m in _TOKEN.finditer(body):
            if m.group(1) is not None:
                self._end(m.group(1), base + m.start())
            elif _local(m.group(2)) == b"sst":
                self.started = True
            else:
                self._start(m.group(2), (m.group(3) or b"").endswith(b"/"), base + m.end())
        self.offset += len(body)

    def _plainly(self, body: bytes) -> bool:
        """Read a piece where every string is written ``<si>…</si>`` in one pass of C: whether it was.

        Nothing else in the piece may be named si or sst, and the strings must follow each
        other; otherwise the piece is read tag by tag.
        """
        if not self.started or self.ended or b"sst" in body:
            return False
        pieces = _PLAIN_SI.split(body)
        tokens = pieces[1::2]
        if len(_ANY_SI.findall(body)) != len(tokens):
            return False
        carried = self.open is not None
        if carried and (self.open != (b"si", self.open[1]) or tokens[:1] != [b"</si>"]):  # type: ignore[index]  # open is set
            return False
        rest = tokens[1:] if carried else tokens
        starts, ends = rest[0::2], rest[1::2]
        if starts.count(b"<si>") != len(starts) or ends.count(b"</si>") != len(ends):
            return False
        if carried:
            self._end(b"si", self.offset + len(pieces[0]))
        contents = pieces[4::4] if carried else pieces[2::4]
        if len(starts) > len(ends):  # the last string goes on in the next piece
            self._start(b"si", False, self.offset + len(body) - len(pieces[-1]))
            contents = contents[:-1]
        sizes = array("Q", map(len, contents))
        self.lengths.extend(sizes)
        self.longest = max(self.longest, max(sizes, default=0))
        return True

    def _start(self, name: bytes, empty: bool, content: int) -> None:
        if not empty:
            self.unresolved.setdefault(name, []).append(content)
        if self.ended:
            return
        if not self.started or self.open is not None:
            self.plain = False
        if empty:
            self.lengths.append(0)
        else:
            self.open = (name, content)

    def _end(self, name: bytes, at: int) -> None:
        if _local(name) == b"sst":
            self.ended = self.ended or self.started
            return
        for start in self.unresolved.pop(name, ()):
            self.longest = max(self.longest, at - start)
        if self.ended:
            return
        if self.open is None or self.open[0] != name:
            self.plain = False
            return
        self.lengths.append(at - self.open[1])
        self.open = None


# cells of shared strings written plainly, their index captured; and any cell tag that may be one
_PLAIN_REF = (
    r'<(?:[a-zA-Z]+:)?c((?: [a-zA-Z]+="[^"<>]*")*)>'
    r"<(?:[a-zA-Z]+:)?v>([0-9]{1,10})</(?:[a-zA-Z]+:)?v></(?:[a-zA-Z]+:)?c>"
)
_MAYBE_REF = (
    r"<(?:[^ \t\r\n<>/:]*:)?c[ \t\r\n/](?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*?"
    r"t[ \t\r\n]*=[ \t\r\n]*(?:\"s\"|'s')"
)
_BATCH = 4 << 20


def xml_string_text(handle: IO[bytes], info: zipfile.ZipInfo, lengths: array[int], longest: int) -> int:
    """The text the references of one sheet would make, each plainly written one by its string's
    length, any other cell that may be a reference by the longest string's."""
    import polars as pl

    total = 0
    batch: list[bytes] = []
    size = 0
    carry = b""

    def count(bodies: list[bytes]) -> int:
        text = bodies_as_text(bodies)
        maybe = int(text.str.count_matches(_MAYBE_REF).sum())
        found = text.str.extract_all(_PLAIN_REF).explode().drop_nulls()
        if not found.len():
            return maybe * longest
        parts = found.str.extract_groups(_PLAIN_REF)
        attrs, index = parts.struct.field("1"), parts.struct.field("2").cast(pl.Int64)
        strings = attrs.str.contains(' t="s"') & (attrs.str.count_matches(" t=") == 1)
        index = index.filter(strings)
        known = index < len(lengths)
        sizes = pl.Series(lengths, dtype=pl.UInt64)
        exact = int(sizes.gather(index.filter(known)).sum()) if known.any() else 0
        return exact + (maybe - int(index.len()) + int((~known).sum())) * longest

    for chunk in inflate_member(handle, info):
        body, carry = complete_tags(carry + chunk)
        body, open_aside = without_asides(body)
        carry = open_aside + carry
        batch.append(body)
        size += len(body)
        if size >= _BATCH:
            total += count(batch)
            batch, size = [], 0
    batch.append(carry)
    return total + count(batch)


# --- all of a workbook's references ----------------------------------------------------------


def referenced_text(references: Counter[int], lengths: array[int], longest: int) -> int:
    """The text that ``references`` (count by string index) make: known indices by length."""
    return sum(count * (lengths[i] if 0 <= i < len(lengths) else longest) for i, count in references.items())


def check_text(path: Path, text: int, allowed: int) -> None:
    """Refuse a workbook whose references to shared strings would make more than ``allowed`` bytes."""
    if text > text_allowed(allowed):
        raise UnreadableWorkbookError(
            "E-STRINGS-AMPLIFIED", "H-RESAVE-GENUINE", path=path, megabytes=round(text / 1024**2)
        )
