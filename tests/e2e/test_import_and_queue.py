"""The secretariat imports a week of acts, confirms the preview, and finds the tasks in its queue."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def week_of_acts(folder):
    today = timezone.localdate()

    def day(offset):
        return (today + datetime.timedelta(days=offset)).isoformat()

    lines = [
        "reference;acte;date_acte;nom;prenom;adresse;code_postal;commune_insee;bailleur;parc;date_audience",
        f"EXP-21-0101;commandement_de_payer;{day(-6)};Bérard;Hélène;3 rue des Forges;21000;21231;"
        "M. Durand;prive;",
        f"EXP-21-0102;commandement_de_payer;{day(-70)};Martin;Paul;8 rue Monge;21000;21231;M. Roy;prive;",
        f"EXP-21-0102;assignation;{day(-2)};;;;;;;;{day(60)}",
    ]
    path = folder / "actes-semaine.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_secretariat_imports_a_week_of_acts_and_sees_the_tasks_in_its_queue(
    page, secretariat, dijon, tmp_path, screenshot
):
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.get_by_role("link", name="Importer des actes").first.click()

    page.get_by_label("Fichier des actes").set_input_files(week_of_acts(tmp_path))
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_test_id("resume-import")).to_have_text(
        "2 procédures créées, 3 actes enregistrés, 0 actes déjà connus"
    )
    expect(page.locator("#table-apercu")).to_contain_text("EXP-21-0102")
    screenshot("import-preview")
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.get_by_role("heading", name="File de travail", level=1)).to_be_visible()
    expect(page.get_by_text("Import terminé : 2 procédures créées")).to_be_visible()
    cases = page.get_by_test_id("dossier")  # one row per case, its tasks inside
    expect(cases.filter(has_text="EXP-21-0101")).to_be_visible()
    expect(
        cases.filter(has_text="EXP-21-0102")
        .get_by_test_id("tache")
        .filter(has_text="Demander un diagnostic social")
    ).to_have_count(1)
    screenshot("work-queue")

    cases.filter(has_text="EXP-21-0101").get_by_role("button", name="Fait").first.click()
    expect(page.get_by_text("Tâche faite")).to_be_visible()

    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("button", name="Procédures").click()
    menu.get_by_role("link", name="Liste des procédures").click()
    expect(page.get_by_test_id("procedure")).to_have_count(2)
    page.get_by_role("link", name="Référence").click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Référence")
    screenshot("procedure-list")

    page.get_by_label("Rechercher un dossier").first.fill("helene berard")
    page.get_by_label("Rechercher un dossier").first.press("Enter")
    expect(page).to_have_url(re.compile(r"/procedures/\d+/$"))
    expect(page.get_by_text("EXP-21-0101").first).to_be_visible()
