"""The referrals carry the département holding their case (decision 017): the national view counts
them per département without joining each to its procedure."""

from django.db import migrations, models

COPY = """
UPDATE referrals_referral AS referral SET departement_code = procedure.departement_code
FROM procedure_procedure AS procedure WHERE procedure.id = referral.procedure_id
"""


def copy_departements(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COPY)
        return
    Procedure = apps.get_model("procedure", "Procedure")
    Referral = apps.get_model("referrals", "Referral")
    departement = Procedure.objects.filter(pk=models.OuterRef("procedure_id")).values("departement_code")
    Referral.objects.update(departement_code=models.Subquery(departement[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("procedure", "0024_event_departement_code"),
        ("referrals", "0006_referral_closed_by_a_transfer"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="departement_code",
            field=models.CharField(default="", editable=False, max_length=3, verbose_name="département"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_departements, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(("departement_code", ""), _negated=True), name="referral_departement_set"
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["departement_code", "kind", "requested_at"], name="referral_dep_kind_idx"),
        ),
    ]
