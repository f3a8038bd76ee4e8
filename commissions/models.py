"""The CCAPEX's formations as configuration, the saisines, the sessions and their agendas, the
opinions and the recommendations followed up to their end.

Charte II.A (formations), fiche action 4 (formations are to change: configuration, not code);
décret n° 2026-83 (central CCAPEX, local CCAPEX, territorial sub-commissions).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from directory.acting import acting_departements, acting_organisation, acting_role, is_secretariat
from directory.history import tracked_history
from directory.models import Commune, Organisation, Role, Territory, default_departement
from households.models import HousingSector
from procedure.models import Procedure, Stage

DEFAULT_ACCESS_DAYS = 30


def access_days() -> int:
    """How long after a session its members may read its cases (COMMISSION_ACCESS_DAYS)."""
    return getattr(settings, "COMMISSION_ACCESS_DAYS", DEFAULT_ACCESS_DAYS)


class CommissionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def examining(self):
        """Active formations that examine individual cases (the plenary coordinates, Charte II.A.1)."""
        return self.active().exclude(kind=Commission.Kind.PLENARY)


class Commission(models.Model):
    """A formation of the CCAPEX (Charte II.A), which an administrator creates, merges or retires."""

    class Kind(models.TextChoices):
        PLENARY = "pleniere", "CCAPEX plénière"
        CENTRAL = "centralisee", "CCAPEX centralisée"
        TERRITORIAL = "territorialisee", "CCAPEX territorialisée"
        MEDIATION = "mediation", "Commission de médiation pré-expulsion"
        TECHNICAL = "technique", "Commission technique d'examen des situations individuelles"

    class Level(models.TextChoices):
        # Décret 2026-83: one central CCAPEX, local CCAPEX, territorial sub-commissions.
        CENTRAL = "centrale", "CCAPEX centrale"
        LOCAL = "locale", "CCAPEX locale"
        SUB_COMMISSION = "sous_commission", "Sous-commission territoriale"

    class Rhythm(models.TextChoices):
        MONTHLY = "mensuel", "Tous les mois"
        EVERY_2_MONTHS = "bimestriel", "Tous les 2 mois"
        EVERY_3_MONTHS = "trimestriel", "Tous les 3 mois"
        SIX_TO_EIGHT = "6_8_par_an", "6 à 8 fois par an"
        YEARLY = "annuel", "Une fois par an"

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("formation", max_length=20, choices=Kind.choices)
    level = models.CharField("niveau", max_length=20, choices=Level.choices)
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissions",
        verbose_name="territoire",
        help_text="Vide : tout le département.",
    )
    co_chairs = models.ManyToManyField(
        Organisation, blank=True, related_name="chaired_commissions", verbose_name="présidence"
    )
    households_attend = models.BooleanField("en présence des ménages", default=False)
    rhythm = models.CharField("rythme des séances", max_length=20, choices=Rhythm.choices)
    capacity = models.PositiveSmallIntegerField(
        "situations par séance", null=True, blank=True, help_text="Vide : pas de limite."
    )
    stages = models.JSONField(
        "étapes examinées", default=list, blank=True, help_text="Vide : toutes les étapes."
    )
    sectors = models.JSONField("parcs examinés", default=list, blank=True, help_text="Vide : les deux parcs.")
    place = models.CharField("lieu habituel", max_length=250, blank=True)
    is_active = models.BooleanField("active", default=True)
    # Issue 16: the département whose CCAPEX the formation is.
    departement_code = models.CharField(
        "département", max_length=3, default=default_departement, db_index=True
    )
    retired_on = models.DateField("supprimée le", null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        verbose_name="fusionnée dans",
    )

    objects = CommissionQuerySet.as_manager()

    history = tracked_history()

    class Meta:
        verbose_name = "commission"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    def stage_labels(self):
        return [Stage(value).label for value in self.stages if value in Stage.values]

    def sector_labels(self):
        return [HousingSector(value).label for value in self.sectors if value in HousingSector.values]


class CommissionMember(models.Model):
    """A member organisation of a commission, with its named representative when there is one.
    Only a named representative reads the commission's agendas (Code pénal 226-13)."""

    class Role(models.TextChoices):
        CO_CHAIR = "copresidence", "Coprésidence"
        MEMBER = "membre", "Membre"
        SECRETARIAT = "secretariat", "Secrétariat"

    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, related_name="members", verbose_name="commission"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="commission_seats", verbose_name="organisme"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commission_seats",
        verbose_name="représentant nommé",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.MEMBER)

    history = tracked_history()

    class Meta:
        verbose_name = "membre de commission"
        verbose_name_plural = "membres de commission"
        ordering = ["commission", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "organisation"],
                condition=Q(user__isnull=True),
                name="commission_member_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["commission", "organisation", "user"], name="commission_member_unique_user"
            ),
        ]

    def __str__(self):
        who = f" ({self.user})" if self.user_id else ""
        return f"{self.organisation}{who} — {self.commission}"


