"""Demo data of the catalog app: a two-level category tree and ~300 products with photos."""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone

from marketplace.demo import DemoContext, demo_image

from . import demo_digital, services
from .models import Activation, Availability, Category, CollectionItem, OptionKind, Product, ProductImage, TierKind

TREE = [
    ("Дом и интерьер", "dom-i-interer", [("Текстиль", "tekstil"), ("Посуда", "posuda"), ("Свечи и ароматы", "svechi"),
                                          ("Декор", "dekor")]),
    ("Детям", "detyam", [("Игрушки", "igrushki"), ("Детская комната", "detskaya")]),
    ("Украшения", "ukrasheniya", [("Серьги", "sergi"), ("Браслеты", "braslety"), ("Кольца", "koltsa")]),
    ("Одежда и аксессуары", "odezhda", [("Вязаные вещи", "vyazanye"), ("Сумки и кошельки", "sumki"),
                                         ("Ремни", "remni")]),
    ("Цифровые макеты", "cifrovye", [("Постеры", "postery"), ("Открытки", "otkrytki")]),
    ("Косметика и травы", "kosmetika", [("Мыло", "mylo"), ("Чай и травы", "chai")]),
    ("Хобби", "hobbi", [("Сборные модели", "modeli")]),
]  # fmt: skip

# What each category sells: nouns, and words that make titles differ.
# fmt: off
GOODS = {
    "tekstil": (["Плед", "Скатерть льняная", "Фартук", "Полотенце", "Наволочка"], ["в клетку", "с вышивкой", "серый", "с кружевом"]),
    "posuda": (["Кружка", "Тарелка", "Пиала", "Чайник", "Миска"], ["ручной лепки", "с глазурью", "«Море»", "«Лес»"]),
    "svechi": (["Свеча соевая", "Аромасвеча", "Подсвечник"], ["«Лаванда»", "«Хвоя»", "в бетоне", "«Цитрус»"]),
    "dekor": (["Панно", "Венок", "Ловец снов", "Шкатулка"], ["из дерева", "с сухоцветами", "макраме", "расписная"]),
    "igrushki": (["Кукла тильда", "Зайка", "Мишка", "Деревянная машинка", "Пирамидка"], ["вязаный", "из льна", "из бука", "в платье"]),
    "detskaya": (["Вигвам", "Ночник", "Бортики в кроватку", "Постер-ростомер"], ["для детской", "«Лесной»", "«Звёзды»", "с гирляндой"]),
    "sergi": (["Серьги", "Серьги-пусеты", "Серьги-кольца"], ["из серебра", "с аметистом", "с жемчугом", "минимализм"]),
    "braslety": (["Браслет", "Браслет-нить"], ["из лунного камня", "плетёный", "из серебра", "с агатом"]),
    "koltsa": (["Кольцо", "Кольцо-печатка"], ["из серебра", "с бирюзой", "с гранатом", "тонкое"]),
    "vyazanye": (["Шарф", "Шапка", "Носки шерстяные", "Варежки", "Снуд"], ["из мериноса", "с косами", "норвежский узор", "мохер"]),
    "sumki": (["Кошелёк", "Сумка-шопер", "Картхолдер", "Рюкзак"], ["из кожи", "льняной", "с тиснением", "ручной работы"]),
    "remni": (["Ремень", "Браслет кожаный"], ["из натуральной кожи", "с пряжкой", "плетёный", "коньячный"]),
    "postery": (["Постер", "Набор постеров", "Принт"], ["«Горы»", "«Ботаника»", "для печати A3", "минимализм"]),
    "otkrytki": (["Открытка", "Набор открыток", "Приглашение"], ["на день рождения", "новогодняя", "на свадьбу", "акварель"]),
    "mylo": (["Мыло", "Бальзам для губ", "Соль для ванны"], ["с лавандой", "дегтярное", "с мёдом", "с овсом"]),
    "chai": (["Иван-чай", "Травяной сбор", "Чай"], ["с Алтая", "«Таёжный»", "с чабрецом", "ферментированный"]),
    "modeli": (["Модель корабля", "Модель самолёта", "Миниатюра"], ["1:72", "из дерева", "парусник", "ручная сборка"]),
}
# fmt: on

