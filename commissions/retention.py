"""Anonymisation of the commissions' rows of closed cases (procedure/retention.py): the saisines'
description of the household, opinions, recommendations' texts, the rehousing pool's notes;
commissions, sessions, statuses and dates kept for the indicators."""

from procedure.retention import ANONYMOUS_HOUSEHOLD, scrub_texts

from .models import AgendaItem, Recommendation, RehousingOffer, RehousingPoolEntry, ReviewRequest

REVIEW_TEXTS = [
    "reason",
    "household_address",
    "claim_number",
    "landlord_name",
    "procedure_reference",
    "refusal_reason",
]


def anonymise_cases(procedure_ids) -> list[str]:
    reviews = ReviewRequest.objects.filter(procedure__in=procedure_ids)
    scrub_texts(reviews, REVIEW_TEXTS)
    reviews.update(household_name=ANONYMOUS_HOUSEHOLD)
    scrub_texts(AgendaItem.objects.filter(procedure__in=procedure_ids), ["opinion"])
    scrub_texts(Recommendation.objects.filter(procedure__in=procedure_ids), ["detail", "outcome_note"])
    entries = RehousingPoolEntry.objects.filter(procedure__in=procedure_ids)
    scrub_texts(entries, ["outcome_note"])
    scrub_texts(RehousingOffer.objects.filter(entry__in=entries), ["description", "reason"])
    return []
