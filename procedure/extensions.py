"""Where the other apps plug into the case page, its timeline and the work queue.

Each app registers its functions in its AppConfig.ready(), so that procedure knows nothing of
referrals, letters or commissions:

- TIMELINE_SOURCES: fn(procedure, user) -> iterable of TimelineEntry, merged by date on the case page;
- CASE_PANELS: (template name, fn(request, procedure) -> context dict), rendered on the case page
  in order, below the household, lease and deadlines;
- WORK_QUEUE_SECTIONS: (template name, fn(request) -> context dict), rendered on the secretariat's
  work queue below its tasks (overdue referrals, overdue recommendations…);
- CASE_SUMMARY: (label, anchor id) of a panel's heading, for the case page's sommaire; shown only
  when the rendered panels hold that id (no query);
- CASE_HISTORY_SOURCES: fn(procedure, user) -> iterable of querysets of historical rows
  (directory/history.py), those of the case's records this user may read, for the case's
  "Historique des modifications";
- CASE_TRANSFERRED: fn(transfer, user), called in the transaction that accepts a case transfer
  (procedure/transfers.py), after the case has changed département: each app closes what of the
  case still belongs to the former département (its agenda, its referrals), with a note;
- DEPARTEMENT_COPIES: (label, fn() -> queryset) of the rows that carry a copy of their case's
  département (`departement_code`, beside a `procedure` foreign key) for the counts (decision 017):
  check_consistency reports those that differ from their procedure's (the acts' are the procedure
  app's own).

On the case page, the procedure given to the panels and the timeline sources already holds its
effective events and all its tasks (`procedure.events.all()`, `procedure.tasks.all()`: no query),
and `once(procedure, key, load)` reads what an app's panel and its timeline entries both need a
single time: the page's query count does not depend on the number of panels asking (issue 11).
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

TIMELINE_SOURCES = []
CASE_PANELS = []
WORK_QUEUE_SECTIONS = []
CASE_SUMMARY = []
CASE_HISTORY_SOURCES = []
CASE_TRANSFERRED = []
DEPARTEMENT_COPIES = []


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime | datetime.date
    title: str
    detail: str = ""
    who: str = ""
    url: str = ""
    kind: str = "event"  # event, task, change, referral, letter, commission…
    badges: tuple = field(default_factory=tuple)
    action_url: str = ""  # e.g. the act's correction page, for those who may change it
    action_label: str = ""


def once(procedure, key, load):
    """`load()`, called once for this procedure instance (the case page's request) and kept on it:
    a panel and the timeline entries of the same app share what they read."""
    kept = procedure.__dict__.setdefault("_read_once", {})
    if key not in kept:
        kept[key] = load()
    return kept[key]


def address_for_any(name):
    """The address of the URL `name` for any id, reversed once: a work queue section's rows (and
    the queue's own) each link to a case or a record, and a `reverse` (or `{% url %}`) a row cost
    more than the rest of the row (issue 11). `name` takes one id, followed by a slash."""
    prefix, suffix = reverse(name, args=[0]).rsplit("/0/", 1)
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def register(registry, item):
    if item not in registry:
        registry.append(item)
    return item
