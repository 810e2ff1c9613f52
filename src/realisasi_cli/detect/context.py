"""What the rows above a table say: the government, the unit, the year and the data date."""

from __future__ import annotations

import re

from realisasi_cli import vocabulary as vocab
from realisasi_cli.dates import as_of_in, year_in
from realisasi_cli.detect.layout import Context
from realisasi_cli.reading.grid import Grid

_UNIT_LINE = re.compile(
    r"^\s*(?:nama\s+)?(sub\s+unit(?:\s+(?:organisasi|kerja))?|unit\s+organisasi|skpd|opd|perangkat\s+daerah|"
    r"satuan\s+kerja|unit\s+kerja|organisasi|instansi)\s*:?\s*(.*)$",
    re.I,
)
# Labels of neighbouring fields, not unit names ("SUB UNIT KERJA :          KEGIATAN")
_NOT_A_NAME = re.compile(r"^(program|kegiatan|sub kegiatan|pptk|status|sub bagian|bidang|urusan)\b", re.I)
_GOVERNMENT = re.compile(r"^\s*(pemerintah|pemkot|pemkab|pemprov|kab\.|kabupaten|kota|provinsi)\b", re.I)


def read_context(grid: Grid, rows: list[list[str | None]], header_first: int) -> Context:
    context = Context()
    for row in rows[:header_first]:
        cells: list[str] = []
        for v in row:
            if v and (not cells or cells[-1] != v):
                cells.append(v)
        if not cells:
            continue
        line = " ".join(cells)
        context.title.append(line)
        unit = _UNIT_LINE.match(line)
        if unit:
            value = unit.group(2).strip(" :")
            if re.search(r"[A-Za-z0-9]", value) and not _NOT_A_NAME.match(value):
                is_sub = unit.group(1).lower().startswith("sub")
                if (context.unit_name is None and context.unit_code is None) or is_sub:
                    code_name = vocab.CODE_AND_NAME.match(value)
                    code_only = re.fullmatch(r"\d+(?:\.\d+)+\.?", value)
                    if code_only:
                        context.unit_code, context.unit_name = value.rstrip("."), None
                    else:
                        context.unit_code = code_name.group(1).rstrip(".") if code_name else None
                        context.unit_name = code_name.group(2).strip() if code_name else value
        if context.government is None and _GOVERNMENT.match(line):
            context.government = line.strip()
        if context.year is None:
            context.year = year_in(line)
        found = as_of_in(line)
        if found and (context.as_of is None or context.as_of_source == "title"):
            context.as_of, context.as_of_source = found, "title"
    if context.year is None and context.as_of is not None:
        context.year = context.as_of.year
    return context
