"""Checking and cleaning uploaded images: format, size, decompression bombs, EXIF.

Every image a person uploads (logos, banners, product photos) goes through
``clean_image()``, which returns a fresh re-encoded file: EXIF orientation applied, all
metadata (GPS included) dropped.
"""

import io
import math
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

# Refused from the header, before a single pixel is decoded. We store at most 2400 px a side
# (5.8 MP), so this only has to let ordinary phone photos through: 12 MP by default, 24 MP on
# recent iPhones (5712×4284 = 24.5 MP). A 25 MP RGBA picture is ~100 MB and ~0.6 s of CPU
# once decoded; 48–108 MP "high resolution" shots have to be made smaller first.
# Pillow's own process-wide Image.MAX_IMAGE_PIXELS is left alone: it is global, not per request.
MAX_PIXELS = 25_000_000
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# JPEG is decoded straight at 1/2, 1/4 or 1/8 scale when the stored size is at least this many
# times smaller (the gap Pillow's own thumbnail() uses: the result looks as if fully decoded).
DRAFT_GAP = 2
# EXIF orientations that turn the picture on its side: its width and height swap when shown.
SIDEWAYS = {5, 6, 7, 8}


@dataclass(frozen=True)
class ImageSpec:
    """What a kind of image must be: minimum size, squareness, and the size it is stored at."""

    min_width: int = 1
    min_height: int = 1
    square: bool = False
    # Stored no larger than this box (aspect kept); for a square spec, exactly this size.
    max_width: int = 2400
    max_height: int = 2400


def check_upload_size(upload, *, label: str | None = None) -> None:
    """Refuse an uploaded file larger than settings.MAX_UPLOAD_SIZE (nginx has the same cap).

    ``label`` names the file in the message; by default, its own name.
    """
    limit = settings.MAX_UPLOAD_SIZE
    if upload.size > limit:
        # Rounded up: a file a byte over 10 MB reads «10,1 МБ», not «10,0 МБ» against a 10 MB limit.
        size_mb = math.ceil(upload.size * 10 / 1024 / 1024) / 10
        raise ValidationError(
            _("%(label)s is %(size)s MB; the limit is %(limit)d MB.")
            % {"label": label or upload.name, "size": number_format(size_mb, 1), "limit": limit // 1024 // 1024},
            code="too_large",
        )


def validate_upload_size(value) -> None:
    """Model-field validator (uploads through the admin): the same cap, for new uploads only.

    A file already stored is not measured again: that would ask the storage on every save.
    """
    if getattr(value, "_committed", True):  # FieldFile: False until a new upload is saved
        return
    check_upload_size(value)


def clean_image(upload, spec: ImageSpec, *, label: str) -> ContentFile:
    """Validate an uploaded image against ``spec`` and return it re-encoded without metadata.

    Everything that can be told from the header (format, pixel count, size) is checked before
    the image is decoded. Raises ValidationError with a message that says what the file is and
    what it must be.
    """
    check_upload_size(upload, label=label)
    upload.seek(0)
    try:
        image = Image.open(upload)  # reads the header only
        image_format = image.format
        if image_format not in ALLOWED_FORMATS:
            raise ValidationError(_("%(label)s must be a JPEG, PNG or WebP image.") % {"label": label}, code="format")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels(label)
        sideways = _sideways(image)
        if sideways is None:
            # Known only once decoded: refuse now what fails whichever way it is shown.
            _check_size_either_way(width, height, spec, label)
        else:
            _check_size(*_shown(width, height, sideways), spec, label)
            _draft(image, spec, width, height, sideways)
        image.load()
    except Image.DecompressionBombError:  # Pillow's own, from Image.open, at twice its global limit
        raise _too_many_pixels(label)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("%(label)s is not an image we can read. Upload a JPEG, PNG or WebP file.") % {"label": label},
            code="invalid",
        )

    if sideways is None:  # decoded now, so reading its EXIF costs nothing more
        sideways = image.getexif().get(ExifTags.Base.Orientation) in SIDEWAYS
        _check_size(*_shown(width, height, sideways), spec, label)
    # In place: without an orientation to apply, exif_transpose() would return a copy of every decoded
    # pixel (100 MB more for a 25 MP photo: Pillow keeps RGB in 4 bytes) only to drop the original.
    ImageOps.exif_transpose(image, in_place=True)
    # A JPEG may have been decoded at a reduced scale: resize from what was decoded.
    shown_width, shown_height = image.size
    if spec.square:
        image = image.resize((spec.max_width, spec.max_width), Image.Resampling.LANCZOS)
    elif shown_width > spec.max_width or shown_height > spec.max_height:
        image.thumbnail((spec.max_width, spec.max_height), Image.Resampling.LANCZOS)

    return _encode(image, image_format, getattr(upload, "name", "image"))


def clean_images(uploads, spec: ImageSpec, *, single_label: str) -> list[ContentFile]:
    """Several uploads checked at once (a form's multiple-file field): every wrong file is named in
    one error (``single_label`` when there is just one), or the cleaned files in order."""
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_image(upload, spec, label=single_label if len(uploads) == 1 else upload.name))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _too_many_pixels(label: str) -> ValidationError:
    return ValidationError(
        _("%(label)s has too many pixels (more than %(limit)d megapixels).")
        % {"label": label, "limit": MAX_PIXELS // 1_000_000},
        code="bomb",
    )


def _sideways(image: Image.Image) -> bool | None:
    """Whether EXIF orientation turns the picture on its side; None while that needs decoding."""
    if image.format == "PNG" and "exif" not in image.info:
        return None  # a PNG may keep its EXIF after the pixels: Pillow decodes to reach it
    return image.getexif().get(ExifTags.Base.Orientation) in SIDEWAYS


def _shown(width: int, height: int, sideways: bool) -> tuple[int, int]:
    return (height, width) if sideways else (width, height)


def _check_size_either_way(width: int, height: int, spec: ImageSpec, label: str) -> None:
    try:
        _check_size(height, width, spec, label)
    except ValidationError:
        _check_size(width, height, spec, label)


def _draft(image: Image.Image, spec: ImageSpec, width: int, height: int, sideways: bool) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when it is stored much smaller than it is.

    Pillow keeps the decoded size at least the requested one; other formats ignore drafts.
    """
    shown_width, shown_height = _shown(width, height, sideways)
    if spec.square:
        scale = spec.max_width / min(shown_width, shown_height)
    else:
        scale = min(spec.max_width / shown_width, spec.max_height / shown_height)
    if scale * DRAFT_GAP >= 1:
        return
    target = (math.ceil(width * scale * DRAFT_GAP), math.ceil(height * scale * DRAFT_GAP))
    image.draft(None, target)


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
