#!/usr/bin/env python3
"""Write the synthetic Kota Batu 2023 budget-realization exports kept in ``sample_data/``.

One master dataset is invented here: 32 perangkat daerah of Pemerintah Kota Batu with
SIPD-style codes, each with a few leaf accounts coded by Permendagri 77/2020 (5.1.01
pegawai, 5.1.02 barang dan jasa, 5.1.05 hibah, 5.1.06 bansos, 5.2.xx modal, 5.3 tidak
terduga), a budget before and after the APBD-Perubahan, and cumulative realization through
30 September and 10 November 2023. It is rendered into five differently messy exports:

* ``rekap_pd_10nov2023.xlsx``: rekap per PD, merged titles, two-row grouped header, a
  column-number row, a JUMLAH row and a signature block (10 November).
* ``lra_per_skpd_30sep2023.xlsx``: one LRA sheet per SKPD (30 of 32), hierarchical rows that
  subtotal the rows below, amounts as Indonesian text, one subtotal deliberately wrong.
* ``realisasi_rinci_tw_2023.xlsx``: one row per leaf account, realization per quarter.
* ``rekap_opd_30sep2023.xls``: Excel 97 flat table, unit names without codes.
* ``realisasi_sp2d_2023.csv``: leaf accounts, semicolons, UTF-8 BOM, decimal comma.

``expected.json`` holds per file the answers a correct reader must produce, computed from
the master integers (never by reading the files back), plus the headline ``story``.
Reruns give byte-identical files.

Usage: python scripts/make_sample_data.py [OUTPUT_DIR]   (default: <repo>/sample_data)
"""

# ruff: noqa: E501  -- the master tables below read best as one record per line

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlsxwriter
import xlwt
from openpyxl.styles import Alignment, Font

SEP, NOV = dt.date(2023, 9, 30), dt.date(2023, 11, 10)
Q3_TARGET = 0.566  # the government-wide 30 September absorption the story is built on
THRESHOLD = 57.0
PEMDA = "PEMERINTAH KOTA BATU"

GROUP_NAMES: dict[str, str] = {
    "5": "BELANJA DAERAH",
    "5.1": "BELANJA OPERASI",
    "5.2": "BELANJA MODAL",
    "5.3": "BELANJA TIDAK TERDUGA",
    "5.1.01": "Belanja Pegawai",
    "5.1.02": "Belanja Barang dan Jasa",
    "5.1.05": "Belanja Hibah",
    "5.1.06": "Belanja Bantuan Sosial",
    "5.2.02": "Belanja Modal Peralatan dan Mesin",
    "5.2.03": "Belanja Modal Gedung dan Bangunan",
    "5.2.04": "Belanja Modal Jalan, Irigasi, dan Jaringan",
    "5.2.05": "Belanja Modal Aset Tetap Lainnya",
    "5.3.01": "Belanja Tidak Terduga",
}

