"""protected_download: a sold file reaches the person a view let in — whole, resumed by Range, or through a server."""

import io
import os
import tracemalloc
from urllib.parse import quote

import pytest
from django.core.files.storage import FileSystemStorage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils.http import http_date

from marketplace.media import protected_download, requested_range_start

# response.close() sends request_finished, whose handler looks at the database connection.
pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 4  # 1024 distinct-enough bytes: a wrong slice shows
NAME = "digital/2025/01/book.pdf"
MTIME = 1_735_000_000
MB = 1024 * 1024


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path / "private")


def stored(storage, name=NAME, content=CONTENT):
    saved = storage.save(name, io.BytesIO(content))
    os.utime(storage.path(saved), (MTIME, MTIME))
    return FieldFile(instance=None, field=FileField(storage=storage), name=saved)


def body(response):
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def download(rf, file, method="get", filename="book.pdf", **headers):
    request = getattr(rf, method)("/downloads/1/", headers=headers)
    return protected_download(request, file, filename=filename, content_type="application/pdf")


def assert_protected(response, cache_control="private, no-cache"):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == cache_control


def test_whole_file_is_streamed_with_its_headers(rf, storage):
    response = download(rf, stored(storage))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="book.pdf"'
    assert response["Content-Length"] == str(len(CONTENT))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Last-Modified"] == http_date(MTIME)
    assert response["ETag"].startswith('"')
    assert "Content-Range" not in response
    assert_protected(response)
    assert body(response) == CONTENT


def test_russian_filename_is_sent_as_utf8_filename_star(rf, storage):
    response = download(rf, stored(storage), filename="Размеры платья.pdf")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("Размеры платья.pdf")
    body(response)


def test_etag_changes_when_the_file_does(rf, storage):
    file = stored(storage)
    first = download(rf, file)
    body(first)
    os.utime(storage.path(file.name), (MTIME + 1, MTIME + 1))
    second = download(rf, file)
    body(second)
    assert first["ETag"] != second["ETag"]


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=10-", 10, 1023),
        ("bytes=-5", 1019, 1023),
        ("bytes=1000-5000", 1000, 1023),  # the end is clamped to the file
        ("bytes=-5000", 0, 1023),  # a suffix longer than the file is the whole file
        ("bytes=1023-1023", 1023, 1023),
        ("Bytes=3-4", 3, 4),  # the unit is case-blind
    ],
)
def test_single_range_is_a_206_with_exactly_those_bytes(rf, storage, header, start, end):
    response = download(rf, stored(storage), Range=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/1024"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Disposition"] == 'attachment; filename="book.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert_protected(response)
    assert body(response) == CONTENT[start : end + 1]


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_unsatisfiable_range_is_a_416_naming_the_size(rf, storage, header):
    response = download(rf, stored(storage), Range=header)
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"
    assert response.content == b""
    assert_protected(response)


@pytest.mark.parametrize(
    "header",
    ["bytes=0-1,5-6", "bytes=0-1, 5-6", "bytes=9-3", "bytes=-", "bytes=a-b", "items=0-5", "bytes 0-5", "bytes=0-5;x"],
)
def test_several_or_malformed_ranges_get_the_whole_file(rf, storage, header):
    response = download(rf, stored(storage), Range=header)
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert body(response) == CONTENT


def test_range_resumes_when_if_range_matches_the_etag(rf, storage):
    file = stored(storage)
    etag = download(rf, file, method="head")["ETag"]
    response = download(rf, file, Range="bytes=100-", **{"If-Range": etag})
    assert response.status_code == 206
    assert body(response) == CONTENT[100:]


def test_range_resumes_when_if_range_matches_the_last_modified_date(rf, storage):
    response = download(rf, stored(storage), Range="bytes=100-", **{"If-Range": http_date(MTIME)})
    assert response.status_code == 206
    assert body(response) == CONTENT[100:]


@pytest.mark.parametrize("if_range", ['"some-other-file"', "W/{etag}", http_date(MTIME - 60), "not a date"])
def test_a_changed_file_is_sent_whole_despite_the_range(rf, storage, if_range):
    file = stored(storage)
    etag = download(rf, file, method="head")["ETag"]
    response = download(rf, file, Range="bytes=100-", **{"If-Range": if_range.format(etag=etag)})
    assert response.status_code == 200
    assert "Content-Range" not in response
    assert body(response) == CONTENT


def test_head_gives_the_headers_without_a_body(rf, storage):
    response = download(rf, stored(storage), method="head", Range="bytes=0-9")
    assert response.status_code == 200  # Range is defined only for GET
    assert not response.streaming
    assert response.content == b""
    assert response["Content-Length"] == "1024"
    assert response["Content-Disposition"] == 'attachment; filename="book.pdf"'
    assert response["Accept-Ranges"] == "bytes"
    assert_protected(response)


