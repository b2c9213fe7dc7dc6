"""/media/: uploads are served in every mode with headers that keep them from acting as pages."""

import io
import os

import pytest
from django.utils.http import http_date
from PIL import Image

pytestmark = pytest.mark.django_db

HTML = b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def put(root, name, content=b"x"):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#b4532a").save(buffer, fmt)
    return buffer.getvalue()


def assert_protected(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("shops/logos/2025/01/logo.png", "PNG", "image/png"),
        ("catalog/products/2025/01/photo.jpg", "JPEG", "image/jpeg"),
        ("shops/banners/2025/01/banner.JPEG", "JPEG", "image/jpeg"),
        ("cache/catalog/products/2025/01/photo/card.webp", "WEBP", "image/webp"),
    ],
)
def test_image_is_served_inline_with_its_image_type_when_debug_is_off(client, media_root, name, fmt, content_type):
    content = image_bytes(fmt)
    put(media_root, name, content)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert not response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "public, max-age=86400"
    assert_protected(response)
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content"),
    [("shops/about/page.html", HTML), ("shops/logos/logo.svg", SVG), ("notes.txt", b"hi"), ("shops/x.SVG", SVG)],
)
def test_anything_but_an_image_is_an_octet_stream_download(client, media_root, name, content):
    put(media_root, name, content)
    response = client.get(f"/media/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert_protected(response)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "name",
    [
        "catalog/files/2025/01/razmery.pdf",
        "catalog/reseller/2025/01/dogovor.pdf",
        "Catalog/Files/2025/01/razmery.pdf",
        "catalog//files/2025/01/razmery.pdf",
        "catalog/./files/2025/01/razmery.pdf",
        "shops/../catalog/files/2025/01/razmery.pdf",
        "catalog/files/",
    ],
)
def test_private_folders_are_404_while_public_files_next_to_them_are_served(client, settings, media_root, debug, name):
    settings.DEBUG = debug
    put(media_root, "catalog/files/2025/01/razmery.pdf", b"%PDF-1.4")
    put(media_root, "catalog/reseller/2025/01/dogovor.pdf", b"%PDF-1.4")
    put(media_root, "catalog/products/2025/01/photo.png", image_bytes("PNG"))
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get("/media/catalog/products/2025/01/photo.png").status_code == 200


def test_symlink_into_a_private_folder_is_404(client, media_root):
    put(media_root, "catalog/files/2025/01/razmery.png", image_bytes("PNG"))
    put(media_root, "shops/logos/ok.png", image_bytes("PNG"))
    os.symlink(media_root / "catalog" / "files", media_root / "shops" / "files")
    assert client.get("/media/shops/files/2025/01/razmery.png").status_code == 404
    assert client.get("/media/shops/logos/ok.png").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/shops/../../secret.txt",
        "/media/..%2fsecret.txt",
        "/media/outside/secret.txt",  # a symlink leading out of MEDIA_ROOT
        "/media//etc/passwd",
        "/media/shops/",
        "/media/missing.png",
        "/media/ok%00.png",
    ],
)
def test_paths_outside_media_root_directories_and_missing_files_are_404(client, media_root, url):
    secret = put(media_root.parent, "secret.txt", b"SECRET_KEY=...")
    os.symlink(secret.parent, media_root / "outside")
    put(media_root, "shops/logos/ok.png", image_bytes("PNG"))
    response = client.get(url)
    assert response.status_code == 404
    assert b"SECRET_KEY" not in response.content


def test_unchanged_image_answers_304_and_writes_are_refused(client, media_root):
    path = put(media_root, "shops/logos/logo.png", image_bytes("PNG"))
    since = http_date(os.stat(path).st_mtime)
    response = client.get("/media/shops/logos/logo.png", HTTP_IF_MODIFIED_SINCE=since)
    assert response.status_code == 304
    assert_protected(response)
    assert client.post("/media/shops/logos/logo.png").status_code == 405


def test_non_filesystem_storage_is_not_served_by_the_app(client, settings, media_root):
    put(media_root, "shops/logos/logo.png", image_bytes("PNG"))
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert client.get("/media/shops/logos/logo.png").status_code == 404
