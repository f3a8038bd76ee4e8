"""Issue 16: every page that lists (cases, tasks, commissions, saisines, the pool, letters, weekly
lists, figures, the access log, the administration) shows a secretariat its own département's
cases and configuration, never the other's."""

import datetime
import io
import zipfile

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from commissions.models import Session
from directory.admin_scope import SCOPES, SUPERUSERS_ONLY
from directory.models import Role
from letters.models import LetterBatch, QuestionnaireAnswer
from procedure.models import ReadingAlert, Stage
from procedure.services import log_access, refresh_search_text
from tests.commissions.factories import (
    AgendaItemFactory,
    CommissionFactory,
    RecommendationFactory,
    SessionFactory,
)
from tests.conftest import client_for
from tests.factories import TerritoryFactory, UserFactory, member
from tests.procedure.factories import procedure_at
from tests.referrals.factories import acting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory_contacts")]

LIST_PAGES = [
    "home",
    "procedure:work_queue",
    "procedure:list",
    "procedure:search",
    "procedure:access_log",
    "commissions:index",
    "commissions:queue",
    "commissions:pool",
    "letters:index",
    "letters:templates",
    "letters:weekly_lists",
    "letters:weekly_lists_preview",
    "indicators:dashboard",
    "directory:api_tokens",
]
EXPORTS = ["procedure:list_export", "procedure:state_liability_export", "indicators:export"]


def _case(reference, label, **lease):
    case = procedure_at(
        Stage.JUDGMENT, on=timezone.localdate() - datetime.timedelta(days=3), reference=reference, **lease
    )
    case.household.label = label
    case.household.save()
    refresh_search_text(case.household)
    return case


@pytest.fixture
def two_departements(secretariat, administrator, secretariat_71, administrator_71, chalon):
    acting(secretariat)
    dijon_case = _case("EXPLOC-21-DIJON", "Ménage Cotedorien")
    chalon_case = _case("EXPLOC-71-CHALON", "Ménage Saonais", lease__commune=chalon)
    for case, name, code in ((dijon_case, "Médiation Dijon", "21"), (chalon_case, "Médiation Chalon", "71")):
        session = SessionFactory(
            commission=CommissionFactory(name=name, departement_code=code),
            date=timezone.localdate(),
            status=Session.Status.PUBLISHED,
        )
        AgendaItemFactory(session=session, procedure=case)
    log_access(user=secretariat, procedure=dijon_case, context="dossier")
    TerritoryFactory(name="Territoire Beaunois", departement_code="21")
    TerritoryFactory(name="Territoire Chalonnais", departement_code="71")
    return dijon_case, chalon_case


def _text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        archive = zipfile.ZipFile(io.BytesIO(content))
        return " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    return content.decode()


def test_the_case_is_in_its_own_departement(two_departements):
    dijon_case, chalon_case = two_departements
    assert (dijon_case.departement_code, chalon_case.departement_code) == ("21", "71")


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        (
            "secretariat_71",
            ("EXPLOC-71-CHALON", "Médiation Chalon"),
            ("EXPLOC-21-DIJON", "Cotedorien", "Médiation Dijon", "Beaunois"),
        ),
        (
            "administrator_71",
            ("EXPLOC-71-CHALON",),
            ("EXPLOC-21-DIJON", "Cotedorien", "Médiation Dijon", "Beaunois"),
        ),
        (
            "secretariat",
            ("EXPLOC-21-DIJON", "Médiation Dijon"),
            ("EXPLOC-71-CHALON", "Saonais", "Médiation Chalon", "Chalonnais"),
        ),
    ],
)
def test_every_list_shows_its_own_departement_only(request, two_departements, persona, own, other):
    client = client_for(request.getfixturevalue(persona))
    seen = {}
    for name in LIST_PAGES + EXPORTS:
        response = client.get(reverse(name))
        if response.status_code == 200:
            seen[name] = _text(response)
    leaks = [(name, word) for name, text in seen.items() for word in other if word in text]
    assert leaks == []
    assert own[0] in seen["procedure:list"]
    for word in own[1:]:
        assert word in seen["commissions:index"]


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [("secretariat", "Cotedorien", "Saonais"), ("secretariat_71", "Saonais", "Cotedorien")],
)
def test_the_work_queue_s_followed_recommendations_are_its_own_departement_s(
    request, two_departements, persona, own, other
):
    """The work queue's « Préconisations en retard » and « Réponses reçues » read the recommendations
    of the secretariat's département only (they read the country's)."""
    from commissions.models import AgendaItem

    today = timezone.localdate()
    for item in AgendaItem.objects.all():
        RecommendationFactory(agenda_item=item, due_date=today - datetime.timedelta(days=10))
        RecommendationFactory(
            agenda_item=item, answer="fait", answered_at=timezone.now() - datetime.timedelta(days=1)
        )
    page = client_for(request.getfixturevalue(persona)).get(reverse("procedure:work_queue")).content.decode()
    assert page.count(own) >= 2 and other not in page


