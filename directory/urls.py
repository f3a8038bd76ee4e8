from django.urls import path

from . import notification_views, views

app_name = "directory"

urlpatterns = [
    path("connexion/", views.SignInView.as_view(), name="login"),
    path("connexion/proconnect/", views.proconnect_start, name="proconnect"),
    path("connexion/proconnect/retour/", views.proconnect_callback, name="proconnect_callback"),
    path("connexion/second-facteur/", views.second_factor_view, name="second_factor"),
    path("deconnexion/", views.SignOutView.as_view(), name="logout"),
    path("organisme/", views.choose_organisation, name="choose_organisation"),
    path("jetons-api/", views.api_tokens, name="api_tokens"),
    path("historique/", views.change_history, name="change_history"),
    path("jetons-api/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/non-lues/", notification_views.unread_count, name="unread_count"),
    path("notifications/<int:pk>/", notification_views.open_notification, name="open_notification"),
    path("notifications/tout-lire/", notification_views.mark_all_read, name="mark_all_read"),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/modifie/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
