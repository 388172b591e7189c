"""Writes to cases. Each one checks the rules, writes the timeline and the audit row, in one transaction."""

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.accounts.access import can_write_cases
from atensi.accounts.models import Role, User
from atensi.common.audit import audit_record, diff, snapshot
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied
from atensi.organisation.models import Unit
from atensi.registry.models import Person
from atensi.registry.selectors import persons_visible_to

from . import workflow
from .choices import NoteKind, PlanStatus, Stage, TerminationReason
from .forms_engine import score_answers, validate_answers
from .models import (
    Assessment,
    Case,
    CaseEvent,
    CaseNote,
    FormDefinition,
    Plan,
    PlannedService,
    ServiceDelivery,
)
from .selectors import case_get

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


def _clean(instance, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
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


def _locked_case(actor, case: Case, expected_version: int | None) -> Case:
    """Re-reads the case under a row lock, checking the actor's access and the editor's version."""
    if not can_write_cases(actor):
        raise PermissionDenied(_("Peran Anda tidak boleh mengubah kasus."))
    current = case_get(actor, case.pk, for_update=True)
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
    case = _locked_case(actor, case, expected_version)
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
    case = _locked_case(actor, case, expected_version)
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
    """Records a service actually given; budget-spending services need the SK penetapan first."""
    case = _locked_case(actor, case, None)
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
    _clean(service, exclude=["case", "provider", "recorded_by"])
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
