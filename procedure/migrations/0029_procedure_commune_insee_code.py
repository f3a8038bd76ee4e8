"""The procedure keeps its lease's commune's INSEE code (decision 017), what one département's list
filters on by commune or territory, from an index that starts with the département: at 2,500,000
procedures the Dijon filter read Dijon's leases, then each one's procedure, scattered over the
country's tables (7 to 10 × the single-département time, issue 16)."""

from django.db import migrations, models

FILL = """
UPDATE procedure_procedure AS procedure SET commune_insee_code = commune.insee_code
FROM households_lease AS lease JOIN directory_commune AS commune ON commune.id = lease.commune_id
WHERE lease.id = procedure.lease_id
"""


def fill_commune_codes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)
        return
    Procedure, Lease = apps.get_model("procedure", "Procedure"), apps.get_model("households", "Lease")
    code = Lease.objects.filter(pk=models.OuterRef("lease_id")).values("commune__insee_code")
    Procedure.objects.exclude(lease__commune=None).update(commune_insee_code=models.Subquery(code[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("procedure", "0028_task_departement_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="commune_insee_code",
            field=models.CharField(blank=True, editable=False, max_length=5, verbose_name="commune (filtre)"),
        ),
        migrations.RunPython(fill_commune_codes, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                fields=["departement_code", "commune_insee_code", "-opened_at", "-id"],
                name="procedure_dep_insee_idx",
            ),
        ),
    ]
