"""The words exports use for columns, spending categories and periods.

Detection is one mechanism: each header cell is matched against this vocabulary, and the
header candidate whose columns say the most wins. A new layout should mostly need new
words here, not new code.
"""

from __future__ import annotations

import re
from functools import lru_cache

from realisasi_cli.dates import MONTHS, month_in_name

# Spending categories under Permendagri 77/2020; the code prefix of each.
CATEGORY_PREFIXES: dict[str, str] = {
    "operasi": "5.1",
    "pegawai": "5.1.01",
    "barang_jasa": "5.1.02",
    "bunga": "5.1.03",
    "subsidi": "5.1.04",
    "hibah": "5.1.05",
    "bansos": "5.1.06",
    "modal": "5.2",
    "tidak_terduga": "5.3",
    "transfer": "5.4",
}
# Pendapatan (account 4), ranked with --pendapatan: PAD with its kinds, transfers, the rest.
REVENUE_PREFIXES: dict[str, str] = {
    "pad": "4.1",
    "pajak_daerah": "4.1.01",
    "retribusi_daerah": "4.1.02",
    "kekayaan_daerah": "4.1.03",
    "lain_pad": "4.1.04",
    "pendapatan_transfer": "4.2",
    "lain_pendapatan": "4.3",
}
CATEGORY_PARENT: dict[str, str] = {
    "pegawai": "operasi",
    "barang_jasa": "operasi",
    "bunga": "operasi",
    "subsidi": "operasi",
    "hibah": "operasi",
    "bansos": "operasi",
    "pajak_daerah": "pad",
    "retribusi_daerah": "pad",
    "kekayaan_daerah": "pad",
    "lain_pad": "pad",
}
CATEGORIES = tuple(CATEGORY_PREFIXES)
REVENUE_CATEGORIES = tuple(REVENUE_PREFIXES)
QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}

# Most specific first: the first pattern that matches names the category.
CATEGORY_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("pegawai", re.compile(r"\bpegawai\b")),
    ("barang_jasa", re.compile(r"\bbarang (dan |& )?jasa\b|\bbarjas\b")),
    ("bunga", re.compile(r"\bbunga\b")),
    ("subsidi", re.compile(r"\bsubsidi\b")),
    ("hibah", re.compile(r"\bhibah\b")),
    ("bansos", re.compile(r"\bbantuan sosial\b|\bbansos\b")),
    # "Belanja Non Modal", "Selain Belanja Modal": all the spending but modal, beside it
    ("non_modal", re.compile(r"\b(non|bukan|selain) ?(belanja )?modal\b")),
    ("modal", re.compile(r"\bmodal\b")),
    ("tidak_terduga", re.compile(r"\b(tidak|tak) terduga\b|\bbtt\b")),
    ("transfer", re.compile(r"\btransfer\b|\bbagi hasil\b|\bbantuan keuangan\b")),
    ("operasi", re.compile(r"\boperasi(onal)?\b")),
]

