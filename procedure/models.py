"""The eviction procedure: its acts and facts (events), its tasks, and what was read and changed.

The current stage, its rank, whether the case is closed and the last act's date are a summary of
the events (rules.py), stored on the procedure by one function, services.refresh_summary, in the
same transaction as the act (docs/decisions/003): every list filters and sorts on them by index.
"""

from django.conf import settings
from django.db import models

from directory.acting import acting_role
from directory.french import counted
from directory.history import tracked_history
from directory.models import ApiToken, Organisation, Role, default_departement
from households.models import Household, Landlord, Lease

from . import access


class Stage(models.TextChoices):
    """The stages of the procedure (Charte II.B), in legal order; values are the import codes."""

    UNPAID_RENT = "impaye", "Impayé (prévention)"
    PAYMENT_ORDER = "commandement_de_payer", "Commandement de payer"
    SUMMONS = "assignation", "Assignation"
    HEARING = "audience", "Audience"
    JUDGMENT = "jugement", "Jugement"
    ORDER_TO_VACATE = "commandement_de_quitter_les_lieux", "Commandement de quitter les lieux"
    POLICE_REQUEST = "requisition_force_publique", "Réquisition de la force publique"
    POLICE_ASSISTANCE = "concours_force_publique", "Concours de la force publique"
    EVICTION = "expulsion", "Expulsion"
    DEPARTURE = "depart", "Départ du ménage"


class EventKind(models.TextChoices):
    """Every dated fact recorded on a procedure: the acts (same codes as Stage) and the facts
    that change its course."""

    UNPAID_RENT = "impaye", "Impayé constaté"
    PAYMENT_ORDER = "commandement_de_payer", "Commandement de payer"
    SUMMONS = "assignation", "Assignation"
    HEARING = "audience", "Audience"
    JUDGMENT = "jugement", "Jugement"
    ORDER_TO_VACATE = "commandement_de_quitter_les_lieux", "Commandement de quitter les lieux"
    POLICE_REQUEST = "requisition_force_publique", "Réquisition de la force publique"
    POLICE_ASSISTANCE = "concours_force_publique", "Décision sur le concours de la force publique"
    EVICTION = "expulsion", "Expulsion effective"
    DEPARTURE = "depart", "Départ volontaire, restitution des clés"
    REPAYMENT_PLAN = "plan_apurement", "Plan d'apurement"
    REPAYMENT_PLAN_KEPT = "plan_apurement_respecte", "Plan d'apurement respecté"
    REPAYMENT_PLAN_BROKEN = "plan_apurement_non_respecte", "Plan d'apurement non respecté"
    SOCIAL_COHESION_PROTOCOL = "pcs", "Protocole de cohésion sociale"
    NEW_LEASE = "nouveau_bail", "Nouveau bail"
    OVER_INDEBTEDNESS = "surendettement", "Dépôt d'un dossier de surendettement"
    DALO_APPEAL = "recours_dalo", "Recours DALO"
    DALO_PRIORITY = "dalo_prioritaire", "Reconnaissance prioritaire DALO"
    REHOUSING = "relogement", "Relogement"
    BENEFIT_PAYER_REPORT = "signalement_caf_msa", "Signalement de l'impayé à la CAF / MSA"
    LANDLORD_REVIEW_REQUEST = "saisine_ccapex", "Saisine de la CCAPEX par le bailleur"
    TIME_TO_LEAVE = "delai_quitter_les_lieux", "Délai pour quitter les lieux accordé par le juge"
    FSL_AID = "aide_fsl", "Aide FSL"
    CLOSURE = "cloture", "Clôture du dossier"


class JudgmentOutcome(models.TextChoices):
    TERMINATION = "resiliation", "Résiliation du bail"
    TERMINATION_SUSPENDED = "resiliation_delais", "Résiliation suspendue par des délais de paiement"
    REJECTED = "rejet", "Demande rejetée"
    STRUCK_OUT = "radiation", "Radiation"


class PoliceDecision(models.TextChoices):
    GRANTED = "accorde", "Concours accordé"
    REFUSED = "refuse", "Concours refusé"


