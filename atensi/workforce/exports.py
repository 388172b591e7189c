"""Workforce exports: the monthly report as PDF and Excel, and any page table as Excel.

Each export writes an "export" audit row in the same transaction as the read: a report names
beneficiaries, and the tables are staff performance data.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from atensi.cases.choices import Stage
from atensi.common.audit import audit_record
from atensi.common.pdf import (
    CONFIDENTIAL,
    Styles,
    confidential_pdf,
    grid,
    heading,
    pairs,
    paragraph,
    plain,
    printed_by,
    when,
    who,
)
from atensi.common.xlsx import append_inert, header_row, inert_cell
from atensi.organisation.models import TargetGroup

from .models import MonthlyReport
from .reports import WORK_KINDS
from .selectors import report_get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# Tables shown on the pages, exported as they are shown
# ---------------------------------------------------------------------------------------------


@dataclass
class Cell:
    value: Any  # what Excel gets
    text: str | None = None  # what the page shows (the value when None)
    href: str = ""
    badge: str = ""  # a CSS class for a badge ("warn"), empty for plain text
    title: str = ""

    def __str__(self) -> str:
        if self.text is not None:
            return self.text
        if isinstance(self.value, dt.date):
            return self.value.strftime("%d-%m-%Y")
        return "–" if self.value in (None, "") else str(self.value)


@dataclass
class Table:
    name: str  # the export's name, also in the file name
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # definitions, sources, provisional rules

    def labelled_rows(self) -> list[list[tuple[str, Cell]]]:
        """Each row's cells with their column names (for the phone layout's labels)."""
        return [list(zip(self.columns, row, strict=False)) for row in self.rows]

    def html_rows(self) -> list[SafeString]:
        """Each row's cells as table cells, labelled with their column for the phone layout.

        Built here rather than in the template: a team board or a national table has
        thousands of cells, and a template loop spends most of the page's time on them.
        Every text is escaped.
        """
        return [
            mark_safe("".join(_cell_td(column, cell) for column, cell in row))  # noqa: S308
            for row in self.labelled_rows()
        ]


def _cell_td(column: str, cell: Cell) -> str:
    content = escape(cell)
    if cell.badge:
        content = f'<span class="badge {escape(cell.badge)}">{content}</span>'
    if cell.href:
        content = f'<a href="{escape(cell.href)}">{content}</a>'
    title = f' title="{escape(cell.title)}"' if cell.title else ""
    return f'<td data-label="{escape(column)}"{title}>{content}</td>'


def _xlsx_value(cell: Cell):
    value = cell.value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    if isinstance(value, (int, float, dt.date, str)):
        return value
    return str(value)


@transaction.atomic
def table_xlsx(*, actor, table: Table, description: str = "") -> bytes:
    """Returns one page table as an Excel workbook (with its notes), auditing the export."""
    workbook = Workbook(write_only=True)
    # Excel refuses these characters in a sheet's name and names longer than 31.
    title = re.sub(r"[\[\]:*?/\\]", " ", plain(table.title))[:31].strip()
    sheet = workbook.create_sheet(title or "Tabel")
    header_row(sheet, table.columns)
    for row in table.rows:
        line = []
        for cell in row:
            out = inert_cell(sheet, _xlsx_value(cell))
            if isinstance(cell.value, dt.date):
                out.number_format = "DD-MM-YYYY"
            line.append(out)
        sheet.append(line)
    about = workbook.create_sheet(_("Keterangan"))
    for line in (
        (str(table.title),),
        (_("Diekspor"), timezone.localtime().replace(tzinfo=None)),
        (_("Oleh"), f"{who(actor)} ({actor.username})"),
        (_("Cakupan"), description),
        (_("Jumlah baris"), len(table.rows)),
        *[(note,) for note in table.notes],
    ):
        append_inert(about, *[v if isinstance(v, (int, dt.datetime)) else str(v) for v in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=actor,
        action="export",
        object_type=f"workforce.{table.name}",
        object_repr=ngettext("%(title)s (%(n)d baris)", "%(title)s (%(n)d baris)", len(table.rows))
        % {"title": table.title, "n": len(table.rows)},
        changes={"format": "xlsx", "count": len(table.rows), "description": description},
    )
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The monthly report
# ---------------------------------------------------------------------------------------------


def _month(report: MonthlyReport) -> str:
    return report.month.strftime("%m-%Y")


def report_lines(report: MonthlyReport) -> list[list[str]]:
    groups = dict(TargetGroup.choices)
    lines = []
    for line in report.figures.get("cases", []):
        lines.append(
            [
                line["number"],
                line["name"],
                str(groups.get(line["target_group"], line["target_group"])),
                str(Stage(line["stage"]).label) if line["stage"] in Stage.values else line["stage"],
                *[line["counts"].get(kind, 0) for kind in WORK_KINDS],
            ]
        )
    return lines


def _report_facts(report: MonthlyReport) -> list[tuple[str, str]]:
    figures = report.figures
    return [
        (_("Pendamping"), who(report.worker)),
        (_("Sentra"), report.unit.name),
        (_("Bulan"), _month(report)),
        (_("Status"), report.get_status_display()),
        (_("Batas pengumpulan"), when(report.due_on)),
        (_("Pertama diajukan"), when(report.first_submitted_at)),
        (
            _("Diputuskan"),
            f"{when(report.decided_at)} {who(report.decided_by) if report.decided_by else ''}",
        ),
        (_("Hari kerja"), str(figures.get("working_days", "–"))),
        (_("Hari cuti/tidak hadir"), str(figures.get("absence_days", "–"))),
        (_("Kasus aktif saat dihitung"), str(figures.get("active_cases", "–"))),
        (_("Angka dihitung"), when(report.figures_at)),
    ]


@transaction.atomic
def report_pdf(*, actor, report: MonthlyReport) -> bytes:
    """Returns the monthly report as a PDF, auditing the export (NotFound outside the scope)."""
    report = report_get(actor, report.pk)
    s = Styles()
    title = _("Laporan Bulanan Pendamping — %s") % _month(report)
    totals = report.figures.get("totals", {})
    story = [
        paragraph(title, s.title),
        pairs(_report_facts(report), s),
        heading(_("Rekap kegiatan"), s),
        grid(
            [_("Kegiatan"), _("Jumlah")],
            [[str(label), str(totals.get(kind, 0))] for kind, label in WORK_KINDS.items()],
            [0.7, 0.3],
            s,
            right=(1,),
        ),
        heading(_("Rincian per kasus"), s),
    ]
    lines = report_lines(report)
    if lines:
        header = [_("Nomor kasus"), _("Nama"), _("Klaster"), _("Tahap")]
        header += [str(label) for label in WORK_KINDS.values()]
        widths = [0.13, 0.17, 0.12, 0.1] + [0.48 / len(WORK_KINDS)] * len(WORK_KINDS)
        story.append(grid(header, [[str(v) for v in line] for line in lines], widths, s))
    else:
        story.append(paragraph(_("Tidak ada kegiatan tercatat."), s.small))
    story += [
        heading(_("Uraian"), s),
        paragraph(report.narrative or "–", s.body),
    ]
    if report.decision_comment:
        story += [
            heading(_("Catatan pemeriksa"), s),
            paragraph(report.decision_comment, s.body),
        ]
    story.append(Spacer(1, 4 * mm))
    footer = printed_by(actor, timezone.localtime())
    content = confidential_pdf(story, title=title, subject=str(report.worker), footer=footer)
    audit_record(actor=actor, action="export", obj=report, changes={"format": "pdf"})
    return content


@transaction.atomic
def report_xlsx(*, actor, report: MonthlyReport) -> bytes:
    """Returns the monthly report as an Excel workbook, auditing the export."""
    report = report_get(actor, report.pk)
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet(_("Laporan"))

    append_inert(about, str(CONFIDENTIAL))
    for label, value in _report_facts(report):
        append_inert(about, str(label), str(value))
    append_inert(about)
    append_inert(about, str(_("Kegiatan")), str(_("Jumlah")))
    for kind, label in WORK_KINDS.items():
        append_inert(about, str(label), report.figures.get("totals", {}).get(kind, 0))
    append_inert(about)
    append_inert(about, str(_("Uraian")), report.narrative)
    if report.decision_comment:
        append_inert(about, str(_("Catatan pemeriksa")), report.decision_comment)
    cases = workbook.create_sheet(_("Per kasus"))
    append_inert(
        cases,
        str(_("Nomor kasus")),
        str(_("Nama")),
        str(_("Klaster")),
        str(_("Tahap")),
        *[str(label) for label in WORK_KINDS.values()],
    )
    for values in report_lines(report):
        append_inert(cases, *values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(actor=actor, action="export", obj=report, changes={"format": "xlsx"})
    return buffer.getvalue()
