"""Seller cabinet, a digital product's «Продаваемые файлы» tab: sold files and folders, previews,
the free mock-up templates for the cover; the seller downloads their own files from here."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marketplace.forms import call_service
from marketplace.media import protected_download
from shops.views.cabinet import seller_required

from .. import sold_files
from ..forms import PreviewImagesForm, SoldFileForm, SoldFolderForm
from ..mockups import MOCKUPS
from ..models import Product

FORMS = {"file": SoldFileForm, "folder": SoldFolderForm}


def _digital_product(shop, pk) -> Product:
    product = get_object_or_404(shop.products, pk=pk)
    if not product.is_digital:
        raise Http404
    return product


@seller_required
@require_http_methods(["GET", "POST"])
def sold_files_page(request, shop, pk):
    """Three forms on one tab (a file, a folder, previews); the one sent keeps what was typed."""
    product = _digital_product(shop, pk)
    sent = request.POST.get("form") if request.method == "POST" else None
    data = (request.POST, request.FILES)
    file_form = SoldFileForm(*(data if sent == "file" else ()), prefix="file")
    folder_form = SoldFolderForm(*(data if sent == "folder" else ()), prefix="folder")
    preview_form = PreviewImagesForm(*(data if sent == "preview" else ()), product=product, prefix="preview")
    if sent == "file" and file_form.is_valid():
        added = call_service(file_form, sold_files.sold_file_add, product=product,
                             title=file_form.cleaned_data["title"], upload=file_form.cleaned_data["file"])  # fmt: skip
        if added:
            messages.success(request, _("File «%(title)s» added.") % {"title": added.title})
            return redirect("catalog:cabinet-product-sold-files", pk=product.pk)
    elif sent == "folder" and folder_form.is_valid():
        added = call_service(
            folder_form, sold_files.sold_folder_add, product=product, title=folder_form.cleaned_data["title"],
            uploads=folder_form.cleaned_data["files"],
        )  # fmt: skip
        if added:
            messages.success(request, _("Folder «%(title)s» added.") % {"title": added.title})
            return redirect("catalog:cabinet-product-sold-files", pk=product.pk)
    elif sent == "preview" and preview_form.is_valid():
        added = call_service(preview_form, sold_files.preview_add, product=product,
                             images=preview_form.cleaned_data["images"])  # fmt: skip
        if added:
            messages.success(request, _("Previews added."))
            return redirect("catalog:cabinet-product-sold-files", pk=product.pk)
    status = 400 if sent in ("file", "folder", "preview") else 200
    return render(
        request, "catalog/cabinet/product_sold_files.html",
        {"shop": shop, "product": product, "file_form": file_form, "folder_form": folder_form,
         "preview_form": preview_form, "sold": list(product.digital_files.all()),
         "previews": list(product.previews.all()), "mockups": MOCKUPS, "max_files": sold_files.MAX_SOLD_FILES,
         "max_previews": sold_files.MAX_PREVIEWS, "max_file_mb": settings.DIGITAL_MAX_FILE_BYTES // (1024 * 1024)},
        status=status,
    )  # fmt: skip


@seller_required
@require_POST
def sold_file_delete(request, shop, pk, file_pk):
    product = _digital_product(shop, pk)
    sold = get_object_or_404(product.digital_files, pk=file_pk)
    sold_files.sold_file_delete(sold=sold)
    messages.success(request, _("«%(title)s» deleted.") % {"title": sold.title})
    return redirect("catalog:cabinet-product-sold-files", pk=product.pk)


@seller_required
@require_POST
def preview_delete(request, shop, pk, preview_pk):
    product = _digital_product(shop, pk)
    sold_files.preview_delete(preview=get_object_or_404(product.previews, pk=preview_pk))
    messages.success(request, _("Preview deleted."))
    return redirect("catalog:cabinet-product-sold-files", pk=product.pk)


@seller_required
@require_safe
def sold_file_download(request, shop, pk, file_pk):
    """The seller checks their own file: never counted, whatever the limit."""
    product = _digital_product(shop, pk)
    sold = get_object_or_404(product.digital_files, pk=file_pk)
    if not sold.file:
        raise Http404
    return protected_download(
        request, sold.file, filename=sold_files.download_name(sold), content_type=sold_files.content_type(sold)
    )
