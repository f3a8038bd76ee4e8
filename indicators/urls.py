from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("rapport/<int:year>.pdf", views.annual_report, name="report"),
    path("chiffres/", views.supply, name="supply"),
    path("<slug:code>/procedures/", views.procedures_behind, name="procedures"),
]