# a header naming a kind of place or office a list holds (Kecamatan, Nama Sekolah): the units'
# names where nothing else names units (no role of its own: a header row's word "KECAMATAN" over
# its kecamatan is no header)
PLACE_HEADER = (
    r"^(nama )?(kecamatan|kelurahan|desa|kelurahan desa|desa kelurahan|sekolah|satuan pendidikan|"
    r"puskesmas|uptd?)$"
)
ROLE_WORDS: list[tuple[str, re.Pattern[str]]] = [
    # id_skpd: a database key; "Nomor SP2D": a document's number, no amount
    ("index", re.compile(r"^(no|nomor|nmr)( (urut|sp2d|spm|spp|spj|bukti|dokumen|kwitansi))?$|^id\b")),
    # a column saying when each row happened (an SP2D register, a long monthly table)
    ("period_key", re.compile(r"^(bulan|triwulan|periode|masa|tanggal|tgl)( sp2d| transaksi| bayar)?$")),
    ("pct", re.compile(r"%|\bpersen(tase)?\b|\bprosentase\b|\bpct\b|\bcapaian\b")),
    # a deviation is from the plan or target (rencana − realisasi), not the budget left
    ("deviation", re.compile(r"\bdeviasi\b")),
    ("remaining", re.compile(r"\bsisa\b|\bselisih\b|\bsilpa\b|\blebih\b")),
    (
        "unit_code",
        re.compile(
            r"\b(kode|kd)\b.*\b(skpd|opd|unit|organisasi|satker|pd|perangkat daerah|instansi|sub unit)\b"
        ),
    ),
    ("account", re.compile(r"\b(kode )?(rekening|akun)\b|\bkd rek\b|^kode rek")),
    ("code", re.compile(r"^(kode|kd|kode urusan|kode program|kode kegiatan)$")),
    # "Perangkat Daerah / Jenis Belanja": each unit's row, then its jenis belanja under it
    ("unit_name", re.compile(r"\b(skpd|opd|perangkat daerah|unit kerja|satuan kerja)\b.*\bjenis belanja\b")),
    (
        "description",
        re.compile(
            r"\buraian\b|\bnama rekening\b|\bketerangan\b|\bjenis belanja\b|\bsub kegiatan\b|"
            r"\bkegiatan\b|\bprogram\b|\bnama akun\b"
        ),
    ),
    (
        "unit_name",
        re.compile(
            r"\b(skpd|opd|perangkat daerah|unit kerja|satuan kerja|satker|unit organisasi|"
            r"organisasi|sub unit|instansi|dinas|nama pd|pd)\b|^nama$|^(nama )?unit$"
        ),
    ),
    (
        "realized",
        re.compile(r"\brealisasi\b|\breal\b|\bspj\b|\bsp2d\b|\bpenyerapan\b|\bserapan\b|\bterealisasi\b"),
    ),
    # a plan to date ("PAGU AKAS / SD JUNI", "Anggaran Kas s.d.") is a plan, not the budget
    ("plan", re.compile(r"\btarget\b|\brencana\b|\brenc\b|\brak\b|\banggaran kas\b|\bakas\b")),
    # a changed budget beside the original: DPA and DPPA (its change), Semula and Menjadi
    (
        "budget",
        re.compile(
            r"\b(pagu|anggaran|dpa|dppa|apbd|apbdp|alokasi|plafon|nilai rincian|pagu dana|semula|menjadi)\b"
        ),
    ),
]

# the original budget and its change: Murni, Induk, Semula, Sebelum Perubahan; Perubahan,
# Pergeseran, Menjadi, Setelah Perubahan, P-APBD, DPPA (a DPA beside it is of no variant). A bare
# "Sebelum" and "Setelah" are no variant: a hand-made sheet's proposed change is not the budget
ORIGINAL_BUDGET = re.compile(r"\bmurni\b|\bsebelum perubahan\b|\binduk\b|\bpenetapan\b|\bawal\b|\bsemula\b")
CHANGED_BUDGET = re.compile(
    r"\bsetelah perubahan\b|\bperubahan\b|\bpak\b|\bapbd ?p\b|\bp ?apbd\b|\bpergeseran\b|\bdppa\b|\bmenjadi\b"
)
CUMULATIVE = re.compile(r"\bsd\b|\bsampai dengan\b|\bkumulatif\b|\bhingga\b|\btotal realisasi\b")
LAST_YEAR = re.compile(r"\btahun (lalu|sebelumnya)\b|\bta lalu\b|\bthn lalu\b|\btahun anggaran lalu\b")
PREVIOUS = re.compile(r"\blalu\b|\bsebelumnya\b|\byang lalu\b")
FLOW = re.compile(r"\bbulan ini\b|\bperiode ini\b|\bminggu ini\b")
PHYSICAL = re.compile(r"(?<!\bdak )(?<!\bdak non )(?<!\bnon )\bfisik\b")  # not DAK (Non) Fisik, a fund
GROUP_TOTAL = re.compile(
    r"^(jumlah|total|jumlah total|total belanja|jumlah belanja|jumlah seluruhnya|(jumlah|total) (sp2d|spj))$"
)
# How a realization was paid, each a part of it: LS (to the third party), UP/GU/TU (the
# treasurer's advances), LS Gaji and LS Non Gaji
_PAYMENT_WORDS = frozenset(
    {"ls", "up", "gu", "tu", "gaji", "non", "barang", "dan", "jasa", "pihak", "ke", "3", "spj", "sp2d"}
)
_PAYMENTS = frozenset({"ls", "up", "gu", "tu"})


def is_payment(text: str) -> bool:
    """Whether a header names a way of payment (``LS``, ``UP/GU/TU``, ``LS Non Gaji``)."""
    words = set(normalize(text).split())
    return words <= _PAYMENT_WORDS and bool(words & _PAYMENTS)


