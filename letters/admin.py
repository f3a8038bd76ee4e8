from django.contrib import admin

from .models import (
    Delivery,
    Letter,
    LetterBatch,
    LetterTemplate,
    LetterTemplateVersion,
    ListRecipient,
    QuestionnaireAnswer,
    WeeklyList,
)


@admin.register(ListRecipient)
class ListRecipientAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "send_as_attachment", "is_active"]
    list_filter = ["kind", "send_as_attachment", "is_active"]
    autocomplete_fields = ["organisation"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = ["at", "event", "to", "as_attachment", "claim_token", "user", "reason", "detail"]


@admin.register(WeeklyList)
class WeeklyListAdmin(admin.ModelAdmin):
    list_display = ["week_start", "kind", "recipient", "row_count", "status", "sent_at"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in WeeklyList._meta.fields]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


class VersionInline(admin.TabularInline):
    model = LetterTemplateVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "subject", "created_by", "created_at"]
    fields = readonly_fields


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind"]
    inlines = [VersionInline]


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ["procedure", "kind", "recipient", "status", "created_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["procedure", "template_version", "batch"]


admin.site.register(LetterBatch)
admin.site.register(QuestionnaireAnswer)
