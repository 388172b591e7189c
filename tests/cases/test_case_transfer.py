"""Transfers to another sentra and referrals out: consent or a head's override, both sides see it."""

import pytest
from django.utils import timezone

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.models import Case, CaseEvent, ReferralOut, Transfer
from atensi.cases.selectors import case_get, case_timeline, transfers_visible_to
from atensi.common.errors import ApplicationError, NotFound, PermissionDenied
from atensi.common.models import AuditLog
from atensi.registry.selectors import persons_visible_to
from atensi.registry.services import consent_withdraw
from tests.cases.factories import give_consent, make_case, walk
from tests.registry.factories import make_person


@pytest.fixture
def assigned_case(pendamping_a, supervisor_a):
    case = make_case(pendamping_a, supervisor=supervisor_a)
    services.case_contact_record(
        actor=pendamping_a, case=case, happened_at=timezone.now(), text="Kunjungan rumah"
    )
    return Case.objects.get(pk=case.pk)


def test_a_transfer_without_consent_is_refused_and_nothing_changes(
    assigned_case, supervisor_a, sentra_a, sentra_b
):
    with pytest.raises(ApplicationError) as refused:
        services.case_transfer(
            actor=supervisor_a, case=assigned_case, to_unit=sentra_b, reason="Keluarga pindah"
        )
    assert refused.value.code == "consent_required"
    assert "persetujuan" in str(refused.value.message)
    assigned_case.refresh_from_db()
    assert assigned_case.unit == sentra_a and not Transfer.objects.exists()


def test_only_a_head_may_override_missing_consent(assigned_case, supervisor_a, sentra_b):
    with pytest.raises(PermissionDenied) as refused:
        services.case_transfer(
            actor=supervisor_a,
            case=assigned_case,
            to_unit=sentra_b,
            reason="Keluarga pindah",
            override_reason="Darurat",
        )
    assert refused.value.code == "consent_required"


def test_a_pendamping_cannot_transfer(assigned_case, pendamping_a, sentra_b):
    consent = give_consent(pendamping_a, assigned_case.person)
    with pytest.raises(PermissionDenied):
        services.case_transfer(
            actor=pendamping_a,
            case=assigned_case,
            to_unit=sentra_b,
            reason="Keluarga pindah",
            consent=consent,
        )


def test_a_transfer_with_consent_hands_the_case_over(
    assigned_case, pendamping_a, supervisor_a, head_a, head_b, pendamping_b, sentra_a, sentra_b
):
    consent = give_consent(pendamping_a, assigned_case.person)
    events_before = assigned_case.events.count()
    transfer = services.case_transfer(
        actor=supervisor_a,
        case=assigned_case,
        to_unit=sentra_b,
        reason="Keluarga pindah ke Magelang",
        consent=consent,
    )
    case = Case.objects.get(pk=assigned_case.pk)
    assert (case.unit, case.pendamping, case.supervisor) == (sentra_b, None, None)
    assert (transfer.from_unit, transfer.to_unit, transfer.consent) == (sentra_a, sentra_b, consent)
    assert case.events.count() == events_before + 1
    assert case.events.filter(kind="transfer").get().data["transfer_id"] == transfer.pk
    assert AuditLog.objects.filter(object_type="cases.transfer", action="create").count() == 1

    # The receiving sentra now owns the case, its person and its whole history.
    assert case_get(head_b, case.pk) == case
    assert persons_visible_to(head_b).filter(pk=case.person_id).exists()
    assert [e.kind for e in case_timeline(case)][:2] == ["opened", "contact"]
    with pytest.raises(NotFound):
        case_get(head_a, case.pk)
    with pytest.raises(NotFound):
        case_get(pendamping_a, case.pk)

    # Both heads see the hand-over record; an unrelated pendamping does not.
    assert list(transfers_visible_to(head_a)) == [transfer]
    assert list(transfers_visible_to(head_b)) == [transfer]
    assert list(transfers_visible_to(pendamping_b)) == []

    # The receiving head assigns; then the new pendamping sees it too.
    services.case_assign(actor=head_b, case=case, pendamping=pendamping_b)
    assert list(transfers_visible_to(pendamping_b)) == [transfer]


def test_a_head_may_transfer_without_consent_giving_a_reason(assigned_case, head_a, sentra_b):
    transfer = services.case_transfer(
        actor=head_a,
        case=assigned_case,
        to_unit=sentra_b,
        reason="Butuh layanan residensial",
        override_reason="Orang tua tidak dapat dihubungi; anak dalam bahaya",
    )
    assert transfer.consent is None
    assert transfer.override_reason.startswith("Orang tua tidak dapat")
    event = CaseEvent.objects.get(case=assigned_case, kind="transfer")
    assert event.data["override_reason"] == transfer.override_reason


