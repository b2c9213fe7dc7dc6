"""Product photos as apps above catalog see them: what is measured on upload (a perceptual hash,
sharpness) and who is told when a photo is added or removed (moderation's image queue registers
here in its AppConfig.ready(), so catalog never imports it)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import imagehash
from django.db import transaction
from PIL import Image, ImageFilter, ImageStat

# Sharpness is measured on the photo fitted in this box: about the size the product page shows.
SHARPNESS_BOX = 1024
_LAPLACIAN = ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), scale=1, offset=128)

_added: list[Callable[[int], None]] = []
_removing: list[Callable[[object], None]] = []


@dataclass(frozen=True)
class Measure:
    phash: str  # 16 hex digits: imagehash's 64-bit DCT hash
    sharpness: float  # variance of the Laplacian of the grey picture; a blurred photo scores low


def measure(file) -> Measure:
    """Hash and sharpness of an image file (an upload already checked by marketplace.images)."""
    file.seek(0)
    with Image.open(file) as picture:
        picture.load()
        grey = picture.convert("L")
    file.seek(0)
    phash = str(imagehash.phash(grey))
    grey.thumbnail((SHARPNESS_BOX, SHARPNESS_BOX))
    edges = grey.filter(_LAPLACIAN)
    if edges.width > 2 and edges.height > 2:
        edges = edges.crop((1, 1, edges.width - 1, edges.height - 1))  # the filter copies the border
    return Measure(phash=phash, sharpness=round(ImageStat.Stat(edges).var[0], 2))


def register_image_added(callback: Callable[[int], None]) -> Callable:
    """``callback(image_id)`` runs after the transaction that added the photo commits."""
    if callback not in _added:
        _added.append(callback)
    return callback


def register_image_removing(callback: Callable[[object], None]) -> Callable:
    """``callback(photo)`` runs in the transaction that removes the ProductImage, before the row goes."""
    if callback not in _removing:
        _removing.append(callback)
    return callback


def image_added(image_id: int) -> None:
    # robust: the photo is saved whatever a callback does; its failure is logged, not shown to the seller.
    for callback in _added:
        transaction.on_commit(partial(callback, image_id), robust=True)


def image_removing(photo) -> None:
    for callback in _removing:
        callback(photo)
