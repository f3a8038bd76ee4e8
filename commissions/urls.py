from django.urls import path

from . import follow_up_views, member_views, scheduling_views, views

app_name = "commissions"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.commission_detail, name="commission"),
    path("<int:pk>/planifier/", views.plan, name="plan"),
    path("saisines/", views.queue, name="queue"),
    path("saisines/<int:pk>/", views.review_detail, name="review_detail"),
    path("saisine/", views.partner_review, name="partner_review"),
    path("saisines/suggerer/", views.suggest, name="suggest"),
    path("saisines/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("saisines/<int:pk>/inscrire/", scheduling_views.schedule_review, name="schedule_review"),
    path("saisines/nouvelle/<int:procedure_pk>/", views.request_review, name="request_review"),
    path("seances/<int:pk>/", views.session_detail, name="session"),
    path("seances/<int:pk>/modifier/", views.session_edit, name="session_edit"),
    path("seances/<int:pk>/inscrire/", views.add_item, name="add_item"),
    path("seances/<int:pk>/publier/", views.publish, name="publish"),
    path("seances/<int:pk>/clore/", views.close, name="close"),
    path("seances/<int:pk>/releve.pdf", views.decision_record, name="decision_record"),
    path("seances/<int:pk>/courriers/", views.opinion_letters, name="opinion_letters"),
    path("points/<int:pk>/", views.item_detail, name="item"),
    path("points/<int:pk>/monter/", views.move_item, {"direction": "up"}, name="move_up"),
    path("points/<int:pk>/descendre/", views.move_item, {"direction": "down"}, name="move_down"),
    path("points/<int:pk>/presentateur/", views.set_presenter, name="set_presenter"),
    path("points/<int:pk>/retirer/", views.remove_item, name="remove_item"),
    path("points/<int:pk>/preconisations/", views.add_recommendation, name="add_recommendation"),
    path("preconisations/<int:pk>/suivi/", views.close_recommendation, name="close_recommendation"),
    path(
        "preconisations/<int:pk>/reponse/",
        follow_up_views.answer_recommendation,
        name="answer_recommendation",
    ),
    path("mes-seances/", views.member_sessions, name="member_sessions"),
    path("mes-seances/<int:pk>/", views.member_session, name="member_session"),
    path("mes-seances/<int:pk>/ordre-du-jour.pdf", member_views.agenda_pdf, name="member_agenda_pdf"),
    path("mes-seances/agenda/", member_views.subscription, name="calendar"),
    path("calendrier/<str:token>.ics", member_views.feed, name="calendar_feed"),
    path("mes-seances/<int:session_pk>/dossiers/<int:pk>/", views.case_summary, name="case_summary"),
    path("vivier/", views.pool, name="pool"),
    path("vivier/<int:pk>/", views.pool_entry, name="pool_entry"),
    path("vivier/<int:pk>/propositions/", views.add_offer, name="add_offer"),
    path("vivier/propositions/<int:pk>/reponse/", views.answer_offer, name="answer_offer"),
    path("vivier/inscrire/<int:procedure_pk>/", views.enter_pool, name="enter_pool"),
]
