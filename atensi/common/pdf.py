"""The building blocks of atensi's A4 PDF exports (case file, monthly report).

reportlab's standard fonts only, so nothing is fetched or embedded: text goes through `plain()`.
Every page carries a header (the document and the confidentiality marking, in red) and a footer
(who printed it, "Halaman x dari y"). The exports also use `when()` and `who()` in their Excel
sheets so that both formats word dates and people alike.
"""

import datetime as dt
import io
import unicodedata
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

# The marking every page and sheet with personal data carries (specific personal data: a
# beneficiary's health, disability or legal situation, UU 27/2022 on personal data protection).
CONFIDENTIAL = gettext_lazy("RAHASIA — data pribadi spesifik (UU 27/2022)")

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN  # the width of the text column


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def plain(value) -> str:
    """Text the PDF's standard fonts can draw: Windows-1252, with other letters unaccented."""
    text = "" if value is None else str(value)
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            if char == "→":  # drawn from the Symbol font
                out.append(char)
                continue
            base = unicodedata.normalize("NFKD", char).encode("cp1252", "ignore").decode("cp1252")
            out.append(base or "?")
    return "".join(out)


def when(value) -> str:
    """dd-mm-yyyy for a date, dd-mm-yyyy HH:MM (Asia/Jakarta) for a datetime, "–" for none."""
    if value in (None, ""):
        return "–"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    return value.strftime("%d-%m-%Y")


def who(user) -> str:
    """A user's full name (the username when there is none), "–" for nobody."""
    return (user.get_full_name() or user.username) if user else "–"


def printed_by(actor, printed: dt.datetime) -> str:
    """The footer line saying when and by whom a document was printed."""
    return _("Dicetak %(when)s oleh %(who)s") % {"when": when(printed), "who": who(actor)}


# ---------------------------------------------------------------------------------------------
# Styles and tables
# ---------------------------------------------------------------------------------------------


class Styles:
    """The paragraph styles of an export: title, section heading, body, small, bold, right."""

    def __init__(self):
        base = getSampleStyleSheet()
        self.title = ParagraphStyle("t", parent=base["Title"], fontSize=15, spaceAfter=2 * mm)
        self.h2 = ParagraphStyle(
            "h2", parent=base["Heading2"], fontSize=11.5, spaceBefore=4 * mm, spaceAfter=1.5 * mm
        )
        self.body = ParagraphStyle("b", parent=base["BodyText"], fontSize=8.5, leading=10.5)
        self.small = ParagraphStyle("s", parent=self.body, fontSize=7.5, leading=9)
        self.bold = ParagraphStyle("bb", parent=self.body, fontName="Helvetica-Bold")
        self.right = ParagraphStyle("r", parent=self.body, alignment=TA_RIGHT)


GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)
PAIRS = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.2, colors.HexColor("#cccccc")),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]
)


def paragraph(value, style) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(plain(value)).replace("\n", "<br/>"), style)


def heading(text, s: Styles) -> Paragraph:
    return Paragraph(escape(str(text)), s.h2)


def pairs(rows, s: Styles) -> Table:
    """A two-column table of labels and values."""
    data = [[paragraph(label, s.bold), paragraph(value, s.body)] for label, value in rows]
    table = Table(data, colWidths=[45 * mm, WIDTH - 45 * mm])
    table.setStyle(PAIRS)
    return table


def grid(header, rows, widths, s: Styles, right: tuple = ()) -> Table:
    """A ruled table with a header row repeated on every page.

    `widths` are fractions of the text column; the columns numbered in `right` align right.
    """
    data = [[paragraph(h, s.bold) for h in header]]
    for row in rows:
        data.append([paragraph(v, s.right if i in right else s.small) for i, v in enumerate(row)])
    table = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    table.setStyle(GRID)
    return table


def none_yet(s: Styles) -> Paragraph:
    return paragraph(_("Belum ada."), s.small)


# ---------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------


def numbered_canvas(header: str, footer: str):
    """A canvas that draws the header and 'Halaman x dari y' once the page count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # reportlab's method name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int):
            width, height = A4
            self.saveState()
            self.setFont("Helvetica-Bold", 8)
            self.setFillColor(colors.HexColor("#9b1c1c"))
            self.drawString(MARGIN, height - 12 * mm, plain(header))
            self.setFillColor(colors.black)
            self.setFont("Helvetica", 8)
            self.drawString(MARGIN, 10 * mm, plain(footer))
            self.drawRightString(
                width - MARGIN,
                10 * mm,
                plain(
                    _("Halaman %(page)d dari %(total)d")
                    % {"page": self._pageNumber, "total": total}
                ),
            )
            self.restoreState()

    return NumberedCanvas


def confidential_pdf(story, *, title: str, subject: str, footer: str) -> bytes:
    """Builds an A4 document whose pages are headed "<subject> · RAHASIA …"; returns its bytes."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
        title=plain(title),
        author="atensi",
        subject=plain(CONFIDENTIAL),
    )
    document.build(story, canvasmaker=numbered_canvas(f"{subject} · {CONFIDENTIAL}", footer))
    return buffer.getvalue()
