"""Duplicates in a real browser: the live warning on the registration form (issue 6's "Done
means"), and a head deciding and merging a pair on a phone-sized screen, then undoing it."""

import datetime as dt
import re

import pytest

from atensi.cases.models import Case
from atensi.dedup.models import Merge
from tests.browser.conftest import expect, login
from tests.cases.factories import make_case
from tests.dedup.factories import make_pair
from tests.registry.factories import make_person, nik_for

pytestmark = pytest.mark.browser

BORN = dt.date(1979, 6, 14)


def test_the_registration_form_warns_of_an_existing_person_while_typing(new_page, pendamping_a):
    existing = make_person(
        pendamping_a,
        full_name="Soeparno Wirjodiharjo",
        birth_date=BORN,
        nik=nik_for(BORN, "L", serial=4242),
        target_group="lansia",
    )
    make_person(pendamping_a, full_name="Budi Santoso")

    page = new_page()
    login(page, "pendamping_a", next_path="/registri/baru/")
    expect(page.get_by_role("heading", name="Daftarkan orang")).to_be_visible()
    warning = page.locator("#duplicate-warning")
    expect(warning).to_have_count(0)

    # The NIK alone is enough: the warning names the person and links to their record.
    page.get_by_label("NIK", exact=True).fill(existing.nik)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Mungkin sudah terdaftar")
    expect(warning).to_contain_text("NIK sama")
    link = warning.get_by_role("link", name="Soeparno Wirjodiharjo")
    expect(link).to_have_attribute("href", f"/registri/{existing.pk}/")

    # Another NIK: the warning goes; the modern spelling and the birth date bring it back.
    page.get_by_label("NIK", exact=True).fill("")
    expect(warning).to_have_count(0)
    page.get_by_label("Nama lengkap").fill("Suparno Wiryodiharjo")
    page.get_by_label("Tanggal lahir", exact=True).fill(BORN.isoformat())
    expect(warning).to_be_visible()
    expect(warning.get_by_role("link", name="Soeparno Wirjodiharjo")).to_be_visible()
    expect(warning).not_to_contain_text("NIK sama")
    expect(warning).to_contain_text(re.compile(r"peluang orang yang sama"))


def test_a_head_decides_merges_and_undoes_a_pair_on_a_phone(new_page, pendamping_a, head_a):
    nik = nik_for(BORN, "L", serial=4343)
    one = make_person(pendamping_a, full_name="Slamet Riyadi", birth_date=BORN, nik=nik)
    two = make_person(pendamping_a, full_name="Slamet Rijadi", birth_date=BORN, nik=nik)
    make_case(pendamping_a, person=two, pendamping=pendamping_a)
    pair = make_pair(one, two, impact=1)

    page = new_page(width=390, height=844)
    login(page, "head_a", next_path="/duplikat/")
    expect(page.get_by_role("heading", name="Tinjauan duplikat")).to_be_visible()
    page.locator("#pairs").get_by_role("link", name=re.compile("%")).first.click()
    expect(page).to_have_url(re.compile(rf"/duplikat/{pair.pk}/$"))
    expect(page.locator("#score-explanation")).to_contain_text("Tanggal lahir")
    # The side-by-side table fits the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1

    page.get_by_label("Orang yang sama").check()
    page.get_by_label("Alasan", exact=True).fill("NIK dan tanggal lahir sama")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.locator("#decisions")).to_contain_text("NIK dan tanggal lahir sama")

    page.get_by_label(re.compile(re.escape(f"Slamet Riyadi ({one.registry_id}"))).check()
    page.get_by_label("Alasan penggabungan").fill("Satu orang, dua kali didaftar")
    page.get_by_role("button", name="Gabungkan").click()
    # Without the confirmation box nothing happens: the browser asks for it.
    assert not Merge.objects.exists()
    page.get_by_label(re.compile("Saya sudah memeriksa kedua data")).check()
    page.get_by_role("button", name="Gabungkan").click()
    expect(
        page.get_by_role("heading", name=f"{two.registry_id} digabung ke {one.registry_id}")
    ).to_be_visible()
    assert Case.objects.filter(person=one).count() == 1

    page.get_by_label("Alasan pembatalan").fill("Ternyata keliru")
    page.get_by_label(re.compile("Kembalikan semua data")).check()
    page.get_by_role("button", name="Batalkan penggabungan").click()
    expect(page.get_by_text("Penggabungan dibatalkan")).to_be_visible()
    assert Case.objects.filter(person=two).count() == 1
