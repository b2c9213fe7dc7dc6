"""How the order pages tell the buyer's story (issue 18): coloured status badges, the progress stepper,
item photos and links, one payment notice, «Что дальше» on open orders; and their query budgets."""

import itertools
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Activation, Product
from catalog.tests.factories import ProductFactory, ProductImageFactory
from orders import services
from orders.models import CancelReason, Cart, CartLine, Order, OrderStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

_keys = itertools.count(1)
PAYMENT_NOTICE = 'data-testid="payment-notice"'


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


def place(shop, products, *, buyer=None) -> Order:
    """An order of ``products`` (one of each), placed as checkout places it; digital only needs no address."""
    cart = Cart.objects.get_or_create(user=buyer)[0] if buyer else Cart.objects.create()
    for product in products:
        CartLine.objects.create(cart=cart, product=product, quantity=1)
    physical = any(not product.is_digital for product in products)
    return services.order_place(
        cart=cart, shop=shop, buyer=buyer, idempotency_key=f"look-{next(_keys)}", buyer_name="Мария Иванова",
        phone="+79265550101", email=buyer.email if buyer else "guest@example.com",
        address="620000, Екатеринбург, ул. Ленина, 1" if physical else "",
        delivery_method="cdek" if physical else "", contact_method="email", rules_accepted=True,
    )  # fmt: skip


def walk(order, *statuses):
    for status in statuses:
        reason = CancelReason.BUYER_ASKED if status == OrderStatus.CANCELLED else ""
        order = services.order_transition(order=order, to_status=status, actor=order.shop.owner, cancel_reason=reason)
    return order


def received(order):
    return services.order_mark_received(order=order, by_buyer=True)


def page_of(client, order) -> str:
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def badge(page: str) -> tuple[str, str]:
    """The page's status badge: (its status, its colour class)."""
    found = re.search(
        r'<span class="badge status-badge (status-\w+)[^"]*" data-status="(\w+)" data-testid="order-status"', page
    )
    assert found, "no status badge"
    return found.group(2), found.group(1)


def steps(page: str) -> dict[str, str]:
    """The stepper's steps in order: {step: state}."""
    return dict(re.findall(r'data-step="(\w+)" data-state="(\w+)"', page))


def digital(shop, **fields):
    fields = {"title": "Открытки «Зима»", "price": Decimal("300"), "is_digital": True,
              "activation": Activation.IMMEDIATE, **fields}  # fmt: skip
    return ProductFactory(shop=shop, **fields)


# --- Status badges ------------------------------------------------------------------------------


def test_each_status_has_its_own_badge_colour_on_the_buyers_and_the_sellers_pages(client, shop, buyer):
    orders = {
        "open": place(shop, [ProductFactory(shop=shop)], buyer=buyer),
        "paid": walk(place(shop, [ProductFactory(shop=shop)], buyer=buyer), OrderStatus.PAID),
        "shipped": walk(place(shop, [ProductFactory(shop=shop)], buyer=buyer), OrderStatus.PAID, OrderStatus.SHIPPED),
        "received": received(walk(place(shop, [ProductFactory(shop=shop)], buyer=buyer), OrderStatus.SHIPPED)),
        "cancelled": walk(place(shop, [ProductFactory(shop=shop)], buyer=buyer), OrderStatus.CANCELLED),
    }
    client.force_login(buyer)
    on_buyers = {name: badge(page_of(client, order)) for name, order in orders.items()}
    assert {name: status for name, (status, _) in on_buyers.items()} == {name: name for name in orders}
    assert len({colour for _, colour in on_buyers.values()}) == 5  # five colours, one per status
    assert "Получен" in page_of(client, orders["received"]) and "Отменён" in page_of(client, orders["cancelled"])

    listing = client.get("/orders/").content.decode()
    for name, order in orders.items():
        row = listing[listing.index(order.number) : listing.index("</a>", listing.index(order.number))]
        assert f'data-status="{name}"' in row and f"status-{name}" in row

    client.force_login(shop.owner)
    for name, order in orders.items():
        status, colour = badge(client.get(f"/cabinet/orders/{order.number}/").content.decode())
        assert (status, colour) == (name, on_buyers[name][1])  # the same badge in the cabinet
    listing = client.get("/cabinet/orders/").content.decode()
    for name, order in orders.items():
        row = listing[listing.index(order.number) : listing.index("</a>", listing.index(order.number))]
        assert f'data-status="{name}"' in row
        assert "text-bg-secondary" not in row  # no grey badge for every status any more


# --- The stepper -------------------------------------------------------------------------------


