import pytest


@pytest.fixture(autouse=True)
def import_settings(settings, tmp_path):
    """Imports run in the test's thread, and their files go to a temporary media root."""
    settings.ATENSI_IMPORT_SYNC = True
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings
