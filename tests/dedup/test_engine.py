"""The matching engine on generated and hand-made records: ranking, accuracy, determinism."""

import numpy as np
import pytest

from atensi.dedup.engine import Settings, build_dataset, deduplicate, score_pairs
from atensi.dedup.engine.cluster import connected_components
from atensi.dedup.engine.normalize import name_parts
from bench.dedup.metrics import pairwise_scores

FIELDS = {
    "name": "full_name",
    "birth_date": "birth_date",
    "sex": "sex",
    "nik": "nik",
    "kk": "no_kk",
    "region": "village_code",
    "address": "address",
}
SETTINGS = Settings(u_pairs=300_000)


def dataset(records):
    return build_dataset(
        [r["record_id"] for r in records],
        {role: [r.get(column, "") for r in records] for role, column in FIELDS.items()},
    )


def record(record_id, **values):
    return {"record_id": record_id, "cluster_id": record_id, **values}


HAND_MADE = [
    record(
        "base",
        full_name="Yohanes Rumbiak",
        birth_date="12-03-1980",
        sex="L",
        nik="9171011203800007",
        village_code="91.71.01.1001",
    ),
    # same NIK, a similar name written the old way, no birth date
    record("same-nik", full_name="Johanes Roembiak", sex="L", nik="9171011203800007"),
    # the same (rare) name and nothing else
    record("same-name", full_name="Yohanes Rumbiak"),
    # a common name and the same birth year, nothing else
    record("siti-1", full_name="Siti Aminah", birth_date="01-05-1975"),
    record("siti-2", full_name="Siti Aminah", birth_date="17-09-1975"),
    # everything the same
    record(
        "copy",
        full_name="YOHANES RUMBIAK",
        birth_date="1980-03-12",
        sex="L",
        nik="9171011203800007",
        village_code="91.71.01.1001",
    ),
    # siblings: one family card, one address, different names and birth dates
    record(
        "sister-1",
        full_name="Maria Kogoya",
        birth_date="02-02-1990",
        sex="P",
        nik="9171014202900003",
        no_kk="9171010101100001",
        village_code="91.71.01.1002",
        address="Jl. Biak No. 3",
    ),
    record(
        "sister-2",
        full_name="Magdalena Kogoya",
        birth_date="05-07-1993",
        sex="P",
        nik="9171014507930004",
        no_kk="9171010101100001",
        village_code="91.71.01.1002",
        address="Jl. Biak No. 3",
    ),
]
# Same birth date and village as "base": the name decides.
HAND_MADE += [
    record(
        "word-order",
        full_name="Rumbiak Yohanes",
        birth_date="12-03-1980",
        sex="L",
        village_code="91.71.01.1001",
    ),
    record(
        "initial",
        full_name="Y. Rumbiak",
        birth_date="12-03-1980",
        sex="L",
        village_code="91.71.01.1001",
    ),
    record(
        "stranger",
        full_name="Agus Salim",
        birth_date="12-03-1980",
        sex="L",
        village_code="91.71.01.1001",
    ),
    # A mononym and the same person's longer name, and another mononym, same date and village.
    record("mono", full_name="Sutrisno", birth_date="17-08-1945", village_code="33.01.01.2001"),
    record(
        "mono-longer",
        full_name="Sutrisno Hadi",
        birth_date="17-08-1945",
        village_code="33.01.01.2001",
    ),
    record(
        "mono-other", full_name="Sugiyanto", birth_date="17-08-1945", village_code="33.01.01.2001"
    ),
]
# A common name: forty other women called Siti Aminah, born in other years.
HAND_MADE += [
    record(
        f"other-siti-{n}",
        full_name="Siti Aminah",
        birth_date=f"0{n % 9 + 1}-0{n % 9 + 1}-{1950 + n}",
    )
    for n in range(40)
]


@pytest.fixture(scope="module")
def trained(population):
    records = population + HAND_MADE
    result = deduplicate(dataset(records), SETTINGS)
    position = {r["record_id"]: n for n, r in enumerate(records)}
    return result, position


def probability_of(trained, a, b):
    result, position = trained
    _gamma, p = score_pairs(result, [position[a]], [position[b]])
    return float(p[0])


