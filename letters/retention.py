"""Anonymisation of the letters of closed cases (procedure/retention.py): their PDFs deleted, the
recipient and the questionnaires' answers erased; and the files that hold many households (weekly
lists, bundles of letters) deleted once older than the retention period."""

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
