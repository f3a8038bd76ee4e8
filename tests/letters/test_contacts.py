"""Issue 12 §4: the letters to households carry the addresses of the commune's social services,
of the ADIL and of the secretariat for the answer, from the directory; a letter missing a
required address is refused with the reason (Charte II.B étapes 1 to 5: the questionnaire goes
"avec les coordonnées des services sociaux (CD, CCAS) et de l'ADIL")."""

import datetime

import pytest
from django.urls import reverse

from directory.models import Organisation
from letters.models import Letter, LetterBatch, LetterKind
from letters.services import letters as services
from letters.services.contacts import LetterRefused
from tests.factories import CommuneFactory, OrganisationFactory, TerritoryFactory
from tests.letters.factories import payment_order_on
from tests.letters.test_letters import pdf_text

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


def test_the_questionnaire_prints_the_ccas_the_agency_the_adil_and_the_secretariat(directory_contacts):
    agency = OrganisationFactory(
        code="cd21-agence-dijon",
        name="Agence Solidarités de Dijon",
        kind=Organisation.Kind.SOLIDARITY_AGENCY,
        address="5 rue du Département",
        postal_code="21000",
        city="Dijon",
        territory=TerritoryFactory(code="21-agence-dijon"),
    )
    agency.territory.communes.add(CommuneFactory())
    procedure = payment_order_on(TODAY)
    letter = services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD, today=TODAY)
    text, _ = pdf_text(letter)
    assert "CCAS de Dijon, 11 rue de l'Hôpital, 21000 Dijon" in text
    assert "Agence Solidarités de Dijon, 5 rue du Département, 21000 Dijon" in text
    assert "ADIL de la Côte-d'Or, 12 rue de l'Information, 21000 Dijon — tél. 03 80 00 00 02" in text
    assert "accueil : du lundi au vendredi, 9 h – 12 h" in text
    assert "DDETS de la Côte-d'Or, Cité administrative, 2 rue Mère Javouhey, 21000 Dijon" in text


def test_a_questionnaire_without_the_adil_s_address_is_refused_with_the_reason(directory_contacts):
    Organisation.objects.filter(code="adil-21").update(address="")
    with pytest.raises(LetterRefused, match="adresse postale manquante pour ADIL de la Côte-d'Or"):
        services.generate(procedure=payment_order_on(TODAY), kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD)
    assert not Letter.objects.exists()


def test_a_commune_with_no_social_service_is_refused_with_its_name(directory_contacts):
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    procedure = payment_order_on(TODAY, lease__commune=beaune)
    with pytest.raises(LetterRefused, match="aucun service social connu pour la commune de Beaune"):
        services.generate(procedure=procedure, kind=LetterKind.QUESTIONNAIRE_HOUSEHOLD)


def test_the_owner_s_questionnaire_needs_the_adil_and_the_secretariat_only(directory_contacts):
    Organisation.objects.filter(code="ccas-dijon").update(address="")
    letter = services.generate(procedure=payment_order_on(TODAY), kind=LetterKind.QUESTIONNAIRE_OWNER)
    text, _ = pdf_text(letter)
    assert "ADIL de la Côte-d'Or" in text and "CCAS de Dijon" not in text


def test_the_case_page_explains_a_refused_letter(secretariat_client, directory_contacts):
    Organisation.objects.filter(code="adil-21").update(address="")
    procedure = payment_order_on(TODAY)
    response = secretariat_client.post(
        reverse("letters:generate", args=[procedure.pk]),
        {"kind": LetterKind.QUESTIONNAIRE_HOUSEHOLD},
        follow=True,
    )
    assert "Courrier refusé : adresse postale manquante pour ADIL" in response.content.decode()
    assert not Letter.objects.exists()


def test_a_week_s_batch_with_a_missing_address_is_refused_listing_the_cases(
    secretariat_client, directory_contacts
):
    Organisation.objects.filter(code="adil-21").update(address="")
    procedure = payment_order_on(TODAY)
    week = f"{TODAY:%G-W%V}"
    response = secretariat_client.post(reverse("letters:index"), {"week": week})
    page = response.content.decode()
    assert procedure.reference in page and "adresse postale manquante" in page
    assert not LetterBatch.objects.exists()
