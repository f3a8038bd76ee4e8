"""The search's names ranked from an index (issue 11): a GiST trigram index on search_text, whose
distance operator (`<<->`, one minus the word similarity) PostgreSQL walks in order, so that the best
N households for a name are read without computing the similarity of every match. The GIN index
stays for the exact lookups (claim numbers, LIKE)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS household_search_text_gist "
        "ON households_household USING gist (search_text gist_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS household_search_text_gist")


class Migration(migrations.Migration):
    dependencies = [("households", "0005_address_text")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
