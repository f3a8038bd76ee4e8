"""What this app holds of a household: erased when a closed case is anonymised
(procedure/retention.py) and exported on request (procedure/subject_access.py). Anonymising erases
every free text and deletes the attachments; kinds, statuses, dates and amounts stay for the
indicators."""

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
    # The history's rows too, those of referrals since deleted included (directory/history.py).
    referral_ids = Referral.history.filter(procedure__in=procedure_ids).values("id")
    scrub_texts(referrals, ["reason", "refusal_reason"], history=Referral.history.filter(id__in=referral_ids))
    scrub_texts(ReferralTransition.objects.filter(referral__in=referrals), ["note"])
    scrub_texts(ContactAttempt.objects.filter(referral__in=referrals), ["note"])
    scrub_texts(
        Diagnosis.objects.filter(referral__in=referrals),
        DIAGNOSIS_TEXTS,
        history=Diagnosis.history.filter(referral__in=referral_ids),
    )
    scrub_texts(
        VisitReport.objects.filter(referral__in=referrals),
        ["situation", "landlord_contact", "recommendations"],
        history=VisitReport.history.filter(referral__in=referral_ids),
    )
    scrub_texts(
        SupportMeasure.objects.filter(procedure__in=procedure_ids),
        ["note"],
        history=SupportMeasure.history.filter(procedure__in=procedure_ids),
    )
    attachments = Attachment.objects.filter(referral__in=referrals)
    files = list(attachments.values_list("file", flat=True))
    attachments.delete()
    return files


def subject_sections(procedure_ids) -> list[tuple[str, list[dict]]]:
    """The referrals' part of a household's data on request (procedure/subject_access.py)."""
    from procedure.subject_access import rows_of

    referrals = Referral.objects.filter(procedure__in=procedure_ids).select_related(
        "procedure", "addressed_to"
    )
    return [
        ("Orientations", rows_of(referrals)),
        ("Diagnostics sociaux et financiers", rows_of(Diagnosis.objects.filter(referral__in=referrals))),
        ("Rapports de visite", rows_of(VisitReport.objects.filter(referral__in=referrals))),
        (
            "Changements de statut des orientations",
            rows_of(
                ReferralTransition.objects.filter(referral__in=referrals).select_related("referral", "by")
            ),
        ),
        ("Prises de contact", rows_of(ContactAttempt.objects.filter(referral__in=referrals))),
        ("Pièces jointes", rows_of(Attachment.objects.filter(referral__in=referrals))),
        ("Mesures d'accompagnement", rows_of(SupportMeasure.objects.filter(procedure__in=procedure_ids))),
    ]
