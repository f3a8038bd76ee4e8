"""Issue 16 item 3: a household that moves. The Côte-d'Or's secretariat hands a case to the
Saône-et-Loire's, which accepts or refuses it; the history follows, the access log keeps who read it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from procedure.models import AccessLog, CaseTransfer, ChangeLog, Procedure, ProcedureEvent, Stage, Task
from tests.conftest import client_for
from tests.procedure.factories import procedure_at
from tests.referrals.factories import acting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]


@pytest.fixture
def case(secretariat, secretariat_71):
    acting(secretariat)
    return procedure_at(
        Stage.SUMMONS, on=timezone.localdate() - datetime.timedelta(days=2), reference="EXPLOC-21-MOVE"
    )


def _ask(client, case, to="71", reason="Le ménage a déménagé à Chalon-sur-Saône."):
    return client.post(
        reverse("procedure:transfer_request", args=[case.pk]), {"to_departement": to, "reason": reason}
    )


def test_the_request_page_offers_the_departements_with_a_secretariat(case, secretariat):
    page = client_for(secretariat).get(reverse("procedure:transfer_request", args=[case.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Saône-et-Loire (71)" in text
    assert 'value="21"' not in text  # not its own
    assert AccessLog.objects.filter(user=secretariat, procedure=case, context="transfert (demande)").exists()


def test_a_transfer_accepted_moves_the_case_with_its_history_and_its_readers(
    case, secretariat, secretariat_71, administrator, administrator_71
):
    ours, theirs = client_for(secretariat), client_for(secretariat_71)
    ours.get(reverse("procedure:detail", args=[case.pk]))  # 21 reads the case
    Task.objects.filter(procedure=case).update(assignee=secretariat)
    events_before = list(case.events.values_list("kind", "date"))

    assert _ask(ours, case).status_code == 302
    transfer = CaseTransfer.objects.get(procedure=case)
    assert (transfer.status, Procedure.objects.get(pk=case.pk).departement_code) == ("en_attente", "21")
    # The secretariat asked sees the request and its summary, not yet the case
    listing = theirs.get(reverse("procedure:transfers")).content.decode()
    assert "EXPLOC-21-MOVE" in listing
    assert theirs.get(reverse("procedure:detail", args=[case.pk])).status_code == 404
    detail = theirs.get(reverse("procedure:transfer_detail", args=[transfer.pk]))
    assert detail.status_code == 200 and "Accepter le dossier" in detail.content.decode()
    assert "pour les orienter à nouveau vers vos partenaires" in detail.content.decode()
    assert AccessLog.objects.filter(user=secretariat_71, procedure=case, context="transfert").exists()

    accepted = theirs.post(reverse("procedure:transfer_detail", args=[transfer.pk]), {"action": "accepter"})
    assert accepted.status_code == 302 and accepted.url == reverse("procedure:detail", args=[case.pk])

    case.refresh_from_db()
    assert case.departement_code == "71"
    assert CaseTransfer.objects.get(pk=transfer.pk).status == CaseTransfer.Status.ACCEPTED
    assert list(case.events.values_list("kind", "date")) == events_before  # the history follows
    # and its acts count in the 71 now, the cancelled ones too (decision 017)
    acts = ProcedureEvent.all_objects.filter(procedure=case)
    assert set(acts.values_list("departement_code", flat=True)) == {"71"}
    # and its tasks, closed ones too, are the 71's: in its work queue, no longer in the 21's
    assert set(Task.objects.filter(procedure=case).values_list("departement_code", flat=True)) == {"71"}
    assert Task.objects.filter(procedure=case, status=Task.Status.OPEN).exists()
    queue = reverse("procedure:work_queue")
    assert case.reference in theirs.get(queue).content.decode()
    assert case.reference not in ours.get(queue).content.decode()
    assert not Task.objects.filter(procedure=case, status=Task.Status.OPEN, assignee=secretariat).exists()
    moved = ChangeLog.objects.get(procedure=case, changes__has_key="département")
    assert moved.changes["département"] == ["Côte-d'Or (21)", "Saône-et-Loire (71)"]
    case_page = theirs.get(reverse("procedure:detail", args=[case.pk]))
    assert case_page.status_code == 200
    history = case_page.content.decode()  # the timeline shows the transfer, and the acts before it
    assert "Saône-et-Loire (71)" in history and "Transfert accepté" in history
    assert "transfert demandé vers" in history
    assert ours.get(reverse("procedure:detail", args=[case.pk])).status_code == 404
    # Who read it before stays in the log: 71's administrators see it on their case now, and 21's
    # administrators still see what their own people read.
    readers_71 = client_for(administrator_71).get(
        reverse("procedure:access_log"), {"reference": case.reference}
    )
    assert (secretariat, "dossier") in [(e.user, e.context) for e in readers_71.context["page_obj"]]
    readers_21 = client_for(administrator).get(reverse("procedure:access_log"), {"reference": case.reference})
    assert (secretariat, "dossier") in [(e.user, e.context) for e in readers_21.context["page_obj"]]
    assert secretariat_71 not in [e.user for e in readers_21.context["page_obj"]]


def test_a_transfer_refused_keeps_the_case_and_tells_why(case, secretariat, secretariat_71):
    ours, theirs = client_for(secretariat), client_for(secretariat_71)
    _ask(ours, case)
    transfer = CaseTransfer.objects.get(procedure=case)
    url = reverse("procedure:transfer_detail", args=[transfer.pk])
    without_reason = theirs.post(url, {"action": "refuser", "refusal_reason": ""})
    assert without_reason.status_code == 400
    assert CaseTransfer.objects.get(pk=transfer.pk).status == CaseTransfer.Status.PENDING
    assert (
        theirs.post(url, {"action": "refuser", "refusal_reason": "Le ménage n'habite pas ici."}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.departement_code == "21"
    page = ours.get(url).content.decode()
    assert "Refusé" in page and "Le ménage n&#x27;habite pas ici." in page
    assert ours.get(reverse("procedure:detail", args=[case.pk])).status_code == 200


def test_the_requesting_secretariat_may_cancel_but_not_accept(case, secretariat):
    ours = client_for(secretariat)
    _ask(ours, case)
    transfer = CaseTransfer.objects.get(procedure=case)
    url = reverse("procedure:transfer_detail", args=[transfer.pk])
    refused = ours.post(url, {"action": "accepter"})
    assert refused.status_code == 400
    assert "ne vous est pas adressé" in refused.content.decode()
    assert ours.post(url, {"action": "annuler"}).status_code == 302
    assert CaseTransfer.objects.get(pk=transfer.pk).status == CaseTransfer.Status.CANCELLED


def test_a_transfer_needs_a_reason_a_secretariat_there_and_one_at_a_time(case, secretariat):
    ours = client_for(secretariat)
    assert _ask(ours, case, reason="").status_code == 200
    assert _ask(ours, case, to="58").status_code == 200  # no secretariat in the Nièvre
    assert not CaseTransfer.objects.exists()
    _ask(ours, case)
    page = ours.get(reverse("procedure:transfer_request", args=[case.pk])).content.decode()
    assert "Un transfert attend déjà sa réponse" in page
    assert CaseTransfer.objects.count() == 1
