"""The work queue's rows, written here rather than by the template engine: a page holds 50 cases and
some 170 tasks, and each template node cost about 40 µs under load, 100 ms a page, more than its
queries (issue 11, docs/decisions/016). The markup is the DSFR table the template wrote, every
value escaped (directory.rows_html.fill: format_html's escaping, without its lazy checks).

A task's « Fait » and « Écarter la tâche » are buttons of the queue's one form (its CSRF token and
return address, templates/procedure/work_queue.html), each sent to its task's address (formaction);
the motive is named after its task, in a textarea, where Enter cannot submit the whole form."""

from django.utils.safestring import mark_safe

from directory.rows_html import fill

CASE = (
    '<tr data-testid="dossier" id="dossier-{key}"><td><div class="fr-checkbox-group">'
    '<input type="checkbox" name="dossier" value="{key}" id="dossier-choix-{key}"{checked}>'
    '<label class="fr-label" for="dossier-choix-{key}"><span class="fr-sr-only">Toutes les tâches du dossier '
    "{reference}</span></label></div></td>\n"
    '<th scope="row"><a href="{url}">{reference}</a><br>'
    '<span class="fr-text--sm fr-mb-0">{household}</span><br>'
    '<span class="fr-text--xs fr-mb-0 prevex-muted">{place}</span></th>\n'
    '<td><ul class="prevex-case-tasks">{tasks}</ul></td></tr>\n'
)

TASK = (
    '<li data-testid="tache"><div class="fr-checkbox-group fr-checkbox-group--sm">'
    '<input type="checkbox" name="tache" value="{key}" id="tache-choix-{key}"{checked}>'
    '<label class="fr-label" for="tache-choix-{key}">{title}'
    '<span class="fr-hint-text">{hint}</span></label></div>\n'
    "{when}"
    '<div class="prevex-task-actions fr-mt-1w"><button type="submit" formaction="{done_url}" '
    'class="fr-btn fr-btn--sm fr-btn--secondary fr-icon-check-line fr-btn--icon-left" '
    'title="Marquer comme faite : {what}">Fait</button>\n'
    '<details class="prevex-set-aside"><summary class="fr-btn fr-btn--sm fr-btn--tertiary" '
    'title="Écarter la tâche : {what}">Écarter</summary><div class="prevex-set-aside__form">'
    '<div class="fr-input-group fr-mb-1w">'
    '<label class="fr-label" for="motif-{key}">Motif (obligatoire)</label>'
    '<textarea class="fr-input" id="motif-{key}" name="motif-{key}" rows="2" maxlength="250" required>'
    "</textarea>"
    '</div><button type="submit" formaction="{set_aside_url}" class="fr-btn fr-btn--sm">'
    "Écarter la tâche</button>"
    "</div></details></div></li>\n"
)

LATE = '<span class="prevex-overdue prevex-nowrap">en retard de {} jour{}</span>\n'
TODAY = mark_safe('<span class="fr-badge fr-badge--sm fr-badge--warning">aujourd\'hui</span>\n')
CHECKED, UNCHECKED = mark_safe(" checked"), ""


def case_row(case):
    """A case's row: its checkbox (all its tasks), the case, and its tasks."""
    procedure = case.procedure
    return fill(
        CASE,
        key=case.key,
        checked=CHECKED if case.chosen else UNCHECKED,
        reference=procedure.reference,
        url=case.url,
        household=case.household,
        place=case.place,
        tasks=mark_safe("".join(task_item(task) for task in case.tasks)),
    )


def task_item(task):
    """A task: its checkbox and label, how late it is, « Fait » and « Écarter »."""
    return fill(
        TASK,
        key=task.key,
        checked=CHECKED if task.chosen else UNCHECKED,
        title=task.title,
        hint=task.hint,
        when=_when(task),
        done_url=task.done_url,
        set_aside_url=task.set_aside_url,
        what=task.what,
    )


def _when(task):
    if task.days_late:
        return fill(LATE, task.days_late, "s" if task.days_late > 1 else "")
    return TODAY if task.due_today else ""
