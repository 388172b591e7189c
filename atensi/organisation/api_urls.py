from django.urls import path

from . import api

urlpatterns = [
    path("regions/", api.RegionListView.as_view(), name="api-regions"),
    path("regions/<str:code>/", api.RegionDetailView.as_view(), name="api-region"),
    path("units/", api.UnitListView.as_view(), name="api-units"),
]