class ReviewRequest(models.Model):
    """A saisine: a request that a commission examine a case, with its reason.

    A partner may refer a household from its space without seeing any case (issue 5 §2): the
    saisine then holds what the partner described, and no procedure until the secretariat attaches
    it to one; the commission is only wished until then."""

    class Source(models.TextChoices):
        SECRETARIAT = "secretariat", "Secrétariat"
        PARTNER = "partenaire", "Partenaire"
        SUGGESTED = "suggestion", "Suggérée par Prévex"

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente d'examen"
        SCHEDULED = "inscrite", "Inscrite à l'ordre du jour"
        EXAMINED = "examinee", "Examinée"
        WITHDRAWN = "retiree", "Retirée"
        REFUSED = "refusee", "Refusée"

    OPEN_STATUSES = (Status.PENDING, Status.SCHEDULED)

    procedure = models.ForeignKey(
        Procedure,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_requests",
        verbose_name="procédure",
        help_text="Vide : saisine d'un partenaire que le secrétariat n'a pas encore rattachée.",
    )
    commission = models.ForeignKey(
        Commission,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_requests",
        verbose_name="commission",
        help_text="Vide : commission choisie par le secrétariat au rattachement.",
    )
    source = models.CharField("origine", max_length=20, choices=Source.choices)
    stage = models.CharField("étape à la saisine", max_length=40, choices=Stage.choices, blank=True)
    reason = models.TextField("motif")
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PENDING)
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
        related_name="+",
        verbose_name="organisme demandeur",
    )
    created_at = models.DateTimeField("reçue le", default=timezone.now)
    # What a partner described from its space, stored as typed (never matched for the partner).
    household_name = models.CharField("ménage", max_length=200, blank=True)
    household_address = models.CharField("adresse du logement", max_length=300, blank=True)
    commune = models.ForeignKey(
        Commune, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="commune"
    )
    claim_number = models.CharField("numéro d'allocataire", max_length=30, blank=True)
    landlord_name = models.CharField("bailleur", max_length=200, blank=True)
    procedure_reference = models.CharField(
        "référence de la procédure indiquée", max_length=60, blank=True, help_text="EXPLOC ou huissier."
    )
    refusal_reason = models.TextField("motif du refus", blank=True)
    withdrawal_reason = models.TextField(
        "motif du retrait", blank=True, help_text="Lu par l'organisme qui a saisi, comme le motif du refus."
    )
    # What a social landlord states when it refers a tenant (loi 89-462 art. 24 II), through the API.
    monthly_rent = models.DecimalField(
        "loyer mensuel", max_digits=10, decimal_places=2, null=True, blank=True
    )
    monthly_charges = models.DecimalField(
        "charges mensuelles", max_digits=10, decimal_places=2, null=True, blank=True
    )
    debt_rent = models.DecimalField("dette : loyers", max_digits=10, decimal_places=2, null=True, blank=True)
    debt_charges = models.DecimalField(
        "dette : charges", max_digits=10, decimal_places=2, null=True, blank=True
    )
    debt_fees = models.DecimalField(
        "dette : frais de procédure", max_digits=10, decimal_places=2, null=True, blank=True
    )
    debt_other = models.DecimalField(
        "dette : autres sommes", max_digits=10, decimal_places=2, null=True, blank=True
    )

    history = tracked_history()

    class Meta:
        verbose_name = "saisine"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "commission"],
                condition=Q(status__in=["en_attente", "inscrite"]),
                name="review_request_one_open_per_commission",
            ),
        ]

    def __str__(self):
        return f"Saisine {self.commission or 'à orienter'} — {self.procedure or self.household_name}"

    @property
    def is_described(self):
        """A partner's saisine made from its space, with the household as the partner typed it."""
        return bool(self.household_name)

    @property
    def debt_total(self):
        parts = [self.debt_rent, self.debt_charges, self.debt_fees, self.debt_other]
        return None if all(part is None for part in parts) else sum(part or 0 for part in parts)

    def partner_status(self):
        """The status the requesting organisation reads: nothing about the case itself."""
        if self.status in (self.Status.REFUSED, self.Status.WITHDRAWN):
            return self.get_status_display()
        if self.status in (self.Status.SCHEDULED, self.Status.EXAMINED):
            return "Inscrite à l'ordre du jour"
        return "Rattachée" if self.is_described and self.procedure_id else "En attente"


