"""Duplicate review over the API, /api/v1/dedup/: runs, pairs, decisions, merges, live check.

Each endpoint parses its input with its own serializer and calls the same selector or service as
the pages. A pair or merge whose two persons the caller cannot both see is 404, never 403.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from atensi.accounts.access import can_read_duplicates, can_write_registry
from atensi.common.api import Pagination, StrictInput
from atensi.common.api_views import error_responses
from atensi.common.audit import audit_record
from atensi.common.errors import NotFound
from atensi.organisation.models import Unit
from atensi.registry.models import Sex

from .labels import explained_fields
from .live import likely_existing
from .models import PairStatus, Verdict
from .selectors import (
    merge_get,
    merges_visible_to,
    pair_get,
    review_queue,
    run_get,
    runs_visible_to,
)
from .services import dedup_run, pair_decide, person_merge, person_unmerge


class CanReadDuplicates(BasePermission):
    message = gettext_lazy("Peran Anda tidak mempunyai akses ke tinjauan duplikat.")

    def has_permission(self, request, view) -> bool:
        return can_read_duplicates(request.user)


# --- runs ----------------------------------------------------------------------------------


class RunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    started_by = serializers.CharField(source="started_by.username")
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    purpose = serializers.CharField()
    unit = serializers.CharField(source="unit.code", allow_null=True)
    # Plain strings: a "status" enum per app would collide in the schema's component names.
    status = serializers.CharField(help_text=gettext_lazy("running | done | failed"))
    records = serializers.IntegerField()
    candidate_pairs = serializers.IntegerField()
    pairs_found = serializers.IntegerField(help_text=gettext_lazy("Pasangan baru atau diperbarui."))
    pairs_decided = serializers.IntegerField(
        help_text=gettext_lazy("Pasangan yang sudah diputuskan dan dibiarkan.")
    )
    threshold = serializers.FloatField(allow_null=True)
    timings = serializers.DictField(child=serializers.FloatField())
    message = serializers.CharField()


class RunInput(StrictInput):
    purpose = serializers.CharField(
        max_length=250, help_text=gettext_lazy("Tujuan pencocokan (dicatat, UU PDP Pasal 31).")
    )
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Kode satker; kosong: semua orang yang boleh Anda lihat."),
    )
    threshold = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0.0,
        max_value=1.0,
        help_text=gettext_lazy("Peluang terendah yang disimpan; default ambang model (≤ 0,5)."),
    )


class RunListView(GenericAPIView):
    """Runs in the caller's scope, and starting one (it runs to the end before answering)."""

    permission_classes = [IsAuthenticated, CanReadDuplicates]
    pagination_class = Pagination

    @extend_schema(
        operation_id="dedup_runs_list",
        tags=["dedup"],
        responses={200: RunOutput(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        page = self.paginate_queryset(runs_visible_to(request.user))
        return self.get_paginated_response(RunOutput(page, many=True).data)

    @extend_schema(
        operation_id="dedup_runs_create",
        tags=["dedup"],
        request=RunInput,
        responses={201: RunOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = RunInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = dedup_run(actor=request.user, **data.validated_data)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RunDetailView(APIView):
    permission_classes = [IsAuthenticated, CanReadDuplicates]

    @extend_schema(
        operation_id="dedup_runs_retrieve",
        tags=["dedup"],
        responses={200: RunOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(RunOutput(run_get(request.user, pk)).data)


# --- pairs ---------------------------------------------------------------------------------


class DedupPersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    registry_id = serializers.CharField()
    full_name = serializers.CharField()
    nik = serializers.CharField(allow_null=True)
    no_kk = serializers.CharField()
    sex = serializers.CharField()
    birth_place = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    address = serializers.CharField()
    village = serializers.CharField(source="village_id", allow_null=True)
    phone = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")


class FieldExplanationOutput(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    level = serializers.CharField(help_text=gettext_lazy("Kode tingkat kecocokan yang stabil."))
    level_label = serializers.CharField()
    weight = serializers.FloatField(
        help_text=gettext_lazy("Bobot log2 kolom ini (termasuk penyesuaian frekuensi nilai).")
    )
    agrees = serializers.BooleanField()


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reason = serializers.CharField()
    decided_by = serializers.CharField(source="decided_by.username")
    decided_at = serializers.DateTimeField()
    probability = serializers.FloatField()


class PairListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    probability = serializers.FloatField()
    impact = serializers.IntegerField(help_text=gettext_lazy("Kasus aktif kedua orang."))
    status = serializers.CharField(
        help_text=gettext_lazy("open | same | different | unsure | merged")
    )
    run = serializers.IntegerField(source="run_id")
    person_a = DedupPersonOutput()
    person_b = DedupPersonOutput()


class PairOutput(PairListOutput):
    match_weight = serializers.FloatField()
    prior_weight = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField(
        help_text=gettext_lazy("Per kolom: hasil perbandingan dan bobotnya, yang terkuat dulu.")
    )
    decisions = DecisionOutput(many=True, source="decisions.all")

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_prior_weight(self, pair):
        return (pair.explanation or {}).get("prior_weight")

    @extend_schema_field(FieldExplanationOutput(many=True))
    def get_explanation(self, pair):
        rows = explained_fields(pair.explanation or {})
        return FieldExplanationOutput(rows, many=True).data


class PairFilters(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PairStatus.choices, required=False, default=PairStatus.OPEN
    )
    order = serializers.ChoiceField(
        choices=[("score", "score"), ("impact", "impact")],
        required=False,
        default="score",
        help_text=gettext_lazy(
            "score: peluang tertinggi dulu; impact: kasus aktif terbanyak dulu."
        ),
    )


class PairListView(GenericAPIView):
    """The review queue: pairs whose two persons the caller may both see."""

    permission_classes = [IsAuthenticated, CanReadDuplicates]
    pagination_class = Pagination

    @extend_schema(
        operation_id="dedup_pairs_list",
        tags=["dedup"],
        parameters=[PairFilters],
        responses={200: PairListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = PairFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        pairs = review_queue(request.user, **filters.validated_data)
        page = self.paginate_queryset(pairs)
        return self.get_paginated_response(PairListOutput(page, many=True).data)


class PairDetailView(APIView):
    """One pair with both records and the score explained; reading it is audited."""

    permission_classes = [IsAuthenticated, CanReadDuplicates]

    @extend_schema(
        operation_id="dedup_pairs_retrieve",
        tags=["dedup"],
        responses={200: PairOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        pair = pair_get(request.user, pk)
        audit_record(actor=request.user, action="view", obj=pair)
        return Response(PairOutput(pair).data)


class DecisionInput(StrictInput):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reason = serializers.CharField(max_length=2000)


class PairDecisionsView(APIView):
    permission_classes = [IsAuthenticated, CanReadDuplicates]

    @extend_schema(
        operation_id="dedup_pairs_decide",
        tags=["dedup"],
        request=DecisionInput,
        responses={201: DecisionOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        pair = pair_get(request.user, pk)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        decision = pair_decide(actor=request.user, pair=pair, **data.validated_data)
        return Response(DecisionOutput(decision).data, status=status.HTTP_201_CREATED)


# --- merges --------------------------------------------------------------------------------


class MergeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    survivor = DedupPersonOutput()
    merged = DedupPersonOutput()
    pair = serializers.IntegerField(source="pair_id", allow_null=True)
    reason = serializers.CharField()
    merged_by = serializers.CharField(source="merged_by.username")
    merged_at = serializers.DateTimeField()
    rows = serializers.SerializerMethodField()
    undone_at = serializers.DateTimeField(allow_null=True)
    undone_by = serializers.CharField(source="undone_by.username", allow_null=True)
    undo_reason = serializers.CharField()

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_rows(self, merge) -> dict[str, int]:
        counts: dict[str, int] = {}
        for link in merge.snapshot.get("links", []):
            counts[link["model"]] = counts.get(link["model"], 0) + len(link["pks"])
        return counts


class MergeInput(StrictInput):
    survivor = serializers.IntegerField(
        help_text=gettext_lazy("Id orang yang dipertahankan (salah satu dari pasangan).")
    )
    reason = serializers.CharField(max_length=2000)


class PairMergeView(APIView):
    """Merges the pair (decided "same") into the person chosen; undoable."""

    permission_classes = [IsAuthenticated, CanReadDuplicates]

    @extend_schema(
        operation_id="dedup_pairs_merge",
        tags=["dedup"],
        request=MergeInput,
        responses={201: MergeOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        pair = pair_get(request.user, pk)
        data = MergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = data.validated_data["survivor"]
        persons = {pair.person_a_id: pair.person_a, pair.person_b_id: pair.person_b}
        if chosen not in persons:
            raise NotFound(gettext_lazy("Orang itu bukan bagian dari pasangan ini."))
        other = pair.person_b if chosen == pair.person_a_id else pair.person_a
        merge = person_merge(
            actor=request.user,
            survivor=persons[chosen],
            merged=other,
            reason=data.validated_data["reason"],
            pair=pair,
        )
        return Response(MergeOutput(merge).data, status=status.HTTP_201_CREATED)


class MergeListView(GenericAPIView):
    permission_classes = [IsAuthenticated, CanReadDuplicates]
    pagination_class = Pagination

    @extend_schema(
        operation_id="dedup_merges_list",
        tags=["dedup"],
        responses={200: MergeOutput(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        page = self.paginate_queryset(merges_visible_to(request.user))
        return self.get_paginated_response(MergeOutput(page, many=True).data)


class MergeDetailView(APIView):
    permission_classes = [IsAuthenticated, CanReadDuplicates]

    @extend_schema(
        operation_id="dedup_merges_retrieve",
        tags=["dedup"],
        responses={200: MergeOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(MergeOutput(merge_get(request.user, pk)).data)


class UnmergeInput(StrictInput):
    reason = serializers.CharField(max_length=2000)


class MergeUndoView(APIView):
    """Undoes a merge: every row it re-pointed points to the merged person again."""

    permission_classes = [IsAuthenticated, CanReadDuplicates]

    @extend_schema(
        operation_id="dedup_merges_unmerge",
        tags=["dedup"],
        request=UnmergeInput,
        responses={200: MergeOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        merge = merge_get(request.user, pk)
        data = UnmergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        merge = person_unmerge(actor=request.user, merge=merge, **data.validated_data)
        return Response(MergeOutput(merge_get(request.user, merge.pk)).data)


# --- live check ----------------------------------------------------------------------------


class CheckInput(StrictInput):
    nik = serializers.CharField(required=False, allow_blank=True, max_length=40)
    no_kk = serializers.CharField(required=False, allow_blank=True, max_length=40)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_place = serializers.CharField(required=False, allow_blank=True, max_length=100)
    address = serializers.CharField(required=False, allow_blank=True, max_length=250)
    village = serializers.CharField(required=False, allow_blank=True, max_length=13)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class CheckMatchOutput(serializers.Serializer):
    person = DedupPersonOutput()
    probability = serializers.FloatField(allow_null=True)
    same_nik = serializers.BooleanField()
    agreeing = FieldExplanationOutput(many=True)


class CanRegister(BasePermission):
    message = gettext_lazy("Peran Anda tidak boleh mendaftarkan orang.")

    def has_permission(self, request, view) -> bool:
        return can_write_registry(request.user)


class CheckView(APIView):
    """Persons already registered (visible to the caller) that a new record may be."""

    permission_classes = [IsAuthenticated, CanRegister]

    @extend_schema(
        operation_id="dedup_check",
        tags=["dedup"],
        request=CheckInput,
        responses={200: CheckMatchOutput(many=True), **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = CheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        found = likely_existing(request.user, data.validated_data)
        return Response(CheckMatchOutput(found, many=True).data)
