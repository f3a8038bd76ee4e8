"""The procedure keeps its household's search texts (decision 017), searched with the département
in one GIN index on PostgreSQL (btree_gin for the code, pg_trgm for the text): in a database
holding the country, the search for « lefevre » read the country's 36,000 Lefèvre households to keep
the Côte-d'Or's 300 (322 ms at 2,500,000 procedures; 8 ms from the index, issue 16). SQLite keeps
the copies and searches them by containment."""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

FILL = """
UPDATE procedure_procedure AS procedure
SET search_text = household.search_text, address_text = household.address_text
FROM households_household AS household WHERE household.id = procedure.household_id
"""
INDEXES = {"procedure_dep_search_trgm": "search_text", "procedure_dep_address_trgm": "address_text"}


def fill_search_texts(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)
        return
    Procedure, Household = apps.get_model("procedure", "Procedure"), apps.get_model("households", "Household")
    households = Household.objects.filter(pk=models.OuterRef("household_id"))
    Procedure.objects.update(
        search_text=models.Subquery(households.values("search_text")[:1]),
        address_text=models.Subquery(households.values("address_text")[:1]),
    )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON procedure_procedure "
            f"USING gin (departement_code, {column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("procedure", "0032_procedure_dep_sort_indexes"),
        ("households", "0005_address_text"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.AddField(
            model_name="procedure",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="texte de recherche"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="address_text",
            field=models.TextField(blank=True, editable=False, verbose_name="adresses (recherche)"),
        ),
        migrations.RunPython(fill_search_texts, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
