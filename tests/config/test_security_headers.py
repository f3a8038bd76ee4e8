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


def test_uploads_are_kept_outside_the_web_root_and_never_served_by_their_path(secretariat_client, settings):
    """Issue 15 §7: files under MEDIA_ROOT are reached only through the views that check who reads
    them (and log it), never at MEDIA_URL (no URL pattern serves MEDIA_ROOT)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("pieces/test.pdf", ContentFile(b"%PDF-1.4 CONTENU-PIECE-7f3a"))
    assert default_storage.exists(name)
    response = secretariat_client.get(f"/{settings.MEDIA_URL.strip('/')}/{name}")
    assert response.status_code == 404 and b"CONTENU-PIECE-7f3a" not in response.content
