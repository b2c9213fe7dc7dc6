"""Issue 18: what a buyer sees on a product card (one promo badge, free shipping as a line, stars,
the heart) and on the product page (no «Скидка» pill by the «−10 %», the shop's delivery and rules
summed up by the shop, a heart for guests, required options that can be outlined, the phones'
«В корзину» bar), with no query per card."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from catalog import services
from catalog.models import Activation, ProductLike
from marketplace.tests.factories import UserFactory
from shops.tests.factories import ShopFactory

from .factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


def card_of(page: str, title: str) -> str:
    """The HTML of the grid cell (card and heart) whose card shows ``title``."""
    cells = page.split('<div class="col">')[1:]
    found = [cell for cell in cells if f">{title}</a></h3>" in cell]
    assert len(found) == 1, f"one card of {title!r} expected, found {len(found)}"
    return found[0]


def catalog_page(client) -> str:
    return client.get("/catalog/").content.decode()


# --- cards --------------------------------------------------------------------------------------


def test_a_card_shows_at_most_one_promo_badge_discount_then_new_then_hit(client):
    ProductFactory(title="Плед", discount_percent=10, is_new=True, is_hit=True, free_shipping=True,
                   is_official_reseller=True)  # fmt: skip
    ProductFactory(title="Кружка", is_new=True, is_hit=True)
    ProductFactory(title="Ваза", is_hit=True)
    ProductFactory(title="Миска")
    page = catalog_page(client)

    plaid = card_of(page, "Плед")
    assert plaid.count('data-testid="card-badge"') == 1
    assert ">−10&nbsp;%</span>" in plaid
    assert "Новинка" not in plaid and "Хит" not in plaid and ">Скидка<" not in plaid
    assert "label-free_shipping" not in plaid  # free shipping is a line under the price, not on the photo
    assert card_of(page, "Кружка").count('data-testid="card-badge"') == 1
    assert '<span class="product-badge label label-new" data-testid="card-badge">Новинка</span>' in card_of(
        page, "Кружка"
    )
    assert '<span class="product-badge label label-hit" data-testid="card-badge">Хит</span>' in card_of(page, "Ваза")
    assert 'data-testid="card-badge"' not in card_of(page, "Миска")


def test_free_shipping_is_a_small_line_under_the_price(client):
    ProductFactory(title="Плед", free_shipping=True)
    ProductFactory(title="Кружка")
    page = catalog_page(client)
    plaid = card_of(page, "Плед")
    assert plaid.index('class="product-card-price"') < plaid.index('data-testid="card-free-shipping"')
    assert "Бесплатная доставка</div>" in plaid
    assert 'data-testid="card-free-shipping"' not in card_of(page, "Кружка")


def test_digital_cards_keep_their_line_and_the_free_price(client):
    shop = ShopFactory()
    ProductFactory(shop=shop, title="Постер", is_digital=True, price=Decimal("0"), activation=Activation.IMMEDIATE)
    ProductFactory(shop=shop, title="Открытки", is_digital=True, price=Decimal("290"))
    page = catalog_page(client)
    poster = card_of(page, "Постер")
    assert 'data-testid="card-digital"' in poster and "Цифровой товар" in poster
    assert '<span class="price text-success">Бесплатно</span>' in poster
    assert 'data-testid="card-free-shipping"' not in poster
    assert "290\xa0₽" in card_of(page, "Открытки")


def test_stars_and_the_review_count_show_only_with_reviews(client):
    ProductFactory(title="Вигвам", rating_avg=Decimal("4.50"), review_count=4)
    ProductFactory(title="Плед")
    page = catalog_page(client)
    vigvam = card_of(page, "Вигвам")
    assert 'data-testid="card-rating"' in vigvam
    assert vigvam.count("bi-star-fill") == 4 and vigvam.count("bi-star-half") == 1
    assert '<span class="rating-value">4,5</span>' in vigvam and '<span class="rating-count">(4)</span>' in vigvam
    assert "Рейтинг 4,5 из 5, 4 отзыва" in vigvam  # for screen readers and as the tooltip
    assert 'data-testid="card-rating"' not in card_of(page, "Плед")


def test_a_guest_gets_a_heart_leading_to_the_log_in(client):
    product = ProductFactory(title="Плед")
    plaid = card_of(catalog_page(client), "Плед")
    assert f'href="/accounts/login/?next=/p/{product.pk}/"' in plaid
    assert 'data-testid="card-like"' in plaid and "bi-heart" in plaid


def test_the_heart_is_personal_though_the_card_is_cached(client):
    product = ProductFactory(title="Плед")
    buyer = UserFactory()
    ProductLike.objects.create(user=buyer, product=product)
    assert f"next=/p/{product.pk}/" in card_of(catalog_page(client), "Плед")  # the card is cached now

    client.force_login(buyer)
    liked = card_of(catalog_page(client), "Плед")
    assert f'action="/p/{product.pk}/like/"' in liked and f'hx-post="/p/{product.pk}/like/"' in liked
    assert 'aria-pressed="true"' in liked and "bi-heart-fill" in liked

    client.force_login(UserFactory())
    other = card_of(catalog_page(client), "Плед")
    assert 'aria-pressed="false"' in other and "bi-heart-fill" not in other

    client.logout()
    assert "aria-pressed" not in card_of(catalog_page(client), "Плед")


def test_the_cards_heart_toggles_and_comes_back_as_a_cards_heart(client):
    product = ProductFactory(title="Плед")
    client.force_login(UserFactory())
    response = client.post(f"/p/{product.pk}/like/", {"variant": "card"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert 'class="card-like"' in fragment and 'aria-pressed="true"' in fragment
    assert "likes-count" not in fragment  # the page's button, with its count, is another look


@pytest.mark.parametrize("count", [3, 30])
def test_a_signed_in_buyers_catalog_makes_the_same_queries_for_3_and_30_products(
    client, count, django_assert_max_num_queries
):
    shop = ShopFactory()
    for index in range(count):
        product = ProductFactory(shop=shop, title=f"Плед {index}", rating_avg=Decimal("5"), review_count=1,
                                 discount_percent=index % 2 * 10)  # fmt: skip
        if index < 3:
            ProductImageFactory(product=product)
    buyer = UserFactory()
    ProductLike.objects.create(user=buyer, product=product)
    client.force_login(buyer)
    cache.clear()
    # 10 today (session, user, the header's counts, the page's count, the key columns, the cards,
    # the likes); a little room for the header, none for a query per card
    with django_assert_max_num_queries(12):
        page = client.get("/catalog/").content.decode()
    assert page.count('data-testid="card-like"') == min(count, 24)
    assert page.count('aria-pressed="true"') == 1


def test_cards_given_as_a_list_read_their_stars_in_one_query(django_assert_max_num_queries):
    from django.template import Context, Template

    from catalog.models import Product

    for index in range(5):
        ProductFactory(title=f"Плед {index}", rating_avg=Decimal("4"), review_count=2)
    products = list(Product.objects.for_cards())
    with django_assert_max_num_queries(1):
        html = Template("{% load catalog_cards %}{% product_cards products %}").render(Context({"products": products}))
    assert html.count('data-testid="card-rating"') == 5


# --- the product page ---------------------------------------------------------------------------


@pytest.fixture
def shop():
    return ShopFactory(
        name="Мастерская Анны", slug="masterskaya-anny", carriers=["russian_post", "cdek"],
        payment_systems=["card", "sbp"], rules_returns="Обмен и возврат в течение 14 дней.",
    )  # fmt: skip


def test_the_discount_is_the_badge_by_the_price_not_a_pill_too(client, shop):
    product = ProductFactory(shop=shop, title="Вигвам", price=Decimal("2000"), discount_percent=10, is_new=True,
                             free_shipping=True)  # fmt: skip
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert page.count('data-testid="price-discount">−10&nbsp;%</span>') == 1
    assert 'class="label label-discount' not in page and ">Скидка</span>" not in page
    assert '<span class="label label-new me-1" data-testid="product-label">Новинка</span>' in page
    assert 'data-testid="free-shipping"' in page


def test_the_shop_card_sums_up_delivery_payment_and_rules_with_the_full_text_one_click_away(client, shop):
    product = ProductFactory(shop=shop, title="Вигвам")
    page = client.get(f"/p/{product.pk}/").content.decode()
    panel = page[page.index('data-testid="shop-panel"') :]
    assert "Доставка:</span> Почта России, СДЭК" in panel
    assert "Оплата:</span> Перевод на банковскую карту" in panel
    assert "Возврат:</span> Обмен и возврат в течение 14 дней." in panel
    assert "Заказ нужно подтвердить или оплатить в течение 3 рабочих дней." in panel
    # «Подробнее» opens the full text in place; without JavaScript it is the storefront's tab.
    for tab in ("delivery", "rules"):
        assert (
            f'href="/shops/masterskaya-anny/{tab}/" data-bs-toggle="collapse" data-bs-target="#policy-{tab}"' in panel
        )
    assert panel.count(">Подробнее <i") == 2
    assert 'id="policy-delivery" class="collapse"' in panel and 'id="policy-rules" class="collapse"' in panel


def test_a_guest_gets_a_like_button_with_a_heart(client, shop):
    product = ProductFactory(shop=shop, title="Вигвам", likes_count=27)
    page = client.get(f"/p/{product.pk}/").content.decode()
    button = page[page.index('<a class="btn btn-sm btn-like"') :]
    button = button[: button.index("</a>")]
    assert f'href="/accounts/login/?next=/p/{product.pk}/"' in button
    assert '<i class="bi bi-heart"' in button and "Нравится" in button
    assert '<span class="likes-count">27</span>' in button
    assert 'title="Войдите, чтобы отметить"' in button


def test_required_options_can_be_outlined_with_their_message(client, shop):
    product = ProductFactory(shop=shop, title="Вигвам")
    services.option_group_save(product=product, name="Цвет", kind="radio", is_required=True,
                               choices=[("Белый", Decimal("0")), ("Графит", Decimal("150"))])  # fmt: skip
    services.option_group_save(product=product, name="Лента", kind="checkbox", is_required=True,
                               choices=[("Красная", Decimal("0"))])  # fmt: skip
    services.option_group_save(product=product, name="Упаковка", kind="select", is_required=False,
                               choices=[("Крафт", Decimal("0")), ("Коробка", Decimal("100"))])  # fmt: skip
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert 'data-required="radio" data-group-name="Цвет"' in page
    assert 'data-required="checkbox" data-group-name="Лента"' in page
    assert 'data-group-name="Упаковка"' not in page
    assert "hidden>Выберите «Цвет».</div>" in page
    assert "hidden>Выберите хотя бы один вариант «Лента».</div>" in page


def test_phones_get_a_sticky_bar_with_the_price_and_the_toast_links(client, shop):
    product = ProductFactory(shop=shop, title="Вигвам", price=Decimal("2000"), discount_percent=10)
    page = client.get(f"/p/{product.pk}/").content.decode()
    bar = page[page.index('data-testid="buy-bar"') :]
    assert 'data-role="bar-price">1\xa0800\xa0₽' in bar and 'form="add-to-cart"' in bar
    assert 'href="/cart/" data-testid="toast-cart">Перейти в корзину</a>' in page
    assert 'href="/checkout/masterskaya-anny/" data-testid="toast-checkout">Оформить</a>' in page


def test_no_buy_bar_when_nothing_can_be_added(client, shop):
    sold_out = ProductFactory(shop=shop, title="Вигвам", stock=0)
    free = ProductFactory(shop=shop, title="Постер", is_digital=True, price=Decimal("0"),
                          activation=Activation.IMMEDIATE, category=CategoryFactory())  # fmt: skip
    assert 'data-testid="buy-bar"' not in client.get(f"/p/{sold_out.pk}/").content.decode()
    page = client.get(f"/p/{free.pk}/").content.decode()
    assert 'data-testid="buy-bar"' not in page
    assert 'data-testid="free-download"' in page and 'data-testid="activation"' in page
