from django.urls import path

from . import national_views, views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("rapport/<int:year>.pdf", views.annual_report, name="report"),
    path("chiffres/", views.supply, name="supply"),
    path("national/", national_views.national_view, name="national"),
    path("national/export/", national_views.national_export, name="national_export"),
    path("national/mettre-a-jour/", national_views.national_refresh, name="national_refresh"),
    path("<slug:code>/procedures/", views.procedures_behind, name="procedures"),
]
