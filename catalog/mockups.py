"""Free mock-up templates for digital products' covers (seed 001, «Как создать электронный товар?»).

A digital product's cover must be a photo or a mock-up, never the bare scheme or a collage; these
three pictures (a postcard on a table, a colouring page on a desk, a poster on a wall) leave an
empty rectangle for the seller's design. They are drawn here, with fixed seeds, so the PNGs shipped
in static/catalog/mockups/ have a known origin and can be rebuilt:
``.venv/bin/python -m catalog.mockups``.
"""

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageDraw, ImageFilter

# (slug, title, file in static/catalog/mockups/): the cabinet's «Free cover templates» card.
MOCKUPS = [
    ("postcard", _("Postcard"), "postcard.png"),
    ("colouring-page", _("Colouring page"), "colouring-page.png"),
    ("poster", _("Poster"), "poster.png"),
]

# Where the design goes in each picture, (left, top, right, bottom) in pixels: the marked empty
# rectangle (a postcard A6 landscape, a sheet A4 portrait, a poster 1:√2 in its frame).
DESIGN_AREAS = {
    "postcard.png": (400, 290, 1240, 884),
    "colouring-page.png": (170, 90, 905, 1130),
    "poster.png": (350, 192, 850, 899),
}

# Masks are drawn this many times larger and shrunk: smooth edges without an antialiasing library.
SUPERSAMPLE = 3
# Palette colours of the saved PNG: the textures stay photo-like, each file well under 400 KB.
PNG_COLOURS = 224
# A colour's weight in choosing the palette is its pixel count to this power (see _palette_image).
PALETTE_WEIGHT = 0.9

Size = tuple[int, int]
Box = tuple[int, int, int, int]


# --- Building blocks ------------------------------------------------------------------------------


def _noise(rng: np.random.Generator, size: Size, cell: tuple[float, float]) -> np.ndarray:
    """Smooth value noise in about [0, 1]: random values on a grid of ``cell`` pixels, bicubic between."""
    width, height = size
    columns, rows = math.ceil(width / cell[0]) + 3, math.ceil(height / cell[1]) + 3
    grid = Image.fromarray(rng.random((rows, columns), dtype=np.float32))
    big = grid.resize((round(columns * cell[0]), round(rows * cell[1])), Image.Resampling.BICUBIC)
    left, top = round(cell[0]), round(cell[1])
    return np.asarray(big.crop((left, top, left + width, top + height)), dtype=np.float32)


def _mask(size: Size, draw: Callable[[ImageDraw.ImageDraw, int], None], blur: float = 0) -> np.ndarray:
    """A soft-edged coverage mask in [0, 1]: ``draw(pen, scale)`` paints white at ``scale`` times the size."""
    big = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    draw(ImageDraw.Draw(big), SUPERSAMPLE)
    mask = big.resize(size, Image.Resampling.BOX)
    if blur:
        mask = mask.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(mask, dtype=np.float32) / 255


def _polygon(points) -> Callable[[ImageDraw.ImageDraw, int], None]:
    return lambda pen, scale: pen.polygon([(x * scale, y * scale) for x, y in points], fill=255)


def _rectangle(box: Box, radius: float = 0) -> Callable[[ImageDraw.ImageDraw, int], None]:
    return lambda pen, scale: pen.rounded_rectangle([v * scale for v in box], radius=radius * scale, fill=255)


