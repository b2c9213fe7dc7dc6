"""Upload limits enforced by the app itself, not only by nginx (security review)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import forms as catalog_forms
from shops.forms import AboutImageForm, ShopImagesForm
from shops.tests.factories import ShopFactory, image_upload

from .factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def product(shop):
    leaf = CategoryFactory(parent=CategoryFactory())
    return ProductFactory(shop=shop, category=leaf, title="Вигвам", price=Decimal("5000"))


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.fixture
def one_megabyte_cap(settings):
    settings.MAX_UPLOAD_SIZE = MB


def photos_url(product):
    return f"/cabinet/products/{product.pk}/images/"


def files_url(product):
    return f"/cabinet/products/{product.pk}/files/"


def test_more_photos_than_one_upload_takes_are_refused_before_any_is_decoded(owner_client, product, monkeypatch):
    def not_called(*args, **kwargs):
        raise AssertionError("no photo is checked when there are too many of them")

    monkeypatch.setattr("marketplace.images.clean_image", not_called)  # what clean_images calls per photo
    photos = [image_upload((500, 500), name=f"{n}.png") for n in range(catalog_forms.PHOTOS_PER_UPLOAD + 1)]
    response = owner_client.post(photos_url(product), {"images": photos})
    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["images"]
    assert error.code == "too_many_files"
    message = error.messages[0]
    assert "10" in message and message in response.content.decode()
    assert not product.images.exists()


def test_a_full_upload_of_photos_is_accepted(owner_client, product):
    photos = [image_upload((500, 500), name=f"{n}.png") for n in range(catalog_forms.PHOTOS_PER_UPLOAD)]
    assert owner_client.post(photos_url(product), {"images": photos}).status_code == 302
    assert product.images.count() == catalog_forms.PHOTOS_PER_UPLOAD


def test_attachment_over_the_upload_cap_is_refused(owner_client, product, one_megabyte_cap):
    big = SimpleUploadedFile("big.pdf", b"\0" * (MB + 1), content_type="application/pdf")
    response = owner_client.post(files_url(product), {"title": "Схема", "file": big})
    page = response.content.decode()
    assert response.status_code == 200
    assert "big.pdf: файл 1,1 МБ, а можно не больше 1 МБ." in page
    assert 'value="Схема"' in page  # what the seller typed stays
    assert not product.attachments.exists()


def test_attachment_at_the_upload_cap_is_accepted(owner_client, product, one_megabyte_cap):
    exact = SimpleUploadedFile("exact.pdf", b"\0" * MB, content_type="application/pdf")
    assert owner_client.post(files_url(product), {"title": "Схема", "file": exact}).status_code == 302
    assert product.attachments.get().size == MB


@pytest.mark.parametrize(
    ("form_class", "field", "label"),
    [
        (ShopImagesForm, "logo", "Логотип"),
        (ShopImagesForm, "banner", "Баннер"),
        (AboutImageForm, "image", "Изображение"),
    ],
)
def test_shop_images_over_the_upload_cap_are_refused(one_megabyte_cap, form_class, field, label):
    upload = image_upload((1600, 1600), fmt="PNG", name="pic.png")
    upload.size = MB + 1  # as the upload handler would report it
    form = form_class(data={}, files={field: upload})
    assert not form.is_valid()
    [error] = form.errors.as_data()[field]
    assert error.code == "too_large"
    assert error.messages == [f"{label}: файл 1,1 МБ, а можно не больше 1 МБ."]


@pytest.mark.django_db
def test_admin_uploads_of_files_have_the_same_cap(settings):
    """The admin's forms validate the model: a new file over the cap is refused."""
    from django.core.exceptions import ValidationError

    from catalog.models import Attachment

    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    product = ProductFactory()
    too_big = b"x" * (1024 * 1024 + 1)
    attachment = Attachment(product=product, title="Схема", file=SimpleUploadedFile("schema.pdf", too_big))
    with pytest.raises(ValidationError, match="1,1 МБ, а можно не больше 1 МБ"):
        attachment.full_clean()
    product.reseller_document = SimpleUploadedFile("doc.pdf", too_big)
    with pytest.raises(ValidationError, match="1,1 МБ, а можно не больше 1 МБ"):
        product.full_clean()
    product.reseller_document = SimpleUploadedFile("doc.pdf", b"x" * 1024)
    product.full_clean()
