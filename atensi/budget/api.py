"""Budget figures over the API (/api/v1/budget/): scores, breakdowns, S-curves, rankings,
forecasts, output reconciliation, period sign-off, imports and the values entered by hand.

Each endpoint parses its query or body with its own serializer, calls the selector or service
the pages use, and answers with its own output serializer. Satker outside the caller's scope
are 404. Choice inputs whose name other areas also use ("kind", "component", "by") are plain
strings checked by the service, so the schema keeps one enum per choice set.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from atensi.accounts.access import can_read_budget
from atensi.common.api_views import error_responses
from atensi.common.errors import ApplicationError, NotFound

from . import selectors, services
from .figures import RANK_BASES, figures_json, number, period_for
from .importing import budget_import, import_template, template_file_name
from .models import Blokir, Commitment, CommitmentKind, ImportBatch, JenisBelanja
from .report import annual_report_for, annual_report_pdf, annual_report_xlsx

TAG = "budget"


class CanReadBudget(BasePermission):
    message = gettext_lazy("Peran Anda tidak boleh melihat data anggaran.")

    def has_permission(self, request, view) -> bool:
        return can_read_budget(request.user)


class StrictInput(serializers.Serializer):
    """Refuses keys it does not know, so a misspelt field is an error rather than a no-op."""

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({k: [_("Kolom tidak dikenal.")] for k in unknown})
        return attrs


# --- query parameters -------------------------------------------------------------------------


class PeriodQuery(serializers.Serializer):
    ta = serializers.IntegerField(min_value=2000, max_value=2100, help_text=gettext_lazy("TA."))
    month = serializers.IntegerField(
        min_value=1,
        max_value=12,
        required=False,
        help_text=gettext_lazy("Realisasi s.d. akhir bulan ini; default bulan berjalan."),
    )
    as_of = serializers.DateField(
        required=False,
        help_text=gettext_lazy(
            "Pagu, blokir dan rencana yang berlaku pada tanggal ini (TTTT-BB-HH)."
        ),
    )

    def period(self):
        data = self.validated_data
        return period_for(data["ta"], month=data.get("month"), as_of=data.get("as_of"))


class UnitPeriodQuery(PeriodQuery):
    unit = serializers.CharField(
        required=False,
        max_length=6,
        help_text=gettext_lazy("Kode satker; kosong = semua yang terlihat."),
    )


class RankingQuery(PeriodQuery):
    by = serializers.CharField(
        required=False,
        default="realisasi",
        help_text=gettext_lazy("Dasar peringkat: realisasi, ikpa atau nka."),
    )


class ReconciliationQuery(serializers.Serializer):
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(
        min_value=1,
        max_value=12,
        required=False,
        default=12,
        help_text=gettext_lazy("S.d. bulan ini."),
    )
    unit = serializers.CharField(required=False, max_length=6)


class PeriodsQuery(serializers.Serializer):
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    unit = serializers.CharField(max_length=6)


def _query(serializer_class, request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query


# --- outputs ----------------------------------------------------------------------------------


def Percent(**kwargs) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, **kwargs)


class PeriodOutput(serializers.Serializer):
    ta = serializers.IntegerField()
    month = serializers.IntegerField()
    as_of = serializers.DateField()
    closed_months = serializers.IntegerField()


class RuleSetsOutput(serializers.Serializer):
    ikpa = serializers.CharField(allow_null=True)
    nka = serializers.CharField(allow_null=True)


class TotalsOutput(serializers.Serializer):
    satker = serializers.IntegerField()
    pagu = serializers.IntegerField()
    blokir = serializers.IntegerField()
    realisasi = serializers.IntegerField()
    penyerapan = Percent()


class FiguresOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    pagu = serializers.IntegerField()
    blokir = serializers.IntegerField()
    realisasi = serializers.IntegerField()
    penyerapan = Percent(help_text=gettext_lazy("Realisasi / pagu × 100."))
    penyerapan_netto = Percent(help_text=gettext_lazy("Realisasi / (pagu − blokir) × 100."))
    ikpa = Percent()
    ikpa_category = serializers.CharField(allow_null=True)
    nka = Percent()
    nka_category = serializers.CharField(allow_null=True)
    provisional = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Angka yang memakai aturan yang belum dikonfirmasi (sementara)."),
    )
    missing = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Komponen yang belum dapat dihitung atau belum diisi."),
    )
    upt = TotalsOutput(required=False, help_text=gettext_lazy("Eselon I: jumlah sentra (UPT)."))
    pusat = TotalsOutput(required=False, help_text=gettext_lazy("Eselon I: jumlah kantor pusat."))


class FiguresDetailOutput(FiguresOutput):
    ikpa_components = serializers.DictField(
        help_text=gettext_lazy("Nilai dan rincian per komponen.")
    )
    nka_components = serializers.DictField()


class ScoresOutput(serializers.Serializer):
    ta = serializers.IntegerField()
    period = PeriodOutput()
    rule_sets = RuleSetsOutput()
    satker = FiguresOutput(many=True)
    eselon1 = FiguresOutput(allow_null=True)


class AmountsOutput(serializers.Serializer):
    pagu = serializers.IntegerField()
    blokir = serializers.IntegerField()
    pagu_netto = serializers.IntegerField()
    realisasi = serializers.IntegerField()
    sisa = serializers.IntegerField()
    penyerapan = Percent()
    penyerapan_netto = Percent()


class JenisAmountsOutput(AmountsOutput):
    jenis_belanja = serializers.CharField()


class ProgramAmountsOutput(AmountsOutput):
    program = serializers.CharField()


class RoAmountsOutput(AmountsOutput):
    unit = serializers.CharField()
    program = serializers.CharField()
    ro = serializers.CharField()
    name = serializers.CharField()
    target_volume = serializers.IntegerField(allow_null=True)
    realised_volume = serializers.IntegerField(allow_null=True)


class MonthAmountsOutput(serializers.Serializer):
    month = serializers.IntegerField()
    jenis_belanja = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class BreakdownOutput(serializers.Serializer):
    total = AmountsOutput()
    jenis_belanja = JenisAmountsOutput(many=True)
    program = ProgramAmountsOutput(many=True)
    ro = RoAmountsOutput(many=True)
    month = MonthAmountsOutput(many=True)
    blokir_without_ro = serializers.IntegerField()


class SCurveMonthOutput(serializers.Serializer):
    month = serializers.IntegerField()
    plan = serializers.IntegerField()
    plan_cumulative = serializers.IntegerField()
    plan_percent = Percent()
    realisation = serializers.IntegerField(allow_null=True)
    realisation_cumulative = serializers.IntegerField(allow_null=True)
    realisation_percent = Percent()


class SatkerDetailOutput(serializers.Serializer):
    ta = serializers.IntegerField()
    period = PeriodOutput()
    rule_sets = RuleSetsOutput()
    figures = FiguresDetailOutput()
    breakdown = BreakdownOutput()
    s_curve = SCurveMonthOutput(many=True)


class SCurveOutput(serializers.Serializer):
    ta = serializers.IntegerField()
    period = PeriodOutput()
    unit = serializers.CharField(allow_null=True)
    months = SCurveMonthOutput(many=True)


class RankingRowOutput(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.CharField()
    value = Percent()
    penyerapan = Percent()
    ikpa = Percent()
    nka = Percent()
    category = serializers.CharField(allow_null=True)
    provisional = serializers.ListField(child=serializers.CharField())


class AwardsOutput(serializers.Serializer):
    by = serializers.CharField()
    top = RankingRowOutput(many=True)
    best_directorate = RankingRowOutput(allow_null=True)


class RankingsOutput(serializers.Serializer):
    ta = serializers.IntegerField()
    period = PeriodOutput()
    by = serializers.CharField()
    count = serializers.IntegerField(help_text=gettext_lazy("Jumlah satker yang diperingkat."))
    ranking = RankingRowOutput(many=True)
    awards = AwardsOutput(allow_null=True)


class CommittedOutput(serializers.Serializer):
    contracts = serializers.IntegerField()
    residential = serializers.IntegerField()
    census = serializers.IntegerField()
    daily_cost = serializers.IntegerField()


class QuarterJenisOutput(serializers.Serializer):
    jenis_belanja = serializers.CharField()
    target = serializers.IntegerField()
    target_percent = serializers.FloatField()
    realised = serializers.IntegerField()
    projected = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class QuarterOutput(serializers.Serializer):
    quarter = serializers.IntegerField()
    closes_on = serializers.DateField()
    days_left = serializers.IntegerField()
    projected_penyerapan = serializers.FloatField()
    provisional = serializers.BooleanField()
    jenis_belanja = QuarterJenisOutput(many=True)
    warning = serializers.BooleanField()
    message = serializers.CharField()


class ForecastOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    pagu = serializers.IntegerField()
    blokir = serializers.IntegerField()
    pagu_netto = serializers.IntegerField()
    realisasi = serializers.IntegerField()
    penyerapan = Percent()
    plan_remaining = serializers.IntegerField()
    committed = CommittedOutput()
    forecast = serializers.IntegerField()
    forecast_percent = Percent()
    forecast_percent_netto = Percent()
    forecast_by_trend = serializers.IntegerField(allow_null=True)
    unspent = serializers.IntegerField()
    quarter = QuarterOutput(allow_null=True)


class CaseItemOutput(serializers.Serializer):
    case = serializers.CharField()
    person = serializers.CharField(help_text=gettext_lazy("Nomor registri orang."))
    services = serializers.IntegerField()
    first = serializers.DateField()
    last = serializers.DateField()


class ReconciliationOutput(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    ro = serializers.CharField()
    name = serializers.CharField()
    target_group = serializers.CharField()
    target_volume = serializers.IntegerField()
    reported = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("RVRO terakhir."))
    reported_month = serializers.IntegerField(allow_null=True)
    from_cases = serializers.IntegerField(
        help_text=gettext_lazy("Penerima manfaat berbeda dari kasus.")
    )
    difference = serializers.IntegerField(allow_null=True)
    cases = CaseItemOutput(many=True)
    cases_other_target_group = CaseItemOutput(many=True)
    cases_not_charged = CaseItemOutput(many=True)
    truncated = serializers.BooleanField()


class LockOutput(serializers.Serializer):
    id = serializers.IntegerField()
    ta = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    month = serializers.IntegerField()
    signed_off_by = serializers.CharField(source="signed_off_by.username")
    signed_off_at = serializers.DateTimeField()
    snapshot = serializers.DictField()


class RestatementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    ta = serializers.IntegerField(source="lock.ta")
    month = serializers.IntegerField(
        source="lock.month", help_text=gettext_lazy("Bulan yang dikoreksi.")
    )
    reported_ta = serializers.IntegerField(allow_null=True)
    reported_month = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("Bulan saat koreksi dibuat.")
    )
    reason = serializers.CharField()
    before = serializers.DictField()
    after = serializers.DictField()
    made_by = serializers.CharField(source="made_by.username")
    made_at = serializers.DateTimeField()
    batch = serializers.IntegerField(source="batch_id", allow_null=True)


class PeriodsOutput(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    locks = LockOutput(many=True)
    restatements = RestatementOutput(many=True)


class SignOffInput(StrictInput):
    unit = serializers.CharField(max_length=6)
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class ImportInput(serializers.Serializer):
    kind = serializers.CharField(
        help_text=gettext_lazy("dipa, plan, blokir, realisation atau output.")
    )
    file = serializers.FileField(help_text=gettext_lazy("Berkas .csv atau .xlsx (lihat templat)."))
    valid_only = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("Impor hanya baris yang valid.")
    )
    restatement_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Wajib bila mengubah bulan yang sudah ditandatangani."),
    )


class IssueOutput(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultOutput(serializers.Serializer):
    kind = serializers.CharField()
    file_name = serializers.CharField()
    valid_only = serializers.BooleanField()
    rows = serializers.IntegerField()
    error_rows = serializers.IntegerField()
    rejected = serializers.BooleanField()
    created = serializers.IntegerField()
    already_present = serializers.IntegerField()
    updated = serializers.IntegerField()
    batch = serializers.IntegerField(allow_null=True)
    restatements = serializers.ListField(child=serializers.IntegerField())
    warnings = serializers.ListField(child=serializers.CharField())
    issues = IssueOutput(many=True)
    issues_truncated = serializers.BooleanField()


class ImportBatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    already_present = serializers.IntegerField(source="skipped")
    updated = serializers.IntegerField()
    restatement_reason = serializers.CharField()
    imported_by = serializers.CharField(source="imported_by.username", allow_null=True)
    imported_at = serializers.DateTimeField()


class ManualScoreInput(StrictInput):
    unit = serializers.CharField(max_length=6)
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    component = serializers.CharField(
        help_text=gettext_lazy(
            "kontraktual, tagihan, up_tup, dispensasi_spm (rasio per 1000 SPM) atau efisiensi (SBK)."
        )
    )
    value = serializers.DecimalField(max_digits=6, decimal_places=2)
    source = serializers.CharField(max_length=200)


class ManualScoreOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    ta = serializers.IntegerField()
    component = serializers.CharField()
    value = serializers.DecimalField(max_digits=6, decimal_places=2)
    source = serializers.CharField()


class CommitmentInput(StrictInput):
    unit = serializers.CharField(max_length=6)
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.CharField(help_text=gettext_lazy("contract atau other."))
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=250)
    jenis_belanja = serializers.ChoiceField(choices=JenisBelanja.choices)
    amount = serializers.IntegerField(min_value=1, help_text=gettext_lazy("Rupiah bulat."))
    expected_on = serializers.DateField()

    def validate_kind(self, value):
        if value not in CommitmentKind.values:
            raise serializers.ValidationError(_("Pilih contract atau other."))
        return value


class CommitmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    ta = serializers.IntegerField()
    kind = serializers.CharField()
    reference = serializers.CharField()
    description = serializers.CharField()
    jenis_belanja = serializers.ChoiceField(choices=JenisBelanja.choices)
    amount = serializers.IntegerField()
    expected_on = serializers.DateField()


class ResidentialCostInput(StrictInput):
    unit = serializers.CharField(max_length=6)
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    amount = serializers.IntegerField(
        min_value=0, help_text=gettext_lazy("Rupiah per orang per hari.")
    )
    jenis_belanja = serializers.ChoiceField(
        choices=JenisBelanja.choices, required=False, default="52"
    )
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ResidentialCostOutput(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    ta = serializers.IntegerField()
    amount = serializers.IntegerField()
    jenis_belanja = serializers.ChoiceField(choices=JenisBelanja.choices)
    source = serializers.CharField()


class RevisionInput(StrictInput):
    unit = serializers.CharField(max_length=6)
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    number = serializers.IntegerField(min_value=0)
    date = serializers.DateField()
    kind_code = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")


class RevisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    ta = serializers.IntegerField()
    number = serializers.IntegerField()
    date = serializers.DateField()
    kind_code = serializers.CharField()
    note = serializers.CharField()


class BlokirQuery(serializers.Serializer):
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    unit = serializers.CharField(
        required=False,
        max_length=6,
        help_text=gettext_lazy("Kode satker; kosong = semua yang terlihat."),
    )


class BlokirInput(StrictInput):
    unit = serializers.CharField(max_length=6)
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    ro = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Kode lengkap RO (kegiatan.KRO.RO); kosong bila tidak per RO."),
    )
    jenis_belanja = serializers.ChoiceField(choices=JenisBelanja.choices)
    amount = serializers.IntegerField(min_value=1, help_text=gettext_lazy("Rupiah bulat."))
    reason = serializers.CharField(max_length=250)
    reference = serializers.CharField(max_length=100, help_text=gettext_lazy("Nomor surat blokir."))
    blocked_on = serializers.DateField()
    restatement_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Wajib bila tanggalnya jatuh di bulan yang sudah ditandatangani."),
    )


class BlokirLiftInput(StrictInput):
    amount = serializers.IntegerField(
        min_value=1, help_text=gettext_lazy("Rupiah bulat; kurang dari jumlah blokir = sebagian.")
    )
    lifted_on = serializers.DateField()
    reference = serializers.CharField(
        max_length=100, help_text=gettext_lazy("Nomor surat pembukaan blokir.")
    )
    restatement_reason = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, default=""
    )


class BlokirOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    ta = serializers.IntegerField()
    ro = serializers.CharField(source="output.full_code", allow_null=True, default=None)
    jenis_belanja = serializers.ChoiceField(choices=JenisBelanja.choices)
    amount = serializers.IntegerField()
    reason = serializers.CharField()
    reference = serializers.CharField()
    blocked_on = serializers.DateField()
    released_on = serializers.DateField(allow_null=True)
    released_amount = serializers.IntegerField(
        source="opened_amount",
        help_text=gettext_lazy("Jumlah yang dibuka (0 selama masih diblokir)."),
    )
    released_reference = serializers.CharField()
    previous = serializers.IntegerField(
        source="previous_id",
        allow_null=True,
        help_text=gettext_lazy("Blokir yang dibuka sebagian, yang sisanya diteruskan baris ini."),
    )


class BlokirLiftOutput(serializers.Serializer):
    lifted = BlokirOutput()
    remainder = BlokirOutput(allow_null=True)


# --- views ------------------------------------------------------------------------------------


class BudgetView(APIView):
    permission_classes = [IsAuthenticated, CanReadBudget]


class SatkerScoresView(BudgetView):
    """Every visible satker's figures (pagu, blokir, realisation, IKPA, NKA) and the eselon I's."""

    @extend_schema(
        operation_id="budget_satker_list",
        tags=[TAG],
        parameters=[PeriodQuery],
        responses={200: ScoresOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = _query(PeriodQuery, request)
        table = selectors.satker_scores_for(
            request.user, query.validated_data["ta"], query.period()
        )
        return Response(ScoresOutput(table).data)


class SatkerDetailView(BudgetView):
    """One satker: figures with IKPA/NKA components, breakdown (jenis belanja, programme, RO,
    month) against pagu and pagu − blokir, and the S-curve."""

    @extend_schema(
        operation_id="budget_satker_retrieve",
        tags=[TAG],
        parameters=[PeriodQuery],
        responses={200: SatkerDetailOutput, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, code: str):
        query = _query(PeriodQuery, request)
        detail = selectors.satker_detail_for(
            request.user, code, query.validated_data["ta"], query.period()
        )
        return Response(SatkerDetailOutput(number(detail)).data)


class Eselon1View(BudgetView):
    """The eselon I's figures from all satker transactions pooled (not averaged scores)."""

    @extend_schema(
        operation_id="budget_eselon1_retrieve",
        tags=[TAG],
        parameters=[PeriodQuery],
        responses={200: SatkerDetailOutput, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(PeriodQuery, request)
        detail = selectors.eselon1_detail_for(
            request.user, query.validated_data["ta"], query.period()
        )
        return Response(SatkerDetailOutput(number(detail)).data)


class SCurveView(BudgetView):
    """Cumulative Hal III plan against realisation per month (a satker, or all visible)."""

    @extend_schema(
        operation_id="budget_s_curve",
        tags=[TAG],
        parameters=[UnitPeriodQuery],
        responses={200: SCurveOutput, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(UnitPeriodQuery, request)
        data = query.validated_data
        curve = selectors.s_curve_for(request.user, data["ta"], query.period(), data.get("unit"))
        return Response(SCurveOutput(number(curve)).data)


class RankingsView(BudgetView):
    """Satker ranked by realisation %, IKPA or NKA (ties: realisation, then code); top five."""

    @extend_schema(
        operation_id="budget_rankings",
        tags=[TAG],
        parameters=[RankingQuery],
        responses={200: RankingsOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        query = _query(RankingQuery, request)
        data = query.validated_data
        if data["by"] not in RANK_BASES:
            raise ApplicationError(
                _("Dasar peringkat harus salah satu dari: %s.") % ", ".join(RANK_BASES),
                details={"by": [data["by"]]},
            )
        ranked = selectors.rankings_for(request.user, data["ta"], query.period(), data["by"])
        return Response(RankingsOutput(number(ranked)).data)


class ForecastView(BudgetView):
    """Year-end absorption forecast per satker and the warning for the quarter in progress."""

    @extend_schema(
        operation_id="budget_forecast",
        tags=[TAG],
        parameters=[UnitPeriodQuery],
        responses={200: ForecastOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(UnitPeriodQuery, request)
        data = query.validated_data
        rows = selectors.forecasts_for(request.user, data["ta"], query.period(), data.get("unit"))
        return Response(ForecastOutput(number(rows), many=True).data)


class ReconciliationView(BudgetView):
    """Service RO volumes: reported RVRO beside distinct beneficiaries served in cases."""

    @extend_schema(
        operation_id="budget_reconciliation",
        tags=[TAG],
        parameters=[ReconciliationQuery],
        responses={200: ReconciliationOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(ReconciliationQuery, request)
        data = query.validated_data
        rows = selectors.reconciliation_for(
            request.user, data["ta"], data["month"], data.get("unit")
        )
        return Response(ReconciliationOutput(rows, many=True).data)


class PeriodsView(BudgetView):
    """A satker's signed-off months and restatements; a head signs off a month (POST)."""

    @extend_schema(
        operation_id="budget_periods_list",
        tags=[TAG],
        parameters=[PeriodsQuery],
        responses={200: PeriodsOutput, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(PeriodsQuery, request)
        data = query.validated_data
        return Response(
            PeriodsOutput(selectors.periods_for(request.user, data["ta"], data["unit"])).data
        )

    @extend_schema(
        operation_id="budget_periods_sign_off",
        tags=[TAG],
        request=SignOffInput,
        responses={201: LockOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        body = SignOffInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        unit = selectors.budget_unit_get(request.user, data["unit"])
        lock = services.period_sign_off(
            actor=request.user, unit=unit, ta=data["ta"], month=data["month"]
        )
        return Response(LockOutput(lock).data, status=status.HTTP_201_CREATED)


class ImportsView(BudgetView):
    """Budget imports: the latest batches (GET), and importing a file (POST, multipart)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="budget_imports_list",
        tags=[TAG],
        responses={200: ImportBatchOutput(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        return Response(
            ImportBatchOutput(selectors.import_batches_for(request.user), many=True).data
        )

    @extend_schema(
        operation_id="budget_imports_create",
        tags=[TAG],
        request={"multipart/form-data": ImportInput},
        responses={
            201: ImportResultOutput,
            200: OpenApiResponse(
                ImportResultOutput, description=gettext_lazy("Tidak ada yang baru (impor ulang).")
            ),
            **error_responses(400, 401, 403, 409),
        },
    )
    def post(self, request):
        body = ImportInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = budget_import(
            actor=request.user,
            kind=data["kind"],
            file=data["file"],
            file_name=data["file"].name,
            valid_only=data["valid_only"],
            restatement_reason=data["restatement_reason"],
        )
        if result.rejected:
            raise ApplicationError(
                _("Tidak ada yang diimpor: %d baris bermasalah. Perbaiki lalu unggah lagi.")
                % result.error_rows,
                code="import_rejected",
                details={
                    "error_rows": result.error_rows,
                    "issues": [i.as_dict() for i in result.issues],
                },
            )
        changed = result.created or result.updated
        return Response(
            ImportResultOutput(result.as_dict()).data,
            status=status.HTTP_201_CREATED if changed else status.HTTP_200_OK,
        )


class ImportTemplateView(BudgetView):
    """The import template of a kind, as .xlsx (with instructions) or .csv."""

    @extend_schema(
        operation_id="budget_import_template",
        tags=[TAG],
        parameters=[
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=list(ImportBatch.Kind.values)
            ),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["csv", "xlsx"]),
        ],
        responses={200: OpenApiTypes.BINARY, **error_responses(401, 403, 404)},
    )
    def get(self, request, kind: str, fmt: str):
        if kind not in ImportBatch.Kind.values or fmt not in ("csv", "xlsx"):
            raise NotFound(_("Templat tidak ditemukan."))
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(import_template(kind, fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{template_file_name(kind, fmt)}"'
        return response


class ManualScoresView(BudgetView):
    """A component value from OM-SPAN that atensi cannot compute (finance officers)."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="budget_manual_scores_set",
        tags=[TAG],
        request=ManualScoreInput,
        responses={200: ManualScoreOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        body = ManualScoreInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = selectors.budget_unit_get(request.user, data.pop("unit"))
        score = services.manual_score_set(actor=request.user, unit=unit, **data)
        return Response(ManualScoreOutput(score).data)


class CommitmentsView(BudgetView):
    """Committed spending (contracts) used by the forecast: list and add."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="budget_commitments_list",
        tags=[TAG],
        parameters=[PeriodsQuery],
        responses={200: CommitmentOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(PeriodsQuery, request)
        unit = selectors.budget_unit_get(request.user, query.validated_data["unit"])
        rows = Commitment.objects.filter(ta=query.validated_data["ta"], unit=unit).select_related(
            "unit"
        )
        return Response(CommitmentOutput(rows, many=True).data)

    @extend_schema(
        operation_id="budget_commitments_create",
        tags=[TAG],
        request=CommitmentInput,
        responses={201: CommitmentOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        body = CommitmentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = selectors.budget_unit_get(request.user, data.pop("unit"))
        commitment = services.commitment_add(actor=request.user, unit=unit, **data)
        return Response(CommitmentOutput(commitment).data, status=status.HTTP_201_CREATED)


class CommitmentDetailView(BudgetView):
    @extend_schema(
        operation_id="budget_commitments_destroy",
        tags=[TAG],
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, pk: int):
        commitment = Commitment.objects.select_related("unit").filter(pk=pk).first()
        if commitment is None:
            raise NotFound(_("Komitmen tidak ditemukan."))
        selectors.budget_unit_get(request.user, commitment.unit.code)
        services.commitment_remove(actor=request.user, commitment=commitment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResidentialCostView(BudgetView):
    """A sentra's daily cost per resident in a TA (census × cost is committed spending)."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="budget_residential_cost_set",
        tags=[TAG],
        request=ResidentialCostInput,
        responses={200: ResidentialCostOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        body = ResidentialCostInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = selectors.budget_unit_get(request.user, data.pop("unit"))
        cost = services.residential_cost_set(actor=request.user, unit=unit, **data)
        return Response(ResidentialCostOutput(cost).data)


class RevisionsView(BudgetView):
    """Records a DIPA revision (its code decides whether it counts for IKPA revisi DIPA)."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="budget_revisions_create",
        tags=[TAG],
        request=RevisionInput,
        responses={201: RevisionOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request):
        body = RevisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = selectors.budget_unit_get(request.user, data.pop("unit"))
        revision = services.revision_record(actor=request.user, unit=unit, **data)
        return Response(RevisionOutput(revision).data, status=status.HTTP_201_CREATED)


def _blokir_get(user, pk: int) -> Blokir:
    """Returns a blokir of a satker `user` sees, else NotFound (another sentra's too)."""
    blokir = (
        Blokir.objects.select_related("unit", "output")
        .filter(pk=pk, unit__in=selectors.budget_units_visible_to(user))
        .first()
    )
    if blokir is None:
        raise NotFound(_("Blokir tidak ditemukan."))
    return blokir


class BlokirView(BudgetView):
    """Blokir (Hal IV) of the visible satker in a TA: list and record."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="budget_blokir_list",
        tags=[TAG],
        parameters=[BlokirQuery],
        responses={200: BlokirOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(BlokirQuery, request).validated_data
        rows = Blokir.objects.filter(
            ta=query["ta"], unit__in=selectors.budget_units_visible_to(request.user)
        )
        if query.get("unit"):
            rows = rows.filter(unit=selectors.budget_unit_get(request.user, query["unit"]))
        rows = rows.select_related("unit", "output").order_by("unit__code", "blocked_on", "id")
        return Response(BlokirOutput(rows, many=True).data)

    @extend_schema(
        operation_id="budget_blokir_create",
        tags=[TAG],
        request=BlokirInput,
        responses={201: BlokirOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request):
        body = BlokirInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        unit = selectors.budget_unit_get(request.user, data.pop("unit"))
        code = data.pop("ro")
        output = selectors.output_by_code(unit, data["ta"], code) if code else None
        if code and output is None:
            message = _("RO %s tidak ada di DIPA satker ini pada TA itu.") % code
            raise ApplicationError(message, details={"ro": [message]})
        blokir = services.blokir_create(actor=request.user, unit=unit, output=output, **data)
        return Response(BlokirOutput(blokir).data, status=status.HTTP_201_CREATED)


class BlokirLiftView(BudgetView):
    """Opens a blokir in full or in part; a partial lift leaves the remainder as a new blokir."""

    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="budget_blokir_lift",
        tags=[TAG],
        request=BlokirLiftInput,
        responses={200: BlokirLiftOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        blokir = _blokir_get(request.user, pk)
        body = BlokirLiftInput(data=request.data)
        body.is_valid(raise_exception=True)
        remainder = services.blokir_lift(actor=request.user, blokir=blokir, **body.validated_data)
        blokir.refresh_from_db()
        return Response(BlokirLiftOutput({"lifted": blokir, "remainder": remainder}).data)


class ReportQuery(serializers.Serializer):
    ta = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(
        min_value=1,
        max_value=12,
        required=False,
        help_text=gettext_lazy("S.d. bulan ini; default seluruh tahun."),
    )


def _report_json(report) -> dict:
    """The annual evaluation report's figures, as the page, the PDF and the workbook show them."""
    rows = report.satker_rows()
    return number(
        {
            "ta": report.ta,
            "period": report.period.as_dict(),
            "rule_sets": report.rules.as_dict(),
            "eselon1": figures_json(report.eselon1, detail=False) if report.eselon1 else None,
            "upt": report.upt,
            "pusat": report.pusat,
            "sisa": report.sisa,
            "sisa_outside_blokir": report.sisa_outside_blokir,
            "satker": [
                {
                    **figures_json(row["f"], detail=False),
                    "rank": row["rank"],
                    "top": row["top"],
                }
                for row in rows
            ],
            "awards": report.awards,
            "jenis_belanja": [
                {k: v for k, v in row.items() if k != "label"} for row in report.jenis
            ],
            "s_curve": report.s_curve,
            "achievements": report.achievements,
            "services": report.services,
            "next_year": report.next_year,
            "provisional": [str(note) for note in report.provisional],
        }
    )


class ReportView(BudgetView):
    """The annual evaluation (Rakornis) of a TA: totals (UPT and centre), realisation, blokir,
    every satker with IKPA/NKA and rank, the top five, achievements per target group and the
    next year's allocation — for those who see every satker."""

    @extend_schema(
        operation_id="budget_report",
        tags=[TAG],
        parameters=[ReportQuery],
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request):
        query = _query(ReportQuery, request).validated_data
        report = annual_report_for(request.user, query["ta"], month=query.get("month"))
        return Response(_report_json(report))


class ReportFileView(BudgetView):
    """The annual evaluation report as a PDF (with its charts) or an Excel workbook."""

    @extend_schema(
        operation_id="budget_report_file",
        tags=[TAG],
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["pdf", "xlsx"]),
            OpenApiParameter("month", int, OpenApiParameter.QUERY, required=False),
        ],
        responses={200: OpenApiTypes.BINARY, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, ta: int, fmt: str):
        if fmt not in ("pdf", "xlsx"):
            raise NotFound(_("Format laporan tidak dikenal; pilih pdf atau xlsx."))
        query = ReportQuery(data={**request.query_params.dict(), "ta": ta})
        query.is_valid(raise_exception=True)
        query = query.validated_data
        report = annual_report_for(request.user, query["ta"], month=query.get("month"))
        if fmt == "pdf":
            content = annual_report_pdf(report, actor=request.user)
            content_type = "application/pdf"
        else:
            content = annual_report_xlsx(report)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="laporan-evaluasi-anggaran-{ta}.{fmt}"'
        )
        return response
