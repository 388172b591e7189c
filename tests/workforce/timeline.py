"""Steps of a case at chosen moments, each through the real case service (see conftest.at)."""

import datetime as dt

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case, FormDefinition
from tests.cases.factories import BPSS_ANSWERS, make_case
from tests.registry.factories import make_person
from tests.workforce.conftest import at


def _fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def open_case(worker, received: dt.datetime, *, person=None, **overrides) -> Case:
    """Opens a case received at `received`, recorded an hour later by `worker` (its pendamping)."""
    with at(received + dt.timedelta(hours=1)):
        person = person or make_person(worker, target_group=overrides.get("target_group", "anak"))
        values = {"received_at": received, "target_group": person.target_group}
        values.update(overrides)
        return make_case(worker, person=person, **values)


def contact(worker, case, when: dt.datetime) -> Case:
    with at(when):
        return services.case_contact_record(
            actor=worker, case=case, happened_at=when, text="Kunjungan rumah"
        )


def assess(worker, case, when: dt.datetime) -> Case:
    """Starts the assessment (after the first contact) and completes it at `when`."""
    with at(when):
        case = _fresh(case)
        if case.stage == Stage.INTAKE:
            services.case_transition(actor=worker, case=case, target=Stage.ASSESSMENT)
        form = FormDefinition.objects.get(code="asesmen-bpss", version=1)
        services.assessment_record(actor=worker, case=case, form=form, answers=BPSS_ANSWERS)
        return services.case_transition(actor=worker, case=_fresh(case), target=Stage.PLANNING)


def approve_plan(worker, lead, case, when: dt.datetime) -> Case:
    """Plans, submits and (by `lead`) approves the plan at `when`, then starts the intervention."""
    with at(when):
        plan = services.plan_save(
            actor=worker,
            case=_fresh(case),
            goals=[{"text": "Kebutuhan dasar terpenuhi"}],
            services=[
                {
                    "component": "family_support",
                    "description": "Konseling keluarga",
                    "frequency": "mingguan",
                    "responsible": worker,
                    "target_date": when.date() + dt.timedelta(days=30),
                }
            ],
        )
        services.plan_submit(actor=worker, plan=plan)
        services.plan_decide(actor=lead, plan=plan, approve=True)
        return services.case_transition(actor=worker, case=_fresh(case), target=Stage.INTERVENTION)


def serve(worker, case, day: dt.date, hour: int = 10):
    with at(dt.datetime.combine(day, dt.time(hour), tzinfo=case.received_at.tzinfo)):
        return services.service_record(
            actor=worker,
            case=_fresh(case),
            delivered_on=day,
            component="family_support",
            description="Konseling keluarga",
        )


def terminate(worker, case, when: dt.datetime, reason: str = "goals_met") -> Case:
    """Moves an intervention to monitoring (it has a service) and terminates it at `when`."""
    with at(when):
        case = _fresh(case)
        if case.stage == Stage.INTERVENTION:
            case = services.case_transition(actor=worker, case=case, target=Stage.MONITORING)
        return services.case_terminate(
            actor=worker, case=case, reason=reason, outcome_rating="improved"
        )


def close(lead, case, when: dt.datetime) -> Case:
    with at(when):
        return services.case_transition(actor=lead, case=_fresh(case), target=Stage.CLOSED)


def reopen(lead, case, when: dt.datetime) -> Case:
    with at(when):
        return services.case_reopen(actor=lead, case=_fresh(case), reason="Kambuh")


def assign(lead, case, worker, when: dt.datetime) -> Case:
    with at(when):
        return services.case_assign(actor=lead, case=_fresh(case), pendamping=worker)


def to_aftercare(worker, case, when: dt.datetime) -> Case:
    with at(when):
        return services.case_transition(actor=worker, case=_fresh(case), target=Stage.AFTERCARE)


def schedule_visit(worker, case, day: dt.date, when: dt.datetime):
    with at(when):
        return services.aftercare_schedule(actor=worker, case=_fresh(case), scheduled_for=day)


def visit(worker, visit, when: dt.datetime):
    with at(when):
        return services.aftercare_record(actor=worker, visit=visit, done_at=when, notes="Baik")
