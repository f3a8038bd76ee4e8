"""The acts read from their PDF: a batch dropped by a person, each PDF as an ActDocument, kept
(private storage: MEDIA_ROOT is never served directly) as the act's document once confirmed."""

from django.conf import settings
from django.db import models

from directory.models import ApiToken, Organisation, default_departement


class ReadingBatch(models.Model):
    """The PDFs dropped together, checked one after the other."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="déposé par",
    )
    # A batch posted through the partner API (a commissaire de justice's system): no user, its token.
    api_token = models.ForeignKey(
        ApiToken,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="déposé par l'API (jeton)",
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    # Issue 16: the département of the secretariat that dropped the PDFs.
    departement_code = models.CharField("département", max_length=3, default=default_departement)

    class Meta:
        verbose_name = "lot d'actes à lire"
        verbose_name_plural = "lots d'actes à lire"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Lot {self.pk} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def sender(self) -> str:
        """Who dropped it: the person, or the organisation whose system posted it."""
        if self.api_token_id:
            return f"{self.api_token.organisation} (API)"
        return self.created_by.get_full_name() if self.created_by_id else ""


class ActDocument(models.Model):
    """One PDF: read in the background, then confirmed by a person (or set aside)."""

    class Status(models.TextChoices):
        QUEUED = "en_attente", "En cours de lecture"
        READ = "lu", "À vérifier"
        SCAN = "scan", "Scan, à saisir"
        UNREADABLE = "illisible", "Illisible"
        CONFIRMED = "confirme", "Confirmé"
        SET_ASIDE = "ecarte", "Écarté"

    batch = models.ForeignKey(
        ReadingBatch, on_delete=models.CASCADE, related_name="documents", verbose_name="lot"
    )
    file = models.FileField("PDF", upload_to="actes/%Y/%m/")
    name = models.CharField("nom du fichier", max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.QUEUED)
    text = models.TextField("texte extrait", blank=True)
    pages = models.PositiveSmallIntegerField("pages", null=True, blank=True)
    # field name -> {"value", "start", "end"}: the proposal and the span of `text` it was read from
    proposals = models.JSONField("propositions", default=dict, blank=True)
    unsure = models.JSONField("champs incertains", default=list, blank=True)
    error = models.CharField("erreur de lecture", max_length=250, blank=True)
    procedure = models.ForeignKey(
        "procedure.Procedure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name="procédure",
    )
    event = models.ForeignKey(
        "procedure.ProcedureEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        verbose_name="acte",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="vérifié par",
    )
    decided_at = models.DateTimeField("vérifié le", null=True, blank=True)
    set_aside_reason = models.CharField("motif", max_length=250, blank=True)

    class Meta:
        verbose_name = "acte lu d'un PDF"
        verbose_name_plural = "actes lus de PDF"
        ordering = ["batch_id", "pk"]

    def __str__(self):
        return self.name

    @property
    def pending(self):
        return self.status in (self.Status.READ, self.Status.SCAN, self.Status.UNREADABLE)


class ActDocumentAccess(models.Model):
    """Every opening of an act's PDF: who, for which organisation, when (the PDF names a
    household, before it belongs to a case)."""

    document = models.ForeignKey(
        ActDocument, on_delete=models.CASCADE, related_name="accesses", verbose_name="PDF"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="utilisateur"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="organisme"
    )
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "consultation d'un PDF d'acte"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} — {self.document} ({self.at:%d/%m/%Y %H:%M})"
