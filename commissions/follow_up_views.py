"""The addressee's page for a recommendation: the case's context it needs and its answer.

Reached through `Recommendation.objects.visible_to` (404 otherwise); only the organisation named
answers (403 for the secretariat, who follows up from the session); each opening is logged.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from procedure import services as procedure_services

from . import follow_up
from .forms import AnswerRecommendationForm
from .models import Recommendation
from .services import CommissionRefused


def _get_recommendation(request, pk):
    queryset = Recommendation.objects.visible_to(request.user).select_related(
        "procedure__household",
        "procedure__lease__commune",
        "responsible",
        "agenda_item__session__commission",
        "answered_by",
    )
    return get_object_or_404(queryset, pk=pk)


def answer_recommendation(request, pk):
    recommendation = _get_recommendation(request, pk)
    follow_up.require_addressee(recommendation, request.user)
    form = AnswerRecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up.answer_recommendation(
                recommendation=recommendation, user=request.user, **form.cleaned_data
            )
            messages.success(request, "Votre réponse est transmise au secrétariat de la CCAPEX.")
            return redirect("referrals:inbox")
        except CommissionRefused as error:
            form.add_error(None, error)
    procedure_services.log_access(
        user=request.user, procedure=recommendation.procedure, context="préconisation"
    )
    return render(
        request,
        "commissions/answer_recommendation.html",
        {
            "title": f"Préconisation : {recommendation.get_kind_display()}",
            "recommendation": recommendation,
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )
