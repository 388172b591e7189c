"""The REST API, /api/v1/: one include per area of the domain."""

from django.urls import include, path

urlpatterns = [
    path("", include("atensi.accounts.api_urls")),
    path("", include("atensi.organisation.api_urls")),
    path("", include("atensi.registry.api_urls")),
    path("", include("atensi.cases.api_urls")),
    path("", include("atensi.budget.api_urls")),
    path("", include("atensi.workforce.api_urls")),
    path("", include("atensi.dedup.api_urls")),
    path("", include("atensi.common.api_urls")),
]
