"""Query budgets of the order pages with many rows: the buyer's and the seller's order lists, the
marketing report and the abandoned carts make the same count of queries for 3 rows and for 300."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product, ProductViewDay
from catalog.tests.factories import ProductFactory, ProductImageFactory
from marketplace.models import User
from marketplace.tests.factories import UserFactory
from orders.models import Cart, CartLine, Order, OrderItem, OrderStatus, Shipment
from referrals.models import PersonalOffer
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

ROWS = [3, 300]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def shop():
    return ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))


@pytest.fixture
def buyer():
    return UserFactory(email="masha@example.com", name="Мария")


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def products(shop, count: int, *, cover: bool = False) -> list[Product]:
    """``count`` products of the shop in one query (copies of one made by the factory, sharing its cover)."""
    first = ProductFactory(shop=shop, title="Кружка 0", stock=1000, price=Decimal("500"))
    if cover:
        ProductImageFactory(product=first)
        first.refresh_from_db()
    fields = {f.attname: getattr(first, f.attname) for f in Product._meta.concrete_fields if not f.primary_key}
    copies = [Product(**{**fields, "title": f"Кружка {index}"}) for index in range(1, count)]
    return [first, *Product.objects.bulk_create(copies)]


def orders(shop, count: int, *, items: list[list[Product]], buyer=None, **fields) -> list[Order]:
    """``count`` orders a minute apart (the last one the newest), ``items[n]`` the products of the n-th."""
    now = timezone.now()
    placed = Order.objects.bulk_create(
        Order(shop=shop, buyer=buyer, number=f"L-{n:05d}", idempotency_key=f"budget-{n}", buyer_name=f"Покупатель {n}",
              phone="+79265550101", email="b@example.com", address="Москва", delivery_method="cdek",
              contact_method="email", subtotal=Decimal("500") * len(items[n]), total=Decimal("500") * len(items[n]),
              created_at=now - timedelta(minutes=count - n), **fields)
        for n in range(count)
    )  # fmt: skip
    OrderItem.objects.bulk_create(
        OrderItem(order=order, product=product, title=product.title, quantity=1, base_unit=product.price,
                  unit_price=product.price, line_total=product.price)
        for order, bought in zip(placed, items, strict=True)
        for product in bought
    )  # fmt: skip
    return placed


# --- «Мои заказы» ------------------------------------------------------------------------------------

# The orders with their shops, and their items with photos: one query each; the rest is the
# session's user and the header (a fresh login: nothing of it is cached yet).
BUYER_ORDER_LIST_QUERIES = 6


@pytest.mark.parametrize("count", ROWS)
def test_the_buyers_order_list_makes_the_same_queries_for_3_and_300_orders(
    client, shop, buyer, count, django_assert_max_num_queries
):
    mugs = products(shop, 2, cover=True)
    orders(shop, count, items=[mugs] * count, buyer=buyer)
    client.force_login(buyer)
    with django_assert_max_num_queries(BUYER_ORDER_LIST_QUERIES):
        page = page_of(client.get("/orders/"))
    assert page.count('data-testid="order-row"') == count  # the list is not paged: every order is there
    assert page.index(f"L-{count - 1:05d}") < page.index("L-00000")  # the newest first
    assert page.count(mugs[0].cover.thumb.url) == 2 * count and page.count("Кружка 0, Кружка 1") == count


# --- The seller's «Заказы» ---------------------------------------------------------------------------

SELLER_ORDER_LIST_QUERIES = 8
SELLER_LIST_ROWS = 50  # a page of the seller's order list (orders.views.cabinet.ORDERS_PER_PAGE)


@pytest.mark.parametrize("count", ROWS)
def test_the_sellers_order_list_makes_the_same_queries_for_3_and_300_orders(
    client, shop, count, django_assert_max_num_queries
):
    mugs = products(shop, 1)
    placed = orders(shop, count, items=[mugs] * count, status=OrderStatus.SHIPPED)
    Shipment.objects.bulk_create(
        Shipment(order=order, carrier="cdek", track_number=f"{n:010d}") for n, order in enumerate(placed) if n % 2
    )
    client.force_login(shop.owner)
    with django_assert_max_num_queries(SELLER_ORDER_LIST_QUERIES):
        page = page_of(client.get("/cabinet/orders/"))
    shown = min(count, SELLER_LIST_ROWS)
    assert page.count('data-testid="cabinet-order"') == shown
    assert f"L-{count - 1:05d}</strong> · Покупатель {count - 1}" in page  # the newest first
    assert page.count('data-testid="no-track"') == sum(1 for n in range(count - shown, count) if not n % 2)
    assert f'<span class="badge text-bg-light">{count}</span>' in page  # «Отправлен» counts all of them
    with django_assert_max_num_queries(SELLER_ORDER_LIST_QUERIES):  # a filter costs the same
        page = page_of(client.get("/cabinet/orders/", {"track": "none", "q": "Покупатель"}))
    assert page.count('data-testid="cabinet-order"') == min(-(-count // 2), SELLER_LIST_ROWS)


def test_the_sellers_order_list_pages_keep_the_filters(client, shop):
    mugs = products(shop, 1)
    placed = orders(shop, 120, items=[mugs] * 120, status=OrderStatus.SHIPPED)
    client.force_login(shop.owner)
    page = page_of(client.get("/cabinet/orders/", {"status": "shipped", "page": "3"}))
    assert page.count('data-testid="cabinet-order"') == 20  # 120 = 50 + 50 + 20
    assert f"{placed[0].number}</strong>" in page  # the oldest on the last page
    assert 'href="?status=shipped&amp;page=2" rel="prev"' in page
    page = page_of(client.get("/cabinet/orders/", {"page": "99"}))  # past the end: the last page
    assert page.count('data-testid="cabinet-order"') == 20


# --- «Маркетинговый отчет» ---------------------------------------------------------------------------

MARKETING_QUERIES = 14
TOP_PRODUCTS, TOP_LINKS = 10, 30  # orders.reports


@pytest.mark.parametrize("count", ROWS)
def test_the_marketing_report_makes_the_same_queries_for_3_and_300_orders_products_and_links(
    client, shop, count, django_assert_max_num_queries
):
    """Every order its own product and its own referring page: the longest top lists the report has."""
    mugs = products(shop, count)
    placed = orders(shop, count, items=[[mug] for mug in mugs], source="referral")
    for order in placed:
        order.source_referrer = f"https://vk.com/wall-{order.pk}"
    Order.objects.bulk_update(placed, ["source_referrer"])
    today = timezone.localdate()
    ProductViewDay.objects.bulk_create(ProductViewDay(product=mug, day=today, views=4) for mug in mugs)
    client.force_login(shop.owner)
    with django_assert_max_num_queries(MARKETING_QUERIES):
        page = page_of(client.get("/cabinet/marketing/"))
    assert f'data-testid="stat-orders">{count}<' in page and f'data-testid="stat-views">{4 * count}<' in page
    top = page[page.index('data-testid="top-products"') :]
    assert len(re.findall(r"Кружка \d+", top)) == min(count, TOP_PRODUCTS)
    assert page.count("https://vk.com/wall-") == min(count, TOP_LINKS)
    assert f'vk.com <span class="badge text-bg-light border">{min(count, TOP_LINKS)}</span>' in page


# --- «Незавершенные покупки» ---------------------------------------------------------------------------

CARTS_QUERIES = 8


@pytest.mark.parametrize("count", ROWS)
def test_abandoned_carts_make_the_same_queries_for_3_and_300_lines(client, shop, count, django_assert_max_num_queries):
    mugs = products(shop, count)
    buyers = User.objects.bulk_create(
        User(email=f"buyer{n}@example.com", name=f"Покупатель {n}") for n in range(count)
    )  # fmt: skip
    carts = Cart.objects.bulk_create(Cart(user=person) for person in buyers)
    now = timezone.now()
    CartLine.objects.bulk_create(
        CartLine(cart=cart, product=mug, quantity=1, added_at=now - timedelta(minutes=count - n))
        for n, (cart, mug) in enumerate(zip(carts, mugs, strict=True))
    )  # fmt: skip
    PersonalOffer.objects.bulk_create(  # every third buyer was offered a discount already
        PersonalOffer(shop=shop, buyer=person, product=mug, percent=10, expires_at=now + timedelta(days=7))
        for n, (person, mug) in enumerate(zip(buyers, mugs, strict=True))
        if n % 3 == 0
    )  # fmt: skip
    client.force_login(shop.owner)
    with django_assert_max_num_queries(CARTS_QUERIES):
        page = page_of(client.get("/cabinet/carts/"))
    assert page.count('data-testid="abandoned-line"') == count
    assert f">Покупатель {count - 1}<" in page and f">Кружка {count - 1}<" in page
    assert page.count('data-testid="offer-made"') == -(-count // 3)
    assert page.count('data-testid="offer-form"') == count - -(-count // 3)
