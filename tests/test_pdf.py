"""The brief as an A4 PDF (``realisasi brief -o rapat.pdf``), read back with pypdf, and the
signature block of ``[brief]`` in the config on every format."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from builders import openpyxl_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app

runner = CliRunner()
NOW = SAMPLES / "rekap_pd_10nov2023.xlsx"
BEFORE = SAMPLES / "rekap_opd_30sep2023.xls"
MEETING = "2023-11-15"
A4 = (595.28, 841.89)  # 210 × 297 mm in points
HOSTILE = "#set page(width: 1cm) *x* $y$ [z] \\ <h> @ref"
SIGNED = """
government = "Pemerintah Kota Batu"
[brief]
signer = "Drs. Bambang Sutrisno, M.Si."
title = "Kepala Bagian Organisasi"
nip = "19700101 199003 1 001"
place = "Batu"
meeting_place = "Ruang Rapat Utama Balai Kota Among Tani"
meeting_time = "09.00 WIB"
"""


def invoke(*args: str, config: Path | None = None) -> Any:
    front = ["--config", str(config)] if config is not None else []
    return runner.invoke(app, [*front, "brief", *args, "--meeting-date", MEETING, "-q"])


def write_pdf(tmp_path: Path, *args: str, config: Path | None = None, name: str = "rapat.pdf") -> PdfReader:
    out = tmp_path / name
    result = invoke(*args, "-o", str(out), config=config)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert out.read_bytes().startswith(b"%PDF-")
    return PdfReader(out)


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def indonesian_pct(value: float) -> str:
    """41.87 → "41,87%", written here by hand rather than by the tool's formatter."""
    return f"{value:.2f}".replace(".", ",") + "%"


def many_units(path: Path, count: int) -> Path:
    """A flat rekap of ``count`` units as of 10 November 2023; unit i absorbs (10 + i) % of Rp1 M."""
    rows: list[list[object]] = [
        ["PEMERINTAH KABUPATEN CONTOH"],
        ["Realisasi Belanja s.d. 10 November 2023"],
        ["Kode", "Perangkat Daerah", "Pagu", "Realisasi"],
    ]
    for i in range(1, count + 1):
        rows.append(
            [f"1.{i:02d}.0.00.0.00.01.0000", f"DINAS NOMOR {i:03d}", 1_000_000_000, (10 + i) * 10_000_000]
        )
    return openpyxl_book(path, {"Rekap": rows})


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    """The sample brief of 10 November 2023 against 30 September, as the Kabag prints it."""
    return write_pdf(tmp_path_factory.mktemp("pdf"), str(NOW), "--previous", str(BEFORE))


def test_every_page_is_a4(sample_pdf: PdfReader) -> None:
    assert len(sample_pdf.pages) >= 3
    for page in sample_pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1


def test_the_lowest_unit_and_its_absorption_are_printed(
    sample_pdf: PdfReader, expected: dict[str, Any]
) -> None:
    units = expected[NOW.name]["units"]
    lowest = min(units, key=lambda u: u["absorption_pct"])
    assert lowest["name"] == "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG"
    text = "\n".join(page_texts(sample_pdf))
    assert lowest["name"] in text
    assert indonesian_pct(lowest["absorption_pct"]) == "41,87%"
    # in the ranking, the lowest unit's row: its name, then pagu and realisasi, then its %
    row = f"{lowest['name']} Rp156.176.870.000 Rp65.391.255.469 ○ 41,87%"
    assert row in text
    total = 997_943_761_868 / 1_597_133_137_000 * 100  # the sample's realisasi ÷ pagu
    assert indonesian_pct(total) == "62,48%" and "62,48%" in page_texts(sample_pdf)[0]


def test_pages_are_numbered_of_their_total(sample_pdf: PdfReader) -> None:
    texts = page_texts(sample_pdf)
    for number, text in enumerate(texts, start=1):
        assert f"Halaman {number} dari {len(texts)}" in text


def test_a_running_header_names_the_government_and_the_data_date(sample_pdf: PdfReader) -> None:
    first, second = page_texts(sample_pdf)[:2]
    assert first.startswith("PEMERINTAH KOTA BATU · Tahun Anggaran 2023\nBahan Rapat Evaluasi")
    # the government as the export's title writes it, on every page after the first
    assert second.splitlines()[0] == "PEMERINTAH KOTA BATU Data per 10 November 2023"