# A source of funds, each a part of the realization: DAU, DAK (Fisik, Non Fisik), DBH, PAD, DID,
# Dana Desa, Otsus, BLUD, BOS, JKN, Bantuan Keuangan Provinsi
_FUND_CORE = frozenset(
    {"dau", "dak", "dbh", "dbhcht", "pad", "did", "otsus", "blud", "bos", "jkn", "bankeu", "desa"}
)
_FUND_WORDS = _FUND_CORE | frozenset(
    {"fisik", "non", "nonfisik", "reguler", "penugasan", "afirmasi", "provinsi", "kabupaten", "pusat",
     "daerah", "insentif", "bagi", "hasil", "alokasi", "umum", "khusus", "pendapatan", "asli", "bantuan",
     "keuangan", "pajak", "cukai", "tembakau", "lain", "lainnya", "yang", "sah", "otonomi"}
)  # fmt: skip
_FUND_SAID = frozenset({"realisasi", "pagu", "anggaran", "dpa", "dana", "sumber", "dari", "rp", "belanja"})


def is_fund_source(text: str) -> bool:
    """Whether a header names a source of funds (``DAU``, ``Realisasi DAK Fisik``, ``Dana Desa``)."""
    words = set(normalize(text).split()) - _FUND_SAID
    return bool(words) and words <= _FUND_WORDS and bool(words & _FUND_CORE)


def is_part(text: str) -> bool:
    """Whether a header names a part of the realization: a way of payment or a source of funds."""
    return is_payment(text) or is_fund_source(text)


# A row that totals the rows above it, as Polars reads it: "JUMLAH", "Total Belanja", "Sub Total",
# "Sub Jumlah".
TOTAL_ROW = r"(?i)^\s*(jumlah|total|sub ?total|sub ?jumlah|grand total)\b"
# "BELANJA DAERAH" alone is the whole of the belanja, over the units (a total) where no jenis
# belanja follows it; over its BELANJA OPERASI and BELANJA MODAL it is their heading
WHOLE_BELANJA = r"(?i)^\s*belanja daerah\s*$"
JENIS_LABEL = r"(?i)^\W*(?:[a-z]|\d{1,2}|[ivx]{1,4})?[.)]?\s*belanja\b"


def is_total_label(label: str, following: str | None) -> bool:
    """Whether a row's label says it totals the rows around it (``JUMLAH``, ``Total``, and
    ``BELANJA DAERAH`` where the row after it, ``following``, names no jenis belanja)."""
    if re.match(TOTAL_ROW, label):
        return True
    return bool(re.match(WHOLE_BELANJA, label)) and not (following and re.match(JENIS_LABEL, following))


# The mark of an item of a list, before its label: "1." in "1. Dinas Pendidikan", "a)" in "a) UPT …"
LIST_MARK = r"(?:\d{1,3}|[A-Za-z])"
LIST_NUMBER = LIST_MARK + r"[.)]"
# A unit's name by its first word: a title line ("BADAN KEUANGAN DAN ASET DAERAH" under the
# government), a rekap's Uraian column
UNIT_NAME = re.compile(
    rf"^\s*(?:{LIST_NUMBER}\s*)?"  # numbered in a list: "1. Dinas Pendidikan"
    r"(dinas|badan|sekretariat|inspektorat|kecamatan|kelurahan|kantor|rumah sakit|rsud|satuan polisi|"
    r"biro|unit pelaksana|upt|puskesmas"
    # and as units write their names short: BAPPEDA, BPKAD, SATPOL PP, SETWAN, DISDIK, DPMPTSP
    r"|bappeda|bappelitbangda|bapenda|bpkad|bpkd|bkpsdm|bkd|bpbd|bpprd|satpol|setda|setwan|sekwan|"
    r"dprd|disdik|disdikbud|dinkes|dinsos|dishub|diskominfo|disdukcapil|dukcapil|dpmptsp|dpupr|dlh)\b",
    re.I,
)
# A title of revenue alone ("REALISASI PENDAPATAN DAERAH"), not of a Badan Pendapatan's belanja
REVENUE_TITLE = re.compile(r"\b(realisasi|target|laporan|rekapitulasi|rekap) pendapatan\b", re.I)
SPENDING_TITLE = re.compile(r"\b(belanja|anggaran|serapan|penyerapan|pengeluaran)\b", re.I)
# A row of revenue or financing in a table without account codes ("PENDAPATAN", "PEMBIAYAAN").
# (a belanja line may open with "Pembiayaan": "Pembiayaan Jaminan Kesehatan Penduduk Miskin")
NOT_SPENDING_LABEL = (
    r"(?i)^\s*(pendapatan\b|penerimaan pembiayaan\b|pengeluaran pembiayaan\b"
    r"|pembiayaan(\s+(daerah|netto))?\s*$)"
)
# The rows of such a table under a heading of one of these ("III. PENDAPATAN", then "Retribusi
# Daerah"; "SURPLUS / (DEFISIT)") are revenue, financing or their balance, up to the heading's
# own JUMLAH, a belanja heading ("BELANJA OPERASI", "2. Belanja Modal") or a program's.
_NUMBERED_LABEL = r"(?i)^\s*(?:[ivx]+|[a-h]|\d+(?:\.\d+)*)?[.)]?\s*"
NOT_SPENDING_SECTION = (
    _NUMBERED_LABEL + r"(?:pendapatan(?: asli)?(?: daerah)?|(?:penerimaan |pengeluaran )?pembiayaan"
    r"(?: netto)?(?: daerah)?|surplus\b.*|defisit\b.*)\s*[:.]?\s*$"
)
SPENDING_SECTION = (
    _NUMBERED_LABEL + r"(?:belanja\b|program\b|kegiatan\b|sub kegiatan\b)"
    r"|^\s*(?:jumlah|total)\s+(?:pendapatan|pembiayaan)(?: netto)?(?: daerah)?\s*$"
)

