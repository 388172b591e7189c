"""The workforce over the API: /api/v1/workforce/.

Each endpoint parses its input with its own serializer, calls the same service or selector as
the pages, and answers with its own output serializer. Workers, reports and cases outside the
caller's scope are 404, never 403. Field names of codes are specific ("absence_kind",
"report_status") so that each choice set gets its own name in the OpenAPI schema.
"""

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from atensi.accounts.access import can_read_workforce
from atensi.accounts.models import User
from atensi.cases.choices import Approach, Stage
from atensi.cases.selectors import case_get
from atensi.common.api import Pagination, StrictInput
from atensi.common.api_views import error_responses
from atensi.common.errors import NotFound
from atensi.organisation.models import TargetGroup

from . import kpis
from .choices import (
    AbsenceKind,
    CertificateLevel,
    Employment,
    LoadFlag,
    ReportStatus,
    TrainingResult,
    WorkerKind,
)
from .exports import XLSX, report_pdf, report_xlsx
from .fairness import fairness
from .models import Course
from .reports import due_dates, timeliness
from .rules import rules_ensure
from .selectors import (
    assignment_decisions,
    caseloads,
    report_get,
    reports_visible_to,
    training_of,
    worker_get,
    workers_visible_to,
)
from .services import (
    absence_record,
    case_assignment_decide,
    cases_reassign,
    report_decide,
    report_narrative_save,
    report_open,
    report_refresh,
    report_submit,
    training_record,
    worker_profile_save,
)
from .suggestions import assignee_suggestion

TAG = "workforce"


class CanReadWorkforce(BasePermission):
    message = gettext_lazy("Peran Anda tidak boleh melihat data tenaga.")

    def has_permission(self, request, view) -> bool:
        return can_read_workforce(request.user)


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class SlugListField(serializers.Field):
    """Related objects (a manager or a list) as a list of one of their fields, e.g. codes."""

    def __init__(self, slug: str, **kwargs):
        self.slug = slug
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        items = value.all() if hasattr(value, "all") else value
        return [getattr(item, self.slug) for item in items]


def _username_field(help_text, **kwargs):
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text=help_text,
        **kwargs,
    )


# --- workers ---------------------------------------------------------------------------------


class WorkerProfileOutput(serializers.Serializer):
    worker_kind = serializers.ChoiceField(source="kind", choices=WorkerKind.choices)
    worker_kind_label = serializers.CharField(source="get_kind_display")
    employment = serializers.ChoiceField(choices=Employment.choices)
    employee_number = serializers.CharField()
    contract_start = serializers.DateField(allow_null=True)
    contract_end = serializers.DateField(allow_null=True)
    areas = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    specialisations = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices)
    )
    certificate_level = serializers.ChoiceField(choices=CertificateLevel.choices, allow_blank=True)
    certificate_number = serializers.CharField()
    certificate_issued_on = serializers.DateField(allow_null=True)
    certificate_expires_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()


class WorkerAbsenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    absence_kind = serializers.ChoiceField(source="kind", choices=AbsenceKind.choices)
    absence_kind_label = serializers.CharField(source="get_kind_display")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    note = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True)


class CaseloadOutput(serializers.Serializer):
    cases = serializers.IntegerField(help_text=gettext_lazy("Kasus aktif."))
    weighted = serializers.DecimalField(max_digits=8, decimal_places=2)
    norm_share = serializers.FloatField(
        source="ratio",
        help_text=gettext_lazy("Bagian norma yang terpakai (1,0 = tepat pada norma)."),
    )
    load_flag = serializers.ChoiceField(source="flag", choices=LoadFlag.choices)
    load_flag_label = serializers.CharField(source="flag_label")
    absence_today = WorkerAbsenceOutput(source="absence", allow_null=True)


class WorkerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")
    role = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    profile = WorkerProfileOutput(source="worker_profile", allow_null=True)
    caseload = CaseloadOutput(source="load")


