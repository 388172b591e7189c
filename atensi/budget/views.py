"""Budget pages: thin front doors over the budget selectors, services, imports and the report.

Every page first checks that the role may read budget figures at all (403), then reads through
the selectors, which answer 404 for a satker outside the user's scope. Changes go through the
services (sign-off, revisions, blokir and its lifting) or the import service (files) and are
refused with the service's own message, shown on the form.
"""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atensi.accounts.access import (
    budget_sees_all_units,
    can_import_budget,
    can_import_budget_for,
    can_read_budget,
    can_sign_off_budget_period,
)
from atensi.common.errors import ApplicationError, NotFound, PermissionDenied
from atensi.common.pages import is_htmx, page_gate
from atensi.common.templatetags.atensi_format import format_rupiah

from . import charts, display, selectors, services
from . import figures as fig
from .forms import (
    BlokirForm,
    BlokirLiftForm,
    ImportForm,
    PeriodForm,
    RevisionForm,
    SignOffForm,
)
from .import_jobs import (
    import_job_create,
    import_job_get,
    import_job_report,
    import_job_start,
)
from .importing import COLUMNS, import_template, template_file_name
from .models import Blokir, ImportBatch
from .report import annual_report_for, annual_report_pdf, annual_report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Signed-in budget readers only; satker out of scope answer 404, refusals 403.
budget_page = page_gate(
    can_read_budget, gettext_lazy("Peran Anda tidak mempunyai akses ke data anggaran.")
)


def _require_importer(user) -> None:
    if not can_import_budget(user):
        raise PermissionDenied(_("Hanya petugas keuangan yang boleh mengimpor dan mengoreksi."))


def _period(request, unit_ids: list[int] | None, *, report: bool = False):
    """Reads ?ta=&month= against the TAs the user's satker have; returns (form, period)."""
    years = display.budget_years(unit_ids)
    default = display.default_ta(years)
    if report:
        past = [y for y in years if y < timezone.localdate().year]
        default = past[0] if past else default
    form = PeriodForm(request.GET or None, years=years, default_ta=default)
    ta, month = form.period_args()
    return form, fig.period_for(ta, month=month)


def _scope_ids(user) -> list[int] | None:
    return None if budget_sees_all_units(user) else [user.unit_id]


def _apply_error(form, exc: ApplicationError) -> None:
    """Puts a service's refusal on the form: on the fields it names, else on the whole form."""
    placed = False
    for name, problems in (exc.details or {}).items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem or exc.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


# ---------------------------------------------------------------------------------------------
# Figures


@budget_page
@require_GET
def index(request):
    """Sends the centre to all satker and everyone else to their own satker."""
    if budget_sees_all_units(request.user):
        return redirect("budget:satker_list")
    return redirect("budget:satker", code=request.user.unit.code)


@budget_page
@require_GET
def satker_list(request):
    """All satker (or the user's own) with realisation, IKPA, NKA, categories and the top five."""
    user = request.user
    form, period = _period(request, _scope_ids(user))
    table = selectors.satker_scores_for(user, period.ta, period)
    ranking = selectors.rankings_for(user, period.ta, period, fig.award_basis(period.ta))
    rules = fig.rules_for(period.ta)
    keys = sorted({k for row in table["satker"] for k in row["provisional"]})
    for row in table["satker"]:
        row["flags"] = display.provisional_flags(row["provisional"])
    eselon1 = table["eselon1"]
    if eselon1:
        eselon1["flags"] = display.provisional_flags(eselon1["provisional"])
    return render(
        request,
        "budget/satker_list.html",
        {
            "form": form,
            "period": period,
            "table": table,
            "eselon1": eselon1,
            "awards": ranking["awards"],
            "rules": display.rule_infos(rules),
            "notes": display.provisional_notes(rules, keys),
            "sees_all": budget_sees_all_units(user),
        },
    )


