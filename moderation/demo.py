"""Demo data of the moderation app: «Надежный продавец» in its three usual states.

«Лён и хлопок» qualifies (tracked deliveries to the buyers named on the orders, good reviews)
and holds the badge after an approved application; «Мастерская Анны» (the demo seller) is two
tracked sales short; «Столярка Петрова» has the sales but an average below 4,6. Orders go
through checkout and the carriers' events are stored as a tracking refresh stores them, then
everything is dated back over the last months so dates stay in order. The other shops get a few
delivered, reviewed sales each. Photos that buyers attach
(a review, the complaint about a cracked pyramid) and the photo two shops share show the product
itself, composed by marketplace.demo_art.
"""

import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog import demo as catalog_demo
from catalog import services as catalog_services
from catalog.models import Availability, Product
from marketplace import demo_art as art
from marketplace.demo import DemoContext
from marketplace.demo_art import Look, Subject
from messaging.models import Conversation, Message, Side
from orders import services as order_services
from orders.carriers import CarrierEvent, TrackingResult
from orders.demo import INDEX
from orders.models import Cart, CartLine, Order, OrderEvent, OrderStatus, Review, ReviewRevision, Shipment
from orders.tracks import russian_post_check_digit
from shops.demo import SHOPS_BY_SLUG

from . import services
from .models import Complaint, ComplaintKind, Sanction, SanctionKind, SanctionReason
from .selectors import reliable_criteria

# Buyers who order from other shops (demo sellers buy too), with their cities. Not the demo buyer:
# her conversations with the shops (messaging demo) start before her first order there.
BUYERS = ["olga@lavka.test", "marina@lavka.test", "denis@lavka.test", "sveta@lavka.test",
          "irina@lavka.test", "artem@lavka.test", "natalia@lavka.test", "yuri@lavka.test", "pavel@lavka.test",
          "elena@lavka.test", "seller2@lavka.test"]  # fmt: skip
# shop slug → (tracked deliveries to add, ratings of the reviews written on them, badge approved)
BADGE_STATES = ("len-i-hlopok", "masterskaya-anny", "stolyarka-petrova")
PLAN = {
    "len-i-hlopok": (11, [5, 5, 4, 5, 5], True),
    "masterskaya-anny": (7, [5, 4, 5], False),  # with the demo buyer's delivered parcel: 8 of 10
    "stolyarka-petrova": (10, [5, 3, 4, 2, 4], False),
    # The other shops: a few delivered, reviewed sales each, as a marketplace's shops have.
    "keramika-oli": (3, [5, 5, 4], False),
    "vyazanyj-dom": (3, [5, 4, 5], False),
    "kozhevennaya-lavka": (3, [5, 5, 4], False),
    "svechi-i-mylo": (2, [5, 4], False),
    "businy-i-serebro": (3, [5, 5, 5], False),
    "mir-modeley": (2, [5, 4], False),
    "kukly-natalii": (3, [5, 5, 4], False),
    "travy-altaya": (3, [5, 4, 5], False),
}
# What buyers wrote, by shop and rating: about what that shop sells.
REVIEW_TEXTS = {
    "len-i-hlopok": {
        5: [
            "Всё пришло в целости, лён мягкий и плотный — спасибо мастеру!",
            "Ткань плотная и приятная, швы ровные. Беру уже второй раз.",
            "Перевязали льняной тесьмой, ещё и открытку вложили. Очень приятно!",
            "Скатерть даже лучше, чем на фото. Доставка Почтой заняла неделю.",
        ],
        4: ["Хорошая вещь, после первой стирки немного села, но в описании об этом предупредили."],
    },
    "masterskaya-anny": {
        5: [
            "Ночник светит мягко, дочка теперь засыпает без слёз. Спасибо!",
            "Сшито аккуратно, всё как на фото. Сын не выходит из вигвама.",
        ],
        4: ["Хорошая вещь, доставка немного задержалась, но упаковано надёжно."],
    },
    "stolyarka-petrova": {
        5: ["Дерево гладкое, без единой занозы, пахнет воском. Ребёнок играет каждый день."],
        4: [
            "Качество хорошее, но краска чуть бледнее, чем на фотографии.",
            "Игрушка отличная, только коробка пришла помятой.",
        ],
        3: ["Нормально, но одно колечко заметно темнее остальных."],
        2: ["Через неделю на боку появилась трещина, ожидала большего за эти деньги."],
    },
    "keramika-oli": {
        5: [
            "Кружка тяжёленькая, глазурь переливается — на фото не передать. Пью из неё каждое утро.",
            "Упаковано на совесть, всё целое. Цвет ровно как на фотографии.",
        ],
        4: ["Красивая посуда, но шла почти две недели."],
    },
    "vyazanyj-dom": {
        5: [
            "Шарф мягкий, совсем не колется, хотя я обычно не ношу шерсть.",
            "Носки тёплые и плотные, после стирки не сели. Заказала ещё пару маме.",
        ],
        4: ["Вещь хорошая, оттенок чуть светлее, чем на фото."],
    },
    "kozhevennaya-lavka": {
        5: [
            "Кожа толстая, швы ровные, пахнет настоящей кожей. Спасибо!",
            "Брал мужу в подарок — доволен, носит каждый день.",
        ],
        4: ["Сделано добротно, но кожа поначалу жёсткая, нужно разносить."],
    },
    "svechi-i-mylo": {
        5: ["Аромат нежный, не удушливый, свеча горит ровно и без копоти."],
        4: ["Мыло хорошее, пенится мягко, но кусочек меньше, чем я думала."],
    },
    "businy-i-serebro": {
        5: [
            "Серьги лёгкие, камни играют на свету. Пришли в красивой коробочке.",
            "Браслет точно по размеру, камни ровные. Буду заказывать ещё.",
            "Очень тонкая работа, подарила сестре — она в восторге.",
        ],
    },
    "mir-modeley": {
        5: ["Модель собрана аккуратно, все мелкие детали на месте. Доехала целой."],
        4: ["Модель отличная, но подставку пришлось подклеить."],
    },
    "kukly-natalii": {
        5: [
            "Зайка чудесная, личико нарисовано очень мило. Дочка с ней спит.",
            "Игрушка сшита аккуратно, ни одной торчащей нитки.",
        ],
        4: ["Милая игрушка, только платье чуть помялось в дороге."],
    },
    "travy-altaya": {
        5: [
            "Иван-чай ароматный, заваривается хорошо, вкус медовый.",
            "Сбор пахнет летом и горами, беру уже третий раз.",
        ],
        4: ["Чай вкусный, но пакет пришёл немного надорванным."],
    },
}
ANSWERS = [
    "Спасибо за тёплые слова! Будем рады видеть вас снова.",
    "Спасибо! Оттенки на экране и вживую действительно немного отличаются — учтём в описании.",
]


