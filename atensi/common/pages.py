"""What the pages of every area share: the htmx check, the error page and the role gate."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .errors import ApplicationError, NotFound, PermissionDenied


def is_htmx(request) -> bool:
    """Whether htmx asks for a fragment (a history restore asks for the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def error_page(request, exc: ApplicationError):
    """The 404 or 403 page with the refusal's message."""
    return render(
        request, "error.html", {"status": exc.status, "message": exc.message}, status=exc.status
    )


def page_gate(may_read, refusal, shown=(NotFound, PermissionDenied)):
    """Returns the decorator for an area's pages.

    Only signed-in users for whom `may_read(user)` holds get in; the others see `refusal` (a lazy
    message) with 403. The errors in `shown` raised by the view (NotFound and PermissionDenied
    unless an area adds more) become the error page with their status, so a record out of the
    user's scope answers 404 like one that does not exist.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not may_read(request.user):
                return error_page(request, PermissionDenied(str(refusal)))
            try:
                return view(request, *args, **kwargs)
            except shown as exc:
                return error_page(request, exc)

        return wrapped

    return decorator
