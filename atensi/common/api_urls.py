from django.urls import path

from . import api_views

urlpatterns = [
    path("audit/", api_views.AuditListView.as_view(), name="api-audit-list"),
]
