"""Checks for the files a digital product sells: names, sizes, programs and scripts, zip bombs and tricks.

Nothing here unpacks an archive: a zip is judged by its central directory (declared sizes,
names, flags) and by the first ``SNIFF_BYTES`` of each member, read through a hard cap. Memory
stays bounded whatever the upload's size (a 200 MB TemporaryUploadedFile is never read whole).
"""

import re
import shutil
import stat
import struct
import unicodedata
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MB = 1024 * 1024
SNIFF_BYTES = 4096
CHUNK_BYTES = MB
MAX_NAME_LENGTH = 150
# A member that unpacks to more than a megabyte at more than 100:1 is a bomb: ordinary files
# (text, office XML) rarely pass 20:1, and only runs of one byte pass 1000:1.
BOMB_RATIO = 100
BOMB_MIN_BYTES = MB
# The central directory is read into memory whole by zipfile, before any entry can be counted:
# a 200 MB zip of empty entries would be millions of ZipInfo objects. Its size is checked from the
# end record first; 4 KB an entry is far above a real one (46 bytes + a name + a few extras).
CENTRAL_DIRECTORY_BYTES_PER_ENTRY = 4096

# By extension: things that run when opened (Windows, macOS, Linux, Android, Java, scripts,
# Office macros) and pages a browser would run. Content sniffing catches the renamed ones.
EXECUTABLE_EXTENSIONS = frozenset(
    """
    exe dll msi msp mst bat cmd com scr pif cpl msc hta chm sys drv ocx lnk scf reg inf
    vbs vbe vb js jse mjs cjs wsf wsh wsc ws ps1 psm1 psd1 ps1xml psc1
    gadget application appref-ms xbap appx appxbundle msix msixbundle settingcontent-ms
    docm dotm xlsm xltm xlam pptm potm ppsm ppam sldm
    jar jnlp class dex apk aab xap ipa
    sh bash zsh csh ksh fish command run so dylib elf app dmg pkg mpkg deb rpm appimage snap flatpak desktop
    scpt scptd applescript workflow terminal
    py pyc pyo pyw pyz rb pl pm cgi php php3 php4 php5 php7 phtml phar asp aspx jsp lua tcl
    html htm xhtml xht shtml mht mhtml svg
    """.split()
)
# A folder named «Tool.app» inside an archive is a macOS program whatever its files are called.
BUNDLE_EXTENSIONS = frozenset({"app"})
# Zip-based documents: sold as they are (not listed as archives), and allowed inside an archive
# or a folder though their bytes are a zip. Their own parts are XHTML (EPUB) or embedded workbooks
# (every Word chart is an .xlsx inside the .docx), so the nested-archive and markup checks would
# refuse ordinary books and reports; the part that proves the format must be there.
DOCUMENT_MARKERS = {
    **dict.fromkeys(("docx", "dotx", "xlsx", "xltx", "pptx", "potx", "ppsx", "vsdx", "3mf"), "[Content_Types].xml"),
    **dict.fromkeys(("odt", "ott", "ods", "ots", "odp", "otp", "odg", "epub"), "mimetype"),
}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
BINARY_MAGIC = (
    b"MZ",  # Windows PE (and DOS) programs
    b"\x7fELF",  # Linux, BSD, Android native
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit
    b"\xce\xfa\xed\xfe",  # Mach-O 32-bit, byte-swapped
    b"\xcf\xfa\xed\xfe",  # Mach-O 64-bit, byte-swapped
    b"\xca\xfe\xba\xbe",  # Mach-O fat binary, and a Java class
    b"\xbe\xba\xfe\xca",  # Mach-O fat binary, byte-swapped
    b"\xca\xfe\xba\xbf",  # Mach-O 64-bit fat binary
    b"\xbf\xba\xfe\xca",  # Mach-O 64-bit fat binary, byte-swapped
    b"dex\n",  # Android DEX
)
MARKUP_STARTS = ("<!doctype html", "<html", "<script", "<svg", "<?php")
# In text that starts with markup («<?xml …», «<!-- … -->», another doctype): these make it a page.
MARKUP_INSIDE = ("<html", "<script", "<svg", "<?php")
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "utf-8"),
)
# C0/C1 controls, and the Unicode line separators and bidi overrides that make «exe.png» of
# «gnp\u202e.exe» when shown.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SEPARATORS = re.compile(r"[/\\]")
DRIVE = re.compile(r"^[A-Za-z]:")
RESERVED_DEVICE = re.compile(r"(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9¹²³]|LPT[0-9¹²³])", re.IGNORECASE)

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_LOCAL_HEADER_BYTES = 30
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error)


