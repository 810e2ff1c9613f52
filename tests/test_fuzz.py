"""Random input: header detection holds under noise, and broken files never crash the tool.

Header detection is checked with Hypothesis on real workbooks (random title rows, column
orders and blank columns around a known table). The corpus of broken files is built from
the bundled samples with a fixed seed — bytes flipped, files cut short, archive members
dropped or garbled — and every file must end in exit 0 or 1 with a short message, leave the
input byte-for-byte unchanged and leave no partial output.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import string
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import ods_bytes, openpyxl_book
from conftest import SAMPLES
from realisasi_cli.cli.application import app
from realisasi_cli.facts.load import load
from realisasi_cli.inputs.xlsx import letters_above, numbers_above
from realisasi_cli.metrics.ranking import rank
from realisasi_cli.metrics.units import RankOptions
from realisasi_cli.sheetref import column_letter

runner = CliRunner()

# --- header detection under noise ------------------------------------------------------------

UNIT_HEADERS = ["Nama OPD", "Perangkat Daerah", "SKPD", "Nama SKPD", "Unit Kerja"]
BUDGET_HEADERS = ["Pagu", "Anggaran", "DPA", "Anggaran Setelah Perubahan"]
REALIZED_HEADERS = ["Realisasi", "Realisasi (Rp)"]
# Consonants only: no title line can spell a header word by chance.
NOISE = st.text(alphabet="bcdfghkmnpstvwxz 0123456789", min_size=1, max_size=30).filter(str.strip)
TITLES = st.one_of(NOISE, st.sampled_from(["PEMERINTAH KOTA CONTOH", "LAPORAN BULANAN", "TAHUN 2023"]))


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[list[object]], dict[str, tuple[float, float]]]:
    """A known table of units, pagu and realisasi, placed among title rows and blank columns."""
    count = draw(st.integers(min_value=2, max_value=6))
    units = {}
    for i in range(count):
        budget = draw(st.integers(min_value=1_000, max_value=10**12))
        realized = draw(st.integers(min_value=0, max_value=budget))
        units[f"DINAS CONTOH {string.ascii_uppercase[i]}"] = (float(budget), float(realized))
    numbered = draw(st.booleans())  # a "No" column, a "1 2 3" row under the header, a JUMLAH row
    order = draw(st.permutations(["unit", "budget", "realized"]))
    order = ["no", *order] if numbered else order
    headers = {
        "no": "No",
        "unit": draw(st.sampled_from(UNIT_HEADERS)),
        "budget": draw(st.sampled_from(BUDGET_HEADERS)),
        "realized": draw(st.sampled_from(REALIZED_HEADERS)),
    }
    gaps = [draw(st.integers(min_value=0, max_value=2)) for _ in range(len(order) + 1)]
    as_text = draw(st.booleans())  # amounts typed as Indonesian text, or numeric cells

    def line(values: dict[str, object]) -> list[object]:
        cells: list[object] = [None] * gaps[0]
        for role, gap in zip(order, gaps[1:], strict=True):
            cells.append(values[role])
            cells.extend([None] * gap)
        return cells

    def amount(value: float) -> object:
        return f"{int(value):,}".replace(",", ".") + ",00" if as_text else value

    rows: list[list[object]] = [[title] for title in draw(st.lists(TITLES, max_size=4))]
    rows.extend([[]] * draw(st.integers(min_value=0, max_value=2)))
    rows.append(line(headers))
    if numbered:
        rows.append(line({role: str(i + 1) for i, role in enumerate(order)}))
    for i, (name, (budget, realized)) in enumerate(units.items(), start=1):
        rows.append(line({"no": i, "unit": name, "budget": amount(budget), "realized": amount(realized)}))
    if numbered:
        total = {"budget": sum(b for b, _ in units.values()), "realized": sum(r for _, r in units.values())}
        rows.append(
            line(
                {
                    "no": None,
                    "unit": "JUMLAH",
                    "budget": amount(total["budget"]),
                    "realized": amount(total["realized"]),
                }
            )
        )
    return rows, units


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=tables())
def test_title_rows_column_order_and_blank_columns_do_not_change_the_answer(
    tmp_path: Path, case: tuple[list[list[object]], dict[str, tuple[float, float]]]
) -> None:
    rows, units = case
    path = openpyxl_book(tmp_path / "rekap.xlsx", {"Rekap": rows})
    dataset = load([path])
    result = rank(dataset.budget, dataset.realization, dataset.sources, RankOptions())
    got = {u["name"]: (u["budget"], u["realized"]) for u in result.units.to_dicts()}
    assert got == units


# --- the search for cells beyond a sheet's declared dimension ---------------------------------


def matches(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches at the start of ``text``, in Python's engine and in Polars'."""
    python = re.match(pattern, text) is not None
    rust = bool(pl.Series([text]).str.contains("^(?:" + pattern + ")").item())
    assert python == rust, (pattern, text)
    return python


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(min_value=1, max_value=2**31),
    row=st.integers(min_value=0, max_value=2**33),
    zeros=st.booleans(),
)
def test_a_row_number_is_found_beyond_the_limit_exactly(limit: int, row: int, zeros: bool) -> None:
    text = ("00" if zeros else "") + str(row) + '"'
    assert matches(numbers_above(limit), text) == (row > limit)


