"""What one département's list sorts and filters on from the household and the lease (its label,
the lease's commune and sector), copied on the procedure with indexes that start with the
département's code (issue 16, decision 017)."""

from django.db import migrations, models

COPY = """
UPDATE procedure_procedure AS procedure
SET household_label = household.label, commune_name = commune.name, sector = lease.sector
FROM households_household AS household, households_lease AS lease, directory_commune AS commune
WHERE household.id = procedure.household_id AND lease.id = procedure.lease_id
  AND commune.id = lease.commune_id
"""


def copy_list_keys(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COPY)
        return
    Procedure = apps.get_model("procedure", "Procedure")
    keys = {"household_label": "household__label", "commune_name": "lease__commune__name", "sector": "lease__sector"}
    Procedure.objects.update(
        **{
            key: models.Subquery(Procedure.objects.filter(pk=models.OuterRef("pk")).values(path)[:1])
            for key, path in keys.items()
        }
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0013_history_of_the_departements"),
        ("households", "0005_address_text"),
        ("procedure", "0024_event_departement_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="household_label",
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name="ménage (tri)"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="commune_name",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="commune (tri)"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="sector",
            field=models.CharField(blank=True, editable=False, max_length=10, verbose_name="parc (filtre)"),
        ),
        migrations.RunPython(copy_list_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                fields=["departement_code", "household_label", "id"], name="procedure_dep_label_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                fields=["departement_code", "-household_label", "id"], name="procedure_dep_label_desc_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(fields=["departement_code", "commune_name", "id"], name="procedure_dep_commune_idx"),
        ),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                fields=["departement_code", "-commune_name", "id"], name="procedure_dep_commune_desc_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                fields=["departement_code", "sector", "-opened_at", "-id"], name="procedure_dep_sector_idx"
            ),
        ),
    ]
