"""Referrals: the secretariat hands a piece of work on a case (a DSF, a visite anticipation, an
assessment, a support measure…) to an organisation, whose social workers file it.

Charte fiche action 5, annexes 3 (visite anticipation) and 4 (diagnostics); CERFA 16227*01 (DSF).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from directory.acting import SECRETARIAT_ROLES, acting_departements, acting_organisation, acting_role
from directory.history import tracked_history
from directory.models import Commune, Organisation, Role, Territory, default_departement
from households.models import HousingSector
from procedure.models import Procedure, Task

SEES_ALL = SECRETARIAT_ROLES
# The roles an organisation's referrals open cases to (professional secrecy: Code pénal 226-13).
WORKING_ROLES = (Role.SOCIAL_WORKER, Role.PARTNER)


def access_cutoff(now=None):
    """Closed referrals keep the case open to the organisation this long (REFERRAL_ACCESS_DAYS)."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.REFERRAL_ACCESS_DAYS)


class ReferralQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Referral.OPEN_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def in_access_window(self, now=None):
        # A cancelled request (a mistake, a duplicate) closes its access at once, and so does a
        # request closed because the case went to another département (issue 16).
        recently_closed = Q(closed_at__gte=access_cutoff(now)) & ~Q(
            status__in=[Referral.Status.CANCELLED, Referral.Status.TRANSFERRED]
        )
        return self.filter(Q(status__in=Referral.OPEN_STATUSES) | recently_closed)

    def visible_to(self, user):
        """The secretariat sees every referral; an organisation those addressed to it, while open
        and REFERRAL_ACCESS_DAYS after closure (docs/architecture.md, "Who sees what")."""
        role = acting_role(user)
        # Issue 16: the referral's own copy of its case's département (decision 017), the first
        # column of the open referrals' index: not every open referral of the country walked.
        in_departements = Q(departement_code__in=acting_departements(user))
        if role in SEES_ALL:
            return self.filter(in_departements)
        organisation = acting_organisation(user)
        if role not in WORKING_ROLES or organisation is None:
            return self.none()
        return self.filter(in_departements, addressed_to=organisation).in_access_window()