@pytest.mark.parametrize("cap", [None, 0])
@pytest.mark.parametrize(
    "query", [{"stage": Stage.JUDGMENT}, {"sector": "prive"}, {"stage": Stage.JUDGMENT, "sector": "prive"}]
)
@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("secretariat", "EXPLOC-21-DIJON", "EXPLOC-71-CHALON"),
        ("secretariat_71", "EXPLOC-71-CHALON", "EXPLOC-21-DIJON"),
    ],
)
def test_the_work_queue_on_a_stage_or_a_sector_shows_its_own_departement_s_cases(
    request, two_departements, monkeypatch, cap, query, persona, own, other
):
    """Read whole, or past QUEUE_CAP from the cases' side (WorkQueueFilter.cases_alone: the scope on
    the case's département), the queue on a stage or a sector holds the secretariat's cases only."""
    from procedure.views import work_queue

    if cap is not None:
        monkeypatch.setattr(work_queue, "QUEUE_CAP", cap)
    page = client_for(request.getfixturevalue(persona)).get(reverse("procedure:work_queue"), query)
    html = page.content.decode()
    assert own in html and other not in html


def test_a_commune_filter_reads_the_secretariat_s_own_communes(secretariat):
    """A part of a name matches communes all over the country (« saint »: 4,000); the filter keeps
    the secretariat's own, before its cap: another département's could push them out of it."""
    from directory.models import Commune
    from procedure.filters import COMMUNES_MATCHED
    from tests.factories import CommuneFactory

    Commune.objects.bulk_create(
        Commune(insee_code=f"71{n:03d}", name=f"Saint-Essai-{n}", postal_codes="71000", departement_code="71")
        for n in range(COMMUNES_MATCHED + 1)
    )
    own = CommuneFactory(insee_code="21999", name="Saint-Essai-Dijonnais", postal_codes="21000")
    _case("EXPLOC-21-SAINT", "Ménage Cotedorien", lease__commune=own)
    page = client_for(secretariat).get(reverse("procedure:list"), {"commune": "saint-essai"})
    assert "EXPLOC-21-SAINT" in page.content.decode()


def test_the_search_finds_the_case_only_in_its_departement(two_departements, secretariat, secretariat_71):
    dijon_case, _ = two_departements
    url = reverse("procedure:search")
    found = client_for(secretariat).get(url, {"q": "Cotedorien"})
    assert found.status_code == 302 and found.url == reverse("procedure:detail", args=[dijon_case.pk])
    not_found = client_for(secretariat_71).get(url, {"q": "Cotedorien"})
    assert not_found.status_code == 200
    assert "EXPLOC-21-DIJON" not in not_found.content.decode()


@pytest.fixture
def configuration_of_21(two_departements, secretariat):
    """A row of the 21 in the models scoped last (issue 16 item 3), with a word to look for."""
    dijon_case, _ = two_departements
    LetterBatch.objects.create(week_start=timezone.localdate(), departement_code="21", error="Lot dijonnais")
    QuestionnaireAnswer.objects.create(
        procedure=dijon_case,
        respondent=QuestionnaireAnswer.Respondent.HOUSEHOLD,
        received_on=timezone.localdate(),
        situation="Situation dijonnaise",
        wish_to_stay=QuestionnaireAnswer.WishToStay.STAY,
    )
    reader = member(role=Role.SOCIAL_WORKER, organisation=secretariat.memberships.get().organisation)
    reader.email = "lecteur.dijonnais@example.org"
    reader.save()
    ReadingAlert.objects.create(user=reader, day=timezone.localdate(), files=40)
    TOTPDevice.objects.create(user=reader, name="Téléphone dijonnais", confirmed=True)
    return dijon_case


WORDS_OF_21 = ("EXPLOC-21-DIJON", "Cotedorien", "Médiation Dijon", "dijonnais", "Beaunois")


