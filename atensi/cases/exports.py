"""Case exports: the PDF case file (case conference, court) and the Excel case list.

Both take the actor, check scope through the selectors and write an "export" audit row in the
same transaction as the read, because an export takes personal data out of the system.
"""

import datetime as dt
import io

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from atensi.common.audit import audit_record
from atensi.common.errors import ApplicationError
from atensi.common.pdf import (
    CONFIDENTIAL,
    Styles,
    confidential_pdf,
    grid,
    heading,
    none_yet,
    pairs,
    paragraph,
    printed_by,
    when,
    who,
)
from atensi.common.templatetags.atensi_format import format_rupiah
from atensi.common.xlsx import append_inert, header_row, inert_cell

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


def _hours(value) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + " " + _("jam")


# ---------------------------------------------------------------------------------------------
# PDF case file
# ---------------------------------------------------------------------------------------------


def _identity(case: Case, s: Styles):
    person = case.person
    born = ", ".join(x for x in (person.birth_place, when(person.birth_date)) if x)
    return [
        heading(_("Identitas"), s),
        pairs(
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


def _case_data(case: Case, s: Styles):
    referrer = " / ".join(
        x for x in (case.referrer_name, case.referrer_institution, case.referrer_contact) if x
    )
    rows = [
        (_("Nomor kasus"), case.number),
        (_("Sentra"), case.unit.name),
        (_("Sumber rujukan"), case.get_source_display()),
        (_("Pelapor / perujuk"), referrer or "–"),
        (_("Rujukan diterima"), when(case.received_at)),
        (_("Urgensi"), case.get_urgency_display()),
        (_("Klaster kasus"), case.get_target_group_display()),
        (_("Pendekatan"), case.get_approach_display()),
        (_("Tahap sekarang"), case.get_stage_display()),
        (_("Pendamping"), who(case.pendamping)),
        (_("Supervisor"), who(case.supervisor)),
        (
            _("SK penetapan PM"),
            f"{case.sk_number}, {when(case.sk_date)}" if case.is_beneficiary else _("belum"),
        ),
        (_("Uraian rujukan"), case.referral_note or "–"),
    ]
    if case.terminated_at:
        rows += [
            (_("Terminasi"), when(case.terminated_at)),
            (_("Alasan terminasi"), case.get_termination_reason_display() or "–"),
            (_("Hasil"), case.get_outcome_rating_display() or "–"),
            (_("Catatan terminasi"), case.termination_note or "–"),
        ]
    if case.closed_at:
        rows.append((_("Ditutup"), when(case.closed_at)))
    return [heading(_("Data kasus"), s), pairs(rows, s)]


def _response(case: Case, s: Styles):
    rows = [
        (
            t.label,
            _hours(t.target_hours),
            when(t.reached_at),
            _hours(t.hours),
            t.status_label,
        )
        for t in case_response_times(case)
    ]
    return [
        heading(_("Waktu respons"), s),
        grid(
            [_("Tonggak"), _("Target"), _("Tercapai"), _("Lama"), _("Status")],
            rows,
            [0.28, 0.14, 0.22, 0.14, 0.22],
            s,
        ),
    ]


def _assessments(case: Case, s: Styles):
    out = [heading(_("Asesmen"), s)]
    assessments = list(case.assessments.select_related("form", "assessor").order_by("created_at"))
    if not assessments:
        return [*out, none_yet(s)]
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
            (_("Selesai"), when(a.completed_at) if a.completed_at else _("draf")),
            (_("Asesor"), who(a.assessor)),
            (
                _("Skor total"),
                f"{scores['total']}" + (f" ({scores['band']})" if scores.get("band") else "")
                if "total" in scores
                else "–",
            ),
            (_("Skor per aspek"), sections or "–"),
            (_("Kesimpulan dan kebutuhan"), a.summary or "–"),
        ]
        out += [pairs(rows, s), Spacer(1, 2 * mm)]
    return out


def _plans(case: Case, s: Styles):
    out = [heading(_("Rencana intervensi"), s)]
    plans = list(
        case.plans.select_related("decided_by")
        .prefetch_related("services__responsible")
        .order_by("-number")
    )
    if not plans:
        return [*out, none_yet(s)]
    for plan in plans:
        head = _("Revisi %(n)d — %(status)s") % {
            "n": plan.number,
            "status": plan.get_status_display(),
        }
        if plan.decided_at:
            head += " " + _("oleh %(who)s, %(when)s") % {
                "who": who(plan.decided_by),
                "when": when(plan.decided_at),
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
                who(ps.responsible),
                when(ps.target_date),
            )
            for ps in plan.services.all()
        ]
        block = [
            paragraph(head, s.bold),
            pairs([(_("Tujuan"), goals or "–")], s),
        ]
        if plan.decision_comment:
            block.append(pairs([(_("Catatan persetujuan"), plan.decision_comment)], s))
        if services:
            block.append(
                grid(
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


def _services(case: Case, s: Styles):
    out = [heading(_("Layanan yang diberikan"), s)]
    services = list(case.services.select_related("provider").order_by("delivered_on", "id"))
    if not services:
        return [*out, none_yet(s)]
    rows = [
        (
            when(sv.delivered_on),
            sv.get_component_display(),
            sv.description,
            sv.provider_name or who(sv.provider),
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
    table = grid(
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


def _outcomes(case: Case, s: Styles):
    out = [heading(_("Pengukuran hasil"), s)]
    measurements = list(
        case.measurements.select_related("scale", "taken_by").order_by("taken_on", "id")
    )
    if not measurements:
        return [*out, none_yet(s)]
    rows = [
        (
            f"{m.scale.title} v{m.scale.version}",
            MeasurementPhase(m.phase).label,
            when(m.taken_on),
            str(m.score),
            who(m.taken_by),
        )
        for m in measurements
    ]
    out.append(
        grid(
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
        out.append(paragraph(text, s.body))
    return out


def _notes(case: Case, s: Styles):
    out = [heading(_("Catatan kasus"), s)]
    notes = list(case.notes.select_related("author").order_by("happened_at", "id"))
    if not notes:
        return [*out, none_yet(s)]
    rows = [(when(n.happened_at), n.get_kind_display(), who(n.author), n.text) for n in notes]
    return [
        *out,
        grid([_("Waktu"), _("Jenis"), _("Oleh"), _("Isi")], rows, [0.15, 0.15, 0.15, 0.55], s),
    ]


def _movements(case: Case, s: Styles):
    """Transfers, referrals out, residential stays and aftercare visits, when there are any."""
    out = []
    transfers = list(case.transfers.select_related("from_unit", "to_unit", "transferred_by"))
    referrals = list(case.referrals_out.select_related("referred_by"))
    stays = list(case.stays.select_related("unit"))
    visits = list(case.aftercare_visits.select_related("visited_by"))
    if transfers:
        out += [
            heading(_("Pemindahan antarsentra"), s),
            grid(
                [_("Waktu"), _("Dari"), _("Ke"), _("Dasar"), _("Alasan")],
                [
                    (
                        when(t.transferred_at),
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
            heading(_("Rujukan keluar"), s),
            grid(
                [_("Waktu"), _("Lembaga"), _("Kontak"), _("Alasan")],
                [(when(r.referred_at), r.institution, r.contact, r.reason) for r in referrals],
                [0.15, 0.25, 0.2, 0.4],
                s,
            ),
        ]
    if stays:
        out += [
            heading(_("Layanan residensial"), s),
            grid(
                [_("Sentra"), _("Masuk"), _("Keluar"), _("Melebihi kapasitas")],
                [
                    (
                        st.unit.name,
                        when(st.admitted_at),
                        when(st.discharged_at),
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
            heading(_("Bimbingan lanjut"), s),
            grid(
                [_("Jadwal"), _("Dilaksanakan"), _("Oleh"), _("Catatan")],
                [
                    (when(v.scheduled_for), when(v.done_at), who(v.visited_by), v.notes or "–")
                    for v in visits
                ],
                [0.14, 0.18, 0.18, 0.5],
                s,
            ),
        ]
    return out


def _timeline(case: Case, s: Styles):
    rows = [(when(e.at), who(e.actor), e.summary) for e in case_timeline(case)]
    return [
        heading(_("Linimasa"), s),
        grid([_("Waktu"), _("Oleh"), _("Kejadian")], rows, [0.16, 0.18, 0.66], s)
        if rows
        else none_yet(s),
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
    s = Styles()
    footer = printed_by(actor, timezone.localtime())
    title = _("Berkas Kasus %s") % case.number
    story = [
        paragraph(title, s.title),
        paragraph(footer + (f" — {purpose.strip()}" if purpose.strip() else ""), s.small),
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
    content = confidential_pdf(story, title=title, subject=case.number, footer=footer)
    audit_record(
        actor=actor,
        action="export",
        obj=case,
        changes={"format": "pdf", "purpose": purpose.strip(), "stage": case.stage},
    )
    return content


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
            ngettext(
                "Daftar berisi %(n)s kasus, lebih dari batas ekspor %(max)s baris. Saring daftar "
                "lebih dulu (mis. per sentra, tahap atau tahun).",
                "Daftar berisi %(n)s kasus, lebih dari batas ekspor %(max)s baris. Saring daftar "
                "lebih dulu (mis. per sentra, tahap atau tahun).",
                total,
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
    header_row(sheet, [label for label, _width in columns])
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
            who(case.pendamping) if case.pendamping else "",
            who(case.supervisor) if case.supervisor else "",
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
            cell = inert_cell(sheet, value)
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
        (_("Oleh"), f"{who(actor)} ({actor.username})"),
        (_("Cakupan"), description or _("semua kasus yang boleh Anda lihat")),
        (_("Jumlah kasus"), total),
    ):
        append_inert(about, *row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=actor,
        action="export",
        object_type="cases.case",
        object_repr=ngettext("Daftar kasus (%d baris)", "Daftar kasus (%d baris)", total) % total,
        changes={"format": "xlsx", "count": total, "description": description},
    )
    return buffer.getvalue()
