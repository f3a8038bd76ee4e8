"""A case's "Historique des modifications": every change to its referrals, diagnoses, saisines,
opinions and recommendations (django-simple-history, directory/history.py), as the apps' sources
registered in `extensions.CASE_HISTORY_SOURCES` let the user read them (a social worker reads the
history of the referrals addressed to their organisation only). The read is logged."""

from django.shortcuts import render
from django.urls import path

from directory import history

from .. import extensions, services
from .case import _get_case


def case_history(request, pk):
    procedure = _get_case(request, pk)
    services.log_access(user=request.user, procedure=procedure, context="historique des modifications")
    querysets = [qs for source in extensions.CASE_HISTORY_SOURCES for qs in source(procedure, request.user)]
    return render(
        request,
        "procedure/case_history.html",
        {
            "title": f"Historique des modifications — dossier {procedure.reference}",
            "procedure": procedure,
            "entries": history.entries(querysets),
        },
    )


urlpatterns = [
    path("procedures/<int:pk>/historique-des-modifications/", case_history, name="case_history"),
]
