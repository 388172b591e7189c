"""Workforce pages: thin front doors over the workforce selectors, services and exports.

Every page first checks that the role may read workforce data at all (403), then fetches what
it shows through the selectors, which answer 404 for a worker, report or sentra outside the
user's scope. Changes go through the services; their refusals are shown on the form sent.
"""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atensi.accounts.access import (
    can_decide_monthly_report,
    can_edit_worker_profile,
    can_file_monthly_report,
    can_manage_team,
    can_read_workforce,
    workforce_leads_team,
    workforce_sees_all_units,
)
from atensi.accounts.models import Role
from atensi.cases.exports import case_list_xlsx
from atensi.cases.selectors import case_get
from atensi.common.errors import ApplicationError, NotFound, PermissionDenied
from atensi.common.pages import is_htmx, page_gate

from . import kpis
from .choices import ReportStatus
from .exports import XLSX, report_pdf, report_xlsx, table_xlsx
from .fairness import fairness
from .forms import (
    AbsenceForm,
    AssignForm,
    DecideForm,
    DrillForm,
    NarrativeForm,
    PeriodForm,
    ProfileForm,
    ReassignForm,
    ReportOpenForm,
    TrainingForm,
    VersionForm,
    apply_error,
    period_presets,
)
from .models import Absence, MonthlyReport
from .reports import WORK_KINDS, Timeliness, due_dates, timeliness
from .rules import RuleBook
from .selectors import (
    caseload_cases,
    caseloads,
    certificates_expiring,
    report_get,
    reports_visible_to,
    reports_waiting,
    training_of,
    unassigned_cases,
    unit_get,
    units_visible_to,
    worker_get,
    workers_visible_to,
)
from .services import (
    absence_record,
    case_assignment_decide,
    cases_reassign,
    report_decide,
    report_narrative_save,
    report_open,
    report_refresh,
    report_submit,
    training_record,
    worker_profile_save,
)
from .suggestions import assignee_suggestion, candidate_pool, suggest
from .tables import (
    fairness_table,
    kpi_notes,
    kpi_table_view,
    needs_table,
    period_query,
    team_table,
)
from .workdays import month_start

PAGE_SIZE = 25


workforce_page = page_gate(
    can_read_workforce,
    gettext_lazy("Peran Anda tidak mempunyai akses ke data tenaga."),
)


def _period(data) -> tuple[PeriodForm, kpis.Period]:
    """The period chosen on a page (its GET) or posted with an export (its POST)."""
    form = PeriodForm(data or None)
    period = form.period()
    chosen = form.is_bound and (
        not form.is_valid() or form.cleaned_data.get("dari") or form.cleaned_data.get("sampai")
    )
    if not chosen:
        # Show the period in effect (last month by default) in the date fields.
        form = PeriodForm(initial={"dari": period.start, "sampai": period.end})
    return form, period


def _period_context(request, form, period) -> dict:
    base = request.path
    keep = {k: v for k, v in request.GET.items() if k not in ("dari", "sampai", "page")}
    presets = [
        (label, f"{base}?{urlencode({**keep, **period_query(p)})}", p == period)
        for label, p in period_presets()
    ]
    return {"period_form": form, "period": period, "presets": presets}


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# Entry


@workforce_page
@require_GET
def home(request):
    """Sends each role to its workforce page."""
    user = request.user
    if workforce_sees_all_units(user):
        return redirect("workforce:national")
    if workforce_leads_team(user):
        return redirect("workforce:team")
    return redirect("workforce:mine")


# ---------------------------------------------------------------------------------------------
# One worker: "my load, my report, my training", and the same page for their head


