"""The case page's letter menu offers the letters that fit the case's stage and sector (Charte II.B,
letters/rules.py), the others behind « Autres courriers »."""

import datetime
import re

import pytest
from django.urls import reverse

from households.models import HousingSector
from letters.models import LetterKind
from letters.rules import CFP_LETTERS, letters_for
from procedure import services
from procedure.models import PoliceDecision, Stage
from tests.procedure.factories import procedure_at

TODAY = datetime.date(2026, 11, 26)
PUBLIC, PRIVATE = HousingSector.PUBLIC, HousingSector.PRIVATE


def menus(client, procedure) -> tuple[list[str], list[str]]:
    """The options of the letters that fit, and of « Autres courriers », on the case page."""
    html = client.get(reverse("procedure:detail", args=[procedure.pk])).content.decode()

    def options(select_id):
        found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.DOTALL)
        return re.findall(r'<option value="([^"]+)"', found.group(1)) if found else []

    assert 'aria-controls="autres-courriers"' in html
    return options("id_letter_kind"), options("id_other_letter_kind")


@pytest.mark.parametrize(
    ("stage", "sector", "expected"),
    [
        (Stage.UNPAID_RENT, PRIVATE, []),
        (Stage.PAYMENT_ORDER, PUBLIC, []),
        (Stage.PAYMENT_ORDER, PRIVATE, [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.QUESTIONNAIRE_OWNER]),
        (Stage.SUMMONS, PUBLIC, [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.DSF_REQUEST]),
        (
            Stage.SUMMONS,
            PRIVATE,
            [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.QUESTIONNAIRE_OWNER, LetterKind.DSF_REQUEST],
        ),
        (Stage.HEARING, PRIVATE, [LetterKind.DSF_REQUEST]),
        (Stage.JUDGMENT, PUBLIC, []),
        (
            Stage.ORDER_TO_VACATE,
            PUBLIC,
            [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.MEDIATION_NOTICE, LetterKind.DSF_REQUEST],
        ),
        (
            Stage.ORDER_TO_VACATE,
            PRIVATE,
            [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.QUESTIONNAIRE_OWNER, LetterKind.DSF_REQUEST],
        ),
        (
            Stage.POLICE_REQUEST,
            PUBLIC,
            [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.MEDIATION_NOTICE, LetterKind.DSF_REQUEST],
        ),
        (Stage.POLICE_REQUEST, PRIVATE, [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.DSF_REQUEST]),
        (Stage.EVICTION, PRIVATE, []),
    ],
)
def test_the_charte_s_letters_per_stage_and_sector(stage, sector, expected):
    assert letters_for(stage, sector) == expected


def test_the_six_letters_of_the_concours_fit_only_when_it_is_granted():
    assert letters_for(Stage.POLICE_ASSISTANCE, PUBLIC, police_decision=PoliceDecision.GRANTED) == list(
        CFP_LETTERS
    )
    assert letters_for(Stage.POLICE_ASSISTANCE, PUBLIC, police_decision=PoliceDecision.REFUSED) == []


def test_a_closed_case_has_no_fitting_letter():
    assert letters_for(Stage.ORDER_TO_VACATE, PRIVATE, closed=True) == []


def test_the_private_owner_s_questionnaire_fits_at_the_payment_order_and_leaves_at_the_hearing(
    db, secretariat_client
):
    procedure = procedure_at(Stage.PAYMENT_ORDER, sector=PRIVATE, on=TODAY - datetime.timedelta(days=90))
    fitting, others = menus(secretariat_client, procedure)
    assert fitting == [LetterKind.QUESTIONNAIRE_HOUSEHOLD, LetterKind.QUESTIONNAIRE_OWNER]
    assert LetterKind.DSF_REQUEST in others and LetterKind.QUESTIONNAIRE_OWNER not in others

    services.record_event(
        procedure=procedure, kind=Stage.SUMMONS, date=TODAY - datetime.timedelta(days=30), hearing_date=TODAY
    )
    services.record_event(procedure=procedure, kind=Stage.HEARING, date=TODAY)
    fitting, others = menus(secretariat_client, procedure)
    assert fitting == [LetterKind.DSF_REQUEST]
    assert LetterKind.QUESTIONNAIRE_OWNER in others and LetterKind.DSF_REQUEST not in others


def test_a_public_case_at_the_payment_order_has_every_letter_under_other_letters(db, secretariat_client):
    procedure = procedure_at(Stage.PAYMENT_ORDER, sector=PUBLIC, on=TODAY)
    html = secretariat_client.get(reverse("procedure:detail", args=[procedure.pk])).content.decode()
    fitting, others = menus(secretariat_client, procedure)

    assert fitting == []
    assert sorted(others) == sorted(LetterKind.values)
    assert "La Charte ne prévoit aucun courrier à cette étape" in html


def test_the_letters_of_the_concours_fit_the_day_it_is_granted_not_when_refused(db, secretariat_client):
    granted = procedure_at(Stage.POLICE_ASSISTANCE, police_decision=PoliceDecision.GRANTED, on=TODAY)
    refused = procedure_at(Stage.POLICE_ASSISTANCE, police_decision=PoliceDecision.REFUSED, on=TODAY)

    assert menus(secretariat_client, granted)[0] == [kind.value for kind in CFP_LETTERS]
    fitting, others = menus(secretariat_client, refused)
    assert fitting == [] and set(CFP_LETTERS) <= set(others)


def test_a_letter_from_other_letters_is_generated(db, secretariat_client):
    procedure = procedure_at(Stage.PAYMENT_ORDER, sector=PUBLIC, on=TODAY)
    response = secretariat_client.post(
        reverse("letters:generate", args=[procedure.pk]), {"kind": LetterKind.DSF_REQUEST}
    )
    assert response.status_code == 302 and procedure.letters.get().kind == LetterKind.DSF_REQUEST