SHOP_GOODS = {
    "masterskaya-anny": ["detskaya", "tekstil", "postery"],
    "stolyarka-petrova": ["igrushki", "posuda", "dekor"],
    "keramika-oli": ["posuda"],
    "vyazanyj-dom": ["vyazanye", "tekstil"],
    "kozhevennaya-lavka": ["sumki", "remni"],
    "svechi-i-mylo": ["svechi", "mylo"],
    "printy-pavla": ["postery", "otkrytki"],
    "businy-i-serebro": ["sergi", "braslety", "koltsa"],
    "len-i-hlopok": ["tekstil"],
    "mir-modeley": ["modeli"],
    "kukly-natalii": ["igrushki", "detskaya"],
    "travy-altaya": ["chai"],
}

# «Принты Павла» sells files, not parcels (seed 001 «электронный товар»).
DIGITAL_SHOPS = {"printy-pavla"}
DIGITAL_DESCRIPTION = (
    "{title} — файл для печати: PDF и PNG в высоком разрешении, подходит для A4 и A3.\n\n"
    "Печатайте дома или в копицентре на плотной матовой бумаге. Для личного использования; "
    "перепродавать файлы нельзя."
)

DESCRIPTION = (
    "{title} — сделано вручную в нашей мастерской.\n\n"
    "Материалы: натуральные, проверенные поставщики. Размеры и цвет могут немного отличаться от фото: "
    "каждое изделие уникально.\n\n"
    "Уход: бережная ручная чистка. Упакуем в крафтовую бумагу, можно как подарок."
)

COLORS = [("#b4532a", "#f6c79e"), ("#2f6f73", "#a7d7d3"), ("#7a3b69", "#e2b6d6"), ("#5f6b3a", "#d6ddb0"),
          ("#2b4a7a", "#9fb8e0"), ("#8a6f1f", "#f1df9b"), ("#a0404f", "#f2bcc4"), ("#3c3c3c", "#b0b0b0")]  # fmt: skip


def seed_categories() -> dict[str, Category]:
    categories = {}
    for position, (name, slug, children) in enumerate(TREE):
        root, _ = Category.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
        categories[slug] = root
        for child_position, (child_name, child_slug) in enumerate(children):
            child, _ = Category.objects.update_or_create(
                slug=child_slug, defaults={"name": child_name, "parent": root, "position": child_position}
            )
            categories[child_slug] = child
    return categories


def _photo_pool(rng: random.Random, count: int) -> list[str]:
    """A few generated photos that demo products share (files are read-only in the demo)."""
    names = []
    for index in range(count):
        content = demo_image(size=(900, 900), colors=rng.choice(COLORS), seed=1000 + index)
        names.append(default_storage.save(f"catalog/products/demo/photo-{index}.jpg", content))
    return names


