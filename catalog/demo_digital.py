# PRINTS reads best one printable a line, like the word lists of */demo.py (E501 is off for those).
# ruff: noqa: E501
"""Demo digital goods (seed 001 «электронный товар»): print files drawn with Pillow.

«Мастерская Анны» (seller@lavka.test) offers a free growth-chart poster (activation «немедленно»,
3 downloads) and a paid set of six postcards (activation «вручную», 5 downloads) with previews;
«Принты Павла» sells only files (PRINTS): posters, postcards, invitations, a colouring book and a
planner, each with a picture on the sheet (Fluent Emoji motifs, see marketplace/demo_art.py).
Covers are the project's own mock-up templates with the design put in (catalog/mockups.py,
DESIGN_AREAS), as the seed asks of a digital product's cover.
"""

import io
import math
import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

from marketplace import demo_art as art

from . import services, sold_files
from .mockups import DESIGN_AREAS
from .models import Activation, Product, ProductImage

ANNA = "masterskaya-anny"
# «Принты Павла» sells files, not parcels (seed 001 «электронный товар»).
DIGITAL_SHOPS = {"printy-pavla"}
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


# --- «Принты Павла»: sheets with a picture -------------------------------------------------------


@dataclass(frozen=True)
class Print:
    """A printable of the shop: what is on the sheet and which mock-up shows it."""

    title: str
    leaf: str
    price: int
    layout: str  # single, arch, wreath, trio, pattern, colouring, planner
    motifs: tuple[str, ...]
    caption: str
    subtitle: str
    ink: str
    paper: str
    accent: str
    mockup: str  # a file of catalog/mockups.DESIGN_AREAS
    about: str


POSTER, CARD, SHEET = "poster.png", "postcard.png", "colouring-page.png"
# fmt: off
PRINTS = [
    Print("Постер «Горы Алтая», файл для печати", "postery", 290, "single", ("1f3d4-fe0f",), "Горы Алтая", "Белуха · 4506 м", "#2b4a7a", "#eef1f4", "#c9d6e6", POSTER, "Минималистичный постер с заснеженной вершиной в холодных тонах."),
    Print("Постер «Веточка», ботаника", "postery", 250, "arch", ("1f33f",), "Веточка", "ботаническая серия", "#3f5a35", "#f3efe6", "#dfe6cf", POSTER, "Ботанический постер в стиле старых гербариев: зелёная веточка в арке на тёплой бумаге."),
    Print("Постер «Лисёнок» для детской", "postery", 250, "arch", ("1f98a",), "Лисёнок", "расти большим", "#b4532a", "#fbf1e6", "#f4cfae", POSTER, "Рыжий лисёнок в арке персикового цвета — для детской комнаты."),
    Print("Постер «Совушка» для детской", "postery", 190, "arch", ("1f989",), "Совушка", "доброй ночи", "#6b4f2a", "#f6f0e6", "#e5d4bb", POSTER, "Сова в пастельной арке с пожеланием доброй ночи."),
    Print("Набор постеров «Лесные звери», 3 файла", "postery", 490, "trio", ("1f98a", "1f43b", "1f994"), "Лесные звери", "лиса · медведь · ёжик", "#5f4b32", "#f7f2e8", "#e9dcc7", POSTER, "Три постера с лесными зверями одной серии; каждый — отдельным файлом."),
    Print("Постер «Тюльпаны»", "postery", 290, "wreath", ("1f337",), "Весна", "тюльпаны", "#a0404f", "#fbf0ef", "#f2c9c9", POSTER, "Венок из тюльпанов и надпись «Весна» — для кухни или прихожей."),
    Print("Постер «Подсолнух»", "postery", 250, "arch", ("1f33b",), "Подсолнух", "солнце в доме", "#8a6f1f", "#fbf6e6", "#f3dd9b", POSTER, "Подсолнух в жёлтой арке: летний постер в тёплых тонах."),
    Print("Постер-ростомер «Жираф»", "postery", 350, "single", ("1f992",), "Расту!", "ростомер · 60–150 см", "#8a5a1f", "#fdf6e9", "#f2dcb1", POSTER, "Жираф-ростомер: печатается на двух листах A3 и склеивается по меткам."),
    Print("Постер «Море»", "postery", 290, "single", ("1f30a",), "Море", "шум волны", "#2b5a7a", "#eef5f7", "#bfdbe6", POSTER, "Волна в японском стиле — спокойный постер для спальни."),
    Print("Открытка «С днём рождения!», файл для печати", "otkrytki", 150, "single", ("1f382",), "С днём рождения!", "", "#a0404f", "#fff4ec", "#f6cfc4", CARD, "Открытка с праздничным тортом, формат 15×10 см."),
    Print("Открытка «С Новым годом!»", "otkrytki", 150, "pattern", ("2744-fe0f", "1f384"), "С Новым годом!", "", "#2b4a7a", "#eef3fa", "#cfdcef", CARD, "Новогодняя открытка со снежинками и ёлкой, формат 15×10 см."),
    Print("Приглашение на свадьбу «Эвкалипт»", "otkrytki", 350, "wreath", ("1f33f",), "Приглашаем на свадьбу", "Анна и Михаил · 12 июля", "#4a6b5a", "#f6f4ee", "#dde6dd", CARD, "Приглашение с веточками эвкалипта; имена и дату впишем ваши — напишите их в комментарии к заказу."),
    Print("Открытка «Спасибо»", "otkrytki", 150, "single", ("1f490",), "Спасибо!", "", "#7a3b69", "#fbf2f7", "#efcfe2", CARD, "Открытка с букетом — поблагодарить учителя, врача или друга."),
    Print("Открытка «С 8 Марта»", "otkrytki", 150, "wreath", ("1f337",), "С 8 Марта!", "", "#a0404f", "#fdf3f3", "#f4d0d0", CARD, "Весенняя открытка в венке из тюльпанов."),
    Print("Набор открыток «Зима», 3 файла", "otkrytki", 390, "trio", ("26c4", "1f384", "1f98c"), "Зима", "три открытки", "#2b4a7a", "#f2f6fb", "#d5e2f2", CARD, "Снеговик, ёлка и олень — три зимние открытки 15×10 см в одном архиве."),
    Print("Раскраска «Лесные жители», 10 листов", "raskraski", 290, "colouring", ("1f989", "1f994", "1f40c", "1f98b"), "Лесные жители", "раскраска", "#333333", "#ffffff", "#ffffff", SHEET, "Десять листов A4 с крупными контурами зверей для детей 3–6 лет."),
    Print("Планер на неделю «Травы»", "raskraski", 190, "planner", ("1f33f",), "Моя неделя", "", "#4a6b3a", "#fbfaf5", "#e3ead8", SHEET, "Недельный планер A4 с веточками трав: дела, покупки и заметки."),
]
# fmt: on

