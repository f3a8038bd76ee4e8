"""Settings read from the environment: embedded defaults, production checks, invalid values refused."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
# 50+ characters, many distinct ones: what Django's check --deploy asks of a production key.
PRODUCTION_SECRET_KEY = "p7Vq-2kR!x9mZ_4tL@w8bN#c3sYh6&jF0dG$eQ1uA5oI*vT%rK"
PRODUCTION = {"DEBUG": "False", "SECRET_KEY": PRODUCTION_SECRET_KEY, "ALLOWED_HOSTS": "prevex.example.fr"}

READ_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
    "time_zone": settings.TIME_ZONE,
    "language": settings.LANGUAGE_CODE,
    "use_tz": settings.USE_TZ,
}))
"""


def run(args, **variables):
    """Runs Python in a clean environment: only PATH, HOME and the given variables."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **variables}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_no_environment_gives_the_embedded_mode():
    result = run(["-c", READ_SETTINGS])

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "broker": "memory://",
        "email": "django.core.mail.backends.console.EmailBackend",
        "debug": True,
        "time_zone": "Europe/Paris",
        "language": "fr",
        "use_tz": True,
    }


def test_production_variables_give_postgresql_redis_and_smtp():
    result = run(
        ["-c", READ_SETTINGS],
        **PRODUCTION,
        DATABASE_URL="postgres://prevex:secret@db:5432/prevex",
        REDIS_URL="redis://redis:6379/0",
        EMAIL_URL="smtp://user:password@smtp.example.fr:587",
    )

    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout.strip().splitlines()[-1])
    assert (read["engine"], read["eager"], read["broker"]) == (
        "django.db.backends.postgresql",
        False,
        "redis://redis:6379/0",
    )
    assert read["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert read["debug"] is False


def test_check_deploy_passes_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "variable, value",
    [
        ("DEBUG", "peut-etre"),
        ("DATABASE_URL", "nimportequoi://"),
        ("SESSION_COOKIE_AGE", "abc"),
        ("LOGIN_LOCKOUT_MINUTES", "quinze"),
        ("SECURE_SSL_REDIRECT", "parfois"),
    ],
)
def test_an_invalid_value_stops_start_up_naming_the_variable(variable, value):
    variables = {**PRODUCTION} if variable == "SECURE_SSL_REDIRECT" else {}
    result = run(["manage.py", "check"], **variables, **{variable: value})

    assert result.returncode != 0
    assert f"Variable d'environnement {variable} invalide" in result.stderr


def test_production_without_secret_key_stops_start_up_naming_it():
    result = run(["manage.py", "check"], DEBUG="False", ALLOWED_HOSTS="prevex.example.fr")

    assert result.returncode != 0
    assert "Variable d'environnement SECRET_KEY invalide" in result.stderr


def test_env_example_documents_every_variable_the_settings_read():
    read = set(re.findall(r'_read\("([A-Z_]+)"', (BASE_DIR / "config" / "settings.py").read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", (BASE_DIR / ".env.example").read_text(), re.MULTILINE))

    assert read, "no variable found in config/settings.py"
    assert read - documented == set()


def compose_environment():
    """The variables docker-compose.yml gives web, worker and beat, with its defaults filled in."""
    text = (BASE_DIR / "docker-compose.yml").read_text()
    block = text.split("x-prevex-environment:", 1)[1].split("\n\n", 1)[0]
    variables = dict(re.findall(r"^  ([A-Z_]+): (.*)$", block, re.MULTILINE))
    samples = {"SECRET_KEY": PRODUCTION_SECRET_KEY, "ALLOWED_HOSTS": "prevex.example.fr"}
    samples |= {"SITE_URL": "https://prevex.example.fr", "POSTGRES_PASSWORD": "secret"}
    samples |= {"EMAIL_URL": "smtp+tls://u:p@smtp.example.fr:587", "DEFAULT_FROM_EMAIL": "prevex@example.fr"}

    def fill(value):
        value = re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: samples[m.group(1)], value.strip('"'))
        return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)

    return {name: fill(value) for name, value in variables.items()}


def test_docker_compose_sets_only_variables_the_settings_read():
    read = set(re.findall(r'_read\("([A-Z_]+)"', (BASE_DIR / "config" / "settings.py").read_text()))

    assert set(compose_environment()) - read == set()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "EMAIL_URL"} <= set(
        compose_environment()
    )


def test_docker_compose_environment_passes_check_deploy():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **compose_environment())

    assert result.returncode == 0, result.stdout + result.stderr
