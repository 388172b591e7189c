"""Indonesian names (DOMAIN.md §8): old spellings, Muhammad, titles and degrees, bin/binti, keys."""

import pytest

from atensi.lib.names import name_keys, name_tokens, normalize_name, token_key


def keys(name: str) -> list[str]:
    return [token_key(t) for t in name_tokens(name)]


# --- old spellings are rewritten to the modern ones --------------------------------------------


@pytest.mark.parametrize(
    ("old", "modern"),
    [
        ("Soeparno", "suparno"),  # oe → u
        ("Djoko", "joko"),  # dj → j
        ("Tjahjadi", "cahjadi"),  # tj → c
        ("Njoman", "nyoman"),  # nj → ny
        ("Sjahrir", "syahrir"),  # sj → sy
        ("Chairul", "khairul"),  # ch → kh
        ("Soedjono", "sujono"),
        ("Tjiptoredjo", "ciptorejo"),
        ("Oemar", "umar"),
    ],
)
def test_it_rewrites_old_spellings(old, modern):
    assert normalize_name(old) == modern


@pytest.mark.parametrize(
    ("old", "modern"),
    [
        ("Soekarno", "Sukarno"),
        ("Djojohadikoesoemo", "Joyohadikusumo"),
        ("Tjoet Nja Dhien", "Cut Nya Dhien"),
        ("Sjafroeddin", "Syafruddin"),
        ("Achmad", "Akhmad"),
        ("Joesoef", "Yusuf"),
        ("Soerjadi", "Suryadi"),
    ],
)
def test_old_and_modern_spellings_share_their_keys(old, modern):
    assert keys(old) == keys(modern)


def test_j_is_not_rewritten_to_y_because_joko_is_modern_too():
    assert normalize_name("Joko") == "joko"
    assert normalize_name("Yoko") == "yoko"


# --- j/y in keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Joko", "Yoko"),
        ("Jusuf", "Yusuf"),
        ("Surja", "Surya"),
        ("Muljani", "Mulyani"),
        ("Rudy", "Rudi"),  # a y that is a vowel
        ("Hendry", "Hendri"),
        ("Andy", "Andi"),
    ],
)
def test_j_and_y_are_equal_in_keys(one, other):
    assert token_key(normalize_name(one)) == token_key(normalize_name(other))


# --- Muhammad and its written forms --------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Muhammad Rizki",
        "Muhamad Rizki",
        "Mohammad Rizki",
        "Mochammad Rizki",
        "Mohamad Rizki",
        "Moh. Rizki",
        "Moch. Rizki",
        "Muh. Rizki",
        "Mhd. Rizki",
        "M. Rizki",
        "M Rizki",
        "Mohd Rizki",
    ],
)
def test_muhammad_has_one_form(written):
    assert name_tokens(written) == ["muhammad", "rizki"]


def test_a_lone_m_after_the_first_name_stays_an_initial():
    assert name_tokens("Rizki M.") == ["rizki", "m"]


def test_a_lone_m_as_the_whole_name_stays():
    assert name_tokens("M") == ["m"]


# --- titles and degrees ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "H. Budi Santoso",
        "Hj. Budi Santoso",
        "Dr. Budi Santoso",
        "dr. Budi Santoso",
        "Ir. Budi Santoso",
        "Drs. Budi Santoso",
        "Prof. Dr. Ir. H. Budi Santoso",
        "Budi Santoso, S.Pd.",
        "Budi Santoso, S.Pd., M.Si.",
        "Budi Santoso,S.Pd",
        "Budi Santoso S.Pd",
        "Budi Santoso S.Pd.I",
        "Budi Santoso S.E.",
        "Dr. Budi Santoso, M.Si.",
        "Budi Santoso, A.Md.",
        "Budi Santoso, S.Kep., Ns.",
        "K.H. Budi Santoso",
        "Bapak Budi Santoso",
        "Hadji Budi Santoso",
    ],
)
def test_it_drops_titles_and_degrees(written):
    assert name_tokens(written) == ["budi", "santoso"]


def test_it_keeps_a_titles_word_when_it_is_the_whole_name():
    assert name_tokens("Haji") == ["haji"]


def test_a_title_glued_to_the_name_is_dropped():
    assert name_tokens("H.Moch.Soedjono") == ["muhammad", "sujono"]


def test_a_dotted_initial_at_the_end_is_not_taken_for_a_degree():
    assert name_tokens("Budi S.") == ["budi", "s"]


def test_a_surname_that_looks_like_a_degree_but_has_no_dot_stays():
    assert name_tokens("Ali Se") == ["ali", "se"]


def test_the_documented_example():
    assert name_tokens("H. Moch. Soedjono bin Tjiptoredjo, S.Pd.") == [
        "muhammad",
        "sujono",
        "ciptorejo",
    ]


# --- bin/binti, mononyms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "tokens"),
    [
        ("Ahmad bin Abdullah", ["ahmad", "abdullah"]),
        ("Siti binti Ahmad", ["siti", "ahmad"]),
        ("Siti Bt. Ahmad", ["siti", "ahmad"]),
    ],
)
def test_bin_and_binti_only_separate_the_fathers_name(written, tokens):
    assert name_tokens(written) == tokens


@pytest.mark.parametrize("mononym", ["Sukarno", "Suharto", "Paijem", "Tukiyem"])
def test_a_single_name_is_one_token(mononym):
    assert name_tokens(mononym) == [mononym.lower()]


def test_punctuation_accents_and_case_do_not_matter():
    assert normalize_name("  MA'RUF   amin ") == "maruf amin"
    assert normalize_name("Dédé Sunandar") == "dede sunandar"
    assert normalize_name("Abdul-Rahman") == "abdul rahman"


def test_an_empty_name_has_no_tokens():
    assert name_tokens("") == []
    assert name_tokens(None) == []
    assert name_keys("", "   ") == set()


# --- keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["Suparno", "Soeparno", "Supparno", "Suparna", "SUPARNO"])
def test_suparno_and_its_variants_share_one_key(variant):
    assert token_key(normalize_name(variant)) == token_key("suparno")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Khairul", "Hairul"),
        ("Syahrir", "Sahrir"),
        ("Fitri", "Pitri"),
        ("Zulkifli", "Dzulkifli"),
        ("Ahmad", "Achmad"),
        ("Taufik", "Taufiq"),
    ],
)
def test_sounds_written_in_several_ways_share_a_key(one, other):
    assert keys(one) == keys(other)


def test_different_names_keep_different_keys():
    assert token_key("budi") != token_key("bagus")
    assert token_key("siti") != token_key("santi")


def test_a_key_is_never_longer_than_40_characters():
    assert len(token_key("a" + "bc" * 60)) == 40


def test_name_keys_cover_the_full_name_and_the_aliases():
    assert name_keys("Moch. Soeparno", "Parno") == {
        token_key("muhammad"),
        token_key("suparno"),
        token_key("parno"),
    }