def clean_file_name(name: str) -> str:
    """The name an uploaded file is shown and stored under; refuses path tricks (ValidationError)."""
    name = (name or "").strip()
    problem = _name_problem(name) or _length_problem(name)
    if problem:
        raise ValidationError(
            _("The file name «%(name)s» cannot be used: %(reason)s.") % {"name": _shown(name), "reason": problem},
            code="bad_name",
        )
    return name


def check_sold_file(upload) -> list[tuple[str, int]]:
    """One uploaded sold file: its entries if it is a zip, else ``[(name, size)]``; refuses what can't be sold."""
    return _check_upload(upload, allow_archive=True)


def check_zip(fileobj, *, name: str = "") -> list[tuple[str, int]]:
    """A zip (an uploaded folder or archive): ``[(path inside, unpacked size)]`` of its files; refuses bombs, tricks."""
    try:
        with _open_zip(fileobj, name) as archive:
            return _check_members(archive, name, document=False)
    finally:
        fileobj.seek(0)


def check_folder(uploads) -> list[tuple[str, int]]:
    """A folder sent as several files: ``[(name, size)]`` in the order sent; refuses archives among them."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError(_("Choose at least one file."), code="no_files")
    limit = settings.DIGITAL_MAX_ZIP_ENTRIES
    if len(uploads) > limit:
        raise ValidationError(
            _("Too many files: at most %(limit)d can be uploaded at once.") % {"limit": limit}, code="too_many_files"
        )
    if sum(_size_of(upload) for upload in uploads) > settings.DIGITAL_MAX_FILE_BYTES:
        raise ValidationError(
            _("The files together are larger than %(limit)s MB.")
            % {"limit": _megabytes(settings.DIGITAL_MAX_FILE_BYTES)},
            code="too_big",
        )
    seen = set()
    for upload in uploads:  # names first: a clash is cheaper to report than a file to read
        name = clean_file_name(upload.name)
        if _name_key(name) in seen:
            raise ValidationError(
                _("Two files are named «%(name)s». Rename one of them.") % {"name": _shown(name)}, code="duplicate_name"
            )
        seen.add(_name_key(name))
    entries = []
    for upload in uploads:
        entries += _check_upload(upload, allow_archive=False)
    return entries


def pack_folder(parts, destination) -> int:
    """Write a zip of ``parts`` ((path inside, binary file) pairs) into ``destination``, 1 MB at a time.

    Returns the number of bytes written. Nothing is held in memory but one chunk and the compressor.
    """
    start = destination.tell()
    date_time = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, source in parts:
            info = zipfile.ZipInfo(path, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            size = _stream_size(source)
            # zipfile picks ZIP64 headers from the declared size; unknown, it must assume the worst.
            info.file_size = size or 0
            with archive.open(info, "w", force_zip64=size is None) as packed:
                shutil.copyfileobj(source, packed, CHUNK_BYTES)
    return destination.tell() - start


def _check_upload(upload, *, allow_archive: bool) -> list[tuple[str, int]]:
    name = clean_file_name(upload.name)
    size = _size_of(upload)
    if size == 0:
        raise ValidationError(_("The file «%(name)s» is empty.") % {"name": _shown(name)}, code="empty")
    if size > settings.DIGITAL_MAX_FILE_BYTES:
        raise ValidationError(
            _("The file «%(name)s» is larger than %(limit)s MB.")
            % {"name": _shown(name), "limit": _megabytes(settings.DIGITAL_MAX_FILE_BYTES)},
            code="too_big",
        )
    if _is_executable_name(name):
        raise _executable(name)
    try:
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
    finally:
        upload.seek(0)
    if not head:
        raise ValidationError(_("The file «%(name)s» is empty.") % {"name": _shown(name)}, code="empty")
    if _looks_executable(head, markup=True):
        raise _executable(name)
    if not (head.startswith(ZIP_MAGIC) or _extension(name) == "zip"):
        return [(name, size)]
    if not allow_archive and _extension(name) not in DOCUMENT_MARKERS:
        raise _archive_in_folder(name)
    try:
        with _open_zip(upload, name) as archive:
            if _is_document(name, archive):
                _check_members(archive, name, document=True)
                return [(name, size)]
            if not allow_archive:
                raise _archive_in_folder(name)
            return _check_members(archive, name, document=False)
    finally:
        upload.seek(0)


def _open_zip(fileobj, name: str) -> zipfile.ZipFile:
    """The zip, once its end record, entry count, size and layout are sane (else ValidationError)."""
    try:
        fileobj.seek(0, 2)
        archive_size = fileobj.tell()
        declared_entries, directory_size = _central_directory(fileobj, archive_size)
        limit = settings.DIGITAL_MAX_ZIP_ENTRIES
        if declared_entries > limit or directory_size > limit * CENTRAL_DIRECTORY_BYTES_PER_ENTRY:
            raise _too_many_entries(name, limit)
        fileobj.seek(0)
        archive = zipfile.ZipFile(fileobj)
    except _ZIP_ERRORS:
        raise _damaged(name)
    infos = archive.infolist()
    if len(infos) > limit:  # the end record's count may lie; zipfile reads the whole directory
        archive.close()
        raise _too_many_entries(name, limit)
    # Members must lie inside the file, one after another: overlapping members (many entries
    # sharing one compressed kernel) are the non-recursive zip bomb; past the end is a cut file.
    end = 0
    for info in sorted(infos, key=lambda info: info.header_offset):
        if info.header_offset < end or info.header_offset + _LOCAL_HEADER_BYTES + info.compress_size > archive_size:
            archive.close()
            raise _damaged(name)
        end = info.header_offset + _LOCAL_HEADER_BYTES + info.compress_size
    return archive


def _central_directory(fileobj, archive_size: int) -> tuple[int, int]:
    """(entries, central directory bytes) as the end record declares them (ZIP64 too)."""
    tail_size = min(archive_size, _EOCD.size + 0xFFFF)  # the record, then a comment of up to 64 KB
    fileobj.seek(archive_size - tail_size)
    tail = fileobj.read(tail_size)
    found = tail.rfind(b"PK\x05\x06")
    if found < 0 or len(tail) - found < _EOCD.size:
        raise zipfile.BadZipFile("no end of central directory record")
    _sig, _disk, _start_disk, _here, entries, size, offset, _comment = _EOCD.unpack_from(tail, found)
    if entries != 0xFFFF and size != 0xFFFFFFFF and offset != 0xFFFFFFFF:
        return entries, size
    # The markers say «see the ZIP64 record», which lies just before the end record.
    record_at = archive_size - tail_size + found - _ZIP64_LOCATOR.size - _ZIP64_EOCD.size
    if record_at < 0:
        return entries, size
    fileobj.seek(record_at)
    data = fileobj.read(_ZIP64_EOCD.size + _ZIP64_LOCATOR.size)
    record, locator = data[: _ZIP64_EOCD.size], data[_ZIP64_EOCD.size :]
    if not (record.startswith(b"PK\x06\x06") and locator.startswith(b"PK\x06\x07")):
        return entries, size  # exactly 65 535 entries, say: the markers were the real values
    *_, entries, size, _offset = _ZIP64_EOCD.unpack(record)
    return entries, size


def _check_members(archive: zipfile.ZipFile, name: str, *, document: bool) -> list[tuple[str, int]]:
    """Entries of an open zip. Declared facts of every member first, then the first bytes of each."""
    files = []
    seen = set()
    total = 0
    for info in archive.infolist():
        path = _member_name(info)
        is_dir = info.is_dir() or path.endswith("\\")
        problem = _name_problem(path[:-1] if is_dir else path, member=True)
        if problem:
            raise ValidationError(
                _("The name «%(name)s» in the archive cannot be used: %(reason)s.")
                % {"name": _shown(path), "reason": problem},
                code="bad_member_name",
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValidationError(
                _("The archive contains a symbolic link, «%(name)s». Put the file itself in the archive instead.")
                % {"name": _shown(path)},
                code="symlink",
            )
        if info.flag_bits & 0x1:
            raise ValidationError(
                _("%(archive)s is protected by a password. Upload it without a password.") % {"archive": _label(name)},
                code="encrypted",
            )
        if is_dir:
            continue
        if _name_key(path) in seen:
            raise ValidationError(
                _("The archive contains two files named «%(name)s».") % {"name": _shown(path)}, code="duplicate_name"
            )
        seen.add(_name_key(path))
        total += info.file_size
        if total > settings.DIGITAL_MAX_UNPACKED_BYTES:
            raise ValidationError(
                _("%(archive)s is too large unpacked: at most %(limit)s MB is allowed.")
                % {"archive": _label(name), "limit": _megabytes(settings.DIGITAL_MAX_UNPACKED_BYTES)},
                code="too_big_unpacked",
            )
        if info.file_size > BOMB_MIN_BYTES and info.file_size > BOMB_RATIO * info.compress_size:
            raise ValidationError(
                _("The file «%(name)s» in the archive is compressed suspiciously well: that is how zip bombs are made.")
                % {"name": _shown(path)},
                code="zip_bomb",
            )
        # zipfile unpacks bzip2 and LZMA members without a cap on the output (a 4 KB read could
        # be gigabytes); Deflate it caps. Every ordinary zip tool writes Deflate.
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValidationError(
                _("%(archive)s uses a compression method that cannot be checked. Pack it again as an ordinary ZIP.")
                % {"archive": _label(name)},
                code="unsupported_compression",
            )
        if not document:
            if _is_executable_name(path) or any(
                _extension(folder) in BUNDLE_EXTENSIONS for folder in SEPARATORS.split(path)[:-1]
            ):
                raise _executable(path, member=True)
            if _extension(path) == "zip":
                raise _nested(path)
        files.append((info, path))
    for info, path in files:
        head = _member_head(archive, info, name)
        if _looks_executable(head, markup=not document):
            raise _executable(path, member=True)
        if not document and head.startswith(ZIP_MAGIC) and _extension(path) not in DOCUMENT_MARKERS:
            raise _nested(path)
    if not files and not document:
        raise ValidationError(_("%(archive)s has no files.") % {"archive": _label(name)}, code="empty_archive")
    return [(path, info.file_size) for info, path in files]


def _member_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """At most SNIFF_BYTES of a member, whatever its header declares.

    ZipExtFile.read(n) returns at most n bytes and (for Deflate) asks the decompressor for no
    more than max(n, 4096): a member lying about its size can't make this read more.
    """
    if not info.file_size:
        return b""
    try:
        with archive.open(info) as member:
            return member.read(SNIFF_BYTES)[:SNIFF_BYTES]
    except _ZIP_ERRORS:
        raise _damaged(name)


def _is_document(name: str, archive: zipfile.ZipFile) -> bool:
    marker = DOCUMENT_MARKERS.get(_extension(name))
    return marker is not None and marker in archive.namelist()


def _looks_executable(head: bytes, *, markup: bool) -> bool:
    if head.startswith(BINARY_MAGIC):
        return True
    text = _text_start(head)
    if text.startswith("#!"):
        return True
    if not markup:
        return False
    text = text.lstrip().lower()
    return text.startswith(MARKUP_STARTS) or (text.startswith("<") and any(tag in text for tag in MARKUP_INSIDE))


def _text_start(head: bytes) -> str:
    """The head as text, byte order mark dropped (UTF-16/32 decoded; anything else as Latin-1)."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    return head.decode("latin-1")


