from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("cari/", views.region_search, name="search"),
]
