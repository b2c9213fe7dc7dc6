"""Buyers' downloads of digital goods (issue 17): who may download, how downloads are counted, checkout
without delivery, the «files ready» e-mail, and the pages that list the files."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from catalog import sold_files
from catalog.models import Activation, Availability, DigitalFile, Product
from catalog.tests.factories import CategoryFactory, ProductFactory
from marketplace.models import OutboxMessage
from marketplace.notifications import site_url
from marketplace.tests.factories import PASSWORD, UserFactory
from orders import services
from orders.exceptions import CartError
from orders.models import CancelReason, Cart, CartLine, Download, Order, OrderItem, OrderStatus
from shops.tests.factories import ShopFactory

from .factories import order_for

pytestmark = pytest.mark.django_db

PDF = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8)[:2048]
SELLER, BUYER, GUEST = "anna@example.com", "masha@example.com", "guest@example.com"
CHECKOUT = {
    "buyer_name": "Мария Иванова", "phone": "+7 926 555-01-01", "email": BUYER,
    "address": "620000, Екатеринбург, ул. Ленина, 1", "delivery_method": "cdek", "contact_method": "email",
    "idempotency_key": "key-1",
}  # fmt: skip
_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Each test's sold files in its own private folder."""
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}}}  # fmt: skip


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email=SELLER))


@pytest.fixture
def buyer():
    return UserFactory(email=BUYER, name="Мария")


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def digital(shop, **fields):
    defaults = {"title": "Открытки «Зима»", "price": Decimal("300"), "is_digital": True,
                "activation": Activation.IMMEDIATE, "download_limit": 3}  # fmt: skip
    return ProductFactory(shop=shop, **{**defaults, **fields})


def free_poster(shop, **fields):
    return digital(shop, title="Постер «Лес»", price=Decimal("0"), **fields)


def sold(product, title="Открытка «Снегирь»", content=PDF) -> DigitalFile:
    return sold_files.sold_file_add(product=product, title=title, upload=SimpleUploadedFile("snegir.pdf", content))


def place(shop, products, *, buyer=None, email=BUYER) -> Order:
    """An order of ``products`` (one of each) placed through order_place, as checkout does."""
    cart = Cart.objects.get_or_create(user=buyer)[0] if buyer else Cart.objects.create()
    for product in products:
        CartLine.objects.create(cart=cart, product=product, quantity=1)
    return services.order_place(
        cart=cart, shop=shop, buyer=buyer, idempotency_key=f"dl-{next(_keys)}", buyer_name="Мария Иванова",
        phone="+79265550101", email=buyer.email if buyer else email, address="", delivery_method="",
        contact_method="email", rules_accepted=True,
    )  # fmt: skip


def mark(order, status, shop):
    reason = CancelReason.BUYER_ASKED if status == OrderStatus.CANCELLED else ""
    return services.order_transition(order=order, to_status=status, actor=shop.owner, cancel_reason=reason)


def user_url(file) -> str:
    return f"/downloads/{file.pk}/"


def order_url(order, file, key=None) -> str:
    url = f"/orders/{order.number}/files/{file.pk}/"
    return f"{url}?key={key}" if key is not None else url


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def page_of(response) -> str:
    return response.content.decode()


def used(file, **lookup) -> int | None:
    row = Download.objects.filter(file=file, **lookup).first()
    return row.count if row else None


def assert_downloaded(response, content=PDF):
    assert response.status_code == 200, page_of(response)[:300] if not response.streaming else ""
    assert body_of(response) == content
    assert response["Content-Disposition"].startswith("attachment;")


def assert_refused(response, message, status=403):
    assert response.status_code == status
    assert message in page_of(response)


ORDER_FIRST = "Чтобы скачать файлы, закажите товар."
WAIT_FOR_PAYMENT = "Файлы откроются, когда продавец подтвердит оплату вашего заказа."
USED_UP = "Вы использовали все скачивания этого файла."
CANCELLED = "Заказ отменён: его файлы больше недоступны."
WAITING_NOTICE = "Файлы откроются, когда продавец подтвердит оплату (отметит заказ «Оплачен»). Мы пришлём письмо."


# --- Rights ---------------------------------------------------------------------------------


