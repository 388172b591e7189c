from django.urls import path

from . import api

urlpatterns = [
    path("dedup/runs/", api.RunListView.as_view(), name="api-dedup-runs"),
    path("dedup/runs/<int:pk>/", api.RunDetailView.as_view(), name="api-dedup-run"),
    path("dedup/pairs/", api.PairListView.as_view(), name="api-dedup-pairs"),
    path("dedup/pairs/<int:pk>/", api.PairDetailView.as_view(), name="api-dedup-pair"),
    path(
        "dedup/pairs/<int:pk>/decisions/",
        api.PairDecisionsView.as_view(),
        name="api-dedup-pair-decisions",
    ),
    path("dedup/pairs/<int:pk>/merge/", api.PairMergeView.as_view(), name="api-dedup-pair-merge"),
    path("dedup/merges/", api.MergeListView.as_view(), name="api-dedup-merges"),
    path("dedup/merges/<int:pk>/", api.MergeDetailView.as_view(), name="api-dedup-merge"),
    path("dedup/merges/<int:pk>/unmerge/", api.MergeUndoView.as_view(), name="api-dedup-unmerge"),
    path("dedup/check/", api.CheckView.as_view(), name="api-dedup-check"),
]
