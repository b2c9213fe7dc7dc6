"""Query budgets of the order pages with many rows: the buyer's and the seller's order lists, the
marketing report, the abandoned carts, the cart and the checkout make the same count of queries for
3 rows and for 300 (30 cart lines); and what the cart pages keep in the cache follows every change."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import OptionChoice, OptionGroup, Product, ProductViewDay, TierKind, WholesaleTier
from catalog.services import products_set_enabled
from catalog.tests.factories import ProductFactory, ProductImageFactory
from marketplace.models import User
from orders.models import Cart, CartLine, Order, OrderItem, OrderStatus, Shipment
from orders.services import order_place
from orders.tests.test_checkout import DETAILS
from referrals.models import PersonalOffer
from referrals.tests.factories import PromoCodeFactory
from shops.services import vacation_set
from shops.tests.factories import ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

ROWS = [3, 300]


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def without_tokens(page: str) -> str:
    """The page without its CSRF tokens (masked anew on every request)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)


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


# --- «Корзина» and the checkout ----------------------------------------------------------------------

# Warm (the account, the badges and the cart's products are in the cache): the cart with its lines
# (one query), the lines' variants, the buyer's personal offers, the promo code typed for a shop and
# its uses by the buyer. The checkout reads the buyer's last address in the cart's query.
CART_QUERIES = 5
CHECKOUT_QUERIES = 5
# The first visit also reads the products (with their shops, vacations and covers) and their tiers.
CART_FIRST_QUERIES = CART_QUERIES + 2
CART_SHOPS = 3


