"""Bulk import pages, included by registry/urls.py under "impor/" (namespace "registry")."""

from django.urls import path

from . import import_views

urlpatterns = [
    path("", import_views.import_start, name="import"),
    path("templat/", import_views.import_template, name="import_template"),
    path("<int:pk>/", import_views.import_status, name="import_status"),
    path("<int:pk>/laporan/", import_views.import_report, name="import_report"),
]
