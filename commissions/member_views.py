"""The members' agenda PDF and their calendar subscription (a private, revocable feed URL).

The PDF is reached like the agenda (404 outside the member's open sessions, 403 for other roles)
and logs a reading of each case it lists; the feed answers to its token alone, 404 once revoked."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from procedure import services as procedure_services

from . import calendar
from .views import _decorate_stages, _member_sessions


def agenda_pdf(request, pk):
    session = get_object_or_404(_member_sessions(request).select_related("commission"), pk=pk)
    items = list(
        session.items.select_related("procedure__household", "procedure__lease__commune").order_by("order")
    )
    _decorate_stages(items)
    procedure_services.log_access_to_each(
        user=request.user, procedures=[item.procedure for item in items], context="ordre du jour pdf"
    )
    response = HttpResponse(calendar.agenda_pdf(session, items), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ordre-du-jour-{session.date:%Y-%m-%d}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def subscription(request):
    _member_sessions(request)  # 403 for other roles
    url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            calendar.revoke_feed(request.user)
            messages.success(request, "Lien révoqué : l'ancien lien ne donne plus rien.")
            return redirect("commissions:calendar")
        url = calendar.new_feed(request.user)
    return render(
        request,
        "commissions/calendar.html",
        {"title": "Mes séances dans mon agenda", "feed": calendar.active_feed(request.user), "url": url},
    )


def feed(request, token):
    user = calendar.feed_owner(token)
    if user is None:
        raise Http404
    response = HttpResponse(
        calendar.ical(calendar.sessions_sat_on(user)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="seances-ccapex.ics"'
    return response
