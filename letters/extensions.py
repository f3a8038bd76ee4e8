"""What the letters app adds to the case page: its panel and its timeline entries
(registered in LettersConfig.ready())."""

from django.urls import reverse

from procedure.extensions import TimelineEntry, once
from procedure.models import Stage

from . import rules
from .forms import LetterStatusForm
from .models import Letter, QuestionnaireAnswer


def _case_letters(procedure):
    """The case's letters and questionnaire answers, read once for the panel and the timeline."""
    return once(
        procedure,
        "letters",
        lambda: (
            list(Letter.objects.filter(procedure=procedure).select_related("template_version")),
            list(QuestionnaireAnswer.objects.filter(procedure=procedure)),
        ),
    )


def case_panel(request, procedure):
    letters, answers = _case_letters(procedure)
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
        decisions = [event for event in procedure.events.all() if event.kind == Stage.POLICE_ASSISTANCE]
        latest = max(decisions, key=lambda event: (event.date, event.pk), default=None)
        police_decision = latest.police_decision if latest else ""
    fitting, others = rules.split_menu(
        procedure.current_stage,
        procedure.lease.sector,
        police_decision=police_decision or "",
        closed=procedure.closed,
    )
    return {"fitting_letters": fitting, "other_letters": others}


def timeline(procedure, user):
    letters, answers = _case_letters(procedure)
    for letter in letters:
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
    for answer in answers:
        yield TimelineEntry(
            at=answer.received_on,
            title=f"Questionnaire retourné ({answer.get_respondent_display().lower()})",
            detail=answer.get_wish_to_stay_display(),
            kind="letter",
        )
