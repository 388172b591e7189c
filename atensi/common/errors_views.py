"""Error pages: JSON in the API's one error shape under /api/, HTML elsewhere."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found

from .api import error_body


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Alamat tidak ditemukan.")), status=404)
    return page_not_found(request, exception)