def test_the_fonts_are_embedded_and_the_signs_are_not_missing(sample_pdf: PdfReader) -> None:
    fonts = {}
    for page in sample_pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts[str(font["/BaseFont"])] = descendant["/FontDescriptor"].get_object()
    assert fonts
    for name, descriptor in fonts.items():
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    text = "\n".join(page_texts(sample_pdf))
    # the band marks, the belanja modal mark and the gap to the target, as glyphs of an embedded font
    for sign in ("●", "◐", "○", "◆", "≥", "−"):
        assert sign in text, sign
    assert "Perubahan sejak 30 September 2023" in text and "+5,9 pp" in text


def test_the_ranking_header_repeats_on_each_page_it_spans(tmp_path: Path) -> None:
    source = many_units(tmp_path / "rekap_80.xlsx", 80)
    texts = page_texts(write_pdf(tmp_path, str(source)))
    header = "# Perangkat Daerah Pagu Realisasi % Perubahan"
    ranked = [t for t in texts if re.search(r"^\d+ DINAS NOMOR \d{3} Rp", t, re.M)]
    assert len(ranked) >= 2  # 80 rows do not fit on one A4 page
    for text in ranked:
        assert header in text
    # rank 80 (the lowest, DINAS NOMOR 001: 11 %) opens the table, rank 1 (90 %) closes it on a later page
    assert "80 DINAS NOMOR 001 Rp1.000.000.000 Rp110.000.000 ○ 11,00%" in ranked[0]
    assert "1 DINAS NOMOR 080 Rp1.000.000.000 Rp900.000.000 ● 90,00%" in ranked[-1]


def test_a_unit_name_that_looks_like_typst_markup_is_printed_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "rekap.csv"
    source.write_text(
        f"Nama OPD;Pagu;Realisasi\n{HOSTILE};1000000;250000\nDinas Biasa;2000000;1500000\n", encoding="utf-8"
    )
    reader = write_pdf(tmp_path, str(source))
    text = "\n".join(page_texts(reader))
    assert f"{HOSTILE} Rp1.000.000 Rp250.000" in text  # its ranking row: 250.000 ÷ 1.000.000 = 25 %
    assert "25,00%" in text and "75,00%" in text
    for page in reader.pages:  # "#set page(width: 1cm)" stayed text
        assert abs(float(page.mediabox.width) - A4[0]) < 1


def test_english_pages_are_numbered_in_english(tmp_path: Path) -> None:
    texts = page_texts(write_pdf(tmp_path, str(NOW), "--lang", "en"))
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert "Budget Realization Evaluation Meeting Briefing" in texts[0]


def test_the_signature_block_and_meeting_details_from_the_config_in_every_format(tmp_path: Path) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text(SIGNED, encoding="utf-8")
    page = invoke(str(NOW), "-f", "html", config=config).stdout
    assert '<p class="signer">Drs. Bambang Sutrisno, M.Si.</p>' in page
    signature = page.split('id="tanda-tangan"')[1]
    for line in ("Batu, 15 November 2023", "Kepala Bagian Organisasi,", "NIP 19700101 199003 1 001"):
        assert line in signature
    assert "<dd>Rabu, 15 November 2023, 09.00 WIB</dd>" in page
    assert "<dd>Ruang Rapat Utama Balai Kota Among Tani</dd>" in page

    markdown = invoke(str(NOW), config=config).stdout
    assert (
        "Batu, 15 November 2023\\\nKepala Bagian Organisasi,\n\n"
        "**Drs. Bambang Sutrisno, M.Si.**\\\nNIP 19700101 199003 1 001\n"
    ) in markdown
    assert "- **Tempat**: Ruang Rapat Utama Balai Kota Among Tani\n" in markdown

    texts = page_texts(write_pdf(tmp_path, str(NOW), config=config))
    assert texts[-1].split("\n")[-5:-1] == [
        "Batu, 15 November 2023",
        "Kepala Bagian Organisasi,",
        "Drs. Bambang Sutrisno, M.Si.",
        "NIP 19700101 199003 1 001",
    ]
    assert "Rapat Rabu, 15 November 2023, 09.00 WIB" in texts[0]
    assert "Tempat Ruang Rapat Utama Balai Kota Among Tani" in texts[0]


