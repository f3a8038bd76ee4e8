"""What a social worker needs on a diagnostic request, and the DSF prefilled with what Prévex
knows, so that nothing is retyped (décret 2021-8: the DSF reaches the judge and the CCAPEX 5
working days before the hearing; CERFA 16227*01 headings)."""

from directory.french import counted
from households.models import Person
from procedure import rules

from .models import Diagnosis


def briefing(referral, events, hearing) -> dict:
    """The request page's facts: the hearing and the DSF's legal due date, the household's
    contacts and members, the lease, the debt at each act, the previous diagnoses of the
    household. Three queries (persons, diagnoses; the events are the caller's)."""
    procedure = referral.procedure
    dsf_due, dsf_reference = rules.dsf_deadline(hearing) if hearing else (None, "")
    return {
        "dsf_due": dsf_due,
        "dsf_reference": dsf_reference,
        "persons": list(Person.objects.filter(household_id=procedure.household_id).order_by("role", "pk")),
        "debt_history": [event for event in events if event.debt is not None],
        "previous_diagnoses": list(_previous_diagnoses(referral)),
    }


def _previous_diagnoses(referral):
    """The household's diagnoses filed before this request, on any of its procedures."""
    return (
        Diagnosis.objects.filter(
            referral__procedure__household_id=referral.procedure.household_id,
            status=Diagnosis.Status.SUBMITTED,
        )
        .exclude(referral=referral)
        .select_related("referral__addressed_to")
        .order_by("-submitted_at")
    )


def diagnosis_initial(referral) -> dict:
    """The first draft of a DSF: the household's composition, the lease and the debt as Prévex
    records them; the social worker corrects and completes them."""
    procedure = referral.procedure
    household, lease = procedure.household, procedure.lease
    return {
        "household_situation": _composition(household),
        "rental_situation": _lease_text(procedure, lease),
        "debt_amount": procedure.debt,
    }


def _composition(household):
    persons = Person.objects.filter(household_id=household.pk).order_by("role", "pk")
    lines = [
        f"{person.get_role_display()} : {person.first_name} {person.last_name}".strip()
        + (f", né(e) en {person.birth_year}" if person.birth_year else "")
        for person in persons
    ]
    counts = []
    if household.adults is not None:
        counts.append(counted(household.adults, "adulte"))
    if household.children:
        counts.append(counted(household.children, "enfant"))
    if household.monthly_resources is not None:
        counts.append(f"ressources mensuelles : {household.monthly_resources} €")
    return "\n".join(lines + ([", ".join(counts)] if counts else []))


def _lease_text(procedure, lease):
    parts = [
        f"Logement : {lease.address}, {lease.postal_code} {lease.commune.name} ({lease.get_sector_display()})"
    ]
    parts.append(f"Bailleur : {procedure.landlord.name}")
    if lease.signed_on:
        parts.append(f"Bail signé le {lease.signed_on:%d/%m/%Y}")
    if lease.rent is not None:
        charges = f" + {lease.charges} € de charges" if lease.charges is not None else ""
        parts.append(f"Loyer : {lease.rent} €{charges}")
    if lease.housing_benefit is not None:
        payee = " (versée au bailleur)" if lease.benefit_paid_to_landlord else ""
        parts.append(f"Aide au logement : {lease.housing_benefit} €{payee}")
    return "\n".join(parts)


def missing_to_submit(diagnosis, required) -> list[str]:
    """The headings a diagnosis lacks to be filed (the form's REQUIRED_TO_SUBMIT)."""
    return [
        str(Diagnosis._meta.get_field(name).verbose_name)
        for name in required
        if getattr(diagnosis, name) in ("", None)
    ]