def _rotated(center: tuple[float, float], width: float, height: float, degrees: float) -> list[tuple[float, float]]:
    """Corners of a rectangle turned clockwise by ``degrees`` about its centre."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    corners = [(-width / 2, -height / 2), (width / 2, -height / 2), (width / 2, height / 2), (-width / 2, height / 2)]
    return [(center[0] + x * cos - y * sin, center[1] + x * sin + y * cos) for x, y in corners]


def _turned(texture: np.ndarray, *, center: tuple[float, float], degrees: float, size: Size) -> np.ndarray:
    """A texture drawn square to its own edges, turned like ``_rotated`` and centred on ``center``."""
    turned = []
    for channel in range(3):
        band = Image.fromarray(np.ascontiguousarray(texture[..., channel]))
        band = band.rotate(-degrees, resample=Image.Resampling.BICUBIC, expand=True)
        canvas = Image.new("F", size, 0)
        canvas.paste(band, (round(center[0] - band.width / 2), round(center[1] - band.height / 2)))
        turned.append(np.asarray(canvas))
    return np.stack(turned, axis=-1)


def _paint(scene: np.ndarray, mask: np.ndarray, colour) -> None:
    """Lay ``colour`` (an RGB triple or an image-sized array) over the scene where ``mask`` covers it."""
    colour = np.asarray(colour, dtype=np.float32)
    scene += (colour - scene) * mask[..., None]


def _shadow(scene: np.ndarray, mask: np.ndarray, *, offset: tuple[int, int], blur: float, strength: float) -> None:
    """A soft shadow of a shape: its mask moved by ``offset``, blurred, darkening what lies under it."""
    dx, dy = offset
    height, width = mask.shape
    shifted = np.zeros_like(mask)
    shifted[max(dy, 0) : height + min(dy, 0), max(dx, 0) : width + min(dx, 0)] = mask[
        max(-dy, 0) : height - max(dy, 0), max(-dx, 0) : width - max(dx, 0)
    ]
    soft = Image.fromarray((shifted * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur))
    scene *= 1 - strength * (np.asarray(soft, dtype=np.float32) / 255)[..., None]


def _light(size: Size, *, source: tuple[float, float], falloff: float, vignette: float, gain=1.1) -> np.ndarray:
    """Light falling on a scene from a point (fractions of the size): ``gain`` near it, darker away and in corners."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    dx, dy = x / width - source[0], y / height - source[1]
    near = gain - falloff * np.sqrt(dx * dx + dy * dy)
    cx, cy = x / width - 0.5, y / height - 0.5
    return near * (1 - vignette * (cx * cx + cy * cy) * 2)


