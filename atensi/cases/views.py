"""Case pages: thin front doors over the case selectors, services and exports.

Every case page first checks that the role may read cases at all (403), then fetches the case
through `case_get`, which answers 404 for a case outside the user's scope. Changes go through
the services; their refusals are shown on the form that was sent, with the user's input kept.

On the case detail page every form posts with htmx and the whole case area (`#case`) is
re-rendered, because almost any change moves the case's version, stage and next steps.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atensi.accounts.access import can_read_cases, can_write_cases, sees_many_units
from atensi.accounts.models import Role
from atensi.common.errors import ApplicationError, Conflict, PermissionDenied
from atensi.common.pages import is_htmx, page_gate
from atensi.organisation.models import Unit, UnitType
from atensi.registry.models import Consent, ConsentBasis
from atensi.registry.selectors import person_get

from . import workflow
from .choices import Approach, PlanStatus, Stage
from .exports import case_file_pdf, case_list_xlsx
from .forms import (
    PENDAMPING_ROLES,
    RESPONSIBLE_ROLES,
    AftercareRecordForm,
    AftercareScheduleForm,
    AnswersForm,
    AssessmentMetaForm,
    AssignForm,
    AttachmentForm,
    CaseFileForm,
    CaseFilterForm,
    CaseOpenForm,
    ContactForm,
    NoteForm,
    OutcomeMetaForm,
    PenetapanForm,
    PlanDecideForm,
    PlanForm,
    PlannedServiceFormSet,
    ReferralOutForm,
    ReopenForm,
    ServiceForm,
    StayAdmitForm,
    StayDischargeForm,
    TerminateForm,
    TransferForm,
    TransitionForm,
    VersionedForm,
    apply_error,
    apply_errors,
    apply_plan_error,
    sentra_staff,
)
from .models import AftercareVisit, Case, FormDefinition, Plan, ResidentialStay
from .selectors import (
    AFTERCARE_HORIZON_DAYS,
    Status,
    TargetTable,
    case_get,
    case_response_times,
    case_timeline,
    cases_filter,
    cases_visible_to,
    consent_withdrawal,
    occupancy,
    outcome_change,
    processing_stopped,
    queue_aftercare_due,
    queue_my_cases,
    queue_overdue,
    queue_waiting_approval,
)
from .services import (
    AFTERCARE_STAGES,
    CONSENT_GIVERS_FOR_HANDOVER,
    PHASE_STAGES,
    REFERRAL_STAGES,
    aftercare_record,
    aftercare_schedule,
    assessment_record,
    attachment_add,
    attachment_open,
    case_assign,
    case_contact_record,
    case_open,
    case_penetapan,
    case_read,
    case_reopen,
    case_terminate,
    case_transfer,
    case_transition,
    note_add,
    outcome_record,
    plan_decide,
    plan_save,
    plan_submit,
    processing_stop_error,
    referral_out_record,
    service_record,
    stay_admit,
    stay_discharge,
)

PAGE_SIZE = 25
# The page's search shows fewer persons' cases than the API's (selectors.SEARCH_LIMIT).
SEARCH_LIMIT = 50
QUEUE_ROWS = 20
# Newest timeline events shown at once; older ones fold away (a long case on a phone).
TIMELINE_SHOWN = 15
# The stages in which services.assessment_record and services.service_record accept a record;
# used only to decide which buttons to show (the services enforce them).
ASSESSMENT_STAGES = (Stage.ASSESSMENT, Stage.PLANNING, Stage.MONITORING)
SERVICE_STAGES = (Stage.INTERVENTION, Stage.MONITORING, Stage.AFTERCARE)


# Signed-in case readers only; cases out of scope answer 404, refusals 403.
case_page = page_gate(
    can_read_cases, gettext_lazy("Peran Anda tidak mempunyai akses ke data kasus.")
)


def _require_writer(user) -> None:
    if not can_write_cases(user):
        raise PermissionDenied(_("Peran Anda hanya boleh membaca kasus, tidak mengubahnya."))


def _now_local() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _detail_url(case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


# ---------------------------------------------------------------------------------------------
# List, export and work queues


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filter_form(user, data) -> CaseFilterForm:
    unit_choices = pendamping_choices = None
    staff_unit = None
    if sees_many_units(user):
        unit_choices = list(
            Unit.objects.filter(type=UnitType.SENTRA, is_active=True)
            .order_by("name")
            .values_list("pk", "name")
        )
        staff_unit = _int_or_none(data.get("unit"))
    elif user.role in (Role.HEAD, Role.SUPERVISOR):
        staff_unit = user.unit_id
    if staff_unit is not None:
        pendamping_choices = [
            (u.pk, str(u))
            for u in sentra_staff(staff_unit, PENDAMPING_ROLES).only(
                "pk", "first_name", "last_name", "username", "unit_id"
            )
        ]
    return CaseFilterForm(data, unit_choices=unit_choices, pendamping_choices=pendamping_choices)


def _filtered_cases(user, form: CaseFilterForm):
    """Returns the user's cases narrowed by the list's filters, and the filters in words."""
    form.is_valid()  # a bad value drops only its own filter: cleaned_data keeps the others
    data = form.cleaned_data
    query = (data.get("q") or "").strip()
    cases = cases_filter(
        cases_visible_to(user),
        user,
        stage=data.get("stage"),
        target_group=data.get("target_group"),
        urgency=data.get("urgency"),
        unit_id=data.get("unit"),
        pendamping_id=data.get("pendamping"),
        overdue=True if data.get("overdue") else None,  # the page only asks for overdue ones
        q=query,
        search_limit=SEARCH_LIMIT,
    )
    words = []
    for name in ("stage", "target_group", "urgency", "unit", "pendamping"):
        value = data.get(name)
        if value in (None, ""):
            continue
        label = dict(form.fields[name].choices).get(value, value)
        words.append(f"{form.fields[name].label}: {label}")
    if data.get("overdue"):
        words.append(str(form.fields["overdue"].label))
    if query:
        words.append(_("Cari: %s") % query)
    return cases, "; ".join(words)


def _with_timing(cases) -> list:
    """Marks each case with its overdue milestones (targets read once, in one query)."""
    targets, now = TargetTable(), timezone.now()
    rows = list(cases)
    for case in rows:
        times = case_response_times(case, now=now, targets=targets)
        case.overdue_steps = [t.label for t in times if t.status == Status.OVERDUE]
    return rows


@case_page
@require_GET
def case_list(request):
    """The cases the user may see, filterable and searchable; htmx gets the results only."""
    user = request.user
    form = _filter_form(user, request.GET)
    cases, _words = _filtered_cases(user, form)
    # Newest referral first: the (unit, -received_at) index serves a sentra's list.
    ordered = (
        cases.select_related("person", "unit", "pendamping")
        .annotate(stopped=processing_stopped())
        .order_by("-received_at", "-id")
    )
    page_obj = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page_obj,
        "cases": _with_timing(page_obj.object_list),
        "show_unit": "unit" in form.fields,
        "query": (form.cleaned_data.get("q") or "").strip(),
        "export_fields": [(k, v) for k, v in request.GET.items() if k != "page" and v],
    }
    template = "cases/partials/results.html" if is_htmx(request) else "cases/list.html"
    return render(request, template, context)


@case_page
@require_POST
def case_list_export(request):
    """Sends the filtered list as an Excel workbook; the export is audited (exports.case_list_xlsx)."""
    user = request.user
    form = _filter_form(user, request.POST)
    cases, words = _filtered_cases(user, form)
    back = reverse("cases:list")
    filters = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken" and v}
    try:
        content = case_list_xlsx(actor=user, cases=cases, description=words)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back + ("?" + urlencode(filters) if filters else ""))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="kasus-{stamp}.xlsx"'
    return response


def _queue(queryset) -> dict:
    rows = list(queryset[:QUEUE_ROWS])
    total = queryset.count() if len(rows) == QUEUE_ROWS else len(rows)
    return {"rows": rows, "total": total, "more": total > len(rows)}


@case_page
@require_GET
def work_queues(request):
    """My cases, overdue steps, plans waiting for my approval and aftercare visits due."""
    user = request.user
    today = timezone.localdate()
    mine = _queue(queue_my_cases(user).order_by("-received_at", "-id"))
    mine["rows"] = _with_timing(mine["rows"])
    context = {
        "mine": mine,
        "overdue": _queue(queue_overdue(user)),
        "approvals": _queue(queue_waiting_approval(user))
        if user.role in workflow.CASE_LEADS
        else None,
        "aftercare": _queue(queue_aftercare_due(user, today=today)),
        "today": today,
        "horizon": AFTERCARE_HORIZON_DAYS,
        "is_lead": user.role in workflow.CASE_LEADS,
        "may_write": can_write_cases(user),
    }
    return render(request, "cases/queues.html", context)


# ---------------------------------------------------------------------------------------------
# Opening a case


def _sentra_units():
    return Unit.objects.filter(type=UnitType.SENTRA, is_active=True).order_by("name")


@case_page
@require_http_methods(["GET", "POST"])
def case_create(request, person_pk):
    """Opens a case for a person from a referral (services.case_open)."""
    user = request.user
    person = person_get(user, person_pk)
    _require_writer(user)
    units = _sentra_units() if user.role == Role.ADMIN else None
    source = request.POST if request.method == "POST" else request.GET
    if units is not None:
        # An administrator opens the case for a sentra: its staff fill the pickers.
        unit = units.filter(pk=_int_or_none(source.get("unit"))).first()
        unit = unit or (person.unit if person.unit.type == UnitType.SENTRA else units.first())
    else:
        unit = user.unit
    initial = {
        "received_at": _now_local(),
        "urgency": "normal",
        "target_group": person.target_group,
        "unit": unit,
        "pendamping": user.pk if user.role == Role.PENDAMPING else None,
    }
    if request.method == "GET" and source:
        # The administrator changed the sentra: keep what was typed, refresh the pickers.
        initial.update({k: v for k, v in source.items() if v})
        initial["unit"] = unit
    form = CaseOpenForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        staff_unit=unit,
        units=units,
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open(actor=user, person=person, **form.case_values())
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(
                request,
                _("Kasus %(number)s dibuka untuk %(name)s.")
                % {"number": case.number, "name": person.full_name},
            )
            return redirect("cases:detail", pk=case.pk)
    context = {
        "form": form,
        "person": person,
        "stopped": consent_withdrawal(person.pk),
        "open_cases": list(
            cases_visible_to(user)
            .filter(person=person, stage__in=workflow.ACTIVE)
            .select_related("unit")
        ),
    }
    return render(request, "cases/create.html", context, status=400 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# Case detail


def _may(user, case: Case, stopped: bool, moves: list[workflow.AvailableMove]) -> dict:
    """What the page offers `user` on `case`; the services check the same rules again."""
    kinds = {move.kind for move in moves if not move.stopped}
    write = can_write_cases(user)
    worker = write and user.role in workflow.CASE_WORKERS
    lead = write and user.role in workflow.CASE_LEADS
    stage = case.stage
    go = not stopped  # withdrawn consent stops all but what the law still requires
    active = stage != Stage.CLOSED
    return {
        "write": write,
        "assign": lead and active and go,
        "contact": worker and stage in workflow.ACTIVE and go,
        "penetapan": lead and active and go,
        "assess": worker and stage in ASSESSMENT_STAGES and go,
        "plan": worker and stage == Stage.PLANNING and go,
        "submit_plan": worker and stage == Stage.PLANNING and go,
        "decide_plan": lead and go,
        "service": worker and stage in SERVICE_STAGES and go,
        "note": worker and go,
        "terminate": "terminate" in kinds,
        "reopen": "reopen" in kinds,
        "transfer": lead and active and go,
        "referral": worker and stage in REFERRAL_STAGES and go,
        "admit": worker
        and case.approach == Approach.RESIDENTIAL
        and stage in workflow.TERMINABLE
        and go,
        "discharge": worker,
        "aftercare": worker and stage in AFTERCARE_STAGES and go,
        "outcome": worker and any(stage in s for s in PHASE_STAGES.values()) and go,
        "attach": write,
        "override": write and user.role == Role.HEAD,
        "case_file": go,
    }


def _handover_consents(case: Case):
    return Consent.objects.filter(
        person_id=case.person_id,
        basis=ConsentBasis.CONSENT,
        withdrawn_at__isnull=True,
        given_by__in=list(CONSENT_GIVERS_FOR_HANDOVER),
    ).order_by("-given_at")


def _default_forms(case: Case, may: dict, plans: list) -> dict:
    version = {"version": case.version}
    now = _now_local()
    forms = {
        "transition": TransitionForm(initial=version),
        "case_file": CaseFileForm(),
    }
    if may["assign"]:
        forms["assign"] = AssignForm(
            initial={**version, "pendamping": case.pendamping_id, "supervisor": case.supervisor_id},
            unit=case.unit_id,
        )
    if may["contact"]:
        forms["contact"] = ContactForm(initial={**version, "happened_at": now})
    if may["penetapan"]:
        forms["penetapan"] = PenetapanForm(
            initial={**version, "sk_number": case.sk_number, "sk_date": case.sk_date}
        )
    if may["terminate"]:
        forms["terminate"] = TerminateForm(initial=version)
    if may["reopen"]:
        forms["reopen"] = ReopenForm(initial=version)
    if may["decide_plan"]:
        forms["plan_decide"] = PlanDecideForm(initial=version)
    if may["service"]:
        forms["service"] = ServiceForm(
            initial={**version, "delivered_on": timezone.localdate(), "quantity": 1}
        )
    if may["note"]:
        forms["note"] = NoteForm(
            initial={
                **version,
                "happened_at": now,
                "kind": "monitoring" if case.stage == Stage.MONITORING else "note",
            },
            goals=_current_goals(plans),
        )
    if may["transfer"]:
        forms["transfer"] = TransferForm(
            initial=version,
            units=_sentra_units().exclude(pk=case.unit_id),
            consents=_handover_consents(case),
            may_override=may["override"],
        )
    if may["referral"]:
        forms["referral"] = ReferralOutForm(
            initial={**version, "referred_at": now},
            consents=_handover_consents(case),
            may_override=may["override"],
        )
    if may["admit"]:
        forms["stay_admit"] = StayAdmitForm(
            initial={**version, "admitted_at": now}, may_override=may["override"]
        )
    if may["discharge"]:
        forms["stay_discharge"] = StayDischargeForm(initial={**version, "discharged_at": now})
    if may["aftercare"]:
        forms["aftercare_schedule"] = AftercareScheduleForm(
            initial={**version, "scheduled_for": timezone.localdate() + dt.timedelta(days=30)}
        )
    if may["attach"]:
        forms["attachment"] = AttachmentForm(initial=version, services=_service_choices(case))
    return forms


def _service_choices(case: Case):
    return case.services.order_by("-delivered_on", "-id")


def _current_goals(plans: list) -> list[dict]:
    """The goals of the latest approved plan, for progress notes during monitoring."""
    approved = next((p for p in plans if p.status == PlanStatus.APPROVED), None)
    return list(approved.goals) if approved else []


def _case_context(request, case: Case, bound: dict | None = None, failed: str = "") -> dict:
    user = request.user
    withdrawn = consent_withdrawal(case.person_id)
    stopped = withdrawn is not None
    moves = workflow.moves_for(
        user, case, stop_message=processing_stop_error(withdrawn).message if stopped else ""
    )
    may = _may(user, case, stopped, moves)
    plans = list(
        case.plans.select_related("created_by", "decided_by").prefetch_related(
            "services__responsible"
        )
    )
    services = list(case.services.select_related("provider").order_by("-delivered_on", "-id"))
    forms = _default_forms(case, may, plans)
    forms.update(bound or {})
    stays = list(case.stays.select_related("unit", "admitted_by"))
    visits = list(case.aftercare_visits.select_related("visited_by"))
    record_form = forms.get("aftercare_record")  # only after a refused visit record
    events = list(case_timeline(case).reverse())
    failed_visit = (
        request.resolver_match.kwargs.get("visit_pk") if failed == "aftercare_record" else None
    )
    return {
        "case": case,
        "withdrawn": withdrawn,
        "stopped": stopped,
        "may": may,
        # A step the withdrawal stops is left out rather than shown blocked.
        "moves": [m for m in moves if m.kind == "transition" and not m.stopped],
        "forms": forms,
        "failed": failed,
        "htmx": is_htmx(request),
        "timeline": events[:TIMELINE_SHOWN],
        "timeline_older": events[TIMELINE_SHOWN:],
        "timeline_total": len(events),
        "assessments": list(
            case.assessments.select_related("form", "assessor").order_by("-created_at", "-id")
        ),
        "plans": plans,
        "latest_plan": plans[0] if plans else None,
        "services": services,
        "services_total": sum(s.total_cost for s in services),
        "notes": list(case.notes.select_related("author").order_by("-happened_at", "-id")),
        "transfers": list(case.transfers.select_related("from_unit", "to_unit", "transferred_by")),
        "referrals": list(case.referrals_out.select_related("referred_by")),
        "stays": stays,
        "open_stay": next((s for s in stays if s.discharged_at is None), None),
        "occupancy": occupancy(case.unit) if case.approach == Approach.RESIDENTIAL else None,
        "visits": [
            {
                "visit": v,
                "form": record_form
                if failed_visit == v.pk
                else AftercareRecordForm(
                    initial={"version": case.version, "done_at": _now_local()},
                    auto_id=f"visit{v.pk}-%s",
                ),
                "open": failed_visit == v.pk,
            }
            for v in visits
        ],
        "measurements": list(
            case.measurements.select_related("scale", "taken_by").order_by("-taken_on", "-id")
        ),
        "outcome_changes": outcome_change(case),
        "attachments": list(case.attachments.select_related("uploaded_by", "service")),
        "response_times": case_response_times(case),
    }


def _render_case(request, case: Case, *, bound=None, failed: str = "", status: int = 200):
    context = _case_context(request, case, bound, failed)
    if is_htmx(request):
        # htmx swaps only successful answers: a refusal is shown in the re-rendered case area.
        return render(request, "cases/partials/case.html", context)
    return render(request, "cases/detail.html", context, status=status)


@case_page
@require_GET
def case_detail(request, pk):
    """One case: header, next steps, timeline and every record, with the forms the user may use."""
    return _render_case(request, case_read(actor=request.user, pk=pk))


def _conflict(form, exc: Conflict, version: int) -> None:
    form.refresh_version(version)
    form.add_error(None, str(exc.message))
    form.add_error(
        None,
        _(
            "Isian Anda masih ada di formulir ini. Periksa perubahan terbaru di linimasa, lalu "
            "kirim lagi bila masih perlu."
        ),
    )


def _text(form, name: str) -> str:
    return form.cleaned_data.get(name) or ""


def _version(form) -> int | None:
    return form.cleaned_data.get("version")


def _is_head(request) -> bool:
    return request.user.role == Role.HEAD


def _leave_after_transfer(request, case):
    """After a hand-over the case may be outside the user's scope: back to the list."""
    if cases_visible_to(request.user).filter(pk=case.pk).exists():
        return None
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("cases:list")
        return response
    return redirect("cases:list")


