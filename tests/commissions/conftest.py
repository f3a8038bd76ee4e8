import datetime

import pytest
from django.utils import timezone

from commissions.models import CommissionMember, Session
from directory.acting import Acting
from tests.commissions.factories import AgendaItemFactory, CommissionFactory, SessionFactory


@pytest.fixture
def mediation(db):
    return CommissionFactory(mediation=True)


@pytest.fixture
def seat(mediation, commission_member, caf):
    """The CAF's commission member is its named representative on the médiation de Dijon."""
    return CommissionMember.objects.create(commission=mediation, organisation=caf, user=commission_member)


@pytest.fixture
def published_session(mediation, seat):
    return SessionFactory(
        commission=mediation,
        status=Session.Status.PUBLISHED,
        date=timezone.localdate() + datetime.timedelta(days=10),
        published_at=timezone.now(),
    )


@pytest.fixture
def item(published_session):
    return AgendaItemFactory(session=published_session)


def acting(user):
    """Give a persona outside a request the acting membership the middleware sets (their only one)."""
    user.acting = Acting(user.memberships.select_related("organisation").get())
    return user


@pytest.fixture
def secretariat(secretariat):
    return acting(secretariat)


@pytest.fixture
def social_worker(social_worker):
    return acting(social_worker)


@pytest.fixture
def commission_member(commission_member):
    return acting(commission_member)
