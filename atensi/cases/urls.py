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
    path("<int:pk>/tahap/", views.case_transition_view, name="transition"),
    path("<int:pk>/petugas/", views.case_assign_view, name="assign"),
    path("<int:pk>/kontak/", views.case_contact_view, name="contact"),
    path("<int:pk>/penetapan/", views.case_penetapan_view, name="penetapan"),
    path("<int:pk>/terminasi/", views.case_terminate_view, name="terminate"),
    path("<int:pk>/buka-kembali/", views.case_reopen_view, name="reopen"),
    path("<int:pk>/asesmen/", views.assessment_edit, name="assessment"),
    path("<int:pk>/rencana/", views.plan_edit, name="plan"),
    path("<int:pk>/rencana/<int:plan_pk>/ajukan/", views.plan_submit_view, name="plan_submit"),
    path("<int:pk>/rencana/<int:plan_pk>/putuskan/", views.plan_decide_view, name="plan_decide"),
    path("<int:pk>/layanan/", views.service_add_view, name="service_add"),
    path("<int:pk>/catatan/", views.note_add_view, name="note_add"),
    path("<int:pk>/pindah/", views.case_transfer_view, name="transfer"),
    path("<int:pk>/rujukan-keluar/", views.referral_add_view, name="referral"),
    path("<int:pk>/residensial/masuk/", views.stay_admit_view, name="stay_admit"),
    path(
        "<int:pk>/residensial/<int:stay_pk>/keluar/",
        views.stay_discharge_view,
        name="stay_discharge",
    ),
    path("<int:pk>/bimbingan-lanjut/", views.aftercare_schedule_view, name="aftercare_schedule"),
    path(
        "<int:pk>/bimbingan-lanjut/<int:visit_pk>/",
        views.aftercare_record_view,
        name="aftercare_record",
    ),
    path("<int:pk>/pengukuran/", views.outcome_edit, name="outcome"),
    path("<int:pk>/lampiran/", views.attachment_add_view, name="attachment_add"),
    path("<int:pk>/berkas.pdf", views.case_file_download, name="case_file"),
]
