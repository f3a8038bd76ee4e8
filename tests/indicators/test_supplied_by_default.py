"""By default the repayment plans, FSL aids, PCS and new leases come from their referents
(Charte IV): the CAF enters its figure once, and it is in the export and the annual report."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from config import settings as configured
from directory.models import Role
from indicators import report
from indicators.models import SuppliedFigure
from tests.conftest import client_for
from tests.factories import OrganisationFactory, member

from .test_report import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def defaults(settings):
    settings.INDICATORS_SUPPLIED = configured.INDICATORS_SUPPLIED


def test_repayment_plans_fsl_pcs_and_new_leases_are_supplied_by_default():
    assert set(configured.INDICATORS_SUPPLIED) == {
        "plans_apurement",
        "plans_apurement_non_respectes",
        "aides_fsl_impayes",
        "pcs_signes",
        "nouveaux_baux_apres_resiliation",
    }


def test_the_caf_enters_its_repayment_plans_once_and_they_are_exported_and_reported(defaults):
    caf = OrganisationFactory(caf=True)
    client = client_for(member(role=Role.PARTNER, organisation=caf, email="stats@caf.example"))
    page = client.get(reverse("indicators:supply"))
    offered = [code for code, _ in page.context["form"].fields["indicator"].choices]
    assert "plans_apurement" in offered and "pcs_signes" not in offered

    response = client.post(
        reverse("indicators:supply"), {"indicator": "plans_apurement", "year": 2025, "value": 812}
    )

    assert response.status_code == 302
    assert SuppliedFigure.objects.get().organisation == caf
    out = io.StringIO()
    call_command("export_indicators", "--year", "2025", stdout=out)
    assert "plans_apurement,2025,,812" in out.getvalue().splitlines()
    assert "pcs_signes,2025,," in out.getvalue().splitlines()
    text = pdf_text(report.render_annual_report(2025))
    assert "812" in text and "Fourni par CAF de la Côte" in text
