"""The case page: header, the stage buttons each role may press, blockers, timeline."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from tests.cases.views.conftest import walk

pytestmark = pytest.mark.django_db


def page(client, user, case):
    client.force_login(user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response


def buttons(response) -> list[str]:
    """The labels of the enabled stage buttons."""
    body = response.content.decode()
    section = body[body.index('id="actions"') : body.index('id="timeline"')]
    return re.findall(r'<button type="submit" class="primary">([^<]+)</button>', section)


def test_the_header_shows_the_case(client, pendamping_a, case_a):
    body = page(client, pendamping_a, case_a).content.decode()
    assert case_a.number in body
    assert "Suparno Wijaya" in body
    assert reverse("registry:detail", args=[case_a.person_id]) in body
    assert "Pendekatan awal" in body
    assert "Sentra Handayani" in body or case_a.unit.name in body
    assert "belum ditetapkan" in body


def test_the_next_step_waits_for_the_first_contact(client, pendamping_a, case_a):
    response = page(client, pendamping_a, case_a)
    body = response.content.decode()
    assert "Mulai asesmen" in body
    assert "Catat kontak pertama (pendekatan awal) lebih dulu." in body
    assert "Mulai asesmen" not in buttons(response)  # shown disabled, with the reason


def test_the_step_becomes_a_button_once_ready(client, pendamping_a, case_a):
    services.case_contact_record(
        actor=pendamping_a,
        case=case_a,
        happened_at=timezone.now() - dt.timedelta(hours=1),
        text="Kunjungan rumah",
    )
    assert "Mulai asesmen" in buttons(page(client, pendamping_a, case_a))


def test_read_only_roles_get_no_buttons(client, analyst_anak, case_a):
    response = page(client, analyst_anak, case_a)
    body = response.content.decode()
    assert buttons(response) == []
    assert "Mulai asesmen" not in body
    assert "Terminasi kasus" not in body
    assert "Catat SK penetapan" not in body
    assert "Unduh PDF" in body


def test_only_leads_record_the_penetapan(client, pendamping_a, supervisor_a, case_a):
    assert "Catat SK penetapan" not in page(client, pendamping_a, case_a).content.decode()
    assert "Catat SK penetapan" in page(client, supervisor_a, case_a).content.decode()


def test_only_leads_close_a_case(client, pendamping_a, head_a, case_a):
    case = walk(case_a, Stage.AFTERCARE, worker=pendamping_a, lead=head_a)
    assert "Tutup kasus" not in page(client, pendamping_a, case).content.decode()
    assert "Tutup kasus" in buttons(page(client, head_a, case))


def test_only_leads_reopen_a_closed_case(client, pendamping_a, head_a, case_a):
    case = walk(case_a, Stage.CLOSED, worker=pendamping_a, lead=head_a)
    assert "Buka kembali kasus" not in page(client, pendamping_a, case).content.decode()
    assert "Buka kembali kasus" in page(client, head_a, case).content.decode()


def test_a_closed_case_offers_the_pendamping_nothing_to_change(
    client, pendamping_a, head_a, case_a
):
    case = walk(case_a, Stage.CLOSED, worker=pendamping_a, lead=head_a)
    body = page(client, pendamping_a, case).content.decode()
    assert "Terminasi kasus" not in body
    assert "Catat layanan" not in body
    assert "Tidak ada langkah tahap" in body


def test_the_plan_waiting_for_approval_offers_the_decision_to_leads_only(
    client, pendamping_a, supervisor_a, case_a
):
    case = walk(case_a, Stage.PLANNING, worker=pendamping_a, lead=supervisor_a)
    plan = services.plan_save(
        actor=pendamping_a,
        case=case,
        goals=[{"text": "Kembali sekolah"}],
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
    services.plan_submit(actor=pendamping_a, plan=plan)
    assert "Setujui rencana" not in page(client, pendamping_a, case).content.decode()
    body = page(client, supervisor_a, case).content.decode()
    assert "Setujui rencana" in body and "Kembalikan untuk diperbaiki" in body


def test_the_timeline_is_newest_first(client, pendamping_a, case_a):
    services.case_contact_record(
        actor=pendamping_a,
        case=case_a,
        happened_at=timezone.now() - dt.timedelta(hours=2),
        text="Kunjungan pertama ke rumah",
    )
    services.note_add(actor=pendamping_a, case=case_a, kind="note", text="Nenek bersedia membantu")
    body = page(client, pendamping_a, case_a).content.decode()
    timeline = body[body.index('id="timeline"') : body.index('id="assessment"')]
    assert (
        timeline.index("Nenek bersedia membantu")
        < timeline.index("Kunjungan pertama ke rumah")
        < timeline.index("Rujukan diterima")
    )


def test_older_events_fold_away(client, pendamping_a, case_a):
    for i in range(20):
        services.note_add(actor=pendamping_a, case=case_a, kind="note", text=f"Catatan nomor {i}")
    response = page(client, pendamping_a, case_a)
    assert len(response.context["timeline"]) == 15
    assert len(response.context["timeline_older"]) == 6
    body = response.content.decode()
    assert "Tampilkan 6 kejadian sebelumnya" in body
    assert 'reversed start="21"' in body


def test_every_form_carries_the_case_version(client, supervisor_a, case_a):
    body = page(client, supervisor_a, case_a).content.decode()
    actions = re.findall(r'<form method="post" action="(/kasus/\d+/[^"]+)"', body)
    assert len(actions) >= 5, actions
    for action in actions:
        if action.endswith("berkas.pdf"):
            continue  # a download, not a change
        start = body.index(f'action="{action}"')
        form = body[start : body.index("</form>", start)]
        assert 'name="version" value="1"' in form, action


def test_the_withdrawn_consent_is_shown_and_stops_the_buttons(
    client, pendamping_a, case_a, suparno
):
    from atensi.registry.services import consent_withdraw
    from tests.cases.factories import give_consent

    consent = give_consent(pendamping_a, suparno)
    consent_withdraw(actor=pendamping_a, consent=consent, reason="Keluarga menolak")
    response = page(client, pendamping_a, case_a)
    body = response.content.decode()
    assert "Pemrosesan dihentikan" in body
    assert "Mulai asesmen" not in body
    assert "Catat kontak / kunjungan" not in body
    assert "Terminasi kasus" in body  # still allowed by law
