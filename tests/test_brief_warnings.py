"""The brief notes its warnings as stderr says them: the same set, a file's copies on one line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from builders import openpyxl_book
from realisasi_cli.cli import app

runner = CliRunner()


def lra(path: Path, title: str, units: list[tuple[str, int, int]], copies: int = 0) -> Path:
    rows: list[list[object]] = [[f"LAPORAN REALISASI ANGGARAN {title}"], ["Nama OPD", "Pagu", "Realisasi"]]
    rows += [[name, budget, realized] for name, budget, realized in units]
    sheets = {"LRA": rows} | {f"Salin{i}": rows for i in range(1, copies + 1)}
    return openpyxl_book(path, sheets)


def test_the_brief_and_its_stderr_note_the_same_warnings_a_files_copies_on_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    lra(folder / "juni.xlsx", "s.d. 30 Juni 2026", [("Dinas A", 1000, 400), ("Dinas B", 2000, 500)])
    # July's Dinas A has less than June's: a fall the quarters find; three copies of its sheet
    lra(folder / "juli.xlsx", "s.d. 31 Juli 2026", [("Dinas A", 1000, 300), ("Dinas B", 2000, 900)], copies=3)
    out = tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    notes = page[page.rindex("<h3>") :]
    stderr = result.stderr
    for said in (notes, stderr):
        assert said.count("juli.xlsx [Salin1, Salin2, Salin3]") == 1
        assert "Salin1]" not in said and "[Salin2]" not in said
        # the fall between the two snapshots, which stderr used to leave to the document
        assert "Rp400 (30 Juni 2026) menjadi Rp300 (31 Juli 2026)" in said
    # the notes count the sheet that is data, not its copies left out
    assert "<strong>juli.xlsx</strong>: 1 sheet," in page
