"""Per-OPD LRA exports written by xlsxwriter: a title block naming the unit and the data date, the
accounts with a subtotal over their leaves, for tests of folders, the facts dataset and Dask."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

Line = tuple[str, str, float, float]  # account, uraian, anggaran, realisasi


def lra_export(path: Path, code: str, name: str, as_of: str, lines: Sequence[Line]) -> Path:
    """One unit's LRA as of ``as_of`` (``30 September 2024``): a 5.1.02 subtotal over the lines
    whose account is under it, then the lines."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("LRA")
    sheet.write_string(0, 0, "PEMERINTAH KABUPATEN CONTOH")
    sheet.write_string(1, 0, f"LAPORAN REALISASI ANGGARAN s.d. {as_of}")
    sheet.write_string(2, 0, f"SKPD: {code} {name}")
    for col, header in enumerate(["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]):
        sheet.write_string(4, col, header)
    under = [line for line in lines if line[0].startswith("5.1.02.")]
    rows: list[Line] = []
    if under:
        rows.append(("5.1.02", "Belanja Barang dan Jasa", sum(u[2] for u in under), sum(u[3] for u in under)))
    rows.extend(under)
    rows.extend(line for line in lines if not line[0].startswith("5.1.02."))
    for i, (account, text, budget, realized) in enumerate(rows, start=5):
        sheet.write_string(i, 0, account)
        sheet.write_string(i, 1, text)
        sheet.write_number(i, 2, budget)
        sheet.write_number(i, 3, realized)
    book.close()
    return path
