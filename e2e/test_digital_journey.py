"""Digital goods (issue 17): a seller ticks «Цифровой товар», makes a free poster and uploads its
PDF; a buyer downloads it without an order until its limit of 2 stops her. Paid postcards with
activation «вручную» are ordered without an address and open only once the seller marks the
order «Оплачен»."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from catalog import sold_files
from catalog.models import Activation, Availability, DigitalFile, DigitalFolderPart, Product
from catalog.tests.factories import CategoryFactory, ProductFactory
from marketplace.tests.factories import PASSWORD, UserFactory
from orders.models import Download, Order, OrderStatus
from shops.tests.factories import ShopFactory

from .conftest import DESKTOP, both_widths
from .test_shop_journey import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POSTER_PDF = b"%PDF-1.4\n% Lavka: poster\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CARDS_PDF = b"%PDF-1.4\n% Lavka: postcards\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# Latin a Russian page may show: the brand, the messengers' names, file formats.
LATIN_ALLOWED = {"Lavka", "SMS", "Viber", "WhatsApp", "Telegram", "PDF", "zip", "JPEG", "PNG", "WebP", "CC0"}


@pytest.fixture(autouse=True)
def _files(settings, tmp_path, monkeypatch):
    """Photos and sold files in the test's own folders. DigitalFile.file took its storage when the
    model was imported, so the root conftest's STORAGES["private"] does not reach it: without this,
    the live server would write the uploads into the project's ./private."""
    settings.MEDIA_ROOT = tmp_path / "media"
    private = FileSystemStorage(location=tmp_path / "private")
    for model in (DigitalFile, DigitalFolderPart):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", private)
    return private


def assert_russian(page):
    """No English left in the page's main part (e-mail addresses aside)."""
    text = re.sub(r"\S+@\S+", " ", page.locator("main").inner_text())
    english = sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9']+", text)) - LATIN_ALLOWED)
    assert not english, f"English on the Russian page {page.url}: {english}"


def new_person(page):
    """Another person at a computer of their own (a browser context of their own)."""
    return page.context.browser.new_page(locale="ru-RU", viewport=DESKTOP, accept_downloads=True)