def seed(ctx: DemoContext) -> None:
    rng = random.Random(42)
    categories = seed_categories()
    per_shop = ctx.extra.get("products_per_shop", 25)
    if Product.objects.exists():
        return  # idempotent: a database with products keeps them
    photos = _photo_pool(rng, 24)
    now = timezone.now()
    for slug, shop in ctx.extra.get("shops", {}).items():
        kinds = SHOP_GOODS.get(slug, ["dekor"])
        collections = list(shop.collections.all())
        # «Глобальные опции»: made once in the cabinet, added to several products.
        wrapping = services.global_option_save(
            shop=shop, name="Подарочная упаковка", kind=OptionKind.SELECT, is_required=False,
            choices=[(None, "Крафт-пакет", Decimal("0")), (None, "Коробка с лентой", Decimal("190"))],
        )  # fmt: skip
        digital = slug in DIGITAL_SHOPS
        for index in range(per_shop):
            leaf = kinds[index % len(kinds)]
            nouns, extras = GOODS[leaf]
            title = f"{rng.choice(nouns)} {rng.choice(extras)}"
            if not digital:  # a printed poster is sold framed, not «для печати»
                title = title.replace("для печати A3", "A3 в раме")
            price = Decimal(rng.choice([350, 490, 690, 990, 1290, 1590, 1990, 2490, 3200, 4500, 6900]))
            availability = rng.choice(
                [Availability.IN_STOCK] * 3 + [Availability.MADE_TO_ORDER, Availability.NOT_TRACKED]
            )
            if digital:
                price = Decimal(rng.choice([150, 190, 250, 290, 350, 490]))
            product = services.product_create(
                shop=shop,
                category=categories[leaf],
                title=title,
                description=(DIGITAL_DESCRIPTION if digital else DESCRIPTION).format(title=title),
                price=price,
                discount_percent=rng.choice([0, 0, 0, 0, 10, 15, 20, 30]),
                free_shipping=rng.random() < 0.25,
                availability=availability,
                stock=rng.choice([0, 1, 2, 3, 5, 8, 12]) if availability == Availability.IN_STOCK else None,
                production_days=rng.choice([3, 5, 7, 14]) if availability == Availability.MADE_TO_ORDER else None,
                is_enabled=index % 12 != 11,  # a few stay off, as a seller's drafts
                is_digital=digital,
                activation=Activation.MANUAL if digital and index % 3 == 0 else Activation.IMMEDIATE,
                download_limit=5 if digital and index % 2 else None,
            )
            if digital:
                demo_digital.print_file_add(product, seed=index)
            for position, name in enumerate(rng.sample(photos, k=rng.choice([1, 2, 3]))):
                ProductImage.objects.create(product=product, image=name, position=position, width=900, height=900)
            product.cover = product.images.first()
            if index % 4 == 0 and not digital:
                services.option_group_save(
                    product=product, name="Цвет", kind=OptionKind.RADIO, is_required=True,
                    choices=[("Натуральный", Decimal("0")), ("Белый", Decimal("0")), ("Графит", Decimal("150"))],
                )  # fmt: skip
            if index % 6 == 1 and not digital:
                services.global_option_add_to_product(product=product, option=wrapping)
            if digital:
                pass  # no wholesale for files
            elif index % 5 == 0:
                services.wholesale_tiers_set(
                    product=product, tiers=[(2, TierKind.PERCENT, Decimal("10")), (3, TierKind.PERCENT, Decimal("20"))]
                )
            elif index % 5 == 2 and price >= 690:
                # Seed 001 states rubles tiers as totals: «2 – 1800 рублей, 3 товара – 2600 рублей».
                # Below the product's own discounted price, so the tiers are what the buyer pays.
                two, three = (
                    (product.sale_price * 2 * Decimal("0.9")).quantize(Decimal("1")),
                    (product.sale_price * 3 * Decimal("0.85")).quantize(Decimal("1")),
                )
                services.wholesale_tiers_set(
                    product=product, tiers=[(2, TierKind.TOTAL, two), (3, TierKind.TOTAL, three)]
                )
            if collections and index % 3 == 0:
                collection = collections[index % len(collections)]
                CollectionItem.objects.get_or_create(
                    collection=collection, product=product, defaults={"position": index}
                )
            created_at = now - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
            Product.objects.filter(pk=product.pk).update(
                cover=product.cover,
                created_at=created_at,
                first_on_sale_at=created_at if product.first_on_sale_at else None,
                views_count=rng.randint(0, 400),
                likes_count=rng.randint(0, 40),
            )
    demo_digital.seed(ctx, categories)
    Product.objects.update(popularity=F("sales_count") * 20 + F("likes_count") * 5 + F("views_count"))
    services.labels_refresh()
