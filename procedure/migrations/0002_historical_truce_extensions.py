"""The winter truces extended by ministerial decision (law.md): 2019-2020 to 10 July 2020 and
2020-2021 to 31 May 2021 (Covid-19 health emergency)."""

import datetime

from django.db import migrations

EXTENSIONS = [
    (
        datetime.date(2019, 11, 1),
        datetime.date(2020, 7, 10),
        "CPCE L.412-6 ; prolongation au 10 juillet 2020 (ordonnance 2020-427)",
    ),
    (
        datetime.date(2020, 11, 1),
        datetime.date(2021, 5, 31),
        "CPCE L.412-6 ; prolongation au 31 mai 2021 (décision ministérielle)",
    ),
]


def add_extensions(apps, schema_editor):
    WinterTruce = apps.get_model("procedure", "WinterTruce")
    for starts_on, ends_on, reference in EXTENSIONS:
        WinterTruce.objects.get_or_create(
            starts_on=starts_on, defaults={"ends_on": ends_on, "reference": reference}
        )


def remove_extensions(apps, schema_editor):
    WinterTruce = apps.get_model("procedure", "WinterTruce")
    WinterTruce.objects.filter(starts_on__in=[start for start, _, _ in EXTENSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("procedure", "0001_initial")]

    operations = [migrations.RunPython(add_extensions, remove_extensions)]
