from django.contrib import admin

from .models import CharterObjective, SuppliedFigure


@admin.register(SuppliedFigure)
class SuppliedFigureAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "territory", "value", "organisation", "entered_by", "entered_at"]
    list_filter = ["year", "indicator"]
    list_select_related = ["territory", "organisation", "entered_by"]


@admin.register(CharterObjective)
class CharterObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "baseline_year", "first_year", "last_year", "reduction_percent"]
