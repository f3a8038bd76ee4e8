"""The procedures export and the household and lease forms carry households' data: each writes one
access-log row, the export with its filters and row count (issue 15 §2)."""

import pytest
from django.urls import reverse

from procedure.models import AccessLog
from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_the_export_writes_one_row_with_its_filters_and_row_count(secretariat_client, secretariat):
    public = [ProcedureFactory(lease__public=True) for _ in range(3)]
    ProcedureFactory()

    response = secretariat_client.get(reverse("procedure:list_export"), {"sector": "public"})

    assert response.status_code == 200
    b"".join(response.streaming_content)
    (log,) = AccessLog.objects.all()
    assert (log.user, log.procedure, log.context) == (secretariat, None, "export des procédures")
    assert log.detail == {"filters": {"sector": ["public"]}, "rows": len(public)}


@pytest.mark.parametrize("view", ["procedure:edit_household", "procedure:edit_lease"])
def test_the_household_and_lease_forms_are_logged(secretariat_client, secretariat, view):
    procedure = ProcedureFactory()

    assert secretariat_client.get(reverse(view, args=[procedure.pk])).status_code == 200

    (log,) = AccessLog.objects.all()
    assert (log.user, log.procedure) == (secretariat, procedure)
    assert log.context.startswith("modification")
