"""The referrals' screens: the inbox, a referral with its actions, the DSF and its PDF, the visit
report, attachments; the secretariat's request and support measures.

Every referral is reached through `Referral.objects.visible_to` (404 otherwise); every read of a
case writes an access-log row; an action the user may not take is a 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from directory.acting import is_secretariat
from procedure import rules
from procedure import services as procedure_services
from procedure.models import Procedure

from . import briefing, extensions, routing, services
from .forms import (
    AttachmentForm,
    CancelForm,
    ContactAttemptForm,
    DiagnosisForm,
    InboxFilterForm,
    RefuseForm,
    RequestReferralForm,
    SupportMeasureForm,
    SupportMeasureUpdateForm,
    UnreachableForm,
    VisitReportForm,
)
from .models import WORKING_ROLES, Attachment, Referral, SupportMeasure

INBOX_LIMIT = 200


def _require_inbox_role(request):
    if not (request.acting.is_secretariat or request.acting.role in WORKING_ROLES):
        raise PermissionDenied("Cette page est réservée aux travailleurs sociaux et au secrétariat.")


def _get_referral(request, pk):
    queryset = Referral.objects.visible_to(request.user).select_related(
        "procedure__household",
        "procedure__lease__commune",
        "procedure__landlord",
        "addressed_to",
        "requested_by",
    )
    return get_object_or_404(queryset, pk=pk)


def _back(referral):
    return redirect("referrals:detail", referral.pk)


# ---------------------------------------------------------------- the inbox


@require_http_methods(["GET"])
def inbox(request):
    """The organisation's referrals (all of them for the secretariat), soonest due first."""
    _require_inbox_role(request)
    form = InboxFilterForm(request.GET or None)
    referrals = Referral.objects.visible_to(request.user).select_related(
        "procedure__household", "procedure__lease__commune", "addressed_to"
    )
    referrals = _filter(referrals, form)
    return render(
        request,
        "referrals/inbox.html",
        {
            "title": "Orientations" if request.acting.is_secretariat else "Demandes reçues",
            "form": form,
            "referrals": list(referrals.order_by("due_date", "pk")[:INBOX_LIMIT]),
            "today": timezone.localdate(),
            "is_secretariat": request.acting.is_secretariat,
            "sections": [
                render_to_string(template, context(request), request=request)
                for template, context in extensions.INBOX_SECTIONS
            ],
        },
    )


def _filter(referrals, form):
    if not form.is_bound:
        return referrals.open()
    if not form.is_valid():
        return referrals
    data, today = form.cleaned_data, timezone.localdate()
    if data["status"]:
        referrals = referrals.filter(status=data["status"])
    if data["kind"]:
        referrals = referrals.filter(kind=data["kind"])
    if data["due"] == "retard":
        referrals = referrals.overdue(today)
    elif data["due"] == "semaine":
        referrals = referrals.open().filter(due_date__gte=today, due_date__lte=today + services.DUE_SOON)
    return referrals


# ---------------------------------------------------------------- a referral


@require_http_methods(["GET"])
def detail(request, pk):
    referral = _get_referral(request, pk)
    return _render_detail(request, referral)


def _render_detail(request, referral, status=200, **forms):
    procedure_services.log_access(user=request.user, procedure=referral.procedure, context="orientation")
    return render(request, "referrals/detail.html", _detail_context(request, referral, forms), status=status)


