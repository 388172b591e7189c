"""Building blocks of atensi's Excel exports (openpyxl write-only workbooks)."""

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def inert_cell(sheet, value) -> WriteOnlyCell:
    """A worksheet cell in which text stays text.

    openpyxl writes a string that starts with "=" as a formula; typed data (a name, a search,
    a note) must never become one, or opening the export could compute or fetch something.
    """
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def header_row(sheet, labels) -> None:
    """Appends the column names, in bold."""
    bold = Font(bold=True)
    row = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        row.append(cell)
    sheet.append(row)


def append_inert(sheet, *values) -> None:
    """Appends one row of inert cells."""
    sheet.append([inert_cell(sheet, value) for value in values])
