"""The briefing for the quarterly evaluation meeting: its typed context, its charts, its rendering.

``build_brief`` turns an ``Evaluation`` into a ``BriefContext``; ``render_brief`` renders it with
a shipped template (``templates/brief.md.j2``, ``templates/brief.html.j2``) or a user's own.
Charts are built here: SVG for HTML (every text escaped) and text bars for Markdown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from realisasi_cli import fmt
from realisasi_cli.dates import month_end
from realisasi_cli.errors import UsageError
from realisasi_cli.vocabulary import QUARTER_NAMES

if TYPE_CHECKING:
    from realisasi_cli.analysis import Evaluation
    from realisasi_cli.load import Dataset


# Strong colours for bars and marks, light ones for table cells; all readable on white paper.
BAND_COLOURS = {"good": "#2e7d32", "warn": "#f9a825", "bad": "#c62828"}
BAND_TINTS = {"good": "#e8f5e9", "warn": "#fff8e1", "bad": "#ffebee"}
BAND_MARKS = {"good": "●", "warn": "◐", "bad": "○"}

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "title": "Bahan Rapat Evaluasi Realisasi Anggaran",
        "fiscal_year": "Tahun Anggaran",
        "meeting": "Rapat",
        "as_of": "Data per",
        "sources": "Sumber data",
        "files_count": "berkas (rinciannya di Catatan data)",
        "category": "Jenis belanja",
        "summary": "Ringkasan",
        "budget": "Pagu",
        "realized": "Realisasi",
        "absorption": "Penyerapan",
        "target": "Target",
        "gap": "Selisih",
        "gap_to": "Selisih thd",
        "change": "Perubahan",
        "since": "sejak",
        "no_previous": "belum ada data pembanding",
        "time_left": "Sisa waktu",
        "days": "hari",
        "until": "sampai",
        "pace": "Laju rata-rata",
        "per_month": "per bulan",
        "projected": "proyeksi akhir tahun",
        "needed": "Penyerapan yang diperlukan",
        "to_reach": "untuk mencapai",
        "on": "pada",
        "below": "perangkat daerah di bawah",
        "below_title": "Perangkat daerah di bawah",
        "of_units": "dari",
        "units": "perangkat daerah",
        "entered": "Masuk daftar terendah",
        "left": "Keluar dari daftar terendah",
        "by_category": "Per jenis belanja",
        "no_categories": "Data tidak memuat rincian jenis belanja.",
        "only_category": "Bahan ini hanya memuat",
        "modal_note": "Belanja modal disorot: serapannya paling menentukan capaian akhir tahun.",
        "charts": "Grafik",
        "quarters_chart": "Realisasi kumulatif per triwulan terhadap target",
        "units_chart": "Realisasi per perangkat daerah",
        "quarter": "Triwulan",
        "cumulative": "Realisasi kumulatif",
        "no_data": "tidak ada data",
        "through": "s.d.",
        "no_quarters": "Tidak ada realisasi bertanggal, sehingga tidak dapat dibagi per triwulan.",
        "ranking": "Peringkat seluruh perangkat daerah",
        "rank": "Peringkat",
        "no": "No",
        "code": "Kode",
        "unit": "Perangkat Daerah",
        "modal_pct": "Modal %",
        "status": "Status",
        "bands": "Warna",
        "band_target": "capai target",
        "band_below_target": "di bawah target",
        "band_threshold": "ambang",
        "band_under": "di bawah ambang",
        "bottom": "perangkat daerah terendah (usulan asistensi)",
        "issues": "Permasalahan",
        "follow_up": "Tindak lanjut",
        "unranked": "Tidak diperingkat (pagu nol)",
        "notes": "Catatan data",
        "files": "Berkas",
        "sheets": "sheet",
        "from": "dari",
        "budget_used": "pagu yang dipakai",
        "previous": "Pembanding",
        "skipped": "dilewati",
        "warnings": "Peringatan saat membaca",
        "no_warnings": "Tidak ada peringatan.",
        "unknown_date": "tanggal tidak diketahui",
        "row": "baris",
        "targets_note": "Target kumulatif per triwulan",
        "targets_caveat": "nilai bawaan yang dapat diubah, bukan standar resmi",
        "legend_realized": "realisasi",
        "footer": "Disusun dengan realisasi dari berkas ekspor di atas.",
        "operasi": "Belanja Operasi",
        "modal": "Belanja Modal",
        "tidak_terduga": "Belanja Tidak Terduga",
        "transfer": "Belanja Transfer",
        "pegawai": "Belanja Pegawai",
        "barang_jasa": "Belanja Barang dan Jasa",
        "bunga": "Belanja Bunga",
        "subsidi": "Belanja Subsidi",
        "hibah": "Belanja Hibah",
        "bansos": "Belanja Bantuan Sosial",
        "title_source": "judul",
        "header_source": "kepala kolom",
        "sheet name_source": "nama sheet",
        "file name_source": "nama berkas",
    },
    "en": {
        "title": "Budget Realization Evaluation Meeting Briefing",
        "fiscal_year": "Fiscal year",
        "meeting": "Meeting",
        "as_of": "Data as of",
        "sources": "Sources",
        "files_count": "files (listed in the notes)",
        "category": "Spending category",
        "summary": "Summary",
        "budget": "Budget",
        "realized": "Realized",
        "absorption": "Absorption",
        "target": "Target",
        "gap": "Gap",
        "gap_to": "Gap to",
        "change": "Change",
        "since": "since",
        "no_previous": "no earlier export to compare with",
        "time_left": "Time left",
        "days": "days",
        "until": "until",
        "pace": "Average pace",
        "per_month": "per month",
        "projected": "projected year end",
        "needed": "Absorption needed",
        "to_reach": "to reach",
        "on": "by",
        "below": "units below",
        "below_title": "Units below",
        "of_units": "of",
        "units": "units",
        "entered": "Entered the bottom list",
        "left": "Left the bottom list",
        "by_category": "By spending category",
        "no_categories": "The data has no breakdown by spending category.",
        "only_category": "This briefing covers only",
        "modal_note": "Capital spending is highlighted: it decides most of the year-end result.",
        "charts": "Charts",
        "quarters_chart": "Cumulative realization per quarter against target",
        "units_chart": "Realization per unit",
        "quarter": "Quarter",
        "cumulative": "Cumulative realization",
        "no_data": "no data",
        "through": "through",
        "no_quarters": "No dated realization, so it cannot be placed in quarters.",
        "ranking": "Ranking of all units",
        "rank": "Rank",
        "no": "No",
        "code": "Code",
        "unit": "Unit",
        "modal_pct": "Capital %",
        "status": "Status",
        "bands": "Colours",
        "band_target": "target met",
        "band_below_target": "below target",
        "band_threshold": "threshold",
        "band_under": "under threshold",
        "bottom": "lowest units (proposed for assistance)",
        "issues": "Problems",
        "follow_up": "Follow-up",
        "unranked": "Not ranked (zero budget)",
        "notes": "Notes on the data",
        "files": "Files",
        "sheets": "sheet(s)",
        "from": "from",
        "budget_used": "budget used",
        "previous": "Compared with",
        "skipped": "skipped",
        "warnings": "Warnings from reading",
        "no_warnings": "No warnings.",
        "unknown_date": "date unknown",
        "row": "row",
        "targets_note": "Cumulative targets per quarter",
        "targets_caveat": "configurable defaults, not an official standard",
        "legend_realized": "realized",
        "footer": "Prepared with realisasi from the exports listed above.",
        "operasi": "Operating spending",
        "modal": "Capital spending",
        "tidak_terduga": "Unforeseen spending",
        "transfer": "Transfers",
        "pegawai": "Personnel",
        "barang_jasa": "Goods and services",
        "bunga": "Interest",
        "subsidi": "Subsidies",
        "hibah": "Grants",
        "bansos": "Social assistance",
        "title_source": "title",
        "header_source": "column header",
        "sheet name_source": "sheet name",
        "file name_source": "file name",
    },
}


@dataclass(frozen=True)
class Bands:
    """Colour bands: at or above ``high`` is good, from ``low`` is warn, under ``low`` is bad."""

    low: float  # usually the threshold (57 %)
    high: float  # usually the current quarter's cumulative target

    def of(self, pct: float | None) -> str:
        """The band key (``good``, ``warn`` or ``bad``) of an absorption %."""
        if pct is None or pct < self.low:
            return "bad"
        return "good" if pct >= self.high else "warn"


@dataclass
class Band:
    """One colour band as the reader sees it in the legend."""

    key: str  # good, warn or bad
    label: str  # e.g. "≥ 65% (capai target TW III)"
    colour: str  # strong colour for bars and marks
    tint: str  # light colour for table cells
    mark: str  # a symbol that tells the band without colour (●, ◐, ○)
    count: int  # how many ranked units fall in it


@dataclass
class UnitRow:
    """One ranked unit."""

    rank: int  # 1 = highest absorption
    code: str | None
    name: str  # whitespace collapsed; escape it for the output format
    budget: float
    realized: float
    absorption_pct: float | None
    band: str  # good, warn or bad (see ``BriefContext.bands``)
    mark: str  # the band as a symbol, for text without colour (●, ◐, ○)
    gap_pp: float | None  # absorption − ``Summary.reference_pct``
    change_pp: float | None  # since the previous export; None when there is none
    modal_pct: float | None  # absorption of belanja modal; None without categories


@dataclass
class CategoryRow:
    """The whole government's absorption in one top-level spending category."""

    key: str  # operasi, modal, tidak_terduga, transfer
    label: str  # "Belanja Modal"
    budget: float
    realized: float
    absorption_pct: float | None
    highlight: bool  # belanja modal: shown prominently


