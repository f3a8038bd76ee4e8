import datetime

import pytest
from django.test import Client
from django.utils import timezone

from directory.acting import SESSION_KEY
from directory.models import Membership, Role
from tests.factories import DEMO_PASSWORD, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cd21():
    return OrganisationFactory(code="cd21", name="Conseil départemental de la Côte-d'Or")


@pytest.fixture
def two_hats(social_worker, cd21):
    """The CCAS de Dijon's social worker also sits on commissions for the Conseil départemental."""
    MembershipFactory(user=social_worker, organisation=cd21, role=Role.COMMISSION_MEMBER)
    return social_worker


def signed_in(user):
    client = Client()
    client.post("/connexion/", {"username": user.email, "password": DEMO_PASSWORD})
    return client


def test_user_with_two_memberships_chooses_and_sees_it_in_the_header(two_hats, cd21):
    client = signed_in(two_hats)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/organisme/"
    page = client.get("/organisme/").content.decode()
    assert "CCAS de Dijon" in page and "Conseil départemental de la Côte" in page
    chosen = Membership.objects.get(user=two_hats, organisation=cd21)
    response = client.post("/organisme/", {"membership": str(chosen.pk)})
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    header = home.content.decode().split('data-testid="acting-organisation"')[1].split("</a>")[0]
    assert "Conseil départemental de la Côte" in header
    assert "Membre de commission" in header


def test_user_cannot_choose_a_membership_that_is_not_theirs(two_hats, other_social_worker):
    client = signed_in(two_hats)
    foreign = other_social_worker.memberships.get()
    response = client.post("/organisme/", {"membership": str(foreign.pk)})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert client.session.get(SESSION_KEY) is None
    assert client.get("/")["Location"] == "/organisme/"


def test_ended_membership_is_not_offered(two_hats, cd21):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=two_hats, organisation=cd21).update(end_date=yesterday)
    client = signed_in(two_hats)
    assert client.get("/").status_code == 200
    page = client.get("/organisme/").content.decode()
    assert "Conseil départemental de la Côte" not in page
    assert "CCAS de Dijon" in page


def test_ended_membership_cannot_be_chosen(two_hats, cd21):
    ended = Membership.objects.get(user=two_hats, organisation=cd21)
    Membership.objects.filter(pk=ended.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    client = signed_in(two_hats)
    response = client.post("/organisme/", {"membership": str(ended.pk)})
    assert response.status_code == 200
    assert response.context["form"].errors["membership"]


def test_the_chosen_organisation_is_remembered_for_the_next_sign_in(two_hats, cd21):
    chosen = Membership.objects.get(user=two_hats, organisation=cd21)
    signed_in(two_hats).post("/organisme/", {"membership": str(chosen.pk)})

    next_day = signed_in(two_hats)
    home = next_day.get("/")

    assert home.status_code == 200
    assert (
        "Conseil départemental de la Côte"
        in home.content.decode().split('data-testid="acting-organisation"')[1]
    )
    assert next_day.get("/organisme/").status_code == 200  # still changeable from the header


def test_a_remembered_organisation_whose_membership_ended_is_asked_again(two_hats, cd21):
    chosen = Membership.objects.get(user=two_hats, organisation=cd21)
    signed_in(two_hats).post("/organisme/", {"membership": str(chosen.pk)})
    Membership.objects.filter(pk=chosen.pk).update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    MembershipFactory(user=two_hats, organisation=OrganisationFactory(code="caf21"), role=Role.PARTNER)

    assert signed_in(two_hats).get("/")["Location"] == "/organisme/"
