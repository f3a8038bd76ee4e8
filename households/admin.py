"""Administration of households (read only: changes go through the services, which keep the
history and the optimistic locking) and landlords (editable: names, addresses, SIREN)."""

from django.contrib import admin

from .models import Household, Landlord, Lease, Person


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["role", "last_name", "first_name", "birth_year"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LeaseInline(admin.TabularInline):
    model = Lease
    extra = 0
    fields = ["address", "postal_code", "commune", "sector", "landlord", "signed_on", "rent"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["label", "benefit_payer", "benefit_claim_number", "adults", "children", "updated_at"]
    search_fields = ["label", "benefit_claim_number", "search_text"]
    readonly_fields = [field.name for field in Household._meta.fields]
    inlines = [PersonInline, LeaseInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Landlord)
class LandlordAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "city"]
    list_filter = ["kind"]
    search_fields = ["name", "siren"]
    autocomplete_fields = ["organisation"]