@dataclass
class QuarterRow:
    """One quarter of the fiscal year: cumulative realization against its target."""

    quarter: int  # 1–4
    name: str  # "TW I"
    cumulative: float | None  # rupiah realized from 1 January to the quarter's end (or the as-of date)
    cumulative_pct: float | None  # None when the data says nothing about the quarter
    target_pct: float | None
    gap_pp: float | None
    through: date | None  # the as-of date when the quarter is not over yet, else None


@dataclass
class Summary:
    """The ringkasan: the whole government at a glance."""

    budget: float
    realized: float
    absorption_pct: float | None
    threshold: float
    below_count: int  # ranked units under the threshold
    unit_count: int  # ranked units
    quarter_name: str | None  # the quarter of the as-of date ("TW IV"); None without a date
    target_pct: float | None  # that quarter's cumulative target
    gap_pp: float | None  # absorption − target
    reference_pct: float  # what ``UnitRow.gap_pp`` is measured against: the target, else the threshold
    reference_label: str  # "Target TW IV 95%" or "ambang 57%"
    previous_as_of: date | None  # the earlier export compared with
    change_pp: float | None  # change of the total since then; None without an earlier export
    entered_bottom: list[str]  # names that entered the bottom list since then
    left_bottom: list[str]  # names that left it
    year_end: date | None  # 31 December of the fiscal year
    days_left: int | None  # from the as-of date to ``year_end``
    year_end_target: float  # the TW IV target
    monthly_pct: float | None  # average absorption per month so far
    projected_pct: float | None  # year-end absorption at that pace
    needed_monthly_pct: float | None  # per month from the as-of date to reach ``year_end_target``
    needed_monthly_rupiah: float | None  # the same in rupiah


