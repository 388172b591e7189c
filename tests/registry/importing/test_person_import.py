import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atensi.common.errors import ApplicationError, PermissionDenied
from atensi.common.models import AuditLog
from atensi.lib.names import normalize_name
from atensi.registry.importing import person_import
from atensi.registry.models import Person, PersonNameToken
from atensi.registry.selectors import person_search, persons_visible_to
from atensi.registry.services import person_create, person_name_tokens_rows
from tests.registry.factories import make_person, nik_for

from .files import HEADERS, csv_file, row, xlsx_file


def run(actor, content: bytes, name: str = "orang.csv", **kwargs):
    return person_import(actor=actor, file=io.BytesIO(content), file_name=name, **kwargs)


def test_it_imports_every_row_of_a_clean_file(pendamping_a, sentra_a):
    rows = [row(nama_lengkap="Siti Aminah", jenis_kelamin="P"), row(nama_lengkap="Joko Widodo")]

    result = run(pendamping_a, csv_file(rows))

    assert (result.total, result.created, result.error_rows) == (2, 2, 0)
    persons = Person.objects.filter(pk__in=result.person_ids).order_by("full_name")
    assert [p.full_name for p in persons] == ["Joko Widodo", "Siti Aminah"]
    assert all(p.unit == sentra_a and p.registered_by == pendamping_a for p in persons)
    assert set(persons_visible_to(pendamping_a)) == set(persons)


def test_a_file_with_one_bad_row_imports_nothing_and_reports_the_row(pendamping_a):
    rows = [row(), row(jenis_kelamin="X"), row()]

    result = run(pendamping_a, csv_file(rows))

    assert result.rejected
    assert result.created == 0
    assert Person.objects.count() == 0
    assert [(i.row, i.column) for i in result.issues if i.level == "error"] == [
        (3, "jenis_kelamin")
    ]
    assert "L (laki-laki) atau P (perempuan)" in result.issues[0].message
    assert not AuditLog.objects.filter(action="import").exists()


def test_it_reports_every_bad_row_with_its_spreadsheet_row_number(pendamping_a):
    rows = [
        row(nama_lengkap=""),
        row(),
        row(tanggal_lahir="31-02-2010"),
        row(klaster="anak-anak", kode_desa="31.75.01.9999"),
        row(nik="3175010000000000"),
    ]

    result = run(pendamping_a, csv_file(rows))

    errors = {(i.row, i.column) for i in result.issues if i.level == "error"}
    assert errors == {
        (2, "nama_lengkap"),
        (4, "tanggal_lahir"),
        (5, "klaster"),
        (5, "kode_desa"),
        (6, "nik"),
    }
    assert result.error_rows == 4
    assert Person.objects.count() == 0


def test_blank_lines_do_not_shift_the_row_numbers(pendamping_a):
    content = csv_file([row(), row(jenis_kelamin="")]).replace(b"\r\n", b"\r\n\r\n", 1)

    result = run(pendamping_a, content)

    assert result.total == 2
    assert [i.row for i in result.issues if i.level == "error"] == [4]


def test_valid_only_imports_the_good_rows_and_leaves_out_the_bad(pendamping_a):
    rows = [row(nama_lengkap="Baik Satu"), row(jenis_kelamin="X"), row(nama_lengkap="Baik Dua")]

    result = run(pendamping_a, csv_file(rows), valid_only=True)

    assert (result.created, result.error_rows, result.rejected) == (2, 1, False)
    assert sorted(Person.objects.values_list("full_name", flat=True)) == ["Baik Dua", "Baik Satu"]
    assert [r.imported for r in result.rows] == [True, False, True]


def test_valid_only_with_no_valid_row_imports_nothing(pendamping_a):
    result = run(pendamping_a, csv_file([row(jenis_kelamin="X")]), valid_only=True)

    assert result.rejected
    assert Person.objects.count() == 0


