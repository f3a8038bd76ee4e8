"""factory_boy factories for households: landlords, households, persons, leases."""

import datetime

import factory

from directory.models import Organisation
from households.models import Household, HousingSector, Landlord, Lease, Person
from tests.factories import CommuneFactory, OrganisationFactory


class LandlordFactory(factory.django.DjangoModelFactory):
    """A private owner by default; `LandlordFactory(social=True)` is a social landlord (an Organisation)."""

    class Meta:
        model = Landlord

    kind = Landlord.Kind.PERSON
    name = factory.Sequence(lambda n: f"Propriétaire {n}")
    address = "3 rue des Forges"
    postal_code = "21000"
    city = "Dijon"

    class Params:
        private = factory.Trait(kind=Landlord.Kind.PERSON)
        social = factory.Trait(
            kind=Landlord.Kind.SOCIAL,
            name=factory.Sequence(lambda n: f"Bailleur social {n}"),
            organisation=factory.SubFactory(
                OrganisationFactory,
                kind=Organisation.Kind.SOCIAL_LANDLORD,
                name=factory.SelfAttribute("..name"),
            ),
        )


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    label = factory.Sequence(lambda n: f"M. et Mme Martin{n}")
    benefit_payer = Household.BenefitPayer.CAF
    benefit_claim_number = factory.Sequence(lambda n: f"{1000000 + n}")
    adults = 2
    children = 1


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    role = Person.Role.HOLDER
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    first_name = "Claire"
    birth_year = 1980


class LeaseFactory(factory.django.DjangoModelFactory):
    """A private-sector lease in Dijon by default; traits `public` / `private` set sector and landlord."""

    class Meta:
        model = Lease

    household = factory.SubFactory(HouseholdFactory)
    landlord = factory.SubFactory(LandlordFactory)
    address = factory.Sequence(lambda n: f"{n + 1} rue de la Liberté")
    postal_code = "21000"
    commune = factory.SubFactory(CommuneFactory)
    sector = HousingSector.PRIVATE
    signed_on = datetime.date(2020, 9, 1)
    rent = factory.Faker("pydecimal", left_digits=3, right_digits=2, min_value=350, max_value=900)
    charges = 60

    class Params:
        public = factory.Trait(
            sector=HousingSector.PUBLIC, landlord=factory.SubFactory(LandlordFactory, social=True)
        )
        private = factory.Trait(sector=HousingSector.PRIVATE, landlord=factory.SubFactory(LandlordFactory))
