"""What the rows above a table say: the government, the unit, the year and the data date."""

from __future__ import annotations

import re

from realisasi_cli import vocabulary as vocab
from realisasi_cli.dates import as_of_in, month_to_in, part_end_in, period_start_in, year_in
from realisasi_cli.detect.layout import Context
from realisasi_cli.reading.grid import Grid

_UNIT_LINE = re.compile(
    r"^\s*(?:nama\s+)?(sub\s+unit(?:\s+(?:organisasi|kerja))?|unit\s+organisasi|skpd|opd|perangkat\s+daerah|"
    r"satuan\s+kerja|unit\s+kerja|organisasi|instansi)\s*:?\s*(.*)$",
    re.I,
)
# Labels of neighbouring fields, not unit names ("SUB UNIT KERJA :          KEGIATAN")
_NOT_A_NAME = re.compile(
    r"^(program|kegiatan|sub kegiatan|pptk|status|sub bagian|bidang|urusan|unsur)\b", re.I
)
_GOVERNMENT = re.compile(
    r"^\s*((pemerintah|pemkot|pemkab|pemprov|kabupaten|kota|provinsi)\b|kab\.\s*\w)", re.I
)


# "Berdasarkan" alone is no legal basis: "REALISASI BELANJA BERDASARKAN OPD S.D. 31 AGUSTUS 2024"
_LEGAL_BASIS = re.compile(r"\b(nomor|no\.|perda|peraturan|keputusan|dasar hukum)\b", re.I)


def _unit_of(line: str) -> tuple[int, str | None, str | None] | None:
    """The unit a title line names, with how much it says so: (strength, code, name).

    ``SUB UNIT ORGANISASI : …`` (3) beats ``SKPD : …`` (2), which beats a line without a colon
    (1) and a bare unit name under the government's name (0). Placeholders (``……``) name nothing.
    """
    unit = _UNIT_LINE.match(line)
    if unit:
        value = unit.group(2).strip(" :")
        if not re.search(r"[A-Za-z0-9]", value) or _NOT_A_NAME.match(value):
            return None
        colon = ":" in line
        strength = (2 if colon else 1) + (unit.group(1).lower().startswith("sub") and colon)
    elif vocab.UNIT_NAME.match(line) and len(line) <= 120:  # a title line that is a unit's name
        value, strength = line.strip(), 0
    else:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)+\.?", value):
        return strength, value.rstrip("."), None
    code_name = vocab.CODE_AND_NAME.match(value)
    if code_name:
        return strength, code_name.group(1).rstrip("."), code_name.group(2).strip()
    return strength, None, value


_PLANNED = re.compile(r"\b(target|rencana|anggaran kas|rak)\b", re.I)


def read_context(grid: Grid, rows: list[list[str | None]], header_first: int) -> Context:
    """The context above the header: title lines, government, unit, year and the data date."""
    context = Context()
    best = -1
    for row in rows[:header_first]:
        cells: list[str] = []
        for v in row:
            if v and (not cells or cells[-1] != v):
                cells.append(v)
        if not cells:
            continue
        line = " ".join(cells)
        context.title.append(line)
        unit = _unit_of(line)
        if unit is not None and unit[0] >= best and (unit[0] > best or unit[0] == 3):
            best, context.unit_code, context.unit_name = unit
        if context.government is None and _GOVERNMENT.match(line):
            context.government = line.strip()
        if context.year is None:
            context.year = year_in(line)
        if context.scale_said is None and (scale := vocab.amounts_in(line)) is not None:
            context.scale, context.scale_said = scale
        # a legal basis ("Perda Nomor 10 Tahun 2023 tanggal 28 Desember 2023") dates the budget,
        # not the data
        found = None if _LEGAL_BASIS.search(line) else as_of_in(line)
        if found and (context.as_of is None or context.as_of_source == "title"):
            context.as_of, context.as_of_source = found, "title"
            context.period_start = period_start_in(line)
        elif not found and not _PLANNED.search(line):  # "Target Triwulan III" dates no data
            context.part_end = context.part_end or part_end_in(line)
            context.month_to = context.month_to or month_to_in(line)
    if context.year is None and context.as_of is not None:
        context.year = context.as_of.year
    if context.part_end is None and context.as_of is None and context.year is not None:
        # "TRIWULAN III" on a line of its own, the year on another ("TAHUN ANGGARAN 2024")
        lines = (t for t in context.title if not (_PLANNED.search(t) or _LEGAL_BASIS.search(t)))
        context.part_end = next((e for t in lines if (e := part_end_in(f"{t} {context.year}"))), None)
    return context
