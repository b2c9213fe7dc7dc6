"""Serving uploaded files (``/media/``) with headers that keep an upload from acting as a page.

People upload files; a file's name and bytes are whatever they sent. Every response that
carries an upload therefore says what it is and forbids the browser to guess
(``X-Content-Type-Options: nosniff``), forbids it to run anything
(``Content-Security-Policy: default-src 'none'; sandbox``), and is shown inline only when it
is one of the image formats ``marketplace/images.py`` writes; anything else is a download
(``application/octet-stream``, ``Content-Disposition: attachment``).

``serve`` answers ``/media/<path>`` in every mode (DEBUG on or off) for FileSystemStorage;
nginx may take ``/media/`` over in production with the same headers (README, «Deploying on
several machines»). Private uploads (``PRIVATE_PREFIXES``) are never served here: their own
views check who may see them and send them with ``file_download``.
"""

import os
import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import was_modified_since

# The only formats marketplace/images.py writes (imagekit's thumbnails are WebP).
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
# Upload folders whose files only their own views may send (they check visibility or
# ownership): product attachments and reseller documents (catalog.models) and message
# attachments (messaging.models), complaint photos (moderation.models). Kept here, not imported,
# because marketplace may not import those apps; their tests check they match.
PRIVATE_PREFIXES = ("catalog/files/", "catalog/reseller/", "messaging/attachments/", "moderation/complaints/")
SANDBOX_CSP = "default-src 'none'; sandbox"
# Uploaded images get new names when replaced, so a day of caching is safe.
IMAGE_CACHE_CONTROL = "public, max-age=86400"
DOWNLOAD_CACHE_CONTROL = "private, no-cache"


def protect(response):
    """The headers every response carrying an upload gets."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP  # django-csp keeps a header a view set
    return response


def private_image(file) -> FileResponse:
    """A private uploaded photo shown inline to someone its view has let in (never cached by proxies)."""
    content_type = IMAGE_TYPES.get(os.path.splitext(file.name)[1].lower())
    if content_type is None:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return protect(response)


def file_download(file, *, filename: str, content_type: str = "application/octet-stream") -> FileResponse:
    """A stored file (a FieldFile) sent as a download named ``filename``, streamed from any storage."""
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise Http404
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    return protect(response)


def is_private(name: str) -> bool:
    """Whether a storage name lies in a private upload folder (compared case-blind, normalised)."""
    normalised = posixpath.normpath(name.replace("\\", "/")).lstrip("/").lower() + "/"
    return normalised.startswith(PRIVATE_PREFIXES)


@require_safe
def serve(request, path):
    """``/media/<path>``: a public upload with safe headers; 404 for private, missing or outside files."""
    storage = default_storage
    if not isinstance(storage, FileSystemStorage) or is_private(path):
        raise Http404
    try:
        full = storage.path(path)  # safe_join: refuses anything outside MEDIA_ROOT
        real = os.path.realpath(full)
    except (SuspiciousFileOperation, ValueError):  # ValueError: a NUL byte in the path
        raise Http404
    root = os.path.realpath(storage.location)
    # A symlink may not lead outside MEDIA_ROOT, nor into a private folder under another name.
    if os.path.commonpath([root, real]) != root or is_private(os.path.relpath(real, root)):
        raise Http404
    if not os.path.isfile(real):
        raise Http404
    mtime = os.stat(real).st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), mtime):
        return protect(HttpResponseNotModified())
    content_type = IMAGE_TYPES.get(os.path.splitext(real)[1].lower())
    if content_type:
        response = FileResponse(open(real, "rb"), content_type=content_type)  # FileResponse closes it
        response["Cache-Control"] = IMAGE_CACHE_CONTROL
    else:
        response = FileResponse(
            open(real, "rb"), as_attachment=True, filename=os.path.basename(real),
            content_type="application/octet-stream",
        )  # fmt: skip
        response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    response["Last-Modified"] = http_date(mtime)
    return protect(response)
