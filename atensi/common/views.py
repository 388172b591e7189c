from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from atensi.accounts.access import can_read_audit, can_read_registry


@login_required
def home(request):
    """Sends each role to where its work starts."""
    if can_read_registry(request.user):
        return redirect("registry:list")
    if can_read_audit(request.user):
        return redirect("audit:list")
    from django.shortcuts import render

    return render(request, "home.html")
