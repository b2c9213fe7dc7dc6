"""{{ photo|spec_url:"thumb" }} gives imagekit's own address, remembered per photo file."""

import pytest
from django.template import Context, Template

from catalog.tests.factories import ProductImageFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Template('{% load thumbs %}{{ photo|spec_url:"thumb" }}|{{ photo|spec_url:"card" }}')


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_address_is_imagekits_for_each_spec_and_each_photo():
    first, second = ProductImageFactory(), ProductImageFactory()
    for photo in (first, second, first):  # the second time from memory
        assert TEMPLATE.render(Context({"photo": photo})) == f"{photo.thumb.url}|{photo.card.url}"
    assert first.thumb.url != second.thumb.url


def test_no_photo_gives_no_address():
    assert TEMPLATE.render(Context({"photo": None})) == "|"