def test_without_a_signer_there_is_no_signature_block(tmp_path: Path) -> None:
    page = invoke(str(NOW), "-f", "html").stdout
    assert 'id="tanda-tangan"' not in page and "NIP" not in page


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('[brief]\nsigner = "A"\njabatan = "Kepala"\n', "[brief] jabatan: kunci tidak dikenal"),
        ("[brief]\nnip = 197001011990031001\n", "[brief] nip harus berupa teks dalam tanda kutip"),
        ('brief = "Drs. A"\n', "brief harus berupa tabel [brief]"),
    ],
)
def test_a_wrong_brief_table_is_refused_naming_the_config(tmp_path: Path, body: str, said: str) -> None:
    config = tmp_path / "realisasi.toml"
    config.write_text(body, encoding="utf-8")
    out = tmp_path / "rapat.pdf"
    result = invoke(str(NOW), "-o", str(out), config=config)
    assert result.exit_code == 2
    assert str(config) in result.stderr and said in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_pdf_needs_a_file_to_write_to() -> None:
    result = invoke(str(NOW), "--format", "pdf")
    assert result.exit_code == 2
    assert "-o BERKAS.pdf" in result.stderr and result.stdout == ""


def test_a_users_own_typst_template(tmp_path: Path) -> None:
    own = tmp_path / "ringkas.typ"
    own.write_text(
        '#let data = json(bytes(sys.inputs.brief))\n#set page(paper: "a5")\n#set text(size: 7pt)\n'
        "#data.title: #data.ranking.rows.first().cells.at(1)\n",
        encoding="utf-8",
    )
    reader = write_pdf(tmp_path, str(NOW), "--template", str(own))
    assert round(float(reader.pages[0].mediabox.width)) == 420  # A5: 148 mm
    assert "Bahan Rapat Evaluasi Realisasi Anggaran: DINAS PEKERJAAN UMUM DAN PENATAAN RUANG" in (
        reader.pages[0].extract_text()
    )


def test_a_broken_typst_template_names_its_line_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "rusak.typ"
    broken.write_text("#let data = json(bytes(sys.inputs.brief))\n\n#data.no_such_field\n", encoding="utf-8")
    out = tmp_path / "rapat.pdf"
    result = invoke(str(NOW), "--template", str(broken), "-o", str(out))
    assert result.exit_code == 2
    assert f"{broken}, baris 3: templat tidak dapat dirender" in result.stderr
    assert "no_such_field" in result.stderr and "[E-TEMPLATE-RENDER-LINE]" in result.stderr
    assert not out.exists()


def test_a_pdf_that_cannot_be_compiled_is_an_error_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from realisasi_cli.present import pdf

    # a chart Typst cannot read stands for any failure of the compiler on the shipped template
    monkeypatch.setattr(pdf, "_svg", lambda markup: "<svg")
    out = tmp_path / "rapat.pdf"
    out.write_bytes(b"the previous meeting's PDF")
    result = invoke(str(BEFORE), str(SAMPLES / "realisasi_rinci_tw_2023.xlsx"), "-o", str(out))
    assert result.exit_code == 1
    assert "bahan rapat tidak dapat dibuat sebagai PDF" in result.stderr and "[E-PDF-RENDER]" in result.stderr
    assert "-o rapat.html" in result.stderr and "Traceback" not in result.stderr
    assert out.read_bytes() == b"the previous meeting's PDF"


@pytest.mark.slow
def test_the_44_toba_uploads_print_every_unit_once_in_the_ranking(tmp_path: Path, real_data: Path) -> None:
    lra = real_data / "toba_2022_lra_per_skpd" / "lra"
    if not lra.is_dir():
        pytest.skip("the Toba uploads are not present")
    reader = write_pdf(tmp_path, str(lra))
    texts = page_texts(reader)
    header = "# Perangkat Daerah Pagu Realisasi % Data per Modal % Perubahan"
    ranking = [t for t in texts if header in t]
    assert ranking and len(texts) < 10
    # each ranked row has one band mark before its % (the legend's marks stand before "≥" or "<")
    assert sum(len(re.findall(r"[●◐○] \d+,\d\d%", t)) for t in ranking) == 44
    # per-OPD uploads stand at different dates: the header says so on every page after the first
    assert all("Data per 31 Juli 2022 – 31 Desember 2022" in t.splitlines()[0] for t in texts[1:])
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1