@dataclass
class FileNote:
    """One input file as the notes describe it."""

    name: str  # file name only, never its folder
    sheets: int  # sheets that gave facts
    as_of: list[date]  # distinct as-of dates of those sheets
    as_of_from: list[str]  # where the dates came from ("judul", "nama berkas", …)
    budget_columns: list[str]  # header text of the budget columns used
    skipped: str | None  # why the file was skipped, when it was


@dataclass
class WarningNote:
    """A warning from reading, located by file name, sheet and row."""

    file: str
    sheet: str | None
    row: int | None
    message: str


@dataclass
class Charts:
    """The charts, ready to insert: SVG markup (already escaped) and text for Markdown."""

    quarters_svg: Markup
    units_svg: Markup
    quarters_text: str  # lines of block characters; put it in a code block
    units_text: str


@dataclass
class BriefContext:
    """What ``brief.md.j2`` and ``brief.html.j2`` receive as ``ctx``.

    Values from files are raw text: HTML templates autoescape them, Markdown ones escape ``|``.
    """

    lang: str  # "id" or "en": pass it to the filters, e.g. ``x | rupiah(ctx.lang)``
    labels: dict[str, str]  # the words for people in ``lang``: ``ctx.labels.summary``
    title: str
    government: str | None  # from realisasi.toml, else from the export's title rows
    fiscal_year: int | None
    meeting_date: date | None
    as_of: date | None  # the date the data stands at
    category: str | None  # the spending category the briefing is limited to, if any
    category_label: str | None  # its name for people
    sources: list[str]  # input file names (no folders)
    summary: Summary
    categories: list[CategoryRow]  # empty when the data has no categories
    bands: list[Band]  # highest first
    units: list[UnitRow]  # every ranked unit, lowest absorption first
    bottom: list[UnitRow]  # the lowest ``len(bottom)`` units, proposed for asistensi
    unranked: list[str]  # names of units with zero budget
    quarters: list[QuarterRow]  # TW I–IV, targets always, realization where known
    has_quarters: bool  # whether any quarter has realization
    charts: Charts
    files: list[FileNote]
    previous_files: list[FileNote]  # the export given with --previous
    warnings: list[WarningNote]  # every warning from reading, in the order found