def test_it_reads_csv_with_semicolons_and_a_byte_order_mark(pendamping_a):
    content = csv_file([row(nama_lengkap="Dewi Lestari", alamat="Jl. A, No. 5")], delimiter=";")
    content = "\ufeff".encode() + content

    result = run(pendamping_a, content)

    assert result.created == 1
    person = Person.objects.get()
    assert (person.full_name, person.address) == ("Dewi Lestari", "Jl. A, No. 5")


def test_it_reads_a_csv_saved_by_excel_in_the_windows_code_page(pendamping_a):
    content = csv_file([row(nama_lengkap="Andrés Pérez")], delimiter=";")
    content = content.decode("utf-8").encode("cp1252")

    result = run(pendamping_a, content)

    assert Person.objects.get(pk=result.person_ids[0]).full_name == "Andrés Pérez"


@pytest.mark.parametrize("written", ["2011-03-09", "09-03-2011", "09/03/2011", "9/3/2011"])
def test_it_reads_the_date_formats_people_type(pendamping_a, written):
    result = run(pendamping_a, csv_file([row(born=dt.date(2011, 3, 9), tanggal_lahir=written)]))

    assert result.created == 1
    assert Person.objects.get().birth_date == dt.date(2011, 3, 9)


def test_it_reads_xlsx_with_real_date_cells_and_number_cells(pendamping_a):
    born = dt.date(1990, 12, 24)
    nik = nik_for(born, "P", serial=7)
    rows = [
        row(
            born=born,
            nik=nik,
            jenis_kelamin="P",
            tanggal_lahir=dt.datetime(1990, 12, 24),
            telepon=81234567890,
            kode_desa=3175011001,
            no_kk=None,
        ),
        row(born=born, nik=int(nik_for(born, "L", serial=9)), tanggal_lahir=born),
    ]

    result = run(pendamping_a, xlsx_file(rows), name="orang.xlsx")

    assert result.created == 2, result.issues
    first = Person.objects.get(nik=nik)
    assert first.birth_date == born
    assert first.phone == "081234567890"
    assert first.village_id == "31.75.01.1001"
    assert first.nik_warnings == []


def test_a_16_digit_number_cell_that_excel_may_have_cut_is_refused(pendamping_a):
    born = dt.date(1990, 12, 24)
    nik = int(nik_for(born, "L", serial=10))  # ends in 0, as Excel leaves a cut number

    result = run(pendamping_a, xlsx_file([row(born=born, nik=nik)]), name="orang.xlsx")

    assert result.rejected
    assert result.issues[0].column == "nik"
    assert "15 digit" in result.issues[0].message


def test_a_duplicate_nik_inside_the_file_is_an_error_on_the_later_row(pendamping_a):
    first = row(nama_lengkap="Asli")
    rows = [first, row(), row(nama_lengkap="Kembar", nik=first["nik"])]

    result = run(pendamping_a, csv_file(rows))

    assert [(i.row, i.column) for i in result.issues if i.level == "error"] == [(4, "nik")]
    assert "baris 2" in result.issues[0].message
    assert Person.objects.count() == 0


def test_a_nik_already_in_the_registry_is_a_warning_that_does_not_block(pendamping_a, head_b):
    existing = make_person(head_b)

    result = run(pendamping_a, csv_file([row(nik=existing.nik, tanggal_lahir="2012-05-17")]))

    assert result.created == 1
    assert [(i.row, i.column, i.level) for i in result.issues] == [(2, "nik", "warning")]
    assert "sudah ada di registri" in result.issues[0].message
    assert existing.registry_id not in result.issues[0].message


def test_nik_warnings_are_reported_and_kept_but_do_not_block(pendamping_a):
    born = dt.date(2011, 3, 9)
    mismatched = row(born=born, tanggal_lahir="2011-03-10")

    result = run(pendamping_a, csv_file([mismatched]))

    assert result.created == 1
    assert result.warning_rows == 1
    assert Person.objects.get().nik_warnings == ["birth_date_mismatch"]


