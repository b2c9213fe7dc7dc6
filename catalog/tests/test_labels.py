"""Labels (issue 11): «Новинка» from the first day on sale; «Официальный реселлер» from a document."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog import services
from catalog.models import Product
from shops.tests.factories import ShopFactory

from .factories import ProductFactory

pytestmark = pytest.mark.django_db


# --- «Новинка» -----------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "is_new"), [(4, True), (6, False)])
def test_new_label_counts_five_days_from_the_first_day_on_sale(days, is_new):
    """Made a month ago, enabled today: it is new for 5 days from today, not from its creation."""
    long_ago = timezone.now() - timedelta(days=30)
    product = ProductFactory(is_enabled=False, created_at=long_ago)
    assert product.first_on_sale_at is None
    services.products_set_enabled(shop=product.shop, product_ids=[product.pk], enabled=True)
    product.refresh_from_db()
    on_sale = product.first_on_sale_at
    assert on_sale is not None and on_sale > long_ago
    services.labels_refresh(now=on_sale + timedelta(days=days))
    product.refresh_from_db()
    assert product.is_new is is_new


def test_switching_a_product_off_and_on_again_does_not_make_it_new_again():
    product = ProductFactory(is_enabled=True)
    first = Product.objects.get(pk=product.pk).first_on_sale_at
    services.product_update(product=product, is_enabled=False)
    services.product_update(product=product, is_enabled=True)
    assert Product.objects.get(pk=product.pk).first_on_sale_at == first
    services.labels_refresh(now=first + timedelta(days=6))
    assert not Product.objects.get(pk=product.pk).is_new


def test_a_product_never_on_sale_is_not_new():
    product = ProductFactory(is_enabled=False)
    services.labels_refresh()
    assert not Product.objects.get(pk=product.pk).is_new


# --- «Официальный реселлер» ----------------------------------------------------------------


@pytest.fixture
def product():
    return ProductFactory(shop=ShopFactory(slug="masterskaya-anny"), title="Свеча «Лаванда»", price=Decimal("900"))


@pytest.fixture
def owner_client(client, product):
    client.force_login(product.shop.owner)
    return client


def files_url(product):
    return f"/cabinet/products/{product.pk}/files/"


def test_seller_uploads_the_document_and_sees_it_under_review(owner_client, product):
    page = owner_client.get(files_url(product)).content.decode()
    assert 'name="document"' in page and 'data-testid="reseller-status"' in page
    pdf = SimpleUploadedFile("dogovor.pdf", b"%PDF-1.4 dealer contract", content_type="application/pdf")
    response = owner_client.post(files_url(product), {"form": "reseller", "document": pdf})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.reseller_document.name.startswith("catalog/reseller/") and not product.is_official_reseller
    assert not product.attachments.exists()  # not a file for buyers
    page = owner_client.get(files_url(product)).content.decode()
    assert "text-bg-warning" in page  # «На проверке»
    assert f"/cabinet/products/{product.pk}/reseller-document/" in page
    assert owner_client.get(f"/cabinet/products/{product.pk}/reseller-document/").status_code == 200


@pytest.mark.parametrize(
    ("name", "content"),
    [("dogovor.docx", b"PK\x03\x04"), ("page.html", b"<html>"), ("", b"")],
)
def test_other_types_or_no_file_are_refused(owner_client, product, name, content):
    data = {"form": "reseller"}
    if name:
        data["document"] = SimpleUploadedFile(name, content)
    response = owner_client.post(files_url(product), data)
    assert response.status_code == 200
    assert response.context["reseller_form"].errors["document"]
    product.refresh_from_db()
    assert not product.reseller_document


def test_a_document_over_the_cap_is_refused(owner_client, product, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    pdf = SimpleUploadedFile("dogovor.pdf", b"%PDF" + b"x" * 2000)
    response = owner_client.post(files_url(product), {"form": "reseller", "document": pdf})
    assert response.status_code == 200
    assert "dogovor.pdf" in response.context["reseller_form"].errors["document"][0]  # check_upload_size's message
    product.refresh_from_db()
    assert not product.reseller_document


def test_another_seller_cannot_upload_a_document(client, product):
    client.force_login(ShopFactory().owner)
    pdf = SimpleUploadedFile("dogovor.pdf", b"%PDF-1.4")
    assert client.post(files_url(product), {"form": "reseller", "document": pdf}).status_code == 404
    product.refresh_from_db()
    assert not product.reseller_document


def test_admin_grants_the_label_only_to_products_with_a_document(admin_client, product):
    without = ProductFactory(title="Без документа")
    product.reseller_document.save("dogovor.pdf", ContentFile(b"%PDF-1.4"), save=True)
    response = admin_client.post(
        "/admin/catalog/product/", {"action": "grant_reseller", "_selected_action": [product.pk, without.pk]},
        follow=True,
    )  # fmt: skip
    assert Product.objects.get(pk=product.pk).is_official_reseller
    assert not Product.objects.get(pk=without.pk).is_official_reseller
    assert "Без документа" in response.content.decode()  # named in the warning
    listed = admin_client.get("/admin/catalog/product/?reseller_document=review").content.decode()
    assert "Свеча «Лаванда»" not in listed  # granted: no longer awaiting review


def test_cabinet_shows_when_the_label_is_given(owner_client, product):
    product.reseller_document.save("dogovor.pdf", ContentFile(b"%PDF-1.4"), save=True)
    services.products_set_reseller(product_ids=[product.pk], value=True)
    page = owner_client.get(files_url(product)).content.decode()
    assert "text-bg-success" in page and "text-bg-warning" not in page
