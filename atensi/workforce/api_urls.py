from django.urls import path

from . import api

urlpatterns = [
    path("workforce/workers/", api.WorkerListView.as_view(), name="api-workforce-workers"),
    path(
        "workforce/workers/<int:pk>/", api.WorkerDetailView.as_view(), name="api-workforce-worker"
    ),
    path(
        "workforce/workers/<int:pk>/profile/",
        api.WorkerProfileView.as_view(),
        name="api-workforce-worker-profile",
    ),
    path(
        "workforce/workers/<int:pk>/absences/",
        api.WorkerAbsencesView.as_view(),
        name="api-workforce-worker-absences",
    ),
    path(
        "workforce/workers/<int:pk>/training/",
        api.WorkerTrainingView.as_view(),
        name="api-workforce-worker-training",
    ),
    path(
        "workforce/workers/<int:pk>/reassign/",
        api.WorkerReassignView.as_view(),
        name="api-workforce-worker-reassign",
    ),
    path("workforce/courses/", api.CourseListView.as_view(), name="api-workforce-courses"),
    path(
        "workforce/cases/<int:case_id>/suggestion/",
        api.CaseSuggestionView.as_view(),
        name="api-workforce-case-suggestion",
    ),
    path(
        "workforce/cases/<int:case_id>/assign/",
        api.CaseAssignDecisionView.as_view(),
        name="api-workforce-case-assign",
    ),
    path("workforce/kpis/", api.KpiTableView.as_view(), name="api-workforce-kpis"),
    path(
        "workforce/kpis/<str:code>/cases/",
        api.KpiCasesView.as_view(),
        name="api-workforce-kpi-cases",
    ),
    path("workforce/fairness/", api.FairnessView.as_view(), name="api-workforce-fairness"),
    path("workforce/reports/", api.ReportListView.as_view(), name="api-workforce-reports"),
    path(
        "workforce/reports/<int:pk>/", api.ReportDetailView.as_view(), name="api-workforce-report"
    ),
    path(
        "workforce/reports/<int:pk>/refresh/",
        api.ReportRefreshView.as_view(),
        name="api-workforce-report-refresh",
    ),
    path(
        "workforce/reports/<int:pk>/submit/",
        api.ReportSubmitView.as_view(),
        name="api-workforce-report-submit",
    ),
    path(
        "workforce/reports/<int:pk>/decide/",
        api.ReportDecideView.as_view(),
        name="api-workforce-report-decide",
    ),
    path(
        "workforce/reports/<int:pk>/export/",
        api.ReportExportView.as_view(),
        name="api-workforce-report-export",
    ),
]
