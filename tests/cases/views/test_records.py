"""Assessment (rendered from its form definition), plan, services and notes on the case pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import PlanStatus, Stage
from atensi.cases.models import Assessment, Case, FormDefinition, Plan
from tests.cases.factories import BPSS_ANSWERS
from tests.cases.views.conftest import walk

pytestmark = pytest.mark.django_db


def answers_data(answers: dict, **extra) -> dict:
    return {**{f"a-{k}": v for k, v in answers.items()}, **extra}


@pytest.fixture
def assessing(pendamping_a, supervisor_a, case_a):
    return walk(case_a, Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)


@pytest.fixture
def planning(pendamping_a, supervisor_a, case_a):
    return walk(case_a, Stage.PLANNING, worker=pendamping_a, lead=supervisor_a)


@pytest.fixture
def intervening(pendamping_a, supervisor_a, case_a):
    return walk(case_a, Stage.INTERVENTION, worker=pendamping_a, lead=supervisor_a)


# --- assessment ---------------------------------------------------------------------------------


def test_the_assessment_form_is_rendered_from_its_definition(client, pendamping_a, assessing):
    client.force_login(pendamping_a)
    response = client.get(reverse("cases:assessment", args=[assessing.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    form = FormDefinition.objects.get(code="asesmen-bpss", version=1)
    for section in form.definition["sections"]:
        assert section["title"] in body
    assert 'name="a-fisik_masalah" value="3"' in body
    assert "Masalah berat" in body
    assert 'name="a-kebutuhan"' in body


def test_a_completed_assessment_is_saved_with_its_scores(client, pendamping_a, assessing):
    client.force_login(pendamping_a)
    form = FormDefinition.objects.get(code="asesmen-bpss", version=1)
    response = client.post(
        reverse("cases:assessment", args=[assessing.pk]),
        answers_data(
            BPSS_ANSWERS,
            form=form.pk,
            version=assessing.version,
            summary="Butuh dukungan sekolah",
            action="complete",
        ),
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=assessing)
    assert assessment.completed_at is not None
    assert assessment.scores["total"] == 9
    assert Case.objects.get(pk=assessing.pk).assessed_at is not None
    detail = client.get(reverse("cases:detail", args=[assessing.pk])).content.decode()
    assert "Masalah berat" in detail  # answers shown with their option labels
    assert "Kebutuhan sedang" in detail


def test_missing_answers_are_marked_on_their_questions_and_input_is_kept(
    client, pendamping_a, assessing
):
    client.force_login(pendamping_a)
    partial = {k: v for k, v in BPSS_ANSWERS.items() if k != "risiko_bahaya"}
    partial["kebutuhan"] = "Sekolah kembali dan akta lahir"
    response = client.post(
        reverse("cases:assessment", args=[assessing.pk]),
        answers_data(partial, version=assessing.version, action="complete"),
    )
    assert response.status_code == 400
    assert "risiko_bahaya" in response.context["answers"].errors
    body = response.content.decode()
    assert "Sekolah kembali dan akta lahir" in body
    assert not Assessment.objects.filter(case=assessing).exists()


def test_a_draft_is_kept_and_continued(client, pendamping_a, assessing):
    client.force_login(pendamping_a)
    client.post(
        reverse("cases:assessment", args=[assessing.pk]),
        answers_data(
            {"kebutuhan": "Tempat tinggal aman"}, version=assessing.version, action="draft"
        ),
    )
    draft = Assessment.objects.get(case=assessing)
    assert draft.completed_at is None
    response = client.get(reverse("cases:assessment", args=[assessing.pk]))
    assert "Tempat tinggal aman" in response.content.decode()


def test_a_stale_assessment_keeps_the_answers(client, pendamping_a, supervisor_a, assessing):
    services.case_penetapan(
        actor=supervisor_a, case=assessing, sk_number="SK-2", sk_date=timezone.localdate()
    )
    client.force_login(pendamping_a)
    data = dict(BPSS_ANSWERS, kebutuhan="Isian yang tidak boleh hilang")
    response = client.post(
        reverse("cases:assessment", args=[assessing.pk]),
        answers_data(data, version=assessing.version, action="complete"),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "sudah diubah oleh Supervisor A" in body
    assert "Isian yang tidak boleh hilang" in body
    assert not Assessment.objects.filter(case=assessing).exists()


def test_an_assessment_outside_the_stage_is_refused(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:assessment", args=[case_a.pk]),
        answers_data(BPSS_ANSWERS, version=1, action="complete"),
    )
    assert response.status_code == 400
    assert "Asesmen dicatat pada tahap asesmen" in response.content.decode()


# --- plan -------------------------------------------------------------------------------------


def plan_data(case, pendamping, *, rows=1, action="submit", **overrides) -> dict:
    data = {
        "version": case.version,
        "goals": "Anak kembali bersekolah\nKeluarga mampu mengasuh",
        "services-TOTAL_FORMS": str(rows),
        "services-INITIAL_FORMS": "0",
        "services-0-component": "family_support",
        "services-0-description": "Konseling keluarga",
        "services-0-frequency": "mingguan",
        "services-0-responsible": str(pendamping.pk),
        "services-0-target_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "action": action,
    }
    data.update(overrides)
    return data


def test_a_plan_is_saved_and_submitted(client, pendamping_a, planning):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:plan", args=[planning.pk]), plan_data(planning, pendamping_a)
    )
    assert response.status_code == 302
    plan = Plan.objects.get(case=planning)
    assert plan.status == PlanStatus.SUBMITTED
    assert [g["text"] for g in plan.goals] == ["Anak kembali bersekolah", "Keluarga mampu mengasuh"]
    assert plan.services.get().description == "Konseling keluarga"


def test_adding_a_row_keeps_what_was_typed(client, pendamping_a, planning):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:plan", args=[planning.pk]),
        plan_data(planning, pendamping_a, add_row="1"),
    )
    assert response.status_code == 200
    assert len(response.context["rows"].forms) == 2
    assert "Keluarga mampu mengasuh" in response.content.decode()
    assert not Plan.objects.filter(case=planning).exists()


def test_a_bad_row_is_marked_on_that_row(client, pendamping_a, planning):
    client.force_login(pendamping_a)
    data = plan_data(
        planning,
        pendamping_a,
        rows=2,
        **{
            "services-1-description": "Terapi psikososial",
            "services-1-frequency": "2x sebulan",
            "services-1-responsible": str(pendamping_a.pk),
            "services-1-target_date": timezone.localdate().isoformat(),
        },
    )
    response = client.post(reverse("cases:plan", args=[planning.pk]), data)
    assert response.status_code == 400
    rows = response.context["rows"].forms
    assert "component" in rows[1].errors
    assert not rows[0].errors
    assert "Terapi psikososial" in response.content.decode()


def test_a_plan_without_goals_is_refused_on_the_goals(client, pendamping_a, planning):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:plan", args=[planning.pk]), plan_data(planning, pendamping_a, goals="")
    )
    assert response.status_code == 400
    assert "goals" in response.context["form"].errors


def test_the_plan_form_starts_from_the_latest_revision(client, pendamping_a, planning):
    services.plan_save(
        actor=pendamping_a,
        case=planning,
        goals=[{"text": "Tujuan lama"}],
        services=[
            {
                "component": "therapy",
                "description": "Terapi bermain",
                "frequency": "mingguan",
                "responsible": pendamping_a,
                "target_date": timezone.localdate(),
            }
        ],
    )
    client.force_login(pendamping_a)
    body = client.get(reverse("cases:plan", args=[planning.pk])).content.decode()
    assert "Tujuan lama" in body and "Terapi bermain" in body


def submitted_plan(case, pendamping):
    plan = services.plan_save(
        actor=pendamping,
        case=case,
        goals=[{"text": "Kembali sekolah"}],
        services=[
            {
                "component": "family_support",
                "description": "Konseling keluarga",
                "frequency": "mingguan",
                "responsible": pendamping,
                "target_date": timezone.localdate() + dt.timedelta(days=30),
            }
        ],
    )
    return services.plan_submit(actor=pendamping, plan=plan)


def test_a_supervisor_approves_the_plan(client, pendamping_a, supervisor_a, planning):
    plan = submitted_plan(planning, pendamping_a)
    client.force_login(supervisor_a)
    case = Case.objects.get(pk=planning.pk)
    response = client.post(
        reverse("cases:plan_decide", args=[case.pk, plan.pk]),
        {"version": case.version, "decision": "approve"},
    )
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def test_returning_a_plan_needs_a_comment(client, pendamping_a, head_a, planning):
    plan = submitted_plan(planning, pendamping_a)
    client.force_login(head_a)
    case = Case.objects.get(pk=planning.pk)
    url = reverse("cases:plan_decide", args=[case.pk, plan.pk])
    refused = client.post(url, {"version": case.version, "decision": "return", "comment": ""})
    assert refused.status_code == 400
    assert "comment" in refused.context["forms"]["plan_decide"].errors
    response = client.post(
        url, {"version": case.version, "decision": "return", "comment": "Tambah target tanggal"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert plan.decision_comment == "Tambah target tanggal"


def test_a_pendamping_cannot_approve_a_plan(client, pendamping_a, planning):
    plan = submitted_plan(planning, pendamping_a)
    client.force_login(pendamping_a)
    case = Case.objects.get(pk=planning.pk)
    response = client.post(
        reverse("cases:plan_decide", args=[case.pk, plan.pk]),
        {"version": case.version, "decision": "approve"},
    )
    assert response.status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_a_draft_plan_is_submitted_from_the_case_page(client, pendamping_a, planning):
    plan = services.plan_save(
        actor=pendamping_a,
        case=planning,
        goals=[{"text": "Kembali sekolah"}],
        services=[
            {
                "component": "care",
                "description": "Pengasuhan",
                "frequency": "harian",
                "responsible": pendamping_a,
                "target_date": timezone.localdate(),
            }
        ],
    )
    client.force_login(pendamping_a)
    case = Case.objects.get(pk=planning.pk)
    response = client.post(
        reverse("cases:plan_submit", args=[case.pk, plan.pk]), {"version": case.version}
    )
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


# --- services -----------------------------------------------------------------------------------


def service_data(case, **overrides) -> dict:
    data = {
        "version": case.version,
        "delivered_on": timezone.localdate().isoformat(),
        "component": "assistance",
        "description": "Paket sembako",
        "quantity": "3",
        "unit_cost": "Rp 411.522",
        "ro_code": "027.06.WA.6411.QDB.001",
    }
    data.update(overrides)
    return data


def test_a_budget_service_needs_the_penetapan_first(client, pendamping_a, intervening):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:service_add", args=[intervening.pk]), service_data(intervening)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "setelah penetapan PM (SK) dicatat" in body
    assert "Paket sembako" in body  # kept
    assert not intervening.services.filter(description="Paket sembako").exists()


def test_services_are_listed_with_rupiah_totals(client, pendamping_a, head_a, intervening):
    services.case_penetapan(
        actor=head_a, case=intervening, sk_number="SK-9", sk_date=timezone.localdate()
    )
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:service_add", args=[intervening.pk]), service_data(intervening)
    )
    assert response.status_code == 302
    service = intervening.services.get(description="Paket sembako")
    assert service.unit_cost == 411522 and service.quantity == 3
    client.post(
        reverse("cases:service_add", args=[intervening.pk]),
        service_data(
            intervening, description="Alat bantu dengar", quantity="1", unit_cost="1.500.000"
        ),
    )
    body = client.get(reverse("cases:detail", args=[intervening.pk])).content.decode()
    assert "Rp 411.522" in body
    assert "Rp 1.234.566" in body  # 3 × 411.522
    # the walk recorded a free service; 1.234.566 + 1.500.000
    assert 'id="services-total">Rp 2.734.566<' in body


def test_a_cost_with_cents_is_refused(client, pendamping_a, intervening):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:service_add", args=[intervening.pk]),
        service_data(intervening, unit_cost="150.000,50", ro_code=""),
    )
    assert response.status_code == 400
    assert "unit_cost" in response.context["forms"]["service"].errors


# --- notes --------------------------------------------------------------------------------------


def test_a_monitoring_note_records_progress_per_goal(client, pendamping_a, supervisor_a, case_a):
    case = walk(case_a, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    client.force_login(pendamping_a)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert "progress_T1" in response.context["forms"]["note"].fields
    response = client.post(
        reverse("cases:note_add", args=[case.pk]),
        {
            "version": case.version,
            "kind": "monitoring",
            "text": "Anak rajin sekolah",
            "happened_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "progress_T1": "Sebagian tercapai",
        },
    )
    assert response.status_code == 302
    note = case.notes.get(kind="monitoring")
    assert note.goal_progress == {"T1": "Sebagian tercapai"}


def test_an_empty_note_is_refused_on_the_text(client, pendamping_a, case_a):
    client.force_login(pendamping_a)
    response = client.post(
        reverse("cases:note_add", args=[case_a.pk]), {"version": 1, "kind": "note", "text": ""}
    )
    assert response.status_code == 400
    assert "text" in response.context["forms"]["note"].errors
