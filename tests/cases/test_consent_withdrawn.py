"""Withdrawn consent stops further processing of the person's case data, except what law allows."""

import datetime as dt

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.exports import case_file_pdf
from atensi.cases.selectors import consent_withdrawal
from atensi.common.errors import ApplicationError
from atensi.registry.services import consent_withdraw
from tests.cases.factories import give_consent, make_case, walk


def _withdraw(actor, consent):
    return consent_withdraw(actor=actor, consent=consent, reason="Orang tua menolak layanan")


def _contact(actor, case):
    return services.case_contact_record(
        actor=actor, case=case, happened_at=timezone.now(), text="Kunjungan rumah"
    )


def test_case_services_refuse_once_the_only_consent_is_withdrawn(pendamping_a):
    case = make_case(pendamping_a)
    consent = give_consent(pendamping_a, case.person)
    _contact(pendamping_a, case)
    _withdraw(pendamping_a, consent)

    with pytest.raises(ApplicationError) as refused:
        _contact(pendamping_a, case)
    assert refused.value.code == "consent_withdrawn"
    message = str(refused.value.message)
    assert "ditarik" in message and "terminasi" in message and "UU 27/2022" in message
    assert case.notes.count() == 1

    with pytest.raises(ApplicationError) as refused:
        services.note_add(actor=pendamping_a, case=case, kind="note", text="Catatan")
    assert refused.value.code == "consent_withdrawn"


def test_a_new_case_cannot_be_opened_for_a_person_who_withdrew(pendamping_a):
    case = make_case(pendamping_a)
    _withdraw(pendamping_a, give_consent(pendamping_a, case.person))
    with pytest.raises(ApplicationError) as refused:
        make_case(pendamping_a, person=case.person)
    assert refused.value.code == "consent_withdrawn"


def test_termination_and_closing_remain_allowed(pendamping_a, head_a):
    case = make_case(pendamping_a)
    _withdraw(pendamping_a, give_consent(pendamping_a, case.person))
    case = services.case_terminate(
        actor=pendamping_a, case=case, reason="withdrew", outcome_rating="unknown"
    )
    with pytest.raises(ApplicationError) as refused:
        services.case_transition(actor=pendamping_a, case=case, target=Stage.AFTERCARE)
    assert refused.value.code == "consent_withdrawn"
    case = services.case_transition(actor=head_a, case=case, target=Stage.CLOSED)
    assert case.stage == Stage.CLOSED


def test_the_case_file_cannot_be_exported_after_withdrawal(pendamping_a):
    case = make_case(pendamping_a)
    _withdraw(pendamping_a, give_consent(pendamping_a, case.person))
    with pytest.raises(ApplicationError) as refused:
        case_file_pdf(actor=pendamping_a, case=case)
    assert refused.value.code == "consent_withdrawn"


def test_another_active_basis_keeps_processing_lawful(pendamping_a):
    case = make_case(pendamping_a)
    consent = give_consent(pendamping_a, case.person)
    _withdraw(pendamping_a, consent)
    assert consent_withdrawal(case.person_id) == consent

    # A court order: the legal obligation is recorded on the person, and work may go on.
    give_consent(pendamping_a, case.person, basis="legal_obligation", given_by="representative")
    assert consent_withdrawal(case.person_id) is None
    _contact(pendamping_a, case)
    assert case.notes.count() == 1


def test_a_person_without_any_recorded_consent_is_not_stopped(pendamping_a):
    case = make_case(pendamping_a)
    assert consent_withdrawal(case.person_id) is None
    _contact(pendamping_a, case)


def test_a_resident_can_still_be_discharged(pendamping_a, supervisor_a):
    case = make_case(pendamping_a, approach="residential")
    stay = services.stay_admit(
        actor=pendamping_a, case=case, admitted_at=timezone.now() - dt.timedelta(days=5)
    )
    _withdraw(pendamping_a, give_consent(pendamping_a, case.person))
    stay = services.stay_discharge(actor=pendamping_a, stay=stay, discharged_at=timezone.now())
    assert stay.discharged_at is not None


def test_receipts_of_given_services_can_still_be_attached(
    pendamping_a, supervisor_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    case = walk(make_case(pendamping_a), Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    service = case.services.get()
    _withdraw(pendamping_a, give_consent(pendamping_a, case.person))

    receipt = SimpleUploadedFile("kuitansi.pdf", b"%PDF-1.4\n%kuitansi\n", "application/pdf")
    services.attachment_add(
        actor=pendamping_a, case=case, file=receipt, kind="receipt", service=service
    )
    photo = SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png")
    with pytest.raises(ApplicationError) as refused:
        services.attachment_add(actor=pendamping_a, case=case, file=photo, kind="photo")
    assert refused.value.code == "consent_withdrawn"
    assert case.attachments.count() == 1