# template, leaf code, share of the category budget, uraian. Modal templates are picked per
# unit by what it builds; hibah_pilkada is the BPKAD's grant to KPU and Bawaslu.
LEAF_TABLE = """
pegawai        5.1.01.01.01.0001 .52 Belanja Gaji Pokok PNS
pegawai        5.1.01.01.02.0001 .06 Belanja Tunjangan Keluarga PNS
pegawai        5.1.01.01.05.0001 .05 Belanja Tunjangan Fungsional PNS
pegawai        5.1.01.02.01.0001 .37 Belanja Tambahan Penghasilan berdasarkan Beban Kerja PNS
barang_jasa    5.1.02.01.01.0024 .08 Belanja Alat/Bahan untuk Kegiatan Kantor-Alat Tulis Kantor
barang_jasa    5.1.02.01.01.0052 .10 Belanja Makanan dan Minuman Rapat
barang_jasa    5.1.02.02.01.0026 .30 Belanja Jasa Tenaga Administrasi
barang_jasa    5.1.02.02.01.0061 .12 Belanja Tagihan Listrik
barang_jasa    5.1.02.03.02.0035 .15 Belanja Pemeliharaan Alat Angkutan-Alat Angkutan Darat Bermotor-Kendaraan Dinas Bermotor Perorangan
barang_jasa    5.1.02.04.01.0001 .25 Belanja Perjalanan Dinas Biasa
hibah          5.1.05.05.01.0001 1.0 Belanja Hibah Uang kepada Badan, Lembaga, Organisasi Kemasyarakatan yang Berbadan Hukum Indonesia
hibah_pilkada  5.1.05.01.01.0001 .65 Belanja Hibah Uang kepada Pemerintah Pusat
hibah_pilkada  5.1.05.05.01.0001 .35 Belanja Hibah Uang kepada Badan, Lembaga, Organisasi Kemasyarakatan yang Berbadan Hukum Indonesia
bansos         5.1.06.01.01.0001 .60 Belanja Bantuan Sosial Uang yang Direncanakan kepada Individu
bansos         5.1.06.01.02.0001 .40 Belanja Bantuan Sosial Barang yang Direncanakan kepada Individu
tidak_terduga  5.3.01.01.01.0001 1.0 Belanja Tidak Terduga
office         5.2.02.05.01.0005 .35 Belanja Modal Alat Kantor Lainnya
office         5.2.02.05.02.0001 .20 Belanja Modal Mebel
office         5.2.02.10.01.0002 .15 Belanja Modal Personal Computer
road           5.2.02.01.01.0002 .05 Belanja Modal Alat Besar Darat
road           5.2.03.01.01.0001 .07 Belanja Modal Bangunan Gedung Kantor
road           5.2.04.01.01.0012 .52 Belanja Modal Jalan Kota
road           5.2.04.01.02.0003 .14 Belanja Modal Jembatan pada Jalan Kota
road           5.2.04.02.04.0001 .22 Belanja Modal Saluran Drainase
housing        5.2.03.01.01.0003 .25 Belanja Modal Bangunan Gedung Pertemuan
housing        5.2.04.01.01.0013 .15 Belanja Modal Jalan Lingkungan
housing        5.2.04.03.01.0001 .30 Belanja Modal Jaringan Air Minum
housing        5.2.04.04.01.0003 .30 Belanja Modal Penerangan Jalan Umum
school         5.2.02.05.02.0001 .14 Belanja Modal Mebel
school         5.2.02.10.01.0002 .16 Belanja Modal Personal Computer
school         5.2.03.01.01.0006 .62 Belanja Modal Bangunan Gedung Tempat Pendidikan
school         5.2.05.01.01.0001 .08 Belanja Modal Buku Umum
health         5.2.02.02.01.0009 .10 Belanja Modal Ambulance
health         5.2.02.07.01.0001 .45 Belanja Modal Alat Kedokteran Umum
health         5.2.02.10.01.0002 .05 Belanja Modal Personal Computer
health         5.2.03.01.01.0009 .40 Belanja Modal Bangunan Kesehatan
fleet          5.2.02.02.01.0004 .45 Belanja Modal Kendaraan Bermotor Angkutan Barang
fleet          5.2.02.10.01.0002 .15 Belanja Modal Personal Computer
fleet          5.2.03.01.01.0020 .40 Belanja Modal Bangunan Gedung Tempat Kerja Lainnya
building       5.2.02.10.01.0002 .10 Belanja Modal Personal Computer
building       5.2.03.01.01.0001 .35 Belanja Modal Bangunan Gedung Kantor
building       5.2.03.01.01.0011 .55 Belanja Modal Bangunan Gedung Tempat Olahraga dan Rekreasi
ict            5.2.02.10.01.0002 .15 Belanja Modal Personal Computer
ict            5.2.02.10.02.0001 .30 Belanja Modal Server
ict            5.2.02.10.02.0004 .55 Belanja Modal Peralatan Jaringan
library        5.2.02.05.02.0001 .20 Belanja Modal Mebel
library        5.2.02.10.01.0002 .20 Belanja Modal Personal Computer
library        5.2.05.01.01.0001 .60 Belanja Modal Buku Umum
"""
Template = list[tuple[str, str, float]]
LEAVES: dict[str, Template] = {}
for _line in LEAF_TABLE.strip().splitlines():
    _kind, _code, _share, _name = _line.split(maxsplit=3)
    LEAVES.setdefault(_kind, []).append((_code, _name, float(_share)))
# Units under 20 billion do not book these accounts at all.
SMALL_UNIT_SKIPS = {"5.1.01.01.05.0001", "5.1.02.01.01.0052", "5.1.02.03.02.0035"}