def test_every_registered_admin_model_is_scoped_or_kept_for_the_whole_install():
    """A model added to the admin must say how a département's administrator reaches it."""
    labels = {model._meta.label_lower for model in admin.site._registry}
    assert sorted(labels - set(SCOPES) - set(SUPERUSERS_ONLY)) == []
    assert set(SCOPES) & set(SUPERUSERS_ONLY) == set()


def test_the_administration_of_71_lists_nothing_of_21(configuration_of_21, administrator_71):
    client = client_for(administrator_71)
    leaks, reached, refused = [], [], []
    for model in admin.site._registry:
        label = model._meta.label_lower
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        if label in SUPERUSERS_ONLY:
            refused.append((label, client.get(url).status_code))
            continue
        text = client.get(url).content.decode()
        leaks += [(label, word) for word in WORDS_OF_21 if word in text]
        for theirs in model._default_manager.exclude(SCOPES[label](["71"]))[:3]:
            change = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[theirs.pk]
            )
            reached += [(label, theirs.pk)] if client.get(change).status_code != 302 else []
    assert leaks == [] and reached == []
    assert {status for _, status in refused} == {403}
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:procedure_wintertruce_changelist") not in index  # not even offered


def test_the_technical_superuser_reaches_the_whole_install(configuration_of_21):
    superuser = UserFactory(email="technique@example.org", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    for label in SUPERUSERS_ONLY:
        app_label, model_name = label.split(".")
        assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200, label
    batches = client.get(reverse("admin:letters_letterbatch_changelist")).content.decode()
    assert "Questionnaires de la semaine" in batches


def test_an_install_of_one_departement_keeps_its_administration(administrator):
    client = client_for(administrator)
    for label in SUPERUSERS_ONLY:
        app_label, model_name = label.split(".")
        assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200, label


def test_the_inlines_of_71_offer_nothing_of_21(two_departements, administrator_71, caf):
    """The foreign keys of every inline (a commission's member organisations and users, a
    household's lease commune…) list, and so accept, the 71's only."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = acting(administrator_71)
    request.acting = administrator_71.acting
    checked, offered = [], []
    for model, model_admin in admin.site._registry.items():
        for inline in (inline_class(model, admin.site) for inline_class in model_admin.inlines):
            for field in inline.model._meta.fields:
                label = field.related_model._meta.label_lower if field.is_relation else None
                formfield = inline.formfield_for_foreignkey(field, request) if label in SCOPES else None
                if formfield is None:
                    continue
                checked.append((type(inline).__name__, field.name))
                theirs = formfield.queryset.exclude(SCOPES[label](["71"]))
                offered += [(type(inline).__name__, field.name, str(obj)) for obj in theirs[:3]]
    assert ("MemberInline", "organisation") in checked
    assert offered == []


def test_the_figures_of_71_count_no_case_of_21(two_departements, secretariat, secretariat_71):
    """One commandement de payer in each département: each counts 1, the country would count 2."""
    year = timezone.localdate().year
    url = reverse("indicators:export")
    for persona in (secretariat, secretariat_71):
        rows = client_for(persona).get(url, {"year": year}).content.decode().splitlines()
        assert f"commandements_payer,{year},,1" in rows
    report = reverse("indicators:report", kwargs={"year": year})
    assert client_for(secretariat_71).get(report).status_code == 200


@pytest.fixture
def complex_cases(two_departements, chalon):
    """A complex situation in each département (over-indebtedness): the central CCAPEX's to suggest."""
    from procedure.models import EventKind, ProcedureEvent

    cases = [
        _case("EXPLOC-21-COMPLEXE", "Ménage Complexe"),
        _case("EXPLOC-71-COMPLEXE", "Ménage Complexe", lease__commune=chalon),
    ]
    for case in cases:
        ProcedureEvent.objects.create(
            procedure=case,
            kind=EventKind.OVER_INDEBTEDNESS,
            date=timezone.localdate() - datetime.timedelta(days=1),
        )
    return cases


@pytest.mark.parametrize(("persona", "code"), [("secretariat_71", "71"), ("secretariat", "21")])
def test_the_suggestions_are_made_on_the_secretariat_s_own_formations_and_cases(
    request, complex_cases, persona, code
):
    from commissions.models import ReviewRequest

    response = client_for(request.getfixturevalue(persona)).post(reverse("commissions:suggest"))
    assert response.status_code == 302
    suggested = set(
        ReviewRequest.objects.filter(source=ReviewRequest.Source.SUGGESTED).values_list(
            "commission__departement_code", "procedure__reference"
        )
    )
    assert suggested == {(code, f"EXPLOC-{code}-COMPLEXE")}
