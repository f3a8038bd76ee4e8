"""The page "Règles appliquées": every delay and rule Prévex applies, generated from the tables of
rules.py and the recorded winter truces (never a copy), with its references, effective dates and
the reading Prévex takes where the law leaves room. Public law: any signed-in user reads it."""

import datetime

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from .. import rules
from ..models import WinterTruce

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def _day_month(month_day) -> str:
    month, day = month_day
    return f"{'1er' if day == 1 else day} {MONTHS[month - 1]}"


def value_text(code, value) -> str:
    """A dated rule's value as its readers say it."""
    if isinstance(value, rules.Delay):
        return str(value)
    if isinstance(value, int):
        return f"{value} jours ouvrés"
    if code == "treve":
        start, end = value
        return f"du {_day_month(start)} au {_day_month(end)}"
    if code == "delai_juge":
        shortest, longest = value
        return f"de {shortest} à {longest}"
    if code == "responsabilite_etat":
        last_day, starts_on = value
        return f"refus nés jusqu'au {last_day:%d/%m/%Y} : responsabilité à partir du {starts_on:%d/%m/%Y}"
    return str(value)


def in_force_text(table, index) -> str:
    start = table[index].in_force_from
    following = table[index + 1].in_force_from if index + 1 < len(table) else None
    since = "toujours" if start == datetime.date.min else f"depuis le {start:%d/%m/%Y}"
    if following is None:
        return since.capitalize() if start == datetime.date.min else since
    until = f"jusqu'au {following - rules.ONE_DAY:%d/%m/%Y}"
    return (
        until
        if start == datetime.date.min
        else f"du {start:%d/%m/%Y} au {following - rules.ONE_DAY:%d/%m/%Y}"
    )


def rule_rows():
    return [
        {
            "code": rule.code,
            "title": rule.title,
            "counting": rules.Counting(rule.counting).label,
            "reading": rule.reading,
            "versions": [
                {
                    "in_force": in_force_text(rule.table, i),
                    "value": value_text(rule.code, v.value),
                    "reference": v.reference,
                }
                for i, v in enumerate(rule.table)
            ],
        }
        for rule in rules.LEGAL_RULES
    ]


def action_rows():
    rows = [(stage.label, sectors, rule) for stage, sectors, rule in rules.ACTIONS]
    return [
        {
            "stage": stage,
            "sectors": ", ".join("parc public" if s == rules.PUBLIC else "parc privé" for s in sectors),
            "action": rule.action.label,
            "due": _due_text(rule),
            "reference": rule.reference,
        }
        for stage, sectors, rule in rows
    ]


def _due_text(rule) -> str:
    if rule.due_on is not None:
        return "échéance légale (voir la règle)"
    if rule.working_days_before_hearing is not None:
        return f"{rule.working_days_before_hearing} jours ouvrés avant l'audience"
    return f"{rule.due_in_days} jours après l'acte"


def truce_rows():
    """The extensions by ordonnance, then the periods an administrator recorded (a row wins)."""
    periods = {period.starts_on: period for period in rules.TRUCE_EXTENSIONS}
    periods.update({row.starts_on: row for row in WinterTruce.objects.all()})
    return [
        f"Trêve du {p.starts_on:%d/%m/%Y} au {p.ends_on:%d/%m/%Y} — {p.reference}"
        for _, p in sorted(periods.items())
    ]


@require_GET
def applied_rules(request):
    context = {
        "title": "Règles appliquées",
        "rules": rule_rows(),
        "truces": truce_rows(),
        "actions": action_rows(),
    }
    return render(request, "procedure/rules.html", context)


urlpatterns = [path("regles/", applied_rules, name="rules")]
