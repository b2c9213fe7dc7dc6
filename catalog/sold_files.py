"""Writes of digital products (seed 001 «Как создать электронный товар?»): sold files and folders,
and preview images.

Every upload is checked by catalog.digital first (size, executables by content, archive bombs,
path tricks); a refused one saves nothing. A folder uploaded as one zip is kept as sent; a
folder uploaded as several files is stored part by part and packed into one zip by a task
(``digital_folder_pack``), never in memory; until then the folder shows «готовится».
"""

import logging
import os
import tempfile
from collections.abc import Sequence

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.pagecache import bump_generation_on_commit

from . import attachments, digital
from .exceptions import CatalogError
from .models import DigitalFile, DigitalFileKind, DigitalFolderPart, PreviewImage, Product

logger = logging.getLogger(__name__)

MAX_SOLD_FILES = 20
MAX_PREVIEWS = 10


def _changed(product: Product) -> None:
    """The product page shows sold files' names and previews: its cached parts are stale."""
    Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
    bump_generation_on_commit()


def _check_digital(product: Product) -> None:
    if not product.is_digital:
        raise CatalogError(_("Only a digital product has files for sale."))


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def _title_for(title: str, upload_name: str) -> str:
    title = " ".join((title or "").split())
    return title or os.path.splitext(digital.clean_file_name(upload_name))[0][:100] or _("File")


def _stored_name(name: str, *, zip_too: bool = False) -> str:
    """A storage name that keeps the buyer's file recognisable but can't act as a page (catalog.attachments)."""
    stem, extension = os.path.splitext(digital.clean_file_name(name))
    stem = stem.replace(".", "_")[:80] or "file"
    extension = extension.lstrip(".").lower()
    if zip_too:
        return f"{stem}.zip"
    return f"{stem}.{extension if extension in attachments.SAFE_TYPES or extension in SOLD_EXTENSIONS else 'bin'}"


# Formats sellers of printables sell besides catalog.attachments' safe types; stored under their
# own extension and always sent as downloads (application/octet-stream unless listed there).
SOLD_EXTENSIONS = {"psd", "ai", "eps", "tif", "tiff", "epub", "fb2", "mobi", "djvu", "cdr", "svgz", "mp3", "mp4",
                   "stl", "obj", "dst", "pes", "ttf", "otf", "rar", "7z"}  # fmt: skip


@transaction.atomic
def sold_file_add(*, product: Product, title: str, upload) -> DigitalFile:
    """A single sold file; a zip sent as a file is offered as that zip (its contents listed)."""
    _check_digital(product)
    if product.digital_files.count() >= MAX_SOLD_FILES:
        raise CatalogError(_("A product can have at most %(count)d sold files.") % {"count": MAX_SOLD_FILES})
    entries = digital.check_sold_file(upload)
    # A zip archive is offered as it is, with its contents listed (a .docx is a zip too, but a document).
    is_zip = attachments.extension_of(upload.name) == "zip" or [tuple(entry) for entry in entries] != [
        (digital.clean_file_name(upload.name), upload.size)
    ]
    sold = DigitalFile(
        product=product, title=_title_for(title, upload.name), kind=DigitalFileKind.FILE, size=upload.size,
        entries=[list(entry) for entry in entries] if is_zip else [], position=_next_position(product.digital_files),
    )  # fmt: skip
    sold.file.save(_stored_name(upload.name, zip_too=is_zip), upload, save=False)
    sold.save()
    _changed(product)
    return sold


@transaction.atomic
def sold_folder_add(*, product: Product, title: str, uploads: Sequence) -> DigitalFile:
    """A folder: one zip (checked and kept) or several files (stored, then packed by a task)."""
    _check_digital(product)
    if product.digital_files.count() >= MAX_SOLD_FILES:
        raise CatalogError(_("A product can have at most %(count)d sold files.") % {"count": MAX_SOLD_FILES})
    if not uploads:
        raise CatalogError(_("Choose the folder's files or one zip archive."))
    title = " ".join((title or "").split())
    if not title:
        raise CatalogError(_("Name the folder: buyers see this name."))
    position = _next_position(product.digital_files)
    if len(uploads) == 1 and attachments.extension_of(uploads[0].name) == "zip":  # checked as a zip below
        upload = uploads[0]
        entries = digital.check_sold_file(upload)
        folder = DigitalFile(product=product, title=title, kind=DigitalFileKind.FOLDER, size=upload.size,
                             entries=[list(entry) for entry in entries], position=position)  # fmt: skip
        folder.file.save(_stored_name(title, zip_too=True), upload, save=False)
        folder.save()
        _changed(product)
        return folder
    entries = digital.check_folder(uploads)
    folder = DigitalFile.objects.create(product=product, title=title, kind=DigitalFileKind.FOLDER,
                                        entries=[list(entry) for entry in entries], position=position)  # fmt: skip
    for (path, size), upload in zip(entries, uploads, strict=True):
        part = DigitalFolderPart(folder=folder, path=path, size=size)
        part.file.save(_stored_name(path), upload, save=False)
        part.save()
    _changed(product)
    folder_id = folder.pk
    transaction.on_commit(lambda: _pack_later(folder_id))
    return folder


