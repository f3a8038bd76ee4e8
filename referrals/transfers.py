"""A case transferred to another département (issue 16 item 3): its open referrals were addressed
to the former département's organisations, chosen by its routing rules. The secretariat that
accepts the case closes them as « Close : dossier transféré » (the organisation is told by e-mail and
loses its access at once, as for a cancelled request), and finds one task per closed request in its
work queue, to address it again to one of its own organisations. The support measures running then
(an ASLL, a MASP: the former département's, by its operators) end on the day of the transfer, their
operator told by e-mail."""

from django.utils import timezone

from procedure import services as procedure_services
from procedure.models import Task
from procedure.transfers import departement_label

from . import services
from .models import Referral, SupportMeasure

S = Referral.Status

AGAIN_PREFIX = services.AGAIN_PREFIX


def close_on_transfer(transfer, user) -> list[Referral]:
    """procedure.extensions.CASE_TRANSFERRED: every open referral of the case, closed and offered
    again to the secretariat that now holds it; every referral of the case takes its new
    département."""
    label = departement_label(transfer.to_departement)
    note = f"Dossier transféré au département {label} : demande close, à orienter à nouveau là-bas."
    # Its referrals, past ones too, count in the new département from now on (decision 017).
    Referral.objects.filter(procedure=transfer.procedure).update(departement_code=transfer.to_departement)
    open_referrals = (
        Referral.objects.open().filter(procedure=transfer.procedure).select_related("addressed_to")
    )
    closed = []
    for referral in open_referrals:
        organisation = referral.addressed_to
        referral = services._move(referral, S.TRANSFERRED, user=user, note=note)
        _tell(organisation, referral, label)
        closed.append((referral, organisation))
    _offer_again(transfer.procedure, closed)
    end_measures(transfer.procedure, label)
    return [referral for referral, _ in closed]


def end_measures(procedure, label) -> list[SupportMeasure]:
    """The measures started and not yet ended end today, with a note; each saved (its history kept)."""
    today = timezone.localdate()
    running = SupportMeasure.objects.filter(procedure=procedure, start_date__lte=today).exclude(
        end_date__lte=today
    )
    ended = []
    for measure in running.select_related("operator"):
        measure.end_date = today
        note = f"Fin au {today:%d/%m/%Y} : dossier transféré au département {label}."
        measure.note = f"{measure.note} — {note}"[-250:] if measure.note else note
        measure.save(update_fields=["end_date", "note"])
        if measure.operator:
            _tell_measure_ended(measure, label)
        ended.append(measure)
    return ended


def _tell_measure_ended(measure, label):
    services.queue_message(
        organisation=measure.operator,
        subject=f"Prévex : fin de mesure — {measure.get_kind_display()}",
        body=(
            f"Le secrétariat de la CCAPEX a mis fin au {measure.end_date:%d/%m/%Y} à la mesure "
            f"« {measure.get_kind_display()} » suivie par votre organisme : le ménage a déménagé et son "
            f"dossier est suivi désormais par le département {label}.\n"
        ),
        dedup_key=f"measure-{measure.pk}-transferred",
    )


def task_kind(referral_kind) -> str:
    """The kind of the task that offers a closed request again (services.kind_for_task reads it)."""
    return f"{AGAIN_PREFIX}{referral_kind}"[:60]


def _offer_again(procedure, closed):
    already = set(
        Task.objects.filter(procedure=procedure, status=Task.Status.OPEN).values_list("kind", flat=True)
    )
    tasks = [
        Task(
            procedure=procedure,
            departement_code=procedure.departement_code,  # the new one's (the transfer was accepted)
            kind=task_kind(referral.kind),
            title=(
                f"Orienter à nouveau : {referral.get_kind_display()} (demande à {organisation} "
                "close au transfert du dossier)"
            )[:250],
            due_date=timezone.localdate(),
        )
        for referral, organisation in closed
        if task_kind(referral.kind) not in already
    ]
    with procedure_services.tasks_written([procedure.pk]):  # the case's next due date (decision 003)
        Task.objects.bulk_create(tasks)


def _tell(organisation, referral, label):
    services.queue_message(
        organisation=organisation,
        subject=f"Prévex : demande close — {referral.get_kind_display()}",
        body=(
            f"Le secrétariat de la CCAPEX a clos la demande « {referral.get_kind_display()} » adressée "
            f"à votre organisme : le ménage a déménagé et son dossier est suivi désormais par le "
            f"département {label}. Le dossier ne vous est plus accessible ; vous n'avez rien à faire.\n"
        ),
        dedup_key=f"referral-{referral.pk}-transferred",
    )
