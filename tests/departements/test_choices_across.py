"""Issue 16 item 2: every choice list is the user's département's. A user of the 71 is not offered,
and may not post, an organisation, commune, territory, commission or user of the 21: each form
below is posted with the 21's object and answers with the French error of a choice not offered."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from commissions import forms as commission_forms
from commissions.models import Commission, RehousingPoolEntry
from directory import api
from directory.forms import ApiTokenForm
from directory.models import Organisation
from households.forms import LeaseForm
from indicators.forms import SupplyFigureForm
from procedure.forms import CaseCreateForm
from procedure.models import Stage
from referrals.forms import RequestReferralForm, SupportMeasureForm
from tests.commissions.factories import CommissionFactory, SessionFactory
from tests.conftest import client_for
from tests.factories import CommuneFactory, OrganisationFactory, TerritoryFactory
from tests.procedure.factories import procedure_at
from tests.referrals.factories import acting

pytestmark = [pytest.mark.django_db]

NOT_OFFERED = "Sélectionnez un choix valide"
OF_71 = ("71",)
TOKEN_KIND = next(iter(api.SCOPES.values())).kinds[0]


@pytest.fixture
def objects_21(db):
    """What the 21 configures, of a kind each form would otherwise accept."""
    return {
        "commission": CommissionFactory(name="CCAPEX de la Côte-d'Or", departement_code="21"),
        "landlord": OrganisationFactory(
            name="Bailleur dijonnais", kind=Organisation.Kind.SOCIAL_LANDLORD, departement_code="21"
        ),
        "token_holder": OrganisationFactory(name="Étude de Dijon", kind=TOKEN_KIND, departement_code="21"),
        "commune": CommuneFactory(),
        "territory": TerritoryFactory(code="21-beaune", name="Territoire Beaunois", departement_code="21"),
    }


def _session_71():
    return SessionFactory(
        commission=CommissionFactory(name="CCAPEX de Saône-et-Loire", departement_code="71")
    )


# (form, its other arguments, the field posted, the key of the 21's object, what else is posted)
FORMS = [
    (commission_forms.ReviewRequestForm, {}, "commission", "commission", {"reason": "À examiner."}),
    (commission_forms.PartnerReviewForm, {"departement_code": "71"}, "commission", "commission", {}),
    (commission_forms.AttachReviewForm, {}, "commission", "commission", {"reference": "EXPLOC-1"}),
    (commission_forms.AddItemForm, {"session": _session_71}, "presenter", "landlord", {}),
    (commission_forms.RecommendationForm, {}, "responsible", "landlord", {}),
    (commission_forms.PresenterForm, {}, "presenter", "landlord", {}),
    (commission_forms.PoolEntryForm, {}, "lead_landlord", "landlord", {}),
    (commission_forms.OfferForm, {}, "landlord", "landlord", {}),
    (ApiTokenForm, {}, "organisation", "token_holder", {}),
    (SupplyFigureForm, {"indicators": []}, "territory", "territory", {}),
    (CaseCreateForm, {"departement_code": "71"}, "social_landlord", "landlord", {}),
    (RequestReferralForm, {}, "addressed_to", "landlord", {}),
    (SupportMeasureForm, {}, "operator", "landlord", {}),
]


def _post(form_class, arguments, field, value, extra, departements):
    arguments = {name: (made() if callable(made) else made) for name, made in arguments.items()}
    form = form_class({field: value, **extra}, departements=departements, **arguments)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("form_class", "arguments", "field", "key", "extra"), FORMS, ids=[f[0].__name__ for f in FORMS]
)
def test_a_form_of_the_71_refuses_an_object_of_the_21(objects_21, form_class, arguments, field, key, extra):
    obj = objects_21[key]
    value = obj.code if field == "territory" else obj.pk
    refused = _post(form_class, arguments, field, value, extra, OF_71)
    assert NOT_OFFERED in " ".join(refused.errors.get(field, []))
    assert obj not in refused.fields[field].queryset  # nor offered
    # The 21's own form, and a single-département install's (no département given), accept it.
    for departements in (("21",), None):
        accepted = _post(form_class, arguments, field, value, extra, departements)
        assert field not in accepted.errors


def test_an_organisation_working_in_both_is_offered_to_both(objects_21):
    both = OrganisationFactory(
        name="Bailleur régional",
        kind=Organisation.Kind.SOCIAL_LANDLORD,
        departement_code="21",
        other_departements="71",
    )
    form = commission_forms.OfferForm(departements=OF_71)
    assert list(form.fields["landlord"].queryset) == [both]


def test_a_lease_keeps_its_commune_once_its_case_is_transferred(objects_21, chalon):
    """The 71's secretariat edits a lease still in Dijon: its commune stays valid, the others of the
    21 are not offered."""
    case = procedure_at(Stage.SUMMONS, on=timezone.localdate() - datetime.timedelta(days=1))
    lease = case.lease
    beaune = CommuneFactory(insee_code="21054", name="Beaune", postal_codes="21200")
    form = LeaseForm(instance=lease, departement_code="71", departements=OF_71)
    offered = set(form.fields["commune"].queryset)
    assert lease.commune in offered and chalon in offered and beaune not in offered


def test_the_form_reads_the_departements_of_the_request(objects_21, secretariat_71):
    """Through a page: the 71's secretariat posts a saisine to the 21's formation."""
    acting(secretariat_71)
    case = procedure_at(
        Stage.SUMMONS, on=timezone.localdate() - datetime.timedelta(days=1), reference="EXPLOC-71-CHOIX"
    )
    case.departement_code = "71"
    case.save(update_fields=["departement_code"])
    own = CommissionFactory(name="CCAPEX de Saône-et-Loire", departement_code="71")
    url = reverse("commissions:request_review", args=[case.pk])
    client = client_for(secretariat_71)
    page = client.get(url).content.decode()
    assert "CCAPEX de Saône-et-Loire" in page and "CCAPEX de la Côte-d&#x27;Or" not in page
    refused = client.post(url, {"commission": objects_21["commission"].pk, "reason": "À examiner."})
    assert NOT_OFFERED in refused.content.decode()
    assert not Commission.objects.get(pk=objects_21["commission"].pk).review_requests.exists()
    assert client.post(url, {"commission": own.pk, "reason": "À examiner."}).status_code == 302


def test_a_form_built_outside_a_request_lists_every_departement(objects_21):
    """A form built outside a request (a command) lists every département: the install of one
    département is unchanged."""
    form = commission_forms.PoolEntryForm(instance=RehousingPoolEntry())
    assert objects_21["landlord"] in form.fields["lead_landlord"].queryset
