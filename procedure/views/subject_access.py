"""A household's data on request (procedure/subject_access.py): the secretariat downloads it as
JSON or PDF from the case page; each download is logged."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from directory.acting import require_secretariat

from .. import services, subject_access
from .case import _get_case

FORMATS = {"json": "application/json; charset=utf-8", "pdf": "application/pdf"}


@require_GET
def subject_export(request, pk, fmt):
    procedure = _get_case(request, pk)
    require_secretariat(request.user)
    if fmt not in FORMATS:
        raise Http404
    household = procedure.household
    data = subject_access.export(household)
    services.log_access(
        user=request.user,
        procedure=procedure,
        context="données du ménage",
        format=fmt,
        household=household.pk,
    )
    if fmt == "json":
        content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")
    else:
        content = subject_access.render_pdf(household, data)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="donnees-menage-{household.pk}.{fmt}"'
    return response


urlpatterns = [
    path("procedures/<int:pk>/donnees-du-menage.<str:fmt>", subject_export, name="subject_export"),
]
