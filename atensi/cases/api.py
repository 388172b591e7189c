"""Case management over the API: /api/v1/cases/ and the assessment forms clients render.

Each endpoint parses its input with its own serializer, calls the same service or selector as
the pages, and answers with its own output serializer. Cases outside the caller's scope are 404,
never 403, so the API does not reveal that a case exists. Endpoints that change the case itself
take the `version` the client read and answer 409 when someone changed the case meanwhile.
"""

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from atensi.accounts.access import can_read_cases
from atensi.accounts.models import User
from atensi.common.api import Pagination, StrictInput
from atensi.common.api_views import error_responses
from atensi.common.errors import ApplicationError, NotFound
from atensi.organisation.models import TargetGroup, Unit
from atensi.registry.selectors import persons_visible_to

from . import workflow
from .choices import (
    Approach,
    AttachmentKind,
    MeasurementPhase,
    Milestone,
    NoteKind,
    OutcomeRating,
    PlanStatus,
    ReferralSource,
    ServiceComponent,
    Stage,
    TerminationReason,
    Urgency,
)
from .exports import case_file_pdf, case_list_xlsx
from .models import Case, FormDefinition, Plan
from .selectors import (
    Status,
    TargetTable,
    case_get,
    case_response_times,
    case_timeline,
    cases_filter,
    cases_visible_to,
    consent_withdrawal,
    occupancy_all,
    outcome_change,
    processing_stopped,
    queue_aftercare_due,
    queue_my_cases,
    queue_overdue,
    queue_waiting_approval,
    transfers_visible_to,
)
from .services import (
    aftercare_record,
    aftercare_schedule,
    assessment_record,
    attachment_add,
    attachment_open,
    case_assign,
    case_contact_record,
    case_open,
    case_penetapan,
    case_read,
    case_reopen,
    case_terminate,
    case_transfer,
    case_transition,
    note_add,
    outcome_record,
    plan_decide,
    plan_save,
    plan_submit,
    processing_stop_error,
    referral_out_record,
    service_record,
    stay_admit,
    stay_discharge,
)


class CanReadCases(BasePermission):
    message = gettext_lazy("Peran Anda tidak boleh melihat kasus.")

    def has_permission(self, request, view) -> bool:
        return can_read_cases(request.user)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant that must name its zone: a referral time is never guessed."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        text = str(value).strip()
        if not (text.endswith(("Z", "z")) or "+" in text[10:] or "-" in text[10:]):
            raise serializers.ValidationError(
                _("Sertakan zona waktu, mis. 2026-01-31T08:00:00+07:00.")
            )
        return parsed


class WholeNumberField(serializers.IntegerField):
    """A whole number as a JSON integer or digits; 2.5, 2.0 and "2,00" are refused (Rupiah)."""

    default_error_messages = {"invalid": gettext_lazy("Harus bilangan bulat (tanpa desimal).")}

    def to_internal_value(self, data):
        # DRF's IntegerField quietly accepts 2.0 and "2.00"; money in whole Rupiah must not.
        if isinstance(data, bool | float):
            self.fail("invalid")
        if isinstance(data, str) and not data.strip().lstrip("-").isdigit():
            self.fail("invalid")
        return super().to_internal_value(data)


def _staff_field(help_text):
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=help_text,
    )


def _version_field():
    return serializers.IntegerField(
        min_value=1,
        help_text=gettext_lazy(
            "Versi kasus yang Anda baca (dari GET); bila kasus sudah diubah orang lain, jawabnya 409."
        ),
    )


@extend_schema_field(OpenApiTypes.INT)
class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    """A person id, looked up only among the persons the caller may see."""

    def get_queryset(self):
        return persons_visible_to(self.context["request"].user)


# --- cases --------------------------------------------------------------------------------


class PersonBriefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    registry_id = serializers.CharField()
    full_name = serializers.CharField()


class CaseListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    person = PersonBriefOutput()
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_label = serializers.CharField(source="get_stage_display")
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    urgency_label = serializers.CharField(source="get_urgency_display")
    target_group = serializers.ChoiceField(choices=TargetGroup.choices)
    target_group_label = serializers.CharField(source="get_target_group_display")
    approach = serializers.ChoiceField(choices=Approach.choices)
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    pendamping = serializers.CharField(source="pendamping.username", allow_null=True)
    pendamping_name = serializers.CharField(source="pendamping", allow_null=True)
    supervisor = serializers.CharField(source="supervisor.username", allow_null=True)
    received_at = serializers.DateTimeField()
    first_contact_at = serializers.DateTimeField(allow_null=True)
    is_beneficiary = serializers.BooleanField()
    processing_stopped = serializers.BooleanField(
        source="stopped",
        help_text=gettext_lazy(
            "Persetujuan ditarik tanpa dasar lain: pemrosesan lanjutan dihentikan (UU 27/2022)."
        ),
    )
    overdue = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Kode tonggak (seperti response_times.milestone) yang lewat batas dan belum tercapai."
        )
    )
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_overdue(self, case) -> list[str]:
        times = case_response_times(
            case, now=self.context.get("now"), targets=self.context.get("targets")
        )
        return [t.milestone for t in times if t.status == Status.OVERDUE]


class PenetapanOutput(serializers.Serializer):
    sk_number = serializers.CharField()
    sk_date = serializers.DateField(allow_null=True)
    is_beneficiary = serializers.BooleanField()


class MilestonesOutput(serializers.Serializer):
    received_at = serializers.DateTimeField()
    first_contact_at = serializers.DateTimeField(allow_null=True)
    assessed_at = serializers.DateTimeField(allow_null=True)
    plan_approved_at = serializers.DateTimeField(allow_null=True)
    terminated_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class TerminationOutput(serializers.Serializer):
    reason = serializers.ChoiceField(
        source="termination_reason", choices=TerminationReason.choices, allow_blank=True
    )
    reason_label = serializers.CharField(source="get_termination_reason_display")
    outcome_rating = serializers.ChoiceField(choices=OutcomeRating.choices, allow_blank=True)
    note = serializers.CharField(source="termination_note")


# Each enum below lists exactly the values that can occur there (drf-spectacular also needs one
# choice set per field name across the schema to name its enums without a warning).
NEXT_STAGES = [(value, label) for value, label in Stage.choices if value != Stage.INTAKE]
TRANSITION_TARGETS = [
    (value, label) for value, label in Stage.choices if value in {m.target for m in workflow.MOVES}
]
NOTE_KINDS = [(value, label) for value, label in NoteKind.choices if value != NoteKind.CONTACT]


