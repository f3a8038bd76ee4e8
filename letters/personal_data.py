"""What this app holds of a household: erased when a closed case is anonymised
(procedure/retention.py) and exported on request (procedure/subject_access.py). Anonymising deletes
the letters' PDFs and erases their recipient and the questionnaires' answers; the files that hold
many households (weekly lists, bundles of letters) are deleted once older than the retention period."""

from procedure.retention import scrub_texts

from .models import Letter, LetterBatch, QuestionnaireAnswer, WeeklyList

LIST_FILES = ["xlsx", "csv", "pdf"]


def anonymise_cases(procedure_ids) -> list[str]:
    letters = Letter.objects.filter(procedure__in=procedure_ids)
    files = list(letters.exclude(file="").values_list("file", flat=True))
    scrub_texts(letters, ["recipient", "file"])
    scrub_texts(QuestionnaireAnswer.objects.filter(procedure__in=procedure_ids), ["situation", "steps_taken"])
    return files


def stale_files(before, *, clear) -> list[str]:
    lists = WeeklyList.objects.filter(built_at__lt=before)
    batches = LetterBatch.objects.filter(created_at__lt=before).exclude(bundle="")
    files = [name for row in lists.values_list(*LIST_FILES) for name in row if name]
    files += list(batches.values_list("bundle", flat=True))
    if clear:
        scrub_texts(lists, LIST_FILES)
        scrub_texts(batches, ["bundle"])
    return files


def subject_sections(procedure_ids) -> list[tuple[str, list[dict]]]:
    """The letters' part of a household's data on request (procedure/subject_access.py)."""
    from procedure.subject_access import rows_of

    return [
        (
            "Courriers",
            rows_of(Letter.objects.filter(procedure__in=procedure_ids).select_related("procedure")),
        ),
        (
            "Réponses aux questionnaires",
            rows_of(QuestionnaireAnswer.objects.filter(procedure__in=procedure_ids)),
        ),
    ]
