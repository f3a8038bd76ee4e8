"""Anonymisation of the referrals of closed cases (procedure/retention.py): every free text erased,
attachments deleted; kinds, statuses, dates and amounts kept for the indicators."""

from procedure.retention import scrub_texts

from .models import (
    Attachment,
    ContactAttempt,
    Diagnosis,
    Referral,
    ReferralTransition,
    SupportMeasure,
    VisitReport,
)

DIAGNOSIS_TEXTS = [
    "household_situation",
    "social_legal_support",
    "rental_situation",
    "debt_situation",
    "repayment_capacity_note",
    "recommendations",
    "observations",
]


def anonymise_cases(procedure_ids) -> list[str]:
    referrals = Referral.objects.filter(procedure__in=procedure_ids)
    scrub_texts(referrals, ["reason", "refusal_reason"])
    scrub_texts(ReferralTransition.objects.filter(referral__in=referrals), ["note"])
    scrub_texts(ContactAttempt.objects.filter(referral__in=referrals), ["note"])
    scrub_texts(Diagnosis.objects.filter(referral__in=referrals), DIAGNOSIS_TEXTS)
    scrub_texts(
        VisitReport.objects.filter(referral__in=referrals),
        ["situation", "landlord_contact", "recommendations"],
    )
    scrub_texts(SupportMeasure.objects.filter(procedure__in=procedure_ids), ["note"])
    attachments = Attachment.objects.filter(referral__in=referrals)
    files = list(attachments.values_list("file", flat=True))
    attachments.delete()
    return files