class Outcome(models.TextChoices):
    """How a case ends (domain.md)."""

    DEBT_CLEARED = "dette_soldee", "Dette soldée, bail maintenu"
    NEW_LEASE = "nouveau_bail", "Nouveau bail après résiliation"
    REHOUSED = "reloge", "Ménage relogé"
    LEFT = "depart", "Départ du ménage, clés restituées"
    EVICTED = "expulsion", "Expulsion avec le concours de la force publique"
    ABANDONED = "abandon", "Procédure abandonnée par le bailleur"


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user):
        condition = access.procedure_filter(user)
        return self if condition is None else self.filter(condition)

    def case_files_visible_to(self, user):
        """The cases whose file (case page, letters) the user may read: a commission member reads
        only the summaries of their agendas, never the file (Code pénal 226-13: only the strictly
        necessary information)."""
        if acting_role(user) == Role.COMMISSION_MEMBER:
            return self.none()
        return self.visible_to(user)


class Procedure(models.Model):
    """One household, one lease, one landlord; `reference` is the EXPLOC or bailiff's number."""

    reference = models.CharField("référence", max_length=60, unique=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="procedures", verbose_name="ménage"
    )
    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="procedures", verbose_name="bail")
    landlord = models.ForeignKey(
        Landlord, on_delete=models.PROTECT, related_name="procedures", verbose_name="bailleur"
    )
    debt = models.DecimalField("dette (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    opened_at = models.DateTimeField("ouvert le", auto_now_add=True)
    version = models.PositiveIntegerField("version", default=1, editable=False)
    # The summary of the events, written only by services.refresh_summary (docs/decisions/003).
    current_stage = models.CharField(
        "étape", max_length=40, choices=Stage.choices, blank=True, default="", editable=False
    )
    stage_rank = models.SmallIntegerField("rang de l'étape", null=True, editable=False)
    closed = models.BooleanField("clos", default=False, editable=False)
    last_act_date = models.DateField("dernier acte", null=True, editable=False)
    # Issue 16: the département whose secretariat holds the case, the scope of every list (an index
    # lookup). Set from the lease's commune at creation or import; changed by a transfer only.
    departement_code = models.CharField(
        "département", max_length=3, default=default_departement, editable=False
    )
    # What the list sorts and filters on from the household and the lease, copied here so that one
    # département's list reads them from an index that starts with its code (issue 16, decision
    # 017): written with the case and by services.refresh_list_keys when the household or the lease
    # changes; checked by check_consistency.
    household_label = models.CharField("ménage (tri)", max_length=200, blank=True, editable=False)
    commune_name = models.CharField("commune (tri)", max_length=100, blank=True, editable=False)
    sector = models.CharField("parc (filtre)", max_length=10, blank=True, editable=False)
    commune_insee_code = models.CharField("commune (filtre)", max_length=5, blank=True, editable=False)
    # The household's search texts (Household.search_text, address_text), searched here with the
    # département in one GIN index (PostgreSQL): the country's 36,000 Lefèvre households were read
    # to find the Côte-d'Or's 300 (issue 16).
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    address_text = models.TextField("adresses (recherche)", blank=True, editable=False)
    # The due date of its soonest open task (None when it has no open task with a due date), what
    # the list's deadline filters and column read: written only by services.refresh_next_due, in
    # the transaction of every write of its tasks; checked by check_consistency (decision 003).
    next_due_date = models.DateField("prochaine échéance", null=True, editable=False)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = "procédure"
        ordering = ["-opened_at"]
        # Every filter and sort of the lists (procedure/filters.py) read from an index, not sorted:
        # the default order, a stage or a status in the default order, each sortable summary
        # ascending (no date last, then the primary key). Descending with no date last is a
        # PostgreSQL-only index (migrations 0012, 0032): SQLite has no NULLS LAST in an index.
        indexes = [
            models.Index(fields=["-opened_at", "-id"], name="procedure_opened_idx"),
            models.Index(fields=["current_stage", "-opened_at", "-id"], name="procedure_stage_idx"),
            models.Index(fields=["closed", "-opened_at", "-id"], name="procedure_closed_idx"),
            models.Index(fields=["landlord", "-opened_at", "-id"], name="procedure_landlord_idx"),
            models.Index(fields=["stage_rank", "id"], name="procedure_rank_idx"),
            models.Index(fields=["last_act_date", "id"], name="procedure_last_act_idx"),
            # The same lists for one département's secretariat (issue 16).
            models.Index(fields=["departement_code", "-opened_at", "-id"], name="procedure_dep_opened_idx"),
            models.Index(
                fields=["departement_code", "current_stage", "-opened_at", "-id"],
                name="procedure_dep_stage_idx",
            ),
            models.Index(
                fields=["departement_code", "closed", "-opened_at", "-id"], name="procedure_dep_closed_idx"
            ),
            # One département's list by household or commune (both ways, then the primary key) and
            # by sector in the default order, from the copies above (decision 017).
            models.Index(
                fields=["departement_code", "household_label", "id"], name="procedure_dep_label_idx"
            ),
            models.Index(
                fields=["departement_code", "-household_label", "id"], name="procedure_dep_label_desc_idx"
            ),
            models.Index(fields=["departement_code", "commune_name", "id"], name="procedure_dep_commune_idx"),
            models.Index(
                fields=["departement_code", "-commune_name", "id"], name="procedure_dep_commune_desc_idx"
            ),
            models.Index(
                fields=["departement_code", "sector", "-opened_at", "-id"], name="procedure_dep_sector_idx"
            ),
            # One département's list by landlord in the default order: a social landlord may work in
            # many départements (CDC Habitat, ICF Habitat), its cases spread over the country's.
            models.Index(
                fields=["departement_code", "landlord", "-opened_at", "-id"],
                name="procedure_dep_landlord_idx",
            ),
            # One département's list by commune or territory in the default order, from the copy of
            # the lease's commune's INSEE code (decision 017): not every lease of a large commune
            # read, then its procedure, scattered over the country's tables.
            models.Index(
                fields=["departement_code", "commune_insee_code", "-opened_at", "-id"],
                name="procedure_dep_insee_idx",
            ),
            # The overdue and deadline filters: a range of the stored next due date (decision 003).
            models.Index(fields=["departement_code", "next_due_date"], name="procedure_dep_next_due_idx"),
            # One département's list by reference, stage or last act, both ways (the descending
            # ones with no date last: migration 0032, PostgreSQL only), not the country's in order.
            models.Index(fields=["departement_code", "reference", "id"], name="procedure_dep_ref_idx"),
            models.Index(fields=["departement_code", "-reference", "id"], name="procedure_dep_ref_desc_idx"),
            models.Index(fields=["departement_code", "stage_rank", "id"], name="procedure_dep_rank_idx"),
            models.Index(
                fields=["departement_code", "last_act_date", "id"], name="procedure_dep_last_act_idx"
            ),
            # The work queue filtered on a stage or a sector alone: the cases in the order of their
            # next due date (the soonest of their open tasks: the queue's order), read from the
            # cases' side (filters.WorkQueueFilter.cases_alone, issue 11).
            models.Index(
                fields=["departement_code", "current_stage", "next_due_date", "id"],
                name="procedure_dep_stage_due_idx",
            ),
            models.Index(
                fields=["departement_code", "sector", "next_due_date", "id"],
                name="procedure_dep_sector_due_idx",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if self._state.adding and self.lease_id:
            self.departement_code = departement_of_lease(self.lease)
            set_list_keys(self)
        super().save(*args, **kwargs)


# The list's copies on the procedure and what each copies (decision 017): one table for the new
# case's copy in memory (set_list_keys), the UPDATE that follows an edit and the consistency check
# (services.refresh_list_keys, services.list_keys_differing).
LIST_KEYS = {
    "household_label": "household__label",
    "commune_name": "lease__commune__name",
    "sector": "lease__sector",
    "commune_insee_code": "lease__commune__insee_code",
    "search_text": "household__search_text",
    "address_text": "household__address_text",
}


def set_list_keys(procedure) -> None:
    """The household's label, the lease's commune and sector, copied on a new procedure (in memory);
    empty where the path ends early (a lease without a commune)."""
    for key, path in LIST_KEYS.items():
        value = procedure
        for name in path.split("__"):
            value = getattr(value, name) if value is not None else None
        setattr(procedure, key, value or "")


def departement_of_lease(lease) -> str:
    """The département of a lease's commune (the default département when it has none)."""
    commune = getattr(lease, "commune", None)
    return (commune.departement_code if commune else "") or default_departement()


class EffectiveEventManager(models.Manager):
    """The acts that count: a cancelled act stays in the history (`all_objects`) but no stage,
    deadline, task, indicator or weekly list reads it. Also the manager of `procedure.events`."""

    def get_queryset(self):
        return super().get_queryset().filter(cancelled_at__isnull=True)


class ProcedureEvent(models.Model):
    """A dated act or fact; recording the same one twice (same kind and date) is a no-op.

    An act recorded by mistake is corrected or cancelled (services.correct_event, cancel_event),
    never deleted: the ChangeLog keeps it as it was, with who changed it and why.
    """

    class Source(models.TextChoices):
        MANUAL = "saisie", "Saisie"
        IMPORT = "import", "Import"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="events", verbose_name="procédure"
    )
    kind = models.CharField("acte ou fait", max_length=40, choices=EventKind.choices)
    date = models.DateField("date")
    hearing_date = models.DateField("date d'audience", null=True, blank=True)
    judgment_outcome = models.CharField(
        "issue du jugement", max_length=30, choices=JudgmentOutcome.choices, blank=True
    )
    police_decision = models.CharField("décision", max_length=10, choices=PoliceDecision.choices, blank=True)
    closure_reason = models.CharField("motif de clôture", max_length=20, choices=Outcome.choices, blank=True)
    time_to_leave_until = models.DateField("délai pour quitter les lieux jusqu'au", null=True, blank=True)
    debt = models.DecimalField(
        "dette à la date de l'acte (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    note = models.TextField("observations", blank=True)
    source = models.CharField("origine", max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="enregistré par",
    )
    recorded_at = models.DateTimeField("enregistré le", auto_now_add=True)
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="annulé par",
    )
    cancellation_reason = models.CharField("motif d'annulation", max_length=250, blank=True)
    # The département holding the case, its procedure's, copied on the act so that the national
    # view counts the acts per département without joining each to its procedure (decision 017):
    # written with the act (save, or the import's set-based insert) and changed with the
    # procedure's by an accepted transfer (transfers.accept); checked by check_consistency.
    departement_code = models.CharField("département", max_length=3, editable=False)

    objects = EffectiveEventManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, read by ruff as a field)

    class Meta:
        verbose_name = "acte"
        ordering = ["date", "recorded_at"]
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "kind", "date"],
                condition=models.Q(cancelled_at__isnull=True),
                name="event_unique_per_day",
            ),
            # A writer that forgets the département fails here rather than count the act nowhere.
            models.CheckConstraint(condition=~models.Q(departement_code=""), name="event_departement_set"),
        ]
        indexes = [
            models.Index(fields=["kind", "date"]),
            models.Index(fields=["procedure", "date"]),
            # The acts of a kind per procedure (the import, the anomalies), index-only;
            # partial, as every reader goes through the effective events.
            models.Index(
                fields=["kind", "procedure"],
                include=["date"],
                condition=models.Q(cancelled_at__isnull=True),
                name="event_kind_procedure_idx",
            ),
            # The indicators' counts of acts (indicators/counting.py): grouped by kind, date and
            # decision as read from this index, index-only (issue 11).
            models.Index(
                fields=["kind", "date", "police_decision"],
                condition=models.Q(cancelled_at__isnull=True),
                name="event_kind_date_counted_idx",
            ),
            # The same counts per département: the national view (every département, grouped by
            # it) and a département's own figures, index-only (issue 16, decision 017).
            models.Index(
                fields=["departement_code", "kind", "date", "police_decision"],
                condition=models.Q(cancelled_at__isnull=True),
                name="event_dep_kind_date_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.departement_code and self.procedure_id:
            self.departement_code = self.procedure.departement_code
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None


# The kinds of the anomalies' tasks begin with it (services.sync_anomaly_tasks).
ANOMALY_TASK_PREFIX = "anomalie:"


class Task(models.Model):
    """An action the Charte or the law asks of someone, created when an act is recorded."""

    class Status(models.TextChoices):
        OPEN = "a_faire", "À faire"
        DONE = "faite", "Faite"
        SET_ASIDE = "ecartee", "Écartée"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="tasks", verbose_name="procédure"
    )
    event = models.ForeignKey(
        ProcedureEvent,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name="acte",
    )
    kind = models.CharField("action", max_length=60)
    title = models.CharField("intitulé", max_length=250)
    legal_reference = models.CharField("référence", max_length=120, blank=True)
    due_date = models.DateField("échéance", null=True, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.OPEN)
    set_aside_reason = models.CharField("motif", max_length=250, blank=True)
    superseded_by = models.ForeignKey(
        ProcedureEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_tasks",
        verbose_name="écartée par l'acte",
    )
    assigned_to = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        verbose_name="organisme",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
        verbose_name="attribuée à",
        help_text="Le membre du secrétariat qui s'en charge.",
    )
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    # The département holding the case, its procedure's, copied on the task so that a secretariat's
    # work queue walks its own département's open tasks from an index that starts with it, not the
    # country's (issue 16, decision 017): written with the task (save, or the bulk writers: the
    # rules' tasks, the anomalies', the import's, a transfer's offers again), changed with the
    # procedure's by an accepted transfer (transfers.accept); checked by check_consistency.
    departement_code = models.CharField("département", max_length=3, editable=False)

    class Meta:
        verbose_name = "tâche"
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "event", "kind"], name="task_unique_per_event"),
            # A writer that forgets the département fails here rather than hide the task.
            models.CheckConstraint(condition=~models.Q(departement_code=""), name="task_departement_set"),
        ]
        indexes = [
            # The work queue walks a département's open tasks in its order (due date, case): all of
            # them on this index, those of one action on the next one (docs/decisions/016); the
            # home block counts the overdue and today's from it, index only.
            models.Index(
                fields=["departement_code", "due_date", "procedure"],
                include=["id"],  # the count up to QUEUE_CAP reads the département's open tasks index only
                condition=models.Q(status="a_faire"),
                name="task_open_dep_due_idx",
            ),
            models.Index(
                fields=["departement_code", "kind", "due_date", "procedure"],
                condition=models.Q(status="a_faire"),
                name="task_open_dep_kind_due_idx",
            ),
            # The queue's anomalies (kinds `anomalie:<rule>:<digest>`, services.sync_anomaly_tasks):
            # a LIKE on the kind reads no range of the index above (the database's collation), and
            # the département's open tasks were read to find them (89,234 for none, 144 ms at
            # 500,000 procedures, issue 11). The query's LIKE is this index's condition.
            models.Index(
                fields=["departement_code", "due_date", "procedure"],
                condition=models.Q(status="a_faire", kind__startswith=ANOMALY_TASK_PREFIX),
                name="task_open_dep_anomaly_idx",
            ),
            # A selection of few tasks (a rare stage, territory) is read from its cases' side:
            # their open tasks, index only (docs/decisions/016), the département checked there too.
            models.Index(
                fields=["procedure", "due_date", "id"],
                include=["departement_code"],
                condition=models.Q(status="a_faire"),
                name="task_open_case_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self._state.adding and not self.departement_code and self.procedure_id:
            self.departement_code = self.procedure.departement_code
        super().save(*args, **kwargs)


class WinterTruce(models.Model):
    """A dated winter-truce period (CPCE L.412-6), which an administrator may extend.

    When no period is recorded for a winter, rules.py applies: the default (1 Nov – 31 Mar) or the
    extension by ordonnance of that winter (rules.TRUCE_EXTENSIONS, 2020 and 2021).
    """

    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    reference = models.CharField("référence", max_length=250, default="CPCE L.412-6")

    class Meta:
        verbose_name = "trêve hivernale"
        verbose_name_plural = "trêves hivernales"
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="truce_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"Trêve du {self.starts_on:%d/%m/%Y} au {self.ends_on:%d/%m/%Y}"


class AccessLog(models.Model):
    """Every read of a household's data: who, for which organisation, what, when (law.md, "Data
    protection"). A read of one case names its procedure; an export or a list of several households
    names none and says in `detail` what it held (filters, row count, list)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="utilisateur",
    )
    api_token = models.ForeignKey(
        ApiToken,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="jeton d'API",
        help_text="une lecture par l'API partenaires : le système d'un organisme, sans utilisateur",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="organisme"
    )
    procedure = models.ForeignKey(
        Procedure,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_logs",
        verbose_name="procédure",
    )
    context = models.CharField("page", max_length=60, default="dossier")
    detail = models.JSONField("précisions", default=dict, blank=True)
    at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "consultation"
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "at"], name="accesslog_user_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(api_token__isnull=False),
                name="accesslog_by_user_or_token",
            )
        ]

    def __str__(self):
        return f"{self.reader} — {self.procedure or self.context} ({self.at:%d/%m/%Y %H:%M})"

    @property
    def reader(self) -> str:
        """Who read: the user's e-mail, or the API token of an organisation's system."""
        return self.user.email if self.user_id else f"API, jeton « {self.api_token.name} »"


class ReadingAlert(models.Model):
    """A user who read, in one day, unusually many distinct case files outside their work (see
    `procedure.access_log.unusual_readers`); the administrators are told once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="utilisateur"
    )
    day = models.DateField("jour")
    files = models.PositiveIntegerField("dossiers lus hors de son travail")
    notified_at = models.DateTimeField("administrateurs prévenus le", null=True, blank=True)
    # The server's answer when the alert's e-mail was refused for good or after the last try.
    notify_error = models.CharField("courriel non remis", max_length=250, blank=True)

    class Meta:
        verbose_name = "lecture inhabituelle"
        verbose_name_plural = "lectures inhabituelles"
        ordering = ["-day", "-files"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="reading_alert_once_a_day")]

    def __str__(self):
        return f"{self.user} — {self.day:%d/%m/%Y} ({self.files})"


