import pytest
from django.core.management import call_command

from commissions import demo
from commissions.models import (
    AgendaItem,
    Commission,
    CommissionMember,
    Recommendation,
    RehousingPoolEntry,
    ReviewRequest,
    Session,
)
from commissions.setup import install_formations
from directory import departements
from directory.demo import seed_accounts
from procedure.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def cote_dor(db):
    return departements.setup_departement("21")


def test_setup_departement_creates_the_charte_formations_once(cote_dor):
    assert "Formations de la CCAPEX : 8 (8 créées)" in cote_dor.steps
    assert Commission.objects.count() == 8
    assert install_formations("21") == (0, 8)
    assert Commission.objects.count() == 8
    mediation = Commission.objects.get(code="21-mediation-dijon")
    assert (mediation.capacity, mediation.territory.code, mediation.households_attend) == (
        10,
        "21-dijon-metropole",
        True,
    )
    assert Commission.objects.get(code="21-mediation-val-de-saone").territory.code == "21-val-de-saone"
    assert set(Commission.objects.values_list("kind", flat=True)) == set(Commission.Kind.values)
    assert CommissionMember.objects.filter(
        commission=mediation, organisation__code="caf-21", user=None
    ).exists()


def test_an_administrators_change_survives_a_rerun(cote_dor):
    install_formations("21")
    Commission.objects.filter(code="21-ccapex-beaune").update(rhythm=Commission.Rhythm.MONTHLY)
    call_command("setup_commissions", "21")
    assert Commission.objects.get(code="21-ccapex-beaune").rhythm == Commission.Rhythm.MONTHLY


def test_the_demo_seats_membre_caf_and_has_recommendations_in_every_state(cote_dor):
    from procedure.demo import seed_cases

    seed_accounts()
    seed_cases()
    demo.seed_commissions()
    demo.seed_commissions()
    seats = CommissionMember.objects.filter(user__email=demo.MEMBER_EMAIL).values_list(
        "commission__code", flat=True
    )
    assert sorted(seats) == sorted(demo.MEMBER_SEATS)
    assert set(Recommendation.objects.values_list("status", flat=True)) == set(Recommendation.Status.values)
    assert Session.objects.count() == 16
    assert RehousingPoolEntry.objects.count() == 2
    assert {session.date.weekday() for session in Session.objects.all()} <= {0, 1, 2, 3, 4}


def test_the_demo_agendas_follow_the_formations_rules_through_saisines(cote_dor):
    from procedure.demo import seed_cases

    seed_accounts()
    seed_cases()
    demo.seed_commissions()
    counts = (ReviewRequest.objects.count(), AgendaItem.objects.count(), Recommendation.objects.count())
    demo.seed_commissions()

    assert (
        ReviewRequest.objects.count(),
        AgendaItem.objects.count(),
        Recommendation.objects.count(),
    ) == counts
    assert not AgendaItem.objects.filter(session__commission__kind=Commission.Kind.PLENARY).exists()
    assert Session.objects.filter(commission__kind=Commission.Kind.PLENARY).count() == 2
    items = AgendaItem.objects.select_related("review_request", "session__commission", "procedure__lease")
    assert items.exists() and all(item.review_request.commission == item.session.commission for item in items)
    assert ReviewRequest.objects.count() == items.count()
    for item in items.filter(session__commission__territory__isnull=False):
        assert item.session.commission.territory.communes.filter(pk=item.procedure.lease.commune_id).exists()
    mediation = items.filter(session__commission__kind=Commission.Kind.MEDIATION)
    stages = Procedure.objects.filter(agenda_items__in=mediation).values_list("current_stage", flat=True)
    assert mediation.exists() and set(stages) <= {
        "commandement_de_quitter_les_lieux",
        "requisition_force_publique",
    }
    assert {item.procedure.lease.sector for item in mediation} == {"public"}
    member_session = Session.objects.get(
        commission__code="21-mediation-dijon", status=Session.Status.PUBLISHED
    )
    assert member_session.items.exists()