def _wood(rng: np.random.Generator, size: Size, *, plank: int, light, dark, gap=(60, 42, 30), joints=2) -> np.ndarray:
    """A table top of planks running across, seen from above: warped grain, fibres, a tone per plank."""
    width, height = size
    y = np.arange(height, dtype=np.float32)[:, None]
    warp = _noise(rng, size, (420, 70)) * 7 + _noise(rng, size, (110, 18)) * 1.6
    fibres = _noise(rng, size, (90, 1.6))
    blotches = _noise(rng, size, (260, 120))
    index = (y // plank).astype(int)
    planks = int(height // plank) + 2
    period = rng.uniform(7, 13, planks).astype(np.float32)[index]
    phase = rng.uniform(0, 10, planks).astype(np.float32)[index]
    tone = rng.uniform(0.93, 1.06, planks).astype(np.float32)[index]
    rings = (0.5 + 0.5 * np.sin((y / period + warp + phase) * 2 * np.pi)) ** 4
    shade = np.clip(0.55 * rings + 0.28 * fibres + 0.35 * (blotches - 0.5), 0, 1)
    light, dark = np.asarray(light, dtype=np.float32), np.asarray(dark, dtype=np.float32)
    wood = (light + (dark - light) * shade[..., None]) * tone[..., None]
    # The joints: a dark gap, the next plank's edge catching the light; butt joints staggered along.
    within = (y % plank)[:, 0]
    gap = np.asarray(gap, dtype=np.float32)
    for row in range(height):
        if within[row] < 3:
            wood[row] += (gap - wood[row]) * (0.85, 0.7, 0.35)[int(within[row])]
        elif within[row] == 3:
            wood[row] *= 1.06
    for number in range(planks):
        top = number * plank
        for x in rng.uniform(-0.2, 1.2, joints):
            joint = round(x * width)
            if 0 < joint < width - 2:
                wood[top : top + plank, joint : joint + 2] += (gap - wood[top : top + plank, joint : joint + 2]) * 0.8
    return wood


def _paper(rng: np.random.Generator, size: Size, colour=(247, 245, 240)) -> np.ndarray:
    """Matte paper: a colour with a faint fibrous grain."""
    grain = (_noise(rng, size, (40, 40)) - 0.5) * 0.8
    return np.asarray(colour, dtype=np.float32) + grain[..., None]


def _dashed_box(image: Image.Image, box: Box, *, colour, dash: int = 14, width: int = 2) -> None:
    """The marked rectangle the seller's design goes into."""
    pen = ImageDraw.Draw(image)
    left, top, right, bottom = box
    for start in range(left, right, dash * 2):
        pen.line([(start, top), (min(start + dash, right), top)], fill=colour, width=width)
        pen.line([(start, bottom), (min(start + dash, right), bottom)], fill=colour, width=width)
    for start in range(top, bottom, dash * 2):
        pen.line([(left, start), (left, min(start + dash, bottom))], fill=colour, width=width)
        pen.line([(right, start), (right, min(start + dash, bottom))], fill=colour, width=width)


def _image(scene: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(scene + 0.5, 0, 255).astype(np.uint8))


# --- The three mock-ups ---------------------------------------------------------------------------


def draw_postcard() -> Image.Image:
    """A postcard on a wooden table seen from above, a linen napkin and a kraft envelope under it."""
    size = width, height = 1600, 1200
    rng = np.random.default_rng(2024_01)
    scene = _wood(rng, size, plank=210, light=(206, 172, 132), dark=(150, 108, 72))
    # A linen napkin across the lower-left corner: woven along its own edges, then turned.
    cloth = 940, 680
    v, u = np.mgrid[0 : cloth[1], 0 : cloth[0]].astype(np.float32)
    weave = np.sin(u * np.pi / 2) * np.sin(v * np.pi / 2)
    slubs = _noise(rng, cloth, (260, 2)) + _noise(rng, cloth, (2, 260))
    folds = (_noise(rng, cloth, (380, 300)) - 0.5) * 0.14
    linen = np.asarray((222, 210, 190), dtype=np.float32) + (weave * 4 + (slubs - 1) * 7)[..., None]
    linen *= (1 + folds)[..., None]
    linen = _turned(linen, center=(330, 960), degrees=-9, size=size)
    napkin = _mask(size, _polygon(_rotated((330, 960), 900, 640, -9)))
    _shadow(scene, napkin, offset=(6, 8), blur=10, strength=0.35)
    _paint(scene, napkin, linen)
    # The hem: a folded band a little lighter than the cloth, and its stitching.
    hem = _mask(size, _polygon(_rotated((330, 960), 850, 590, -9)))
    _paint(scene, napkin * (1 - hem) * 0.25, (246, 240, 228))
    stitches = _rotated((330, 960), 842, 582, -9)
    seam = _mask(size, lambda pen, s: pen.line([(x * s, y * s) for x, y in [*stitches, stitches[0]]], fill=255,
                                               width=2 * s))  # fmt: skip
    _paint(scene, seam * 0.35, (150, 138, 120))
    # A kraft envelope peeking out at the upper right.
    envelope_points = _rotated((1190, 330), 760, 520, 8)
    envelope = _mask(size, _polygon(envelope_points))
    kraft = np.asarray((192, 152, 108), dtype=np.float32) + ((_noise(rng, size, (7, 7)) - 0.5) * 6)[..., None]
    _shadow(scene, envelope, offset=(5, 7), blur=8, strength=0.4)
    _paint(scene, envelope, kraft)
    (left_top, right_top, right_bottom, left_bottom) = envelope_points
    middle = ((left_top[0] + right_bottom[0]) / 2, (left_top[1] + right_bottom[1]) / 2 + 40)
    flap = _mask(size, _polygon([left_top, right_top, middle]))
    _paint(scene, flap * 0.22, (235, 200, 150))
    fold = [left_top, middle, right_top]
    crease = _mask(size, lambda pen, s: pen.line([(x * s, y * s) for x, y in fold], fill=255, width=2 * s))
    _paint(scene, crease * envelope * 0.5, (120, 88, 58))
    # The postcard: A6 landscape, square to the picture so a design drops straight in.
    card = DESIGN_AREAS["postcard.png"]
    face = _mask(size, _rectangle(card, radius=3))
    _shadow(scene, face, offset=(14, 20), blur=22, strength=0.45)
    _shadow(scene, face, offset=(3, 4), blur=3, strength=0.35)
    _paint(scene, face, _paper(rng, size))
    _eucalyptus(scene, rng, size, start=(1600, 1150), end=(1310, 930))
    scene *= _light(size, source=(0.15, 0.0), falloff=0.2, vignette=0.22, gain=1.04)[..., None]
    image = _image(scene)
    _dashed_box(image, (card[0] + 18, card[1] + 18, card[2] - 18, card[3] - 18), colour=(196, 196, 192))
    return image


def _eucalyptus(scene: np.ndarray, rng: np.random.Generator, size: Size, *, start, end) -> None:
    """A sprig of eucalyptus: a bent stem with round grey-green leaves, each shaded and shadowed."""
    bend = (start[0] - 160, (start[1] + end[1]) / 2)
    steps = np.linspace(0, 1, 200)
    path = [((1 - t) ** 2 * start[0] + 2 * (1 - t) * t * bend[0] + t * t * end[0],
             (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * bend[1] + t * t * end[1]) for t in steps]  # fmt: skip
    stem = _mask(size, lambda pen, s: pen.line([(x * s, y * s) for x, y in path], fill=255, width=5 * s))
    _shadow(scene, stem, offset=(6, 8), blur=5, strength=0.4)
    _paint(scene, stem, (118, 96, 82))
    for number, t in enumerate(np.linspace(0.12, 0.98, 11)):
        index = min(int(t * (len(path) - 1)), len(path) - 2)
        (x0, y0), (x1, y1) = path[index], path[index + 1]
        along = math.atan2(y1 - y0, x1 - x0)
        side = 1 if number % 2 else -1
        radius = 46 - 22 * t + rng.uniform(-4, 4)
        cx = x0 + math.cos(along + side * math.pi / 2) * radius * 0.9
        cy = y0 + math.sin(along + side * math.pi / 2) * radius * 0.9
        leaf = _mask(size, lambda pen, s, cx=cx, cy=cy, r=radius: pen.ellipse(
            [(cx - r) * s, (cy - r * 0.92) * s, (cx + r) * s, (cy + r * 0.92) * s], fill=255))  # fmt: skip
        _shadow(scene, leaf, offset=(7, 10), blur=7, strength=0.38)
        base = np.asarray((132, 158, 140), dtype=np.float32) * rng.uniform(0.9, 1.08)
        # Lit from the upper left: a gradient across each leaf.
        yy, xx = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float32)
        glow = np.clip(1.12 - 0.28 * ((xx - cx + radius) + (yy - cy + radius)) / (2 * radius), 0.8, 1.15)
        _paint(scene, leaf, base * glow[..., None])
        far = (cx + (cx - x0) * 0.7, cy + (cy - y0) * 0.7)  # the midrib runs on past the centre
        rib = _mask(size, lambda pen, s, x0=x0, y0=y0, far=far: pen.line(
            [(x0 * s, y0 * s), (far[0] * s, far[1] * s)], fill=255, width=s))  # fmt: skip
        _paint(scene, rib * leaf * 0.25, (196, 210, 192))


def draw_colouring_page() -> Image.Image:
    """An A4 sheet on a walnut desk with coloured pencils beside it."""
    size = 1600, 1200
    rng = np.random.default_rng(2024_02)
    scene = _wood(rng, size, plank=300, light=(164, 118, 82), dark=(98, 62, 40))
    sheet = DESIGN_AREAS["colouring-page.png"]
    face = _mask(size, _rectangle(sheet))
    _shadow(scene, face, offset=(12, 18), blur=20, strength=0.5)
    _shadow(scene, face, offset=(2, 3), blur=2, strength=0.35)
    _paint(scene, face, _paper(rng, size, (248, 247, 243)))
    colours = [(196, 40, 44), (236, 128, 28), (242, 196, 40), (60, 150, 72), (40, 92, 176), (120, 64, 150)]
    tips = [(1000, 842), (1062, 872), (1118, 826), (1182, 860), (1236, 838), (1300, 874)]
    turns = [-64, -63, -65, -62.5, -64.5, -63.5]
    for colour, tip, degrees in zip(colours, tips, turns, strict=True):
        _pencil(scene, size, tip=tip, length=600, degrees=degrees, colour=colour)
    _eraser(scene, size, center=(1190, 1035))
    scene *= _light(size, source=(0.1, 0.05), falloff=0.2, vignette=0.2, gain=1.06)[..., None]
    image = _image(scene)
    _dashed_box(image, (sheet[0] + 40, sheet[1] + 40, sheet[2] - 40, sheet[3] - 40), colour=(182, 182, 178))
    return image


def _pencil(scene: np.ndarray, size: Size, *, tip, length: int, degrees: float, colour) -> None:
    """A hexagonal coloured pencil, sharpened, lying on the desk: drawn along x, then turned."""
    thick, cone, lead = 34, 96, 26
    w, h = length + 8, thick + 8
    layer = np.zeros((h * SUPERSAMPLE, w * SUPERSAMPLE, 4), dtype=np.float32)
    s = SUPERSAMPLE
    y = (np.arange(h * s, dtype=np.float32) / s - 4)[:, None]
    x = (np.arange(w * s, dtype=np.float32) / s)[None, :]
    across = np.clip(y / thick, 0, 1)  # 0 at the lit top edge, 1 at the bottom
    facets = np.select([across < 0.3, across < 0.7], [1.18 - 0.2 * across, 1.02], 0.78 - 0.1 * (across - 0.7))
    body = (x >= cone) & (y >= 0) & (y <= thick)
    paint = np.asarray(colour, dtype=np.float32) * facets[..., None]
    # The sharpened cone: bare wood tapering to the lead, the paint ending in a scalloped line.
    half = thick / 2
    radius = np.clip((x - lead * 0.3) / cone, 0, 1) * half
    in_cone = (x < cone) & (np.abs(y - half) <= radius)
    scallop = cone - 6 + 5 * np.cos((y - half) / thick * 3 * np.pi)
    wood = np.asarray((226, 190, 146), dtype=np.float32) * facets[..., None]
    graphite = np.asarray(colour, dtype=np.float32) * 0.9 * facets[..., None]
    rgb = np.where((x < lead)[..., None], graphite, wood)
    rgb = np.where(((x >= scallop) & (x < cone))[..., None], paint, rgb)
    rgb = np.where(body[..., None], paint, rgb)
    edges = (np.abs(across * 3 - 1) < 0.02) | (np.abs(across * 3 - 2) < 0.02)
    rgb = np.where((edges & (x > cone))[..., None], rgb * 0.9, rgb)
    alpha = (body | in_cone).astype(np.float32)
    layer[..., :3], layer[..., 3] = rgb, alpha
    small = Image.fromarray(np.clip(layer * (1, 1, 1, 255), 0, 255).astype(np.uint8)).resize(
        (w, h), Image.Resampling.BOX
    )
    turned = small.rotate(-degrees, resample=Image.Resampling.BICUBIC, expand=True)
    # Put the tip where asked: it sits at the layer's left middle before turning.
    angle = math.radians(degrees)
    dx, dy = -w / 2, 0
    tip_x = turned.width / 2 + dx * math.cos(angle) - dy * math.sin(angle)
    tip_y = turned.height / 2 + dx * math.sin(angle) + dy * math.cos(angle)
    left, top = round(tip[0] - tip_x), round(tip[1] - tip_y)
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    canvas.paste(turned, (left, top))
    layer = np.asarray(canvas, dtype=np.float32)
    mask = layer[..., 3] / 255
    _shadow(scene, mask, offset=(10, 14), blur=9, strength=0.45)
    _paint(scene, mask, layer[..., :3])


def _eraser(scene: np.ndarray, size: Size, *, center) -> None:
    """A pink eraser with rounded, worn corners."""
    points = _rotated(center, 150, 70, 14)
    mask = _mask(size, _polygon(points), blur=0.8)
    _shadow(scene, mask, offset=(8, 12), blur=9, strength=0.45)
    yy = np.mgrid[0 : size[1], 0 : size[0]][0].astype(np.float32)
    glow = np.clip(1.1 - (yy - center[1] + 40) / 400, 0.85, 1.12)
    _paint(scene, mask, np.asarray((236, 150, 160), dtype=np.float32) * glow[..., None])


def draw_poster() -> Image.Image:
    """A framed poster on a painted wall above a floating shelf with a plant and books."""
    size = width, height = 1200, 1600
    rng = np.random.default_rng(2024_03)
    mottle = _noise(rng, size, (220, 220)) - 0.5 + (_noise(rng, size, (30, 30)) - 0.5) * 0.5
    roller = _noise(rng, size, (3, 3)) - 0.5
    scene = np.asarray((222, 218, 210), dtype=np.float32) + (mottle * 10 + roller * 1.5)[..., None]
    scene = np.broadcast_to(scene, (height, width, 3)).copy()
    # A thin black wooden frame around the poster.
    poster = DESIGN_AREAS["poster.png"]
    border = 32
    left, top, right, bottom = frame = (poster[0] - border, poster[1] - border, poster[2] + border, poster[3] + border)
    outer = _mask(size, _rectangle(frame))
    _shadow(scene, outer, offset=(16, 26), blur=26, strength=0.42)
    _shadow(scene, outer, offset=(3, 5), blur=4, strength=0.3)
    _paint(scene, outer, (44, 41, 39))
    bevel = _mask(size, _rectangle((left + 4, top + 4, right - 4, bottom - 4)))
    _paint(scene, bevel * 0.25, (90, 86, 82))
    inner = _mask(size, _rectangle((left + 9, top + 9, right - 9, bottom - 9)))
    _paint(scene, inner, (38, 36, 34))
    paper = _mask(size, _rectangle(poster))
    _paint(scene, paper, _paper(rng, size, (246, 245, 241)))
    # The frame's lip shades the top and the left of the poster a little.
    lip_shade = _mask(size, _rectangle((poster[0] + 7, poster[1] + 9, poster[2] + 40, poster[3] + 40)), blur=5)
    scene *= (1 - 0.18 * (paper * (1 - lip_shade)))[..., None]
    _shelf(scene, rng, size)
    scene *= _light(size, source=(0.05, 0.0), falloff=0.2, vignette=0.28)[..., None]
    image = _image(scene)
    _dashed_box(image, (poster[0] + 16, poster[1] + 16, poster[2] - 16, poster[3] - 16), colour=(198, 198, 194))
    return image


def _shelf(scene: np.ndarray, rng: np.random.Generator, size: Size) -> None:
    """A floating oak shelf with a snake plant in a white pot, a stack of books and a small vase."""
    shelf_top, shelf_front, left, right = 1322, 1338, 240, 960
    board = _mask(size, _rectangle((left, shelf_top, right, shelf_front + 40)))
    _shadow(scene, board, offset=(0, 34), blur=28, strength=0.45)
    wood = _wood(rng, size, plank=400, light=(196, 160, 118), dark=(150, 112, 76), joints=0)
    _paint(scene, board, wood)
    top_face = _mask(size, _rectangle((left, shelf_top, right, shelf_front)))
    _paint(scene, top_face * 0.35, (236, 214, 184))
    # Books lying on the shelf, spines to us.
    books = [(700, 148, 40, (122, 42, 48)), (710, 136, 30, (212, 196, 160)), (696, 156, 34, (52, 84, 104))]
    bottom = shelf_top + 4
    for x, length, thick, colour in books:
        box = (x, bottom - thick, x + length, bottom)
        mask = _mask(size, _rectangle(box, radius=4))
        _shadow(scene, mask, offset=(8, 4), blur=6, strength=0.3)
        yy = np.mgrid[0 : size[1], 0 : size[0]][0].astype(np.float32)
        roundness = 1.08 - 0.3 * ((yy - box[1]) / thick - 0.45) ** 2
        _paint(scene, mask, np.asarray(colour, dtype=np.float32) * roundness[..., None])
        band = _mask(size, _rectangle((x + 22, bottom - thick + 5, x + 30, bottom - 5)))
        _paint(scene, band * 0.5, (214, 182, 96))
        bottom -= thick
    # A small ceramic vase.
    vase = _mask(size, lambda pen, s: (pen.ellipse([880 * s, 1226 * s, 940 * s, 1326 * s], fill=255),
                                       pen.rectangle([898 * s, 1206 * s, 922 * s, 1240 * s], fill=255)))  # fmt: skip
    _shadow(scene, vase, offset=(10, 2), blur=6, strength=0.3)
    _paint(scene, vase, _cylinder_shading(size, 880, 940, (122, 140, 150)))
    # The pot and the plant.
    pot_box = (300, 1190, 440, 1324)
    pot = _mask(size, _polygon([(300, 1190), (440, 1190), (428, 1324), (312, 1324)]))
    leaves = []
    for number in range(9):
        base_x = 322 + number * 12 + rng.uniform(-4, 4)
        lean = rng.uniform(-0.35, 0.35) + (number - 4) * 0.06
        tall = rng.uniform(170, 290)
        leaves.append((base_x, lean, tall, rng.uniform(13, 20)))
    for base_x, lean, tall, half in sorted(leaves, key=lambda leaf: -leaf[2]):
        tip = (base_x + math.sin(lean) * tall, 1200 - math.cos(lean) * tall)
        side = (math.cos(lean) * half, math.sin(lean) * half)
        mid = (base_x + math.sin(lean) * tall * 0.45, 1200 - math.cos(lean) * tall * 0.45)
        outline = [(base_x - side[0] * 0.7, 1200), (mid[0] - side[0], mid[1] - side[1]), tip,
                   (mid[0] + side[0], mid[1] + side[1]), (base_x + side[0] * 0.7, 1200)]  # fmt: skip
        leaf = _mask(size, _polygon(outline))
        _shadow(scene, leaf, offset=(14, 10), blur=10, strength=0.28)
        stripes = _noise(rng, size, (40, 9))
        green = np.asarray((48, 96, 58), dtype=np.float32) + ((stripes - 0.5) * 40)[..., None]
        _paint(scene, leaf, green)
        margin = _mask(size, lambda pen, s, o=outline: pen.line([(x * s, y * s) for x, y in o], fill=255,
                                                               width=3 * s))  # fmt: skip
        _paint(scene, margin * leaf, (178, 176, 92))
    _shadow(scene, pot, offset=(12, 2), blur=8, strength=0.35)
    _paint(scene, pot, _cylinder_shading(size, pot_box[0], pot_box[2], (236, 233, 226)))
    rim = _mask(size, _rectangle((pot_box[0] - 2, pot_box[1], pot_box[2] + 2, pot_box[1] + 10)))
    _paint(scene, rim * 0.6, (250, 248, 244))


def _cylinder_shading(size: Size, left: float, right: float, colour) -> np.ndarray:
    """A round object's colour, lit from the left: brightest a third across, dark at the far edge."""
    xx = np.arange(size[0], dtype=np.float32)[None, :]
    across = np.clip((xx - left) / (right - left), 0, 1)
    shade = 1.06 - 0.5 * (across - 0.32) ** 2 - 0.25 * np.clip(across - 0.75, 0, 1)
    return np.asarray(colour, dtype=np.float32) * shade[..., None] * np.ones((size[1], 1, 1), dtype=np.float32)


DRAWERS = {"postcard.png": draw_postcard, "colouring-page.png": draw_colouring_page, "poster.png": draw_poster}


def _nearest(colours: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """For each colour, the index of the closest centre (squared distance in RGB), a chunk at a time."""
    found = np.empty(len(colours), dtype=np.int64)
    lengths = (centres * centres).sum(1)[None, :]
    for start in range(0, len(colours), 16384):
        chunk = colours[start : start + 16384]
        found[start : start + 16384] = (lengths - 2 * chunk @ centres.T).argmin(1)
    return found


def _palette_image(image: Image.Image) -> Image.Image:
    """The picture in PNG_COLOURS colours: a weighted median cut refined by a few k-means rounds.

    Pillow's own quantisers either band the large pale areas or lose small coloured things (a blue
    book becomes green), and its palette mapping is approximate; this one maps every colour exactly.
    Weights grow slower than the pixel counts, so small objects still get colours of their own.
    """
    pixels = np.asarray(image, dtype=np.int32).reshape(-1, 3)
    keys = (pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2]
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    colours = np.stack([unique >> 16, (unique >> 8) & 255, unique & 255], axis=1).astype(np.float64)
    weight = counts.astype(np.float64) ** PALETTE_WEIGHT

    def spread(members: np.ndarray) -> tuple[float, np.ndarray]:
        share = weight[members, None]
        mean = (colours[members] * share).sum(0) / share.sum()
        per_channel = (share * (colours[members] - mean) ** 2).sum(0)
        return float(per_channel.sum()), per_channel

    boxes = [np.arange(len(colours))]
    spreads = [spread(boxes[0])]
    while len(boxes) < PNG_COLOURS and max(total for total, _channels in spreads) > 0:
        widest = max(range(len(boxes)), key=lambda number: spreads[number][0])
        members, (_total, per_channel) = boxes.pop(widest), spreads.pop(widest)
        ordered = members[np.argsort(colours[members, int(np.argmax(per_channel))], kind="stable")]
        running = np.cumsum(weight[ordered])
        cut = min(max(int(np.searchsorted(running, running[-1] / 2)) + 1, 1), len(ordered) - 1)
        for part in (ordered[:cut], ordered[cut:]):
            boxes.append(part)
            spreads.append(spread(part))
    centres = np.array([(colours[box] * weight[box, None]).sum(0) / weight[box].sum() for box in boxes])
    for _round in range(4):
        nearest = _nearest(colours, centres)
        totals, mass = np.zeros_like(centres), np.zeros(len(centres))
        np.add.at(totals, nearest, colours * weight[:, None])
        np.add.at(mass, nearest, weight)
        used = mass > 0
        centres[used] = totals[used] / mass[used, None]
    centres = np.clip(np.round(centres), 0, 255)
    indexed = Image.frombytes("P", image.size, _nearest(colours, centres)[inverse].astype(np.uint8).tobytes())
    indexed.putpalette(centres.astype(np.uint8).flatten().tolist())
    return indexed


def draw_mockups(destination: Path) -> list[Path]:
    """Draw the three mock-ups into ``destination`` (made if missing); the same pixels on every run."""
    destination.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, draw in DRAWERS.items():
        path = destination / name
        _palette_image(draw()).save(path, optimize=True)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in draw_mockups(Path(__file__).resolve().parent.parent / "static" / "catalog" / "mockups"):
        print(written, written.stat().st_size // 1024, "KB")