def test_the_stepper_marks_the_current_step_of_a_parcel_order(buyer_client, shop, buyer):
    order = place(shop, [ProductFactory(shop=shop)], buyer=buyer)
    assert steps(page_of(buyer_client, order)) == {"open": "current", "paid": "todo", "shipped": "todo",
                                                   "received": "todo"}  # fmt: skip
    order = walk(order, OrderStatus.PAID)
    assert steps(page_of(buyer_client, order)) == {"open": "done", "paid": "current", "shipped": "todo",
                                                   "received": "todo"}  # fmt: skip
    order = walk(order, OrderStatus.SHIPPED)
    page = page_of(buyer_client, order)
    assert steps(page) == {"open": "done", "paid": "done", "shipped": "current", "received": "todo"}
    assert 'aria-current="step"' in page and page.count('aria-current="step"') == 1
    order = received(order)
    assert steps(page_of(buyer_client, order)) == {"open": "done", "paid": "done", "shipped": "done",
                                                   "received": "current"}  # fmt: skip


def test_an_order_shipped_unpaid_shows_the_payment_step_skipped(buyer_client, shop, buyer):
    order = walk(place(shop, [ProductFactory(shop=shop)], buyer=buyer), OrderStatus.SHIPPED)
    page = page_of(buyer_client, order)
    assert steps(page) == {"open": "done", "paid": "skipped", "shipped": "current", "received": "todo"}
    assert "не отмечен" in page


def test_a_cancelled_order_says_so_instead_of_the_stepper(buyer_client, shop, buyer):
    order = walk(place(shop, [ProductFactory(shop=shop)], buyer=buyer), OrderStatus.CANCELLED)
    page = page_of(buyer_client, order)
    assert steps(page) == {} and 'data-testid="order-stepper"' not in page
    assert 'data-testid="order-cancelled"' in page and "Заказ отменён" in page
    assert "Покупатель попросил отменить заказ" in page  # why


def test_an_order_of_files_only_has_no_shipping_steps(buyer_client, shop, buyer):
    order = place(shop, [digital(shop, activation=Activation.MANUAL)], buyer=buyer)
    page = page_of(buyer_client, order)
    assert list(steps(page)) == ["open", "paid", "files"]
    assert steps(page) == {"open": "current", "paid": "todo", "files": "todo"}
    assert "Файлы открыты" in page and "Отправлен" not in page and "Получен" not in page
    order = walk(order, OrderStatus.PAID)
    assert steps(page_of(buyer_client, order)) == {"open": "done", "paid": "done", "files": "current"}


def test_files_opened_at_once_are_shown_reached_before_the_payment(buyer_client, shop, buyer):
    order = place(shop, [digital(shop, activation=Activation.IMMEDIATE)], buyer=buyer)
    page = page_of(buyer_client, order)
    assert steps(page) == {"open": "done", "paid": "skipped", "files": "current"}
    assert "Файлы уже открыты" in page


# --- Item photos and links ---------------------------------------------------------------------


