"""One case through every stage, by the roles that own each step (services only)."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import FormDefinition
from atensi.common.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from atensi.common.models import AuditLog
from atensi.registry.selectors import persons_visible_to
from tests.cases.factories import make_case
from tests.registry.factories import make_person

ANSWERS = {
    "fisik_masalah": "1",
    "psiko_masalah": "2",
    "sosial_masalah": "1",
    "spiritual_masalah": "0",
    "ekonomi_masalah": "3",
    "kebutuhan": "Sekolah kembali",
    "kekuatan": "Nenek peduli",
    "risiko_bahaya": "2",
}


def _form():
    return FormDefinition.objects.get(code="asesmen-bpss", version=1)


def test_a_case_walks_from_referral_to_closed(pendamping_a, supervisor_a, head_a):
    case = make_case(pendamping_a)
    assert case.stage == Stage.INTAKE and case.pendamping == pendamping_a

    with pytest.raises(ApplicationError) as refused:
        services.case_transition(actor=pendamping_a, case=case, target=Stage.ASSESSMENT)
    assert refused.value.code == "transition_blocked"

    services.case_contact_record(
        actor=pendamping_a,
        case=case,
        happened_at=timezone.now() - dt.timedelta(days=9),
        text="Kunjungan rumah, bertemu nenek",
    )
    case = services.case_transition(actor=pendamping_a, case=case, target=Stage.ASSESSMENT)
    assessment = services.assessment_record(
        actor=pendamping_a, case=case, form=_form(), answers=ANSWERS
    )
    assert assessment.scores["total"] == 9 and assessment.scores["band"] == "Kebutuhan sedang"
    case = services.case_transition(actor=pendamping_a, case=case, target=Stage.PLANNING)
    plan = services.plan_save(
        actor=pendamping_a,
        case=case,
        goals=[{"text": "Anak kembali bersekolah"}],
        services=[
            {
                "component": "family_support",
                "description": "Konseling keluarga",
                "frequency": "mingguan",
                "responsible": pendamping_a,
                "target_date": timezone.localdate() + dt.timedelta(days=30),
            }
        ],
    )
    with pytest.raises(ApplicationError):
        services.case_transition(actor=pendamping_a, case=case, target=Stage.INTERVENTION)
    services.plan_submit(actor=pendamping_a, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_decide(actor=pendamping_a, plan=plan, approve=True)
    services.plan_decide(actor=supervisor_a, plan=plan, approve=True)
    case = services.case_transition(actor=pendamping_a, case=case, target=Stage.INTERVENTION)

    with pytest.raises(ApplicationError) as blocked:
        services.service_record(
            actor=pendamping_a,
            case=case,
            delivered_on=timezone.localdate(),
            component="assistance",
            description="Paket sembako",
            unit_cost=250_000,
            ro_code="QDB.001",
        )
    assert blocked.value.code == "penetapan_required"
    case = services.case_penetapan(
        actor=head_a, case=case, sk_number="12/RS/2026", sk_date=timezone.localdate()
    )
    services.service_record(
        actor=pendamping_a,
        case=case,
        delivered_on=timezone.localdate(),
        component="assistance",
        description="Paket sembako",
        unit_cost=250_000,
        ro_code="QDB.001",
    )
    case = services.case_transition(actor=pendamping_a, case=case, target=Stage.MONITORING)
    case = services.case_terminate(
        actor=pendamping_a, case=case, reason="goals_met", outcome_rating="improved"
    )
    case = services.case_transition(actor=pendamping_a, case=case, target=Stage.AFTERCARE)
    with pytest.raises(PermissionDenied):
        services.case_transition(actor=pendamping_a, case=case, target=Stage.CLOSED)
    case = services.case_transition(actor=head_a, case=case, target=Stage.CLOSED)
    assert case.closed_at is not None

    reopened = services.case_reopen(actor=head_a, case=case, reason="Laporan penelantaran baru")
    assert reopened.stage == Stage.ASSESSMENT and reopened.reopened_count == 1
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count("stage") == 7 and "reopened" in kinds
    assert (
        AuditLog.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="update"
        ).count()
        >= 10
    )


def test_illegal_transitions_are_refused_with_a_clear_message(pendamping_a):
    case = make_case(pendamping_a)
    for target in (
        Stage.PLANNING,
        Stage.INTERVENTION,
        Stage.MONITORING,
        Stage.AFTERCARE,
        Stage.CLOSED,
    ):
        with pytest.raises(ApplicationError) as refused:
            services.case_transition(actor=pendamping_a, case=case, target=target)
        assert refused.value.code == "illegal_transition"
        assert "Pendekatan awal" in str(refused.value.message)


def test_a_stale_edit_is_refused_and_names_who_changed_it(pendamping_a, supervisor_a):
    case = make_case(pendamping_a)
    seen_version = case.version
    services.case_contact_record(
        actor=supervisor_a,
        case=case,
        happened_at=timezone.now() - dt.timedelta(days=1),
        text="Telepon keluarga",
    )
    with pytest.raises(Conflict) as conflict:
        services.case_contact_record(
            actor=pendamping_a,
            case=case,
            happened_at=timezone.now(),
            text="Kunjungan",
            expected_version=seen_version,
        )
    assert "Supervisor A" in str(conflict.value.message)
    assert case.notes.count() == 1


def test_an_outsider_cannot_touch_another_sentras_case(pendamping_a, head_b):
    case = make_case(pendamping_a)
    with pytest.raises(NotFound):
        services.case_transition(actor=head_b, case=case, target=Stage.ASSESSMENT)


def test_a_pendamping_sees_the_person_of_a_case_assigned_to_them(
    pendamping_a, pendamping_a2, supervisor_a
):
    person = make_person(pendamping_a, full_name="Dewi Lestari", sex="P")
    assert not persons_visible_to(pendamping_a2).filter(pk=person.pk).exists()
    case = make_case(pendamping_a, person=person)
    services.case_assign(actor=supervisor_a, case=case, pendamping=pendamping_a2)
    assert persons_visible_to(pendamping_a2).filter(pk=person.pk).exists()


def test_reading_a_case_writes_a_view_audit_row(pendamping_a, head_b):
    case = make_case(pendamping_a)
    services.case_read(actor=pendamping_a, pk=case.pk)
    assert (
        AuditLog.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="view"
        ).count()
        == 1
    )
    with pytest.raises(NotFound):
        services.case_read(actor=head_b, pk=case.pk)
