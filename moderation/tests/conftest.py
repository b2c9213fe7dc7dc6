import pytest
from django.conf import settings as django_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    """Pages in English: the tests read the English source texts, translated or not."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    # The locale middleware leaves the last request's language active in the thread: put it back.
    with translation.override(translation.get_language()):
        yield
