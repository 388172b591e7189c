from django.urls import path

from . import api

urlpatterns = [
    path("budget/satker/", api.SatkerScoresView.as_view(), name="api-budget-satker"),
    path(
        "budget/satker/<str:code>/",
        api.SatkerDetailView.as_view(),
        name="api-budget-satker-detail",
    ),
    path("budget/eselon1/", api.Eselon1View.as_view(), name="api-budget-eselon1"),
    path("budget/s-curve/", api.SCurveView.as_view(), name="api-budget-s-curve"),
    path("budget/rankings/", api.RankingsView.as_view(), name="api-budget-rankings"),
    path("budget/forecast/", api.ForecastView.as_view(), name="api-budget-forecast"),
    path(
        "budget/reconciliation/",
        api.ReconciliationView.as_view(),
        name="api-budget-reconciliation",
    ),
    path("budget/periods/", api.PeriodsView.as_view(), name="api-budget-periods"),
    path("budget/imports/", api.ImportsView.as_view(), name="api-budget-imports"),
    path(
        "budget/imports/templates/<str:kind>.<str:fmt>",
        api.ImportTemplateView.as_view(),
        name="api-budget-import-template",
    ),
    path("budget/manual-scores/", api.ManualScoresView.as_view(), name="api-budget-manual-scores"),
    path("budget/commitments/", api.CommitmentsView.as_view(), name="api-budget-commitments"),
    path(
        "budget/commitments/<int:pk>/",
        api.CommitmentDetailView.as_view(),
        name="api-budget-commitment",
    ),
    path(
        "budget/residential-costs/",
        api.ResidentialCostView.as_view(),
        name="api-budget-residential-costs",
    ),
    path("budget/revisions/", api.RevisionsView.as_view(), name="api-budget-revisions"),
    path("budget/blokir/", api.BlokirView.as_view(), name="api-budget-blokir"),
    path("budget/report/", api.ReportView.as_view(), name="api-budget-report"),
    path(
        "budget/report/<int:ta>.<str:fmt>",
        api.ReportFileView.as_view(),
        name="api-budget-report-file",
    ),
    path(
        "budget/blokir/<int:pk>/lift/", api.BlokirLiftView.as_view(), name="api-budget-blokir-lift"
    ),
]
