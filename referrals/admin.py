from django.contrib import admin

from .models import OutboxMessage, Referral, ReferralDelay, ReferralTransition, RoutingRule, SupportMeasure


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "sector", "commune", "territory", "organisation", "priority", "is_active"]
    list_filter = ["kind", "sector", "is_active"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune", "territory", "organisation"]
    search_fields = ["organisation__name", "commune__name", "territory__name"]


@admin.register(ReferralDelay)
class ReferralDelayAdmin(admin.ModelAdmin):
    list_display = ["kind", "working_days"]


class TransitionInline(admin.TabularInline):
    model = ReferralTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "note"]
    can_delete = False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only: referrals change through their services (the transition log stays true)."""

    list_display = ["procedure", "kind", "addressed_to", "status", "due_date"]
    list_filter = ["kind", "status"]
    list_select_related = ["procedure", "addressed_to"]
    inlines = [TransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(SupportMeasure)
class SupportMeasureAdmin(admin.ModelAdmin):
    list_display = [
        "procedure",
        "kind",
        "proposed_on",
        "household_agreed",
        "start_date",
        "end_date",
        "renewals",
    ]
    list_filter = ["kind"]
    list_select_related = ["procedure"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    readonly_fields = [
        "organisation",
        "recipient",
        "subject",
        "body",
        "dedup_key",
        "attempts",
        "last_error",
        "sent_at",
    ]