def _worker_context(request, worker, period_form, period) -> dict:
    user = request.user
    rules = RuleBook()
    load = caseloads([worker], rules=rules)[worker.pk]
    rows = kpis.kpi_table(
        user, period, by=("worker",), filters=kpis.Filters(worker=worker.pk), rules=rules
    )
    row = next((r for r in rows if r.key["worker"] == worker.pk), None)
    today = timezone.localdate()
    reports = list(MonthlyReport.objects.filter(worker=worker).order_by("-month")[:12])
    dues = due_dates(reports, rules=rules)
    for report in reports:
        report.due_after_leave = dues[report.pk]
        report.timeliness = timeliness(report.first_submitted_at, dues[report.pk], today)
        report.timeliness_label = Timeliness.LABELS[report.timeliness]
    manage = can_manage_team(user, worker.unit) and user.pk != worker.pk
    return {
        "worker": worker,
        "profile": getattr(worker, "worker_profile", None),
        "load": load,
        "cases": caseload_cases(worker, rules=rules),
        "rules": rules,
        "kpi_row": row,
        "kpi_list": kpis.KPIS,
        "reports": reports,
        "training": training_of(worker),
        "absences": Absence.objects.filter(worker=worker).order_by("-starts_on")[:10],
        "expiring": certificates_expiring(
            workers_visible_to(user).filter(pk=worker.pk), rules=rules
        ),
        "is_self": user.pk == worker.pk,
        "may_file": user.pk == worker.pk and can_file_monthly_report(user),
        "may_manage": manage,
        "may_edit_profile": can_edit_worker_profile(user, worker.unit),
        "report_form": ReportOpenForm(initial={"month": month_start(today) - dt.timedelta(days=1)}),
        "absence_form": AbsenceForm(prefix="absence") if manage else None,
        "training_form": TrainingForm(prefix="training") if manage else None,
        "reassign_form": ReassignForm(worker=worker, prefix="reassign") if manage else None,
        **_period_context(request, period_form, period),
    }


@workforce_page
@require_GET
def mine(request):
    """The signed-in worker's own load, reports, training and figures."""
    user = request.user
    if user.role != Role.PENDAMPING and not hasattr(user, "worker_profile"):
        return redirect("workforce:home")
    worker = worker_get(user, user.pk)
    form, period = _period(request.GET)
    return render(request, "workforce/worker.html", _worker_context(request, worker, form, period))


@workforce_page
@require_GET
def worker_detail(request, pk):
    """One worker's profile, load, figures, reports, training and leave (team and national)."""
    worker = worker_get(request.user, pk)
    form, period = _period(request.GET)
    return render(request, "workforce/worker.html", _worker_context(request, worker, form, period))


