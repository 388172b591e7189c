from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("ekspor/", views.case_list_export, name="export"),
    path("antrian/", views.work_queues, name="queues"),
    path("buka/<int:person_pk>/", views.case_create, name="create"),
    path("lampiran/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/tahap/", views.case_action, {"action": "transition"}, name="transition"),
    path("<int:pk>/petugas/", views.case_action, {"action": "assign"}, name="assign"),
    path("<int:pk>/kontak/", views.case_action, {"action": "contact"}, name="contact"),
    path("<int:pk>/penetapan/", views.case_action, {"action": "penetapan"}, name="penetapan"),
    path("<int:pk>/terminasi/", views.case_action, {"action": "terminate"}, name="terminate"),
    path("<int:pk>/buka-kembali/", views.case_action, {"action": "reopen"}, name="reopen"),
    path("<int:pk>/asesmen/", views.assessment_edit, name="assessment"),
    path("<int:pk>/rencana/", views.plan_edit, name="plan"),
    path(
        "<int:pk>/rencana/<int:plan_pk>/ajukan/",
        views.case_action,
        {"action": "plan_submit"},
        name="plan_submit",
    ),
    path(
        "<int:pk>/rencana/<int:plan_pk>/putuskan/",
        views.case_action,
        {"action": "plan_decide"},
        name="plan_decide",
    ),
    path("<int:pk>/layanan/", views.case_action, {"action": "service"}, name="service_add"),
    path("<int:pk>/catatan/", views.case_action, {"action": "note"}, name="note_add"),
    path("<int:pk>/pindah/", views.case_action, {"action": "transfer"}, name="transfer"),
    path("<int:pk>/rujukan-keluar/", views.case_action, {"action": "referral"}, name="referral"),
    path(
        "<int:pk>/residensial/masuk/",
        views.case_action,
        {"action": "stay_admit"},
        name="stay_admit",
    ),
    path(
        "<int:pk>/residensial/<int:stay_pk>/keluar/",
        views.case_action,
        {"action": "stay_discharge"},
        name="stay_discharge",
    ),
    path(
        "<int:pk>/bimbingan-lanjut/",
        views.case_action,
        {"action": "aftercare_schedule"},
        name="aftercare_schedule",
    ),
    path(
        "<int:pk>/bimbingan-lanjut/<int:visit_pk>/",
        views.case_action,
        {"action": "aftercare_record"},
        name="aftercare_record",
    ),
    path("<int:pk>/pengukuran/", views.outcome_edit, name="outcome"),
    path("<int:pk>/lampiran/", views.case_action, {"action": "attachment"}, name="attachment_add"),
    path("<int:pk>/berkas.pdf", views.case_file_download, name="case_file"),
]
