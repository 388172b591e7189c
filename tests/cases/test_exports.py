"""Exports: the PDF case file and the Excel case list, scoped and audited."""

import base64
import io
import re
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from atensi.cases import services
from atensi.cases.choices import Stage
from atensi.cases.exports import EXCEL_MAX_ROWS, case_file_pdf, case_list_xlsx
from atensi.cases.models import Case, FormDefinition
from atensi.common.errors import NotFound
from atensi.common.models import AuditLog
from atensi.registry.services import consent_withdraw
from tests.cases.factories import give_consent, make_case, walk
from tests.registry.factories import make_person


def pdf_text(data: bytes) -> str:
    """Roughly extracts the drawn text: inflates every content stream of the PDF."""
    out = []
    for match in re.finditer(
        rb"/Filter\s*(\[[^\]]*\]|/\w+).*?stream\r?\n(.*?)endstream", data, re.S
    ):
        filters, raw = match.group(1), match.group(2)
        if b"ASCII85Decode" in filters:
            raw = base64.a85decode(raw.strip().removeprefix(b"<~").removesuffix(b"~>"))
        if b"FlateDecode" in filters:
            raw = zlib.decompress(raw)
        out.append(raw.decode("latin-1"))
    return "\n".join(out)


@pytest.fixture
def full_case(pendamping_a, supervisor_a, head_a):
    """A case with an assessment, a plan, a paid service, a note and outcome measurements."""
    case = walk(make_case(pendamping_a), Stage.ASSESSMENT, worker=pendamping_a, lead=supervisor_a)
    scale = FormDefinition.objects.get(code="kesejahteraan-anak", version=1)
    low = dict.fromkeys(
        ["pengasuhan", "pendidikan", "kesehatan", "identitas", "keamanan", "partisipasi"], "0"
    )
    services.outcome_record(
        actor=pendamping_a,
        case=case,
        scale=scale,
        phase="assessment",
        taken_on=timezone.localdate(),
        answers=low,
    )
    case = walk(case, Stage.INTERVENTION, worker=pendamping_a, lead=supervisor_a)
    services.case_penetapan(
        actor=head_a, case=case, sk_number="12/RS/2026", sk_date=timezone.localdate()
    )
    services.service_record(
        actor=pendamping_a,
        case=case,
        delivered_on=timezone.localdate(),
        component="assistance",
        description="Paket sembako",
        quantity=3,
        unit_cost=411_522,
        ro_code="QDB.001",
    )
    services.note_add(
        actor=pendamping_a, case=case, kind="monitoring", text="Anak kembali bersekolah"
    )
    case = walk(case, Stage.MONITORING, worker=pendamping_a, lead=supervisor_a)
    services.outcome_record(
        actor=pendamping_a,
        case=case,
        scale=scale,
        phase="termination",
        taken_on=timezone.localdate(),
        answers=dict.fromkeys(low, "2"),
    )
    return Case.objects.get(pk=case.pk)


def test_the_case_file_is_a_pdf_with_all_sections(full_case, pendamping_a):
    data = case_file_pdf(actor=pendamping_a, case=full_case, purpose="Konferensi kasus")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert full_case.number in text
    assert "RAHASIA" in text and "UU 27/2022" in text
    assert "Halaman 1 dari" in text
    for expected in (
        "Budi Santoso",  # identity
        "12/RS/2026",  # penetapan
        "Asesmen biopsikososial",  # assessment form
        "Kebutuhan dasar terpenuhi",  # plan goal
        "Rp 1.234.566",  # 3 x Rp 411.522
        "Anak kembali bersekolah",  # note
        "Kesejahteraan anak",  # outcome scale
        "membaik",  # outcome change
        "Linimasa",  # timeline
    ):
        assert expected in text, expected


def test_exporting_the_case_file_is_audited(full_case, pendamping_a):
    case_file_pdf(actor=pendamping_a, case=full_case, purpose="Sidang anak")
    row = AuditLog.objects.get(
        action="export", object_type="cases.case", object_id=str(full_case.pk)
    )
    assert row.changes["format"] == "pdf" and row.changes["purpose"] == "Sidang anak"
    assert row.actor == pendamping_a


def test_an_outsider_cannot_export_the_case_file(pendamping_a, pendamping_a2, head_b):
    case = make_case(pendamping_a)
    for outsider in (head_b, pendamping_a2):
        with pytest.raises(NotFound):
            case_file_pdf(actor=outsider, case=case)
    assert not AuditLog.objects.filter(action="export").exists()