class MoveOutput(serializers.Serializer):
    """One of workflow.moves_for's steps."""

    action = serializers.ChoiceField(
        source="kind",
        choices=["transition", "terminate", "reopen"],
        help_text=gettext_lazy(
            "Endpoint yang dipanggil: transition/ (dengan target), terminate/ atau reopen/."
        ),
    )
    target = serializers.ChoiceField(choices=NEXT_STAGES)
    target_label = serializers.CharField()
    label = serializers.CharField()
    blockers = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Yang masih harus dilakukan; kosong berarti siap."),
    )
    ready = serializers.BooleanField()


class ResponseTimeOutput(serializers.Serializer):
    milestone = serializers.ChoiceField(choices=Milestone.choices)
    label = serializers.CharField()
    target_hours = serializers.IntegerField(
        allow_null=True, help_text=gettext_lazy("Batas waktu sejak rujukan diterima, dalam jam.")
    )
    due_at = serializers.DateTimeField(allow_null=True)
    reached_at = serializers.DateTimeField(allow_null=True)
    hours = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Jam dari rujukan diterima sampai tercapai.")
    )
    status = serializers.ChoiceField(
        choices=list(Status.LABELS),
        help_text=gettext_lazy(
            "met: tepat waktu; missed: terlambat; pending: berjalan; overdue: lewat batas; "
            "skipped: tidak dilalui; no_target: tanpa target."
        ),
    )
    status_label = serializers.CharField()


class ProcessingStopOutput(serializers.Serializer):
    withdrawn_at = serializers.DateTimeField()
    message = serializers.CharField()


class CaseOutput(CaseListOutput):
    supervisor_name = serializers.CharField(source="supervisor", allow_null=True)
    source_label = serializers.CharField(source="get_source_display")
    approach_label = serializers.CharField(source="get_approach_display")
    referrer_name = serializers.CharField()
    referrer_institution = serializers.CharField()
    referrer_contact = serializers.CharField()
    referral_note = serializers.CharField()
    penetapan = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()
    termination = serializers.SerializerMethodField()
    reopened_count = serializers.IntegerField()
    moves = serializers.SerializerMethodField(
        help_text=gettext_lazy("Langkah berikutnya yang boleh Anda ambil, dengan penghalangnya.")
    )
    response_times = serializers.SerializerMethodField(
        help_text=gettext_lazy("Waktu respons per tonggak terhadap targetnya (menurut urgensi).")
    )
    processing_stop = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Terisi bila persetujuan ditarik tanpa dasar lain: pemrosesan lanjutan dihentikan."
        )
    )
    version = serializers.IntegerField(
        help_text=gettext_lazy("Kirim kembali pada setiap perubahan; berubah setiap kali disimpan.")
    )
    created_at = serializers.DateTimeField()

    @extend_schema_field(PenetapanOutput)
    def get_penetapan(self, case) -> dict:
        return PenetapanOutput(case).data

    @extend_schema_field(MilestonesOutput)
    def get_milestones(self, case) -> dict:
        return MilestonesOutput(case).data

    @extend_schema_field(TerminationOutput(allow_null=True))
    def get_termination(self, case) -> dict | None:
        return TerminationOutput(case).data if case.termination_reason else None

    @extend_schema_field(MoveOutput(many=True))
    def get_moves(self, case) -> list[dict]:
        stop = self.get_processing_stop(case)
        moves = workflow.moves_for(
            self.context["request"].user, case, stop_message=stop["message"] if stop else ""
        )
        return MoveOutput(moves, many=True).data

    @extend_schema_field(ResponseTimeOutput(many=True))
    def get_response_times(self, case) -> list[dict]:
        return ResponseTimeOutput(case_response_times(case), many=True).data

    @extend_schema_field(ProcessingStopOutput(allow_null=True))
    def get_processing_stop(self, case) -> dict | None:
        withdrawn = self.context["withdrawn"]
        if withdrawn is None:
            return None
        return {
            "withdrawn_at": withdrawn.withdrawn_at,
            "message": processing_stop_error(withdrawn).message,
        }


class CaseListFilters(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    target_group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    unit = serializers.CharField(required=False, help_text=gettext_lazy("Kode satker sentra."))
    pendamping = serializers.CharField(
        required=False, help_text=gettext_lazy("Nama pengguna pendamping.")
    )
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("true: hanya kasus dengan tonggak lewat batas; false: tanpa."),
    )
    q = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "Cari: nomor kasus (KS-…), NIK persis, atau nama orang (tahan salah ketik)."
        ),
    )


def _cases_filter(cases, filters: dict, user):
    return cases_filter(
        cases,
        user,
        stage=filters.get("stage", ""),
        target_group=filters.get("target_group", ""),
        urgency=filters.get("urgency", ""),
        unit_code=filters.get("unit", ""),
        pendamping_username=filters.get("pendamping", ""),
        overdue=filters.get("overdue"),
        q=filters.get("q", ""),
    )


class CaseCreateInput(StrictInput):
    person = ScopedPersonField(help_text=gettext_lazy("Id orang di registri."))
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    received_at = AwareDateTimeField(
        help_text=gettext_lazy("Waktu rujukan diterima, ISO 8601 dengan zona waktu.")
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    target_group = serializers.ChoiceField(choices=TargetGroup.choices)
    approach = serializers.ChoiceField(choices=Approach.choices)
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=gettext_lazy(
            "Kode satker sentra; default unit Anda (hanya administrator boleh unit lain)."
        ),
    )
    pendamping = _staff_field(
        gettext_lazy(
            "Nama pengguna pendamping; pendamping yang membuka kasus menanganinya sendiri."
        )
    )
    supervisor = _staff_field(gettext_lazy("Nama pengguna supervisor atau kepala sentra."))
    referrer_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    referrer_institution = serializers.CharField(required=False, allow_blank=True, max_length=150)
    referrer_contact = serializers.CharField(required=False, allow_blank=True, max_length=100)
    referral_note = serializers.CharField(required=False, allow_blank=True)