class ChangeLog(models.Model):
    """Every change to a household, lease or procedure: who, when, before and after."""

    procedure = models.ForeignKey(
        Procedure, null=True, on_delete=models.CASCADE, related_name="changes", verbose_name="procédure"
    )
    household = models.ForeignKey(
        Household, null=True, on_delete=models.CASCADE, related_name="changes", verbose_name="ménage"
    )
    object_type = models.CharField("objet", max_length=30)
    object_id = models.PositiveBigIntegerField("identifiant")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", auto_now_add=True)
    changes = models.JSONField("modifications", default=dict)
    reason = models.CharField("motif", max_length=250, blank=True)

    class Meta:
        verbose_name = "modification"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.object_type} {self.object_id} ({self.at:%d/%m/%Y %H:%M})"


class RetentionPolicy(models.Model):
    """How long a closed case keeps its personal data before it is anonymised (law.md, "Data
    protection"), set by the administrators; one row, created with the default on first use."""

    # CNIL, délibération n° 2023-095 (social support: 2 years from the last contact); see
    # docs/decisions/009-retention-and-anonymisation.md.
    DEFAULT_MONTHS = 24

    months_after_closure = models.PositiveSmallIntegerField(
        "durée de conservation après la clôture (mois)",
        default=DEFAULT_MONTHS,
        help_text="Un dossier clos depuis plus longtemps est anonymisé chaque nuit ; "
        "les statistiques restent.",
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = tracked_history()

    class Meta:
        verbose_name = "durée de conservation"
        verbose_name_plural = "durée de conservation"

    def __str__(self):
        return f"{self.months_after_closure} mois après la clôture"

    @classmethod
    def current(cls) -> "RetentionPolicy":
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy


class AnonymisationRun(models.Model):
    """The journal of the anonymisation: each run (or dry run), when, by whom, which cases."""

    at = models.DateTimeField("le", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="par",
    )
    dry_run = models.BooleanField("simulation", default=False)
    closed_before = models.DateField("dossiers clos avant le")
    cases = models.PositiveIntegerField("dossiers anonymisés", default=0)
    files_deleted = models.PositiveIntegerField("fichiers supprimés", default=0)
    procedure_ids = models.JSONField("identifiants des procédures", default=list, blank=True)

    class Meta:
        verbose_name = "anonymisation"
        verbose_name_plural = "journal des anonymisations"
        ordering = ["-at"]

    def __str__(self):
        what = "Simulation" if self.dry_run else "Anonymisation"
        return f"{what} du {self.at:%d/%m/%Y %H:%M} : {counted(self.cases, 'dossier')}"


class AnonymisedCase(models.Model):
    """A case whose personal data were erased: never anonymised twice (one row per procedure)."""

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, related_name="anonymisation", verbose_name="procédure"
    )
    run = models.ForeignKey(
        AnonymisationRun, on_delete=models.PROTECT, related_name="+", verbose_name="passage"
    )
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "dossier anonymisé"
        verbose_name_plural = "dossiers anonymisés"

    def __str__(self):
        return f"Procédure {self.procedure_id} anonymisée le {self.at:%d/%m/%Y}"