def _clean(text: str | None) -> str:
    """Names as one line: cells can hold newlines and runs of spaces."""
    return " ".join(str(text or "").split())


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _government(dataset: Dataset) -> str | None:
    found = [
        _clean(s.layout.context.government)
        for s in dataset.sheets
        if s.facts is not None and s.layout is not None and s.layout.context.government
    ]
    return Counter(found).most_common(1)[0][0] if found else None


def _file_notes(dataset: Dataset, labels: dict[str, str]) -> list[FileNote]:
    notes: dict[Path, FileNote] = {}
    for sheet in dataset.sheets:
        note = notes.setdefault(sheet.file, FileNote(sheet.file.name, 0, [], [], [], None))
        if sheet.facts is None or sheet.layout is None:
            continue
        note.sheets += 1
        if sheet.as_of is not None and sheet.as_of not in note.as_of:
            note.as_of.append(sheet.as_of)
        where = labels.get(f"{sheet.as_of_source}_source", sheet.as_of_source or "")
        if where and where not in note.as_of_from:
            note.as_of_from.append(where)
        letters = {slot.get("budget") for slot in sheet.facts.slots}
        for column in sheet.layout.columns:
            header = _clean(column.header)
            if column.letter in letters and header not in note.budget_columns:
                note.budget_columns.append(header)
    for path, why in dataset.skipped_files:
        notes.setdefault(path, FileNote(path.name, 0, [], [], [], None)).skipped = _strip_paths(why, path)
    for note in notes.values():
        note.as_of.sort()
    return list(notes.values())


def _strip_paths(message: str, path: Path | str) -> str:
    """Messages name files by name only, so that a briefing shows no folders of this machine."""
    return message.replace(str(path), Path(path).name)


def _warnings(evaluation: Evaluation, dataset: Dataset) -> list[WarningNote]:
    notes = [
        WarningNote(Path(w.file).name, w.sheet, w.row, _strip_paths(w.message, w.file))
        for w in dataset.warnings
    ]
    if evaluation.quarters is not None:
        notes += [
            WarningNote(Path(f).name, None, None, _strip_paths(m, f)) for f, m in evaluation.quarters.warnings
        ]
    return notes


def _quarter_rows(evaluation: Evaluation) -> list[QuarterRow]:
    known: dict[int, dict[str, Any]] = {}
    through: date | None = None
    if evaluation.quarters is not None:
        known = {int(r["quarter"]): r for r in evaluation.quarters.total.to_dicts()}
        as_of = evaluation.quarters.as_of
        last = evaluation.quarters.last_quarter
        if as_of is not None and as_of < month_end(as_of.year, 3 * last):
            through = as_of
    rows = []
    for q in range(1, 5):
        r = known.get(q, {})
        target = evaluation.targets[q - 1] if len(evaluation.targets) >= q else None
        pct = _num(r.get("cumulative_pct"))
        rows.append(
            QuarterRow(
                quarter=q,
                name=QUARTER_NAMES[q],
                cumulative=_num(r.get("cumulative")),
                cumulative_pct=pct,
                target_pct=target,
                gap_pp=None if pct is None or target is None else pct - target,
                through=through if evaluation.quarters and q == evaluation.quarters.last_quarter else None,
            )
        )
    return rows


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _cut_name(value: float, target: tuple[str, float] | None, threshold: float, lang: str) -> str:
    """A band boundary as people know it: "Target TW IV 95%", "ambang 57%", or just "60%"."""
    labels = LABELS[lang]
    pct = fmt.percent(value, lang, 0)
    if target is not None and value == target[1]:
        return f"{labels['target']} {target[0]} {pct}"
    return f"{labels['band_threshold']} {pct}" if value == threshold else pct


