"""The country-size bench's data (issue 16, bench/national.py): `bench_data --departements D`
sets up D départements, spreads the procedures over them by population and gives the measured
département a secretariat serving only its own; `--departements 1` builds that département alone.
PostgreSQL only (the generator writes with COPY)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from bench import generate
from directory.acting import Acting
from directory.departements import national
from directory.models import Organisation
from procedure import services
from procedure.models import Procedure, Task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("le banc d'essai écrit avec COPY : PostgreSQL seulement")


def per_departement():
    rows = Procedure.objects.values("departement_code").annotate(n=Count("pk"))
    return {row["departement_code"]: row["n"] for row in rows}


def secretariat(code):
    """The département's bench secretariat, acting as the middleware would make it act."""
    user = generate.departement_secretariat(code)
    user.acting = Acting(user.active_memberships().get())
    return user


def test_the_hundred_departements_are_the_most_populous_and_keep_the_measured_one():
    codes = generate.national_departements(100, "48")
    assert len(codes) == 100 and "48" in codes and set(codes) <= national.DEPARTEMENT_CODES
    assert {"75", "59", "13", "69"} <= set(generate.national_departements(4, "75"))
    assert "21" in generate.national_departements(3, "21")


def test_a_national_data_set_spreads_over_the_departements_and_its_secretariat_sees_its_own():
    call_command("bench_data", procedures=600, departements=3, departement="21")
    codes = generate.national_departements(3, "21")
    counts = per_departement()
    assert set(counts) == set(codes) and sum(counts.values()) == 600
    # The Nord (2.6 million inhabitants) against the Côte-d'Or (half a million).
    assert counts["59"] > 2 * counts["21"]
    for code in codes:  # each set up: its State service, its CCAPEX formation
        assert Organisation.objects.filter(code=national.codes(code).state, departement_code=code).exists()
    seen = Procedure.objects.visible_to(secretariat("21"))
    assert seen.count() == counts["21"]
    assert not seen.exclude(departement_code="21").exists()


def test_a_single_departement_data_set_holds_that_departement_alone():
    call_command("bench_data", procedures=150, departements=1, departement="21")
    assert per_departement() == {"21": 150}
    assert Procedure.objects.visible_to(secretariat("21")).count() == 150


def test_the_bench_data_s_next_due_dates_are_those_of_its_open_tasks():
    """The generator writes each procedure's next due date in its COPY (decision 003): what
    check_consistency recomputes from the open tasks."""
    call_command("bench_data", procedures=300, departements=1, departement="21")
    assert Procedure.objects.exclude(next_due_date=None).exists()
    assert [d for d in services.check_summaries()[1] if d[1] == "next_due_date"] == []


def test_check_consistency_finds_no_difference_on_the_national_bench_data():
    """Every stored copy the generator writes in its COPY (the summary, the list's keys, the next due
    date, the département of the acts, tasks and referrals) is what check_consistency expects."""
    call_command("bench_data", procedures=600, departements=3, departement="21")
    assert Task.objects.exclude(departement_code="21").exists()
    assert Procedure.objects.exclude(commune_insee_code="").count() == 600
    assert services.check_summaries() == (600, [])