_QUARTER = re.compile(r"\b(?:tw|triwulan|trw|tri wulan|kuartal|q)\s*(iv|iii|ii|i|[1-4])\b")
_MONTH_NUMBER = re.compile(r"^(?:bulan|bln)\s*(1[0-2]|0?[1-9])$")  # bulan1 … bulan12 of a flat export
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTH = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b")

# Codes: SIPD organisation codes (x.xx.x.xx.x.xx.xx.xxxx) and accounts (5, 5.1, 5.1.02, …).
UNIT_CODE = re.compile(r"^\d{1,2}\.\d{2}\.\d{1,2}\.\d{2}\.\d{1,2}\.\d{2}\.\d{2}\.\d{4}$")
UNIT_CODE_LOOSE = re.compile(r"^\d{1,2}(\.\d{1,4}){3,8}$")
ACCOUNT_CODE = re.compile(r"^[1-9](\.\d{1,2}(\.\d{1,3}(\.\d{1,3}(\.\d{1,4}(\.\d{1,5})*)?)?)?)?\.?$")
# What a title or a header says of the unit its amounts are written in: "(dalam ribuan rupiah)",
# "Dalam Jutaan Rupiah", "(Rp 000)", "in thousands of rupiah"
_AMOUNTS_IN = re.compile(
    r"\b(?:dalam|in)\s+(ribuan|jutaan|miliaran|milyaran|ribu|juta|miliar|milyar|thousands?|millions?|billions?)\b"
    r"|\(\s*(?:dalam\s+)?(?:rp\.?|idr)?\s*(1[.,]000[.,]000|1[.,]000|000\.000|000|ribuan|jutaan|ribu|juta|miliar|milyar)"
    r"\s*(?:rp\.?|idr)?\s*\)",
    re.I,
)
_AMOUNT_UNITS = {
    "ribuan": 1e3, "ribu": 1e3, "thousand": 1e3, "thousands": 1e3, "000": 1e3, "1.000": 1e3,
    "jutaan": 1e6, "juta": 1e6, "million": 1e6, "millions": 1e6, "000.000": 1e6, "1.000.000": 1e6,
    "miliaran": 1e9, "milyaran": 1e9, "miliar": 1e9, "milyar": 1e9, "billion": 1e9, "billions": 1e9,
}  # fmt: skip


@lru_cache(maxsize=65536)
def amounts_in(text: str) -> tuple[float, str] | None:
    """The factor of the unit ``text`` says amounts are written in (1000 for "dalam ribuan
    rupiah"), and the words that say it; None where it says none."""
    found = _AMOUNTS_IN.search(text)
    if found is None:
        return None
    word = next(group for group in found.groups() if group).lower().replace(",", ".")
    return _AMOUNT_UNITS[word], found.group(0).strip()


