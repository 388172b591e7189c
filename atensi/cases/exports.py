"""Case exports: the PDF case file (case conference, court) and the Excel case list.

Both take the actor, check scope through the selectors and write an "export" audit row in the
same transaction as the read, because an export takes personal data out of the system.
"""

import datetime as dt
import io
import unicodedata
from xml.sax.saxutils import escape

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from atensi.common.audit import audit_record
from atensi.common.errors import ApplicationError
from atensi.common.templatetags.atensi_format import format_rupiah

from .choices import MeasurementPhase, Stage
from .models import Case
from .selectors import (
    case_get,
    case_response_times,
    case_timeline,
    cases_visible_to,
    consent_withdrawal,
    outcome_change,
    processing_stopped,
)
from .services import processing_stop_error

# The marking every page and sheet carries: nearly every case file holds specific personal data.
CONFIDENTIAL = gettext_lazy("RAHASIA — data pribadi spesifik (UU 27/2022)")


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def _plain(value) -> str:
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


def _p(value, style) -> Paragraph:
    return Paragraph(escape(_plain(value)).replace("\n", "<br/>"), style)


def _when(value) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    return value.strftime("%d-%m-%Y")


def _hours(value) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + " " + _("jam")


def _who(user) -> str:
    return (user.get_full_name() or user.username) if user else "–"


# ---------------------------------------------------------------------------------------------
# PDF case file
# ---------------------------------------------------------------------------------------------


def _numbered_canvas(header: str, footer: str):
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
            self.drawString(18 * mm, height - 12 * mm, _plain(header))
            self.setFillColor(colors.black)
            self.setFont("Helvetica", 8)
            self.drawString(18 * mm, 10 * mm, _plain(footer))
            self.drawRightString(
                width - 18 * mm,
                10 * mm,
                _plain(
                    _("Halaman %(page)d dari %(total)d")
                    % {"page": self._pageNumber, "total": total}
                ),
            )
            self.restoreState()

    return NumberedCanvas


class _Styles:
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


_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)
_PAIRS = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.2, colors.HexColor("#cccccc")),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]
)
_WIDTH = A4[0] - 36 * mm


def _pairs(rows, s: _Styles) -> Table:
    data = [[_p(label, s.bold), _p(value, s.body)] for label, value in rows]
    table = Table(data, colWidths=[45 * mm, _WIDTH - 45 * mm])
    table.setStyle(_PAIRS)
    return table


def _grid(header, rows, widths, s: _Styles, right: tuple = ()) -> Table:
    data = [[_p(h, s.bold) for h in header]]
    for row in rows:
        data.append([_p(v, s.right if i in right else s.small) for i, v in enumerate(row)])
    table = Table(data, colWidths=[w * _WIDTH for w in widths], repeatRows=1)
    table.setStyle(_GRID)
    return table


def _none(s: _Styles) -> Paragraph:
    return _p(_("Belum ada."), s.small)


def _identity(case: Case, s: _Styles):
    person = case.person
    born = ", ".join(x for x in (person.birth_place, _when(person.birth_date)) if x)
    return [
        Paragraph(escape(_("Identitas")), s.h2),
        _pairs(
            [
                (_("Nama lengkap"), person.full_name),
                (_("Nomor registri"), person.registry_id),
                (_("NIK"), person.nik or person.get_no_nik_reason_display() or "–"),
                (_("No. KK"), person.no_kk or "–"),
                (_("Jenis kelamin"), person.get_sex_display()),
                (_("Tempat, tanggal lahir"), born or "–"),
                (_("Alamat"), person.address or "–"),
                (_("Klaster"), person.get_target_group_display()),
            ],
            s,
        ),
    ]


