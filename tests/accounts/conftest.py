import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """A fast hasher for these tests, which log in dozens of times (set before the personas
    are created, so that their passwords use it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
