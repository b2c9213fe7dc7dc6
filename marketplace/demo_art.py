"""Pictures of the demo: product photos, shop logos, banners and collection covers.

Every picture is composed with Pillow from Microsoft's Fluent Emoji 3D (MIT licence, see
``demo_assets/LICENSE.txt``) and shapes drawn here (folded linen, a framed poster, a wooden
pyramid, a belt, earrings …) on surfaces drawn here with fixed seeds: a linen cloth, a wooden
table, kraft paper, plaster, marble, felt, a cutting mat. Only the emoji the demo uses are stored in
the repository (``demo_assets/emoji/``); the seed composes the pictures from them, so filling the
demo needs no network, and the same seed gives the same pictures.

``.venv/bin/python -m marketplace.demo_art --source DIR`` copies the emoji that the demo modules
name (``"1f9f8"``-like strings in ``*/demo*.py``) from the ``assets/`` folder of the npm package
``@lobehub/fluent-emoji-3d`` (``npm pack @lobehub/fluent-emoji-3d`` and unpack it);
``--sheet FILE`` draws a contact sheet of sample pictures to look at.
"""

import argparse
import functools
import io
import math
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

ASSETS = Path(__file__).resolve().parent / "demo_assets"
EMOJI_DIR = ASSETS / "emoji"
PHOTO_SIZE = 800
# Shapes are drawn this many times larger and shrunk: smooth edges without an antialiasing library.
SUPERSAMPLE = 2

Size = tuple[int, int]


def rgb(colour: str) -> tuple[int, int, int]:
    return Image.new("RGB", (1, 1), colour).getpixel((0, 0))


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def font(size: int, *, serif: bool = False, bold: bool = True):
    names = (["DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf"] if serif and bold else
             ["DejaVuSerif.ttf", "LiberationSerif-Regular.ttf"] if serif else
             ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"] if bold else
             ["DejaVuSans.ttf", "LiberationSans-Regular.ttf"])  # fmt: skip
    for name in names:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


# --- Emoji ----------------------------------------------------------------------------------------


@functools.cache
def emoji_image(code: str) -> Image.Image:
    with Image.open(EMOJI_DIR / f"{code}.webp") as image:
        image = image.convert("RGBA")
    return image.crop(image.getchannel("A").point(lambda a: 255 if a > 8 else 0).getbbox())


def _main_hue(hsv: np.ndarray, alpha: np.ndarray) -> float | None:
    """The hue (0..1) of the object's coloured pixels: a circular mean weighted by saturation."""
    weight = (hsv[..., 1] / 255.0) ** 2 * (alpha > 128) * (hsv[..., 1] > 50)
    if weight.sum() < 1:
        return None
    angle = hsv[..., 0] / 255.0 * 2 * np.pi
    return (math.atan2((np.sin(angle) * weight).sum(), (np.cos(angle) * weight).sum()) / (2 * np.pi)) % 1


def recolour(image: Image.Image, *, hue: float | None = None, saturation: float = 1.0, lightness: float = 1.0,
             tint: str | None = None, tint_strength: float = 0.85) -> Image.Image:  # fmt: skip
    """The object in another colour. ``hue`` (degrees) turns its hues so the main one lands there;
    ``tint`` paints it a colour keeping its light and shade (a white mug glazed blue, a cup made
    of wood); ``saturation`` and ``lightness`` scale (0.15 saturation gives grey felt)."""
    alpha = image.getchannel("A")
    if tint is not None:
        grey = ImageOps.autocontrast(image.convert("L"), cutoff=1)
        colour = rgb(tint)
        painted = ImageOps.colorize(grey, black=_mix(colour, (0, 0, 0), 0.72),
                                    white=_mix(colour, (255, 255, 255), 0.55),
                                    mid=colour)  # fmt: skip
        image = Image.blend(image.convert("RGB"), painted, tint_strength)
        image.putalpha(alpha)
    if hue is None and saturation == 1.0 and lightness == 1.0:
        return image
    hsv = np.asarray(image.convert("RGB").convert("HSV"), dtype=np.float32)
    if hue is not None:
        current = _main_hue(hsv, np.asarray(alpha))
        if current is not None:
            hsv[..., 0] = (hsv[..., 0] + (hue / 360 - current) * 255) % 255
    hsv[..., 1] = np.clip(hsv[..., 1] * saturation, 0, 255)
    hsv[..., 2] = np.clip(hsv[..., 2] * lightness, 0, 255)
    result = Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB")
    result.putalpha(alpha)
    return result


