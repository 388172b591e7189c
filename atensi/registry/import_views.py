"""Pages for the bulk import of persons: upload, follow the progress, download the report."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from atensi.accounts.access import can_write_registry
from atensi.accounts.models import Role
from atensi.common.errors import ApplicationError, NotFound
from atensi.organisation.models import Unit

from .importing import (
    COLUMNS,
    import_job_create,
    import_job_get,
    import_job_start,
    import_jobs_recent,
    import_report_open,
    import_template_csv,
    import_template_xlsx,
)


class PersonImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas (.xlsx atau .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit tujuan"), queryset=Unit.objects.none(), required=False
    )
    valid_only = forms.BooleanField(
        label=_("Impor hanya baris yang valid"),
        required=False,
        help_text=_(
            "Tanpa pilihan ini, tidak ada data yang diimpor bila ada satu baris pun yang salah."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.ADMIN:
            self.fields["unit"].queryset = Unit.objects.order_by("code")
            self.fields["unit"].initial = user.unit_id
            self.fields["unit"].required = True
        else:
            del self.fields["unit"]


def _writer_or_404(user) -> None:
    if not can_write_registry(user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    """Upload form; a valid upload queues the import and goes to its status page."""
    _writer_or_404(request.user)
    form = PersonImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                unit=form.cleaned_data.get("unit"),
                valid_only=form.cleaned_data["valid_only"],
            )
        except ApplicationError as exc:
            form.add_error("file", str(exc.message))
        else:
            import_job_start(job=job)
            return redirect("registry:import_status", pk=job.pk)
    return render(
        request,
        "registry/import.html",
        {"form": form, "columns": COLUMNS, "jobs": import_jobs_recent(request.user)},
    )


@login_required
@require_GET
def import_template(request):
    """The import template: .xlsx by default, ?format=csv for CSV."""
    _writer_or_404(request.user)
    if request.GET.get("format") == "csv":
        response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="templat-impor-orang.csv"'
        return response
    response = HttpResponse(
        import_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-impor-orang.xlsx"'
    return response


@login_required
@require_GET
def import_status(request, pk: int):
    """The job's page; htmx polls it for the status fragment until the job has finished."""
    try:
        job = import_job_get(request.user, pk)
    except NotFound:
        raise Http404 from None
    if request.headers.get("HX-Request"):
        return render(request, "registry/partials/import_status.html", {"job": job})
    return render(request, "registry/import_status.html", {"job": job})


@login_required
@require_GET
def import_report(request, pk: int):
    """Downloads the Excel copy of the file with the problems of each row."""
    try:
        job = import_job_get(request.user, pk)
        path = import_report_open(actor=request.user, job=job)
    except NotFound:
        raise Http404 from None
    stem = job.file_name.rsplit(".", 1)[0] or "impor"
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 -- FileResponse closes it
        as_attachment=True,
        filename=f"laporan-{stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