@budget_page
@require_GET
def satker_detail(request, code: str):
    """One satker's figures: realisation per jenis belanja and month, S-curve, IKPA, forecast."""
    user = request.user
    unit = selectors.budget_unit_get(user, code)
    form, period = _period(request, [unit.pk])
    detail = selectors.satker_detail_for(user, code, period.ta, period)
    figures = detail["figures"]
    rules = fig.rules_for(period.ta)
    forecasts = selectors.forecasts_for(user, period.ta, period, code)
    periods = selectors.periods_for(user, period.ta, code)
    locked = {lock.month for lock in periods["locks"]}
    today = timezone.localdate()
    open_months = [
        m
        for m in range(1, 13)
        if m not in locked and fig.month_end(period.ta, m) < today and period.ta <= today.year
    ]
    can_sign = can_sign_off_budget_period(user, unit)
    months = detail["breakdown"]["month"]
    chart = charts.s_curve_chart(detail["s_curve"])
    return render(
        request,
        "budget/satker_detail.html",
        {
            "unit": unit,
            "form": form,
            "period": period,
            "f": figures,
            "flags": display.provisional_flags(figures["provisional"]),
            "breakdown": detail["breakdown"],
            "jenis_rows": [
                {**row, "label": display.jenis_label(row["jenis_belanja"])}
                for row in detail["breakdown"]["jenis_belanja"]
            ],
            "months": [
                {
                    **row,
                    "name": display.month_name(row["month"]),
                    "cells": [row["jenis_belanja"].get(j, 0) for j in fig.JENIS],
                }
                for row in months
            ],
            "jenis_codes": [(j, display.jenis_label(j)) for j in fig.JENIS],
            "s_curve": detail["s_curve"],
            "s_curve_svg": mark_safe(charts.svg(chart)),  # noqa: S308 -- built by charts.svg, text escaped
            "ikpa_rows": display.ikpa_rows(
                rules, figures.get("ikpa_components", {}), figures["provisional"]
            ),
            "quarters": display.quarter_rows(rules, figures.get("ikpa_components", {})),
            "nka_rows": display.nka_rows(
                rules, figures.get("nka_components", {}), figures["provisional"]
            ),
            "forecast": _forecast(forecasts[0]) if forecasts else None,
            "rules": display.rule_infos(rules),
            "notes": display.provisional_notes(rules, figures["provisional"]),
            "missing": display.missing_notes(figures["missing"]),
            "locks": periods["locks"],
            "restatements": periods["restatements"],
            "sign_form": SignOffForm(months=open_months) if can_sign and open_months else None,
            "can_import": can_import_budget(user),
        },
    )


def _forecast(item: dict) -> dict:
    quarter = item.get("quarter")
    if quarter:
        quarter["closes"] = dt.date.fromisoformat(quarter["closes_on"])
        for row in quarter["jenis_belanja"]:
            row["label"] = display.jenis_label(row["jenis_belanja"])
        quarter["need"] = sum(row["shortfall"] for row in quarter["jenis_belanja"])
    return item


@budget_page
@require_POST
def sign_off(request, code: str):
    """The head signs off a closed month of their satker: its figures are locked."""
    unit = selectors.budget_unit_get(request.user, code)
    try:
        ta = int(request.POST.get("ta") or timezone.localdate().year)
    except ValueError:
        ta = timezone.localdate().year
    form = SignOffForm(request.POST, months=list(range(1, 13)))
    url = reverse("budget:satker", args=[unit.code]) + f"?ta={ta}"
    if not form.is_valid():
        messages.error(request, _("Pilih bulan yang akan ditandatangani."))
        return redirect(url)
    try:
        lock = services.period_sign_off(
            actor=request.user, unit=unit, ta=ta, month=form.cleaned_data["month"]
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Bulan %(month)s %(ta)s ditandatangani; angkanya kini terkunci.")
            % {"month": display.month_name(lock.month), "ta": ta},
        )
    return redirect(url)