def _case_data(case: Case, s: _Styles):
    referrer = " / ".join(
        x for x in (case.referrer_name, case.referrer_institution, case.referrer_contact) if x
    )
    rows = [
        (_("Nomor kasus"), case.number),
        (_("Sentra"), case.unit.name),
        (_("Sumber rujukan"), case.get_source_display()),
        (_("Pelapor / perujuk"), referrer or "–"),
        (_("Rujukan diterima"), _when(case.received_at)),
        (_("Urgensi"), case.get_urgency_display()),
        (_("Klaster kasus"), case.get_target_group_display()),
        (_("Pendekatan"), case.get_approach_display()),
        (_("Tahap sekarang"), case.get_stage_display()),
        (_("Pendamping"), _who(case.pendamping)),
        (_("Supervisor"), _who(case.supervisor)),
        (
            _("SK penetapan PM"),
            f"{case.sk_number}, {_when(case.sk_date)}" if case.is_beneficiary else _("belum"),
        ),
        (_("Uraian rujukan"), case.referral_note or "–"),
    ]
    if case.terminated_at:
        rows += [
            (_("Terminasi"), _when(case.terminated_at)),
            (_("Alasan terminasi"), case.get_termination_reason_display() or "–"),
            (_("Hasil"), case.get_outcome_rating_display() or "–"),
            (_("Catatan terminasi"), case.termination_note or "–"),
        ]
    if case.closed_at:
        rows.append((_("Ditutup"), _when(case.closed_at)))
    return [Paragraph(escape(_("Data kasus")), s.h2), _pairs(rows, s)]


def _response(case: Case, s: _Styles):
    rows = [
        (
            t.label,
            _hours(t.target_hours),
            _when(t.reached_at),
            _hours(t.hours),
            t.status_label,
        )
        for t in case_response_times(case)
    ]
    return [
        Paragraph(escape(_("Waktu respons")), s.h2),
        _grid(
            [_("Tonggak"), _("Target"), _("Tercapai"), _("Lama"), _("Status")],
            rows,
            [0.28, 0.14, 0.22, 0.14, 0.22],
            s,
        ),
    ]


def _assessments(case: Case, s: _Styles):
    out = [Paragraph(escape(_("Asesmen")), s.h2)]
    assessments = list(case.assessments.select_related("form", "assessor").order_by("created_at"))
    if not assessments:
        return [*out, _none(s)]
    for a in assessments:
        scores = a.scores or {}
        titles = {
            x["code"]: x.get("title", x["code"]) for x in a.form.definition.get("sections", [])
        }
        sections = ", ".join(
            f"{titles.get(k, k)}: {v}" for k, v in (scores.get("sections") or {}).items()
        )
        rows = [
            (_("Formulir"), f"{a.form.title} v{a.form.version}"),
            (_("Selesai"), _when(a.completed_at) if a.completed_at else _("draf")),
            (_("Asesor"), _who(a.assessor)),
            (
                _("Skor total"),
                f"{scores['total']}" + (f" ({scores['band']})" if scores.get("band") else "")
                if "total" in scores
                else "–",
            ),
            (_("Skor per aspek"), sections or "–"),
            (_("Kesimpulan dan kebutuhan"), a.summary or "–"),
        ]
        out += [_pairs(rows, s), Spacer(1, 2 * mm)]
    return out


def _plans(case: Case, s: _Styles):
    out = [Paragraph(escape(_("Rencana intervensi")), s.h2)]
    plans = list(
        case.plans.select_related("decided_by")
        .prefetch_related("services__responsible")
        .order_by("-number")
    )
    if not plans:
        return [*out, _none(s)]
    for plan in plans:
        head = _("Revisi %(n)d — %(status)s") % {
            "n": plan.number,
            "status": plan.get_status_display(),
        }
        if plan.decided_at:
            head += " " + _("oleh %(who)s, %(when)s") % {
                "who": _who(plan.decided_by),
                "when": _when(plan.decided_at),
            }
        met = _("tercapai")
        goals = "\n".join(
            f"{g.get('code', '')}. {g.get('text', '')}" + (f" [{met}]" if g.get("met") else "")
            for g in plan.goals
        )
        services = [
            (
                ps.get_component_display(),
                ps.description,
                ps.frequency,
                _who(ps.responsible),
                _when(ps.target_date),
            )
            for ps in plan.services.all()
        ]
        block = [
            _p(head, s.bold),
            _pairs([(_("Tujuan"), goals or "–")], s),
        ]
        if plan.decision_comment:
            block.append(_pairs([(_("Catatan persetujuan"), plan.decision_comment)], s))
        if services:
            block.append(
                _grid(
                    [
                        _("Komponen"),
                        _("Uraian"),
                        _("Frekuensi"),
                        _("Penanggung jawab"),
                        _("Target"),
                    ],
                    services,
                    [0.24, 0.30, 0.14, 0.18, 0.14],
                    s,
                )
            )
        out += [KeepTogether(block), Spacer(1, 2 * mm)]
    return out