class SessionQuerySet(models.QuerySet):
    def open_to_members(self, today=None):
        """Published sessions, until COMMISSION_ACCESS_DAYS after the session."""
        today = today or timezone.localdate()
        since = today - datetime.timedelta(days=access_days())
        return self.exclude(status=Session.Status.PLANNED).filter(date__gte=since)

    def sat_on_by(self, user, organisation):
        """Sessions of the commissions where the user is the organisation's named representative."""
        return self.filter(commission__members__user=user, commission__members__organisation=organisation)


class Session(models.Model):
    """A séance of a commission."""

    class Status(models.TextChoices):
        PLANNED = "prevue", "Prévue"
        PUBLISHED = "publiee", "Ordre du jour publié"
        HELD = "tenue", "Tenue"
        CLOSED = "close", "Close"

    commission = models.ForeignKey(
        Commission, on_delete=models.PROTECT, related_name="sessions", verbose_name="commission"
    )
    date = models.DateField("date")
    starts_at = models.TimeField("heure", null=True, blank=True)
    place = models.CharField("lieu", max_length=250, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PLANNED)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    members_notified_at = models.DateTimeField("membres prévenus le", null=True, blank=True)
    # The agenda the members were last told of (procedure ids), and the change they were told of.
    published_procedures = models.JSONField("dossiers annoncés aux membres", default=list, blank=True)
    agenda_version = models.PositiveIntegerField("version de l'ordre du jour publiée", default=0)
    change_notified_version = models.PositiveIntegerField("modification annoncée aux membres", default=0)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "date"], name="session_unique_per_day"),
        ]

    def __str__(self):
        return f"{self.commission} — {self.date:%d/%m/%Y}"

    @property
    def is_editable(self):
        return self.status in (self.Status.PLANNED, self.Status.PUBLISHED)

    def members_access_until(self):
        return self.date + datetime.timedelta(days=access_days())


