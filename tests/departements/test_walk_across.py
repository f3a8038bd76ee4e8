"""Issue 16: the secretariat and administrators of the Saône-et-Loire (71) reach nothing of the
Côte-d'Or (21): every view that takes an id (tests/test_every_id_url.py's walk, on its world of 21)
gives 403 or 404, writes nothing and logs no read; and the lists show none of 21's cases."""

import pytest
from django.urls import reverse

from procedure.models import AccessLog, ActDocumentAccess, Procedure
from tests.conftest import client_for
from tests.test_every_id_url import KWARGS, NOT_REACHED, NOT_REACHED_API, _close, world  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]


# Pages whose key names no object of the other département: the user's own default view of a
# screen, and the annual report of a year (the figures of the reader's département, tested below).
OWN_PAGES = {"procedure:set_default_view", "indicators:report"}


@pytest.mark.parametrize("persona", ["secretariat_71", "administrator_71"])
def test_the_secretariat_of_71_reaches_no_object_of_21(request, world, persona):  # noqa: F811
    client = client_for(request.getfixturevalue(persona))
    AccessLog.objects.all().delete()
    cases_of_21 = Procedure.objects.filter(departement_code="21").count()
    reached = []
    for name, kwargs in KWARGS.items():
        if name in OWN_PAGES:
            continue
        url = reverse(name, kwargs=kwargs(world))
        for method in (client.get, client.post):
            response = method(url)
            _close(response)
            if response.status_code not in (NOT_REACHED_API if name.startswith("api:") else NOT_REACHED):
                reached.append((method.__name__, name, response.status_code))
    assert reached == [], "\n".join(map(str, reached))
    assert not AccessLog.objects.exists()
    assert not ActDocumentAccess.objects.exists()
    assert Procedure.objects.filter(departement_code="21").count() == cases_of_21 > 0


def test_the_same_walk_opens_the_pages_for_the_secretariat_of_21(world, secretariat):  # noqa: F811
    """The walk can fail: 21's own secretariat opens the case and its referral."""
    client = client_for(secretariat)
    for name in ("procedure:detail", "referrals:detail", "commissions:session"):
        assert client.get(reverse(name, kwargs=KWARGS[name](world))).status_code == 200