def test_scores_rank_pairs_as_a_person_would(trained):
    copy = probability_of(trained, "base", "copy")
    same_nik = probability_of(trained, "base", "same-nik")
    same_name = probability_of(trained, "base", "same-name")
    common_name_and_year = probability_of(trained, "siti-1", "siti-2")
    assert copy > same_nik > same_name > common_name_and_year
    assert same_nik > 0.9
    assert common_name_and_year < 0.5


def test_word_order_beats_an_initial_which_beats_another_name_on_the_same_day(trained):
    word_order = probability_of(trained, "base", "word-order")
    initial = probability_of(trained, "base", "initial")
    stranger = probability_of(trained, "base", "stranger")
    assert word_order > initial > stranger
    assert word_order > 0.99


def test_a_mononym_matches_the_longer_name_not_another_mononym(trained):
    longer = probability_of(trained, "mono", "mono-longer")
    other = probability_of(trained, "mono", "mono-other")
    assert longer > 0.99
    assert longer > other


def test_siblings_sharing_a_household_are_not_one_person(trained):
    assert probability_of(trained, "sister-1", "sister-2") < 0.1


def test_a_rare_name_weighs_more_than_a_common_one(trained):
    result, position = trained
    rare = result.model.explain(
        result.dataset,
        score_pairs(result, [position["base"]], [position["same-name"]])[0][0],
        position["base"],
        position["same-name"],
    )
    common = result.model.explain(
        result.dataset,
        score_pairs(result, [position["siti-1"]], [position["siti-2"]])[0][0],
        position["siti-1"],
        position["siti-2"],
    )
    name_weight = {
        key: next(f["weight"] + f["tf_weight"] for f in e["fields"] if f["field"] == "name")
        for key, e in (("rare", rare), ("common", common))
    }
    assert name_weight["rare"] > name_weight["common"] + 2


def test_every_candidate_pair_is_explained_field_by_field(trained):
    result, _position = trained
    row = int(result.above()[0])
    detail = result.explain(row)
    assert {f["field"] for f in detail["fields"]} == {
        "name",
        "birth_date",
        "sex",
        "nik",
        "household",
    }
    assert detail["rules"]
    total = detail["prior_weight"] + sum(f["weight"] + f["tf_weight"] for f in detail["fields"])
    assert detail["match_weight"] == pytest.approx(total, abs=0.01)
    assert detail["probability"] == pytest.approx(result.probability[row], abs=1e-6)


def exact_match_baseline(records):
    """Pairs that share a NIK, or the same normalised name and the same birth date."""
    seen: dict = {}
    pairs = set()
    for n, r in enumerate(records):
        keys = []
        if r["nik"]:
            keys.append(("nik", r["nik"]))
        if r["birth_date"]:
            keys.append(("name+date", name_parts(r["full_name"]).folded, r["birth_date"]))
        for key in keys:
            pairs.update((m, n) for m in seen.get(key, []))
            seen.setdefault(key, []).append(n)
    pairs = sorted(pairs)
    return np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])


F1_FLOOR = 0.95


def test_f1_on_a_generated_population_beats_the_floor_an_exact_match_baseline_misses(population):
    truth = [r["cluster_id"] for r in population]
    result = deduplicate(dataset(population), SETTINGS)
    rows = result.above()
    engine = pairwise_scores(truth, result.pairs.i[rows], result.pairs.j[rows])
    baseline = pairwise_scores(truth, *exact_match_baseline(population))
    assert baseline["f1"] < F1_FLOOR <= engine["f1"], (engine, baseline)


def test_the_model_is_deterministic_with_a_seed(population):
    ds = dataset(population)
    one = deduplicate(ds, Settings(u_pairs=50_000, seed=3))
    two = deduplicate(dataset(population), Settings(u_pairs=50_000, seed=3))
    assert np.array_equal(one.pairs.i, two.pairs.i) and np.array_equal(one.pairs.j, two.pairs.j)
    assert np.array_equal(one.probability, two.probability)
    assert one.threshold == two.threshold


def test_the_cut_off_is_the_models_expected_f1_maximum(trained):
    result, _position = trained
    assert 0.0 < result.threshold < 1.0
    assert len(result.above()) == int((result.probability >= result.threshold).sum())


def test_connected_components_join_chains_of_pairs():
    labels = connected_components(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert labels.tolist() == [0, 0, 0, 3, 4, 4]


def test_a_file_without_a_shared_field_gives_no_pairs():
    ds = build_dataset(["a", "b"], {"sex": ["L", "P"]})
    result = deduplicate(ds, SETTINGS)
    assert len(result.above()) == 0
