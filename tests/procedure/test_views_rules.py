"""The page "Règles appliquées": generated from the tables of rules.py and the recorded truces,
readable by every signed-in role."""

import datetime

import pytest
from django.urls import reverse

from procedure import rules
from procedure.models import WinterTruce

pytestmark = pytest.mark.django_db
URL = reverse("procedure:rules")


@pytest.mark.parametrize(
    "persona",
    ["secretariat_client", "social_worker_client", "other_social_worker_client", "commission_member_client"],
)
def test_every_role_reads_the_rules(request, persona):
    assert request.getfixturevalue(persona).get(URL).status_code == 200


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_every_rule_of_the_tables_shows_with_its_references_and_reading(secretariat_client):
    page = secretariat_client.get(URL).content.decode()

    for rule in rules.LEGAL_RULES:
        assert f'id="regle-{rule.code}"' in page
        for version in rule.table:
            assert version.reference.replace("'", "&#x27;") in page
        if rule.reading:
            assert rule.reading.replace("'", "&#x27;") in page
    assert "Depuis le 29/07/2023" not in page  # dates read "depuis le", lower case, after a first version
    assert "depuis le 29/07/2023" in page
    assert "jusqu&#x27;au 28/07/2023" in page
    assert "du 1er novembre au 15 mars" in page
    assert "du 1er novembre au 31 mars" in page


def test_the_page_follows_the_tables_not_a_copy(secretariat_client, monkeypatch):
    changed = rules.LegalRule(
        "expulsion",
        "Expulsion après le commandement de quitter les lieux",
        (rules.DatedRule(datetime.date(2030, 1, 1), rules.Delay(months=3), "loi future"),),
        rules.Counting.MUST_RUN_OUT,
    )
    monkeypatch.setattr(rules, "LEGAL_RULES", (changed,))

    page = secretariat_client.get(URL).content.decode()

    assert "depuis le 01/01/2030" in page and "3 mois" in page and "loi future" in page


def test_the_truce_extensions_recorded_by_an_administrator_show(secretariat_client):
    WinterTruce.objects.create(
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2027, 5, 31), reference="arrêté test"
    )

    page = secretariat_client.get(URL).content.decode()

    assert "Trêve du 01/11/2026 au 31/05/2027 — arrêté test" in page
    assert "ordonnance n° 2021-141 du 10 février 2021" in page
