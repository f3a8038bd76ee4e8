"""The visit-report form shows the household: opening it writes an access-log row (issue 15 §2)."""

import pytest
from django.urls import reverse

from directory.models import Role
from procedure.models import AccessLog
from referrals.models import Referral
from tests.conftest import client_for
from tests.factories import member

from .factories import case_in, referral

pytestmark = pytest.mark.django_db


def test_opening_the_visit_report_form_is_logged(departement, secretariat):
    visit = referral(
        procedure=case_in("21231"), secretariat=secretariat, kind=Referral.Kind.ANTICIPATION_VISIT
    )
    worker = member(role=Role.SOCIAL_WORKER, organisation=visit.addressed_to)
    client = client_for(worker)
    client.post(reverse("referrals:accept", args=[visit.pk]))
    AccessLog.objects.all().delete()

    assert client.get(reverse("referrals:visit_report", args=[visit.pk])).status_code == 200

    (log,) = AccessLog.objects.all()
    assert (log.user, log.procedure, log.context) == (worker, visit.procedure, "rapport de visite")
