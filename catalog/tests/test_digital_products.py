"""Digital products (issue 17) in the seller's cabinet and on the storefront: the «Цифровой товар» tick,
the «Продаваемые файлы» tab (files, folders, previews, bad uploads), and what the product page shows."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from catalog import services, sold_files
from catalog.exceptions import CatalogError
from catalog.models import (
    Activation,
    Availability,
    DigitalFile,
    DigitalFolderPart,
    PreviewImage,
    Product,
    WholesaleTier,
)
from marketplace import settings as project_settings
from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory

from .factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

# A small but real-looking PDF: 2 048 bytes, so its size reads «2,0 КБ».
PDF = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8)[:2048]
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(2000)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Each test's sold files in its own private folder, so «nothing left on disk» can be checked."""
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}  # fmt: skip
    return root


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="masterskaya-anny")


@pytest.fixture
def category():
    return CategoryFactory(name="Цифровые макеты", slug="cifrovye-makety")


@pytest.fixture
def owner_client(client, shop):
    client.force_login(shop.owner)
    return client


@pytest.fixture
def other_client(client):
    client.force_login(ShopFactory(name="Столярка Петрова").owner)
    return client


def digital(shop, **fields):
    defaults = {"title": "Открытки «Зима»", "price": Decimal("300"), "is_digital": True,
                "activation": Activation.IMMEDIATE, "download_limit": 3}  # fmt: skip
    return ProductFactory(shop=shop, **{**defaults, **fields})