def _name_problem(name: str, *, member: bool = False) -> str | None:
    """Why a file name (or a path inside an archive) is a trick, as a clause; None if it is fine."""
    if CONTROL_CHARACTERS.search(name):
        return _("it contains control characters")
    if name.startswith(("/", "\\")) or DRIVE.match(name):
        return _("it is an absolute path (from the root of a disk or a network folder)")
    for part in SEPARATORS.split(name):
        if part.rstrip(" ") == "..":
            return _("it leads outside its folder («..»)")
        if DRIVE.match(part):
            return _("it is an absolute path (from the root of a disk or a network folder)")
        if not part.strip(". "):
            return _("it is empty or consists only of dots and spaces")
        device = part.split(".")[0].rstrip(" ")
        if RESERVED_DEVICE.fullmatch(device):
            return _("«%(device)s» is a device name reserved by Windows") % {"device": device}
        if member:
            problem = _length_problem(part)
            if problem:
                return problem
    return None


def _length_problem(name: str) -> str | None:
    if len(name) <= MAX_NAME_LENGTH:
        return None
    return ngettext(
        "it is longer than %(limit)d character", "it is longer than %(limit)d characters", MAX_NAME_LENGTH
    ) % {"limit": MAX_NAME_LENGTH}


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's path as its author saw it.

    ``orig_filename`` keeps what zipfile cuts at a NUL. Without the UTF-8 flag zipfile decodes
    names as CP437; Russian Windows zippers wrote CP866 and some others UTF-8 without the flag.
    """
    name = info.orig_filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    raw = name.encode("cp437")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp866")


def _is_executable_name(name: str) -> bool:
    # Windows drops trailing dots and spaces: «setup.exe .» runs as «setup.exe».
    return _extension(name.rstrip(". ")) in EXECUTABLE_EXTENSIONS


def _extension(name: str) -> str:
    base = SEPARATORS.split(name)[-1]
    return base.rpartition(".")[2].lower() if "." in base else ""


def _name_key(name: str) -> str:
    """Names that would be one file on Windows or macOS (case, Unicode normalisation, separators)."""
    return unicodedata.normalize("NFC", name.replace("\\", "/")).casefold()


def _shown(name: str) -> str:
    name = CONTROL_CHARACTERS.sub("?", name)
    return name if len(name) <= 100 else name[:99] + "…"


def _label(name: str) -> str:
    return _("The archive «%(name)s»") % {"name": _shown(name)} if name else _("The archive")


def _megabytes(size: int) -> str:
    value = size / MB
    return str(int(value)) if value == int(value) else number_format(round(value, 1), 1)


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is not None:
        return size
    return _stream_size(upload) or 0


def _stream_size(source) -> int | None:
    """Bytes from the current position to the end, or None for a stream that can't seek."""
    try:
        here = source.tell()
        source.seek(0, 2)
        end = source.tell()
        source.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return end - here


def _executable(name: str, *, member: bool = False) -> ValidationError:
    if member:
        message = _("The archive contains a program, a script or a web page: «%(name)s». Such files cannot be sold.")
    else:
        message = _("«%(name)s» is a program, a script or a web page. Such files cannot be sold.")
    return ValidationError(message % {"name": _shown(name)}, code="executable")


def _nested(path: str) -> ValidationError:
    return ValidationError(
        _("The archive contains another archive, «%(name)s». Unpack it and put its files in the main archive.")
        % {"name": _shown(path)},
        code="nested_archive",
    )


def _archive_in_folder(name: str) -> ValidationError:
    return ValidationError(
        _("«%(name)s» is an archive. Upload either one ZIP archive or separate files, not both.")
        % {"name": _shown(name)},
        code="archive_in_folder",
    )


def _too_many_entries(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _("%(archive)s has too many files: at most %(limit)d are allowed.") % {"archive": _label(name), "limit": limit},
        code="too_many_files",
    )


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        _("%(archive)s is damaged or is not a ZIP archive (perhaps it was not uploaded completely).")
        % {"archive": _label(name)},
        code="bad_zip",
    )
