from django.urls import include, path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("baru/", views.person_create_view, name="create"),
    path("cek-nik/", views.nik_check, name="nik_check"),
    path("impor/", include("atensi.registry.import_urls")),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/ubah/", views.person_edit, name="edit"),
    path("<int:pk>/hapus/", views.person_delete_view, name="delete"),
    path("<int:pk>/keluarga/", views.family_add, name="family_add"),
    path("<int:pk>/keluarga/<int:member_pk>/hapus/", views.family_remove, name="family_remove"),
    path("<int:pk>/persetujuan/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/persetujuan/<int:consent_pk>/tarik/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
]
