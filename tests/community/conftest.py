import pytest


@pytest.fixture(autouse=True)
def _community(tasks_run_at_once):
    """The community's writes queue recomputations: run them here, in Japanese."""
