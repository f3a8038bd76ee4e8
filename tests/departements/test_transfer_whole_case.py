"""Issue 16 item 3: a transfer accepted moves the whole case. What still waited before the Côte-d'Or's
formations and organisations (saisines, agenda points, recommendations, the rehousing pool, open
referrals) is closed with a note, the 21's partners lose their access, and the Saône-et-Loire's
secretariat is offered the referrals to route again."""

import datetime

import pytest
from django.utils import timezone

from commissions.models import (
    AgendaItem,
    CommissionMember,
    Recommendation,
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)
from directory.models import Role
from procedure import transfers
from procedure.models import Procedure, Stage, Task
from referrals import services
from referrals.models import OutboxMessage, Referral, ReferralTransition, SupportMeasure
from tests.commissions.factories import (
    AgendaItemFactory,
    CommissionFactory,
    RecommendationFactory,
    ReviewRequestFactory,
    SessionFactory,
)
from tests.factories import OrganisationFactory, member
from tests.procedure.factories import procedure_at
from tests.referrals.factories import acting, referral

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]


@pytest.fixture
def case(secretariat, secretariat_71):
    acting(secretariat)
    acting(secretariat_71)
    return procedure_at(
        Stage.SUMMONS, on=timezone.localdate() - datetime.timedelta(days=2), reference="EXPLOC-21-MOVE"
    )


@pytest.fixture
def both_departements():
    """A national association working in the 21 and the 71: its access must end with the case's
    leaving the 21's work, not with its leaving the association's départements."""
    return OrganisationFactory(
        code="association-nationale",
        name="Association nationale",
        departement_code="21",
        other_departements="71",
    )


def _worker(organisation, role=Role.SOCIAL_WORKER):
    return acting(member(role=role, organisation=organisation))


def _move(case, secretariat, secretariat_71):
    transfer = transfers.request_transfer(
        procedure=case,
        to_departement="71",
        reason="Le ménage a déménagé à Chalon-sur-Saône.",
        user=secretariat,
    )
    return transfers.accept(transfer=transfer, user=secretariat_71)


def _sees(user, case):
    return Procedure.objects.visible_to(user).filter(pk=case.pk).exists()


def test_open_referrals_are_closed_as_transferred_and_offered_again(
    case, secretariat, secretariat_71, both_departements
):
    worker = _worker(both_departements)
    open_dsf = referral(procedure=case, secretariat=secretariat, addressed_to=both_departements)
    done = referral(
        procedure=case,
        secretariat=secretariat,
        kind=Referral.Kind.ANTICIPATION_VISIT,
        addressed_to=both_departements,
        status=Referral.Status.CANCELLED,
    )
    assert _sees(worker, case)

    _move(case, secretariat, secretariat_71)

    open_dsf.refresh_from_db()
    assert open_dsf.status == Referral.Status.TRANSFERRED and open_dsf.closed_at is not None
    last = ReferralTransition.objects.filter(referral=open_dsf).latest("pk")
    assert (last.to_status, last.by) == (Referral.Status.TRANSFERRED, secretariat_71)
    assert "Saône-et-Loire (71)" in last.note
    assert Referral.history.filter(id=open_dsf.pk, status=Referral.Status.TRANSFERRED).exists()
    assert Referral.objects.get(pk=done.pk).status == Referral.Status.CANCELLED  # closed ones untouched
    # but every one counts in the 71 now (decision 017)
    assert set(Referral.objects.filter(procedure=case).values_list("departement_code", flat=True)) == {"71"}
    assert not _sees(worker, case)  # the grant ends at once, not 90 days after
    told = OutboxMessage.objects.get(dedup_key=f"referral-{open_dsf.pk}-transferred")
    assert told.organisation == both_departements and "EXPLOC" not in told.body
    again = Task.objects.get(procedure=case, status=Task.Status.OPEN, title__startswith="Orienter à nouveau")
    assert "Association nationale" in again.title
    assert services.kind_for_task(again) == Referral.Kind.DSF  # the referral form offers the DSF


