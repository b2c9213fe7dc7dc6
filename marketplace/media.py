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

``protected_download`` sends a sold file from the private storage (``STORAGES["private"]``) to
someone its view has let in, the way ``PROTECTED_FILES_SERVER`` says: an ``X-Accel-Redirect``
for nginx (whose internal location must add the nosniff and sandbox headers itself: nginx passes
on only Content-Type, Content-Disposition, Accept-Ranges, Set-Cookie, Cache-Control and Expires),
a URL-encoded ``X-Sendfile`` for Apache's mod_xsendfile, a short-lived signed URL when the
storage is S3, or else a stream from the local disk that honours ``Range`` so a broken download
can resume.
``requested_range_start`` tells a view whether a request resumes one (not to count it again).
"""

import hashlib
import os
import posixpath
import re
import stat
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified, HttpResponseRedirect
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe, quote_etag
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
# A signed storage URL is a key for its lifetime: nothing may keep the redirect that carries it.
SIGNED_REDIRECT_CACHE_CONTROL = "private, no-store"
DOWNLOAD_CHUNK_BYTES = 64 * 1024
# One range of bytes; several ranges (multipart/byteranges) are answered with the whole file.
BYTE_RANGE = re.compile(r"bytes=([0-9]*)-([0-9]*)", re.IGNORECASE)


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


def requested_range_start(request) -> int:
    """The first byte asked for (N of ``Range: bytes=N-…``): 0 for a fresh download, a suffix or no usable range."""
    spec = _range_spec(request)
    return spec[0] if spec is not None and spec[0] is not None else 0


def protected_download(request, file, *, filename: str, content_type: str = "application/octet-stream") -> HttpResponse:
    """A private stored file (a FieldFile) sent as a download named ``filename`` to someone its view has let in."""
    storage, name = file.storage, file.name
    if not name or "\0" in name or ".." in name.replace("\\", "/").split("/"):
        raise Http404
    disposition = content_disposition_header(True, filename)
    if settings.PROTECTED_FILES_SERVER == "nginx":
        # nginx may hold the files itself or proxy an internal location to the bucket, so no path is needed.
        response = HttpResponse(content_type=content_type)
        prefix = settings.PROTECTED_FILES_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name.lstrip('/'))}"  # nginx unescapes it
        response["Content-Disposition"] = disposition
        return _download_headers(response)
    try:
        path = storage.path(name)
    except NotImplementedError:  # S3: the browser fetches the object itself, by a URL that soon expires
        url = storage.url(
            name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=settings.PROTECTED_FILES_URL_SECONDS,
        )
        response = protect(HttpResponseRedirect(url))
        response["Cache-Control"] = SIGNED_REDIRECT_CACHE_CONTROL
        return response
    except (SuspiciousFileOperation, ValueError):
        raise Http404
    if settings.PROTECTED_FILES_SERVER == "sendfile":
        response = HttpResponse(content_type=content_type)
        # URL-encoded, as mod_xsendfile expects (XSendFileUnescape is on by default): paths may be Cyrillic.
        response["X-Sendfile"] = quote(path)
        response["Content-Disposition"] = disposition
        return _download_headers(response)
    try:
        handle = open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404
    try:
        response = _local_response(request, handle, name=name, filename=filename, content_type=content_type)
    except BaseException:
        handle.close()
        raise
    if not response.streaming:
        handle.close()
    return _download_headers(response)


class _DownloadResponse(FileResponse):
    block_size = DOWNLOAD_CHUNK_BYTES


class _RangeReader:
    """At most ``length`` bytes from where ``handle`` stands, so a range never streams past its end.

    No fileno(): a WSGI server's file wrapper must read through it, not sendfile() the whole rest.
    """

    def __init__(self, handle, length):
        self._handle = handle
        self._left = length

    def read(self, size=-1):
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._handle.read(size) if size else b""
        self._left -= len(data)
        return data

    def close(self):
        self._handle.close()


_UNSATISFIABLE = object()


def _local_response(request, handle, *, name, filename, content_type):
    """The answer for an opened local file: 304/412, 416, HEAD, the whole file or one range of it."""
    status = os.fstat(handle.fileno())  # of the file being sent, even if its name is replaced meanwhile
    if not stat.S_ISREG(status.st_mode):
        raise Http404
    size = status.st_size
    # Strong, as nginx's and Apache's are: size + nanosecond mtime change whenever the bytes do, and a
    # weak tag could never satisfy If-Range (RFC 9110 §13.1.5), so resumes would restart from zero.
    name_hash = hashlib.sha256(name.encode()).hexdigest()[:12]
    etag = quote_etag(f"{size:x}-{status.st_mtime_ns:x}-{name_hash}")
    last_modified = int(status.st_mtime)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        byte_range = _byte_range(request, size, etag=etag, last_modified=last_modified)
        if byte_range is _UNSATISFIABLE:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
        elif request.method == "HEAD":  # headers only: the file is not read at all
            response = HttpResponse(content_type=content_type)
            response["Content-Length"] = size
            response["Content-Disposition"] = content_disposition_header(True, filename)
        elif byte_range is None:
            response = _DownloadResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
        else:
            start, end = byte_range
            handle.seek(start)
            response = _DownloadResponse(
                _RangeReader(handle, end - start + 1), status=206, as_attachment=True, filename=filename,
                content_type=content_type,
            )  # fmt: skip
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = end - start + 1
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response


def _range_spec(request):
    """The one range asked for: (first, last or None) or (None, suffix length); None if absent, several or malformed."""
    match = BYTE_RANGE.fullmatch(request.headers.get("Range", "").strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = (_byte_number(digits) if digits else None for digits in match.groups())
    if first is not None and last is not None and last < first:
        return None  # an invalid range is ignored, as a malformed header is (RFC 9110 §14.2)
    return first, last


def _byte_number(digits):
    # Past any file's size anyway; int() of thousands of digits would raise instead.
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else 10**18


def _byte_range(request, size, *, etag, last_modified):
    """(start, end) to send, None for the whole file, or _UNSATISFIABLE."""
    # Range means something only for GET (RFC 9110 §14.2); an empty file is simply sent whole.
    if request.method != "GET" or size == 0:
        return None
    spec = _range_spec(request)
    if spec is None or not _if_range_holds(request, etag=etag, last_modified=last_modified):
        return None
    first, last = spec
    if first is None:
        return (max(size - last, 0), size - 1) if last else _UNSATISFIABLE
    if first >= size:
        return _UNSATISFIABLE
    return first, size - 1 if last is None else min(last, size - 1)


def _if_range_holds(request, *, etag, last_modified):
    """Whether the part the client holds is of this very file (no If-Range: yes); if not, it gets the whole file."""
    validator = request.headers.get("If-Range")
    if validator is None:
        return True
    validator = validator.strip()
    if validator.startswith(('"', "W/")):
        return validator == etag  # strong comparison: a weak tag never matches
    return parse_http_date_safe(validator) == last_modified


def _download_headers(response):
    response["Cache-Control"] = DOWNLOAD_CACHE_CONTROL
    return protect(response)