class Referral(models.Model):
    """A tracked hand-off of work on a case to an organisation, with a deadline."""

    class Kind(models.TextChoices):
        DSF = "dsf", "Diagnostic social et financier (DSF)"
        DSF_UPDATE = "dsf_actualisation", "Actualisation du DSF"
        CCAPEX_DIAGNOSIS = "diagnostic_ccapex", "Diagnostic CCAPEX"
        ANTICIPATION_VISIT = "visite_anticipation", "Visite anticipation"
        SOCIAL_WATCH = "veille_sociale", "Veille sociale"
        ASSESSMENT = "enquete", "Enquête de police ou de gendarmerie"
        SUPPORT_MEASURE = "accompagnement", "Mesure d'accompagnement"

    class Status(models.TextChoices):
        REQUESTED = "demandee", "Demandée"
        ACCEPTED = "acceptee", "Acceptée"
        REFUSED = "refusee", "Refusée"
        IN_PROGRESS = "en_cours", "En cours"
        DONE = "faite", "Faite"
        UNREACHABLE = "carence", "Ménage injoignable (carence)"
        CANCELLED = "annulee", "Annulée"
        TRANSFERRED = "transferee", "Close : dossier transféré"

    class FundingSource(models.TextChoices):
        # Annexe 4 §3: only the State, the CD or the landlord concerned decide a diagnostic CCAPEX.
        STATE = "etat", "État"
        DEPARTEMENT = "conseil_departemental", "Conseil départemental"
        LANDLORD = "bailleur", "Bailleur concerné"

    OPEN_STATUSES = (Status.REQUESTED, Status.ACCEPTED, Status.IN_PROGRESS)
    CLOSED_STATUSES = (Status.DONE, Status.UNREACHABLE, Status.REFUSED, Status.CANCELLED, Status.TRANSFERRED)
    DIAGNOSIS_KINDS = (Kind.DSF, Kind.DSF_UPDATE, Kind.CCAPEX_DIAGNOSIS)

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="referrals", verbose_name="procédure"
    )
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    addressed_to = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received", verbose_name="adressée à"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandée par",
    )
    requesting_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_sent",
        verbose_name="organisme demandeur",
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals", verbose_name="tâche"
    )
    reason = models.TextField("motif de la demande", blank=True)
    due_date = models.DateField("échéance", null=True, blank=True)
    funding_source = models.CharField("financement", max_length=30, choices=FundingSource.choices, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.REQUESTED)
    refusal_reason = models.CharField("motif du refus", max_length=250, blank=True)
    requested_at = models.DateTimeField("demandée le", default=timezone.now)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    # The département holding the case, its procedure's, copied so that the national view counts
    # the referrals per département without joining each to its procedure (decision 017): written
    # at creation, moved by an accepted transfer (transfers.close_on_transfer), checked by
    # check_consistency (apps.py). Derived: not part of the history of changes.
    departement_code = models.CharField("département", max_length=3, editable=False)

    objects = ReferralQuerySet.as_manager()

    history = tracked_history(excluded_fields=["departement_code"])

    class Meta:
        verbose_name = "orientation"
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "kind"],
                condition=Q(status__in=["demandee", "acceptee", "en_cours"]),
                name="referral_one_open_per_procedure_and_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="diagnostic_ccapex") | ~Q(funding_source=""),
                name="referral_ccapex_diagnosis_names_funding",
            ),
            models.CheckConstraint(condition=~Q(departement_code=""), name="referral_departement_set"),
        ]
        indexes = [
            models.Index(fields=["addressed_to", "status", "due_date"]),
            # The work queue's overdue referrals of a département, soonest first (issues 11 and 16):
            # read in order, 50 rows, in a database holding the country too.
            models.Index(
                fields=["departement_code", "due_date", "id"],
                condition=Q(status__in=["demandee", "acceptee", "en_cours"]),
                name="referral_open_dep_due_idx",
            ),
            # A département's referrals counted (its dashboard, issue 16), without its procedures.
            models.Index(fields=["departement_code", "kind", "requested_at"], name="referral_dep_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.procedure}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.departement_code and self.procedure_id:
            self.departement_code = self.procedure.departement_code
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None):
        return self.is_open and self.due_date is not None and self.due_date < (today or timezone.localdate())

    @property
    def expects_diagnosis(self):
        return self.kind in self.DIAGNOSIS_KINDS


class ReferralTransition(models.Model):
    """The log of a referral's lifecycle: from, to, who, when, why."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="transitions", verbose_name="orientation"
    )
    from_status = models.CharField("de", max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField("à", max_length=20, choices=Referral.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", default=timezone.now)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "changement de statut"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ContactAttempt(models.Model):
    """An attempt to reach the household ("aller vers", annexes 3 and 4 §5)."""

    class Means(models.TextChoices):
        PHONE = "telephone", "Téléphone"
        LETTER = "courrier", "Courrier"
        HOME_VISIT = "visite", "Visite à domicile"
        EMAIL = "courriel", "Courriel ou SMS"
        APPOINTMENT = "convocation", "Convocation au service"

    class Result(models.TextChoices):
        REACHED = "joint", "Ménage rencontré ou joint"
        APPOINTMENT_SET = "rendez_vous", "Rendez-vous fixé"
        NO_ANSWER = "sans_reponse", "Pas de réponse"
        ABSENT = "absent", "Absent au rendez-vous"
        DECLINED = "refus", "Refus du ménage"

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="contact_attempts", verbose_name="orientation"
    )
    date = models.DateField("date")
    means = models.CharField("moyen", max_length=20, choices=Means.choices)
    result = models.CharField("résultat", max_length=20, choices=Result.choices)
    note = models.CharField("précision", max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="par"
    )
    recorded_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "tentative de contact"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.get_means_display()} le {self.date:%d/%m/%Y}"


class Diagnosis(models.Model):
    """The DSF, with the headings of CERFA 16227*01 (arrêté du 23 août 2022), or the social report
    of a diagnostic CCAPEX (annexe 4 §4)."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", "Brouillon"
        SUBMITTED = "transmis", "Transmis"

    class PaymentResumed(models.TextChoices):
        YES = "oui", "Oui, loyer courant payé intégralement"
        PARTLY = "partiellement", "Partiellement"
        NO = "non", "Non"

    class SupportNeeded(models.TextChoices):
        NONE = "aucun", "Aucun"
        HOUSING = "logement", "Spécialisé logement"
        BUDGET = "budgetaire", "Budgétaire"
        GLOBAL = "global", "Global (accès aux droits, parentalité, soins)"

    class Intensity(models.TextChoices):
        LIGHT = "faible", "Faible"
        MEDIUM = "moyenne", "Moyenne"
        STRONG = "forte", "Forte"

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="diagnosis", verbose_name="orientation"
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DRAFT)
    household_situation = models.TextField("composition et situation du ménage", blank=True)
    social_legal_support = models.TextField("accompagnement social et juridique en cours", blank=True)
    rental_situation = models.TextField("situation locative", blank=True)
    debt_amount = models.DecimalField(
        "montant de la dette (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    debt_situation = models.TextField(
        "endettement et dispositifs de traitement (FSL, surendettement…)", blank=True
    )
    payment_resumed = models.CharField(
        "reprise du paiement du loyer courant", max_length=20, choices=PaymentResumed.choices, blank=True
    )
    repayment_capacity = models.DecimalField(
        "capacité de remboursement mensuelle (€)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    repayment_capacity_note = models.TextField("capacité de remboursement : précisions", blank=True)
    support_needed = models.CharField(
        "besoin d'accompagnement", max_length=20, choices=SupportNeeded.choices, blank=True
    )
    support_intensity = models.CharField("intensité", max_length=10, choices=Intensity.choices, blank=True)
    expected_duration_months = models.PositiveSmallIntegerField(
        "durée prévisionnelle (mois)", null=True, blank=True
    )
    recommendations = models.TextField("préconisations", blank=True)
    rehousing_needed = models.BooleanField("besoin de relogement", default=False)
    observations = models.TextField("observations", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="rédigé par",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    shared_with_commission = models.BooleanField("partagé avec la commission", default=False)

    # The headings without which a DSF is not filed (the form and the service both check).
    REQUIRED_TO_SUBMIT = ("household_situation", "rental_situation", "support_needed", "recommendations")

    history = tracked_history()

    class Meta:
        verbose_name = "diagnostic"

    def __str__(self):
        return f"Diagnostic — {self.referral}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class VisitReport(models.Model):
    """The social report of a visite anticipation (Charte annexe 3, §4 and §6)."""

    class Outlook(models.TextChoices):
        STAY = "maintien", "Maintien dans le logement envisageable"
        LEAVE = "sortie", "Sortie du logement à accompagner"
        UNKNOWN = "indetermine", "Indéterminé"

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="visit_report", verbose_name="orientation"
    )
    situation = models.TextField("évaluation de la situation sociale et financière")
    landlord_contact = models.TextField("échanges avec le bailleur", blank=True)
    outlook = models.CharField("perspective", max_length=20, choices=Outlook.choices, default=Outlook.UNKNOWN)
    support_measure_needed = models.BooleanField("mesure d'accompagnement nécessaire", default=False)
    recommendations = models.TextField(
        "préconisations (accompagnement, nouveau logement, hébergement, SIAO, poursuite de la procédure)"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="rédigé par",
    )
    submitted_at = models.DateTimeField("transmis le", auto_now_add=True)

    history = tracked_history()

    class Meta:
        verbose_name = "rapport de visite anticipation"

    def __str__(self):
        return f"Rapport de visite — {self.referral}"


class Attachment(models.Model):
    """A document joined to a referral: PDF or image, checked by content and size."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="attachments", verbose_name="orientation"
    )
    file = models.FileField("fichier", upload_to="orientations/%Y/%m/")
    name = models.CharField("nom", max_length=200)
    content_type = models.CharField("type", max_length=40)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="déposé par",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class SupportMeasure(models.Model):
    """A support measure proposed to the household (Charte fiche action 5 §2)."""

    class Kind(models.TextChoices):
        ASLL = "asll", "ASLL (accompagnement social lié au logement)"
        MASP_SIMPLE = "masp_simple", "MASP simple"
        MASP_REINFORCED = "masp_renforcee", "MASP renforcée"
        MASP_CONSTRAINED = "masp_contrainte", "MASP contrainte"
        MLDA = "mlda", "Mesure Logement d'abord (MLDA)"
        CHRS_OUTREACH = "chrs_hors_les_murs", "CHRS hors les murs"
        ACOR = "acor", "ACOR Grand Dijon"
        INSER_SOCIAL = "inser_social", "Inser'Social Chenôve"
        HABITER = "habiter", "HABITER (Beaune)"
        ACTION_LOGEMENT = "action_logement", "Service social d'Action Logement"
        IML = "iml", "Intermédiation locative (IML)"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="support_measures", verbose_name="procédure"
    )
    kind = models.CharField("mesure", max_length=30, choices=Kind.choices)
    operator = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="opérateur",
    )
    proposed_on = models.DateField("proposée le")
    household_agreed = models.BooleanField("acceptée par le ménage", null=True, blank=True)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    renewals = models.PositiveSmallIntegerField("renouvellements", default=0)
    note = models.CharField("précision", max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="par"
    )
    recorded_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    history = tracked_history()

    class Meta:
        verbose_name = "mesure d'accompagnement"
        verbose_name_plural = "mesures d'accompagnement"
        ordering = ["proposed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="support_measure_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    def status_label(self, today=None) -> str:
        """Where the measure stands: proposed, refused, accepted, running or ended."""
        today = today or timezone.localdate()
        if self.household_agreed is None:
            return "Proposée"
        if self.household_agreed is False:
            return "Refusée par le ménage"
        if self.end_date and self.end_date < today:
            return "Terminée"
        if self.start_date and self.start_date <= today:
            return "En cours"
        return "Acceptée, à démarrer"


class RoutingRule(models.Model):
    """Which organisation a kind of referral goes to, for a sector and a commune or territory.

    Read by routing.suggest_organisation: a commune's rule wins over a territory's, which wins over
    a rule for the whole département; then a sector's rule over one for both; then the lowest priority.
    """

    kind = models.CharField("type d'orientation", max_length=30, choices=Referral.Kind.choices)
    sector = models.CharField(
        "parc", max_length=10, choices=HousingSector.choices, blank=True, help_text="vide : les deux"
    )
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="commune"
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="territoire",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="organisme"
    )
    priority = models.PositiveSmallIntegerField("priorité", default=50, help_text="la plus petite l'emporte")
    reference = models.CharField("référence", max_length=120, blank=True)
    is_active = models.BooleanField("active", default=True)
    # Issue 16: the département whose cases the rule routes.
    departement_code = models.CharField(
        "département", max_length=3, default=default_departement, db_index=True
    )

    history = tracked_history()

    class Meta:
        verbose_name = "règle d'orientation"
        verbose_name_plural = "règles d'orientation"
        ordering = ["kind", "priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commune__isnull=True) | Q(territory__isnull=True),
                name="routing_commune_or_territory",
            ),
        ]

    def __str__(self):
        place = self.commune or self.territory or "tout le département"
        return f"{self.get_kind_display()} — {place} → {self.organisation}"


class ReferralDelay(models.Model):
    """The delay given for a kind of referral, in working days from the request (the DSF's comes
    from the hearing date when known: décret 2021-8)."""

    kind = models.CharField("type d'orientation", max_length=30, choices=Referral.Kind.choices, unique=True)
    working_days = models.PositiveSmallIntegerField("délai (jours ouvrés)")

    history = tracked_history()

    class Meta:
        verbose_name = "délai d'orientation"
        verbose_name_plural = "délais d'orientation"

    def __str__(self):
        return f"{self.get_kind_display()} : {self.working_days} jours ouvrés"


class OutboxMessage(models.Model):
    """An e-mail to an organisation, stored with the change that causes it and sent after commit by
    a Celery task that claims it (no personal data in the body: only a link)."""

    class Status(models.TextChoices):
        PENDING = "a_envoyer", "À envoyer"
        SENDING = "envoi", "Envoi en cours"
        SENT = "envoye", "Envoyé"
        FAILED = "echec", "Échec"

    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="organisme"
    )
    recipient = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("texte")
    dedup_key = models.CharField("clé", max_length=120, unique=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=250, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel à envoyer"
        verbose_name_plural = "courriels à envoyer"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"
