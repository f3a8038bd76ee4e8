from django.contrib import admin
from django.urls import include, path

from directory import views as directory_views
from directory.admin_site import restrict_admin_to_administrators

restrict_admin_to_administrators(admin.site)

urlpatterns = [
    path("", directory_views.home, name="home"),
    path("", include("directory.urls")),
    path("", include("procedure.urls")),
    path("courriers/", include("letters.urls")),
    path("indicateurs/", include("indicators.urls")),
    path("orientations/", include("referrals.urls")),
    path("commissions/", include("commissions.urls")),
    path("admin/", admin.site.urls),
]