def _attachment_add(user, case, form, ids):
    data = form.cleaned_data
    if not data.get("file"):
        raise ApplicationError(
            _("Pilih berkas yang akan diunggah."), details={"file": [_("Wajib diisi.")]}
        )
    return attachment_add(
        actor=user,
        case=case,
        file=data["file"],
        kind=_text(form, "kind"),
        description=_text(form, "description"),
        service=data.get("service"),
    )


def _plan_decided(plan) -> str:
    if plan.status == PlanStatus.APPROVED:
        return _("Rencana revisi %d disetujui.") % plan.number
    return _("Rencana revisi %d dikembalikan untuk diperbaiki.") % plan.number


@dataclass(frozen=True)
class _Action:
    """One change made from the case page.

    `form(request, case, ids)` binds the posted form; `perform(user, case, form, ids)` calls the
    service (`ids` holds the URL's plan_pk, stay_pk or visit_pk); `done(result)` words the success
    message; the page then opens at `anchor`, unless `leave(request, case)` answers instead.
    """

    form: Callable
    perform: Callable
    anchor: str
    done: Callable
    leave: Callable | None = None


# The changes the case page makes, by the name of their form on the page (the URLs name them).
_ACTIONS = {
    "transition": _Action(
        form=lambda request, case, ids: TransitionForm(request.POST),
        perform=lambda user, case, form, ids: case_transition(
            actor=user,
            case=case,
            target=form.cleaned_data["target"],
            note=_text(form, "note"),
            expected_version=_version(form),
        ),
        anchor="actions",
        done=lambda case: _("Tahap kasus sekarang: %s.") % Stage(case.stage).label,
    ),
    "assign": _Action(
        form=lambda request, case, ids: AssignForm(request.POST, unit=case.unit_id),
        perform=lambda user, case, form, ids: case_assign(
            actor=user,
            case=case,
            pendamping=form.cleaned_data.get("pendamping"),
            supervisor=form.cleaned_data.get("supervisor"),
            expected_version=_version(form),
        ),
        anchor="header",
        done=lambda case: _("Petugas kasus tersimpan."),
    ),
    "contact": _Action(
        form=lambda request, case, ids: ContactForm(request.POST),
        perform=lambda user, case, form, ids: case_contact_record(
            actor=user,
            case=case,
            happened_at=form.cleaned_data["happened_at"],
            text=_text(form, "text"),
            expected_version=_version(form),
        ),
        anchor="notes",
        done=lambda case: _("Kontak tercatat."),
    ),
    "penetapan": _Action(
        form=lambda request, case, ids: PenetapanForm(request.POST),
        perform=lambda user, case, form, ids: case_penetapan(
            actor=user,
            case=case,
            sk_number=_text(form, "sk_number"),
            sk_date=form.cleaned_data["sk_date"],
            expected_version=_version(form),
        ),
        anchor="penetapan",
        done=lambda case: _("Penetapan PM tercatat: SK %s.") % case.sk_number,
    ),
    "terminate": _Action(
        form=lambda request, case, ids: TerminateForm(request.POST),
        perform=lambda user, case, form, ids: case_terminate(
            actor=user,
            case=case,
            reason=_text(form, "reason"),
            outcome_rating=_text(form, "outcome_rating"),
            note=_text(form, "note"),
            expected_version=_version(form),
        ),
        anchor="actions",
        done=lambda case: _("Kasus diterminasi: %s.") % case.get_termination_reason_display(),
    ),
    "reopen": _Action(
        form=lambda request, case, ids: ReopenForm(request.POST),
        perform=lambda user, case, form, ids: case_reopen(
            actor=user, case=case, reason=_text(form, "reason"), expected_version=_version(form)
        ),
        anchor="actions",
        done=lambda case: _("Kasus dibuka kembali pada tahap asesmen."),
    ),
    "plan_submit": _Action(
        form=lambda request, case, ids: VersionedForm(request.POST),
        perform=lambda user, case, form, ids: plan_submit(
            actor=user, plan=get_object_or_404(Plan, pk=ids["plan_pk"], case=case)
        ),
        anchor="plan",
        done=lambda plan: _("Rencana revisi %d diajukan untuk disetujui.") % plan.number,
    ),
    "plan_decide": _Action(
        form=lambda request, case, ids: PlanDecideForm(request.POST),
        perform=lambda user, case, form, ids: plan_decide(
            actor=user,
            plan=get_object_or_404(Plan, pk=ids["plan_pk"], case=case),
            approve=form.cleaned_data["decision"] == "approve",
            comment=_text(form, "comment"),
        ),
        anchor="plan",
        done=_plan_decided,
    ),
    "service": _Action(
        form=lambda request, case, ids: ServiceForm(request.POST),
        perform=lambda user, case, form, ids: service_record(
            actor=user, case=case, **form.service_values()
        ),
        anchor="services",
        done=lambda service: _("Layanan tercatat: %s.") % service.description,
    ),
    "note": _Action(
        form=lambda request, case, ids: NoteForm(
            request.POST, goals=_current_goals(list(case.plans.all()))
        ),
        perform=lambda user, case, form, ids: note_add(actor=user, case=case, **form.note_values()),
        anchor="notes",
        done=lambda note: _("Catatan tersimpan."),
    ),
    "transfer": _Action(
        form=lambda request, case, ids: TransferForm(
            request.POST,
            units=_sentra_units().exclude(pk=case.unit_id),
            consents=_handover_consents(case),
            may_override=_is_head(request),
        ),
        perform=lambda user, case, form, ids: case_transfer(
            actor=user,
            case=case,
            to_unit=form.cleaned_data.get("to_unit"),
            reason=_text(form, "reason"),
            expected_version=_version(form),
            **form.handover_values(),
        ),
        anchor="movements",
        done=lambda transfer: _("Kasus dipindahkan ke %s.") % transfer.to_unit.name,
        leave=_leave_after_transfer,
    ),
    "referral": _Action(
        form=lambda request, case, ids: ReferralOutForm(
            request.POST, consents=_handover_consents(case), may_override=_is_head(request)
        ),
        perform=lambda user, case, form, ids: referral_out_record(
            actor=user,
            case=case,
            institution=_text(form, "institution"),
            contact=_text(form, "contact"),
            reason=_text(form, "reason"),
            referred_at=form.cleaned_data["referred_at"],
            **form.handover_values(),
        ),
        anchor="movements",
        done=lambda referral: _("Rujukan ke %s tercatat.") % referral.institution,
    ),
    "stay_admit": _Action(
        form=lambda request, case, ids: StayAdmitForm(request.POST, may_override=_is_head(request)),
        perform=lambda user, case, form, ids: stay_admit(
            actor=user,
            case=case,
            admitted_at=form.cleaned_data["admitted_at"],
            over_capacity_reason=_text(form, "over_capacity_reason"),
        ),
        anchor="residential",
        done=lambda stay: _("Masuk layanan residensial %s.") % stay.unit.name,
    ),
    "stay_discharge": _Action(
        form=lambda request, case, ids: StayDischargeForm(request.POST),
        perform=lambda user, case, form, ids: stay_discharge(
            actor=user,
            stay=get_object_or_404(ResidentialStay, pk=ids["stay_pk"], case=case),
            discharged_at=form.cleaned_data["discharged_at"],
            note=_text(form, "note"),
        ),
        anchor="residential",
        done=lambda stay: _("Keluar dari layanan residensial tercatat."),
    ),
    "aftercare_schedule": _Action(
        form=lambda request, case, ids: AftercareScheduleForm(request.POST),
        perform=lambda user, case, form, ids: aftercare_schedule(
            actor=user, case=case, scheduled_for=form.cleaned_data["scheduled_for"]
        ),
        anchor="aftercare",
        done=lambda visit: (
            _("Kunjungan bimbingan lanjut dijadwalkan %s.")
            % visit.scheduled_for.strftime("%d-%m-%Y")
        ),
    ),
    "aftercare_record": _Action(
        form=lambda request, case, ids: AftercareRecordForm(
            request.POST, auto_id=f"visit{ids['visit_pk']}-%s"
        ),
        perform=lambda user, case, form, ids: aftercare_record(
            actor=user,
            visit=get_object_or_404(AftercareVisit, pk=ids["visit_pk"], case=case),
            done_at=form.cleaned_data["done_at"],
            notes=_text(form, "notes"),
        ),
        anchor="aftercare",
        done=lambda visit: _("Kunjungan bimbingan lanjut tercatat."),
    ),
    "attachment": _Action(
        form=lambda request, case, ids: AttachmentForm(
            request.POST, request.FILES, services=_service_choices(case)
        ),
        perform=_attachment_add,
        anchor="attachments",
        done=lambda attachment: _("Lampiran %s tersimpan.") % attachment.original_name,
    ),
}