def test_a_consent_must_be_the_persons_own_and_not_withdrawn(
    assigned_case, pendamping_a, supervisor_a, sentra_b
):
    other = make_person(pendamping_a, full_name="Rina Marlina", sex="P")
    others_consent = give_consent(pendamping_a, other)
    withdrawn = give_consent(pendamping_a, assigned_case.person)
    consent_withdraw(actor=pendamping_a, consent=withdrawn, reason="Ditarik")
    # A public-task basis keeps processing lawful, but is no consent to a hand-over.
    public_task = give_consent(
        pendamping_a, assigned_case.person, basis="public_task", given_by="representative"
    )
    for consent in (others_consent, withdrawn, public_task):
        with pytest.raises(ApplicationError) as refused:
            services.case_transfer(
                actor=supervisor_a,
                case=assigned_case,
                to_unit=sentra_b,
                reason="Pindah",
                consent=consent,
            )
        assert refused.value.code == "consent_invalid"


def test_a_transfer_to_the_same_or_a_non_sentra_unit_is_refused(
    assigned_case, pendamping_a, supervisor_a, sentra_a
):
    from atensi.organisation.models import Unit

    consent = give_consent(pendamping_a, assigned_case.person)
    directorate = Unit.objects.get(code="630003")
    for unit in (sentra_a, directorate):
        with pytest.raises(ApplicationError) as refused:
            services.case_transfer(
                actor=supervisor_a,
                case=assigned_case,
                to_unit=unit,
                reason="Pindah",
                consent=consent,
            )
        assert refused.value.code == "invalid"


def test_a_resident_must_be_discharged_before_a_transfer(
    pendamping_a, supervisor_a, head_a, sentra_b
):
    case = make_case(pendamping_a, approach="residential")
    services.stay_admit(actor=pendamping_a, case=case, admitted_at=timezone.now())
    with pytest.raises(ApplicationError) as refused:
        services.case_transfer(
            actor=head_a, case=case, to_unit=sentra_b, reason="Pindah", override_reason="Darurat"
        )
    assert refused.value.code == "open_stay"


def test_an_outsider_cannot_transfer_a_case(assigned_case, head_b, sentra_b):
    with pytest.raises(NotFound):
        services.case_transfer(
            actor=head_b, case=assigned_case, to_unit=sentra_b, reason="x", override_reason="y"
        )


# Referral out ---------------------------------------------------------------------------------


def test_referral_out_is_recorded_in_monitoring_with_consent(pendamping_a, supervisor_a):
    case = walk(make_case(pendamping_a), Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    consent = give_consent(pendamping_a, case.person)
    referral = services.referral_out_record(
        actor=pendamping_a,
        case=case,
        institution="RSJ Dr. Soeharto Heerdjan",
        contact="021-5682841",
        reason="Perlu perawatan kejiwaan",
        referred_at=timezone.now(),
        consent=consent,
    )
    assert referral.consent == consent
    assert case.events.filter(kind="referral_out").exists()
    case = services.case_terminate(
        actor=pendamping_a, case=case, reason="referred", outcome_rating="stable"
    )
    assert case.termination_reason == "referred"


def test_referral_out_needs_consent_or_a_heads_reason(pendamping_a, supervisor_a, head_a):
    case = walk(make_case(pendamping_a), Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    values = {
        "case": case,
        "institution": "Panti Sosial Swasta",
        "contact": "",
        "reason": "Butuh pengasuhan jangka panjang",
        "referred_at": timezone.now(),
    }
    with pytest.raises(ApplicationError) as refused:
        services.referral_out_record(actor=pendamping_a, **values)
    assert refused.value.code == "consent_required"
    with pytest.raises(PermissionDenied):
        services.referral_out_record(actor=pendamping_a, override_reason="Mendesak", **values)
    referral = services.referral_out_record(actor=head_a, override_reason="Mendesak", **values)
    assert referral.override_reason == "Mendesak"
    assert ReferralOut.objects.count() == 1


def test_referral_out_is_refused_before_monitoring(pendamping_a):
    case = make_case(pendamping_a)
    consent = give_consent(pendamping_a, case.person)
    with pytest.raises(ApplicationError) as refused:
        services.referral_out_record(
            actor=pendamping_a,
            case=case,
            institution="Panti",
            contact="",
            reason="x",
            referred_at=timezone.now(),
            consent=consent,
        )
    assert refused.value.code == "wrong_stage"
