"""The secretariat drops three acts' PDFs and a scan, confirms two with the keyboard, corrects
one, recognises the scan; the cases then show the acts, their tasks and their PDFs."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import blocking_violations
from tests.factories import DEMO_PASSWORD
from tests.procedure import act_pdfs
from tests.procedure.reading_fixtures import acts_world, today  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("acts_world")]


def write(folder, name, pdf):
    path = folder / name
    path.write_bytes(pdf)
    return path


def test_secretariat_drops_pdfs_confirms_two_corrects_one_and_the_cases_show_them(
    page, secretariat, tmp_path, screenshot
):
    payment_order = act_pdfs.act("commandement_de_payer", layout=0, seed=11, today=today())
    summons = act_pdfs.act("assignation", layout=1, seed=12, today=today())
    order_to_vacate = act_pdfs.act("commandement_de_quitter_les_lieux", layout=2, seed=13, today=today())
    files = [
        write(tmp_path, "1-commandement.pdf", payment_order.pdf),
        write(tmp_path, "2-assignation.pdf", summons.pdf),
        write(tmp_path, "3-cql.pdf", order_to_vacate.pdf),
        write(tmp_path, "4-scan.pdf", act_pdfs.scan()),
    ]
    sign_in(page, email="secretariat@example.org", password=DEMO_PASSWORD)
    page.get_by_role("link", name="Lire des actes PDF").first.click()
    assert blocking_violations(page) == []
    page.get_by_label("Actes en PDF").set_input_files(files)
    page.get_by_role("button", name="Lire les actes").click()

    expect(page.get_by_role("status")).to_contain_text("Lecture terminée : 4 actes lus.")
    expect(page.get_by_test_id("acte-lu").filter(has_text="4-scan.pdf")).to_contain_text("Scan, à saisir")
    screenshot("reading-batch")
    assert blocking_violations(page) == []
    page.get_by_role("link", name="Vérifier les actes").click()

    # 1: the commandement de payer, confirmed with one key
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acte 1 sur 4")
    expect(page.get_by_label("Référence de la procédure")).to_have_value(payment_order.expected["reference"])
    expect(page.get_by_test_id("lu-reference").locator("mark")).to_have_text(
        payment_order.expected["reference"]
    )
    screenshot("reading-check")
    assert blocking_violations(page) == []
    page.keyboard.press("Enter")

    # 2: the assignation, its debt corrected by hand
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acte 2 sur 4")
    page.get_by_label("Dette à la date de l'acte (€)").fill("1 999,99")
    page.get_by_label("Dette à la date de l'acte (€)").press("Enter")

    # 3: the commandement de quitter les lieux, confirmed with one key
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acte 3 sur 4")
    expect(page.get_by_label("Référence de la procédure")).to_have_value(
        order_to_vacate.expected["reference"]
    )
    page.keyboard.press("Enter")

    # 4: the scan, recognised as such, set aside
    expect(page.get_by_test_id("scan")).to_contain_text("Document scanné")
    screenshot("reading-scan")
    assert blocking_violations(page) == []
    page.get_by_role("button", name="Écarter cet acte").click()
    expect(page.get_by_test_id("acte-lu").filter(has_text="Confirmé")).to_have_count(3)

    page.get_by_role("link", name=summons.expected["reference"]).click()
    expect(page.get_by_text("Assignation").first).to_be_visible()
    expect(page.get_by_test_id("documents-actes")).to_contain_text("Assignation du")
    # amounts are shown grouped by thousands, French style (1 999,99 €)
    expect(page.get_by_text(re.compile(r"1\s999,99\s€")).first).to_be_visible()
    screenshot("reading-case")
    page.go_back()
    page.get_by_role("link", name=payment_order.expected["reference"]).click()
    expect(page.get_by_test_id("documents-actes")).to_contain_text("Commandement de payer du")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("button", name="Procédures").click()
    menu.get_by_role("link", name="Liste des procédures").click()
    expect(page.get_by_test_id("procedure")).to_have_count(3)
