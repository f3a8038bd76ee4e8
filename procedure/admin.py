"""Administration: the winter truces (editable), the access and change logs (read only), and the
procedures (read only: acts are recorded through the services, which keep the rules)."""

from django.contrib import admin

from .models import (
    AccessLog,
    AnonymisationRun,
    ChangeLog,
    Procedure,
    ProcedureEvent,
    ReadingAlert,
    RetentionPolicy,
    Task,
    WinterTruce,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WinterTruce)
class WinterTruceAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "ends_on", "reference"]
    date_hierarchy = "starts_on"


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "organisation", "procedure", "context"]
    list_filter = ["context", "organisation"]
    search_fields = ["user__email", "user__last_name", "procedure__reference"]
    date_hierarchy = "at"
    list_select_related = ["user", "organisation", "procedure"]


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "object_type", "object_id", "procedure", "household", "changes"]
    list_filter = ["object_type"]
    search_fields = ["user__email", "procedure__reference", "household__label"]
    date_hierarchy = "at"
    list_select_related = ["user", "procedure", "household"]


class EventInline(admin.TabularInline):
    model = ProcedureEvent
    extra = 0
    fields = ["date", "kind", "hearing_date", "judgment_outcome", "police_decision", "source", "recorded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    fields = ["due_date", "title", "status", "legal_reference", "closed_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["reference", "household", "landlord", "debt", "opened_at"]
    search_fields = ["reference", "household__label", "household__benefit_claim_number"]
    list_select_related = ["household", "landlord"]
    inlines = [EventInline, TaskInline]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """The administrators set how long a closed case keeps its personal data (one row)."""

    list_display = ["__str__", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return not RetentionPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnonymisationRun)
class AnonymisationRunAdmin(ReadOnlyAdmin):
    list_display = ["at", "dry_run", "closed_before", "cases", "files_deleted", "user"]
    list_filter = ["dry_run"]
    date_hierarchy = "at"


@admin.register(ReadingAlert)
class ReadingAlertAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "files", "notified_at", "notify_error"]
    date_hierarchy = "day"
