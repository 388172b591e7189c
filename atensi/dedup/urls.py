from django.urls import path

from . import views

app_name = "dedup"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("jalankan/", views.run_start, name="run"),
    path("pencarian/", views.runs, name="runs"),
    path("cek/", views.live_check, name="live_check"),
    path("<int:pk>/", views.pair_detail, name="pair"),
    path("<int:pk>/putuskan/", views.pair_decide_view, name="decide"),
    path("<int:pk>/gabung/", views.pair_merge_view, name="merge_pair"),
    path("penggabungan/", views.merges, name="merges"),
    path("penggabungan/<int:pk>/", views.merge_detail, name="merge"),
    path("penggabungan/<int:pk>/batalkan/", views.merge_undo, name="unmerge"),
]
