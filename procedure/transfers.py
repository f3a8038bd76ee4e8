"""A household that moves (issue 16 item 3): the secretariat hands its case to another
département's secretariat, which accepts or refuses it.

While the request waits, the case stays in its département; the secretariat asked reads its summary
(reference, household, commune, stage, debt, reason) on the request's page, a read logged like any
other. Accepted, the case changes département: its acts (and the département they carry, decision
017), tasks, history and access log go with it (they hang on the procedure), the tasks given to a
member of the former secretariat are given back to nobody (and those given to an organisation that
does not work in the new département), and the change is in its history. Who read it before stays
in the access log, and the former département's administrators still see their own people's reads
(access_log.of_departements). What of the case still belongs to the former département (saisines
and agenda items not examined yet, open referrals, the grants of its partners) is closed by the apps
through extensions.CASE_TRANSFERRED, in the same transaction.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from directory.acting import acting_departements, require_secretariat
from directory.departements.loading import departement_names
from directory.models import Membership, Organisation, Role

from . import extensions, services
from .models import CaseTransfer, Procedure, ProcedureEvent, Task


class TransferRefused(ValidationError):
    pass


@cache
def _names() -> dict[str, str]:
    return departement_names()


def departement_label(code: str) -> str:
    name = _names().get(code)
    return f"{name} ({code})" if name else code


def receiving_departements(exclude=()) -> list[tuple[str, str]]:
    """(code, label) of the départements with an active secretariat, to hand a case to."""
    secretariats = Membership.objects.active().filter(role=Role.SECRETARIAT).values("organisation")
    codes = set(
        Organisation.objects.filter(pk__in=secretariats).values_list("departement_code", flat=True).distinct()
    )
    return [(code, departement_label(code)) for code in sorted(codes - set(exclude))]


def visible_to(user):
    """The transfers of a secretariat's départements, from them or to them."""
    codes = acting_departements(user)
    return CaseTransfer.objects.filter(Q(from_departement__in=codes) | Q(to_departement__in=codes))


def request_transfer(*, procedure, to_departement, reason, user) -> CaseTransfer:
    require_secretariat(user)
    reason = (reason or "").strip()
    if procedure.departement_code not in acting_departements(user):
        raise TransferRefused("Ce dossier n'est pas celui de votre département.")
    if not reason:
        raise TransferRefused("Indiquez le motif du transfert (ex. : le ménage a déménagé).")
    if to_departement == procedure.departement_code:
        raise TransferRefused("Choisissez un autre département que celui du dossier.")
    if to_departement not in dict(receiving_departements()):
        raise TransferRefused("Aucun secrétariat de CCAPEX n'utilise Prévex dans ce département.")
    if procedure.closed:
        raise TransferRefused("Un dossier clos ne se transfère pas.")
    with transaction.atomic():
        Procedure.objects.select_for_update().get(pk=procedure.pk)
        if CaseTransfer.objects.filter(procedure=procedure, status=CaseTransfer.Status.PENDING).exists():
            raise TransferRefused("Un transfert de ce dossier attend déjà sa réponse.")
        transfer = CaseTransfer.objects.create(
            procedure=procedure,
            from_departement=procedure.departement_code,
            to_departement=to_departement,
            reason=reason,
            requested_by=user,
        )
        services.change_log(
            procedure,
            {"transfert demandé vers": (None, departement_label(to_departement))},
            user,
            reason=reason[:250],
        ).save()
    return transfer


def _decide(transfer, user, *, side):
    require_secretariat(user)
    locked = CaseTransfer.objects.select_for_update().select_related("procedure").get(pk=transfer.pk)
    codes = acting_departements(user)
    if (locked.to_departement if side == "to" else locked.from_departement) not in codes:
        raise TransferRefused("Ce transfert ne vous est pas adressé.")
    if locked.status != CaseTransfer.Status.PENDING:
        raise TransferRefused(
            f"Ce transfert n'attend plus de réponse ({locked.get_status_display().lower()})."
        )
    return locked


def accept(*, transfer, user) -> CaseTransfer:
    """The case joins the département asked: one UPDATE of its département (and its acts' and
    tasks'), its history kept. The caller's procedure takes its new département too (an act
    recorded on it next carries it, decision 017)."""
    asked = transfer
    with transaction.atomic():
        transfer = _decide(transfer, user, side="to")
        procedure = transfer.procedure
        Procedure.objects.filter(pk=procedure.pk).update(departement_code=transfer.to_departement)
        # Its acts count in the new département from now on (decision 017), cancelled ones too.
        ProcedureEvent.all_objects.filter(procedure=procedure).update(
            departement_code=transfer.to_departement
        )
        # Its tasks are in the new département's work queue (closed ones too, for the history).
        Task.objects.filter(procedure=procedure).update(departement_code=transfer.to_departement)
        open_tasks = Task.objects.filter(procedure=procedure, status=Task.Status.OPEN)
        open_tasks.filter(assignee__isnull=False).update(assignee=None)
        open_tasks.filter(assigned_to__isnull=False).exclude(
            assigned_to__in=Organisation.objects.serving(transfer.to_departement)
        ).update(assigned_to=None)
        transfer.status, transfer.decided_by, transfer.decided_at = (
            CaseTransfer.Status.ACCEPTED,
            user,
            timezone.now(),
        )
        transfer.save(update_fields=["status", "decided_by", "decided_at"])
        services.change_log(
            procedure,
            {
                "département": (
                    departement_label(transfer.from_departement),
                    departement_label(transfer.to_departement),
                )
            },
            user,
            reason="Transfert accepté",
        ).save()
        procedure.departement_code = transfer.to_departement
        for moved in extensions.CASE_TRANSFERRED:
            moved(transfer, user)
    if "procedure" in asked._state.fields_cache:
        asked.procedure.departement_code = transfer.to_departement
    return transfer


def refuse(*, transfer, user, reason) -> CaseTransfer:
    reason = (reason or "").strip()
    if not reason:
        raise TransferRefused("Indiquez le motif du refus : le secrétariat qui l'a demandé le lira.")
    with transaction.atomic():
        transfer = _decide(transfer, user, side="to")
        transfer.status, transfer.decided_by, transfer.decided_at = (
            CaseTransfer.Status.REFUSED,
            user,
            timezone.now(),
        )
        transfer.refusal_reason = reason
        transfer.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        services.change_log(
            transfer.procedure,
            {"transfert refusé par": (None, departement_label(transfer.to_departement))},
            user,
            reason=reason[:250],
        ).save()
    return transfer


def cancel(*, transfer, user) -> CaseTransfer:
    with transaction.atomic():
        transfer = _decide(transfer, user, side="from")
        transfer.status, transfer.decided_by, transfer.decided_at = (
            CaseTransfer.Status.CANCELLED,
            user,
            timezone.now(),
        )
        transfer.save(update_fields=["status", "decided_by", "decided_at"])
        services.change_log(
            transfer.procedure,
            {"transfert annulé vers": (None, departement_label(transfer.to_departement))},
            user,
            reason="Transfert annulé",
        ).save()
    return transfer