def seed(ctx: DemoContext) -> None:
    _reliable(ctx)
    _sanctions(ctx)


def _sanctions(ctx: DemoContext) -> None:
    """A shop with one warning (a confirmed quality complaint and the administration's review), a
    shop whose products are hidden for unanswered messages with the seller's appeal waiting, and
    the demo buyer's pending complaint with a photo."""
    shops, admin = ctx.extra.get("shops", {}), ctx.users.get("admin@lavka.test")
    if Sanction.objects.exists() or admin is None:
        return
    warned, hidden = shops.get("kozhevennaya-lavka"), shops.get("svechi-i-mylo")
    buyer = ctx.users.get("buyer@lavka.test")
    if warned is not None and buyer is not None:
        complaint = Complaint.objects.create(
            shop=warned, author=ctx.users.get("olga@lavka.test") or buyer, kind=ComplaintKind.QUALITY,
            text="Ремень треснул по сгибу через две недели носки, продавец предложил только скидку 10 %.",
            seller_answer="Партия кожи оказалась пересушенной, мы готовы заменить ремень.",
            seller_answered_at=timezone.now() - timedelta(days=4), created_at=timezone.now() - timedelta(days=6),
        )  # fmt: skip
        services.complaint_confirm(complaint=complaint, actor=admin, rating=2,
                                   decision="Жалоба подтверждена: брак кожи, замену покупатель не получил.")  # fmt: skip
    if hidden is not None:
        _unanswered_messages(hidden, [ctx.users[email] for email in ("olga@lavka.test", "marina@lavka.test",
                                                                     "denis@lavka.test") if email in ctx.users])  # fmt: skip
        sanction = services.sanction_impose(
            shop=hidden, kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.UNANSWERED,
            details="Три сообщения покупателей больше трёх дней без ответа.",
            evidence="Сообщения от 22, 23 и 24 ноября не прочитаны и без ответа.",
        )  # fmt: skip
        services.appeal_submit(author=hidden.owner, name=hidden.owner.name, email=hidden.owner.email,
                               sanction=sanction, text="Была в отъезде без интернета. Ответила всем трём "
                               "покупателям и включила уведомления о сообщениях на телефоне.")  # fmt: skip
    _image_pair(shops.get("vyazanyj-dom"), shops.get("kukly-natalii"))
    _phone_in_text(shops.get("mir-modeley"))
    order = Order.objects.filter(buyer=buyer, shop__slug="stolyarka-petrova", status=OrderStatus.SHIPPED).first()
    if order is not None:
        product = order.items.first().product
        photo = _home_photo(product, seed=7, crack=True)
        what = "пирамидке" if "Пирамидка" in product.title else "игрушке"
        services.complaint_file(author=buyer, kind=ComplaintKind.QUALITY, order=order,
                                text=f"На {what} трещина вдоль кольца, краска облезает. Фото прилагаю.",
                                photos=[SimpleUploadedFile("treshchina.jpg", photo.read(), "image/jpeg")])  # fmt: skip


