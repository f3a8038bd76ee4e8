"""The leases' addresses apart from the names (searched on their own), with on PostgreSQL their own
GIN trigram index; procedure migration 0005 fills both texts."""

from django.db import migrations, models


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS household_address_text_trgm "
        "ON households_household USING gin (address_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS household_address_text_trgm")


class Migration(migrations.Migration):
    dependencies = [('households', '0004_list_sort_indexes')]

    operations = [
        migrations.AddField(
            model_name="household",
            name="address_text",
            field=models.TextField(blank=True, editable=False, verbose_name="adresses (recherche)"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