def _band_list(
    bands: Bands, target: tuple[str, float] | None, threshold: float, lang: str, units: list[UnitRow]
) -> list[Band]:
    labels = LABELS[lang]
    counts = Counter(u.band for u in units)
    low, high = fmt.percent(bands.low, lang, 0), fmt.percent(bands.high, lang, 0)
    is_target = target is not None and bands.high == target[1]
    spec = [
        ("good", f"≥ {high}" + (f" ({labels['band_target']} {target[0]})" if target and is_target else ""))
    ]
    if bands.low != bands.high:
        spec.append(
            ("warn", f"{low} – < {high}" + (f" ({labels['band_below_target']})" if is_target else ""))
        )
    spec.append(("bad", f"< {low}" + (f" ({labels['band_under']})" if bands.low == threshold else "")))
    return [
        Band(key, label, BAND_COLOURS[key], BAND_TINTS[key], BAND_MARKS[key], counts.get(key, 0))
        for key, label in spec
    ]


def build_brief(
    evaluation: Evaluation,
    dataset: Dataset,
    *,
    government: str | None,
    meeting_date: date | None,
    lang: str = "id",
    bands: Bands | None = None,
    previous: Dataset | None = None,
) -> BriefContext:
    """The briefing's context from an evaluation: summary, categories, ranking, charts and notes.

    ``government`` (from the config) wins over the name in the export's title rows.
    """
    labels = LABELS[lang]
    ranking = evaluation.ranking
    as_of = evaluation.as_of
    current = evaluation.current_target
    quarter_name = QUARTER_NAMES[current[0]] if current else None
    target_pct = current[1] if current else None
    target = (quarter_name, target_pct) if quarter_name is not None and target_pct is not None else None
    limit = target_pct if target_pct is not None else ranking.threshold
    bands = bands or Bands(low=min(ranking.threshold, limit), high=max(ranking.threshold, limit))
    # the units' gap is measured against what the summary shows: the target, else the threshold
    reference_pct = limit
    reference_label = _cut_name(reference_pct, target, ranking.threshold, lang)

    modal: dict[str, float | None] = {}
    if ranking.categories is not None:
        modal = {
            r["unit"]: _num(r["absorption_pct"])
            for r in ranking.categories.filter(ranking.categories["top"] == "modal").iter_rows(named=True)
        }
    changes = evaluation.changes
    units = [
        UnitRow(
            rank=int(u["rank"]),
            code=u["code"],
            name=_clean(u["name"]),
            budget=float(u["budget"]),
            realized=float(u["realized"]),
            absorption_pct=_num(u["absorption_pct"]),
            band=bands.of(u["absorption_pct"]),
            mark=BAND_MARKS[bands.of(u["absorption_pct"])],
            gap_pp=None if u["absorption_pct"] is None else float(u["absorption_pct"]) - reference_pct,
            change_pp=_num(changes.change_pp.get(u["unit"])) if changes is not None else None,
            modal_pct=modal.get(u["unit"]),
        )
        for u in ranking.units.iter_rows(named=True)
    ]
    total_pct = ranking.total_pct
    pace = evaluation.pace
    needed = pace.get("needed_monthly_pct")
    year_end = date(as_of.year, 12, 31) if as_of is not None else None
    summary = Summary(
        budget=ranking.total_budget,
        realized=ranking.total_realized,
        absorption_pct=total_pct,
        threshold=ranking.threshold,
        below_count=ranking.below_count,
        unit_count=len(units),
        quarter_name=quarter_name,
        target_pct=target_pct,
        gap_pp=None if total_pct is None or target_pct is None else total_pct - target_pct,
        reference_pct=reference_pct,
        reference_label=reference_label,
        previous_as_of=changes.previous_as_of if changes is not None else None,
        change_pp=changes.total_change_pp if changes is not None else None,
        entered_bottom=[_clean(i["name"]) for i in changes.entered_bottom] if changes else [],
        left_bottom=[_clean(i["name"]) for i in changes.left_bottom] if changes else [],
        year_end=year_end,
        days_left=(year_end - as_of).days if year_end is not None and as_of is not None else None,
        year_end_target=evaluation.targets[-1],
        monthly_pct=pace.get("monthly_pct"),
        projected_pct=pace.get("projected_pct"),
        needed_monthly_pct=needed,
        needed_monthly_rupiah=None if needed is None else needed / 100 * ranking.total_budget,
    )
    categories = [
        CategoryRow(
            key=r["category"],
            label=labels.get(r["category"], r["category"]),
            budget=float(r["budget"]),
            realized=float(r["realized"]),
            absorption_pct=_num(r["absorption_pct"]),
            highlight=r["category"] == "modal",
        )
        for r in evaluation.categories.iter_rows(named=True)
    ]
    order = {"operasi": 0, "modal": 1, "tidak_terduga": 2, "transfer": 3}
    categories.sort(key=lambda c: (order.get(c.key, 9), c.key))
    quarters = _quarter_rows(evaluation)
    band_list = _band_list(bands, target, ranking.threshold, lang, units)
    markers = [(bands.low, _cut_name(bands.low, target, ranking.threshold, lang))]
    if bands.high != bands.low:
        markers.append((bands.high, _cut_name(bands.high, target, ranking.threshold, lang)))
    charts = Charts(
        quarters_svg=quarters_svg(quarters, lang),
        units_svg=units_svg(units, markers, lang),
        quarters_text=quarters_text(quarters, lang),
        units_text=units_text(units, markers, lang),
    )
    return BriefContext(
        lang=lang,
        labels=labels,
        title=labels["title"],
        government=_clean(government) or _government(dataset),
        fiscal_year=as_of.year if as_of is not None else None,
        meeting_date=meeting_date,
        as_of=as_of,
        category=ranking.category,
        category_label=labels.get(ranking.category, ranking.category) if ranking.category else None,
        sources=_unique([Path(f).name for f in dataset.sources["file"].to_list()]),
        summary=summary,
        categories=categories,
        bands=band_list,
        units=units,
        bottom=units[: evaluation.bottom],
        unranked=[_clean(n) for n in ranking.unranked["name"].to_list()],
        quarters=quarters,
        has_quarters=any(q.cumulative_pct is not None for q in quarters),
        charts=charts,
        files=_file_notes(dataset, labels),
        previous_files=_file_notes(previous, labels) if previous is not None else [],
        warnings=_warnings(evaluation, dataset),
    )


