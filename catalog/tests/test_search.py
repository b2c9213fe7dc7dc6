"""Russian catalog search: the same real queries give the same top results on SQLite and PostgreSQL.

The CI runs this module on both databases; no expectation depends on which one is configured.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache

from catalog import search, services
from catalog.models import Product
from shops.tests.factories import ShopFactory

from .factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db

# (shop, category, title, description, popularity)
CATALOG = [
    ("kukly", "igrushki", "Кукла Тильда", "Текстильная кукла ручной работы, рост 40 см.", 50),
    ("kukly", "igrushki", "Медведь Тедди", "Плюшевый мишка из мохера.", 40),
    ("kukly", "dekor", "Ёлка из фетра", "Настольная ёлочка с помпонами.", 30),
    ("keramika", "posuda", "Тарелка керамическая", "Глазурь цвета морской волны.", 45),
    ("keramika", "posuda", "Кружка с глазурью", "Объём 350 мл, можно в посудомойку.", 35),
    ("keramika", "dekor", "Ваза для цветов", "Высокая ваза из шамота.", 20),
    ("travnitsa", "eda", "Чай травяной", "Сбор с чабрецом и мятой, 100 г.", 60),
    ("travnitsa", "posuda", "Чайник заварочный", "Стеклянный, с ситечком, 600 мл.", 55),
    ("travnitsa", "eda", "Мёд липовый", "Башкирский мёд нового урожая.", 25),
    ("svechi", "dekor", "Свеча соевая", "Соевый воск, хлопковый фитиль.", 38),
    ("svechi", "dekor", "Свечи ароматические, набор", "Три аромата для дома.", 33),
    ("svechi", "dekor", "Аромасаше Lavender", "Candle-free: лаванда в льняном мешочке.", 12),
    ("teplo", "odezhda", "Шапка-ушанка из овчины", "Тёплая, на завязках.", 42),
    ("teplo", "odezhda", "Варежки вязаные", "Шерсть мериноса, двойная вязка.", 28),
    ("teplo", "tekstil", "Плед шерстяной", "Клетчатый, 140×200.", 36),
    ("teplo", "tekstil", "Подушка декоративная", "К ней подойдёт наш плед из той же шерсти.", 70),
    ("stolyarka", "kuhnya", "Разделочная доска из дуба", "Массив дуба, пропитка маслом.", 22),
    ("stolyarka", "kuhnya", "Ложка деревянная резная", "Вырезана вручную из вишни.", 18),
    ("stolyarka", "dekor", "Полка настенная", "Деревянная полка из сосны для специй.", 15),
    ("bumaga", "dekor", "Открытка с оленем", "Акварельная открытка, крафт-конверт.", 10),
    ("bumaga", "dekor", "Блокнот в кожаной обложке", "Бумага 120 г/м², 96 листов.", 14),
    ("bumaga", "igrushki", "Пазл деревянный «Лиса»", "Для детей от 3 лет.", 16),
    ("keramika", "posuda", "Набор тарелок «Лес»", "Четыре тарелки ручной росписи.", 8),
    ("teplo", "odezhda", "Носки шерстяные", "Тёплые носки для дома.", 26),
    ("travnitsa", "eda", "Иван-чай ферментированный", "Листовой кипрей.", 32),
]
SHOPS = {
    "kukly": "Кукольная мастерская", "keramika": "Керамика Анны", "travnitsa": "Травница",
    "svechi": "Свечная лавка", "teplo": "Тёплый дом", "stolyarka": "Столярка Петрова",
    "bumaga": "Бумажный журавлик",
}  # fmt: skip
CATEGORIES = {  # slug: (name, parent slug)
    "dom": ("Дом и интерьер", None), "posuda": ("Посуда", "dom"), "tekstil": ("Текстиль", "dom"),
    "dekor": ("Декор", "dom"), "kuhnya": ("Кухня", "dom"), "igrushki": ("Игрушки", None),
    "eda": ("Еда и напитки", None), "odezhda": ("Одежда и аксессуары", None),
}  # fmt: skip

STOLYARKA = ["Разделочная доска из дуба", "Ложка деревянная резная", "Полка настенная"]

# query, the titles of every result in order (None: don't check beyond the first ones given
# in `top`), the «Возможно, вы искали» suggestion.
ROWS = [
    # ё and е, case, forms
    ("ёлка", ["Ёлка из фетра"], None),
    ("елка", ["Ёлка из фетра"], None),
    ("ЁЛКА", ["Ёлка из фетра"], None),
    ("ёлки", ["Ёлка из фетра"], None),
    ("елок", ["Ёлка из фетра"], None),
    ("кукла", ["Кукла Тильда"], None),
    ("кукол", ["Кукла Тильда", "Медведь Тедди", "Ёлка из фетра"], None),  # and «Кукольная мастерская»
    ("куклы", ["Кукла Тильда"], None),
    ("кукле", ["Кукла Тильда"], None),
    ("для кукол", ["Кукла Тильда", "Медведь Тедди", "Ёлка из фетра"], None),
    ("тильда", ["Кукла Тильда"], None),
    ("тарелка", ["Тарелка керамическая", "Набор тарелок «Лес»"], None),
    ("тарелок", ["Тарелка керамическая", "Набор тарелок «Лес»"], None),
    ("тарелки", ["Тарелка керамическая", "Набор тарелок «Лес»"], None),
    ("керамическая тарелка", ["Тарелка керамическая"], None),
    # «чай» has the stem «ча», too short for a prefix: tea and its forms, never the teapot
    ("чай", ["Чай травяной", "Иван-чай ферментированный"], None),
    ("чаи", ["Чай травяной", "Иван-чай ферментированный"], None),
    ("чая", ["Чай травяной", "Иван-чай ферментированный"], None),
    ("травяные чаи", ["Чай травяной"], None),
    ("иван-чай", ["Иван-чай ферментированный"], None),
    ("иван чай", ["Иван-чай ферментированный"], None),
    ("чайник", ["Чайник заварочный"], None),
    ("чайники", ["Чайник заварочный"], None),
    ("мёд", ["Мёд липовый"], None),  # not «Медведь»
    ("мед", ["Мёд липовый"], None),
    ("медведи", ["Медведь Тедди"], None),
    # several products: title hits first, then by popularity
    ("свеча", ["Свеча соевая", "Свечи ароматические, набор", "Аромасаше Lavender"], None),  # «Свечная лавка»
    ("свечи", ["Свеча соевая", "Свечи ароматические, набор", "Аромасаше Lavender"], None),
    ("соевые свечи", ["Свеча соевая"], None),
    ("плед", ["Плед шерстяной", "Подушка декоративная"], None),  # the title beats a more popular description
    ("пледы", ["Плед шерстяной", "Подушка декоративная"], None),
    ("шерстяной", ["Плед шерстяной", "Носки шерстяные"], None),  # «шерсть» is another stem
    ("деревянные", ["Ложка деревянная резная", "Пазл деревянный «Лиса»", "Полка настенная"], None),
    ("деревянная ложка", ["Ложка деревянная резная"], None),
    ("ложки", ["Ложка деревянная резная"], None),
    ("разделочные доски", ["Разделочная доска из дуба"], None),
    ("вязаные варежки", ["Варежки вязаные"], None),
    ("кружки", ["Кружка с глазурью"], None),
    # hyphens
    ("шапка-ушанка", ["Шапка-ушанка из овчины"], None),
    ("шапка ушанка", ["Шапка-ушанка из овчины"], None),
    ("ушанку", ["Шапка-ушанка из овчины"], None),
    ("шапки", ["Шапка-ушанка из овчины"], None),
    # shop and category names
    ("столярка", STOLYARKA, None),
    ("столярка петрова", STOLYARKA, None),
    ("столярки", STOLYARKA, None),
    ("петрова ложка", ["Ложка деревянная резная"], None),
    ("травница", ["Чай травяной", "Чайник заварочный", "Иван-чай ферментированный", "Мёд липовый"], None),
    ("посуда", ["Чайник заварочный", "Тарелка керамическая", "Кружка с глазурью", "Набор тарелок «Лес»"], None),
    ("игрушки", ["Кукла Тильда", "Медведь Тедди", "Пазл деревянный «Лиса»"], None),
    # English words
    ("lavender", ["Аромасаше Lavender"], None),
    ("candles", ["Аромасаше Lavender"], None),
    # typos: nothing found, the corrected query is proposed
    ("кукала", [], "кукла"),
    ("тарелька", [], "тарелка"),
    ("чайнек", [], "чайник"),
    ("варешки вязаные", [], "варежки вязаные"),
    ("шапка ушонка", [], "шапка ушанка"),
    # nothing like it
    ("самовар", [], None),
]


@pytest.fixture
def catalog():
    categories = {}
    for slug, (name, parent) in CATEGORIES.items():
        categories[slug] = CategoryFactory(slug=slug, name=name, parent=categories.get(parent))
    shops = {slug: ShopFactory(slug=slug, name=name) for slug, name in SHOPS.items()}
    for shop, category, title, description, popularity in CATALOG:
        ProductFactory(shop=shops[shop], category=categories[category], title=title, description=description,
                       popularity=popularity)  # fmt: skip
    cache.clear()


def found(client, query):
    response = client.get("/catalog/", {"q": query})
    assert response.status_code == 200
    return [p.title for p in response.context["page"].object_list], response.context["suggestion"], response


@pytest.mark.parametrize(("query", "expected", "suggestion"), ROWS, ids=[row[0] for row in ROWS])
def test_real_queries_find_the_same_products_on_either_database(client, catalog, query, expected, suggestion):
    titles, suggested, _ = found(client, query)
    assert titles == expected
    assert suggested == suggestion
    if suggestion:  # and the corrected query does find something
        assert found(client, suggestion)[0]


def test_the_table_covers_enough_real_queries():
    assert len(ROWS) >= 40


def test_an_explicit_sort_overrides_relevance(client, catalog):
    response = client.get("/catalog/", {"q": "плед", "sort": "price"})
    assert {p.title for p in response.context["page"].object_list} == {"Плед шерстяной", "Подушка декоративная"}
    response = client.get("/catalog/", {"q": "плед", "sort": "popular"})
    assert [p.title for p in response.context["page"].object_list][0] == "Подушка декоративная"


# --- the pages ---------------------------------------------------------------------------------


def test_zero_results_page_shows_the_suggestion_and_popular_products(client, catalog):
    titles, suggested, response = found(client, "кукала")
    page = response.content.decode()
    assert titles == [] and suggested == "кукла"
    assert 'data-testid="zero-results"' in page and 'data-testid="popular-products"' in page
    assert '<a href="?q=%D0%BA%D1%83%D0%BA%D0%BB%D0%B0" class="fw-semibold">кукла</a>' in page
    popular = [p.title for p in response.context["popular_products"]]
    assert popular[:3] == ["Подушка декоративная", "Чай травяной", "Чайник заварочный"]
    assert "Подушка декоративная" in page


def test_the_suggestion_keeps_the_other_filters(client, catalog):
    response = client.get("/catalog/", {"q": "тарелька", "free_shipping": "on", "page": "2"})
    assert 'href="?q=%D1%82%D0%B0%D1%80%D0%B5%D0%BB%D0%BA%D0%B0&amp;free_shipping=on"' in response.content.decode()


def test_results_page_has_no_zero_results_block(client, catalog):
    _, _, response = found(client, "ёлка")
    page = response.content.decode()
    assert "Ёлка из фетра" in page and 'data-testid="zero-results"' not in page


@pytest.mark.parametrize("count", [3, 30])
def test_zero_results_page_makes_the_same_queries_for_more_products(client, count, django_assert_max_num_queries):
    shop = ShopFactory()
    for index in range(count):
        ProductFactory(shop=shop, title=f"Кукла {index}")
    cache.clear()
    # the page (count, products), the typo vocabulary (titles, shops, categories), popular products
    with django_assert_max_num_queries(8):
        assert client.get("/catalog/", {"q": "кукала"}).status_code == 200


# --- the stored fields -------------------------------------------------------------------------


def test_normalisation_folds_yo_case_and_punctuation():
    assert search.normalize("Ёлка-ЁЛОЧКА, «Шапка-ушанка»!") == "елка елочка шапка ушанка"
    assert search.normalize("Плед 140×200") == "плед 140 200"


def test_search_text_marks_title_and_names():
    document = search.document(title="Кукла Тильда", description="Ручная работа", shop_name="Столярка",
                               category_names=["Игрушки"])  # fmt: skip
    assert " =кукла =кукл " in document.search_text
    assert " +столярка +столярк " in document.search_text
    assert document.search_text.startswith(" ") and document.search_text.endswith(" ")
    assert "ручн" in document.body


def test_editing_a_product_refreshes_its_search_fields(client, catalog):
    product = Product.objects.get(title="Ваза для цветов")
    services.product_update(product=product, title="Кашпо для цветов", description="Из шамота.", price=Decimal("900"))
    assert found(client, "кашпо")[0] == ["Кашпо для цветов"]
    assert found(client, "ваза")[0] == []


def test_refreshing_all_products_after_a_shop_rename(client, catalog):
    from shops.models import Shop

    Shop.objects.filter(slug="stolyarka").update(name="Мастерская Сидорова")
    assert services.products_refresh_search() == len(CATALOG)
    cache.clear()
    assert found(client, "сидорова")[0] == STOLYARKA
    assert found(client, "столярка")[0] == []


@pytest.mark.django_db
def test_a_renamed_shop_or_category_is_found_by_its_new_name(admin_client):
    from catalog.filters import ProductFilter
    from catalog.models import Product
    from catalog.tests.factories import CategoryFactory, ProductFactory
    from shops.services import shop_update
    from shops.tests.factories import ShopFactory

    shop = ShopFactory(name="Мастерская Анны")
    category = CategoryFactory(name="Игрушки")
    product = ProductFactory(shop=shop, category=category, title="Вигвам", description="")

    def found(query):
        return list(ProductFilter({"q": query}, queryset=Product.objects.visible()).qs.values_list("pk", flat=True))

    assert found("фетровая") == []
    shop_update(shop=shop, name="Фетровая лавка")
    assert found("фетровая") == [product.pk]

    response = admin_client.post(
        f"/admin/catalog/category/{category.pk}/change/",
        {"name": "Деревянные игрушки", "slug": category.slug, "position": category.position or 0},
    )
    assert response.status_code == 302
    assert found("деревянные") == [product.pk]
