"""The annual report of the CCAPEX plénière (Charte IV): the indicators, the charts, the
comparison with the Charte's objective, and the activity of the commissions and referrals."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from . import activity, counting, dashboard


def fonts_base_url():
    """The folder of django-dsfr's Marianne font files, as a file:// URL WeasyPrint reads."""
    found = finders.find("dsfr/dist/fonts/Marianne-Regular.woff")
    return Path(found).parent.as_uri() + "/" if found else None


def report_context(year, scope=counting.DEPARTEMENT):
    return {
        "board": dashboard.build(year, scope),
        "referrals": activity.referrals(year),
        "commissions": activity.commissions(year),
        "generated_on": timezone.localdate(),
        "fonts": fonts_base_url(),
    }


def render_annual_report(year, scope=counting.DEPARTEMENT):
    """The report as PDF bytes (WeasyPrint)."""
    from weasyprint import HTML

    html = render_to_string("indicators/report.html", report_context(year, scope))
    return HTML(string=html, base_url=fonts_base_url()).write_pdf()
