import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from atensi.common.models import AuditLog
from atensi.registry.importing import import_job_create, import_job_start
from atensi.registry.models import ImportJob, ImportStatus, Person

from .files import csv_file, row


def upload(client, content: bytes, name: str = "orang.csv", **data):
    return client.post(
        reverse("registry:import"),
        {"file": SimpleUploadedFile(name, content), **data},
    )


def test_the_upload_page_offers_the_templates(client, pendamping_a):
    client.force_login(pendamping_a)

    response = client.get(reverse("registry:import"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("registry:import_template") in page
    assert 'name="valid_only"' in page
    assert 'name="unit"' not in page


def test_only_an_administrator_chooses_the_unit(client, admin_user, sentra_b):
    client.force_login(admin_user)
    assert 'name="unit"' in client.get(reverse("registry:import")).content.decode()

    response = upload(client, csv_file([row()]), unit=sentra_b.pk)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.unit == sentra_b
    assert Person.objects.get().unit == sentra_b


@pytest.mark.parametrize("user", ["finance_a", "auditor"])
def test_roles_that_do_not_write_the_registry_get_404(client, request, user):
    client.force_login(request.getfixturevalue(user))

    assert client.get(reverse("registry:import")).status_code == 404
    assert client.get(reverse("registry:import_template")).status_code == 404
    assert upload(client, csv_file([row()])).status_code == 404
    assert not ImportJob.objects.exists()


def test_an_upload_runs_the_import_and_shows_the_outcome(client, pendamping_a):
    client.force_login(pendamping_a)

    response = upload(client, csv_file([row(), row()]))

    job = ImportJob.objects.get()
    assert response.url == reverse("registry:import_status", args=[job.pk])
    assert (job.status, job.created, job.total) == (ImportStatus.DONE, 2, 2)
    assert job.source_path == ""  # the uploaded file is deleted once read
    page = client.get(response.url).content.decode()
    assert "2 orang diimpor" in page
    assert "every 1s" not in page


def test_a_file_with_errors_says_nothing_was_imported_and_offers_the_report(client, pendamping_a):
    client.force_login(pendamping_a)

    response = upload(client, csv_file([row(), row(jenis_kelamin="X")]))

    page = client.get(response.url).content.decode()
    job = ImportJob.objects.get()
    assert job.rejected
    assert "Tidak ada data yang diimpor" in page
    assert "1 dari 2 baris bermasalah" in page
    assert reverse("registry:import_report", args=[job.pk]) in page
    assert "jenis_kelamin" in page
    assert Person.objects.count() == 0


def test_the_report_download_is_the_excel_copy_and_is_audited(client, pendamping_a):
    client.force_login(pendamping_a)
    upload(client, csv_file([row(jenis_kelamin="X")]))
    job = ImportJob.objects.get()

    response = client.get(reverse("registry:import_report", args=[job.pk]))

    assert response.status_code == 200
    assert 'filename="laporan-orang.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["data"]
    assert next(sheet.iter_rows(values_only=True))[-3] == "kesalahan"
    audit = AuditLog.objects.get(action="export", object_type="registry.importjob")
    assert audit.actor == pendamping_a


def test_an_unsupported_file_is_refused_on_the_form(client, pendamping_a):
    client.force_login(pendamping_a)

    response = upload(client, b"%PDF", name="orang.pdf")

    assert response.status_code == 200
    assert ".csv atau .xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_missing_columns_fails_with_the_columns_named(client, pendamping_a):
    client.force_login(pendamping_a)

    response = upload(client, b"nik,nama_lengkap\r\n,Budi\r\n")

    page = client.get(response.url).content.decode()
    assert ImportJob.objects.get().status == ImportStatus.FAILED
    assert "jenis_kelamin, klaster" in page


@pytest.mark.parametrize("outsider", ["pendamping_a2", "head_a", "head_b"])
def test_another_user_gets_404_for_the_job_and_its_report(client, pendamping_a, request, outsider):
    client.force_login(pendamping_a)
    upload(client, csv_file([row(jenis_kelamin="X")]))
    job = ImportJob.objects.get()

    client.force_login(request.getfixturevalue(outsider))

    assert client.get(reverse("registry:import_status", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:import_report", args=[job.pk])).status_code == 404
    assert not AuditLog.objects.filter(action="export").exists()


def test_an_administrator_may_see_any_job(client, pendamping_a, admin_user):
    client.force_login(pendamping_a)
    upload(client, csv_file([row(jenis_kelamin="X")]))
    job = ImportJob.objects.get()

    client.force_login(admin_user)

    assert client.get(reverse("registry:import_status", args=[job.pk])).status_code == 200
    assert client.get(reverse("registry:import_report", args=[job.pk])).status_code == 200


def test_a_running_job_is_polled_and_shows_its_progress(client, pendamping_a, sentra_a):
    job = ImportJob.objects.create(
        created_by=pendamping_a,
        unit=sentra_a,
        file_name="besar.xlsx",
        status=ImportStatus.RUNNING,
        stage="check",
        total=40_000,
        processed=10_000,
    )
    client.force_login(pendamping_a)

    response = client.get(reverse("registry:import_status", args=[job.pk]), HTTP_HX_REQUEST="true")

    fragment = response.content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert '<progress max="40000" value="10000">' in fragment
    assert "25%" in fragment
    assert "<html" not in fragment


def test_the_page_lists_the_users_recent_imports(client, pendamping_a, pendamping_a2):
    client.force_login(pendamping_a)
    upload(client, csv_file([row()]), name="punya-saya.csv")
    client.force_login(pendamping_a2)
    upload(client, csv_file([row()]), name="punya-dia.csv")

    page = client.get(reverse("registry:import")).content.decode()

    assert "punya-dia.csv" in page
    assert "punya-saya.csv" not in page


def test_the_templates_download_as_xlsx_and_csv(client, pendamping_a):
    client.force_login(pendamping_a)

    xlsx = client.get(reverse("registry:import_template"))
    csv = client.get(reverse("registry:import_template") + "?format=csv")

    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["data", "petunjuk"]
    assert csv.content.decode("utf-8-sig").startswith("nik,no_kk,nama_lengkap")


def test_without_sync_the_job_runs_after_the_upload_commits(
    settings, pendamping_a, django_capture_on_commit_callbacks
):
    settings.ATENSI_IMPORT_SYNC = False
    job = import_job_create(
        actor=pendamping_a, upload=SimpleUploadedFile("a.csv", csv_file([row()]))
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_job_start(job=job)

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
