"""The registry over the API: persons, their family and consents, and the NIK check.

Each endpoint parses its input with its own serializer, calls the same service or selector as
the pages, and answers with its own output serializer. Persons outside the caller's scope are
404, never 403, so the API does not reveal that a record exists.
"""

from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from atensi.accounts.access import can_read_registry
from atensi.common.api import Pagination, StrictInput
from atensi.common.api_views import error_responses
from atensi.common.errors import NotFound
from atensi.lib.nik import check_nik, clean_nik
from atensi.organisation.models import TargetGroup, Unit
from atensi.organisation.selectors import region_code_exists

from .models import (
    ConsentBasis,
    ConsentGiver,
    ConsentMethod,
    DisabilityType,
    NoNikReason,
    Person,
    Relationship,
    Sex,
)
from .selectors import (
    merged_into_of,
    person_get,
    person_search,
    persons_listed,
    persons_visible_to,
)
from .services import (
    consent_record,
    consent_withdraw,
    family_member_add,
    family_member_remove,
    person_create,
    person_delete,
    person_open,
    person_update,
)
from .validation import NIK_MESSAGES

# A search answers with its best matches, ranked; more than this means the query is too vague.
SEARCH_LIMIT = 200


class CanReadRegistry(BasePermission):
    message = gettext_lazy("Peran Anda tidak boleh melihat data orang.")

    def has_permission(self, request, view) -> bool:
        return can_read_registry(request.user)


# --- persons -------------------------------------------------------------------------------


class NikWarningOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


def nik_warning_items(codes: list[str]) -> list[dict[str, str]]:
    return [{"code": code, "message": str(NIK_MESSAGES.get(code, code))} for code in codes]


class PersonListFilters(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "Cari: NIK, No. KK atau nomor registri persis, atau nama (tahan salah ketik dan "
            "ejaan lama). Hasil diurutkan menurut kecocokan, paling banyak 200."
        ),
    )
    nik = serializers.CharField(required=False, help_text=gettext_lazy("NIK persis."))
    target_group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    unit = serializers.CharField(required=False, help_text=gettext_lazy("Kode satker pendaftar."))
    has_nik_warnings = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("true: hanya yang punya peringatan NIK; false: hanya yang tidak."),
    )
    no_nik = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("true: hanya yang tanpa NIK; false: hanya yang ber-NIK."),
    )
    include_merged = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy(
            "true: tampilkan juga data yang sudah digabung ke orang lain (ditandai merged_into)."
        ),
    )
    ordering = serializers.ChoiceField(
        choices=["-created_at", "created_at", "full_name", "-full_name", "registry_id"],
        required=False,
        default="-created_at",
        help_text=gettext_lazy("Urutan (tanpa q); default terbaru dulu."),
    )


def _persons_filter(persons: QuerySet[Person], filters: dict) -> QuerySet[Person]:
    if filters.get("nik"):
        persons = persons.filter(nik=clean_nik(filters["nik"]))
    if filters.get("target_group"):
        persons = persons.filter(target_group=filters["target_group"])
    if filters.get("sex"):
        persons = persons.filter(sex=filters["sex"])
    if filters.get("unit"):
        persons = persons.filter(unit__code=filters["unit"])
    if filters.get("has_nik_warnings") is True:
        persons = persons.exclude(nik_warnings=[])
    elif filters.get("has_nik_warnings") is False:
        persons = persons.filter(nik_warnings=[])
    if filters.get("no_nik") is not None:
        persons = persons.filter(nik__isnull=filters["no_nik"])
    return persons


class PersonListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    registry_id = serializers.CharField()
    nik = serializers.CharField(allow_null=True)
    no_nik_reason = serializers.ChoiceField(choices=NoNikReason.choices, allow_blank=True)
    full_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = serializers.DateField(allow_null=True)
    target_group = serializers.ChoiceField(choices=TargetGroup.choices)
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    nik_warnings = serializers.SerializerMethodField()
    version = serializers.IntegerField()
    merged_into = serializers.SerializerMethodField(
        help_text=gettext_lazy("Id orang tempat data ini digabung, atau null bila tidak digabung.")
    )

    @extend_schema_field(NikWarningOutput(many=True))
    def get_nik_warnings(self, person) -> list[dict[str, str]]:
        return nik_warning_items(person.nik_warnings)

    def get_merged_into(self, person) -> int | None:
        return merged_into_of(person)


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    registry_id = serializers.CharField()
    nik = serializers.CharField(allow_null=True)
    no_nik_reason = serializers.ChoiceField(choices=NoNikReason.choices, allow_blank=True)
    no_kk = serializers.CharField()
    full_name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    sex = serializers.ChoiceField(choices=Sex.choices)
    sex_label = serializers.CharField(source="get_sex_display")
    birth_place = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    birth_date_estimated = serializers.BooleanField()
    address = serializers.CharField()
    village = serializers.CharField(source="village_id", allow_null=True)
    village_name = serializers.CharField(source="village.name", allow_null=True)
    phone = serializers.CharField()
    target_group = serializers.ChoiceField(choices=TargetGroup.choices)
    target_group_label = serializers.CharField(source="get_target_group_display")
    disability_types = serializers.ListField(
        child=serializers.ChoiceField(choices=DisabilityType.choices)
    )
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    registered_by = serializers.CharField(source="registered_by.username", allow_null=True)
    nik_warnings = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        help_text=gettext_lazy("Kirim kembali saat PATCH; berubah setiap kali data disimpan.")
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    merged_into = serializers.SerializerMethodField(
        help_text=gettext_lazy("Id orang tempat data ini digabung, atau null bila tidak digabung.")
    )

    @extend_schema_field(NikWarningOutput(many=True))
    def get_nik_warnings(self, person) -> list[dict[str, str]]:
        return nik_warning_items(person.nik_warnings)

    def get_merged_into(self, person) -> int | None:
        return merged_into_of(person)


class PersonFieldsInput(StrictInput):
    """The editable fields of a person, all optional (PATCH sends only what changes)."""

    nik = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=40,
        help_text=gettext_lazy("16 digit; spasi, titik dan tanda - diabaikan."),
    )
    no_nik_reason = serializers.ChoiceField(
        choices=NoNikReason.choices,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Wajib bila NIK kosong."),
    )
    no_kk = serializers.CharField(required=False, allow_blank=True, max_length=40)
    full_name = serializers.CharField(required=False, max_length=150)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, max_length=20
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_place = serializers.CharField(required=False, allow_blank=True, max_length=100)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_date_estimated = serializers.BooleanField(required=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=250)
    village = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=13,
        help_text=gettext_lazy("Kode desa/kelurahan Kemendagri, mis. 31.75.01.1001."),
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    target_group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)
    disability_types = serializers.ListField(
        child=serializers.ChoiceField(choices=DisabilityType.choices), required=False
    )


class PersonCreateInput(PersonFieldsInput):
    full_name = serializers.CharField(max_length=150)
    sex = serializers.ChoiceField(choices=Sex.choices)
    target_group = serializers.ChoiceField(choices=TargetGroup.choices)
    unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=gettext_lazy(
            "Kode satker pendaftar; default unit Anda (hanya administrator boleh unit lain)."
        ),
    )


class PersonUpdateInput(PersonFieldsInput):
    version = serializers.IntegerField(
        min_value=1,
        help_text=gettext_lazy(
            "Versi yang Anda baca (dari GET); bila data sudah diubah orang lain, jawabnya 409."
        ),
    )


class PatchAsDeclaredSchema(AutoSchema):
    """Documents a PATCH body as the view parses it: whole, with `version` required.

    drf-spectacular assumes PATCH parses its body partially (all fields optional); our PATCH
    input serializer already declares which fields are optional, and the view never sets partial.
    """

    def _get_request_for_media_type(self, serializer, direction="request"):
        method, self.method = self.method, "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method


class PersonDeleteInput(StrictInput):
    reason = serializers.CharField(
        max_length=250, help_text=gettext_lazy("Alasan penghapusan (UU PDP), dicatat di audit.")
    )


