"""Referrals at any status, made through the services (so transitions and tasks are true)."""

import datetime

from django.utils import timezone

from directory.acting import Acting
from directory.models import Commune
from procedure.models import Stage
from referrals import routing, services
from referrals.models import ContactAttempt, Referral
from tests.procedure.factories import procedure_at


def case_in(insee_code, *, stage=Stage.SUMMONS, sector="prive", **fields):
    """A procedure at `stage` whose lease is in the commune `insee_code` (loaded by setup_departement)."""
    commune = Commune.objects.get(insee_code=insee_code)
    return procedure_at(
        stage, sector=sector, lease__commune=commune, lease__postal_code=commune.postal_code_list[0], **fields
    )


def referral(
    *,
    procedure,
    secretariat,
    kind=Referral.Kind.DSF,
    addressed_to=None,
    status=Referral.Status.REQUESTED,
    worker=None,
    **fields,
):
    """A referral requested by `secretariat`, then moved to `status` by `worker` of the organisation."""
    acting(secretariat)
    if worker is not None:
        acting(worker)
    addressed_to = addressed_to or routing.suggest_organisation(kind=kind, procedure=procedure)
    made = services.request_referral(
        procedure=procedure, kind=kind, addressed_to=addressed_to, user=secretariat, **fields
    )
    return move_to(made, status, worker=worker, secretariat=secretariat)


def acting(user):
    """Give a user outside a request the acting membership the middleware sets (their only one)."""
    if not hasattr(user, "acting"):
        user.acting = Acting(user.memberships.select_related("organisation").get())
    return user


def move_to(made, status, *, worker, secretariat):
    S = Referral.Status
    if status == S.CANCELLED:
        return services.cancel(referral=made, user=secretariat, reason="Doublon")
    if status == S.REQUESTED:
        return made
    if status == S.REFUSED:
        return services.refuse(referral=made, user=worker, reason="Hors secteur")
    made = services.accept(referral=made, user=worker)
    if status == S.ACCEPTED:
        return made
    services.log_contact(
        referral=made,
        user=worker,
        date=timezone.localdate(),
        means=ContactAttempt.Means.PHONE,
        result=ContactAttempt.Result.NO_ANSWER,
    )
    made.refresh_from_db()
    if status == S.IN_PROGRESS:
        return made
    if status == S.UNREACHABLE:
        return services.mark_unreachable(referral=made, user=worker, note="Courrier de carence")
    services.save_diagnosis(referral=made, user=worker, data=DIAGNOSIS, submit=True)
    made.refresh_from_db()
    return made


DIAGNOSIS = {
    "household_situation": "Couple, un enfant de 4 ans ; Monsieur en CDD.",
    "rental_situation": "Loyer de 620 € charges comprises, APL en tiers payant.",
    "debt_amount": 2400,
    "debt_situation": "Dette locative de 2 400 €, demande FSL en cours.",
    "payment_resumed": "oui",
    "repayment_capacity": 80,
    "support_needed": "budgetaire",
    "support_intensity": "moyenne",
    "expected_duration_months": 12,
    "recommendations": "Plan d'apurement de 30 mois et mesure ASLL maintien.",
    "rehousing_needed": False,
}


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)
