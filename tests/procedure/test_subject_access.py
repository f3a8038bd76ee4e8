"""A household's data on request (RGPD art. 15, law.md "Data protection"): the secretariat exports
everything Prévex holds on a household as JSON and PDF, and the export is logged."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from commissions.models import RehousingOffer, RehousingPoolEntry
from procedure.models import AccessLog, ActDocument, CaseTransfer, ReadingBatch
from referrals.models import Referral
from tests.factories import OrganisationFactory

from .test_retention import full_case  # noqa: F401 (the fixture: a case with every app's data)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]


def url(case, fmt):
    return reverse("procedure:subject_export", args=[case.pk, fmt])


def test_the_json_holds_every_section_of_the_household_s_data(secretariat_client, secretariat, full_case):  # noqa: F811
    case, letter = full_case
    secretariat_client.get(reverse("procedure:detail", args=[case.pk]))  # a read, to find in the export

    response = secretariat_client.get(url(case, "json"))

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="donnees-menage-{case.household_id}.json"'
    )
    data = json.loads(response.content)
    assert data["Ménage"][0]["ménage"] == "M. et Mme Zablocki"
    assert data["Ménage"][0]["téléphone"] == "06 12 34 56 78"
    assert [(p["nom"], p["prénom"]) for p in data["Membres du ménage"]] == [("Zablocki", "Ilona")]
    assert data["Procédures"][0]["référence"] == case.reference
    assert "Départ volontaire, restitution des clés" in {e["acte ou fait"] for e in data["Actes et faits"]}
    assert data["Orientations"][0]["motif de la demande"] == "Zablocki"
    (diagnosis,) = data["Diagnostics sociaux et financiers"]
    assert diagnosis["composition et situation du ménage"].startswith("Couple, un enfant")
    assert [a["nom"] for a in data["Pièces jointes"]] == ["a.pdf"]
    assert data["Courriers"][0]["PDF"] == letter.file.name
    assert data["Saisines de la CCAPEX"][0]["motif"] == "Ilona Zablocki"
    assert data["Examens en commission"][0]["avis de la commission"] == "Mme Zablocki"
    assert [read["page"] for read in data["Consultations du dossier"]] == ["dossier"]


def test_the_pdf_is_readable_and_holds_the_household(secretariat_client, full_case):  # noqa: F811
    case, _ = full_case

    response = secretariat_client.get(url(case, "pdf"))

    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in [
        "M. et Mme Zablocki",
        "Membres du ménage",
        "Orientations",
        "Courriers",
        "Consultations du dossier",
    ]:
        assert expected in text


def test_the_export_is_logged(secretariat_client, secretariat, full_case):  # noqa: F811
    case, _ = full_case

    secretariat_client.get(url(case, "json"))

    (log,) = AccessLog.objects.all()
    assert (log.user, log.procedure, log.context) == (secretariat, case, "données du ménage")
    assert log.detail == {"format": "json", "household": case.household_id}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_social_worker_client", 404), ("commission_member_client", 404), ("social_worker_client", 404)],
)
def test_other_personas_cannot_export(request, persona, status, full_case):  # noqa: F811
    case, _ = full_case
    assert request.getfixturevalue(persona).get(url(case, "json")).status_code == status
    assert not AccessLog.objects.exists()


def test_the_json_holds_what_the_anonymisation_erases_too(secretariat_client, secretariat, full_case):  # noqa: F811
    """Everything Prévex holds: the referral's status changes and their notes, the housing offers of
    the pool, the acts received as PDFs (their text), the history of changes (values before and
    after), the transfers between départements: the texts procedure/retention.py erases."""
    case, _ = full_case
    Referral.objects.get().transitions.update(note="Mme Zablocki rappelle lundi")
    entry = RehousingPoolEntry.objects.create(
        procedure=case, proposed_by="secretariat", quota="contingent_prefectoral"
    )
    RehousingOffer.objects.create(
        entry=entry,
        landlord=OrganisationFactory(code="orvitis", name="Orvitis"),
        offered_on=datetime.date(2023, 1, 5),
        description="T3 rue Zablocki",
        reason="trop loin",
    )
    ActDocument.objects.create(
        batch=ReadingBatch.objects.create(created_by=secretariat),
        name="cdp.pdf",
        sha256="0" * 64,
        status=ActDocument.Status.CONFIRMED,
        text="Commandement à M. Zablocki",
        procedure=case,
    )
    CaseTransfer.objects.create(
        procedure=case, from_departement="21", to_departement="71", reason="Zablocki déménage"
    )

    data = json.loads(secretariat_client.get(url(case, "json")).content)

    assert "Mme Zablocki rappelle lundi" in {
        t["note"] for t in data["Changements de statut des orientations"]
    }
    assert [o["logement proposé"] for o in data["Propositions de logement"]] == ["T3 rue Zablocki"]
    assert [d["texte extrait"] for d in data["Actes reçus en PDF"]] == ["Commandement à M. Zablocki"]
    assert [t["motif"] for t in data["Transferts entre départements"]] == ["Zablocki déménage"]
    assert "06 12 34 56 78" in json.dumps(data["Historique des modifications"], ensure_ascii=False)
