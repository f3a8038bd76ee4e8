"""The extended winter truces cite the ordonnances that extended them (law.md): n° 2020-331 du
25 mars 2020 as amended (to 10 July 2020) and n° 2021-141 du 10 février 2021 (to 31 May 2021)."""

import datetime

from django.db import migrations

REFERENCES = {
    datetime.date(2019, 11, 1): (
        "CPCE L.412-6 ; ordonnance n° 2020-331 du 25 mars 2020 modifiée (prolongation au 10 juillet 2020)",
        "CPCE L.412-6 ; prolongation au 10 juillet 2020 (ordonnance 2020-427)",
    ),
    datetime.date(2020, 11, 1): (
        "CPCE L.412-6 ; ordonnance n° 2021-141 du 10 février 2021 (prolongation au 31 mai 2021)",
        "CPCE L.412-6 ; prolongation au 31 mai 2021 (décision ministérielle)",
    ),
}


def cite_ordonnances(apps, schema_editor):
    WinterTruce = apps.get_model("procedure", "WinterTruce")
    for starts_on, (reference, _) in REFERENCES.items():
        WinterTruce.objects.filter(starts_on=starts_on).update(reference=reference)


def restore(apps, schema_editor):
    WinterTruce = apps.get_model("procedure", "WinterTruce")
    for starts_on, (_, previous) in REFERENCES.items():
        WinterTruce.objects.filter(starts_on=starts_on).update(reference=previous)


class Migration(migrations.Migration):
    dependencies = [('procedure', '0008_event_correction_and_legal_rules')]

    operations = [migrations.RunPython(cite_ordonnances, restore)]
