"""A scheme, drawing or collage as the cover (seed 001: «Заглавными изображениями к товарам могут
служить только фотографии или фотошаблоны для электронных товаров»): a cheap check of the cover on
upload puts a clear case in the image queue and leaves photos and mock-ups alone."""

import io
import random
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from catalog.demo import COLORS
from catalog.demo_digital import design
from catalog.mockups import DESIGN_AREAS
from catalog.services import product_image_add
from catalog.tests.factories import ProductFactory
from marketplace.demo import demo_image
from moderation.models import ImageClaim, ImageClaimKind, ImageClaimStatus
from moderation.services.images import looks_like_scheme_or_collage

MOCKUPS = Path(settings.BASE_DIR) / "static" / "catalog" / "mockups"


@pytest.fixture(autouse=True)
def _english():
    """The reasons are read in English, the source texts, whatever the site's language."""
    with translation.override("en"):
        yield


def _noise(rng: np.random.Generator, size, cell: int) -> np.ndarray:
    width, height = size
    grid = Image.fromarray(rng.random((height // cell + 3, width // cell + 3), dtype=np.float32))
    smooth = grid.resize(((width // cell + 3) * cell, (height // cell + 3) * cell), Image.Resampling.BICUBIC)
    return np.asarray(smooth)[:height, :width]


def _image(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def photo(seed: int, size=(1200, 900)) -> Image.Image:
    """Like a photo: a gradient between two colours, soft light and shade, textures at several
    scales, sensor noise and a few translucent shapes out of focus."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    start, end = rng.uniform(40, 220, 3), rng.uniform(40, 220, 3)
    along = (x * rng.uniform(-1, 1) + y * rng.uniform(-1, 1)) / (width + height) + 0.5
    pixels = start + (end - start) * along[..., None]
    pixels += (_noise(rng, size, 150)[..., None] - 0.5) * rng.uniform(30, 80, 3)
    pixels += (_noise(rng, size, 12)[..., None] - 0.5) * 25 + rng.normal(0, 4, (height, width, 1))
    picture = _image(pixels)
    draw = ImageDraw.Draw(picture, "RGBA")
    shapes = random.Random(seed)
    for _ in range(12):
        cx, cy, r = shapes.randrange(width), shapes.randrange(height), shapes.randrange(30, 200)
        colour = tuple(shapes.randrange(256) for _ in range(3)) + (shapes.randrange(60, 160),)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    return picture.filter(ImageFilter.GaussianBlur(1.2))


def packshot(seed: int, colour, scale: float, size=(1200, 1200)) -> Image.Image:
    """A product photographed on a white backdrop: a shaded, textured thing and its soft shadow."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    backdrop = 255 - 44 * ((x / width - 0.5) ** 2 + (y / height - 0.5) ** 2)
    pixels = np.repeat(backdrop[..., None], 3, axis=-1)
    cx, cy, rx, ry = width / 2, height * 0.55, width * scale / 2, height * scale / 2.6
    shadow = np.exp(-(((x - cx) / (rx * 1.05)) ** 2 + ((y - cy - ry * 0.95) / (ry * 0.2)) ** 2))
    pixels *= (1 - 0.3 * shadow)[..., None]
    inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1 + (_noise(rng, size, 90) - 0.5) * 0.25
    light = 1.15 - 0.55 * np.clip(((x - cx) / rx + (y - cy) / ry + 1.2) / 2.6, 0, 1)
    texture = sum((_noise(rng, size, cell) - 0.5) * amount for cell, amount in ((6, 30), (22, 30), (70, 25)))
    thing = np.asarray(colour, dtype=np.float32) * light[..., None] + texture[..., None]
    pixels = np.where(inside[..., None], thing + rng.normal(0, 2.5, (height, width, 1)), pixels)
    return _image(pixels).filter(ImageFilter.GaussianBlur(0.7))


def seascape(size=(1600, 1000)) -> Image.Image:
    """One straight line across the whole picture (the horizon) is not a collage."""
    rng = np.random.default_rng(7)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.asarray((150, 190, 235)) + (y / height)[..., None] * np.asarray((60, 40, 10))
    sea = np.asarray((30, 80, 120)) + rng.normal(0, 8, (height, width, 1)) + np.sin(x / 7 + y / 3)[..., None] * 10
    return _image(np.where((y < height * 0.45)[..., None], sky, sea)).filter(ImageFilter.GaussianBlur(0.7))


def planks(size=(1600, 1200)) -> Image.Image:
    """A wooden floor from above: several straight joints across it, all one way, are not tiles."""
    rng = np.random.default_rng(8)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    tone = rng.uniform(0.85, 1.1, height // 200 + 1)[(y // 200).astype(int)]
    grain = np.sin(y / 3 + np.sin(x / 90) * 3) * 15
    pixels = np.asarray((170, 120, 80)) * tone[..., None] + grain[..., None] + rng.normal(0, 5, (height, width, 1))
    pixels[(y % 200) < 4] *= 0.4
    return _image(pixels)


def diagram(size=(1200, 900), background="white") -> Image.Image:
    """A scheme: flat coloured boxes with outlines, connecting lines and captions on white."""
    picture = Image.new("RGBA", size, background)
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype("DejaVuSans.ttf", 28)
    boxes = [((80, 100, 380, 260), (120, 170, 220)), ((460, 100, 760, 260), (250, 200, 110)),
             ((840, 100, 1140, 260), (150, 210, 150)), ((260, 500, 560, 660), (230, 140, 140)),
             ((660, 500, 960, 660), (190, 160, 230))]  # fmt: skip
    for number, (box, colour) in enumerate(boxes, start=1):
        draw.rectangle(box, fill=colour, outline=(40, 40, 40), width=3)
        draw.text((box[0] + 20, box[1] + 60), f"Шаг {number}: деталь", fill="black", font=font)
    for start, end in [((380, 180), (460, 180)), ((760, 180), (840, 180)), ((230, 260), (410, 500)),
                       ((990, 260), (810, 500))]:  # fmt: skip
        draw.line([start, end], fill=(40, 40, 40), width=4)
    draw.text((80, 780), "Схема сборки: размеры в сантиметрах, 1 клетка = 5 см", fill="black", font=font)
    return picture


def collage(seeds, grid=(2, 2), size=(1200, 1200), border=20) -> Image.Image:
    """Photos pasted side by side in a grid, with white gaps (or none) between them."""
    columns, rows = grid
    picture = Image.new("RGB", size, "white")
    tile = ((size[0] - border * (columns + 1)) // columns, (size[1] - border * (rows + 1)) // rows)
    for number, seed in enumerate(seeds):
        column, row = number % columns, number // columns
        picture.paste(photo(seed, tile), (border + column * (tile[0] + border), border + row * (tile[1] + border)))
    return picture


def encoded(picture: Image.Image, fmt="PNG", **options) -> io.BytesIO:
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    buffer.seek(0)
    return buffer


def check(picture: Image.Image, fmt="PNG", **options) -> str | None:
    return looks_like_scheme_or_collage(encoded(picture, fmt, **options))


# --- Left alone -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_a_photo_is_not_flagged(seed):
    assert check(photo(seed), "JPEG", quality=85) is None


PACKSHOTS = {  # the product's colour and its width as a share of the picture's
    "grey": ((150, 150, 150), 0.5),
    "beige": ((200, 160, 120), 0.5),
    "small": ((120, 130, 160), 0.25),
    "tiny": ((190, 190, 195), 0.12),
    "white-on-white": ((235, 233, 228), 0.45),
}


@pytest.mark.parametrize("colour, scale", PACKSHOTS.values(), ids=PACKSHOTS.keys())
def test_a_product_on_a_white_backdrop_is_not_flagged(colour, scale):
    """Few colours and a white background, as in a scheme, but the product is shaded and textured."""
    assert check(packshot(3, colour, scale), "JPEG", quality=88) is None


def test_a_horizon_or_floor_joints_are_not_seams_of_a_collage():
    assert check(seascape()) is None
    assert check(planks()) is None


@pytest.mark.parametrize("colours", COLORS, ids=[start for start, _end in COLORS])
def test_the_demo_photos_are_not_flagged(colours):
    for seed in (1000, 1013):
        assert looks_like_scheme_or_collage(demo_image(size=(900, 900), colors=colours, seed=seed)) is None


@pytest.mark.parametrize("filename", sorted(DESIGN_AREAS))
def test_the_free_templates_are_not_flagged_empty_or_with_a_design_in_them(filename):
    with open(MOCKUPS / filename, "rb") as file:
        assert looks_like_scheme_or_collage(file) is None
    with Image.open(MOCKUPS / filename) as template:
        cover = template.convert("RGB")
    left, top, right, bottom = area = DESIGN_AREAS[filename]
    for seed in range(3):
        cover.paste(design(size=(right - left, bottom - top), title="Лиса", subtitle="A4", seed=seed), area[:2])
        assert check(cover, "JPEG", quality=85) is None


def test_a_tiny_or_blank_picture_is_left_to_the_other_checks():
    assert check(Image.new("RGB", (20, 20), "white")) is None
    assert check(Image.new("RGB", (800, 800), "#b4532a")) is None


# --- Flagged --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt, options", [("PNG", {}), ("JPEG", {"quality": 70}), ("WEBP", {"quality": 80})], ids=["png", "jpeg", "webp"]
)
def test_a_flat_colour_diagram_is_a_scheme(fmt, options):
    picture = diagram() if fmt == "PNG" else diagram().convert("RGB")
    reason = check(picture, fmt, **options)
    assert reason is not None and reason.startswith("Looks like a scheme or a drawing, not a photo")


def test_a_transparent_diagram_is_seen_on_white():
    assert check(diagram(background=(0, 0, 0, 0))) is not None


def test_the_bare_design_without_a_template_is_a_drawing():
    assert check(design(size=(1200, 1600), title="Лиса", subtitle="A4", seed=1)) is not None


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_four_photos_in_a_grid_with_white_borders_are_a_collage(fmt):
    reason = check(collage([11, 12, 13, 14]), fmt)
    assert reason == "Looks like a collage: the picture is split into 4 tiles by straight seams."


def test_photos_glued_without_borders_are_a_collage_too():
    assert check(collage([31, 32, 33, 34], border=0)) is not None
    assert "9 tiles" in check(collage(range(50, 59), grid=(3, 3)))


# --- On upload ------------------------------------------------------------------------------------


def upload(picture: Image.Image, name="cover.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, encoded(picture).getvalue(), content_type="image/png")


@pytest.fixture
def add_photo(django_capture_on_commit_callbacks):
    def add(product, picture):
        with django_capture_on_commit_callbacks(execute=True):
            return product_image_add(product=product, image=upload(picture))

    return add


def collage_claims(photo) -> list[ImageClaim]:
    return list(ImageClaim.objects.filter(image=photo, kind=ImageClaimKind.COLLAGE))


@pytest.mark.django_db
def test_a_diagram_uploaded_as_the_cover_goes_to_the_image_queue(add_photo):
    product = ProductFactory(title="Раскраска «Лес»")
    cover = add_photo(product, diagram())
    product.refresh_from_db()
    assert product.cover == cover
    [claim] = collage_claims(cover)
    assert (claim.automatic, claim.status, claim.product, claim.matching) == (True, ImageClaimStatus.NEW, product, None)
    assert claim.text.startswith("Looks like a scheme or a drawing, not a photo")


@pytest.mark.django_db
def test_only_the_cover_is_checked_and_a_photo_cover_is_left_alone(add_photo):
    product = ProductFactory()
    cover = add_photo(product, photo(1))
    second = add_photo(product, collage([11, 12, 13, 14]))  # a collage further down the gallery is allowed
    assert collage_claims(cover) == [] and collage_claims(second) == []