def _image_pair(owner_shop, borrower) -> None:
    """The same photo uploaded by two shops: the knitting shop's bunny, copied by the doll shop for
    its own bunny; the later upload lands in the image queue beside the original."""
    if owner_shop is None or borrower is None:
        return
    original = _bunny_or_first(owner_shop)
    copy = _bunny_or_first(borrower)
    if original is None or copy is None:
        return
    photo = art.encoded(art.compose(_subject_of(original), SHOPS_BY_SLUG[owner_shop.slug].look, seed=31), "JPEG",
                        quality=88)  # fmt: skip
    catalog_services.product_image_add(product=original, image=SimpleUploadedFile("zayka.jpg", photo, "image/jpeg"))
    catalog_services.product_image_add(product=copy, image=SimpleUploadedFile("kukla.jpg", photo, "image/jpeg"))


def _bunny_or_first(shop):
    products = Product.objects.filter(shop=shop).order_by("pk")
    return products.filter(title__contains="Зайка").first() or products.first()


def _phone_in_text(shop) -> None:
    """A description saved before the rules existed, with a phone number: the scan puts it in the queue."""
    product = Product.objects.filter(shop=shop).order_by("pk").first() if shop is not None else None
    if product is None:
        return
    Product.objects.filter(pk=product.pk).update(
        description=product.description + "\n\nПо вопросам сборки звоните: +7 912 345-67-89."
    )
    product.refresh_from_db()
    services.text_hits_scan(obj=product)


QUESTIONS = [
    "Здравствуйте! Есть ли свеча «Лаванда» без красителей?",
    "Добрый день, можно заказать мыло с надписью на подарок?",
    "Подскажите, сколько идёт посылка до Екатеринбурга?",
]


def _unanswered_messages(shop, buyers) -> None:
    """Buyers' questions the shop has neither read nor answered for four days (seed 001, reason 4)."""
    sent = timezone.now() - timedelta(days=4)
    for number, buyer in enumerate(buyers):
        conversation, _created = Conversation.objects.get_or_create(
            buyer=buyer, shop=shop, defaults={"started_by": Side.BUYER, "created_at": sent, "last_message_at": sent}
        )
        Message.objects.create(conversation=conversation, sender_side=Side.BUYER, author=buyer,
                               text=QUESTIONS[number % len(QUESTIONS)], created_at=sent + timedelta(hours=number))  # fmt: skip


def _reliable(ctx: DemoContext) -> None:
    shops = ctx.extra.get("shops", {})
    if Shipment.objects.filter(order__shop__slug__in=list(PLAN), track_number__startswith="1").count() > 3:
        return  # already seeded
    now = timezone.now()
    for number, (slug, (sales, ratings, approve)) in enumerate(PLAN.items()):
        shop = shops.get(slug)
        if shop is None:
            continue
        buyers = [ctx.users[email] for email in BUYERS if email in ctx.users and ctx.users[email] != shop.owner]
        # The shop's oldest goods on the shelf (the reliable-seller shops sell one, the others a few).
        on_shelf = Product.objects.visible().filter(shop=shop, option_groups__isnull=True,
                                                    availability=Availability.IN_STOCK).order_by("created_at")  # fmt: skip
        products = list(on_shelf[: 1 if slug in BADGE_STATES else 3])
        if not products:
            continue
        for product in products:  # the demo's sales take stock
            Product.objects.filter(pk=product.pk).update(stock=product.stock + sales)
        # Orders spread from the day after the products appeared to two weeks ago (all delivered by now).
        start, end = max(product.created_at for product in products) + timedelta(days=1), now - timedelta(days=14)
        step = max(end - start, timedelta(hours=sales)) / sales
        for sale in range(sales):
            buyer = buyers[sale % len(buyers)]
            placed = start + step * sale + timedelta(hours=3 * number)
            order = _tracked_order(shop, products[sale % len(products)], buyer, placed=placed,
                                   serial=1000 * (number + 1) + sale)  # fmt: skip
            if sale < len(ratings):
                _review(shop, order, buyer, ratings[sale], sale, written=placed + timedelta(days=8))
        if approve:
            application = services.reliable_apply(shop=shop, actor=shop.owner,
                                                  message="Все посылки отправляем с треком Почты России.")  # fmt: skip
            admin = ctx.users.get("admin@lavka.test")
            services.reliable_approve(application=application, actor=admin)
    for slug in BADGE_STATES:  # the cabinet's figures, checked here so a demo change can't silently break them
        if slug in shops:
            reliable_criteria(shops[slug])


