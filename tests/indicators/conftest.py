import pytest


@pytest.fixture(autouse=True)
def _count_everything_prevex_can(settings):
    """Counting is tested on every indicator Prévex can count; a test that needs a supplied one
    says which (settings.INDICATORS_SUPPLIED), and test_supplied_by_default checks the default."""
    settings.INDICATORS_SUPPLIED = []
