"""The home redirect and the audit pages: search the audit trail, see a row's changes, export.

The audit trail has no edit or delete page on purpose: rows are append-only (also enforced by
database triggers, migration 0002).
"""

import csv
import datetime as dt
import json
from functools import wraps
from typing import Any

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from atensi.accounts.access import (
    can_read_audit,
    can_read_budget,
    can_read_registry,
    can_write_cases,
)
from atensi.organisation.models import Unit

from .audit import audit_record
from .filters import audit_rows_filter
from .models import AuditAction, AuditLog

PAGE_SIZE = 50
# Rows fetched per round trip while streaming an export; keeps memory flat for large exports.
EXPORT_CHUNK = 2000
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]


@login_required
def home(request):
    """Sends each role to where its work starts."""
    if can_write_cases(request.user):
        return redirect("cases:queues")
    if can_read_registry(request.user):
        return redirect("registry:list")
    if can_read_budget(request.user):
        return redirect("budget:index")
    if can_read_audit(request.user):
        return redirect("audit:list")
    return render(request, "home.html")


def audit_page(view):
    """Signed-in auditors and administrators only; everyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_read_audit(request.user):
            return render(
                request,
                "audit/forbidden.html",
                {"message": _("Hanya auditor dan administrator yang boleh melihat catatan audit.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapped


# ---------------------------------------------------------------------------------------------
# Labels


def object_type_labels() -> dict[str, str]:
    """Returns {"registry.person": "orang", ...} for the models of atensi's own apps."""
    return {
        model._meta.label_lower: str(model._meta.verbose_name)
        for model in apps.get_models()
        if model.__module__.startswith("atensi.")
    }


def _model_field(object_type: str, name: str):
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def field_label(object_type: str, name: str) -> str:
    field = _model_field(object_type, name)
    label = getattr(field, "verbose_name", None)
    return str(label) if label else name.replace("_", " ")


def display_value(value: Any, field=None) -> str:
    """Formats one stored audit value for people: choices by label, dates as dd-mm-yyyy (WIB)."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, list):
        return ", ".join(display_value(v, field) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-":
        moment = parse_datetime(value) if len(value) > 10 else None
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%d-%m-%Y %H:%M")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return day.strftime("%d-%m-%Y")
    return str(value)


def changed_names(row: AuditLog) -> list[str]:
    """Returns the names in the row's changes in the model's field order.

    PostgreSQL's jsonb does not keep the order the service wrote, so a stable order is imposed.
    """
    if not isinstance(row.changes, dict):
        return []
    try:
        order = [f.name for f in apps.get_model(row.object_type)._meta.get_fields()]
    except (LookupError, ValueError):
        order = []
    rank = {name: i for i, name in enumerate(order)}
    return sorted(row.changes, key=lambda name: (rank.get(name, len(rank)), name))


def change_lines(row: AuditLog) -> list[dict[str, str]]:
    """Returns the row's changes as [{"field", "old", "new"}], old and new ready to show."""
    if isinstance(row.changes, dict):
        changes = {name: row.changes[name] for name in changed_names(row)}
    else:
        changes = {"": row.changes}
    lines = []
    for name, value in changes.items():
        field = _model_field(row.object_type, name)
        # Services store [old, new]; anything else is shown as the new value.
        old, new = value if isinstance(value, list) and len(value) == 2 else (None, value)
        lines.append(
            {
                "field": field_label(row.object_type, name),
                "old": display_value(old, field),
                "new": display_value(new, field),
            }
        )
    return lines