def download(page, link):
    """Click a download link; the file's suggested name and its bytes."""
    with page.expect_download() as info:
        link.click()
    assert info.value.failure() is None
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_a_free_poster_stops_at_its_limit_and_manual_postcards_open_once_paid(
    live_server, page, screenshot, tmp_path, mailoutbox, _files
):
    base = live_server.url
    category = CategoryFactory(name="Цифровые макеты", slug="tsifrovye-makety")
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com", name="Анна"))
    UserFactory(email="masha@example.com", name="Мария Иванова")

    # 1. The seller ticks «Цифровой товар»: stock and delivery give way to activation and a download limit.
    log_in(page, base, "anna@example.com")
    page.goto(base + "/cabinet/products/new/")
    physical, digital = page.locator(".js-physical-only"), page.locator(".js-digital-only")
    expect(physical).to_be_visible()
    expect(digital).to_be_hidden()
    page.get_by_label("Цифровой товар").check()
    expect(physical).to_be_hidden()
    expect(page.get_by_label("Штук в наличии")).to_be_hidden()
    expect(digital).to_be_visible()
    page.get_by_label("Название", exact=True).fill("Постер «Ростомер»")
    page.get_by_label("Категория", exact=True).select_option(label="Цифровые макеты")
    page.get_by_label("Цена, ₽").fill("0")
    page.get_by_label("Немедленно").check()
    page.get_by_label("Скачиваний каждого файла на покупателя").fill("2")
    page.get_by_label("Включён").check()
    assert_russian(page)
    page.get_by_role("button", name="Создать товар").click()
    expect(page.get_by_text("Товар «Постер «Ростомер»» создан и включён.")).to_be_visible()
    poster = Product.objects.get(title="Постер «Ростомер»")
    assert (poster.is_digital, poster.price, poster.activation, poster.download_limit, poster.is_enabled) == (
        True, Decimal("0"), Activation.IMMEDIATE, 2, True)  # fmt: skip
    assert (poster.availability, poster.stock, poster.free_shipping) == (Availability.NOT_TRACKED, None, False)

    # Its «Продаваемые файлы» tab: the PDF is uploaded through «Добавить файл» and listed.
    tab_url = f"{base}/cabinet/products/{poster.pk}/sold-files/"
    with page.expect_response(tab_url) as tab:
        page.locator(".product-tabs").get_by_role("link", name="Продаваемые файлы").click()
    assert tab.value.status == 200, "the «Продаваемые файлы» tab does not open"
    add_file = page.locator(".card").filter(has=page.get_by_role("heading", name="Добавить файл"))
    add_file.get_by_label("Название для покупателей").fill("Постер для детской")
    (tmp_path / "rostomer.pdf").write_bytes(POSTER_PDF)
    add_file.get_by_label("Файл", exact=True).set_input_files(tmp_path / "rostomer.pdf")
    add_file.get_by_role("button", name="Добавить файл").click()
    expect(page.get_by_text("Файл «Постер для детской» добавлен.")).to_be_visible()
    listed = page.get_by_test_id("sold-files").get_by_role("listitem")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Постер для детской")
    expect(page.get_by_test_id("activation-summary")).to_contain_text("Каждый файл: 2 скачивания на покупателя.")
    assert_russian(page)
    both_widths(page, screenshot, "digital-sold-files")
    poster_file = DigitalFile.objects.get(product=poster)
    assert _files.exists(poster_file.file.name)
    with poster_file.file.open("rb") as stored:
        assert stored.read() == POSTER_PDF

    # 2. A buyer: asked to log in first, she downloads the poster twice; the third time is refused.
    buyer = new_person(page)
    buyer.goto(f"{base}/p/{poster.pk}/")
    expect(buyer.get_by_test_id("price-free")).to_have_text("Бесплатно")
    expect(buyer.get_by_test_id("add-to-cart")).to_have_count(0)
    expect(buyer.get_by_test_id("free-download-button")).to_have_count(0)
    login = buyer.get_by_test_id("free-download-login")
    expect(login).to_have_text("Войдите, чтобы скачать бесплатно")
    assert_russian(buyer)
    login.click()
    buyer.get_by_label("Адрес электронной почты").fill("masha@example.com")
    buyer.get_by_label("Пароль").fill(PASSWORD)
    buyer.get_by_role("button", name="Войти").click()
    expect(buyer).to_have_url(f"{base}/p/{poster.pk}/")
    free = buyer.get_by_test_id("free-download-button")
    expect(free).to_have_count(1)
    expect(free).to_contain_text("Скачать «Постер для детской» бесплатно")
    for taken in (1, 2):
        assert download(buyer, free) == ("Постер для детской.pdf", POSTER_PDF)
        assert Download.objects.get(file=poster_file).count == taken
    with buyer.expect_response(f"{base}/downloads/{poster_file.pk}/") as third:
        free.click()
    assert third.value.status == 403
    refused = buyer.get_by_test_id("download-refused")
    expect(refused.get_by_role("heading", level=1)).to_have_text("Скачивания закончились")
    expect(refused).to_contain_text("Вы использовали все скачивания этого файла.")
    expect(refused).to_contain_text("Магазин разрешает 2 скачивания каждого файла на покупателя.")
    expect(refused).to_contain_text("«Постер для детской» — Постер «Ростомер», Мастерская Анны")
    assert_russian(buyer)
    both_widths(buyer, screenshot, "digital-download-used-up")
    assert Download.objects.get(file=poster_file).count == 2

    buyer.locator("#main").get_by_role("link", name="Мои файлы").click()  # not the footer's
    expect(buyer).to_have_url(base + "/downloads/")
    card = buyer.get_by_test_id("download-card").filter(has_text="Постер «Ростомер»")
    expect(card.get_by_test_id("downloads-left")).to_have_text("осталось 0 скачиваний")
    expect(card.get_by_test_id("download")).to_have_count(0)
    expect(card).to_contain_text("Скачивания закончились")
    assert_russian(buyer)
    screenshot(buyer, "digital-my-files-1366")

    # 3. Paid postcards with activation «вручную»: no address asked, files closed until «Оплачен».
    cards = ProductFactory(shop=anna, category=category, title="Набор открыток «Звери»", price=Decimal("350"),
                           is_digital=True, activation=Activation.MANUAL, download_limit=6)  # fmt: skip
    upload = SimpleUploadedFile("zveri.pdf", CARDS_PDF, content_type="application/pdf")
    cards_file = sold_files.sold_file_add(product=cards, title="Открытки для печати", upload=upload)
    buyer.goto(f"{base}/p/{cards.pk}/")
    expect(buyer.get_by_test_id("free-download")).to_have_count(0)
    expect(buyer.get_by_test_id("activation")).to_contain_text("Скачивание после того, как продавец подтвердит оплату.")
    buyer.get_by_test_id("add-to-cart").click()
    expect(buyer.get_by_text("«Набор открыток «Звери»» в корзине.")).to_be_visible()
    buyer.goto(base + "/cart/")
    buyer.get_by_role("link", name="Оформить заказ").first.click()
    expect(buyer.get_by_test_id("no-delivery")).to_have_text(
        "Только цифровые товары: адрес и доставка не нужны. "
        "Файлы будут на странице заказа, а когда откроются, придёт письмо."
    )
    expect(buyer.get_by_label("Полный адрес доставки")).to_have_count(0)
    expect(buyer.locator("#checkout-form [name='address'], #checkout-form [name='delivery_method']")).to_have_count(0)
    assert_russian(buyer)
    buyer.get_by_label("Имя и фамилия").fill("Мария Иванова")
    buyer.get_by_role("textbox", name="Телефон").fill("+7 926 555-01-01")
    buyer.get_by_role("radio", name="Электронная почта").check()
    buyer.get_by_test_id("place-order").click()
    expect(buyer.get_by_text("оформлен. Магазин свяжется с вами.")).to_be_visible()
    order = Order.objects.get(shop=anna, buyer__email="masha@example.com")
    assert (order.needs_delivery, order.address, order.delivery_method) == (False, "", "")
    expect(buyer.get_by_role("heading", level=1)).to_have_text(f"Заказ {order.number}")

    files = buyer.get_by_test_id("order-files")
    expect(files.get_by_role("heading", name="Файлы для скачивания")).to_be_visible()
    expect(files.get_by_test_id("files-waiting")).to_have_text(
        "Файлы откроются, когда продавец подтвердит оплату (отметит заказ «Оплачен»). Мы пришлём письмо."
    )
    expect(files.get_by_test_id("file-row")).to_contain_text("Открытки для печати")
    expect(files.get_by_test_id("downloads-left")).to_have_text("осталось 6 скачиваний")
    expect(files.get_by_test_id("download")).to_have_count(0)
    assert_russian(buyer)
    both_widths(buyer, screenshot, "digital-order-waiting")

    closed = buyer.goto(f"{base}/orders/{order.number}/files/{cards_file.pk}/")
    assert closed.status == 403
    expect(buyer.get_by_test_id("download-refused")).to_contain_text(
        "Файлы откроются, когда продавец подтвердит оплату вашего заказа."
    )
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Файл недоступен")
    assert not Download.objects.filter(file=cards_file, count__gt=0).exists()

    # The seller marks the order paid: the files open and the buyer is told by e-mail.
    seller = new_person(page)
    log_in(seller, base, "anna@example.com")
    seller.goto(base + "/cabinet/orders/")
    seller.get_by_role("link", name=order.number).click()
    expect(seller.get_by_test_id("manual-activation")).to_have_text(
        "Файлы откроются покупателю, когда вы отметите заказ «Оплачен»."
    )
    sent_before = len(mailoutbox)
    seller.get_by_role("button", name="Отметить оплаченным").click()
    expect(seller.get_by_test_id("order-status")).to_have_text("Оплачен")
    expect(seller.get_by_test_id("manual-activation")).to_have_text("Файлы открыты покупателю.")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    to_buyer = [mail.subject for mail in mailoutbox[sent_before:] if mail.to == ["masha@example.com"]]
    assert f"Заказ {order.number}: файлы можно скачать" in to_buyer, to_buyer

    buyer.goto(base + order.get_absolute_url())
    expect(files.get_by_test_id("files-waiting")).to_have_count(0)
    expect(files.get_by_test_id("download")).to_have_text("Скачать")
    assert download(buyer, files.get_by_test_id("download")) == ("Открытки для печати.pdf", CARDS_PDF)
    buyer.reload()
    expect(files.get_by_test_id("downloads-left")).to_have_text("осталось 5 скачиваний")
    expect(files.get_by_test_id("download")).to_be_visible()
    assert_russian(buyer)
    both_widths(buyer, screenshot, "digital-order-open")
    assert Download.objects.get(file=cards_file, user__email="masha@example.com").count == 1