# code, name, sheet, then billions of rupiah for pegawai, barang_jasa, hibah, bansos, modal and
# tidak_terduga, the modal template, modal absorption on 10 Nov, and the unit's 10 Nov
# absorption (%), fixed by hand so that exactly ten units end up under 57 %, with one just
# under the line and one just over it.
UNITS: list[tuple[str, str, str, float, float, float, float, float, float, str, float, float]] = [
    (
        "1.01.2.22.0.00.01.0000",
        "DINAS PENDIDIKAN",
        "Disdik",
        186.4,
        61.8,
        8.5,
        0,
        36.2,
        0,
        "school",
        0.47,
        71.84,
    ),
    ("1.02.0.00.0.00.01.0000", "DINAS KESEHATAN", "Dinkes", 48.3, 66.9, 0, 0, 23.7, 0, "health", 0.41, 64.29),
    ("1.02.0.00.0.00.01.0001", "RSUD KOTA BATU", "RSUD", 41.8, 72.6, 0, 0, 17.9, 0, "health", 0.36, 54.88),
    (
        "1.03.0.00.0.00.01.0000",
        "DINAS PEKERJAAN UMUM DAN PENATAAN RUANG",
        "DPUPR",
        14.2,
        31.5,
        0,
        0,
        112.0,
        0,
        "road",
        0.33,
        41.87,
    ),
    (
        "1.04.2.10.0.00.01.0000",
        "DINAS PERUMAHAN DAN KAWASAN PERMUKIMAN",
        "Disperkim",
        7.6,
        22.3,
        0,
        0,
        49.5,
        0,
        "housing",
        0.30,
        46.52,
    ),
    (
        "1.05.0.00.0.00.01.0000",
        "SATUAN POLISI PAMONG PRAJA",
        "Satpol PP",
        11.2,
        13.3,
        0,
        0,
        2.4,
        0,
        "office",
        0.58,
        68.35,
    ),
    (
        "1.05.0.00.0.00.02.0000",
        "BADAN PENANGGULANGAN BENCANA DAERAH",
        "BPBD",
        5.2,
        9.6,
        0,
        0,
        3.1,
        0,
        "fleet",
        0.52,
        66.27,
    ),
    ("1.06.0.00.0.00.01.0000", "DINAS SOSIAL", "Dinsos", 5.6, 8.7, 0, 14.6, 1.3, 0, "office", 0.61, 77.48),
    (
        "2.07.0.00.0.00.01.0000",
        "DINAS KETENAGAKERJAAN",
        "Disnaker",
        4.8,
        6.6,
        0,
        0,
        0.9,
        0,
        "office",
        0.55,
        57.41,
    ),
    (
        "2.08.2.14.0.00.01.0000",
        "DINAS PENGENDALIAN PENDUDUK, KELUARGA BERENCANA, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
        "DP3AP2KB",
        7.9,
        10.2,
        0,
        0,
        1.8,
        0,
        "office",
        0.49,
        69.77,
    ),
    (
        "2.09.3.27.0.00.01.0000",
        "DINAS KETAHANAN PANGAN DAN PERTANIAN",
        "DKPP",
        12.3,
        15.1,
        0,
        0,
        6.4,
        0,
        "building",
        0.32,
        56.35,
    ),
    (
        "2.11.0.00.0.00.01.0000",
        "DINAS LINGKUNGAN HIDUP",
        "DLH",
        9.6,
        30.8,
        0,
        0,
        14.7,
        0,
        "fleet",
        0.34,
        53.14,
    ),
    (
        "2.12.0.00.0.00.01.0000",
        "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
        "Dispendukcapil",
        5.1,
        7.4,
        0,
        0,
        1.6,
        0,
        "office",
        0.66,
        78.56,
    ),
    (
        "2.13.0.00.0.00.01.0000",
        "DINAS PEMBERDAYAAN MASYARAKAT DAN DESA",
        "DPMD",
        4.3,
        9.2,
        0,
        0,
        0.6,
        0,
        "office",
        0.50,
        72.63,
    ),
    ("2.15.0.00.0.00.01.0000", "DINAS PERHUBUNGAN", "Dishub", 9.2, 12.4, 0, 0, 11.8, 0, "fleet", 0.31, 49.73),
    (
        "2.16.2.20.2.21.01.0000",
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "Diskominfo",
        5.4,
        14.2,
        0,
        0,
        7.2,
        0,
        "ict",
        0.44,
        56.93,
    ),
    (
        "2.17.3.30.3.31.01.0000",
        "DINAS KOPERASI, USAHA MIKRO DAN PERDAGANGAN",
        "Diskumperdag",
        6.8,
        11.7,
        0,
        0,
        4.3,
        0,
        "building",
        0.45,
        65.91,
    ),
    (
        "2.18.0.00.0.00.01.0000",
        "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
        "DPMPTSP",
        4.6,
        6.1,
        0,
        0,
        0.8,
        0,
        "office",
        0.63,
        75.24,
    ),
    (
        "2.19.0.00.0.00.01.0000",
        "DINAS KEPEMUDAAN DAN OLAHRAGA",
        "Dispora",
        3.9,
        11.6,
        4.5,
        0,
        8.6,
        0,
        "building",
        0.27,
        52.09,
    ),
    (
        "2.23.2.24.0.00.01.0000",
        "DINAS PERPUSTAKAAN DAN KEARSIPAN",
        "Dispusip",
        4.2,
        6.4,
        0,
        0,
        2.1,
        0,
        "library",
        0.52,
        67.73,
    ),
    (
        "3.26.0.00.0.00.01.0000",
        "DINAS PARIWISATA",
        "Disparta",
        6.1,
        20.7,
        0,
        0,
        9.7,
        0,
        "building",
        0.37,
        55.47,
    ),
    (
        "4.01.0.00.0.00.01.0000",
        "SEKRETARIAT DAERAH",
        "Setda",
        38.4,
        53.6,
        6.0,
        0,
        7.5,
        0,
        "office",
        0.55,
        74.45,
    ),
    ("4.02.0.00.0.00.01.0000", "SEKRETARIAT DPRD", "Setwan", 21.3, 38.7, 0, 0, 3.2, 0, "office", 0.57, 79.62),
    (
        "5.01.5.05.0.00.01.0000",
        "BADAN PERENCANAAN PEMBANGUNAN, PENELITIAN DAN PENGEMBANGAN DAERAH",
        "Bappelitbangda",
        6.7,
        10.1,
        0,
        0,
        0.7,
        0,
        "office",
        0.62,
        73.38,
    ),
    (
        "5.02.0.00.0.00.01.0000",
        "BADAN PENGELOLAAN KEUANGAN DAN ASET DAERAH",
        "BPKAD",
        27.9,
        16.4,
        36.5,
        0,
        2.6,
        12.0,
        "office",
        0.48,
        50.96,
    ),
    (
        "5.02.0.00.0.00.02.0000",
        "BADAN PENDAPATAN DAERAH",
        "Bapenda",
        7.2,
        15.3,
        0,
        0,
        1.1,
        0,
        "office",
        0.60,
        77.15,
    ),
    (
        "5.03.5.04.0.00.01.0000",
        "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA",
        "BKPSDM",
        6.3,
        8.0,
        0,
        0,
        0.5,
        0,
        "office",
        0.58,
        70.09,
    ),
    ("6.01.0.00.0.00.01.0000", "INSPEKTORAT", "Inspektorat", 8.4, 6.8, 0, 0, 0, 0, "office", 0.0, 81.31),
    ("7.01.0.00.0.00.01.0000", "KECAMATAN BATU", "Kec. Batu", 6.2, 9.7, 0, 0, 1.4, 0, "office", 0.54, 75.46),
    (
        "7.01.0.00.0.00.02.0000",
        "KECAMATAN BUMIAJI",
        "Kec. Bumiaji",
        5.8,
        8.6,
        0,
        0,
        1.2,
        0,
        "office",
        0.50,
        74.97,
    ),
    (
        "7.01.0.00.0.00.03.0000",
        "KECAMATAN JUNREJO",
        "Kec. Junrejo",
        5.1,
        7.5,
        0,
        0,
        0.9,
        0,
        "office",
        0.60,
        78.28,
    ),
    (
        "8.01.0.00.0.00.01.0000",
        "BADAN KESATUAN BANGSA DAN POLITIK",
        "Bakesbangpol",
        3.1,
        5.2,
        3.4,
        0,
        0,
        0,
        "office",
        0.0,
        70.57,
    ),
]
CATEGORIES = ("pegawai", "barang_jasa", "hibah", "bansos", "modal", "tidak_terduga")
# The special cases below are keyed by sheet name (unique short unit names).
REVISED = {"Disdik", "Dinkes", "DPUPR", "Disperkim", "Dinsos", "Setda", "BPKAD", "Disparta", "Kec. Batu"}
LRA_MISSING = {"Bapenda", "Kec. Junrejo"}  # never sent their LRA
OVERRUN = ("Setwan", "5.1.02.02.01.0061")  # electricity bill paid past its budget
BAD_SUBTOTAL = ("Dishub", "5.1.02", 1_000_000)  # typed-over subtotal in the LRA
NEW_IN_PERUBAHAN = ("DPUPR", "5.2.04.01.02.0003")  # bridge added in the Perubahan, unpaid
# How much of the 10 Nov realization was already paid by 30 Sep, before calibration:
# salaries flow monthly, capital projects are paid at hand-over late in the year.
SEP_SHARE = {"5.1.01": 0.93, "5.1.02": 0.88, "5.1.05": 0.90, "5.1.06": 0.90, "5.2": 0.62, "5.3": 0.75}
NOV_WEIGHT = {"5.1.02": 0.95, "5.1.05": 1.0, "5.1.06": 1.05}
LEAF_CAP = 0.985


