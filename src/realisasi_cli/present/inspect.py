"""Describe how inputs were understood (``realisasi inspect``)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from realisasi_cli.facts.schema import Dataset, SheetResult


def sheet_summary(sheet: SheetResult) -> dict[str, Any]:
    """How one sheet was understood, as ``inspect --format json`` gives it."""
    layout = sheet.layout
    hidden = sheet.layout.grid.hidden if sheet.layout is not None else None
    entry: dict[str, Any] = {
        "file": str(sheet.file),
        "sheet": sheet.sheet,
        "note": sheet.note,
        "kind": sheet.kind,
        "kind_reason": sheet.reason,
        "used": sheet.used,
        "hidden": hidden,
    }
    if layout is None:
        entry["table"] = None
        return entry
    ctx = layout.context
    entry.update(
        header_rows=[layout.header_first + 1, layout.header_last + 1],
        data_start_row=layout.data_start + 1,
        columns=[c.as_dict() for c in layout.columns if c.role != "ignore"],
        context={
            "unit_code": ctx.unit_code,
            "unit_name": ctx.unit_name,
            "government": ctx.government,
            "year": ctx.year,
            "title": ctx.title,
        },
        as_of=sheet.as_of.isoformat() if sheet.as_of else None,
        as_of_source=sheet.as_of_source,
        skipped_header_rows={str(r + 1): why for r, why in layout.skipped_rows.items()},
    )
    if sheet.facts is not None:
        entry.update(
            rows_used=sheet.facts.rows_used,
            rows_skipped=sheet.facts.rows_skipped,
            slots=sheet.facts.slots,
            budget_total=round(float(sheet.facts.budget["budget"].sum()), 2),
            realized_total=round(float(sheet.facts.realization["realized"].sum()), 2),
            warnings=[w.as_dict() for w in sheet.facts.warnings],
        )
    return entry


def inspect_json(dataset: Dataset) -> dict[str, Any]:
    """Everything ``inspect`` knows, as a JSON-ready dictionary."""
    return {
        "sheets": [sheet_summary(s) for s in dataset.sheets],
        "skipped_files": [{"file": str(p), "reason": why} for p, why in dataset.skipped_files],
        "warnings": [w.as_dict() for w in dataset.warnings],
    }


def inspect_tables(dataset: Dataset) -> list[RenderableType]:
    """Rich renderables, one block per sheet."""
    blocks: list[RenderableType] = []
    for sheet in dataset.sheets:
        d = sheet_summary(sheet)
        head = Text(f"{sheet.file.name} [{sheet.sheet}]", style="bold")
        if sheet.layout is None or sheet.facts is None:
            blocks.append(Group(head, Text(f"  {sheet.note or 'no realization table'}", style="dim")))
            continue
        used = "used" if sheet.used else "left out"
        lines = [
            head,
            Text(
                f"  kind: {sheet.kind} ({sheet.reason}); {used}" + (" · hidden sheet" if d["hidden"] else "")
            ),
            Text(
                f"  header rows {d['header_rows'][0]}–{d['header_rows'][1]}, "
                f"data from row {d['data_start_row']}"
            ),
            Text(
                f"  unit: {d['context']['unit_code'] or ''} {d['context']['unit_name'] or '(from the table)'}"
            ),
            Text(
                f"  as of: {d['as_of'] or 'unknown'}"
                + (f" (from {d['as_of_source']})" if d["as_of_source"] else "")
            ),
            Text(
                f"  rows used: {d['rows_used']}; skipped: "
                + (", ".join(f"{n} {why}" for why, n in sorted(d["rows_skipped"].items())) or "none")
            ),
        ]
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        for name in ("column", "header", "role", "category", "period", "variant"):
            table.add_column(name)
        for c in d["columns"]:
            table.add_row(
                c["column"],
                c["header"],
                c["role"],
                c["category"] or "",
                c["period"] or "",
                c["variant"] or "",
            )
        warn = [
            Text(f"  warning: row {w['row'] or '-'}: {w['message']}", style="yellow") for w in d["warnings"]
        ]
        blocks.append(Group(*lines, table, *warn, Text("")))
    for path, why in dataset.skipped_files:
        blocks.append(Text(f"{path}: skipped: {why}", style="red"))
    return blocks
