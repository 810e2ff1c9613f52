"""The rectangle of an .ods table, with its repeat counts, and its formula cells saved without results."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import Damaged
from realisasi_cli.inputs.limits import Cells, check_extent
from realisasi_cli.inputs.package import AttrError, raw_attr, raw_attributes, unescape
from realisasi_cli.inputs.strings import check_text
from realisasi_cli.inputs.xlsx import ATTRS, complete_tags, tag_attributes, without_asides

if TYPE_CHECKING:
    pass


# --- the rectangle of an .ods table ------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)(table:table-row|table:table-cell|table:covered-table-cell|table:table|text:p|text:s)"
    rb"(?=[\s/>])" + ATTRS + rb">"
)
# Real files repeat a value over a few cells (a row of zeros), not over a million.
_MAX_REPEAT = 100
_REPEAT_CELLS = 1_000_000
# attributes whose value calamine copies into each cell the element stands for
_TEXT_ATTRIBUTES = frozenset(
    {b"office:string-value", b"office:date-value", b"office:time-value", b"table:formula"}
)
_CELLS = (b"table:table-cell", b"table:covered-table-cell")
_MAX_MERGES = 100_000  # spanning cells kept per table: more than any export has


def rust_count(text: str | None) -> int | None:
    """A count as Rust's ``usize::from_str`` reads it ("+" allowed, no spaces); None where it fails."""
    if text is None:
        return None
    digits = text.removeprefix("+")
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 20:
        return None
    value = int(digits)
    return value if value < 1 << 64 else None


def _repeat(attrs: bytes, name: bytes, unescaped: bool) -> int:
    """A number-…-repeated attribute as calamine reads it: how many rows or cells one element
    stands for (calamine fails on a count it cannot read, and so on the file)."""
    try:
        value = raw_attr(attrs.removesuffix(b"/"), name)
    except AttrError:
        return 1
    if value is None:
        return 1
    count = rust_count(unescape(value) if unescaped else value.decode("utf-8", "replace"))
    return 1 if count is None else count


