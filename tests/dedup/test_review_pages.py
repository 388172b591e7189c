"""The review pages as each role sees them, the decision and merge forms, and the live check."""

import datetime as dt

import pytest
from django.test import Client

from atensi.cases.models import Case
from atensi.common.models import AuditLog
from atensi.dedup.models import Decision, MatchRun, Merge, PairStatus
from tests.cases.factories import make_case
from tests.dedup.factories import make_pair
from tests.registry.factories import make_person, nik_for

BORN = dt.date(1979, 6, 14)


def browser_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pair(pendamping_a):
    """The same man registered twice in sentra A; the second record has an open case."""
    nik = nik_for(BORN, "L", serial=4321)
    one = make_person(
        pendamping_a, full_name="Slamet Riyadi", birth_date=BORN, nik=nik, target_group="lansia"
    )
    two = make_person(
        pendamping_a, full_name="Slamet Rijadi", birth_date=BORN, nik=nik, target_group="lansia"
    )
    make_case(pendamping_a, person=two, pendamping=pendamping_a)
    return make_pair(one, two, impact=1)


@pytest.fixture
def outside_pair(pendamping_b):
    a = make_person(pendamping_b, full_name="Wayan Sudarma", target_group="lansia")
    b = make_person(pendamping_b, full_name="Wayan Sudharma", target_group="lansia")
    return make_pair(a, b, probability=0.7)


def test_the_menu_offers_the_review_to_the_roles_that_read_it(
    pair, head_a, auditor, pendamping_a, finance_a
):
    for user, shown in ((head_a, True), (auditor, True), (pendamping_a, False), (finance_a, False)):
        page = browser_for(user).get("/registri/" if user != finance_a else "/")
        page = page if page.status_code == 200 else browser_for(user).get(page.url)
        assert ('href="/duplikat/"' in page.content.decode()) is shown, user