def test_a_free_immediate_file_is_downloaded_by_any_signed_in_person_without_an_order(client, shop):
    poster = sold(free_poster(shop))
    response = client.get(user_url(poster))
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next=/downloads/{poster.pk}/"
    assert not Download.objects.exists()
    someone = UserFactory()
    client.force_login(someone)
    assert_downloaded(client.get(user_url(poster)))
    assert used(poster, user=someone) == 1 and not Order.objects.exists()


def test_a_free_product_taken_off_sale_is_not_downloadable_without_an_order(buyer_client, shop):
    poster = sold(free_poster(shop))
    Product.objects.filter(pk=poster.product_id).update(is_enabled=False)
    assert_refused(buyer_client.get(user_url(poster)), ORDER_FIRST)
    assert used(poster) is None


def test_a_paid_immediate_file_opens_right_after_the_order_is_placed(buyer_client, shop, buyer):
    postcards = digital(shop)
    file = sold(postcards)
    assert_refused(buyer_client.get(user_url(file)), ORDER_FIRST)
    order = place(shop, [postcards], buyer=buyer)
    assert order.status == OrderStatus.OPEN
    assert_downloaded(buyer_client.get(user_url(file)))
    assert_downloaded(buyer_client.get(order_url(order, file)))
    assert used(file, user=buyer) == 2


def test_a_paid_manual_file_opens_when_the_seller_marks_the_order_paid(buyer_client, shop, buyer):
    postcards = digital(shop, activation=Activation.MANUAL)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    assert_refused(buyer_client.get(user_url(file)), WAIT_FOR_PAYMENT)
    assert_refused(buyer_client.get(order_url(order, file)), WAIT_FOR_PAYMENT)
    assert used(file) is None
    mark(order, OrderStatus.PAID, shop)
    assert_downloaded(buyer_client.get(user_url(file)))
    assert_downloaded(buyer_client.get(order_url(order, file)))


def test_the_activation_is_the_one_the_order_was_placed_with(buyer_client, shop, buyer):
    """The seller switching a product to «вручную» later does not close the files of orders placed before."""
    postcards = digital(shop)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    Product.objects.filter(pk=postcards.pk).update(activation=Activation.MANUAL)
    assert_downloaded(buyer_client.get(order_url(order, file)))


def test_a_cancelled_order_no_longer_opens_its_files(buyer_client, shop, buyer):
    postcards = digital(shop)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    assert_downloaded(buyer_client.get(order_url(order, file)))
    mark(order, OrderStatus.CANCELLED, shop)
    assert_refused(buyer_client.get(order_url(order, file)), CANCELLED)
    assert_refused(buyer_client.get(user_url(file)), ORDER_FIRST)
    assert used(file, user=buyer) == 1


def test_another_buyer_cannot_download_through_either_route(client, shop, buyer):
    postcards = digital(shop)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    client.force_login(UserFactory())
    assert_refused(client.get(user_url(file)), ORDER_FIRST)
    assert client.get(order_url(order, file)).status_code == 404
    assert client.get(order_url(order, file, key="wrong")).status_code == 404
    assert not Download.objects.exists()


def test_a_guest_downloads_with_the_orders_secret_only(client, shop):
    postcards = digital(shop)
    file = sold(postcards)
    order = place(shop, [postcards], email=GUEST)
    assert order.is_guest
    assert_downloaded(client.get(order_url(order, file, key=order.secret)))
    url = order_url(order, file)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    assert client.get(order_url(order, file, key="wrong")).status_code == 404
    assert client.get(order_url(order, file, key=order.secret[:-1])).status_code == 404
    assert used(file, order=order) == 1


def test_an_order_opens_only_its_own_products_files(client, shop):
    postcards, calendar = digital(shop), digital(shop, title="Календарь")
    other_file = sold(calendar, title="Календарь 2027")
    order = place(shop, [postcards], email=GUEST)
    assert_refused(client.get(order_url(order, other_file, key=order.secret)), "В этом заказе нет такого файла.")
    assert not Download.objects.exists()


