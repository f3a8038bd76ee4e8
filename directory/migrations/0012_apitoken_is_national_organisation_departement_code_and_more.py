import directory.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0011_historicalapitoken_historicalmembership_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="is_national",
            field=models.BooleanField(
                default=False,
                help_text="Le partenaire écrit pour tous les départements : chaque acte va au département de sa commune.",
                verbose_name="national",
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="departement_code",
            field=models.CharField(
                db_index=True, default=directory.models.default_departement, max_length=3, verbose_name="département"
            ),
        ),
        migrations.AddField(
            model_name="organisation",
            name="other_departements",
            field=models.CharField(
                blank=True,
                help_text="Codes séparés par des espaces (ex. : 71 58), pour un organisme de plusieurs départements.",
                max_length=400,
                verbose_name="autres départements desservis",
            ),
        ),
    ]