def download_name(sold: DigitalFile) -> str:
    """What the buyer's browser saves a sold file as: its name plus the stored extension (a folder: .zip)."""
    title = attachments.UNSAFE_NAME_CHARACTERS.sub(" ", sold.title).strip(" .") or "file"
    return f"{title}.{attachments.extension_of(sold.file.name) or 'bin'}"


def content_type(sold: DigitalFile) -> str:
    """Only catalog.attachments' harmless types keep their own; anything else is application/octet-stream."""
    return attachments.content_type_for(sold.file.name)


def _pack_later(folder_id: int) -> None:
    """Hand the packing to a worker; with the broker unreachable, pack here rather than leave the
    folder «упаковывается» for ever (the packing is idempotent, a late task finds it done)."""
    from .tasks import digital_folder_pack_task

    try:
        digital_folder_pack_task.delay(folder_id)
    except Exception:  # noqa: BLE001 - kombu/redis raise several kinds when the broker is down
        logger.warning("Broker unreachable: packing folder %s in the request", folder_id, exc_info=True)
        digital_folder_pack(folder_id=folder_id)


def digital_folder_pack(*, folder_id: int) -> DigitalFile | None:
    """Pack a folder's stored parts into its zip, on disk in a temporary file, then drop the parts.

    Idempotent: a folder already packed (or gone) is left alone, so a task run twice packs once.
    """
    folder = DigitalFile.objects.filter(pk=folder_id, kind=DigitalFileKind.FOLDER).first()
    if folder is None or folder.file:
        return folder
    parts = list(folder.parts.all())
    with tempfile.TemporaryFile() as packed:
        handles = [(part.path, part.file.open("rb")) for part in parts]
        try:
            size = digital.pack_folder(handles, packed)
        finally:
            for _path, handle in handles:
                handle.close()
        packed.seek(0)
        with transaction.atomic():
            locked = DigitalFile.objects.select_for_update().filter(pk=folder_id).first()
            if locked is None or locked.file:
                return locked
            locked.file.save(_stored_name(locked.title, zip_too=True), File(packed), save=False)
            locked.size = size
            locked.save(update_fields=["file", "size"])
            names = [(part.file.storage, part.file.name) for part in parts]
            DigitalFolderPart.objects.filter(folder=locked).delete()
            transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
            _changed(locked.product)
    return locked


@transaction.atomic
def sold_file_delete(*, sold: DigitalFile) -> None:
    """Remove a sold file; buyers who ordered it no longer see it (they keep the order)."""
    names = [(sold.file.storage, sold.file.name)] if sold.file else []
    names += [(part.file.storage, part.file.name) for part in sold.parts.all()]
    product = sold.product
    sold.delete()
    _changed(product)
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


@transaction.atomic
def preview_add(*, product: Product, images: Sequence) -> list[PreviewImage]:
    """Preview images (already checked by marketplace.images), shown on the product page."""
    _check_digital(product)
    if product.previews.count() + len(images) > MAX_PREVIEWS:
        raise CatalogError(_("A product can have at most %(count)d previews.") % {"count": MAX_PREVIEWS})
    position = _next_position(product.previews)
    added = []
    for offset, image in enumerate(images):
        preview = PreviewImage(product=product, position=position + offset)
        preview.image.save(image.name, image, save=False)
        preview.save()
        added.append(preview)
    _changed(product)
    return added


@transaction.atomic
def preview_delete(*, preview: PreviewImage) -> None:
    storage, name = preview.image.storage, preview.image.name
    product = preview.product
    preview.delete()
    _changed(product)
    transaction.on_commit(lambda: storage.delete(name))