@budget_page
@require_GET
def rankings(request):
    """Satker ranked by realisation, IKPA or NKA; the top five for the awards."""
    user = request.user
    form, period = _period(request, _scope_ids(user))
    by = request.GET.get("by") or fig.award_basis(period.ta)
    if by not in fig.RANK_BASES:
        by = fig.award_basis(period.ta)
    result = selectors.rankings_for(user, period.ta, period, by)
    titles = {
        "realisasi": _("Peringkat menurut realisasi (% pagu)"),
        "ikpa": _("Peringkat menurut nilai IKPA"),
        "nka": _("Peringkat menurut nilai kinerja anggaran (NKA)"),
    }
    buttons = {"realisasi": _("Realisasi"), "ikpa": _("IKPA"), "nka": _("NKA")}
    awarded = set()
    if result["awards"] and by == result["awards"]["by"]:
        awarded = {row["code"] for row in result["awards"]["top"]}
    chart = charts.ranking_chart(result["ranking"], title=titles[by], highlight_codes=awarded)
    rules = fig.rules_for(period.ta)
    keys = sorted({k for row in result["ranking"] for k in row["provisional"]})
    return render(
        request,
        "budget/rankings.html",
        {
            "form": form,
            "period": period,
            "by": by,
            "by_param": {"by": by},
            "title": titles[by],
            "bases": [(b, buttons[b]) for b in fig.RANK_BASES],
            "awarded": awarded,
            "result": result,
            "chart": mark_safe(charts.svg(chart)),  # noqa: S308 -- built by charts.svg
            "award_basis": fig.award_basis(period.ta),
            "rules": display.rule_infos(rules),
            "notes": display.provisional_notes(rules, keys),
        },
    )


# ---------------------------------------------------------------------------------------------
# Imports


def _template_columns() -> list[dict]:
    return [
        {"kind": kind, "label": label, "columns": COLUMNS[kind]}
        for kind, label in ImportBatch.Kind.choices
    ]


