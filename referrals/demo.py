"""Demo referrals (seed_demo step): ts.cd21, ts.ccas-dijon and adefo get referrals in every status.

Idempotent: a demo referral is made only on a case that has none of its kind, and the step stops
once each organisation has its set.
"""

from django.utils import timezone

from directory.french import counted
from directory.models import Organisation, User
from procedure.models import Procedure

from . import services
from .models import ContactAttempt, Referral
from .routing import install_default_rules

S, K = Referral.Status, Referral.Kind

# organisation code, demo worker's e-mail, kind of referral it receives.
WORKERS = [
    ("cd21-agence-dijon", "ts.cd21@demo.prevex.fr", K.DSF),
    ("ccas-dijon", "ts.ccas-dijon@demo.prevex.fr", K.DSF),
    ("adefo", "adefo@demo.prevex.fr", K.ANTICIPATION_VISIT),
]
PLACES = {
    "ccas-dijon": {"lease__commune__insee_code": "21231"},
    "cd21-agence-dijon": {"lease__commune__arrondissement_code": "212"},
}
STATUSES = [S.REQUESTED, S.ACCEPTED, S.IN_PROGRESS, S.DONE, S.UNREACHABLE, S.REFUSED, S.CANCELLED]

DIAGNOSIS = {
    "household_situation": "Couple avec deux enfants ; Madame en arrêt maladie depuis six mois.",
    "rental_situation": "Loyer de 580 € charges comprises, aide au logement versée au bailleur.",
    "debt_situation": "Dette locative ; dossier FSL déposé.",
    "payment_resumed": "partiellement",
    "support_needed": "budgetaire",
    "support_intensity": "moyenne",
    "expected_duration_months": 12,
    "recommendations": "Plan d'apurement sur 24 mois ; mesure ASLL maintien.",
}
VISIT_REPORT = {
    "situation": "Ménage rencontré à domicile après deux passages ; reprise de contact avec le bailleur.",
    "outlook": "maintien",
    "support_measure_needed": True,
    "recommendations": "Mesure ASLL maintien ; présentation en CCAPEX.",
}


def seed_referrals(stdout=None) -> None:
    install_default_rules()
    secretariat = User.objects.filter(email="secretariat@demo.prevex.fr").first()
    if secretariat is None:
        return
    secretariat.acting = _Acting(secretariat, "ddets-21")
    for code, email, kind in WORKERS:
        organisation = Organisation.objects.filter(code=code).first()
        worker = User.objects.filter(email=email).first()
        if organisation is None or worker is None:
            continue
        worker.acting = _Acting(worker, code)
        made = _seed_for(organisation, worker, kind, secretariat)
        if stdout is not None:
            stdout.write(f"{email} : {counted(made, 'demande créée')}.")


def _seed_for(organisation, worker, kind, secretariat):
    existing = Referral.objects.filter(addressed_to=organisation, requested_by=secretariat).count()
    if existing >= len(STATUSES):
        return 0
    free = Procedure.objects.exclude(referrals__kind=kind).order_by("pk")
    # The cases the routing would send to this organisation first, then any other.
    local = free.filter(**PLACES.get(organisation.code, {}))
    procedures = [*local[: len(STATUSES)], *free.exclude(pk__in=local.values("pk"))[: len(STATUSES)]]
    made = 0
    for status, procedure in zip(STATUSES[existing:], procedures, strict=False):
        referral = services.request_referral(
            procedure=procedure,
            kind=kind,
            addressed_to=organisation,
            user=secretariat,
            reason="Demande de démonstration.",
        )
        _move_to(referral, status, worker=worker, secretariat=secretariat)
        made += 1
    return made


def _move_to(referral, status, *, worker, secretariat):
    if status == S.CANCELLED:
        services.cancel(referral=referral, user=secretariat, reason="Demande faite en double.")
    elif status == S.REFUSED:
        services.refuse(referral=referral, user=worker, reason="Ménage déjà suivi par un autre service.")
    elif status != S.REQUESTED:
        referral = services.accept(referral=referral, user=worker)
        if status != S.ACCEPTED:
            services.log_contact(
                referral=referral,
                user=worker,
                date=timezone.localdate(),
                means=ContactAttempt.Means.PHONE,
                result=ContactAttempt.Result.NO_ANSWER,
            )
            referral.refresh_from_db()
            _close(referral, status, worker)


def _close(referral, status, worker):
    if status == S.UNREACHABLE:
        services.mark_unreachable(referral=referral, user=worker, note="Courrier de carence envoyé.")
    elif status == S.DONE and referral.kind == K.ANTICIPATION_VISIT:
        services.file_visit_report(referral=referral, user=worker, data=VISIT_REPORT)
    elif status == S.DONE:
        services.save_diagnosis(referral=referral, user=worker, data=DIAGNOSIS, submit=True)


class _Acting:
    """The acting membership of a demo account, as the middleware would set it."""

    def __init__(self, user, code):
        self.membership = user.memberships.select_related("organisation").get(organisation__code=code)
        self.organisation = self.membership.organisation
        self.role = self.membership.role
