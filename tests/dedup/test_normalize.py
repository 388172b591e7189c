"""Per-field normalisation: names (old spellings, Muhammad, titles, order), dates, numbers."""

import pyarrow as pa
import pytest

from atensi.dedup.engine import normalize
from atensi.lib.names import name_tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Soeparno", "SUPARNO"),  # oe → u, case
        ("Djoko Tjahjono", "Joko Cahyono"),  # dj → j, tj → c, and j/y equal when comparing
        ("Jusuf", "Yusuf"),  # j/y
        ("Moch. Rizki", "Muhammad Rizki"),
        ("M. Rizki", "Mohammad Rizki"),
        ("H. Abdul Rahman, S.Pd.", "Abdul Rahman"),  # title and degree
        ("Hj. Siti Aminah", "Siti Aminah"),
        ("Abd. Rahman", "Abdul Rahman"),
        ("Noor Hidayah", "Nur Hidayah"),
        ("Sitti Aisyah", "Siti Aisyah"),
        ("Achmad Fauzi", "Ahmad Fauzi"),
        ("Ahmad bin Yusuf", "Ahmad Yusuf"),  # bin separates the father's name
        ("Soenjoto", "Sunyoto"),  # nj → ny (after oe → u)
        ("Sjarifuddin", "Syarifuddin"),  # sj → sy
        ("Chairul Anwar", "Khairul Anwar"),  # ch → kh
        ("Tjut Nja Dhien", "Cut Nya Dhien"),  # tj → c, nj → ny
        ("Djuanda", "Juanda"),  # dj → j
        ("Jogi Jahja", "Yogi Yahya"),  # j → y of the old spelling
        ("Muhamad Ali", "Muhammad Ali"),
        ("Mochamad Ali", "Muhammad Ali"),
        ("Mohd. Ali", "Muhammad Ali"),
        ("Muh. Ali", "Muhammad Ali"),
        ("MOH ALI", "Muhammad Ali"),
        ("Nur Aini", "Noor Aini"),
        ("Nor Aini", "Nur Aini"),
        ("Abdoel Kadir", "Abdul Kadir"),
        ("Siti Nurhaliza", "SITTI NURHALIZA"),
    ],
)
def test_it_folds_spelling_variants_to_one_name(a, b):
    assert normalize.name_parts(a).folded == normalize.name_parts(b).folded


def test_word_order_is_kept_but_sorted_form_ignores_it():
    a, b = normalize.name_parts("Santoso Budi"), normalize.name_parts("Budi Santoso")
    assert a.folded != b.folded
    assert a.sorted == b.sorted


def test_a_mononym_keeps_one_word_and_the_same_first_and_last_key():
    parts = normalize.name_parts("Sutrisno")
    assert parts.folded == "sutrisno"
    assert parts.first_key == parts.last_key


def test_the_first_name_key_skips_common_openers():
    assert normalize.name_parts("Siti Aminah").first_key == normalize.name_parts("Aminah").first_key
    assert (
        normalize.name_parts("Muhammad Rizki").first_key == normalize.name_parts("Rizki").first_key
    )


def test_initials_stay_a_letter():
    assert normalize.name_parts("A. Budi Santoso").initials == "abs"
    assert normalize.name_parts("A. Budi Santoso").folded == "a budi santoso"


def test_a_leading_m_is_muhammad_but_a_lone_m_is_a_name():
    assert normalize.name_parts("M. Rizki").folded == "muhammad rizki"
    assert normalize.name_parts("M").folded == "m"


def test_a_mononym_is_contained_in_the_longer_name_of_the_same_person():
    short, long = normalize.name_parts("Sutrisno"), normalize.name_parts("Sutrisno Hadi")
    assert set(short.sorted.split()) < set(long.sorted.split())
    assert short.first_key == long.first_key


@pytest.mark.parametrize(
    "name",
    [
        "Budi  Santoso ",
        "NOOR CHASANAH",
        "Moch Soedjono bin Tjiptoredjo",
        "Budi bin",
        "bin",
        "Bin Ahmad",
        "Binti Siti Aminah",
        "H Budi",
        "Hj Siti",
        "Bapak Budi",
        "R A Kartini",
        "Haji",
        "Budi H",
        "M Ali",
        "M",
        "M M",
        "Mohd Nj Achmad",
        "Kh Ahmad Dahlan",
        "Tn Budi bt Ali",
    ],
)
def test_plain_names_read_by_their_words_as_the_full_reader_reads_them(name):
    # Names of plain letters and spaces skip name_tokens; they must come out as if they had not.
    pairs = [normalize._word(t) for t in name_tokens(name) if t]
    assert normalize._plain_pairs(name) in (None, pairs)
    assert normalize._name_pairs(name) == pairs
    assert normalize.text_name(name) == " ".join(sorted(w for w, _k in pairs))