@settings(max_examples=200, deadline=None)
@given(
    limit=st.integers(min_value=0, max_value=20_000),
    col=st.integers(min_value=0, max_value=500_000),
    lower=st.booleans(),
)
def test_a_column_is_found_beyond_the_limit_exactly(limit: int, col: int, lower: bool) -> None:
    letters = column_letter(col)
    assert matches(letters_above(column_letter(limit)), (letters.lower() if lower else letters) + "7") == (
        col > limit
    )


# --- a corpus of broken files -------------------------------------------------------------------

Mutation = Callable[[bytes, random.Random], bytes]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def cut_short(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in members:
            archive.writestr(info.filename, content)
    return buffer.getvalue()


def drop_member(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    members.pop(rng.randrange(len(members)))
    return _zip(members)


def _xml_member(members: list[tuple[zipfile.ZipInfo, bytes]], rng: random.Random) -> int:
    sheets = [
        i for i, (info, _) in enumerate(members) if "sheet" in info.filename or "content" in info.filename
    ]
    return rng.choice(sheets or list(range(len(members))))


def garble_member(data: bytes, rng: random.Random) -> bytes:
    """Damage the XML inside the archive, where a reader parses it (not the deflate stream)."""
    members = _members(data)
    i = _xml_member(members, rng)
    info, content = members[i]
    text = bytearray(content)
    how = rng.randrange(6)
    if how == 0:  # flip bytes
        for _ in range(rng.randint(1, 32)):
            text[rng.randrange(len(text))] = rng.randrange(256)
    elif how == 1:  # cut the XML short
        text = text[: rng.randrange(1, len(text))]
    elif how == 2:  # drop a slice
        a = rng.randrange(len(text))
        del text[a : a + rng.randint(1, 400)]
    elif how == 3:  # repeat a slice (elements twice, nesting broken)
        a = rng.randrange(len(text))
        text[a:a] = text[a : a + rng.randint(1, 2000)] * rng.randint(1, 5)
    elif how == 4:  # a number grows: cell references and spans far away
        numbers = list(re.finditer(rb"\d+", bytes(text)))
        if numbers:
            m = rng.choice(numbers)
            text[m.start() : m.end()] = str(rng.choice([0, 65536, 1048576, 99999999, 2**32])).encode()
    else:  # letters grow: columns far away
        refs = list(re.finditer(rb'r="[A-Z]+', bytes(text)))
        if refs:
            m = rng.choice(refs)
            text[m.start() + 3 : m.end()] = rng.choice([b"XFD", b"ZZZZ", b"AAA", b"IV"])
    members[i] = (info, bytes(text))
    return _zip(members)


def html_table() -> bytes:
    rows = "".join(
        f"<tr><td>{i}</td><td>Dinas {i}</td><td>{i * 1000}.000,00</td><td>{i * 400}.000,00</td></tr>"
        for i in range(1, 8)
    )
    return (
        "<html><body><h3>REALISASI s.d. 30 September 2023</h3><table>"
        '<tr><th rowspan="2">No</th><th rowspan="2">Nama OPD</th><th colspan="2">Belanja</th></tr>'
        f"<tr><th>Pagu</th><th>Realisasi</th></tr>{rows}</table></body></html>"
    ).encode()


def ods_table() -> bytes:
    lines = [["Nama OPD", "Pagu", "Realisasi"]] + [[f"Dinas {i}", 1000 * i, 400 * i] for i in range(1, 8)]
    trailing = '<table:table-row table:number-rows-repeated="1048568"><table:table-cell/></table:table-row>'
    return ods_bytes(lines, trailing)


def originals() -> dict[str, bytes]:
    """The seeds of the corpus: every kind of input the tool reads."""
    files = {
        p.name: p.read_bytes() for p in sorted(SAMPLES.iterdir()) if p.suffix in {".xlsx", ".xls", ".csv"}
    }
    files["rekap_html.xls"] = html_table()
    files["rekap.ods"] = ods_table()
    return files


ZIP_MUTATIONS: list[Mutation] = [flip_bytes, cut_short, drop_member, garble_member, garble_member]
FLAT_MUTATIONS: list[Mutation] = [flip_bytes, cut_short]


def corpus(count_per_file: int, seed: int = 20231115) -> list[tuple[str, str, bytes]]:
    """(label, file name, bytes) of broken files, the same on every run."""
    rng = random.Random(seed)
    cases = []
    for name, data in originals().items():
        mutations = ZIP_MUTATIONS if data.startswith(b"PK") else FLAT_MUTATIONS
        for k in range(count_per_file):
            mutation = mutations[k % len(mutations)]
            cases.append((f"{name}-{k:02d}-{mutation.__name__}", name, mutation(data, rng)))
    return cases


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_clean_end(label: str, code: int, stderr: str, output: Path) -> None:
    """Exit 0 or 1; on 1 a short message and no output file; never a temporary file left."""
    assert code in (0, 1), f"{label}: exit {code}\n{stderr}"
    assert "Traceback" not in stderr and "unexpected failure" not in stderr, f"{label}:\n{stderr}"
    if code == 1:
        assert stderr.startswith("kesalahan: ") and len(stderr.splitlines()) <= 4, f"{label}:\n{stderr}"
        assert not output.exists(), f"{label}: a failed command left an output file"
    assert not list(output.parent.glob(".*.tmp")), f"{label}: a temporary file was left behind"


CORPUS = corpus(count_per_file=20)


@pytest.mark.slow
def test_broken_files_end_in_exit_0_or_1_and_are_left_unchanged(tmp_path: Path) -> None:
    for label, name, data in CORPUS:
        folder = tmp_path / label
        folder.mkdir()
        source = folder / name
        source.write_bytes(data)
        before = digest(source)
        output = folder / "out.csv"
        result = runner.invoke(app, ["rank", str(source), "-o", str(output), "-q"])
        assert_clean_end(label, result.exit_code, result.stderr, output)
        assert digest(source) == before, f"{label}: the input was modified"


@pytest.mark.slow
@pytest.mark.parametrize("index", [0, 23, 47, 71, 97, 131, 155])
def test_broken_files_in_a_separate_process(tmp_path: Path, index: int) -> None:
    label, name, data = CORPUS[index % len(CORPUS)]
    source = tmp_path / name
    source.write_bytes(data)
    before = digest(source)
    output = tmp_path / "out.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "realisasi_cli", "rank", str(source), "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert_clean_end(label, done.returncode, done.stderr, output)
    assert digest(source) == before
