"""Issue 12 §3: publishing an agenda again tells the members what changed (counts and a link, no
personal data), or says that nothing was sent; each change is announced once."""

import pytest
from django.core import mail
from django.urls import reverse

from commissions import services, tasks
from households.models import HousingSector
from procedure.models import Stage
from tests.commissions.factories import ReviewRequestFactory, SessionFactory
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db


def put_on(session, secretariat, label):
    procedure = procedure_at(Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC, household__label=label)
    review = ReviewRequestFactory(commission=session.commission, procedure=procedure)
    return services.add_to_agenda(session=session, review=review, user=secretariat)


@pytest.fixture
def session(mediation, seat):
    return SessionFactory(commission=mediation)


def publish(session, secretariat, capture):
    with capture(execute=True):
        return services.publish(session=session, user=secretariat)


def test_republishing_an_unchanged_agenda_sends_nothing(
    session, secretariat, django_capture_on_commit_callbacks
):
    put_on(session, secretariat, "Mme Alpha")
    assert publish(session, secretariat, django_capture_on_commit_callbacks).first_time
    assert len(mail.outbox) == 1
    change = publish(session, secretariat, django_capture_on_commit_callbacks)
    assert not change.changed and "aucun courriel" in change.message()
    assert len(mail.outbox) == 1


def test_republishing_after_a_change_tells_the_members_what_changed_once(
    session, secretariat, django_capture_on_commit_callbacks
):
    first = put_on(session, secretariat, "Mme Alpha")
    publish(session, secretariat, django_capture_on_commit_callbacks)
    put_on(session, secretariat, "M. Bravo")
    put_on(session, secretariat, "M. Charlie")
    services.remove_from_agenda(item=first, user=secretariat)
    change = publish(session, secretariat, django_capture_on_commit_callbacks)
    assert (change.added, change.removed) == (2, 1)
    assert len(mail.outbox) == 2
    message = mail.outbox[1]
    assert message.to == ["membre.caf@example.org"]
    assert "2 dossiers ajoutés, 1 dossier retiré" in message.body
    assert f"/commissions/mes-seances/{session.pk}/" in message.body
    assert not any(name in message.body + message.subject for name in ("Alpha", "Bravo", "Charlie"))
    session.refresh_from_db()
    assert tasks.notify_agenda_change.delay(session.pk, session.agenda_version, "x").get() == 0
    assert len(mail.outbox) == 2


def test_the_session_page_says_nothing_was_sent(secretariat_client, session, secretariat):
    put_on(session, secretariat, "Mme Alpha")
    url = reverse("commissions:publish", args=[session.pk])
    secretariat_client.post(url)
    page = secretariat_client.post(url, follow=True).content.decode()
    assert "Ordre du jour inchangé depuis sa publication" in page, page[page.find("fr-alert") :][:400]
