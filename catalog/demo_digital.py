"""Demo digital goods (seed 001 «электронный товар»): print files drawn with Pillow.

«Мастерская Анны» (seller@lavka.test) offers a free growth-chart poster (activation «немедленно»,
3 downloads) and a paid set of six postcards (activation «вручную», 5 downloads) with previews;
«Принты Павла» sells only files. Covers are the project's own mock-up templates with the design
put in (catalog/mockups.py, DESIGN_AREAS), as the seed asks of a digital product's cover.
"""

import io
import random
from decimal import Decimal

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import services, sold_files
from .mockups import DESIGN_AREAS
from .models import Activation, ProductImage

ANNA = "masterskaya-anny"
ANIMALS = ["Лиса", "Ёжик", "Медведь", "Заяц", "Сова", "Белка"]
PALETTES = [("#2f6f73", "#f3e9d2"), ("#b4532a", "#fbeee0"), ("#5f6b3a", "#eef2dc"), ("#7a3b69", "#f7e6f1"),
            ("#2b4a7a", "#e6eefb"), ("#8a6f1f", "#fbf3da")]  # fmt: skip


def _font(size: int):
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def design(*, size: tuple[int, int], title: str, subtitle: str = "", seed: int = 0) -> Image.Image:
    """A print design: a coloured card with a simple hand-made-looking pattern and a title."""
    rng = random.Random(seed)
    ink, paper = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(image)
    width, height = size
    # Leaves and dots along the border, like a printed postcard's ornament.
    for _ in range(40):
        x, y = rng.randint(0, width), rng.choice([rng.randint(0, height // 5), rng.randint(height * 4 // 5, height)])
        r = rng.randint(width // 60, width // 25)
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=ink if rng.random() < 0.5 else paper, outline=ink)
    margin = width // 12
    draw.rounded_rectangle((margin, margin, width - margin, height - margin), radius=width // 30, outline=ink,
                           width=max(2, width // 150))  # fmt: skip
    for text, scale, dy in ((title, 11, -0.06), (subtitle, 20, 0.08)):
        if not text:
            continue
        font = _font(max(12, width // scale))
        box = draw.textbbox((0, 0), text, font=font)
        while box[2] - box[0] > width - 3 * margin and font.size > 12:
            font = _font(font.size - 2)
            box = draw.textbbox((0, 0), text, font=font)
        draw.text(((width - (box[2] - box[0])) / 2, height * (0.5 + dy) - (box[3] - box[1]) / 2), text, font=font,
                  fill=ink)  # fmt: skip
    return image


def _file(image: Image.Image, name: str, fmt: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"resolution": 150.0} if fmt == "PDF" else {"optimize": True}))
    return ContentFile(buffer.getvalue(), name=name)


def _cover(product, image: Image.Image, *, mockup: str = "colouring-page.png") -> None:
    """The design put into one of the free mock-up templates (catalog/mockups.py), saved as the cover."""
    with Image.open(finders.find(f"catalog/mockups/{mockup}")) as template:
        scene = template.convert("RGB")
    left, top, right, bottom = DESIGN_AREAS[mockup]
    design = ImageOps.fit(image, (right - left, bottom - top))
    scene.paste(design, (left, top))
    scene.thumbnail((1200, 1200))
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=85)
    name = default_storage.save(f"catalog/products/demo/digital-cover-{product.pk}.jpg",
                                ContentFile(buffer.getvalue()))  # fmt: skip
    photo = ProductImage.objects.create(product=product, image=name, position=0, width=scene.width,
                                        height=scene.height)  # fmt: skip
    type(product).objects.filter(pk=product.pk).update(cover=photo)


def print_file_add(product, *, seed: int) -> None:
    """One print file (a PDF) for a product of the printables shop, and its mock-up cover."""
    art = design(size=(827, 1169), title=product.title.split(" ", 1)[-1].strip("«»"), subtitle="A4 · 300 dpi",
                 seed=seed)  # fmt: skip
    sold_files.sold_file_add(product=product, title=f"{product.title} (PDF для печати)",
                             upload=_file(art, f"print-{seed}.pdf", "PDF"))  # fmt: skip
    _cover(product, art, mockup="poster.png" if "остер" in product.title else "colouring-page.png")


def _digital_product(shop, category, title: str, description: str, *, price, activation, limit):
    return services.product_create(
        shop=shop, category=category, title=title, description=description, price=price, discount_percent=0,
        free_shipping=False, availability="not_tracked", stock=None, production_days=None, is_enabled=True,
        is_digital=True, activation=activation, download_limit=limit,
    )  # fmt: skip


def seed(ctx, categories) -> None:
    """Anna's free poster and paid postcard set; ``ctx.extra['digital']`` names them for the orders demo."""
    shop = ctx.extra.get("shops", {}).get(ANNA)
    if shop is None:
        return
    poster = _digital_product(
        shop, categories["postery"], "Постер-ростомер «Лесные звери» для печати",
        "Бесплатный постер-ростомер для детской: лиса, медведь и сова отмечают рост от 60 до 150 см.\n\n"
        "Файл PDF на лист A3 и PNG; печатайте на плотной бумаге и склейте по меткам. "
        "Скачайте бесплатно — заказ не нужен, только войдите на сайт.",
        price=Decimal("0"), activation=Activation.IMMEDIATE, limit=3,
    )  # fmt: skip
    art = design(size=(1169, 1654), title="Лесные звери", subtitle="ростомер · A3", seed=7)
    sold_files.sold_file_add(product=poster, title="Постер A3 (PDF)", upload=_file(art, "rostomer-a3.pdf", "PDF"))
    sold_files.sold_file_add(product=poster, title="Постер A3 (PNG)", upload=_file(art, "rostomer-a3.png", "PNG"))
    _cover(poster, art, mockup="poster.png")

    cards = _digital_product(
        shop, categories["otkrytki"], "Набор открыток «Лесные звери», 6 шт., для печати",
        "Шесть открыток с лесными зверями для детских праздников и писем бабушке: лиса, ёжик, медведь, "
        "заяц, сова и белка.\n\nВ наборе шесть файлов PNG 10×15 см, 300 dpi. Файлы откроются для "
        "скачивания, когда мы подтвердим оплату заказа.",
        price=Decimal("290"), activation=Activation.MANUAL, limit=5,
    )  # fmt: skip
    pages = [design(size=(1181, 1772), title=animal, subtitle="открытка 10×15", seed=20 + number)
             for number, animal in enumerate(ANIMALS)]  # fmt: skip
    folder = sold_files.sold_folder_add(
        product=cards,
        title="Открытки, 6 файлов PNG",
        uploads=[_file(page, f"otkrytka-{number + 1}.png", "PNG") for number, page in enumerate(pages)],
    )
    sold_files.digital_folder_pack(folder_id=folder.pk)  # the task would do it after the commit
    previews = []
    for number, page in enumerate(pages[:3]):
        small = page.copy()
        small.thumbnail((600, 900))
        previews.append(_file(small.convert("RGB"), f"preview-{number + 1}.jpg", "JPEG"))
    sold_files.preview_add(product=cards, images=previews)
    _cover(cards, pages[0])
    ctx.extra["digital"] = {"poster": poster, "cards": cards}
