"""What a stored product file is called and sent as: only harmless types keep their extension.

A file is stored as it was sent, so its name decides how it is sent back. An upload keeps
its extension only if it is one of ``SAFE_TYPES`` (and, for an image extension, only if the
bytes really are that kind of image); anything else is stored as ``.bin`` and sent as
``application/octet-stream``. Downloads are always attachments (marketplace.media).
"""

import os
import re

from PIL import Image

OCTET_STREAM = "application/octet-stream"
# Documents, archives and the image formats marketplace/images.py writes: nothing a browser
# would run as a page: the types catalog/forms.py's ATTACHMENT_EXTENSIONS allow.
SAFE_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
# An image extension is kept only for an image of a format Pillow recognises, named after
# that format: an HTML or SVG file called «photo.png» is stored as «photo.bin».
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "webp"}
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
UNSAFE_NAME_CHARACTERS = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def extension_of(name: str) -> str:
    return os.path.splitext(name)[1].lstrip(".").lower()


def safe_extension(name: str) -> str:
    """The extension a stored file is sent with: its own if harmless, else «bin»."""
    extension = extension_of(name)
    return extension if extension in SAFE_TYPES else "bin"


def content_type_for(name: str) -> str:
    return SAFE_TYPES.get(extension_of(name), OCTET_STREAM)


def stored_name(upload) -> str:
    """The name to store an uploaded attachment under (the storage adds the folder)."""
    stem, extension = os.path.splitext(os.path.basename(upload.name or ""))
    # No inner dots either: «page.html.bin» would still read as HTML to some servers.
    stem = stem.replace(".", "_")[:80] or "file"
    extension = extension.lstrip(".").lower()
    if extension in IMAGE_EXTENSIONS:
        extension = _image_extension(upload)
    elif extension not in SAFE_TYPES:
        extension = "bin"
    return f"{stem}.{extension}"


def download_name(title: str, name: str) -> str:
    """«<title>.<safe extension>»: what the buyer's browser saves the file as."""
    title = UNSAFE_NAME_CHARACTERS.sub(" ", title).strip(" .") or "file"
    return f"{title}.{safe_extension(name)}"


def _image_extension(upload) -> str:
    try:
        upload.seek(0)
        with Image.open(upload) as image:  # the header only
            image_format = image.format
    except Exception:  # noqa: BLE001 - anything Pillow cannot read is not an image
        image_format = None
    finally:
        upload.seek(0)
    return IMAGE_FORMATS.get(image_format, "bin")
