"""The work queues: my cases, overdue steps, plans waiting for approval, aftercare due."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from tests.cases.views.conftest import walk

pytestmark = pytest.mark.django_db


def queues(client, user):
    client.force_login(user)
    response = client.get(reverse("cases:queues"))
    assert response.status_code == 200
    return response


def test_a_pendamping_sees_their_cases_and_overdue_steps(client, pendamping_a, cases):
    response = queues(client, pendamping_a)
    assert [c.number for c in response.context["mine"]["rows"]] == [cases[0].number]
    # received 10 days ago, normal urgency: first contact (168 h) is overdue
    assert [c.number for c in response.context["overdue"]["rows"]] == [cases[0].number]
    assert response.context["approvals"] is None
    assert cases[1].number not in response.content.decode()


def test_a_supervisor_sees_the_plans_waiting_for_approval(
    client, pendamping_a, supervisor_a, case_a
):
    case = walk(case_a, Stage.PLANNING, worker=pendamping_a, lead=supervisor_a)
    plan = services.plan_save(
        actor=pendamping_a,
        case=case,
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
    services.plan_submit(actor=pendamping_a, plan=plan)
    response = queues(client, supervisor_a)
    assert [p.pk for p in response.context["approvals"]["rows"]] == [plan.pk]
    assert reverse("cases:detail", args=[case.pk]) + "#plan" in response.content.decode()


def test_aftercare_visits_due_are_listed(client, pendamping_a, supervisor_a, case_a):
    case = walk(case_a, Stage.AFTERCARE, worker=pendamping_a, lead=supervisor_a)
    services.aftercare_schedule(
        actor=pendamping_a, case=case, scheduled_for=timezone.localdate() + dt.timedelta(days=3)
    )
    response = queues(client, pendamping_a)
    assert [v.case_id for v in response.context["aftercare"]["rows"]] == [case.pk]


def test_a_head_of_another_sentra_sees_none_of_sentra_a(client, head_b, cases):
    body = queues(client, head_b).content.decode()
    assert cases[0].number not in body and cases[1].number not in body


def test_the_nav_offers_the_cases(client, pendamping_a, analyst_anak, finance_a):
    client.force_login(pendamping_a)
    body = client.get(reverse("cases:queues")).content.decode()
    assert f'href="{reverse("cases:queues")}"' in body
    client.force_login(analyst_anak)
    body = client.get(reverse("cases:list")).content.decode()
    assert f'<a href="{reverse("cases:list")}"' in body
    client.force_login(finance_a)
    assert ">Kasus</a>" not in client.get(reverse("home"), follow=True).content.decode()
