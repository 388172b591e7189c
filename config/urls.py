from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from atensi.common import views as common_views

urlpatterns = [
    path("", common_views.home, name="home"),
    path("akun/", include("atensi.accounts.urls")),
    path("registri/", include("atensi.registry.urls")),
    path("kasus/", include("atensi.cases.urls")),
    path("anggaran/", include("atensi.budget.urls")),
    path("tenaga/", include("atensi.workforce.urls")),
    path("duplikat/", include("atensi.dedup.urls")),
    path("wilayah/", include("atensi.organisation.urls")),
    path("audit/", include("atensi.common.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

handler404 = "atensi.common.errors_views.not_found"
