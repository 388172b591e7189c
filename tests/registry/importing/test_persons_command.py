import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from atensi.registry.models import Person

from .files import csv_file, row


def import_file(tmp_path, rows, *args):
    path = tmp_path / "orang.csv"
    path.write_bytes(csv_file(rows))
    out, err = io.StringIO(), io.StringIO()
    call_command("persons", "import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_clean_file_and_prints_a_summary(tmp_path, pendamping_a):
    out, err = import_file(tmp_path, [row(), row()], "--as", "pendamping_a")

    assert "2 orang diimpor" in out
    assert Person.objects.count() == 2
    assert err == ""  # no progress bar when stderr is not a terminal


def test_it_exits_with_1_when_errors_stop_the_import(tmp_path, pendamping_a):
    rows = [row(), row(jenis_kelamin="X"), row(klaster="")]

    with pytest.raises(CommandError) as caught:
        import_file(tmp_path, rows, "--as", "pendamping_a")

    assert caught.value.returncode == 1
    assert "Tidak ada yang diimpor" in str(caught.value)
    assert Person.objects.count() == 0


def test_it_prints_the_bad_rows_and_writes_the_report(tmp_path, pendamping_a):
    report = tmp_path / "laporan.xlsx"
    out = io.StringIO()
    path = tmp_path / "orang.csv"
    path.write_bytes(csv_file([row(), row(jenis_kelamin="X")]))

    with pytest.raises(CommandError):
        call_command(
            "persons",
            "import",
            str(path),
            "--as",
            "pendamping_a",
            "--report",
            str(report),
            stdout=out,
        )

    assert "baris 3, kolom jenis_kelamin" in out.getvalue()
    header = next(load_workbook(report)["data"].iter_rows(values_only=True))
    assert "kesalahan" in header


def test_valid_only_imports_the_good_rows_and_exits_0(tmp_path, pendamping_a):
    out, _err = import_file(
        tmp_path, [row(), row(jenis_kelamin="X")], "--as", "pendamping_a", "--valid-only"
    )

    assert "1 orang diimpor" in out
    assert "1 baris bermasalah" in out
    assert Person.objects.count() == 1


def test_progress_shows_on_stderr_when_asked(tmp_path, pendamping_a):
    _out, err = import_file(tmp_path, [row()], "--as", "pendamping_a", "--progress")

    assert "memeriksa baris" in err
    assert "menyimpan" in err
    assert "1/1" in err


def test_it_imports_into_another_unit_for_an_administrator(tmp_path, admin_user, sentra_b):
    import_file(tmp_path, [row()], "--as", "admin", "--unit", sentra_b.code)

    assert Person.objects.get().unit == sentra_b


def test_it_refuses_a_user_who_may_not_import(tmp_path, finance_a):
    with pytest.raises(CommandError, match="tidak boleh mengimpor"):
        import_file(tmp_path, [row()], "--as", "finance_a")


def test_it_refuses_an_unknown_user_or_unit(tmp_path, pendamping_a):
    with pytest.raises(CommandError, match="tidak ada"):
        import_file(tmp_path, [row()], "--as", "nobody")
    with pytest.raises(CommandError, match="999999"):
        import_file(tmp_path, [row()], "--as", "pendamping_a", "--unit", "999999")