def test_what_waits_before_the_former_formations_is_withdrawn(
    case, secretariat, secretariat_71, both_departements
):
    central = CommissionFactory(name="CCAPEX de la Côte-d'Or", departement_code="21")
    pending = ReviewRequestFactory(procedure=case, commission=central)
    mediation = CommissionFactory(name="Médiation Dijon", departement_code="21")
    published = SessionFactory(commission=mediation, status=Session.Status.PUBLISHED)
    scheduled = ReviewRequestFactory(
        procedure=case, commission=mediation, status=ReviewRequest.Status.SCHEDULED
    )
    coming = AgendaItemFactory(session=published, procedure=case, review_request=scheduled)
    published.published_procedures = [case.pk]
    published.save()
    held = SessionFactory(
        commission=mediation,
        status=Session.Status.HELD,
        date=timezone.localdate() - datetime.timedelta(days=3),
    )
    examined = AgendaItemFactory(session=held, procedure=case, opinion="Plan d'apurement à proposer.")
    recommendation = RecommendationFactory(agenda_item=examined, responsible=both_departements)
    pool = RehousingPoolEntry.objects.create(
        procedure=case,
        proposed_by=RehousingPoolEntry.ProposedBy.SECRETARIAT,
        quota=RehousingPoolEntry.Quota.PREFECTORAL,
    )
    sitting = _worker(both_departements, Role.COMMISSION_MEMBER)
    CommissionMember.objects.create(commission=mediation, organisation=both_departements, user=sitting)
    addressee = _worker(both_departements)
    assert _sees(sitting, case) and _sees(addressee, case)

    motives = {review.pk: review.reason for review in (pending, scheduled)}
    _move(case, secretariat, secretariat_71)

    for review in (pending, scheduled):
        review.refresh_from_db()
        assert review.status == ReviewRequest.Status.WITHDRAWN
        assert review.withdrawal_reason == "Dossier transféré au département Saône-et-Loire (71)."
        assert (review.reason, review.partner_status()) == (motives[review.pk], "Retirée")
        assert ReviewRequest.history.filter(id=review.pk, status=ReviewRequest.Status.WITHDRAWN).exists()
    assert not AgendaItem.objects.filter(pk=coming.pk).exists()  # off the agenda not held yet
    published.refresh_from_db()
    assert published.published_procedures == [] and published.agenda_version == 1  # members told
    assert AgendaItem.objects.get(pk=examined.pk).opinion == "Plan d'apurement à proposer."  # kept
    recommendation.refresh_from_db()
    assert (
        recommendation.status == Recommendation.Status.OBSOLETE and recommendation.closed_by == secretariat_71
    )
    assert recommendation.outcome_note == "Sans objet : dossier transféré au département Saône-et-Loire (71)."
    pool.refresh_from_db()
    assert pool.status == RehousingPoolEntry.Status.WITHDRAWN and "transféré" in pool.outcome_note
    assert not _sees(sitting, case) and not _sees(addressee, case)


def test_the_tasks_given_to_a_former_organisation_are_given_back(case, secretariat, secretariat_71, caf):
    Task.objects.filter(procedure=case).update(assigned_to=caf)
    _move(case, secretariat, secretariat_71)
    assert not Task.objects.filter(procedure=case, status=Task.Status.OPEN, assigned_to=caf).exists()


def test_a_formation_examines_the_cases_of_its_own_departement_only(case, secretariat_71):
    """A secretariat working for the 21 and the 71 may not refer a case of the 21 to a formation of
    the 71 (whose members would not read it)."""
    from commissions.services import CommissionRefused, request_review

    formation_71 = CommissionFactory(name="CCAPEX de Saône-et-Loire", departement_code="71")
    with pytest.raises(CommissionRefused, match="autre département"):
        request_review(procedure=case, commission=formation_71, user=secretariat_71, reason="À examiner.")
    assert not ReviewRequest.objects.filter(procedure=case).exists()


def test_the_new_secretariat_sends_the_request_again_in_one_click(
    case, secretariat, secretariat_71, both_departements
):
    """The case page offers the closed request with the 71's routing; sending it closes the task."""
    from django.urls import reverse

    from tests.conftest import client_for

    referral(procedure=case, secretariat=secretariat, addressed_to=both_departements)
    _move(case, secretariat, secretariat_71)
    again = Task.objects.get(procedure=case, status=Task.Status.OPEN, title__startswith="Orienter à nouveau")
    page = client_for(secretariat_71).get(reverse("procedure:detail", args=[case.pk])).content.decode()
    assert f"?task={again.pk}" in page
    services.request_referral(
        procedure=case,
        kind=Referral.Kind.DSF,
        addressed_to=both_departements,
        user=secretariat_71,
        task=again,
    )
    assert Task.objects.get(pk=again.pk).status == Task.Status.DONE


def test_the_support_measures_running_end_on_the_day_of_the_transfer(
    case, secretariat, secretariat_71, both_departements
):
    """An ASLL or a MASP is the former département's (its FSL, its Conseil départemental's
    operators): a measure running when the case leaves ends that day, its operator told; one
    already ended, refused or never started is left as it was."""
    today = timezone.localdate()
    year_ago, month_ago = today - datetime.timedelta(days=365), today - datetime.timedelta(days=30)

    def measure(kind=SupportMeasure.Kind.ASLL, **fields):
        return SupportMeasure.objects.create(procedure=case, kind=kind, proposed_on=year_ago, **fields)

    running = measure(
        operator=both_departements,
        household_agreed=True,
        start_date=month_ago,
        end_date=today + datetime.timedelta(days=300),
        note="Suivi budget.",
    )
    open_ended = measure(kind=SupportMeasure.Kind.MASP_SIMPLE, household_agreed=True, start_date=month_ago)
    ended = measure(household_agreed=True, start_date=year_ago, end_date=month_ago)
    refused = measure(household_agreed=False)

    _move(case, secretariat, secretariat_71)

    for row in (running, open_ended, ended, refused):
        row.refresh_from_db()
    assert (running.end_date, open_ended.end_date) == (today, today)
    assert (
        running.note
        == f"Suivi budget. — Fin au {today:%d/%m/%Y} : dossier transféré au département Saône-et-Loire (71)."
    )
    assert SupportMeasure.history.filter(id=running.pk, end_date=today).exists()
    assert (ended.end_date, ended.note, refused.end_date, refused.start_date) == (month_ago, "", None, None)
    told = OutboxMessage.objects.get(dedup_key=f"measure-{running.pk}-transferred")
    assert told.organisation == both_departements and "Saône-et-Loire (71)" in told.body
    assert not OutboxMessage.objects.filter(dedup_key=f"measure-{open_ended.pk}-transferred").exists()
