"""Time every page a secretariat opens, through Django's test Client: every value of every filter
of the list and the work queue, every sort column both ways, the search box on ordinary terms, and
the case page. Server time (median, 95th percentile), SQL query count, and the target beside it.

A request is cut after STATEMENT_TIMEOUT (PostgreSQL statement_timeout) and reported as a miss:
the benchmark must finish even where a page would run for minutes.
"""

import statistics
import time

from django.db import connection
from django.db.utils import OperationalError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import HousingSector, Landlord
from procedure.filters import PERIODS, SORTS, STATUSES
from procedure.models import Procedure, Stage, Task
from procedure.rules import Action

STATEMENT_TIMEOUT_MS = 20_000
SEARCHES = ["martin", "dupont marie", "lefevre", "victor hugo"]


def target_ms(size):
    """Issue 11: p95 ≤ 50 ms up to 10,000 procedures, ≤ 150 ms at 500,000."""
    return 50 if size <= 10_000 else 150


def pages(departement=None):
    """(name, url) of every page measured, built from the filters' own choices; the communes and
    the case page among `departement`'s procedures when given (a national database, issue 16)."""
    queue, listing = reverse("procedure:work_queue"), reverse("procedure:list")
    found = [("file de travail", queue)]
    found += [(f"file, action {value}", f"{queue}?action={value}") for value, _ in Action.choices]
    found += [(f"file, étape {value}", f"{queue}?stage={value}") for value, _ in Stage.choices]
    found += [(f"file, parc {value}", f"{queue}?sector={value}") for value, _ in HousingSector.choices]
    found += [(f"file, échéance {value}", f"{queue}?period={value}") for value, _ in PERIODS]
    found += [(f"file, attribuée à {value}", f"{queue}?assignee={value}") for value in ("moi", "personne")]
    found.append(("file, anomalies", f"{queue}?action=anomalies"))
    territories = _territories(departement)
    found += [(f"file, territoire {name}", f"{queue}?territory={pk}") for pk, name in territories]
    found.append(("file, page 20", f"{queue}?page=20"))
    found.append(("liste, ordre par défaut", listing))
    found += [(f"liste, étape {value}", f"{listing}?stage={value}") for value, _ in Stage.choices]
    found += [(f"liste, parc {value}", f"{listing}?sector={value}") for value, _ in HousingSector.choices]
    found.append(("liste, CP et parc privé", f"{listing}?stage={Stage.PAYMENT_ORDER.value}&sector=private"))
    found += [(f"liste, statut {value}", f"{listing}?status={value}") for value, _ in STATUSES]
    found += [(f"liste, en retard {value}", f"{listing}?overdue={value}") for value in ("oui", "non")]
    found += [(f"liste, échéance ≤ {days} j", f"{listing}?deadline_within={days}") for days in (0, 7, 30)]
    for landlord in Landlord.objects.filter(kind=Landlord.Kind.SOCIAL).order_by("pk")[:5]:
        found.append((f"liste, bailleur {landlord.name}", f"{listing}?landlord={landlord.pk}"))
    for commune in _communes(departement):
        found.append((f"liste, commune {commune}", f"{listing}?commune={commune}"))
    for param in SORTS:
        found += [(f"liste, tri {order}", f"{listing}?tri={order}") for order in (param, f"-{param}")]
    search = reverse("procedure:search")
    found += [(f"recherche « {term} »", f"{search}?q={term.replace(' ', '+')}") for term in SEARCHES]
    found.append(("page du dossier", reverse("procedure:detail", args=[_busy_case(departement)])))
    return found


def _territories(departement=None):
    """The territory with the most communes (the work queue's territory filter), the département's
    own when one is measured (in the national database the country's largest lies elsewhere)."""
    from django.db.models import Count

    from directory.models import Territory

    territories = Territory.objects.filter(departement_code=departement) if departement else Territory.objects
    return territories.annotate(n=Count("communes")).order_by("-n", "pk").values_list("pk", "name")[:1]


