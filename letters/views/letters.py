"""Letters: the secretariat's page (a week's questionnaires in one action, with progress), a
letter's PDF for whoever may see the case, generation and status on the case, questionnaire
answers, and the administrators' template editor with a preview on a real case."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from directory.acting import in_departements, require_secretariat
from directory.french import counted
from directory.models import Role
from procedure import services as procedure_services
from procedure.models import Procedure

from .. import defaults, placeholders
from ..forms import AnswerForm, BatchForm, GenerateLetterForm, LetterStatusForm, TemplateForm
from ..models import Letter, LetterBatch, LetterKind, LetterTemplate
from ..services import letters as services
from ..services.weekly_lists import iso_week_label, week_start_of


def _require_admin(request):
    if request.acting.role != Role.ADMIN:
        raise PermissionDenied


def index(request):
    require_secretariat(request.user)
    last_week = week_start_of(timezone.localdate()) - datetime.timedelta(days=7)
    form = BatchForm(request.POST or None, initial={"week": iso_week_label(last_week)})
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_batch(week_start=form.cleaned_data["week"], user=request.user)
        except services.LetterRefused as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Génération de {counted(batch.total, 'questionnaire')} lancée.")
            return redirect("letters:index")
    batches = LetterBatch.objects.filter(in_departements(request.user)).select_related("created_by")[:10]
    return render(request, "letters/index.html", {"title": "Courriers", "form": form, "batches": batches})


def batch_progress(request, pk):
    require_secretariat(request.user)
    batch = get_object_or_404(LetterBatch.objects.filter(in_departements(request.user)), pk=pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "done": batch.done,
            "total": batch.total,
            "percent": batch.percent,
            "bundle_url": _bundle_url(batch) if batch.bundle else "",
        }
    )


def _bundle_url(batch):
    from django.urls import reverse

    return reverse("letters:batch_bundle", args=[batch.pk])


def batch_bundle(request, pk):
    require_secretariat(request.user)
    batch = get_object_or_404(
        LetterBatch.objects.filter(in_departements(request.user)).exclude(bundle=""), pk=pk
    )
    return FileResponse(batch.bundle.open("rb"), filename=batch.bundle.name.rsplit("/", 1)[-1])


def letter_pdf(request, pk):
    letter = get_object_or_404(Letter.objects.visible_to(request.user), pk=pk)
    procedure_services.log_access(user=request.user, procedure=letter.procedure, context="courrier")
    return FileResponse(letter.file.open("rb"), filename=f"{letter.procedure.reference}-{letter.kind}.pdf")


@require_POST
def generate(request, procedure_pk):
    require_secretariat(request.user)
    procedure = get_object_or_404(Procedure.objects.visible_to(request.user), pk=procedure_pk)
    form = GenerateLetterForm(request.POST)
    if form.is_valid():
        try:
            letter = services.generate(procedure=procedure, kind=form.cleaned_data["kind"], user=request.user)
        except services.LetterRefused as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(request, f"Courrier « {letter.get_kind_display()} » généré.")
    return redirect("procedure:detail", pk=procedure.pk)


@require_POST
def set_status(request, pk):
    letter = get_object_or_404(Letter.objects.visible_to(request.user).select_related("procedure"), pk=pk)
    require_secretariat(request.user)
    form = LetterStatusForm(request.POST)
    if form.is_valid():
        services.set_status(letter=letter, status=form.cleaned_data["status"], user=request.user)
        messages.success(request, f"Courrier : {letter.get_status_display().lower()}.")
    return redirect("procedure:detail", pk=letter.procedure_id)


def answer(request, procedure_pk):
    procedure = get_object_or_404(Procedure.objects.visible_to(request.user), pk=procedure_pk)
    require_secretariat(request.user)
    form = AnswerForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        letter = (
            procedure.letters.filter(
                kind__in=[LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.QUESTIONNAIRE_OWNER]
            )
            .order_by("-created_at")
            .first()
        )
        services.record_answer(procedure=procedure, user=request.user, letter=letter, **form.cleaned_data)
        messages.success(request, "Réponse au questionnaire enregistrée.")
        return redirect("procedure:detail", pk=procedure.pk)
    procedure_services.log_access(user=request.user, procedure=procedure, context="réponse au questionnaire")
    return render(
        request,
        "letters/answer.html",
        {"title": "Réponse au questionnaire", "form": form, "procedure": procedure},
    )


def _departement(request):
    """The département whose templates the administrator edits: the acting organisation's own."""
    return request.acting.organisation.departement_code


def templates(request):
    _require_admin(request)
    departement = _departement(request)
    templates = LetterTemplate.objects.filter(departement_code=departement)
    with_versions = set(templates.filter(versions__isnull=False).values_list("kind", flat=True))
    for kind in set(LetterKind.values) - with_versions:  # the Charte's wording, at first use
        services.current_version(kind, departement)
    items = templates.prefetch_related("versions")
    return render(request, "letters/templates.html", {"title": "Modèles de courrier", "templates": items})


def edit_template(request, kind):
    _require_admin(request)
    if kind not in LetterKind.values:
        raise PermissionDenied
    version = services.current_version(kind, _departement(request))
    subject, body = version.subject, version.body
    if request.GET.get("texte") == "defaut":
        subject, body = defaults.DEFAULTS[LetterKind(kind)]
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview(request, form, version)
        else:
            try:
                new = services.save_version(
                    template=version.template,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"Version {new.number} enregistrée : les prochains courriers l'utilisent."
                )
                return redirect("letters:templates")
    return render(
        request,
        "letters/template_edit.html",
        {
            "title": f"Modèle : {version.template}",
            "form": form,
            "version": version,
            "preview": preview,
            "placeholders": placeholders.PLACEHOLDERS.items(),
            "missing": services.missing_default_placeholders(version),
        },
    )


def _preview(request, form, version):
    reference = form.cleaned_data.get("preview_reference", "").strip()
    procedures = Procedure.objects.visible_to(request.user).select_related(
        "household", "lease__commune", "landlord"
    )
    procedure = procedures.filter(reference=reference).first() if reference else procedures.first()
    if procedure is None:
        form.add_error("preview_reference", "Aucune procédure avec cette référence.")
        return None
    draft = type(version)(
        template=version.template, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"]
    )
    fonts = static("dsfr/dist/fonts/")
    try:
        html = services.letter_html(procedure, draft, fonts_base=fonts)
    except services.LetterRefused as refusal:
        form.add_error(None, refusal)
        return None
    # The preview's own <style> is the one inline style the CSP allows, by the request's nonce.
    html = html.replace("<style>", f'<style nonce="{request.csp_nonce}">')
    return {"procedure": procedure, "html": mark_safe(html)}
