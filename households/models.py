"""The household, its members, its lease and its landlord."""

from django.db import models
from django.db.models import Q

from directory.models import Commune, Organisation

from . import access


class HousingSector(models.TextChoices):
    PUBLIC = "public", "Parc public"
    PRIVATE = "prive", "Parc privé"


class Landlord(models.Model):
    """A social landlord is an Organisation; a private owner is a person or an SCI."""

    class Kind(models.TextChoices):
        SOCIAL = "social", "Bailleur social"
        PERSON = "personne", "Propriétaire privé"
        COMPANY = "societe", "SCI ou société"

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    organisation = models.OneToOneField(
        Organisation,
        verbose_name="organisme (bailleur social)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="landlord",
    )
    siren = models.CharField("SIREN", max_length=9, blank=True)
    family_sci = models.BooleanField(
        "SCI familiale",
        default=False,
        help_text="SCI constituée exclusivement entre parents et alliés jusqu'au 4e degré "
        "(loi 89-462 art. 24 II)",
    )
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    class Meta:
        verbose_name = "bailleur"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="social") | Q(organisation__isnull=False),
                name="social_landlord_is_organisation",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def sector(self):
        return HousingSector.PUBLIC if self.kind == self.Kind.SOCIAL else HousingSector.PRIVATE

    @property
    def is_legal_person(self):
        """A social landlord or a company, except a family SCI (loi 89-462 art. 24 II)."""
        return self.kind in (self.Kind.SOCIAL, self.Kind.COMPANY) and not self.family_sci


class HouseholdQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The households the user may reach: those the registered scopes open (the procedure app
        registers « the households of the procedures the user may see », households/access.py);
        none when no scope is registered."""
        return self.filter(access.visible_condition(user))


class Household(models.Model):
    """The people living in the dwelling: the unit of a case."""

    class BenefitPayer(models.TextChoices):
        CAF = "caf", "CAF"
        MSA = "msa", "MSA"

    label = models.CharField("ménage", max_length=200, help_text="ex. : M. et Mme Dupont")
    benefit_payer = models.CharField(
        "organisme payeur", max_length=3, choices=BenefitPayer.choices, blank=True
    )
    benefit_claim_number = models.CharField("numéro allocataire", max_length=20, blank=True, db_index=True)
    adults = models.PositiveSmallIntegerField("adultes", null=True, blank=True)
    children = models.PositiveSmallIntegerField("enfants", null=True, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    monthly_resources = models.DecimalField(
        "ressources mensuelles (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    resources_note = models.CharField("nature des ressources", max_length=250, blank=True)
    # Normalised by procedure.services.refresh_search_text: the names and claim number, and apart
    # the leases' addresses, each with its trigram index on PostgreSQL (searched on their own).
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    address_text = models.TextField("adresses (recherche)", blank=True, editable=False)
    version = models.PositiveIntegerField("version", default=1, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "ménage"
        ordering = ["label"]
        # The list of procedures sorted by household (procedure/filters.py), read from the index.
        indexes = [models.Index(fields=["label"], name="household_label_idx")]

    def __str__(self):
        return self.label


class Person(models.Model):
    class Role(models.TextChoices):
        HOLDER = "titulaire", "Titulaire du bail"
        SPOUSE = "conjoint", "Conjoint"
        CHILD = "enfant", "Enfant"
        OTHER = "autre", "Autre"

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="persons", verbose_name="ménage"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    birth_year = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    # Vulnerability criteria (Charte annexe 5): they drive the veille sociale.
    is_pregnant = models.BooleanField("grossesse", default=False)
    has_disability = models.BooleanField("handicap", default=False)
    has_health_issue = models.BooleanField("problème de santé", default=False)
    other_vulnerability = models.CharField("autre vulnérabilité", max_length=250, blank=True)

    class Meta:
        verbose_name = "membre du ménage"
        ordering = ["household", "role", "birth_year"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class Lease(models.Model):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="leases", verbose_name="ménage"
    )
    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, related_name="leases", verbose_name="bailleur"
    )
    address = models.CharField("adresse", max_length=250)
    postal_code = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="leases", verbose_name="commune"
    )
    sector = models.CharField("parc", max_length=10, choices=HousingSector.choices)
    signed_on = models.DateField("date de signature", null=True, blank=True)
    rent = models.DecimalField("loyer mensuel (€)", max_digits=9, decimal_places=2, null=True, blank=True)
    charges = models.DecimalField(
        "charges mensuelles (€)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    housing_benefit = models.DecimalField(
        "aide au logement (€)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    benefit_paid_to_landlord = models.BooleanField("aide versée au bailleur (tiers payant)", default=False)
    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        verbose_name = "bail"
        verbose_name_plural = "baux"

    def __str__(self):
        return f"{self.address}, {self.postal_code} {self.commune.name}"