def _services(case: Case, s: _Styles):
    out = [Paragraph(escape(_("Layanan yang diberikan")), s.h2)]
    services = list(case.services.select_related("provider").order_by("delivered_on", "id"))
    if not services:
        return [*out, _none(s)]
    rows = [
        (
            _when(sv.delivered_on),
            sv.get_component_display(),
            sv.description,
            sv.provider_name or _who(sv.provider),
            str(sv.quantity),
            format_rupiah(sv.unit_cost),
            format_rupiah(sv.total_cost),
            sv.ro_code or "–",
        )
        for sv in services
    ]
    rows.append(
        ("", "", _("Jumlah"), "", "", "", format_rupiah(sum(sv.total_cost for sv in services)), "")
    )
    table = _grid(
        [
            _("Tanggal"),
            _("Komponen"),
            _("Uraian"),
            _("Pemberi"),
            _("Jml"),
            _("Harga satuan"),
            _("Total"),
            _("RO"),
        ],
        rows,
        [0.10, 0.17, 0.21, 0.13, 0.05, 0.12, 0.13, 0.09],
        s,
        right=(4, 5, 6),
    )
    return [*out, table]


def _outcomes(case: Case, s: _Styles):
    out = [Paragraph(escape(_("Pengukuran hasil")), s.h2)]
    measurements = list(
        case.measurements.select_related("scale", "taken_by").order_by("taken_on", "id")
    )
    if not measurements:
        return [*out, _none(s)]
    rows = [
        (
            f"{m.scale.title} v{m.scale.version}",
            MeasurementPhase(m.phase).label,
            _when(m.taken_on),
            str(m.score),
            _who(m.taken_by),
        )
        for m in measurements
    ]
    out.append(
        _grid(
            [_("Skala"), _("Fase"), _("Tanggal"), _("Skor"), _("Oleh")],
            rows,
            [0.40, 0.18, 0.13, 0.09, 0.20],
            s,
            right=(3,),
        )
    )
    directions = {
        "improved": _("membaik"),
        "same": _("tetap"),
        "worsened": _("memburuk"),
        None: _("belum ada pengukuran awal dan akhir"),
    }
    for change in outcome_change(case):
        text = f"{change.scale.title}: {directions[change.direction]}"
        if change.change is not None:
            text += f" ({change.baseline.score} → {change.latest.score})"
        out.append(_p(text, s.body))
    return out


def _notes(case: Case, s: _Styles):
    out = [Paragraph(escape(_("Catatan kasus")), s.h2)]
    notes = list(case.notes.select_related("author").order_by("happened_at", "id"))
    if not notes:
        return [*out, _none(s)]
    rows = [(_when(n.happened_at), n.get_kind_display(), _who(n.author), n.text) for n in notes]
    return [
        *out,
        _grid([_("Waktu"), _("Jenis"), _("Oleh"), _("Isi")], rows, [0.15, 0.15, 0.15, 0.55], s),
    ]