class OdsExtent:
    """Rows × columns of each table in content.xml, with repeated rows and cells expanded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.carry = b""
        self.name = "?"
        self.formulas: dict[str, list[tuple[int, int]]] = {}
        # cells spanning rows or columns (a unit's name over its rows): calamine's .ods reader
        # gives none of them, and python-calamine none either
        self.merges: dict[str, list[tuple[int, int, int, int]]] = {}
        # calamine's .ods reader never returns from some XML that is cut short, so the whole
        # document must be well-formed (expat, in C; it also stops entity expansion bombs).
        from xml.parsers import expat  # for .ods only

        self.wellformed = expat.ParserCreate("utf-8")  # as calamine reads it
        self.wellformed.StartDoctypeDeclHandler = self._refuse_declaration
        self.wellformed.EntityDeclHandler = self._refuse_declaration
        self.malformed = (expat.ExpatError, LookupError, ValueError)
        # text that calamine copies into cells, counted with the repeats that copy it
        self.offset = 0
        self.copied = 0
        self.cells = Cells(path)  # every table: calamine reads them all when it opens the file
        self.cell_text: tuple[int, int, int] | None = None  # (content start, span, text so far)
        self._reset()

    @staticmethod
    def _refuse_declaration(*_args: object) -> None:
        raise Damaged("D-XML-DTD", member="content.xml")

    def _reset(self) -> None:
        self.row = self.max_row = self.max_col = self.filled = self.written = 0
        self.repeat = 1
        self.col = self.row_cells = 0
        self.row_has = False
        self.open_cell: tuple[int, int] | None = None  # (column, span) of a cell that may hold text

    def feed(self, chunk: bytes) -> None:
        try:
            self.wellformed.Parse(chunk, False)
        except self.malformed as exc:
            raise Damaged("D-XML", reason=str(exc)) from exc
        body, self.carry = complete_tags(self.carry + chunk)
        body, open_aside = without_asides(body, masked=True)
        self.carry = open_aside + self.carry
        for m in _ODS_TAG.finditer(body):
            self.at = self.offset + m.start()
            self._tag(m.group(1) == b"/", m.group(2), m.group(3))
            if m.group(2) in _CELLS or m.group(2) == b"text:s":
                self._text(m.group(1) == b"/", m.group(2), m.group(3), self.offset + m.end())
        self.offset += len(body)

    def finish(self) -> None:
        try:
            self.wellformed.Parse(b"", True)
        except self.malformed as exc:
            raise Damaged("D-XML", reason=str(exc)) from exc
        self._check()
        self.cells.check()
        check_text(self.path, self.copied, self.offset)

    def _text(self, closing: bool, tag: bytes, attrs: bytes, after: int) -> None:
        """Count the text a cell makes (its content, the spaces of its ``text:s``, its attribute
        values) times the cells its repeats make of it."""
        if tag == b"text:s":
            if self.cell_text is not None and not closing:
                start, span, text = self.cell_text
                spaces = rust_count(unescape(raw_attr(attrs.removesuffix(b"/"), b"text:c") or b"1"))
                self.cell_text = (start, span, text + (spaces or 0))
            return
        if closing:
            if self.cell_text is not None:
                start, span, text = self.cell_text
                self.copied += (self.at - start + text) * span * self.repeat
                self.cell_text = None
            return
        try:
            text = sum(len(v) for k, v in raw_attributes(attrs.removesuffix(b"/")) if k in _TEXT_ATTRIBUTES)
        except AttrError:
            text = len(attrs)
        span = _repeat(attrs, b"table:number-columns-repeated", unescaped=False)
        if attrs.endswith(b"/"):
            self.copied += text * span * self.repeat
        else:
            self.cell_text = (after, span, text)

    def _check(self) -> None:
        check_extent(self.path, self.name, self.max_row, self.max_col, self.filled)
        self.cells.add(self.max_row, self.max_col, self.filled)
        if self.filled > _REPEAT_CELLS and self.filled > _MAX_REPEAT * self.written:
            raise UnreadableWorkbookError(
                "E-ODS-REPEATS",
                "H-RESAVE",
                path=self.path,
                sheet=self.name,
                written=self.written,
                filled=self.filled,
            )

    def _tag(self, closing: bool, tag: bytes, attrs: bytes) -> None:
        empty = attrs.endswith(b"/")
        if tag == b"text:s":
            return  # spaces, counted as text by _text
        if tag == b"table:table":
            if closing:
                self._check()
            else:
                name = tag_attributes(attrs).get(b"table:name")
                self.name = name.decode("utf-8", "replace") if name is not None else "?"
            self._reset()
        elif tag == b"table:table-row":
            if closing:
                self._end_row()
            else:
                self.repeat = _repeat(attrs, b"table:number-rows-repeated", unescaped=True)
                self.col = self.row_cells = 0
                self.row_has = False
                if empty:
                    self._end_row()
        elif tag == b"text:p":
            if not closing and not empty and self.open_cell is not None:
                self._value(*self.open_cell)  # text without a value type is a string to calamine
                self.open_cell = None
        elif closing:
            self.open_cell = None
        else:
            found = tag_attributes(attrs)
            span = _repeat(attrs, b"table:number-columns-repeated", unescaped=False)
            if b"table:number-rows-spanned" in found or b"table:number-columns-spanned" in found:
                self._merge(attrs, span)
            if b"office:value-type" in found:
                self._value(self.col, span)
            elif b"table:formula" in found:
                self.formulas.setdefault(self.name, []).append((self.row, self.col))
            elif not empty:
                self.open_cell = (self.col, span)
            self.col += span

    def _merge(self, attrs: bytes, span: int) -> None:
        """A cell spanning rows or columns, once (not for each repeat of a repeated row or cell);
        at most ``_MAX_MERGES`` per table."""
        rows = _repeat(attrs, b"table:number-rows-spanned", unescaped=False)
        cols = _repeat(attrs, b"table:number-columns-spanned", unescaped=False)
        merges = self.merges.setdefault(self.name, [])
        if (rows > 1 or cols > 1) and span == 1 and self.repeat == 1 and len(merges) < _MAX_MERGES:
            merges.append((self.row, self.col, self.row + rows - 1, self.col + cols - 1))

    def _value(self, col: int, span: int) -> None:
        self.max_col = max(self.max_col, col + span)
        self.row_cells += span
        self.row_has = True
        self.written += 1

    def _end_row(self) -> None:
        if self.row_has:
            self.max_row = self.row + self.repeat
            self.filled += self.row_cells * self.repeat
        self.row += self.repeat
        self.repeat = 1
        self.row_has = False
        self.open_cell = None
