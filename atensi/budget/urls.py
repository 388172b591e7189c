from django.urls import path

from . import views

app_name = "budget"
urlpatterns = [
    path("", views.index, name="index"),
    path("satker/", views.satker_list, name="satker_list"),
    path("satker/<str:code>/", views.satker_detail, name="satker"),
    path("satker/<str:code>/tandatangan/", views.sign_off, name="sign_off"),
    path("peringkat/", views.rankings, name="rankings"),
    path("impor/", views.imports, name="imports"),
    path(
        "impor/templat/<str:kind>.<str:fmt>",
        views.import_template_download,
        name="import_template",
    ),
    path("impor/<str:job>/", views.import_status, name="import_status"),
    path("impor/<str:job>/masalah/", views.import_report, name="import_report"),
    path("blokir/", views.blokir_list, name="blokir"),
    path("blokir/<int:pk>/buka/", views.blokir_lift, name="blokir_lift"),
    path("revisi/", views.revisions, name="revisions"),
    path("koreksi/", views.restatements, name="restatements"),
    path("laporan/", views.report, name="report"),
    path("laporan/<int:ta>.pdf", views.report_pdf, name="report_pdf"),
    path("laporan/<int:ta>.xlsx", views.report_xlsx, name="report_xlsx"),
]