# --- charts -------------------------------------------------------------------------------------

_INK = "#212121"
_GRID = "#e0e0e0"
_MUTED = "#616161"
_REALIZED = "#1565c0"
# a white outline keeps a label readable where it crosses a band line
_HALO = ' paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"'


def _f(value: float) -> str:
    """Coordinates with one decimal: enough on paper, and stable in golden files."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}"{extra}>'
        f"{escape(content)}</text>"
    )


def _svg_start(kind: str, width: int, height: int, title: str) -> list[str]:
    """The opening of a chart's SVG and its accessible title."""
    return [
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" {_FONT} fill="{_INK}">',
        f"<title>{escape(title)}</title>",
    ]


def _clip(pct: float | None) -> float:
    return 0.0 if pct is None else max(0.0, min(100.0, pct))


def _shorten(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def quarters_svg(quarters: list[QuarterRow], lang: str = "id") -> Markup:
    """Cumulative realization per quarter (bars) against the cumulative targets (marks and line)."""
    labels = LABELS[lang]
    width, height = 520, 300
    left, right, top, bottom = 56.0, 500.0, 40.0, 240.0
    slot = (right - left) / 4

    def y(pct: float | None) -> float:
        return bottom - (bottom - top) * _clip(pct) / 100

    parts = _svg_start("chart-quarters", width, height, labels["quarters_chart"])
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{_f(left)}" y1="{_f(y(tick))}" x2="{_f(right)}" y2="{_f(y(tick))}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 8, y(tick) + 4, fmt.percent(tick, lang, 0), anchor="end", size=11))
    target_points = []
    for i, q in enumerate(quarters):
        centre = left + slot * (i + 0.5)
        if q.cumulative_pct is not None:
            top_y = y(q.cumulative_pct)
            parts.append(
                f'<rect x="{_f(centre - 28)}" y="{_f(top_y)}" width="56" height="{_f(bottom - top_y)}" '
                f'fill="{_REALIZED}"><title>{escape(q.name)}: '
                f"{escape(fmt.percent(q.cumulative_pct, lang))}</title></rect>"
            )
            # inside the bar when it is tall enough, so that the label never sits on a target mark
            inside = bottom - top_y >= 24
            parts.append(
                _text(
                    centre,
                    top_y + 17 if inside else min(top_y, y(q.target_pct) if q.target_pct else top_y) - 6,
                    fmt.percent(q.cumulative_pct, lang),
                    anchor="middle",
                    size=12,
                    extra=' font-weight="bold"' + (' fill="#ffffff"' if inside else _HALO),
                )
            )
        else:
            parts.append(
                _text(
                    centre, bottom - 6, labels["no_data"], anchor="middle", size=10, extra=f' fill="{_MUTED}"'
                )
            )
        if q.target_pct is not None:
            ty = y(q.target_pct)
            target_points.append(f"{_f(centre)},{_f(ty)}")
            parts.append(
                f'<line x1="{_f(centre - 40)}" y1="{_f(ty)}" x2="{_f(centre + 40)}" y2="{_f(ty)}" '
                f'stroke="{BAND_COLOURS["bad"]}" stroke-width="3"/>'
            )
            parts.append(
                _text(
                    centre + 42,
                    ty + 4,
                    fmt.percent(q.target_pct, lang, 0),
                    size=10,
                    extra=f' fill="{BAND_COLOURS["bad"]}"',
                )
            )
        parts.append(
            _text(centre, bottom + 18, q.name, anchor="middle", size=12, extra=' font-weight="bold"')
        )
        if q.through is not None:
            through = f"{labels['through']} {fmt.long_date(q.through, lang)}"
            parts.append(
                _text(centre, bottom + 34, through, anchor="middle", size=10, extra=f' fill="{_MUTED}"')
            )
    if len(target_points) > 1:
        parts.append(
            f'<polyline points="{" ".join(target_points)}" fill="none" stroke="{BAND_COLOURS["bad"]}" '
            'stroke-width="1.5" stroke-dasharray="5 4" stroke-opacity="0.6"/>'
        )
    parts.append(f'<rect x="{_f(left)}" y="10" width="14" height="12" fill="{_REALIZED}"/>')
    parts.append(_text(left + 20, 20, labels["cumulative"], size=11))
    parts.append(
        f'<line x1="{_f(left + 200)}" y1="16" x2="{_f(left + 222)}" y2="16" '
        f'stroke="{BAND_COLOURS["bad"]}" stroke-width="3"/>'
    )
    parts.append(_text(left + 228, 20, labels["target"], size=11))
    parts.append("</svg>")
    return Markup("\n".join(parts))


