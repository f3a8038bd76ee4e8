"""Demo commissions (seed_demo step): the Charte's formations, a past session with decisions and
recommendations in every state and a published future one for each; membre.caf sits on the
centralisée and on the médiation pré-expulsion de Dijon. Idempotent: a formation that already has
sessions is left alone."""

import datetime

from django.utils import timezone

from directory.models import Organisation, User
from procedure.models import EventKind, JudgmentOutcome, Procedure

from .models import (
    AgendaItem,
    Commission,
    CommissionMember,
    Recommendation,
    RehousingOffer,
    RehousingPoolEntry,
    Session,
)
from .services import _weekday
from .setup import install_formations

MEMBER_EMAIL = "membre.caf@demo.prevex.fr"
MEMBER_SEATS = ["21-ccapex-centralisee", "21-mediation-dijon"]
# A recommendation in every state of its follow-up: (kind, status, days after the session, note).
FOLLOW_UP = [
    (Recommendation.Kind.FSL, Recommendation.Status.DONE, 20, "Aide accordée"),
    (Recommendation.Kind.REPAYMENT_PLAN, Recommendation.Status.NOT_DONE, 25, "Le ménage n'a pas signé"),
    (Recommendation.Kind.SIAO, Recommendation.Status.OBSOLETE, 30, "Ménage relogé"),
    (Recommendation.Kind.ASLL, Recommendation.Status.OPEN, 15, ""),  # overdue
    (Recommendation.Kind.PCS, Recommendation.Status.OPEN, 90, ""),
]


def seed_commissions(stdout=None) -> None:
    install_formations("21")
    _seat_member()
    secretariat = User.objects.filter(email="secretariat@demo.prevex.fr").first()
    cases = list(Procedure.objects.order_by("pk").values_list("pk", flat=True)[:60])
    for index, commission in enumerate(Commission.objects.active().order_by("pk")):
        if commission.sessions.exists() or not cases:
            continue
        _seed_sessions(commission, cases[index * 6 : index * 6 + 6] or cases[:6], secretariat)
    _seed_pool(secretariat)
    if stdout is not None:
        count = Session.objects.count()
        stdout.write(
            f"{count} séances de commission ; {MEMBER_EMAIL} siège à la centralisée et à la médiation."
        )


def _seat_member():
    user = User.objects.filter(email=MEMBER_EMAIL).first()
    caf = Organisation.objects.filter(code="caf-21").first()
    if user is None or caf is None:
        return
    for code in MEMBER_SEATS:
        commission = Commission.objects.filter(code=code).first()
        if commission is not None:
            CommissionMember.objects.get_or_create(commission=commission, organisation=caf, user=user)


def _seed_sessions(commission, case_ids, secretariat):
    today = timezone.localdate()
    past = Session.objects.create(
        commission=commission,
        date=_weekday(today - datetime.timedelta(days=40)),
        place=commission.place,
        status=Session.Status.HELD,
        published_at=timezone.now(),
    )
    future = Session.objects.create(
        commission=commission,
        date=_weekday(today + datetime.timedelta(days=12)),
        place=commission.place,
        status=Session.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    responsible = Organisation.objects.filter(code="ccas-dijon").first() or commission.co_chairs.first()
    for order, procedure_id in enumerate(case_ids[:3], start=1):
        item = AgendaItem.objects.create(
            session=past,
            procedure_id=procedure_id,
            order=order,
            household_invited=commission.households_attend,
            attendance=AgendaItem.Attendance.PRESENT,
            opinion="Maintien dans les lieux sous réserve d'un plan d'apurement.",
            decided_at=timezone.now(),
        )
        if responsible is not None:
            _recommendations(item, past, responsible, secretariat)
    for order, procedure_id in enumerate(case_ids[3:6], start=1):
        AgendaItem.objects.create(
            session=future,
            procedure_id=procedure_id,
            order=order,
            household_invited=commission.households_attend,
        )


def _recommendations(item, session, responsible, secretariat):
    for kind, status, days, note in FOLLOW_UP:
        closed = status != Recommendation.Status.OPEN
        Recommendation.objects.create(
            agenda_item=item,
            procedure_id=item.procedure_id,
            kind=kind,
            responsible=responsible,
            due_date=session.date + datetime.timedelta(days=days),
            status=status,
            outcome_note=note,
            closed_at=timezone.now() if closed else None,
            closed_by=secretariat if closed else None,
        )


def _seed_pool(secretariat):
    """Two households in the rehousing pool (Charte annexe 2): one for 7 months after a judgment
    terminating the lease (DALO appeal to suggest), one for 5 weeks with a refused offer."""
    if RehousingPoolEntry.objects.exists():
        return
    today = timezone.localdate()
    terminated = Procedure.objects.filter(
        events__kind=EventKind.JUDGMENT, events__judgment_outcome=JudgmentOutcome.TERMINATION
    ).order_by("pk")
    others = Procedure.objects.exclude(pk__in=terminated.values("pk")).order_by("pk")
    landlord = Organisation.objects.filter(kind=Organisation.Kind.SOCIAL_LANDLORD).order_by("pk").first()
    for procedure, days in ((terminated.first(), 215), (others.first(), 35)):
        if procedure is None:
            continue
        entry = RehousingPoolEntry.objects.create(
            procedure=procedure,
            proposed_by=RehousingPoolEntry.ProposedBy.SECRETARIAT,
            quota=RehousingPoolEntry.Quota.PREFECTORAL,
            entered_on=today - datetime.timedelta(days=days),
            report_source=RehousingPoolEntry.ReportSource.SOCIAL_WORKER,
            report_eviction_reasons=True,
            report_housing_type=True,
            report_debt_plan=True,
            lead_landlord=landlord,
            lead_named_on=today - datetime.timedelta(days=days - 14) if landlord else None,
            created_by=secretariat,
        )
        if landlord is not None:
            RehousingOffer.objects.create(
                entry=entry,
                landlord=landlord,
                offered_on=today - datetime.timedelta(days=days - 21),
                description="T3, 2e étage",
                answer=RehousingOffer.Answer.REFUSED,
                reason="Trop éloigné de l'école des enfants",
                adapted=True,
            )
