"""What this app holds of a household: erased when a closed case is anonymised
(procedure/retention.py) and exported on request (procedure/subject_access.py). Anonymising erases
the saisines' description of the household, opinions, recommendations' texts and the rehousing
pool's notes; commissions, sessions, statuses and dates stay for the indicators."""

from procedure.retention import ANONYMOUS_HOUSEHOLD, scrub_texts

from .models import AgendaItem, Recommendation, RehousingOffer, RehousingPoolEntry, ReviewRequest

REVIEW_TEXTS = [
    "reason",
    "household_address",
    "claim_number",
    "landlord_name",
    "procedure_reference",
    "refusal_reason",
    "withdrawal_reason",
]


def anonymise_cases(procedure_ids) -> list[str]:
    reviews = ReviewRequest.objects.filter(procedure__in=procedure_ids)
    # The history's rows too, those of rows since deleted included (directory/history.py), and
    # those written before a partner's saisine was attached to the case.
    review_ids = ReviewRequest.history.filter(procedure__in=procedure_ids).values("id")
    review_history = ReviewRequest.history.filter(id__in=review_ids)
    scrub_texts(reviews, REVIEW_TEXTS, history=review_history)
    scrub_texts(reviews, ["household_name"], ANONYMOUS_HOUSEHOLD, history=review_history)
    scrub_texts(
        AgendaItem.objects.filter(procedure__in=procedure_ids),
        ["opinion"],
        history=AgendaItem.history.filter(procedure__in=procedure_ids),
    )
    scrub_texts(
        Recommendation.objects.filter(procedure__in=procedure_ids),
        ["detail", "outcome_note"],
        history=Recommendation.history.filter(procedure__in=procedure_ids),
    )
    entries = RehousingPoolEntry.objects.filter(procedure__in=procedure_ids)
    scrub_texts(entries, ["outcome_note"])
    scrub_texts(RehousingOffer.objects.filter(entry__in=entries), ["description", "reason"])
    return []


def unattached_saisines(before, *, clear) -> list[str]:
    """procedure.retention.UNATTACHED: a partner's saisine refused or withdrawn before it was
    attached to a case, received before the cut-off, loses its description of the household."""
    reviews = ReviewRequest.objects.filter(
        procedure__isnull=True,
        created_at__lt=before,
        status__in=[ReviewRequest.Status.REFUSED, ReviewRequest.Status.WITHDRAWN],
    ).exclude(household_name=ANONYMOUS_HOUSEHOLD)
    if clear:
        history = ReviewRequest.history.filter(id__in=list(reviews.values_list("pk", flat=True)))
        scrub_texts(reviews, REVIEW_TEXTS, history=history)
        scrub_texts(reviews, ["household_name"], ANONYMOUS_HOUSEHOLD, history=history)
    return []


def subject_sections(procedure_ids) -> list[tuple[str, list[dict]]]:
    """The commissions' part of a household's data on request (procedure/subject_access.py)."""
    from procedure.subject_access import rows_of

    items = AgendaItem.objects.filter(procedure__in=procedure_ids).select_related("session__commission")
    entries = RehousingPoolEntry.objects.filter(procedure__in=procedure_ids)
    return [
        ("Saisines de la CCAPEX", rows_of(ReviewRequest.objects.filter(procedure__in=procedure_ids))),
        ("Examens en commission", rows_of(items)),
        ("Préconisations", rows_of(Recommendation.objects.filter(procedure__in=procedure_ids))),
        ("Vivier de relogement", rows_of(entries)),
        ("Propositions de logement", rows_of(RehousingOffer.objects.filter(entry__in=entries))),
        ("Propositions de logement", rows_of(RehousingOffer.objects.filter(entry__in=entries))),
    ]