def test_a_head_sees_the_queue_of_their_sentra_only(pair, outside_pair, head_a):
    page = browser_for(head_a).get("/duplikat/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/duplikat/{pair.pk}/" in html and "Slamet Rijadi" in html
    assert f"/duplikat/{outside_pair.pk}/" not in html


def test_an_administrator_sees_every_pair_in_score_or_impact_order(pair, outside_pair, admin_user):
    client = browser_for(admin_user)
    html = client.get("/duplikat/").content.decode()
    assert html.index(f"/duplikat/{pair.pk}/") < html.index(f"/duplikat/{outside_pair.pk}/")
    partial = client.get("/duplikat/?order=impact", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and f"/duplikat/{pair.pk}/" in partial


def test_the_pair_page_shows_both_records_and_the_score_explained(pair, supervisor_a):
    page = browser_for(supervisor_a).get(f"/duplikat/{pair.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Slamet Riyadi" in html and "Slamet Rijadi" in html
    assert pair.person_a.registry_id in html and pair.person_b.registry_id in html
    assert "Mengapa skor ini" in html and "sangat mirip" in html and "+9,5" in html
    assert 'name="verdict"' in html  # supervisors decide
    assert 'name="survivor"' not in html  # but do not merge
    assert AuditLog.objects.filter(
        action="view", object_type="dedup.candidatepair", object_id=str(pair.pk)
    ).exists()


def test_an_auditor_reads_the_pair_without_deciding(pair, auditor):
    html = browser_for(auditor).get(f"/duplikat/{pair.pk}/").content.decode()
    assert "Slamet Rijadi" in html and 'name="verdict"' not in html


def test_outsiders_get_404_and_other_roles_403(pair, head_b, pendamping_a, finance_a):
    assert browser_for(head_b).get(f"/duplikat/{pair.pk}/").status_code == 404
    response = browser_for(head_b).post(
        f"/duplikat/{pair.pk}/putuskan/", {"verdict": "different", "reason": "x"}
    )
    assert response.status_code == 404
    assert not Decision.objects.exists()
    for user in (pendamping_a, finance_a):
        assert browser_for(user).get("/duplikat/").status_code == 403
        assert browser_for(user).get(f"/duplikat/{pair.pk}/").status_code == 403


def test_a_decision_through_htmx_refreshes_the_section_and_offers_the_merge(pair, head_a):
    client = browser_for(head_a)
    response = client.post(
        f"/duplikat/{pair.pk}/putuskan/",
        {"verdict": "same", "reason": "NIK dan tanggal lahir sama"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "NIK dan tanggal lahir sama" in html
    assert 'name="survivor"' in html  # a head may now merge
    pair.refresh_from_db()
    assert pair.status == PairStatus.SAME


def test_a_decision_without_a_reason_is_refused_with_the_field_marked(pair, head_a):
    response = browser_for(head_a).post(
        f"/duplikat/{pair.pk}/putuskan/", {"verdict": "same", "reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Decision.objects.exists()


def test_merge_needs_the_confirmation_then_can_be_undone_from_the_history(pair, head_a):
    client = browser_for(head_a)
    client.post(f"/duplikat/{pair.pk}/putuskan/", {"verdict": "same", "reason": "Sama"})
    survivor, merged = pair.person_a, pair.person_b
    unconfirmed = client.post(
        f"/duplikat/{pair.pk}/gabung/", {"survivor": survivor.pk, "reason": "Sama"}
    )
    assert unconfirmed.status_code == 400 and not Merge.objects.exists()

    done = client.post(
        f"/duplikat/{pair.pk}/gabung/",
        {"survivor": survivor.pk, "reason": "Sama", "confirm": "on"},
    )
    merge = Merge.objects.get()
    assert done.status_code == 302 and done.url == f"/duplikat/penggabungan/{merge.pk}/"
    assert Case.objects.filter(person=survivor).count() == 1
    history = client.get("/duplikat/penggabungan/").content.decode()
    assert merged.registry_id in history and "Batalkan" in history
    detail = client.get(done.url).content.decode()
    assert "Kasus: 1" in detail or "kasus: 1" in detail

    undone = client.post(
        f"/duplikat/penggabungan/{merge.pk}/batalkan/", {"reason": "Keliru", "confirm": "on"}
    )
    assert undone.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_by == head_a
    assert Case.objects.filter(person=merged).count() == 1


def test_a_supervisor_cannot_merge_through_the_page(pair, head_a, supervisor_a):
    browser_for(head_a).post(f"/duplikat/{pair.pk}/putuskan/", {"verdict": "same", "reason": "x"})
    response = browser_for(supervisor_a).post(
        f"/duplikat/{pair.pk}/gabung/",
        {"survivor": pair.person_a_id, "reason": "Sama", "confirm": "on"},
    )
    assert response.status_code == 400 and not Merge.objects.exists()


def test_a_run_from_the_page_needs_a_purpose_and_shows_on_the_runs_page(pair, head_a, settings):
    settings.ATENSI_DEDUP_SYNC = True  # pages run it in a background thread otherwise
    client = browser_for(head_a)
    before = MatchRun.objects.count()
    client.post("/duplikat/jalankan/", {"purpose": ""})
    assert MatchRun.objects.count() == before
    response = client.post("/duplikat/jalankan/", {"purpose": "Persiapan bansos"})
    assert response.status_code == 302 and response.url == "/duplikat/pencarian/"
    run = MatchRun.objects.latest("id")
    assert (run.started_by, run.purpose, run.status) == (head_a, "Persiapan bansos", "done")
    assert run.records == 2 and run.stage == ""
    runs = client.get("/duplikat/pencarian/").content.decode()
    assert "Persiapan bansos" in runs and 'hx-trigger="every 3s"' not in runs


def test_the_runs_page_polls_while_a_run_is_going(head_a):
    from atensi.dedup.services import dedup_run_start

    run = dedup_run_start(actor=head_a, purpose="Persiapan bansos")
    MatchRun.objects.filter(pk=run.pk).update(stage="comparing")
    html = browser_for(head_a).get("/duplikat/pencarian/").content.decode()
    assert 'hx-trigger="every 3s"' in html and "berjalan (comparing)" in html


def test_the_live_check_warns_of_an_existing_person_by_nik_or_by_name_and_birth_date(
    pair, pendamping_a
):
    client = browser_for(pendamping_a)
    by_nik = client.post("/duplikat/cek/", {"nik": pair.person_a.nik}).content.decode()
    assert "Mungkin sudah terdaftar" in by_nik and pair.person_a.registry_id in by_nik
    assert "NIK sama" in by_nik

    typo = pair.person_a.nik[:-1] + ("1" if pair.person_a.nik[-1] != "1" else "2")
    by_name = client.post(
        "/duplikat/cek/",
        {"nik": typo, "full_name": "Selamet Riyadi", "birth_date": BORN.isoformat(), "sex": "L"},
    ).content.decode()
    assert pair.person_a.registry_id in by_name

    nothing = client.post(
        "/duplikat/cek/", {"full_name": "Kadek Ayu", "birth_date": "2001-01-01"}
    ).content.decode()
    assert "Mungkin sudah terdaftar" not in nothing


def test_the_live_check_shows_only_persons_the_user_may_see(pair, pendamping_b, auditor):
    html = browser_for(pendamping_b).post("/duplikat/cek/", {"nik": pair.person_a.nik})
    assert "Mungkin sudah terdaftar" not in html.content.decode()
    # Readers who cannot register get no warning either (they have no form).
    html = browser_for(auditor).post("/duplikat/cek/", {"nik": pair.person_a.nik})
    assert "Mungkin sudah terdaftar" not in html.content.decode()


def test_the_registration_form_carries_the_live_check(pendamping_a):
    html = browser_for(pendamping_a).get("/registri/baru/").content.decode()
    assert 'id="duplicate-check"' in html and 'hx-post="/duplikat/cek/"' in html


def test_the_bundled_model_fits_the_engines_comparisons():
    from atensi.dedup.matching import dataset_of, default_parameters, model_from_parameters

    rows = [
        {"id": 1, "full_name": "Budi Santoso", "birth_date": BORN, "nik": nik_for(BORN, "L")},
        {"id": 2, "full_name": "Budi Santosa", "birth_date": BORN},
    ]
    assert model_from_parameters(default_parameters(), dataset_of(rows)) is not None


def test_the_queue_page_costs_the_same_queries_for_few_or_many_pairs(pendamping_a, head_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = browser_for(head_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/duplikat/").status_code == 200
        return len(captured)

    people = [make_person(pendamping_a, full_name=f"Sutrisno {n}") for n in range(8)]
    make_pair(people[0], people[1])
    few = queries()
    for n in range(2, 8, 2):
        make_pair(people[n], people[n + 1])
    assert queries() == few


def test_a_run_cut_short_by_a_restart_says_so_and_blocks_nothing(head_a, supervisor_a):
    import datetime as dt

    from django.utils import timezone

    from atensi.dedup.services import dedup_run, dedup_run_start

    run = dedup_run_start(actor=head_a, purpose="Terputus")
    MatchRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - dt.timedelta(hours=4))
    html = browser_for(head_a).get("/duplikat/pencarian/").content.decode()
    assert "terhenti" in html and 'hx-trigger="every 3s"' not in html
    assert dedup_run(actor=supervisor_a, purpose="Lagi").status == "done"
