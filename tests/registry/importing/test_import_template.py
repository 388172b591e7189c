import io

from openpyxl import load_workbook

from atensi.organisation.models import TargetGroup
from atensi.registry.importing import (
    COLUMNS,
    import_template_csv,
    import_template_xlsx,
    person_import,
)
from atensi.registry.models import DisabilityType, NoNikReason, Person


def test_the_xlsx_template_has_the_header_an_example_and_instructions():
    book = load_workbook(io.BytesIO(import_template_xlsx()))

    assert book.sheetnames == ["data", "petunjuk"]
    rows = list(book["data"].iter_rows(values_only=True))
    assert list(rows[0]) == [c.name for c in COLUMNS]
    assert rows[1][0] == "3175014107120003"
    notes = [cell for r in book["petunjuk"].iter_rows(values_only=True) for cell in r if cell]
    for column in COLUMNS:
        assert column.name in notes
    for code in [*TargetGroup.values, *DisabilityType.values, *NoNikReason.values]:
        assert code == "" or code in notes


def test_the_xlsx_template_example_row_imports(pendamping_a):
    result = person_import(
        actor=pendamping_a, file=io.BytesIO(import_template_xlsx()), file_name="templat.xlsx"
    )

    assert (result.created, result.error_rows, result.warning_rows) == (1, 0, 0)
    person = Person.objects.get()
    assert (person.full_name, person.aliases) == ("Siti Aminah", ["Ami", "Siti A."])


def test_the_csv_template_example_row_imports(pendamping_a):
    content = import_template_csv()
    assert content.startswith("\ufeff".encode())

    result = person_import(actor=pendamping_a, file=io.BytesIO(content), file_name="t.csv")

    assert (result.created, result.error_rows, result.warning_rows) == (1, 0, 0)
