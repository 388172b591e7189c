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