@dataclass
class Leaf:
    code: str
    name: str
    budget: int
    murni: int
    nov: int = 0
    sep: int = 0
    quarters: tuple[int, int, int] = (0, 0, 0)

    @property
    def group(self) -> str:
        return self.code[:6]


@dataclass
class Unit:
    code: str
    name: str
    sheet: str
    nov_pct: float
    leaves: list[Leaf] = field(default_factory=list)

    def sum(self, attr: str, prefix: str = "5") -> int:
        return sum(
            getattr(lf, attr) for lf in self.leaves if lf.code == prefix or lf.code.startswith(prefix + ".")
        )

    def leaf(self, code: str) -> Leaf:
        return next(lf for lf in self.leaves if lf.code == code)


def _split(rng: random.Random, total: int, template: Template) -> list[int]:
    """Split a category budget over its leaves, in thousands, so the parts add up exactly."""
    weights = [w * rng.uniform(0.8, 1.2) for _, _, w in template]
    parts = [int(round(total * w / sum(weights), -3)) for w in weights[:-1]]
    return [*parts, total - sum(parts)]


def _spread(target: int, leaves: list[Leaf], weights: list[float]) -> None:
    """Give ``leaves`` a 10 Nov realization summing exactly to ``target``, in proportion."""
    k = target / sum(lf.budget * w for lf, w in zip(leaves, weights, strict=True))
    for lf, w in zip(leaves, weights, strict=True):
        lf.nov = round(lf.budget * k * w)
    biggest = max(leaves, key=lambda lf: lf.budget)
    biggest.nov += target - sum(lf.nov for lf in leaves)
    # Only the one deliberate overrun may pass its budget; a unit target that forces more is a
    # mistake in the UNITS table.
    assert all(lf.nov <= LEAF_CAP * lf.budget for lf in leaves), "unit target too high"


def build_master(rng: random.Random) -> list[Unit]:
    """Invent every leaf's budgets and realizations, deterministically from ``rng``."""
    units: list[Unit] = []
    for code, name, sheet, *amounts, kind, modal_rate, nov_pct in UNITS:
        unit = Unit(code, name, sheet, nov_pct)
        for cat, billions in zip(CATEGORIES, amounts, strict=True):
            if not billions:
                continue
            if cat == "modal":
                template = LEAVES[kind]
            elif cat == "hibah" and sheet == "BPKAD":
                template = LEAVES["hibah_pilkada"]
            else:
                template = LEAVES[cat]
            if sum(amounts) < 20:
                template = [t for t in template if t[0] not in SMALL_UNIT_SKIPS]
            total = int(round(billions * 1e9 * rng.uniform(0.97, 1.03), -6))
            total += rng.randrange(1, 999) * 1000
            for (lcode, lname, _), budget in zip(template, _split(rng, total, template), strict=True):
                unit.leaves.append(Leaf(lcode, lname, budget, budget))
        unit.leaves.sort(key=lambda lf: lf.code)
        _realize_nov(rng, unit, modal_rate)
        if sheet in REVISED:
            _revise_murni(rng, unit)
        units.append(unit)
    _realize_sep(rng, units)
    for unit in units:
        for lf in unit.leaves:
            early = 0.03 if lf.code.startswith("5.2") else 0.15  # capital work starts slow
            q1 = round(lf.sep * rng.uniform(early - 0.03, early + 0.03))
            q2 = round(lf.sep * rng.uniform(0.42, 0.48))
            lf.quarters = (q1, q2, lf.sep - q1 - q2)
    return units


