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
  case still belongs to the former département (its agenda, its referrals), with a note.
"""

import datetime
from dataclasses import dataclass, field

TIMELINE_SOURCES = []
CASE_PANELS = []
WORK_QUEUE_SECTIONS = []
CASE_SUMMARY = []
CASE_HISTORY_SOURCES = []
CASE_TRANSFERRED = []


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


def register(registry, item):
    if item not in registry:
        registry.append(item)
    return item
