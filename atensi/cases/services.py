"""Writes to cases. Each one checks the rules, writes the timeline and the audit row, in one transaction."""

import datetime as dt
import os
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.accounts.access import can_write_cases
from atensi.accounts.models import Role, User
from atensi.common.audit import audit_record, diff, snapshot
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied
from atensi.organisation.models import Unit, UnitType
from atensi.registry.models import Consent, ConsentBasis, ConsentGiver, Person
from atensi.registry.selectors import persons_visible_to
from atensi.registry.services import person_check_not_merged

from . import workflow
from .choices import (
    Approach,
    AttachmentKind,
    MeasurementPhase,
    NoteKind,
    PlanStatus,
    Stage,
    TerminationReason,
)
from .forms_engine import score_answers, validate_answers
from .models import (
    AftercareVisit,
    Assessment,
    Attachment,
    Case,
    CaseEvent,
    CaseNote,
    FormDefinition,
    OutcomeMeasurement,
    Plan,
    PlannedService,
    ReferralOut,
    ResidentialStay,
    ServiceDelivery,
    Transfer,
)
from .selectors import attachment_get, case_get, consent_withdrawal
from .storage import MAX_ATTACHMENT_BYTES, check_upload

CASE_FIELDS = [
    "source",
    "referrer_name",
    "referrer_institution",
    "referrer_contact",
    "referral_note",
    "received_at",
    "urgency",
    "target_group",
    "approach",
]
AUDITED = [
    *CASE_FIELDS,
    "unit",
    "stage",
    "pendamping",
    "supervisor",
    "sk_number",
    "sk_date",
    "first_contact_at",
    "assessed_at",
    "plan_approved_at",
    "terminated_at",
    "termination_reason",
    "outcome_rating",
    "closed_at",
]


def _invalid(message, details=None, code="invalid"):
    return ApplicationError(message, code=code, details=details or {})


def _clean(instance, exclude=(), *, constraints: bool = True) -> None:
    """Validates the fields (and, with `constraints`, the model's constraints, one query each)."""
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=constraints)
    except ValidationError as exc:
        raise _invalid(
            _("Data belum benar; perbaiki kolom yang ditandai."), exc.message_dict
        ) from None


def new_case_number(received_at: dt.datetime) -> str:
    """Returns a fresh case number such as KS-2026-7KQ2M9 (no 0/O, 1/I confusion)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"KS-{timezone.localtime(received_at):%Y}-" + "".join(
        secrets.choice(alphabet) for _ in range(6)
    )


def _event(
    case: Case, *, actor, kind: str, summary: str, at=None, stage_from="", stage_to="", data=None
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        summary=str(summary)[:300],
        stage_from=stage_from,
        stage_to=stage_to,
        data=data or {},
    )


def processing_stop_error(withdrawn: Consent) -> ApplicationError:
    """Returns the error that explains why a person's data may no longer be processed."""
    when = timezone.localtime(withdrawn.withdrawn_at).strftime("%d-%m-%Y %H:%M")
    return ApplicationError(
        _(
            "Persetujuan pemrosesan data orang ini ditarik pada %(when)s dan tidak ada dasar "
            "pemrosesan lain yang masih berlaku, sehingga pemrosesan lanjutan dihentikan "
            "(UU 27/2022 tentang Pelindungan Data Pribadi). Yang masih boleh: terminasi dan "
            "penutupan kasus, mengeluarkan dari layanan residensial, dan melampirkan kuitansi "
            "layanan yang sudah diberikan (pertanggungjawaban keuangan negara). Bila hukum "
            "mewajibkan pemrosesan lanjutan (mis. perintah pengadilan, kepentingan vital), catat "
            "dasar pemrosesan itu pada data orang lebih dulu."
        )
        % {"when": when},
        code="consent_withdrawn",
        details={
            "withdrawn_at": withdrawn.withdrawn_at.isoformat(),
            "consent_id": withdrawn.pk,
        },
    )


def _check_processing_allowed(person_id) -> None:
    withdrawn = consent_withdrawal(person_id)
    if withdrawn is not None:
        raise processing_stop_error(withdrawn)