def test_the_template_receives_text_ready_to_show_as_json() -> None:
    import json
    from datetime import date

    from realisasi_cli.facts.load import load
    from realisasi_cli.metrics.evaluate import evaluate
    from realisasi_cli.metrics.units import RankOptions
    from realisasi_cli.present.briefing import build_brief
    from realisasi_cli.present.pdf import brief_json

    dataset = load([NOW])
    evaluation = evaluate(dataset, RankOptions(), (15.0, 40.0, 65.0, 95.0))
    context = build_brief(evaluation, dataset, government=None, meeting_date=date(2023, 11, 15))
    data = json.loads(json.dumps(brief_json(context), ensure_ascii=False))
    # the target on 10 November: 65 + 30 × 41/92 = 78.37 %; the lowest unit is 41.87 − 78.37 = −36.5 pp behind
    assert data["bottom"]["rows"][0] == {
        "no": "1",
        "name": "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG",
        "code": "1.03.0.00.0.00.01.0000",
        "pct": "41,87%",
        "gap": "-36,5 pp",
        "change": "-",
        "band": "bad",
    }
    assert data["bottom"]["columns"][3] == "Selisih thd Target TW IV s.d. tgl data 78,37%"
    assert [m["value"] for m in data["charts"]["markers"]] == [57.0, pytest.approx(65 + 30 * 41 / 92)]
    assert data["page_of"] == "Halaman {page} dari {total}" and data["signature"] is None
    assert data["running_header"] == {"left": "PEMERINTAH KOTA BATU", "right": "Data per 10 November 2023"}


def test_the_later_sections_of_the_brief_are_in_the_pdf_too(tmp_path: Path) -> None:
    # two units' LRAs of accounts 4 and 5: pendapatan 300 of 1.000 and 900 of 1.000, modal 10 of 100
    header = ["Kode Rekening", "Uraian", "Anggaran", "Realisasi"]
    for name, revenue in (("DINAS A", 300), ("DINAS B", 900)):
        rows = [
            ["LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH"],
            [f"SKPD: {name}"],
            ["PERIODE 1 JANUARI 2024 s.d. 30 JUNI 2024"],
            header,
            ["4.1.02.01.01.0001", "Retribusi Parkir", 1_000, revenue],
            ["5.2.02.01.01.0001", "Belanja Modal Alat Berat", 100, 10],
        ]
        openpyxl_book(tmp_path / f"lra_{name[-1].lower()}.xlsx", {"LRA": rows})
    reader = write_pdf(tmp_path, str(tmp_path / "lra_a.xlsx"), str(tmp_path / "lra_b.xlsx"), "--pendapatan")
    text = " ".join(page_texts(reader))
    assert "belanja modal terendah" in text and "Perangkat daerah yang belum melapor" in text
    section = text.split("Realisasi Pendapatan", 1)[1]
    assert "Rp1.200 / Rp2.000 = 60,00%" in section  # (300 + 900) / (1.000 + 1.000)
    assert section.index("DINAS A") < section.index("DINAS B") and "30,00%" in section


def test_a_warning_of_no_one_file_is_printed_without_a_place_before_it(tmp_path: Path) -> None:
    folder = tmp_path / "lra"
    folder.mkdir()
    for name, title, unit in (
        ("dinas_a.xlsx", "Realisasi Belanja s.d. 10 November 2023", "DINAS A"),
        ("dinas_b.xlsx", "Realisasi Belanja", "DINAS B"),  # no date: the units' dates warn of it
    ):
        rows = [["PEMERINTAH KABUPATEN CONTOH"], [title], ["Perangkat Daerah", "Pagu", "Realisasi"]]
        openpyxl_book(folder / name, {"Rekap": [*rows, [unit, 1_000_000_000, 400_000_000]]})
    text = " ".join(" ".join(page_texts(write_pdf(tmp_path, str(folder)))).split())
    assert "• 1 perangkat daerah tidak memiliki tanggal data" in text
    assert "• :" not in text
