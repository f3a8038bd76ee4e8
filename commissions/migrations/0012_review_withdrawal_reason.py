"""The reason a saisine was withdrawn, apart from the requesting partner's own motive: until now it
was appended to the motive as « Retirée : … », and the partner read the saisine as « Refusée »."""

from django.db import migrations, models

MARK = "\nRetirée : "


def split_the_reason(apps, schema_editor):
    ReviewRequest = apps.get_model("commissions", "ReviewRequest")
    for review in ReviewRequest.objects.filter(status="retiree", reason__contains=MARK).only("reason"):
        motive, _, withdrawal = review.reason.partition(MARK)
        review.reason, review.withdrawal_reason = motive, withdrawal.strip()
        review.save(update_fields=["reason", "withdrawal_reason"])


def reason():
    return models.TextField(
        blank=True,
        help_text="Lu par l'organisme qui a saisi, comme le motif du refus.",
        verbose_name="motif du retrait",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commissions", "0011_history_of_the_departements"),
    ]

    operations = [
        migrations.AddField(model_name="historicalreviewrequest", name="withdrawal_reason", field=reason()),
        migrations.AddField(model_name="reviewrequest", name="withdrawal_reason", field=reason()),
        migrations.RunPython(split_the_reason, migrations.RunPython.noop),
    ]
