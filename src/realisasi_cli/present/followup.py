"""The follow-up loop of the evaluation meeting (lembar tindak lanjut).

``followup_workbook`` writes the worksheet handed out at the meeting: one row per unit of the
brief's lowest list (the units proposed for asistensi), with the columns the meeting fills in.
``followup_section`` reads a filled one back beside the new data: what was agreed for each
unit, its change since, and who left the lowest list.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from realisasi_cli.present import fmt
from realisasi_cli.present.brief_context import FollowUp, FollowUpRow
from realisasi_cli.present.export import NUMBER_FORMATS, _workbook, neutralize
from realisasi_cli.present.words import words

if TYPE_CHECKING:
    from realisasi_cli.facts.followup import FollowupEntry, FollowupSheet
    from realisasi_cli.present.brief_context import BriefContext, UnitRow

# A status that says the follow-up is done, unless it also says it is not ("belum selesai").
_DONE = re.compile(r"\b(selesai|sudah|tuntas|beres|done|complete|completed|finished|closed)\b", re.I)
_NOT = re.compile(r"\b(belum|tidak|tak|not|undone|incomplete)\b", re.I)


def is_done(status: str) -> bool:
    """Whether a Status cell says the follow-up is done (``Selesai``, ``Done``, ``Sudah``)."""
    return bool(_DONE.search(status)) and not _NOT.search(status)


# --- the worksheet ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    key: str
    label: str
    kind: str  # int, text, pct, pp, money, or write (filled in at the meeting), write_date
    width: int  # characters


def _columns(ctx: BriefContext) -> list[_Column]:
    labels = ctx.labels
    s = ctx.summary
    gap = (
        labels["fu_gap_target"]
        if s.target_to_date_pct is not None
        else labels["fu_gap"].format(reference=s.reference_label)
    )
    columns = [
        _Column("no", labels["no"], "int", 5),
        _Column("code", labels["code"], "text", 24),
        _Column("name", labels["unit"], "text", 34),
        _Column("pct", labels["fu_pct"], "pct", 12),
        _Column("gap", gap, "pp", 16),
    ]
    if ctx.categories:
        columns.append(_Column("modal", labels["modal_pct"], "pct", 10))
    return [
        *columns,
        _Column("remaining", labels["fu_remaining"], "money", 19),
        _Column("issues", labels["issues"], "write", 42),
        _Column("action", labels["follow_up"], "write", 42),
        _Column("owner", labels["fu_owner"], "write", 22),
        _Column("deadline", labels["fu_deadline"], "write_date", 15),
        _Column("status", labels["status"], "write", 13),
    ]


def _value(key: str, i: int, unit: UnitRow) -> Any:
    values = {
        "no": i,
        "code": unit.code,
        "name": unit.name,
        "pct": unit.absorption_pct,
        "gap": unit.gap_pp,
        "modal": unit.modal_pct,
        "remaining": unit.remaining,
    }
    return values.get(key)


def statuses(lang: str) -> list[str]:
    """The choices of the Status column: Belum / Proses / Selesai."""
    labels = words(lang)
    return [labels["fu_status_todo"], labels["fu_status_doing"], labels["fu_status_done"]]


def _title_lines(ctx: BriefContext, file_name: str) -> list[str]:
    labels = ctx.labels
    day = fmt.long_date(ctx.as_of, ctx.lang) if ctx.as_of else labels["unknown_date"]
    dated = ctx.dates_note if ctx.dates_differ else f"{labels['as_of']} {day}"
    lines = [dated, f"{labels['fu_meeting_date']}: {fmt.full_date(ctx.meeting_date, ctx.lang)}"]
    lines.append(labels["fu_reference"].format(reference=ctx.summary.reference_label))
    if ctx.sources:
        # as the brief does: a folder of per-OPD uploads is a count, not a line of 44 names
        many = len(ctx.sources) > 6
        named = labels["fu_files"].format(n=len(ctx.sources)) if many else ", ".join(ctx.sources)
        lines.append(f"{labels['sources']}: {named}")
    choices = " / ".join(statuses(ctx.lang))
    lines.append(labels["fu_how"].format(statuses=choices, file=file_name))
    return lines


class _Formats:
    """The worksheet's cell formats, made once each."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.government = book.add_format({"bold": True, "font_size": 14})
        self.heading = book.add_format({"bold": True, "font_size": 12})
        self.line = book.add_format({})
        header = {"bold": True, "border": 1, "text_wrap": True, "valign": "top"}
        self.header = book.add_format({**header, "bg_color": "#DDEBF7"})
        # the columns to fill in stand out, so that the meeting sees where to write
        self.write_header = book.add_format({**header, "bg_color": "#FFF2CC"})
        self.made: dict[str, Any] = {}

    def cell(self, kind: str) -> Any:
        if kind not in self.made:
            spec: dict[str, Any] = {"border": 1, "valign": "top"}
            if kind in ("text", "write"):
                spec["text_wrap"] = True
            number = {"write_date": "date"}.get(kind, kind)
            if number in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[number]
            self.made[kind] = self.book.add_format(spec)
        return self.made[kind]


