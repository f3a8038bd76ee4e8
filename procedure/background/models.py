"""A file built in the background for one user (procedure/background/services.py)."""

from django.conf import settings
from django.db import models

from directory.models import Membership


class BackgroundExport(models.Model):
    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente"
        RUNNING = "en_cours", "En préparation"
        READY = "pret", "Prêt"
        FAILED = "echec", "Échec"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="demandé par"
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="au titre de",
        help_text="organisme et rôle pour lesquels l'utilisateur agissait : le document suit ce périmètre",
    )
    kind = models.CharField("document", max_length=40)
    params = models.JSONField("paramètres", default=dict, blank=True)
    filename = models.CharField("nom du fichier", max_length=120)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField("lignes écrites", default=0)
    total = models.PositiveIntegerField("lignes à écrire", default=0)
    rows = models.PositiveIntegerField("lignes", default=0)
    file = models.FileField("fichier", upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField("erreur", max_length=250, blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "document préparé en arrière-plan"
        verbose_name_plural = "documents préparés en arrière-plan"
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)