def test_a_folder_still_being_packed_is_not_served_nor_counted(buyer_client, shop, buyer):
    postcards = digital(shop)
    # Uploaded as several files: the zip is made by a task after commit, which has not run here.
    folder = sold_files.sold_folder_add(product=postcards, title="Набор «Зима»", uploads=[
        SimpleUploadedFile("zima-1.pdf", PDF), SimpleUploadedFile("zima-2.pdf", PDF[::-1] + b"%PDF")])  # fmt: skip
    place(shop, [postcards], buyer=buyer)
    response = buyer_client.get(user_url(folder))
    assert_refused(response, "Папка продавца ещё упаковывается в архив. Попробуйте через минуту.", status=409)
    assert not used(folder, user=buyer)
    assert "Готовится" in page_of(buyer_client.get("/downloads/"))


def test_the_seller_downloads_in_the_cabinet_not_through_a_buyers_order(client, shop, buyer):
    postcards = digital(shop, download_limit=1)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    client.force_login(shop.owner)
    assert client.get(order_url(order, file)).status_code == 404
    for _ in range(3):  # the seller's own checks are never counted
        assert_downloaded(client.get(f"/cabinet/products/{postcards.pk}/sold-files/{file.pk}/download/"))
    assert not Download.objects.exists()


# --- Limits ---------------------------------------------------------------------------------


def test_the_limit_serves_exactly_that_many_downloads_then_a_clear_page(buyer_client, shop, buyer):
    poster = sold(free_poster(shop, download_limit=3))
    for _ in range(3):
        assert_downloaded(buyer_client.get(user_url(poster)))
    response = buyer_client.get(user_url(poster))
    assert_refused(response, USED_UP)
    page = page_of(response)
    assert '<h1 class="h4 mt-2">Скачивания закончились</h1>' in page
    assert "Магазин разрешает 3 скачивания каждого файла на покупателя." in page
    assert used(poster, user=buyer) == 3


def test_a_signed_in_buyer_is_counted_once_across_both_routes(buyer_client, shop, buyer):
    postcards = digital(shop, download_limit=3)
    file = sold(postcards)
    first, second = place(shop, [postcards], buyer=buyer), place(shop, [postcards], buyer=buyer)
    assert_downloaded(buyer_client.get(user_url(file)))
    assert_downloaded(buyer_client.get(order_url(first, file)))
    assert_downloaded(buyer_client.get(order_url(second, file)))  # a second order is no new allowance
    for url in (user_url(file), order_url(first, file), order_url(second, file)):
        assert_refused(buyer_client.get(url), USED_UP)
    assert list(Download.objects.values_list("user", "order", "count")) == [(buyer.pk, None, 3)]


def test_guests_are_counted_per_order(client, shop):
    postcards = digital(shop, download_limit=2)
    file = sold(postcards)
    first, second = place(shop, [postcards], email=GUEST), place(shop, [postcards], email="other@example.com")
    for _ in range(2):
        assert_downloaded(client.get(order_url(first, file, key=first.secret)))
    assert_refused(client.get(order_url(first, file, key=first.secret)), USED_UP)
    assert_downloaded(client.get(order_url(second, file, key=second.secret)))
    assert dict(Download.objects.values_list("order", "count")) == {first.pk: 2, second.pk: 1}


def test_a_resumed_download_is_not_counted_again(buyer_client, shop, buyer):
    poster = sold(free_poster(shop, download_limit=3))
    assert_downloaded(buyer_client.get(user_url(poster)))
    response = buyer_client.get(user_url(poster), HTTP_RANGE="bytes=100-")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 100-2047/2048"
    assert body_of(response) == PDF[100:]
    assert used(poster, user=buyer) == 1


def test_resumes_are_free_only_a_few_times_per_download(buyer_client, shop, buyer, settings):
    """Range requests from a later byte can't fetch the file again and again for free."""
    settings.DIGITAL_RESUMES_PER_DOWNLOAD = 2
    poster = sold(free_poster(shop, download_limit=2))
    assert_downloaded(buyer_client.get(user_url(poster)))
    for _ in range(2):
        assert buyer_client.get(user_url(poster), HTTP_RANGE="bytes=100-").status_code == 206
    assert used(poster, user=buyer) == 1
    assert buyer_client.get(user_url(poster), HTTP_RANGE="bytes=100-").status_code == 206  # the third: counted
    assert used(poster, user=buyer) == 2
    for _ in range(2):  # that download may be resumed twice in its turn
        assert buyer_client.get(user_url(poster), HTTP_RANGE="bytes=100-").status_code == 206
    assert_refused(buyer_client.get(user_url(poster), HTTP_RANGE="bytes=100-"), USED_UP)
    assert used(poster, user=buyer) == 2


