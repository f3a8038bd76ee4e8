"""The access log of household files (law.md, "Data protection"; EXPLOC, decree 2025-348): the
administrators consult, filter and export it, and are told each day of unusual reading.

Unusual reading: a user who, in one day, opened more than `settings.ACCESS_ALERT_DISTINCT_FILES`
distinct case files *outside their work*, that is files on which they recorded nothing that day (no
act recorded, no change made, no task closed). Reading many files while working on them is the
secretariat's job; reading many without touching any is what a curious or compromised account does.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from directory.exports import csv_text
from directory.mail import is_permanent
from directory.models import Membership, Organisation, Role, User

from .models import AccessLog, ChangeLog, ProcedureEvent, ReadingAlert, Task

EXPORT_HEADER = ["le", "utilisateur", "organisme", "page", "procedure", "precisions"]

# The French labels of `AccessLog.detail`'s keys (written by `services.log_access` callers).
DETAIL_LABELS = {
    "filters": "filtres",
    "rows": "lignes",
    "weekly_list": "liste n°",
    "file": "fichier",
    "session": "séance n°",
    "review": "saisine n°",
    "format": "format",
    "household": "ménage n°",
}


def detail_items(entry) -> list[tuple[str, object]]:
    """The details in the order of DETAIL_LABELS (PostgreSQL's jsonb keeps no order of its own)."""
    order = list(DETAIL_LABELS)
    keys = sorted(entry.detail, key=lambda key: (order.index(key) if key in order else len(order), key))
    return [(DETAIL_LABELS.get(key, key), entry.detail[key]) for key in keys]


def export_csv(entries) -> bytes:
    """The filtered log as CSV (UTF-8 with BOM, `;`), its cells formula-safe."""
    rows = (_export_values(entry) for entry in entries.iterator(chunk_size=2000))
    return ("\ufeff" + csv_text(EXPORT_HEADER, rows, delimiter=";", lineterminator="\r\n")).encode("utf-8")


def _export_values(entry) -> list:
    return [
        timezone.localtime(entry.at).isoformat(timespec="seconds"),
        entry.reader,
        entry.organisation.name if entry.organisation else "",
        entry.context,
        entry.procedure.reference if entry.procedure else "",
        "; ".join(f"{label} : {value}" for label, value in detail_items(entry)),
    ]


def _day_bounds(day: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def unusual_readers(day: datetime.date) -> dict[int, int]:
    """{user id: distinct files read outside their work} for the users above the threshold."""
    start, end = _day_bounds(day)
    same = {"procedure": OuterRef("procedure")}
    worked = (
        Exists(
            ProcedureEvent.objects.filter(
                **same, recorded_by=OuterRef("user"), recorded_at__range=(start, end)
            )
        )
        | Exists(ChangeLog.objects.filter(**same, user=OuterRef("user"), at__range=(start, end)))
        | Exists(Task.objects.filter(**same, closed_by=OuterRef("user"), closed_at__range=(start, end)))
    )
    reads = AccessLog.objects.filter(at__gte=start, at__lt=end, procedure__isnull=False).exclude(worked)
    counts = reads.values("user").annotate(files=Count("procedure", distinct=True)).order_by()
    limit = settings.ACCESS_ALERT_DISTINCT_FILES
    return {row["user"]: row["files"] for row in counts if row["files"] > limit}


def record_alerts(day: datetime.date) -> int:
    """One ReadingAlert per unusual reader of the day; running it again adds nothing."""
    for user_id, files in unusual_readers(day).items():
        ReadingAlert.objects.get_or_create(user_id=user_id, day=day, defaults={"files": files})
    return ReadingAlert.objects.filter(day=day).count()


def notify_administrators(day: datetime.date, *, last_try=False) -> int:
    """E-mail the day's alerts not yet notified, one e-mail per group of départements, each group
    claimed first so that a retry never sends it twice. A group refused for a while is released and
    the error raised once the others are sent (the task retries those only); refused for good (5yz,
    directory/mail.py) or at the last try, it is kept with the server's answer (shown on the log's
    page), not tried again. Returns how many alerts were sent."""
    now = timezone.now()
    with transaction.atomic():
        pending = list(ReadingAlert.objects.select_for_update().filter(day=day, notified_at=None))
        ReadingAlert.objects.filter(pk__in=[a.pk for a in pending]).update(notified_at=now)
    sent, transient = 0, None
    # Each département's administrators hear of their own people only (issue 16).
    for codes, alerts in _by_departements(pending).items():
        try:
            send_mail(
                f"Prévex : lectures inhabituelles de dossiers le {day:%d/%m/%Y}",
                _alert_text(day, alerts),
                None,
                _administrator_emails(codes),
            )
        except Exception as error:  # noqa: BLE001 - any transport error is retried or given up
            give_up = last_try or is_permanent(error)
            transient = _settle_failure(alerts, error, now, give_up=give_up) or transient
            continue
        sent += len(alerts)
    if transient is not None:
        raise transient
    return sent


def _settle_failure(alerts, error, claimed_at, *, give_up):
    """The error when the group is released for another try, None when given up."""
    alerts = ReadingAlert.objects.filter(pk__in=[a.pk for a in alerts], notified_at=claimed_at)
    if give_up:
        alerts.update(notify_error=f"{type(error).__name__}: {error}"[:250])
        return None
    alerts.update(notified_at=None)
    return error


def _by_departements(alerts) -> dict:
    """{départements of the readers' organisations: their alerts}; () for a reader of none."""
    memberships = Membership.objects.active(timezone.localdate()).filter(user__in=[a.user_id for a in alerts])
    codes = {}
    for membership in memberships.select_related("organisation"):
        codes.setdefault(membership.user_id, set()).update(membership.organisation.departement_codes)
    groups = {}
    for alert in alerts:
        groups.setdefault(tuple(sorted(codes.get(alert.user_id, ()))), []).append(alert)
    return groups


def _administrator_emails(departements=()) -> list[str]:
    memberships = _active_admin_memberships()
    if departements:
        memberships = memberships.filter(organisation__in=Organisation.objects.serving(*departements))
    admins = User.objects.filter(is_active=True, memberships__in=memberships, email__gt="").distinct()
    return sorted(admins.values_list("email", flat=True))


def _active_admin_memberships():
    return Membership.objects.active(timezone.localdate()).filter(role=Role.ADMIN)


def _alert_text(day, alerts) -> str:
    users = {user.pk: user for user in User.objects.filter(pk__in=[a.user_id for a in alerts])}
    lines = [
        f"- {users[a.user_id].get_full_name() or users[a.user_id].email} ({users[a.user_id].email}) : "
        f"{a.files} dossiers distincts lus sans y rien enregistrer"
        for a in alerts
    ]
    return (
        f"Bonjour,\n\nLe {day:%d/%m/%Y}, ces utilisateurs ont lu plus de "
        f"{settings.ACCESS_ALERT_DISTINCT_FILES} dossiers distincts en dehors de leur travail :\n\n"
        + "\n".join(lines)
        + "\n\nLe journal des consultations de Prévex détaille ces lectures.\n"
    )


def of_departements(codes) -> Q:
    """The reads an administrator of these départements sees (issue 16): those of their cases, and
    those made by their organisations' people (which stay there after a case moves away)."""
    serving = Organisation.objects.serving(*codes)
    members = Membership.objects.filter(organisation__in=serving).values("user")
    return (
        Q(procedure__departement_code__in=codes)
        | Q(organisation__in=serving)
        | Q(organisation__isnull=True, api_token__isnull=True, user__in=members)
    )