def test_an_empty_name_is_empty():
    assert normalize.name_parts("  ") == normalize.EMPTY_NAME
    assert normalize.name_parts("Dr.").folded in {"", "dr"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1980-03-12", (1980, 3, 12)),
        ("12-03-1980", (1980, 3, 12)),
        ("12/03/1980", (1980, 3, 12)),
        ("12 Maret 1980", (1980, 3, 12)),
        ("19800312", (1980, 3, 12)),
        ("1980", (1980, 0, 0)),  # year only
        ("00-00-1975", (1975, 0, 0)),
        ("", (0, 0, 0)),
        ("kemarin", (0, 0, 0)),
        ("12-03-80", (0, 0, 0)),  # a two-digit year is not guessed
    ],
)
def test_it_reads_birth_dates(raw, expected):
    assert normalize.birth_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3273012503800001", 3273012503800001),
        ("3273.0125.0380.0001", 3273012503800001),
        ("327301250380000", -1),  # 15 digits
        ("0000000000000000", -1),
        ("", -1),
    ],
)
def test_it_reads_16_digit_numbers(raw, expected):
    assert normalize.identity_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890"]
)
def test_phone_numbers_with_or_without_the_country_code_are_one(raw):
    assert normalize.phone(raw) == 81234567890


def test_sex_codes():
    assert [normalize.sex(v) for v in ["L", "laki-laki", "P", "Perempuan", "", "x"]] == [
        1,
        1,
        2,
        2,
        0,
        0,
    ]


def test_addresses_drop_generic_words_and_spell_out_abbreviations():
    assert normalize.address("Jl. Merdeka No. 12 RT 003/RW 05") == "merdeka 12 3 5"
    assert normalize.address("Jalan Merdeka Nomor 12, RT 3 RW 5") == "merdeka 12 3 5"


def test_a_region_code_is_cut_at_its_levels():
    assert normalize.region(["63.71.01.1001"]) == ("63", "6371", "637101", "6371011001")
    assert normalize.region(["6371"]) == ("63", "6371", "", "")


def test_region_names_are_read_broad_to_fine():
    keys = normalize.region(["Kalimantan Selatan", "Banjarmasin"])
    assert keys[:2] == ("", "")
    assert keys[2] == "|kalimantan selatan"
    assert keys[3] == "|kalimantan selatan|banjarmasin"


# --- the vectorised twins give what the plain functions give ------------------------------------

NUMBERS = [
    "3273012503800001",
    "3273.0125.0380.0001",
    " 3273 0125 0380 0001 ",
    "327301250380000",
    "0000000000000000",
    "",
    "NIK: 3273012503800001",
    "081234567890",
    "+62 812-3456-7890",
    "6281234567890",
    "62",
    "000123",
    "0062812345678",
    "12345678901234567",
]
ADDRESSES = [
    "Jl. Merdeka No. 12 RT 003/RW 05",
    "Jalan Merdeka Nomor 12, RT 3 RW 5",
    "GG. MAWAR 007 rt rw",
    "Kp. Sukamaju Blk A-00 Kel. Cibiru",
    "perum griya 0 indah 00a 0070",
    "",
    "  jl  ",
    "Desa Ciherang, Kec. Ciruas, Kab. Serang",
    "Jl.Sudirman_Kav.5",
    "Ruko Émeraude 3",
]


def test_identity_numbers_and_phones_read_alike_one_by_one_and_in_bulk():
    array = pa.array(NUMBERS)
    assert normalize.identity_number_many(array).tolist() == [
        normalize.identity_number(v) for v in NUMBERS
    ]
    assert normalize.phone_many(array).tolist() == [normalize.phone(v) for v in NUMBERS]


def test_addresses_read_alike_one_by_one_and_in_bulk():
    bulk = normalize.address_many(pa.array(ADDRESSES)).to_pylist()
    assert bulk == [normalize.address(v) for v in ADDRESSES]


def test_region_codes_read_alike_one_by_one_and_in_bulk():
    codes = ["63.71.01.1001", "6371", "63", "", "637101", " 63.71 "]
    levels = normalize.region_code_many(pa.array(codes))
    bulk = list(zip(*[level.to_pylist() for level in levels], strict=True))
    assert bulk == [normalize.region([v]) for v in codes]


@pytest.mark.parametrize("values", [["63.71", "Banjarmasin"], ["63.71", "5"]])
def test_region_names_are_left_to_the_plain_reader(values):
    assert normalize.region_code_many(pa.array(values)) is None
