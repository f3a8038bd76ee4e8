"""The anonymisation run on the demo (issue 15, "Done when"): every demo case closed, then
anonymised; the indicators are unchanged and no demo household's name, first name or address is
left anywhere in the database (the history of changes included) or the media folder."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone
from pypdf import PdfReader

from commissions.models import ReviewRequest
from households.models import Household, Landlord, Lease, Person
from indicators import services as indicators
from procedure import retention, services
from procedure.models import EventKind, Outcome, Procedure, ProcedureEvent, RetentionPolicy

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("setup_departement", "21", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())


def demo_names() -> set[str]:
    """The words that name a demo household: names, first names, labels, address lines."""
    texts = [
        *Person.objects.values_list("last_name", flat=True),
        *Person.objects.values_list("first_name", flat=True),
        *Household.objects.values_list("label", flat=True),
        *Lease.objects.values_list("address", flat=True),
        *ReviewRequest.objects.values_list("household_name", flat=True),
        *Landlord.objects.filter(kind=Landlord.Kind.PERSON).values_list("name", flat=True),
    ]
    return _words(texts) - COMMON_WORDS - _words(_reference_texts())


def _words(texts) -> set[str]:
    return {word for text in texts for word in re.findall(r"[^\W\d_]{4,}", text)}


def _reference_texts():
    """Names that are not the households' (communes, organisations, users, commissions): a demo
    name that is also a commune's (« Saint-Bernard ») cannot be told apart."""
    from commissions.models import Commission
    from directory.models import Commune, Organisation, Territory, User

    yield from Commune.objects.values_list("name", flat=True)
    yield from Organisation.objects.values_list("name", flat=True)
    yield from Organisation.objects.values_list("address", flat=True)
    yield from Territory.objects.values_list("name", flat=True)
    yield from Commission.objects.values_list("name", flat=True)
    for name, address in Landlord.objects.exclude(kind=Landlord.Kind.PERSON).values_list("name", "address"):
        yield f"{name} {address}"
    for first, last in User.objects.values_list("first_name", "last_name"):
        yield f"{first} {last}"


# Words of addresses and labels that are not names (they are in street names, titles, communes).
COMMON_WORDS = {"rue", "avenue", "boulevard", "place", "chemin", "allée", "impasse", "route", "quai", "cours"}
COMMON_WORDS |= {
    "Rue",
    "Avenue",
    "Boulevard",
    "Place",
    "Chemin",
    "Allée",
    "Impasse",
    "Route",
    "Quai",
    "Cours",
}


def close_every_case() -> datetime.date:
    last = max(ProcedureEvent.objects.aggregate(last=Max("date"))["last"], timezone.localdate())
    for procedure in Procedure.objects.filter(closed=False):
        services.record_event(
            procedure=procedure, kind=EventKind.CLOSURE, date=last, closure_reason=Outcome.DEBT_CLEARED
        )
    return last + datetime.timedelta(days=1)


def database_text() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", exclude=["contenttypes", "auth.permission"], stdout=out)
    return out.getvalue().encode().decode("unicode_escape", errors="ignore") + out.getvalue()


def history_text() -> str:
    """The historical tables of directory/history.py (django-simple-history), dumped alone."""
    out = io.StringIO()
    call_command("dumpdata", *history_labels(), stdout=out)
    return out.getvalue().encode().decode("unicode_escape", errors="ignore") + out.getvalue()


def history_labels() -> list[str]:
    from directory.history import TRACKED

    return [f"{t.model._meta.app_label}.{t.model.history.model._meta.model_name}" for t in TRACKED.values()]


def write_names_in_the_history():
    """Changes that put demo names in free texts, as a social worker or the secretariat would."""
    from referrals.models import Diagnosis, Referral

    person = Person.objects.exclude(first_name="").first()
    referral = Referral.objects.first()
    referral.reason = f"Appeler {person.first_name} {person.last_name} le matin"
    referral.save()
    diagnosis = Diagnosis.objects.first() or Diagnosis.objects.create(referral=referral)
    diagnosis.observations = f"{person.last_name} : situation suivie"
    diagnosis.save()
    diagnosis.observations = "situation suivie"  # the live row forgets the name, not the history
    diagnosis.save()


def media_text() -> str:
    texts = []
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts.append(data.decode("utf-8", errors="ignore"))
            if data[:5] == b"%PDF-":
                texts.extend(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return "\n".join(texts)


def test_after_the_run_on_the_demo_no_demo_name_is_left_and_the_indicators_are_unchanged(
    demo, django_capture_on_commit_callbacks
):
    names = demo_names()
    assert {"Procedure", "Household"} & names == set() and len(names) > 20
    run_day = close_every_case()
    years = sorted({d.year for d in ProcedureEvent.objects.dates("date", "year")})
    before = indicators.export_rows(years)
    RetentionPolicy.objects.update_or_create(pk=1, defaults={"months_after_closure": 0})
    write_names_in_the_history()
    text_before = database_text() + media_text()
    assert [name for name in names if name in text_before], "the check finds the names before the run"
    history_before = history_text()
    assert {"referrals.historicalreferral", "commissions.historicalreviewrequest"} <= set(history_labels())
    assert [name for name in names if re.search(rf"\b{re.escape(name)}\b", history_before)], (
        "the history holds demo names before the run"
    )

    with django_capture_on_commit_callbacks(execute=True):
        journal = retention.run(today=run_day)

    assert journal.cases == Procedure.objects.count()
    assert indicators.export_rows(years) == before
    left = database_text() + media_text()
    found = {
        name: _around(name, left) for name in sorted(names) if re.search(rf"\b{re.escape(name)}\b", left)
    }
    assert found == {}
    history = history_text()
    assert [name for name in names if re.search(rf"\b{re.escape(name)}\b", history)] == []


def _around(name, text):
    at = re.search(rf"\b{re.escape(name)}\b", text).start()
    return text[max(0, at - 80) : at + 40]