def test_a_range_request_without_an_earlier_download_is_counted(buyer_client, shop, buyer):
    poster = sold(free_poster(shop, download_limit=3))
    response = buyer_client.get(user_url(poster), HTTP_RANGE="bytes=100-")
    assert response.status_code == 206 and body_of(response) == PDF[100:]
    assert used(poster, user=buyer) == 1


def test_a_resume_long_after_the_last_download_is_counted(buyer_client, shop, buyer, settings):
    poster = sold(free_poster(shop, download_limit=3))
    assert_downloaded(buyer_client.get(user_url(poster)))
    Download.objects.update(last_at=timezone.now() - timedelta(seconds=settings.DIGITAL_RESUME_SECONDS + 60))
    assert buyer_client.get(user_url(poster), HTTP_RANGE="bytes=100-").status_code == 206
    assert used(poster, user=buyer) == 2


def test_a_range_from_byte_0_is_a_new_download(buyer_client, shop, buyer):
    poster = sold(free_poster(shop, download_limit=3))
    assert_downloaded(buyer_client.get(user_url(poster)))
    response = buyer_client.get(user_url(poster), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206 and body_of(response) == PDF[:100]
    assert used(poster, user=buyer) == 2


def test_head_is_not_counted(buyer_client, shop, buyer):
    poster = sold(free_poster(shop, download_limit=1))
    response = buyer_client.head(user_url(poster))
    assert response.status_code == 200 and response["Content-Length"] == "2048"
    assert not used(poster, user=buyer)
    assert_downloaded(buyer_client.get(user_url(poster)))
    assert buyer_client.head(user_url(poster)).status_code == 403  # nothing left: HEAD says so too
    assert used(poster, user=buyer) == 1


def test_downloads_left_are_shown_on_my_files_and_on_the_order_page(buyer_client, shop, buyer):
    postcards = digital(shop, download_limit=3)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    assert "осталось 3 скачивания" in page_of(buyer_client.get("/downloads/"))
    assert_downloaded(buyer_client.get(order_url(order, file)))
    for url in ("/downloads/", f"/orders/{order.number}/"):
        page = page_of(buyer_client.get(url))
        assert '<span data-testid="downloads-left">осталось 2 скачивания</span>' in page, url
        assert "Открытка «Снегирь»" in page
    assert f'href="{order_url(order, file)}"' in page_of(buyer_client.get(f"/orders/{order.number}/"))
    assert f'href="{user_url(file)}"' in page_of(buyer_client.get("/downloads/"))
    buyer_client.get(order_url(order, file))
    assert "осталось 1 скачивание" in page_of(buyer_client.get("/downloads/"))
    buyer_client.get(order_url(order, file))
    page = page_of(buyer_client.get(f"/orders/{order.number}/"))
    assert "осталось 0 скачиваний" in page and "Скачивания закончились</span>" in page
    assert f'href="{order_url(order, file)}"' not in page


def test_my_files_lists_free_files_taken_and_needs_a_login(client, shop):
    poster = sold(free_poster(shop))
    response = client.get("/downloads/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/downloads/"
    client.force_login(UserFactory())
    assert "Файлов пока нет." in page_of(client.get("/downloads/"))
    client.get(user_url(poster))
    page = page_of(client.get("/downloads/"))
    assert "Постер «Лес»" in page and "осталось 2 скачивания" in page


def test_a_guests_order_page_links_the_files_with_the_secret(client, shop):
    postcards = digital(shop)
    file = sold(postcards)
    order = place(shop, [postcards], email=GUEST)
    page = page_of(client.get(f"/orders/{order.number}/?key={order.secret}"))
    assert f'href="{order_url(order, file, key=order.secret)}"' in page


# --- Checkout -------------------------------------------------------------------------------


def add_to_cart(client, product, quantity=1):
    return client.post(f"/cart/add/{product.pk}/", {"quantity": str(quantity)})


def test_an_order_of_only_digital_goods_asks_no_address_or_delivery(client, shop):
    add_to_cart(client, digital(shop))
    add_to_cart(client, digital(shop, title="Календарь", activation=Activation.MANUAL))
    page = page_of(client.get("/checkout/anna/"))
    assert 'name="address"' not in page and 'name="delivery_method"' not in page
    assert 'name="buyer_name"' in page and 'name="email"' in page
    response = client.post("/checkout/anna/", {**CHECKOUT, "email": GUEST})  # an address sent anyway is dropped
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert (order.needs_delivery, order.address, order.delivery_method) == (False, "", "")
    assert sorted(order.items.values_list("title", "is_digital", "activation", "quantity")) == [
        ("Календарь", True, "manual", 1), ("Открытки «Зима»", True, "immediate", 1),
    ]  # fmt: skip
    assert not CartLine.objects.exists()


def test_a_mixed_cart_still_needs_the_address(client, shop):
    add_to_cart(client, digital(shop))
    add_to_cart(client, ProductFactory(shop=shop, title="Вигвам", stock=3))
    page = page_of(client.get("/checkout/anna/"))
    assert 'name="address"' in page and 'name="delivery_method"' in page
    response = client.post("/checkout/anna/", {**CHECKOUT, "address": "", "delivery_method": ""})
    assert response.status_code == 200
    assert "Обязательное поле." in page_of(response)
    assert not Order.objects.exists() and CartLine.objects.count() == 2
    client.post("/checkout/anna/", CHECKOUT)
    order = Order.objects.get()
    assert order.needs_delivery and order.address == CHECKOUT["address"]


def test_the_service_refuses_a_mixed_order_without_an_address(shop):
    cart = Cart.objects.create()
    for product in (digital(shop), ProductFactory(shop=shop, stock=3)):
        CartLine.objects.create(cart=cart, product=product, quantity=1)
    with pytest.raises(CartError) as refused:
        services.order_place(cart=cart, shop=shop, buyer=None, idempotency_key="k", buyer_name="Мария",
                             phone="+79265550101", email=GUEST, address=" ", delivery_method="cdek",
                             contact_method="email")  # fmt: skip
    assert refused.value.field == "address"
    assert not Order.objects.exists() and cart.lines.count() == 2


def test_a_digital_line_holds_one_copy(client, shop):
    postcards = digital(shop)
    add_to_cart(client, postcards, quantity=3)
    add_to_cart(client, postcards)
    line = CartLine.objects.get()
    assert line.quantity == 1
    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": "2"}, follow=True)
    assert "«Открытки «Зима»» — цифровой товар: достаточно одной копии." in page_of(response)
    line.refresh_from_db()
    assert line.quantity == 1
    with pytest.raises(CartError):
        services.cart_line_set_quantity(line=line, quantity=2)


def test_logging_in_keeps_one_copy_of_a_digital_product_already_in_the_accounts_cart(client, shop, buyer):
    postcards = digital(shop)
    services.cart_add(cart=Cart.objects.create(user=buyer), product=postcards, quantity=1)
    add_to_cart(client, postcards)  # the same product, as a guest, before logging in
    client.post("/accounts/login/", {"login": BUYER, "password": PASSWORD})
    assert CartLine.objects.get().quantity == 1
    response = client.post("/checkout/anna/", CHECKOUT)
    assert response.status_code == 302 and Order.objects.filter(buyer=buyer).count() == 1


def test_order_place_refuses_two_copies_of_a_digital_product(shop):
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=digital(shop), quantity=2)  # an old cart, from before the rule
    with translation.override("ru"), pytest.raises(CartError, match="достаточно одной копии"):
        services.order_place(cart=cart, shop=shop, buyer=None, idempotency_key="k", buyer_name="Мария",
                             phone="+79265550101", email=GUEST, address="", delivery_method="",
                             contact_method="email")  # fmt: skip
    assert not Order.objects.exists()


def test_a_free_immediate_product_cannot_go_into_the_cart(client, shop):
    poster = free_poster(shop)
    response = add_to_cart(client, poster)
    assert response.status_code == 302 and response["Location"] == f"/p/{poster.pk}/"
    assert not CartLine.objects.exists()
    page = page_of(client.get(f"/p/{poster.pk}/"))
    assert "«Постер «Лес»» — бесплатный товар: скачайте его на странице товара, заказ не нужен." in page
    with pytest.raises(CartError):
        services.cart_add(cart=Cart.objects.create(), product=poster, quantity=1)


def test_a_free_manual_product_is_ordered_like_a_paid_one(client, shop):
    """Only «бесплатный + немедленно» skips the order: a free «вручную» product waits for the seller."""
    poster = free_poster(shop, activation=Activation.MANUAL)
    add_to_cart(client, poster)
    assert CartLine.objects.get().product == poster


# --- E-mails --------------------------------------------------------------------------------


def files_ready_rows():
    return list(OutboxMessage.objects.filter(template="downloads_open").order_by("pk"))


def files_ready_mail(mailoutbox, row):
    mails = [mail for mail in mailoutbox if mail.subject == row.subject]
    assert len(mails) == 1
    return mails[0]


def test_placing_an_immediate_order_emails_the_buyer_alone_that_the_files_are_ready(
    shop, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, [digital(shop)], buyer=buyer)
    [row] = files_ready_rows()
    assert row.to == [BUYER] and row.subject == f"Заказ {order.number}: файлы можно скачать"
    mail = files_ready_mail(mailoutbox, row)
    assert mail.to == [BUYER]
    link = f"{site_url()}/orders/{order.number}/#files"
    assert link in mail.body and f'href="{link}"' in row.body_html
    assert "Открытки «Зима»" in mail.body
    assert SELLER not in mail.body


def test_a_guests_files_ready_email_carries_the_secret(shop, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, [digital(shop)], email=GUEST)
    [row] = files_ready_rows()
    assert row.to == [GUEST]
    assert f"{site_url()}/orders/{order.number}/?key={order.secret}#files" in files_ready_mail(mailoutbox, row).body


def test_a_manual_order_emails_when_the_seller_marks_it_paid_and_only_then(
    shop, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, [digital(shop, activation=Activation.MANUAL)], buyer=buyer)
    assert files_ready_rows() == []
    assert mailoutbox  # the invoices did go out
    with django_capture_on_commit_callbacks(execute=True):
        mark(order, OrderStatus.PAID, shop)
    [row] = files_ready_rows()
    assert row.to == [BUYER] and files_ready_mail(mailoutbox, row).to == [BUYER]
    with django_capture_on_commit_callbacks(execute=True):
        mark(order, OrderStatus.SHIPPED, shop)
    assert len(files_ready_rows()) == 1


def test_a_physical_order_sends_no_files_ready_email(shop, buyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_for(shop, buyer=buyer)
        mark(order, OrderStatus.PAID, shop)
    assert files_ready_rows() == []


def test_a_mixed_order_emails_once_for_its_manual_line_when_paid(shop, buyer, django_capture_on_commit_callbacks):
    """An immediate line opens at placing (one e-mail); the manual one opens when paid (a second)."""
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, [digital(shop), digital(shop, title="Календарь", activation=Activation.MANUAL)],
                      buyer=buyer)  # fmt: skip
    assert len(files_ready_rows()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        mark(order, OrderStatus.PAID, shop)
    assert len(files_ready_rows()) == 2


# --- Order pages ----------------------------------------------------------------------------


def test_the_seller_sees_that_a_manual_orders_files_open_when_it_is_marked_paid(client, shop, buyer):
    postcards = digital(shop, activation=Activation.MANUAL)
    sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    client.force_login(shop.owner)
    page = page_of(client.get(f"/cabinet/orders/{order.number}/"))
    assert "Файлы откроются покупателю, когда вы отметите заказ «Оплачен»." in page
    assert "Не нужна: только цифровые товары" in page
    mark(order, OrderStatus.PAID, shop)
    page = page_of(client.get(f"/cabinet/orders/{order.number}/"))
    assert "Файлы открыты покупателю." in page and "когда вы отметите заказ" not in page


def test_the_buyer_sees_the_waiting_notice_until_the_order_is_paid(buyer_client, shop, buyer):
    postcards = digital(shop, activation=Activation.MANUAL)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    page = page_of(buyer_client.get(f"/orders/{order.number}/"))
    assert WAITING_NOTICE in page and "Открытка «Снегирь»" in page
    assert order_url(order, file) not in page
    page = page_of(buyer_client.get("/downloads/"))
    assert WAITING_NOTICE in page and user_url(file) not in page
    mark(order, OrderStatus.PAID, shop)
    page = page_of(buyer_client.get(f"/orders/{order.number}/"))
    assert WAITING_NOTICE not in page and f'href="{order_url(order, file)}"' in page


def test_a_cancelled_orders_page_says_its_files_are_gone(buyer_client, shop, buyer):
    postcards = digital(shop)
    file = sold(postcards)
    order = place(shop, [postcards], buyer=buyer)
    mark(order, OrderStatus.CANCELLED, shop)
    page = page_of(buyer_client.get(f"/orders/{order.number}/"))
    assert CANCELLED in page
    assert order_url(order, file) not in page
    assert "Открытки «Зима»" not in page_of(buyer_client.get("/downloads/"))


# --- Query budgets --------------------------------------------------------------------------


def digital_lines(shop, buyer, count):
    """``count`` orders of the buyer, each with one digital product that has one sold file, some downloaded."""
    category = CategoryFactory()
    products = Product.objects.bulk_create(
        Product(shop=shop, category=category, title=f"Открытка {index}", price=Decimal("100"),
                sale_price=Decimal("100"), is_digital=True, availability=Availability.NOT_TRACKED, stock=None,
                activation=Activation.MANUAL if index % 2 else Activation.IMMEDIATE, download_limit=3,
                is_enabled=True)
        for index in range(count)
    )  # fmt: skip
    files = DigitalFile.objects.bulk_create(
        DigitalFile(product=product, title=f"Файл {product.title}", file=f"digital/2026/11/f{index}.pdf", size=2048)
        for index, product in enumerate(products)
    )  # fmt: skip
    orders = Order.objects.bulk_create(
        Order(shop=shop, buyer=buyer, number=f"Q-{index:05d}", idempotency_key=f"q-{index}", buyer_name="Мария",
              phone="+79265550101", email=BUYER, needs_delivery=False, contact_method="email",
              subtotal=Decimal("100"), total=Decimal("100"))
        for index in range(count)
    )  # fmt: skip
    OrderItem.objects.bulk_create(
        OrderItem(order=order, product=product, title=product.title, quantity=1, base_unit=product.price,
                  unit_price=product.price, line_total=product.price, is_digital=True, activation=product.activation)
        for order, product in zip(orders, products, strict=True)
    )  # fmt: skip
    Download.objects.bulk_create(Download(file=file, user=buyer, count=1) for file in files[::3])
    return files


DOWNLOADS_PAGE_QUERIES = 8  # the paginator's count included


@pytest.mark.parametrize("count", [3, 300])
def test_my_files_makes_the_same_queries_for_3_and_300_lines(
    buyer_client, shop, buyer, count, django_assert_max_num_queries
):
    files = digital_lines(shop, buyer, count)
    with django_assert_max_num_queries(DOWNLOADS_PAGE_QUERIES):
        response = buyer_client.get("/downloads/")
    assert response.status_code == 200
    page = page_of(response)
    assert files[-1].title in page  # the newest order first
    assert page.count('data-testid="download-card"') == min(count, 20)  # 20 lines a page
    assert ('?page=2"' in page) == (count > 20)


ORDER_PAGE_QUERIES = 11


@pytest.mark.parametrize("count", [3, 30])
def test_the_order_pages_files_section_makes_the_same_queries_for_3_and_30_products(
    buyer_client, shop, buyer, count, django_assert_max_num_queries
):
    products = [digital(shop, title=f"Открытка {index}") for index in range(count)]
    for product in products:
        sold(product, title=f"Файл {product.title}")
    order = place(shop, products, buyer=buyer)
    with django_assert_max_num_queries(ORDER_PAGE_QUERIES):
        response = buyer_client.get(f"/orders/{order.number}/")
    assert page_of(response).count('data-testid="file-row"') == count
