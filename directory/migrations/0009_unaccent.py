"""The `unaccent` extension on PostgreSQL, for the accent-insensitive text filters
(directory/text_match.py); nothing on SQLite, where the filters call a registered function."""

from django.db import migrations


def create_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_list_sort_indexes")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop, elidable=True)]
