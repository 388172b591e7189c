from django.urls import path

from . import views

app_name = "workforce"
urlpatterns = [
    path("", views.home, name="home"),
    path("saya/", views.mine, name="mine"),
    path("tim/", views.team_board, name="team"),
    path("tim/kasus/<int:case_pk>/tetapkan/", views.case_assign_view, name="assign"),
    path("nasional/", views.national, name="national"),
    path("pekerja/<int:pk>/", views.worker_detail, name="worker"),
    path("pekerja/<int:pk>/profil/", views.profile_edit, name="profile"),
    path("pekerja/<int:pk>/cuti/", views.absence_add, name="absence_add"),
    path("pekerja/<int:pk>/pelatihan/", views.training_add, name="training_add"),
    path("pekerja/<int:pk>/alihkan/", views.reassign, name="reassign"),
    path("laporan/", views.report_list, name="reports"),
    path("laporan/buat/", views.report_create, name="report_create"),
    path("laporan/<int:pk>/", views.report_detail, name="report"),
    path("laporan/<int:pk>/uraian/", views.report_narrative, name="report_narrative"),
    path("laporan/<int:pk>/perbarui/", views.report_refresh_view, name="report_refresh"),
    path("laporan/<int:pk>/ajukan/", views.report_submit_view, name="report_submit"),
    path("laporan/<int:pk>/putuskan/", views.report_decide_view, name="report_decide"),
    path("laporan/<int:pk>/unduh.pdf", views.report_download, {"fmt": "pdf"}, name="report_pdf"),
    path("laporan/<int:pk>/unduh.xlsx", views.report_download, {"fmt": "xlsx"}, name="report_xlsx"),
    path("indikator/<str:code>/", views.drill, name="drill"),
    path("indikator/<str:code>/ekspor/", views.drill_export, name="drill_export"),
    path("ekspor/<str:name>/", views.table_export, name="export"),
]
