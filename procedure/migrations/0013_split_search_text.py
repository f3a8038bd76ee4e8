"""Household.search_text keeps the names and the claim number; the addresses move to address_text
(households 0004), searched on their own. Repeats, with this migration's models, what
services.household_search_text and household_address_text compute today."""

import unicodedata

from django.db import migrations

CHUNK = 2000


def normalise(text):
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join("".join(char if char.isalnum() else " " for char in text).split())


def split_search_text(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    after = 0
    while True:
        chunk = list(
            Household.objects.filter(pk__gt=after)
            .order_by("pk")
            .prefetch_related("persons", "leases__commune")[:CHUNK]
        )
        if not chunk:
            return
        for household in chunk:
            names = [normalise(household.label), normalise(household.benefit_claim_number)]
            names += [
                normalise(f"{p.last_name} {p.first_name} {p.birth_year or ''}") for p in household.persons.all()
            ]
            household.search_text = "\n".join(line for line in names if line)
            household.address_text = "\n".join(
                normalise(f"{lease.address} {lease.postal_code} {lease.commune.name}")
                for lease in household.leases.all()
            )
        Household.objects.bulk_update(chunk, ["search_text", "address_text"])
        after = chunk[-1].pk


class Migration(migrations.Migration):
    dependencies = [('households', '0005_address_text'), ('procedure', '0012_procedure_summary')]

    operations = [migrations.RunPython(split_search_text, migrations.RunPython.noop, elidable=False)]
