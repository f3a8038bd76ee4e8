"""A bounded load test against gunicorn on the loopback: N concurrent signed-in secretariat
clients, each looping over a mix of pages (work queue, lists, sorts, search, case pages) for a
fixed duration; throughput, p50/p95/p99 and errors.

gunicorn serves Prévex with DEBUG=False on 127.0.0.1:BENCH_PORT (8110 by default) and the
benchmark database; the clients carry the session of the benchmark's secretariat user.
"""

import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8110"))
DURATION = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
CLIENTS = [int(n) for n in os.environ.get("BENCH_CLIENTS", "10,30").split(",")]
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
REQUEST_TIMEOUT = 60


def session_cookie(user):
    """A real session of `user`, as the login view would store it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Past the second factor, as measure.signed_in_client: otherwise every page is a redirect.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name="banc").first() or TOTPDevice.objects.create(
        user=user, name="banc", confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"__Secure-sessionid={session.session_key}"


def mix():
    """The pages the clients request, weighted as a secretariat's day: work queue and lists
    first, then sorts, search and case pages."""
    from django.urls import reverse

    from procedure.filters import SORTS
    from procedure.models import Procedure, Stage

    queue, listing = reverse("procedure:work_queue"), reverse("procedure:list")
    search = reverse("procedure:search")
    cases = list(Procedure.objects.order_by("?").values_list("pk", flat=True)[:200])
    urls = [queue] * 4 + [listing] * 3
    urls += [f"{listing}?stage={stage.value}" for stage in Stage]
    urls += [f"{listing}?stage={Stage.PAYMENT_ORDER.value}&sector=private", f"{listing}?sector=public"]
    urls += [f"{listing}?tri={order}{param}" for param in SORTS for order in ("", "-")]
    urls += [f"{search}?q={term}" for term in ("martin", "dupont+marie", "bernard", "victor+hugo")]
    urls += [reverse("procedure:detail", args=[pk]) for pk in cases[:20]]
    return urls


def start_gunicorn(database_url):
    """gunicorn as in production (DEBUG off, hashed static files collected first), with the
    benchmark process's SECRET_KEY so that its session is valid."""
    from django.conf import settings

    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collect, cwd=ROOT, env=environment, check=True)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(WORKERS),
        "--timeout",
        str(REQUEST_TIMEOUT),
        "--log-level",
        "warning",
    ]
    log = (Path(tempfile.gettempdir()) / f"prevex-bench-gunicorn-{PORT}.log").open("ab")
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn n'a pas démarré")


def _client(urls, cookie, until, results, seed):
    rng = random.Random(seed)
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
    while time.monotonic() < until:
        url = rng.choice(urls)
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{url}", headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                response.read()
                ok = response.status == 200 and "/connexion" not in response.url
        except (OSError, urllib.error.HTTPError):
            ok = False
        results.append(((time.perf_counter() - started) * 1000, ok))


def run_load(clients, urls, cookie):
    """(requests per second, p50, p95, p99, errors, requests) for `clients` concurrent clients."""
    results = []
    until = time.monotonic() + DURATION
    threads = [
        threading.Thread(target=_client, args=(urls, cookie, until, results, n)) for n in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    timings = sorted(ms for ms, _ in results)
    errors = sum(1 for _, ok in results if not ok)

    def pct(p):
        return timings[min(len(timings) - 1, round(p * (len(timings) - 1)))] if timings else 0

    return len(results) / elapsed, pct(0.5), pct(0.95), pct(0.99), errors, len(results)


def measure(user, database_url, size):
    """Run every client count against a fresh gunicorn; rows (size, clients, figures…)."""
    cookie = session_cookie(user)
    urls = mix()
    server = start_gunicorn(database_url)
    rows = []
    try:
        for clients in CLIENTS:
            row = (size, clients, *run_load(clients, urls, cookie))
            print_row(row)
            rows.append(row)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


def print_header():
    print("| procédures | clients | requêtes/s | p50 (ms) | p95 (ms) | p99 (ms) | erreurs | requêtes |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)


def print_row(row):
    size, clients, throughput, p50, p95, p99, errors, count = row
    size_text = f"{size:,}".replace(",", " ")
    timings = f"{p50:.0f} | {p95:.0f} | {p99:.0f}"
    print(f"| {size_text} | {clients} | {throughput:.1f} | {timings} | {errors} | {count} |", flush=True)


def print_targets(rows):
    """Issue 11: throughput at the largest size ≥ 0.8 × at the smallest; 0 errors at 30 clients."""
    sizes = sorted({row[0] for row in rows})
    if len(sizes) < 2:
        return
    for clients in CLIENTS:
        small = next((r for r in rows if r[0] == sizes[0] and r[1] == clients), None)
        large = next((r for r in rows if r[0] == sizes[-1] and r[1] == clients), None)
        if small and large:
            ratio = large[2] / small[2] if small[2] else 0
            verdict = "oui" if ratio >= 0.8 else "**manquée**"
            print(f"Débit {clients} clients : {ratio:.2f} × (cible ≥ 0.8) : {verdict}")
    for row in rows:
        if row[1] == 30:
            verdict = "oui" if row[6] == 0 else "**manquée**"
            print(f"Erreurs à 30 clients, {row[0]} procédures : {row[6]} (cible 0) : {verdict}")