# ---------------------------------------------------------------------------------------------
# Search


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} · {obj.name}"


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=gettext_lazy("Nama pengguna"), required=False, max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("Aksi"), required=False)
    object_type = forms.ChoiceField(label=gettext_lazy("Jenis objek"), required=False)
    object = forms.CharField(
        label=gettext_lazy("ID objek / nomor registri"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("Mis. 42 atau ATN-7KQ2-M9XD"),
    )
    unit = UnitChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.only("code", "name").order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    date_from = forms.DateField(
        label=gettext_lazy("Dari tanggal"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d-%m-%Y", attrs={"placeholder": "dd-mm-yyyy"}),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Sampai tanggal"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d-%m-%Y", attrs={"placeholder": "dd-mm-yyyy"}),
    )
    q = forms.CharField(label=gettext_lazy("Teks pada objek"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "—"), *AuditAction.choices]
        labels = object_type_labels()
        self.fields["object_type"].choices = [("", "—")] + sorted(
            labels.items(), key=lambda item: item[1]
        )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
        return data

    def filters(self) -> dict[str, Any]:
        """Returns the cleaned filters as plain values (for the query and the export's audit row)."""
        data = self.cleaned_data
        out = {
            name: data.get(name) or "" for name in ("actor", "action", "object_type", "object", "q")
        }
        out["unit"] = data["unit"].code if data.get("unit") else ""
        for name in ("date_from", "date_to"):
            out[name] = data[name].isoformat() if data.get(name) else ""
        return {k: v.strip() if isinstance(v, str) else v for k, v in out.items() if v}


def audit_rows(filters: dict[str, Any]):
    """Returns the audit rows matching the page's filters, newest first."""
    filters = dict(filters)
    wanted_object = filters.pop("object", "")
    text = filters.pop("q", "")
    for name in ("date_from", "date_to"):
        if filters.get(name):
            filters[name] = dt.date.fromisoformat(filters[name])
    # A registry number (ATN-…) is what people have on paper; the audit row keeps it in the
    # object's text, which also survives the person's erasure.
    registry_number = wanted_object.upper().startswith("ATN-")
    rows = audit_rows_filter(
        AuditLog.objects.select_related("unit").order_by("-at", "-id"),
        object_id="" if registry_number else wanted_object,
        **filters,
    )
    if registry_number:
        rows = rows.filter(object_repr__icontains=wanted_object.upper())
    if text:
        rows = rows.filter(object_repr__icontains=text)
    return rows


@require_GET
@audit_page
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and not form.is_valid():
        page = None
    else:
        if form.is_bound:
            filters = form.filters()
            # Show the filters back in the page's own formats (dates as dd-mm-yyyy), however typed.
            form = AuditFilterForm(initial=form.cleaned_data)
        page = Paginator(audit_rows(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = object_type_labels()
    rows = [
        {
            "row": row,
            "type_label": labels.get(row.object_type, row.object_type),
            "changed_fields": [field_label(row.object_type, name) for name in changed_names(row)],
        }
        for row in (page.object_list if page else [])
    ]
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "rows": rows, "filtered": bool(filters)},
    )


@require_GET
@audit_page
def audit_changes(request, pk: int):
    row = get_object_or_404(AuditLog.objects.select_related("unit"), pk=pk)
    context = {
        "row": row,
        "lines": change_lines(row),
        "type_label": object_type_labels().get(row.object_type, row.object_type),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "audit/partials/changes.html", context)
    return render(request, "audit/detail.html", context)


# ---------------------------------------------------------------------------------------------
# Export


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet programs run cells starting with these as formulas (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


EXPORT_COLUMNS = [
    gettext_lazy("waktu (WIB)"),
    gettext_lazy("waktu (ISO 8601)"),
    gettext_lazy("nama pengguna"),
    gettext_lazy("unit"),
    gettext_lazy("aksi"),
    gettext_lazy("kode aksi"),
    gettext_lazy("jenis objek"),
    gettext_lazy("id objek"),
    gettext_lazy("objek"),
    gettext_lazy("alamat IP"),
    gettext_lazy("perubahan"),
]


def _export_lines(rows):
    writer = csv.writer(_Echo())
    # The byte order mark lets spreadsheet programs read the Indonesian text as UTF-8.
    yield "\ufeff" + writer.writerow([str(c) for c in EXPORT_COLUMNS])
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow(
            [
                _cell(timezone.localtime(row.at).strftime("%d-%m-%Y %H:%M:%S")),
                _cell(row.at.isoformat()),
                _cell(row.actor_username),
                _cell(row.unit.code if row.unit else ""),
                _cell(row.get_action_display()),
                _cell(row.action),
                _cell(row.object_type),
                _cell(row.object_id),
                _cell(row.object_repr),
                _cell(row.ip),
                _cell(json.dumps(row.changes, ensure_ascii=False, sort_keys=True)),
            ]
        )


@require_POST
@audit_page
def audit_export(request):
    """Streams the filtered audit rows as CSV; the export itself is audited first."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('audit:list')}?{request.GET.urlencode()}")
    filters = form.filters() if form.is_bound else {}
    with transaction.atomic():
        # Fix the set of rows before the export row is written, so the count in that row is
        # exactly what leaves the system, and the export does not contain itself.
        last_id = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        rows = audit_rows(filters).filter(id__lte=last_id)
        count = rows.count()
        audit_record(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="common.auditlog",
            object_repr=ngettext(
                "Ekspor catatan audit (%(count)s baris)",
                "Ekspor catatan audit (%(count)s baris)",
                count,
            )
            % {"count": count},
            changes={
                "filters": [None, filters],
                "rows": [None, count],
                "up_to_id": [None, last_id],
            },
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_export_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
