"""The tables of the spreadsheet outputs (XLSX, CSV, Parquet): each view's columns, rows and totals,
with the lines a workbook shows above and below them.

Values stay as the metrics give them (rupiah; percentages as 46.52; changes in percentage
points); each writer in ``export`` formats them for its readers. ``rank`` gives the sheets
Peringkat, Per jenis belanja (where the data has categories) and Catatan data; ``quarters``
gives Triwulan and Catatan data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from realisasi_cli.present import fmt
from realisasi_cli.present.report import (
    Selection,
    data_dates,
    government_of,
    grouped,
    last_year_by_unit,
    quarter_order,
    selected_units,
)
from realisasi_cli.present.words import said, words
from realisasi_cli.vocabulary import CATEGORY_PREFIXES

if TYPE_CHECKING:
    import polars as pl

    from realisasi_cli.facts.schema import Dataset, Warning_
    from realisasi_cli.metrics.evaluate import Evaluation
    from realisasi_cli.metrics.quarters import Quarters

# How a column's values are written: ``pct`` is a percentage (46.52), ``pp`` percentage points.
Kind = Literal["int", "text", "money", "pct", "pp", "date", "bool", "quarter"]

# The label of total rows where programs read them (CSV, Parquet), in every language.
MACHINE_TOTAL = "TOTAL"


@dataclass(frozen=True)
class Column:
    """One column: its machine name (CSV header, Parquet), what people read, and its kind."""

    key: str
    label: str
    kind: Kind = "text"


@dataclass
class Total:
    """A row under the table: ``label`` goes into the sheet's label column."""

    label: str
    cells: list[Any]


@dataclass
class Sheet:
    """One view: a title block, the table, its total rows and notes under it."""

    name: str
    heading: str
    columns: list[Column]
    rows: list[list[Any]]
    government: str | None = None
    lines: list[str] = field(default_factory=list)  # under the heading: category, data date, sources
    totals: list[Total] = field(default_factory=list)
    label_column: int = 0  # where a total row's label goes
    notes: list[str] = field(default_factory=list)  # under the table
    marked: frozenset[int] = frozenset()  # rows shown in red (units under the threshold)
    yes_no: tuple[str, str] = ("ya", "tidak")  # how people read a ``bool`` column
    csv_totals: bool = False  # whether the CSV and Parquet outputs carry the total rows too

    @property
    def header(self) -> list[str]:
        """The machine names of the columns."""
        return [c.key for c in self.columns]

    def flat_rows(self, people: bool = False) -> list[list[Any]]:
        """The rows of a CSV or Parquet file, then the total rows where these carry them,
        labelled ``TOTAL`` for programs or with their own label for ``people``."""
        rows = [list(r) for r in self.rows]
        if self.csv_totals:
            for total in self.totals:
                cells = list(total.cells)
                cells[self.label_column] = total.label if people else MACHINE_TOTAL
                rows.append(cells)
        return rows


Getter = Callable[[dict[str, Any]], Any]

# ``rank --pace``: each unit's pace, projection, pace needed, target to its data date and gap to it.
_PACE_COLUMNS: tuple[tuple[str, str, Kind], ...] = (
    ("monthly_pct", "pace_short", "pct"),
    ("projected_pct", "projected_short", "pct"),
    ("needed_monthly_pct", "needed_short", "pct"),
    ("target_to_date_pct", "target_to_date", "pct"),
    ("gap_to_date_pp", "gap_to_date", "pp"),
)


def _source_names(dataset: Dataset) -> list[str]:
    return list(dict.fromkeys(Path(f).name for f in dataset.sources["file"].to_list()))


def _title_lines(
    labels: dict[str, str], category: str | None, dated: str | None, dataset: Dataset
) -> list[str]:
    """Category (when one is chosen), data date and source files."""
    lines = []
    if category:
        lines.append(f"{labels['category']}: {labels.get(category, category)}")
    lines.append(dated or f"{labels['as_of']} {labels['unknown_date']}")
    sources = _source_names(dataset)
    if sources:
        lines.append(f"{labels['sources']}: {', '.join(sources)}")
    return lines


