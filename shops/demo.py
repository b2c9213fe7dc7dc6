"""Demo data of the shops app: a dozen shops with their story, logo, banner, policies and collections.

Each shop has a look (the table and wall its photos are taken on, marketplace.demo_art), an emblem
for its round logo, the things its banner shows, and the date it opened: «На Лавке с» comes before
any of its products and orders (catalog and orders demos date theirs after ``opened``).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace import demo_art as art
from marketplace.demo import DEMO_PASSWORD, DemoContext
from marketplace.demo_art import Look, Subject
from marketplace.models import User

from . import services
from .models import Carrier, ContactMethod, PaymentSystem, Shop


@dataclass(frozen=True)
class DemoShop:
    email: str
    owner: str
    name: str
    slug: str
    city: str
    tagline: str
    colours: tuple[str, str]  # the logo's badge: dark, light
    opened_days_ago: int
    emblem: str  # the emoji on the logo
    look: Look
    banner: tuple[Subject, ...]
    collections: tuple[tuple[str, Subject], ...]  # name, what its cover shows
    about: str


E = Subject  # an emoji subject, for short

# fmt: off
SHOPS = [
    DemoShop(
        "seller@lavka.test", "Анна Смирнова", "Мастерская Анны", "masterskaya-anny", "Санкт-Петербург",
        "Вигвамы, текстиль и постеры для детской", ("#b4532a", "#f6c79e"), 760, "26fa",
        Look(("wood", "#e2cdb0"), ("plaster", "#f3e7dd"), ("1f33f", "1fab6"), 0.4),
        (E("26fa"), E("1f319"), E("1f98a", kind="poster"), E("1f9f8"), E("2601-fe0f")),
        (("Вигвамы", E("26fa")), ("Постеры", E("1f43b", kind="poster")), ("Ночники", E("1f319"))),
        "Я шью для детских комнат с 2016 года: начинала с вигвама для сына, теперь у нас маленькая "
        "мастерская на Петроградской стороне и две швеи.\n\nВигвамы шьём из хлопка и льна, каркас — "
        "сосна без лака. Постеры рисую сама и печатаю на плотной матовой бумаге.",
    ),
    DemoShop(
        "seller2@lavka.test", "Игорь Петров", "Столярка Петрова", "stolyarka-petrova", "Казань",
        "Деревянные игрушки и посуда из дерева", ("#6b4f2a", "#d9b98c"), 540, "1fa9a",
        Look(("wood", "#c4925e"), ("plaster", "#ece4d6"), ("1f342", "1f330"), 0.6),
        (E("1f682"), E(kind="pyramid"), E("1f944", tint="#b07a45"), E("1fa86"), E("1f6fb")),
        (("Игрушки", E(kind="pyramid")), ("Кухня", E(kind="board", colour="#c08a55", flat=True))),
        "Столярная мастерская в пригороде Казани: я и мой отец, сорок лет у верстака на двоих.\n\n"
        "Работаем с берёзой, буком, дубом и вишней из местных лесопилок. Игрушки покрываем льняным "
        "маслом и воском, без лака и краски с запахом.",
    ),
    DemoShop(
        "olga@lavka.test", "Ольга Лебедева", "Керамика Оли", "keramika-oli", "Москва",
        "Кружки и тарелки ручной лепки", ("#2f6f73", "#a7d7d3"), 900, "1f3fa",
        Look(("linen", "#e4ddd2"), ("plaster", "#e3e8e4"), ("1f33f", "1f33c"), 0.1),
        (E("2615", tint="#3f7fa8"), E("1fad6", tint="#4f8a6b"), E("1f3fa"), E("1f375", tint="#c9b28a"),
         E("1f37d-fe0f", tint="#d8c3a5")),
        (("Кружки", E("2615", tint="#3f7fa8")), ("Тарелки", E("1f37d-fe0f", tint="#d8c3a5")),
         ("Вазы", E("1f3fa"))),
        "Леплю из белой и шамотной глины в маленькой студии на Соколе, обжигаю дважды, глазури "
        "смешиваю сама.\n\nВся посуда пищевая: можно в посудомоечную машину и в микроволновку. Оттенки "
        "глазури от партии к партии немного различаются — это часть ручной работы.",
    ),
    DemoShop(
        "marina@lavka.test", "Марина Волкова", "Вязаный дом", "vyazanyj-dom", "Вологда",
        "Пледы, шарфы и носки из шерсти", ("#7a3b69", "#e2b6d6"), 400, "1f9f6",
        Look(("wood", "#b98a5e"), None, ("1f9f6", "1f342", "1f330"), 0.6),
        (E("1f9e3", hue=10), E("1f9e6"), E("1f9f6"), E("1f9e4"), E("1f9e3", hue=45)),
        (("Пледы", E(kind="folded", colour="#c9b79c", pattern="check")), ("Аксессуары", E("1f9e3", hue=10))),
        "Вяжу с бабушкиных времён, а с 2023 года — для Лавки. Пряжа вологодская и из мериноса, "
        "пледы — на машине, шарфы и носки — на спицах.\n\nКаждую вещь стираю перед отправкой: она "
        "приходит мягкой и без запаха краски.",
    ),
    DemoShop(
        "denis@lavka.test", "Денис Орлов", "Кожевенная лавка", "kozhevennaya-lavka", "Екатеринбург",
        "Ремни, кошельки и сумки из кожи", ("#5a3825", "#c9a27e"), 620, "1f45c",
        Look(("wood", "#6e4a32"), None, ("1f5dd-fe0f", "231a", "1f4d4"), 0.5),
        (E("1f45c"), E("1f45b", tint="#8a4b24"), E("1f4bc"), E("1f392", tint="#7a4a2a")),
        (("Кошельки", E("1f45b", tint="#8a4b24")), ("Ремни", E(kind="belt", colour="#8a4b24", flat=True))),
        "Шью вручную седельным швом из итальянской кожи растительного дубления. Кожа с годами темнеет "
        "и становится только красивее.\n\nНа ремни и сумки — гарантия два года: если разойдётся шов, "
        "перешью бесплатно.",
    ),
    DemoShop(
        "sveta@lavka.test", "Светлана Кузьмина", "Свечи и мыло", "svechi-i-mylo", "Новосибирск",
        "Соевые свечи и мыло на травах", ("#8a6f1f", "#f1df9b"), 300, "1f56f-fe0f",
        Look(("marble", "#efebe6"), ("plaster", "#e9e4dc"), ("1f33f", "1fabb", "1f33c"), 0.2),
        (E("1f56f-fe0f"), E("1f9fc", hue=280), E("1fad9", tint="#c98d3a"), E("1f9f4"), E("1f9fc", hue=100)),
        (("Свечи", E("1f56f-fe0f", count=3)), ("Мыло", E("1f9fc", hue=280))),
        "Варю мыло холодным способом на оливковом и кокосовом масле, свечи отливаю из соевого воска "
        "с хлопковым фитилём.\n\nТравы для мыла собираю летом на Алтае, эфирные масла — без синтетических "
        "отдушек.",
    ),
    DemoShop(
        "pavel@lavka.test", "Павел Соколов", "Принты Павла", "printy-pavla", "Нижний Новгород",
        "Цифровые постеры и открытки для печати", ("#2b4a7a", "#9fb8e0"), 450, "1f5bc-fe0f",
        Look(("paper", "#efe9dd"), None, ("1f58c-fe0f", "1f33f"), 0.2),
        (E("1f3d4-fe0f", kind="poster", colour="#2f2f2f"), E("1f33f", kind="poster", colour="#f2efe8"),
         E("1f98a", kind="poster"), E("1f337", kind="poster", colour="#2f2f2f")),
        (("Постеры", E("1f3d4-fe0f", kind="poster", colour="#2f2f2f")), ("Открытки", E("1f382"))),
        "Иллюстратор из Нижнего Новгорода. Рисую постеры и открытки, которые можно распечатать дома "
        "или в копицентре.\n\nФайлы приходят сразу после оплаты: PDF для печати A4 и A3 и PNG 300 dpi.",
    ),
    DemoShop(
        "irina@lavka.test", "Ирина Морозова", "Бусины и серебро", "businy-i-serebro", "Самара",
        "Украшения из серебра и натуральных камней", ("#4d4d7a", "#c4c4ea"), 700, "1f48d",
        Look(("felt", "#3c3f58"), None, ("1f41a", "1f338", "1fab6"), -0.1),
        (E("1f48d", hue=280), E("1f4ff", hue=30), E("1f48e"), E("1f48d", hue=350)),
        (("Серьги", E("1f48e", kind="earrings", hue=280)), ("Браслеты", E("1f4ff", hue=30)),
         ("Кольца", E("1f48d", hue=175))),
        "Делаю украшения из серебра 925 пробы и камней, которые выбираю сама на минералогических "
        "ярмарках.\n\nКаждое украшение приходит в коробочке с сертификатом на камень и мешочком для "
        "хранения.",
    ),
    DemoShop(
        "elena@lavka.test", "Елена Новикова", "Лён и хлопок", "len-i-hlopok", "Иваново",
        "Льняные скатерти, фартуки и полотенца", ("#5f6b3a", "#d6ddb0"), 1000, "1f9f5",
        Look(("wood", "#d9c4a5"), ("plaster", "#f0ede6"), ("1f33e", "1f33f"), 0.3),
        (E(kind="folded", colour="#9a968c"), E(kind="apron", colour="#596b4a", flat=True), E("1f457", tint="#d8c8a8"),
         E(kind="folded", colour="#d9c27a", pattern="stripe")),
        (("Кухня", E(kind="folded", colour="#b9b2a4", pattern="check")), ("Спальня", E(kind="folded", colour="#cfd6d8"))),
        "Ивановская швейная мастерская: кроим и шьём из льна местных фабрик, вываренного и "
        "умягчённого.\n\nЛён садится на 3–5 % при первой стирке — размеры в описаниях указаны с учётом "
        "этого.",
    ),
    DemoShop(
        "artem@lavka.test", "Артём Фёдоров", "Мир моделей", "mir-modeley", "Пермь",
        "Сборные модели и миниатюры", ("#3c3c3c", "#b0b0b0"), 350, "26f5",
        Look(("mat", "#3d6a53"), None, ("1f4d0", "1f58c-fe0f", "1f6e0-fe0f"), 0.0),
        (E("26f5"), E("2708-fe0f"), E("1f682"), E("1f681"), E("1f3f0")),
        (("Корабли", E("26f5")), ("Самолёты", E("2708-fe0f"))),
        "Собираю и раскрашиваю модели с детства; в магазине — готовые модели ручной сборки и наборы "
        "для тех, кто хочет собрать сам.\n\nКаждую готовую модель отправляю в жёсткой коробке с "
        "вырезанным ложементом.",
    ),
    DemoShop(
        "natalia@lavka.test", "Наталья Павлова", "Куклы Натальи", "kukly-natalii", "Ростов-на-Дону",
        "Текстильные куклы и игрушки тильды", ("#a0404f", "#f2bcc4"), 500, "1f407",
        Look(("linen", "#efe2dc"), ("plaster", "#f6ebe6"), ("1f338", "1f33c", "1f9f5"), 0.3),
        (E("1f407"), E("1f9da"), E("1f411"), E("1f98c"), E("1f427")),
        (("Куклы", E("1f9da")), ("Зайцы", E("1f407"))),
        "Шью текстильные игрушки по мотивам тильды: хлопок, лён, набивка холлофайбер. Лица рисую "
        "вручную.\n\nКаждая игрушка — в одном экземпляре; похожую могу сшить на заказ за неделю.",
    ),
    DemoShop(
        "yuri@lavka.test", "Юрий Зайцев", "Травы Алтая", "travy-altaya", "Барнаул",
        "Травяные чаи, сборы и мёд с Алтая", ("#2f5f2f", "#a8d5a8"), 260, "1f375",
        Look(("paper", "#c9a57a"), None, ("1f33f", "1f33e", "1f343"), 0.6),
        (E("1f375"), E("1f36f"), E("1f45d", tint="#c8ab80"), E("1fad9", tint="#7d9a4a"), E("1fad0")),
        (("Чаи", E("1f375")), ("Сборы", E("1fad9", tint="#7d9a4a")), ("Мёд", E("1f36f"))),
        "Собираем травы в предгорьях Алтая с июня по август, сушим в тени на деревянных стеллажах.\n\n"
        "Иван-чай ферментируем по старинному рецепту — листья скручиваем вручную. Мёд — с пасеки "
        "соседей в Чемальском районе.",
    ),
]
# fmt: on

SHOPS_BY_SLUG = {shop.slug: shop for shop in SHOPS}

ABOUT = """## О нас

