"""Issue 5, "done when", in the browser: the secretariat builds the next médiation pré-expulsion de
Dijon from the suggested public-sector cases (the eleventh is refused), publishes it, records the
session's decisions and downloads the relevé de décisions; membre.caf sees that agenda only while it
is open to members and cannot open any other case. (A month later, the overdue recommendations in
the work queue: tests/commissions/test_done_when.py.)"""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from commissions.models import CommissionMember, Session
from households.models import HousingSector
from procedure.models import Stage
from tests.commissions.factories import CommissionFactory
from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD
from tests.procedure.factories import procedure_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

START = datetime.datetime(2027, 2, 1, 9, tzinfo=datetime.UTC)
SECRETARIAT = "secretariat@example.org"
MEMBER = "membre.caf@example.org"


def at(day, hour=9):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), datetime.UTC), tick=True)


def sign_out(page):
    page.context.clear_cookies()


@pytest.fixture
def mediation(caf, commission_member):
    commission = CommissionFactory(mediation=True)
    CommissionMember.objects.create(commission=commission, organisation=caf, user=commission_member)
    return commission


def test_the_mediation_de_dijon_from_the_suggestions_to_the_decisions(
    page, screenshot, secretariat, commission_member, mediation, ccas_dijon
):
    with time_machine.travel(START, tick=True):
        cases = [
            procedure_at(
                Stage.ORDER_TO_VACATE, sector=HousingSector.PUBLIC, household__label=f"Ménage {n:02d}"
            )
            for n in range(1, 12)
        ]
        other = procedure_at(Stage.ORDER_TO_VACATE, household__label="Ménage du parc privé")

        sign_in(page, email=SECRETARIAT, password=DEMO_PASSWORD)
        page.get_by_role("link", name="Commissions", exact=True).first.click()
        page.get_by_role("link", name="Dossiers en attente d'examen").click()
        page.get_by_role("button", name="Rechercher les situations à proposer").click()
        expect(page.locator(".fr-alert")).to_contain_text("11 saisines proposées")
        expect(page.get_by_test_id("queue-row")).to_have_count(11)
        screenshot("commissions-queue")

        page.get_by_role("link", name=mediation.name).first.click()
        page.get_by_label("Prévoir les séances jusqu'au").fill("2027-02-28")
        page.get_by_role("button", name="Prévoir les séances selon le rythme").click()
        expect(page.locator(".fr-alert")).to_contain_text("1 séance prévue")
        page.get_by_test_id("sessions").get_by_role("link").first.click()
        session = Session.objects.get(commission=mediation)

        for _ in range(10):
            page.get_by_label("Dossier en attente d'examen").select_option(index=1)
            page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
            expect(page.locator(".fr-alert--success")).to_contain_text("inscrit à l'ordre du jour")
        expect(page.get_by_test_id("capacity")).to_have_text("10 / 10")
        page.get_by_label("Dossier en attente d'examen").select_option(index=1)
        page.get_by_role("button", name="Inscrire à l'ordre du jour").click()
        expect(page.locator(".fr-alert--error")).to_contain_text("compte déjà 10 situations")
        expect(page.get_by_test_id("agenda-item")).to_have_count(10)

        # The agenda's order, by keyboard: the second case moves up.
        second = page.get_by_role("button", name="Monter Ménage 02")
        second.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_test_id("agenda-item").first).to_contain_text("Ménage 02")
        screenshot("commissions-agenda")

        page.get_by_role("button", name="Publier l'ordre du jour").click()
        expect(page.get_by_test_id("session-status")).to_have_text("Ordre du jour publié")
        sign_out(page)

        sign_in(page, email=MEMBER, password=DEMO_PASSWORD)
        page.get_by_role("link", name="Mes séances").first.click()
        page.get_by_test_id("member-session").get_by_role("link").click()
        expect(page.get_by_test_id("member-agenda-item")).to_have_count(10)
        page.get_by_role("link", name="Ménage 01").click()
        expect(page.get_by_role("heading", name="Ménage 01")).to_be_visible()
        expect(page.get_by_test_id("summary-stage")).to_have_text("Commandement de quitter les lieux")
        screenshot("commissions-member-summary")
        for case in (cases[0], cases[10], other):
            assert page.goto(f"/procedures/{case.pk}/").status == 404
        sign_out(page)

    with at(session.date, hour=15):
        sign_in(page, email=SECRETARIAT, password=DEMO_PASSWORD)
        page.goto(f"/commissions/seances/{session.pk}/")
        page.get_by_test_id("agenda-item").first.get_by_role("link", name="Saisir l'avis").click()
        decision = page.get_by_test_id("decision-form")
        decision.get_by_label("Présence").select_option(label="Ménage présent")
        decision.get_by_label("Avis de la commission").fill("Plan d'apurement à signer avec le bailleur")
        decision.get_by_role("button", name="Enregistrer l'avis").click()
        expect(page.locator(".fr-alert--success")).to_contain_text("Avis enregistré")
        recommendation = page.get_by_test_id("recommendation-form")
        recommendation.get_by_label("Préconisation").select_option(label="Plan d'apurement")
        recommendation.get_by_label("Organisme chargé").select_option(label="CCAS de Dijon")
        recommendation.get_by_label("Échéance").fill((session.date + datetime.timedelta(days=14)).isoformat())
        recommendation.get_by_role("button", name="Ajouter la préconisation").click()
        expect(page.get_by_test_id("recommendation")).to_contain_text("CCAS de Dijon")
        screenshot("commissions-decision")

        page.get_by_role("link", name=re.compile("séance du")).first.click()
        expect(page.get_by_test_id("session-status")).to_have_text("Tenue")
        with page.expect_download() as download:
            page.get_by_role("link", name="Télécharger le relevé de décisions (PDF)").click()
        assert download.value.suggested_filename == f"releve-decisions-{session.date:%Y-%m-%d}.pdf"
        sign_out(page)

        sign_in(page, email=MEMBER, password=DEMO_PASSWORD)
        page.get_by_role("link", name="Mes séances").first.click()
        expect(page.get_by_test_id("member-session")).to_have_count(1)
        sign_out(page)

    with at(session.date + datetime.timedelta(days=31)):
        sign_in(page, email=MEMBER, password=DEMO_PASSWORD)
        page.get_by_role("link", name="Mes séances").first.click()
        expect(page.get_by_text("Aucun ordre du jour publié pour vos commissions.")).to_be_visible()
        first_item = session.items.order_by("order").first()
        assert page.goto(f"/commissions/mes-seances/{session.pk}/dossiers/{first_item.pk}/").status == 404
        screenshot("commissions-member-after-30-days")