def fit(image: Image.Image, box: Size) -> Image.Image:
    """Scaled to fit ``box`` (Lanczos keeps an emoji grown past its 256 px crisp enough)."""
    scale = min(box[0] / image.width, box[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


# --- Surfaces -------------------------------------------------------------------------------------


def _noise(rng: np.random.Generator, size: Size, cell: tuple[float, float]) -> np.ndarray:
    """Smooth value noise in about [0, 1]: random values on a grid of ``cell`` pixels, bicubic between."""
    width, height = size
    columns, rows = math.ceil(width / cell[0]) + 3, math.ceil(height / cell[1]) + 3
    grid = Image.fromarray(rng.random((rows, columns), dtype=np.float32))
    big = grid.resize((round(columns * cell[0]), round(rows * cell[1])), Image.Resampling.BICUBIC)
    left, top = round(cell[0]), round(cell[1])
    return np.asarray(big.crop((left, top, left + width, top + height)), dtype=np.float32)


def _linen(rng, size: Size) -> np.ndarray:
    width, height = size
    warp = np.repeat(rng.normal(0, 1, (1, width // 2 + 1)), 2, axis=1)[:, :width]
    weft = np.repeat(rng.normal(0, 1, (height // 2 + 1, 1)), 2, axis=0)[:height]
    slubs = (_noise(rng, size, (50, 2)) - 0.5) + (_noise(rng, size, (2, 50)) - 0.5)
    folds = _noise(rng, size, (340, 260)) - 0.5
    return 1 + 0.012 * warp + 0.012 * weft + 0.035 * slubs + 0.08 * folds


def _wood(rng, size: Size, plank: int = 200) -> np.ndarray:
    height = size[1]
    y = np.arange(height, dtype=np.float32)[:, None]
    warp = _noise(rng, size, (420, 60)) * 6 + _noise(rng, size, (110, 16)) * 1.4
    fibres = _noise(rng, size, (80, 1.5))
    planks = height // plank + 2
    index = (y // plank).astype(int)
    period = rng.uniform(7, 12, planks).astype(np.float32)[index]
    tone = rng.uniform(0.93, 1.06, planks).astype(np.float32)[index]
    rings = (0.5 + 0.5 * np.sin((y / period + warp) * 2 * np.pi)) ** 3
    shade = (1 - 0.16 * rings - 0.1 * fibres) * tone
    within = (y % plank)[:, 0]
    shade[within < 2] *= 0.6
    shade[within == 2] *= 1.04
    return shade


def _paper(rng, size: Size) -> np.ndarray:
    fibres = (_noise(rng, size, (40, 2)) - 0.5) + (_noise(rng, size, (2, 40)) - 0.5)
    mottle = _noise(rng, size, (220, 220)) - 0.5
    return 1 + 0.03 * (_noise(rng, size, (3, 3)) - 0.5) + 0.03 * fibres + 0.06 * mottle


def _plaster(rng, size: Size) -> np.ndarray:
    return 1 + 0.02 * (_noise(rng, size, (2, 2)) - 0.5) + 0.06 * (_noise(rng, size, (160, 110)) - 0.5)


def _marble(rng, size: Size) -> np.ndarray:
    # Ridged noise: thin veins where smooth noise crosses its middle value, wandering, branching.
    field = _noise(rng, size, (300, 200)) + 0.45 * _noise(rng, size, (90, 70)) + 0.15 * _noise(rng, size, (25, 25))
    veins = np.clip(1 - np.abs(field - np.median(field)) * 9, 0, 1) ** 6
    return 1 - 0.16 * veins - 0.04 * (_noise(rng, size, (160, 160)) - 0.5)


def _felt(rng, size: Size) -> np.ndarray:
    return 1 + 0.06 * (_noise(rng, size, (1.5, 1.5)) - 0.5) + 0.06 * (_noise(rng, size, (70, 70)) - 0.5)


def _mat(rng, size: Size) -> np.ndarray:
    """A modeller's cutting mat: a grid of thin lines every 40 px, a bolder one every 200."""
    shade = _felt(rng, size)
    shade[::40, :] *= 1.18
    shade[:, ::40] *= 1.18
    shade[::200, :] *= 1.25
    shade[:, ::200] *= 1.25
    return shade


SURFACES = {"linen": _linen, "wood": _wood, "paper": _paper, "plaster": _plaster, "marble": _marble,
            "felt": _felt, "mat": _mat}  # fmt: skip


@functools.lru_cache(maxsize=64)
def surface(kind: str, colour: str, size: Size, variant: int = 0) -> Image.Image:
    """A surface in a colour; four variants of each (cached: a demo uses a few dozen)."""
    shade = SURFACES[kind](np.random.default_rng(variant * 7919 + len(kind)), size)
    pixels = np.asarray(rgb(colour), dtype=np.float32) * shade[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


@functools.lru_cache(maxsize=16)
def _light(size: Size, side: float, vignette: float = 0.3) -> Image.Image:
    """Light from a window on one side, corners a little darker: a mask to multiply a scene by."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    dx, dy = x / width - side, y / height - 0.05
    near = 1.0 - 0.22 * np.sqrt(dx * dx + dy * dy)
    cx, cy = x / width - 0.5, y / height - 0.5
    value = np.clip(near * (1 - vignette * (cx * cx + cy * cy) * 2) * 255, 0, 255).astype(np.uint8)
    return Image.fromarray(value).convert("RGB")


# --- Drawn objects --------------------------------------------------------------------------------


def _canvas(size: Size) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGBA", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), (0, 0, 0, 0))
    return image, ImageDraw.Draw(image)


def _done(image: Image.Image) -> Image.Image:
    image = image.resize((image.width // SUPERSAMPLE, image.height // SUPERSAMPLE), Image.Resampling.LANCZOS)
    return image.crop(image.getchannel("A").getbbox())


def _textured(image: Image.Image, kind: str = "linen", strength: float = 1.0) -> Image.Image:
    """A drawn shape given the weave (or grain) of a surface, keeping its alpha."""
    # A mid-grey surface doubled is about white, so multiplying by it keeps the colour and adds the grain.
    grain = surface(kind, "#808080", (512, 512), 1).resize(image.size)
    grain = grain.point(lambda v: min(255, round(v * 2 * strength + 255 * (1 - strength))))
    result = ImageChops.multiply(image.convert("RGB"), grain)
    result.putalpha(image.getchannel("A"))
    return result


def _pattern_fill(pen, box, colour, pattern: str, scale: int) -> None:
    """Stripes or checks over a filled box (drawn before the outline is cut)."""
    left, top, right, bottom = box
    dark = _mix(colour, (40, 40, 50), 0.35) if sum(colour) > 300 else _mix(colour, (255, 255, 255), 0.55)
    if pattern == "stripe":
        for x in range(left, right, scale * 3):
            pen.rectangle((x, top, x + scale, bottom), fill=dark + (255,))
    elif pattern in ("check", "gingham"):
        band = dark + (150,)
        for x in range(left, right, scale * 3):
            pen.rectangle((x, top, x + scale * (2 if pattern == "check" else 1), bottom), fill=band)
        for y in range(top, bottom, scale * 3):
            pen.rectangle((left, y, right, y + scale * (2 if pattern == "check" else 1)), fill=band)


def folded(colour: str, *, layers: int = 3, pattern: str = "plain", width: int = 520, seed: int = 0) -> Image.Image:
    """A stack of folded cloth seen from the front and a little above: towels, napkins, a blanket."""
    rng = random.Random(seed)
    s = SUPERSAMPLE
    base = rgb(colour)
    slab = round(width * 0.17)
    depth = round(width * 0.26)
    height = depth + slab * layers + 24
    image, pen = _canvas((width + 40, height))
    patterned = Image.new("L", image.size, 0)  # where the pattern shows
    marks = ImageDraw.Draw(patterned)
    top = 10 * s
    for number in reversed(range(layers)):  # the bottom one first, each a little shifted
        shift = rng.randint(-width // 40, width // 40) * s if number else 0
        y0 = top + depth * s + number * slab * s - 6 * s
        left, right = 20 * s + shift, (20 + width) * s + shift
        front = (left, y0, right, y0 + slab * s)
        radius = slab * s // 2
        pen.rounded_rectangle(front, radius=radius, fill=_mix(base, (0, 0, 0), 0.16 + 0.03 * number) + (255,))
        # The fold's round front edge: lit along its upper half, soft shade along the lower.
        pen.rounded_rectangle((left + 4 * s, y0 + 3 * s, right - 4 * s, y0 + slab * s * 0.62), radius=radius,
                              fill=_mix(base, (255, 255, 255), 0.04) + (255,))  # fmt: skip
        pen.rounded_rectangle((left + radius // 2, y0 + 6 * s, right - radius // 2, y0 + slab * s * 0.3),
                              radius=radius // 2, fill=_mix(base, (255, 255, 255), 0.14) + (255,))  # fmt: skip
        marks.rounded_rectangle(front, radius=radius, fill=150)
    # The top of the stack: a trapezoid narrowing to the back, a hem stitched along its front.
    inset = width * 0.05 * s
    top_face = [(20 * s + inset, top), ((20 + width) * s - inset, top), ((20 + width) * s, top + depth * s),
                (20 * s, top + depth * s)]  # fmt: skip
    pen.polygon(top_face, fill=_mix(base, (255, 255, 255), 0.1) + (255,))
    marks.polygon(top_face, fill=170)
    if pattern != "plain":
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        _pattern_fill(ImageDraw.Draw(layer), (0, 0, image.width, image.height), base, pattern, max(6, width // 36) * s)
        image.paste(layer, (0, 0), ImageChops.multiply(patterned, layer.getchannel("A")))
    y = top + depth * s - 12 * s
    for x in range(round(20 * s + 30 * s), round((20 + width) * s - 30 * s), 18 * s):
        pen.line((x, y, x + 9 * s, y), fill=_mix(base, (0, 0, 0), 0.3) + (255,), width=2 * s)
    return _textured(_done(image))


def framed(art: Image.Image, *, frame: str = "#b88a5a", paper: str = "#f7f3ea", width: int = 440,
           portrait: bool = True) -> Image.Image:  # fmt: skip
    """A poster in a frame with a white mount: the picture ``art`` in the middle."""
    w = width
    h = round(w * (1.32 if portrait else 0.76))
    border, mount = round(w * 0.055), round(w * 0.09)
    image = Image.new("RGBA", (w, h), rgb(frame) + (255,))
    pen = ImageDraw.Draw(image)
    shade = _mix(rgb(frame), (0, 0, 0), 0.25)
    pen.rectangle((0, 0, w - 1, h - 1), outline=shade + (255,), width=3)
    pen.rectangle((border, border, w - border, h - border), fill=(250, 249, 245, 255))
    pen.rectangle((border, border, w - border, h - border), outline=_mix(rgb(frame), (0, 0, 0), 0.4) + (255,), width=2)
    inner = (border + mount, border + mount, w - border - mount, h - border - mount)
    pen.rectangle(inner, fill=rgb(paper) + (255,))
    box = (inner[2] - inner[0], inner[3] - inner[1])
    piece = fit(art, (round(box[0] * 0.8), round(box[1] * 0.72)))
    image.alpha_composite(piece, (inner[0] + (box[0] - piece.width) // 2, inner[1] + (box[1] - piece.height) // 2))
    # Glass: a faint diagonal reflection.
    glare = Image.new("L", image.size, 0)
    ImageDraw.Draw(glare).polygon([(w * 0.55, 0), (w * 0.8, 0), (w * 0.3, h), (w * 0.05, h)], fill=22)
    image = Image.composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image, glare)
    # The wood grain on the frame only, not on the paper.
    grain = _textured(image, "wood", 0.5)
    moulding = Image.new("L", image.size, 255)
    ImageDraw.Draw(moulding).rectangle((border, border, w - border, h - border), fill=0)
    image.paste(grain, (0, 0), moulding)
    return image


RAINBOW = ["#d9534f", "#f0883e", "#f2c94c", "#6fbf73", "#4a90d9", "#8e6cc9"]
NATURAL = ["#c8955a", "#e2c29a", "#a8703f", "#d8b07e", "#b98050", "#eccfa6"]


def pyramid(colours: list[str], *, width: int = 420, crack: bool = False) -> Image.Image:
    """A stacking-ring pyramid: a wooden base and peg, rings getting smaller, a round top."""
    s = SUPERSAMPLE
    rings = len(colours)
    ring_h = round(width * 0.13)
    height = ring_h * rings + round(width * 0.5)
    image, pen = _canvas((width, height))
    cx = width * s // 2
    base_top = (height - round(width * 0.1)) * s
    pen.rounded_rectangle((cx - width * s * 0.48, base_top, cx + width * s * 0.48, height * s - 2 * s),
                          radius=14 * s, fill=rgb("#b07a45") + (255,))  # fmt: skip
    pen.rounded_rectangle((cx - width * s * 0.45, base_top + 4 * s, cx + width * s * 0.45, base_top + 14 * s),
                          radius=6 * s, fill=rgb("#c99462") + (255,))  # fmt: skip
    for number, colour in enumerate(colours):
        ring_w = width * (0.92 - 0.1 * number)
        y1 = base_top - number * ring_h * s
        y0 = y1 - ring_h * s + 3 * s
        body = rgb(colour)
        pen.rounded_rectangle((cx - ring_w * s / 2, y0, cx + ring_w * s / 2, y1), radius=ring_h * s // 2,
                              fill=_mix(body, (0, 0, 0), 0.12) + (255,))  # fmt: skip
        pen.rounded_rectangle((cx - ring_w * s * 0.44, y0 + 3 * s, cx + ring_w * s * 0.44, y0 + ring_h * s * 0.55),
                              radius=ring_h * s // 3, fill=_mix(body, (255, 255, 255), 0.18) + (255,))  # fmt: skip
        pen.ellipse((cx - ring_w * s * 0.3, y0 + 5 * s, cx - ring_w * s * 0.12, y0 + ring_h * s * 0.35),
                    fill=_mix(body, (255, 255, 255), 0.45) + (255,))  # fmt: skip
    knob_r = ring_h * s * 0.75
    knob_y = base_top - rings * ring_h * s - knob_r + 6 * s
    pen.ellipse((cx - knob_r, knob_y - knob_r, cx + knob_r, knob_y + knob_r), fill=rgb(colours[-1]) + (255,))
    pen.ellipse((cx - knob_r * 0.55, knob_y - knob_r * 0.7, cx - knob_r * 0.05, knob_y - knob_r * 0.2),
                fill=_mix(rgb(colours[-1]), (255, 255, 255), 0.5) + (255,))  # fmt: skip
    if crack:  # the complaint's photo: a split along the second ring, paint flaking off
        y = base_top - ring_h * s * 1.5
        points = [(cx - width * s * 0.36 + step * width * s * 0.08, y + (-1) ** step * 6 * s) for step in range(9)]
        pen.line(points, fill=(45, 28, 18, 255), width=4 * s)
        for dx in (-0.2, 0.05, 0.22):
            pen.ellipse((cx + width * s * dx, y + 10 * s, cx + width * s * dx + 22 * s, y + 24 * s),
                        fill=rgb("#e8cfa8") + (255,))  # fmt: skip
    return _textured(_done(image), "wood", 0.5)


def board(colour: str, *, width: int = 330, round_: bool = False) -> Image.Image:
    """A cutting or serving board of wood with a handle and a hole for a string, seen from above."""
    s = SUPERSAMPLE
    height = round(width * (1.0 if round_ else 1.75))
    image, pen = _canvas((width, height))
    if round_:
        pen.ellipse((4 * s, round(height * 0.18) * s, (width - 4) * s, (height - 4) * s), fill=(255, 255, 255, 255))
        pen.rounded_rectangle(((width // 2 - 26) * s, 0, (width // 2 + 26) * s, round(height * 0.32) * s),
                              radius=22 * s, fill=(255, 255, 255, 255))  # fmt: skip
        hole = (width // 2, round(height * 0.08))
    else:
        pen.rounded_rectangle((4 * s, round(height * 0.2) * s, (width - 4) * s, (height - 4) * s), radius=36 * s,
                              fill=(255, 255, 255, 255))  # fmt: skip
        pen.rounded_rectangle(((width // 2 - 46) * s, 0, (width // 2 + 46) * s, round(height * 0.3) * s),
                              radius=40 * s, fill=(255, 255, 255, 255))  # fmt: skip
        hole = (width // 2, round(height * 0.075))
    pen.ellipse(((hole[0] - 12) * s, (hole[1] - 12) * s, (hole[0] + 12) * s, (hole[1] + 12) * s), fill=(0, 0, 0, 0))
    shape = _done(image).getchannel("A")
    grain = surface("wood", colour, (height, height), 2).rotate(90).crop((0, 0, shape.width, shape.height))
    result = grain.convert("RGBA")
    # A bevelled edge: darker outline, lighter just inside it.
    edge = shape.filter(ImageFilter.MinFilter(9))
    result = Image.composite(result, ImageChops.multiply(result, Image.new("RGBA", result.size, (205, 190, 175, 255))),
                             edge)  # fmt: skip
    result.putalpha(shape)
    return result


def belt(colour: str, *, length: int = 860, buckle: str = "#c9a45c") -> Image.Image:
    """A leather belt laid across the table, its buckle on the left, holes on the right."""
    s = SUPERSAMPLE
    band = round(length * 0.09)
    image, pen = _canvas((length, band + 40))
    top = 20 * s
    body = rgb(colour)
    pen.rounded_rectangle((60 * s, top, length * s - 4 * s, top + band * s), radius=band * s // 2,
                          fill=body + (255,))  # fmt: skip
    pen.rectangle((60 * s, top, length * s * 0.6, top + band * s), fill=body + (255,))
    pen.rectangle((60 * s, top + 2 * s, (length - 30) * s, top + band * s * 0.35),
                  fill=_mix(body, (255, 255, 255), 0.1) + (255,))  # fmt: skip
    for y in (top + 7 * s, top + band * s - 7 * s):  # stitching
        for x in range(80 * s, (length - band) * s, 16 * s):
            pen.line((x, y, x + 8 * s, y), fill=_mix(body, (255, 255, 255), 0.45) + (255,), width=2 * s)
    for number in range(5):
        x = (length - band * 2.2 - number * band * 0.9) * s
        pen.ellipse(
            (x - 6 * s, top + band * s / 2 - 6 * s, x + 6 * s, top + band * s / 2 + 6 * s), fill=(25, 15, 10, 255)
        )
    metal = rgb(buckle)
    pen.rounded_rectangle((4 * s, top - 12 * s, 84 * s, top + band * s + 12 * s), radius=12 * s,
                          outline=metal + (255,), width=11 * s)  # fmt: skip
    pen.rounded_rectangle((8 * s, top - 8 * s, 80 * s, top + band * s + 8 * s), radius=10 * s,
                          outline=_mix(metal, (255, 255, 255), 0.5) + (255,), width=3 * s)  # fmt: skip
    pen.rectangle((40 * s, top + band * s / 2 - 4 * s, 110 * s, top + band * s / 2 + 4 * s), fill=metal + (255,))
    pen.rectangle((96 * s, top - 4 * s, 118 * s, top + band * s + 4 * s), fill=_mix(body, (0, 0, 0), 0.2) + (255,))
    return _textured(_done(image), "felt", 0.8)


def apron(colour: str, *, width: int = 420, pattern: str = "plain", pocket: bool = True) -> Image.Image:
    """A cook's apron laid flat: a bib, a neck loop, waist ties and a pocket."""
    s = SUPERSAMPLE
    base = rgb(colour)
    height = round(width * 1.45)
    image, pen = _canvas((width + 200, height + 40))
    cx = (width // 2 + 100) * s
    bib_w, body_w = width * 0.5 * s, width * s
    y_bib, y_waist, y_hem = 90 * s, round(height * 0.36) * s, height * s
    outline = [(cx - bib_w / 2, y_bib), (cx + bib_w / 2, y_bib), (cx + bib_w / 2 + 10 * s, y_waist - 70 * s),
               (cx + body_w / 2, y_waist), (cx + body_w / 2, y_hem), (cx - body_w / 2, y_hem),
               (cx - body_w / 2, y_waist), (cx - bib_w / 2 - 10 * s, y_waist - 70 * s)]  # fmt: skip
    strap = _mix(base, (0, 0, 0), 0.15) + (255,)
    pen.arc((cx - bib_w * 0.42, 10 * s, cx + bib_w * 0.42, y_bib + 120 * s), 180, 360, fill=strap, width=14 * s)
    for side in (-1, 1):
        x = cx + side * body_w / 2
        pen.line((x, y_waist + 12 * s, x + side * 90 * s, y_waist + 60 * s, x + side * 70 * s, y_waist + 140 * s),
                 fill=strap, width=14 * s, joint="curve")  # fmt: skip
    pen.polygon(outline, fill=base + (255,))
    if pattern != "plain":
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        _pattern_fill(ImageDraw.Draw(layer), (0, 0, image.width, image.height), base, pattern, 10 * s)
        mask = Image.new("L", image.size, 0)
        ImageDraw.Draw(mask).polygon(outline, fill=150)
        image.paste(layer, (0, 0), ImageChops.multiply(mask, layer.getchannel("A")))
    if pocket:
        pocket_box = (
            cx - width * 0.22 * s,
            y_waist + 90 * s,
            cx + width * 0.22 * s,
            y_waist + 90 * s + width * 0.3 * s,
        )
        seam = _mix(base, (0, 0, 0), 0.25) + (255,)
        pen.rectangle(pocket_box, fill=_mix(base, (0, 0, 0), 0.06) + (255,), outline=seam, width=2 * s)
        pen.line((cx, pocket_box[1], cx, pocket_box[3]), fill=_mix(base, (0, 0, 0), 0.25) + (255,), width=2 * s)
    hem = _mix(base, (0, 0, 0), 0.25) + (255,)
    for x in range(round(cx - body_w / 2 + 14 * s), round(cx + body_w / 2 - 14 * s), 16 * s):
        pen.line((x, y_hem - 16 * s, x + 8 * s, y_hem - 16 * s), fill=hem, width=2 * s)
    return _textured(_done(image))


def jewellery(charm: Image.Image, *, pair: bool = True, metal: str = "#c9ccd1", chain: bool = False,
              charm_size: int = 190) -> Image.Image:  # fmt: skip
    """Earrings (a pair of ear wires with a charm each) or a pendant on a chain, in silver."""
    s = SUPERSAMPLE
    charm = fit(charm, (charm_size, charm_size))
    colour = rgb(metal)
    if chain:
        width, height = 520, 560
        image, pen = _canvas((width, height))
        pen.arc((20 * s, -300 * s, (width - 20) * s, (height - charm.height - 10) * s * 1.0 + 0 * s), 20, 160,
                fill=colour + (255,), width=3 * s)  # fmt: skip
        for x in range(40, width - 40, 14):  # chain links catching light
            t = (x - width / 2) / (width / 2)
            y = (height - charm.height - 60) - 380 * (t * t) * 0.55
            pen.ellipse(
                ((x - 3) * s, (y - 2) * s, (x + 3) * s, (y + 2) * s), fill=_mix(colour, (255, 255, 255), 0.6) + (255,)
            )
        done = _done(image)
        result = Image.new("RGBA", (done.width, done.height + charm.height), (0, 0, 0, 0))
        result.alpha_composite(done, (0, 0))
        result.alpha_composite(charm, ((result.width - charm.width) // 2, done.height - 14))
        return result
    single_w, wire_h = charm.width + 20, round(charm_size * 0.7)
    image, pen = _canvas((single_w, wire_h))
    cx, r = single_w // 2 * s, round(charm_size * 0.24) * s
    shine = _mix(colour, (255, 255, 255), 0.6) + (255,)
    pen.arc((cx - r, 8 * s, cx + r, 8 * s + 2 * r), 170, 360, fill=colour + (255,), width=7 * s)
    pen.arc((cx - r + 3 * s, 10 * s, cx + r - 3 * s, 6 * s + 2 * r), 200, 300, fill=shine, width=2 * s)
    pen.line((cx + r - 3 * s, 8 * s + r, cx + r - 8 * s, 8 * s + 1.8 * r), fill=colour + (255,), width=6 * s)
    pen.line((cx - r + 3 * s, 8 * s + r, cx, (wire_h - 14) * s), fill=colour + (255,), width=6 * s)
    pen.ellipse((cx - 10 * s, (wire_h - 22) * s, cx + 10 * s, (wire_h - 2) * s), outline=colour + (255,), width=5 * s)
    wire = image.resize((image.width // s, image.height // s), Image.Resampling.LANCZOS)
    one = Image.new("RGBA", (single_w, wire_h + charm.height - 6), (0, 0, 0, 0))
    one.alpha_composite(wire, (0, 0))
    one.alpha_composite(charm, ((single_w - charm.width) // 2, wire_h - 10))
    if not pair:
        return one
    both = Image.new("RGBA", (single_w * 2 + 40, one.height + 40), (0, 0, 0, 0))
    both.alpha_composite(one, (0, 0))
    both.alpha_composite(one.rotate(-8, resample=Image.Resampling.BICUBIC), (single_w + 40, 30))
    return both.crop(both.getchannel("A").getbbox())


# --- What a photo shows, and where ----------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """Where a shop takes its photos: the table or cloth, the wall behind (None: a flat lay seen
    from above), the small things lying around, the colour grade (+ warmer, − cooler)."""

    floor: tuple[str, str]
    wall: tuple[str, str] | None = None
    props: tuple[str, ...] = ()
    warmth: float = 0.0


@dataclass(frozen=True)
class Subject:
    """What a photo shows. ``kind`` is an emoji (``code``) or a drawn object; ``count`` copies
    stand side by side (``codes`` gives each its own emoji); the colour arguments go to recolour."""

    code: str = ""
    kind: str = "emoji"
    count: int = 1
    codes: tuple[str, ...] = ()
    hue: float | None = None
    saturation: float = 1.0
    lightness: float = 1.0
    tint: str | None = None
    tint_strength: float = 0.85
    colour: str = "#c8b89a"  # drawn objects: the cloth, the leather, the frame, the wood
    colours: tuple[str, ...] = ()  # the pyramid's rings
    pattern: str = "plain"
    scale: float = 1.0
    extras: tuple[str, ...] = ()  # emoji placed beside it (a lemon by the candle)
    flat: bool | None = None  # force a flat lay (belts, boards, aprons) or a table scene


def _drawn(subject: Subject, code: str, seed: int, box: int, *, crack: bool = False) -> Image.Image:
    """The subject's picture at about ``box`` pixels, before placement."""

    def tinted(emoji_code):
        return recolour(
            emoji_image(emoji_code), hue=subject.hue, saturation=subject.saturation, lightness=subject.lightness,
            tint=subject.tint, tint_strength=subject.tint_strength,
        )  # fmt: skip

    kind = subject.kind
    if kind == "emoji":
        return fit(tinted(code), (round(box * 1.1), box))
    if kind == "folded":
        layers = {1: 2, 2: 2}.get(subject.count, 3)
        return folded(subject.colour, layers=layers, pattern=subject.pattern, width=round(box * 1.22), seed=seed)
    if kind == "poster":
        return framed(emoji_image(code), frame=subject.colour, paper=subject.tint or "#f4efe4",
                      width=round(box * 0.92))  # fmt: skip
    if kind == "pyramid":
        return pyramid(list(subject.colours or RAINBOW[:5]), width=round(box * 0.8), crack=crack)
    if kind == "board":
        return board(subject.colour, width=round(box * 0.74), round_=subject.pattern == "round")
    if kind == "belt":
        return belt(subject.colour, length=round(box * 1.5), buckle=subject.tint or "#c9a45c")
    if kind == "apron":
        return apron(subject.colour, width=round(box * 0.75), pattern=subject.pattern)
    if kind in ("earrings", "pendant"):
        return jewellery(tinted(code), pair=kind == "earrings", chain=kind == "pendant", charm_size=round(box * 0.36))
    raise ValueError(f"Unknown subject kind: {kind}")


def _backdrop(look: Look, size: int, rng: random.Random) -> tuple[Image.Image, bool, int]:
    variant, side, horizon = rng.randrange(2), rng.choice([0.12, 0.88]), 0.45
    return _backdrop_cached(look, size, variant, side, horizon), look.wall is None, round(size * horizon)


@functools.lru_cache(maxsize=32)
def _backdrop_cached(look: Look, size: int, variant: int, side: float, horizon: float) -> Image.Image:
    """The floor (and the wall above the horizon) in window light; cached, a shop reuses a few."""
    dims = (size, size)
    floor = surface(look.floor[0], look.floor[1], dims, variant)
    if variant % 2:
        floor = floor.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    if look.wall is None:
        scene = floor.copy()
    else:
        line = round(size * horizon)
        scene = surface(look.wall[0], look.wall[1], dims, variant).copy()
        # The table seen at an angle: squeezed under the horizon, its far edge a little out of focus.
        table = floor.resize((size, size - line), Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(1.0))
        fade = Image.linear_gradient("L").resize((size, size - line)).point(lambda v: round(205 + v * 50 / 255))
        table = ImageChops.multiply(table, fade.convert("RGB"))
        scene.paste(table, (0, line))
        edge = Image.new("L", dims, 255)
        ImageDraw.Draw(edge).rectangle((0, line - 3, size, line + 4), fill=200)
        scene = ImageChops.multiply(scene, edge.filter(ImageFilter.GaussianBlur(4)).convert("RGB"))
    return ImageChops.multiply(scene, _light(dims, side))


def _lighten(layer: Image.Image, patch: Image.Image, position: tuple[int, int]) -> None:
    """Put ``patch`` on ``layer`` where it is lighter, clipped to the layer."""
    x, y = position
    left, top = max(x, 0), max(y, 0)
    right, bottom = min(x + patch.width, layer.width), min(y + patch.height, layer.height)
    if right <= left or bottom <= top:
        return
    piece = patch.crop((left - x, top - y, right - x, bottom - y))
    layer.paste(ImageChops.lighter(layer.crop((left, top, right, bottom)), piece), (left, top))


def _shadow(layer: Image.Image, item: Image.Image, position: tuple[int, int], *, flat: bool, strength: float,
            scale: float) -> None:  # fmt: skip
    """Add an item's shadow to ``layer`` (``scale`` times the photo; white = full shadow): dropped
    for a flat lay, a contact shadow and a low cast one for a standing object."""
    width, height = max(1, round(item.width * scale)), max(1, round(item.height * scale))
    alpha = item.getchannel("A").resize((width, height), Image.Resampling.BILINEAR)
    x, y = round(position[0] * scale), round(position[1] * scale)
    if flat:
        _lighten(layer, alpha.point(lambda a: round(a * strength)), (x + width // 40 + 4, y + height // 30 + 5))
        return
    contact = Image.new("L", (width, max(2, round(height * 0.1))), 0)
    ImageDraw.Draw(contact).ellipse((width * 0.12, 0, width * 0.88, contact.height - 1), fill=round(255 * strength))
    _lighten(layer, contact, (x, y + height - contact.height // 2))
    low = alpha.resize((width, max(1, height // 6))).point(lambda a: round(a * strength * 0.6))
    _lighten(layer, low, (x + round(30 * scale), y + height - low.height // 2))


def _placements(count: int, item: Size, size: int, floor_y: int, *, flat: bool, rng: random.Random):
    """Top-left corners and shrink factors of ``count`` copies, the back ones first."""
    width, height = item
    cx = size // 2 + rng.randint(-size // 40, size // 40)
    if flat:
        cy = size // 2 + rng.randint(-size // 50, size // 50)
        if count == 1:
            return [(cx - width // 2, cy - height // 2, 1.0)]
        if count == 2:
            return [(cx - width + width // 5, cy - height // 2 - height // 8, 0.92),
                    (cx - width // 5, cy - height // 2 + height // 8, 1.0)]  # fmt: skip
        return [(cx - width - width // 8, cy - height // 2 - height // 6, 0.86),
                (cx + width // 8, cy - height // 2 - height // 6, 0.86),
                (cx - width // 2, cy - height // 2 + height // 5, 1.0)]  # fmt: skip
    if count == 1:
        return [(cx - width // 2, floor_y - height, 1.0)]
    if count == 2:
        return [(cx - width + width // 6, floor_y - height - size // 24, 0.9), (cx - width // 6, floor_y - height, 1.0)]
    return [(cx - width - width // 10, floor_y - height - size // 18, 0.84),
            (cx + width // 10, floor_y - height - size // 18, 0.84),
            (cx - width // 2, floor_y - height, 1.0)]  # fmt: skip


def compose(subject: Subject, look: Look, *, seed: int, size: int = PHOTO_SIZE, crack: bool = False) -> Image.Image:
    """A product photo: the object large in the middle of the shop's table, its shadow, a prop or two."""
    rng = random.Random(seed)
    scene, flat, horizon = _backdrop(look, size, rng)
    flat = subject.flat if subject.flat is not None else flat
    if flat and look.wall is not None:
        scene = _backdrop_cached(Look(look.floor), size, rng.randrange(2), 0.12, 0.45)
    scene = scene.copy()
    floor_y = round(size * rng.uniform(0.82, 0.86))
    items: list[tuple[Image.Image, tuple[int, int], float]] = []
    # Props at the edges, half out of the frame, behind the object.
    props = list(look.props)
    rng.shuffle(props)
    spots = ([(-0.07, -0.05), (0.8, -0.06), (-0.09, 0.76), (0.81, 0.77)] if flat else
             [(-0.08, 0.62), (0.84, 0.64)])  # fmt: skip
    rng.shuffle(spots)
    for code, (fx, fy) in zip(props[: rng.choice([1, 2])], spots, strict=False):
        prop = fit(emoji_image(code), (round(size * 0.27), round(size * 0.27)))
        prop = prop.rotate(rng.uniform(-40, 40), resample=Image.Resampling.BICUBIC, expand=True)
        if not flat:
            prop = prop.filter(ImageFilter.GaussianBlur(1.6))
        items.append((prop, (round(fx * size), round(fy * size)), 0.22))
    # The object: copies of it for a set, the front one last.
    box = round(size * (0.6 if subject.count == 1 else 0.44) * subject.scale)
    codes = subject.codes or (subject.code,) * max(1, subject.count)
    if subject.kind == "folded":
        codes = (subject.code,)  # a stack is one picture, however many pieces
    pictures = [_drawn(subject, code, seed + number, box, crack=crack) for number, code in enumerate(codes)]
    if flat and subject.kind in ("emoji", "earrings", "pendant") and rng.random() < 0.6:
        turn = rng.uniform(-12, 12)
        pictures = [picture.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True) for picture in pictures]
    if subject.kind == "belt":
        pictures = [picture.rotate(28, resample=Image.Resampling.BICUBIC, expand=True) for picture in pictures]
    biggest = (max(p.width for p in pictures), max(p.height for p in pictures))
    for picture, (x, y, shrink) in zip(pictures, _placements(len(pictures), biggest, size, floor_y, flat=flat, rng=rng),
                                       strict=True):  # fmt: skip
        if shrink != 1.0:
            picture = picture.resize((round(picture.width * shrink), round(picture.height * shrink)),
                                     Image.Resampling.LANCZOS)  # fmt: skip
        y += biggest[1] - picture.height if not flat else 0
        x += (biggest[0] - picture.width) // 2
        items.append((picture, (x, y), 0.42))
    for number, code in enumerate(subject.extras):
        extra = fit(emoji_image(code), (round(size * 0.24), round(size * 0.24)))
        left = items[-1][1][0]
        ex = left - extra.width + size // 30 if number % 2 else left + items[-1][0].width - size // 30
        ex = min(max(ex, size // 40), size - extra.width - size // 40)
        ey = floor_y - extra.height if not flat else round(size * 0.66)
        items.append((extra, (ex, ey), 0.32))
    # Shadows are soft: drawn and blurred at half the size, then stretched back.
    shade = Image.new("L", (size // 2, size // 2), 0)
    for picture, position, strength in items:
        _shadow(shade, picture, position, flat=flat, strength=strength, scale=0.5)
    shade = shade.filter(ImageFilter.GaussianBlur(size / 110)).point(lambda v: 255 - v)
    scene = ImageChops.multiply(scene, shade.resize((size, size), Image.Resampling.BILINEAR).convert("RGB"))
    for picture, position, _strength in items:
        scene.paste(picture, position, picture)
    return grade(scene, look.warmth)


@functools.lru_cache(maxsize=8)
def _grade_tables(warmth: float) -> list[int]:
    red = [min(255, round(v * (1.05 + 0.05 * warmth) + 4)) for v in range(256)]
    green = [min(255, round(v * 1.05 + 4)) for v in range(256)]
    blue = [min(255, round(v * (1.05 - 0.06 * warmth) + 4)) for v in range(256)]
    return red + green + blue


def grade(image: Image.Image, warmth: float = 0.0) -> Image.Image:
    """A photo's colour grade: a touch warmer or cooler, lifted shadows."""
    return image.point(_grade_tables(round(warmth, 2)))


# --- Shop pictures --------------------------------------------------------------------------------


def logo(emblem: str, colours: tuple[str, str], *, size: int = 240) -> Image.Image:
    """A shop's logo: its emblem on a round badge of the shop's colours with a stitched ring."""
    s = SUPERSAMPLE
    dark, light = rgb(colours[0]), rgb(colours[1])
    image = Image.new("RGB", (size * s, size * s), "white")
    pen = ImageDraw.Draw(image)
    pad = 6 * s
    disc = Image.linear_gradient("L").resize((size * s, size * s)).rotate(35)
    fill = Image.composite(
        Image.new("RGB", image.size, dark), Image.new("RGB", image.size, _mix(light, dark, 0.25)), disc
    )
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).ellipse((pad, pad, size * s - pad, size * s - pad), fill=255)
    image.paste(fill, (0, 0), mask)
    ring = round(size * s * 0.075)
    pen.ellipse((pad + ring, pad + ring, size * s - pad - ring, size * s - pad - ring),
                outline=_mix(light, (255, 255, 255), 0.5), width=2 * s)  # fmt: skip
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    art = fit(emoji_image(emblem), (round(size * 0.56), round(size * 0.56)))
    shadow = Image.new("L", image.size, 0)
    position = ((size - art.width) // 2, (size - art.height) // 2)
    shadow.paste(art.getchannel("A").point(lambda a: a // 3), (position[0] + 4, position[1] + 6))
    image = ImageChops.multiply(
        image, shadow.filter(ImageFilter.GaussianBlur(5)).point(lambda v: 255 - v).convert("RGB")
    )
    image.paste(art, position, art)
    return image


def banner(look: Look, emblems: list[Subject], *, size: Size = (1600, 400), seed: int = 0) -> Image.Image:
    """A wide flat lay of the shop's things on its table, spread so a phone's crop keeps most of them."""
    rng = random.Random(seed)
    width, height = size
    floor = surface(look.floor[0], look.floor[1], (width, height), rng.randrange(2))
    light = _light((width, height), 0.3, 0.2)
    scene = ImageChops.multiply(floor, light)
    count = len(emblems)
    shade = Image.new("L", size, 0)
    items = []
    for number, subject in enumerate(emblems):
        box = round(height * (0.62 if number % 2 == 0 else 0.5))
        picture = _drawn(subject, subject.code, seed + number, box)
        picture = fit(picture, (round(box * 1.4), box)).rotate(rng.uniform(-14, 14), resample=Image.Resampling.BICUBIC,
                                                                expand=True)  # fmt: skip
        x = round(width * (0.1 + 0.8 * (number + 0.5) / count) - picture.width / 2)
        y = round(height * (0.5 + (0.06 if number % 2 else -0.04)) - picture.height / 2)
        items.append((picture, (x, y)))
        _shadow(shade, picture, (x, y), flat=True, strength=0.4, scale=1)
    for code, fx, fy in ((look.props[0], -0.02, -0.2), (look.props[-1], 0.93, 0.55)) if look.props else ():
        prop = fit(emoji_image(code), (round(height * 0.5), round(height * 0.5))).rotate(rng.uniform(-40, 40),
                                                                                          expand=True)  # fmt: skip
        items.insert(0, (prop, (round(fx * width), round(fy * height))))
        _shadow(shade, prop, (round(fx * width), round(fy * height)), flat=True, strength=0.25, scale=1)
    shade = shade.filter(ImageFilter.GaussianBlur(9)).point(lambda v: 255 - v)
    scene = ImageChops.multiply(scene, shade.convert("RGB"))
    for picture, position in items:
        scene.paste(picture, position, picture)
    return grade(scene, look.warmth)


# --- Files ----------------------------------------------------------------------------------------


def encoded(image: Image.Image, fmt: str = "WEBP", *, quality: int = 80) -> bytes:
    """The picture as file bytes: WebP (method 2, quick to make) or JPEG."""
    buffer = io.BytesIO()
    if fmt == "WEBP":
        image.save(buffer, "WEBP", quality=quality, method=2)
    else:
        image.convert("RGB").save(buffer, fmt, quality=quality, optimize=True)
    return buffer.getvalue()


# --- Command line ---------------------------------------------------------------------------------

CODE = re.compile(r'"((?:[0-9a-f]{4,5})(?:-[0-9a-f]{4,5})*)"')


def used_codes(root: Path) -> set[str]:
    """Emoji codes named in the project's demo modules and in this one."""
    codes = set()
    for path in [*root.glob("*/demo*.py"), Path(__file__)]:
        codes.update(CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def copy_emoji(source: Path, root: Path) -> list[str]:
    EMOJI_DIR.mkdir(parents=True, exist_ok=True)
    copied = []
    for code in sorted(used_codes(root)):
        if (source / f"{code}.webp").exists():
            shutil.copyfile(source / f"{code}.webp", EMOJI_DIR / f"{code}.webp")
            copied.append(code)
    for stale in EMOJI_DIR.glob("*.webp"):
        if stale.stem not in copied:
            stale.unlink()
    return copied


def sample_sheet() -> Image.Image:
    """Samples of the drawn objects and surfaces, to look at after changing this module."""
    looks = [Look(("linen", "#e6dccb"), ("plaster", "#efe7da"), ("1f33f",), 0.5),
             Look(("wood", "#c39767"), None, ("1f33f", "1f343"), 0.5),
             Look(("marble", "#efece8"), ("plaster", "#dde5e2"), ("1f33f",), -0.2),
             Look(("mat", "#3f6b52"), None, ("1f4d0",), 0.0)]  # fmt: skip
    subjects = [Subject("2615", tint="#3f7fa8"), Subject(kind="folded", colour="#9a9a94"),
                Subject("1f98a", kind="poster", colour="#b88a5a"), Subject(kind="pyramid"),
                Subject(kind="belt", colour="#8a4b24", flat=True), Subject(kind="apron", colour="#596b4a", flat=True),
                Subject("1f48e", kind="earrings", hue=280),
                Subject(kind="board", colour="#c08a55", flat=True)]  # fmt: skip
    sheet = Image.new("RGB", (4 * 400, 2 * 400), "white")
    for number, subject in enumerate(subjects):
        photo = compose(subject, looks[number % len(looks)], seed=number)
        sheet.paste(photo.resize((400, 400)), ((number % 4) * 400, (number // 4) * 400))
    return sheet


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", help="the assets/ folder of @lobehub/fluent-emoji-3d")
    parser.add_argument("--sheet", help="write a contact sheet of sample pictures to this PNG")
    args = parser.parse_args(argv)
    if args.source:
        copied = copy_emoji(Path(args.source), Path(__file__).resolve().parent.parent)
        print(f"{len(copied)} emoji in {EMOJI_DIR}")
    if args.sheet:
        sample_sheet().save(args.sheet)
        print(f"Sample sheet: {args.sheet}")
    if not (args.source or args.sheet):
        parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