@budget_page
@require_http_methods(["GET", "POST"])
def imports(request):
    """Upload a DIPA, Hal III, blokir, SP2D or output file; the import runs in the background."""
    _require_importer(request.user)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else None
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = import_job_create(
                actor=request.user,
                kind=data["kind"],
                upload=data["file"],
                valid_only=data["valid_only"],
                restatement_reason=data["restatement_reason"],
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            import_job_start(job=job)
            return redirect("budget:import_status", job=job.id)
    return render(
        request,
        "budget/imports.html",
        {
            "form": form,
            "kinds": _template_columns(),
            "batches": selectors.import_batches_for(request.user, limit=20),
        },
    )


@budget_page
@require_GET
def import_template_download(request, kind: str, fmt: str):
    """The import template of a kind, as .xlsx (with instructions) or .csv."""
    _require_importer(request.user)
    if kind not in ImportBatch.Kind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    content = import_template(kind, fmt)
    response = HttpResponse(
        content, content_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="{template_file_name(kind, fmt)}"'
    return response


@budget_page
@require_GET
def import_status(request, job: str):
    """The import's page; htmx polls it for the status fragment until the import has finished."""
    found = import_job_get(request.user, job)
    context = {"job": found, "result": found.result or {}}
    if is_htmx(request):
        return render(request, "budget/partials/import_status.html", context)
    return render(request, "budget/import_status.html", context)


@budget_page
@require_GET
def import_report(request, job: str):
    """Downloads the problems of an import (row, column, message) as Excel."""
    found = import_job_get(request.user, job)
    response = HttpResponse(import_job_report(found), content_type=XLSX)
    stem = found.file_name.rsplit(".", 1)[0] or "impor"
    response["Content-Disposition"] = f'attachment; filename="masalah-{stem}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# Blokir, revisions, restatements


def _lift_forms(user, rows: list[Blokir], ta: int, bound=None) -> dict[int, BlokirLiftForm]:
    """A lift form for each blokir still in force that `user` may open (`bound` replaces one)."""
    today = min(timezone.localdate(), dt.date(ta, 12, 31))
    forms = {}
    for b in rows:
        if b.released_on is not None or not can_import_budget_for(user, b.unit):
            continue
        forms[b.pk] = (
            bound
            if bound is not None and bound.prefix == f"buka-{b.pk}"
            else BlokirLiftForm(blokir=b, initial={"lifted_on": max(today, b.blocked_on)})
        )
    return forms


def _blokir_page(request, period, *, form=None, form_period=None, lift_form=None, notice=None):
    """The blokir page, or for htmx only its body (`#blokir`) with a notice of what happened."""
    user = request.user
    rows = list(display.blokir_for(user, period.ta))
    lifts = _lift_forms(user, rows, period.ta, lift_form)
    context = {
        "form_period": form_period,
        "period": period,
        "form": form,
        "rows": [(b, lifts.get(b.pk)) for b in rows],
        "active_total": sum(b.amount for b in rows if b.released_on is None),
        "notice": notice,
    }
    if is_htmx(request):
        return render(request, "budget/partials/blokir_body.html", context)
    return render(request, "budget/blokir.html", context)


def _blokir_done(request, period, message: str, level: str = "success"):
    """After a change: htmx gets the fresh body with the notice, a plain form a redirect."""
    if is_htmx(request):
        form = _blokir_form(request.user, period)
        return _blokir_page(request, period, form=form, notice=(level, message))
    getattr(messages, level)(request, message)
    return redirect(reverse("budget:blokir") + f"?ta={period.ta}")


def _blokir_form(user, period, data=None) -> BlokirForm | None:
    if not can_import_budget(user):
        return None
    initial = {"ta": period.ta, "blocked_on": min(timezone.localdate(), dt.date(period.ta, 12, 31))}
    if not budget_sees_all_units(user):
        initial["unit"] = user.unit_id
    return BlokirForm(data, user=user, initial=initial)


@budget_page
@require_http_methods(["GET", "POST"])
def blokir_list(request):
    """Blokir (Hal IV) of the satker in scope; finance officers record new ones."""
    user = request.user
    form_period, period = _period(request, _scope_ids(user))
    if request.method == "POST":
        _require_importer(user)
    form = _blokir_form(user, period, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.blokir_create(
                actor=user,
                unit=data["unit"],
                ta=data["ta"],
                output=data["output"],
                jenis_belanja=data["jenis_belanja"],
                amount=data["amount"],
                reason=data["reason"],
                reference=data["reference"],
                blocked_on=data["blocked_on"],
                restatement_reason=data["restatement_reason"],
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            return _blokir_done(
                request,
                fig.period_for(data["ta"], month=period.month),
                _("Blokir %(amount)s dicatat.") % {"amount": format_rupiah(data["amount"])},
            )
    return _blokir_page(request, period, form=form, form_period=form_period)


@budget_page
@require_POST
def blokir_lift(request, pk: int):
    """Opens a blokir in full or in part."""
    user = request.user
    _require_importer(user)
    blokir = get_object_or_404(
        Blokir.objects.select_related("unit", "output").filter(
            unit__in=selectors.budget_units_visible_to(user)
        ),
        pk=pk,
    )
    period = fig.period_for(blokir.ta)
    form = BlokirLiftForm(request.POST, blokir=blokir)
    if form.is_valid():
        data = form.cleaned_data
        try:
            remainder = services.blokir_lift(
                actor=user,
                blokir=blokir,
                amount=data["amount"],
                lifted_on=data["lifted_on"],
                reference=data["reference"],
                restatement_reason=data["restatement_reason"],
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            _apply_error(form, exc)
        else:
            values = {
                "amount": format_rupiah(data["amount"]),
                "date": data["lifted_on"].strftime("%d-%m-%Y"),
            }
            if remainder is None:
                message = _("Blokir %(amount)s dibuka seluruhnya per %(date)s.") % values
            else:
                message = _(
                    "Blokir dibuka %(amount)s per %(date)s; sisa %(rest)s tetap diblokir."
                ) % {**values, "rest": format_rupiah(remainder.amount)}
            return _blokir_done(request, period, message)
    if is_htmx(request):
        return _blokir_page(
            request,
            period,
            form=_blokir_form(user, period),
            lift_form=form,
            notice=("error", _("Blokir belum dibuka; perbaiki isian di bawah.")),
        )
    problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    messages.error(request, _("Blokir belum dibuka: %s") % problems)
    return redirect(reverse("budget:blokir") + f"?ta={blokir.ta}")


@budget_page
@require_http_methods(["GET", "POST"])
def revisions(request):
    """DIPA revisions of the satker in scope (what changed, whether it counts for IKPA)."""
    user = request.user
    form_period, period = _period(request, _scope_ids(user))
    form = None
    if can_import_budget(user):
        initial = {"ta": period.ta}
        if not budget_sees_all_units(user):
            initial["unit"] = user.unit_id
        form = RevisionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST":
        _require_importer(user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.revision_record(
                    actor=user,
                    unit=data["unit"],
                    ta=data["ta"],
                    number=data["number"],
                    date=data["date"],
                    kind_code=data["kind_code"],
                    note=data["note"],
                )
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                _apply_error(form, exc)
            else:
                messages.success(request, _("Revisi DIPA dicatat."))
                return redirect(reverse("budget:revisions") + f"?ta={data['ta']}")
    rules = fig.rules_for(period.ta)
    counted = set()
    if rules.ikpa is not None:
        counted = set(rules.ikpa.definition.get("revisi_dipa", {}).get("counted_codes", []))
    return render(
        request,
        "budget/revisions.html",
        {
            "form_period": form_period,
            "period": period,
            "form": form,
            "rows": list(display.revisions_for(user, period.ta)),
            "counted": counted,
            "rule": rules.ikpa,
        },
    )


@budget_page
@require_GET
def restatements(request):
    """Corrections of signed-off months, with their reasons, in both periods they concern."""
    user = request.user
    form_period, period = _period(request, _scope_ids(user))
    rows = []
    for item in display.restatements_for(user, period.ta):
        item.changes = display.restatement_changes(item.before, item.after)
        rows.append(item)
    return render(
        request,
        "budget/restatements.html",
        {
            "form_period": form_period,
            "period": period,
            "rows": rows,
            "can_import": can_import_budget(user),
        },
    )


# ---------------------------------------------------------------------------------------------
# The annual evaluation report


@budget_page
@require_GET
def report(request):
    """The annual evaluation (Rakornis) report of a TA, with links to its PDF and Excel copies."""
    form, period = _period(request, None, report=True)
    found = annual_report_for(request.user, period.ta, month=request_month(request))
    return render(
        request,
        "budget/report.html",
        {
            "form": form,
            "r": found,
            "rows": found.satker_rows(),
            "s_curve_svg": mark_safe(charts.svg(found.s_curve_chart())),  # noqa: S308
            "ranking_svg": mark_safe(charts.svg(found.ranking_chart())),  # noqa: S308
        },
    )


def request_month(request) -> int | None:
    try:
        month = int(request.GET.get("month") or 0)
    except ValueError:
        return None
    return month if 1 <= month <= 12 else None


@budget_page
@require_GET
def report_pdf(request, ta: int):
    """The annual evaluation report as a PDF."""
    found = annual_report_for(request.user, ta, month=request_month(request))
    response = HttpResponse(
        annual_report_pdf(found, actor=request.user), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="laporan-evaluasi-anggaran-{ta}.pdf"'
    return response


@budget_page
@require_GET
def report_xlsx(request, ta: int):
    """The annual evaluation report as an Excel workbook."""
    found = annual_report_for(request.user, ta, month=request_month(request))
    response = HttpResponse(annual_report_xlsx(found), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="laporan-evaluasi-anggaran-{ta}.xlsx"'
    return response
