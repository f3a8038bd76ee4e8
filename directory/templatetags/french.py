"""French numbers for every template: « 1 850,50 € », « 12 500 », and French plurals (« 0 enfant »)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(amount):
    """'1 850,50 €' (no-break spaces, decimal comma); '—' when unknown."""
    if amount is None or amount == "":
        return "—"
    return number_format(amount, 2, use_l10n=True, force_grouping=True) + "\xa0€"


@register.filter
def number(value):
    """'12 500' (French grouping); '—' when unknown."""
    if value is None or value == "":
        return "—"
    return number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def fr_plural(count, suffix="s"):
    """French plural: 0 and 1 are singular (« 0 enfant », « 1 adulte », « 2 adultes »)."""
    try:
        return suffix if abs(int(count)) >= 2 else ""
    except (TypeError, ValueError):
        return ""
