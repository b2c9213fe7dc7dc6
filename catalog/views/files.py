"""Downloads of product files: never a public /media/ address, always through a check.

Buyers get a product's attachments only while the product is visible
(``Product.objects.visible()``); the seller gets their own product's files and reseller
document from the cabinet, whatever the product's state, reaching them only through their
shop (another shop's file is a 404). Staff get them from the admin (catalog/admin.py).
"""

import os

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from marketplace.media import file_download
from shops.views.cabinet import seller_required

from ..attachments import content_type_for, download_name
from ..models import Attachment, Product


def attachment_response(attachment: Attachment):
    """An attachment as a download named after its title (catalog/attachments.py's types)."""
    name = attachment.file.name
    return file_download(
        attachment.file, filename=download_name(attachment.title, name), content_type=content_type_for(name)
    )


def reseller_document_response(product: Product):
    if not product.reseller_document:
        raise Http404
    name = product.reseller_document.name
    stem = os.path.splitext(os.path.basename(name))[0]
    return file_download(
        product.reseller_document, filename=download_name(stem, name), content_type=content_type_for(name)
    )


@require_safe
def attachment(request, pk, attachment_id):
    """«/p/<pk>/files/<id>/»: a visible product's file; a hidden or disabled product has none."""
    product = get_object_or_404(Product.objects.visible(), pk=pk)
    return attachment_response(get_object_or_404(product.attachments, pk=attachment_id))


@require_safe
@seller_required
def cabinet_attachment(request, shop, pk, file_pk):
    product = get_object_or_404(shop.products, pk=pk)
    return attachment_response(get_object_or_404(product.attachments, pk=file_pk))


@require_safe
@seller_required
def cabinet_reseller_document(request, shop, pk):
    return reseller_document_response(get_object_or_404(shop.products, pk=pk))