def _shown(selection: Selection, shown: int, total: int, labels: dict[str, str]) -> str:
    if selection.all or shown == total:
        return labels["shown_all"].format(total=total)
    key = "shown_top" if selection.top is not None else "shown_bottom"
    return labels[key].format(n=shown, total=total)


def _rank_columns(evaluation: Evaluation, lang: str) -> list[tuple[Column, Getter, Any]]:
    """The ranking's columns as the terminal shows them, each with its cell and its total."""
    labels = words(lang)
    ranking = evaluation.ranking
    threshold = fmt.percent(ranking.threshold, lang, 0)
    columns: list[tuple[Column, Getter, Any]] = [
        (Column("rank", labels["rank"], "int"), lambda u: u["rank"], None),
        (Column("code", labels["code"]), lambda u: u["code"], None),
        (Column("name", labels["unit"]), lambda u: u["name"], None),
        (Column("budget", labels["budget"], "money"), lambda u: u["budget"], ranking.total_budget),
        (Column("realized", labels["realized"], "money"), lambda u: u["realized"], ranking.total_realized),
        (
            Column("absorption_pct", labels["absorption_pct"], "pct"),
            lambda u: u["absorption_pct"],
            ranking.total_pct,
        ),
        (
            Column("below_threshold", labels["under_threshold"].format(threshold=threshold), "bool"),
            lambda u: bool(u["below_threshold"]),
            None,
        ),
    ]
    if evaluation.freshness.dates_differ:
        columns.append((Column("as_of", labels["as_of"], "date"), lambda u: u.get("as_of"), None))
    if ranking.categories is not None:
        modal = {
            r["unit"]: r["absorption_pct"]
            for r in ranking.categories.iter_rows(named=True)
            if r["top"] == "modal"
        }
        whole = [
            r["absorption_pct"]
            for r in evaluation.categories.iter_rows(named=True)
            if r["category"] == "modal"
        ]
        columns.append(
            (
                Column("modal_pct", labels["modal_pct"], "pct"),
                lambda u: modal.get(u["unit"]),
                whole[0] if whole else None,
            )
        )
    if ranking.physical is not None:
        physical = {r["unit"]: r["realized_pct"] for r in ranking.physical.iter_rows(named=True)}
        columns.append(
            (Column("physical_pct", labels["physical"], "pct"), lambda u: physical.get(u["unit"]), None)
        )
    before = evaluation.last_year
    if before is not None:
        by_unit = last_year_by_unit(before)
        columns += [
            (
                Column("last_year_realized", labels["last_year_realized"], "money"),
                lambda u: by_unit.get(u["unit"], {}).get("realized"),
                before.realized,
            ),
            (
                Column("last_year_pct", labels["last_year_pct"], "pct"),
                lambda u: by_unit.get(u["unit"], {}).get("absorption_pct"),
                before.absorption_pct,
            ),
        ]
    changes = evaluation.changes
    if changes is not None:
        columns.append(
            (
                Column("change_pp", labels["change_pp"], "pp"),
                lambda u: changes.change_pp.get(u["unit"]),
                changes.total_change_pp,
            )
        )
    if "monthly_pct" in ranking.units.columns:
        pace = evaluation.pace
        for key, label, kind in _PACE_COLUMNS:
            columns.append(
                (
                    Column(key, labels[label], kind),
                    lambda u, key=key: u.get(key),  # type: ignore[misc]  # the default binds the loop's key
                    pace.get(key),
                )
            )
    return columns