def _detail_context(request, referral, forms):
    procedure = referral.procedure
    events = list(procedure.events.all())
    user = request.user
    working = services.works_on(user, referral)
    hearing = services.hearing_date(procedure)
    return {
        "title": f"{referral.get_kind_display()} — {procedure.reference}",
        "referral": referral,
        "procedure": procedure,
        "household": procedure.household,
        "lease": procedure.lease,
        "stage": rules.current_stage(events),
        "events": events,
        "hearing_date": hearing,
        "interview_deadline": services.interview_deadline(referral),
        **briefing.briefing(referral, events, hearing),
        "transitions": list(referral.transitions.select_related("by")),
        "contacts": list(referral.contact_attempts.all()),
        "attachments": list(referral.attachments.all()),
        "diagnosis": referral.diagnosis if services.may_read_diagnosis(user, referral) else None,
        "draft": _draft(referral) if working else None,
        "visit_report": getattr(referral, "visit_report", None),
        "working": working,
        "is_secretariat": is_secretariat(user),
        "today": timezone.localdate(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "contact_form": forms.get("contact_form") or ContactAttemptForm(),
        "unreachable_form": forms.get("unreachable_form") or UnreachableForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }


def _draft(referral):
    diagnosis = getattr(referral, "diagnosis", None)
    return diagnosis if diagnosis is not None and not diagnosis.is_submitted else None


def _run(request, referral, action, success):
    """Call a service; its refusal becomes an error message on the referral page."""
    try:
        action()
    except services.ReferralRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, success)
    return _back(referral)


@require_POST
def accept(request, pk):
    referral = _get_referral(request, pk)
    return _run(
        request, referral, lambda: services.accept(referral=referral, user=request.user), "Demande acceptée."
    )


@require_POST
def start(request, pk):
    referral = _get_referral(request, pk)
    return _run(
        request, referral, lambda: services.start(referral=referral, user=request.user), "Demande en cours."
    )


@require_POST
def refuse(request, pk):
    referral = _get_referral(request, pk)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, referral, status=400, refuse_form=form)
    reason = form.cleaned_data["reason"]
    return _run(
        request,
        referral,
        lambda: services.refuse(referral=referral, user=request.user, reason=reason),
        "Demande refusée.",
    )


@require_POST
def log_contact(request, pk):
    referral = _get_referral(request, pk)
    form = ContactAttemptForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, referral, status=400, contact_form=form)
    return _run(
        request,
        referral,
        lambda: services.log_contact(referral=referral, user=request.user, **form.cleaned_data),
        "Tentative de contact enregistrée.",
    )


@require_POST
def unreachable(request, pk):
    referral = _get_referral(request, pk)
    form = UnreachableForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    return _run(
        request,
        referral,
        lambda: services.mark_unreachable(referral=referral, user=request.user, note=note),
        "Ménage injoignable : la demande est close (courrier de carence).",
    )


@require_POST
def cancel(request, pk):
    referral = _get_referral(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, referral, status=400, cancel_form=form)
    reason = form.cleaned_data["reason"]
    return _run(
        request,
        referral,
        lambda: services.cancel(referral=referral, user=request.user, reason=reason),
        "Demande annulée.",
    )


@require_POST
def share(request, pk):
    referral = _get_referral(request, pk)
    shared = request.POST.get("shared") == "1"
    return _run(
        request,
        referral,
        lambda: services.share_diagnosis(referral=referral, user=request.user, shared=shared),
        "Diagnostic partagé avec la commission." if shared else "Le diagnostic n'est plus partagé.",
    )


# ---------------------------------------------------------------- the DSF and the visit report