DIGITAL_DESCRIPTION = (
    "{about}\n\nФайлы для печати: PDF и PNG в высоком разрешении. Печатайте дома или в копицентре на плотной "
    "матовой бумаге. Для личного использования; перепродавать файлы нельзя."
)


def _serif(size: int, bold: bool = True):
    return art.font(size, serif=True, bold=bold)


def _centered_text(draw, text: str, y: float, width: int, size: int, fill, max_width: int, bold=True) -> None:
    font = _serif(size, bold)
    box = draw.textbbox((0, 0), text, font=font)
    while box[2] - box[0] > max_width and size > 12:
        size -= 2
        font = _serif(size, bold)
        box = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - (box[2] - box[0])) / 2 - box[0], y - box[1]), text, font=font, fill=fill)


def _motif(code: str, size: int) -> Image.Image:
    return art.fit(art.emoji_image(code), (size, size))


def _outline(code: str, size: int) -> Image.Image:
    """A colouring-book version of an emoji: the borders of its colour areas as black lines."""
    picture = _motif(code, size)
    picture = ImageOps.expand(picture, border=size // 20, fill=(0, 0, 0, 0))  # room for the outer line
    size = picture.width
    alpha = picture.getchannel("A").point(lambda a: 255 if a > 128 else 0)
    flat = Image.new("RGB", picture.size, "white")
    flat.paste(picture, (0, 0), alpha)
    # Four flat colours on a third of the size, grown back and softened: broad areas, smooth borders.
    small = flat.resize((size // 3, size // 3), Image.Resampling.BILINEAR).filter(ImageFilter.ModeFilter(5))
    areas = small.quantize(colors=4).convert("L").resize(picture.size, Image.Resampling.NEAREST)
    areas = areas.filter(ImageFilter.GaussianBlur(2))
    borders = ImageChops.difference(areas.filter(ImageFilter.MaxFilter(3)), areas.filter(ImageFilter.MinFilter(3)))
    lines = borders.point(lambda v: 255 if v > 20 else 0)
    result = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    result.putalpha(lines)
    return result


def print_design(spec: Print, size: tuple[int, int]) -> Image.Image:
    """The printed sheet: paper, a picture made of the motifs, the caption set in a serif face."""
    width, height = size
    ink, paper, accent = art.rgb(spec.ink), art.rgb(spec.paper), art.rgb(spec.accent)
    image = Image.new("RGBA", size, paper + (255,))
    draw = ImageDraw.Draw(image)
    short = min(width, height)
    landscape = width > height
    text_width = round(width * 0.86)
    caption_y = height * (0.78 if not landscape else 0.8)
    layout = spec.layout
    if layout == "arch":
        arch_w, arch_h = width * 0.62, height * 0.56
        left, top = (width - arch_w) / 2, height * 0.12
        draw.rounded_rectangle((left, top, left + arch_w, top + arch_h), radius=arch_w / 2, fill=accent + (255,))
        draw.rectangle((left, top + arch_w / 2, left + arch_w, top + arch_h), fill=accent + (255,))
        piece = _motif(spec.motifs[0], round(arch_w * 0.72))
        image.alpha_composite(
            piece, (round((width - piece.width) / 2), round(top + arch_h - piece.height - arch_h * 0.08))
        )
    elif layout == "single":
        radius = short * 0.32
        cx, cy = width / 2, height * (0.4 if not landscape else 0.42)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=accent + (255,))
        piece = _motif(spec.motifs[0], round(radius * 1.5))
        image.alpha_composite(piece, (round(cx - piece.width / 2), round(cy - piece.height / 2)))
    elif layout == "trio":
        piece_size = round(width * (0.21 if not landscape else 0.2))
        for number, code in enumerate(spec.motifs[:3]):
            piece = _motif(code, piece_size)
            cx = width * (0.22 + 0.28 * number)
            cy = height * (0.42 if not landscape else 0.4) + (0 if number != 1 else -height * 0.04)
            r = piece_size * 0.62
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=accent + (255,))
            image.alpha_composite(piece, (round(cx - piece.width / 2), round(cy - piece.height / 2)))
    elif layout == "wreath":
        count, radius = 14, short * (0.3 if not landscape else 0.38)
        cx, cy = width / 2, height * (0.42 if not landscape else 0.5)
        for number in range(count):
            angle = 2 * math.pi * number / count
            piece = _motif(spec.motifs[0], round(short * 0.14)).rotate(-math.degrees(angle) - 90, expand=True,
                                                                      resample=Image.Resampling.BICUBIC)  # fmt: skip
            x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            image.alpha_composite(piece, (round(x - piece.width / 2), round(y - piece.height / 2)))
        if landscape:  # the words inside the wreath
            caption_y, text_width = cy - short * 0.07, round(radius * 1.45)
    elif layout == "pattern":
        step = round(short * 0.2)
        for row, y in enumerate(range(-step // 2, height + step, step)):
            for column, x in enumerate(range(-step // 2 + (step // 2 if row % 2 else 0), width + step, step)):
                code = spec.motifs[(row + column) % len(spec.motifs)]
                piece = _motif(code, round(step * 0.5)).rotate(15 * ((row + column) % 3 - 1), expand=True)
                image.alpha_composite(piece, (x, y))
        card_w, card_h = width * 0.64, height * 0.34
        draw.rounded_rectangle(((width - card_w) / 2, (height - card_h) / 2, (width + card_w) / 2, (height + card_h) / 2),
                               radius=short * 0.03, fill=paper + (255,), outline=ink + (255,), width=3)  # fmt: skip
        caption_y = height / 2 - short * 0.06
    elif layout == "colouring":
        piece = _outline(spec.motifs[0], round(width * 0.56))
        image.alpha_composite(piece, (round((width - piece.width) / 2), round(height * 0.16)))
        for number, code in enumerate(spec.motifs[1:4]):
            small = _outline(code, round(width * 0.18))
            image.alpha_composite(small, (round(width * (0.12 + 0.28 * number)), round(height * 0.66)))
        caption_y = height * 0.06
    elif layout == "planner":
        days = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]
        font = _serif(round(width * 0.028), bold=False)
        for number, day in enumerate(days):
            y = height * (0.18 + 0.105 * number)
            draw.text((width * 0.1, y), day, font=font, fill=ink + (255,))
            for line in range(1, 3):
                draw.line((width * 0.1, y + height * 0.035 * line, width * 0.9, y + height * 0.035 * line),
                          fill=accent + (255,), width=2)  # fmt: skip
        sprig = _motif(spec.motifs[0], round(width * 0.16))
        image.alpha_composite(sprig.rotate(-25, expand=True), (round(width * 0.8), round(height * 0.005)))
        caption_y, text_width = height * 0.07, round(width * 0.6)
    if spec.layout not in ("colouring", "planner"):
        frame = round(short * 0.035)
        draw.rectangle((frame, frame, width - frame, height - frame), outline=ink + (255,), width=max(2, short // 250))
    size_caption = round(short * (0.085 if len(spec.caption) < 14 else 0.06))
    _centered_text(draw, spec.caption, caption_y, width, size_caption, ink + (255,), text_width)
    if spec.subtitle:
        _centered_text(draw, spec.subtitle, caption_y + size_caption * 1.35, width, round(short * 0.035),
                       ink + (255,), text_width, bold=False)  # fmt: skip
    return image.convert("RGB")


def _file(image: Image.Image, name: str, fmt: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"resolution": 150.0} if fmt == "PDF" else {"optimize": True}))
    return ContentFile(buffer.getvalue(), name=name)


def mockup_cover(image: Image.Image, mockup: str) -> Image.Image:
    """The design put into one of the free mock-up templates (catalog/mockups.py, DESIGN_AREAS)."""
    with Image.open(finders.find(f"catalog/mockups/{mockup}")) as template:
        scene = template.convert("RGB")
    left, top, right, bottom = DESIGN_AREAS[mockup]
    design = ImageOps.fit(image, (right - left, bottom - top))
    scene.paste(design, (left, top))
    scene.thumbnail((1200, 1200))
    return scene


def _cover(product, image: Image.Image, *, mockup: str = "colouring-page.png") -> None:
    """The design in a mock-up, saved as the product's cover."""
    scene = mockup_cover(image, mockup)
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=85)
    name = default_storage.save(f"catalog/products/demo/digital-cover-{product.pk}.jpg",
                                ContentFile(buffer.getvalue()))  # fmt: skip
    photo = ProductImage.objects.create(product=product, image=name, position=0, width=scene.width,
                                        height=scene.height)  # fmt: skip
    type(product).objects.filter(pk=product.pk).update(cover=photo)


def _sheet_size(spec: Print) -> tuple[int, int]:
    """The sheet's pixels: the mock-up's rectangle, half as large again (the cover shrinks it to fit)."""
    left, top, right, bottom = DESIGN_AREAS[spec.mockup]
    return (right - left) * 3 // 2, (bottom - top) * 3 // 2


def print_file_add(product, spec: Print, *, seed: int) -> Image.Image:
    """The print file (a PDF) of a product of the printables shop; returns the sheet for its cover."""
    art_sheet = print_design(spec, _sheet_size(spec))
    sold_files.sold_file_add(product=product, title=f"{spec.caption} (PDF для печати)"[:100],
                             upload=_file(art_sheet, f"print-{seed}.pdf", "PDF"))  # fmt: skip
    return art_sheet


def print_description(spec: Print) -> str:
    return DIGITAL_DESCRIPTION.format(about=spec.about)


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
    art_sheet = design(size=(1169, 1654), title="Лесные звери", subtitle="ростомер · A3", seed=7)
    sold_files.sold_file_add(product=poster, title="Постер A3 (PDF)", upload=_file(art_sheet, "rostomer-a3.pdf", "PDF"))
    sold_files.sold_file_add(product=poster, title="Постер A3 (PNG)", upload=_file(art_sheet, "rostomer-a3.png", "PNG"))
    _cover(poster, art_sheet, mockup="poster.png")

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
    # Listed a month ago (the free poster was downloaded two days ago, the cards ordered today).
    listed = timezone.now() - timedelta(days=30)
    Product.objects.filter(pk__in=[poster.pk, cards.pk]).update(created_at=listed, first_on_sale_at=listed)
    ctx.extra["digital"] = {"poster": poster, "cards": cards}