def rank_sheets(
    evaluation: Evaluation,
    dataset: Dataset,
    selection: Selection,
    lang: str,
    *,
    government: str | None = None,
    previous: Dataset | None = None,
) -> list[Sheet]:
    """``rank``'s workbook: Peringkat, Per jenis belanja (where the data has categories), Catatan data.

    ``government`` (from the config) wins over the name in the exports' title rows; ``previous``
    is the export given with --previous, named beside the change.
    """

    labels = words(lang)
    ranking = evaluation.ranking
    government = government or government_of(dataset)
    units = selected_units(ranking, selection)
    spec = _rank_columns(evaluation, lang)
    columns = [c for c, _get, _total in spec]
    counted = ranking.units.height + ranking.unranked.height
    dated = data_dates(evaluation.freshness, ranking.as_of, lang)
    about = _title_lines(labels, ranking.category, dated, dataset)
    shown = _shown(selection, len(units), ranking.units.height, labels)
    about.append(f"{shown}; {labels['band_threshold']} {fmt.percent(ranking.threshold, lang, 0)}")
    lines = list(about)
    changes = evaluation.changes
    if changes is not None:
        compared = labels["units_of"].format(n=changes.compared, total=changes.units)
        since = fmt.long_date(changes.previous_as_of, lang)
        against = f"{labels['change']} {labels['since']} {since} ({compared})"
        if previous is not None:
            against += f": {', '.join(_source_names(previous))}"
        lines.append(against)
    notes = []
    if changes is not None:
        for key, items in (("entered", changes.entered_bottom), ("left", changes.left_bottom)):
            if items:
                notes.append(f"{labels[key]}: " + ", ".join(str(i["name"]) for i in items))
    if evaluation.last_year is not None:
        notes.append(f"{labels['last_year']}: {fmt.long_date(evaluation.last_year.as_of, lang)}")
    if ranking.unranked.height:
        notes.append(f"{labels['unranked']}: " + ", ".join(ranking.unranked["name"].to_list()))
    main = Sheet(
        name=labels["sheet_ranking"],
        heading=labels["rank_title"],
        government=government,
        lines=lines,
        columns=columns,
        rows=[[get(u) for _c, get, _t in spec] for u in units],
        totals=[Total(labels["total_units"].format(n=counted), [total for _c, _g, total in spec])],
        label_column=[c.key for c in columns].index("name"),
        notes=notes,
        marked=frozenset(i for i, u in enumerate(units) if u["below_threshold"]),
        yes_no=(labels["answer_yes"], labels["answer_no"]),
    )
    sheets = [main]
    if ranking.categories is not None:
        sheets.append(_categories_sheet(evaluation, ranking.categories, units, labels, government, about))
    warnings = [*dataset.warnings, *evaluation.warnings]
    if evaluation.last_year is not None:
        warnings += evaluation.last_year.warnings
    sheets.append(notes_sheet(warnings, lang, government, about[:-1]))
    return sheets


def _categories_sheet(
    evaluation: Evaluation,
    categories: pl.DataFrame,
    units: list[dict[str, Any]],
    labels: dict[str, str],
    government: str | None,
    lines: list[str],
) -> Sheet:
    """Each shown unit's absorption per top-level spending category (``categories``, the
    ranking's breakdown), and the government's."""
    by_unit = grouped(categories.to_dicts(), "unit")
    columns = [
        Column("rank", labels["rank"], "int"),
        Column("code", labels["code"]),
        Column("name", labels["unit"]),
        Column("category", labels["category"]),
        Column("budget", labels["budget"], "money"),
        Column("realized", labels["realized"], "money"),
        Column("absorption_pct", labels["absorption_pct"], "pct"),
    ]

    def order(row: dict[str, Any]) -> str:
        """Categories in the order of the chart of accounts (5.1 operasi, 5.2 modal, …)."""
        return CATEGORY_PREFIXES.get(row.get("top") or row.get("category") or "", "9")

    rows = [
        [
            u["rank"],
            u["code"],
            u["name"],
            labels.get(c["top"], c["top"]),
            c["budget"],
            c["realized"],
            c["absorption_pct"],
        ]
        for u in units
        for c in sorted(by_unit.get(u["unit"], []), key=order)
        if c["budget"] or c["realized"]  # a category the unit has no part in is no row
    ]
    totals = [
        Total(
            labels["total"],
            [
                None,
                None,
                None,
                labels.get(c["category"], c["category"]),
                c["budget"],
                c["realized"],
                c["absorption_pct"],
            ],
        )
        for c in sorted(evaluation.categories.iter_rows(named=True), key=order)
    ]
    return Sheet(
        name=labels["sheet_categories"],
        heading=f"{labels['rank_title']} {labels['by_category'].lower()}",
        government=government,
        lines=lines,
        columns=columns,
        rows=rows,
        totals=totals,
        label_column=2,
        yes_no=(labels["answer_yes"], labels["answer_no"]),
    )


