"""French counts (style.md): 0 and 1 take the singular, never « (s) »."""

import pytest

from directory.french import counted


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 dossier ajouté"),
        (1, "1 dossier ajouté"),
        (2, "2 dossiers ajoutés"),
        (-3, "-3 dossiers ajoutés"),
    ],
)
def test_a_count_agrees_with_its_words(count, expected):
    assert counted(count, "dossier ajouté") == expected


def test_an_invariable_word_is_given_its_plural():
    assert counted(2, "diagnostic transmis", "diagnostics transmis") == "2 diagnostics transmis"
    assert counted(1, "diagnostic transmis", "diagnostics transmis") == "1 diagnostic transmis"
