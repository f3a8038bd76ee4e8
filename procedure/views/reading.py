"""Acts read from their PDF: drop them, follow their reading, check and confirm each one.

The secretariat only (403 for any other role); a PDF is reached through
reading.services.visible_documents (404 when not visible), and every opening is logged.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from directory.acting import in_departements, require_secretariat

from ..reading import services
from ..reading.forms import ActCheckForm, SetAsideForm
from ..reading.models import ActDocument, ReadingBatch

MAX_FILES = 50
WAITING_SHOWN = 20  # the batches still to check, dropped here or posted through the API
CONTEXT = 70  # characters shown around the words a field was read from


@require_http_methods(["GET", "POST"])
def drop(request):
    require_secretariat(request.user)
    errors = []
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        too_large = [upload.name for upload in uploads if upload.size > services.MAX_SIZE]
        if not uploads:
            errors.append("Choisissez au moins un PDF.")
        elif len(uploads) > MAX_FILES:
            errors.append(f"Déposez au plus {MAX_FILES} PDF à la fois ({len(uploads)} choisis).")
        elif too_large:
            errors += [f"« {name} » dépasse 20 Mo." for name in too_large]
        else:
            files = [(upload.name, upload.read()) for upload in uploads]
            try:
                batch = services.read_pdfs(files=files, user=request.user)
            except ValidationError as error:
                errors += error.messages
            else:
                return redirect("procedure:reading_batch", batch.pk)
    return render(
        request,
        "procedure/reading/drop.html",
        {
            "title": "Lire des actes PDF",
            "errors": errors,
            "max_files": MAX_FILES,
            "waiting": services.batches_to_check(request.user)[:WAITING_SHOWN],
        },
        status=400 if errors else 200,
    )


def _batch(request, pk):
    require_secretariat(request.user)
    return get_object_or_404(ReadingBatch.objects.filter(in_departements(request.user)), pk=pk)


def batch(request, pk):
    reading_batch = _batch(request, pk)
    documents = list(reading_batch.documents.select_related("procedure"))
    return render(
        request,
        "procedure/reading/batch.html",
        {
            "title": f"Actes déposés le {reading_batch.created_at:%d/%m/%Y}",
            "batch": reading_batch,
            "documents": documents,
            "progress": _progress(documents),
            "next": _next_pending(documents),
        },
    )


def batch_status(request, pk):
    documents = list(_batch(request, pk).documents.only("status"))
    return JsonResponse(_progress(documents))


def _progress(documents):
    read = sum(document.status != ActDocument.Status.QUEUED for document in documents)
    return {"read": read, "total": len(documents), "done": read == len(documents)}


def _next_pending(documents, after=None):
    pending = [d for d in documents if d.pending]
    later = [d for d in pending if after is None or d.pk > after.pk]
    return (later or pending or [None])[0]


# ---------------------------------------------------------------- one act


def _document(request, pk):
    document = get_object_or_404(services.visible_documents(request.user), pk=pk)
    require_secretariat(request.user)
    return document


@require_http_methods(["GET", "POST"])
def check(request, pk):
    document = _document(request, pk)
    if not document.pending:
        return _already_decided(request, document)
    if request.method == "POST" and "set_aside" in request.POST:
        return _set_aside(request, document)
    form = _check_form(request, document)
    context = {"rule_errors": [], "checked_ok": False}
    if not form.is_bound:
        if document.status == ActDocument.Status.READ:  # what the rules would say, before any key
            context["rule_errors"] = _labelled(form, services.check(form.initial, user=request.user))
        return _render_check(request, document, form, form.initial, context)
    if form.is_valid():
        values = form.contract_values()
        if "confirm" in request.POST:
            return _confirm(request, document, form, values)
        _add_errors(form, services.check(values, user=request.user))
        context["checked_ok"] = not form.errors
    values = form.contract_values() if form.is_valid() else form.initial
    return _render_check(request, document, form, values, context, status=400 if form.errors else 200)


def _check_form(request, document):
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "use_reference" in data:
        data["reference"] = data["use_reference"]
    form = ActCheckForm(data, initial=services.proposed_values(document))
    if document.status != ActDocument.Status.READ:
        form.fields["reference"].widget.attrs["autofocus"] = True  # nothing read: typing starts here
    return form


def _confirm(request, document, form, values):
    try:
        confirmed, errors = services.confirm(document=document, values=values, user=request.user)
    except ValidationError:  # decided by someone else in between
        return _already_decided(request, ActDocument.objects.get(pk=document.pk))
    if not errors:
        return _after_decision(request, confirmed, f"Acte enregistré sur le dossier {confirmed.procedure}.")
    _add_errors(form, errors)
    context = {"rule_errors": [], "checked_ok": False}
    return _render_check(request, document, form, values, context, status=400)


def _already_decided(request, document):
    messages.info(request, f"« {document.name} » est déjà {document.get_status_display().lower()}.")
    return redirect("procedure:reading_batch", document.batch_id)


def _labelled(form, errors):
    return [
        (form.fields[column].label if column in form.fields else "", message) for column, message in errors
    ]


def _add_errors(form, errors):
    for column, message in errors:
        form.add_error(column if column in form.fields else None, message)


def _set_aside(request, document):
    form = SetAsideForm(request.POST)
    form.is_valid()
    try:
        decided = services.set_aside(
            document=document, user=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError:  # decided by someone else in between
        return _already_decided(request, ActDocument.objects.get(pk=document.pk))
    return _after_decision(request, decided, f"« {decided.name} » écarté : rien n'a été enregistré.")


def _after_decision(request, document, message):
    messages.success(request, message)
    following = _next_pending(list(document.batch.documents.all()), after=document)
    if following is None:
        return redirect("procedure:reading_batch", document.batch_id)
    return redirect("procedure:reading_check", following.pk)


def _render_check(request, document, form, values, context, status=200):
    services.log_document_access(user=request.user, document=document)
    siblings = list(document.batch.documents.only("pk", "status", "name"))
    return render(
        request,
        "procedure/reading/check.html",
        {
            "title": f"Vérifier « {document.name} »",
            "document": document,
            "form": form,
            "rows": [(form[name], evidence(document, name)) for name in form.fields],
            "shown": [
                (label, document.proposals[name]["value"], evidence(document, name))
                for name, label in SHOWN_LABELS
                if name in document.proposals
            ],
            "candidates": services.candidates(values, user=request.user),
            "set_aside_form": SetAsideForm(),
            "position": next(i for i, d in enumerate(siblings, start=1) if d.pk == document.pk),
            "count": len(siblings),
        }
        | context,
        status=status,
    )


SHOWN_LABELS = (
    ("commissaire", "Commissaire de justice"),
    ("bailleur_personne_morale", "Bailleur personne morale"),
    ("tribunal", "Tribunal"),
    ("delai", "Délais de paiement accordés"),
)


def evidence(document, name):
    """The words the field was read from, highlighted in their sentence; "" when not read."""
    proposal = document.proposals.get(name)
    if not proposal:
        return ""
    text, start, end = document.text, proposal["start"], proposal["end"]
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return mark_safe(  # noqa: S308 - every piece is escaped
        f"…{escape(before)}<mark>{escape(text[start:end])}</mark>{escape(after)}…"
    )


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def pdf(request, pk):
    """The PDF itself, inline, from private storage; every opening is logged. Framed by the check
    page, so by our own pages only (X-Frame-Options and CSP frame-ancestors both say so)."""
    document = get_object_or_404(services.visible_documents(request.user), pk=pk)
    if not document.file:  # deleted with its case's personal data (procedure/retention.py)
        raise Http404
    services.log_document_access(user=request.user, document=document)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="acte-{document.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("actes/lire/", drop, name="reading_drop"),
    path("actes/lire/lots/<int:pk>/", batch, name="reading_batch"),
    path("actes/lire/lots/<int:pk>/etat/", batch_status, name="reading_batch_status"),
    path("actes/lire/<int:pk>/", check, name="reading_check"),
    path("actes/lire/<int:pk>/pdf/", pdf, name="reading_pdf"),
]
