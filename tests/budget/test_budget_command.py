"""`atensi budget nka|efisiensi|capaian-output --json`: the calculators a finance officer checks by hand."""

import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(
            "sys.stdin", io.StringIO(json.dumps(stdin) if not isinstance(stdin, str) else stdin)
        )
    out = io.StringIO()
    call_command("budget", *args, stdout=out)
    return json.loads(out.getvalue())


def test_nka_prints_value_category_and_rule_set(db):
    result = run(
        "nka",
        "--ta",
        "2022",
        "--penyerapan",
        "98.3",
        "--konsistensi",
        "90",
        "--capaian-output",
        "95",
        "--nilai-efisiensi",
        "70",
        "--json",
    )
    assert result["nka"] == 87.26
    assert result["category"] == "Baik"
    assert result["rule_set"] == "NKA-PMK22-2021"


def test_nka_for_2024_asks_for_the_inputs_of_its_rule_set(db):
    with pytest.raises(CommandError, match="efektivitas"):
        run("nka", "--ta", "2024", "--penyerapan", "98", "--json")


def test_efisiensi_reads_ros_on_stdin(db, monkeypatch):
    result = run(
        "efisiensi",
        "--json",
        monkeypatch=monkeypatch,
        stdin={
            "ro": [
                {"pagu": 1_000_000_000, "capaian": 0.95, "realisasi": 900_000_000},
                {"pagu": 500_000_000, "capaian": 1, "realisasi": 480_000_000},
            ]
        },
    )
    assert result["efisiensi"] == 4.83
    assert result["nilai_efisiensi"] == 62.07


def test_capaian_output_reads_programs_on_stdin(db, monkeypatch):
    result = run(
        "capaian-output",
        "--json",
        monkeypatch=monkeypatch,
        stdin={
            "programs": [
                {
                    "outputs": [
                        {
                            "indicators": [
                                {"target": 100, "realisasi": 90},
                                {"target": 50, "realisasi": 50},
                            ]
                        }
                    ]
                },
            ]
        },
    )
    assert result["capaian_output"] == 94.87
    assert result["programs"] == [{"capaian": 94.87, "outputs": [{"capaian": 94.87}]}]


def test_bad_stdin_is_a_clear_error(db, monkeypatch):
    with pytest.raises(CommandError, match="JSON"):
        run("efisiensi", "--json", monkeypatch=monkeypatch, stdin="{not json")
    with pytest.raises(CommandError, match='"ro"'):
        run("efisiensi", "--json", monkeypatch=monkeypatch, stdin={"rows": []})


def test_import_reports_counts_and_is_idempotent(db, finance_a, tmp_path):
    from tests.budget.factories import csv_bytes, sp2d

    path = tmp_path / "sp2d.csv"
    path.write_bytes(csv_bytes("realisation", [sp2d(number="C1"), sp2d(number="C2")]))
    first = io.StringIO()
    call_command(
        "budget",
        "import",
        "realisation",
        str(path),
        "--as",
        "finance_a",
        "--json",
        stdout=first,
        stderr=io.StringIO(),
    )
    assert json.loads(first.getvalue())["created"] == 2
    again = io.StringIO()
    call_command("budget", "import", "realisation", str(path), "--as", "finance_a", stdout=again)
    assert "0 baru, 2 sudah ada" in again.getvalue()


def test_import_with_a_bad_row_fails_and_lists_it(db, finance_a, tmp_path):
    from tests.budget.factories import csv_bytes, sp2d

    path = tmp_path / "sp2d.csv"
    path.write_bytes(csv_bytes("realisation", [sp2d(), sp2d(number="X", akun="541111")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Tidak ada yang diimpor"):
        call_command("budget", "import", "realisation", str(path), "--as", "finance_a", stdout=out)
    assert "baris 3, kolom akun" in out.getvalue()
    valid = io.StringIO()
    call_command(
        "budget",
        "import",
        "realisation",
        str(path),
        "--as",
        "finance_a",
        "--valid-only",
        stdout=valid,
    )
    assert "1 baru" in valid.getvalue()


def test_import_needs_a_known_user(db, tmp_path):
    with pytest.raises(CommandError, match="tidak ada"):
        call_command("budget", "import", "realisation", str(tmp_path / "x.csv"), "--as", "nobody")


def test_score_prints_a_table_without_json(db):
    out = io.StringIO()
    call_command("budget", "score", "--ta", "2023", stdout=out)
    assert "sementara" in out.getvalue()


def test_summarise_rebuilds_the_monthly_summary_from_the_lines(db, finance_a):
    from atensi.budget.models import RealisationMonth
    from tests.budget.factories import do_import, sp2d

    do_import(finance_a, "realisation", [sp2d(number="S1"), sp2d(number="S2", date="2023-02-01")])
    kept = sorted(RealisationMonth.objects.values_list("month", "amount", "lines"))
    RealisationMonth.objects.all().delete()
    out = io.StringIO()
    call_command("budget", "summarise", "--ta", "2023", stdout=out)
    assert "2 baris" in out.getvalue()
    assert sorted(RealisationMonth.objects.values_list("month", "amount", "lines")) == kept