def _locked_case(
    actor,
    case: Case,
    expected_version: int | None,
    *,
    allowed_after_withdrawal: bool = False,
    related: bool = True,
) -> Case:
    """Re-reads the case under a row lock, checking the actor's access and the editor's version.

    Once the person's consent is withdrawn with no other basis left, only the writes that law
    still allows (`allowed_after_withdrawal`: termination, closing, discharge, receipts) go on.
    Writes that need only the case row itself pass related=False (no joined person, unit, staff).
    """
    if not can_write_cases(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh mengubah kasus."))
    current = case_get(actor, case.pk, for_update=True, related=related)
    if not allowed_after_withdrawal and current.stopped:
        _check_processing_allowed(current.person_id)  # reads the withdrawal for the message
    if expected_version is not None and current.version != expected_version:
        last = current.events.order_by("-at", "-id").select_related("actor").first()
        who = (
            (last.actor.get_full_name() or last.actor.username)
            if last and last.actor
            else _("pengguna lain")
        )
        when = timezone.localtime(current.updated_at).strftime("%d-%m-%Y %H:%M")
        raise Conflict(
            _(
                "Kasus ini sudah diubah oleh %(who)s pada %(when)s. Muat ulang halaman; isian Anda belum disimpan."
            )
            % {"who": who, "when": when},
            code="stale_version",
            details={"current_version": current.version},
        )
    return current


def _save(case: Case, actor, before: dict) -> Case:
    case.version += 1
    case.save()
    changes = diff(before, snapshot(case, AUDITED))
    audit_record(actor=actor, action="update", obj=case, changes=changes)
    return case


def _check_staff(user: User | None, unit: Unit, roles: set, label: str, field: str) -> None:
    if user is None:
        return
    if user.unit_id != unit.pk or user.role not in roles or not user.is_active:
        raise _invalid(
            _("%(who)s bukan %(label)s aktif di %(unit)s.")
            % {"who": user, "label": label, "unit": unit.name},
            {field: [_("Pilih %s dari sentra yang menangani kasus.") % label]},
        )


@transaction.atomic
def case_open(
    *,
    actor,
    person: Person,
    source: str,
    received_at: dt.datetime,
    urgency: str,
    target_group: str,
    approach: str,
    unit: Unit | None = None,
    pendamping: User | None = None,
    supervisor: User | None = None,
    referrer_name: str = "",
    referrer_institution: str = "",
    referrer_contact: str = "",
    referral_note: str = "",
) -> Case:
    """Opens a case for a person from a referral or outreach, in the intake stage."""
    if not can_write_cases(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh membuka kasus."))
    if not persons_visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Anda tidak boleh membuka kasus untuk orang ini."))
    person_check_not_merged(person.pk)
    _check_processing_allowed(person.pk)
    unit = unit or actor.unit
    if unit.pk != actor.unit_id and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Anda hanya boleh membuka kasus di sentra Anda sendiri."))
    if received_at > timezone.now():
        raise _invalid(
            _("Waktu rujukan diterima tidak boleh di masa depan."),
            {"received_at": [_("Periksa tanggal dan jam.")]},
        )
    if actor.role == Role.PENDAMPING and pendamping is None:
        pendamping = actor  # a pendamping opening a case from outreach takes it on
    _check_staff(
        pendamping, unit, {Role.PENDAMPING, Role.SUPERVISOR}, _("pendamping"), "pendamping"
    )
    _check_staff(supervisor, unit, {Role.SUPERVISOR, Role.HEAD}, _("supervisor"), "supervisor")
    case = Case(
        number=new_case_number(received_at),
        person=person,
        unit=unit,
        source=source,
        received_at=received_at,
        urgency=urgency,
        target_group=target_group,
        approach=approach,
        pendamping=pendamping,
        supervisor=supervisor,
        referrer_name=referrer_name.strip(),
        referrer_institution=referrer_institution.strip(),
        referrer_contact=referrer_contact.strip(),
        referral_note=referral_note.strip(),
    )
    _clean(case)
    case.save()
    _event(
        case,
        actor=actor,
        kind="opened",
        at=received_at,
        stage_to=Stage.INTAKE,
        summary=_("Rujukan diterima dari %s") % case.get_source_display(),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=case,
        changes={k: [None, v] for k, v in snapshot(case, AUDITED).items() if v not in (None, "")},
    )
    return case


@transaction.atomic
def case_assign(
    *,
    actor,
    case: Case,
    pendamping: User | None = None,
    supervisor: User | None = None,
    expected_version: int | None = None,
) -> Case:
    """Assigns the case's pendamping and/or supervisor (heads and supervisors of the sentra)."""
    case = _locked_case(actor, case, expected_version)
    if actor.role not in workflow.CASE_LEADS:
        raise PermissionDenied(_("Hanya supervisor atau kepala sentra yang menetapkan pendamping."))
    before = snapshot(case, AUDITED)
    if pendamping is not None:
        _check_staff(
            pendamping, case.unit, {Role.PENDAMPING, Role.SUPERVISOR}, _("pendamping"), "pendamping"
        )
        case.pendamping = pendamping
    if supervisor is not None:
        _check_staff(
            supervisor, case.unit, {Role.SUPERVISOR, Role.HEAD}, _("supervisor"), "supervisor"
        )
        case.supervisor = supervisor
    _event(
        case,
        actor=actor,
        kind="assigned",
        summary=_("Pendamping: %(p)s; supervisor: %(s)s")
        % {"p": case.pendamping or "–", "s": case.supervisor or "–"},
    )
    return _save(case, actor, before)


@transaction.atomic
def case_contact_record(
    *, actor, case: Case, happened_at: dt.datetime, text: str, expected_version: int | None = None
) -> Case:
    """Records a contact or home visit; the first one sets the case's first-contact time."""
    case = _locked_case(actor, case, expected_version)
    if happened_at > timezone.now() or happened_at < case.received_at:
        raise _invalid(
            _("Waktu kontak harus antara waktu rujukan diterima dan sekarang."),
            {"happened_at": [_("Periksa tanggal dan jam.")]},
        )
    if not text.strip():
        raise _invalid(_("Tuliskan hasil kontak."), {"text": [_("Wajib diisi.")]})
    before = snapshot(case, AUDITED)
    CaseNote.objects.create(
        case=case, kind=NoteKind.CONTACT, text=text.strip(), happened_at=happened_at, author=actor
    )
    if case.first_contact_at is None or happened_at < case.first_contact_at:
        case.first_contact_at = happened_at
    _event(
        case,
        actor=actor,
        kind="contact",
        at=happened_at,
        summary=_("Kontak / kunjungan: %s") % text.strip()[:200],
    )
    return _save(case, actor, before)


@transaction.atomic
def case_penetapan(
    *, actor, case: Case, sk_number: str, sk_date: dt.date, expected_version: int | None = None
) -> Case:
    """Records the decree (SK penetapan) that makes the person a beneficiary (PM)."""
    case = _locked_case(actor, case, expected_version)
    if actor.role not in workflow.CASE_LEADS:
        raise PermissionDenied(_("Penetapan PM dicatat oleh supervisor atau kepala sentra."))
    if not sk_number.strip():
        raise _invalid(_("Nomor SK wajib diisi."), {"sk_number": [_("Wajib diisi.")]})
    if sk_date > timezone.localdate() or sk_date < timezone.localtime(case.received_at).date():
        raise _invalid(
            _("Tanggal SK harus antara tanggal rujukan dan hari ini."),
            {"sk_date": [_("Periksa tanggal SK.")]},
        )
    before = snapshot(case, AUDITED)
    case.sk_number, case.sk_date = sk_number.strip(), sk_date
    _event(
        case,
        actor=actor,
        kind="penetapan",
        summary=_("Ditetapkan sebagai PM dengan SK %(n)s tanggal %(d)s")
        % {"n": case.sk_number, "d": sk_date.strftime("%d-%m-%Y")},
    )
    return _save(case, actor, before)


@transaction.atomic
def case_transition(
    *, actor, case: Case, target: str, expected_version: int | None = None, note: str = ""
) -> Case:
    """Moves a case to the next stage when the move is allowed and its conditions are met."""
    case = _locked_case(
        actor, case, expected_version, allowed_after_withdrawal=target == Stage.CLOSED
    )
    move = workflow.find_move(case.stage, target)
    if move is None:
        raise ApplicationError(
            _("Kasus di tahap %(from)s tidak dapat dipindahkan ke tahap %(to)s.")
            % {
                "from": Stage(case.stage).label,
                "to": Stage(target).label if target in Stage.values else target,
            },
            code="illegal_transition",
        )
    if actor.role not in move.roles:
        raise PermissionDenied(_("Peran Anda tidak boleh melakukan langkah ini: %s.") % move.label)
    missing = workflow.blockers(move, case)
    if missing:
        raise ApplicationError(
            " ".join(missing), code="transition_blocked", details={"blockers": missing}
        )
    before = snapshot(case, AUDITED)
    stage_from, case.stage = case.stage, target
    if target == Stage.CLOSED:
        case.closed_at = timezone.now()
    _event(
        case,
        actor=actor,
        kind="stage",
        stage_from=stage_from,
        stage_to=target,
        summary=f"{Stage(stage_from).label} → {Stage(target).label}"
        + (f": {note.strip()}" if note.strip() else ""),
    )
    return _save(case, actor, before)


@transaction.atomic
def case_terminate(
    *,
    actor,
    case: Case,
    reason: str,
    outcome_rating: str,
    note: str = "",
    expected_version: int | None = None,
) -> Case:
    """Ends the intervention with a reason and an outcome rating (terminasi)."""
    case = _locked_case(actor, case, expected_version, allowed_after_withdrawal=True)
    if case.stage not in workflow.TERMINABLE:
        raise ApplicationError(
            _("Kasus di tahap %s tidak dapat diterminasi.") % Stage(case.stage).label,
            code="illegal_transition",
        )
    if actor.role not in workflow.CASE_WORKERS:
        raise PermissionDenied(_("Peran Anda tidak boleh menterminasi kasus."))
    if reason not in TerminationReason.values:
        raise _invalid(_("Pilih alasan terminasi."), {"reason": [_("Pilih salah satu alasan.")]})
    if (
        reason == TerminationReason.GOALS_MET
        and not case.plans.filter(status=PlanStatus.APPROVED).exists()
    ):
        raise _invalid(
            _("'Tujuan tercapai' memerlukan rencana intervensi yang disetujui."),
            {"reason": [_("Pilih alasan lain.")]},
        )
    before = snapshot(case, AUDITED)
    stage_from = case.stage
    case.stage, case.terminated_at = Stage.TERMINATION, timezone.now()
    case.termination_reason, case.outcome_rating, case.termination_note = (
        reason,
        outcome_rating,
        note.strip(),
    )
    _clean(case, exclude=["person", "unit", "pendamping", "supervisor"])
    _event(
        case,
        actor=actor,
        kind="stage",
        stage_from=stage_from,
        stage_to=Stage.TERMINATION,
        summary=_("Terminasi: %s") % TerminationReason(reason).label,
    )
    return _save(case, actor, before)


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str, expected_version: int | None = None) -> Case:
    """Reopens a closed case for a new assessment, keeping its whole history."""
    case = _locked_case(actor, case, expected_version)
    if case.stage != Stage.CLOSED:
        raise ApplicationError(
            _("Hanya kasus yang sudah ditutup yang dapat dibuka kembali."),
            code="illegal_transition",
        )
    if actor.role not in workflow.CASE_LEADS:
        raise PermissionDenied(
            _("Hanya supervisor atau kepala sentra yang dapat membuka kembali kasus.")
        )
    if not reason.strip():
        raise _invalid(_("Tuliskan alasan membuka kembali kasus."), {"reason": [_("Wajib diisi.")]})
    before = snapshot(case, AUDITED)
    case.stage, case.closed_at = Stage.ASSESSMENT, None
    case.terminated_at, case.termination_reason, case.outcome_rating = None, "", ""
    case.reopened_count += 1
    _event(
        case,
        actor=actor,
        kind="reopened",
        stage_from=Stage.CLOSED,
        stage_to=Stage.ASSESSMENT,
        summary=_("Dibuka kembali: %s") % reason.strip(),
    )
    return _save(case, actor, before)


@transaction.atomic
def assessment_record(
    *,
    actor,
    case: Case,
    form: FormDefinition,
    answers: dict[str, Any],
    summary: str = "",
    complete: bool = True,
    expected_version: int | None = None,
) -> Assessment:
    """Records an assessment on a pinned form version; completing it sets the case's assessment time."""
    case = _locked_case(actor, case, expected_version)
    if case.stage not in (Stage.ASSESSMENT, Stage.MONITORING, Stage.PLANNING):
        raise ApplicationError(
            _("Asesmen dicatat pada tahap asesmen (atau revisi saat monitoring)."),
            code="wrong_stage",
        )
    if form.kind != FormDefinition.Kind.ASSESSMENT or (
        form.target_groups and case.target_group not in form.target_groups
    ):
        raise _invalid(
            _("Formulir ini bukan formulir asesmen untuk klaster kasus."),
            {"form": [_("Pilih formulir lain.")]},
        )
    errors = validate_answers(form.definition, answers, require_all=complete)
    if errors:
        raise _invalid(_("Isian asesmen belum lengkap atau tidak valid."), errors)
    before = snapshot(case, AUDITED)
    assessment = Assessment.objects.create(
        case=case,
        form=form,
        answers=answers,
        scores=score_answers(form.definition, answers),
        summary=summary.strip(),
        assessor=actor,
        completed_at=timezone.now() if complete else None,
    )
    if complete and case.assessed_at is None:
        case.assessed_at = assessment.completed_at
    _event(
        case,
        actor=actor,
        kind="assessment",
        summary=_("Asesmen %(form)s %(state)s")
        % {"form": form, "state": _("selesai") if complete else _("disimpan sebagai draf")},
    )
    audit_record(
        actor=actor,
        action="create",
        obj=assessment,
        changes={"form": [None, str(form)], "scores": [None, assessment.scores]},
    )
    _save(case, actor, before)
    return assessment


@transaction.atomic
def plan_save(
    *,
    actor,
    case: Case,
    goals: list[dict],
    services: list[dict],
    expected_version: int | None = None,
) -> Plan:
    """Writes a new draft revision of the intervention plan (goals and planned ATENSI services)."""
    case = _locked_case(actor, case, expected_version)
    if case.stage not in (Stage.PLANNING,):
        raise ApplicationError(
            _("Rencana intervensi disusun pada tahap rencana intervensi."), code="wrong_stage"
        )
    goals = [
        {"code": f"T{i}", "text": g["text"].strip(), "met": False}
        for i, g in enumerate(goals, 1)
        if g.get("text", "").strip()
    ]
    if not goals:
        raise _invalid(_("Tuliskan minimal satu tujuan."), {"goals": [_("Wajib diisi.")]})
    if not services:
        raise _invalid(_("Rencanakan minimal satu layanan."), {"services": [_("Wajib diisi.")]})
    number = (case.plans.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    plan = Plan.objects.create(case=case, number=number, goals=goals, created_by=actor)
    rows = []
    for index, item in enumerate(services):
        row = PlannedService(plan=plan, **item)
        try:
            row.full_clean(exclude=["plan"])
        except ValidationError as exc:
            raise _invalid(
                _("Layanan rencana ke-%d belum benar.") % (index + 1),
                {f"services.{index}.{k}": v for k, v in exc.message_dict.items()},
            ) from None
        rows.append(row)
    PlannedService.objects.bulk_create(rows)
    before = snapshot(case, AUDITED)
    _event(
        case, actor=actor, kind="plan", summary=_("Rencana intervensi revisi %d disusun") % number
    )
    audit_record(
        actor=actor,
        action="create",
        obj=plan,
        changes={"goals": [None, goals], "services": [None, len(rows)]},
    )
    _save(case, actor, before)
    return plan


@transaction.atomic
def plan_submit(*, actor, plan: Plan) -> Plan:
    """Sends a draft plan to the supervisor or head for approval."""
    case = _locked_case(actor, plan.case, None)
    plan = Plan.objects.select_for_update().get(pk=plan.pk, case=case)
    if case.stage != Stage.PLANNING:
        raise ApplicationError(
            _("Rencana diajukan pada tahap rencana intervensi."), code="wrong_stage"
        )
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ApplicationError(
            _("Rencana ini sudah diajukan atau diputuskan."), code="wrong_status"
        )
    plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(
        case,
        actor=actor,
        kind="plan",
        summary=_("Rencana revisi %d diajukan untuk disetujui") % plan.number,
    )
    audit_record(
        actor=actor,
        action="update",
        obj=plan,
        changes={"status": [PlanStatus.DRAFT, PlanStatus.SUBMITTED]},
    )
    return plan


@transaction.atomic
def plan_decide(*, actor, plan: Plan, approve: bool, comment: str = "") -> Plan:
    """Approves a submitted plan, or returns it with a comment (supervisor or head of the sentra)."""
    case = _locked_case(actor, plan.case, None)
    if actor.role not in workflow.CASE_LEADS:
        raise PermissionDenied(_("Rencana disetujui oleh supervisor atau kepala sentra."))
    plan = Plan.objects.select_for_update().get(pk=plan.pk, case=case)
    if plan.status != PlanStatus.SUBMITTED:
        raise ApplicationError(
            _("Hanya rencana yang sudah diajukan yang dapat diputuskan."), code="wrong_status"
        )
    if not approve and not comment.strip():
        raise _invalid(
            _("Tuliskan apa yang harus diperbaiki."),
            {"comment": [_("Wajib diisi saat mengembalikan.")]},
        )
    old = plan.status
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.decided_by, plan.decided_at, plan.decision_comment = actor, timezone.now(), comment.strip()
    plan.save(
        update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"]
    )
    before = snapshot(case, AUDITED)
    if approve and case.plan_approved_at is None:
        case.plan_approved_at = plan.decided_at
    _event(
        case,
        actor=actor,
        kind="plan",
        summary=(
            _("Rencana revisi %d disetujui") if approve else _("Rencana revisi %d dikembalikan")
        )
        % plan.number,
        data={"comment": plan.decision_comment},
    )
    audit_record(actor=actor, action="update", obj=plan, changes={"status": [old, plan.status]})
    _save(case, actor, before)
    return plan


@transaction.atomic
def service_record(
    *,
    actor,
    case: Case,
    delivered_on: dt.date,
    component: str,
    description: str,
    quantity: int = 1,
    unit_cost: int = 0,
    ro_code: str = "",
    provider: User | None = None,
    provider_name: str = "",
) -> ServiceDelivery:
    """Records a service actually given; budget-spending services need the SK penetapan first.

    Only `case.pk` is used: the case is read again under a row lock (scope, stage, penetapan).
    """
    case = _locked_case(actor, case, None, related=False)
    if case.stage not in (Stage.INTERVENTION, Stage.MONITORING, Stage.AFTERCARE):
        raise ApplicationError(
            _(
                "Layanan dicatat pada tahap intervensi, monitoring atau bimbingan lanjut (sekarang: %s)."
            )
            % Stage(case.stage).label,
            code="wrong_stage",
        )
    if isinstance(unit_cost, float) or isinstance(quantity, float):
        raise _invalid(_("Jumlah dan harga satuan harus bilangan bulat (Rupiah)."))
    if unit_cost < 0:
        # The table's check constraint, said in words here so that _clean skips its query.
        raise _invalid(
            _("Harga satuan tidak boleh negatif."),
            {"unit_cost": [_("Harga satuan tidak boleh negatif.")]},
        )
    spends_budget = unit_cost > 0 or bool(ro_code.strip())
    if spends_budget and not case.is_beneficiary:
        raise ApplicationError(
            _(
                "Layanan yang memakai anggaran hanya boleh dicatat setelah penetapan PM (SK) dicatat."
            ),
            code="penetapan_required",
        )
    if (
        delivered_on > timezone.localdate()
        or delivered_on < timezone.localtime(case.received_at).date()
    ):
        raise _invalid(
            _("Tanggal layanan harus antara tanggal rujukan dan hari ini."),
            {"delivered_on": [_("Periksa tanggal.")]},
        )
    service = ServiceDelivery(
        case=case,
        delivered_on=delivered_on,
        component=component,
        description=description.strip(),
        quantity=quantity,
        unit_cost=unit_cost,
        ro_code=ro_code.strip(),
        provider=provider or actor,
        provider_name=provider_name.strip(),
        recorded_by=actor,
    )
    _clean(service, exclude=["case", "provider", "recorded_by"], constraints=False)
    service.save()
    _event(
        case,
        actor=actor,
        kind="service",
        at=timezone.now(),
        summary=_("Layanan %(c)s: %(d)s")
        % {"c": service.get_component_display(), "d": service.description[:150]},
        data={"service_id": service.pk},
    )
    audit_record(
        actor=actor,
        action="create",
        obj=service,
        changes={
            k: [None, v]
            for k, v in snapshot(
                service,
                [
                    "case",
                    "delivered_on",
                    "component",
                    "description",
                    "quantity",
                    "unit_cost",
                    "ro_code",
                ],
            ).items()
        },
    )
    return service


@transaction.atomic
def note_add(
    *,
    actor,
    case: Case,
    kind: str,
    text: str,
    happened_at: dt.datetime | None = None,
    goal_progress: dict | None = None,
) -> CaseNote:
    """Adds a case note or monitoring note (with progress per plan goal) to the timeline."""
    case = _locked_case(actor, case, None)
    if kind == NoteKind.CONTACT:
        raise _invalid(_("Kontak dicatat lewat 'Catat kontak'."))
    if not text.strip():
        raise _invalid(_("Tuliskan isi catatan."), {"text": [_("Wajib diisi.")]})
    note = CaseNote(
        case=case,
        kind=kind,
        text=text.strip(),
        happened_at=happened_at or timezone.now(),
        goal_progress=goal_progress or {},
        author=actor,
    )
    _clean(note, exclude=["case", "author"])
    note.save()
    _event(
        case,
        actor=actor,
        kind="note",
        at=note.happened_at,
        summary=f"{note.get_kind_display()}: {note.text[:200]}",
    )
    audit_record(
        actor=actor,
        action="create",
        obj=note,
        changes={"kind": [None, kind], "text": [None, note.text]},
    )
    return note


# ---------------------------------------------------------------------------------------------
# Transfer to another sentra and referral out
# ---------------------------------------------------------------------------------------------

# Who may give consent to a hand-over: the person, or for a child or a person under guardianship
# their parent or guardian (UU 27/2022 Pasal 25–26). A representative chosen by staff is not enough.
CONSENT_GIVERS_FOR_HANDOVER = frozenset(
    {ConsentGiver.SELF, ConsentGiver.PARENT, ConsentGiver.GUARDIAN}
)


def _handover_basis(
    actor, case: Case, consent: Consent | None, override_reason: str, what: str
) -> tuple[Consent | None, str]:
    """Returns the consent or the head's override reason that allows sharing the case elsewhere."""
    if consent is not None:
        consent = Consent.objects.select_for_update().filter(pk=consent.pk).first()
        if (
            consent is None
            or consent.person_id != case.person_id
            or consent.basis != ConsentBasis.CONSENT
            or consent.withdrawn_at is not None
            or consent.given_by not in CONSENT_GIVERS_FOR_HANDOVER
        ):
            raise _invalid(
                _(
                    "Persetujuan yang dipilih tidak dapat dipakai untuk %(what)s: harus persetujuan "
                    "orang ini (atau orang tua/walinya) yang tercatat dan belum ditarik."
                )
                % {"what": what},
                {"consent": [_("Pilih persetujuan lain atau catat persetujuan baru.")]},
                code="consent_invalid",
            )
        return consent, ""
    reason = override_reason.strip()
    if not reason:
        raise ApplicationError(
            _(
                "%(what)s memerlukan persetujuan orang ini (atau orang tua/walinya) yang tercatat. "
                "Catat persetujuannya lebih dulu, atau kepala sentra dapat melanjutkan tanpa "
                "persetujuan dengan menuliskan alasannya."
            )
            % {"what": what.capitalize()},
            code="consent_required",
            details={"consent": [_("Wajib ada persetujuan atau alasan kepala sentra.")]},
        )
    if actor.role != Role.HEAD:
        raise PermissionDenied(
            _("Hanya kepala sentra yang dapat melanjutkan %(what)s tanpa persetujuan.")
            % {"what": what},
            code="consent_required",
        )
    return None, reason


@transaction.atomic
def case_transfer(
    *,
    actor,
    case: Case,
    to_unit: Unit,
    reason: str,
    consent: Consent | None = None,
    override_reason: str = "",
    expected_version: int | None = None,
) -> Transfer:
    """Hands a case over to another sentra, on the person's consent or a head's recorded override.

    The receiving sentra's head assigns a new pendamping and supervisor; the timeline stays
    with the case, and the sending sentra keeps the hand-over record.
    """
    case = _locked_case(actor, case, expected_version)
    if actor.role not in workflow.CASE_LEADS:
        raise PermissionDenied(_("Pemindahan kasus dilakukan oleh supervisor atau kepala sentra."))
    if case.stage == Stage.CLOSED:
        raise ApplicationError(
            _("Kasus yang sudah ditutup tidak dapat dipindahkan; buka kembali lebih dulu."),
            code="wrong_stage",
        )
    if to_unit.type != UnitType.SENTRA or not to_unit.is_active:
        raise _invalid(
            _("Kasus hanya dapat dipindahkan ke sentra yang aktif."),
            {"to_unit": [_("Pilih sentra tujuan.")]},
        )
    if to_unit.pk == case.unit_id:
        raise _invalid(
            _("Sentra tujuan sama dengan sentra sekarang."), {"to_unit": [_("Pilih sentra lain.")]}
        )
    if not reason.strip():
        raise _invalid(_("Tuliskan alasan pemindahan."), {"reason": [_("Wajib diisi.")]})
    if case.stays.filter(discharged_at__isnull=True).exists():
        raise ApplicationError(
            _("Keluarkan dulu penerima manfaat dari layanan residensial sentra ini."),
            code="open_stay",
        )
    consent, override = _handover_basis(
        actor, case, consent, override_reason, _("pemindahan kasus ke sentra lain")
    )
    before = snapshot(case, AUDITED)
    transfer = Transfer.objects.create(
        case=case,
        from_unit_id=case.unit_id,
        to_unit=to_unit,
        reason=reason.strip(),
        consent=consent,
        override_reason=override,
        transferred_at=timezone.now(),
        transferred_by=actor,
    )
    from_name = case.unit.name
    case.unit, case.pendamping, case.supervisor = to_unit, None, None
    _event(
        case,
        actor=actor,
        kind="transfer",
        at=transfer.transferred_at,
        summary=_("Dipindahkan dari %(from)s ke %(to)s: %(reason)s")
        % {"from": from_name, "to": to_unit.name, "reason": transfer.reason[:150]},
        data={
            "transfer_id": transfer.pk,
            "from_unit": transfer.from_unit_id,
            "to_unit": to_unit.pk,
            "consent_id": consent.pk if consent else None,
            "override_reason": override,
        },
    )
    audit_record(
        actor=actor,
        action="create",
        obj=transfer,
        changes={
            k: [None, v]
            for k, v in snapshot(
                transfer, ["case", "from_unit", "to_unit", "reason", "consent", "override_reason"]
            ).items()
            if v not in (None, "")
        },
    )
    _save(case, actor, before)
    return transfer


REFERRAL_STAGES = (Stage.MONITORING, Stage.TERMINATION)


@transaction.atomic
def referral_out_record(
    *,
    actor,
    case: Case,
    institution: str,
    contact: str,
    reason: str,
    referred_at: dt.datetime,
    consent: Consent | None = None,
    override_reason: str = "",
) -> ReferralOut:
    """Records a referral out to another institution (monitoring or termination stage).

    Like a transfer it shares the person's data, so it needs their consent or a head's reason.
    It may stand beside a termination with reason "referred".
    """
    case = _locked_case(actor, case, None)
    if actor.role not in workflow.CASE_WORKERS:
        raise PermissionDenied(_("Peran Anda tidak boleh merujuk kasus."))
    if case.stage not in REFERRAL_STAGES:
        raise ApplicationError(
            _("Rujukan keluar dicatat pada tahap monitoring atau terminasi (sekarang: %s).")
            % Stage(case.stage).label,
            code="wrong_stage",
        )
    if not institution.strip():
        raise _invalid(
            _("Tuliskan lembaga penerima rujukan."), {"institution": [_("Wajib diisi.")]}
        )
    if not reason.strip():
        raise _invalid(_("Tuliskan alasan rujukan."), {"reason": [_("Wajib diisi.")]})
    if referred_at > timezone.now() or referred_at < case.received_at:
        raise _invalid(
            _("Waktu rujukan harus antara waktu rujukan diterima dan sekarang."),
            {"referred_at": [_("Periksa tanggal dan jam.")]},
        )
    consent, override = _handover_basis(
        actor, case, consent, override_reason, _("rujukan ke lembaga lain")
    )
    referral = ReferralOut(
        case=case,
        institution=institution.strip(),
        contact=contact.strip(),
        reason=reason.strip(),
        referred_at=referred_at,
        referred_by=actor,
        consent=consent,
        override_reason=override,
    )
    _clean(referral, exclude=["case", "referred_by", "consent"])
    referral.save()
    _event(
        case,
        actor=actor,
        kind="referral_out",
        at=referred_at,
        summary=_("Dirujuk ke %(inst)s: %(reason)s")
        % {"inst": referral.institution, "reason": referral.reason[:150]},
        data={"referral_id": referral.pk, "override_reason": override},
    )
    audit_record(
        actor=actor,
        action="create",
        obj=referral,
        changes={
            k: [None, v]
            for k, v in snapshot(
                referral,
                [
                    "case",
                    "institution",
                    "contact",
                    "reason",
                    "referred_at",
                    "consent",
                    "override_reason",
                ],
            ).items()
            if v not in (None, "")
        },
    )
    return referral


# ---------------------------------------------------------------------------------------------
# Residential stays
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def stay_admit(
    *, actor, case: Case, admitted_at: dt.datetime, over_capacity_reason: str = ""
) -> ResidentialStay:
    """Admits the person of a residential case to their sentra, within its bed capacity.

    A full sentra admits only on a head's recorded reason. The sentra row is locked before
    counting, so two admissions at once cannot both take the last bed.
    """
    case = _locked_case(actor, case, None)
    if actor.role not in workflow.CASE_WORKERS:
        raise PermissionDenied(_("Peran Anda tidak boleh menerima penerima manfaat residensial."))
    if case.approach != Approach.RESIDENTIAL:
        raise ApplicationError(
            _("Hanya kasus dengan pendekatan residensial yang dapat masuk ke asrama sentra."),
            code="not_residential",
        )
    if case.stage not in workflow.TERMINABLE:
        raise ApplicationError(
            _("Penerimaan residensial hanya pada tahap pendekatan awal sampai monitoring."),
            code="wrong_stage",
        )
    if admitted_at > timezone.now() or admitted_at < case.received_at:
        raise _invalid(
            _("Waktu masuk harus antara waktu rujukan diterima dan sekarang."),
            {"admitted_at": [_("Periksa tanggal dan jam.")]},
        )
    if case.stays.filter(discharged_at__isnull=True).exists():
        raise ApplicationError(
            _("Penerima manfaat ini masih tercatat tinggal di sentra."), code="already_admitted"
        )
    # PostgreSQL: the sentra row lock serialises admissions to one sentra. SQLite ignores the
    # lock but starts every write transaction IMMEDIATE, which serialises all writers anyway.
    unit = Unit.objects.select_for_update().get(pk=case.unit_id)
    occupied = ResidentialStay.objects.filter(unit=unit, discharged_at__isnull=True).count()
    reason = ""
    if occupied >= unit.residential_capacity:
        reason = over_capacity_reason.strip()
        facts = {"unit": unit.name, "occupied": occupied, "capacity": unit.residential_capacity}
        if not reason:
            raise ApplicationError(
                _(
                    "Kapasitas residensial %(unit)s penuh: %(occupied)d dari %(capacity)d tempat "
                    "tidur terisi. Kepala sentra dapat menerima melebihi kapasitas dengan "
                    "menuliskan alasannya."
                )
                % facts,
                code="over_capacity",
                details={"occupied": occupied, "capacity": unit.residential_capacity},
            )
        if actor.role != Role.HEAD:
            raise PermissionDenied(
                _(
                    "Kapasitas residensial %(unit)s penuh (%(occupied)d dari %(capacity)d); hanya "
                    "kepala sentra yang dapat menerima melebihi kapasitas."
                )
                % facts,
                code="over_capacity",
            )
    stay = ResidentialStay.objects.create(
        case=case,
        unit=unit,
        admitted_at=admitted_at,
        over_capacity_reason=reason,
        admitted_by=actor,
    )
    summary = _("Masuk layanan residensial %(unit)s (terisi %(n)d dari %(cap)d)") % {
        "unit": unit.name,
        "n": occupied + 1,
        "cap": unit.residential_capacity,
    }
    if reason:
        summary += " — " + _("melebihi kapasitas: %s") % reason
    _event(
        case,
        actor=actor,
        kind="stay_admitted",
        at=admitted_at,
        summary=summary,
        data={"stay_id": stay.pk, "over_capacity_reason": reason},
    )
    audit_record(
        actor=actor,
        action="create",
        obj=stay,
        changes={
            "case": [None, case.pk],
            "unit": [None, unit.pk],
            "admitted_at": [None, admitted_at.isoformat()],
            "occupied_before": [None, occupied],
            "capacity": [None, unit.residential_capacity],
            **({"over_capacity_reason": [None, reason]} if reason else {}),
        },
    )
    return stay


@transaction.atomic
def stay_discharge(
    *, actor, stay: ResidentialStay, discharged_at: dt.datetime, note: str = ""
) -> ResidentialStay:
    """Discharges a resident from the sentra's residential care, freeing the bed."""
    case = _locked_case(actor, stay.case, None, allowed_after_withdrawal=True)
    if actor.role not in workflow.CASE_WORKERS:
        raise PermissionDenied(_("Peran Anda tidak boleh mengeluarkan penerima manfaat."))
    stay = ResidentialStay.objects.select_for_update().get(pk=stay.pk, case=case)
    if stay.discharged_at is not None:
        raise ApplicationError(
            _("Penerima manfaat ini sudah keluar dari layanan residensial."),
            code="already_discharged",
        )
    if discharged_at > timezone.now() or discharged_at < stay.admitted_at:
        raise _invalid(
            _("Waktu keluar harus antara waktu masuk dan sekarang."),
            {"discharged_at": [_("Periksa tanggal dan jam.")]},
        )
    stay.discharged_at = discharged_at
    stay.save(update_fields=["discharged_at"])
    _event(
        case,
        actor=actor,
        kind="stay_discharged",
        at=discharged_at,
        summary=_("Keluar dari layanan residensial %s") % stay.unit.name
        + (f": {note.strip()[:150]}" if note.strip() else ""),
        data={"stay_id": stay.pk},
    )
    audit_record(
        actor=actor,
        action="update",
        obj=stay,
        changes={"discharged_at": [None, discharged_at.isoformat()]},
    )
    return stay


# ---------------------------------------------------------------------------------------------
# Aftercare (bimbingan lanjut)
# ---------------------------------------------------------------------------------------------

AFTERCARE_STAGES = (Stage.TERMINATION, Stage.AFTERCARE)


@transaction.atomic
def aftercare_schedule(*, actor, case: Case, scheduled_for: dt.date) -> AftercareVisit:
    """Schedules an aftercare visit for a terminated case or one in aftercare."""
    case = _locked_case(actor, case, None)
    if actor.role not in workflow.CASE_WORKERS:
        raise PermissionDenied(_("Peran Anda tidak boleh menjadwalkan bimbingan lanjut."))
    if case.stage not in AFTERCARE_STAGES:
        raise ApplicationError(
            _("Kunjungan bimbingan lanjut dijadwalkan pada tahap terminasi atau bimbingan lanjut."),
            code="wrong_stage",
        )
    earliest = timezone.localtime(case.terminated_at or case.received_at).date()
    if scheduled_for < earliest:
        raise _invalid(
            _("Jadwal kunjungan tidak boleh sebelum tanggal terminasi (%s).")
            % earliest.strftime("%d-%m-%Y"),
            {"scheduled_for": [_("Periksa tanggal.")]},
        )
    visit = AftercareVisit.objects.create(case=case, scheduled_for=scheduled_for)
    _event(
        case,
        actor=actor,
        kind="aftercare_scheduled",
        summary=_("Kunjungan bimbingan lanjut dijadwalkan %s") % scheduled_for.strftime("%d-%m-%Y"),
        data={"visit_id": visit.pk},
    )
    audit_record(
        actor=actor,
        action="create",
        obj=visit,
        changes={"case": [None, case.pk], "scheduled_for": [None, scheduled_for.isoformat()]},
    )
    return visit


@transaction.atomic
def aftercare_record(
    *, actor, visit: AftercareVisit, done_at: dt.datetime, notes: str
) -> AftercareVisit:
    """Records that a scheduled aftercare visit took place, with what was found."""
    case = _locked_case(actor, visit.case, None)
    if actor.role not in workflow.CASE_WORKERS:
        raise PermissionDenied(_("Peran Anda tidak boleh mencatat bimbingan lanjut."))
    if case.stage not in AFTERCARE_STAGES:
        raise ApplicationError(
            _("Kunjungan bimbingan lanjut dicatat pada tahap terminasi atau bimbingan lanjut."),
            code="wrong_stage",
        )
    visit = AftercareVisit.objects.select_for_update().get(pk=visit.pk, case=case)
    if visit.done_at is not None:
        raise ApplicationError(_("Kunjungan ini sudah dicatat."), code="already_done")
    if done_at > timezone.now() or done_at < case.received_at:
        raise _invalid(
            _("Waktu kunjungan harus antara waktu rujukan diterima dan sekarang."),
            {"done_at": [_("Periksa tanggal dan jam.")]},
        )
    if not notes.strip():
        raise _invalid(_("Tuliskan hasil kunjungan."), {"notes": [_("Wajib diisi.")]})
    visit.done_at, visit.notes, visit.visited_by = done_at, notes.strip(), actor
    visit.save(update_fields=["done_at", "notes", "visited_by"])
    _event(
        case,
        actor=actor,
        kind="aftercare_visit",
        at=done_at,
        summary=_("Kunjungan bimbingan lanjut: %s") % visit.notes[:200],
        data={"visit_id": visit.pk},
    )
    audit_record(
        actor=actor,
        action="update",
        obj=visit,
        changes={"done_at": [None, done_at.isoformat()], "notes": [None, visit.notes]},
    )
    return visit


# ---------------------------------------------------------------------------------------------
# Outcome measures
# ---------------------------------------------------------------------------------------------

# When each measurement may be taken: the baseline while the case is being assessed and planned,
# the follow-up when the intervention ends, and again during aftercare.
PHASE_STAGES = {
    MeasurementPhase.ASSESSMENT: (Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING),
    MeasurementPhase.TERMINATION: (Stage.MONITORING, Stage.TERMINATION),
    MeasurementPhase.AFTERCARE: (Stage.AFTERCARE,),
}


@transaction.atomic
def outcome_record(
    *,
    actor,
    case: Case,
    scale: FormDefinition,
    phase: str,
    taken_on: dt.date,
    answers: dict[str, Any],
) -> OutcomeMeasurement:
    """Scores a standard outcome scale for the case at assessment, termination or aftercare."""
    case = _locked_case(actor, case, None)
    if actor.role not in workflow.CASE_WORKERS:
        raise PermissionDenied(_("Peran Anda tidak boleh mencatat pengukuran hasil."))
    if scale.kind != FormDefinition.Kind.OUTCOME or (
        scale.target_groups and case.target_group not in scale.target_groups
    ):
        raise _invalid(
            _("Skala ini bukan skala hasil untuk klaster kasus."),
            {"scale": [_("Pilih skala lain.")]},
        )
    # A retired scale version still serves the cases measured on it, so before and after compare.
    if not scale.is_active and not case.measurements.filter(scale=scale).exists():
        raise _invalid(
            _("Versi skala ini tidak dipakai lagi untuk pengukuran baru; pilih versi terbaru."),
            {"scale": [_("Pilih skala lain.")]},
        )
    if phase not in PHASE_STAGES:
        raise _invalid(_("Pilih fase pengukuran."), {"phase": [_("Pilih salah satu fase.")]})
    if case.stage not in PHASE_STAGES[phase]:
        raise ApplicationError(
            _("Pengukuran %(phase)s tidak dapat dicatat pada tahap %(stage)s.")
            % {"phase": MeasurementPhase(phase).label.lower(), "stage": Stage(case.stage).label},
            code="wrong_stage",
        )
    if taken_on > timezone.localdate() or taken_on < timezone.localtime(case.received_at).date():
        raise _invalid(
            _("Tanggal pengukuran harus antara tanggal rujukan dan hari ini."),
            {"taken_on": [_("Periksa tanggal.")]},
        )
    errors = validate_answers(scale.definition, answers, require_all=True)
    if errors:
        raise _invalid(_("Isian skala belum lengkap atau tidak valid."), errors)
    scores = score_answers(scale.definition, answers)
    if "total" not in scores:
        raise _invalid(_("Skala ini tidak menghasilkan skor."), {"scale": [_("Pilih skala lain.")]})
    measurement = OutcomeMeasurement.objects.create(
        case=case,
        scale=scale,
        phase=phase,
        taken_on=taken_on,
        answers=answers,
        score=scores["total"],
        taken_by=actor,
    )
    _event(
        case,
        actor=actor,
        kind="outcome",
        summary=_("Pengukuran %(scale)s (%(phase)s): skor %(score)d%(band)s")
        % {
            "scale": scale.title,
            "phase": MeasurementPhase(phase).label.lower(),
            "score": measurement.score,
            "band": f", {scores['band']}" if scores.get("band") else "",
        },
        data={"measurement_id": measurement.pk, "scale": scale.code, "score": measurement.score},
    )
    audit_record(
        actor=actor,
        action="create",
        obj=measurement,
        changes={
            "scale": [None, str(scale)],
            "phase": [None, phase],
            "taken_on": [None, taken_on.isoformat()],
            "score": [None, measurement.score],
        },
    )
    return measurement


# ---------------------------------------------------------------------------------------------
# Attachments
# ---------------------------------------------------------------------------------------------


def _upload_error(code: str) -> str:
    if code == "file_too_large":
        return _("Berkas terlalu besar: paling besar %d MB.") % (MAX_ATTACHMENT_BYTES // 2**20)
    if code == "file_empty":
        return _("Berkas kosong.")
    return _("Jenis berkas tidak diterima: unggah PDF, JPG, PNG, WEBP atau HEIC.")


@transaction.atomic
def attachment_add(
    *,
    actor,
    case: Case,
    file: UploadedFile,
    kind: str,
    description: str = "",
    service: ServiceDelivery | None = None,
) -> Attachment:
    """Stores a receipt, photo or signed form with a case (PDF or image, at most 10 MB).

    The file gets a random name under MEDIA_ROOT/cases/ and is served only through an
    access-checked view; its SHA-256 proves later that it has not changed.
    """
    # Receipts of services already given remain state-finance evidence after a withdrawal.
    is_receipt = kind == AttachmentKind.RECEIPT and service is not None
    case = _locked_case(actor, case, None, allowed_after_withdrawal=is_receipt)
    if kind not in AttachmentKind.values:
        raise _invalid(_("Pilih jenis lampiran."), {"kind": [_("Pilih salah satu jenis.")]})
    if service is not None and service.case_id != case.pk:
        raise _invalid(
            _("Layanan yang dipilih bukan milik kasus ini."),
            {"service": [_("Pilih layanan lain.")]},
        )
    checked = check_upload(file)
    if isinstance(checked, str):
        message = _upload_error(checked)
        raise _invalid(message, {"file": [message]}, code=checked)
    attachment = Attachment(
        case=case,
        service=service,
        kind=kind,
        description=description.strip()[:200],
        original_name=os.path.basename(file.name or "berkas")[:200],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(checked.stored_name, file, save=False)
    try:
        attachment.save()
        _event(
            case,
            actor=actor,
            kind="attachment",
            summary=_("Lampiran %(kind)s: %(name)s")
            % {"kind": attachment.get_kind_display(), "name": attachment.original_name},
            data={"attachment_id": attachment.pk, "service_id": service.pk if service else None},
        )
        audit_record(
            actor=actor,
            action="create",
            obj=attachment,
            changes={
                k: [None, v]
                for k, v in snapshot(
                    attachment,
                    ["case", "service", "kind", "original_name", "content_type", "size", "sha256"],
                ).items()
                if v not in (None, "")
            },
        )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_open(*, actor, pk) -> Attachment:
    """Returns an attachment for download to a user who may see its case, recording the view."""
    attachment = attachment_get(actor, pk)
    audit_record(
        actor=actor,
        action="view",
        obj=attachment,
        changes={"case": attachment.case_id, "sha256": attachment.sha256},
    )
    return attachment


@transaction.atomic
def case_read(*, actor, pk) -> Case:
    """Returns a case for reading and records that `actor` viewed it (UU PDP Pasal 31)."""
    case = case_get(actor, pk)
    audit_record(actor=actor, action="view", obj=case)
    return case
