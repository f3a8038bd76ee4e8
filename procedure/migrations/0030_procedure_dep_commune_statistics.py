"""PostgreSQL told that a commune lies in one département (extended statistics, decision 017): it
estimated « the Côte-d'Or and Dijon » as the product of their shares, 46 procedures of 2,500,000
instead of 5,973, then read and sorted all of them instead of walking procedure_dep_insee_idx in the
list's order to its 50th (71,593 blocks and up to the 20 s timeout, against 699 blocks, issue 16)."""

from django.db import migrations

CREATE = """
CREATE STATISTICS IF NOT EXISTS procedure_dep_commune_stats (dependencies, mcv)
ON departement_code, commune_insee_code FROM procedure_procedure
"""
DROP = "DROP STATISTICS IF EXISTS procedure_dep_commune_stats"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":  # SQLite has no such statistics
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE procedure_procedure")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("procedure", "0029_procedure_commune_insee_code"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=True)]