def _movements(case: Case, s: _Styles):
    """Transfers, referrals out, residential stays and aftercare visits, when there are any."""
    out = []
    transfers = list(case.transfers.select_related("from_unit", "to_unit", "transferred_by"))
    referrals = list(case.referrals_out.select_related("referred_by"))
    stays = list(case.stays.select_related("unit"))
    visits = list(case.aftercare_visits.select_related("visited_by"))
    if transfers:
        out += [
            Paragraph(escape(_("Pemindahan antarsentra")), s.h2),
            _grid(
                [_("Waktu"), _("Dari"), _("Ke"), _("Dasar"), _("Alasan")],
                [
                    (
                        _when(t.transferred_at),
                        t.from_unit.name,
                        t.to_unit.name,
                        _("persetujuan")
                        if t.consent_id
                        else _("kepala sentra: %s") % t.override_reason,
                        t.reason,
                    )
                    for t in transfers
                ],
                [0.14, 0.18, 0.18, 0.22, 0.28],
                s,
            ),
        ]
    if referrals:
        out += [
            Paragraph(escape(_("Rujukan keluar")), s.h2),
            _grid(
                [_("Waktu"), _("Lembaga"), _("Kontak"), _("Alasan")],
                [(_when(r.referred_at), r.institution, r.contact, r.reason) for r in referrals],
                [0.15, 0.25, 0.2, 0.4],
                s,
            ),
        ]
    if stays:
        out += [
            Paragraph(escape(_("Layanan residensial")), s.h2),
            _grid(
                [_("Sentra"), _("Masuk"), _("Keluar"), _("Melebihi kapasitas")],
                [
                    (
                        st.unit.name,
                        _when(st.admitted_at),
                        _when(st.discharged_at),
                        st.over_capacity_reason or "–",
                    )
                    for st in stays
                ],
                [0.3, 0.2, 0.2, 0.3],
                s,
            ),
        ]
    if visits:
        out += [
            Paragraph(escape(_("Bimbingan lanjut")), s.h2),
            _grid(
                [_("Jadwal"), _("Dilaksanakan"), _("Oleh"), _("Catatan")],
                [
                    (_when(v.scheduled_for), _when(v.done_at), _who(v.visited_by), v.notes or "–")
                    for v in visits
                ],
                [0.14, 0.18, 0.18, 0.5],
                s,
            ),
        ]
    return out


def _timeline(case: Case, s: _Styles):
    rows = [(_when(e.at), _who(e.actor), e.summary) for e in case_timeline(case)]
    return [
        Paragraph(escape(_("Linimasa")), s.h2),
        _grid([_("Waktu"), _("Oleh"), _("Kejadian")], rows, [0.16, 0.18, 0.66], s)
        if rows
        else _none(s),
    ]


@transaction.atomic
def case_file_pdf(*, actor, case: Case, purpose: str = "") -> bytes:
    """Returns the case file as a PDF (for a case conference or a court), auditing the export.

    Raises NotFound for a case outside the actor's scope, and refuses once the person's consent
    is withdrawn with no other basis left.
    """
    case = case_get(actor, case.pk)
    withdrawn = consent_withdrawal(case.person_id)
    if withdrawn is not None:
        raise processing_stop_error(withdrawn)
    s = _Styles()
    printed = timezone.localtime()
    story = [
        _p(_("Berkas Kasus %s") % case.number, s.title),
        _p(
            _("Dicetak %(when)s oleh %(who)s") % {"when": _when(printed), "who": _who(actor)}
            + (f" — {purpose.strip()}" if purpose.strip() else ""),
            s.small,
        ),
        *_identity(case, s),
        *_case_data(case, s),
        *_response(case, s),
        *_assessments(case, s),
        *_plans(case, s),
        *_services(case, s),
        *_outcomes(case, s),
        *_notes(case, s),
        *_movements(case, s),
        *_timeline(case, s),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=_plain(_("Berkas Kasus %s") % case.number),
        author="atensi",
        subject=_plain(CONFIDENTIAL),
    )
    header = f"{case.number} · {CONFIDENTIAL}"
    footer = _("Dicetak %(when)s oleh %(who)s") % {"when": _when(printed), "who": _who(actor)}
    document.build(story, canvasmaker=_numbered_canvas(header, footer))
    audit_record(
        actor=actor,
        action="export",
        obj=case,
        changes={"format": "pdf", "purpose": purpose.strip(), "stage": case.stage},
    )
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Excel case list
# ---------------------------------------------------------------------------------------------