class CourseOutput(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    hours = serializers.IntegerField(help_text=gettext_lazy("Jam pelajaran."))
    provider = serializers.CharField()
    competences = SlugListField("code")
    certificate_valid_months = serializers.IntegerField(allow_null=True)
    is_active = serializers.BooleanField()


class WorkerTrainingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.CharField(source="course.code")
    course_title = serializers.CharField(source="course.title")
    started_on = serializers.DateField()
    finished_on = serializers.DateField(allow_null=True)
    training_result = serializers.ChoiceField(source="result", choices=TrainingResult.choices)
    certificate_number = serializers.CharField()
    certificate_expires_on = serializers.DateField(allow_null=True)


class WorkerDetailOutput(WorkerOutput):
    training = WorkerTrainingOutput(source="training_records", many=True)
    absences = WorkerAbsenceOutput(source="recent_absences", many=True)


class WorkerFilters(serializers.Serializer):
    unit = serializers.CharField(required=False, help_text=gettext_lazy("Kode satker sentra."))
    load_flag = serializers.ChoiceField(choices=LoadFlag.choices, required=False)


def _with_loads(workers) -> list[User]:
    workers = list(workers)
    loads = caseloads(workers)
    for worker in workers:
        worker.load = loads[worker.pk]
    return workers


class WorkerListView(GenericAPIView):
    """The workers the caller may see, each with profile and live caseload against the norm."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]
    pagination_class = Pagination

    @extend_schema(
        operation_id="workforce_workers_list",
        tags=[TAG],
        parameters=[WorkerFilters],
        responses={200: WorkerOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = WorkerFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        workers = workers_visible_to(request.user)
        if filters.validated_data.get("unit"):
            workers = workers.filter(unit__code=filters.validated_data["unit"])
        page = _with_loads(self.paginate_queryset(workers))
        flag = filters.validated_data.get("load_flag")
        if flag:
            page = [w for w in page if w.load.flag == flag]
        return self.get_paginated_response(WorkerOutput(page, many=True).data)


class WorkerDetailView(APIView):
    """One worker: profile, caseload, training and recent leave."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_workers_retrieve",
        tags=[TAG],
        responses={200: WorkerDetailOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(_worker_detail(worker_get(request.user, pk)))


def _worker_detail(worker) -> dict:
    (worker,) = _with_loads([worker])
    worker.training_records = training_of(worker)
    worker.recent_absences = worker.absences.order_by("-starts_on")[:20]
    return WorkerDetailOutput(worker).data


class WorkerProfileInput(StrictInput):
    worker_kind = serializers.ChoiceField(choices=WorkerKind.choices)
    employment = serializers.ChoiceField(choices=Employment.choices)
    employee_number = serializers.CharField(required=False, allow_blank=True, default="")
    contract_start = serializers.DateField(required=False, allow_null=True, default=None)
    contract_end = serializers.DateField(required=False, allow_null=True, default=None)
    areas = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    languages = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    specialisations = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), required=False, default=list
    )
    certificate_level = serializers.ChoiceField(
        choices=CertificateLevel.choices, required=False, allow_blank=True, default=""
    )
    certificate_number = serializers.CharField(required=False, allow_blank=True, default="")
    certificate_issued_on = serializers.DateField(required=False, allow_null=True, default=None)
    certificate_expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Versi profil yang Anda baca; 409 bila sudah diubah orang lain."),
    )


