"""Product files and reseller documents: downloaded only through views that check who may see them."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import content_disposition_header

from catalog import services
from catalog.models import Attachment, Product
from marketplace.media import PRIVATE_PREFIXES
from marketplace.tests.factories import UserFactory
from shops.models import SanctionState
from shops.tests.factories import ShopFactory, image_upload

from .factories import ProductFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 size chart"
HTML = b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


@pytest.fixture(autouse=True)
def _production_mode(settings):
    settings.DEBUG = False


@pytest.fixture
def product():
    return ProductFactory(title="Вигвам «Лесной»")


@pytest.fixture
def attachment(product):
    return services.attachment_add(
        product=product, title="Таблица размеров", file=SimpleUploadedFile("razmery.pdf", PDF)
    )


@pytest.fixture
def owner_client(client, product):
    client.force_login(product.shop.owner)
    return client


def public_url(attachment):
    return f"/p/{attachment.product_id}/files/{attachment.pk}/"


def cabinet_url(attachment):
    return f"/cabinet/products/{attachment.product_id}/files/{attachment.pk}/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_safe_download(response, *, content_type, filename):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == content_disposition_header(True, filename)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- Buyers: only while the product is visible ------------------------------------------------


def test_visible_products_file_downloads_as_an_attachment_named_after_its_title(client, attachment):
    response = client.get(public_url(attachment))
    assert_safe_download(response, content_type="application/pdf", filename="Таблица размеров.pdf")
    assert body_of(response) == PDF


def hide_disabled(product):
    product.is_enabled = False
    product.save()


def hide_by_moderation(product):
    product.is_hidden_by_moderation = True
    product.save()


def hide_shop(product):
    product.shop.sanction_state = SanctionState.HIDDEN
    product.shop.save()


def ban_shop(product):
    product.shop.sanction_state = SanctionState.BANNED
    product.shop.save()


@pytest.mark.parametrize("hide", [hide_disabled, hide_by_moderation, hide_shop, ban_shop])
def test_file_of_a_product_buyers_cannot_see_is_404(client, attachment, hide):
    assert client.get(public_url(attachment)).status_code == 200
    hide(attachment.product)
    assert not Product.objects.visible().filter(pk=attachment.product_id).exists()
    assert client.get(public_url(attachment)).status_code == 404


def test_file_under_another_products_address_is_404(client, attachment):
    other = ProductFactory()
    assert client.get(f"/p/{other.pk}/files/{attachment.pk}/").status_code == 404


def test_raw_media_address_of_a_file_is_404(client, attachment):
    assert attachment.file.name.startswith("catalog/files/")
    assert client.get(attachment.file.url).status_code == 404


def test_product_page_links_to_the_download_view_not_to_media(client, attachment):
    page = client.get(attachment.product.get_absolute_url()).content.decode()
    assert f'href="{public_url(attachment)}"' in page
    assert attachment.file.url not in page


def test_private_upload_folders_are_the_ones_media_refuses():
    assert Attachment._meta.get_field("file").upload_to.startswith(PRIVATE_PREFIXES)
    assert Product._meta.get_field("reseller_document").upload_to.startswith(PRIVATE_PREFIXES)


# --- Stored names: only harmless types keep their extension -------------------------------------


@pytest.mark.parametrize(
    ("sent_as", "content"), [("photo.png", HTML), ("photo.jpg", SVG), ("page.html", HTML), ("pic.svg", SVG)]
)
def test_upload_that_is_not_what_its_name_says_is_stored_and_sent_as_octet_stream(client, product, sent_as, content):
    attachment = services.attachment_add(product=product, title="Схема", file=SimpleUploadedFile(sent_as, content))
    assert attachment.file.name.endswith(".bin")
    response = client.get(public_url(attachment))
    assert_safe_download(response, content_type="application/octet-stream", filename="Схема.bin")
    assert body_of(response) == content


def test_fake_png_sent_through_the_cabinet_form_is_never_served_as_an_image_or_page(owner_client, product):
    upload = SimpleUploadedFile("image.png", SVG, content_type="image/png")
    response = owner_client.post(f"/cabinet/products/{product.pk}/files/", {"title": "Узор", "file": upload})
    assert response.status_code == 302
    response = owner_client.get(public_url(product.attachments.get()))
    assert_safe_download(response, content_type="application/octet-stream", filename="Узор.bin")


def test_real_image_keeps_its_type_and_is_still_a_download(client, product):
    attachment = services.attachment_add(product=product, title="Схема", file=image_upload(name="shema.png"))
    assert attachment.file.name.endswith(".png")
    assert_safe_download(client.get(public_url(attachment)), content_type="image/png", filename="Схема.png")


def test_jpeg_named_png_is_stored_under_its_true_type(product):
    attachment = services.attachment_add(
        product=product, title="Схема", file=image_upload(fmt="JPEG", name="shema.png")
    )
    assert attachment.file.name.endswith(".jpg")


def test_file_stored_before_the_rule_with_an_unsafe_name_still_downloads_as_octet_stream(client, product):
    legacy = Attachment(product=product, title="Старая страница", size=len(HTML))
    legacy.file.save("old.html", ContentFile(HTML), save=True)
    response = client.get(public_url(legacy))
    assert_safe_download(response, content_type="application/octet-stream", filename="Старая страница.bin")


# --- The seller: their own files, whatever the product's state ----------------------------------


def test_seller_downloads_own_disabled_products_file_from_the_cabinet(owner_client, attachment):
    hide_disabled(attachment.product)
    response = owner_client.get(cabinet_url(attachment))
    assert_safe_download(response, content_type="application/pdf", filename="Таблица размеров.pdf")
    assert body_of(response) == PDF


def test_another_seller_gets_404_for_a_cabinet_file(client, attachment):
    client.force_login(ShopFactory().owner)
    assert client.get(cabinet_url(attachment)).status_code == 404


def test_anonymous_visitor_is_sent_to_log_in_for_a_cabinet_file(client, attachment):
    response = client.get(cabinet_url(attachment))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_cabinet_files_tab_and_preview_link_to_the_cabinet_download(owner_client, attachment):
    hide_disabled(attachment.product)
    product_id = attachment.product_id
    tab = owner_client.get(f"/cabinet/products/{product_id}/files/").content.decode()
    preview = owner_client.get(f"/cabinet/products/{product_id}/preview/").content.decode()
    for page in (tab, preview):
        assert f'href="{cabinet_url(attachment)}"' in page
        assert attachment.file.url not in page


# --- Reseller documents: the owner and staff only -----------------------------------------------


@pytest.fixture
def reseller_product(product):
    product.reseller_document.save("dogovor.pdf", ContentFile(b"%PDF-1.4 dealer contract"), save=True)
    return product


def test_reseller_document_is_not_served_from_media(client, reseller_product):
    assert reseller_product.reseller_document.name.startswith("catalog/reseller/")
    assert client.get(reseller_product.reseller_document.url).status_code == 404


def test_owner_downloads_the_reseller_document_from_the_cabinet(client, reseller_product):
    url = f"/cabinet/products/{reseller_product.pk}/reseller-document/"
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(ShopFactory().owner)
    assert client.get(url).status_code == 404
    client.force_login(reseller_product.shop.owner)
    response = client.get(url)
    assert_safe_download(response, content_type="application/pdf", filename="dogovor.pdf")


def test_staff_download_the_reseller_document_from_the_admin_page_that_links_to_it(admin_client, reseller_product):
    url = f"/admin/catalog/product/{reseller_product.pk}/reseller-document/"
    page = admin_client.get(f"/admin/catalog/product/{reseller_product.pk}/change/").content.decode()
    assert f'href="{url}"' in page
    assert reseller_product.reseller_document.url not in page
    assert_safe_download(admin_client.get(url), content_type="application/pdf", filename="dogovor.pdf")


def test_admin_links_attachments_to_its_own_download(admin_client, attachment):
    hide_disabled(attachment.product)
    url = f"/admin/catalog/product/{attachment.product_id}/files/{attachment.pk}/"
    page = admin_client.get(f"/admin/catalog/product/{attachment.product_id}/change/").content.decode()
    assert f'href="{url}"' in page and attachment.file.url not in page
    assert_safe_download(admin_client.get(url), content_type="application/pdf", filename="Таблица размеров.pdf")


def test_non_staff_user_cannot_use_the_admin_downloads(client, reseller_product):
    client.force_login(UserFactory())
    response = client.get(f"/admin/catalog/product/{reseller_product.pk}/reseller-document/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_product_without_a_reseller_document_is_404_for_its_owner(owner_client, product):
    assert owner_client.get(f"/cabinet/products/{product.pk}/reseller-document/").status_code == 404


def test_upload_stream_is_left_at_the_start_for_storage(product):
    upload = SimpleUploadedFile("shema.png", image_upload().read())
    services.attachment_add(product=product, title="Схема", file=upload)
    stored = product.attachments.get().file
    with stored.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