class CaseListView(GenericAPIView):
    """Cases visible to the caller (paginated, filterable), and opening a new case."""

    permission_classes = [IsAuthenticated, CanReadCases]
    pagination_class = Pagination

    @extend_schema(
        operation_id="cases_list",
        tags=["cases"],
        parameters=[CaseListFilters],
        responses={200: CaseListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = CaseListFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        cases = _cases_filter(cases_visible_to(request.user), filters.validated_data, request.user)
        page = self.paginate_queryset(
            cases.select_related("person", "unit", "pendamping", "supervisor")
            .annotate(stopped=processing_stopped())
            .order_by("-received_at", "-id")
        )
        # The response-time targets are read once for the whole page.
        context = {"targets": TargetTable(), "now": timezone.now()}
        return self.get_paginated_response(CaseListOutput(page, many=True, context=context).data)

    @extend_schema(
        operation_id="cases_create",
        tags=["cases"],
        request=CaseCreateInput,
        responses={201: CaseOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = CaseCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = case_open(actor=request.user, **data.validated_data)
        return _case_response(request, case_get(request.user, case.pk), status.HTTP_201_CREATED)


def _case_response(request, case: Case, code: int = status.HTTP_200_OK) -> Response:
    # After a change the case is read back through the selector, so the answer shows what the
    # caller may see and do now.
    withdrawn = consent_withdrawal(case.person_id)
    case.stopped = withdrawn is not None
    context = {"request": request, "withdrawn": withdrawn}
    return Response(CaseOutput(case, context=context).data, status=code)


class CaseDetailView(APIView):
    """One case: its stage, milestones, penetapan, and the next steps open to the caller."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_retrieve",
        tags=["cases"],
        responses={200: CaseOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return _case_response(request, case_read(actor=request.user, pk=pk))


class TransitionInput(StrictInput):
    target = serializers.ChoiceField(
        choices=TRANSITION_TARGETS,
        help_text=gettext_lazy(
            "Tahap tujuan. Terminasi lewat terminate/, membuka kembali lewat reopen/."
        ),
    )
    version = _version_field()
    note = serializers.CharField(required=False, allow_blank=True, max_length=250)


class AssignInput(StrictInput):
    pendamping = _staff_field(gettext_lazy("Nama pengguna pendamping baru."))
    supervisor = _staff_field(gettext_lazy("Nama pengguna supervisor baru."))
    version = _version_field()


class ContactInput(StrictInput):
    happened_at = AwareDateTimeField(
        help_text=gettext_lazy("Waktu kontak/kunjungan, ISO 8601 dengan zona waktu.")
    )
    text = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Hasil kontak."))
    version = _version_field()


class PenetapanInput(StrictInput):
    sk_number = serializers.CharField(allow_blank=True, max_length=80)
    sk_date = serializers.DateField()
    version = _version_field()


class TerminateInput(StrictInput):
    reason = serializers.ChoiceField(choices=TerminationReason.choices)
    outcome_rating = serializers.ChoiceField(choices=OutcomeRating.choices)
    note = serializers.CharField(required=False, allow_blank=True)
    version = _version_field()


class ReopenInput(StrictInput):
    reason = serializers.CharField(allow_blank=True, max_length=250)
    version = _version_field()


_CASE_CHANGE_RESPONSES = {200: CaseOutput, **error_responses(400, 401, 403, 404, 409)}


class CaseTransitionView(APIView):
    """Moves the case to another stage when the move is allowed and nothing blocks it."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_transition",
        tags=["cases"],
        request=TransitionInput,
        responses=_CASE_CHANGE_RESPONSES,
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        case_transition(
            actor=request.user,
            case=case,
            target=data.validated_data["target"],
            note=data.validated_data.get("note", ""),
            expected_version=data.validated_data["version"],
        )
        return _case_response(request, case_get(request.user, case.pk))


class CaseAssignView(APIView):
    """Assigns the case's pendamping and/or supervisor (supervisors and heads of the sentra)."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_assign",
        tags=["cases"],
        request=AssignInput,
        responses=_CASE_CHANGE_RESPONSES,
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        case_assign(
            actor=request.user,
            case=case,
            pendamping=data.validated_data.get("pendamping"),
            supervisor=data.validated_data.get("supervisor"),
            expected_version=data.validated_data["version"],
        )
        return _case_response(request, case_get(request.user, case.pk))


class CaseContactView(APIView):
    """Records a contact or home visit; the first one sets the first-contact time."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_contact",
        tags=["cases"],
        request=ContactInput,
        responses=_CASE_CHANGE_RESPONSES,
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = ContactInput(data=request.data)
        data.is_valid(raise_exception=True)
        case_contact_record(
            actor=request.user,
            case=case,
            happened_at=data.validated_data["happened_at"],
            text=data.validated_data["text"],
            expected_version=data.validated_data["version"],
        )
        return _case_response(request, case_get(request.user, case.pk))


class CasePenetapanView(APIView):
    """Records the decree (SK penetapan) that makes the person a beneficiary (PM)."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_penetapan",
        tags=["cases"],
        request=PenetapanInput,
        responses=_CASE_CHANGE_RESPONSES,
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = PenetapanInput(data=request.data)
        data.is_valid(raise_exception=True)
        case_penetapan(
            actor=request.user,
            case=case,
            sk_number=data.validated_data["sk_number"],
            sk_date=data.validated_data["sk_date"],
            expected_version=data.validated_data["version"],
        )
        return _case_response(request, case_get(request.user, case.pk))


class CaseTerminateView(APIView):
    """Ends the intervention with a reason and an outcome rating (terminasi)."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_terminate",
        tags=["cases"],
        request=TerminateInput,
        responses=_CASE_CHANGE_RESPONSES,
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = TerminateInput(data=request.data)
        data.is_valid(raise_exception=True)
        case_terminate(
            actor=request.user,
            case=case,
            reason=data.validated_data["reason"],
            outcome_rating=data.validated_data["outcome_rating"],
            note=data.validated_data.get("note", ""),
            expected_version=data.validated_data["version"],
        )
        return _case_response(request, case_get(request.user, case.pk))


class CaseReopenView(APIView):
    """Reopens a closed case for a new assessment, keeping its whole history."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_reopen",
        tags=["cases"],
        request=ReopenInput,
        responses=_CASE_CHANGE_RESPONSES,
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        case_reopen(
            actor=request.user,
            case=case,
            reason=data.validated_data["reason"],
            expected_version=data.validated_data["version"],
        )
        return _case_response(request, case_get(request.user, case.pk))


# --- assessment forms and assessments -------------------------------------------------------


class FormDefinitionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=FormDefinition.Kind.choices)
    code = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    target_groups = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy(
            "Kode klaster (seperti target_group) yang memakai formulir ini; kosong berarti semua."
        ),
    )
    definition = serializers.DictField(
        help_text=gettext_lazy(
            "Bagian dan pertanyaan: {sections: [{code, title, questions: [{code, label, type, "
            "options, required, min, max}]}], scoring}."
        )
    )
    source = serializers.CharField()


class FormDefinitionFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FormDefinition.Kind.choices, required=False)
    target_group = serializers.ChoiceField(
        choices=TargetGroup.choices,
        required=False,
        help_text=gettext_lazy("Hanya formulir yang berlaku untuk klaster ini."),
    )


class CaseFormListView(APIView):
    """The assessment forms and outcome scales in use, with their definitions, for clients to render."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="case_forms_list",
        tags=["cases"],
        parameters=[FormDefinitionFilters],
        responses={200: FormDefinitionOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = FormDefinitionFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        forms = FormDefinition.objects.filter(is_active=True)
        if wanted.get("kind"):
            forms = forms.filter(kind=wanted["kind"])
        if wanted.get("target_group"):
            # A JSON list has no portable "contains" across SQLite and PostgreSQL; the table is small.
            forms = [
                form
                for form in forms
                if not form.target_groups or wanted["target_group"] in form.target_groups
            ]
        return Response(FormDefinitionOutput(forms, many=True).data)


class AssessmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    form_code = serializers.CharField(source="form.code")
    form_version = serializers.IntegerField(source="form.version")
    form_title = serializers.CharField(source="form.title")
    answers = serializers.DictField()
    scores = serializers.DictField(
        help_text=gettext_lazy("{total, sections: {kode: skor}, band}; kosong bila tanpa skor.")
    )
    summary = serializers.CharField()
    assessor = serializers.CharField(source="assessor.username", allow_null=True)
    completed_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("Kosong: masih draf.")
    )
    created_at = serializers.DateTimeField()


class AssessmentInput(StrictInput):
    form_code = serializers.CharField(max_length=40)
    form_version = serializers.IntegerField(min_value=1)
    answers = serializers.DictField(help_text=gettext_lazy("Jawaban per kode pertanyaan formulir."))
    summary = serializers.CharField(required=False, allow_blank=True)
    complete = serializers.BooleanField(
        required=False,
        default=True,
        help_text=gettext_lazy("false: simpan sebagai draf (belum semua wajib diisi)."),
    )
    version = _version_field()


class CaseAssessmentsView(APIView):
    """A case's assessments on their pinned form versions, and recording a new one."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_assessments_list",
        tags=["cases"],
        responses={200: AssessmentOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        assessments = case.assessments.select_related("form", "assessor")
        return Response(AssessmentOutput(assessments, many=True).data)

    @extend_schema(
        operation_id="cases_assessments_create",
        tags=["cases"],
        request=AssessmentInput,
        responses={201: AssessmentOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = AssessmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        form = FormDefinition.objects.filter(
            code=values["form_code"], version=values["form_version"]
        ).first()
        if form is None:
            raise ApplicationError(
                _("Formulir tidak ditemukan."),
                details={"form_code": [_("Periksa kode dan versi formulir.")]},
            )
        assessment = assessment_record(
            actor=request.user,
            case=case,
            form=form,
            answers=values["answers"],
            summary=values.get("summary", ""),
            complete=values["complete"],
            expected_version=values["version"],
        )
        return Response(AssessmentOutput(assessment).data, status=status.HTTP_201_CREATED)


# --- intervention plans -----------------------------------------------------------------------


class GoalOutput(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    met = serializers.BooleanField()


class PlannedServiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    component = serializers.ChoiceField(choices=ServiceComponent.choices)
    component_label = serializers.CharField(source="get_component_display")
    description = serializers.CharField()
    frequency = serializers.CharField()
    responsible = serializers.CharField(source="responsible.username", allow_null=True)
    target_date = serializers.DateField()


class PlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text=gettext_lazy("Revisi ke-."))
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    goals = GoalOutput(many=True)
    services = PlannedServiceOutput(many=True)
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_comment = serializers.CharField()


class GoalInput(StrictInput):
    text = serializers.CharField(allow_blank=True, max_length=500)


class PlannedServiceInput(StrictInput):
    component = serializers.ChoiceField(choices=ServiceComponent.choices)
    description = serializers.CharField(max_length=250)
    frequency = serializers.CharField(max_length=80)
    responsible = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text=gettext_lazy("Nama pengguna penanggung jawab."),
    )
    target_date = serializers.DateField()


class PlanInput(StrictInput):
    goals = GoalInput(many=True)
    services = PlannedServiceInput(many=True)
    version = _version_field()


class PlanDecideInput(StrictInput):
    approve = serializers.BooleanField()
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Wajib saat mengembalikan: apa yang harus diperbaiki."),
    )


def _plans_of(case: Case):
    return case.plans.select_related("created_by", "decided_by").prefetch_related(
        "services__responsible"
    )


def _plan_of(case: Case, plan_id: int) -> Plan:
    plan = case.plans.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(_("Rencana intervensi tidak ditemukan."))
    plan.case = case
    return plan


def _plan_response(case: Case, plan_id: int, code: int = status.HTTP_200_OK) -> Response:
    return Response(PlanOutput(_plans_of(case).get(pk=plan_id)).data, status=code)


class CasePlansView(APIView):
    """A case's intervention plan revisions, newest first, and writing a new draft revision."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_plans_list",
        tags=["cases"],
        responses={200: PlanOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        return Response(PlanOutput(_plans_of(case), many=True).data)

    @extend_schema(
        operation_id="cases_plans_create",
        tags=["cases"],
        request=PlanInput,
        responses={201: PlanOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_save(
            actor=request.user,
            case=case,
            goals=data.validated_data["goals"],
            services=data.validated_data["services"],
            expected_version=data.validated_data["version"],
        )
        return _plan_response(case, plan.pk, status.HTTP_201_CREATED)


class CasePlanSubmitView(APIView):
    """Sends a draft (or returned) plan to the supervisor or head for approval."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_plans_submit",
        tags=["cases"],
        request=None,
        responses={200: PlanOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int, plan_id: int):
        case = case_get(request.user, pk)
        plan_submit(actor=request.user, plan=_plan_of(case, plan_id))
        return _plan_response(case, plan_id)


class CasePlanDecideView(APIView):
    """Approves a submitted plan, or returns it with a comment (supervisor or head)."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_plans_decide",
        tags=["cases"],
        request=PlanDecideInput,
        responses={200: PlanOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int, plan_id: int):
        case = case_get(request.user, pk)
        plan = _plan_of(case, plan_id)
        data = PlanDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan_decide(
            actor=request.user,
            plan=plan,
            approve=data.validated_data["approve"],
            comment=data.validated_data.get("comment", ""),
        )
        return _plan_response(case, plan_id)


# --- service deliveries -----------------------------------------------------------------------


class ServiceDeliveryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    delivered_on = serializers.DateField()
    component = serializers.ChoiceField(choices=ServiceComponent.choices)
    component_label = serializers.CharField(source="get_component_display")
    description = serializers.CharField()
    provider = serializers.CharField(source="provider.username", allow_null=True)
    provider_name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_cost = serializers.IntegerField(help_text=gettext_lazy("Rupiah, bilangan bulat."))
    total_cost = serializers.IntegerField(help_text=gettext_lazy("jumlah × harga satuan."))
    ro_code = serializers.CharField()
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True)
    recorded_at = serializers.DateTimeField()


class ServiceDeliveryInput(StrictInput):
    delivered_on = serializers.DateField()
    component = serializers.ChoiceField(choices=ServiceComponent.choices)
    description = serializers.CharField(max_length=250)
    quantity = WholeNumberField(required=False, default=1, min_value=1)
    unit_cost = WholeNumberField(
        required=False,
        default=0,
        min_value=0,
        help_text=gettext_lazy("Harga satuan dalam Rupiah, bilangan bulat tanpa desimal."),
    )
    ro_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text=gettext_lazy("Kode RO anggaran yang dibebani; perlu penetapan PM."),
    )
    provider = _staff_field(gettext_lazy("Nama pengguna pemberi layanan; default Anda."))
    provider_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=gettext_lazy("Pemberi layanan dari luar (lembaga/orang)."),
    )


class CaseServicesView(GenericAPIView):
    """Services actually given in a case, newest first, and recording one."""

    permission_classes = [IsAuthenticated, CanReadCases]
    pagination_class = Pagination

    @extend_schema(
        operation_id="cases_services_list",
        tags=["cases"],
        responses={200: ServiceDeliveryOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        page = self.paginate_queryset(
            case.services.select_related("provider", "recorded_by").order_by("-delivered_on", "-id")
        )
        return self.get_paginated_response(ServiceDeliveryOutput(page, many=True).data)

    @extend_schema(
        operation_id="cases_services_create",
        tags=["cases"],
        request=ServiceDeliveryInput,
        responses={201: ServiceDeliveryOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        # Out of scope is 404 before any input error. service_record reads the case row under
        # a lock and answers 404 itself, so the happy path (the busiest write of the system)
        # asks for the case only once; only invalid input needs its own scope check first.
        data = ServiceDeliveryInput(data=request.data)
        if not data.is_valid():
            if not cases_visible_to(request.user).filter(pk=pk).exists():
                raise NotFound(_("Kasus tidak ditemukan."))
            raise serializers.ValidationError(data.errors)
        service = service_record(actor=request.user, case=Case(pk=pk), **data.validated_data)
        return Response(ServiceDeliveryOutput(service).data, status=status.HTTP_201_CREATED)


# --- notes and timeline ------------------------------------------------------------------------


class NoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    text = serializers.CharField()
    happened_at = serializers.DateTimeField()
    goal_progress = serializers.DictField(
        help_text=gettext_lazy('Kemajuan per kode tujuan rencana, mis. {"T1": "..."}.')
    )
    author = serializers.CharField(source="author.username", allow_null=True)
    author_name = serializers.CharField(source="author", allow_null=True)
    created_at = serializers.DateTimeField()


class NoteInput(StrictInput):
    kind = serializers.ChoiceField(
        choices=NOTE_KINDS, help_text=gettext_lazy("Kontak dicatat lewat contact/, bukan di sini.")
    )
    text = serializers.CharField(allow_blank=True)
    happened_at = AwareDateTimeField(
        required=False, help_text=gettext_lazy("Waktu kejadian; default sekarang.")
    )
    goal_progress = serializers.DictField(required=False)


class CaseNotesView(GenericAPIView):
    """A case's notes (contacts, monitoring, conferences), newest first, and adding one."""

    permission_classes = [IsAuthenticated, CanReadCases]
    pagination_class = Pagination

    @extend_schema(
        operation_id="cases_notes_list",
        tags=["cases"],
        responses={200: NoteOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        page = self.paginate_queryset(
            case.notes.select_related("author").order_by("-happened_at", "-id")
        )
        return self.get_paginated_response(NoteOutput(page, many=True).data)

    @extend_schema(
        operation_id="cases_notes_create",
        tags=["cases"],
        request=NoteInput,
        responses={201: NoteOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        note = note_add(actor=request.user, case=case, **data.validated_data)
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField(
        help_text=gettext_lazy("opened, stage, contact, assessment, plan, service, note, …")
    )
    actor = serializers.CharField(source="actor.username", allow_null=True)
    actor_name = serializers.CharField(source="actor", allow_null=True)
    stage_from = serializers.CharField()
    stage_to = serializers.CharField()
    summary = serializers.CharField()
    data = serializers.DictField()


class CaseTimelineView(GenericAPIView):
    """Everything that happened to a case, oldest first."""

    permission_classes = [IsAuthenticated, CanReadCases]
    pagination_class = Pagination

    @extend_schema(
        operation_id="cases_timeline",
        tags=["cases"],
        responses={200: EventOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        page = self.paginate_queryset(case_timeline(case))
        return self.get_paginated_response(EventOutput(page, many=True).data)


# --- hand-overs: transfers to another sentra and referrals out -------------------------------


class TransferOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    from_unit = serializers.CharField(source="from_unit.code")
    from_unit_name = serializers.CharField(source="from_unit.name")
    to_unit = serializers.CharField(source="to_unit.code")
    to_unit_name = serializers.CharField(source="to_unit.name")
    reason = serializers.CharField()
    consent = serializers.IntegerField(source="consent_id", allow_null=True)
    override_reason = serializers.CharField(
        help_text=gettext_lazy("Alasan kepala sentra melanjutkan tanpa persetujuan.")
    )
    transferred_at = serializers.DateTimeField()
    transferred_by = serializers.CharField(source="transferred_by.username", allow_null=True)


class HandoverBasisInput(StrictInput):
    consent = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Id persetujuan orang ini (atau orang tua/walinya) yang berlaku."),
    )
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Tanpa persetujuan: alasan kepala sentra (hanya kepala sentra)."),
    )


class TransferInput(HandoverBasisInput):
    to_unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        help_text=gettext_lazy("Kode satker sentra tujuan."),
    )
    reason = serializers.CharField(allow_blank=True)
    version = _version_field()


def _consent_of(case: Case, consent_id: int | None):
    """Returns the person's consent named by the client (None when none was named)."""
    if consent_id is None:
        return None
    consent = case.person.consents.filter(pk=consent_id).first()
    if consent is None:
        raise ApplicationError(
            _("Persetujuan tidak ditemukan pada data orang ini."),
            details={"consent": [_("Pilih persetujuan lain atau catat persetujuan baru.")]},
        )
    return consent


class CaseTransfersView(APIView):
    """A case's hand-overs between sentra, and handing it over to another sentra."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_transfers_list",
        tags=["cases"],
        responses={200: TransferOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        transfers = case.transfers.select_related(
            "case", "from_unit", "to_unit", "transferred_by"
        ).order_by("-transferred_at", "-id")
        return Response(TransferOutput(transfers, many=True).data)

    @extend_schema(
        operation_id="cases_transfers_create",
        tags=["cases"],
        request=TransferInput,
        responses={201: TransferOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = TransferInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # The case leaves the caller's sentra: the answer is the hand-over record, which both
        # heads keep seeing (GET /api/v1/cases/transfers/).
        transfer = case_transfer(
            actor=request.user,
            case=case,
            to_unit=values["to_unit"],
            reason=values["reason"],
            consent=_consent_of(case, values.get("consent")),
            override_reason=values.get("override_reason", ""),
            expected_version=values["version"],
        )
        return Response(TransferOutput(transfer).data, status=status.HTTP_201_CREATED)


class TransferListView(GenericAPIView):
    """Hand-overs the caller may see: heads and supervisors see those into and out of their sentra."""

    permission_classes = [IsAuthenticated, CanReadCases]
    pagination_class = Pagination

    @extend_schema(
        operation_id="cases_transfers_all",
        tags=["cases"],
        responses={200: TransferOutput(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        page = self.paginate_queryset(transfers_visible_to(request.user))
        return self.get_paginated_response(TransferOutput(page, many=True).data)


class ReferralOutput(serializers.Serializer):
    id = serializers.IntegerField()
    institution = serializers.CharField()
    contact = serializers.CharField()
    reason = serializers.CharField()
    referred_at = serializers.DateTimeField()
    referred_by = serializers.CharField(source="referred_by.username", allow_null=True)
    consent = serializers.IntegerField(source="consent_id", allow_null=True)
    override_reason = serializers.CharField()


class ReferralInput(HandoverBasisInput):
    institution = serializers.CharField(allow_blank=True, max_length=200)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=150)
    reason = serializers.CharField(allow_blank=True)
    referred_at = AwareDateTimeField(
        help_text=gettext_lazy("Waktu rujukan, ISO 8601 dengan zona waktu.")
    )


class CaseReferralsView(APIView):
    """Referrals out to other institutions (monitoring or termination stage)."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_referrals_list",
        tags=["cases"],
        responses={200: ReferralOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        referrals = case.referrals_out.select_related("referred_by").order_by("-referred_at")
        return Response(ReferralOutput(referrals, many=True).data)

    @extend_schema(
        operation_id="cases_referrals_create",
        tags=["cases"],
        request=ReferralInput,
        responses={201: ReferralOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = ReferralInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        referral = referral_out_record(
            actor=request.user,
            case=case,
            institution=values["institution"],
            contact=values.get("contact", ""),
            reason=values["reason"],
            referred_at=values["referred_at"],
            consent=_consent_of(case, values.get("consent")),
            override_reason=values.get("override_reason", ""),
        )
        return Response(ReferralOutput(referral).data, status=status.HTTP_201_CREATED)


# --- residential stays -------------------------------------------------------------------------


class StayOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    admitted_at = serializers.DateTimeField()
    discharged_at = serializers.DateTimeField(allow_null=True)
    over_capacity_reason = serializers.CharField()
    admitted_by = serializers.CharField(source="admitted_by.username", allow_null=True)


class StayAdmitInput(StrictInput):
    admitted_at = AwareDateTimeField(help_text=gettext_lazy("Waktu masuk, dengan zona waktu."))
    over_capacity_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Bila sentra penuh: alasan kepala sentra menerima."),
    )


class StayDischargeInput(StrictInput):
    discharged_at = AwareDateTimeField(help_text=gettext_lazy("Waktu keluar, dengan zona waktu."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=250)


def _stays_of(case: Case):
    return case.stays.select_related("unit", "admitted_by").order_by("-admitted_at", "-id")


class CaseStaysView(APIView):
    """Residential stays of a case, and admitting the person to the sentra (bed capacity holds)."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_stays_list",
        tags=["cases"],
        responses={200: StayOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        return Response(StayOutput(_stays_of(case), many=True).data)

    @extend_schema(
        operation_id="cases_stays_admit",
        tags=["cases"],
        request=StayAdmitInput,
        responses={201: StayOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = StayAdmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        stay = stay_admit(actor=request.user, case=case, **data.validated_data)
        return Response(
            StayOutput(_stays_of(case).get(pk=stay.pk)).data, status=status.HTTP_201_CREATED
        )


class CaseStayDischargeView(APIView):
    """Discharges the person from residential care, freeing the bed."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_stays_discharge",
        tags=["cases"],
        request=StayDischargeInput,
        responses={200: StayOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int, stay_id: int):
        case = case_get(request.user, pk)
        stay = case.stays.filter(pk=stay_id).first()
        if stay is None:
            raise NotFound(_("Masa tinggal tidak ditemukan."))
        stay.case = case
        data = StayDischargeInput(data=request.data)
        data.is_valid(raise_exception=True)
        stay_discharge(actor=request.user, stay=stay, **data.validated_data)
        return Response(StayOutput(_stays_of(case).get(pk=stay_id)).data)


class OccupancyOutput(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    capacity = serializers.IntegerField(help_text=gettext_lazy("Tempat tidur residensial."))
    occupied = serializers.IntegerField()
    free = serializers.IntegerField()
    over_capacity = serializers.BooleanField()


class OccupancyView(APIView):
    """Residential occupancy of every active sentra against its bed capacity (no personal data)."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_occupancy",
        tags=["cases"],
        responses={200: OccupancyOutput(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        return Response(OccupancyOutput(occupancy_all(), many=True).data)


# --- aftercare ---------------------------------------------------------------------------------


class AftercareVisitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    scheduled_for = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    notes = serializers.CharField()
    visited_by = serializers.CharField(source="visited_by.username", allow_null=True)


class AftercareScheduleInput(StrictInput):
    scheduled_for = serializers.DateField()


class AftercareRecordInput(StrictInput):
    done_at = AwareDateTimeField(help_text=gettext_lazy("Waktu kunjungan, dengan zona waktu."))
    notes = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Hasil kunjungan."))


def _visits_of(case: Case):
    return case.aftercare_visits.select_related("visited_by").order_by("scheduled_for", "id")


class CaseAftercareView(APIView):
    """Aftercare (bimbingan lanjut) visits of a case, and scheduling one."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_aftercare_list",
        tags=["cases"],
        responses={200: AftercareVisitOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        return Response(AftercareVisitOutput(_visits_of(case), many=True).data)

    @extend_schema(
        operation_id="cases_aftercare_schedule",
        tags=["cases"],
        request=AftercareScheduleInput,
        responses={201: AftercareVisitOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = AftercareScheduleInput(data=request.data)
        data.is_valid(raise_exception=True)
        visit = aftercare_schedule(actor=request.user, case=case, **data.validated_data)
        return Response(AftercareVisitOutput(visit).data, status=status.HTTP_201_CREATED)


class CaseAftercareRecordView(APIView):
    """Records that a scheduled aftercare visit took place."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_aftercare_record",
        tags=["cases"],
        request=AftercareRecordInput,
        responses={200: AftercareVisitOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int, visit_id: int):
        case = case_get(request.user, pk)
        visit = case.aftercare_visits.filter(pk=visit_id).first()
        if visit is None:
            raise NotFound(_("Kunjungan bimbingan lanjut tidak ditemukan."))
        visit.case = case
        data = AftercareRecordInput(data=request.data)
        data.is_valid(raise_exception=True)
        aftercare_record(actor=request.user, visit=visit, **data.validated_data)
        return Response(AftercareVisitOutput(_visits_of(case).get(pk=visit_id)).data)


# --- outcome measures --------------------------------------------------------------------------


class MeasurementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    scale_code = serializers.CharField(source="scale.code")
    scale_version = serializers.IntegerField(source="scale.version")
    scale_title = serializers.CharField(source="scale.title")
    phase = serializers.ChoiceField(choices=MeasurementPhase.choices)
    phase_label = serializers.CharField(source="get_phase_display")
    taken_on = serializers.DateField()
    answers = serializers.DictField()
    score = serializers.IntegerField()
    taken_by = serializers.CharField(source="taken_by.username", allow_null=True)


class OutcomeChangeOutput(serializers.Serializer):
    scale_code = serializers.CharField(source="scale.code")
    scale_version = serializers.IntegerField(source="scale.version")
    scale_title = serializers.CharField(source="scale.title")
    baseline_score = serializers.IntegerField(source="baseline.score", allow_null=True)
    latest_score = serializers.IntegerField(source="latest.score", allow_null=True)
    change = serializers.IntegerField(allow_null=True)
    direction = serializers.ChoiceField(
        choices=["improved", "same", "worsened"],
        allow_null=True,
        help_text=gettext_lazy("Menurut arah skala; kosong bila belum ada awal dan tindak lanjut."),
    )


class OutcomesOutput(serializers.Serializer):
    measurements = MeasurementOutput(many=True)
    changes = OutcomeChangeOutput(
        many=True,
        help_text=gettext_lazy("Per skala: skor awal (asesmen) dibanding skor terakhir."),
    )


class OutcomeInput(StrictInput):
    scale_code = serializers.CharField(max_length=40)
    scale_version = serializers.IntegerField(min_value=1)
    phase = serializers.ChoiceField(choices=MeasurementPhase.choices)
    taken_on = serializers.DateField()
    answers = serializers.DictField(help_text=gettext_lazy("Jawaban per kode pertanyaan skala."))


class CaseOutcomesView(APIView):
    """Outcome measures of a case with the change per scale, and recording one."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_outcomes_list",
        tags=["cases"],
        responses={200: OutcomesOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        measurements = case.measurements.select_related("scale", "taken_by").order_by(
            "taken_on", "id"
        )
        payload = {"measurements": measurements, "changes": outcome_change(case)}
        return Response(OutcomesOutput(payload).data)

    @extend_schema(
        operation_id="cases_outcomes_create",
        tags=["cases"],
        request=OutcomeInput,
        responses={201: MeasurementOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = OutcomeInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        scale = FormDefinition.objects.filter(
            code=values["scale_code"], version=values["scale_version"]
        ).first()
        if scale is None:
            raise ApplicationError(
                _("Skala tidak ditemukan."),
                details={"scale_code": [_("Periksa kode dan versi skala.")]},
            )
        measurement = outcome_record(
            actor=request.user,
            case=case,
            scale=scale,
            phase=values["phase"],
            taken_on=values["taken_on"],
            answers=values["answers"],
        )
        return Response(MeasurementOutput(measurement).data, status=status.HTTP_201_CREATED)


# --- attachments -------------------------------------------------------------------------------


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    # A plain string here: the schema documents the choices once, on the upload's `kind`.
    kind = serializers.CharField(
        help_text=gettext_lazy("Kode jenis lampiran, seperti saat unggah.")
    )
    kind_label = serializers.CharField(source="get_kind_display")
    description = serializers.CharField()
    service = serializers.IntegerField(source="service_id", allow_null=True)
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text=gettext_lazy("Bita."))
    sha256 = serializers.CharField(help_text=gettext_lazy("Bukti bahwa berkas tidak berubah."))
    uploaded_by = serializers.CharField(source="uploaded_by.username", allow_null=True)
    uploaded_at = serializers.DateTimeField()
    download = serializers.SerializerMethodField(
        help_text=gettext_lazy("Alamat unduh (dengan pemeriksaan akses; tercatat di audit).")
    )

    def get_download(self, attachment) -> str:
        return reverse(
            "api-case-attachment", kwargs={"pk": attachment.case_id, "attachment_id": attachment.pk}
        )


class AttachmentInput(StrictInput):
    file = serializers.FileField(
        help_text=gettext_lazy("PDF, JPG, PNG, WEBP atau HEIC; paling besar 10 MB.")
    )
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    service = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Id layanan yang dibuktikan (untuk kuitansi)."),
    )


class CaseAttachmentsView(APIView):
    """A case's attachments (receipts, photos, signed forms), and uploading one (multipart)."""

    permission_classes = [IsAuthenticated, CanReadCases]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="cases_attachments_list",
        tags=["cases"],
        responses={200: AttachmentOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        case = case_read(actor=request.user, pk=pk)
        attachments = case.attachments.select_related("uploaded_by").order_by("-uploaded_at")
        return Response(AttachmentOutput(attachments, many=True).data)

    @extend_schema(
        operation_id="cases_attachments_create",
        tags=["cases"],
        request={"multipart/form-data": AttachmentInput},
        responses={201: AttachmentOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        case = case_get(request.user, pk)
        data = AttachmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        service = None
        if values.get("service") is not None:
            service = case.services.filter(pk=values["service"]).first()
            if service is None:
                raise ApplicationError(
                    _("Layanan yang dipilih bukan milik kasus ini."),
                    details={"service": [_("Pilih layanan lain.")]},
                )
        attachment = attachment_add(
            actor=request.user,
            case=case,
            file=values["file"],
            kind=values["kind"],
            description=values.get("description", ""),
            service=service,
        )
        return Response(AttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


class CaseAttachmentView(APIView):
    """Downloads one attachment to a user who may see its case; the download is audited."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_attachments_download",
        tags=["cases"],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **error_responses(401, 403, 404),
        },
    )
    def get(self, request, pk: int, attachment_id: int):
        case = case_get(request.user, pk)
        if not case.attachments.filter(pk=attachment_id).exists():
            raise NotFound(_("Lampiran tidak ditemukan."))
        attachment = attachment_open(actor=request.user, pk=attachment_id)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


# --- work queues -------------------------------------------------------------------------------


class QueueFilters(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False,
        default=20,
        min_value=1,
        max_value=100,
        help_text=gettext_lazy("Baris per antrean (paling banyak 100); count memberi jumlahnya."),
    )


class OverdueCaseOutput(CaseListOutput):
    overdue_milestone = serializers.CharField(
        help_text=gettext_lazy(
            "Kode tonggak paling awal yang lewat batas (seperti response_times.milestone)."
        )
    )
    due_at = serializers.DateTimeField()


class WaitingPlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    person_name = serializers.CharField(source="case.person.full_name")
    pendamping = serializers.CharField(source="case.pendamping.username", allow_null=True)
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    submitted_at = serializers.DateTimeField()


class DueVisitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    case_number = serializers.CharField(source="case.number")
    person_name = serializers.CharField(source="case.person.full_name")
    pendamping = serializers.CharField(source="case.pendamping.username", allow_null=True)
    scheduled_for = serializers.DateField()


class MyCasesQueue(serializers.Serializer):
    count = serializers.IntegerField()
    results = CaseListOutput(many=True)


class OverdueQueue(serializers.Serializer):
    count = serializers.IntegerField()
    results = OverdueCaseOutput(many=True)


class ApprovalQueue(serializers.Serializer):
    count = serializers.IntegerField()
    results = WaitingPlanOutput(many=True)


class AftercareQueue(serializers.Serializer):
    count = serializers.IntegerField()
    results = DueVisitOutput(many=True)


class QueuesOutput(serializers.Serializer):
    my_cases = MyCasesQueue(help_text=gettext_lazy("Kasus aktif yang Anda tangani/supervisi."))
    overdue = OverdueQueue(help_text=gettext_lazy("Tonggak lewat batas, paling mendesak dulu."))
    waiting_approval = ApprovalQueue(
        allow_null=True,
        help_text=gettext_lazy("Rencana menunggu persetujuan; kosong bila Anda bukan pemberi."),
    )
    aftercare_due = AftercareQueue(
        help_text=gettext_lazy("Kunjungan bimbingan lanjut yang jatuh tempo dalam 7 hari.")
    )


def _queue(rows, limit: int) -> dict:
    page = list(rows[:limit])
    return {"count": rows.count() if len(page) == limit else len(page), "results": page}


class WorkQueuesView(APIView):
    """The caller's work queues: my cases, overdue steps, plans awaiting approval, aftercare due."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_queues",
        tags=["cases"],
        parameters=[QueueFilters],
        responses={200: QueuesOutput, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = QueueFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        limit, user, now = filters.validated_data["limit"], request.user, timezone.now()
        stopped = processing_stopped()
        queues = {
            "my_cases": _queue(
                queue_my_cases(user).annotate(stopped=stopped).order_by("-received_at", "-id"),
                limit,
            ),
            "overdue": _queue(
                queue_overdue(user, now=now).select_related("supervisor").annotate(stopped=stopped),
                limit,
            ),
            "waiting_approval": (
                _queue(queue_waiting_approval(user), limit)
                if user.role in workflow.CASE_LEADS
                else None
            ),
            "aftercare_due": _queue(queue_aftercare_due(user), limit),
        }
        context = {"targets": TargetTable(), "now": now}
        return Response(QueuesOutput(queues, context=context).data)


# --- exports -----------------------------------------------------------------------------------


class CaseFileFilters(serializers.Serializer):
    purpose = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=gettext_lazy("Keperluan, mis. konferensi kasus; dicetak dan dicatat di audit."),
    )


class CaseFileView(APIView):
    """The case file as a PDF, for a case conference or a court; the export is audited."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_file_pdf",
        tags=["cases"],
        parameters=[CaseFileFilters],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request, pk: int):
        case = case_get(request.user, pk)  # the export itself is audited
        filters = CaseFileFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        content = case_file_pdf(
            actor=request.user, case=case, purpose=filters.validated_data.get("purpose", "")
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{case.number}.pdf"'
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CaseListExportView(APIView):
    """The filtered case list as an Excel workbook, within the caller's scope; audited."""

    permission_classes = [IsAuthenticated, CanReadCases]

    @extend_schema(
        operation_id="cases_export_xlsx",
        tags=["cases"],
        parameters=[CaseListFilters],
        responses={(200, XLSX): OpenApiTypes.BINARY, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = CaseListFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = {k: v for k, v in filters.validated_data.items() if v not in (None, "")}
        cases = _cases_filter(cases_visible_to(request.user), wanted, request.user)
        content = case_list_xlsx(
            actor=request.user,
            cases=cases,
            description="; ".join(f"{name}={value}" for name, value in sorted(wanted.items())),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="kasus-{stamp}.xlsx"'
        return response
