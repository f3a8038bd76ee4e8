"""The page of a document built in the background: its progress while it is built (a fragment
polled by static/prevex/background_export.js, or the page reloaded by hand without JavaScript), then
its link. Only its requester, acting as when they asked, reaches it (404 otherwise); the download
is logged (law.md)."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from .. import services as procedure_services
from . import services
from .models import BackgroundExport


def _context(export):
    builder = services.BUILDERS.get(export.kind)
    return {
        "title": builder.label if builder else "Document",
        "export": export,
        "builder": builder,
        "back_url": reverse(builder.back_url_name) if builder else reverse("home"),
        "back_label": builder.back_label if builder else "Accueil",
        "hours": settings.BACKGROUND_EXPORT_HOURS,
    }


@require_GET
def export_page(request, pk):
    export = get_object_or_404(services.for_request(request), pk=pk)
    return render(request, "procedure/background_export.html", _context(export))


@require_GET
def export_status(request, pk):
    """The progress block alone, for the page's polling."""
    export = get_object_or_404(services.for_request(request), pk=pk)
    return render(request, "procedure/_background_export_status.html", _context(export))


@require_GET
def export_download(request, pk):
    export = get_object_or_404(
        services.for_request(request).filter(status=BackgroundExport.Status.READY).exclude(file=""), pk=pk
    )
    builder = services.BUILDERS.get(export.kind)
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    procedure_services.log_access(
        user=request.user,
        context=(builder.label if builder else export.kind).lower(),
        background_export=export.pk,
        file=export.filename,
        rows=export.rows,
        **({"filters": export.params["query"]} if "query" in export.params else {}),
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export.filename,
        content_type=builder.content_type if builder else "application/octet-stream",
    )


urlpatterns = [
    path("documents/<int:pk>/", export_page, name="background_export"),
    path("documents/<int:pk>/etat/", export_status, name="background_export_status"),
    path("documents/<int:pk>/telecharger/", export_download, name="background_export_download"),
]