class PersonListView(GenericAPIView):
    """Persons visible to the caller (paginated, filterable), and registering a new person."""

    permission_classes = [IsAuthenticated, CanReadRegistry]
    pagination_class = Pagination

    @extend_schema(
        operation_id="persons_list",
        tags=["persons"],
        parameters=[PersonListFilters],
        responses={200: PersonListOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = PersonListFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        persons = _persons_filter(persons_visible_to(request.user), wanted)
        if wanted.get("q"):
            found = person_search(
                persons, wanted["q"], limit=SEARCH_LIMIT, include_merged=wanted["include_merged"]
            )
            # Exact-number matches come back without their unit; one query for all of them.
            prefetch_related_objects(found, "unit")
            page = self.paginate_queryset(found)
        else:
            page = self.paginate_queryset(
                persons_listed(persons, include_merged=wanted["include_merged"])
                .select_related("unit")
                .order_by(wanted["ordering"], "-id")
            )
        return self.get_paginated_response(PersonListOutput(page, many=True).data)

    @extend_schema(
        operation_id="persons_create",
        tags=["persons"],
        request=PersonCreateInput,
        responses={201: PersonOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = PersonCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_create(actor=request.user, **data.validated_data)
        return Response(PersonOutput(person).data, status=status.HTTP_201_CREATED)


class PersonDetailView(APIView):
    """One person: reading is audited; changes need the version read; erasure is for admins."""

    permission_classes = [IsAuthenticated, CanReadRegistry]
    schema = PatchAsDeclaredSchema()

    @extend_schema(
        operation_id="persons_retrieve",
        tags=["persons"],
        responses={200: PersonOutput, **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        return Response(PersonOutput(person_open(actor=request.user, pk=pk)).data)

    @extend_schema(
        operation_id="persons_partial_update",
        tags=["persons"],
        request=PersonUpdateInput,
        responses={200: PersonOutput, **error_responses(400, 401, 403, 404, 409)},
    )
    def patch(self, request, pk: int):
        person = person_get(request.user, pk)
        data = PersonUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        person = person_update(
            actor=request.user, person=person, expected_version=version, **changes
        )
        return Response(PersonOutput(person).data)

    @extend_schema(
        operation_id="persons_destroy",
        tags=["persons"],
        request=PersonDeleteInput,
        responses={204: None, **error_responses(400, 401, 403, 404)},
    )
    def delete(self, request, pk: int):
        person = person_get(request.user, pk)
        data = PersonDeleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        person_delete(actor=request.user, person=person, reason=data.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- family ------------------------------------------------------------------------------


class FamilyMemberOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    relationship_label = serializers.CharField(source="get_relationship_display")
    nik = serializers.CharField()
    phone = serializers.CharField()
    is_guardian = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class FamilyMemberInput(StrictInput):
    name = serializers.CharField(max_length=150)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    nik = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    is_guardian = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Wali sah (untuk persetujuan anak).")
    )


class PersonFamilyView(APIView):
    """A person's family members and guardians."""

    permission_classes = [IsAuthenticated, CanReadRegistry]

    @extend_schema(
        operation_id="persons_family_list",
        tags=["persons"],
        responses={200: FamilyMemberOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        # Family details are personal data of the person's record: reading them is audited too.
        person = person_open(actor=request.user, pk=pk)
        return Response(FamilyMemberOutput(person.family.all(), many=True).data)

    @extend_schema(
        operation_id="persons_family_create",
        tags=["persons"],
        request=FamilyMemberInput,
        responses={201: FamilyMemberOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        person = person_get(request.user, pk)
        data = FamilyMemberInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = family_member_add(actor=request.user, person=person, **data.validated_data)
        return Response(FamilyMemberOutput(member).data, status=status.HTTP_201_CREATED)


class PersonFamilyMemberView(APIView):
    permission_classes = [IsAuthenticated, CanReadRegistry]

    @extend_schema(
        operation_id="persons_family_destroy",
        tags=["persons"],
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request, pk: int, member_id: int):
        person = person_get(request.user, pk)
        member = person.family.filter(pk=member_id).first()
        if member is None:
            raise NotFound(_("Anggota keluarga tidak ditemukan."))
        member.person = person
        family_member_remove(actor=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- consents ----------------------------------------------------------------------------


class ConsentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    basis = serializers.ChoiceField(choices=ConsentBasis.choices)
    basis_label = serializers.CharField(source="get_basis_display")
    scope = serializers.CharField()
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    given_by_label = serializers.CharField(source="get_given_by_display")
    given_by_name = serializers.CharField()
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    method_label = serializers.CharField(source="get_method_display")
    given_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True)
    is_active = serializers.BooleanField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()


class ConsentInput(StrictInput):
    basis = serializers.ChoiceField(choices=ConsentBasis.choices)
    scope = serializers.CharField(max_length=250)
    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    given_by_name = serializers.CharField(max_length=150)
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    given_at = serializers.DateTimeField(
        help_text=gettext_lazy("Waktu persetujuan diberikan (ISO 8601; tanpa zona = WIB).")
    )


class ConsentWithdrawInput(StrictInput):
    reason = serializers.CharField(max_length=250)


class PersonConsentsView(APIView):
    """Consents and other legal bases for processing a person's data (UU 27/2022)."""

    permission_classes = [IsAuthenticated, CanReadRegistry]

    @extend_schema(
        operation_id="persons_consents_list",
        tags=["persons"],
        responses={200: ConsentOutput(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request, pk: int):
        person = person_open(actor=request.user, pk=pk)
        consents = person.consents.select_related("recorded_by")
        return Response(ConsentOutput(consents, many=True).data)

    @extend_schema(
        operation_id="persons_consents_create",
        tags=["persons"],
        request=ConsentInput,
        responses={201: ConsentOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int):
        person = person_get(request.user, pk)
        data = ConsentInput(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consent_record(actor=request.user, person=person, **data.validated_data)
        return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class PersonConsentWithdrawView(APIView):
    permission_classes = [IsAuthenticated, CanReadRegistry]

    @extend_schema(
        operation_id="persons_consents_withdraw",
        tags=["persons"],
        request=ConsentWithdrawInput,
        responses={200: ConsentOutput, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, pk: int, consent_id: int):
        person = person_get(request.user, pk)
        consent = person.consents.filter(pk=consent_id).first()
        if consent is None:
            raise NotFound(_("Persetujuan tidak ditemukan."))
        consent.person = person
        data = ConsentWithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        consent = consent_withdraw(
            actor=request.user, consent=consent, reason=data.validated_data["reason"]
        )
        return Response(ConsentOutput(consent).data)


# --- NIK check ---------------------------------------------------------------------------


class NikCheckInput(StrictInput):
    nik = serializers.CharField(max_length=40)
    birth_date = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("Tanggal lahir tercatat.")
    )
    sex = serializers.ChoiceField(
        choices=Sex.choices, required=False, help_text=gettext_lazy("Jenis kelamin tercatat.")
    )

    def validate_birth_date(self, value):
        # As `atensi nik check --birth-date`: a recorded birth date cannot lie in the future.
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError(_("Tanggal lahir tidak boleh di masa depan."))
        return value


class NikCheckOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    errors = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("Kode galat; NIK ditolak.")
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Kode peringatan; ditampilkan, tidak menolak."),
    )
    province_code = serializers.CharField(allow_null=True)
    regency_code = serializers.CharField(allow_null=True)
    district_code = serializers.CharField(allow_null=True)
    birth_date = serializers.DateField(allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, allow_null=True)
    messages = serializers.DictField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Pesan per kode galat/peringatan, dalam bahasa pengguna."),
    )


class NikCheckView(APIView):
    """Checks a NIK by the same rules as the form, the importer and `atensi nik check --json`."""

    permission_classes = [IsAuthenticated, CanReadRegistry]

    @extend_schema(
        operation_id="nik_check",
        tags=["nik"],
        request=NikCheckInput,
        responses={200: NikCheckOutput, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = NikCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = check_nik(
            data.validated_data["nik"],
            birth_date=data.validated_data.get("birth_date"),
            sex=data.validated_data.get("sex"),
            region_exists=region_code_exists,
        )
        payload = result.as_dict()
        payload["messages"] = {
            code: str(NIK_MESSAGES[code]) for code in [*result.errors, *result.warnings]
        }
        return Response(NikCheckOutput(payload).data)
