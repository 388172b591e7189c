from django.urls import path

from . import api

urlpatterns = [
    path("persons/", api.PersonListView.as_view(), name="api-persons"),
    path("persons/<int:pk>/", api.PersonDetailView.as_view(), name="api-person"),
    path("persons/<int:pk>/family/", api.PersonFamilyView.as_view(), name="api-person-family"),
    path(
        "persons/<int:pk>/family/<int:member_id>/",
        api.PersonFamilyMemberView.as_view(),
        name="api-person-family-member",
    ),
    path(
        "persons/<int:pk>/consents/", api.PersonConsentsView.as_view(), name="api-person-consents"
    ),
    path(
        "persons/<int:pk>/consents/<int:consent_id>/withdraw/",
        api.PersonConsentWithdrawView.as_view(),
        name="api-person-consent-withdraw",
    ),
    path("nik/check/", api.NikCheckView.as_view(), name="api-nik-check"),
]