def notes_sheet(warnings: Sequence[Warning_], lang: str, government: str | None, lines: list[str]) -> Sheet:
    """Catatan data: every warning of the run, with its file (by name), sheet and row."""
    labels = words(lang)
    columns = [
        Column("file", labels["file"]),
        Column("sheet", labels["sheet"]),
        Column("row", labels["row_header"], "int"),
        Column("message", labels["message"]),
    ]
    rows = [
        [Path(w.file).name if w.file else None, w.sheet, w.row, w.detail.text(lang, short=True)]
        for w in warnings
    ]
    return Sheet(
        name=labels["sheet_notes"],
        heading=labels["warnings"],
        government=government,
        lines=[*lines, *([] if rows else [labels["no_warnings"]])],
        columns=columns,
        rows=rows,
    )


def quarters_sheets(
    result: Quarters,
    dataset: Dataset,
    selection: Selection,
    lang: str,
    *,
    category: str | None = None,
    government: str | None = None,
) -> list[Sheet]:
    """``quarters``' workbook: Triwulan (a row per unit and quarter, then the totals) and Catatan data."""

    labels = words(lang)
    government = government or government_of(dataset)
    planned = "plan" in result.units.columns
    keys: list[tuple[str, str, Kind]] = [
        ("code", "code", "text"),
        ("name", "unit", "text"),
        ("budget", "budget", "money"),
        ("quarter", "quarter", "quarter"),
        ("realized", "quarter_realized", "money"),
        ("cumulative", "cumulative", "money"),
        ("cumulative_pct", "cumulative_pct", "pct"),
        ("target_pct", "target", "pct"),
        ("target_to_date_pct", "target_to_date", "pct"),
        ("gap_pp", "gap_pp", "pp"),
    ]
    if planned:
        keys += [
            ("plan", "plan", "money"),
            ("plan_to_date", "plan_to_date", "money"),
            ("deviation_pct", "deviation", "pct"),
        ]
    columns = [Column(key, labels[label], kind) for key, label, kind in keys]
    by_unit = grouped(result.units.to_dicts(), "unit")
    rows = [
        [r.get(c.key) for c in columns] for unit in quarter_order(result, selection) for r in by_unit[unit]
    ]
    totals = []
    for r in result.total.iter_rows(named=True):
        reporting, total = r.get("units_reporting"), r.get("units_total")
        label = labels["total"]
        if reporting is not None and total is not None and reporting != total:
            label += f" ({labels['coverage'].format(n=reporting, total=total)})"
        totals.append(Total(label, [None, None, *(r.get(c.key) for c in columns[2:])]))
    dated = f"{labels['as_of']} {fmt.long_date(result.as_of, lang)}" if result.as_of else None
    lines = _title_lines(labels, category, dated, dataset)
    notes = [labels["gap_formula"]]
    if result.targets is not None:
        shown = ", ".join(fmt.percent(t, lang, 0) for t in result.targets)
        notes.append(f"{labels['targets_note']}: {shown} ({labels['targets_caveat']})")
    if planned:
        notes.append(labels["deviation_formula"])
    warnings = [*dataset.warnings, *result.warnings]
    return [
        Sheet(
            name=labels["sheet_quarters"],
            heading=labels["quarters_title"],
            government=government,
            lines=lines,
            columns=columns,
            rows=rows,
            totals=totals,
            label_column=1,
            notes=notes,
            csv_totals=True,
        ),
        notes_sheet(warnings, lang, government, lines),
    ]