def _write(sheet: Any, i: int, j: int, value: Any, kind: str, style: Any) -> None:
    if value is None or kind.startswith("write"):
        sheet.write_blank(i, j, None, style)
    elif kind == "pct":
        sheet.write_number(i, j, round(float(value) / 100, 10), style)
    elif isinstance(value, int | float):
        sheet.write_number(i, j, round(value, 2) if kind == "money" else round(value, 4), style)
    else:
        sheet.write_string(i, j, str(neutralize(value)), style)


# Each row has room for a few lines of handwriting on the printout, and of typing on screen.
_ROW_HEIGHT = 48


def followup_workbook(ctx: BriefContext, file_name: str) -> bytes:
    """The follow-up worksheet of the brief's lowest units, as .xlsx: a title block, a row per
    unit with its figures, and the columns filled in at the meeting (Status as a list, Tenggat
    as a date); header frozen, A4 landscape. ``file_name`` is named in the instructions."""
    labels = ctx.labels
    buffer = io.BytesIO()
    book = _workbook(buffer)
    book.set_properties({"title": labels["fu_title"], "company": ctx.government or ""})
    formats = _Formats(book)
    sheet = book.add_worksheet(labels["fu_sheet"])
    row = 0
    if ctx.government:
        sheet.write_string(row, 0, str(neutralize(ctx.government)), formats.government)
        row += 1
    title = labels["fu_title"] + (f" · {ctx.category_label}" if ctx.category_label else "")
    sheet.write_string(row, 0, title, formats.heading)
    row += 1
    for line in _title_lines(ctx, file_name):
        sheet.write_string(row, 0, str(neutralize(line)), formats.line)
        row += 1
    header = row + 1
    columns = _columns(ctx)
    for j, column in enumerate(columns):
        style = formats.write_header if column.kind.startswith("write") else formats.header
        sheet.write_string(header, j, column.label, style)
        sheet.set_column(j, j, column.width)
    for i, unit in enumerate(ctx.bottom, start=1):
        at = header + i
        sheet.set_row(at, _ROW_HEIGHT)
        for j, column in enumerate(columns):
            _write(sheet, at, j, _value(column.key, i, unit), column.kind, formats.cell(column.kind))
    first, last = header + 1, header + max(len(ctx.bottom), 1)
    keys = [c.key for c in columns]
    choices = statuses(ctx.lang)
    sheet.data_validation(
        first,
        keys.index("status"),
        last,
        keys.index("status"),
        {
            "validate": "list",
            "source": choices,
            "error_type": "warning",  # the meeting may need its own words; the brief reads them too
            "error_message": labels["fu_status_prompt"].format(statuses=" / ".join(choices)),
        },
    )
    sheet.data_validation(
        first,
        keys.index("deadline"),
        last,
        keys.index("deadline"),
        {
            "validate": "date",
            "criteria": "between",
            "minimum": date(2000, 1, 1),
            "maximum": date(2100, 12, 31),
            "error_type": "warning",
            "error_message": labels["fu_deadline_prompt"],
        },
    )
    sheet.freeze_panes(header + 1, keys.index("name") + 1)
    sheet.repeat_rows(header)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
    sheet.set_footer(f"&C{labels['fu_page']} &P {labels['of']} &N")
    book.close()
    return buffer.getvalue()


