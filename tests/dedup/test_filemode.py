"""`atensi dedup file`: the pairs CSV, the threshold, and clear errors."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from bench.dedup.generate import write_csv

ROLES = [
    "name=full_name",
    "birth_date=birth_date",
    "sex=sex",
    "nik=nik",
    "kk=no_kk",
    "region=village_code",
    "address=address",
    "parent_name=mother_name",
    "phone=phone",
]


def run(path, output, *extra, columns=ROLES, id_column="record_id"):
    args = ["dedup", "file", str(path), "--id-column", id_column, "--output", str(output)]
    for spec in columns:
        args += ["--column", spec]
    stderr = io.StringIO()
    call_command(*args, *extra, stderr=stderr)
    return stderr.getvalue()


@pytest.fixture
def people_csv(tmp_path, population):
    path = tmp_path / "people.csv"
    write_csv(population, path)
    return path


def read_pairs(path):
    with path.open(newline="") as f:
        return list(csv.reader(f))


def test_it_writes_one_row_per_likely_pair_under_the_exact_header(people_csv, tmp_path, population):
    output = tmp_path / "pairs.csv"
    run(people_csv, output)
    rows = read_pairs(output)
    assert rows[0] == ["id_a", "id_b", "probability"]
    cluster = {r["record_id"]: r["cluster_id"] for r in population}
    pairs = rows[1:]
    assert len(pairs) > 500
    right = sum(cluster[a] == cluster[b] for a, b, _p in pairs)
    assert right / len(pairs) > 0.95
    probabilities = [float(p) for _a, _b, p in pairs]
    assert probabilities == sorted(probabilities, reverse=True)


def test_a_threshold_keeps_only_pairs_at_or_above_it(people_csv, tmp_path):
    low, high = tmp_path / "low.csv", tmp_path / "high.csv"
    run(people_csv, low, "--threshold", "0.1")
    run(people_csv, high, "--threshold", "0.999")
    low_pairs, high_pairs = read_pairs(low)[1:], read_pairs(high)[1:]
    assert len(high_pairs) < len(low_pairs)
    assert min(float(p) for _a, _b, p in high_pairs) >= 0.999
    assert min(float(p) for _a, _b, p in low_pairs) >= 0.1


def test_a_semicolon_file_with_day_month_year_columns_is_read(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(
        "no;nama;hari;bulan;tahun;nik\n"
        "1;Soeparno;12;3;1950;3273011203500001\n"
        "2;Suparno;12;3;1950;3273011203500001\n"
        "3;Siti Aminah;1;1;1990;\n",
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"
    run(
        path,
        output,
        columns=["name=nama", "birth_date=hari,bulan,tahun", "nik=nik"],
        id_column="no",
    )
    assert read_pairs(output)[0] == ["id_a", "id_b", "probability"]
    assert [row[:2] for row in read_pairs(output)[1:]] == [["1", "2"]]


@pytest.mark.parametrize(
    ("columns", "id_column", "message"),
    [
        (["name=nama_lengkap"], "record_id", "nama_lengkap"),  # unknown column
        (["fullname=full_name"], "record_id", "fullname"),  # unknown role
        (["name"], "record_id", "PERAN=KOLOM"),  # no '='
        (["name=full_name", "name=mother_name"], "record_id", "name"),  # a role twice
        (["birth_date=birth_date,sex"], "record_id", "birth_date"),  # two date columns
        (["name=full_name"], "nomor", "nomor"),  # unknown id column
        ([], "record_id", "--column"),
    ],
)
def test_it_explains_a_bad_command_line(people_csv, tmp_path, columns, id_column, message):
    with pytest.raises(CommandError, match=message) as caught:
        run(people_csv, tmp_path / "out.csv", columns=columns, id_column=id_column)
    assert caught.value.returncode == 2
    assert not (tmp_path / "out.csv").exists()


def test_it_rejects_a_threshold_outside_zero_to_one(people_csv, tmp_path):
    with pytest.raises(CommandError, match="--threshold"):
        run(people_csv, tmp_path / "out.csv", "--threshold", "1.5")


def test_it_rejects_repeated_ids_with_their_lines(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("id,nama\nA,Budi\nB,Budi\nA,Budi Santoso\n", encoding="utf-8")
    with pytest.raises(CommandError, match="4"):
        run(path, tmp_path / "out.csv", columns=["name=nama"], id_column="id")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="tidak-ada.csv"):
        run(tmp_path / "tidak-ada.csv", tmp_path / "out.csv")


def test_progress_goes_to_stderr(people_csv, tmp_path, capsys):
    summary = run(people_csv, tmp_path / "pairs.csv", "--progress")
    assert "rekaman" in summary
    assert "scoring" in capsys.readouterr().err


def test_rows_missing_trailing_cells_and_a_byte_order_mark_are_read(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(
        "\ufeffid,nama,tanggal_lahir\n"
        "1,Soeparno,12-03-1950\n"
        "2,Suparno,12-03-1950\n"
        "3,Siti Aminah\n",  # a spreadsheet drops empty cells at the end of a row
        encoding="utf-8",
    )
    output = tmp_path / "pairs.csv"
    run(path, output, columns=["name=nama", "birth_date=tanggal_lahir"], id_column="id")
    assert [row[:2] for row in read_pairs(output)[1:]] == [["1", "2"]]


def test_a_file_that_is_not_utf8_is_named_with_what_to_do(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes("id,nama\n1,Sj\xe4ifuddin\n".encode("latin-1"))
    with pytest.raises(CommandError, match="UTF-8"):
        run(path, tmp_path / "out.csv", columns=["name=nama"], id_column="id")