def _column_value(key: str, value: object, labels: dict[str, str]) -> object:
    """A column's role, category, period or variant in the language; other values as they are."""
    if key in ("role", "category", "period", "variant") and isinstance(value, str):
        return said(key, value, labels)
    return value


def inspect_sheets(dataset: Dataset, lang: str) -> list[Sheet]:
    """``inspect``'s workbook: a row per sheet read (kind, header, unit, date, rows used), a row
    per column with its role, and Catatan data."""
    from realisasi_cli.present.inspect import sheet_summary

    labels = words(lang)
    yes_no = (labels["answer_yes"], labels["answer_no"])
    government = government_of(dataset)
    files = list(dict.fromkeys(s.file.name for s in dataset.sheets))
    lines = [f"{labels['files']}: {', '.join(files)}"] if files else []
    sheet_columns = [
        Column("file", labels["file"]),
        Column("sheet", labels["sheet"]),
        Column("kind", labels["kind"]),
        Column("kind_reason", labels["kind_reason"]),
        Column("used", labels["used"], "bool"),
        Column("hidden", labels["hidden"], "bool"),
        Column("header_rows", labels["header_rows"]),
        Column("data_start_row", labels["data_start"], "int"),
        Column("unit_code", labels["unit_code"]),
        Column("unit_name", labels["unit_name"]),
        Column("as_of", labels["as_of"], "date"),
        Column("as_of_source", labels["as_of_from"]),
        Column("rows_used", labels["rows_used"], "int"),
        Column("rows_skipped", labels["rows_skipped"]),
        Column("budget_total", labels["budget"], "money"),
        Column("realized_total", labels["realized"], "money"),
        Column("note", labels["note"]),
    ]
    column_columns = [
        Column("file", labels["file"]),
        Column("sheet", labels["sheet"]),
        Column("column", labels["column"]),
        Column("header", labels["column_header"]),
        Column("role", labels["role"]),
        Column("category", labels["category"]),
        Column("period", labels["period"]),
        Column("variant", labels["variant"]),
    ]
    sheet_rows, column_rows = [], []
    for sheet in dataset.sheets:
        d = sheet_summary(sheet)
        context = d.get("context") or {}
        first, last = d.get("header_rows") or (None, None)
        source = d.get("as_of_source")
        skipped = d.get("rows_skipped") or {}
        sheet_rows.append(
            [
                sheet.file.name,
                sheet.sheet,
                said("kind", d["kind"], labels),
                d["kind_reason"],
                d["used"],
                d["hidden"],
                None if first is None else f"{first}–{last}" if first != last else str(first),
                d.get("data_start_row"),
                context.get("unit_code"),
                context.get("unit_name"),
                date.fromisoformat(d["as_of"]) if d.get("as_of") else None,
                labels.get(f"{source}_source", source) if source else None,
                d.get("rows_used"),
                ", ".join(f"{n} {said('skip', why, labels)}" for why, n in sorted(skipped.items())) or None,
                d.get("budget_total"),
                d.get("realized_total"),
                d["note"],
            ]
        )
        column_rows += [
            [
                sheet.file.name,
                sheet.sheet,
                *(_column_value(k.key, c.get(k.key), labels) for k in column_columns[2:]),
            ]
            for c in d.get("columns", [])
        ]
    return [
        Sheet(
            name=labels["sheet_sheets"],
            heading=labels["inspect_title"],
            government=government,
            lines=lines,
            columns=sheet_columns,
            rows=sheet_rows,
            yes_no=yes_no,
        ),
        Sheet(
            name=labels["sheet_columns"],
            heading=labels["inspect_title"],
            government=government,
            lines=lines,
            columns=column_columns,
            rows=column_rows,
            yes_no=yes_no,
        ),
        notes_sheet(dataset.warnings, lang, government, lines),
    ]
