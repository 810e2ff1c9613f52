"""The typed context of the briefing templates (``templates/brief.*.j2``): every field a template may use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from realisasi_cli.present.not_reported import Reporting

# Strong colours for bars and marks, light ones for table cells; all readable on white paper.
BAND_COLOURS = {"good": "#2e7d32", "warn": "#f9a825", "bad": "#c62828"}
BAND_TINTS = {"good": "#e8f5e9", "warn": "#fff8e1", "bad": "#ffebee"}
BAND_MARKS = {"good": "●", "warn": "◐", "bad": "○"}


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

    @classmethod
    def around(cls, threshold: float, target: float) -> Bands:
        """Good at or above both the threshold and the target, bad under both, warn between."""
        return cls(low=min(threshold, target), high=max(threshold, target))


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
    as_of: date | None = None  # the date this unit's data stands at (per-OPD uploads differ)
    # the unit's own target to date, where the units' targets differ (their own data dates, their
    # own cash plans): its band is taken against it, and the units chart marks it on its bar
    target_pct: float | None = None

    @property
    def remaining(self) -> float:
        """Sisa pagu: the budget not yet realized, in rupiah (negative when over budget)."""
        return self.budget - self.realized


@dataclass
class CategoryRow:
    """The whole government's absorption in one top-level spending category."""

    key: str  # operasi, modal, tidak_terduga, transfer
    label: str  # "Belanja Modal"
    budget: float
    realized: float
    absorption_pct: float | None
    highlight: bool  # belanja modal: shown prominently
    target_to_date_pct: float | None = None  # the category's own target (config) on the data date
    gap_pp: float | None = None  # absorption − ``target_to_date_pct``


@dataclass
class ModalRow:
    """One unit in the section of the lowest belanja modal."""

    code: str | None
    name: str  # whitespace collapsed; escape it for the output format
    budget: float  # the unit's capital (modal) budget
    realized: float  # its capital realization
    absorption_pct: float | None
    target_to_date_pct: float | None  # the capital target on the unit's data date
    gap_pp: float | None  # absorption − ``target_to_date_pct``
    as_of: date | None = None  # the date this unit's data stands at


@dataclass
class ModalSection:
    """The section "10 perangkat daerah dengan realisasi belanja modal terendah"."""

    title: str  # with the count: "10 perangkat daerah dengan realisasi belanja modal terendah"
    units: list[ModalRow] = field(default_factory=list)  # lowest capital absorption first; empty: skipped
    with_budget: int = 0  # how many ranked units have a capital budget
    unit_count: int = 0  # how many units are ranked
    coverage: str = ""  # "30 dari 32 perangkat daerah memiliki pagu belanja modal"
    budget: float | None = None  # the whole government's capital budget; None without categories
    realized: float | None = None
    absorption_pct: float | None = None
    target_to_date_pct: float | None = None  # the capital target on the data date
    gap_pp: float | None = None
    targets: list[float] = field(default_factory=list)  # the capital targets of TW I–IV
    own_targets: bool = False  # whether ``[targets] modal`` of the config gave them
    targets_note: str = ""  # "Target kumulatif belanja modal (…): TW I 5%, TW II 30%, …"
    note: str = ""  # why the section is left out, when it is ("the data has no capital spending …")


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
    coverage: str = ""  # "3 dari 44 perangkat daerah melapor" when not every unit reaches the quarter
    target_to_date_pct: float | None = None  # the target on ``through``, pro-rated within the quarter


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
    target_to_date_pct: float | None  # the target on the as-of date, pro-rated within the quarter
    gap_pp: float | None  # absorption − the target to date
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
    last_year_as_of: date | None = None  # last year's figures stand at this date (a year earlier)
    last_year_realized: float | None = None  # the previous fiscal year's realization then
    last_year_pct: float | None = None  # and its % of last year's budget, where known


@dataclass
class FileNote:
    """One input file as the notes describe it."""

    name: str  # file name only, never its folder
    sheets: int  # sheets that gave facts
    as_of: list[date]  # distinct as-of dates of those sheets
    as_of_from: list[str]  # where the dates came from ("judul", "nama berkas", …)
    budget_columns: list[str]  # header text of the budget columns used
    skipped: str | None  # why the file was skipped, when it was
    role: str | None = None  # what the file is instead, where no sheet of it is data: a cash plan


@dataclass
class WarningNote:
    """A warning from reading, located: the file's name, its sheet or sheets and row
    (``present.located``; empty for a warning of no one file), and what it says."""

    where: str
    message: str


