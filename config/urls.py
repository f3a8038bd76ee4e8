from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from commissions import api as commissions_api
from directory import views as directory_views
from directory.admin_site import restrict_admin_to_administrators
from letters import api as letters_api
from procedure import api as procedure_api

restrict_admin_to_administrators(admin.site)

# The partner API (docs/decisions/005-partner-api.md): each app serves its endpoints.
api_urlpatterns = procedure_api.urlpatterns + commissions_api.urlpatterns + letters_api.urlpatterns

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
    path("api/documentation/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
]
