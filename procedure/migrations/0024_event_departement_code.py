"""The acts carry the département holding their case (decision 017): the national view counts them
per département from an index, without joining each act to its procedure."""

from django.db import migrations, models

COPY = """
UPDATE procedure_procedureevent AS event SET departement_code = procedure.departement_code
FROM procedure_procedure AS procedure WHERE procedure.id = event.procedure_id
"""


def copy_departements(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COPY)
        return
    Procedure = apps.get_model("procedure", "Procedure")
    ProcedureEvent = apps.get_model("procedure", "ProcedureEvent")
    departement = Procedure.objects.filter(pk=models.OuterRef("procedure_id")).values("departement_code")
    ProcedureEvent.objects.update(departement_code=models.Subquery(departement[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("procedure", "0023_reading_alert_notify_error"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedureevent",
            name="departement_code",
            field=models.CharField(default="", editable=False, max_length=3, verbose_name="département"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_departements, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="procedureevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("departement_code", ""), _negated=True), name="event_departement_set"
            ),
        ),
        migrations.AddIndex(
            model_name="procedureevent",
            index=models.Index(
                condition=models.Q(("cancelled_at__isnull", True)),
                fields=["departement_code", "kind", "date", "police_decision"],
                name="event_dep_kind_date_idx",
            ),
        ),
    ]
