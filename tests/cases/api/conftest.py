"""Cases brought to a stage through the real services, for the case API tests."""

import datetime as dt

from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import FormDefinition
from tests.cases.factories import make_case

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


def case_at(stage: str, *, pendamping, lead, head=None, **overrides):
    """Returns a case of `pendamping` brought to `stage` by the steps the workflow asks for."""
    case = make_case(pendamping, **overrides)
    if stage == Stage.INTAKE:
        return case
    services.case_contact_record(
        actor=pendamping,
        case=case,
        happened_at=case.received_at + dt.timedelta(hours=5),
        text="Kunjungan rumah",
    )
    case = services.case_transition(actor=pendamping, case=case, target=Stage.ASSESSMENT)
    if stage == Stage.ASSESSMENT:
        return case
    form = FormDefinition.objects.get(code="asesmen-bpss", version=1)
    services.assessment_record(actor=pendamping, case=case, form=form, answers=ANSWERS)
    case = services.case_transition(actor=pendamping, case=case, target=Stage.PLANNING)
    if stage == Stage.PLANNING:
        return case
    plan = services.plan_save(
        actor=pendamping,
        case=case,
        goals=[{"text": "Anak kembali bersekolah"}],
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
    services.plan_submit(actor=pendamping, plan=plan)
    services.plan_decide(actor=lead, plan=plan, approve=True)
    case = services.case_transition(actor=pendamping, case=case, target=Stage.INTERVENTION)
    if stage == Stage.INTERVENTION:
        return case
    raise ValueError(f"case_at does not build {stage} cases")