def test_matching_if_none_match_is_a_304(rf, storage):
    file = stored(storage)
    etag = download(rf, file, method="head")["ETag"]
    response = download(rf, file, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert_protected(response)


def test_missing_file_is_a_404(rf, storage):
    file = FieldFile(instance=None, field=FileField(storage=storage), name="digital/2025/01/gone.pdf")
    with pytest.raises(Http404):
        download(rf, file)


@pytest.mark.parametrize("name", ["", "../secret.txt", "digital/../../etc/passwd"])
def test_empty_or_escaping_name_is_a_404(rf, storage, settings, name):
    file = FieldFile(instance=None, field=FileField(storage=storage), name=name)
    for server in ("", "nginx", "sendfile"):
        settings.PROTECTED_FILES_SERVER = server
        with pytest.raises(Http404):
            download(rf, file)


@pytest.mark.parametrize("prefix", ["/_protected/", "/_protected"])
def test_nginx_gets_an_accel_redirect_to_the_quoted_name(rf, storage, settings, prefix):
    settings.PROTECTED_FILES_SERVER = "nginx"
    settings.PROTECTED_FILES_ACCEL_PREFIX = prefix
    file = stored(storage, name="digital/2025/01/Книга рецептов.pdf")
    response = download(rf, file, Range="bytes=0-9", filename="Книга рецептов.pdf")
    assert response.status_code == 200  # nginx answers the Range itself
    assert response["X-Accel-Redirect"] == "/_protected/digital/2025/01/" + quote("Книга рецептов.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("Книга рецептов.pdf")
    assert response.content == b""
    assert_protected(response)


def test_sendfile_gets_the_absolute_path(rf, storage, settings):
    settings.PROTECTED_FILES_SERVER = "sendfile"
    file = stored(storage, name="digital/2025/01/Книга.pdf")
    response = download(rf, file)
    assert response.status_code == 200
    assert response["X-Sendfile"] == quote(storage.path(file.name))  # mod_xsendfile unescapes it
    assert response["X-Sendfile"].startswith(quote(str(storage.location)) + "/digital/2025/01/%D0%9A")
    assert response["Content-Disposition"] == 'attachment; filename="book.pdf"'
    assert response.content == b""
    assert_protected(response)


class SignedUrlStorage(FileSystemStorage):
    """Stands in for django-storages' S3Storage: no local path, signed URLs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.url_calls = []

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def url(self, name, parameters=None, expire=None):
        self.url_calls.append((name, parameters, expire))
        return f"https://bucket.example/private/{name}?X-Amz-Signature=abc&X-Amz-Expires={expire}"


def test_s3_storage_redirects_to_a_short_lived_signed_url(rf, tmp_path, settings):
    settings.PROTECTED_FILES_URL_SECONDS = 90
    storage = SignedUrlStorage(location=tmp_path / "bucket")
    file = FieldFile(instance=None, field=FileField(storage=storage), name=NAME)
    response = download(rf, file, filename="Книга.pdf")
    assert response.status_code == 302
    assert response["Location"] == f"https://bucket.example/private/{NAME}?X-Amz-Signature=abc&X-Amz-Expires=90"
    assert storage.url_calls == [
        (
            NAME,
            {
                "ResponseContentDisposition": "attachment; filename*=utf-8''" + quote("Книга.pdf"),
                "ResponseContentType": "application/pdf",
            },
            90,
        )
    ]
    assert_protected(response, cache_control="private, no-store")


@pytest.fixture
def big_file(storage):
    name = "digital/2025/01/big.iso"
    path = storage.path(name)
    os.makedirs(os.path.dirname(path))
    with open(path, "wb") as sparse:  # 300 MB that take no disk
        sparse.seek(300 * MB - 1)
        sparse.write(b"\0")
    return FieldFile(instance=None, field=FileField(storage=storage), name=name)


def test_big_file_streams_in_small_chunks_without_being_read_whole(rf, big_file):
    response = download(rf, big_file, filename="big.iso")
    assert response["Content-Length"] == str(300 * MB)
    total = largest = 0
    tracemalloc.start()
    try:
        for chunk in response.streaming_content:
            total += len(chunk)
            largest = max(largest, len(chunk))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        response.close()
    assert total == 300 * MB
    assert largest == 64 * 1024
    assert peak < 16 * MB


def test_range_in_the_middle_of_a_big_file_is_exactly_that_long(rf, big_file):
    start, end = 100 * MB + 7, 200 * MB - 3
    response = download(rf, big_file, filename="big.iso", Range=f"bytes={start}-{end}")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{300 * MB}"
    assert response["Content-Length"] == str(end - start + 1)
    tracemalloc.start()
    try:
        total = sum(len(chunk) for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        response.close()
    assert total == end - start + 1
    assert peak < 16 * MB


@pytest.mark.parametrize(
    ("header", "start"),
    [
        (None, 0),
        ("bytes=0-", 0),
        ("bytes=500-", 500),
        ("bytes=500-999", 500),
        (" bytes=7-8 ", 7),
        ("bytes=-500", 0),  # the last 500 bytes: a fresh look at the end, not a resume
        ("bytes=0-1,500-", 0),
        ("bytes=9-3", 0),
        ("bytes=abc-", 0),
        ("items=500-", 0),
        ("bytes=" + "9" * 5000 + "-", 10**18),  # absurd, but neither an error nor a fresh download
    ],
)
def test_requested_range_start(rf, header, start):
    request = rf.get("/downloads/1/", headers={"Range": header} if header else {})
    assert requested_range_start(request) == start