def _realize_nov(rng: random.Random, unit: Unit, modal_rate: float) -> None:
    fixed: list[Leaf] = []
    for lf in unit.leaves:
        if (unit.sheet, lf.code) == NEW_IN_PERUBAHAN:
            lf.nov = 0
        elif lf.code.startswith("5.2"):
            lf.nov = round(lf.budget * min(modal_rate * rng.uniform(0.7, 1.3), 0.97))
        elif lf.code.startswith("5.3"):
            lf.nov = round(lf.budget * 0.137)
        elif lf.group == "5.1.01":  # payroll runs on schedule whatever else the unit does
            lf.nov = round(lf.budget * rng.uniform(0.81, 0.88))
        elif (unit.sheet, lf.code) == OVERRUN:
            lf.nov = round(lf.budget * 1.0087)
        else:
            continue
        fixed.append(lf)
    flexible = [lf for lf in unit.leaves if lf not in fixed]
    target = round(unit.nov_pct / 100 * unit.sum("budget"))
    weights = [NOV_WEIGHT[lf.group] * rng.uniform(0.93, 1.07) for lf in flexible]
    _spread(target - sum(lf.nov for lf in fixed), flexible, weights)


def _revise_murni(rng: random.Random, unit: Unit) -> None:
    for i, lf in enumerate(unit.leaves):
        if (unit.sheet, lf.code) == NEW_IN_PERUBAHAN:
            lf.murni = 0
        elif i == 1 or rng.random() < 0.4:
            change = rng.choice((-1, 1)) * rng.uniform(0.03, 0.15)
            lf.murni = int(round(lf.budget * (1 + change), -3))


def _realize_sep(rng: random.Random, units: list[Unit]) -> None:
    """Derive 30 Sep from 10 Nov and scale so the government total lands on Q3_TARGET."""
    shares: list[tuple[Leaf, float]] = []
    fixed = 0
    for unit in units:
        for lf in unit.leaves:
            if (unit.sheet, lf.code) == OVERRUN:
                lf.sep = round(lf.budget * 1.0042)
                fixed += lf.sep
                continue
            base = SEP_SHARE.get(lf.group) or SEP_SHARE[lf.code[:3]]
            if lf.code[:6] in ("5.2.03", "5.2.04") and rng.random() < 0.25:
                base = 0.0  # term payment not yet made by 30 Sep
            shares.append((lf, base * rng.uniform(0.95, 1.05)))
    target = round(Q3_TARGET * sum(u.sum("budget") for u in units))

    def total(c: float) -> int:
        return fixed + sum(round(lf.nov * min(s * c, 0.99)) for lf, s in shares)

    lo, hi = 0.5, 1.5
    for _ in range(60):
        lo, hi = ((lo + hi) / 2, hi) if total((lo + hi) / 2) < target else (lo, (lo + hi) / 2)
    for lf, s in shares:
        lf.sep = round(lf.nov * min(s * lo, 0.99))
    anchor = units[0].leaf("5.1.01.01.01.0001")  # the largest payroll absorbs rounding
    anchor.sep += target - fixed - sum(lf.sep for lf, _ in shares)
    assert 0 <= anchor.sep <= anchor.nov


# ---------------------------------------------------------------- expected answers
def pct(realized: int, budget: int) -> float | None:
    return 100 * realized / budget if budget else None


def unit_answer(unit: Unit, attr: str, with_code: bool = True) -> dict[str, object]:
    budget, realized = unit.sum("budget"), unit.sum(attr)
    return {
        "code": unit.code if with_code else None,
        "name": unit.name,
        "budget": budget,
        "realized": realized,
        "absorption_pct": pct(realized, budget),
        "modal_budget": unit.sum("budget", "5.2"),
        "modal_realized": unit.sum(attr, "5.2"),
    }


def file_answer(
    units: list[Unit],
    attr: str,
    as_of: dt.date,
    with_code: bool = True,
    warnings: list[dict[str, object]] | None = None,
) -> dict[str, object]:
    budget = sum(u.sum("budget") for u in units)
    realized = sum(u.sum(attr) for u in units)
    return {
        "as_of": as_of.isoformat(),
        "units": [unit_answer(u, attr, with_code) for u in units],
        "total": {"budget": budget, "realized": realized, "absorption_pct": pct(realized, budget)},
        "warnings": warnings or [],
    }


def quarter_answer(units: list[Unit]) -> dict[str, object]:
    def series(leaves: list[Leaf], budget: int) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        cum = 0
        for q in range(3):
            within = sum(lf.quarters[q] for lf in leaves)
            cum += within
            out.append(
                {"quarter": q + 1, "realized": within, "cumulative": cum, "absorption_pct": pct(cum, budget)}
            )
        return out

    every = [lf for u in units for lf in u.leaves]
    return {
        "units": [
            {"code": u.code, "name": u.name, "by_quarter": series(u.leaves, u.sum("budget"))} for u in units
        ],
        "total": series(every, sum(lf.budget for lf in every)),
    }


