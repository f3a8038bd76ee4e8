from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from commissions import api as commissions_api
from config import admin_scopes  # noqa: F401 (the other apps' lines of the admin's département scope)
from directory import views as directory_views
from directory.admin_scope import scope_admin
from directory.admin_site import restrict_admin_to_administrators
from letters import api as letters_api
from procedure import api as procedure_api
from procedure.reading import api as reading_api

restrict_admin_to_administrators(admin.site)
scope_admin(admin.site)

# The partner API (docs/decisions/005-partner-api.md): each app serves its endpoints.
api_urlpatterns = (
    procedure_api.urlpatterns
    + reading_api.urlpatterns
    + commissions_api.urlpatterns
    + letters_api.urlpatterns
)

urlpatterns = [
    path("", directory_views.home, name="home"),
    path("", include("directory.urls")),
    path("", include("procedure.urls")),
    path("courriers/", include("letters.urls")),
    path("indicateurs/", include("indicators.urls")),
    path("orientations/", include("referrals.urls")),
    path("commissions/", include("commissions.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its script apart, and our template gives its styles the nonce: no inline
    # script nor style without it under the CSP (config/settings.py).
    path(
        "api/documentation/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="directory/api_documentation.html"
        ),
        name="api_docs",
    ),
]
