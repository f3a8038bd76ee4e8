"""The tasks carry the département holding their case (decision 017): a secretariat's work queue
walks its own département's open tasks from an index that starts with it (issue 16: in a database
holding the country, the (status, due date) index walked every département's open tasks to keep
one's, 5 × the single-département time at 2,500,000 procedures)."""

from django.db import migrations, models

COPY = """
UPDATE procedure_task AS task SET departement_code = procedure.departement_code
FROM procedure_procedure AS procedure WHERE procedure.id = task.procedure_id
"""


def copy_departements(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COPY)
        return
    Procedure, Task = apps.get_model("procedure", "Procedure"), apps.get_model("procedure", "Task")
    departement = Procedure.objects.filter(pk=models.OuterRef("procedure_id")).values("departement_code")
    Task.objects.update(departement_code=models.Subquery(departement[:1]))


OPEN = models.Q(("status", "a_faire"))


class Migration(migrations.Migration):
    dependencies = [
        ("procedure", "0027_procedure_next_due_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="departement_code",
            field=models.CharField(default="", editable=False, max_length=3, verbose_name="département"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_departements, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(("departement_code", ""), _negated=True), name="task_departement_set"
            ),
        ),
        migrations.RemoveIndex(model_name="task", name="procedure_t_status_c52802_idx"),
        migrations.RemoveIndex(model_name="task", name="task_open_kind_due_idx"),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=OPEN, fields=["departement_code", "due_date", "procedure"], name="task_open_dep_due_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(
                condition=OPEN,
                fields=["departement_code", "kind", "due_date", "procedure"],
                name="task_open_dep_kind_due_idx",
            ),
        ),
    ]