def overrun_warning(units: list[Unit]) -> dict[str, object]:
    unit = next(u for u in units if u.sheet == OVERRUN[0])
    lf = unit.leaf(OVERRUN[1])
    return {
        "kind": "realized_exceeds_budget",
        "unit_code": unit.code,
        "unit_name": unit.name,
        "account": lf.code,
        "budget": lf.budget,
        "realized": lf.sep,
    }


def story(units: list[Unit]) -> dict[str, object]:
    def share(attr: str, prefix: str = "5") -> float:
        return 100 * sum(u.sum(attr, prefix) for u in units) / sum(u.sum("budget", prefix) for u in units)

    under = sorted(
        (u for u in units if u.sum("nov") * 100 < THRESHOLD * u.sum("budget")),
        key=lambda u: u.sum("nov") / u.sum("budget"),
    )
    return {
        "total_absorption_pct_30sep": share("sep"),
        "total_absorption_pct_10nov": share("nov"),
        "threshold_pct": THRESHOLD,
        "units_under_threshold_10nov": [u.name for u in under],
        "units_under_threshold_10nov_pct": {u.name: pct(u.sum("nov"), u.sum("budget")) for u in under},
        "operasi_absorption_pct_10nov": share("nov", "5.1"),
        "modal_absorption_pct_10nov": share("nov", "5.2"),
        "operasi_absorption_pct_30sep": share("sep", "5.1"),
        "modal_absorption_pct_30sep": share("sep", "5.2"),
    }


def check(units: list[Unit]) -> None:
    """Fail loudly if the invented numbers stop telling the story they are meant to."""
    for attr in ("sep", "nov"):
        shown = [round(100 * u.sum(attr) / u.sum("budget"), 2) for u in units]
        assert len(set(shown)) == len(shown), f"tied absorption on {attr}"
    for u in units:
        for lf in u.leaves:
            assert 0 <= lf.sep <= lf.nov and min(lf.quarters) >= 0, (u.name, lf.code)
            assert lf.nov <= lf.budget or (u.sheet, lf.code) == OVERRUN, (u.name, lf.code)
    assert sum(1 for u in units if u.sum("nov") * 100 < THRESHOLD * u.sum("budget")) == 10
    q3 = story(units)["total_absorption_pct_30sep"]
    assert isinstance(q3, float) and abs(q3 - 100 * Q3_TARGET) < 0.005
    assert sum(1 for u in units if not u.sum("budget", "5.2")) == 2


# ---------------------------------------------------------------- writers
def idr(value: int, zero: str = "-") -> str:
    """Indonesian notation as SIPD prints it: 1.234.567,00, negatives in parentheses."""
    if value == 0:
        return zero
    text = f"{abs(value):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"({text})" if value < 0 else text


def write_rekap_pd(units: list[Unit], path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2023, 11, 10, 9, 0), "author": "Bagian Organisasi"})
    ws = wb.add_worksheet("REKAP PD")
    base = {"font_name": "Arial", "font_size": 9, "valign": "vcenter"}
    grid = {**base, "border": 1}
    title = wb.add_format({**base, "bold": True, "font_size": 11, "align": "center"})
    head = wb.add_format({**grid, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#D9E1F2"})
    num_row = wb.add_format({**grid, "italic": True, "align": "center"})
    text = wb.add_format({**grid, "text_wrap": True})
    money, percent, bold_money, bold_pct = (
        wb.add_format({**grid, "num_format": f, "bold": b, "align": "right"})
        for b in (False, True)
        for f in ("#,##0", "0.00")
    )
    plain = wb.add_format({**base, "align": "center"})
    signed = wb.add_format({**base, "align": "center", "bold": True, "underline": 1})
    last = 14
    for row, line in enumerate(
        (
            PEMDA,
            "REKAPITULASI REALISASI ANGGARAN BELANJA PERANGKAT DAERAH",
            "Keadaan s.d. Tanggal 10 November 2023",
        )
    ):
        ws.merge_range(row, 0, row, last, line, title)
    for col, label in enumerate(("No", "Kode", "Perangkat Daerah")):
        ws.merge_range(4, col, 5, col, label, head)
    for g, label in enumerate(("BELANJA OPERASI", "BELANJA MODAL", "BELANJA TIDAK TERDUGA", "JUMLAH")):
        ws.merge_range(4, 3 + 3 * g, 4, 5 + 3 * g, label, head)
        ws.write_row(5, 3 + 3 * g, ("Anggaran (Rp)", "Realisasi (Rp)", "%"), head)
    ws.write_row(6, 0, range(1, last + 2), num_row)

    def amounts(row: int, group: list[Unit], m: object, p: object) -> None:
        for g, prefix in enumerate(("5.1", "5.2", "5.3", "5")):
            b = sum(u.sum("budget", prefix) for u in group)
            r = sum(u.sum("nov", prefix) for u in group)
            ws.write_row(row, 3 + 3 * g, (b, r), m)
            ws.write(row, 5 + 3 * g, round(100 * r / b, 2) if b else "-", p)

    for row, u in enumerate(units, 7):
        ws.write_row(row, 0, (row - 6, u.code, u.name), text)
        amounts(row, [u], money, percent)
    row = 7 + len(units)
    ws.merge_range(row, 0, row, 2, "JUMLAH", head)
    amounts(row, units, bold_money, bold_pct)
    for r, line in enumerate(
        (
            "Batu, 10 November 2023",
            "KEPALA BAGIAN ORGANISASI",
            "",
            "",
            "",
            "Drs. HENDRA PRASETYO, M.Si.",
            "NIP. 19750101 200003 1 001",
        ),
        row + 2,
    ):
        ws.merge_range(r, last - 2, r, last, line, signed if line.startswith("Drs.") else plain)
    for first, end, width in ((0, 0, 4), (1, 1, 22), (2, 2, 42), (3, last, 16)):
        ws.set_column(first, end, width)
    for g in range(4):
        ws.set_column(5 + 3 * g, 5 + 3 * g, 7)
    ws.freeze_panes(7, 3)
    wb.close()


SIGNERS = (
    "Dr. AGUS SETIAWAN, M.Pd.",
    "dr. RATNA KUSUMAWATI, M.Kes.",
    "Ir. BUDI HARTONO, M.T.",
    "SRI WAHYUNINGSIH, S.E., M.M.",
    "Drs. MOCH. ARIFIN, M.AP.",
    "DEWI ANGGRAINI, S.H.",
    "EKO PURNOMO, S.STP., M.Si.",
    "Hj. SITI MAISAROH, S.Sos.",
)


def nip(rng: random.Random) -> str:
    """A civil-servant number: birth date, appointment month, sex, sequence."""
    born = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 15))
    return (
        f"NIP. {born:%Y%m%d} {born.year + rng.randrange(23, 30)}{rng.randrange(1, 13):02d} "
        f"{rng.randrange(1, 3)} {rng.randrange(1, 20):03d}"
    )


