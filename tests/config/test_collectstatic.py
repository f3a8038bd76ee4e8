"""Production serves hashed static files (ManifestStaticFilesStorage, DEBUG=False): collectstatic
must go through every file, its references included (a vendored file naming a source map that is
not vendored stops it, and with it every deployment and `make bench`)."""

import io

from django.core.management import call_command


def test_collectstatic_with_the_production_storage_succeeds(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    out = io.StringIO()

    call_command("collectstatic", "--noinput", stdout=out)

    assert (tmp_path / "staticfiles.json").exists()
    assert "post-processed" in out.getvalue()
