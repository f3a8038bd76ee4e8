"""The annual report of the CCAPEX plénière: a PDF whose text holds the indicators."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from indicators import definitions as d
from indicators import report, services
from procedure.models import EventKind
from tests.factories import OrganisationFactory, UserFactory

from .factories import event

pytestmark = pytest.mark.django_db


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_report_pdf_holds_every_indicator_label_and_the_objective(secretariat_client):
    event(EventKind.EVICTION, datetime.date(2019, 6, 1))
    event(EventKind.EVICTION, datetime.date(2025, 6, 1))
    response = secretariat_client.get(reverse("indicators:report", args=[2025]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for indicator in d.INDICATORS:
        assert " ".join(indicator.label.split()) in text.replace("’", "'")
    assert "Comparaison avec l'objectif de la Charte" in text.replace("’", "'")
    assert "Activité des commissions" in text


def test_supplied_figure_appears_in_the_report_with_its_provenance(settings):
    settings.INDICATORS_SUPPLIED = ["plans_apurement"]
    caf = OrganisationFactory(caf=True)
    services.supply_figure(
        indicator=d.BY_CODE["plans_apurement"],
        year=2025,
        value=987,
        organisation=caf,
        user=UserFactory(first_name="Paul", last_name="Comptable"),
    )
    text = pdf_text(report.render_annual_report(2025))
    assert "987" in text
    assert "Fourni par CAF de la Côte" in text and "Paul Comptable" in text


def test_report_uses_the_marianne_font():
    assert report.fonts_base_url().startswith("file://")
    reader = PdfReader(io.BytesIO(report.render_annual_report(2025)))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
        for font in [font.get_object()]
    }
    assert any("Marianne" in name for name in fonts)


def test_report_gives_the_referrals_activity_and_says_what_is_not_available():
    import zoneinfo

    from referrals.models import Referral
    from tests.procedure.factories import ProcedureFactory

    paris = zoneinfo.ZoneInfo("Europe/Paris")
    Referral.objects.create(
        procedure=ProcedureFactory(holder=False),
        kind=Referral.Kind.DSF,
        addressed_to=OrganisationFactory(ccas=True),
        requested_at=datetime.datetime(2025, 3, 1, 9, tzinfo=paris),
        status=Referral.Status.DONE,
        closed_at=datetime.datetime(2025, 3, 31, 9, tzinfo=paris),
    )
    context = report.report_context(2025)
    assert context["referrals"] == [
        {"kind": Referral.Kind.DSF.label, "requested": 1, "done": 1, "failed": 0, "delay_days": 30}
    ]
    text = pdf_text(report.render_annual_report(2025))
    assert "Diagnostic social et financier (DSF) 1 1 0 30" in text
    if context["commissions"] is None:
        assert "Non disponible : l'activité des commissions" in text.replace("’", "'")
