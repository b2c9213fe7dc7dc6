"""Upload checks for sold files (catalog.digital): names, sizes, programs by content, zip bombs and tricks."""

import hashlib
import io
import os
import stat
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation

from catalog import digital

MB = 1024 * 1024
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)


def upload(name, content):
    return SimpleUploadedFile(name, content)


def make_zip(members, *, compression=zipfile.ZIP_DEFLATED):
    """A zip in memory; ``members`` are (name or ZipInfo, bytes) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for member, content in members:
            archive.writestr(member, content)
    return buffer.getvalue()


def refusal(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


def russian(error: ValidationError) -> str:
    with translation.override("ru"):
        return error.messages[0]


# clean_file_name


def test_an_ordinary_name_is_kept_without_surrounding_spaces():
    assert digital.clean_file_name("  Выкройка платья, размер 42.pdf ") == "Выкройка платья, размер 42.pdf"


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "notes/../../evil.txt",
        "..\\evil.txt",
        "/etc/passwd",
        "C:\\Windows\\evil.txt",
        "c:evil.txt",
        "\\\\server\\share\\evil.txt",
        "evil\x00.pdf",
        "line\nbreak.pdf",
        "photo\u202egnp.exe",
        "...",
        " . . ",
        "",
        "CON",
        "nul.txt",
        "Com1.pdf",
        "LPT9 .doc",
        "a" * 147 + ".pdf",
    ],
)
def test_path_tricks_and_unusable_names_are_refused(name):
    assert refusal(digital.clean_file_name, name).code == "bad_name"


def test_a_name_of_150_characters_is_allowed():
    assert digital.clean_file_name("a" * 146 + ".pdf") == "a" * 146 + ".pdf"


def test_name_refusals_say_why_in_russian():
    assert russian(refusal(digital.clean_file_name, "../evil.txt")) == (
        "Имя файла «../evil.txt» не подходит: оно ведёт за пределы папки («..»)."
    )
    assert russian(refusal(digital.clean_file_name, "con.txt")) == (
        "Имя файла «con.txt» не подходит: «con» — имя устройства, зарезервированное в Windows."
    )
    assert russian(refusal(digital.clean_file_name, "a" * 151)).endswith("оно длиннее 150 символов.")
    # A control character is shown as «?», not sent back into the page.
    assert "«evil?.pdf»" in russian(refusal(digital.clean_file_name, "evil\x00.pdf"))


# check_sold_file: plain files


@pytest.mark.parametrize(("name", "content"), [("book.pdf", PDF), ("cover.png", PNG), ("photo.jpg", JPEG)])
def test_documents_and_pictures_pass_as_one_entry(name, content):
    file = upload(name, content)
    file.read(5)  # wherever the caller left it
    assert digital.check_sold_file(file) == [(name, len(content))]
    assert file.tell() == 0


def test_an_empty_file_is_refused():
    error = refusal(digital.check_sold_file, upload("empty.pdf", b""))
    assert error.code == "empty"
    assert russian(error) == "Файл «empty.pdf» пустой."


def test_a_file_over_the_limit_is_refused_naming_the_limit_in_megabytes(settings):
    settings.DIGITAL_MAX_FILE_BYTES = 2 * MB
    assert digital.check_sold_file(upload("big.pdf", PDF + bytes(2 * MB - len(PDF)))) == [("big.pdf", 2 * MB)]
    error = refusal(digital.check_sold_file, upload("big.pdf", PDF + bytes(2 * MB)))
    assert error.code == "too_big"
    assert russian(error) == "Файл «big.pdf» больше 2 МБ."


def test_a_large_temporary_upload_is_not_read_whole():
    file = TemporaryUploadedFile("scan.pdf", "application/pdf", 150 * MB, None)
    file.write(PDF)
    file.truncate(150 * MB)  # sparse: a real 150 MB file on disk in no time
    file.seek(0)
    read = []
    original = file.file.read
    file.file.read = lambda *args: read.append(len(data := original(*args))) or data
    try:
        assert digital.check_sold_file(file) == [("scan.pdf", 150 * MB)]
        assert sum(read) <= digital.SNIFF_BYTES
        assert file.tell() == 0
    finally:
        file.close()


MACH_O_MAGIC = [
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\xbe\xba\xfe\xca",
    b"\xca\xfe\xba\xbf",
    b"\xbf\xba\xfe\xca",
]


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50) + b"PE\x00\x00",  # Windows PE
        b"\x7fELF\x02\x01\x01" + bytes(40),  # ELF
        *[magic + bytes(40) for magic in MACH_O_MAGIC],  # Mach-O, fat binaries, Java class
        b"dex\n035\x00" + bytes(40),  # Android DEX
        b"#!/bin/sh\nrm -rf ~\n",
        b"\xef\xbb\xbf#!/usr/bin/env python\n",
        b"<?php system($_GET['c']); ?>",
        b"<!DOCTYPE html><title>x</title>",
        b"\n\n   <HTML><body onload=alert(1)>",
        b"<script>alert(1)</script>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"\xef\xbb\xbf  <html>",
        "<!doctype html><p>привет</p>".encode("utf-16"),
        b'<?xml version="1.0"?>\n<!-- drawing -->\n<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
    ],
)
def test_programs_scripts_and_pages_are_refused_by_content_whatever_their_name(content):
    error = refusal(digital.check_sold_file, upload("picture.png", content))
    assert error.code == "executable"
    assert russian(error) == "«picture.png» — программа, скрипт или веб-страница. Такие файлы продавать нельзя."


@pytest.mark.parametrize(
    "name", ["setup.exe", "Setup.EXE", "tool.dll", "run.bat", "install.sh", "macro.xlsm", "page.html", "icon.svg",
             "script.py", "index.php", "app.apk", "lib.jar", "virus.exe. ", "payload.js"],
)  # fmt: skip
def test_programs_scripts_and_pages_are_refused_by_extension(name):
    assert refusal(digital.check_sold_file, upload(name, b"just some text")).code == "executable"


def test_text_that_merely_mentions_markup_passes():
    content = "Инструкция: вставьте тег <script> в шаблон.\n".encode()
    assert digital.check_sold_file(upload("readme.txt", content)) == [("readme.txt", len(content))]


# check_sold_file: zips


def test_a_zip_is_listed_whatever_its_extension():
    content = make_zip([("pattern/front.pdf", PDF), ("pattern/", b""), ("readme.txt", b"hello")])
    file = upload("pattern.pdf", content)
    assert digital.check_sold_file(file) == [("pattern/front.pdf", len(PDF)), ("readme.txt", 5)]
    assert file.tell() == 0


def test_a_zip_in_a_temporary_upload_is_listed_and_left_at_its_start():
    content = make_zip([("урок.pdf", PDF), ("схема.png", PNG)])
    file = TemporaryUploadedFile("course.zip", "application/zip", len(content), None)
    try:
        file.write(content)
        assert digital.check_sold_file(file) == [("урок.pdf", len(PDF)), ("схема.png", len(PNG))]
        assert file.tell() == 0
    finally:
        file.close()


def test_an_office_document_with_an_embedded_workbook_is_sold_as_one_file():
    chart_data = make_zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
    content = make_zip(
        [
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
            ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", chart_data),
        ]
    )
    assert digital.check_sold_file(upload("report.docx", content)) == [("report.docx", len(content))]


def test_an_epub_with_xhtml_pages_is_sold_as_one_file():
    page = '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>Глава 1</body></html>'.encode()
    content = make_zip([("mimetype", b"application/epub+zip"), ("OEBPS/chapter1.xhtml", page)])
    assert digital.check_sold_file(upload("book.epub", content)) == [("book.epub", len(content))]


def test_an_archive_renamed_to_docx_is_checked_as_an_archive():
    content = make_zip([("setup.exe", b"MZ" + bytes(100))])
    assert refusal(digital.check_sold_file, upload("report.docx", content)).code == "executable"


def test_a_program_inside_a_document_is_refused():
    content = make_zip([("[Content_Types].xml", b"<Types/>"), ("word/media/image1.png", b"MZ" + bytes(100))])
    assert refusal(digital.check_sold_file, upload("report.docx", content)).code == "executable"


# check_zip


def test_a_valid_zip_returns_its_files_with_unpacked_sizes():
    content = make_zip([("Уроки/", b""), ("Уроки/урок 1.pdf", PDF), ("Уроки/схема.png", PNG), ("Уроки/пусто.txt", b"")])
    fileobj = io.BytesIO(content)
    assert digital.check_zip(fileobj, name="уроки.zip") == [
        ("Уроки/урок 1.pdf", len(PDF)),
        ("Уроки/схема.png", len(PNG)),
        ("Уроки/пусто.txt", 0),
    ]
    assert fileobj.tell() == 0


def test_names_written_by_russian_windows_zippers_are_read_as_cp866():
    cp866 = "Выкройка.pdf".encode("cp866")
    placeholder = b"x" * (len(cp866) - 4) + b".pdf"  # zipfile itself writes UTF-8 and sets the flag
    content = make_zip([(placeholder.decode(), PDF)]).replace(placeholder, cp866)
    assert digital.check_zip(io.BytesIO(content)) == [("Выкройка.pdf", len(PDF))]


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04" + bytes(100), b""])
def test_something_that_is_not_a_zip_is_refused(content):
    error = refusal(digital.check_zip, io.BytesIO(content), name="folder.zip")
    assert error.code == "bad_zip"
    assert russian(error) == (
        "Архив «folder.zip» повреждён или это не ZIP-архив (возможно, он загрузился не полностью)."
    )


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.99])
def test_a_truncated_zip_is_refused(keep):
    content = make_zip([("a.bin", os.urandom(20000)), ("b.bin", os.urandom(20000))])
    assert refusal(digital.check_sold_file, upload("folder.zip", content[: int(len(content) * keep)])).code == "bad_zip"


def test_a_zip_whose_central_directory_points_past_its_end_is_refused():
    content = bytearray(make_zip([("a.txt", b"hello")]))
    directory = content.rindex(b"PK\x01\x02")
    struct.pack_into("<L", content, directory + 20, 10**6)  # compressed size
    assert refusal(digital.check_zip, io.BytesIO(bytes(content))).code == "bad_zip"


def test_overlapping_members_are_refused():
    """A member whose body covers the next one: how non-recursive zip bombs share one kernel."""
    content = bytearray(make_zip([("a.txt", b"A" * 100), ("b.txt", b"B" * 100)], compression=zipfile.ZIP_STORED))
    second = content.index(b"PK\x03\x04", 1)
    covered = bytes(content[30 + 5 : second + 30 + 5 + 100])  # a.txt's body, b.txt's header and body
    directory = content.index(b"PK\x01\x02")
    struct.pack_into("<3L", content, directory + 16, zlib.crc32(covered), len(covered), len(covered))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        assert archive.testzip() is None  # every member reads back fine: only the layout gives it away
    assert refusal(digital.check_zip, io.BytesIO(bytes(content))).code == "bad_zip"


def test_a_central_directory_too_big_for_the_entry_limit_is_refused_before_zipfile_reads_it(settings, monkeypatch):
    settings.DIGITAL_MAX_ZIP_ENTRIES = 2
    content = bytearray(make_zip([(f"{n:03}.txt", b"x") for n in range(300)]))
    struct.pack_into("<HH", content, content.rindex(b"PK\x05\x06") + 8, 1, 1)  # «one entry»
    monkeypatch.setattr(zipfile, "ZipFile", None)  # a 200 MB directory would be millions of ZipInfo objects
    assert refusal(digital.check_zip, io.BytesIO(bytes(content))).code == "too_many_files"


def test_an_encrypted_member_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("secret.pdf")
        archive.writestr(info, PDF)
        info.flag_bits |= 0x1  # written into the central directory on close
    error = refusal(digital.check_zip, io.BytesIO(buffer.getvalue()), name="secret.zip")
    assert error.code == "encrypted"
    assert russian(error) == "Архив «secret.zip» защищён паролем. Загрузите его без пароля."


def test_more_entries_than_allowed_are_refused(settings):
    settings.DIGITAL_MAX_ZIP_ENTRIES = 3
    assert len(digital.check_zip(io.BytesIO(make_zip([(f"{n}.txt", b"x") for n in range(3)])))) == 3
    error = refusal(digital.check_zip, io.BytesIO(make_zip([(f"{n}.txt", b"x") for n in range(4)])))
    assert error.code == "too_many_files"
    assert russian(error) == "Архив содержит слишком много файлов: можно не больше 3."


def test_an_end_record_lying_about_the_entry_count_does_not_help(settings):
    settings.DIGITAL_MAX_ZIP_ENTRIES = 3
    content = bytearray(make_zip([(f"{n}.txt", b"x") for n in range(10)]))
    struct.pack_into("<HH", content, content.rindex(b"PK\x05\x06") + 8, 1, 1)
    assert refusal(digital.check_zip, io.BytesIO(bytes(content))).code == "too_many_files"


def test_a_zip64_end_record_is_read(settings):
    """65 536 entries need ZIP64's end record; it is read too (its count, not the 0xFFFF marker)."""
    settings.DIGITAL_MAX_ZIP_ENTRIES = 70_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(0x10000):
            archive.writestr(str(n), b"")
    assert b"PK\x06\x06" in buffer.getvalue()
    assert len(digital.check_zip(buffer)) == 0x10000
    settings.DIGITAL_MAX_ZIP_ENTRIES = 0xFFFF
    assert refusal(digital.check_zip, buffer).code == "too_many_files"


