"""Checking and cleaning uploaded images: format, size, decompression bombs, EXIF.

Every image a person uploads (logos, banners, product photos) goes through
``clean_image()``, which returns a fresh re-encoded file: EXIF orientation applied, all
metadata (GPS included) dropped.
"""

import io
import os
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Anything above this many pixels is refused before it is decoded (a 40-megapixel photo
# still passes); Pillow raises DecompressionBombError from twice this size, we refuse at it.
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class ImageSpec:
    """What a kind of image must be: minimum size, squareness, and the size it is stored at."""

    min_width: int = 1
    min_height: int = 1
    square: bool = False
    # Stored no larger than this box (aspect kept); for a square spec, exactly this size.
    max_width: int = 2400
    max_height: int = 2400


def clean_image(upload, spec: ImageSpec, *, label: str) -> ContentFile:
    """Validate an uploaded image against ``spec`` and return it re-encoded without metadata.

    Raises ValidationError with a message that says what the file is and what it must be.
    """
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("%(label)s is %(size)s MB; the limit is %(limit)d MB.")
            % {
                "label": label,
                "size": number_format(upload.size / 1024 / 1024, 1),
                "limit": settings.MAX_UPLOAD_SIZE // 1024 // 1024,
            },
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, MAX_PIXELS
            try:
                image = Image.open(upload)
                image_format = image.format
                if image_format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("%(label)s must be a JPEG, PNG or WebP image.") % {"label": label}, code="format"
                    )
                image.load()
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("%(label)s has too many pixels (more than %(limit)d megapixels).")
            % {"label": label, "limit": MAX_PIXELS // 1_000_000},
            code="bomb",
        )
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("%(label)s is not an image we can read. Upload a JPEG, PNG or WebP file.") % {"label": label},
            code="invalid",
        )

    image = ImageOps.exif_transpose(image)
    width, height = image.size
    _check_size(width, height, spec, label)

    if spec.square:
        image = image.resize((spec.max_width, spec.max_width), Image.Resampling.LANCZOS)
    elif width > spec.max_width or height > spec.max_height:
        image.thumbnail((spec.max_width, spec.max_height), Image.Resampling.LANCZOS)

    return _encode(image, image_format, getattr(upload, "name", "image"))


def _check_size(width: int, height: int, spec: ImageSpec, label: str) -> None:
    if spec.square:
        # A pixel or two either way (1 %) still counts as square: phones crop unevenly.
        if abs(width - height) > max(2, min(width, height) // 100):
            raise ValidationError(
                _("%(label)s is %(width)d×%(height)d pixels; it must be square, at least %(min)d×%(min)d.")
                % {"label": label, "width": width, "height": height, "min": spec.min_width},
                code="not_square",
            )
    if width < spec.min_width or height < spec.min_height:
        if spec.min_height > 1:
            need = _("at least %(w)d×%(h)d pixels") % {"w": spec.min_width, "h": spec.min_height}
        else:
            need = _("at least %(w)d pixels wide") % {"w": spec.min_width}
        raise ValidationError(
            _("%(label)s is %(width)d×%(height)d pixels; it must be %(need)s.")
            % {"label": label, "width": width, "height": height, "need": need},
            code="too_small",
        )


def _encode(image: Image.Image, image_format: str, original_name: str) -> ContentFile:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
    elif image_format == "PNG":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        image.save(buffer, "WEBP", quality=88, method=4)
    stem = os.path.splitext(os.path.basename(original_name))[0][:60] or "image"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{ALLOWED_FORMATS[image_format]}")
