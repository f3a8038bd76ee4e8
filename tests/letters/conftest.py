import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Lists and letters are written under a temporary MEDIA_ROOT, never in the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()