def test_a_zip_unpacking_to_more_than_allowed_is_refused(settings):
    settings.DIGITAL_MAX_UNPACKED_BYTES = 100_000
    members = [(f"{n}.bin", os.urandom(40_000)) for n in range(3)]
    error = refusal(digital.check_zip, io.BytesIO(make_zip(members)), name="big.zip")
    assert error.code == "too_big_unpacked"
    assert russian(error) == "Архив «big.zip» слишком велик в распакованном виде: можно не больше 0,1 МБ."


def zeros_zip() -> bytes:
    """50 MB of zeros, deflated to ~50 KB, streamed so the zeros are never in memory at once."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w") as member:
            for _ in range(50):
                member.write(bytes(MB))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb():
    return zeros_zip()


def test_a_zip_bomb_is_refused(zip_bomb):
    assert len(zip_bomb) < MB
    error = refusal(digital.check_sold_file, upload("course.zip", zip_bomb))
    assert error.code == "zip_bomb"
    assert russian(error) == "Файл «zeros.bin» в архиве сжат подозрительно сильно: так делают zip-бомбы."


def test_well_compressed_small_files_are_not_bombs():
    assert digital.check_zip(io.BytesIO(make_zip([("blank.txt", b" " * 500_000)]))) == [("blank.txt", 500_000)]


@pytest.mark.parametrize(
    ("member", "content"),
    [("inner.zip", b"not even a zip"), ("inner.dat", make_zip([("a.txt", b"a")])), ("x/INNER.ZIP", b"")],
)
def test_an_archive_inside_the_archive_is_refused(member, content):
    error = refusal(digital.check_zip, io.BytesIO(make_zip([("readme.txt", b"hi"), (member, content)])))
    assert error.code == "nested_archive"


def test_office_documents_inside_an_archive_are_not_nested_archives():
    document = make_zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
    assert digital.check_zip(io.BytesIO(make_zip([("prices.xlsx", document)]))) == [("prices.xlsx", len(document))]


@pytest.mark.parametrize(
    "member",
    ["../evil.txt", "docs/../../evil.txt", "/etc/cron.d/evil", "C:/Windows/evil.txt", "..\\..\\evil.txt",
     "\\\\server\\share\\evil.txt", "docs/\x01evil.txt", "docs/CON.txt", "docs/ ../evil.txt", "docs/" + "a" * 151],
)  # fmt: skip
def test_path_tricks_inside_the_archive_are_refused_naming_the_member(member):
    error = refusal(digital.check_zip, io.BytesIO(make_zip([(zipfile.ZipInfo(member), b"gotcha")])))
    assert error.code == "bad_member_name"
    assert "«" + digital._shown(member) + "»" in russian(error)


def test_a_parent_folder_member_is_refused_in_russian():
    error = refusal(digital.check_zip, io.BytesIO(make_zip([(zipfile.ZipInfo("../evil.txt"), b"gotcha")])))
    assert russian(error) == "Имя «../evil.txt» в архиве не подходит: оно ведёт за пределы папки («..»)."


def test_a_symbolic_link_member_is_refused():
    link = zipfile.ZipInfo("passwords.txt")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    error = refusal(digital.check_zip, io.BytesIO(make_zip([("readme.txt", b"hi"), (link, b"/etc/passwd")])))
    assert error.code == "symlink"
    assert russian(error) == (
        "В архиве есть символическая ссылка — «passwords.txt». Положите в архив сам файл, а не ссылку."
    )


@pytest.mark.parametrize(
    ("member", "content"),
    [
        ("setup.exe", b"harmless bytes"),
        ("tools/run.sh", b"echo hi"),
        ("site/index.html", b"<p>hi</p>"),
        ("photo.jpg", b"MZ\x90\x00" + bytes(200)),
        ("notes.txt", b"#!/bin/bash\n"),
        ("cover.png", b"  <svg onload=alert(1)>"),
        ("Tool.app/Contents/Info.plist", b"<?xml version='1.0'?><plist/>"),
        ("lib/Main.class", b"\xca\xfe\xba\xbe"),
    ],
)
def test_programs_scripts_and_pages_inside_the_archive_are_refused(member, content):
    error = refusal(digital.check_zip, io.BytesIO(make_zip([("readme.txt", b"hi"), (member, content)])))
    assert error.code == "executable"
    assert russian(error).startswith("В архиве есть программа, скрипт или веб-страница: «")


def test_duplicate_names_inside_the_archive_are_refused():
    content = make_zip([("Readme.txt", b"one"), ("README.TXT", b"two")])
    assert refusal(digital.check_zip, io.BytesIO(content)).code == "duplicate_name"


def test_an_archive_with_only_folders_is_refused():
    assert refusal(digital.check_zip, io.BytesIO(make_zip([("empty/", b"")]))).code == "empty_archive"


def test_compression_that_zipfile_unpacks_without_a_cap_is_refused():
    content = make_zip([("a.txt", b"hello")], compression=zipfile.ZIP_BZIP2)
    assert refusal(digital.check_zip, io.BytesIO(content)).code == "unsupported_compression"


def test_sniffing_reads_at_most_4_kb_of_each_member(monkeypatch):
    members = [("big.bin", os.urandom(3 * MB)), ("also.bin", os.urandom(300_000))]
    reads = []
    original = zipfile.ZipExtFile.read

    def spy(self, n=-1):
        data = original(self, n)
        reads.append((n, len(data)))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy)
    assert len(digital.check_zip(io.BytesIO(make_zip(members)))) == 2
    assert reads and all(0 < n <= 4096 and size <= 4096 for n, size in reads)


def test_a_member_whose_header_understates_its_size_is_read_only_up_to_its_header():
    content = bytearray(make_zip([("notes.txt", b"A" * 10 + b"MZ" + bytes(10_000))], compression=zipfile.ZIP_STORED))
    for offset in (22, content.rindex(b"PK\x01\x02") + 24):  # uncompressed size: local header, directory
        struct.pack_into("<L", content, offset, 10)
    # Only the declared 10 bytes are read; the CRC no longer matches them, so it is refused as damaged.
    assert refusal(digital.check_zip, io.BytesIO(bytes(content))).code == "bad_zip"


# check_folder


def test_a_folder_of_files_returns_one_entry_per_file_in_order():
    document = make_zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])
    files = [upload("урок.pdf", PDF), upload("схема.png", PNG), upload("конспект.docx", document)]
    assert digital.check_folder(files) == [("урок.pdf", len(PDF)), ("схема.png", len(PNG)),
                                           ("конспект.docx", len(document))]  # fmt: skip
    assert all(file.tell() == 0 for file in files)


def test_a_zip_among_the_folder_files_is_refused():
    files = [upload("урок.pdf", PDF), upload("extra.bin", make_zip([("a.txt", b"a")]))]
    error = refusal(digital.check_folder, files)
    assert error.code == "archive_in_folder"
    assert russian(error) == "«extra.bin» — архив. Загрузите либо один ZIP-архив, либо отдельные файлы, но не вместе."


def test_duplicate_names_in_a_folder_are_refused():
    error = refusal(digital.check_folder, [upload("Урок.pdf", PDF), upload("урок.PDF", PDF)])
    assert error.code == "duplicate_name"
    assert russian(error) == "Два файла называются «урок.PDF». Переименуйте один из них."


def test_too_many_folder_files_are_refused(settings):
    settings.DIGITAL_MAX_ZIP_ENTRIES = 2
    error = refusal(digital.check_folder, [upload(f"{n}.pdf", PDF) for n in range(3)])
    assert error.code == "too_many_files"
    assert russian(error) == "Слишком много файлов: за раз можно загрузить не больше 2."


def test_a_folder_larger_than_the_limit_together_is_refused(settings):
    settings.DIGITAL_MAX_FILE_BYTES = MB
    files = [upload(f"{n}.pdf", PDF + bytes(400_000)) for n in range(3)]
    error = refusal(digital.check_folder, files)
    assert error.code == "too_big"
    assert russian(error) == "Все файлы вместе больше 1 МБ."


def test_a_program_in_a_folder_is_refused():
    files = [upload("урок.pdf", PDF), upload("урок.png", b"\x7fELF" + bytes(10))]
    assert refusal(digital.check_folder, files).code == "executable"


def test_an_empty_folder_is_refused():
    assert refusal(digital.check_folder, []).code == "no_files"


# pack_folder


def test_pack_folder_writes_a_zip_that_reads_back_identically(tmp_path):
    parts = {"урок 1.pdf": PDF, "схемы/схема.png": PNG, "пусто.txt": b"", "random.bin": os.urandom(3 * MB + 17)}
    with open(tmp_path / "packed.zip", "w+b") as destination:
        written = digital.pack_folder([(path, io.BytesIO(content)) for path, content in parts.items()], destination)
        assert written == destination.tell() == os.path.getsize(tmp_path / "packed.zip")
    with zipfile.ZipFile(tmp_path / "packed.zip") as archive:
        assert archive.testzip() is None
        assert {info.filename: archive.read(info) for info in archive.infolist()} == parts
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_DEFLATED}
    with open(tmp_path / "packed.zip", "rb") as packed:  # and it passes the checks it will be sold under
        assert digital.check_zip(packed) == [(path, len(content)) for path, content in parts.items()]


def test_pack_folder_returns_only_what_it_wrote_after_the_current_position(tmp_path):
    with open(tmp_path / "packed.bin", "w+b") as destination:
        destination.write(b"x" * 100)
        written = digital.pack_folder([("a.txt", io.BytesIO(b"hello"))], destination)
        assert written == destination.tell() - 100


class GeneratedStream(io.RawIOBase):
    """``size`` bytes of a repeating pattern, made on the fly: never all in memory."""

    def __init__(self, size):
        self.left = size
        self.pattern = hashlib.sha256(b"lavka").digest() * 2048  # 64 KB

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left, len(self.pattern))
        buffer[:n] = self.pattern[:n]
        self.left -= n
        return n


def test_pack_folder_memory_stays_bounded_for_a_100_mb_part(tmp_path):
    sparse = tmp_path / "sparse.bin"
    with open(sparse, "wb") as file:
        file.truncate(100 * MB)
    tracemalloc.start()
    try:
        with open(sparse, "rb") as zeros, open(tmp_path / "packed.zip", "w+b") as destination:
            parts = [("zeros.bin", zeros), ("generated.bin", io.BufferedReader(GeneratedStream(20 * MB)))]
            written = digital.pack_folder(parts, destination)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * MB
    assert written == os.path.getsize(tmp_path / "packed.zip")
    with zipfile.ZipFile(tmp_path / "packed.zip") as archive:
        assert [(info.filename, info.file_size) for info in archive.infolist()] == [
            ("zeros.bin", 100 * MB),
            ("generated.bin", 20 * MB),
        ]
        assert archive.testzip() is None  # every CRC matches what was streamed in
