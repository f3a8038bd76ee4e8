from django.urls import path

from .views import letters, weekly_lists

app_name = "letters"

urlpatterns = [
    path("", letters.index, name="index"),
    path("lots/<int:pk>/etat/", letters.batch_progress, name="batch_progress"),
    path("lots/<int:pk>/pdf/", letters.batch_bundle, name="batch_bundle"),
    path("<int:pk>/pdf/", letters.letter_pdf, name="letter_pdf"),
    path("<int:pk>/statut/", letters.set_status, name="letter_status"),
    path("dossier/<int:procedure_pk>/generer/", letters.generate, name="generate"),
    path("dossier/<int:procedure_pk>/reponse/", letters.answer, name="answer"),
    path("modeles/", letters.templates, name="templates"),
    path("modeles/<str:kind>/", letters.edit_template, name="template_edit"),
    path("listes/", weekly_lists.index, name="weekly_lists"),
    path("listes/apercu/", weekly_lists.preview, name="weekly_lists_preview"),
    path("listes/<int:pk>/", weekly_lists.detail, name="weekly_list_detail"),
    path("listes/<int:pk>/renvoyer/", weekly_lists.resend, name="weekly_list_resend"),
    path("listes/<int:pk>/<str:fmt>/", weekly_lists.download, name="weekly_list_download"),
]
