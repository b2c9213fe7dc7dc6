"""Demo data of the shops app: a dozen shops with logos, banners, policies and collections."""

from datetime import timedelta

from django.utils import timezone

from marketplace.demo import DEMO_PASSWORD, DemoContext, demo_image
from marketplace.models import User

from . import services
from .models import Carrier, ContactMethod, PaymentSystem, Shop

# email, owner, shop name, slug, city, tagline, colours, collections
SHOPS = [
    ("seller@lavka.test", "Анна Смирнова", "Мастерская Анны", "masterskaya-anny", "Санкт-Петербург",
     "Вигвамы, текстиль и постеры для детской", ("#b4532a", "#f6c79e"), ["Вигвамы", "Постеры", "Ночники"]),
    ("seller2@lavka.test", "Игорь Петров", "Столярка Петрова", "stolyarka-petrova", "Казань",
     "Деревянные игрушки и посуда из дуба", ("#6b4f2a", "#d9b98c"), ["Игрушки", "Кухня"]),
    ("olga@lavka.test", "Ольга Лебедева", "Керамика Оли", "keramika-oli", "Москва",
     "Кружки и тарелки ручной лепки", ("#2f6f73", "#a7d7d3"), ["Кружки", "Тарелки"]),
    ("marina@lavka.test", "Марина Волкова", "Вязаный дом", "vyazanyj-dom", "Вологда",
     "Пледы, шарфы и носки из шерсти", ("#7a3b69", "#e2b6d6"), ["Пледы", "Аксессуары"]),
    ("denis@lavka.test", "Денис Орлов", "Кожевенная лавка", "kozhevennaya-lavka", "Екатеринбург",
     "Ремни, кошельки и сумки из кожи", ("#5a3825", "#c9a27e"), ["Кошельки", "Ремни"]),
    ("sveta@lavka.test", "Светлана Кузьмина", "Свечи и мыло", "svechi-i-mylo", "Новосибирск",
     "Соевые свечи и мыло на травах", ("#8a6f1f", "#f1df9b"), ["Свечи", "Мыло"]),
    ("pavel@lavka.test", "Павел Соколов", "Принты Павла", "printy-pavla", "Нижний Новгород",
     "Цифровые постеры и открытки для печати", ("#2b4a7a", "#9fb8e0"), ["Постеры", "Открытки"]),
    ("irina@lavka.test", "Ирина Морозова", "Бусины и серебро", "businy-i-serebro", "Самара",
     "Украшения из серебра и натуральных камней", ("#4d4d7a", "#c4c4ea"), ["Серьги", "Браслеты"]),
    ("elena@lavka.test", "Елена Новикова", "Лён и хлопок", "len-i-hlopok", "Иваново",
     "Льняные скатерти, фартуки и полотенца", ("#5f6b3a", "#d6ddb0"), ["Кухня", "Спальня"]),
    ("artem@lavka.test", "Артём Фёдоров", "Мир моделей", "mir-modeley", "Пермь",
     "Сборные модели и миниатюры", ("#3c3c3c", "#b0b0b0"), ["Корабли", "Самолёты"]),
    ("natalia@lavka.test", "Наталья Павлова", "Куклы Натальи", "kukly-natalii", "Ростов-на-Дону",
     "Текстильные куклы и игрушки тильды", ("#a0404f", "#f2bcc4"), ["Куклы", "Зайцы"]),
    ("yuri@lavka.test", "Юрий Зайцев", "Травы Алтая", "travy-altaya", "Барнаул",
     "Травяные чаи и сборы с Алтая", ("#2f5f2f", "#a8d5a8"), ["Чаи", "Сборы"]),
]  # fmt: skip

ABOUT = """## Кто мы

Мы — небольшая мастерская: всё делаем сами, от эскиза до упаковки. {tagline}.

## Как мы работаем

- используем только натуральные материалы;
- каждую вещь проверяем перед отправкой;
- делаем на заказ по вашим размерам.

Спасибо, что выбираете **ручную работу**!"""


def seed(ctx: DemoContext) -> None:
    today = timezone.localdate()
    for index, (email, owner_name, name, slug, city, tagline, colors, collections) in enumerate(SHOPS):
        owner = ctx.users.get(email) or User.objects.filter(email=email).first()
        if owner is None:
            owner = User.objects.create_user(email, DEMO_PASSWORD, name=owner_name, city=city)
        shop = Shop.objects.filter(slug=slug).first() or services.shop_open(
            owner=owner, name=name, slug=slug, city=city, tagline=tagline
        )
        ctx.users[email] = owner
        ctx.extra.setdefault("shops", {})[slug] = shop
        services.shop_update(
            shop=shop,
            about=ABOUT.format(tagline=tagline),
            payment_systems=[PaymentSystem.CARD_TRANSFER, PaymentSystem.SBP]
            + ([PaymentSystem.CASH_ON_DELIVERY] if index % 2 else []),
            carriers=[Carrier.RUSSIAN_POST, Carrier.CDEK] + ([Carrier.COURIER] if index % 3 == 0 else []),
            delivery_info="Отправляем в течение 2–3 рабочих дней после оплаты. "
            "Стоимость доставки — по тарифам перевозчика.",
            prepayment_terms="Готовые изделия — 100 % предоплата.",
            made_to_order_terms="Изделия на заказ — предоплата 50 %, остальное перед отправкой.",
            confirmation_days=3,
            rules_returns="Обмен и возврат в течение 14 дней, если изделие не было в употреблении.",
            rules_shipping="Отправка по вторникам и пятницам.",
            rules_non_returnable="Изделия, сделанные по индивидуальным размерам.",
            rules_consent_required=index % 4 == 0,
        )
        if not shop.logo:
            initials = "".join(word[0] for word in name.split()[:2]).upper()
            services.shop_set_images(
                shop=shop,
                logo=demo_image(size=(200, 200), colors=colors, text=initials, seed=index * 10 + 1),
                banner=demo_image(size=(1400, 360), colors=colors[::-1], text=tagline, seed=index * 10 + 2),
            )
        if index % 5 == 4:
            services.shop_set_contact_methods(shop=shop, methods=[ContactMethod.SITE_CHAT, ContactMethod.EMAIL])
        for position, collection_name in enumerate(collections, start=1):
            if not shop.collections.filter(name=collection_name).exists():
                cover = demo_image(size=(400, 400), colors=colors, text=collection_name, seed=index * 10 + 2 + position)
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
