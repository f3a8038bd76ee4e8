"""The case page read in seconds: a sommaire, one alert per deadline, a filterable history,
French amounts and plurals."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from django.template import Context, Template
from django.urls import reverse

from households.models import Household, Lease
from procedure import access
from procedure.deadlines import Deadline
from procedure.models import Stage
from procedure.views.case import _one_per_deadline
from tests.procedure.factories import procedure_at

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


@pytest.fixture
def case():
    return procedure_at(Stage.SUMMONS, on=datetime.date(2026, 9, 1), household__label="Mme Roux")


def page(client, procedure, **params):
    return client.get(reverse("procedure:detail", args=[procedure.pk]), params)


def test_the_sommaire_links_to_every_section_on_the_page(secretariat_client, case):
    response = page(secretariat_client, case)

    html = response.content.decode()
    labels = [label for label, _ in response.context["summary"]]
    assert labels[:6] == [
        "Échéances",
        "Ménage",
        "Bail et bailleur",
        "Tâches",
        "Enregistrer un acte",
        "Historique",
    ]
    assert {"Orientations", "Commissions", "Courriers"} <= set(labels)
    for _, anchor in response.context["summary"]:
        assert f'id="{anchor}"' in html


def test_a_social_worker_sommaire_has_no_record_form_entry(social_worker_client, case, monkeypatch):
    monkeypatch.setattr(access, "GRANTS", [lambda user: Q(pk=case.pk)])  # as a referral would

    labels = [label for label, _ in page(social_worker_client, case).context["summary"]]

    assert "Enregistrer un acte" not in labels


def test_the_history_shows_only_the_acts_when_asked(secretariat_client, case):
    everything = page(secretariat_client, case).context["timeline"]
    acts = page(secretariat_client, case, historique="actes").context["timeline"]

    assert {entry.kind for entry in everything} >= {"event", "task"}
    assert acts and {entry.kind for entry in acts} == {"event"}
    assert [entry.title for entry in acts] == ["Assignation", "Commandement de payer"]


def test_the_history_of_changes_only_is_empty_on_a_new_case_and_says_so(secretariat_client, case):
    html = page(secretariat_client, case, historique="modifications").content.decode()

    assert "Rien de ce type dans l'historique." in html


def test_two_rules_giving_the_same_deadline_show_one_alert():
    day = datetime.date(2026, 12, 1)
    same = Deadline(day, "Audience le 01/12/2026", "CPCE L.412-1", "hearing", False)
    other = Deadline(day, "Diagnostic à rendre", "loi 1989 art. 24", "dsf", False)

    assert _one_per_deadline([same, other, same._replace(reference="autre")]) == [same, other]


def test_amounts_are_french_and_zero_children_is_singular(secretariat_client, case):
    Lease.objects.filter(pk=case.lease_id).update(rent=Decimal("1850.50"), charges=Decimal("120"))
    Household.objects.filter(pk=case.household_id).update(adults=1, children=0)
    case.debt = Decimal("12500")
    case.save(update_fields=["debt"])

    html = page(secretariat_client, case).content.decode()

    assert f"1{NBSP}850,50{NBSP}€ + 120,00{NBSP}€ de charges" in html
    assert f"12{NBSP}500,00{NBSP}€" in html
    assert "1 adulte, 0 enfant<" in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ v|euros }}", f"1{NBSP}850,50{NBSP}€"),
        ("{{ none|euros }}", "—"),
        ("{{ big|number }}", f"12{NBSP}500"),
        (
            "0 enfant{{ 0|fr_plural }}, 1 adulte{{ 1|fr_plural }}, 2 adulte{{ 2|fr_plural }}",
            "0 enfant, 1 adulte, 2 adultes",
        ),
    ],
)
def test_french_filters(source, expected):
    template = Template("{% load french %}" + source)

    assert template.render(Context({"v": Decimal("1850.5"), "none": None, "big": 12500})) == expected
