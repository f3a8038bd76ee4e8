"""Issue 4's "done when", through the views: assignation → DSF requested from the task → routed to
the CCAS de Dijon → filed by its social worker → PDF → task completed; the CD's worker gets a 404."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from directory.models import Commune, Organisation, Role
from procedure import services as procedure_services
from procedure.models import AccessLog, EventKind, Task
from procedure.rules import Action, working_days_before
from referrals.models import Referral
from tests.conftest import client_for
from tests.factories import member
from tests.procedure.factories import ProcedureFactory

from .factories import DIAGNOSIS


@pytest.fixture
def dijon_case(departement):
    commune = Commune.objects.get(insee_code="21231")
    return ProcedureFactory(lease__commune=commune)


def test_dsf_from_assignation_to_pdf(
    dijon_case,
    secretariat_client,
    secretariat,
    social_worker,
    social_worker_client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    hearing = today + datetime.timedelta(days=60)
    procedure_services.record_event(
        procedure=dijon_case,
        kind=EventKind.PAYMENT_ORDER,
        date=today - datetime.timedelta(days=80),
        user=secretariat,
    )
    procedure_services.record_event(
        procedure=dijon_case, kind=EventKind.SUMMONS, date=today, hearing_date=hearing, user=secretariat
    )
    task = Task.objects.get(procedure=dijon_case, kind=Action.REQUEST_DSF)

    case_page = secretariat_client.get(reverse("procedure:detail", args=[dijon_case.pk]))
    request_url = reverse("referrals:request", args=[dijon_case.pk]) + f"?task={task.pk}"
    assert request_url in case_page.content.decode()
    form = secretariat_client.get(request_url).context["form"]
    ccas = Organisation.objects.get(code="ccas-dijon")
    assert form.initial["addressed_to"] == ccas
    assert form.initial["due_date"] == working_days_before(hearing, 5)

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            request_url,
            {
                "kind": "dsf",
                "addressed_to": ccas.pk,
                "due_date": form.initial["due_date"].isoformat(),
                "task": task.pk,
                "reason": "Assignation reçue.",
            },
        )
    assert response.status_code == 302
    referral = Referral.objects.get(procedure=dijon_case)
    assert referral.addressed_to == ccas and referral.task == task
    # The CCAS's functional address, and its social worker (immediate e-mail, issue 12 §5).
    assert sorted(message.to[0] for message in mailoutbox) == sorted([ccas.email, social_worker.email])
    assert not any(dijon_case.household.label in message.body for message in mailoutbox)

    inbox = social_worker_client.get(reverse("referrals:inbox")).content.decode()
    assert dijon_case.household.label in inbox and f"{referral.due_date:%d/%m/%Y}" in inbox

    social_worker_client.post(reverse("referrals:accept", args=[referral.pk]))
    diagnosis_url = reverse("referrals:diagnosis", args=[referral.pk])
    assert social_worker_client.post(diagnosis_url, {**DIAGNOSIS, "draft": "1"}).status_code == 302
    assert social_worker_client.post(diagnosis_url, {**DIAGNOSIS, "submit": "1"}).status_code == 302
    confirm_url = reverse("referrals:diagnosis_confirm", args=[referral.pk])
    assert social_worker_client.post(confirm_url).status_code == 302

    pdf = social_worker_client.get(reverse("referrals:diagnosis_pdf", args=[referral.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Diagnostic social et financier" in text and "Plan d'apurement de 30 mois" in text

    referral.refresh_from_db()
    task.refresh_from_db()
    assert referral.status == Referral.Status.DONE and task.status == Task.Status.DONE
    case_page = secretariat_client.get(reverse("procedure:detail", args=[dijon_case.pk])).content.decode()
    assert "Faite" in case_page and "Demander un DSF" not in case_page

    cd_worker = member(
        role=Role.SOCIAL_WORKER, organisation=Organisation.objects.get(code="cd21-agence-dijon")
    )
    assert client_for(cd_worker).get(reverse("procedure:detail", args=[dijon_case.pk])).status_code == 404
    assert client_for(cd_worker).get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert AccessLog.objects.filter(procedure=dijon_case, organisation=ccas).exists()
