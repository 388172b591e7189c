"""Runs over the registry and people's decisions: what is found, what sticks, who sees it."""

import datetime as dt

import pytest

from atensi.common.errors import ApplicationError, NotFound, PermissionDenied
from atensi.common.models import AuditLog
from atensi.dedup.models import CandidatePair, Decision, MatchRun, PairStatus, RunStatus
from atensi.dedup.selectors import pair_get, review_queue, runs_visible_to
from atensi.dedup.services import dedup_run, pair_decide
from tests.cases.factories import make_case
from tests.registry.factories import make_person, nik_for

FIRST = ["Agus", "Budi", "Dewi", "Eko", "Fitri", "Gilang", "Hendra", "Indah", "Joko", "Kartini"]
LAST = ["Santoso", "Wijaya", "Lestari", "Saputra", "Rahayu", "Nugroho", "Hidayat"]


@pytest.fixture
def registry(pendamping_a, pendamping_b):
    """About thirty people in sentra A, one of them registered twice, and one also in sentra B."""
    people = []
    for n in range(30):
        born = dt.date(1960 + n, n % 12 + 1, n % 27 + 1)
        sex = "P" if n % 2 else "L"
        people.append(
            make_person(
                pendamping_a,
                full_name=f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]} {LAST[(n * 3) % 7]}",
                birth_date=born,
                sex=sex,
                nik=nik_for(born, sex, serial=n + 1),
                target_group="lansia",
            )
        )
    born = dt.date(1975, 8, 17)
    original = make_person(
        pendamping_a,
        full_name="Soeparno Wirjodiharjo",
        birth_date=born,
        nik=nik_for(born, "L", serial=501),
        target_group="lansia",
    )
    copy = make_person(
        pendamping_a,
        full_name="Suparno Wiryodiharjo",
        birth_date=born,
        nik=nik_for(born, "L", serial=501),
        target_group="lansia",
    )
    born = dt.date(1980, 2, 3)
    in_a = make_person(
        pendamping_a,
        full_name="Yohanes Rumbiak",
        birth_date=born,
        nik=nik_for(born, "L", serial=777),
        target_group="lansia",
    )
    in_b = make_person(
        pendamping_b,
        full_name="Johanes Roembiak",
        birth_date=born,
        nik=nik_for(born, "L", serial=777),
        target_group="lansia",
    )
    make_case(pendamping_a, person=copy, pendamping=pendamping_a)
    return {"original": original, "copy": copy, "in_a": in_a, "in_b": in_b}


def pair_of(one, other) -> CandidatePair:
    a, b = sorted([one.pk, other.pk])
    return CandidatePair.objects.get(person_a_id=a, person_b_id=b)


def test_a_run_finds_the_person_registered_twice_and_explains_the_score(registry, head_a):
    run = dedup_run(actor=head_a, purpose="Pembersihan data triwulan")
    assert run.status == RunStatus.DONE
    assert run.records >= 33 and run.candidate_pairs >= 1 and run.pairs_found >= 1
    pair = pair_of(registry["original"], registry["copy"])
    assert pair.probability > 0.9
    assert pair.impact == 1  # the copy has an open case
    fields = {f["field"]: f["level"] for f in pair.explanation["fields"]}
    assert fields["nik"] == "exact" and fields["birth_date"] == "exact"
    assert run.model["comparisons"]  # kept for the live check


def test_a_run_of_a_head_never_compares_persons_of_another_sentra(registry, head_a):
    dedup_run(actor=head_a, purpose="Pembersihan data")
    a, b = sorted([registry["in_a"].pk, registry["in_b"].pk])
    assert not CandidatePair.objects.filter(person_a_id=a, person_b_id=b).exists()


def test_a_national_run_finds_the_pair_across_sentra(registry, admin_user):
    dedup_run(actor=admin_user, purpose="Pembersihan data nasional")
    assert pair_of(registry["in_a"], registry["in_b"]).probability > 0.5


def test_a_different_decision_sticks_across_a_new_run(registry, head_a):
    dedup_run(actor=head_a, purpose="Pembersihan data")
    pair = pair_of(registry["original"], registry["copy"])
    pair_decide(actor=head_a, pair=pair, verdict="different", reason="Ayah dan anak, nama sama")
    assert pair not in review_queue(head_a)

    second = dedup_run(actor=head_a, purpose="Pembersihan data lagi")
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT
    assert second.pairs_decided >= 1
    assert pair not in review_queue(head_a)
    assert CandidatePair.objects.filter(pk=pair.pk).count() == 1


def test_an_unsure_pair_stays_in_view_and_gets_the_new_score(registry, head_a):
    dedup_run(actor=head_a, purpose="Pembersihan data")
    pair = pair_of(registry["original"], registry["copy"])
    pair_decide(actor=head_a, pair=pair, verdict="unsure", reason="Perlu cek KK")
    run = dedup_run(actor=head_a, purpose="Pembersihan data lagi")
    pair.refresh_from_db()
    assert pair.status == PairStatus.UNSURE and pair.run == run
    assert {f["field"] for f in pair.explanation["fields"]} >= {"name", "nik", "birth_date"}
    assert pair in review_queue(head_a, status="unsure")


