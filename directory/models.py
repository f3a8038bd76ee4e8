"""Who the users are, which organisation they act for, and the département's places."""

import re

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from .history import tracked_history


def default_departement() -> str:
    """The département of whatever is created without one: `DEPARTEMENT`, so that a
    single-département install works unchanged (issue 16)."""
    return settings.DEPARTEMENT


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def full_name(first_name, last_name) -> str:
    """A user's « Prénom Nom » (User.get_full_name), from its columns read as values too."""
    return f"{first_name or ''} {last_name or ''}".strip()


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address."""

    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    failed_login_count = models.PositiveSmallIntegerField("échecs de connexion", default=0)
    locked_until = models.DateTimeField("verrouillé jusqu'au", null=True, blank=True)
    last_membership = models.ForeignKey(
        "Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="dernier organisme choisi",
        help_text="Proposé d'office à la connexion suivante (toujours modifiable dans l'en-tête).",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return full_name(self.first_name, self.last_name)

    def get_short_name(self):
        return self.first_name

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    def active_memberships(self, on=None):
        return self.memberships.active(on).select_related("organisation")


class Commune(models.Model):
    """A French commune (INSEE code), from Etalab's découpage administratif."""

    class PoliceZone(models.TextChoices):
        # Who assesses public-order risks at the réquisition stage (Charte II.B étape 5).
        POLICE = "police", "Police nationale"
        GENDARMERIE = "gendarmerie", "Gendarmerie nationale"

    insee_code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    postal_codes = models.CharField("codes postaux", max_length=200, help_text="séparés par des espaces")
    departement_code = models.CharField("département", max_length=3, db_index=True)
    arrondissement_code = models.CharField("code arrondissement", max_length=4, blank=True)
    arrondissement_name = models.CharField("arrondissement", max_length=100, blank=True)
    epci_siren = models.CharField("SIREN de l'EPCI", max_length=9, blank=True, db_index=True)
    epci_name = models.CharField("EPCI", max_length=150, blank=True)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    police_zone = models.CharField(
        "zone de police ou de gendarmerie", max_length=20, choices=PoliceZone.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        # The list of procedures sorted by commune, and its commune filter (name, any case).
        indexes = [
            models.Index(fields=["name"], name="commune_name_idx"),
            models.Index(Upper("name"), name="commune_name_upper_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.insee_code})"

    @property
    def postal_code_list(self):
        return self.postal_codes.split()


class Territory(models.Model):
    class Kind(models.TextChoices):
        DEPARTEMENT = "departement", "Département"
        ARRONDISSEMENT = "arrondissement", "Arrondissement"
        SOLIDARITY_AGENCY = "agence_solidarites", "Agence solidarités"
        EPCI = "epci", "EPCI"
        SECTOR = "secteur", "Secteur"

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    departement_code = models.CharField("département", max_length=3)
    communes = models.ManyToManyField(
        Commune, related_name="territories", verbose_name="communes", blank=True
    )

    class Meta:
        verbose_name = "territoire"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def serving(self, *departement_codes):
        """The organisations working in one of these départements (their own or one they also serve)."""
        condition = Q(departement_code__in=departement_codes)
        if departement_codes:  # one pattern for them all: a national secretariat serves 100 (issue 11)
            codes = "|".join(re.escape(code) for code in departement_codes)
            condition |= Q(other_departements__regex=rf"(^| )({codes})( |$)")
        return self.filter(condition)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        STATE = "etat", "Service de l'État"
        DEPARTEMENT = "conseil_departemental", "Conseil départemental"
        SOLIDARITY_AGENCY = "agence_solidarites", "Agence solidarités du Conseil départemental"
        CCAS = "ccas", "CCAS"
        METROPOLE = "metropole", "Métropole"
        CAF = "caf", "CAF"
        MSA = "msa", "MSA"
        SOCIAL_LANDLORD = "bailleur_social", "Bailleur social"
        ASSOCIATION = "association", "Association"
        SIAO = "siao", "SIAO"
        ADIL = "adil", "ADIL"
        BAILIFFS = "commissaires_justice", "Commissaires de justice"
        BANQUE_DE_FRANCE = "banque_de_france", "Banque de France"
        POLICE = "police", "Police nationale"
        GENDARMERIE = "gendarmerie", "Gendarmerie nationale"
        OTHER = "autre", "Autre"

    code = models.SlugField("code", max_length=60, unique=True)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    name = models.CharField("nom", max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    email = models.EmailField("adresse fonctionnelle", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    opening_hours = models.CharField(
        "horaires d'accueil",
        max_length=250,
        blank=True,
        help_text="Imprimés sur les courriers aux ménages (ex. : du lundi au vendredi, 9 h – 12 h).",
    )
    territory = models.ForeignKey(
        Territory,
        verbose_name="territoire desservi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="organisme de rattachement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name="commune (CCAS)",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
    )
    has_social_workers = models.BooleanField("dispose de travailleurs sociaux", default=False)
    is_active = models.BooleanField("actif", default=True)
    # Issue 16: the département the organisation belongs to; one working in several (a social
    # landlord, a national association) lists the others in `other_departements`.
    departement_code = models.CharField(
        "département", max_length=3, default=default_departement, db_index=True
    )
    other_departements = models.CharField(
        "autres départements desservis",
        max_length=400,
        blank=True,
        help_text="Codes séparés par des espaces (ex. : 71 58), pour un organisme de plusieurs départements.",
    )

    objects = OrganisationQuerySet.as_manager()

    history = tracked_history()

    class Meta:
        verbose_name = "organisme"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def departement_codes(self) -> tuple:
        """Every département the organisation works in, its own first."""
        others = sorted(set(self.other_departements.split()) - {self.departement_code})
        return (self.departement_code, *others)

    def also_serve(self, departement_code: str) -> None:
        """Add a département the organisation works in (saved)."""
        if departement_code not in self.departement_codes:
            self.other_departements = " ".join([*self.other_departements.split(), departement_code])
            self.save(update_fields=["other_departements"])


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "Secrétariat de la CCAPEX"
    SOCIAL_WORKER = "social_worker", "Travailleur social"
    COMMISSION_MEMBER = "commission_member", "Membre de commission"
    PARTNER = "partner", "Partenaire"
    ADMIN = "admin", "Administrateur"
    # Sees the country's and every département's aggregated figures, never a case (issue 16).
    NATIONAL_STEERING = "national_steering", "Pilotage national"


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on)),
            organisation__is_active=True,
        )


class Membership(models.Model):
    """A user acts for an organisation in a role, between two dates."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name="organisme"
    )
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    start_date = models.DateField("début", default=timezone.localdate)
    end_date = models.DateField("fin", null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    history = tracked_history()

    class Meta:
        verbose_name = "appartenance"
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired, for an active organisation."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=now or timezone.now(), organisation__is_active=True
        )


class ApiToken(models.Model):
    """A partner's system key to the API: one organisation, scopes, an expiry, kept hashed.

    The secret is shown once at creation; only its SHA-256 is stored (a random 256-bit secret needs
    no slow hash), with its first characters so that an administrator recognises it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="organisme"
    )
    name = models.CharField("nom", max_length=100, help_text="ex. : logiciel de l'étude, serveur du SIAO")
    prefix = models.CharField("début du jeton", max_length=12)
    digest = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    scopes = models.JSONField("droits", default=list)
    # Issue 16: a national sender (a platform of the commissaires de justice) posts for every
    # département; each act goes to the département of its commune.
    is_national = models.BooleanField(
        "national",
        default=False,
        help_text="Le partenaire écrit pour tous les départements : chaque acte va au département "
        "de sa commune.",
    )
    expires_at = models.DateTimeField("expire le")
    created_at = models.DateTimeField("créé le", default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="créé par"
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="révoqué par"
    )

    objects = ApiTokenQuerySet.as_manager()

    history = tracked_history(excluded_fields=["digest"])

    class Meta:
        verbose_name = "jeton d'accès d'un partenaire"
        verbose_name_plural = "jetons d'accès des partenaires"
        ordering = ["organisation__name", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.organisation.is_active


class ApiCall(models.Model):
    """One call to the API: who, which endpoint, the answer's status, when; never the body."""

    token = models.ForeignKey(ApiToken, null=True, on_delete=models.SET_NULL, related_name="calls")
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="organisme"
    )
    method = models.CharField("méthode", max_length=7)
    endpoint = models.CharField("point d'accès", max_length=100)
    status = models.PositiveSmallIntegerField("statut")
    duration_ms = models.PositiveIntegerField("durée (ms)")
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "appel à l'API"
        verbose_name_plural = "appels à l'API"
        ordering = ["-at"]
        # The rate limit counts a token's recent calls on the first index; the retention's purge and
        # the administrators' latest calls read the second.
        indexes = [models.Index(fields=["token", "at"]), models.Index(fields=["at"], name="api_call_at")]

    def __str__(self):
        return f"{self.method} {self.endpoint} {self.status}"


class IdempotentRequest(models.Model):
    """The answer given to a write sent with an `Idempotency-Key`, replayed when the key comes again."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("clé", max_length=100)
    endpoint = models.CharField("point d'accès", max_length=100)
    body_digest = models.CharField("empreinte du corps", max_length=64)
    status = models.PositiveSmallIntegerField("statut", null=True)
    response = models.JSONField("réponse", null=True)
    created_at = models.DateTimeField("reçue le", default=timezone.now)

    class Meta:
        verbose_name = "requête idempotente"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotent_request_unique_key"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created")]  # retention

    def __str__(self):
        return f"{self.endpoint} {self.key}"


class Channel(models.TextChoices):
    """How a user wants to hear of a kind of event (issue 12 §5); the in-app list has them all."""

    IMMEDIATE = "immediat", "Courriel immédiat"
    DIGEST = "resume", "Résumé quotidien"
    NONE = "aucun", "Aucun courriel"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a user should know of, with a link: never a person's name in the title (it may be
    e-mailed), only the kind of event."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name="utilisateur"
    )
    kind = models.CharField("type d'événement", max_length=40)
    title = models.CharField("intitulé", max_length=200)
    url = models.CharField("lien", max_length=300)
    dedup_key = models.CharField("clé d'unicité", max_length=120)
    created_at = models.DateTimeField("le", default=timezone.now)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par courriel le", null=True, blank=True)
    # The server's answer when the e-mail was refused for good or after the last try (the claim,
    # emailed_at, is kept: it is not tried again; the list in Prévex says so).
    email_error = models.CharField("courriel non remis", max_length=250, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedup_key"], name="notification_once_per_user"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences", verbose_name="utilisateur"
    )
    kind = models.CharField("type d'événement", max_length=40)
    channel = models.CharField("courriel", max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")]

    def __str__(self):
        return f"{self.user} — {self.kind} : {self.get_channel_display()}"
