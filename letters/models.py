"""Letters to households and partners, and the weekly lists sent to the SIAO and the CAF.

- LetterTemplate / LetterTemplateVersion: one template per kind of letter; each change of its text
  is a new version, and a Letter remembers the version it used.
- Letter: a PDF generated from a case, with its checksum and status; LetterBatch: the questionnaires
  of a week generated in one action (one bundle PDF), with its progress.
- QuestionnaireAnswer: a returned questionnaire, as structured answers.
- WeeklyList: one list per kind, ISO week and recipient organisation (a database constraint), with
  its files and its sending state; Delivery: the delivery log (every claim, send, failure, resend).
"""

import datetime

from django.conf import settings
from django.db import models

from directory.history import tracked_history
from directory.models import Organisation, default_departement
from procedure.models import Procedure


class ListKind(models.TextChoices):
    SIAO = "siao", "Liste SIAO (concours de la force publique accordés)"
    CAF = "caf", "Liste CAF et services sociaux (commandements de payer)"


class ListRecipient(models.Model):
    """An organisation receiving a kind of weekly list, and how (Charte étapes 2 et 6, annexe 5).

    By default the list is sent as a link to a page where the recipient signs in; an administrator
    may choose to send it as an attachment instead.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="list_subscriptions", verbose_name="organisme"
    )
    kind = models.CharField("liste", max_length=10, choices=ListKind.choices)
    send_as_attachment = models.BooleanField(
        "envoyer en pièce jointe",
        default=False,
        help_text="Par défaut, un lien vers une page de téléchargement.",
    )
    is_active = models.BooleanField("actif", default=True)

    history = tracked_history()

    class Meta:
        verbose_name = "destinataire de liste hebdomadaire"
        verbose_name_plural = "destinataires des listes hebdomadaires"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="list_recipient_unique_kind"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_kind_display()}"


class WeeklyList(models.Model):
    """One list per kind, ISO week (Monday to Sunday) and recipient: never built or sent twice."""

    class Status(models.TextChoices):
        PENDING = "a_envoyer", "À envoyer"
        SENDING = "envoi", "Envoi en cours"
        SENT = "envoyee", "Envoyée"
        FAILED = "echec", "Échec de l'envoi"

    kind = models.CharField("liste", max_length=10, choices=ListKind.choices)
    week_start = models.DateField("semaine du (lundi)")
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="weekly_lists", verbose_name="destinataire"
    )
    row_count = models.PositiveIntegerField("ménages", default=0)
    xlsx = models.FileField("fichier XLSX", upload_to="listes/", blank=True)
    csv = models.FileField("fichier CSV", upload_to="listes/", blank=True)
    pdf = models.FileField("fichier PDF", upload_to="listes/", blank=True)
    built_at = models.DateTimeField("construite le", auto_now_add=True)
    status = models.CharField("envoi", max_length=10, choices=Status.choices, default=Status.PENDING)
    send_as_attachment = models.BooleanField("en pièce jointe", default=False)
    claim_token = models.UUIDField("jeton d'envoi", null=True, blank=True)
    claimed_at = models.DateTimeField("envoi commencé le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    # The PDF follows the light formats (services/delivery.py): when it went to an attachment recipient.
    pdf_sent_at = models.DateTimeField("PDF envoyé le", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=250, blank=True)

    class Meta:
        verbose_name = "liste hebdomadaire"
        verbose_name_plural = "listes hebdomadaires"
        ordering = ["-week_start", "kind", "recipient__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "week_start", "recipient"], name="weekly_list_unique_per_week"
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.iso_week} — {self.recipient}"

    @property
    def iso_week(self):
        year, week, _ = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6)


class Delivery(models.Model):
    """The delivery log of the weekly lists: every claim, send, failure and manual resend."""

    class Event(models.TextChoices):
        CLAIMED = "reservee", "Envoi commencé"
        SENT = "envoyee", "Envoyée"
        RETRY = "nouvel_essai", "Échec, nouvel essai prévu"
        FAILED = "echec", "Échec définitif"
        RESEND = "renvoi", "Renvoi demandé"
        RECLAIMED = "reprise", "Envoi repris après interruption"
        PDF_SENT = "pdf_envoye", "PDF envoyé"

    weekly_list = models.ForeignKey(
        WeeklyList, on_delete=models.CASCADE, related_name="deliveries", verbose_name="liste"
    )
    event = models.CharField("événement", max_length=15, choices=Event.choices)
    at = models.DateTimeField("le", auto_now_add=True)
    to = models.CharField("adresse", max_length=254, blank=True)
    as_attachment = models.BooleanField("en pièce jointe", default=False)
    claim_token = models.UUIDField("jeton", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    reason = models.CharField("motif", max_length=250, blank=True)
    detail = models.CharField("détail", max_length=250, blank=True)

    class Meta:
        verbose_name = "envoi de liste"
        verbose_name_plural = "journal des envois"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_event_display()} ({self.at:%d/%m/%Y %H:%M})"


# ---------------------------------------------------------------------------------------------
# Letters
# ---------------------------------------------------------------------------------------------


class LetterKind(models.TextChoices):
    """The Charte's letters (II.B étapes 1 to 6)."""

    QUESTIONNAIRE_HOUSEHOLD = "questionnaire_menage", "Courrier et questionnaire au ménage"
    QUESTIONNAIRE_OWNER = (
        "questionnaire_proprietaire",
        "Courrier et questionnaire au propriétaire (parc privé)",
    )
    MEDIATION_NOTICE = "convocation_mediation", "Convocation à une commission de médiation"
    OPINION = "avis_recommandations", "Avis et recommandations"
    OPINION_COPY = "avis_copie_services_sociaux", "Avis et recommandations (copie aux services sociaux)"
    CFP_HOUSEHOLD = "cfp_menage", "Information du ménage : concours de la force publique accordé"
    CFP_LANDLORD = "cfp_bailleur", "Information du bailleur : concours accordé"
    CFP_COMMUNE = "cfp_commune", "Information de la commune : concours accordé"
    CFP_DEPARTEMENT = "cfp_departement", "Information du Conseil départemental : concours accordé"
    CFP_BAILIFF = "cfp_commissaire", "Information du commissaire de justice : concours accordé"
    CFP_POLICE = "cfp_police", "Information de la police ou de la gendarmerie : concours accordé"
    DSF_REQUEST = "demande_dsf", "Demande de diagnostic social et financier"


