"""Fixtures several order test modules share: Anna's shop, Masha the buyer, uploads in a temporary folder."""

import pytest

from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory


@pytest.fixture
def media(settings, tmp_path):
    """Uploads (photos, thumbnails) go to the test's own folder (modules ask for it with usefixtures)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))


@pytest.fixture
def buyer():
    return UserFactory(email="masha@example.com", name="Мария")
