"""Figures partners supply each year, and the Charte's objective the dashboard measures against."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from directory.models import Organisation, Territory, default_departement

from .definitions import INDICATORS


class SuppliedFigure(models.Model):
    """A yearly figure Prévex cannot count, entered by the referent organisation (Charte IV).

    One per indicator, year and territory (no territory: the whole département); entering it
    again corrects it and records who did and when.
    """

    indicator = models.CharField(
        "indicateur", max_length=60, choices=[(i.code, i.label) for i in INDICATORS], db_index=True
    )
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="territoire",
    )
    value = models.PositiveIntegerField("valeur")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supplied_figures", verbose_name="organisme"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="saisi par"
    )
    entered_at = models.DateTimeField("saisi le")
    # Issue 16: each département's figure (the organisation's own département).
    departement_code = models.CharField("département", max_length=3, default=default_departement)

    class Meta:
        verbose_name = "chiffre fourni"
        verbose_name_plural = "chiffres fournis"
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "territory"], name="supplied_figure_unique_per_territory"
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "departement_code"],
                condition=Q(territory__isnull=True),
                name="supplied_figure_unique_departement",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year} : {self.value}"


class CharterObjective(models.Model):
    """The Charte's headline objective: 30 % fewer households evicted over its five years.

    The Charte was signed in 2020 for five years (Charte V.A): its years are 2020 to 2024 and the
    baseline is the year before it, 2019. An administrator may record another period; with no row,
    `current()` gives these defaults.
    """

    baseline_year = models.PositiveSmallIntegerField("année de référence", default=2019)
    first_year = models.PositiveSmallIntegerField("première année de la Charte", default=2020)
    last_year = models.PositiveSmallIntegerField("dernière année de la Charte", default=2024)
    reduction_percent = models.PositiveSmallIntegerField(
        "baisse visée des expulsions (%)", default=30, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = "objectif de la Charte"
        verbose_name_plural = "objectifs de la Charte"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__gt=models.F("baseline_year")), name="charter_after_baseline"
            ),
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")), name="charter_years_ordered"
            ),
        ]

    def __str__(self):
        period = f"{self.first_year}-{self.last_year}"
        return f"Charte {period} : −{self.reduction_percent} % par rapport à {self.baseline_year}"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-first_year").first() or cls()

    @property
    def years(self):
        return list(range(self.baseline_year, self.last_year + 1))

    def target(self, baseline_value, year):
        """The target for a year: a straight line from the baseline to −reduction % in the last year."""
        if baseline_value is None or year < self.baseline_year:
            return None
        span = self.last_year - self.baseline_year
        progress = min(year - self.baseline_year, span) / span
        return round(baseline_value * (1 - self.reduction_percent / 100 * progress), 1)


class NationalSnapshot(models.Model):
    """One computation of the national view's counts (decision 019): every counted indicator per
    département and year, as `national.counts` gives them, stored in `NationalCount` rows that the
    national view and its exports read instead of counting the acts at each request.

    Refreshed nightly (config/celery.py) and on demand by the national steering role. At most one
    is in progress (QUEUED, whether its worker has begun or not: a partial unique constraint), so two
    refreshes never run at once; the worker claims it by a conditional UPDATE of `started_at`, the
    instant the figures are counted as of (« Chiffres arrêtés le … »).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "en cours"
        READY = "ready", "arrêtés"
        FAILED = "failed", "en échec"

    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_at = models.DateTimeField("demandé le")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandé par",
        help_text="Vide : la mise à jour de chaque nuit.",
    )
    started_at = models.DateTimeField("chiffres arrêtés le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    years = models.JSONField("années comptées", default=list, blank=True)
    error = models.CharField("erreur", max_length=250, blank=True)

    class Meta:
        verbose_name = "chiffres nationaux"
        verbose_name_plural = "chiffres nationaux"
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="queued"), name="national_snapshot_one_in_progress"
            ),
        ]

    def __str__(self):
        return f"Chiffres nationaux {self.get_status_display()} ({self.started_at or self.requested_at})"


class NationalCount(models.Model):
    """A count of one snapshot: the cases of one indicator held by one département in one year (the
    counts of 0 are not stored)."""

    snapshot = models.ForeignKey(NationalSnapshot, on_delete=models.CASCADE, related_name="counts")
    indicator = models.CharField("indicateur", max_length=60)
    departement_code = models.CharField("département", max_length=3)
    year = models.PositiveSmallIntegerField("année")
    value = models.PositiveIntegerField("valeur")

    class Meta:
        verbose_name = "chiffre national"
        verbose_name_plural = "chiffres nationaux (valeurs)"
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "indicator", "year", "departement_code"], name="national_count_unique"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.departement_code} {self.year} : {self.value}"
