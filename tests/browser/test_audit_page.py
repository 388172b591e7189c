"""The audit page in a real browser: search, expand a row's changes (htmx), export, refusal."""

import csv
import re

import pytest

from atensi.common.models import AuditLog
from atensi.registry.services import person_update
from tests.browser.conftest import expect, login
from tests.registry.factories import make_person

pytestmark = pytest.mark.browser


def test_an_auditor_finds_a_change_sees_old_and_new_and_exports_it(page, auditor, pendamping_a):
    person = make_person(pendamping_a, full_name="Siti Aminah", sex="P", phone="0811111111")
    person_update(actor=pendamping_a, person=person, phone="0822222222")

    login(page, "auditor", next_path="/audit/")
    expect(page.get_by_role("heading", name="Catatan audit")).to_be_visible()

    page.get_by_label("ID objek / nomor registri").fill(person.registry_id)
    page.get_by_role("button", name="Cari").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows).to_have_count(2)  # the update and the creation, newest first
    update = rows.first
    expect(update).to_contain_text("ubah")
    expect(update).to_contain_text("pendamping_a")
    expect(update).to_contain_text("Sentra Handayani")
    expect(update).to_contain_text("Siti Aminah")

    update.locator("summary").click()  # loads the changes with htmx
    diff = update.locator(".diff li")
    expect(diff).to_have_count(1)
    expect(diff).to_have_text(re.compile(r"telepon\s*:\s*0811111111\s*→\s*0822222222"))

    with page.expect_download() as download:
        page.get_by_role("button", name="Ekspor CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as exported_file:
        exported = list(csv.DictReader(exported_file))
    assert [r["kode aksi"] for r in exported] == ["update", "create"]

    export = AuditLog.objects.get(action="export")
    assert export.actor == auditor
    assert export.changes["filters"] == [None, {"object": person.registry_id}]


def test_other_roles_are_refused(page, pendamping_a):
    login(page, "pendamping_a")
    response = page.goto("/audit/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Akses ditolak")).to_be_visible()


def test_the_audit_page_fits_a_phone_screen(new_page, auditor, pendamping_a):
    make_person(pendamping_a, full_name="Siti Aminah Binti Abdullah Syarifuddin", sex="P")
    page = new_page(width=375, height=740)
    login(page, "auditor", next_path="/audit/")
    expect(page.get_by_role("heading", name="Catatan audit")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
