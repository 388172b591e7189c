"""The import pages: templates, upload, all-or-nothing with a per-row report, valid-only,
idempotence, progress page, and the figures changing after a realisation import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from atensi.budget.import_jobs import import_job_create, import_job_get, import_job_run
from atensi.budget.models import ImportBatch, Realisation
from atensi.common.errors import NotFound
from tests.budget.factories import csv_bytes, sp2d

pytestmark = pytest.mark.django_db

M = 1_000_000


def upload(rows, name="sp2d.csv", kind="realisation"):
    return SimpleUploadedFile(name, csv_bytes(kind, rows), content_type="text/csv")


def post_import(client, rows, *, kind="realisation", name="sp2d.csv", **fields):
    data = {"kind": kind, "file": upload(rows, name=name, kind=kind), **fields}
    return client.post("/anggaran/impor/", data, follow=True)


def test_the_import_page_offers_a_template_per_kind(client_for, finance_a):
    page = client_for(finance_a).get("/anggaran/impor/").content.decode()
    for kind in ("dipa", "plan", "blokir", "realisation", "output"):
        assert f"/anggaran/impor/templat/{kind}.xlsx" in page
        assert f"/anggaran/impor/templat/{kind}.csv" in page


def test_the_templates_download_as_excel_and_csv(client_for, finance_a):
    client = client_for(finance_a)
    xlsx = client.get("/anggaran/impor/templat/realisation.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["data", "petunjuk"]
    assert book["data"]["A1"].value == "tahun"
    csv = client.get("/anggaran/impor/templat/dipa.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").startswith("tahun,kode_satker")
    assert client.get("/anggaran/impor/templat/gaji.csv").status_code == 404


def test_a_realisation_import_changes_the_satkers_figures(
    client_for, finance_a, two_satker, sync_imports
):
    client = client_for(finance_a)
    before = client.get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert "Rp 300.000.000" in before and "30,00 %" in before
    page = post_import(
        client, [sp2d(amount=200 * M, number="S-NEW", date="2023-03-15")], name="maret.csv"
    )
    text = page.content.decode()
    assert "Impor selesai" in text and 'data-result="created">1<' in text
    after = client.get("/anggaran/satker/630108/?ta=2023").content.decode()
    assert "Rp 500.000.000" in after and "50,00 %" in after


def test_importing_the_same_file_twice_changes_nothing(
    client_for, finance_a, two_satker, sync_imports
):
    client = client_for(finance_a)
    rows = [sp2d(amount=5 * M, number="S-TWICE")]
    post_import(client, rows)
    second = post_import(client, rows).content.decode()
    assert 'data-result="created">0<' in second
    assert Realisation.objects.filter(sp2d_number="S-TWICE").count() == 1


def test_a_file_with_one_bad_row_imports_nothing_and_lists_the_row(
    client_for, finance_a, two_satker, sync_imports
):
    client = client_for(finance_a)
    rows = [
        sp2d(amount=5 * M, number="S-GOOD"),
        sp2d(amount="12,5", number="S-BAD"),
        sp2d(amount=7 * M, number="S-GOOD-2"),
    ]
    text = post_import(client, rows).content.decode()
    assert "Tidak ada data yang diimpor" in text
    assert "1 dari 3 baris bermasalah" in text
    assert '<td data-label="Baris">3</td>' in text
    assert not Realisation.objects.filter(sp2d_number__startswith="S-GOOD").exists()


def test_valid_only_imports_the_good_rows(client_for, finance_a, two_satker, sync_imports):
    client = client_for(finance_a)
    rows = [sp2d(amount=5 * M, number="S-OK"), sp2d(amount="abc", number="S-BAD")]
    text = post_import(client, rows, valid_only="on").content.decode()
    assert "Impor selesai" in text
    assert Realisation.objects.filter(sp2d_number="S-OK").exists()
    assert not Realisation.objects.filter(sp2d_number="S-BAD").exists()


def test_the_problem_report_downloads_as_excel(client_for, finance_a, two_satker, sync_imports):
    client = client_for(finance_a)
    page = post_import(client, [sp2d(amount="1.5e6", number="S-SCI")])
    job = page.redirect_chain[-1][0].rstrip("/").rsplit("/", 1)[-1]
    report = client.get(f"/anggaran/impor/{job}/masalah/")
    assert report.status_code == 200
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("baris", "kolom", "kesalahan")
    assert rows[1][0] == 2 and rows[1][1] == "nilai"


def test_a_finance_officer_cannot_import_for_another_satker(
    client_for, finance_a, two_satker, sync_imports
):
    text = post_import(client_for(finance_a), [sp2d(unit="630117", number="S-B")]).content.decode()
    assert "Tidak ada data yang diimpor" in text
    assert "tidak berwenang" in text
    assert not Realisation.objects.filter(sp2d_number="S-B").exists()


def test_a_wrong_file_type_is_refused_on_the_form(client_for, finance_a):
    response = client_for(finance_a).post(
        "/anggaran/impor/",
        {"kind": "realisation", "file": SimpleUploadedFile("sp2d.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 200
    assert "Format berkas tidak didukung" in response.content.decode()


def test_the_status_page_polls_until_the_import_has_run(client_for, finance_a, two_satker):
    job = import_job_create(actor=finance_a, kind="realisation", upload=upload([sp2d(number="Q")]))
    client = client_for(finance_a)
    waiting = client.get(f"/anggaran/impor/{job.id}/").content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "Menunggu giliran" in waiting
    import_job_run(job_id=job.id)
    fragment = client.get(f"/anggaran/impor/{job.id}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Impor selesai" in fragment
    assert "hx-trigger" not in fragment


def test_another_user_cannot_follow_someone_elses_import(client_for, finance_a, head_a):
    job = import_job_create(actor=finance_a, kind="realisation", upload=upload([sp2d()]))
    with pytest.raises(NotFound):
        import_job_get(head_a, job.id)
    assert client_for(head_a).get(f"/anggaran/impor/{job.id}/").status_code == 404
    assert client_for(finance_a).get("/anggaran/impor/not-a-job/").status_code == 404


def test_a_change_to_a_signed_off_month_needs_a_reason(
    client_for, finance_a, head_a, two_satker, sync_imports
):
    from atensi.budget.services import period_sign_off

    period_sign_off(actor=head_a, unit=head_a.unit, ta=2023, month=2)
    client = client_for(finance_a)
    row = [sp2d(amount=-10 * M, number="S-KOREKSI", date="2023-02-20")]
    refused = post_import(client, row).content.decode()
    assert "Impor gagal" in refused and "630108:2023-02" in refused
    done = post_import(client, row, restatement_reason="Pengembalian belanja").content.decode()
    assert "Impor selesai" in done and "1 bulan yang sudah ditandatangani dikoreksi" in done
    corrections = client.get("/anggaran/koreksi/?ta=2023").content.decode()
    assert "Pengembalian belanja" in corrections and "Februari 2023" in corrections
    assert ImportBatch.objects.filter(restatement_reason="Pengembalian belanja").exists()