def lra_rows(unit: Unit) -> list[tuple[str, str, int, int, int]]:
    """The LRA's hierarchy: 5, 5.x, 5.x.yy subtotals, each followed by what it adds up."""
    rows: list[tuple[str, str, int, int, int]] = []

    def subtotal(prefix: str) -> None:
        rows.append(
            (
                prefix,
                GROUP_NAMES[prefix],
                unit.sum("murni", prefix),
                unit.sum("budget", prefix),
                unit.sum("sep", prefix),
            )
        )

    subtotal("5")
    for level1 in ("5.1", "5.2", "5.3"):
        if level1 == "5.3" and not unit.sum("budget", "5.3"):
            continue  # only the BPKAD budgets for emergencies; a zero 5.2 row is still shown
        subtotal(level1)
        for group in sorted({lf.group for lf in unit.leaves if lf.code.startswith(level1 + ".")}):
            subtotal(group)
            rows.extend(
                (lf.code, lf.name, lf.murni, lf.budget, lf.sep) for lf in unit.leaves if lf.group == group
            )
    return rows


def write_lra(units: list[Unit], path: Path, rng: random.Random) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    center, right = Alignment(horizontal="center", wrap_text=True), Alignment(horizontal="right")
    header = (
        "Kode Rekening",
        "Uraian",
        "Anggaran Murni",
        "Anggaran Setelah Perubahan",
        "Realisasi s.d. 30 September 2023",
        "%",
        "Sisa Anggaran",
    )
    for signer_no, unit in enumerate(units):
        ws = wb.create_sheet(unit.sheet)
        for row, line in enumerate(
            (PEMDA, "LAPORAN REALISASI ANGGARAN", "Periode : 1 Januari 2023 s.d. 30 September 2023"), 1
        ):
            ws.cell(row, 1, line).font = Font(bold=True)
            ws.cell(row, 1).alignment = center
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        ws.cell(5, 1, f"SKPD : {unit.code} {unit.name}").font = Font(bold=True)
        for col, label in enumerate(header, 1):
            ws.cell(7, col, label).font = Font(bold=True)
            ws.cell(7, col).alignment = center
        row = 8
        for code, name, murni, budget, sep in lra_rows(unit):
            if (unit.sheet, code) == BAD_SUBTOTAL[:2]:
                budget += BAD_SUBTOTAL[2]
            share = f"{100 * sep / budget:.2f}".replace(".", ",") if budget else "-"
            values = (code, name, idr(murni), idr(budget), idr(sep), share, idr(budget - sep))
            for col, value in enumerate(values, 1):
                cell = ws.cell(row, col, value)
                cell.font = Font(bold=code.count(".") < 3)
                if col > 2:
                    cell.alignment = right
            row += 1
        for r, line in enumerate(
            ("Batu, 5 Oktober 2023", "Kepala SKPD", "", "", "", SIGNERS[signer_no % len(SIGNERS)], nip(rng)),
            row + 2,
        ):
            ws.cell(r, 5, line).alignment = center
            ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=7)
        for letter, width in zip("ABCDEFG", (20, 60, 20, 20, 20, 8, 20), strict=True):
            ws.column_dimensions[letter].width = width
    wb.save(path)
    pin_zip(path)


