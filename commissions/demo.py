"""Demo commissions (seed_demo step): the Charte's formations; for each formation that examines
cases, a past session with decisions and recommendations in every state and a published future
one, every case put on the agenda through a saisine (so the indicator saisines_ccapex counts them)
and chosen by the formation's rules; the plénière's yearly meetings, with no case. membre.caf sits
on the centralisée and on the médiation pré-expulsion de Dijon. Idempotent: a formation that
already has sessions is left alone."""

import datetime

from django.utils import timezone

from directory.acting import Acting
from directory.models import Membership, Organisation, Role, User
from procedure.models import EventKind, JudgmentOutcome, Procedure

from .models import (
    AgendaItem,
    Commission,
    CommissionMember,
    Recommendation,
    RehousingOffer,
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)
from .services import _candidates, _weekday, add_to_agenda, record_decision, request_review
from .setup import install_formations

MEMBER_EMAIL = "membre.caf@demo.prevex.fr"
SECRETARIAT_EMAIL = "secretariat@demo.prevex.fr"
# Cases a formation examines in the demo: half at its held session, half at the next one (which
# its members read: the first case goes there).
CASES_PER_COMMISSION = 6
# A saisine is received some weeks before the session that examines it.
REQUESTED_DAYS_BEFORE = 21
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
    secretariat = _acting_secretariat()
    for commission in Commission.objects.active().order_by("pk"):
        if commission.sessions.exists():
            continue
        if commission.kind == Commission.Kind.PLENARY:
            _seed_yearly_meetings(commission)
        elif secretariat is not None:
            _seed_sessions(commission, secretariat)
    _seed_pool(secretariat)
    if stdout is not None:
        count = Session.objects.count()
        stdout.write(
            f"{count} séances de commission ; {MEMBER_EMAIL} siège à la centralisée et à la médiation."
        )


def _acting_secretariat():
    """The demo secretariat, acting for its organisation as the services require."""
    membership = (
        Membership.objects.filter(user__email=SECRETARIAT_EMAIL, role=Role.SECRETARIAT)
        .select_related("user", "organisation")
        .first()
    )
    if membership is None:
        return None
    user = membership.user
    user.acting = Acting(membership)
    return user


def _seat_member():
    user = User.objects.filter(email=MEMBER_EMAIL).first()
    caf = Organisation.objects.filter(code="caf-21").first()
    if user is None or caf is None:
        return
    for code in MEMBER_SEATS:
        commission = Commission.objects.filter(code=code).first()
        if commission is not None:
            CommissionMember.objects.get_or_create(commission=commission, organisation=caf, user=user)


def _seed_yearly_meetings(commission):
    """The plénière never examines a case (Charte II.A.1: coordination, annual report and
    indicators): last year's meeting, held, and this year's, planned; no agenda item."""
    today = timezone.localdate()
    Session.objects.create(
        commission=commission,
        date=_weekday(today - datetime.timedelta(days=300)),
        place=commission.place,
        status=Session.Status.CLOSED,
    )
    Session.objects.create(
        commission=commission, date=_weekday(today + datetime.timedelta(days=65)), place=commission.place
    )


def _seed_sessions(commission, secretariat):
    """A held session with decisions and recommendations and a published one to come, each case
    on the agenda through a saisine of the secretariat (services.request_review then
    add_to_agenda), chosen by the formation's own rules (its territory, sector and stages:
    services.suggest_review_requests); a formation with no such case gets no case."""
    today = timezone.localdate()
    past = Session.objects.create(
        commission=commission, date=_weekday(today - datetime.timedelta(days=40)), place=commission.place
    )
    future = Session.objects.create(
        commission=commission, date=_weekday(today + datetime.timedelta(days=12)), place=commission.place
    )
    candidates = _candidates(commission)[:CASES_PER_COMMISSION]
    responsible = Organisation.objects.filter(code="ccas-dijon").first() or commission.co_chairs.first()
    examined = []
    for index, (procedure, reason) in enumerate(candidates):
        session = future if index % 2 == 0 else past  # a lone case goes to the published session
        review = request_review(procedure=procedure, commission=commission, user=secretariat, reason=reason)
        ReviewRequest.objects.filter(pk=review.pk).update(
            created_at=timezone.now()
            - datetime.timedelta(days=REQUESTED_DAYS_BEFORE + (today - session.date).days)
        )
        item = add_to_agenda(session=session, review=review, user=secretariat)
        if session is past:
            examined.append(item)
    for item in examined:  # once the whole agenda is set: the first decision holds the session
        _decide(item, secretariat, responsible)
    Session.objects.filter(pk=future.pk, items__isnull=False).update(
        status=Session.Status.PUBLISHED, published_at=timezone.now()
    )
    published = timezone.now() - datetime.timedelta(days=(today - past.date).days + 10)
    Session.objects.filter(pk=past.pk).update(published_at=published)


def _decide(item, secretariat, responsible):
    attendance = (
        AgendaItem.Attendance.PRESENT if item.household_invited else AgendaItem.Attendance.NOT_INVITED
    )
    record_decision(
        item=item,
        user=secretariat,
        attendance=attendance,
        opinion="Maintien dans les lieux sous réserve d'un plan d'apurement.",
    )
    if responsible is not None:
        _recommendations(item, item.session, responsible, secretariat)


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