def _communes(departement=None):
    """The commune with the most procedures and one with the fewest (a single one, but at 500,000
    in one département every commune has several)."""
    from django.db.models import Count

    procedures = Procedure.objects.filter(departement_code=departement) if departement else Procedure.objects
    counts = (
        procedures.values("lease__commune__insee_code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("lease__commune__insee_code", "n")
    )
    first = counts.first()
    fewest = counts.order_by("n", "lease__commune__insee_code").first()
    return [code for code, _ in (first, fewest) if code]


def _busy_case(departement=None):
    """The procedure with the most open tasks: the case page's worst case."""
    from django.db.models import Count

    tasks = Task.objects.filter(status=Task.Status.OPEN)
    if departement:
        tasks = tasks.filter(departement_code=departement)
    return (
        tasks.values("procedure")
        .annotate(n=Count("pk"))
        .order_by("-n", "procedure")  # among equals the oldest, never an arbitrary one
        .values_list("procedure", flat=True)
        .first()
    ) or Procedure.objects.order_by("pk").values_list("pk", flat=True).first()


def run(user, *, repeat, size):
    """Measure every page; each one's figures are printed as soon as they are known."""
    client = signed_in_client(user)
    set_timeout()
    results = []
    for name, url in pages():
        row = measure_page(client, name, url, repeat, size)
        results.append(row)
        print_row(size, row)
    return results


def fresh_query_log():
    """Empty the connection's query log: it keeps the last 9,000 queries, and once full
    CaptureQueriesContext, which counts by its length, captures none."""
    connection.queries_log.clear()


def set_timeout():
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")


def measure_page(client, name, url, repeat, size):
    """(name, how, median ms, p95 ms, SQL queries, target ms) of one page, `repeat` requests after
    a first one that warms the caches."""
    timings, queries = [], 0
    for attempt in range(repeat + 1):
        elapsed, queries = timed_request(client, url)
        if elapsed is None:  # cut by statement_timeout
            return (name, "URL", None, None, queries, target_ms(size))
        if attempt:  # the first request warms the caches
            timings.append(elapsed)
        if elapsed > 5000 and len(timings) >= 1:  # a slow page: one measure is enough
            break
    return (name, "URL", statistics.median(timings), p95(timings), queries, target_ms(size))


def timed_request(client, url):
    """(ms, SQL queries) of one request of the page; ms is None when statement_timeout cut it."""
    fresh_query_log()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        try:
            _get(client, url)
        except OperationalError:
            return None, len(captured.captured_queries)
        return (time.perf_counter() - started) * 1000, len(captured.captured_queries)


def signed_in_client(user):
    """A client signed in past the second factor (a secretariat's pages need it): without it every
    page is a redirect to /connexion/second-facteur/ and the timings measure nothing."""
    import django_otp
    from django.http import HttpRequest
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    request = HttpRequest()
    request.session, request.user = client.session, user
    device = TOTPDevice.objects.filter(user=user, name="banc").first() or TOTPDevice.objects.create(
        user=user, name="banc", confirmed=True
    )
    django_otp.login(request, device)
    request.session.save()
    return client


def _get(client, url):
    response = client.get(url)
    if response.status_code not in (200, 302) or "/connexion" in response.get("Location", ""):
        raise RuntimeError(f"{url} : statut {response.status_code} {response.get('Location', '')}")
    return response


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_header():
    print(
        "| procédures | page | mesure | médiane (ms) | p95 (ms) | requêtes SQL | cible p95 (ms) | atteinte |"
    )  # noqa: E501
    print("| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |", flush=True)


def print_table(results):
    print()
    print_header()
    for size, rows in results:
        for row in rows:
            print_row(size, row)


def print_row(size, row):
    name, how, median, high, queries, target = row
    size_text = f"{size:,}".replace(",", " ") if size else "?"
    if median is None:
        timing, verdict = f"> {STATEMENT_TIMEOUT_MS} | > {STATEMENT_TIMEOUT_MS}", "**manquée** (coupée)"
    else:
        timing = f"{median:.0f} | {high:.0f}"
        verdict = "oui" if target is None or high <= target else "**manquée**"
    target_text = "—" if target is None else f"≤ {target}"
    print(f"| {size_text} | {name} | {how} | {timing} | {queries} | {target_text} | {verdict} |", flush=True)
