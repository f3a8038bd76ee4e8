"""Fuzzy search of households on PostgreSQL: the pg_trgm extension and a GIN trigram index on
search_text. Nothing on SQLite (the services fall back to accent-insensitive containment)."""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS household_search_text_trgm "
        "ON households_household USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS household_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False)]