class LetterTemplate(models.Model):
    """A kind of letter's wording for one département (issue 16): each département starts from the
    national default (letters/defaults.py) and changes it as its own."""

    kind = models.CharField("courrier", max_length=40, choices=LetterKind.choices)
    departement_code = models.CharField(
        "département", max_length=3, default=default_departement, db_index=True
    )

    history = tracked_history()

    class Meta:
        verbose_name = "modèle de courrier"
        verbose_name_plural = "modèles de courrier"
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "departement_code"], name="letter_template_once_per_departement"
            )
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class LetterTemplateVersion(models.Model):
    """A version of a template's text: never changed, a change is a new version."""

    template = models.ForeignKey(
        LetterTemplate, on_delete=models.CASCADE, related_name="versions", verbose_name="modèle"
    )
    number = models.PositiveIntegerField("version")
    subject = models.CharField("objet", max_length=250)
    body = models.TextField("texte")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    created_at = models.DateTimeField("le", auto_now_add=True)

    history = tracked_history()

    class Meta:
        verbose_name = "version de modèle"
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="letter_template_version_unique"),
        ]

    def __str__(self):
        return f"{self.template} v{self.number}"


class LetterBatch(models.Model):
    """The questionnaires of a week's acts, generated in one action: its progress and its bundle."""

    class Status(models.TextChoices):
        QUEUED = "en_attente", "En attente"
        RUNNING = "en_cours", "En cours"
        DONE = "terminee", "Terminée"
        FAILED = "echec", "Échec"

    week_start = models.DateField("semaine du (lundi)")
    # Issue 16: the questionnaires of one département's cases.
    departement_code = models.CharField(
        "département", max_length=3, default=default_departement, db_index=True
    )
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("courriers", default=0)
    done = models.PositiveIntegerField("générés", default=0)
    bundle = models.FileField("PDF à imprimer", upload_to="courriers/lots/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    created_at = models.DateTimeField("le", auto_now_add=True)
    error = models.CharField("erreur", max_length=250, blank=True)
    # The worker running the batch (services.letters.claim_batch) and its last sign of life.
    claim_token = models.UUIDField("jeton de traitement", null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("dernier signe du traitement", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "lot de courriers"
        verbose_name_plural = "lots de courriers"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Questionnaires de la semaine du {self.week_start:%d/%m/%Y}"

    @property
    def percent(self):
        return 100 if not self.total else round(100 * self.done / self.total)


class LetterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Letters are read by exactly those who read the case file (docs/architecture.md)."""
        return self.filter(procedure__in=Procedure.objects.case_files_visible_to(user))


class Letter(models.Model):
    class Status(models.TextChoices):
        GENERATED = "genere", "Généré"
        SENT = "envoye", "Envoyé"
        RETURNED = "retourne", "Retour (NPAI)"
        ANSWERED = "reponse", "Réponse reçue"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="letters", verbose_name="procédure"
    )
    template_version = models.ForeignKey(
        LetterTemplateVersion, on_delete=models.PROTECT, related_name="letters", verbose_name="modèle"
    )
    kind = models.CharField("courrier", max_length=40, choices=LetterKind.choices)
    recipient = models.CharField("destinataire", max_length=250)
    file = models.FileField("PDF", upload_to="courriers/")
    checksum = models.CharField("empreinte SHA-256", max_length=64)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.GENERATED)
    batch = models.ForeignKey(
        LetterBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letters",
        verbose_name="lot",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    created_at = models.DateTimeField("généré le", auto_now_add=True)
    status_changed_at = models.DateTimeField("statut le", null=True, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "courrier"
        ordering = ["-created_at"]
        constraints = [
            # A batch taken over after its worker died never generates a letter twice.
            models.UniqueConstraint(
                fields=["batch", "procedure", "kind"],
                condition=models.Q(batch__isnull=False),
                name="letter_once_per_batch_case_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.recipient}"


class QuestionnaireAnswer(models.Model):
    """A returned questionnaire (household or owner), as structured answers on the case."""

    class Respondent(models.TextChoices):
        HOUSEHOLD = "menage", "Ménage"
        OWNER = "proprietaire", "Propriétaire"

    class WishToStay(models.TextChoices):
        STAY = "rester", "Souhaite se maintenir dans le logement"
        LEAVE = "partir", "Souhaite quitter le logement"
        UNDECIDED = "indecis", "Ne sait pas"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="questionnaire_answers", verbose_name="procédure"
    )
    letter = models.ForeignKey(
        Letter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
        verbose_name="courrier",
    )
    respondent = models.CharField("répondant", max_length=15, choices=Respondent.choices)
    received_on = models.DateField("reçu le")
    situation = models.TextField("situation (famille, ressources, emploi)")
    wish_to_stay = models.CharField("souhait", max_length=10, choices=WishToStay.choices)
    steps_taken = models.TextField("démarches engagées", blank=True)
    consent_to_share = models.BooleanField("accord pour transmettre aux services sociaux", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    recorded_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        verbose_name = "réponse au questionnaire"
        verbose_name_plural = "réponses aux questionnaires"
        ordering = ["-received_on"]

    def __str__(self):
        return f"Réponse du {self.received_on:%d/%m/%Y} ({self.get_respondent_display()})"
