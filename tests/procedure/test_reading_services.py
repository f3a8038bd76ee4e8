"""The reading services: PDFs kept and read in the background, confirmed through the import of
acts (formats.md) with the PDF kept on the case, set aside, never recorded twice."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directory.acting import Acting
from procedure.models import ActDocument, ProcedureEvent, Stage, Task
from procedure.reading import services
from tests.procedure import act_pdfs
from tests.procedure.factories import procedure_at
from tests.procedure.reading_fixtures import acts_world, today  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("acts_world")]


@pytest.fixture(autouse=True)
def _acting(secretariat, social_worker):
    """The services read the acting role the middleware sets on a request's user."""
    for user in (secretariat, social_worker):
        user.acting = Acting(user.memberships.select_related("organisation").get())


@pytest.fixture
def drop(secretariat, django_capture_on_commit_callbacks):
    """Drop PDFs as the secretariat; the reading task runs (Celery eager) after the commit."""

    def run(*pdfs):
        with django_capture_on_commit_callbacks(execute=True):
            batch = services.read_pdfs(
                files=[(f"acte-{i}.pdf", pdf) for i, pdf in enumerate(pdfs)], user=secretariat
            )
        return list(batch.documents.all())

    return run


def act(kind="commandement_de_payer", layout=0, seed=1):
    return act_pdfs.act(kind, layout=layout, seed=seed, today=today())


def test_dropped_pdfs_are_read_and_their_fields_proposed(drop):
    payment_order = act()
    [document] = drop(payment_order.pdf)

    assert document.status == ActDocument.Status.READ
    values = services.proposed_values(document)
    assert values["acte"] == "commandement_de_payer"
    assert values["reference"] == payment_order.expected["reference"]
    assert values["date_acte"] == payment_order.expected["date_acte"]
    with document.file.open("rb") as stream:
        assert stream.read() == payment_order.pdf


def test_a_scan_is_recognised_and_nothing_proposed(drop):
    [document] = drop(act_pdfs.scan())

    assert document.status == ActDocument.Status.SCAN
    assert document.proposals == {}


def test_a_broken_pdf_is_said_unreadable(drop):
    [document] = drop(b"%PDF-1.7 truncated by the mail server")

    assert (document.status, document.error) == (
        ActDocument.Status.UNREADABLE,
        "le fichier n'est pas un PDF lisible",
    )


def test_what_is_not_a_pdf_is_refused_and_nothing_kept(drop):
    with pytest.raises(ValidationError, match="« acte-1.pdf » n'est pas un PDF"):
        drop(act().pdf, b"PK\x03\x04 a spreadsheet")

    assert not ActDocument.objects.exists()


def test_reading_twice_changes_nothing(drop):
    [document] = drop(act().pdf)
    ActDocument.objects.filter(pk=document.pk).update(
        proposals={"nom": {"value": "corrigé", "start": 0, "end": 1}}
    )

    services.read_document(document.pk)
    services.read_document(123456789)  # a document gone: nothing happens

    assert ActDocument.objects.get(pk=document.pk).proposals["nom"]["value"] == "corrigé"


def test_confirming_records_the_act_with_its_tasks_and_keeps_the_pdf_on_the_case(drop, secretariat):
    [document] = drop(act().pdf)

    confirmed, errors = services.confirm(
        document=document, values=services.proposed_values(document), user=secretariat
    )

    assert errors == []
    assert confirmed.status == ActDocument.Status.CONFIRMED
    event = confirmed.event
    assert (event.kind, event.procedure, event.source) == (
        Stage.PAYMENT_ORDER,
        confirmed.procedure,
        ProcedureEvent.Source.IMPORT,
    )
    assert Task.objects.filter(event=event).exists()
    assert list(confirmed.procedure.documents.all()) == [confirmed]


def test_confirming_twice_is_refused_and_records_nothing_more(drop, secretariat):
    [document] = drop(act().pdf)
    values = services.proposed_values(document)
    services.confirm(document=document, values=values, user=secretariat)

    with pytest.raises(ValidationError, match="déjà été traité"):
        services.confirm(document=document, values=values, user=secretariat)
    assert ProcedureEvent.objects.count() == 1


def test_the_rules_errors_are_returned_and_nothing_is_recorded(drop, secretariat):
    [document] = drop(act("assignation").pdf)
    values = services.proposed_values(document) | {"date_audience": ""}

    assert services.check(values, user=secretariat) == [
        ("date_audience", "date d'audience obligatoire pour une assignation")
    ]
    confirmed, errors = services.confirm(document=document, values=values, user=secretariat)

    assert errors == [("date_audience", "date d'audience obligatoire pour une assignation")]
    assert ActDocument.objects.get(pk=document.pk).status == ActDocument.Status.READ
    assert not ProcedureEvent.objects.exists()


def test_an_act_confirmed_on_an_existing_procedure_found_by_household(drop, secretariat):
    judgment = act("jugement", layout=0, seed=3)
    existing = procedure_at(Stage.HEARING, on=today() - datetime.timedelta(days=400), household__label="x")
    [document] = drop(judgment.pdf)
    values = services.proposed_values(document)
    person = existing.household.persons.get()
    person.last_name, person.first_name = values["nom"], values["prenom"]
    person.save()
    services.services.refresh_search_text(existing.household)

    assert existing in services.candidates(values, user=secretariat)
    confirmed, errors = services.confirm(
        document=document, values=values | {"reference": existing.reference}, user=secretariat
    )

    assert errors == []
    assert confirmed.procedure == existing
    assert existing.events.filter(kind=Stage.JUDGMENT).count() == 1


def test_setting_aside_records_nothing(drop, secretariat):
    [document] = drop(act().pdf)

    decided = services.set_aside(document=document, user=secretariat, reason="Doublon reçu par courriel")

    assert (decided.status, decided.set_aside_reason) == (
        ActDocument.Status.SET_ASIDE,
        "Doublon reçu par courriel",
    )
    assert not ProcedureEvent.objects.exists()


def test_only_the_secretariat_confirms(drop, social_worker):
    [document] = drop(act().pdf)

    with pytest.raises(PermissionDenied):
        services.confirm(document=document, values=services.proposed_values(document), user=social_worker)