class MemberNotice(models.Model):
    """One e-mail telling one member that a session's agenda was published (version 0) or changed
    (the agenda's version): a row per recipient, so that a retry sends only to those not yet reached
    and a refusal shows on the session's page (commissions/notices.py)."""

    class Status(models.TextChoices):
        PENDING = "a_envoyer", "À envoyer"
        SENDING = "envoi", "Envoi en cours"
        SENT = "envoye", "Envoyé"
        FAILED = "echec", "Échec de l'envoi"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="member_notices", verbose_name="séance"
    )
    version = models.PositiveIntegerField("version annoncée (0 : publication)", default=0)
    recipient = models.EmailField("destinataire")
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    claimed_at = models.DateTimeField("pris en charge le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    last_error = models.CharField("dernière erreur", max_length=250, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "courriel aux membres"
        verbose_name_plural = "courriels aux membres"
        ordering = ["session", "version", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "version", "recipient"], name="member_notice_once_per_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.session} — {self.recipient}"

    @property
    def what(self) -> str:
        return "Publication de l'ordre du jour" if self.version == 0 else "Modification de l'ordre du jour"


class AgendaItem(models.Model):
    """A case on a session's agenda (ordre du jour), then the commission's opinion on it."""

    class Attendance(models.TextChoices):
        PRESENT = "present", "Ménage présent"
        REPRESENTED = "represente", "Ménage représenté"
        ABSENT = "absent", "Ménage absent"
        EXCUSED = "excuse", "Ménage excusé"
        NOT_INVITED = "non_invite", "Ménage non convoqué"

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="items", verbose_name="séance"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="agenda_items", verbose_name="procédure"
    )
    review_request = models.OneToOneField(
        ReviewRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_item",
        verbose_name="saisine",
    )
    order = models.PositiveSmallIntegerField("ordre")
    presenter = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="présenté par",
    )
    household_invited = models.BooleanField("ménage convoqué", default=False)
    convocation_at = models.DateTimeField("convocation faite le", null=True, blank=True)
    attendance = models.CharField("présence", max_length=20, choices=Attendance.choices, blank=True)
    opinion = models.TextField("avis de la commission", blank=True)
    decided_at = models.DateTimeField("avis rendu le", null=True, blank=True)
    override_reason = models.CharField(
        "motif de l'inscription hors critères",
        max_length=500,
        blank=True,
        help_text="Le dossier ne correspond pas aux étapes, parcs ou territoire de la formation.",
    )

    history = tracked_history()

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "procedure"], name="agenda_item_once_per_session"),
        ]

    def __str__(self):
        return f"{self.order}. {self.procedure}"


# Who answers a recommendation addressed to their organisation (as for a referral).
ADDRESSEE_ROLES = (Role.SOCIAL_WORKER, Role.PARTNER)