# --- the worksheet read back -------------------------------------------------------------------


def _normalized(names: list[str]) -> list[str]:
    """Names as unit identity compares them (``metrics.units.normalized_name``)."""
    import polars as pl

    from realisasi_cli.metrics.units import normalized_name

    if not names:
        return []
    frame = pl.DataFrame({"n": names}, schema={"n": pl.String})
    return [str(v) for v in frame.select(normalized_name(pl.col("n"))).to_series().to_list()]


class _Units:
    """The new data's units, found by code, then by normalized name."""

    def __init__(self, ctx: BriefContext) -> None:
        self.by_code = {u.code: u for u in ctx.units if u.code}
        self.by_name: dict[str, UnitRow] = {}
        for norm, unit in zip(_normalized([u.name for u in ctx.units]), ctx.units, strict=True):
            self.by_name.setdefault(norm, unit)
        self.unranked = set(_normalized(list(ctx.unranked)))

    def find(self, entry: FollowupEntry, norm: str | None) -> UnitRow | None:
        found = self.by_code.get(entry.code) if entry.code else None
        if found is None and norm:
            found = self.by_name.get(norm)
        return found


def followup_section(sheet: FollowupSheet, ctx: BriefContext) -> FollowUp:
    """The previous meeting's worksheet beside the new data: per unit what was agreed, its %
    then and now, and whether it is still in the lowest list, left it, or is not found."""
    labels = ctx.labels
    units = _Units(ctx)
    bottom = {id(u) for u in ctx.bottom}
    meeting = ctx.meeting_date or ctx.as_of
    norms = _normalized([e.name or "" for e in sheet.entries])
    rows: list[FollowUpRow] = []
    matched: set[int] = set()
    for entry, norm in zip(sheet.entries, norms, strict=True):
        unit = units.find(entry, norm)
        if unit is not None:
            matched.add(id(unit))
            state = "still" if id(unit) in bottom else "left"
        else:
            state = "unranked" if norm and norm in units.unranked else "missing"
        now = unit.absorption_pct if unit is not None else None
        done = is_done(entry.status)
        rows.append(
            FollowUpRow(
                code=entry.code,
                name=entry.name or (unit.name if unit is not None else entry.code or ""),
                then_pct=entry.pct,
                now_pct=now,
                # the worksheet keeps a percentage to 10 digits: what is below them is no change (nor -0)
                change_pp=None if now is None or entry.pct is None else round(now - entry.pct, 6) + 0.0,
                state=state,
                state_label=labels[f"fu_{state}"],
                issues=entry.issues,
                action=entry.action,
                owner=entry.owner,
                deadline=entry.deadline,
                deadline_text=entry.deadline_text,
                status=entry.status,
                done=done,
                overdue=bool(
                    entry.deadline is not None
                    and meeting is not None
                    and entry.deadline < meeting
                    and not done
                ),
            )
        )
    return FollowUp(
        file=sheet.file.name,
        as_of=sheet.as_of,
        meeting_date=sheet.meeting_date,
        rows=rows,
        left=[r.name for r in rows if r.state == "left"],
        missing=[r.name for r in rows if r.state in ("missing", "unranked")],
        entered=[u.name for u in ctx.bottom if id(u) not in matched],
        overdue=sum(r.overdue for r in rows),
    )