@require_http_methods(["GET", "POST"])
def diagnosis(request, pk):
    """The DSF form, prefilled with what Prévex knows: saved as a draft; "Transmettre" saves it
    and asks for confirmation (diagnosis_confirm), since a filed diagnosis is final."""
    referral = _get_referral(request, pk)
    if not services.works_on(request.user, referral):
        raise PermissionDenied("Seul l'organisme destinataire rédige le diagnostic.")
    instance = getattr(referral, "diagnosis", None)
    if instance is not None and instance.is_submitted:
        return _back(referral)
    submitting = "submit" in request.POST
    initial = briefing.diagnosis_initial(referral) if instance is None else None
    form = DiagnosisForm(request.POST or None, instance=instance, initial=initial, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.save_diagnosis(referral=referral, user=request.user, data=data)
        except services.ReferralRefused as refusal:
            messages.error(request, " ".join(refusal.messages))
            return _back(referral)
        if submitting:
            return redirect("referrals:diagnosis_confirm", referral.pk)
        messages.success(request, "Brouillon enregistré.")
        return redirect("referrals:diagnosis", referral.pk)
    procedure_services.log_access(user=request.user, procedure=referral.procedure, context="diagnostic")
    return render(
        request,
        "referrals/diagnosis_form.html",
        {
            "title": f"Diagnostic social et financier — {referral.procedure.reference}",
            "referral": referral,
            "form": form,
            "prefilled": initial is not None,
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def diagnosis_confirm(request, pk):
    """The saved draft read back before it is filed; filing it is final and tells the secretariat."""
    referral = _get_referral(request, pk)
    if not services.works_on(request.user, referral):
        raise PermissionDenied("Seul l'organisme destinataire transmet le diagnostic.")
    draft = _draft(referral)
    if draft is None:
        return _back(referral)
    if request.method == "POST":
        try:
            services.save_diagnosis(referral=referral, user=request.user, data={}, submit=True)
        except services.ReferralRefused as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect("referrals:diagnosis", referral.pk)
        messages.success(request, "Diagnostic transmis : le secrétariat de la CCAPEX est prévenu.")
        return _back(referral)
    procedure_services.log_access(user=request.user, procedure=referral.procedure, context="diagnostic")
    return render(
        request,
        "referrals/diagnosis_confirm.html",
        {
            "title": "Confirmer la transmission du diagnostic",
            "referral": referral,
            "diagnosis": draft,
            "fields": [
                (draft._meta.get_field(name), _shown(draft, name)) for name in DiagnosisForm.Meta.fields
            ],
        },
    )


def _shown(diagnosis, name):
    display = getattr(diagnosis, f"get_{name}_display", None)
    value = display() if display else getattr(diagnosis, name)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    return value


@require_http_methods(["GET"])
def diagnosis_pdf(request, pk):
    referral = _get_referral(request, pk)
    if not services.may_read_diagnosis(request.user, referral) or not referral.diagnosis.is_submitted:
        raise PermissionDenied("Ce diagnostic ne vous est pas accessible.")
    procedure_services.log_access(user=request.user, procedure=referral.procedure, context="diagnostic pdf")
    response = HttpResponse(services.diagnosis_pdf(referral=referral), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="dsf-{referral.procedure.reference}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def visit_report(request, pk):
    """The social report of a visite anticipation (annexe 3 §6)."""
    referral = _get_referral(request, pk)
    if not services.works_on(request.user, referral) or referral.kind != Referral.Kind.ANTICIPATION_VISIT:
        raise PermissionDenied("Seul l'opérateur de la visite rédige son rapport.")
    form = VisitReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        return _run(
            request,
            referral,
            lambda: services.file_visit_report(referral=referral, user=request.user, data=data),
            "Rapport de visite transmis.",
        )
    procedure_services.log_access(
        user=request.user, procedure=referral.procedure, context="rapport de visite"
    )
    return render(
        request,
        "referrals/visit_report_form.html",
        {
            "title": f"Rapport de visite anticipation — {referral.procedure.reference}",
            "referral": referral,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


# ---------------------------------------------------------------- attachments


@require_POST
def upload(request, pk):
    referral = _get_referral(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, referral, status=400, attachment_form=form)
    uploaded = form.cleaned_data["file"]
    return _run(
        request,
        referral,
        lambda: services.add_attachment(referral=referral, user=request.user, uploaded=uploaded),
        "Pièce jointe ajoutée.",
    )


@require_http_methods(["GET"])
def download(request, pk, attachment_pk):
    referral = _get_referral(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, referral=referral)
    procedure_services.log_access(user=request.user, procedure=referral.procedure, context="pièce jointe")
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="piece-{attachment.pk}"'
    return response


# ---------------------------------------------------------------- the secretariat's side


def _secretariat_case(request, procedure_pk):
    if not request.acting.is_secretariat:
        raise PermissionDenied("Réservé au secrétariat de la CCAPEX.")
    return get_object_or_404(
        Procedure.objects.visible_to(request.user).select_related("lease__commune", "household"),
        pk=procedure_pk,
    )


@require_http_methods(["GET", "POST"])
def request_referral(request, procedure_pk):
    """One click from a task: the form comes pre-filled with the routing's suggestion."""
    procedure = _secretariat_case(request, procedure_pk)
    task = _task(procedure, request.GET.get("task") or request.POST.get("task"))
    form = RequestReferralForm(
        request.POST or None,
        initial=_initial(procedure, request.GET.get("kind"), task),
        departement_code=procedure.departement_code,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.request_referral(
                procedure=procedure,
                kind=data["kind"],
                addressed_to=data["addressed_to"],
                user=request.user,
                reason=data["reason"],
                due_date=data["due_date"],
                funding_source=data["funding_source"],
                task=task,
            )
        except services.ReferralRefused as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, f"Demande adressée à {referral.addressed_to.name}.")
            return redirect("procedure:detail", procedure.pk)
    procedure_services.log_access(user=request.user, procedure=procedure, context="demande d'orientation")
    return render(
        request,
        "referrals/request_form.html",
        {
            "title": f"Nouvelle demande — {procedure.reference}",
            "procedure": procedure,
            "form": form,
            "task": task,
        },
        status=400 if form.is_bound else 200,
    )


def _task(procedure, task_id):
    if not task_id or not str(task_id).isdigit():
        return None
    return procedure.tasks.filter(pk=task_id).first()


def _initial(procedure, kind, task):
    kind = (services.kind_for_task(task) if task else None) or kind
    if kind not in Referral.Kind.values:
        kind = Referral.Kind.DSF
    return {
        "kind": kind,
        "addressed_to": routing.suggest_organisation(kind=kind, procedure=procedure),
        "due_date": services.default_due_date(kind=kind, procedure=procedure),
        "task": task.pk if task else None,
    }


@require_http_methods(["GET", "POST"])
def add_measure(request, procedure_pk):
    procedure = _secretariat_case(request, procedure_pk)
    form = SupportMeasureForm(request.POST or None, initial={"proposed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_support_measure(procedure=procedure, user=request.user, **form.cleaned_data)
        except services.ReferralRefused as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, "Mesure d'accompagnement enregistrée.")
            return redirect("procedure:detail", procedure.pk)
    procedure_services.log_access(user=request.user, procedure=procedure, context="mesure d'accompagnement")
    return render(
        request,
        "referrals/measure_form.html",
        {
            "title": f"Mesure d'accompagnement — {procedure.reference}",
            "procedure": procedure,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


def _secretariat_measure(request, pk):
    if not request.acting.is_secretariat:
        raise PermissionDenied("Réservé au secrétariat de la CCAPEX.")
    return get_object_or_404(
        SupportMeasure.objects.filter(
            procedure__in=Procedure.objects.visible_to(request.user)
        ).select_related("procedure__household", "operator"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def edit_measure(request, pk):
    """The household's acceptance or refusal, and the start and end dates of a proposed measure."""
    measure = _secretariat_measure(request, pk)
    form = SupportMeasureUpdateForm.for_measure(measure, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_support_measure(measure=measure, user=request.user, **form.cleaned_data)
        except services.ReferralRefused as refusal:
            form.add_error(None, " ".join(refusal.messages))
        else:
            messages.success(request, "Mesure d'accompagnement mise à jour.")
            return redirect("procedure:detail", measure.procedure_id)
    procedure_services.log_access(
        user=request.user, procedure=measure.procedure, context="mesure d'accompagnement"
    )
    return render(
        request,
        "referrals/measure_edit.html",
        {
            "title": f"{measure.get_kind_display()} — {measure.procedure.reference}",
            "measure": measure,
            "procedure": measure.procedure,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def renew_measure(request, pk):
    measure = _secretariat_measure(request, pk)
    try:
        services.renew_support_measure(measure=measure, user=request.user)
    except services.ReferralRefused as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, "Mesure renouvelée.")
    return redirect("procedure:detail", measure.procedure_id)
