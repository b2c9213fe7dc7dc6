"""Buyer pages: visibility, filters, search, product page, likes, views, query budgets, page cache."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog import services
from catalog.models import Availability, ProductView, TierKind
from marketplace.tests.factories import UserFactory
from shops.models import SanctionState
from shops.tests.factories import ShopFactory

from .factories import CategoryFactory, ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    home = CategoryFactory(name="Дом", slug="dom")
    textile = CategoryFactory(name="Текстиль", slug="tekstil", parent=home)
    toys = CategoryFactory(name="Игрушки", slug="igrushki")
    return home, textile, toys


def titles(response):
    return [product.title for product in response.context["page"].object_list]


# --- visibility -------------------------------------------------------------------------


def test_disabled_hidden_and_sanctioned_products_are_404_and_not_listed(client):
    shown = ProductFactory(title="Плед видимый")
    off = ProductFactory(title="Плед выключенный", is_enabled=False)
    hidden = ProductFactory(title="Плед скрытый", is_hidden_by_moderation=True)
    sanctioned = ProductFactory(title="Плед забаненный", shop=ShopFactory(sanction_state=SanctionState.BANNED))
    held = ProductFactory(
        title="Плед магазина со скрытыми товарами", shop=ShopFactory(sanction_state=SanctionState.HIDDEN)
    )
    assert client.get(f"/p/{shown.pk}/").status_code == 200
    for product in (off, hidden, sanctioned, held):
        assert client.get(f"/p/{product.pk}/").status_code == 404, product.title
    assert titles(client.get("/catalog/")) == ["Плед видимый"]
    assert titles(client.get("/catalog/?q=плед")) == ["Плед видимый"]


def test_the_seller_previews_a_disabled_product(client):
    product = ProductFactory(title="Черновик", is_enabled=False)
    client.force_login(product.shop.owner)
    response = client.get(f"/cabinet/products/{product.pk}/preview/")
    assert response.status_code == 200
    assert "Предпросмотр: так товар увидят покупатели." in response.content.decode()
    client.force_login(ShopFactory().owner)
    assert client.get(f"/cabinet/products/{product.pk}/preview/").status_code == 404


# --- filters, search, sorting -----------------------------------------------------------


def test_category_page_includes_subcategories(client, tree):
    home, textile, toys = tree
    ProductFactory(title="Плед", category=textile)
    ProductFactory(title="Ваза", category=home)
    ProductFactory(title="Мишка", category=toys)
    assert sorted(titles(client.get("/catalog/dom/"))) == ["Ваза", "Плед"]
    assert titles(client.get("/catalog/tekstil/")) == ["Плед"]
    assert client.get("/catalog/no-such-category/").status_code == 404


def test_search_finds_inflected_words(client):
    ProductFactory(title="Вигвам для детской", description="Хлопковый шатёр")
    ProductFactory(title="Кружка с глазурью")
    assert titles(client.get("/catalog/?q=вигвамы")) == ["Вигвам для детской"]
    assert titles(client.get("/catalog/?q=ВИГВАМ")) == ["Вигвам для детской"]
    assert titles(client.get("/catalog/?q=хлопковый")) == ["Вигвам для детской"]
    assert titles(client.get("/catalog/?q=кружки")) == ["Кружка с глазурью"]
    assert titles(client.get("/catalog/?q=самовар")) == []


def test_price_range_uses_the_price_after_discount(client):
    ProductFactory(title="Дорогой со скидкой", price=Decimal("2000"), discount_percent=50)  # 1000
    ProductFactory(title="Дешёвый", price=Decimal("500"))
    ProductFactory(title="Дорогой", price=Decimal("3000"))
    assert sorted(titles(client.get("/catalog/?price_min=900&price_max=1500"))) == ["Дорогой со скидкой"]
    assert sorted(titles(client.get("/catalog/?price_max=1000"))) == ["Дешёвый", "Дорогой со скидкой"]


def test_free_shipping_in_stock_label_and_shop_filters(client):
    shop = ShopFactory(slug="my-shop")
    ProductFactory(title="Бесплатная доставка", free_shipping=True)
    ProductFactory(title="Закончился", stock=0)
    ProductFactory(title="На заказ", availability=Availability.MADE_TO_ORDER, stock=None, production_days=5)
    ProductFactory(title="Со скидкой", discount_percent=10, shop=shop)
    ProductFactory(title="Хит", is_hit=True)
    ProductFactory(title="Новинка", is_new=True)
    assert titles(client.get("/catalog/?free_shipping=on")) == ["Бесплатная доставка"]
    in_stock = titles(client.get("/catalog/?in_stock=on"))
    assert "Закончился" not in in_stock and "На заказ" not in in_stock and "Хит" in in_stock
    assert titles(client.get("/catalog/?label=discount")) == ["Со скидкой"]
    assert titles(client.get("/catalog/?label=hit")) == ["Хит"]
    assert titles(client.get("/catalog/?label=new")) == ["Новинка"]
    assert titles(client.get("/catalog/?label=free_shipping")) == ["Бесплатная доставка"]
    assert titles(client.get("/catalog/?shop=my-shop")) == ["Со скидкой"]


def test_sorting(client):
    now = timezone.now()
    ProductFactory(title="Старый дешёвый", price=Decimal("100"), created_at=now - timedelta(days=3), popularity=5)
    ProductFactory(title="Новый дорогой", price=Decimal("900"), created_at=now, popularity=1)
    ProductFactory(title="Средний", price=Decimal("500"), discount_percent=20, created_at=now - timedelta(days=1),
                   popularity=9)  # fmt: skip
    assert titles(client.get("/catalog/")) == ["Новый дорогой", "Средний", "Старый дешёвый"]
    assert titles(client.get("/catalog/?sort=price")) == ["Старый дешёвый", "Средний", "Новый дорогой"]
    assert titles(client.get("/catalog/?sort=-price")) == ["Новый дорогой", "Средний", "Старый дешёвый"]
    assert titles(client.get("/catalog/?sort=popular"))[0] == "Средний"
    assert titles(client.get("/catalog/?sort=discount"))[0] == "Средний"


@pytest.mark.parametrize(
    "query",
    ["price_min=abc", "category=nope", "sort=sideways", "label=gold", "page=999", "page=-1", "price_max=-5",
     "q=" + "я" * 300, "price_min=1e999"],
)  # fmt: skip
def test_bad_filter_values_are_ignored_with_a_message_never_a_500(client, query):
    ProductFactory(title="Плед")
    response = client.get(f"/catalog/?{query}")
    assert response.status_code == 200
    assert titles(response) == ["Плед"]
    if not query.startswith("page"):
        assert "Некоторые фильтры не распознаны и не применены" in response.content.decode()


# --- product page -----------------------------------------------------------------------


def test_product_page_shows_prices_tiers_options_and_shop_policies(client):
    product = ProductFactory(title="Вигвам", price=Decimal("2000"), discount_percent=10, stock=3)
    services.wholesale_tiers_set(product=product, tiers=[(3, TierKind.PERCENT, Decimal("20"))])
    services.option_group_save(
        product=product, name="Цвет", kind="radio", is_required=True,
        choices=[("Белый", Decimal("0")), ("Графит", Decimal("150"))],
    )  # fmt: skip
    services.attachment_add(product=product, title="Схема сборки", file=_file())
    ProductImageFactory(product=product)
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert "1\xa0800\xa0₽" in page  # the new price
    assert 'class="price-old fs-5 ms-2">2\xa0000\xa0₽' in page  # the old one, struck through
    assert "−10&nbsp;%" in page  # the badge by the price (issue 18: «−10 %»)
    assert "от 3" in page and "1\xa0600\xa0₽" in page and "4\xa0800\xa0₽" in page  # wholesale row
    assert "Графит (+150\xa0₽)" in page
    assert "В наличии: 3 шт." in page
    assert "Схема сборки" in page
    assert "Правила магазина" in page and "Доставка и оплата" in page


def test_product_page_vacation_notice(client):
    product = ProductFactory()
    today = timezone.localdate()
    from shops.services import vacation_set

    vacation_set(shop=product.shop, message="Я на ярмарке", starts_on=today, ends_on=today, allow_cart=False)
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert "Я на ярмарке" in page
    assert "Пока продавец не вернётся, товары нельзя добавить в корзину." in page


def test_views_are_counted_once_per_visitor_per_day(client):
    product = ProductFactory()
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert f'hx-post="/p/{product.pk}/seen/"' in page  # the page reports itself seen from the browser
    assert client.post(f"/p/{product.pk}/seen/").status_code == 204
    client.post(f"/p/{product.pk}/seen/")
    client.post(f"/p/{product.pk}/seen/", REMOTE_ADDR="10.1.1.1")
    product.refresh_from_db()
    assert product.views_count == 2
    assert client.get(f"/p/{product.pk}/seen/").status_code == 405


def test_a_hidden_product_is_not_counted(client):
    product = ProductFactory(is_enabled=False)
    assert client.post(f"/p/{product.pk}/seen/").status_code == 404
    assert not ProductView.objects.exists()


def test_anonymous_product_page_comes_from_the_cache(client):
    product = ProductFactory()
    assert client.get(f"/p/{product.pk}/")["X-Page-Cache"] == "miss"
    assert client.get(f"/p/{product.pk}/")["X-Page-Cache"] == "hit"


def test_like_with_htmx_and_without(client):
    product = ProductFactory()
    response = client.post(f"/p/{product.pk}/like/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    response = client.post(f"/p/{product.pk}/like/", HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert 'aria-pressed="true"' in fragment and '<span class="likes-count">1</span>' in fragment
    assert "<html" not in fragment
    response = client.post(f"/p/{product.pk}/like/")
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.likes_count == 0


# --- speed ------------------------------------------------------------------------------


def _shop_with_products(count):
    shop = ShopFactory(slug="fast-shop")
    category = CategoryFactory(slug="fast")
    for index in range(count):
        product = ProductFactory(shop=shop, category=category, title=f"Плед {index}", discount_percent=index % 3 * 10,
                                 is_hit=True)  # fmt: skip
        if index < 3:
            ProductImageFactory(product=product)
    return shop


@pytest.mark.parametrize("count", [3, 48])
@pytest.mark.parametrize(
    "url", ["/", "/catalog/", "/catalog/fast/", "/catalog/?q=плед&sort=price", "/shops/fast-shop/"]
)
def test_listing_pages_make_the_same_queries_for_3_and_48_products(client, count, url, django_assert_max_num_queries):
    _shop_with_products(count)
    cache.clear()
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("logged_in", [False, True])
def test_product_page_query_budget(client, logged_in, django_assert_max_num_queries):
    product = ProductFactory()
    for _ in range(3):
        ProductImageFactory(product=product)
    services.option_group_save(product=product, name="Цвет", kind="select", is_required=True,
                               choices=[("A", Decimal("0")), ("B", Decimal("10"))])  # fmt: skip
    if logged_in:
        client.force_login(UserFactory())
    with django_assert_max_num_queries(15):
        assert client.get(f"/p/{product.pk}/").status_code == 200


def test_anonymous_catalog_pages_come_from_the_cache_until_the_catalog_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    product = ProductFactory(title="Плед")
    assert client.get("/catalog/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = client.get("/catalog/")
    assert response["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.product_update(product=product, title="Плед новый")
    response = client.get("/catalog/")
    assert response["X-Page-Cache"] == "miss"
    assert "Плед новый" in response.content.decode()
    client.force_login(UserFactory())
    assert "X-Page-Cache" not in client.get("/catalog/")


def _file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scheme.pdf", b"%PDF-1.4 test", content_type="application/pdf")


def test_product_page_parts_are_cached_and_refreshed_by_any_change(client, django_assert_max_num_queries):
    product = ProductFactory(title="Плед")
    client.force_login(UserFactory())  # signed in: no whole-page cache, only the cached parts
    assert "Размер" not in client.get(f"/p/{product.pk}/").content.decode()
    with django_assert_max_num_queries(7):  # the parts come from the cache: no photos/options/tiers/files
        client.get(f"/p/{product.pk}/")
    services.option_group_save(
        product=product, name="Размер", kind="select", is_required=True,
        choices=[("S", Decimal("0")), ("M", Decimal("100"))],
    )  # fmt: skip
    assert "M (+100\xa0₽)" in client.get(f"/p/{product.pk}/").content.decode()
    services.wholesale_tiers_set(product=product, tiers=[(5, TierKind.TOTAL, Decimal("2500"))])
    assert "от 5" in client.get(f"/p/{product.pk}/").content.decode()


def test_a_shop_banned_in_the_admin_vanishes_from_cached_pages_at_once(
    client, admin_client, django_capture_on_commit_callbacks
):
    product = ProductFactory(title="Плед")
    assert "Плед" in client.get("/catalog/").content.decode()
    assert client.get("/catalog/")["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        # A ban is a sanction now (moderation's admin form, through its service), not a shop switch.
        admin_client.post("/admin/moderation/sanction/add/", {"shop": product.shop.pk, "kind": "ban", "reason": "fraud",
                                                              "details": "Мошенничество подтверждено"})  # fmt: skip
    response = client.get("/catalog/")
    assert response["X-Page-Cache"] == "miss"
    assert "Плед" not in response.content.decode()
    assert client.get(f"/p/{product.pk}/").status_code == 404


def test_an_admin_price_edit_keeps_the_sale_price():
    from django.contrib.admin.sites import site

    from catalog.admin import ProductAdmin
    from catalog.models import Product

    product = ProductFactory(price=Decimal("1000"), discount_percent=10)
    product.price = Decimal("2000")
    ProductAdmin(Product, site).save_model(None, product, None, True)
    product.refresh_from_db()
    assert product.sale_price == Decimal("1800.00")


# --- issue 11: the category filter's tree, the product page's prices and variants -------------


def test_category_filter_lists_parents_each_followed_by_its_children(client):
    # Made in an order that a plain «position, name» sort would scramble.
    home = CategoryFactory(name="Дом", slug="dom", position=1)
    kids = CategoryFactory(name="Детям", slug="detyam", position=2)
    CategoryFactory(name="Аксессуары", slug="aksessuary", parent=kids, position=0)
    CategoryFactory(name="Текстиль", slug="tekstil", parent=home, position=0)
    CategoryFactory(name="Вазы", slug="vazy", parent=home, position=1)
    choices = [label for _value, label in client.get("/catalog/").context["filter"].form.fields["category"].choices]
    assert [str(label) for label in choices[1:]] == [
        "Дом",
        "Дом → Текстиль",
        "Дом → Вазы",
        "Детям",
        "Детям → Аксессуары",
    ]


def test_product_page_tier_table_shows_a_rubles_tiers_exact_total(client):
    product = ProductFactory(price=Decimal("1000"))
    services.wholesale_tiers_set(
        product=product, tiers=[(2, TierKind.TOTAL, Decimal("1800")), (3, TierKind.TOTAL, Decimal("2600"))]
    )
    page = client.get(f"/p/{product.pk}/").content.decode()
    assert '<td class="js-tier-total">2\xa0600\xa0₽</td>' in page  # not 3 × 866,67 = 2 600,01
    assert '<td class="js-tier-total">1\xa0800\xa0₽</td>' in page
    assert 'data-kind="total" data-value="2600.00"' in page


def test_product_page_gives_the_price_script_what_it_needs(client):
    product = ProductFactory(price=Decimal("1990.50"), discount_percent=10)
    group = services.option_group_save(
        product=product, name="Цвет", kind="select", is_required=True,
        choices=[("Белый", Decimal("0")), ("Графит", Decimal("150"))],
    )  # fmt: skip
    page = client.get(f"/p/{product.pk}/").content.decode()
    graphite = group.choices.get(name="Графит")
    assert 'data-price="1990.50" data-discount="10"' in page
    assert f'<option value="{graphite.pk}" data-delta="150.00">' in page
    assert 'src="/static/js/product-price.js"' in page and "<script>" not in page  # CSP: no inline scripts