CODE_AND_NAME = re.compile(r"^\s*(\d+(?:\.\d+)+\.?)\s+[-–:]?\s*(\S.*)$")


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Lower-case header text with ``s.d.``/``s/d`` as ``sd`` and punctuation as spaces."""
    text = text.lower().replace("\n", " ")
    text = re.sub(r"\bs\s*[./]\s*d\b\.?|\bs\.d\.?", " sd ", text)
    text = re.sub(r"[^\w%]+|_", " ", text)  # kode_skpd, nilai_rincian: words apart
    return " ".join(text.split())


@lru_cache(maxsize=65536)
def role_of(text: str) -> str | None:
    """The role a header text names, or None."""
    for role, pattern in ROLE_WORDS:
        if pattern.search(text):
            return role
    return None


@lru_cache(maxsize=65536)
def category_of(text: str) -> str | None:
    """The spending category a label names (``BELANJA MODAL`` → ``modal``)."""
    for category, pattern in CATEGORY_WORDS:
        if pattern.search(text):
            return category
    return None


@lru_cache(maxsize=65536)
def period_of(text: str) -> tuple[str, int] | None:
    """``("quarter", 3)`` for ``TW III``/``Triwulan 3``; ``("month", 2)`` for ``Pebruari``."""
    m = _QUARTER.search(text)
    if m:
        token = m.group(1)
        return ("quarter", _ROMAN.get(token) or int(token))
    m = _MONTH.search(text)
    if m:
        return ("month", MONTHS[m.group(1)])
    m = _MONTH_NUMBER.match(text)
    if m:
        return ("month", int(m.group(1)))
    return None


def category_of_account(code: str, prefixes: dict[str, str] = CATEGORY_PREFIXES) -> str | None:
    """The most specific category of a Permendagri 77/2020 belanja account code (of a pendapatan
    code with ``REVENUE_PREFIXES``)."""
    best: str | None = None
    for category, prefix in prefixes.items():
        if (code == prefix or code.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(prefixes[best])
        ):
            best = category
    return best


def category_of_revenue_account(code: str) -> str | None:
    """The most specific kind of pendapatan of an account 4 code (``4.1.01.…`` → pajak_daerah)."""
    return category_of_account(code, REVENUE_PREFIXES)


# Before 2021 (Permendagri 13/2006): 5.1 Belanja Tidak Langsung, 5.2 Belanja Langsung, and
# modal under 5.2.3 — a 5.2 there is not modal.
OLD_SCHEME_PREFIXES: dict[str, str] = {
    "5.1.1": "pegawai",
    "5.1.2": "bunga",
    "5.1.3": "subsidi",
    "5.1.4": "hibah",
    "5.1.5": "bansos",
    "5.1.6": "transfer",
    "5.1.7": "transfer",
    "5.1.8": "tidak_terduga",
    "5.2.1": "pegawai",
    "5.2.2": "barang_jasa",
    "5.2.3": "modal",
}
OLD_SCHEME_LABEL = re.compile(r"\b(belanja )?(tidak langsung|langsung)\b")
_OLD_SHAPE = re.compile(r"^5\.[12]\.\d(\.|$)")


def is_old_scheme(codes: list[str], labels: dict[str, str]) -> bool:
    """Whether accounts follow the pre-2021 scheme: by the labels of 5.1/5.2, else by code shape."""
    for code in ("5.1", "5.2"):
        label = labels.get(code)
        if label and OLD_SCHEME_LABEL.search(normalize(label)):
            return True
    deep = [c for c in codes if c.count(".") >= 2]
    return bool(deep) and sum(1 for c in deep if _OLD_SHAPE.match(c)) > len(deep) / 2


def category_of_old_account(code: str) -> str | None:
    """The category of a pre-2021 account code (``5.2.3.01`` → modal)."""
    prefix = ".".join(code.split(".")[:3])
    return OLD_SCHEME_PREFIXES.get(prefix)


def part_of(category: str | None, top: str | None) -> bool:
    """Whether jenis ``category`` is ``top`` or within it: pegawai within operasi, modal within
    modal, every jenis but modal within non_modal."""
    if category is None or top is None:
        return False
    parent = CATEGORY_PARENT.get(category, category)
    return parent == top or (top == "non_modal" and parent not in ("modal", "non_modal"))


def categories_within(category: str) -> list[str]:
    """A category and every category nested in it (``operasi`` → operasi, pegawai, …)."""
    return [category] + [child for child, parent in CATEGORY_PARENT.items() if parent == category]


@lru_cache(maxsize=65536)
def period_in_name(name: str) -> tuple[str, int] | int | None:
    """The quarter or month a sheet or file name says (``TW II`` → ("quarter", 2), ``Juni`` → 6)."""
    return period_of(normalize(name)) or month_in_name(name)
