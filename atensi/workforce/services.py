"""Writes about the workforce. Each checks the rules and writes its audit row in one transaction."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as Switch
from django.db.models import IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atensi.accounts.access import (
    can_decide_monthly_report,
    can_edit_worker_profile,
    can_file_monthly_report,
    can_manage_team,
    can_move_worker,
    workforce_sees_all_units,
)
from atensi.accounts.models import Role, User
from atensi.cases import workflow
from atensi.cases.choices import Urgency
from atensi.cases.models import Case
from atensi.cases.selectors import case_get, cases_visible_to, consent_withdrawal
from atensi.cases.services import case_assign
from atensi.common.audit import audit_record, diff, snapshot
from atensi.common.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from atensi.organisation.models import TargetGroup, Unit
from atensi.organisation.selectors import region_code_exists

from .choices import (
    COMPLETED_RESULTS,
    AbsenceKind,
    CertificateLevel,
    DecisionKind,
    Employment,
    ReportAction,
    ReportStatus,
    TrainingResult,
    WorkerKind,
)
from .models import (
    Absence,
    AbsenceDay,
    AssignmentHistory,
    CaseAssignmentDecision,
    Course,
    MonthlyReport,
    MonthlyReportEvent,
    TrainingRecord,
    WorkerProfile,
)
from .reports import report_due, report_figures
from .rules import RuleBook
from .selectors import case_share, report_get, worker_get, worker_kind
from .suggestions import candidate_pool, suggest
from .workdays import days, month_end, month_start

# Roles that work with cases and so may carry a worker profile.
PROFILE_ROLES = {Role.PENDAMPING, Role.SUPERVISOR, Role.HEAD}
# Employment that runs for a fixed period (contract, PPPK agreement) needs its dates.
FIXED_TERM = {Employment.CONTRACT, Employment.PPPK}
PROFILE_FIELDS = [
    "kind",
    "employment",
    "employee_number",
    "contract_start",
    "contract_end",
    "areas",
    "languages",
    "specialisations",
    "certificate_level",
    "certificate_number",
    "certificate_issued_on",
    "certificate_expires_on",
]
REPORT_AUDITED = ["status", "narrative", "submitted_at", "decided_at", "decision_comment"]


def _invalid(message, details=None, code="invalid") -> ApplicationError:
    return ApplicationError(message, code=code, details=details or {})


def _clean(instance, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise _invalid(
            _("Data belum benar; perbaiki kolom yang ditandai."), exc.message_dict
        ) from None


def _stale(current_version: int) -> Conflict:
    return Conflict(
        _("Data ini sudah diubah orang lain. Muat ulang halaman; isian Anda belum disimpan."),
        code="stale_version",
        details={"current_version": current_version},
    )


def _date_text(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


# ---------------------------------------------------------------------------------------------
# Profile and assignment history
# ---------------------------------------------------------------------------------------------


def _clean_list(values, *, upper=False) -> list[str]:
    out = []
    for value in values or []:
        text = str(value).strip()
        if text and text not in out:
            out.append(text.upper() if upper else text)
    return out


def _profile_errors(profile: WorkerProfile) -> dict:
    errors: dict[str, list[str]] = {}
    if profile.kind not in WorkerKind.values:
        errors["kind"] = [_("Pilih jenis tenaga.")]
    if profile.employment not in Employment.values:
        errors["employment"] = [_("Pilih status kepegawaian.")]
    if profile.employment in FIXED_TERM and not (profile.contract_start and profile.contract_end):
        errors["contract_end"] = [_("Isi awal dan akhir masa kontrak/perjanjian kerja.")]
    unknown_areas = [a for a in profile.areas if not region_code_exists(a)]
    if unknown_areas:
        errors["areas"] = [_("Kode wilayah tidak dikenal: %s.") % ", ".join(unknown_areas)]
    unknown_groups = [g for g in profile.specialisations if g not in TargetGroup.values]
    if unknown_groups:
        errors["specialisations"] = [_("Klaster tidak dikenal: %s.") % ", ".join(unknown_groups)]
    if profile.certificate_level:
        if profile.certificate_level not in CertificateLevel.values:
            errors["certificate_level"] = [_("Pilih jenjang sertifikat.")]
        if not profile.certificate_number or not profile.certificate_issued_on:
            errors["certificate_number"] = [_("Isi nomor dan tanggal terbit sertifikat.")]
    if (
        profile.certificate_issued_on
        and profile.certificate_expires_on
        and profile.certificate_expires_on < profile.certificate_issued_on
    ):
        errors["certificate_expires_on"] = [_("Masa berlaku tidak boleh sebelum tanggal terbit.")]
    return errors


@transaction.atomic
def worker_profile_save(
    *,
    actor,
    worker: User,
    kind: str,
    employment: str,
    employee_number: str = "",
    contract_start: dt.date | None = None,
    contract_end: dt.date | None = None,
    areas: list[str] | tuple = (),
    languages: list[str] | tuple = (),
    specialisations: list[str] | tuple = (),
    certificate_level: str = "",
    certificate_number: str = "",
    certificate_issued_on: dt.date | None = None,
    certificate_expires_on: dt.date | None = None,
    assigned_since: dt.date | None = None,
    expected_version: int | None = None,
) -> WorkerProfile:
    """Creates or updates a worker's profile (head of their sentra or an administrator).

    The first profile also starts the worker's assignment history in their unit, from
    `assigned_since` (else the contract start, else the account's creation).
    """
    worker = User.objects.select_related("unit").get(pk=worker.pk)
    if not can_edit_worker_profile(actor, worker.unit):
        if not (workforce_sees_all_units(actor) or worker.unit_id == actor.unit_id):
            raise NotFound(_("Tenaga tidak ditemukan."))
        raise PermissionDenied(_("Profil tenaga diisi oleh kepala sentra atau administrator."))
    if worker.role not in PROFILE_ROLES or not worker.is_active:
        raise _invalid(
            _("Profil tenaga hanya untuk pendamping, supervisor atau kepala sentra aktif.")
        )
    profile = WorkerProfile.objects.select_for_update().filter(user=worker).first()
    created = profile is None
    if created:
        profile = WorkerProfile(user=worker)
    elif expected_version is not None and profile.version != expected_version:
        raise _stale(profile.version)
    before = {} if created else snapshot(profile, PROFILE_FIELDS)
    profile.kind, profile.employment = kind, employment
    profile.employee_number = employee_number.strip()
    profile.contract_start, profile.contract_end = contract_start, contract_end
    profile.areas = _clean_list(areas)
    profile.languages = _clean_list(languages)
    profile.specialisations = _clean_list(specialisations)
    profile.certificate_level = certificate_level
    profile.certificate_number = certificate_number.strip()
    profile.certificate_issued_on = certificate_issued_on
    profile.certificate_expires_on = certificate_expires_on
    errors = _profile_errors(profile)
    if errors:
        raise _invalid(_("Data belum benar; perbaiki kolom yang ditandai."), errors)
    _clean(profile, exclude=["user"])
    if not created:
        profile.version += 1
    profile.save()
    if not AssignmentHistory.objects.filter(worker=worker).exists():
        # The worker's time in their unit starts with the record; a later move closes it.
        AssignmentHistory.objects.create(
            worker=worker,
            unit_id=worker.unit_id,
            starts_on=assigned_since
            or contract_start
            or timezone.localtime(worker.date_joined).date(),
            recorded_by=actor,
        )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=profile,
        changes=diff(before, snapshot(profile, PROFILE_FIELDS)),
    )
    return profile


@transaction.atomic
def worker_move(
    *, actor, worker: User, unit: Unit, on: dt.date, note: str = ""
) -> AssignmentHistory:
    """Moves a worker to another unit from a day on, keeping where they were before."""
    if not can_move_worker(actor):
        raise PermissionDenied(_("Pemindahan tenaga antarunit dilakukan oleh administrator."))
    worker = User.objects.select_for_update().get(pk=worker.pk)
    if unit.pk == worker.unit_id:
        raise _invalid(
            _("Unit tujuan sama dengan unit sekarang."), {"unit": [_("Pilih unit lain.")]}
        )
    if not unit.is_active:
        raise _invalid(_("Unit tujuan tidak aktif."), {"unit": [_("Pilih unit lain.")]})
    active = Case.objects.filter(pendamping=worker, stage__in=workflow.ACTIVE).count()
    if active:
        raise ApplicationError(
            ngettext(
                "%(who)s masih memegang %(n)d kasus aktif di %(unit)s. Alihkan kasusnya lebih "
                "dulu (Pengalihan kasus di papan tim).",
                "%(who)s masih memegang %(n)d kasus aktif di %(unit)s. Alihkan kasusnya lebih "
                "dulu (Pengalihan kasus di papan tim).",
                active,
            )
            % {"who": worker, "n": active, "unit": worker.unit.name},
            code="active_cases",
            details={"active_cases": active},
        )
    current = (
        AssignmentHistory.objects.select_for_update()
        .filter(worker=worker, ends_on__isnull=True)
        .first()
    )
    if current is None:
        current = AssignmentHistory.objects.create(
            worker=worker,
            unit_id=worker.unit_id,
            starts_on=min(timezone.localtime(worker.date_joined).date(), on - dt.timedelta(days=1)),
            recorded_by=actor,
        )
    if on <= current.starts_on:
        raise _invalid(
            _("Tanggal pindah harus sesudah %s (awal penugasan sekarang).")
            % _date_text(current.starts_on),
            {"on": [_("Periksa tanggal.")]},
        )
    current.ends_on = on - dt.timedelta(days=1)
    current.save(update_fields=["ends_on"])
    following = AssignmentHistory.objects.create(
        worker=worker, unit=unit, starts_on=on, note=note.strip()[:200], recorded_by=actor
    )
    old_unit = worker.unit_id
    worker.unit = unit
    worker.save(update_fields=["unit"])
    audit_record(
        actor=actor,
        action="update",
        obj=worker,
        changes={"unit": [old_unit, unit.pk], "moved_on": [None, on.isoformat()]},
    )
    audit_record(
        actor=actor,
        action="create",
        obj=following,
        changes={"unit": [None, unit.pk], "starts_on": [None, on.isoformat()]},
    )
    return following


# ---------------------------------------------------------------------------------------------
# Leave and training
# ---------------------------------------------------------------------------------------------


def _managed_worker(actor, worker: User) -> User:
    worker = worker_get(actor, worker.pk)
    if not can_manage_team(actor, worker.unit):
        raise PermissionDenied(
            _("Hanya supervisor atau kepala sentra tenaga ini yang dapat mencatatnya.")
        )
    return worker


@transaction.atomic
def absence_record(
    *, actor, worker: User, kind: str, starts_on: dt.date, ends_on: dt.date, note: str = ""
) -> Absence:
    """Records a worker's leave or other absence (supervisor or head of their sentra)."""
    worker = _managed_worker(actor, worker)
    if kind not in AbsenceKind.values:
        raise _invalid(_("Pilih jenis ketidakhadiran."), {"kind": [_("Pilih salah satu.")]})
    if ends_on < starts_on:
        raise _invalid(
            _("Tanggal akhir tidak boleh sebelum tanggal mulai."),
            {"ends_on": [_("Periksa tanggal.")]},
        )
    if (ends_on - starts_on).days > 366:
        raise _invalid(
            _("Satu catatan paling lama satu tahun."), {"ends_on": [_("Periksa tanggal.")]}
        )
    overlap = Absence.objects.filter(
        worker=worker, cancelled_at__isnull=True, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlap:
        raise _invalid(
            _("Sudah tercatat %(kind)s %(from)s s.d. %(to)s yang bertumpang tindih.")
            % {
                "kind": overlap.get_kind_display().lower(),
                "from": _date_text(overlap.starts_on),
                "to": _date_text(overlap.ends_on),
            },
            {"starts_on": [_("Periksa tanggal.")]},
            code="overlap",
        )
    absence = Absence.objects.create(
        worker=worker,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip()[:200],
        recorded_by=actor,
    )
    AbsenceDay.objects.bulk_create(
        AbsenceDay(absence=absence, worker=worker, day=day) for day in days(starts_on, ends_on)
    )
    audit_record(
        actor=actor,
        action="create",
        obj=absence,
        changes={
            "worker": [None, worker.pk],
            "kind": [None, kind],
            "starts_on": [None, starts_on.isoformat()],
            "ends_on": [None, ends_on.isoformat()],
        },
    )
    return absence


@transaction.atomic
def absence_cancel(*, actor, absence: Absence) -> Absence:
    """Cancels a recorded absence; the row stays, marked cancelled."""
    _managed_worker(actor, absence.worker)
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    if absence.cancelled_at is not None:
        raise ApplicationError(_("Catatan ini sudah dibatalkan."), code="already_cancelled")
    absence.cancelled_at = timezone.now()
    absence.save(update_fields=["cancelled_at"])
    absence.days.all().delete()
    audit_record(
        actor=actor,
        action="update",
        obj=absence,
        changes={"cancelled_at": [None, absence.cancelled_at.isoformat()]},
    )
    return absence


@transaction.atomic
def training_record(
    *,
    actor,
    worker: User,
    course: Course,
    started_on: dt.date,
    result: str,
    finished_on: dt.date | None = None,
    certificate_number: str = "",
    certificate_expires_on: dt.date | None = None,
    note: str = "",
) -> TrainingRecord:
    """Records a worker's participation in a course of the catalogue, with its result."""
    worker = _managed_worker(actor, worker)
    if result not in TrainingResult.values:
        raise _invalid(_("Pilih hasil pelatihan."), {"result": [_("Pilih salah satu.")]})
    if result != TrainingResult.ONGOING and finished_on is None:
        raise _invalid(
            _("Isi tanggal selesai untuk pelatihan yang sudah berakhir."),
            {"finished_on": [_("Wajib diisi.")]},
        )
    if finished_on and finished_on > timezone.localdate():
        raise _invalid(
            _("Tanggal selesai tidak boleh di masa depan."),
            {"finished_on": [_("Periksa tanggal.")]},
        )
    if (
        certificate_expires_on is None
        and result in COMPLETED_RESULTS
        and course.certificate_valid_months
        and finished_on
    ):
        months = finished_on.month - 1 + course.certificate_valid_months
        year, month = finished_on.year + months // 12, months % 12 + 1
        certificate_expires_on = month_end(dt.date(year, month, 1)).replace(
            day=min(finished_on.day, month_end(dt.date(year, month, 1)).day)
        )
    record = TrainingRecord(
        worker=worker,
        course=course,
        started_on=started_on,
        finished_on=finished_on,
        result=result,
        certificate_number=certificate_number.strip(),
        certificate_expires_on=certificate_expires_on,
        note=note.strip()[:200],
        recorded_by=actor,
    )
    _clean(record, exclude=["worker", "course", "recorded_by"])
    record.save()
    audit_record(
        actor=actor,
        action="create",
        obj=record,
        changes={
            k: [None, v]
            for k, v in snapshot(
                record,
                [
                    "worker",
                    "course",
                    "started_on",
                    "finished_on",
                    "result",
                    "certificate_expires_on",
                ],
            ).items()
            if v not in (None, "")
        },
    )
    return record


# ---------------------------------------------------------------------------------------------
# Assigning cases
# ---------------------------------------------------------------------------------------------


def _decision(
    *, actor, case: Case, kind: str, previous, suggestion, chosen: User, note: str, batch: str = ""
) -> CaseAssignmentDecision:
    decision = CaseAssignmentDecision.objects.create(
        case=case,
        kind=kind,
        previous=previous,
        suggested=suggestion.worker,
        reasons=suggestion.reasons,
        candidates=suggestion.candidates_record(),
        chosen=chosen,
        chosen_by=actor,
        decided_at=timezone.now(),
        note=note.strip(),
        batch=batch,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=decision,
        changes={
            "case": [None, case.pk],
            "previous": [None, previous.pk if previous else None],
            "suggested": [None, suggestion.worker.pk if suggestion.worker else None],
            "chosen": [None, chosen.pk],
            "followed_suggestion": [None, decision.followed_suggestion],
            **({"batch": [None, batch]} if batch else {}),
        },
    )
    return decision


@transaction.atomic
def case_assignment_decide(
    *, actor, case: Case, worker: User, note: str = "", expected_version: int | None = None
) -> CaseAssignmentDecision:
    """Assigns the pendamping chosen for a case, recording the system's suggestion beside it."""
    case = case_get(actor, case.pk)
    if not can_manage_team(actor, case.unit):
        raise PermissionDenied(_("Hanya supervisor atau kepala sentra yang menetapkan pendamping."))
    if case.stage not in workflow.ACTIVE:
        raise ApplicationError(
            _("Pendamping hanya ditetapkan untuk kasus yang masih berjalan."), code="wrong_stage"
        )
    if case.pendamping_id == worker.pk:
        raise _invalid(
            _("%s sudah menjadi pendamping kasus ini.") % worker,
            {"worker": [_("Pilih tenaga lain.")]},
        )
    today = timezone.localdate()
    rules = RuleBook(today)
    suggestion = suggest(case, candidate_pool(case.unit, rules=rules, today=today), rules=rules)
    previous = case.pendamping
    case_assign(actor=actor, case=case, pendamping=worker, expected_version=expected_version)
    return _decision(
        actor=actor,
        case=case,
        kind=DecisionKind.REASSIGN if previous else DecisionKind.ASSIGN,
        previous=previous,
        suggestion=suggestion,
        chosen=worker,
        note=note,
    )


@dataclass
class Reassignment:
    decisions: list[CaseAssignmentDecision] = field(default_factory=list)
    skipped: list[tuple[Case, str]] = field(default_factory=list)
    batch: str = ""


URGENCY_ORDER = Switch(
    When(urgency=Urgency.EMERGENCY, then=Value(0)),
    When(urgency=Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@transaction.atomic
def cases_reassign(
    *, actor, from_worker: User, to_worker: User | None = None, note: str = ""
) -> Reassignment:
    """Moves every active case of a leaving worker to one colleague or to each case's suggestion.

    All cases move in one transaction, each through cases.services.case_assign, so every case
    keeps its own timeline entry and audit row. Cases whose person withdrew consent cannot be
    processed further and stay where they are, listed in the result.
    """
    from_worker = _managed_worker(actor, from_worker)
    if to_worker is not None and to_worker.pk == from_worker.pk:
        raise _invalid(
            _("Pilih tenaga lain sebagai penerima."), {"to_worker": [_("Pilih tenaga lain.")]}
        )
    cases = list(
        cases_visible_to(actor)
        .filter(pendamping=from_worker, stage__in=workflow.ACTIVE)
        .select_related("person", "unit", "pendamping")
        .annotate(urgency_order=URGENCY_ORDER)
        .order_by("urgency_order", "received_at", "id")
    )
    if not cases:
        raise ApplicationError(
            _("%s tidak memegang kasus aktif.") % from_worker, code="no_active_cases"
        )
    today = timezone.localdate()
    rules = RuleBook(today)
    pool = candidate_pool(from_worker.unit, rules=rules, today=today, exclude=(from_worker.pk,))
    result = Reassignment(batch=uuid.uuid4().hex)
    for case in cases:
        if consent_withdrawal(case.person_id) is not None:
            result.skipped.append(
                (
                    case,
                    _(
                        "Persetujuan pemrosesan data ditarik; kasus hanya dapat diterminasi atau ditutup."
                    ),
                )
            )
            continue
        suggestion = suggest(case, pool, rules=rules)
        chosen = to_worker or suggestion.worker
        if chosen is None:
            raise ApplicationError(
                _("Tidak ada pendamping yang dapat menerima kasus %s; pilih penerima.")
                % case.number,
                code="no_candidate",
                details={"case": case.number},
            )
        case_assign(actor=actor, case=case, pendamping=chosen)
        result.decisions.append(
            _decision(
                actor=actor,
                case=case,
                kind=DecisionKind.REASSIGN,
                previous=from_worker,
                suggestion=suggestion,
                chosen=chosen,
                note=note,
                batch=result.batch,
            )
        )
        load = pool.get(chosen.pk)
        if load is not None:  # the next suggestions see the load this case adds
            load.cases += 1
            load.weighted += rules.weight(case.stage, case.urgency)
            load.ratio += case_share(
                rules, worker_kind(chosen), case.stage, case.urgency, case.approach
            )
    audit_record(
        actor=actor,
        action="update",
        obj=from_worker,
        object_repr=_("Pengalihan kasus dari %s") % from_worker,
        changes={
            "batch": result.batch,
            "moved": [d.case_id for d in result.decisions],
            "skipped": [c.pk for c, _reason in result.skipped],
            "to_worker": to_worker.pk if to_worker else None,
        },
    )
    return result


# ---------------------------------------------------------------------------------------------
# Monthly reports
# ---------------------------------------------------------------------------------------------


def _report_event(report: MonthlyReport, actor, action: str, status_from: str, comment: str = ""):
    MonthlyReportEvent.objects.create(
        report=report,
        at=timezone.now(),
        actor=actor,
        action=action,
        status_from=status_from,
        status_to=report.status,
        comment=comment,
    )


def _report_changed(
    report: MonthlyReport,
    actor,
    before: dict,
    *,
    event: str = "",
    status_from: str = "",
    comment: str = "",
) -> MonthlyReport:
    """Saves a changed report under a new version, records its event (if any) and audits it."""
    report.version += 1
    report.save()
    if event:
        _report_event(report, actor, event, status_from, comment)
    audit_record(
        actor=actor,
        action="update",
        obj=report,
        changes=diff(before, snapshot(report, REPORT_AUDITED)),
    )
    return report


def _own_report(actor, report: MonthlyReport, expected_version: int | None) -> MonthlyReport:
    report = report_get(actor, report.pk, for_update=True)
    if report.worker_id != actor.pk or not can_file_monthly_report(actor):
        raise PermissionDenied(_("Laporan bulanan diisi dan diajukan oleh pendampingnya sendiri."))
    if expected_version is not None and report.version != expected_version:
        raise _stale(report.version)
    return report


def _editable(report: MonthlyReport) -> None:
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ApplicationError(
            _("Laporan yang sudah diajukan atau disetujui tidak dapat diubah."), code="wrong_status"
        )


@transaction.atomic
def report_open(*, actor, month: dt.date) -> MonthlyReport:
    """Starts the actor's report for a month from their recorded work (or returns the existing one)."""
    if not can_file_monthly_report(actor):
        raise PermissionDenied(_("Laporan bulanan diisi oleh pendamping."))
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise _invalid(
            _("Laporan bulan yang belum dimulai belum dapat dibuat."),
            {"month": [_("Pilih bulan lain.")]},
        )
    existing = MonthlyReport.objects.filter(worker=actor, month=month).first()
    if existing:
        return existing
    due, _moved = report_due(actor.pk, month)
    report = MonthlyReport.objects.create(
        worker=actor,
        unit_id=actor.unit_id,
        month=month,
        figures=report_figures(actor, month),
        figures_at=timezone.now(),
        due_on=due,
    )
    _report_event(report, actor, ReportAction.GENERATED, "")
    audit_record(
        actor=actor,
        action="create",
        obj=report,
        changes={"month": [None, month.isoformat()], "due_on": [None, due.isoformat()]},
    )
    return report


@transaction.atomic
def report_refresh(*, actor, report: MonthlyReport) -> MonthlyReport:
    """Recomputes a draft or returned report's figures from the records as they are now."""
    report = _own_report(actor, report, None)
    _editable(report)
    old = report.figures.get("totals", {})
    report.figures, report.figures_at = report_figures(report.worker, report.month), timezone.now()
    report.version += 1
    report.save()
    _report_event(report, actor, ReportAction.REFRESHED, report.status)
    audit_record(
        actor=actor,
        action="update",
        obj=report,
        changes={"totals": [old, report.figures["totals"]]},
    )
    return report


@transaction.atomic
def report_narrative_save(
    *, actor, report: MonthlyReport, narrative: str, expected_version: int | None = None
) -> MonthlyReport:
    """Saves the worker's narrative of a draft or returned report."""
    report = _own_report(actor, report, expected_version)
    _editable(report)
    before = snapshot(report, REPORT_AUDITED)
    report.narrative = narrative.strip()
    return _report_changed(report, actor, before)


@transaction.atomic
def report_submit(
    *, actor, report: MonthlyReport, expected_version: int | None = None
) -> MonthlyReport:
    """Submits a report once its month is over; the figures are recomputed and then frozen."""
    report = _own_report(actor, report, expected_version)
    _editable(report)
    if timezone.localdate() <= month_end(report.month):
        raise ApplicationError(
            _("Laporan bulan %s baru dapat diajukan setelah bulannya berakhir.")
            % report.month.strftime("%m-%Y"),
            code="month_not_over",
        )
    if not report.narrative.strip():
        raise _invalid(
            _("Tuliskan uraian kegiatan bulan ini sebelum mengajukan."),
            {"narrative": [_("Wajib diisi.")]},
        )
    before = snapshot(report, REPORT_AUDITED)
    status_from = report.status
    now = timezone.now()
    report.figures, report.figures_at = report_figures(report.worker, report.month), now
    report.status, report.submitted_at = ReportStatus.SUBMITTED, now
    report.first_submitted_at = report.first_submitted_at or now
    return _report_changed(
        report, actor, before, event=ReportAction.SUBMITTED, status_from=status_from
    )


@transaction.atomic
def report_decide(
    *, actor, report: MonthlyReport, approve: bool, comment: str = ""
) -> MonthlyReport:
    """Approves a submitted report, or returns it with what to correct (supervisor or head)."""
    report = report_get(actor, report.pk, for_update=True)
    if not can_decide_monthly_report(actor, report.unit) or report.worker_id == actor.pk:
        raise PermissionDenied(
            _("Laporan diperiksa oleh supervisor atau kepala sentra pendamping.")
        )
    if report.status != ReportStatus.SUBMITTED:
        raise ApplicationError(
            _("Hanya laporan yang sudah diajukan yang dapat diperiksa."), code="wrong_status"
        )
    if not approve and not comment.strip():
        raise _invalid(
            _("Tuliskan apa yang harus diperbaiki."),
            {"comment": [_("Wajib diisi saat mengembalikan.")]},
        )
    before = snapshot(report, REPORT_AUDITED)
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.decided_by, report.decided_at = actor, timezone.now()
    report.decision_comment = comment.strip()
    return _report_changed(
        report,
        actor,
        before,
        event=ReportAction.APPROVED if approve else ReportAction.RETURNED,
        status_from=ReportStatus.SUBMITTED,
        comment=comment.strip(),
    )
