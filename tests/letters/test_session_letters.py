"""The letters about a commission's session: the convocation names its session; the letter of
opinion and recommendations and its copy to the social services give the opinion and each
recommendation with the organisation responsible and its due date (Charte II.A.2); an existing
database gets the new default wording as a new version, never over an administrator's wording."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from commissions.models import Recommendation
from letters import defaults, placeholders
from letters.models import LetterKind, LetterTemplate
from letters.services import letters as services
from procedure.models import Stage
from tests.commissions.factories import AgendaItemFactory, RecommendationFactory, SessionFactory
from tests.factories import OrganisationFactory
from tests.letters.test_letters import pdf_text
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
SESSION_DAY = datetime.date(2026, 11, 19)
migration = importlib.import_module("letters.migrations.0002_session_placeholders")


@pytest.fixture
def decided_item():
    procedure = procedure_at(
        Stage.ORDER_TO_VACATE, on=datetime.date(2026, 9, 1), household__label="M. Karim Benali"
    )
    session = SessionFactory(
        date=SESSION_DAY,
        place="Locaux de la DDETS, Dijon",
        commission__name="Commission de médiation pré-expulsion de Dijon",
    )
    item = AgendaItemFactory(
        session=session,
        procedure=procedure,
        opinion="Maintien dans les lieux sous réserve d'un plan d'apurement.",
        decided_at=datetime.datetime(2026, 11, 19, 15, tzinfo=datetime.UTC),
    )
    RecommendationFactory(
        agenda_item=item,
        kind=Recommendation.Kind.FSL,
        responsible=OrganisationFactory(name="CCAS de Dijon"),
        due_date=datetime.date(2026, 12, 15),
    )
    RecommendationFactory(
        agenda_item=item,
        kind=Recommendation.Kind.REPAYMENT_PLAN,
        detail="300 € par mois",
        responsible=OrganisationFactory(name="Grand Dijon Habitat"),
        due_date=datetime.date(2027, 1, 31),
    )
    return item


FSL_LINE = "Aide du FSL — organisme chargé : CCAS de Dijon — échéance : 15 décembre 2026"
PLAN_LINE = (
    "Plan d'apurement (300 € par mois) — organisme chargé : Grand Dijon Habitat — échéance : 31 janvier 2027"
)


def test_the_opinion_letter_html_gives_the_session_the_opinion_and_each_recommendation(decided_item):
    version = services.current_version(LetterKind.OPINION)

    html = services.letter_html(decided_item.procedure, version, today=TODAY, agenda_item=decided_item)

    assert (
        "La Commission de médiation pré-expulsion de Dijon a examiné lors de sa séance du 19 novembre" in html
    )
    assert (
        "Avis de la commission : Maintien dans les lieux sous réserve d&#x27;un plan d&#x27;apurement."
        in html
    )
    assert '<ul class="preconisations">' in html and "<p><ul" not in html
    assert f"<li>{FSL_LINE}</li>" in html
    assert "<li>Plan d&#x27;apurement (300 € par mois) — organisme chargé : Grand Dijon Habitat" in html
    assert "Objet : Avis et recommandations de la CCAPEX — séance du 19 novembre 2026" in html


def test_the_opinion_letter_pdf_lists_the_recommendations_with_organisations_and_dates(decided_item):
    letter = services.generate(
        procedure=decided_item.procedure, kind=LetterKind.OPINION, today=TODAY, agenda_item=decided_item
    )

    text, _ = pdf_text(letter)
    assert letter.recipient == "M. Karim Benali"
    assert "séance du 19 novembre 2026" in text
    assert "Maintien dans les lieux sous réserve d'un plan d'apurement." in text
    assert FSL_LINE in text and PLAN_LINE in text


def test_the_copy_to_the_social_services_lists_them_too(decided_item):
    letter = services.generate(
        procedure=decided_item.procedure, kind=LetterKind.OPINION_COPY, today=TODAY, agenda_item=decided_item
    )

    text, _ = pdf_text(letter)
    assert letter.recipient == "Service social de secteur"
    assert "Commission de médiation pré-expulsion de Dijon, séance du 19 novembre 2026" in text
    assert "M. Karim Benali" in text
    assert "Maintien dans les lieux sous réserve d'un plan d'apurement." in text
    assert FSL_LINE in text and PLAN_LINE in text


def test_without_an_item_named_the_latest_decided_item_of_the_case_is_used(decided_item):
    AgendaItemFactory(  # a later session, not yet decided: not the one the opinion is about
        procedure=decided_item.procedure, session=SessionFactory(date=datetime.date(2027, 1, 14))
    )
    version = services.current_version(LetterKind.OPINION)

    html = services.letter_html(decided_item.procedure, version, today=TODAY)

    assert "séance du 19 novembre 2026" in html and FSL_LINE in html


def test_a_case_never_examined_says_what_is_to_be_specified():
    procedure = procedure_at(Stage.ORDER_TO_VACATE, on=datetime.date(2026, 9, 1))
    version = services.current_version(LetterKind.OPINION)

    html = services.letter_html(procedure, version, today=TODAY)

    assert "Avis de la commission : (à préciser)" in html and "<ul" not in html


def test_a_recommendation_free_opinion_says_so(decided_item):
    decided_item.recommendations.all().delete()
    version = services.current_version(LetterKind.OPINION_COPY)

    html = services.letter_html(decided_item.procedure, version, today=TODAY, agenda_item=decided_item)

    assert "Aucune préconisation." in html


def test_the_opinion_is_escaped(decided_item):
    decided_item.opinion = "<script>alert(1)</script>"
    version = services.current_version(LetterKind.OPINION)

    html = services.letter_html(decided_item.procedure, version, today=TODAY, agenda_item=decided_item)

    assert "&lt;script&gt;" in html and "<script>" not in html


def test_the_convocation_names_its_session(decided_item):
    upcoming = AgendaItemFactory(
        procedure=decided_item.procedure,
        session=SessionFactory(
            date=datetime.date(2026, 12, 10),
            place="Salle 3, DDETS",
            commission=decided_item.session.commission,
        ),
    )

    letter = services.generate(
        procedure=upcoming.procedure, kind=LetterKind.MEDIATION_NOTICE, today=TODAY, agenda_item=upcoming
    )

    text, _ = pdf_text(letter)
    assert "Convocation : Commission de médiation pré-expulsion de Dijon, séance du 10 décembre 2026" in text
    assert "du 10 décembre 2026 (Salle 3, DDETS)" in text


def test_the_session_placeholders_are_allowed_and_an_unknown_one_still_refused():
    placeholders.validate(
        "{{ commission.nom }} {{ seance.date }} {{ seance.lieu }} {{ avis }} {{ preconisations }}"
    )
    with pytest.raises(ValidationError, match=r"Champ inconnu : {{ seance.heure }}"):
        placeholders.validate("{{ seance.heure }}")


# ---------------------------------------------------------------------------------------------
# The new default wording on an existing database
# ---------------------------------------------------------------------------------------------


def former_versions(**changed):
    """Templates at their wording before migration 0002 (the administrator may have changed one)."""
    for kind, (subject, body) in migration.FORMER.items():
        template = LetterTemplate.objects.create(kind=kind)
        services.save_version(template=template, subject=subject, body=changed.get(kind, body), user=None)


def test_a_template_at_the_former_default_gets_the_new_one_as_a_new_version():
    former_versions()

    migration.install_new_defaults(apps, None)
    migration.install_new_defaults(apps, None)  # run twice: nothing more

    for kind in migration.FORMER:
        template = LetterTemplate.objects.get(kind=kind)
        assert list(template.versions.values_list("number", flat=True)) == [2, 1]
        latest = template.current_version
        assert (latest.subject, latest.body) == defaults.DEFAULTS[LetterKind(kind)]
        assert template.versions.get(number=1).body == migration.FORMER[kind][1]


def test_an_administrators_wording_is_never_replaced():
    edited = "Madame, Monsieur,\n\nTexte du département pour {{ menage.libelle }}."
    former_versions(**{LetterKind.OPINION.value: edited})

    migration.install_new_defaults(apps, None)

    opinion = LetterTemplate.objects.get(kind=LetterKind.OPINION)
    assert opinion.versions.count() == 1 and opinion.current_version.body == edited
    assert LetterTemplate.objects.get(kind=LetterKind.OPINION_COPY).versions.count() == 2


def test_the_edit_page_says_the_default_has_placeholders_the_wording_lacks(administrator_client):
    former_versions(**{LetterKind.OPINION.value: "Texte du département pour {{ menage.libelle }}."})
    url = reverse("letters:template_edit", args=[LetterKind.OPINION])

    page = administrator_client.get(url).content.decode()
    from_default = administrator_client.get(url + "?texte=defaut").content.decode()

    assert "Le texte par défaut a évolué" in page
    assert "{{ avis }}</code>, <code>{{ preconisations }}" in page
    assert "Avis de la commission : {{ avis }}" not in page
    assert "Avis de la commission : {{ avis }}" in from_default


def test_the_edit_page_of_an_up_to_date_wording_has_no_notice(administrator_client):
    page = administrator_client.get(
        reverse("letters:template_edit", args=[LetterKind.OPINION])
    ).content.decode()

    assert "Le texte par défaut a évolué" not in page


def test_the_debt_is_written_the_french_way():
    from decimal import Decimal

    assert services.money(Decimal("2900")) == "2\xa0900,00\xa0€"
    assert services.money(Decimal("1234567.5")) == "1\xa0234\xa0567,50\xa0€"