@case_page
@require_POST
def case_action(request, pk, action: str, **ids):
    """Runs one change from the case page: parse the form, call the service, show the outcome.

    `action` names an entry of _ACTIONS (the URLs pass it). A stale save (Conflict) keeps the
    input and carries the current version; any other refusal is shown on the form.
    """
    spec = _ACTIONS[action]
    user = request.user
    case = case_get(user, pk)
    _require_writer(user)
    form = spec.form(request, case, ids)
    if not form.is_valid():
        return _render_case(request, case, bound={action: form}, failed=action, status=400)
    try:
        result = spec.perform(user, case, form, ids)
    except Conflict as exc:
        current = case_get(user, pk)
        _conflict(form, exc, current.version)
        return _render_case(request, current, bound={action: form}, failed=action, status=409)
    except ApplicationError as exc:
        apply_error(form, exc)
        return _render_case(
            request, case_get(user, pk), bound={action: form}, failed=action, status=exc.status
        )
    messages.success(request, spec.done(result))
    if spec.leave is not None:
        response = spec.leave(request, case)
        if response is not None:
            return response
    if is_htmx(request):
        return _render_case(request, case_get(user, pk))
    return redirect(_detail_url(case, spec.anchor))


@case_page
@require_GET
def attachment_download(request, pk):
    """Sends an attachment to a user who may see its case, recording the view (attachment_open)."""
    attachment = attachment_open(actor=request.user, pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@case_page
@require_POST
def case_file_download(request, pk):
    """Sends the case file as a PDF; the export is audited (exports.case_file_pdf)."""
    case = case_get(request.user, pk)
    form = CaseFileForm(request.POST)
    form.is_valid()
    try:
        content = case_file_pdf(
            actor=request.user, case=case, purpose=form.cleaned_data.get("purpose") or ""
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(case, "actions"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="berkas-{case.number}.pdf"'
    return response


# ---------------------------------------------------------------------------------------------
# Assessment, outcome measures and the plan: pages of their own (long forms, one per screen)


def _definitions(case: Case, kind: str) -> list[FormDefinition]:
    # A JSON list has no portable "contains" across SQLite and PostgreSQL; the table is small.
    return [
        f
        for f in FormDefinition.objects.filter(kind=kind, is_active=True).order_by(
            "title", "-version"
        )
        if not f.target_groups or case.target_group in f.target_groups
    ]


def _chosen(definitions: list[FormDefinition], wanted) -> FormDefinition | None:
    wanted = _int_or_none(wanted)
    return next((f for f in definitions if f.pk == wanted), definitions[0] if definitions else None)


@case_page
@require_http_methods(["GET", "POST"])
def assessment_edit(request, pk):
    """Fills an assessment form rendered from its versioned definition (services.assessment_record)."""
    user = request.user
    case = case_get(user, pk)
    _require_writer(user)
    definitions = _definitions(case, FormDefinition.Kind.ASSESSMENT)
    source = request.POST if request.method == "POST" else request.GET
    definition = _chosen(definitions, source.get("form"))
    status = 200
    if request.method == "POST" and definition is not None:
        answers = AnswersForm(request.POST, prefix="a", definition=definition.definition)
        meta = AssessmentMetaForm(request.POST)
        if answers.is_valid() and meta.is_valid():
            complete = request.POST.get("action") != "draft"
            try:
                assessment_record(
                    actor=user,
                    case=case,
                    form=definition,
                    answers=answers.answers(),
                    summary=meta.cleaned_data.get("summary") or "",
                    complete=complete,
                    expected_version=meta.cleaned_data.get("version"),
                )
            except Conflict as exc:
                case = case_get(user, pk)
                _conflict(meta, exc, case.version)
                status = 409
            except ApplicationError as exc:
                apply_errors([answers, meta], exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Asesmen selesai dan tersimpan.")
                    if complete
                    else _("Asesmen disimpan sebagai draf."),
                )
                return redirect(_detail_url(case, "assessment"))
        else:
            status = 400
    else:
        draft = (
            case.assessments.filter(form=definition).order_by("-created_at", "-id").first()
            if definition
            else None
        )
        # A draft is continued where it was left; a completed assessment starts a new one.
        keep = draft is not None and draft.completed_at is None
        answers = (
            AnswersForm(
                prefix="a",
                definition=definition.definition,
                initial=draft.answers if keep else None,
            )
            if definition
            else None
        )
        meta = AssessmentMetaForm(
            initial={"version": case.version, "summary": draft.summary if keep else ""}
        )
    context = {
        "case": case,
        "definitions": definitions,
        "definition": definition,
        "answers": answers,
        "meta": meta,
        "may_assess": case.stage in ASSESSMENT_STAGES,
    }
    return render(request, "cases/assessment.html", context, status=status)


@case_page
@require_http_methods(["GET", "POST"])
def outcome_edit(request, pk):
    """Scores a standard outcome scale rendered from its definition (services.outcome_record)."""
    user = request.user
    case = case_get(user, pk)
    _require_writer(user)
    scales = _definitions(case, FormDefinition.Kind.OUTCOME)
    source = request.POST if request.method == "POST" else request.GET
    scale = _chosen(scales, source.get("scale"))
    phases = [p for p, stages in PHASE_STAGES.items() if case.stage in stages]
    status = 200
    if request.method == "POST" and scale is not None:
        answers = AnswersForm(request.POST, prefix="a", definition=scale.definition)
        meta = OutcomeMetaForm(request.POST, phases=phases)
        if answers.is_valid() and meta.is_valid():
            try:
                measurement = outcome_record(
                    actor=user,
                    case=case,
                    scale=scale,
                    phase=meta.cleaned_data.get("phase") or "",
                    taken_on=meta.cleaned_data["taken_on"],
                    answers=answers.answers(),
                )
            except ApplicationError as exc:
                apply_errors([answers, meta], exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Pengukuran %(scale)s tersimpan: skor %(score)d.")
                    % {"scale": scale.title, "score": measurement.score},
                )
                return redirect(_detail_url(case, "outcomes"))
        else:
            status = 400
    else:
        answers = AnswersForm(prefix="a", definition=scale.definition) if scale else None
        meta = OutcomeMetaForm(
            initial={
                "taken_on": timezone.localdate(),
                "phase": phases[0] if len(phases) == 1 else "",
                "version": case.version,
            },
            phases=phases,
        )
    context = {
        "case": case,
        "scales": scales,
        "scale": scale,
        "answers": answers,
        "meta": meta,
        "phases": phases,
    }
    return render(request, "cases/outcome.html", context, status=status)


def _plan_initial(plan: Plan | None) -> tuple[dict, list[dict]]:
    if plan is None:
        return {}, [{}]
    rows = [
        {
            "component": s.component,
            "description": s.description,
            "frequency": s.frequency,
            "responsible": s.responsible_id,
            "target_date": s.target_date,
        }
        for s in plan.services.all()
    ]
    return {"goals": plan.goals}, rows or [{}]


@case_page
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    """Writes a new revision of the intervention plan (services.plan_save, then plan_submit)."""
    user = request.user
    case = case_get(user, pk)
    _require_writer(user)
    staff = sentra_staff(case.unit_id, RESPONSIBLE_ROLES)
    status = 200
    if request.method == "POST":
        data = request.POST.copy()
        if "add_row" in data:
            # One more planned-service row, keeping everything typed so far.
            total = _int_or_none(data.get("services-TOTAL_FORMS")) or 0
            data["services-TOTAL_FORMS"] = str(total + 1)
        form = PlanForm(data)
        rows = PlannedServiceFormSet(data, prefix="services", staff=staff)
        if "add_row" not in data:
            if form.is_valid() and rows.is_valid():
                planned, sources = rows.planned()
                try:
                    plan = plan_save(
                        actor=user,
                        case=case,
                        goals=form.cleaned_data.get("goals") or [],
                        services=planned,
                        expected_version=form.cleaned_data.get("version"),
                    )
                    if data.get("action") == "submit":
                        plan_submit(actor=user, plan=plan)
                except Conflict as exc:
                    case = case_get(user, pk)
                    _conflict(form, exc, case.version)
                    status = 409
                except ApplicationError as exc:
                    apply_plan_error(form, sources, exc)
                    status = exc.status
                else:
                    messages.success(
                        request,
                        _("Rencana revisi %d diajukan untuk disetujui.") % plan.number
                        if data.get("action") == "submit"
                        else _("Rencana revisi %d disimpan sebagai draf.") % plan.number,
                    )
                    return redirect(_detail_url(case, "plan"))
            else:
                status = 400
    else:
        latest = case.plans.prefetch_related("services").first()
        initial, service_rows = _plan_initial(latest)
        form = PlanForm(initial={**initial, "version": case.version})
        rows = PlannedServiceFormSet(initial=service_rows, prefix="services", staff=staff)
    context = {
        "case": case,
        "form": form,
        "rows": rows,
        "may_plan": case.stage == Stage.PLANNING,
    }
    return render(request, "cases/plan.html", context, status=status)
