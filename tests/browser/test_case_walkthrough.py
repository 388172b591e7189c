"""One case through every stage in a real browser, each step by the role that owns it (issue 3,
"Done means"): the pendamping opens, contacts, assesses, plans and submits; the supervisor
approves the plan; the head records the penetapan; the pendamping records a service, monitors,
terminates and starts aftercare; the head closes. They sign in and out between roles, on a
phone-sized screen, and no page scrolls sideways."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from atensi.cases.choices import PlanStatus, Stage
from atensi.cases.models import Case
from atensi.common.models import AuditLog
from tests.browser.conftest import expect, login
from tests.registry.factories import make_person

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
RECEIPT = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def logout(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


def latest_message(page):
    # After an htmx change the case area brings its own message; a full page shows it on top.
    return page.locator("#case .messages, main > .messages").last


def stage_is(page, label: str) -> None:
    expect(page.locator("#header h1 .badge")).to_have_text(label)


def press(page, label: str) -> None:
    """Presses a stage button and waits for the case area to come back with the new stage."""
    page.locator("#actions").get_by_role("button", name=label).click()


def open_details(page, summary: str):
    """Opens a collapsed form on the case page and returns its <details> element."""
    details = page.locator("details", has=page.locator("summary", has_text=summary))
    details.locator("summary").click()
    return details


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=re.compile("^" + re.escape(question))).get_by_label(
        answer
    ).check()


def test_one_case_from_referral_to_closing(
    new_page, settings, tmp_path, head_a, supervisor_a, pendamping_a
):
    settings.MEDIA_ROOT = tmp_path  # the receipt uploaded below
    person = make_person(pendamping_a, full_name="Suparno Wijaya", target_group="anak")
    page = new_page(**PHONE)

    # --- the pendamping opens the case from the person's page ---------------------------------
    login(page, "pendamping_a")
    page.goto(f"/registri/{person.pk}/")
    page.get_by_role("link", name="Buka kasus").click()
    expect(page.get_by_role("heading", name="Buka kasus untuk Suparno Wijaya")).to_be_visible()
    fits_the_phone(page)
    received = timezone.localtime() - dt.timedelta(hours=5)
    page.get_by_label("Sumber rujukan").select_option(label="Kepolisian")
    page.get_by_label("Rujukan diterima pada").fill(received.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Nama pelapor/perujuk").fill("Bripka Santoso")
    page.get_by_label("Mendesak").check()
    page.get_by_label("Berbasis keluarga").check()
    page.get_by_label("Supervisor").select_option(label="Supervisor A (Supervisor)")
    page.get_by_role("button", name="Buka kasus").click()

    expect(page.locator("#header h1")).to_contain_text("KS-")
    case = Case.objects.get(person=person)
    assert case.pendamping == pendamping_a and case.supervisor == supervisor_a
    stage_is(page, "Pendekatan awal")
    # Not ready yet: the button is shown disabled with what is missing.
    expect(page.locator("#actions").get_by_text("Catat kontak pertama")).to_be_visible()
    fits_the_phone(page)

    # --- first contact, then the assessment --------------------------------------------------------
    contact = open_details(page, "Catat kontak / kunjungan")
    contact.get_by_label("Hasil kontak").fill("Kunjungan rumah, bertemu nenek")
    contact.get_by_role("button", name="Simpan kontak").click()
    expect(latest_message(page)).to_contain_text("Kontak tercatat.")
    press(page, "Mulai asesmen")
    stage_is(page, "Asesmen")

    page.get_by_role("link", name="Isi asesmen").click()
    expect(page.get_by_role("heading", name="Asesmen", exact=True)).to_be_visible()
    fits_the_phone(page)
    choose(page, "Tingkat masalah fisik", "Masalah ringan")
    choose(page, "Tingkat masalah psikologis", "Masalah sedang")
    choose(page, "Tingkat masalah relasi sosial", "Masalah ringan")
    choose(page, "Tingkat masalah mental spiritual", "Tidak ada masalah")
    choose(page, "Tingkat masalah ekonomi", "Masalah berat")
    choose(page, "Risiko keselamatan", "Ada, terkendali")
    page.get_by_label("Kebutuhan utama").fill("Kembali bersekolah")
    page.get_by_label("Kekuatan dan sumber daya").fill("Nenek peduli")
    page.get_by_role("button", name="Selesaikan asesmen").click()
    expect(latest_message(page)).to_contain_text("Asesmen selesai dan tersimpan.")
    expect(page.locator("#assessment")).to_contain_text("Kebutuhan sedang")

    # --- the plan, written and submitted ----------------------------------------------------------
    press(page, "Susun rencana intervensi")
    stage_is(page, "Rencana intervensi")
    page.locator("#plan").get_by_role("link", name="Susun rencana").click()
    fits_the_phone(page)
    page.get_by_label("Tujuan intervensi").fill("Anak kembali bersekolah\nNenek mampu mengasuh")
    page.get_by_label("Komponen ATENSI").select_option(label="Dukungan keluarga")
    page.get_by_label("Uraian layanan").fill("Konseling keluarga")
    page.get_by_label("Frekuensi").fill("mingguan")
    page.get_by_label("Penanggung jawab").select_option(label="Sri Wahyuni (Pendamping)")
    target = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Target tanggal").fill(target.isoformat())
    page.get_by_role("button", name="Simpan dan ajukan untuk disetujui").click()
    expect(page.locator("#plan")).to_contain_text("Menunggu persetujuan")
    # The pendamping cannot move on before the approval.
    expect(page.locator("#actions")).to_contain_text("Rencana intervensi harus disetujui")
    logout(page)

    # --- the supervisor approves it from their queue ----------------------------------------------
    login(page, "supervisor_a", next_path="/kasus/antrian/")
    approvals = page.locator("#approvals")
    expect(approvals).to_contain_text("Suparno Wijaya")
    fits_the_phone(page)
    approvals.get_by_role("link", name=case.number).click()
    page.locator("#plan").get_by_role("button", name="Setujui rencana").click()
    expect(page.locator("#plan")).to_contain_text("Disetujui")
    assert case.plans.get().status == PlanStatus.APPROVED
    logout(page)

    # --- the head records the penetapan (SK) ------------------------------------------------------
    login(page, "head_a", next_path=f"/kasus/{case.pk}/")
    penetapan = open_details(page, "Catat SK penetapan")
    penetapan.get_by_label("Nomor SK penetapan").fill("SK-12/HDY/2026")
    penetapan.get_by_label("Tanggal SK").fill(timezone.localdate().isoformat())
    penetapan.get_by_role("button", name="Simpan penetapan").click()
    expect(page.locator("#header")).to_contain_text("SK SK-12/HDY/2026")
    logout(page)

    # --- the pendamping delivers a service, monitors, terminates, starts aftercare ----------------
    login(page, "pendamping_a", next_path=f"/kasus/{case.pk}/")
    press(page, "Mulai intervensi")
    stage_is(page, "Pelaksanaan intervensi")
    service = open_details(page, "Catat layanan")
    service.get_by_label("Komponen ATENSI").select_option(label="Dukungan keluarga")
    service.get_by_label("Uraian").fill("Paket pendidikan")
    service.get_by_label("Jumlah").fill("2")
    service.get_by_label("Harga satuan (Rp)").fill("150.000")
    service.get_by_label("Kode RO anggaran").fill("027.06.WA.6411.QDB.001")
    service.get_by_role("button", name="Simpan layanan").click()
    expect(page.locator("#services-total")).to_have_text("Rp 300.000")
    fits_the_phone(page)
    receipt = open_details(page, "Unggah lampiran")
    receipt.get_by_label("Jenis lampiran").select_option(label="Kuitansi / bukti terima")
    receipt.get_by_label("Untuk layanan").select_option(index=1)
    receipt.get_by_label("Berkas").set_input_files(
        {"name": "kuitansi.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}
    )
    receipt.get_by_role("button", name="Unggah").click()
    expect(page.locator("#attachments").get_by_role("link", name="kuitansi.pdf")).to_be_visible()

    press(page, "Monitoring dan evaluasi")
    stage_is(page, "Monitoring dan evaluasi")
    note = open_details(page, "Tambah catatan / monitoring")
    note.get_by_label("Isi catatan").fill("Anak sudah masuk sekolah lagi")
    note.get_by_label(re.compile("^Kemajuan T1")).fill("Tercapai")
    note.get_by_role("button", name="Simpan catatan").click()
    expect(page.locator("#notes")).to_contain_text("Anak sudah masuk sekolah lagi")

    terminate = open_details(page, "Terminasi")
    terminate.get_by_label("Alasan terminasi").select_option(label="Tujuan tercapai")
    terminate.get_by_label("Membaik").check()
    terminate.get_by_role("button", name="Terminasi kasus").click()
    stage_is(page, "Terminasi / rujukan")

    press(page, "Mulai bimbingan lanjut")
    stage_is(page, "Bimbingan lanjut")
    schedule = open_details(page, "Jadwalkan kunjungan")
    schedule.get_by_label("Jadwal kunjungan").fill(timezone.localdate().isoformat())
    schedule.get_by_role("button", name="Jadwalkan").click()
    visit = open_details(page, "Catat kunjungan")
    visit.get_by_label("Hasil kunjungan").fill("Anak tetap sekolah, nenek sehat")
    visit.get_by_role("button", name="Simpan kunjungan").click()
    expect(page.locator("#aftercare")).to_contain_text("Anak tetap sekolah, nenek sehat")
    # Closing belongs to the sentra's leads.
    expect(page.locator("#actions").get_by_role("button", name="Tutup kasus")).to_have_count(0)
    logout(page)

    # --- the head closes the case -----------------------------------------------------------------
    login(page, "head_a", next_path=f"/kasus/{case.pk}/")
    press(page, "Tutup kasus")
    stage_is(page, "Ditutup")
    expect(page.locator("#timeline li").first).to_contain_text("Bimbingan lanjut → Ditutup")
    fits_the_phone(page)

    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.sk_number == "SK-12/HDY/2026"
    assert case.services.get().unit_cost == 150_000
    assert case.attachments.get().service == case.services.get()
    moves = {
        e.stage_to: e.actor.username
        for e in case.events.filter(kind="stage").select_related("actor")
    }
    assert moves == {
        Stage.ASSESSMENT: "pendamping_a",
        Stage.PLANNING: "pendamping_a",
        Stage.INTERVENTION: "pendamping_a",
        Stage.MONITORING: "pendamping_a",
        Stage.TERMINATION: "pendamping_a",
        Stage.AFTERCARE: "pendamping_a",
        Stage.CLOSED: "head_a",
    }
    assert AuditLog.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() >= 10
