"""What every API endpoint shares: one JSON error shape, pagination, strict input."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class StrictInput(serializers.Serializer):
    """Refuses keys it does not know, so a misspelt field is an error rather than a no-op."""

    def to_internal_value(self, data):
        # Checked here rather than in validate(): nested inputs (plan goals) have no initial_data,
        # and the unknown keys are reported together with the other fields' errors.
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        errors = {name: [_("Kolom tidak dikenal.")] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from None
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


def error_body(code: str, message: str, details=None) -> dict:
    """The one error shape of the API: {"error": {"code", "message", "details"}}."""
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def exception_handler(exc, context):
    """Answers every error in the one JSON shape, with the message in the user's language."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        details = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(
            error_body("invalid", _("Data tidak valid; perbaiki kolom yang ditandai."), details),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(
            "invalid", _("Data tidak valid; perbaiki kolom yang ditandai."), details
        )
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        message = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = error_body(code if isinstance(code, str) else "error", message)
    return response