def units_svg(units: list[UnitRow], markers: list[tuple[float, str]], lang: str = "id") -> Markup:
    """One horizontal bar per unit, coloured by band, with the band boundaries as dashed lines."""
    labels = LABELS[lang]
    row, label_width, bar_left, bar_width = 20, 330.0, 340.0, 480.0
    top = 46.0
    width = 900
    height = int(top + row * max(len(units), 1) + 16)

    def x(pct: float | None) -> float:
        return bar_left + bar_width * _clip(pct) / 100

    parts = _svg_start("chart-units", width, height, labels["units_chart"])
    for tick in (0, 25, 50, 75, 100):
        parts.append(
            f'<line x1="{_f(x(tick))}" y1="{_f(top - 4)}" x2="{_f(x(tick))}" y2="{_f(height - 12)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(
                x(tick),
                top - 8,
                fmt.percent(tick, lang, 0),
                anchor="middle",
                size=10,
                extra=f' fill="{_MUTED}"',
            )
        )
    values = []
    for i, unit in enumerate(units):
        y = top + row * i
        pct = fmt.percent(unit.absorption_pct, lang, 2)
        parts.append(
            f"<g><title>{escape(unit.name)}: {escape(pct)}</title>"
            + _text(label_width, y + 14, _shorten(unit.name, 40), anchor="end", size=11)
            + f'<rect x="{_f(bar_left)}" y="{_f(y + 3)}" width="{_f(x(unit.absorption_pct) - bar_left)}" '
            f'height="{row - 6}" fill="{BAND_COLOURS[unit.band]}"/></g>'
        )
        values.append(_text(x(unit.absorption_pct) + 5, y + 14, pct, size=10, extra=_HALO))
    for i, (value, name) in enumerate(markers):
        mx = x(value)
        parts.append(
            f'<line x1="{_f(mx)}" y1="{_f(top - 2)}" x2="{_f(mx)}" y2="{_f(height - 12)}" stroke="{_INK}" '
            'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        parts.append(
            _text(mx, 12 + 14 * (i % 2), name, anchor="middle", size=11, extra=' font-weight="bold"')
        )
    # the values last, over the band lines, so that a line never strikes through a number
    parts.extend(values)
    parts.append("</svg>")
    return Markup("\n".join(parts))