def pdf(name="zima.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_zip(members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def jpeg(size=(400, 400), name="preview.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2a6fb4").save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def page_of(response) -> str:
    return response.content.decode()


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def tab(product) -> str:
    return f"/cabinet/products/{product.pk}/sold-files/"


def product_data(category, **overrides):
    data = {
        "title": "Постер «Лес»", "category": category.pk, "description": "Постер A3 для печати.",
        "price": "250", "discount_percent": "0", "availability": "in_stock", "stock": "4", "production_days": "",
    }  # fmt: skip
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Creating and editing -------------------------------------------------------------------


def test_a_digital_product_may_be_free_and_has_no_stock_or_shipping(owner_client, shop, category):
    response = owner_client.post(
        "/cabinet/products/new/",
        product_data(category, is_digital="on", price="0", activation="immediate", download_limit="3",
                     stock="4", free_shipping="on"),
    )  # fmt: skip
    product = shop.products.get()
    assert response.status_code == 302 and response["Location"] == f"/cabinet/products/{product.pk}/"
    assert (product.is_digital, product.price, product.activation, product.download_limit) == (
        True, Decimal("0"), Activation.IMMEDIATE, 3,
    )  # fmt: skip
    assert (product.availability, product.stock, product.production_days, product.free_shipping) == (
        Availability.NOT_TRACKED, None, None, False,
    )  # fmt: skip
    assert product.is_free and product.downloadable_without_order


def test_a_physical_product_with_price_0_is_refused(owner_client, shop, category):
    response = owner_client.post("/cabinet/products/new/", product_data(category, price="0"))
    assert response.status_code == 200
    assert response.context["form"].errors["price"] == ["Убедитесь, что это значение больше либо равно 1."]
    assert "Убедитесь, что это значение больше либо равно 1." in page_of(response)
    assert not shop.products.exists()


def test_a_digital_product_needs_its_activation(owner_client, shop, category):
    response = owner_client.post("/cabinet/products/new/", product_data(category, is_digital="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["activation"] == ["Выберите, когда покупатели получат файлы."]
    assert not shop.products.exists()


def test_the_create_page_offers_the_digital_tick_and_the_edit_page_does_not(owner_client, shop):
    assert 'name="is_digital"' in page_of(owner_client.get("/cabinet/products/new/"))
    for product in (digital(shop), ProductFactory(shop=shop)):
        assert 'name="is_digital"' not in page_of(owner_client.get(f"/cabinet/products/{product.pk}/"))


def test_posting_is_digital_on_edit_changes_nothing(owner_client, shop, category):
    physical = ProductFactory(shop=shop, category=category, title="Вигвам", price=Decimal("5000"))
    response = owner_client.post(
        f"/cabinet/products/{physical.pk}/",
        product_data(category, title="Вигвам XL", price="5500", is_digital="on", activation="immediate"),
    )
    assert response.status_code == 302
    physical.refresh_from_db()
    assert (physical.title, physical.is_digital, physical.stock) == ("Вигвам XL", False, 4)

    poster = digital(shop, category=category)
    response = owner_client.post(
        f"/cabinet/products/{poster.pk}/",
        product_data(category, title="Постер «Лес» A2", price="0", activation="manual", is_digital=""),
    )
    assert response.status_code == 302
    poster.refresh_from_db()
    assert (poster.title, poster.is_digital, poster.price, poster.activation) == (
        "Постер «Лес» A2", True, Decimal("0"), Activation.MANUAL,
    )  # fmt: skip
    assert (poster.availability, poster.stock) == (Availability.NOT_TRACKED, None)


def test_a_digital_product_has_the_sold_files_tab_and_no_wholesale_tab(owner_client, shop):
    poster, vigvam = digital(shop), ProductFactory(shop=shop)
    page = page_of(owner_client.get(f"/cabinet/products/{poster.pk}/"))
    assert f'href="/cabinet/products/{poster.pk}/sold-files/">Продаваемые файлы</a>' in page
    assert "/wholesale/" not in page and "Оптовые скидки" not in page
    page = page_of(owner_client.get(f"/cabinet/products/{vigvam.pk}/"))
    assert f'href="/cabinet/products/{vigvam.pk}/wholesale/">Оптовые скидки</a>' in page
    assert "Продаваемые файлы" not in page
    assert "/sold-files/" not in page


def test_wholesale_discounts_are_refused_for_a_digital_product(shop):
    poster = digital(shop)
    with translation.override("ru"), pytest.raises(CatalogError, match="не относятся к цифровому товару"):
        services.wholesale_tiers_set(product=poster, tiers=[(2, "percent", Decimal("10"))])
    assert not WholesaleTier.objects.exists()


def test_the_wholesale_page_of_a_digital_product_saves_no_tiers(owner_client, shop):
    poster = digital(shop)
    data = {"tiers-TOTAL_FORMS": "1", "tiers-INITIAL_FORMS": "0", "tiers-0-min_quantity": "2",
            "tiers-0-kind": "percent", "tiers-0-value": "10"}  # fmt: skip
    response = owner_client.post(f"/cabinet/products/{poster.pk}/wholesale/", data)
    assert response.status_code == 200
    assert "Оптовые скидки не относятся к цифровому товару: покупателю нужна одна копия." in page_of(response)
    assert not WholesaleTier.objects.exists()


# --- «Продаваемые файлы»: files -------------------------------------------------------------


def test_add_a_file_it_is_listed_and_the_seller_downloads_it(owner_client, shop):
    poster = digital(shop)
    response = owner_client.post(tab(poster), {"form": "file", "file-title": "Открытка «Снегирь»", "file-file": pdf()})
    assert response.status_code == 302 and response["Location"] == tab(poster)
    sold = DigitalFile.objects.get()
    assert (sold.product, sold.title, sold.size, sold.is_folder) == (poster, "Открытка «Снегирь»", 2048, False)
    page = page_of(owner_client.get(tab(poster)))
    download = f"/cabinet/products/{poster.pk}/sold-files/{sold.pk}/download/"
    assert f'href="{download}">Открытка «Снегирь»</a>' in page
    assert "2,0\xa0КБ" in page

    response = owner_client.get(download)
    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_a_folder_of_three_files_is_packed_into_one_zip(owner_client, shop, django_capture_on_commit_callbacks):
    poster = digital(shop)
    contents = {"zima-1.pdf": PDF, "zima-2.pdf": b"%PDF-1.4\n" + bytes(range(200)), "zima-3.jpg": jpeg().read()}
    uploads = [SimpleUploadedFile(name, content) for name, content in contents.items()]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(tab(poster), {"form": "folder", "folder-title": "Набор «Зима»",
                                                   "folder-files": uploads})  # fmt: skip
    assert response.status_code == 302
    folder = DigitalFile.objects.get()
    assert folder.is_folder and folder.is_ready
    assert not DigitalFolderPart.objects.exists()  # packed: the parts are gone
    response = owner_client.get(f"/cabinet/products/{poster.pk}/sold-files/{folder.pk}/download/")
    packed = body_of(response)
    assert len(packed) == folder.size
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == contents
    page = page_of(owner_client.get(tab(poster)))
    assert "Набор «Зима»" in page and "Папка · 3 файла" in page
    assert all(name in page for name in contents)


def test_a_folder_sent_as_one_zip_is_kept_as_sent_with_its_entries_listed(owner_client, shop):
    poster = digital(shop)
    archive = make_zip([("Открытки/zima.pdf", PDF), ("Открытки/leto.pdf", b"%PDF-1.4 leto")])
    upload = SimpleUploadedFile("otkrytki.zip", archive)
    response = owner_client.post(
        tab(poster), {"form": "folder", "folder-title": "Все открытки", "folder-files": upload}
    )
    assert response.status_code == 302
    folder = DigitalFile.objects.get()
    assert folder.is_folder and folder.size == len(archive)
    assert folder.entries == [["Открытки/zima.pdf", len(PDF)], ["Открытки/leto.pdf", 13]]
    assert body_of(owner_client.get(f"/cabinet/products/{poster.pk}/sold-files/{folder.pk}/download/")) == archive
    page = page_of(owner_client.get(tab(poster)))
    assert "Открытки/zima.pdf" in page and "Открытки/leto.pdf" in page


def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_saved(owner_client, shop, settings):
    poster = digital(shop)
    response = owner_client.post(
        tab(poster), {"form": "file", "file-title": "Мой каталог", "file-file": pdf("katalog.pdf", EXE)}
    )
    page = page_of(response)
    assert response.status_code == 400
    assert "«katalog.pdf» — программа, скрипт или веб-страница. Такие файлы продавать нельзя." in page
    assert 'value="Мой каталог"' in page
    assert not DigitalFile.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("members", "error"),
    [
        ([("bomb.pdf", b"%PDF" + bytes(4 * 1024 * 1024))], "сжат подозрительно сильно: так делают zip-бомбы"),
        ([("../../evil.pdf", PDF)], "оно ведёт за пределы папки («..»)"),
        ([("/etc/evil.pdf", PDF)], "это абсолютный путь"),
    ],
)
@pytest.mark.parametrize("form", ["file", "folder"])
def test_zip_bombs_and_path_tricks_are_refused(owner_client, shop, settings, members, error, form):
    poster = digital(shop)
    upload = SimpleUploadedFile("archive.zip", make_zip(members))
    data = {"form": form, f"{form}-title": "Архив", f"{form}-{'file' if form == 'file' else 'files'}": upload}
    response = owner_client.post(tab(poster), data)
    assert response.status_code == 400
    assert error in page_of(response)
    assert not DigitalFile.objects.exists() and not DigitalFolderPart.objects.exists()
    assert stored_files(settings) == []


def test_one_bad_file_in_a_folder_saves_none_of_it(owner_client, shop, settings):
    poster = digital(shop)
    uploads = [pdf("zima-1.pdf"), pdf("setup.pdf", EXE), pdf("zima-3.pdf")]
    response = owner_client.post(tab(poster), {"form": "folder", "folder-title": "Набор", "folder-files": uploads})
    assert response.status_code == 400
    assert "«setup.pdf» — программа, скрипт или веб-страница." in page_of(response)
    assert not DigitalFile.objects.exists() and not DigitalFolderPart.objects.exists()
    assert stored_files(settings) == []


def test_previews_are_shown_on_the_product_page(owner_client, shop, client):
    poster = digital(shop)
    response = owner_client.post(tab(poster), {"form": "preview", "preview-images": [jpeg(), jpeg(name="2.jpg")]})
    assert response.status_code == 302
    previews = list(PreviewImage.objects.filter(product=poster))
    assert [(preview.width, preview.height) for preview in previews] == [(400, 400), (400, 400)]
    owner_client.logout()
    page = page_of(client.get(f"/p/{poster.pk}/"))
    for preview in previews:
        assert f'src="{preview.thumb.url}"' in page


def test_a_too_small_preview_is_refused(owner_client, shop):
    poster = digital(shop)
    response = owner_client.post(tab(poster), {"form": "preview", "preview-images": jpeg(size=(200, 200))})
    assert response.status_code == 400
    assert "200×200" in page_of(response)
    assert not PreviewImage.objects.exists()


def test_another_shops_seller_gets_404_on_the_tab_delete_and_download(other_client, shop):
    poster = digital(shop)
    sold = sold_files.sold_file_add(product=poster, title="Открытка", upload=pdf())
    base = tab(poster)
    assert other_client.get(base).status_code == 404
    assert other_client.post(base, {"form": "file", "file-title": "Чужое", "file-file": pdf()}).status_code == 404
    assert other_client.post(f"{base}{sold.pk}/delete/").status_code == 404
    assert other_client.get(f"{base}{sold.pk}/download/").status_code == 404
    assert list(DigitalFile.objects.values_list("title", flat=True)) == ["Открытка"]
    assert sold.file.storage.exists(sold.file.name)


def test_a_buyer_and_an_anonymous_visitor_cannot_reach_the_tab(client, shop):
    poster = digital(shop)
    sold = sold_files.sold_file_add(product=poster, title="Открытка", upload=pdf())
    download = f"{tab(poster)}{sold.pk}/download/"
    response = client.get(download)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={download}"
    client.force_login(UserFactory())
    assert client.get(tab(poster)).status_code == 404
    assert client.get(download).status_code == 404


def test_a_physical_products_sold_files_tab_is_404(owner_client, shop):
    vigvam = ProductFactory(shop=shop)
    assert owner_client.get(tab(vigvam)).status_code == 404
    response = owner_client.post(tab(vigvam), {"form": "file", "file-title": "", "file-file": pdf()})
    assert response.status_code == 404
    assert not DigitalFile.objects.exists()
    with pytest.raises(CatalogError):
        sold_files.sold_file_add(product=vigvam, title="", upload=pdf())


def test_deleting_a_sold_file_removes_the_stored_file_after_commit(
    owner_client, shop, django_capture_on_commit_callbacks
):
    poster = digital(shop)
    sold = sold_files.sold_file_add(product=poster, title="Открытка", upload=pdf())
    path = Path(sold.file.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner_client.post(f"{tab(poster)}{sold.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == tab(poster)
    assert not DigitalFile.objects.exists()
    assert path.exists()  # until the deletion commits, a rollback could still need it
    for callback in callbacks:
        callback()
    assert not path.exists()


def test_deleting_refuses_get(owner_client, shop):
    poster = digital(shop)
    sold = sold_files.sold_file_add(product=poster, title="Открытка", upload=pdf())
    assert owner_client.get(f"{tab(poster)}{sold.pk}/delete/").status_code == 405
    assert DigitalFile.objects.filter(pk=sold.pk).exists()


# --- The product page -----------------------------------------------------------------------


def test_a_free_immediate_product_offers_free_downloads_to_a_signed_in_person(client, shop):
    poster = digital(shop, title="Постер «Лес»", price=Decimal("0"))
    sold = sold_files.sold_file_add(product=poster, title="Постер A3", upload=pdf())
    client.force_login(UserFactory())
    page = page_of(client.get(f"/p/{poster.pk}/"))
    assert f'href="/downloads/{sold.pk}/"' in page
    assert "Скачать «Постер A3» бесплатно" in page
    assert 'data-testid="add-to-cart"' not in page


def test_a_free_immediate_product_asks_an_anonymous_visitor_to_log_in(client, shop):
    poster = digital(shop, title="Постер «Лес»", price=Decimal("0"))
    sold = sold_files.sold_file_add(product=poster, title="Постер A3", upload=pdf())
    page = page_of(client.get(f"/p/{poster.pk}/"))
    assert f'href="/accounts/login/?next=/p/{poster.pk}/"' in page
    assert "Войдите, чтобы скачать бесплатно" in page
    assert f"/downloads/{sold.pk}/" not in page
    assert 'data-testid="add-to-cart"' not in page


def test_a_paid_digital_product_is_added_to_the_cart_without_a_quantity(client, shop):
    postcards = digital(shop, title="Открытки «Зима»")
    vigvam = ProductFactory(shop=shop, title="Вигвам")
    page = page_of(client.get(f"/p/{postcards.pk}/"))
    assert "В корзину" in page
    assert 'name="quantity" value="1"' in page and 'type="number"' not in page
    assert "/downloads/" not in page.split('data-testid="site-footer"')[0]  # the footer's «Мои файлы» aside
    assert 'id="quantity"' in page_of(client.get(f"/p/{vigvam.pk}/"))  # a parcel's page has the field


def test_the_product_page_names_the_files_but_never_shows_where_they_are(client, shop):
    postcards = digital(shop, title="Открытки «Зима»")
    sold = sold_files.sold_file_add(product=postcards, title="Открытка «Снегирь»", upload=pdf("snegir.pdf"))
    folder = sold_files.sold_folder_add(
        product=postcards, title="Все открытки", uploads=[SimpleUploadedFile("all.zip", make_zip([("a.pdf", PDF)]))]
    )
    page = page_of(client.get(f"/p/{postcards.pk}/"))
    assert "Открытка «Снегирь»" in page and "Все открытки" in page
    assert sold.file.name not in page and folder.file.name not in page
    assert "snegir" not in page and "digital/" not in page
    assert f"/cabinet/products/{postcards.pk}/sold-files/" not in page


def test_a_sold_file_is_not_under_media(client, shop, settings):
    postcards = digital(shop)
    sold = sold_files.sold_file_add(product=postcards, title="Открытка", upload=pdf())
    assert client.get(f"/media/{sold.file.name}").status_code == 404
    assert not Path(sold.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    # The project's own settings: the private folder is not inside MEDIA_ROOT, and has no public address.
    private, media = Path(project_settings.PRIVATE_MEDIA_ROOT).resolve(), Path(project_settings.MEDIA_ROOT).resolve()
    assert not private.is_relative_to(media) and not media.is_relative_to(private)
    assert project_settings.STORAGES["private"]["OPTIONS"]["base_url"] == "/private-files-have-no-url/"


def test_sold_files_go_where_the_private_storage_setting_says(shop, private_files):
    folder = sold_files.sold_folder_add(
        product=digital(shop), title="Набор", uploads=[pdf("zima-1.pdf"), pdf("zima-2.pdf", PDF + b"2")]
    )
    sold = sold_files.sold_file_add(product=folder.product, title="Открытка", upload=pdf())
    stored = [Path(sold.file.path), *(Path(part.file.path) for part in folder.parts.all())]
    assert len(stored) == 3 and all(path.is_relative_to(private_files) and path.is_file() for path in stored)


def test_a_file_over_the_size_setting_is_refused(owner_client, shop, settings):
    settings.DIGITAL_MAX_FILE_BYTES = 1024 * 1024
    poster = digital(shop)
    big = pdf("big.pdf", PDF + bytes(1024 * 1024))
    response = owner_client.post(tab(poster), {"form": "file", "file-title": "", "file-file": big})
    assert response.status_code == 400
    assert "Файл «big.pdf» больше 1 МБ." in page_of(response)
    assert not DigitalFile.objects.exists()
    assert stored_files(settings) == []


def test_the_service_refuses_a_free_physical_product(shop):
    with translation.override("ru"), pytest.raises(CatalogError, match="Бесплатным может быть только цифровой товар"):
        ProductFactory(shop=shop, price=Decimal("0"))
    assert not Product.objects.exists()
