"""The rectangle of an .ods table, with its repeat counts, and its formula cells saved without results."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from realisasi_cli.errors import UnreadableWorkbookError
from realisasi_cli.inputs.archive import Damaged
from realisasi_cli.inputs.limits import check_extent
from realisasi_cli.inputs.xlsx import ATTRS, complete_tags, tag_attributes, without_asides

if TYPE_CHECKING:
    pass


# --- the rectangle of an .ods table ------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)(table:table-row|table:table-cell|table:covered-table-cell|table:table|text:p)(?=[\s/>])"
    + ATTRS
    + rb">"
)
# Real files repeat a value over a few cells (a row of zeros), not over a million.
_MAX_REPEAT = 100
_REPEAT_CELLS = 1_000_000


def _repeat(value: bytes | None) -> int:
    """A number-…-repeated attribute: how many rows or cells one element stands for."""
    value = (value or b"").strip()
    return int(value) if value.isdigit() else 1


class OdsExtent:
    """Rows × columns of each table in content.xml, with repeated rows and cells expanded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.carry = b""
        self.name = "?"
        self.formulas: dict[str, list[tuple[int, int]]] = {}
        # calamine's .ods reader never returns from some XML that is cut short, so the whole
        # document must be well-formed (expat, in C; it also stops entity expansion bombs).
        from xml.parsers import expat  # for .ods only

        self.wellformed = expat.ParserCreate("utf-8")  # as calamine reads it
        self.malformed = (expat.ExpatError, LookupError, ValueError)
        self._reset()

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
        body, open_aside = without_asides(body)
        self.carry = open_aside + self.carry
        for m in _ODS_TAG.finditer(body):
            self._tag(m.group(1) == b"/", m.group(2), m.group(3))

    def finish(self) -> None:
        try:
            self.wellformed.Parse(b"", True)
        except self.malformed as exc:
            raise Damaged("D-XML", reason=str(exc)) from exc
        self._check()

    def _check(self) -> None:
        check_extent(self.path, self.name, self.max_row, self.max_col, self.filled)
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
                self.repeat = _repeat(tag_attributes(attrs).get(b"table:number-rows-repeated"))
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
            span = _repeat(found.get(b"table:number-columns-repeated"))
            if b"office:value-type" in found:
                self._value(self.col, span)
            elif b"table:formula" in found:
                self.formulas.setdefault(self.name, []).append((self.row, self.col))
            elif not empty:
                self.open_cell = (self.col, span)
            self.col += span

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
