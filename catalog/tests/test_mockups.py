"""The free cover templates (seed 001, «Как создать электронный товар?»): the PNGs shipped in
static/catalog/mockups/ are small, of known sizes, with an empty area for the design, and exactly
what catalog/mockups.py draws; the cabinet's card offers the three of them for download."""

from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image, ImageChops

from catalog.mockups import DESIGN_AREAS, MOCKUPS, draw_mockups

SHIPPED = Path(settings.BASE_DIR) / "static" / "catalog" / "mockups"
SIZES = {"postcard.png": (1600, 1200), "colouring-page.png": (1600, 1200), "poster.png": (1200, 1600)}


@pytest.mark.parametrize("filename", list(SIZES))
def test_a_shipped_template_is_a_png_of_its_size_under_400_kb(filename):
    path = SHIPPED / filename
    assert path.stat().st_size < 400 * 1024
    with Image.open(path) as picture:
        assert (picture.format, picture.size) == ("PNG", SIZES[filename])


@pytest.mark.parametrize("filename", list(SIZES))
def test_the_design_area_is_empty_light_paper(filename):
    left, top, right, bottom = DESIGN_AREAS[filename]
    with Image.open(SHIPPED / filename) as picture:
        inside = np.asarray(picture.convert("L").crop((left + 50, top + 50, right - 50, bottom - 50)), dtype=float)
    steps = max(np.abs(np.diff(inside, axis=0)).max(), np.abs(np.diff(inside, axis=1)).max())
    assert inside.min() > 170 and steps <= 4  # lit unevenly, as in a photo, but nothing drawn on it


def test_the_templates_are_listed_and_their_licence_names_the_code():
    assert [filename for _slug, _title, filename in MOCKUPS] == list(SIZES)
    licence = (SHIPPED / "LICENSE.txt").read_text()
    assert "catalog/mockups.py" in licence and "CC0" in licence


def test_the_code_draws_the_shipped_pictures_pixel_for_pixel(tmp_path):
    """If this fails after changing catalog/mockups.py (or upgrading Pillow or numpy), rebuild the
    files with ``.venv/bin/python -m catalog.mockups`` and look at them before committing."""
    written = draw_mockups(tmp_path / "mockups")
    assert [path.name for path in written] == list(SIZES)
    for path in written:
        with Image.open(path) as drawn, Image.open(SHIPPED / path.name) as shipped:
            assert drawn.size == shipped.size
            assert ImageChops.difference(drawn.convert("RGB"), shipped.convert("RGB")).getbbox() is None, path.name


def test_the_card_offers_the_three_templates_for_download():
    with translation.override("en"):
        html = render_to_string("catalog/cabinet/includes/mockups.html", {"mockups": MOCKUPS})
    assert "Free cover templates" in html
    assert "not a scheme or a collage" in html
    for filename in SIZES:
        url = f"{settings.STATIC_URL}catalog/mockups/{filename}"
        assert f'<a href="{url}" download>' in html
        assert f'<img src="{url}"' in html
    assert html.count(" download>") == 3
    assert html.count('loading="lazy"') == 3
    assert ">Postcard <" in html and ">Colouring page <" in html and ">Poster <" in html