def _review(shop, order, buyer, rating: int, number: int, *, written) -> None:
    """The buyer's review; the first one carries a photo and was edited once, the first two have
    the seller's answer (all of it dated after the delivery)."""
    texts = REVIEW_TEXTS[shop.slug][rating]
    review = order_services.review_add(author=buyer, item=order.items.first(), rating=rating,
                                       text=texts[number % len(texts)])  # fmt: skip
    if number == 0:
        photo = _home_photo(order.items.first().product, seed=order.pk)
        review = order_services.review_edit(author=buyer, review=review, rating=rating,
                                            text=review.text + " Добавила фото, как выглядит вживую.",
                                            photos_add=[photo])  # fmt: skip
    if number < 2:
        review = order_services.review_answer(shop=shop, review=review, text=ANSWERS[number])
    Review.objects.filter(pk=review.pk).update(
        created_at=written, edited_at=written + timedelta(hours=5) if number == 0 else None,
        answered_at=written + timedelta(days=1) if number < 2 else None,
    )  # fmt: skip
    ReviewRevision.objects.filter(review=review).update(edited_at=written + timedelta(hours=5))


# A buyer's home: where the photos buyers attach to reviews and complaints are taken.
HOME = Look(("wood", "#a98462"), ("plaster", "#ebe5da"), ("1f4f1",), 0.3)


def _subject_of(product) -> Subject:
    """What the product's photo shows (catalog.demo's list); a gift box for anything else."""
    items = {item.title: item for item in catalog_demo.GOODS.get(product.shop.slug, [])}
    item = items.get(product.title)
    return item.subject if item else Subject("1f381")


def _home_photo(product, *, seed: int, crack: bool = False) -> ContentFile:
    """The product as a buyer photographs it at home, as a JPEG file."""
    picture = art.compose(_subject_of(product), HOME, seed=seed, crack=crack)
    return ContentFile(art.encoded(picture, "JPEG", quality=85), name=f"photo-{seed}.jpg")


def _tracked_order(shop, product, buyer, *, placed, serial: int) -> Order:
    """A one-item order sent by Russian Post and handed to the buyer named on it, all dated from ``placed``."""
    city = buyer.city if buyer.city in INDEX else "Москва"
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    order = order_services.order_place(
        cart=cart, shop=shop, buyer=buyer, idempotency_key=uuid.uuid4().hex, buyer_name=buyer.name,
        phone="+79265550101", email=buyer.email, address=f"{INDEX[city]}, {city}, ул. Ленина, {serial % 90 + 1}",
        delivery_method="russian_post", contact_method="email", rules_accepted=True,
    )  # fmt: skip
    cart.delete()
    order_services.order_transition(order=order, to_status=OrderStatus.PAID, actor=shop.owner)
    origin = INDEX.get(shop.city, "101000")
    first13 = f"{origin}26{serial % 100000:05d}"
    shipment = order_services.shipment_add(order=order, actor=shop.owner, carrier="russian_post",
                                           track_number=first13 + str(russian_post_check_digit(first13)),
                                           new_status=OrderStatus.SHIPPED)  # fmt: skip
    sent = placed + timedelta(days=1)
    # The post office writes «Фамилия И.»; the buyer signed up as «Имя Фамилия».
    first_name, _space, surname = buyer.name.partition(" ")
    recipient = f"{surname} {first_name[:1]}." if surname else buyer.name
    way = [("Приём", f"{shop.city} {origin}"), ("Покинуло место приёма", f"{shop.city} {origin}"),
           ("Прибыло в место вручения", f"{city} {INDEX[city]}"), ("Вручение адресату", f"{city} {INDEX[city]}")]  # fmt: skip
    events = [CarrierEvent(occurred_at=sent + timedelta(days=2 * step), status=status, location=place,
                           is_delivery=status.startswith("Вручение")) for step, (status, place) in enumerate(way)]  # fmt: skip
    order_services.shipment_store_tracking(shipment_id=shipment.pk,
                                           result=TrackingResult(events=events, recipient_name=recipient))  # fmt: skip
    delivered = sent + timedelta(days=2 * (len(way) - 1))
    Order.objects.filter(pk=order.pk).update(
        number=f"{placed:%y%m}-{order.pk:05d}", created_at=placed, status_changed_at=sent, paid_at=placed,
        confirmed_at=placed,
    )  # fmt: skip
    OrderEvent.objects.filter(order=order, status=OrderStatus.OPEN).update(created_at=placed)
    OrderEvent.objects.filter(order=order).exclude(status=OrderStatus.OPEN).update(created_at=sent)
    Shipment.objects.filter(pk=shipment.pk).update(created_at=sent, delivered_at=delivered, checked_at=delivered)
    order.refresh_from_db()
    return order