def test_items_show_their_photo_and_link_to_the_product(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Кружка «Утро»")
    ProductImageFactory(product=product)
    product.refresh_from_db()
    order = place(shop, [product], buyer=buyer)
    client.force_login(buyer)
    page = page_of(client, order)
    assert f'href="/p/{product.pk}/" data-testid="item-link">Кружка «Утро»</a>' in page
    assert product.cover.thumb.url in page and 'data-testid="item-photo"' in page
    assert product.cover.thumb.url in client.get("/orders/").content.decode()  # the list shows it too

    client.force_login(shop.owner)
    page = client.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert f'href="/p/{product.pk}/" data-testid="item-link"' in page and product.cover.thumb.url in page


def test_a_deleted_product_leaves_its_line_without_photo_or_link(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Кружка «Утро»")
    ProductImageFactory(product=product)
    order = place(shop, [product], buyer=buyer)
    Product.objects.filter(pk=product.pk).delete()
    client.force_login(buyer)
    page = page_of(client, order)
    assert "Кружка «Утро»" in page and 'data-testid="item-link"' not in page and 'data-testid="item-photo"' not in page
    assert "Товара больше нет в продаже" in page
    assert "Кружка «Утро»" in client.get("/orders/").content.decode()
    client.force_login(shop.owner)
    page = client.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert "Кружка «Утро»" in page and 'data-testid="item-link"' not in page and 'data-testid="item-photo"' not in page


def test_a_product_taken_off_sale_is_not_linked_for_the_buyer_but_previewed_for_the_seller(client, shop, buyer):
    product = ProductFactory(shop=shop, title="Кружка «Утро»")
    order = place(shop, [product], buyer=buyer)
    Product.objects.filter(pk=product.pk).update(is_enabled=False)
    client.force_login(buyer)
    page = page_of(client, order)
    assert 'data-testid="item-link"' not in page and "Сейчас товар не продаётся" in page
    client.force_login(shop.owner)
    page = client.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert f'href="/cabinet/products/{product.pk}/preview/" data-testid="item-link"' in page


# --- One payment notice, phrased for the state --------------------------------------------------


@pytest.mark.parametrize(
    "statuses, words",
    [
        ((), "На сайте не проводятся платежи"),
        ((OrderStatus.PAID,), "Магазин отметил оплату"),
        ((OrderStatus.SHIPPED,), "отправлен без отметки об оплате"),
        ((OrderStatus.PAID, OrderStatus.SHIPPED), "Магазин отметил оплату"),
        ((OrderStatus.CANCELLED,), "Платить за отменённый заказ не нужно"),
        ((OrderStatus.PAID, OrderStatus.CANCELLED), "о возврате денег договоритесь с магазином"),
    ],
)
def test_the_order_page_has_exactly_one_payment_notice(buyer_client, shop, buyer, statuses, words):
    order = walk(place(shop, [ProductFactory(shop=shop)], buyer=buyer), *statuses)
    page = page_of(buyer_client, order)
    assert page.count(PAYMENT_NOTICE) == 1
    notice = re.sub(r"</?strong>", "", page[page.index(PAYMENT_NOTICE) :])
    assert words in notice[: notice.index("</")]
    assert page.count("не проводятся платежи") <= 1 and "alert alert-info" not in page


# --- «Что дальше» ------------------------------------------------------------------------------


def test_right_after_placing_the_page_says_what_happens_next(client, shop):
    shop.confirmation_days = 5
    shop.save(update_fields=["confirmation_days"])
    product = ProductFactory(shop=shop)
    client.post(f"/cart/add/{product.pk}/", {"quantity": "1"})
    response = client.post("/checkout/anna/", {
        "buyer_name": "Мария Иванова", "phone": "+7 926 555-01-01", "email": "guest@example.com",
        "address": "620000, Екатеринбург, ул. Ленина, 1", "delivery_method": "cdek", "contact_method": "email",
        "rules_accepted": "on", "idempotency_key": "key-1",
    }, follow=True)  # fmt: skip
    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == order.get_absolute_url()  # the guest's secret link
    page = response.content.decode()
    assert f"Заказ {order.number} оформлен. Магазин свяжется с вами." in page
    block = page[page.index('data-testid="whats-next"') :]
    assert "Что дальше" in block
    assert "в течение 5 рабочих дней, чтобы договориться об оплате и доставке" in block
    assert "Подтвердить заказ" in block and f'name="key" value="{order.secret}"' in block  # a guest confirms too
    assert "О каждом изменении статуса придёт письмо на guest@example.com" in block
    assert "ссылка из него ведёт на эту страницу" in block  # guests keep the link


def test_what_happens_next_stays_on_an_open_order_and_goes_once_it_moves(buyer_client, shop, buyer):
    order = place(shop, [ProductFactory(shop=shop)], buyer=buyer)
    assert 'data-testid="whats-next"' in page_of(buyer_client, order)  # not only once after placing
    services.order_confirm(order=order)
    page = page_of(buyer_client, order)
    assert 'data-testid="whats-next"' in page and "Вы подтвердили заказ" in page and "Подтвердить заказ" not in page
    for status in (OrderStatus.PAID, OrderStatus.SHIPPED):
        order = walk(order, status)
        assert 'data-testid="whats-next"' not in page_of(buyer_client, order)


def test_what_happens_next_for_files_says_when_they_open(buyer_client, shop, buyer):
    waiting = place(shop, [digital(shop, activation=Activation.MANUAL)], buyer=buyer)
    page = page_of(buyer_client, waiting)
    assert "чтобы договориться об оплате." in page and "об оплате и доставке" not in page
    assert "Файлы откроются после оплаты" in page
    opened = place(shop, [digital(shop, title="Раскраска", activation=Activation.IMMEDIATE)], buyer=buyer)
    assert "Файлы уже открыты" in page_of(buyer_client, opened)


def test_a_guest_still_needs_the_secret_link(client, shop):
    order = place(shop, [ProductFactory(shop=shop)])
    assert client.get(f"/orders/{order.number}/?key=wrong").status_code == 404
    assert client.get(f"/orders/{order.number}/").status_code == 302  # logs in first
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="whats-next"' in page
    assert '<i class="bi bi-arrow-left" aria-hidden="true"></i> Мои заказы' not in page  # a guest has no order list


# --- E-mails -----------------------------------------------------------------------------------


def test_the_buyers_invoice_says_what_happens_next_with_one_payment_notice(
    shop, buyer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        place(shop, [ProductFactory(shop=shop), digital(shop)], buyer=buyer)
    mail = next(mail for mail in mailoutbox if mail.to == [buyer.email])
    html = mail.alternatives[0][0]
    for body in (mail.body, html):
        assert body.count("На сайте не проводятся платежи") == 1
        assert "Что дальше" in body and "в течение 3 рабочих дней" in body
        assert "Файлы цифровых товаров" in body
    seller = next(mail for mail in mailoutbox if mail.to == [shop.owner.email])
    assert "Что дальше" not in seller.body and "не проводятся платежи" not in seller.body


def test_a_cancel_e_mail_tells_the_buyer_about_payment(shop, buyer, mailoutbox, django_capture_on_commit_callbacks):
    order = place(shop, [ProductFactory(shop=shop)], buyer=buyer)
    with django_capture_on_commit_callbacks(execute=True):
        walk(order, OrderStatus.CANCELLED)
    mail = next(mail for mail in mailoutbox if mail.to == [buyer.email] and "Отменён" in mail.subject)
    assert "Платить за отменённый заказ не нужно." in mail.body


# --- Query budgets -----------------------------------------------------------------------------


def products_with_covers(shop, count):
    """``count`` products sharing one cover photo (one upload keeps the test fast)."""
    products = [ProductFactory(shop=shop, title=f"Кружка {index}", stock=1000) for index in range(count)]
    photo = ProductImageFactory(product=products[0])
    Product.objects.filter(pk__in=[product.pk for product in products]).update(cover=photo)
    return products


def count_queries(client, url) -> int:
    client.get(url)  # warm: the account and the badges come from the cache afterwards
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The item photos come in the items' own query: the order pages make as many queries as before them.
BUYER_ORDER_PAGE_QUERIES = 8
SELLER_ORDER_PAGE_QUERIES = 8
BUYER_ORDER_LIST_QUERIES = 5  # the items with their photos: one query for the whole list


@pytest.mark.parametrize("count", [3, 30])
def test_the_order_pages_make_the_same_queries_for_3_and_30_items(
    client, shop, buyer, count, django_assert_max_num_queries
):
    order = walk(place(shop, products_with_covers(shop, count), buyer=buyer), OrderStatus.PAID, OrderStatus.SHIPPED)
    client.force_login(buyer)
    with django_assert_max_num_queries(BUYER_ORDER_PAGE_QUERIES):
        page = page_of(client, order)
    assert page.count('data-testid="item-photo"') == count and page.count('data-testid="item-link"') == count
    client.force_login(shop.owner)
    with django_assert_max_num_queries(SELLER_ORDER_PAGE_QUERIES):
        page = client.get(f"/cabinet/orders/{order.number}/").content.decode()
    assert page.count('data-testid="item-photo"') == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_buyers_order_list_makes_the_same_queries_for_3_and_30_orders(
    buyer_client, shop, buyer, count, django_assert_max_num_queries
):
    products = products_with_covers(shop, 2)
    for _ in range(count):
        place(shop, products, buyer=buyer)
    with django_assert_max_num_queries(BUYER_ORDER_LIST_QUERIES):
        page = buyer_client.get("/orders/").content.decode()
    assert page.count('data-testid="order-row"') == count
    assert page.count(products[0].cover.thumb.url) == 2 * count


def test_the_same_number_of_queries_whatever_the_number_of_items(client, shop, buyer):
    """The budgets above are maxima; here the counts must be equal."""
    small = walk(place(shop, products_with_covers(shop, 3), buyer=buyer), OrderStatus.PAID)
    large = walk(place(shop, products_with_covers(shop, 30), buyer=buyer), OrderStatus.PAID)
    client.force_login(buyer)
    assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url())
    client.force_login(shop.owner)
    assert count_queries(client, f"/cabinet/orders/{small.number}/") == count_queries(
        client, f"/cabinet/orders/{large.number}/"
    )


def test_the_checkouts_choices_are_radio_buttons_not_text_boxes(client, shop):
    """includes/field.html draws a field by its widget's kind: radio buttons must not get the text
    boxes' «form-control» (which drew each as an empty box above its label)."""
    client.post(f"/cart/add/{ProductFactory(shop=shop).pk}/", {"quantity": "1"})
    page = client.get("/checkout/anna/").content.decode()
    radios = re.findall(r'<input type="radio"[^>]*>', page)
    names = {re.search(r'name="([^"]+)"', radio).group(1) for radio in radios}
    assert {"delivery_method", "contact_method"} <= names
    assert not [radio for radio in radios if "form-control" in radio]
