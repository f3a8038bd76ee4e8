"""Indexes for the secretariat's lists at nation scale (bench/): the default order, the stage
filters' index-only semi-/anti-joins, and on PostgreSQL a GIN trigram index on UPPER(reference) for
the search box's `reference__icontains` (nothing on SQLite)."""

from django.conf import settings
from django.db import migrations, models


def create_reference_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS procedure_reference_upper_trgm "
        "ON procedure_procedure USING gin ((UPPER(reference::text)) gin_trgm_ops)"
    )


def drop_reference_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS procedure_reference_upper_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0002_search_text_trigram"),
        ("procedure", "0002_historical_truce_extensions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(fields=["-opened_at", "-id"], name="procedure_opened_idx"),
        ),
        migrations.AddIndex(
            model_name="procedureevent",
            index=models.Index(
                fields=["kind", "procedure"], include=("date",), name="event_kind_procedure_idx"
            ),
        ),
        migrations.RunPython(create_reference_trigram_index, drop_reference_trigram_index, elidable=False),
    ]
