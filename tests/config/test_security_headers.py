"""Defence in depth (issue 15 §7): a Content Security Policy without 'unsafe-inline' (django-csp),
Referrer-Policy and Permissions-Policy on every page, and pages that need no inline script or style."""

import re

import pytest
from django.urls import reverse

from tests.procedure.factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_the_sign_in_page_has_a_strict_policy_and_the_other_headers(client):
    response = client.get(reverse("directory:login"))

    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    self_first, *nonces = policy["style-src"]
    assert self_first == "'self'" and all(source.startswith("'nonce-") for source in nonces)
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style(?![^>]*\bnonce=)|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


@pytest.mark.parametrize(
    "name", ["home", "procedure:list", "procedure:work_queue", "indicators:dashboard", "letters:index"]
)
def test_the_secretariat_s_pages_have_no_inline_script_nor_style(secretariat_client, name):
    ProcedureFactory()
    html = secretariat_client.get(reverse(name)).content.decode()

    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_STYLE.findall(html) == []


def test_the_case_page_has_no_inline_script_nor_style(secretariat_client):
    html = secretariat_client.get(reverse("procedure:detail", args=[ProcedureFactory().pk])).content.decode()

    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_STYLE.findall(html) == []
