"""An administrator creates, merges or retires a commission without a release (fiche action 4)."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from directory import history
from directory.french import counted
from households.models import HousingSector
from procedure.models import Stage

from . import services
from .models import Commission, CommissionMember, RehousingOffer, RehousingPoolEntry, Session


class CommissionAdminForm(forms.ModelForm):
    stages = forms.MultipleChoiceField(
        label="Étapes examinées", choices=Stage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label="Parcs examinés",
        choices=HousingSector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commission
        fields = [
            "code",
            "name",
            "kind",
            "level",
            "territory",
            "co_chairs",
            "households_attend",
            "rhythm",
            "capacity",
            "stages",
            "sectors",
            "place",
            "is_active",
            "retired_on",
            "merged_into",
        ]


class MemberInline(admin.TabularInline):
    model = CommissionMember
    extra = 1
    autocomplete_fields = ["organisation", "user"]


class MergeForm(admin.helpers.ActionForm):
    merge_into = forms.ModelChoiceField(
        label="Fusionner dans", queryset=Commission.objects.active(), required=False
    )


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    form = CommissionAdminForm
    list_display = ["name", "kind", "level", "territory", "rhythm", "capacity", "is_active", "merged_into"]
    list_filter = ["kind", "level", "is_active"]
    search_fields = ["name", "code"]
    filter_horizontal = ["co_chairs"]
    inlines = [MemberInline]
    action_form = MergeForm
    actions = ["retire", "merge"]

    def changelist_view(self, request, extra_context=None):
        """The formations to merge into: those of the administrator's département (issue 16)."""
        response = super().changelist_view(request, extra_context)
        action_form = getattr(response, "context_data", {}).get("action_form")
        if action_form is not None:
            action_form.fields["merge_into"].queryset = self.get_queryset(request).filter(is_active=True)
        return response

    @admin.action(description="Supprimer (retirer) les commissions choisies")
    def retire(self, request, queryset):
        retired = list(queryset.filter(is_active=True).values_list("pk", flat=True))
        count = Commission.objects.filter(pk__in=retired).update(
            is_active=False, retired_on=timezone.localdate()
        )
        history.record_updates(Commission, retired, user=request.user)
        messages.success(request, f"{counted(count, 'commission retirée')} ; leur historique est conservé.")

    @admin.action(description="Fusionner les commissions choisies dans la commission indiquée")
    def merge(self, request, queryset):
        target = (
            MergeForm(request.POST).is_valid()
            and self.get_queryset(request).filter(pk=request.POST.get("merge_into") or 0).first()
        )
        if not target:
            messages.error(request, "Choisissez la commission dans laquelle fusionner.")
            return
        count = services.merge_commissions(commissions=queryset, into=target)
        messages.success(
            request,
            f"{counted(count, 'commission fusionnée')} dans {target} ; saisines en attente reportées.",
        )


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["commission", "date", "status"]
    list_filter = ["status", "commission"]
    date_hierarchy = "date"


class OfferInline(admin.TabularInline):
    model = RehousingOffer
    extra = 0


@admin.register(RehousingPoolEntry)
class RehousingPoolEntryAdmin(admin.ModelAdmin):
    list_display = ["procedure", "quota", "entered_on", "status", "lead_landlord"]
    list_filter = ["status", "quota"]
    raw_id_fields = ["procedure", "recommendation"]
    inlines = [OfferInline]
