"""The household's label and the lease's commune and sector, copied on the procedure for one
département's list (decision 017): written with the case, by the import, and again whenever the
household or the lease changes or the case is anonymised; check_consistency finds a copy that drifted."""

import datetime
import io

import pytest
from django.core.management import call_command

from directory.models import Commune
from households.models import HousingSector
from procedure import retention, services
from procedure.models import Procedure, Stage
from tests.factories import CommuneFactory
from tests.procedure.factories import ProcedureFactory, procedure_at

pytestmark = pytest.mark.django_db


def keys(procedure):
    columns = ("household_label", "commune_name", "sector", "commune_insee_code")
    return Procedure.objects.values_list(*columns).get(pk=procedure.pk)


def test_a_new_case_carries_its_household_s_label_and_its_lease_s_commune_and_sector():
    procedure = ProcedureFactory(household__label="M. et Mme Durand", lease__sector=HousingSector.PUBLIC)
    commune = procedure.lease.commune
    assert keys(procedure) == ("M. et Mme Durand", commune.name, "public", commune.insee_code)


def test_a_change_of_the_household_or_the_lease_is_copied(secretariat):
    procedure = ProcedureFactory(household__label="M. Durand", lease__sector=HousingSector.PRIVATE)
    other = CommuneFactory(insee_code="21999", name="Zèbre-sur-Ouche")
    services.update_household(
        household=procedure.household, data={"label": "Mme Duval"}, expected_version=1, user=secretariat
    )
    services.update_lease(
        lease=procedure.lease,
        data={"commune": other, "sector": HousingSector.PUBLIC},
        expected_version=1,
        user=secretariat,
    )
    assert keys(procedure) == ("Mme Duval", "Zèbre-sur-Ouche", "public", "21999")


def test_an_imported_case_carries_them(secretariat):
    Commune.objects.get_or_create(insee_code="21231", defaults={"name": "Dijon", "departement_code": "21"})
    file = io.StringIO(
        "reference;acte;date_acte;nom;prenom;adresse;code_postal;commune_insee;bailleur;parc\n"
        "EXPLOC-KEYS-1;commandement_de_payer;2026-03-02;Martin;Léa;1 rue Neuve;21000;21231;Orvitis;public\n"
    )
    report = services.import_acts(file, filename="actes.csv", user=secretariat)
    assert report.created_procedures == 1, report
    imported = Procedure.objects.get(reference="EXPLOC-KEYS-1")
    assert keys(imported) == ("Léa Martin", "Dijon", "public", "21231")
    names, addresses = search_copies(imported)  # what the search reads (procedure migration 0033)
    assert "martin" in names and "1 rue neuve" in addresses


def test_an_anonymised_case_is_sorted_under_its_new_label():
    procedure = procedure_at(Stage.PAYMENT_ORDER, on=datetime.date(2015, 3, 2))
    retention._anonymise_households([procedure.household_id])
    procedure.household.refresh_from_db()
    assert keys(procedure)[0] == procedure.household.label != ""


def test_check_consistency_reports_a_copy_that_drifted():
    procedure = ProcedureFactory(household__label="M. Durand")
    Procedure.objects.filter(pk=procedure.pk).update(household_label="M. Dupont")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_consistency", stdout=io.StringIO(), stderr=err)
    assert f"{procedure.reference} : household_label vaut 'M. Dupont', attendu 'M. Durand'" in err.getvalue()


def test_a_commune_whose_code_changes_is_copied_on_its_cases():
    """A commune's INSEE code changes when communes merge (a commune nouvelle takes one code): the
    list's commune filter reads the copy on the procedure (decision 017)."""
    procedure = ProcedureFactory()
    commune = procedure.lease.commune
    commune.insee_code = "21998"
    commune.save()
    assert keys(procedure)[3] == "21998"


def search_copies(procedure):
    return Procedure.objects.values_list("search_text", "address_text").get(pk=procedure.pk)


def test_the_household_s_search_texts_are_copied_on_its_cases_as_they_change(secretariat):
    """What the search reads with the département (procedure migration 0033): the household's
    names and claim number, and apart its leases' addresses, copied on each of its cases."""
    procedure = ProcedureFactory(household__label="M. Durand", lease__address="3 rue Neuve")
    services.refresh_search_text(procedure.household)
    assert search_copies(procedure) == (procedure.household.search_text, procedure.household.address_text)
    assert "3 rue neuve" in search_copies(procedure)[1]

    services.update_household(
        household=procedure.household,
        data={"benefit_claim_number": "7654321"},
        expected_version=1,
        user=secretariat,
    )
    services.update_lease(
        lease=procedure.lease, data={"address": "8 allée des Tilleuls"}, expected_version=1, user=secretariat
    )

    names, addresses = search_copies(procedure)
    assert "7654321" in names
    assert "8 allee des tilleuls" in addresses and "rue neuve" not in addresses


def test_check_consistency_reports_a_search_text_that_drifted():
    procedure = ProcedureFactory(household__label="M. Durand")
    services.refresh_search_text(procedure.household)
    Procedure.objects.filter(pk=procedure.pk).update(search_text="dupont")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_consistency", stdout=io.StringIO(), stderr=err)
    assert f"{procedure.reference} : search_text vaut 'dupont'" in err.getvalue()
