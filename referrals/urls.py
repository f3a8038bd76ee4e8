from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accepter/", views.accept, name="accept"),
    path("<int:pk>/commencer/", views.start, name="start"),
    path("<int:pk>/refuser/", views.refuse, name="refuse"),
    path("<int:pk>/contact/", views.log_contact, name="log_contact"),
    path("<int:pk>/carence/", views.unreachable, name="unreachable"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<int:pk>/partager/", views.share, name="share"),
    path("<int:pk>/diagnostic/", views.diagnosis, name="diagnosis"),
    path("<int:pk>/diagnostic/confirmer/", views.diagnosis_confirm, name="diagnosis_confirm"),
    path("<int:pk>/diagnostic.pdf", views.diagnosis_pdf, name="diagnosis_pdf"),
    path("<int:pk>/rapport-visite/", views.visit_report, name="visit_report"),
    path("<int:pk>/pieces/", views.upload, name="upload"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.download, name="download"),
    path("dossier/<int:procedure_pk>/demande/", views.request_referral, name="request"),
    path("dossier/<int:procedure_pk>/mesure/", views.add_measure, name="add_measure"),
    path("mesures/<int:pk>/modifier/", views.edit_measure, name="edit_measure"),
    path("mesures/<int:pk>/renouveler/", views.renew_measure, name="renew_measure"),
]