@dataclass
class Charts:
    """The charts, ready to insert: SVG markup (already escaped) and text for Markdown."""

    quarters_svg: Markup
    units_svg: Markup
    quarters_text: str  # lines of block characters; put it in a code block
    units_text: str
    # the band limits the units chart marks, as (%, label): ``(57.0, "ambang 57%")``
    markers: list[tuple[float, str]] = field(default_factory=list)
    # what the tick on each bar is, where the units have targets of their own ("" where none)
    tick_label: str = ""


@dataclass
class Signature:
    """The signature block at the end of the brief (config ``[brief]``): place and date, jabatan,
    space to sign, name, NIP; each line shown only where the config gives it."""

    place: str | None  # "Batu"
    date: date | None  # the meeting's date
    title: str | None  # the jabatan, "Kepala Bagian Organisasi"
    name: str | None  # who signs
    nip: str | None  # as written in the config ("19700101 199003 1 001")


@dataclass
class RevenueRow:
    """One unit's pendapatan against its target, or one kind of pendapatan in total."""

    label: str  # the unit's name, or the kind's (PAD, Pendapatan transfer …)
    code: str | None
    target: float
    realized: float
    pct: float | None


@dataclass
class RevenueSection:
    """Pendapatan (account 4) against its target, where the brief is asked for it (--pendapatan)."""

    target: float
    realized: float
    pct: float | None
    as_of: date | None
    kinds: list[RevenueRow]  # PAD, transfers, other lawful revenue: the government's totals
    lowest: list[RevenueRow]  # the units with the lowest realization, lowest first
    units: int  # how many units earn pendapatan


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
    as_of: date | None  # the date the data stands at (the newest unit's)
    dates_differ: bool  # whether units stand at different dates (then each row shows its own)
    dates_note: str  # "Data per 31 Juli 2022 – 31 Desember 2022; 15 perangkat daerah tanpa tanggal"
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
    has_plan: bool  # whether units are measured against their own cash plans
    charts: Charts
    files: list[FileNote]
    previous_files: list[FileNote]  # the export given with --previous
    warnings: list[WarningNote]  # every warning from reading, in the order found
    modal: ModalSection = field(default_factory=lambda: ModalSection(title=""))  # lowest belanja modal
    not_reported: Reporting = field(default_factory=lambda: Reporting(title=""))  # units that did not report
    revenue: RevenueSection | None = None  # with --pendapatan
    followup: FollowUp | None = None  # --followup: the previous meeting's worksheet beside the new data

    signature: Signature | None = None  # from config ``[brief]``; None when it names no signer
    meeting_place: str | None = None  # config ``[brief] meeting_place``
    meeting_time: str | None = None  # config ``[brief] meeting_time`` ("09.00 WIB")

    @property
    def dates_span(self) -> str:
        """``dates_note`` without its label, beside one that says it: "31 Juli 2022 – …"."""
        return self.dates_note.removeprefix(f"{self.labels['as_of']} ")

    @property
    def targets_caveat(self) -> str:
        """What the quarters' targets are: the defaults, or with cash plans the units' own weighted."""
        return self.labels["targets_caveat_plans" if self.has_plan else "targets_caveat"]

    @property
    def has_modal(self) -> bool:
        """Whether a category row is belanja modal's, the one the note under the table speaks of."""
        return any(c.highlight for c in self.categories)


@dataclass
class FollowUpRow:
    """One unit of the previous meeting's follow-up worksheet, beside where it stands now."""

    code: str | None  # as the worksheet gives it
    name: str  # the worksheet's name, else the unit's name in the new data
    then_pct: float | None  # absorption % on the worksheet (its Realisasi % column)
    now_pct: float | None  # absorption % in the new data; None when not found or not ranked
    change_pp: float | None  # ``now_pct`` − ``then_pct``
    state: str  # still (in the lowest list), left (it), missing (from the new data), unranked
    state_label: str  # the state in words: "keluar dari daftar terendah"
    issues: str  # Permasalahan, as written (may hold line breaks)
    action: str  # Tindak lanjut
    owner: str  # Penanggung jawab
    deadline: date | None  # Tenggat, where it is a date
    deadline_text: str  # Tenggat as written, where it is not a date
    status: str  # as written: Belum / Proses / Selesai, or the meeting's own words
    done: bool  # whether the status says it is done (Selesai, Done, Sudah …)
    overdue: bool  # the deadline is before the meeting date and the status is not done


@dataclass
class FollowUp:
    """The previous meeting's follow-up worksheet (``--followup``), unit by unit."""

    file: str  # the worksheet's file name, never its folder
    as_of: date | None  # the data date the worksheet was written from (its title block)
    meeting_date: date | None  # the meeting it was filled in at (its title block)
    rows: list[FollowUpRow]  # in the worksheet's order
    left: list[str]  # names that left the lowest list since
    missing: list[str]  # names the new data does not have
    entered: list[str]  # names in the new lowest list that the worksheet does not have
    overdue: int  # rows past their deadline and not done
