"""The audit pages, /audit/: search, one row's changes, export. No page changes a row."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("<int:pk>/", views.audit_changes, name="changes"),
    path("ekspor/", views.audit_export, name="export"),
]
