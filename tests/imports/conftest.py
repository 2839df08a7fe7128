import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads awaiting confirmation (media storage) go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
