"""Scheduling a case from the waiting queue: the saisine goes on a coming session of its
commission, with the same checks as from the session page (capacity, the formation's criteria)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from . import scope, services
from .forms import AddItemForm
from .models import ReviewRequest, Session
from .views import _render_session, secretariat_only


@require_POST
@secretariat_only
def schedule_review(request, pk):
    """A refusal shows on the session page, the case chosen, so that the secretariat may give the
    reason of an inscription outside the criteria there."""
    review = get_object_or_404(
        scope.reviews(request.user).filter(status=ReviewRequest.Status.PENDING, procedure__isnull=False),
        pk=pk,
    )
    session = get_object_or_404(
        scope.sessions(request.user)
        .select_related("commission")
        .filter(
            commission_id=review.commission_id, status__in=(Session.Status.PLANNED, Session.Status.PUBLISHED)
        ),
        pk=request.POST.get("session") or 0,
    )
    try:
        services.add_to_agenda(session=session, review=review, user=request.user)
    except services.CommissionRefused as error:
        form = AddItemForm({"review": review.pk, "household_invited": "on"}, session=session)
        form.is_valid()
        form.add_error(None, error)
        return _render_session(request, session, add_form=form, status=400)
    messages.success(request, f"Dossier inscrit à la séance du {session.date:%d/%m/%Y}.")
    return redirect("commissions:queue")
