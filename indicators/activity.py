"""The activity of the commissions and of the referrals for the annual report, read lazily: each
returns None while its app has no model yet, and the report says "non disponible"."""

from django.apps import apps
from django.core.exceptions import FieldError
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from .sources import table_exists


def _model(label):
    """The model, or None while its app has not written or migrated it."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if table_exists(model) else None


def referrals(year):
    """Per kind of referral: requested in the year, done, not done (refused, unreachable,
    cancelled, closed by a transfer), and the mean time from request to completion in days."""
    Referral = _model("referrals.Referral")
    if Referral is None:
        return None
    done = Q(status=Referral.Status.DONE)
    failed = Q(
        status__in=[
            Referral.Status.REFUSED,
            Referral.Status.UNREACHABLE,
            Referral.Status.CANCELLED,
            Referral.Status.TRANSFERRED,
        ]
    )
    delay = ExpressionWrapper(F("closed_at") - F("requested_at"), output_field=DurationField())
    rows = (
        Referral.objects.filter(requested_at__year=year)
        .order_by()
        .values("kind")
        .annotate(
            requested=Count("pk"),
            done=Count("pk", filter=done),
            failed=Count("pk", filter=failed),
            delay=Avg(delay, filter=done & Q(closed_at__isnull=False)),
        )
        .order_by("kind")
    )
    labels = dict(Referral.Kind.choices)
    return [
        {
            "kind": labels.get(row["kind"], row["kind"]),
            "requested": row["requested"],
            "done": row["done"],
            "failed": row["failed"],
            "delay_days": round(row["delay"].total_seconds() / 86400) if row["delay"] else None,
        }
        for row in rows
    ]


def commissions(year):
    """Per commission: sessions held in the year, cases examined, recommendations made and what
    became of them (Charte II.A: "Assurer le suivi des dossiers")."""
    Session = _model("commissions.Session")
    AgendaItem = _model("commissions.AgendaItem")
    Recommendation = _model("commissions.Recommendation")
    if Session is None or AgendaItem is None or Recommendation is None:
        return None
    try:
        return _commission_rows(year, Session, AgendaItem, Recommendation)
    except FieldError:  # the commissions app is not in the shape this report reads yet
        return None


def _commission_rows(year, Session, AgendaItem, Recommendation):
    name = "commission__name"
    sessions = dict(
        Session.objects.filter(date__year=year).order_by().values_list(name).annotate(n=Count("pk"))
    )
    items = dict(
        AgendaItem.objects.filter(session__date__year=year)
        .order_by()
        .values_list(f"session__{name}")
        .annotate(n=Count("pk"))
    )
    status = Recommendation.Status
    recommendations = {
        row[f"agenda_item__session__{name}"]: row
        for row in Recommendation.objects.filter(agenda_item__session__date__year=year)
        .order_by()
        .values(f"agenda_item__session__{name}")
        .annotate(
            made=Count("pk"),
            done=Count("pk", filter=Q(status=status.DONE)),
            not_done=Count("pk", filter=Q(status=status.NOT_DONE)),
            open=Count("pk", filter=Q(status=status.OPEN)),
        )
    }
    empty = {"made": 0, "done": 0, "not_done": 0, "open": 0}
    return [
        {
            "commission": commission,
            "sessions": sessions.get(commission, 0),
            "examined": items.get(commission, 0),
            **{key: recommendations.get(commission, empty)[key] for key in empty},
        }
        for commission in sorted(set(sessions) | set(items))
    ]