def cart_of(buyer, lines: int) -> list:
    """``lines`` lines over three shops, every product with a cover; every third with a wholesale
    tier, every fourth with a chosen variant; a personal offer on the first product and a promo code
    typed for the first shop's part (the costliest cart a buyer can have, as far as queries go)."""
    shops = [ShopFactory(name=f"Мастерская {n}", slug=f"shop-{n}") for n in range(CART_SHOPS)]
    bought = [mug for n, shop in enumerate(shops) for mug in products(shop, lines // CART_SHOPS, cover=True)]
    WholesaleTier.objects.bulk_create(
        WholesaleTier(product=mug, min_quantity=2, kind=TierKind.PERCENT, value=Decimal("5")) for mug in bought[::3]
    )  # fmt: skip
    groups = OptionGroup.objects.bulk_create(OptionGroup(product=mug, name="Цвет") for mug in bought[::4])
    variants = OptionChoice.objects.bulk_create(OptionChoice(group=group, name="Синий") for group in groups)
    chosen = {group.product_id: variant.pk for group, variant in zip(groups, variants, strict=True)}
    PromoCodeFactory(shop=shops[0], code="vesna", value=Decimal("10"))
    cart = Cart.objects.create(user=buyer, promo_codes={str(shops[0].pk): "vesna"})
    CartLine.objects.bulk_create(
        CartLine(cart=cart, product=mug, quantity=2, choice_ids=[chosen[mug.pk]] if mug.pk in chosen else [],
                 options_key=str(chosen.get(mug.pk, "")))
        for mug in bought
    )  # fmt: skip
    PersonalOffer.objects.create(shop=shops[0], buyer=buyer, product=bought[0], percent=20,
                                 expires_at=timezone.now() + timedelta(days=7))  # fmt: skip
    return shops


@pytest.mark.parametrize("count", [3, 30])
def test_the_cart_makes_the_same_queries_for_3_and_30_lines_from_three_shops(
    client, buyer, count, django_assert_num_queries
):
    cart_of(buyer, count)
    client.force_login(buyer)
    client.get("/p/1/")  # warm: the account and the badges come from the cache afterwards
    with django_assert_num_queries(CART_FIRST_QUERIES):
        page = page_of(client.get("/cart/"))
    with django_assert_num_queries(CART_QUERIES):
        again = page_of(client.get("/cart/"))
    assert without_tokens(again) == without_tokens(page)  # the products from the cache: the same page
    assert page.count('data-testid="cart-line"') == count and page.count("cart-shop") >= CART_SHOPS
    assert page.count('data-testid="personal-offer"') == 1 and 'data-testid="promo-applied"' in page
    thumbs = {product.cover.thumb.url for product in Product.objects.select_related("cover")}
    assert page.count("Цвет: Синий") == -(-count // 4) and sum(page.count(f'src="{url}"') for url in thumbs) == count


@pytest.mark.parametrize("count", [3, 30])
def test_the_checkout_makes_the_same_queries_for_3_and_30_lines(client, buyer, count, django_assert_num_queries):
    shops = cart_of(buyer, count)
    Order.objects.filter(pk__in=[order.pk for order in orders(shops[0], 2, items=[[], []], buyer=buyer)]).update(
        address="Казань, ул. Баумана, 1"
    )
    client.force_login(buyer)
    client.get("/cart/")  # warm: the account, the badges and the cart's products
    with django_assert_num_queries(CHECKOUT_QUERIES):
        page = page_of(client.get(f"/checkout/{shops[0].slug}/"))
    assert page.count("× 2") == count // CART_SHOPS and "Казань, ул. Баумана, 1</textarea>" in page
    assert 'data-testid="promo-applied"' in page and "Мастерская 0" in page


def test_a_plain_cart_and_its_checkout_are_one_query_each(client, buyer, shop, django_assert_num_queries):
    """No tiers, variants, offers or codes: the cart with its lines is all the database is asked."""
    other = ShopFactory(name="Столярка", slug="stolyarka")
    cart = Cart.objects.create(user=buyer)
    for mug in [*products(shop, 2, cover=True), *products(other, 1)]:
        CartLine.objects.create(cart=cart, product=mug, quantity=1)
    client.force_login(buyer)
    client.get("/cart/")  # warm: the account, the badges and the cart's products
    with django_assert_num_queries(1):
        page = page_of(client.get("/cart/"))
    with django_assert_num_queries(1):
        checkout = page_of(client.get("/checkout/anna/"))
    assert page.count('data-testid="cart-line"') == 3 and "Столярка" in page
    assert checkout.count("× 1") == 2 and "Столярка" not in checkout


# --- What the cart pages keep follows every change ---------------------------------------------------
# The cart's products (with shops, vacations, covers and tiers) are kept under the catalog's
# generation; the buyer's lines, offers and codes are read every time. Each change below, made after
# the pages were seen, shows on the next one.


def _price(product, shop, buyer):
    product.price = Decimal("750")
    product.save()  # as the admin saves it


def _sold_out(product, shop, buyer):
    other = Cart.objects.create()
    CartLine.objects.create(cart=other, product=product, quantity=2)
    order_place(cart=other, shop=shop, buyer=None, **{**DETAILS, "idempotency_key": "other"})


def _hidden(product, shop, buyer):
    product.is_hidden_by_moderation = True
    product.save()


def _tier(product, shop, buyer):
    WholesaleTier.objects.create(product=product, min_quantity=1, kind=TierKind.PERCENT, value=Decimal("10"))


def _vacation(product, shop, buyer):
    today = timezone.localdate()
    vacation_set(shop=shop, message="Уехала на ярмарку", starts_on=today, ends_on=today + timedelta(days=7),
                 allow_cart=True)  # fmt: skip


def _renamed(product, shop, buyer):
    shop.name = "Гончарная Анны"
    shop.save()


def _disabled(product, shop, buyer):
    products_set_enabled(shop=shop, product_ids=[product.pk], enabled=False)  # an UPDATE, no signal


def _offer(product, shop, buyer):
    PersonalOffer.objects.create(shop=shop, buyer=buyer, product=product, percent=20,
                                 expires_at=timezone.now() + timedelta(days=7))  # fmt: skip


GONE = "Больше не продаётся"
CHANGES = [
    # (change, shown in the cart, shown at checkout or None)
    (_price, "750\xa0₽", "750\xa0₽"),
    (_sold_out, GONE, None),
    (_hidden, GONE, None),
    (_disabled, GONE, None),
    (_tier, "Опт: скидка 10% от 1 шт.", "Опт: скидка 10% от 1 шт."),
    (_vacation, "Уехала на ярмарку", "Уехала на ярмарку"),
    (_renamed, "Гончарная Анны", "Гончарная Анны"),
    (_offer, 'data-testid="personal-offer"', "Персональная скидка 20%"),
]


@pytest.mark.parametrize(("change", "in_cart", "at_checkout"), CHANGES, ids=[c[0].__name__ for c in CHANGES])
def test_the_cart_and_checkout_show_a_change_made_after_they_were_seen(
    client, buyer, shop, change, in_cart, at_checkout
):
    mug = ProductFactory(shop=shop, title="Кружка", price=Decimal("500"), stock=2)
    CartLine.objects.create(cart=Cart.objects.create(user=buyer), product=mug, quantity=1)
    client.force_login(buyer)
    for _ in range(2):  # seen: the product is kept
        cart, checkout = page_of(client.get("/cart/")), page_of(client.get("/checkout/anna/"))
    assert in_cart not in cart and (at_checkout is None or at_checkout not in checkout)
    change(Product.objects.get(pk=mug.pk), shop, buyer)
    assert in_cart in page_of(client.get("/cart/"))
    if at_checkout is not None:
        assert at_checkout in page_of(client.get("/checkout/anna/"))
