"""factory_boy factories for the directory; each app adds its own in tests/<app>/factories.py."""

import factory
from django.utils import timezone

from directory.models import Commune, Membership, Organisation, Role, Territory, User

DEMO_PASSWORD = "prevex-demo"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    insee_code = "21231"
    name = "Dijon"
    postal_codes = "21000"
    departement_code = "21"
    arrondissement_code = "212"
    arrondissement_name = "Dijon"
    epci_siren = "242100410"
    epci_name = "Dijon Métropole"
    population = 159346


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"territoire-{n}")
    name = factory.Sequence(lambda n: f"Territoire {n}")
    kind = Territory.Kind.SECTOR
    departement_code = "21"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"organisme-{n}")
    name = factory.Sequence(lambda n: f"Organisme {n}")
    kind = Organisation.Kind.ASSOCIATION
    email = factory.LazyAttribute(lambda o: f"{o.code}@example.org")

    class Params:
        ddets = factory.Trait(code="ddets-21", name="DDETS de la Côte-d'Or", kind=Organisation.Kind.STATE)
        ccas = factory.Trait(kind=Organisation.Kind.CCAS, has_social_workers=True)
        caf = factory.Trait(code="caf-21", name="CAF de la Côte-d'Or", kind=Organisation.Kind.CAF)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Agent{n}")
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIAL_WORKER
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))


def member(*, role, organisation, email=None, **user_fields):
    """A user with one active membership: the shape of every persona."""
    user = UserFactory(**({"email": email} if email else {}), **user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user