def test_a_decision_records_who_why_and_when_and_is_audited(registry, supervisor_a):
    dedup_run(actor=supervisor_a, purpose="Pembersihan data")
    pair = pair_of(registry["original"], registry["copy"])
    decision = pair_decide(actor=supervisor_a, pair=pair, verdict="same", reason="NIK sama")
    assert (decision.decided_by, decision.reason, decision.verdict) == (
        supervisor_a,
        "NIK sama",
        "same",
    )
    assert decision.decided_at is not None
    row = AuditLog.objects.get(object_type="dedup.candidatepair", object_id=str(pair.pk))
    assert row.changes == {"status": ["open", "same"], "reason": [None, "NIK sama"]}


def test_runs_are_logged_with_purpose_and_scope(registry, head_a, sentra_a):
    run = dedup_run(actor=head_a, unit=sentra_a, purpose="Persiapan penyaluran bansos")
    run.refresh_from_db()
    assert (run.started_by, run.unit, run.purpose) == (
        head_a,
        sentra_a,
        "Persiapan penyaluran bansos",
    )
    created = AuditLog.objects.get(
        object_type="dedup.matchrun", object_id=str(run.pk), action="create"
    )
    assert created.changes == {
        "purpose": [None, "Persiapan penyaluran bansos"],
        "unit": [None, sentra_a.code],
    }
    assert AuditLog.objects.filter(
        object_type="dedup.matchrun", object_id=str(run.pk), action="update"
    ).exists()


def test_a_run_needs_a_purpose_and_a_reviewer(registry, head_a, pendamping_a, finance_a):
    with pytest.raises(ApplicationError) as error:
        dedup_run(actor=head_a, purpose="  ")
    assert error.value.code == "purpose_required"
    for user in (pendamping_a, finance_a):
        with pytest.raises(PermissionDenied):
            dedup_run(actor=user, purpose="Pembersihan")
    assert not MatchRun.objects.exists()


def test_a_decision_needs_a_reason_and_a_known_verdict(registry, head_a):
    dedup_run(actor=head_a, purpose="Pembersihan data")
    pair = pair_of(registry["original"], registry["copy"])
    with pytest.raises(ApplicationError):
        pair_decide(actor=head_a, pair=pair, verdict="same", reason="")
    with pytest.raises(ApplicationError):
        pair_decide(actor=head_a, pair=pair, verdict="maybe", reason="x")
    assert not Decision.objects.exists()


def test_reviewers_outside_the_scope_cannot_see_or_decide_the_pair(
    registry, admin_user, head_a, head_b, analyst_anak
):
    dedup_run(actor=admin_user, purpose="Pembersihan data nasional")
    across = pair_of(registry["in_a"], registry["in_b"])
    inside_a = pair_of(registry["original"], registry["copy"])
    # Each head sees one of the two records only: the pair is not theirs to see.
    for user in (head_a, head_b):
        with pytest.raises(NotFound):
            pair_get(user, across.pk)
        with pytest.raises(NotFound):
            pair_decide(actor=user, pair=across, verdict="different", reason="x")
    with pytest.raises(NotFound):
        pair_get(head_b, inside_a.pk)
    assert pair_get(head_a, inside_a.pk) == inside_a
    assert pair_get(admin_user, across.pk) == across
    # The directorate of children sees no elderly persons.
    with pytest.raises(NotFound):
        pair_get(analyst_anak, inside_a.pk)


def test_each_role_sees_the_runs_of_its_scope(registry, head_a, head_b, auditor, pendamping_a):
    run = dedup_run(actor=head_a, purpose="Pembersihan data")
    assert run in runs_visible_to(head_a)
    assert run in runs_visible_to(auditor)
    assert run not in runs_visible_to(head_b)
    assert not runs_visible_to(pendamping_a).exists()


def test_explanations_of_many_pairs_equal_the_engines_one_by_one(population):
    from atensi.dedup.engine import Settings, build_dataset, deduplicate
    from atensi.dedup.matching import explanations

    records = population[:600]
    ds = build_dataset(
        [r["record_id"] for r in records],
        {
            "name": [r["full_name"] for r in records],
            "birth_date": [r["birth_date"] for r in records],
            "sex": [r["sex"] for r in records],
            "nik": [r["nik"] for r in records],
        },
    )
    result = deduplicate(ds, Settings(u_pairs=50_000))
    rows = result.above(0.0)[:50]
    assert len(rows) > 10
    many = explanations(result, rows)
    for row, detail in zip(rows, many, strict=True):
        one = result.explain(int(row))
        assert detail["fields"] == one["fields"] and detail["rules"] == one["rules"]
        assert (detail["id_a"], detail["id_b"]) == (one["id_a"], one["id_b"])
        assert detail["match_weight"] == pytest.approx(one["match_weight"])
        assert detail["probability"] == pytest.approx(one["probability"])


def test_a_second_run_waits_for_the_one_going(registry, head_a, supervisor_a):
    from atensi.common.errors import Conflict
    from atensi.dedup.services import dedup_run_start

    dedup_run_start(actor=head_a, purpose="Pembersihan data")
    with pytest.raises(Conflict):
        dedup_run(actor=supervisor_a, purpose="Pembersihan data juga")
    assert MatchRun.objects.count() == 1
