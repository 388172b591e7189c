"""The audit trail over the API (read-only), and the error shape every endpoint documents."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated

from atensi.accounts.access import can_read_audit

from .api import Pagination
from .filters import audit_rows_filter
from .models import AuditAction, AuditLog


class ErrorBody(serializers.Serializer):
    code = serializers.CharField(help_text=_("Kode galat yang stabil, mis. not_found, invalid."))
    message = serializers.CharField(help_text=_("Pesan untuk manusia, dalam bahasa pengguna."))
    details = serializers.DictField(
        help_text=_('Per kolom: daftar pesan galat (mis. {"nik": ["..."]}).')
    )


class ErrorOutput(serializers.Serializer):
    """The one error shape of the API, produced by atensi.common.api.exception_handler."""

    error = ErrorBody()


_ERROR_TEXT = {
    400: _("Data tidak valid; lihat error.details."),
    401: _("Tidak ada token atau token salah."),
    403: _("Peran Anda tidak boleh melakukan ini."),
    404: _("Tidak ditemukan, atau di luar cakupan Anda."),
    405: _("Metode tidak diizinkan."),
    409: _("Data sudah diubah orang lain (versi usang)."),
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Returns OpenAPI responses in the one error shape for the given status codes."""
    return {code: OpenApiResponse(ErrorOutput, description=_ERROR_TEXT[code]) for code in codes}


class CanReadAudit(BasePermission):
    message = _("Hanya auditor dan administrator yang boleh melihat catatan audit.")

    def has_permission(self, request, view) -> bool:
        return can_read_audit(request.user)


class AuditFilters(serializers.Serializer):
    actor = serializers.CharField(required=False, help_text=_("Nama pengguna pelaku."))
    action = serializers.ChoiceField(choices=AuditAction.choices, required=False)
    object_type = serializers.CharField(
        required=False, help_text=_("Jenis objek, mis. registry.person.")
    )
    object_id = serializers.CharField(required=False)
    date_from = serializers.DateField(
        required=False, help_text=_("Dari tanggal ini (TTTT-BB-HH, WIB), termasuk.")
    )
    date_to = serializers.DateField(
        required=False, help_text=_("Sampai tanggal ini (TTTT-BB-HH, WIB), termasuk.")
    )
    unit = serializers.CharField(required=False, help_text=_("Kode satker unit pelaku."))

    def validate(self, attrs):
        if (
            attrs.get("date_from")
            and attrs.get("date_to")
            and attrs["date_from"] > attrs["date_to"]
        ):
            raise serializers.ValidationError(
                {"date_to": [_("Tanggal akhir tidak boleh sebelum tanggal awal.")]}
            )
        return attrs


class AuditRowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_username")
    unit = serializers.CharField(source="unit.code", allow_null=True)
    action = serializers.ChoiceField(choices=AuditAction.choices)
    action_label = serializers.CharField(source="get_action_display")
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    object_repr = serializers.CharField()
    changes = serializers.DictField(help_text=_("Per kolom: [nilai lama, nilai baru]."))
    ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()


class AuditListView(GenericAPIView):
    """The audit trail, newest first; auditors and administrators only. Nobody can change it."""

    permission_classes = [IsAuthenticated, CanReadAudit]
    pagination_class = Pagination

    @extend_schema(
        operation_id="audit_list",
        tags=["audit"],
        parameters=[AuditFilters],
        responses={200: AuditRowOutput(many=True), **error_responses(400, 401, 403)},
    )
    def get(self, request):
        filters = AuditFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = audit_rows_filter(
            AuditLog.objects.select_related("unit").order_by("-at", "-id"),
            **filters.validated_data,
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AuditRowOutput(page, many=True).data)
