import datetime

import pytest
from django.core import mail
from django.utils import timezone

from commissions import services
from commissions.models import AgendaItem, Commission, ReviewRequest, Session
from households.models import HousingSector
from letters.models import Letter
from procedure.models import Stage, Task
from procedure.rules import Action
from tests.commissions.factories import CommissionFactory, ReviewRequestFactory, SessionFactory
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db


def test_plan_sessions_follows_the_rhythm_after_the_last_session(mediation):
    SessionFactory(commission=mediation, date=datetime.date(2027, 1, 4))
    planned = services.plan_sessions(commission=mediation, until=datetime.date(2027, 6, 30))
    assert [s.date for s in planned] == [
        datetime.date(2027, 2, 22),
        datetime.date(2027, 4, 12),
        datetime.date(2027, 5, 31),
    ]
    assert services.plan_sessions(commission=mediation, until=datetime.date(2027, 6, 30)) == []


def test_plan_sessions_moves_a_weekend_to_monday():
    commission = CommissionFactory(rhythm=Commission.Rhythm.EVERY_3_MONTHS)
    SessionFactory(commission=commission, date=datetime.date(2027, 3, 3))
    planned = services.plan_sessions(commission=commission, until=datetime.date(2027, 12, 31))
    # 3 June 2027 is a Thursday, 3 September a Friday, 3 December a Friday; 3 July would be a Saturday.
    assert [s.date.weekday() < 5 for s in planned] == [True, True, True]


def test_a_retired_commission_plans_nothing(mediation):
    mediation.is_active = False
    with pytest.raises(services.CommissionRefused):
        services.plan_sessions(commission=mediation, until=datetime.date(2030, 1, 1))


def fitting(**fields):
    """A case the médiation pré-expulsion de Dijon examines: public sector, at the CQL, in Dijon."""
    return procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC, **fields)


def test_the_eleventh_household_of_a_mediation_is_refused(mediation, secretariat):
    session = SessionFactory(commission=mediation)
    for _ in range(10):
        services.add_to_agenda(
            session=session,
            review=ReviewRequestFactory(commission=mediation, procedure=fitting()),
            user=secretariat,
        )
    eleventh = ReviewRequestFactory(commission=mediation, procedure=fitting())
    with pytest.raises(services.CommissionRefused, match="compte déjà 10 situations"):
        services.add_to_agenda(session=session, review=eleventh, user=secretariat)
    eleventh.refresh_from_db()
    assert eleventh.status == ReviewRequest.Status.PENDING
    assert session.items.count() == 10


def test_scheduling_closes_the_select_for_commission_task(mediation, secretariat):
    procedure = fitting()
    Task.objects.create(procedure=procedure, kind=Action.SELECT_FOR_COMMISSION, title="Identifier")
    session = SessionFactory(commission=mediation)
    item = services.add_to_agenda(
        session=session,
        review=ReviewRequestFactory(commission=mediation, procedure=procedure),
        user=secretariat,
    )
    assert item.household_invited is True
    assert item.review_request.status == ReviewRequest.Status.SCHEDULED
    selecting = Task.objects.filter(procedure=procedure, kind=Action.SELECT_FOR_COMMISSION)
    assert {task.status for task in selecting} == {Task.Status.DONE}


def test_a_review_of_another_commission_is_refused(mediation, secretariat):
    session = SessionFactory(commission=mediation)
    with pytest.raises(services.CommissionRefused):
        services.add_to_agenda(session=session, review=ReviewRequestFactory(), user=secretariat)


def test_publishing_notifies_members_with_a_link_only_and_convenes_households(
    mediation, seat, secretariat, django_capture_on_commit_callbacks
):
    session = SessionFactory(commission=mediation)
    review = ReviewRequestFactory(commission=mediation, procedure=fitting(household__label="Mme Secret"))
    services.add_to_agenda(session=session, review=review, user=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(session=session, user=secretariat)
    session.refresh_from_db()
    assert session.status == Session.Status.PUBLISHED
    assert [message.to for message in mail.outbox] == [["membre.caf@example.org"]]
    assert f"/commissions/mes-seances/{session.pk}/" in mail.outbox[0].body
    assert "Secret" not in mail.outbox[0].body + mail.outbox[0].subject
    letter = Letter.objects.get(procedure=review.procedure)
    assert letter.kind == "convocation_mediation"
    assert AgendaItem.objects.get(session=session).convocation_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(session=session, user=secretariat)
    assert len(mail.outbox) == 1
    assert Letter.objects.count() == 1


def test_an_empty_agenda_cannot_be_published(mediation, secretariat):
    with pytest.raises(services.CommissionRefused, match="vide"):
        services.publish(session=SessionFactory(commission=mediation), user=secretariat)


def test_only_the_secretariat_builds_an_agenda(mediation, social_worker):
    session = SessionFactory(commission=mediation)
    with pytest.raises(services.PermissionDenied):
        services.add_to_agenda(
            session=session, review=ReviewRequestFactory(commission=mediation), user=social_worker
        )


def test_members_access_ends_thirty_days_after_the_session(mediation, seat, commission_member, caf):
    today = timezone.localdate()
    recent = SessionFactory(commission=mediation, date=today - datetime.timedelta(days=30), status="tenue")
    SessionFactory(commission=mediation, date=today - datetime.timedelta(days=31), status="close")
    SessionFactory(commission=mediation, date=today + datetime.timedelta(days=5))  # not published
    assert list(Session.objects.open_to_members().sat_on_by(commission_member, caf)) == [recent]