# A workbook this size still opens on an office laptop; larger lists should be filtered first.
EXCEL_MAX_ROWS = 100_000


def _local(value):
    # Excel has no time zones: write Asia/Jakarta wall-clock time.
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


@transaction.atomic
def case_list_xlsx(*, actor, cases: QuerySet[Case] | None = None, description: str = "") -> bytes:
    """Returns an Excel workbook of the cases in the actor's scope (optionally a filtered list).

    Whatever queryset the caller passes is narrowed to the actor's scope. The names of persons
    whose processing has stopped (consent withdrawn) are withheld.
    """
    scoped = cases_visible_to(actor)
    if cases is not None:
        scoped = scoped & cases
    total = scoped.count()
    if total > EXCEL_MAX_ROWS:
        raise ApplicationError(
            _(
                "Daftar berisi %(n)s kasus, lebih dari batas ekspor %(max)s baris. Saring daftar "
                "lebih dulu (mis. per sentra, tahap atau tahun)."
            )
            % {"n": f"{total:,}".replace(",", "."), "max": f"{EXCEL_MAX_ROWS:,}".replace(",", ".")},
            code="export_too_large",
            details={"count": total, "max": EXCEL_MAX_ROWS},
        )
    rows = (
        scoped.select_related("person", "unit", "pendamping", "supervisor")
        .annotate(stopped=processing_stopped())
        .order_by("-received_at", "-id")
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Kasus"))
    columns = [
        (_("Nomor kasus"), 18),
        (_("Nama"), 28),
        (_("Nomor registri"), 16),
        (_("Klaster"), 20),
        (_("Sentra"), 24),
        (_("Urgensi"), 10),
        (_("Pendekatan"), 16),
        (_("Tahap"), 20),
        (_("Sumber rujukan"), 20),
        (_("Rujukan diterima"), 17),
        (_("Pendamping"), 20),
        (_("Supervisor"), 20),
        (_("Kontak pertama"), 17),
        (_("Asesmen selesai"), 17),
        (_("Rencana disetujui"), 17),
        (_("Nomor SK"), 18),
        (_("Tanggal SK"), 12),
        (_("Terminasi"), 17),
        (_("Alasan terminasi"), 20),
        (_("Hasil"), 12),
        (_("Ditutup"), 17),
    ]
    for index, (_label, width) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for label, _width in columns:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    datetime_format, date_format = "DD-MM-YYYY HH:MM", "DD-MM-YYYY"
    withheld = _("(pemrosesan dihentikan)")
    for case in rows.iterator(chunk_size=2000):
        values = [
            case.number,
            withheld if case.stopped else case.person.full_name,
            case.person.registry_id,
            case.get_target_group_display(),
            case.unit.name,
            case.get_urgency_display(),
            case.get_approach_display(),
            str(Stage(case.stage).label),
            case.get_source_display(),
            _local(case.received_at),
            _who(case.pendamping) if case.pendamping else "",
            _who(case.supervisor) if case.supervisor else "",
            _local(case.first_contact_at),
            _local(case.assessed_at),
            _local(case.plan_approved_at),
            case.sk_number,
            case.sk_date,
            _local(case.terminated_at),
            case.get_termination_reason_display(),
            case.get_outcome_rating_display(),
            _local(case.closed_at),
        ]
        line = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = datetime_format
            elif isinstance(value, dt.date):
                cell.number_format = date_format
            line.append(cell)
        sheet.append(line)
    about = workbook.create_sheet(_("Keterangan"))
    for row in (
        (str(CONFIDENTIAL),),
        (_("Diekspor"), _local(timezone.now())),
        (_("Oleh"), f"{_who(actor)} ({actor.username})"),
        (_("Cakupan"), description or _("semua kasus yang boleh Anda lihat")),
        (_("Jumlah kasus"), total),
    ):
        about.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=actor,
        action="export",
        object_type="cases.case",
        object_repr=_("Daftar kasus (%d baris)") % total,
        changes={"format": "xlsx", "count": total, "description": description},
    )
    return buffer.getvalue()