def recommendation_access_cutoff(now=None):
    """A closed recommendation keeps the case open to its addressee this long
    (RECOMMENDATION_ACCESS_DAYS, 90 by default), like a referral."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.RECOMMENDATION_ACCESS_DAYS)


class RecommendationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Recommendation.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def visible_to(self, user):
        """All for the secretariat; for a social worker or partner, the recommendations addressed
        to its acting organisation, open or closed less than RECOMMENDATION_ACCESS_DAYS ago."""
        in_departements = Q(procedure__departement_code__in=acting_departements(user))  # issue 16
        if is_secretariat(user):
            return self.filter(in_departements)
        organisation = acting_organisation(user)
        if acting_role(user) not in ADDRESSEE_ROLES or organisation is None:
            return self.none()
        # A case transferred to another département leaves the addressees of its former
        # formations' recommendations (issue 16).
        own_formation = Q(agenda_item__session__commission__departement_code=F("procedure__departement_code"))
        return self.filter(in_departements, own_formation, responsible=organisation).filter(
            Q(status=Recommendation.Status.OPEN) | Q(closed_at__gte=recommendation_access_cutoff())
        )

    def answered_since(self, since):
        """Answered by their addressee since `since`: what the secretariat has to read."""
        return self.filter(answered_at__gte=since)


class Recommendation(models.Model):
    """A préconisation of the commission, with the organisation responsible and a due date,
    followed up until it is done, not done (with the reason) or obsolete (Charte II.A: "Assurer le
    suivi des dossiers")."""

    class Kind(models.TextChoices):
        DSF = "dsf", "Diagnostic social et financier (DSF)"
        CCAPEX_DIAGNOSIS = "diagnostic_ccapex", "Diagnostic CCAPEX"
        ANTICIPATION_VISIT = "visite_anticipation", "Visite anticipation"
        ASLL = "asll", "Mesure ASLL"
        MASP = "masp", "MASP"
        MLDA = "mlda", "Mesure Logement d'abord (MLDA)"
        FSL = "fsl", "Aide du FSL"
        REPAYMENT_PLAN = "plan_apurement", "Plan d'apurement"
        PCS = "pcs", "Protocole de cohésion sociale (PCS)"
        REHOUSING_POOL = "vivier_relogement", "Inscription au vivier de relogement"
        DALO_OPINION = "avis_dalo", "Avis à la commission DALO sur la priorité"
        SIAO = "orientation_siao", "Orientation vers le SIAO"
        KEEP_BENEFIT = "maintien_aide_logement", "Maintien de l'aide au logement"
        SUSPEND_BENEFIT = "suspension_aide_logement", "Suspension de l'aide au logement"
        CONTINUE_PROCEDURE = "poursuite_procedure", "Poursuite de la procédure"
        OTHER = "autre", "Autre"

    class Status(models.TextChoices):
        OPEN = "en_cours", "En cours"
        DONE = "realisee", "Réalisée"
        NOT_DONE = "non_realisee", "Non réalisée"
        OBSOLETE = "sans_objet", "Sans objet"

    class Answer(models.TextChoices):
        """The addressee's answer: done and not possible close the follow-up."""

        DONE = "realisee", "Réalisée"
        IN_PROGRESS = "en_cours", "En cours de réalisation"
        NOT_POSSIBLE = "impossible", "Impossible à réaliser"

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="recommendations", verbose_name="point"
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="recommendations", verbose_name="procédure"
    )
    kind = models.CharField("préconisation", max_length=30, choices=Kind.choices)
    detail = models.CharField("précisions", max_length=500, blank=True)
    responsible = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name="organisme chargé",
    )
    due_date = models.DateField("échéance")
    status = models.CharField("suivi", max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome_note = models.CharField("motif ou observations", max_length=500, blank=True)
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        verbose_name="orientation",
    )
    created_at = models.DateTimeField("décidée le", default=timezone.now)
    closed_at = models.DateTimeField("suivi clos le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    answer = models.CharField("réponse de l'organisme", max_length=20, choices=Answer.choices, blank=True)
    done_on = models.DateField("réalisée le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse reçue le", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="réponse de",
    )

    objects = RecommendationQuerySet.as_manager()

    history = tracked_history()

    class Meta:
        verbose_name = "préconisation"
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["responsible", "status"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.procedure}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def is_overdue(self, today=None):
        return self.status == self.Status.OPEN and self.due_date < (today or timezone.localdate())


# ---------------------------------------------------------------------------------------------
# The rehousing pool (Charte annexe 2, « Relogements CCAPEX »)
# ---------------------------------------------------------------------------------------------

# Charte annexe 2: "Délai de relogement : 3 à 6 mois".
POOL_TARGET_MIN_MONTHS = 3
POOL_TARGET_MAX_MONTHS = 6


class RehousingPoolEntry(models.Model):
    """A household put forward by the CCAPEX or its secretariat for the prefectoral quota or the
    departmental agreement (vivier « ménages à reloger », Charte annexe 2), followed until it is
    rehoused or withdrawn."""

    class ProposedBy(models.TextChoices):
        COMMISSION = "commission", "Préconisation d'une commission"
        SECRETARIAT = "secretariat", "Secrétariat de la CCAPEX"

    class Quota(models.TextChoices):
        PREFECTORAL = "contingent_prefectoral", "Contingent préfectoral"
        DEPARTMENTAL_AGREEMENT = "accord_collectif", "Accord collectif départemental (ACD)"

    class ReportSource(models.TextChoices):
        SOCIAL_WORKER = "travailleur_social", "Rapport social du travailleur social référent"
        CAF = "caf", "Rapport social d'un travailleur social de la CAF"
        CCAPEX_DIAGNOSIS = "diagnostic_ccapex", "Diagnostic CCAPEX"

    class Status(models.TextChoices):
        IN_POOL = "inscrit", "Inscrit au vivier"
        REHOUSED = "reloge", "Relogé"
        WITHDRAWN = "retire", "Retiré du vivier"

    class WithdrawalReason(models.TextChoices):
        REFUSED_ADAPTED_OFFER = "refus_proposition", "Refus d'une proposition adaptée"
        INCOMPLETE_FILE = "dossier_incomplet", "Dossier incomplet"
        REQUEST_NOT_RENEWED = "demande_non_renouvelee", "Demande de logement social non renouvelée"
        SITUATION_CHANGED = "situation_evoluee", "Situation qui évolue (pas d'adhésion, arrêt des paiements…)"
        OTHER = "autre", "Autre motif"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="rehousing_entries", verbose_name="procédure"
    )
    recommendation = models.OneToOneField(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rehousing_entry",
        verbose_name="préconisation",
    )
    proposed_by = models.CharField("proposé par", max_length=20, choices=ProposedBy.choices)
    quota = models.CharField("contingent", max_length=30, choices=Quota.choices)
    entered_on = models.DateField("inscrit le", default=timezone.localdate)
    # The social report: the elements annexe 2 lists, checked by the secretariat.
    report_source = models.CharField(
        "rapport social", max_length=30, choices=ReportSource.choices, blank=True
    )
    report_eviction_reasons = models.BooleanField("motifs de la procédure d'expulsion", default=False)
    report_why_not_stay = models.BooleanField(
        "ce qui ne permet pas le maintien dans le logement", default=False
    )
    report_housing_type = models.BooleanField("typologie du logement souhaité", default=False)
    report_debt_plan = models.BooleanField("ce qui est prévu pour apurer la dette locative", default=False)
    report_occupancy = models.BooleanField("occupation du logement (évaluée ou non)", default=False)
    report_support = models.BooleanField(
        "préconisation d'accompagnement ou absence de besoin d'accompagnement", default=False
    )
    lead_landlord = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rehousing_entries_led",
        verbose_name="bailleur chef de file",
    )
    lead_named_on = models.DateField("désigné en commission inter-bailleurs le", null=True, blank=True)
    status = models.CharField("situation", max_length=10, choices=Status.choices, default=Status.IN_POOL)
    outcome_on = models.DateField("relogé ou retiré le", null=True, blank=True)
    withdrawal_reason = models.CharField(
        "motif du retrait", max_length=30, choices=WithdrawalReason.choices, blank=True
    )
    outcome_note = models.CharField("observations", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="inscrit par",
    )

    REPORT_FIELDS = (
        "report_eviction_reasons",
        "report_why_not_stay",
        "report_housing_type",
        "report_debt_plan",
        "report_occupancy",
        "report_support",
    )

    class Meta:
        verbose_name = "inscription au vivier de relogement"
        verbose_name_plural = "inscriptions au vivier de relogement"
        ordering = ["entered_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status="inscrit"), name="rehousing_pool_one_open_per_case"
            ),
        ]

    def __str__(self):
        return f"Vivier de relogement — {self.procedure}"

    def missing_report_elements(self):
        return [
            self._meta.get_field(name).verbose_name for name in self.REPORT_FIELDS if not getattr(self, name)
        ]


