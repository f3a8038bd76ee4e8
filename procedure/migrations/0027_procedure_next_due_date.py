"""The procedure's next due date, the soonest due date of its open tasks (None without one), stored
for the list's overdue and deadline filters and its column, filled from the tasks (decision 003)."""

from django.db import migrations, models

FILL = """
UPDATE procedure_procedure AS procedure SET next_due_date = soonest.due_date
FROM (
    SELECT procedure_id, MIN(due_date) AS due_date FROM procedure_task
    WHERE status = 'a_faire' AND due_date IS NOT NULL GROUP BY procedure_id
) AS soonest
WHERE soonest.procedure_id = procedure.id
"""


def fill_next_due_date(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL)  # only the cases with an open dated task are written
        return
    Procedure, Task = apps.get_model("procedure", "Procedure"), apps.get_model("procedure", "Task")
    soonest = (
        Task.objects.filter(procedure=models.OuterRef("pk"), status="a_faire")
        .order_by()
        .values("procedure")
        .annotate(soonest=models.Min("due_date"))
        .values("soonest")
    )
    Procedure.objects.update(next_due_date=models.Subquery(soonest))


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0005_address_text"),
        ("procedure", "0026_work_queue_case_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="next_due_date",
            field=models.DateField(editable=False, null=True, verbose_name="prochaine échéance"),
        ),
        migrations.RunPython(fill_next_due_date, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="procedure",
            index=models.Index(
                fields=["departement_code", "next_due_date"], name="procedure_dep_next_due_idx"
            ),
        ),
    ]
