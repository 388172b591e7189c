from django.urls import path

from . import api

urlpatterns = [
    path("cases/", api.CaseListView.as_view(), name="api-cases"),
    path("cases/queues/", api.WorkQueuesView.as_view(), name="api-case-queues"),
    path("cases/transfers/", api.TransferListView.as_view(), name="api-case-transfers-all"),
    path("cases/occupancy/", api.OccupancyView.as_view(), name="api-case-occupancy"),
    path("cases/export/", api.CaseListExportView.as_view(), name="api-cases-export"),
    path("cases/<int:pk>/", api.CaseDetailView.as_view(), name="api-case"),
    path(
        "cases/<int:pk>/transition/", api.CaseTransitionView.as_view(), name="api-case-transition"
    ),
    path("cases/<int:pk>/assign/", api.CaseAssignView.as_view(), name="api-case-assign"),
    path("cases/<int:pk>/contact/", api.CaseContactView.as_view(), name="api-case-contact"),
    path("cases/<int:pk>/penetapan/", api.CasePenetapanView.as_view(), name="api-case-penetapan"),
    path("cases/<int:pk>/terminate/", api.CaseTerminateView.as_view(), name="api-case-terminate"),
    path("cases/<int:pk>/reopen/", api.CaseReopenView.as_view(), name="api-case-reopen"),
    path(
        "cases/<int:pk>/assessments/",
        api.CaseAssessmentsView.as_view(),
        name="api-case-assessments",
    ),
    path("cases/<int:pk>/plans/", api.CasePlansView.as_view(), name="api-case-plans"),
    path(
        "cases/<int:pk>/plans/<int:plan_id>/submit/",
        api.CasePlanSubmitView.as_view(),
        name="api-case-plan-submit",
    ),
    path(
        "cases/<int:pk>/plans/<int:plan_id>/decide/",
        api.CasePlanDecideView.as_view(),
        name="api-case-plan-decide",
    ),
    path("cases/<int:pk>/services/", api.CaseServicesView.as_view(), name="api-case-services"),
    path("cases/<int:pk>/notes/", api.CaseNotesView.as_view(), name="api-case-notes"),
    path("cases/<int:pk>/timeline/", api.CaseTimelineView.as_view(), name="api-case-timeline"),
    path("cases/<int:pk>/case-file/", api.CaseFileView.as_view(), name="api-case-file"),
    path("cases/<int:pk>/transfers/", api.CaseTransfersView.as_view(), name="api-case-transfers"),
    path("cases/<int:pk>/referrals/", api.CaseReferralsView.as_view(), name="api-case-referrals"),
    path("cases/<int:pk>/stays/", api.CaseStaysView.as_view(), name="api-case-stays"),
    path(
        "cases/<int:pk>/stays/<int:stay_id>/discharge/",
        api.CaseStayDischargeView.as_view(),
        name="api-case-stay-discharge",
    ),
    path("cases/<int:pk>/aftercare/", api.CaseAftercareView.as_view(), name="api-case-aftercare"),
    path(
        "cases/<int:pk>/aftercare/<int:visit_id>/record/",
        api.CaseAftercareRecordView.as_view(),
        name="api-case-aftercare-record",
    ),
    path("cases/<int:pk>/outcomes/", api.CaseOutcomesView.as_view(), name="api-case-outcomes"),
    path(
        "cases/<int:pk>/attachments/",
        api.CaseAttachmentsView.as_view(),
        name="api-case-attachments",
    ),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/",
        api.CaseAttachmentView.as_view(),
        name="api-case-attachment",
    ),
    path("case-forms/", api.CaseFormListView.as_view(), name="api-case-forms"),
]
