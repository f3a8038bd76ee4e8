"""What the letters app adds to the case page: its panel and its timeline entries
(registered in LettersConfig.ready())."""

from django.urls import reverse

from procedure.extensions import TimelineEntry
from procedure.models import Stage

from . import rules
from .forms import LetterStatusForm
from .models import Letter, QuestionnaireAnswer


def case_panel(request, procedure):
    letters = list(Letter.objects.filter(procedure=procedure).select_related("template_version"))
    answers = list(QuestionnaireAnswer.objects.filter(procedure=procedure))
    return {
        "procedure": procedure,
        "letters": letters,
        "answers": answers,
        "can_write": request.acting.is_secretariat,
        **_letter_menu(procedure),
        "status_choices": Letter.Status.choices,
        "status_form": LetterStatusForm(),
    }


def _letter_menu(procedure):
    """The letters that fit the case's stage and sector first, the others apart (letters/rules.py)."""
    police_decision = ""
    if procedure.current_stage == Stage.POLICE_ASSISTANCE:
        police_decision = (
            procedure.events.filter(kind=Stage.POLICE_ASSISTANCE)
            .order_by("-date", "-pk")
            .values_list("police_decision", flat=True)
            .first()
        )
    fitting, others = rules.split_menu(
        procedure.current_stage,
        procedure.lease.sector,
        police_decision=police_decision or "",
        closed=procedure.closed,
    )
    return {"fitting_letters": fitting, "other_letters": others}


def timeline(procedure, user):
    for letter in Letter.objects.filter(procedure=procedure).select_related("template_version"):
        yield TimelineEntry(
            at=letter.created_at,
            title=f"Courrier : {letter.get_kind_display()}",
            detail=(
                f"À {letter.recipient} — modèle v{letter.template_version.number}"
                f" — {letter.get_status_display()}"
            ),
            url=reverse("letters:letter_pdf", args=[letter.pk]),
            kind="letter",
        )
    for answer in QuestionnaireAnswer.objects.filter(procedure=procedure):
        yield TimelineEntry(
            at=answer.received_on,
            title=f"Questionnaire retourné ({answer.get_respondent_display().lower()})",
            detail=answer.get_wish_to_stay_display(),
            kind="letter",
        )