def test_a_person_without_nik_needs_a_reason(pendamping_a):
    rows = [row(nik="", alasan_tanpa_nik="homeless"), row(nik="", alasan_tanpa_nik="")]

    result = run(pendamping_a, csv_file(rows), valid_only=True)

    assert result.created == 1
    assert Person.objects.get().no_nik_reason == "homeless"
    assert [(i.row, i.column) for i in result.issues] == [(3, "nik")]


def test_missing_required_columns_are_a_file_error_naming_them(pendamping_a):
    headers = [h for h in HEADERS if h not in ("jenis_kelamin", "klaster")]

    with pytest.raises(ApplicationError) as caught:
        run(pendamping_a, csv_file([row()], headers=headers))

    assert caught.value.code == "import_file"
    assert "jenis_kelamin" in str(caught.value.message)
    assert "klaster" in str(caught.value.message)
    assert caught.value.details["columns"] == ["jenis_kelamin", "klaster"]


def test_headers_are_matched_loosely_and_unknown_ones_are_ignored(pendamping_a):
    loose = {h: " ".join(w.capitalize() for w in h.split("_")) for h in HEADERS}
    source = row(nama_lengkap="Rina")
    content = csv_file(
        [{loose[h]: v for h, v in source.items()} | {"Catatan": "x"}],
        headers=[*loose.values(), "Catatan"],
    )

    result = run(pendamping_a, content)

    assert result.created == 1
    assert result.ignored_columns == ["Catatan"]


def test_an_unsupported_or_empty_file_is_refused(pendamping_a):
    with pytest.raises(ApplicationError, match="csv atau .xlsx"):
        run(pendamping_a, b"x", name="orang.pdf")
    with pytest.raises(ApplicationError, match="tidak berisi baris data"):
        run(pendamping_a, csv_file([]))
    with pytest.raises(ApplicationError, match="tidak dapat dibaca"):
        run(pendamping_a, b"not a workbook", name="orang.xlsx")


def test_an_imported_person_is_stored_as_the_form_would_store_it(pendamping_a):
    values = row(
        nik="3175 0109 0311 0042",
        nama_lengkap="  Moch.  Soeparno  ",
        alias="Parno; Pak No",
        ragam_disabilitas="netra; Fisik",
        klaster="Penyandang disabilitas",
        born=dt.date(2011, 3, 9),
    )
    result = run(pendamping_a, csv_file([values]))
    imported = Person.objects.get(pk=result.person_ids[0])
    imported_nik = imported.nik
    imported.delete()
    by_form = person_create(
        actor=pendamping_a,
        nik="3175 0109 0311 0042",
        no_kk=values["no_kk"],
        full_name="  Moch.  Soeparno  ",
        aliases=["Parno", "Pak No"],
        sex="L",
        birth_place="Jakarta",
        birth_date=dt.date(2011, 3, 9),
        address="Jl. Mawar 1",
        village="31.75.01.1001",
        phone="081234567890",
        target_group="disabilitas",
        disability_types=["netra", "fisik"],
    )

    compared = [
        f.attname
        for f in Person._meta.concrete_fields
        if f.attname not in ("id", "registry_id", "created_at", "updated_at")
    ]
    assert imported_nik == by_form.nik == "3175010903110042"
    assert {n: getattr(imported, n) for n in compared} == {n: getattr(by_form, n) for n in compared}
    assert imported.registry_id.startswith("ATN-")


def test_imported_persons_are_found_by_name_search(pendamping_a):
    run(pendamping_a, csv_file([row(nama_lengkap="Soetjipto Wirjo", alias="Tjip")]))

    found = person_search(persons_visible_to(pendamping_a), "sucipto")

    assert [p.full_name for p in found] == ["Soetjipto Wirjo"]
    assert PersonNameToken.objects.filter(person=found[0]).exists()