_BAR_WIDTH = 40


def _bar(pct: float | None, marks: list[tuple[float, str]]) -> str:
    """``█`` up to ``pct`` of 100 %, ``░`` after; ``marks`` (value, char) drawn over both."""
    cells = ["░"] * _BAR_WIDTH
    filled = round(_clip(pct) / 100 * _BAR_WIDTH) if pct is not None else 0
    for i in range(filled):
        cells[i] = "█"
    for value, char in marks:
        cells[min(_BAR_WIDTH - 1, round(_clip(value) / 100 * _BAR_WIDTH))] = char
    return "".join(cells)


def _plain(text: str) -> str:
    """Text safe inside a Markdown code block: no backticks that could close it."""
    return text.replace("`", "'")


def quarters_text(quarters: list[QuarterRow], lang: str = "id") -> str:
    """The quarter chart as text: one bar per quarter, ``┃`` where its target is."""
    labels = LABELS[lang]
    lines = []
    for q in quarters:
        marks = [(q.target_pct, "┃")] if q.target_pct is not None else []
        value = fmt.percent(q.cumulative_pct, lang) if q.cumulative_pct is not None else labels["no_data"]
        tail = f"{labels['target']} {fmt.percent(q.target_pct, lang, 0)}" if q.target_pct is not None else ""
        if q.gap_pp is not None:
            tail += f", {labels['gap']} {fmt.points(q.gap_pp, lang)}"
        if q.through is not None:
            tail += f", {labels['through']} {fmt.long_date(q.through, lang)}"
        lines.append(f"{q.name:<7}{_bar(q.cumulative_pct, marks)} {value:>6}  ({tail})")
    lines.append(f"{'':7}█ {labels['cumulative'].lower()}  ┃ {labels['target'].lower()}")
    return "\n".join(lines)


def units_text(units: list[UnitRow], markers: list[tuple[float, str]], lang: str = "id") -> str:
    """The unit chart as text: one bar per unit with its band mark; ``┆``/``┃`` at the band boundaries."""
    chars = ["┆", "┃"]
    marks = [(value, chars[min(i, 1)]) for i, (value, _name) in enumerate(markers)]
    name_width = 36
    lines = [
        f"{_shorten(_plain(u.name), name_width):<{name_width}} {BAND_MARKS[u.band]} "
        f"{_bar(u.absorption_pct, marks)} {fmt.percent(u.absorption_pct, lang, 2):>7}"
        for u in units
    ]
    legend = "  ".join(f"{chars[min(i, 1)]} {_plain(name)}" for i, (_v, name) in enumerate(markers))
    lines.append(f"{'':{name_width}}   {legend}")
    return "\n".join(lines)


# --- rendering ----------------------------------------------------------------------------------


def template_name(fmt_: str) -> str:
    """The shipped template of a format: ``brief.md.j2`` or ``brief.html.j2``."""
    return f"brief.{fmt_}.j2"


def render_brief(context: BriefContext, fmt_: str, template_path: Path | None = None) -> str:
    """Render the briefing as ``md`` or ``html``, with the shipped template or ``template_path``."""
    from jinja2 import TemplateError

    from realisasi_cli.report import render

    if template_path is None:
        return render(template_name(fmt_), context, html=fmt_ == "html")
    try:
        source = template_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{template_path}: cannot read the template ({exc}).") from exc
    try:
        return render(template_path.name, context, html=fmt_ == "html", source=source)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{template_path}" + (f", line {line}" if line else "")
        raise UsageError(
            f"{where}: the template cannot be rendered: {exc}.",
            f"Start from the shipped templates/{template_name(fmt_)}; the context is `ctx` (BriefContext).",
        ) from exc
