"""Building cases through the real services."""

import datetime as dt

from django.utils import timezone

from atensi.cases.services import case_open
from tests.registry.factories import make_person


def make_case(actor, person=None, **overrides):
    person = person or make_person(actor)
    values = {
        "source": "dinsos",
        "received_at": timezone.now() - dt.timedelta(days=10),
        "urgency": "normal",
        "target_group": person.target_group,
        "approach": "family",
    }
    values.update(overrides)
    return case_open(actor=actor, person=person, **values)


BPSS_ANSWERS = {
    "fisik_masalah": "1",
    "psiko_masalah": "2",
    "sosial_masalah": "1",
    "spiritual_masalah": "0",
    "ekonomi_masalah": "3",
    "kebutuhan": "Sekolah kembali",
    "kekuatan": "Nenek peduli",
    "risiko_bahaya": "2",
}


def _step(case, *, worker, lead):
    """Makes the one move that takes `case` to its next stage, through the real services."""
    from atensi.cases import services
    from atensi.cases.choices import Stage
    from atensi.cases.models import FormDefinition

    if case.stage == Stage.INTAKE:
        if case.first_contact_at is None:
            services.case_contact_record(
                actor=worker,
                case=case,
                happened_at=max(case.received_at, timezone.now() - dt.timedelta(hours=1)),
                text="Kunjungan rumah",
            )
        services.case_transition(actor=worker, case=case, target=Stage.ASSESSMENT)
    elif case.stage == Stage.ASSESSMENT:
        form = FormDefinition.objects.get(code="asesmen-bpss", version=1)
        services.assessment_record(actor=worker, case=case, form=form, answers=BPSS_ANSWERS)
        services.case_transition(actor=worker, case=case, target=Stage.PLANNING)
    elif case.stage == Stage.PLANNING:
        plan = services.plan_save(
            actor=worker,
            case=case,
            goals=[{"text": "Kebutuhan dasar terpenuhi"}],
            services=[
                {
                    "component": "family_support",
                    "description": "Konseling keluarga",
                    "frequency": "mingguan",
                    "responsible": worker,
                    "target_date": timezone.localdate() + dt.timedelta(days=30),
                }
            ],
        )
        services.plan_submit(actor=worker, plan=plan)
        services.plan_decide(actor=lead, plan=plan, approve=True)
        services.case_transition(actor=worker, case=case, target=Stage.INTERVENTION)
    elif case.stage == Stage.INTERVENTION:
        services.service_record(
            actor=worker,
            case=case,
            delivered_on=timezone.localdate(),
            component="family_support",
            description="Konseling keluarga",
        )
        services.case_transition(actor=worker, case=case, target=Stage.MONITORING)
    elif case.stage == Stage.MONITORING:
        services.case_terminate(
            actor=worker, case=case, reason="goals_met", outcome_rating="improved"
        )
    elif case.stage == Stage.TERMINATION:
        services.case_transition(actor=worker, case=case, target=Stage.AFTERCARE)
    elif case.stage == Stage.AFTERCARE:
        services.case_transition(actor=lead, case=case, target=Stage.CLOSED)
    else:
        raise AssertionError(f"no step from {case.stage}")


def walk(case, to: str, *, worker, lead):
    """Moves `case` stage by stage until it reaches `to`; returns it fresh from the database."""
    from atensi.cases.models import Case

    case = Case.objects.get(pk=case.pk)
    while case.stage != to:
        _step(case, worker=worker, lead=lead)
        case = Case.objects.get(pk=case.pk)
    return case


def give_consent(actor, person, *, basis="consent", given_by=None, given_at=None):
    """Records a consent (by the parent for a child) through the registry service."""
    from atensi.registry.services import consent_record

    return consent_record(
        actor=actor,
        person=person,
        basis=basis,
        scope="Pengelolaan kasus dan rujukan",
        given_by=given_by or ("parent" if person.target_group == "anak" else "self"),
        given_by_name="Siti Aminah",
        method="written",
        given_at=given_at or timezone.now() - dt.timedelta(days=20),
    )