{about}

Спасибо, что выбираете **ручную работу**!"""


# «Принты Павла» sells files only: nothing is posted, and a file can't be sent back.
FILES_ONLY = {"printy-pavla"}
FILES_POLICIES = {
    "delivery_info": "Файлы открываются для скачивания в разделе «Мои файлы» сразу после оплаты, а у товаров "
    "с активацией вручную — когда я подтвержу оплату (обычно в течение часа).",
    "prepayment_terms": "100 % предоплата.",
    "made_to_order_terms": "Приглашения с вашими именами готовлю за 2 рабочих дня после оплаты.",
    "rules_returns": "Если файл не открывается или напечатался не так, напишите мне — пришлю исправленный.",
    "rules_shipping": "Физической доставки нет: вы печатаете файлы сами, дома или в копицентре.",
    "rules_non_returnable": "Скачанные файлы вернуть нельзя.",
}


def _parcel_policies(city: str, index: int) -> dict:
    return {
        "delivery_info": f"Отправляем из города {city} в течение 2–3 рабочих дней после оплаты. "
        "Стоимость доставки — по тарифам перевозчика.",
        "prepayment_terms": "Готовые изделия — 100 % предоплата.",
        "made_to_order_terms": "Изделия на заказ — предоплата 50 %, остальное перед отправкой.",
        "rules_returns": "Обмен и возврат в течение 14 дней, если изделие не было в употреблении.",
        "rules_shipping": [
            "Отправка по вторникам и пятницам.",
            "Отправляем каждый будний день.",
            "Отправка по понедельникам, средам и пятницам.",
        ][index % 3],  # fmt: skip
        "rules_non_returnable": "Изделия, сделанные по индивидуальным размерам.",
    }


def _logo_file(shop: DemoShop) -> ContentFile:
    return ContentFile(art.encoded(art.logo(shop.emblem, shop.colours), quality=88), name=f"{shop.slug}-logo.webp")


def _banner_file(shop: DemoShop, seed: int) -> ContentFile:
    picture = art.banner(shop.look, list(shop.banner), seed=seed)
    return ContentFile(art.encoded(picture, quality=80), name=f"{shop.slug}-banner.webp")


def _cover_file(shop: DemoShop, subject: Subject, seed: int) -> ContentFile:
    picture = art.compose(subject, shop.look, seed=seed, size=400)
    return ContentFile(art.encoded(picture, quality=82), name=f"{shop.slug}-collection-{seed}.webp")


def seed(ctx: DemoContext) -> None:
    now = timezone.now()
    today = timezone.localdate()
    for index, shop_data in enumerate(SHOPS):
        email, name, slug, city = shop_data.email, shop_data.name, shop_data.slug, shop_data.city
        owner = ctx.users.get(email) or User.objects.filter(email=email).first()
        if owner is None:
            owner = User.objects.create_user(email, DEMO_PASSWORD, name=shop_data.owner, city=city)
        shop = Shop.objects.filter(slug=slug).first()
        if shop is None:
            shop = services.shop_open(owner=owner, name=name, slug=slug, city=city, tagline=shop_data.tagline)
            # «На Лавке с»: the shop opened before everything the other demos date in its name.
            opened = now - timedelta(days=shop_data.opened_days_ago)
            Shop.objects.filter(pk=shop.pk).update(created_at=opened)
            shop.created_at = opened
        ctx.users[email] = owner
        ctx.extra.setdefault("shops", {})[slug] = shop
        services.shop_update(
            shop=shop,
            about=ABOUT.format(about=shop_data.about),
            payment_systems=[PaymentSystem.CARD_TRANSFER, PaymentSystem.SBP]
            + ([PaymentSystem.CASH_ON_DELIVERY] if index % 2 and slug not in FILES_ONLY else []),
            carriers=[]
            if slug in FILES_ONLY
            else [Carrier.RUSSIAN_POST, Carrier.CDEK] + ([Carrier.COURIER] if index % 3 == 0 else []),
            confirmation_days=3,
            rules_consent_required=index % 4 == 0,
            **(FILES_POLICIES if slug in FILES_ONLY else _parcel_policies(city, index)),
        )
        if not shop.logo:
            services.shop_set_images(shop=shop, logo=_logo_file(shop_data), banner=_banner_file(shop_data, index))
        if index % 5 == 4:
            services.shop_set_contact_methods(shop=shop, methods=[ContactMethod.SITE_CHAT, ContactMethod.EMAIL])
        for position, (collection_name, subject) in enumerate(shop_data.collections, start=1):
            if not shop.collections.filter(name=collection_name).exists():
                cover = _cover_file(shop_data, subject, index * 10 + position)
                services.collection_save(shop=shop, name=collection_name, position=position, cover=cover)
    # One shop is on vacation right now (seed 001, «Отпуск продавца»).
    on_vacation = Shop.objects.get(slug="keramika-oli")
    services.vacation_set(
        shop=on_vacation,
        message="Уехала на ярмарку мастеров. Заказы отправлю после возвращения — спасибо за терпение!",
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=10),
        allow_cart=True,
    )