class RehousingOffer(models.Model):
    """A housing offer made to a household of the pool, and the household's answer."""

    class Answer(models.TextChoices):
        PENDING = "en_attente", "En attente de réponse"
        ACCEPTED = "acceptee", "Acceptée"
        REFUSED = "refusee", "Refusée par le ménage"
        WITHDRAWN = "retiree", "Retirée par le bailleur"

    entry = models.ForeignKey(
        RehousingPoolEntry, on_delete=models.CASCADE, related_name="offers", verbose_name="inscription"
    )
    landlord = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="bailleur"
    )
    offered_on = models.DateField("proposé le")
    description = models.CharField("logement proposé", max_length=250, blank=True)
    answer = models.CharField("réponse", max_length=12, choices=Answer.choices, default=Answer.PENDING)
    reason = models.CharField("motif du refus ou du retrait", max_length=500, blank=True)
    adapted = models.BooleanField(
        "logement adapté selon la DDETS",
        null=True,
        blank=True,
        help_text="Charte annexe 2 : refus d'une proposition adaptée.",
    )

    class Meta:
        verbose_name = "proposition de logement"
        verbose_name_plural = "propositions de logement"
        ordering = ["offered_on", "pk"]

    def __str__(self):
        return f"Proposition du {self.offered_on:%d/%m/%Y} — {self.landlord}"


class CalendarFeed(models.Model):
    """A member's private iCalendar feed of the sessions they sit on: a secret URL (only its hash
    is kept), revocable; it carries dates, places and commissions, never a case."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name="membre",
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement au calendrier des séances"
        verbose_name_plural = "abonnements au calendrier des séances"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            ),
        ]

    def __str__(self):
        return f"Calendrier de {self.user}"
