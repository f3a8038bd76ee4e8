"""A household that moves: the transfer of its case to another département's secretariat
(procedure/transfers.py) — the request from the case page, the list of transfers, and the page
where the secretariat asked accepts or refuses."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from directory.acting import require_secretariat
from directory.forms import DsfrForm

from .. import services, transfers
from ..models import CaseTransfer
from .case import _get_case


class TransferForm(DsfrForm):
    to_departement = forms.ChoiceField(label="Département d'accueil")
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ex. : le ménage a déménagé à Chalon-sur-Saône le 2 novembre.",
    )

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_departement"].choices = [
            ("", "Choisir un département"),
            *transfers.receiving_departements(exclude=exclude),
        ]


class RefuseTransferForm(DsfrForm):
    refusal_reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Le secrétariat demandeur le lira.",
    )


@require_http_methods(["GET", "POST"])
def transfer_request(request, pk):
    procedure = _get_case(request, pk)
    require_secretariat(request.user)
    form = TransferForm(request.POST or None, exclude=[procedure.departement_code])
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfers.request_transfer(
                procedure=procedure,
                to_departement=form.cleaned_data["to_departement"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except transfers.TransferRefused as refusal:
            form.add_error(None, refusal)
        else:
            label = transfers.departement_label(transfer.to_departement)
            messages.success(
                request,
                f"Transfert demandé au secrétariat de {label} : le dossier reste le vôtre jusqu'à sa réponse.",  # noqa: E501
            )
            return redirect("procedure:detail", pk=procedure.pk)
    services.log_access(user=request.user, procedure=procedure, context="transfert (demande)")
    pending = procedure.transfers.filter(status=CaseTransfer.Status.PENDING).first()
    return render(
        request,
        "procedure/transfer_request.html",
        {"title": "Transférer le dossier", "procedure": procedure, "form": form, "pending": pending},
    )


def transfer_list(request):
    require_secretariat(request.user)
    codes = request.acting.departements
    visible = transfers.visible_to(request.user).select_related("procedure__household", "requested_by")
    incoming = [t for t in visible if t.to_departement in codes and t.status == CaseTransfer.Status.PENDING]
    others = [t for t in visible[:100] if t not in incoming]
    for transfer in incoming + others:
        transfer.from_label = transfers.departement_label(transfer.from_departement)
        transfer.to_label = transfers.departement_label(transfer.to_departement)
    return render(
        request,
        "procedure/transfers.html",
        {"title": "Transferts de dossiers", "incoming": incoming, "others": others},
    )


def _transfer(request, pk):
    require_secretariat(request.user)
    return get_object_or_404(
        transfers.visible_to(request.user).select_related(
            "procedure__household", "procedure__lease__commune", "requested_by", "decided_by"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def transfer_detail(request, pk):
    transfer = _transfer(request, pk)
    codes = request.acting.departements
    asked = transfer.to_departement in codes and transfer.status == CaseTransfer.Status.PENDING
    refuse_form = RefuseTransferForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accepter":
                transfers.accept(transfer=transfer, user=request.user)
                messages.success(
                    request, "Transfert accepté : le dossier est désormais celui de votre département."
                )
                return redirect("procedure:detail", pk=transfer.procedure_id)
            if action == "refuser":
                if refuse_form.is_valid():
                    transfers.refuse(
                        transfer=transfer,
                        user=request.user,
                        reason=refuse_form.cleaned_data["refusal_reason"],
                    )
                    messages.success(
                        request, "Transfert refusé : le secrétariat demandeur en verra le motif."
                    )
                    return redirect("procedure:transfers")
            elif action == "annuler":
                transfers.cancel(transfer=transfer, user=request.user)
                messages.success(request, "Transfert annulé.")
                return redirect("procedure:detail", pk=transfer.procedure_id)
            else:
                raise Http404
        except transfers.TransferRefused as refusal:
            refuse_form.add_error(None, refusal)
    services.log_access(
        user=request.user, procedure=transfer.procedure, context="transfert", transfer=transfer.pk
    )
    return render(
        request,
        "procedure/transfer_detail.html",
        {
            "title": f"Transfert du dossier {transfer.procedure.reference}",
            "transfer": transfer,
            "procedure": transfer.procedure,
            "from_label": transfers.departement_label(transfer.from_departement),
            "to_label": transfers.departement_label(transfer.to_departement),
            "asked": asked,
            "may_cancel": transfer.from_departement in codes
            and transfer.status == CaseTransfer.Status.PENDING,
            "refuse_form": refuse_form if request.method == "POST" else RefuseTransferForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("procedures/<int:pk>/transfert/", transfer_request, name="transfer_request"),
    path("transferts/", transfer_list, name="transfers"),
    path("transferts/<int:pk>/", transfer_detail, name="transfer_detail"),
]
