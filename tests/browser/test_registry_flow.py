"""The registry in a real browser, as issue 2's "Done means" asks: sign in, search a person,
open them, edit the phone number, save, and see the audit row of that change. Also: the list
fits a phone screen."""

import re

import pytest

from atensi.common.models import AuditLog
from tests.browser.conftest import expect, login
from tests.registry.factories import make_person

pytestmark = pytest.mark.browser

SEARCH_LABEL = "Cari NIK, No. KK, nomor registri, atau nama"


def test_login_search_open_edit_and_see_the_audit_row(new_page, head_a, auditor, pendamping_a):
    person = make_person(pendamping_a, full_name="Soeparno Wirjodiharjo", phone="081111111111")
    make_person(pendamping_a, full_name="Budi Santoso")

    # The head of sentra A signs in and goes to the registry.
    page = new_page()
    login(page, "head_a", next_path="/registri/")
    expect(page.get_by_role("heading", name="Registri penerima manfaat")).to_be_visible()

    # The modern spelling finds the old one (oe → u).
    page.get_by_label(SEARCH_LABEL).fill("Suparno")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Soeparno Wirjodiharjo")).to_be_visible()
    expect(results.get_by_role("link", name="Budi Santoso")).to_have_count(0)

    results.get_by_role("link", name="Soeparno Wirjodiharjo").click()
    expect(page.get_by_role("heading", name="Soeparno Wirjodiharjo")).to_be_visible()
    expect(page.get_by_text(person.registry_id).first).to_be_visible()

    page.get_by_role("link", name="Ubah data").click()
    phone = page.get_by_label(re.compile("^telepon", re.IGNORECASE))
    expect(phone).to_have_value("081111111111")
    phone.fill("082222222222")
    page.get_by_role("button", name="Simpan").click()

    # Back on the person's page, whose history shows the change to a head.
    expect(page.get_by_role("heading", name="Soeparno Wirjodiharjo")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/registri/{person.pk}/$"))
    history = page.locator(
        "section", has=page.get_by_role("heading", name="Riwayat akses dan perubahan")
    )
    expect(history).to_contain_text(re.compile(r"081111111111\s*→\s*082222222222"))
    expect(history).to_contain_text("head_a")

    row = AuditLog.objects.get(
        action="update", object_type="registry.person", object_id=str(person.pk)
    )
    assert row.actor == head_a
    assert row.changes == {"phone": ["081111111111", "082222222222"]}

    # The auditor finds the same row on the audit page by the registry number.
    audit = new_page()
    login(audit, "auditor", next_path="/audit/")
    audit.get_by_label("ID objek / nomor registri").fill(person.registry_id)
    audit.get_by_label("Aksi").select_option(label="ubah")
    audit.get_by_role("button", name="Cari").click()
    found = audit.locator("table.audit tbody tr")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("head_a")
    found.locator("summary").click()
    expect(found.locator(".diff")).to_contain_text(
        re.compile(r"telepon\s*:\s*081111111111\s*→\s*082222222222")
    )


def test_the_registry_list_fits_a_phone_screen(new_page, head_a, pendamping_a):
    make_person(pendamping_a, full_name="Raden Ajeng Siti Nurhaliza Binti Abdurrahman Wahid")
    make_person(pendamping_a, full_name="Muhammad Ridwan Kamil Prawiranegara", sex="L")
    page = new_page(width=375, height=740)
    login(page, "head_a", next_path="/registri/")
    expect(page.get_by_role("heading", name="Registri penerima manfaat")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Raden Ajeng"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