class WorkerProfileView(APIView):
    """Creates or replaces a worker's profile (head of their sentra or an administrator)."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_workers_profile",
        tags=[TAG],
        request=WorkerProfileInput,
        responses={200: WorkerDetailOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def put(self, request, pk: int):
        worker = worker_get(request.user, pk)
        data = WorkerProfileInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["kind"] = values.pop("worker_kind")
        values["expected_version"] = values.pop("version")
        worker_profile_save(actor=request.user, worker=worker, **values)
        return Response(_worker_detail(worker_get(request.user, pk)))


class WorkerAbsenceInput(StrictInput):
    absence_kind = serializers.ChoiceField(choices=AbsenceKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class WorkerAbsencesView(APIView):
    """Records a worker's leave or other absence (supervisor or head of their sentra)."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_workers_absences_create",
        tags=[TAG],
        request=WorkerAbsenceInput,
        responses={201: WorkerAbsenceOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        worker = worker_get(request.user, pk)
        data = WorkerAbsenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        absence = absence_record(
            actor=request.user, worker=worker, kind=values.pop("absence_kind"), **values
        )
        return Response(WorkerAbsenceOutput(absence).data, status=status.HTTP_201_CREATED)


class WorkerTrainingInput(StrictInput):
    course = serializers.SlugRelatedField(
        slug_field="code", queryset=Course.objects.filter(is_active=True)
    )
    started_on = serializers.DateField()
    finished_on = serializers.DateField(required=False, allow_null=True, default=None)
    training_result = serializers.ChoiceField(choices=TrainingResult.choices)
    certificate_number = serializers.CharField(required=False, allow_blank=True, default="")
    certificate_expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class WorkerTrainingView(APIView):
    """Records a worker's participation in a course (supervisor or head of their sentra)."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_workers_training_create",
        tags=[TAG],
        request=WorkerTrainingInput,
        responses={201: WorkerTrainingOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        worker = worker_get(request.user, pk)
        rules_ensure()  # the bundled catalogue, on a fresh database
        data = WorkerTrainingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        record = training_record(
            actor=request.user, worker=worker, result=values.pop("training_result"), **values
        )
        return Response(WorkerTrainingOutput(record).data, status=status.HTTP_201_CREATED)


class ReassignInput(StrictInput):
    to_worker = _username_field(
        gettext_lazy("Penerima semua kasus; kosong: setiap kasus kepada usulan sistem."),
        required=False,
        allow_null=True,
        default=None,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReassignedCaseOutput(serializers.Serializer):
    case = serializers.IntegerField(source="case_id")
    number = serializers.CharField(source="case.number")
    chosen = serializers.CharField(source="chosen.username")
    followed_suggestion = serializers.BooleanField()


class ReassignSkippedOutput(serializers.Serializer):
    case = serializers.IntegerField()
    number = serializers.CharField()
    reason = serializers.CharField()


class ReassignOutput(serializers.Serializer):
    batch = serializers.CharField()
    moved = ReassignedCaseOutput(many=True)
    skipped = ReassignSkippedOutput(many=True)


class WorkerReassignView(APIView):
    """Moves every active case of a worker to one colleague or to each case's suggestion."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_workers_reassign",
        tags=[TAG],
        request=ReassignInput,
        responses={200: ReassignOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        worker = worker_get(request.user, pk)
        data = ReassignInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = cases_reassign(actor=request.user, from_worker=worker, **data.validated_data)
        body = {
            "batch": result.batch,
            "moved": result.decisions,
            "skipped": [
                {"case": c.pk, "number": c.number, "reason": str(reason)}
                for c, reason in result.skipped
            ],
        }
        return Response(ReassignOutput(body).data)


class CourseListView(APIView):
    """The course catalogue (diklat, bimtek) with the competences each builds."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_courses_list",
        tags=[TAG],
        responses={200: CourseOutput(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        rules_ensure()  # the bundled catalogue, on a fresh database
        courses = Course.objects.prefetch_related("competences").order_by("code")
        return Response(CourseOutput(courses, many=True).data)


# --- assignment --------------------------------------------------------------------------------


class SuggestionReasonOutput(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class SuggestionCandidateOutput(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    cases = serializers.IntegerField()
    weighted = serializers.CharField()
    norm_share = serializers.FloatField(source="ratio")
    norm_share_after = serializers.FloatField(
        source="projected",
        help_text=gettext_lazy("Bagian norma terpakai setelah menerima kasus ini."),
    )
    specialist = serializers.BooleanField()
    in_area = serializers.BooleanField()


class AssignmentDecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    previous = serializers.CharField(source="previous.username", allow_null=True)
    suggested = serializers.CharField(source="suggested.username", allow_null=True)
    chosen = serializers.CharField(source="chosen.username")
    chosen_by = serializers.CharField(source="chosen_by.username")
    decided_at = serializers.DateTimeField()
    followed_suggestion = serializers.BooleanField()
    reasons = SuggestionReasonOutput(many=True)
    note = serializers.CharField()


class SuggestionOutput(serializers.Serializer):
    case = serializers.IntegerField()
    suggested = serializers.CharField(allow_null=True, help_text=gettext_lazy("Nama pengguna."))
    reasons = SuggestionReasonOutput(many=True)
    candidates = SuggestionCandidateOutput(many=True)
    on_leave = serializers.ListField(child=serializers.CharField())
    decisions = AssignmentDecisionOutput(
        many=True,
        help_text=gettext_lazy("Keputusan penetapan sebelumnya untuk kasus ini, terbaru dulu."),
    )


class CaseSuggestionView(APIView):
    """The pendamping the system suggests for a case, with its reasons and the ranked candidates."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_cases_suggestion",
        tags=[TAG],
        responses={200: SuggestionOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, case_id: int):
        case = case_get(request.user, case_id)
        suggestion = assignee_suggestion(case)
        body = {
            "case": case.pk,
            "suggested": suggestion.worker.username if suggestion.worker else None,
            "reasons": suggestion.reasons,
            "candidates": suggestion.candidates_record(),
            "on_leave": [w.username for w in suggestion.on_leave],
            "decisions": assignment_decisions(case),
        }
        return Response(SuggestionOutput(body).data)


class CaseAssignmentInput(StrictInput):
    worker = _username_field(gettext_lazy("Nama pengguna pendamping yang dipilih."))
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Versi kasus yang Anda baca; 409 bila sudah diubah orang lain."),
    )


class CaseAssignDecisionView(APIView):
    """Assigns the chosen pendamping, recording the system's suggestion beside the choice."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_cases_assign",
        tags=[TAG],
        request=CaseAssignmentInput,
        responses={201: AssignmentDecisionOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id: int):
        case = case_get(request.user, case_id)
        data = CaseAssignmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        decision = case_assignment_decide(
            actor=request.user,
            case=case,
            worker=data.validated_data["worker"],
            note=data.validated_data["note"],
            expected_version=data.validated_data["version"],
        )
        return Response(AssignmentDecisionOutput(decision).data, status=status.HTTP_201_CREATED)


# --- KPIs --------------------------------------------------------------------------------------


class WorkforcePeriodInput(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text=gettext_lazy("Awal periode (TTTT-BB-HH); bawaan: bulan lalu.")
    )
    date_to = serializers.DateField(
        required=False, help_text=gettext_lazy("Akhir periode, termasuk.")
    )

    def validate(self, data):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"date_to": [_("Tanggal akhir tidak boleh sebelum tanggal awal.")]}
            )
        if start and end and (end - start).days > 3 * 366:
            raise serializers.ValidationError(
                {"date_to": [_("Periode paling panjang tiga tahun.")]}
            )
        return data

    def period(self) -> kpis.Period:
        start, end = self.validated_data.get("date_from"), self.validated_data.get("date_to")
        if not start and not end:
            today = timezone.localdate()
            return kpis.Period.month(today.replace(day=1) - dt.timedelta(days=1))
        start = start or end.replace(day=1)
        return kpis.Period(start, end or timezone.localdate())


class KpiFilters(WorkforcePeriodInput):
    group_by = serializers.MultipleChoiceField(
        choices=[(d, d) for d in kpis.DIMENSIONS],
        required=False,
        help_text=gettext_lazy(
            "Dikelompokkan per worker, unit, target_group, approach (boleh beberapa)."
        ),
    )
    worker = serializers.IntegerField(required=False)
    unit = serializers.IntegerField(required=False, help_text=gettext_lazy("Id unit (sentra)."))
    target_group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)
    approach = serializers.ChoiceField(choices=Approach.choices, required=False)

    def filters(self) -> kpis.Filters:
        data = self.validated_data
        return kpis.Filters(
            worker=data.get("worker"),
            unit=data.get("unit"),
            target_group=data.get("target_group"),
            approach=data.get("approach"),
        )


class KpiDefinitionOutput(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    definition = serializers.CharField()
    measure = serializers.CharField(
        source="unit", help_text=gettext_lazy("count, percent atau ratio.")
    )


class KpiFigureOutput(serializers.Serializer):
    kpi = serializers.CharField(source="kpi.code")
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    excused = serializers.IntegerField(
        help_text=gettext_lazy(
            "Kegagalan yang dimaafkan karena cuti (tidak masuk pembagi pendamping)."
        )
    )
    counts = serializers.DictField(child=serializers.IntegerField())


class KpiRowOutput(serializers.Serializer):
    key = serializers.DictField(child=serializers.CharField(allow_null=True))
    labels = serializers.DictField(child=serializers.CharField(allow_null=True))
    figures = KpiFigureOutput(many=True)


class KpiTableOutput(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    by = serializers.ListField(child=serializers.CharField())
    definitions = KpiDefinitionOutput(many=True)
    rows = KpiRowOutput(many=True)


class KpiTableView(APIView):
    """The KPIs over a period, grouped per worker, sentra, target group and/or approach."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_kpis",
        tags=[TAG],
        parameters=[KpiFilters],
        responses={200: KpiTableOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        params = KpiFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        period = params.period()
        by = tuple(
            d for d in kpis.DIMENSIONS if d in (params.validated_data.get("group_by") or {"worker"})
        )
        rows = kpis.kpi_table(request.user, period, by=by, filters=params.filters())
        body = {
            "date_from": period.start,
            "date_to": period.end,
            "by": list(by),
            "definitions": kpis.KPIS,
            "rows": [
                {
                    "key": {k: None if v is None else str(v) for k, v in row.key.items()},
                    "labels": {k: str(v) for k, v in row.labels.items() if k != "worker_obj"},
                    "figures": list(row.figures.values()),
                }
                for row in rows
            ],
        }
        return Response(KpiTableOutput(body).data)


class DrillFilters(KpiFilters):
    outcome = serializers.CharField(
        required=False,
        help_text=gettext_lazy("Satu hasil, mis. met, missed, overdue, excused, on_time, late."),
    )
    unassigned = serializers.BooleanField(required=False, default=False)


class KpiCaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField(source="person.full_name")
    target_group = serializers.ChoiceField(choices=TargetGroup.choices)
    stage = serializers.ChoiceField(choices=Stage.choices)
    unit = serializers.CharField(source="unit.code")
    pendamping = serializers.CharField(source="pendamping.username", allow_null=True)


class KpiCasesView(GenericAPIView):
    """The cases behind one KPI figure (those the caller may open)."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]
    pagination_class = Pagination

    @extend_schema(
        operation_id="workforce_kpis_cases",
        tags=[TAG],
        parameters=[DrillFilters],
        responses={200: KpiCaseOutput(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request, code: str):
        if code not in kpis.FACTS:
            raise NotFound(_("Indikator tanpa daftar kasus: %s.") % code)
        params = DrillFilters(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.filters()
        if params.validated_data.get("unassigned"):
            filters = kpis.Filters(**{**filters.__dict__, "unassigned": True})
        cases = kpis.kpi_cases(
            request.user,
            code,
            params.period(),
            filters=filters,
            outcome=params.validated_data.get("outcome"),
        )
        page = self.paginate_queryset(
            cases.select_related("person", "unit", "pendamping").order_by("-received_at", "-id")
        )
        return self.get_paginated_response(KpiCaseOutput(page, many=True).data)


class FairnessUnitOutput(serializers.Serializer):
    unit = serializers.IntegerField(source="unit_id")
    unit_name = serializers.CharField()
    value = serializers.FloatField()
    facts = serializers.IntegerField()
    short = serializers.BooleanField(help_text=gettext_lazy("Di bawah kuartil bawah sel ini."))


class FairnessSpreadOutput(serializers.Serializer):
    kpi = serializers.CharField(source="kpi.code")
    target_group = serializers.CharField(allow_null=True)
    approach = serializers.CharField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    p25 = serializers.FloatField(allow_null=True)
    p75 = serializers.FloatField(allow_null=True)
    units = FairnessUnitOutput(source="values", many=True)


class TrainingNeedOutput(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    kpi = serializers.CharField(source="spread.kpi.code")
    target_group = serializers.CharField(source="spread.target_group", allow_null=True)
    approach = serializers.CharField(source="spread.approach", allow_null=True)
    value = serializers.FloatField()
    competences = SlugListField("code")
    courses = SlugListField("code")
    workers = SlugListField("username")


class FairnessOutput(serializers.Serializer):
    date_from = serializers.DateField(source="period.start")
    date_to = serializers.DateField(source="period.end")
    min_facts = serializers.IntegerField()
    spreads = FairnessSpreadOutput(many=True)
    needs = TrainingNeedOutput(many=True)


class FairnessView(APIView):
    """The spread of each KPI across sentra, like with like, and the training needs it shows."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_fairness",
        tags=[TAG],
        parameters=[WorkforcePeriodInput],
        responses={200: FairnessOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        params = WorkforcePeriodInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = fairness(request.user, params.period())
        if result is None:
            raise NotFound(_("Sebaran antarsentra untuk supervisor, kepala sentra dan direktorat."))
        return Response(FairnessOutput(result).data)


# --- monthly reports ---------------------------------------------------------------------------


class MonthlyReportEventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True)
    action = serializers.CharField()
    report_status = serializers.ChoiceField(source="status_to", choices=ReportStatus.choices)
    comment = serializers.CharField()


class MonthlyReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    worker = serializers.CharField(source="worker.username")
    unit = serializers.CharField(source="unit.code")
    month = serializers.DateField()
    report_status = serializers.ChoiceField(source="status", choices=ReportStatus.choices)
    due_on = serializers.DateField()
    due_after_leave = serializers.DateField()
    timeliness = serializers.CharField(
        help_text=gettext_lazy("on_time, late, pending (belum jatuh tempo) atau overdue.")
    )
    first_submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_comment = serializers.CharField()
    narrative = serializers.CharField()
    figures = serializers.JSONField(
        help_text=gettext_lazy("Kegiatan tercatat: totals, cases (per kasus), working_days, …")
    )
    figures_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    events = MonthlyReportEventOutput(many=True)


def _report_body(report) -> dict:
    due = due_dates([report])[report.pk]
    report.due_after_leave = due
    report.timeliness = timeliness(report.first_submitted_at, due, timezone.localdate())
    return MonthlyReportOutput(report).data


class MonthlyReportFilters(serializers.Serializer):
    report_status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)
    month = serializers.DateField(
        required=False, help_text=gettext_lazy("Tanggal 1 bulan laporan.")
    )


class MonthlyReportOpenInput(StrictInput):
    month = serializers.DateField(help_text=gettext_lazy("Hari mana pun dalam bulan laporan."))


class ReportListView(GenericAPIView):
    """The monthly reports the caller may see; a pendamping opens their report of a month."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]
    pagination_class = Pagination

    @extend_schema(
        operation_id="workforce_reports_list",
        tags=[TAG],
        parameters=[MonthlyReportFilters],
        responses={200: MonthlyReportOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = MonthlyReportFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        reports = reports_visible_to(request.user).prefetch_related("events__actor")
        if filters.validated_data.get("report_status"):
            reports = reports.filter(status=filters.validated_data["report_status"])
        if filters.validated_data.get("month"):
            reports = reports.filter(month=filters.validated_data["month"].replace(day=1))
        page = self.paginate_queryset(reports.order_by("-month", "worker__username"))
        dues = due_dates(page)
        today = timezone.localdate()
        for report in page:
            report.due_after_leave = dues[report.pk]
            report.timeliness = timeliness(report.first_submitted_at, dues[report.pk], today)
        return self.get_paginated_response(MonthlyReportOutput(page, many=True).data)

    @extend_schema(
        operation_id="workforce_reports_open",
        tags=[TAG],
        request=MonthlyReportOpenInput,
        responses={201: MonthlyReportOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = MonthlyReportOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_open(actor=request.user, month=data.validated_data["month"])
        return Response(
            _report_body(report_get(request.user, report.pk)), status=status.HTTP_201_CREATED
        )


class ReportNarrativeInput(StrictInput):
    narrative = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(
        help_text=gettext_lazy("Versi laporan yang Anda baca; 409 bila sudah diubah.")
    )


class ReportDetailView(APIView):
    """One monthly report: figures, narrative, status, lateness and history."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_reports_retrieve",
        tags=[TAG],
        responses={200: MonthlyReportOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(_report_body(report_get(request.user, pk)))

    @extend_schema(
        operation_id="workforce_reports_narrative",
        tags=[TAG],
        request=ReportNarrativeInput,
        responses={200: MonthlyReportOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        report = report_get(request.user, pk)
        data = ReportNarrativeInput(data=request.data)
        data.is_valid(raise_exception=True)
        report_narrative_save(
            actor=request.user,
            report=report,
            narrative=data.validated_data["narrative"],
            expected_version=data.validated_data["version"],
        )
        return Response(_report_body(report_get(request.user, pk)))


class ReportVersionInput(StrictInput):
    version = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReportRefreshView(APIView):
    """Recomputes a draft or returned report's figures from the case records."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_reports_refresh",
        tags=[TAG],
        request=None,
        responses={200: MonthlyReportOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        report_refresh(actor=request.user, report=report_get(request.user, pk))
        return Response(_report_body(report_get(request.user, pk)))


class ReportSubmitView(APIView):
    """Submits the report to the supervisor (after its month; the figures are then frozen)."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_reports_submit",
        tags=[TAG],
        request=ReportVersionInput,
        responses={200: MonthlyReportOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        data = ReportVersionInput(data=request.data)
        data.is_valid(raise_exception=True)
        report_submit(
            actor=request.user,
            report=report_get(request.user, pk),
            expected_version=data.validated_data["version"],
        )
        return Response(_report_body(report_get(request.user, pk)))


class ReportDecisionInput(StrictInput):
    report_decision = serializers.ChoiceField(
        choices=[("approve", gettext_lazy("Setujui")), ("return", gettext_lazy("Kembalikan"))]
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Wajib saat mengembalikan: apa yang harus diperbaiki."),
    )


class ReportDecideView(APIView):
    """Approves a submitted report or returns it with a comment (supervisor or head)."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_reports_decide",
        tags=[TAG],
        request=ReportDecisionInput,
        responses={200: MonthlyReportOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        data = ReportDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        report_decide(
            actor=request.user,
            report=report_get(request.user, pk),
            approve=data.validated_data["report_decision"] == "approve",
            comment=data.validated_data["comment"],
        )
        return Response(_report_body(report_get(request.user, pk)))


class ReportExportInput(StrictInput):
    report_file_format = serializers.ChoiceField(choices=[("pdf", "PDF"), ("xlsx", "Excel")])


class ReportExportView(APIView):
    """The report as PDF or Excel; the export is audited."""

    permission_classes = [IsAuthenticated, CanReadWorkforce]

    @extend_schema(
        operation_id="workforce_reports_export",
        tags=[TAG],
        request=ReportExportInput,
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, XLSX): OpenApiTypes.BINARY,
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request, pk: int):
        data = ReportExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = report_get(request.user, pk)
        name = f"laporan-{report.worker.username}-{report.month:%Y-%m}"
        if data.validated_data["report_file_format"] == "pdf":
            response = HttpResponse(
                report_pdf(actor=request.user, report=report), content_type="application/pdf"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
            return response
        response = HttpResponse(
            report_xlsx(actor=request.user, report=report),
            content_type=XLSX,
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