def test_one_audit_row_records_the_whole_import(pendamping_a, sentra_a):
    before = AuditLog.objects.count()

    result = run(pendamping_a, csv_file([row(), row(), row()]), name="januari.csv")

    audit = AuditLog.objects.get(action="import")
    assert audit.actor == pendamping_a
    assert audit.object_type == "registry.person"
    assert audit.changes["file_name"] == "januari.csv"
    assert audit.changes["unit"] == sentra_a.code
    assert audit.changes["created"] == 3
    assert sorted(audit.changes["person_ids"]) == sorted(result.person_ids)
    assert AuditLog.objects.count() == before + 1


def test_checking_rows_does_not_query_per_row(pendamping_a):
    def queries(n):
        with CaptureQueriesContext(connection) as captured:
            run(pendamping_a, csv_file([row() for _ in range(n)]))
        return len(captured)

    assert queries(3) == queries(40)


def test_progress_is_reported_for_each_stage(pendamping_a):
    calls = []

    run(pendamping_a, csv_file([row(), row()]), progress=lambda *a: calls.append(a))

    assert ("check", 2, 2) in calls
    assert ("write", 2, 2) in calls
    assert calls[0][0] == "read"


def test_it_imports_parsed_rows_as_well_as_files(pendamping_a):
    result = person_import(actor=pendamping_a, rows=[row(), row()], file_name="api")

    assert result.created == 2


@pytest.mark.parametrize("user", ["finance_a", "auditor", "analyst_anak"])
def test_roles_that_do_not_write_the_registry_cannot_import(request, user):
    actor = request.getfixturevalue(user)

    with pytest.raises(PermissionDenied):
        run(actor, csv_file([row()]))
    assert Person.objects.count() == 0


def test_a_sentra_user_cannot_import_into_another_unit(head_a, sentra_b):
    with pytest.raises(PermissionDenied):
        run(head_a, csv_file([row()]), unit=sentra_b)


def test_an_administrator_can_import_into_any_unit(admin_user, sentra_b):
    result = run(admin_user, csv_file([row()]), unit=sentra_b)

    assert Person.objects.get(pk=result.person_ids[0]).unit == sentra_b


def test_a_registry_number_that_is_already_taken_is_drawn_again(pendamping_a, monkeypatch):
    taken = make_person(pendamping_a).registry_id
    fresh = iter([taken, "ATN-2222-3333", "ATN-4444-5555"])
    monkeypatch.setattr("atensi.registry.importing.new_registry_id", lambda: next(fresh))

    result = run(pendamping_a, csv_file([row(), row()]))

    numbers = set(
        Person.objects.filter(pk__in=result.person_ids).values_list("registry_id", flat=True)
    )
    assert numbers == {"ATN-2222-3333", "ATN-4444-5555"}
    assert PersonNameToken.objects.filter(person_id__in=result.person_ids).count() >= 4


def test_imported_name_data_is_what_the_form_stores(pendamping_a):
    names = [
        ("H. Moch. Soedjono bin Tjiptoredjo, S.Pd.", "Djono; Pak Dj"),
        ("Siti Nurhaliza", ""),
        ("R.A. Kartini", "Ajeng"),
    ]
    result = run(pendamping_a, csv_file([row(nama_lengkap=n, alias=a) for n, a in names]))

    for person in Person.objects.filter(pk__in=result.person_ids):
        stored = sorted(person.name_tokens.values_list("key", flat=True))
        assert stored == [t.key for t in person_name_tokens_rows(person)]
        assert person.name_normalized == normalize_name(person.full_name)


def test_imported_ids_follow_on_and_never_reuse_a_deleted_persons_id(pendamping_a):
    first = run(pendamping_a, csv_file([row(), row()])).person_ids
    Person.objects.filter(pk=max(first)).delete()

    second = run(pendamping_a, csv_file([row(), row()])).person_ids
    by_form = make_person(pendamping_a)

    assert min(second) > max(first)
    assert second == [second[0], second[0] + 1]
    assert by_form.pk > max(second)
