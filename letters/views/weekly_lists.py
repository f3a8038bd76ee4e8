"""The weekly lists: the secretariat's page (state of every send, resend), the recipient's download
page, and the preview of next Monday's lists."""

import datetime

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from directory.acting import acting_departements, require_secretariat
from directory.models import Organisation
from procedure import services as procedure_services

from ..forms import ResendForm
from ..models import ListKind, WeeklyList
from ..services import delivery, weekly_lists

PAGE_SIZE = 60
FORMATS = {"xlsx": "xlsx", "csv": "csv", "pdf": "pdf"}


def _visible_lists(request):
    """The secretariat sees the lists of its départements' recipients; a recipient organisation
    sees its own."""
    lists = WeeklyList.objects.select_related("recipient")
    if request.acting.is_secretariat:
        return lists.filter(recipient__in=Organisation.objects.serving(*request.acting.departements))
    if request.acting.organisation is None:
        return lists.none()
    return lists.filter(recipient=request.acting.organisation)


def index(request):
    require_secretariat(request.user)
    lists = list(_visible_lists(request)[:PAGE_SIZE])
    failed = [weekly for weekly in lists if weekly.status == WeeklyList.Status.FAILED]
    return render(
        request,
        "letters/weekly_lists.html",
        {"title": "Listes hebdomadaires", "lists": lists, "failed": failed, "form": ResendForm()},
    )


def detail(request, pk):
    weekly = get_object_or_404(_visible_lists(request), pk=pk)
    deliveries = weekly.deliveries.select_related("user") if request.acting.is_secretariat else []
    return render(
        request,
        "letters/weekly_list_detail.html",
        {"title": str(weekly), "weekly": weekly, "deliveries": deliveries, "form": ResendForm()},
    )


def download(request, pk, fmt):
    weekly = get_object_or_404(_visible_lists(request), pk=pk)
    if fmt not in FORMATS:
        raise Http404
    field = getattr(weekly, fmt)
    if not field:
        raise Http404
    filename = f"{weekly.kind}-{weekly.iso_week}.{fmt}"
    procedure_services.log_access(
        user=request.user,
        context="liste hebdomadaire",
        weekly_list=weekly.pk,
        file=filename,
        rows=weekly.row_count,
    )
    return FileResponse(field.open("rb"), as_attachment=True, filename=filename)


@require_POST
def resend(request, pk):
    require_secretariat(request.user)
    weekly = get_object_or_404(_visible_lists(request), pk=pk)
    form = ResendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Le motif du renvoi est obligatoire.")
    elif delivery.resend(weekly=weekly, user=request.user, reason=form.cleaned_data["reason"]):
        messages.success(request, f"Renvoi de la liste à {weekly.recipient} demandé.")
    else:
        messages.warning(request, "Cette liste est en cours d'envoi : réessayez dans quelques minutes.")
    return redirect("letters:weekly_list_detail", pk=weekly.pk)


def preview(request):
    """Next Monday's lists as they stand: the current week's acts so far."""
    require_secretariat(request.user)
    week_start = weekly_lists.week_start_of(timezone.localdate())
    departements = acting_departements(request.user)
    sections = [
        {
            "label": kind.label,
            "columns": [weekly_lists.COLUMN_TITLES[column] for column in weekly_lists.COLUMNS[kind]],
            "rows": [
                [row[c] for c in weekly_lists.COLUMNS[kind]]
                for row in weekly_lists.rows(kind, week_start, departements)
            ],
            "recipients": weekly_lists.recipients(kind, departements),
        }
        for kind in ListKind
    ]
    return render(
        request,
        "letters/weekly_lists_preview.html",
        {
            "title": "Aperçu des listes de lundi prochain",
            "week": weekly_lists.iso_week_label(week_start),
            "week_start": week_start,
            "week_end": week_start + datetime.timedelta(days=6),
            "next_monday": week_start + datetime.timedelta(days=7),
            "sections": sections,
        },
    )
