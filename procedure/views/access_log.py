"""The access log, for the administrators: consult, filter, export (procedure/access_log.py)."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from directory.models import Role

from .. import access_log as log
from ..filters import AccessLogFilter
from ..models import AccessLog, ReadingAlert

PAGE_SIZE = 50


@require_GET
def access_log(request):
    """The log, newest first, with the same filters for the page and its CSV export."""
    if request.acting.role != Role.ADMIN:
        raise PermissionDenied("Le journal des consultations est réservé aux administrateurs.")
    codes = request.acting.departements  # issue 16: the reads of its départements' cases and readers
    entries = AccessLog.objects.filter(log.of_departements(codes)).select_related(
        "user", "api_token", "organisation", "procedure"
    )
    filterset = AccessLogFilter(request.GET, queryset=entries, request=request)
    if request.GET.get("format") == "csv":
        response = HttpResponse(log.export_csv(filterset.qs), content_type="text/csv; charset=utf-8")
        name = f"journal-consultations-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.detail_items = log.detail_items(entry)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "title": "Journal des consultations",
        "filter": filterset,
        "page_obj": page,
        "export_query": query.urlencode(),
        "alerts": ReadingAlert.objects.select_related("user")[:10],
    }
    return render(request, "procedure/access_log.html", context)


urlpatterns = [path("journal-des-consultations/", access_log, name="access_log")]
