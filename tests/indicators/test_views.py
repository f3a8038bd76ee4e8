"""The dashboard, its exports, the procedures behind a figure and the supplied figures' form,
with the personas."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Role
from indicators.models import SuppliedFigure
from procedure.models import EventKind
from tests.factories import OrganisationFactory, member
from tests.procedure.factories import ProcedureFactory

from .factories import event

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("indicators:dashboard")
THIS_YEAR = timezone.localdate().year


def test_secretariat_sees_the_dashboard_with_the_24_indicators(secretariat_client):
    event(EventKind.PAYMENT_ORDER, datetime.date(2025, 3, 3))
    response = secretariat_client.get(DASHBOARD, {"year": 2025})
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("data-indicator=") == 24
    assert "Nombre de commandements de payer notifiés" in content
    assert "<svg" in content and "<figcaption" in content
    assert "Objectif de la Charte" in content


def test_administrator_sees_the_dashboard(administrator_client):
    assert administrator_client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("persona", ["social_worker_client", "commission_member_client"])
def test_other_roles_get_403(persona, request):
    client = request.getfixturevalue(persona)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("indicators:export")).status_code == 403
    assert client.get(reverse("indicators:report", args=[2025])).status_code == 403
    assert client.get(reverse("indicators:procedures", args=["assignations"])).status_code == 403


def test_dashboard_query_count_does_not_grow_with_procedures(secretariat_client, django_assert_num_queries):
    def add(count):
        for _ in range(count):
            procedure = ProcedureFactory(holder=False)
            event(EventKind.PAYMENT_ORDER, datetime.date(2025, 1, 10), procedure)
            event(EventKind.EVICTION, datetime.date(2025, 11, 10), procedure)

    add(1)
    secretariat_client.get(DASHBOARD, {"year": 2025})  # warm the session
    queries_for_one = len(_queries(secretariat_client, DASHBOARD))
    add(29)
    with django_assert_num_queries(queries_for_one):
        response = secretariat_client.get(DASHBOARD, {"year": 2025})
    assert b'title="Voir les proc' in response.content


def test_filters_by_territory_and_sector_are_applied(secretariat_client):
    event(EventKind.SUMMONS, datetime.date(2025, 3, 3), ProcedureFactory(holder=False, lease__public=True))
    response = secretariat_client.get(DASHBOARD, {"year": 2025, "sector": "prive"})
    assert response.context["board"].rows[4][1][-1].value == 0
    response = secretariat_client.get(DASHBOARD, {"year": 2025, "sector": "public"})
    assert response.context["board"].rows[4][1][-1].value == 1


def test_export_button_gives_csv_and_xlsx(secretariat_client):
    response = secretariat_client.get(reverse("indicators:export"), {"year": 2025})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "indicator,year,territory,value" and len(lines) == 1 + 24 * 3
    response = secretariat_client.get(reverse("indicators:export"), {"year": 2025, "format": "xlsx"})
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert response.content[:2] == b"PK"


def test_procedures_behind_a_figure_lists_those_counted(secretariat_client, django_assert_num_queries):
    counted = ProcedureFactory(holder=False, reference="EXPLOC-COMPTE")
    event(EventKind.ORDER_TO_VACATE, datetime.date(2025, 12, 31), counted)
    event(
        EventKind.ORDER_TO_VACATE,
        datetime.date(2026, 1, 1),
        ProcedureFactory(holder=False, reference="EXPLOC-2026"),
    )
    url = reverse("indicators:procedures", args=["commandements_quitter"])
    response = secretariat_client.get(url, {"year": 2025})
    content = response.content.decode()
    assert "EXPLOC-COMPTE" in content and "EXPLOC-2026" not in content
    queries_for_one = len(_queries(secretariat_client, url))
    for _ in range(10):
        event(EventKind.ORDER_TO_VACATE, datetime.date(2025, 6, 1))
    with django_assert_num_queries(queries_for_one):
        response = secretariat_client.get(url, {"year": 2025})
    assert response.context["page"].paginator.count == 11


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url, {"year": 2025})
    return context.captured_queries


def test_procedures_behind_an_unknown_or_supplied_indicator_is_404(secretariat_client, settings):
    settings.INDICATORS_SUPPLIED = ["pcs_signes"]
    assert secretariat_client.get(reverse("indicators:procedures", args=["inconnu"])).status_code == 404
    assert secretariat_client.get(reverse("indicators:procedures", args=["pcs_signes"])).status_code == 404


class TestSupplyForm:
    url = reverse("indicators:supply")

    @pytest.fixture(autouse=True)
    def pcs_supplied(self, settings):
        settings.INDICATORS_SUPPLIED = ["pcs_signes", "aides_fsl_impayes"]

    def test_social_landlord_enters_its_pcs_figure_once_and_who_is_recorded(self, client):
        landlord = OrganisationFactory(code="orvitis", kind="bailleur_social", name="Orvitis")
        user = member(role=Role.PARTNER, organisation=landlord, email="chiffres@orvitis.example")
        client.force_login(user)
        page = client.get(self.url)
        assert page.status_code == 200
        assert [c[0] for c in page.context["form"].fields["indicator"].choices] == ["pcs_signes"]
        response = client.post(self.url, {"indicator": "pcs_signes", "year": 2025, "value": 37})
        assert response.status_code == 302
        figure = SuppliedFigure.objects.get()
        assert (figure.value, figure.organisation, figure.entered_by) == (37, landlord, user)

    def test_entering_again_corrects_the_figure(self, secretariat_client, secretariat):
        for value in (10, 12):
            secretariat_client.post(
                self.url, {"indicator": "aides_fsl_impayes", "year": 2025, "value": value}
            )
        assert SuppliedFigure.objects.get().value == 12

    def test_supplied_figure_shows_on_the_dashboard_with_its_provenance(self, secretariat_client):
        secretariat_client.post(self.url, {"indicator": "pcs_signes", "year": 2025, "value": 37})
        response = secretariat_client.get(DASHBOARD, {"year": 2025})
        assert "Fourni par DDETS de la Côte-d&#x27;Or" in response.content.decode()

    def test_organisation_not_referent_of_a_supplied_indicator_gets_403(self, social_worker_client):
        assert social_worker_client.get(self.url).status_code == 403

    def test_negative_value_is_refused_in_french(self, secretariat_client):
        response = secretariat_client.post(self.url, {"indicator": "pcs_signes", "year": 2025, "value": -1})
        assert response.status_code == 200
        assert "supérieure ou égale à 0" in response.content.decode()


class TestSupplyOnlyByTheReferentPartner:
    """The supplied figures are the partners' referents' page: another role of a referent
    organisation (a CAF commission member, a CCAS social worker) gets a 403 and writes nothing."""

    url = reverse("indicators:supply")

    @pytest.fixture(autouse=True)
    def caf_figures_supplied(self, settings):
        settings.INDICATORS_SUPPLIED = ["plans_apurement", "aides_fsl_impayes"]

    @pytest.mark.parametrize("role", [Role.COMMISSION_MEMBER, Role.SOCIAL_WORKER])
    def test_another_role_of_the_referent_organisation_gets_403(self, client, caf, role):
        client.force_login(member(role=role, organisation=caf, email="autre@caf.example"))

        assert client.get(self.url).status_code == 403
        assert (
            client.post(self.url, {"indicator": "plans_apurement", "year": 2025, "value": 3}).status_code
            == 403
        )
        assert not SuppliedFigure.objects.exists()

    def test_the_partner_of_the_referent_organisation_enters_it(self, client, caf):
        client.force_login(member(role=Role.PARTNER, organisation=caf, email="referent@caf.example"))

        response = client.post(self.url, {"indicator": "plans_apurement", "year": 2025, "value": 3})

        assert response.status_code == 302 and SuppliedFigure.objects.get().value == 3
