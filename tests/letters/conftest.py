import pytest


@pytest.fixture(autouse=True)
def letters_contacts(directory_contacts):
    """Every letter test has the directory's details its letters print (tests/contacts.py)."""
    return directory_contacts


def read(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()
