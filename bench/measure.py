"""Time the secretariat's pages through Django's test Client: server time (median, 95th
percentile) and query count. Falls back to the querysets the views use if a URL is missing."""

import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from procedure import deadlines, services
from procedure.models import Procedure, Stage, Task


def pages(procedure):
    """(name, url or None, fallback function) for each page measured."""

    def url(name, *args, query=""):
        try:
            return reverse(name, args=args) + query
        except NoReverseMatch:
            return None

    return [
        ("file de travail", url("procedure:work_queue"), _work_queue),
        ("liste, ordre par défaut", url("procedure:list"), _default_list),
        (
            "liste filtrée (CQL, parc public)",
            url("procedure:list", query=f"?stage={Stage.ORDER_TO_VACATE.value}&sector=public"),
            _filtered_list,
        ),
        ("recherche « martin »", url("procedure:search", query="?q=martin"), _search),
        ("page du dossier", url("procedure:detail", procedure.pk), lambda: _case(procedure)),
    ]


def _work_queue():
    return list(Task.objects.filter(status=Task.Status.OPEN).select_related("procedure__household")[:50])


def _default_list():
    return list(Procedure.objects.select_related("household").order_by("-opened_at", "-pk")[:50])


def _filtered_list():
    queryset = Procedure.objects.filter(services.at_stage(Stage.ORDER_TO_VACATE), lease__sector="public")
    return list(queryset.select_related("household")[:50])


def _search():
    return list(services.search_procedures(Procedure.objects.all(), "martin")[:50])


def _case(procedure):
    return deadlines.next_deadlines(procedure), deadlines.anomalies(procedure)


def run(user, *, repeat, size=None):
    """Measure every page; each one's figures are printed as soon as they are known."""
    client = Client()
    client.force_login(user)
    procedure = Procedure.objects.filter(services.at_stage(Stage.POLICE_REQUEST)).order_by("pk").first()
    results = []
    for name, url, fallback in pages(procedure):
        call = (lambda url=url: _get(client, url)) if url else fallback
        call()  # warm-up
        timings, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        row = (name, "URL" if url else "services", statistics.median(timings), _p95(timings), queries)
        results.append(row)
        print_row(size, row)
    return results


def _get(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} : statut {response.status_code}")
    return response


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_header():
    print("| procédures | page | mesure | médiane (ms) | p95 (ms) | requêtes SQL |")
    print("| ---: | --- | --- | ---: | ---: | ---: |", flush=True)


def print_table(results):
    print()
    print_header()
    for size, rows in results:
        for row in rows:
            print_row(size, row)


def print_row(size, row):
    name, how, median, p95, queries = row
    size_text = f"{size:,}".replace(",", " ") if size else "?"
    print(f"| {size_text} | {name} | {how} | {median:.0f} | {p95:.0f} | {queries} |", flush=True)