class Screen(models.TextChoices):
    """The list screens whose filters and sort can be saved as a view."""

    PROCEDURES = "procedures", "Procédures"
    WORK_QUEUE = "file", "File de travail"


class SavedViewQuerySet(models.QuerySet):
    def for_user(self, user, screen):
        """The user's own views of the screen and those shared with the whole secretariat."""
        return self.filter(models.Q(owner=user) | models.Q(shared=True), screen=screen)


class SavedView(models.Model):
    """A named set of filters and sort of a list screen, kept as its query string."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views", verbose_name="auteur"
    )
    screen = models.CharField("écran", max_length=20, choices=Screen.choices)
    name = models.CharField("nom", max_length=80)
    query = models.CharField("filtres et tri", max_length=1000, blank=True)
    shared = models.BooleanField("partagée avec tout le secrétariat", default=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = "vue enregistrée"
        verbose_name_plural = "vues enregistrées"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "screen", "name"], name="saved_view_unique_name"),
        ]

    def __str__(self):
        return self.name


class ListPreference(models.Model):
    """What a user keeps per list screen: the view opened by default, the export's columns."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="list_preferences",
        verbose_name="utilisateur",
    )
    screen = models.CharField("écran", max_length=20, choices=Screen.choices)
    default_view = models.ForeignKey(
        SavedView,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="vue par défaut",
    )
    export_columns = models.JSONField("colonnes de l'export", default=list, blank=True)

    class Meta:
        verbose_name = "préférence de liste"
        verbose_name_plural = "préférences de liste"
        constraints = [models.UniqueConstraint(fields=["user", "screen"], name="list_preference_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_screen_display()}"


# The acts read from their PDF (procedure/reading/).
# The documents built in the background (procedure/background/).
from .background.models import BackgroundExport  # noqa: E402, F401
from .reading.models import ActDocument, ActDocumentAccess, ReadingBatch  # noqa: E402, F401


class CaseTransfer(models.Model):
    """A household that moves (issue 16): its case handed to another département's secretariat,
    which accepts it (the case, its history and its access log follow) or refuses it (with the reason).
    Written by procedure/transfers.py only."""

    class Status(models.TextChoices):
        PENDING = "en_attente", "En attente de réponse"
        ACCEPTED = "accepte", "Accepté"
        REFUSED = "refuse", "Refusé"
        CANCELLED = "annule", "Annulé"

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="transfers", verbose_name="procédure"
    )
    from_departement = models.CharField("département d'origine", max_length=3)
    to_departement = models.CharField("département d'accueil", max_length=3, db_index=True)
    reason = models.TextField("motif")
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandé par",
    )
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="décidé par",
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)

    class Meta:
        verbose_name = "transfert de dossier"
        verbose_name_plural = "transferts de dossiers"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure"], condition=models.Q(status="en_attente"), name="one_pending_transfer"
            )
        ]

    def __str__(self):
        return f"{self.procedure} : {self.from_departement} → {self.to_departement}"