@workforce_page
@require_POST
def absence_add(request, pk):
    worker = worker_get(request.user, pk)
    form = AbsenceForm(request.POST, prefix="absence")
    if form.is_valid():
        try:
            absence_record(actor=request.user, worker=worker, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Ketidakhadiran dicatat."))
    else:
        messages.error(request, _("Periksa jenis dan tanggal ketidakhadiran."))
    return redirect(reverse("workforce:worker", args=[worker.pk]) + "#absences")


@workforce_page
@require_POST
def training_add(request, pk):
    worker = worker_get(request.user, pk)
    form = TrainingForm(request.POST, prefix="training")
    if form.is_valid():
        try:
            training_record(actor=request.user, worker=worker, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Riwayat pelatihan dicatat."))
    else:
        messages.error(request, _("Periksa isian pelatihan."))
    return redirect(reverse("workforce:worker", args=[worker.pk]) + "#training")


@workforce_page
@require_POST
def reassign(request, pk):
    """Moves every active case of a worker to a colleague or to each case's suggestion."""
    worker = worker_get(request.user, pk)
    form = ReassignForm(request.POST, worker=worker, prefix="reassign")
    if not form.is_valid():
        messages.error(request, _("Pilih penerima yang ada di tim."))
        return redirect(reverse("workforce:worker", args=[worker.pk]) + "#reassign")
    try:
        result = cases_reassign(
            actor=request.user,
            from_worker=worker,
            to_worker=form.cleaned_data["to_worker"],
            note=form.cleaned_data["note"],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(n)d kasus dialihkan dari %(who)s.") % {"n": len(result.decisions), "who": worker},
        )
        for case, reason in result.skipped:
            messages.warning(request, f"{case.number}: {reason}")
    return redirect(reverse("workforce:worker", args=[worker.pk]) + "#reassign")


@workforce_page
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk):
    """The worker's profile (head of their sentra or an administrator)."""
    worker = worker_get(request.user, pk)
    if not can_edit_worker_profile(request.user, worker.unit):
        raise PermissionDenied(_("Profil tenaga diisi oleh kepala sentra atau administrator."))
    profile = getattr(worker, "worker_profile", None)
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial=ProfileForm.initial_from(profile),
    )
    if request.method == "POST" and form.is_valid():
        try:
            worker_profile_save(actor=request.user, worker=worker, **form.values())
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("Profil %s disimpan.") % worker)
            return redirect("workforce:worker", pk=worker.pk)
    return render(
        request,
        "workforce/profile.html",
        {"worker": worker, "form": form},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Monthly reports


@workforce_page
@require_GET
def report_list(request):
    """The reports the user may see, newest month first, with their timeliness."""
    user = request.user
    reports = reports_visible_to(user).order_by("-month", "worker__first_name", "worker__username")
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    page_obj = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rules = RuleBook()
    dues = due_dates(page_obj.object_list, rules=rules)
    for report in page_obj.object_list:
        report.due_after_leave = dues[report.pk]
        report.timeliness = timeliness(report.first_submitted_at, dues[report.pk], today)
        report.timeliness_label = Timeliness.LABELS[report.timeliness]
    context = {
        "page_obj": page_obj,
        "status": status,
        "statuses": ReportStatus.choices,
        "may_file": can_file_monthly_report(user),
        "report_form": ReportOpenForm(initial={"month": month_start(today) - dt.timedelta(days=1)}),
        "rules": rules,
    }
    return render(request, "workforce/reports.html", context)


@workforce_page
@require_POST
def report_create(request):
    """Starts (or opens) the signed-in pendamping's report of a month."""
    form = ReportOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih bulan laporan."))
        return redirect("workforce:reports")
    try:
        report = report_open(actor=request.user, month=form.cleaned_data["month"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workforce:reports")
    return redirect("workforce:report", pk=report.pk)


def _report_context(request, report, **extra) -> dict:
    user = request.user
    today = timezone.localdate()
    due = due_dates([report])[report.pk]
    own = report.worker_id == user.pk and can_file_monthly_report(user)
    editable = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    groups = {line["case"]: line for line in report.figures.get("cases", [])}
    context = {
        "report": report,
        "events": list(report.events.all()),
        "totals": [
            (label, report.figures.get("totals", {}).get(k, 0)) for k, label in WORK_KINDS.items()
        ],
        "lines": list(groups.values()),
        "kinds": list(WORK_KINDS.items()),
        "due_after_leave": due,
        "timeliness": Timeliness.LABELS[timeliness(report.first_submitted_at, due, today)],
        "late": timeliness(report.first_submitted_at, due, today)
        in (Timeliness.LATE, Timeliness.OVERDUE),
        "may_edit": own and editable,
        "may_decide": can_decide_monthly_report(user, report.unit)
        and report.worker_id != user.pk
        and report.status == ReportStatus.SUBMITTED,
        "narrative_form": NarrativeForm(
            initial={"narrative": report.narrative, "version": report.version}
        ),
        "version_form": VersionForm(initial={"version": report.version}),
        "decide_form": DecideForm(),
    }
    context.update(extra)
    return context


@workforce_page
@require_GET
def report_detail(request, pk):
    report = report_get(request.user, pk)
    return render(request, "workforce/report.html", _report_context(request, report))


def _report_done(request, report, message: str):
    if is_htmx(request):
        report = report_get(request.user, report.pk)
        messages.success(request, message)
        return render(
            request, "workforce/partials/report_body.html", _report_context(request, report)
        )
    messages.success(request, message)
    return redirect("workforce:report", pk=report.pk)


def _report_refused(request, report, exc: ApplicationError, **forms):
    report = report_get(request.user, report.pk)
    context = _report_context(request, report, **forms)
    target = next(iter(forms.values()), None)
    if target is not None:
        apply_error(target, exc)
    else:
        messages.error(request, exc.message)
    template = (
        "workforce/partials/report_body.html" if is_htmx(request) else "workforce/report.html"
    )
    return render(request, template, context, status=exc.status)


@workforce_page
@require_POST
def report_narrative(request, pk):
    report = report_get(request.user, pk)
    form = NarrativeForm(request.POST)
    if not form.is_valid():
        return _report_refused(
            request, report, ApplicationError(_("Muat ulang halaman.")), narrative_form=form
        )
    try:
        report = report_narrative_save(
            actor=request.user,
            report=report,
            narrative=form.cleaned_data["narrative"],
            expected_version=form.cleaned_data["version"],
        )
    except ApplicationError as exc:
        return _report_refused(request, report, exc, narrative_form=form)
    return _report_done(request, report, _("Uraian disimpan."))


@workforce_page
@require_POST
def report_refresh_view(request, pk):
    report = report_get(request.user, pk)
    try:
        report = report_refresh(actor=request.user, report=report)
    except ApplicationError as exc:
        return _report_refused(request, report, exc)
    return _report_done(request, report, _("Angka diperbarui dari catatan kasus."))


@workforce_page
@require_POST
def report_submit_view(request, pk):
    report = report_get(request.user, pk)
    form = VersionForm(request.POST)
    form.is_valid()
    try:
        report = report_submit(
            actor=request.user, report=report, expected_version=form.cleaned_data.get("version")
        )
    except ApplicationError as exc:
        return _report_refused(request, report, exc)
    return _report_done(request, report, _("Laporan diajukan kepada supervisor."))


@workforce_page
@require_POST
def report_decide_view(request, pk):
    report = report_get(request.user, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _report_refused(
            request, report, ApplicationError(_("Pilih setujui atau kembalikan.")), decide_form=form
        )
    approve = form.cleaned_data["decision"] == "approve"
    try:
        report = report_decide(
            actor=request.user, report=report, approve=approve, comment=form.cleaned_data["comment"]
        )
    except ApplicationError as exc:
        return _report_refused(request, report, exc, decide_form=form)
    return _report_done(
        request, report, _("Laporan disetujui.") if approve else _("Laporan dikembalikan.")
    )


@workforce_page
@require_POST
def report_download(request, pk, fmt):
    report = report_get(request.user, pk)
    name = f"laporan-{report.worker.username}-{report.month:%Y-%m}"
    if fmt == "pdf":
        response = HttpResponse(
            report_pdf(actor=request.user, report=report), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    response = HttpResponse(report_xlsx(actor=request.user, report=report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# The head's team board


def _board_unit(request):
    user = request.user
    if workforce_sees_all_units(user):
        unit_id = request.GET.get("unit") or request.POST.get("unit")  # page, or its export
        units = units_visible_to(user)
        if unit_id:
            return unit_get(user, unit_id), units
        return (units.filter(pk=user.unit_id).first() or units.first()), units
    if workforce_leads_team(user):
        return user.unit, None
    raise PermissionDenied(_("Papan tim untuk supervisor, kepala sentra dan direktorat."))


def _team_tables(request, unit, period):
    user = request.user
    rules = RuleBook()
    workers = workers_visible_to(user).filter(unit=unit)
    loads = caseloads(workers, rules=rules)
    rows = kpis.kpi_table(
        user, period, by=("worker",), filters=kpis.Filters(unit=unit.pk), rules=rules
    )
    return team_table(loads, rows, period, rules), rules, loads


def _suggested(unit, cases, rules, loads):
    """Each unassigned case with its suggestion, all from one look at the team's loads."""
    cases = list(cases)
    if not cases:
        return []
    pool = candidate_pool(unit, rules=rules, today=timezone.localdate(), known=loads)
    out = []
    for case in cases:
        suggestion = suggest(case, pool, rules=rules)
        form = AssignForm(
            unit_id=case.unit_id,
            initial={
                "worker": suggestion.worker.pk if suggestion.worker else None,
                "version": case.version,
            },
            prefix=f"case{case.pk}",
        )
        out.append({"case": case, "suggestion": suggestion, "form": form})
    return out


UNASSIGNED_SHOWN = 10


@workforce_page
@require_GET
def team_board(request):
    """Workers, load against the norm, leave, KPIs; unassigned cases with a suggestion."""
    user = request.user
    unit, units = _board_unit(request)
    form, period = _period(request.GET)
    table, rules, loads = _team_tables(request, unit, period)
    unassigned = unassigned_cases(user).filter(unit=unit) if can_manage_team(user, unit) else None
    context = {
        "unit": unit,
        "units": units,
        "table": table,
        "rules": rules,
        "unassigned": _suggested(unit, unassigned[:UNASSIGNED_SHOWN], rules, loads)
        if unassigned is not None
        else None,
        "unassigned_total": unassigned.count() if unassigned is not None else 0,
        "waiting": reports_waiting(user) if unit.pk == user.unit_id else [],
        "expiring": certificates_expiring(workers_visible_to(user).filter(unit=unit), rules=rules),
        "kpi_list": kpis.KPIS,
        "export_pairs": [*period_query(period).items(), ("unit", unit.pk)],
        **_period_context(request, form, period),
    }
    return render(request, "workforce/team.html", context)


@workforce_page
@require_POST
def case_assign_view(request, case_pk):
    """Records the head's choice for an unassigned case beside the suggestion (htmx row)."""
    case = case_get(request.user, case_pk)
    form = AssignForm(request.POST, unit_id=case.unit_id, prefix=f"case{case.pk}")
    decision = None
    if form.is_valid():
        try:
            decision = case_assignment_decide(
                actor=request.user,
                case=case,
                worker=form.cleaned_data["worker"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ApplicationError as exc:
            apply_error(form, exc)
    if not is_htmx(request):
        if decision:
            messages.success(
                request,
                _("%(case)s ditetapkan kepada %(who)s.")
                % {"case": case.number, "who": decision.chosen},
            )
        else:
            messages.error(
                request,
                "; ".join(str(e) for e in form.non_field_errors()) or _("Pilih pendamping."),
            )
        return redirect(reverse("workforce:team") + "#unassigned")
    item = {
        "case": case,
        "suggestion": assignee_suggestion(case),
        "form": form,
        "decision": decision,
    }
    return render(
        request,
        "workforce/partials/unassigned_row.html",
        {"item": item},
        status=200 if decision or not form.errors else 400,
    )


# ---------------------------------------------------------------------------------------------
# The directorate's national view


@workforce_page
@require_GET
def national(request):
    """Every sentra and target group over a period, the spread across sentra, training needs."""
    user = request.user
    if not workforce_sees_all_units(user):
        raise PermissionDenied(_("Tampilan nasional untuk direktorat, auditor dan administrator."))
    form, period = _period(request.GET)
    by_unit = kpis.kpi_table(user, period, by=("unit",))
    by_group = kpis.kpi_table(user, period, by=("target_group",))
    result = fairness(user, period)
    context = {
        "units_table": kpi_table_view(
            "indikator-sentra", _("Indikator per sentra"), by_unit, ("unit",), period
        ),
        "groups_table": kpi_table_view(
            "indikator-klaster", _("Indikator per klaster"), by_group, ("target_group",), period
        ),
        "fairness_table": fairness_table(result),
        "needs_table": needs_table(result),
        "kpi_list": kpis.KPIS,
        "export_pairs": list(period_query(period).items()),
        **_period_context(request, form, period),
    }
    return render(request, "workforce/national.html", context)


# ---------------------------------------------------------------------------------------------
# Drill-down: the cases behind a figure


def _drill_filters(form: DrillForm) -> kpis.Filters:
    data = form.cleaned_data if form.is_valid() else {}
    return kpis.Filters(
        worker=data.get("worker"),
        unit=data.get("unit"),
        target_group=data.get("target_group") or None,
        approach=data.get("approach") or None,
        unassigned=bool(data.get("unassigned")),
    )


DRILL_OUTCOMES = {
    "cases_handled": ["handled"],
    "first_contact": ["met", "missed", "overdue", "pending", "skipped", "excused"],
    "assessment": ["met", "missed", "overdue", "pending", "skipped", "excused"],
    "plan_approved": ["met", "missed", "overdue", "pending", "skipped", "excused"],
    "services_per_case": ["service"],
    "goals_met": ["goals_met", "other"],
    "aftercare_on_time": ["on_time", "late", "missing", "pending", "excused"],
    "reports_on_time": ["on_time", "late", "overdue", "pending"],
}


@workforce_page
@require_GET
def drill(request, code):
    """The cases (or monthly reports) behind one KPI figure."""
    user = request.user
    kpi = kpis.KPI_BY_CODE.get(code)
    if kpi is None:
        raise NotFound(_("Indikator tidak dikenal."))
    form = DrillForm(request.GET or None, outcomes=DRILL_OUTCOMES[code])
    period = form.period()
    filters = _drill_filters(form)
    outcome = form.cleaned_data.get("outcome") if form.is_valid() else None
    context = {
        "kpi": kpi,
        "form": form,
        "filters": filters,
        **_period_context(request, form, period),
    }
    if code == "reports_on_time":
        facts = [
            f
            for f in kpis.kpi_reports(user, period, filters=filters)
            if not outcome or f.outcome == outcome
        ]
        context["report_facts"] = facts
        context["outcome_labels"] = Timeliness.LABELS
        return render(request, "workforce/drill.html", context)
    all_ids = kpis.kpi_case_ids(user, code, period, filters=filters, outcome=outcome)
    cases = kpis.kpi_cases(user, code, period, filters=filters, outcome=outcome)
    cases = cases.select_related("person", "unit", "pendamping").order_by("-received_at", "-id")
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "page_obj": page_obj,
            "hidden": len(all_ids) - page_obj.paginator.count,
        }
    )
    return render(request, "workforce/drill.html", context)


@workforce_page
@require_POST
def drill_export(request, code):
    """Sends the cases behind a figure as the case list's Excel (cases.exports, audited there)."""
    if code not in kpis.FACTS:
        raise NotFound(_("Indikator tanpa daftar kasus."))
    form = DrillForm(request.POST, outcomes=DRILL_OUTCOMES[code])
    period = form.period()
    outcome = form.cleaned_data.get("outcome") if form.is_valid() else None
    cases = kpis.kpi_cases(
        request.user, code, period, filters=_drill_filters(form), outcome=outcome
    )
    label = kpis.KPI_BY_CODE[code].label
    description = f"{label}, {period.label()}" + (f", {outcome}" if outcome else "")
    content = case_list_xlsx(actor=request.user, cases=cases, description=description)
    return _xlsx_response(content, f"indikator-{code}")


# ---------------------------------------------------------------------------------------------
# Excel of every table


@workforce_page
@require_POST
def table_export(request, name):
    """Sends one page table as Excel, built as the page builds it; the export is audited."""
    user = request.user
    # The table is rebuilt from the page's own parameters, posted with the export.
    _form, period = _period(request.POST)
    if name == "tim":
        unit, _units = _board_unit(request)
        table = _team_tables(request, unit, period)[0]
        description = f"{unit.name}, {period.label()}"
    elif name in ("indikator-sentra", "indikator-klaster", "keadilan", "kebutuhan-pelatihan"):
        if not workforce_sees_all_units(user):
            raise PermissionDenied(
                _("Tampilan nasional untuk direktorat, auditor dan administrator.")
            )
        if name == "indikator-sentra":
            rows = kpis.kpi_table(user, period, by=("unit",))
            table = kpi_table_view(name, _("Indikator per sentra"), rows, ("unit",), period)
        elif name == "indikator-klaster":
            rows = kpis.kpi_table(user, period, by=("target_group",))
            table = kpi_table_view(
                name, _("Indikator per klaster"), rows, ("target_group",), period
            )
        else:
            result = fairness(user, period)
            table = fairness_table(result) if name == "keadilan" else needs_table(result)
        description = period.label()
    else:
        raise NotFound(_("Tabel tidak dikenal."))
    table.notes = table.notes or kpi_notes()
    return _xlsx_response(table_xlsx(actor=user, table=table, description=description), name)
