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


def numbered_exports(folder: Path, units: int, realized_per_mille: int, damaged: str) -> Path:
    """``units`` one-unit exports in a new ``folder`` (unit i: budget (i+1)·1,000 M, realized
    (i+1)·``realized_per_mille`` M, as of 30 September 2024) and a damaged file named ``damaged``."""
    million = 1_000_000
    folder.mkdir()
    for i in range(units):
        budget, realized = (i + 1) * 1_000 * million, (i + 1) * realized_per_mille * million
        lra_export(
            folder / f"{i:02d}_lra.xlsx",
            f"1.{i + 1:02d}.0.00.0.00.01.0000",
            f"DINAS NOMOR {i + 1}",
            "30 September 2024",
            [("5.1.02.01.01.0024", "Belanja ATK", budget, realized)],
        )
    (folder / damaged).write_bytes(b"PK\x03\x04 not a workbook")
    return folder