def pin_zip(path: Path) -> None:
    """Rewrite an openpyxl archive with fixed timestamps so reruns give identical bytes."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2023-10-05T08:00:00Z", data
                )
            dst.writestr(
                zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED
            )


def write_rinci(units: list[Unit], path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": dt.datetime(2023, 10, 2, 8, 0)})
    ws = wb.add_worksheet("Data")
    bold, money = wb.add_format({"bold": True}), wb.add_format({"num_format": "#,##0"})
    ws.write(0, 0, PEMDA, bold)
    ws.write(1, 0, "REALISASI BELANJA PER REKENING TAHUN ANGGARAN 2023 s.d. 30 September 2023", bold)
    ws.write_row(
        3,
        0,
        (
            "Kode SKPD",
            "Nama SKPD",
            "Kode Rekening",
            "Uraian",
            "Pagu",
            "Realisasi TW I",
            "Realisasi TW II",
            "Realisasi TW III",
            "Realisasi s.d. TW III",
        ),
        wb.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True}),
    )
    row = 4
    for u in units:
        for lf in u.leaves:
            ws.write_row(row, 0, (u.code, u.name, lf.code, lf.name))
            ws.write_row(row, 4, (lf.budget, *lf.quarters, lf.sep), money)
            row += 1
    for first, end, width in ((0, 0, 22), (1, 1, 40), (2, 2, 18), (3, 3, 50), (4, 8, 18)):
        ws.set_column(first, end, width)
    ws.autofilter(3, 0, row - 1, 8)
    wb.close()


def write_rekap_xls(units: list[Unit], path: Path) -> None:
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Rekap OPD")
    grid = "borders: left thin, right thin, top thin, bottom thin"
    title = xlwt.easyxf("font: bold on; align: horiz center")
    head = xlwt.easyxf(f"font: bold on; align: horiz center; {grid}")
    cell, money, share = (xlwt.easyxf(grid, num_format_str=f) for f in ("General", "#,##0", "0.00"))
    for row, line in enumerate(
        (PEMDA, "REKAPITULASI REALISASI ANGGARAN PER OPD", "Keadaan s.d. 30 September 2023")
    ):
        ws.write_merge(row, row, 0, 4, line, title)
    for col, label in enumerate(("No.", "Nama OPD", "Pagu Anggaran", "Realisasi", "Persentase (%)")):
        ws.write(4, col, label, head)

    def amounts(row: int, budget: int, realized: int) -> None:
        ws.write(row, 2, budget, money)
        ws.write(row, 3, realized, money)
        ws.write(row, 4, round(100 * realized / budget, 2), share)

    for row, u in enumerate(units, 5):
        ws.write(row, 0, row - 4, cell)
        ws.write(row, 1, u.name, cell)
        amounts(row, u.sum("budget"), u.sum("sep"))
    row = 5 + len(units)
    ws.write_merge(row, row, 0, 1, "TOTAL", head)
    amounts(row, sum(u.sum("budget") for u in units), sum(u.sum("sep") for u in units))
    for col, width in enumerate((5, 60, 20, 20, 14)):
        ws.col(col).width = width * 256
    wb.save(str(path))


def write_csv(units: list[Unit], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        out.writerow(("Kode OPD", "Nama OPD", "Kode Rekening", "Pagu", "Realisasi s.d. 30 September 2023"))
        out.writerows(
            (u.code, u.name, lf.code, idr(lf.budget, "0,00"), idr(lf.sep, "0,00"))
            for u in units
            for lf in u.leaves
        )


def main(out_dir: Path) -> dict[str, object]:
    rng = random.Random(20231110)
    units = build_master(rng)
    check(units)
    out_dir.mkdir(parents=True, exist_ok=True)
    lra_units = [u for u in units if u.sheet not in LRA_MISSING]
    bad_unit = next(u for u in units if u.sheet == BAD_SUBTOTAL[0])
    overrun = overrun_warning(units)

    write_rekap_pd(units, out_dir / "rekap_pd_10nov2023.xlsx")
    write_lra(lra_units, out_dir / "lra_per_skpd_30sep2023.xlsx", random.Random(77))
    write_rinci(units, out_dir / "realisasi_rinci_tw_2023.xlsx")
    write_rekap_xls(units, out_dir / "rekap_opd_30sep2023.xls")
    write_csv(units, out_dir / "realisasi_sp2d_2023.csv")

    expected: dict[str, object] = {
        "story": story(units),
        "rekap_pd_10nov2023.xlsx": file_answer(units, "nov", NOV),
        "lra_per_skpd_30sep2023.xlsx": file_answer(
            lra_units,
            "sep",
            SEP,
            warnings=[
                overrun,
                {
                    "kind": "subtotal_mismatch",
                    "sheet": bad_unit.sheet,
                    "unit_code": bad_unit.code,
                    "account": BAD_SUBTOTAL[1],
                    "column": "Anggaran Setelah Perubahan",
                    "shown": bad_unit.sum("budget", BAD_SUBTOTAL[1]) + BAD_SUBTOTAL[2],
                    "sum_of_leaves": bad_unit.sum("budget", BAD_SUBTOTAL[1]),
                },
            ],
        ),
        "realisasi_rinci_tw_2023.xlsx": {
            **file_answer(units, "sep", SEP, warnings=[overrun]),
            "quarters": quarter_answer(units),
        },
        "rekap_opd_30sep2023.xls": file_answer(units, "sep", SEP, with_code=False),
        "realisasi_sp2d_2023.csv": file_answer(units, "sep", SEP, warnings=[overrun]),
    }
    (out_dir / "expected.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return expected


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "sample_data"
    s = main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)["story"]
    assert isinstance(s, dict)
    print(
        f"total 30 Sep {s['total_absorption_pct_30sep']:.2f} %, "
        f"10 Nov {s['total_absorption_pct_10nov']:.2f} %"
    )
    print(
        f"10 Nov operasi {s['operasi_absorption_pct_10nov']:.2f} %, "
        f"modal {s['modal_absorption_pct_10nov']:.2f} %"
    )
    for name, value in s["units_under_threshold_10nov_pct"].items():
        print(f"  {value:6.2f} %  {name}")