def test_the_case_file_takes_a_fixed_number_of_queries(
    full_case, pendamping_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        case_file_pdf(actor=pendamping_a, case=full_case)


def test_the_case_file_draws_any_name(pendamping_a):
    person = make_person(pendamping_a, full_name="Şükrü Nguyễn <Ahmad> & Co")
    case = make_case(pendamping_a, person=person)
    data = case_file_pdf(actor=pendamping_a, case=case)
    # Letters outside Windows-1252 lose their accents instead of becoming boxes; ü is kept.
    assert "S\\374kr\\374 Nguyen <" in pdf_text(data)
    assert b"ZapfDingbats" not in data


# Excel ----------------------------------------------------------------------------------------


def _sheet(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    rows = list(workbook["Kasus"].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_case_list_follows_the_users_scope(
    pendamping_a, pendamping_a2, head_a, head_b, pendamping_b, admin_user
):
    mine = make_case(pendamping_a, person=make_person(pendamping_a, full_name="Ani"))
    colleague = make_case(pendamping_a2, person=make_person(pendamping_a2, full_name="Budi"))
    elsewhere = make_case(pendamping_b, person=make_person(pendamping_b, full_name="Citra"))

    def numbers(actor, cases=None):
        header, rows = _sheet(case_list_xlsx(actor=actor, cases=cases))
        assert header[0] == "Nomor kasus"
        return {row[0] for row in rows}

    assert numbers(pendamping_a) == {mine.number}
    assert numbers(head_a) == {mine.number, colleague.number}
    assert numbers(head_b) == {elsewhere.number}
    assert numbers(admin_user) == {mine.number, colleague.number, elsewhere.number}
    # A list handed in from elsewhere is narrowed to the scope, never widened.
    assert numbers(head_a, Case.objects.all()) == {mine.number, colleague.number}
    assert numbers(head_a, Case.objects.filter(pk=mine.pk)) == {mine.number}


def test_the_case_list_has_readable_values_and_is_audited(pendamping_a):
    case = make_case(pendamping_a, urgency="emergency")
    header, [row] = _sheet(case_list_xlsx(actor=pendamping_a, description="Kasus saya"))
    values = dict(zip(header, row, strict=True))
    assert values["Nama"] == "Budi Santoso"
    assert values["Urgensi"] == "Darurat" and values["Tahap"] == "Pendekatan awal"
    expected = timezone.localtime(case.received_at).replace(tzinfo=None, microsecond=0)
    assert values["Rujukan diterima"].replace(microsecond=0) == expected
    audit = AuditLog.objects.get(action="export", object_type="cases.case")
    assert audit.changes == {"format": "xlsx", "count": 1, "description": "Kasus saya"}


def test_names_are_withheld_when_processing_has_stopped(pendamping_a):
    case = make_case(pendamping_a)
    consent_withdraw(
        actor=pendamping_a, consent=give_consent(pendamping_a, case.person), reason="Menolak"
    )
    header, [row] = _sheet(case_list_xlsx(actor=pendamping_a))
    assert dict(zip(header, row, strict=True))["Nama"] == "(pemrosesan dihentikan)"


def test_the_case_list_takes_the_same_queries_however_many(pendamping_a):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            case_list_xlsx(actor=pendamping_a)
        return len(captured)

    make_case(pendamping_a)
    one = queries()
    for name in ("Ani", "Citra", "Dewi"):
        make_case(pendamping_a, person=make_person(pendamping_a, full_name=name))
    assert queries() == one <= 6  # count, rows, audit row (+ savepoints)


def test_a_list_over_the_limit_is_refused(pendamping_a, monkeypatch):
    from atensi.cases import exports
    from atensi.common.errors import ApplicationError

    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 1)
    make_case(pendamping_a)
    make_case(pendamping_a, person=make_person(pendamping_a, full_name="Ani"))
    with pytest.raises(ApplicationError) as refused:
        case_list_xlsx(actor=pendamping_a)
    assert refused.value.code == "export_too_large"
    assert EXCEL_MAX_ROWS == 100_000


def test_typed_text_that_looks_like_a_formula_stays_text(pendamping_a):
    make_case(pendamping_a)
    search = '=HYPERLINK("http://contoh.invalid","klik")'
    data = case_list_xlsx(actor=pendamping_a, description=search)
    about = load_workbook(io.BytesIO(data))["Keterangan"]
    cells = {row[0].value: row[1] for row in about.iter_rows() if len(row) > 1}
    assert cells["Cakupan"].value == search
    assert cells["Cakupan"].data_type == "s"  # a formula would be "f"
