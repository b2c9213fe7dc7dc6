"""Demo data of the orders app: orders in every status, from the demo buyer and from guests,
shipped ones with tracks and the events a carrier would have reported.

Each order has a past: placed some days ago (after its products were listed), paid, sent, its
parcel travelling from the shop's city to the buyer's, reviews written after delivery. Orders go
through checkout like real ones; ``_stamp`` then dates each step's rows as it happened."""

import math
import uuid
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from catalog.models import Availability, Product, ProductLike, ProductViewDay
from catalog.services import labels_refresh, product_like_toggle
from marketplace.demo import DemoContext

from . import services
from .attribution import OrderSource
from .carriers import CarrierEvent, TrackingResult
from .exceptions import CartError
from .models import CancelReason, Cart, CartLine, Download, Order, OrderEvent, OrderStatus, Review, Shipment
from .pricing import groups_priced

SHIPPED = "shipped-with-tracks"
# (buyer email or None for a guest, shop slug, statuses to walk through, which of the shop's first
# products (by place in its list) go in, placed this many days ago)
ORDERS = [
    ("buyer@lavka.test", "masterskaya-anny", [OrderStatus.PAID, SHIPPED], (0, 1), 12),
    ("buyer@lavka.test", "masterskaya-anny", [OrderStatus.PAID], (2,), 3),
    ("buyer@lavka.test", "stolyarka-petrova", [], (1, 2), 1),
    ("buyer@lavka.test", "printy-pavla", [OrderStatus.CANCELLED], (1,), 9),
    (None, "masterskaya-anny", [], (3, 0), 8),  # never confirmed: the seller's list offers to cancel it
    (None, "masterskaya-anny", [OrderStatus.CANCELLED], (1,), 15),
    (None, "stolyarka-petrova", [OrderStatus.PAID, SHIPPED], (3, 4), 5),
    ("buyer@lavka.test", "stolyarka-petrova", [OrderStatus.PAID, OrderStatus.SHIPPED], (0,), 7),
]
# The steps of an order's history, counted from when it was placed.
PAID_AFTER, SHIPPED_AFTER, CANCELLED_AFTER = timedelta(hours=20), timedelta(hours=40), timedelta(hours=26)

# Postal index of each demo city (sellers' and buyers'): parcels go from the shop's city to the buyer's.
INDEX = {"Санкт-Петербург": "190000", "Казань": "420111", "Москва": "101000", "Вологда": "160000",
         "Екатеринбург": "620014", "Новосибирск": "630099", "Нижний Новгород": "603000", "Самара": "443001",
         "Иваново": "153000", "Пермь": "614000", "Ростов-на-Дону": "344000", "Барнаул": "656000"}  # fmt: skip
BUYER_CITY, BUYER_INDEX = "Екатеринбург", "620000"
BUYER_ADDRESS = f"{BUYER_INDEX}, {BUYER_CITY}, ул. Ленина, 1, кв. 2"


def post_way(origin: str, destination: str, destination_index: str, *, delivered: bool) -> list[tuple[str, str]]:
    """Russian Post's events for a parcel from one demo city to another."""
    start = f"{origin} {INDEX.get(origin, '101000')}"
    way = [("Приём", start), ("Покинуло место приёма", start), ("Прибыло в сортировочный центр",
           f"{destination} {destination_index[:3]}960"), ("Прибыло в место вручения", f"{destination} {destination_index}")]  # fmt: skip
    return [*way, ("Вручение адресату", f"{destination} {destination_index}")] if delivered else way


def cdek_way(origin: str, destination: str) -> list[tuple[str, str]]:
    """СДЭК's events for a parcel on its way (not yet delivered)."""
    return [("Принят на склад отправителя", origin), ("Отправлен в г.-транзит", origin),
            ("Принят на склад доставки", destination)]  # fmt: skip


# Parcels of the orders marked SHIPPED above, by order index: (carrier, track, events, recipient).
PARCELS = {
    0: [("russian_post", "19000011001230", post_way("Санкт-Петербург", BUYER_CITY, BUYER_INDEX, delivered=True),
         "Иванова М. П."),
        ("cdek", "1106207236", cdek_way("Санкт-Петербург", BUYER_CITY), "")],
    6: [("cdek", "1106207350", cdek_way("Казань", BUYER_CITY)[:2], "")],
}  # fmt: skip
# Reviews the demo buyer wrote about the items of delivered orders, by order index.
REVIEWS = {
    0: [(5, "Сделано очень аккуратно, упаковано как подарок. Ребёнок в восторге, спасибо мастеру!"),
        (4, "Хорошая вещь, цвет чуть темнее, чем на фото, но качество отличное.")],
    # The same parcel as the buyer's complaint (moderation demo): a crack along a ring.
    7: [(2, "Пришло быстро, но на одном кольце трещина, краска облезает. Оставила жалобу с фото.")],
}  # fmt: skip


def _stamp(order: Order, moment, since, **fields) -> None:
    """Date what the last step wrote: the order's new history rows (written after ``since``) and
    the given fields of the order."""
    OrderEvent.objects.filter(order=order, created_at__gte=since).update(created_at=moment)
    if fields:
        Order.objects.filter(pk=order.pk).update(**fields)


def seed(ctx: DemoContext) -> None:
    if Order.objects.exists():
        return
    started = timezone.now()
    shops = ctx.extra.get("shops", {})
    for index, (email, slug, statuses, picks, days_ago) in enumerate(ORDERS):
        shop = shops.get(slug)
        buyer = ctx.users.get(email) if email else None
        if shop is None:
            continue
        placed = started - timedelta(days=days_ago, hours=index)
        candidates = list(
            Product.objects.visible()
            .filter(shop=shop, option_groups__isnull=True, created_at__lt=placed)
            .exclude(availability=Availability.IN_STOCK, stock__lt=2)
            .exclude(is_digital=True, price=0)  # free files are downloaded, not ordered
            .order_by("pk")[:10]
        )
        if not candidates:
            continue
        products = list({candidates[pick % len(candidates)].pk: candidates[pick % len(candidates)]
                         for pick in picks}.values())  # fmt: skip
        cart = Cart.objects.create()
        for product in products:
            CartLine.objects.create(cart=cart, product=product, quantity=1)
        order = services.order_place(
            cart=cart, shop=shop, buyer=buyer, idempotency_key=uuid.uuid4().hex,
            buyer_name=buyer.name if buyer else "Ольга Гостева", phone="+79265550101" if buyer else "+79031112233",
            email=email or "guest@lavka.test", address=BUYER_ADDRESS,
            delivery_method=PARCELS[index][0][0] if index in PARCELS else "cdek" if index % 2 else "russian_post",
            contact_method="email",
            notes="Пожалуйста, упакуйте как подарок." if index == 0 else "", rules_accepted=True,
            source=["direct", "yandex_organic", "referral"][index % 3],
            source_referrer="https://www.instagram.com/p/lavka/" if index % 3 == 2 else "",
        )  # fmt: skip
        cart.delete()
        _stamp(order, placed, started, created_at=placed, status_changed_at=placed,
               number=f"{placed:%y%m}-{order.pk:05d}")  # fmt: skip
        if buyer is not None and not statuses:
            services.order_confirm(order=order)  # the seller's list marks it «подтверждён»
            _stamp(order, placed + timedelta(hours=2), started, confirmed_at=placed + timedelta(hours=2))
        for status in statuses:
            if status == SHIPPED:
                _ship(order, PARCELS.get(index, []), sent=placed + SHIPPED_AFTER, since=started)
                continue
            moment = placed + {OrderStatus.PAID: PAID_AFTER, OrderStatus.SHIPPED: SHIPPED_AFTER}.get(
                status, CANCELLED_AFTER
            )
            services.order_transition(
                order=order,
                to_status=status,
                actor=shop.owner,
                cancel_reason=CancelReason.BUYER_ASKED if status == OrderStatus.CANCELLED else "",
            )
            _stamp(order, moment, started, status_changed_at=moment,
                   **({"paid_at": moment} if status == OrderStatus.PAID else {}))  # fmt: skip
        if index in REVIEWS and buyer is not None:
            order.refresh_from_db()
            written = (order.received_at or order.status_changed_at) + timedelta(days=1)
            for number, (item, (rating, text)) in enumerate(zip(order.items.all(), REVIEWS[index], strict=False)):
                review = services.review_add(author=buyer, item=item, rating=rating, text=text)
                Review.objects.filter(pk=review.pk).update(created_at=written + timedelta(hours=number))
    _referral_order(shops.get("masterskaya-anny"), ctx)
    _digital_orders(shops, ctx)
    _marketing_history(shops, ctx.users)


def _referral_order(shop, ctx: DemoContext) -> None:
    """The demo buyer's autumn «Дружные скидки» code, used on an order placed in that round: the
    seller's page shows Lavka's discount, the admins' report owes it to the shop.

    The round is over now, so checkout would refuse the code: the order is placed without it and
    the code's effect written as order_place would have written it then."""
    code, buyer = ctx.extra.get("referral_autumn_code"), ctx.users.get("buyer@lavka.test")
    if shop is None or code is None or buyer is None:
        return
    placed = code.issued_at + timedelta(days=3)
    cart = Cart.objects.create()
    products = (Product.objects.visible().filter(shop=shop, option_groups__isnull=True, price__gt=0, is_digital=False,
                                                 created_at__lt=placed).order_by("-price"))  # fmt: skip
    for product in products:  # one to three pieces whose total after their own discount reaches the minimum
        pieces = min(3, math.ceil(code.min_order_total / product.price))
        if product.availability == Availability.IN_STOCK and product.stock <= pieces:
            continue
        line = CartLine.objects.create(cart=cart, product=product, quantity=pieces)
        if groups_priced(cart)[0].pricing.total >= code.min_order_total:
            break
        line.delete()
    if not cart.lines.exists():
        cart.delete()
        return
    order = services.order_place(
        cart=cart, shop=shop, buyer=buyer, idempotency_key=uuid.uuid4().hex, buyer_name=buyer.name,
        phone="+79265550101", email=buyer.email, address="620000, Екатеринбург, ул. Ленина, 1, кв. 2",
        delivery_method="russian_post", contact_method="email", rules_accepted=True,
    )  # fmt: skip
    cart.delete()
    services.order_confirm(order=order)
    services.order_transition(order=order, to_status=OrderStatus.PAID, actor=shop.owner)
    discount = min(code.value, order.total)
    Order.objects.filter(pk=order.pk).update(
        referral_code=code, referral_code_text=code.code, platform_discount=discount, total=F("total") - discount,
        number=f"{placed:%y%m}-{order.pk:05d}", created_at=placed, status_changed_at=placed + PAID_AFTER,
        paid_at=placed + PAID_AFTER, confirmed_at=placed + timedelta(hours=2),
    )  # fmt: skip
    order.events.filter(status=OrderStatus.OPEN).update(created_at=placed)
    order.events.exclude(status=OrderStatus.OPEN).update(created_at=placed + PAID_AFTER)
    type(code).objects.filter(pk=code.pk).update(used_at=placed)


def _digital_order(*, shop, buyer, product) -> Order:
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, product=product, quantity=1)
    order = services.order_place(
        cart=cart, shop=shop, buyer=buyer, idempotency_key=uuid.uuid4().hex, buyer_name=buyer.name,
        phone="+79265550101", email=buyer.email, address="", delivery_method="", contact_method="email",
        rules_accepted=True,
    )  # fmt: skip
    cart.delete()
    return order


def _digital_orders(shops, ctx: DemoContext) -> None:
    """The demo buyer's files: the postcard set ordered and waiting for Anna's «Оплачен» (activation
    «вручную»), a print from Pavel open at once and downloaded once, the free poster taken once."""
    buyer, digital = ctx.users.get("buyer@lavka.test"), ctx.extra.get("digital")
    if buyer is None or not digital:
        return
    now = timezone.now()
    cards = digital["cards"]
    order = _digital_order(shop=cards.shop, buyer=buyer, product=cards)
    services.order_confirm(order=order)
    Order.objects.filter(pk=order.pk).update(created_at=now - timedelta(hours=5), confirmed_at=now - timedelta(hours=4))
    order.events.filter(status=OrderStatus.OPEN).update(created_at=now - timedelta(hours=5))
    order.events.exclude(status=OrderStatus.OPEN).update(created_at=now - timedelta(hours=4))
    for sold in digital["poster"].digital_files.all()[:1]:
        Download.objects.create(file=sold, user=buyer, count=1, first_at=now - timedelta(days=2),
                                last_at=now - timedelta(days=2))  # fmt: skip
    pavel = shops.get("printy-pavla")
    placed = now - timedelta(days=4)
    print_ = pavel and (Product.objects.visible().filter(shop=pavel, activation="immediate", download_limit=5,
                                                         created_at__lt=placed).order_by("pk").first())  # fmt: skip
    if print_:
        order = _digital_order(shop=pavel, buyer=buyer, product=print_)
        services.order_transition(order=order, to_status=OrderStatus.PAID, actor=pavel.owner)
        Order.objects.filter(pk=order.pk).update(
            created_at=placed, status_changed_at=placed + timedelta(hours=3), paid_at=placed + timedelta(hours=3),
            number=f"{placed:%y%m}-{order.pk:05d}",
        )  # fmt: skip
        order.events.filter(status=OrderStatus.OPEN).update(created_at=placed)
        order.events.exclude(status=OrderStatus.OPEN).update(created_at=placed + timedelta(hours=3))
        for sold in print_.digital_files.all():
            Download.objects.create(file=sold, user=buyer, count=1, first_at=placed + timedelta(hours=4),
                                    last_at=placed + timedelta(hours=4))  # fmt: skip
        # Printed and hung the next day: the printables shop's first review.
        review = services.review_add(author=buyer, item=order.items.first(), rating=5,
                                     text="Распечатала в копицентре на плотной бумаге — выглядит как настоящий "
                                     "постер. Файл чёткий, поля под рамку учтены.")  # fmt: skip
        Review.objects.filter(pk=review.pk).update(created_at=placed + timedelta(days=1))


def _ship(order: Order, parcels, *, sent, since) -> None:
    """Parcels added the way a seller adds them, ``sent`` after the order was placed; their events
    stored as a tracking refresh would store them, one a day from the seller's city on."""
    for number, (carrier, track, way, recipient) in enumerate(parcels):
        shipment = services.shipment_add(
            order=order, actor=order.shop.owner, carrier=carrier, track_number=track,
            new_status=OrderStatus.SHIPPED if number == 0 else "",
        )  # fmt: skip
        Shipment.objects.filter(pk=shipment.pk).update(created_at=sent + timedelta(minutes=10 * number))
        _stamp(order, sent, since, status_changed_at=sent)
        events = [
            CarrierEvent(occurred_at=sent + timedelta(hours=4 + 3 * number) + timedelta(days=step), status=status,
                         location=place, is_delivery=status.startswith("Вручение"))
            for step, (status, place) in enumerate(way)
        ]  # fmt: skip
        services.shipment_store_tracking(
            shipment_id=shipment.pk, result=TrackingResult(events=events, recipient_name=recipient)
        )
        delivered = next((event.occurred_at for event in events if event.is_delivery), None)
        checked = events[-1].occurred_at + timedelta(hours=2)
        Shipment.objects.filter(pk=shipment.pk).update(
            checked_at=checked, **({"delivered_at": delivered} if delivered else {})
        )
        if delivered:
            _stamp(order, delivered, since, received_at=delivered)


# The marketing report's 60 days (issue 13): guest orders from every source, referrals mostly
# from Instagram (seed 001: «95% заказов по ссылкам приходят из инстаграма»), and daily views.
HISTORY_DAYS = 60
HISTORY = {"masterskaya-anny": 36, "stolyarka-petrova": 12}
SOURCE_MIX = [  # (source, referring page), repeated by weight
    *[(OrderSource.DIRECT, "")] * 5,
    *[(OrderSource.YANDEX_ORGANIC, "https://yandex.ru/search/?text=подарок+ручной+работы")] * 4,
    *[(OrderSource.GOOGLE_ORGANIC, "https://www.google.com/")] * 2,
    *[(OrderSource.YANDEX_DIRECT, "https://yandex.ru/")] * 2,
    (OrderSource.GOOGLE_ADS, "https://www.google.com/"),
    *[(OrderSource.REFERRAL, "https://www.instagram.com/masterskaya.anny/")] * 3,
    (OrderSource.REFERRAL, "https://www.instagram.com/p/C7lavka/"),
    (OrderSource.REFERRAL, "https://vk.com/wall-218000_41"),
]
GUESTS = ["Ирина Соколова", "Павел Орлов", "Елена Кузнецова", "Дмитрий Волков", "Наталья Морозова", "Олег Лебедев"]


def _marketing_history(shops, users) -> None:
    """Guest orders placed through checkout, then dated back over the last 60 days; views and likes."""
    now = timezone.now()
    for slug, count in HISTORY.items():
        shop = shops.get(slug)
        if shop is None:
            continue
        products = list(
            Product.objects.visible().filter(shop=shop, option_groups__isnull=True, is_digital=False,
                                             created_at__lt=now - timedelta(days=HISTORY_DAYS + 1))
            .exclude(availability=Availability.IN_STOCK, stock__lt=3).order_by("pk")[:6]
        )  # fmt: skip
        if not products:
            continue
        for n in range(count):
            source, referrer = SOURCE_MIX[(n * 7) % len(SOURCE_MIX)]
            cart = Cart.objects.create()
            CartLine.objects.create(cart=cart, product=products[(n * 5) % len(products)], quantity=1 + n % 2)
            try:
                order = services.order_place(
                    cart=cart, shop=shop, buyer=None, idempotency_key=uuid.uuid4().hex,
                    buyer_name=GUESTS[n % len(GUESTS)], phone="+79031112233", email=f"guest{n}@lavka.test",
                    address="190000, Санкт-Петербург, Невский пр., 1", delivery_method="cdek",
                    contact_method="email", rules_accepted=True, source=source, source_referrer=referrer,
                )  # fmt: skip
            except CartError:  # stock ran out: fewer demo orders, no harm
                continue
            finally:
                cart.delete()
            placed = now - timedelta(days=1 + (n * HISTORY_DAYS) // count, hours=n % 9)
            _stamp(order, placed, now, created_at=placed, status_changed_at=placed,
                   number=f"{placed:%y%m}-{order.pk:05d}")  # fmt: skip
            services.order_confirm(order=order)
            _stamp(order, placed + timedelta(hours=1), now, confirmed_at=placed + timedelta(hours=1))
            if n % 9 == 4:
                services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                                          cancel_reason=CancelReason.BUYER_ASKED)  # fmt: skip
                _stamp(order, placed + CANCELLED_AFTER, now, status_changed_at=placed + CANCELLED_AFTER)
            elif n % 3:
                services.order_transition(order=order, to_status=OrderStatus.PAID, actor=shop.owner)
                _stamp(
                    order, placed + PAID_AFTER, now, status_changed_at=placed + PAID_AFTER, paid_at=placed + PAID_AFTER
                )
        today = timezone.localdate()
        days = [
            ProductViewDay(product=product, day=today - timedelta(days=back),
                           views=(7 * index + 3 * back) % 11 + (4 if back % 7 in (5, 6) else 1))
            for index, product in enumerate(products) for back in range(HISTORY_DAYS)
        ]  # fmt: skip
        ProductViewDay.objects.bulk_create(days, ignore_conflicts=True)
        fans = [user for user in users.values() if user.pk != shop.owner_id]
        for index, product in enumerate(products[:3]):
            for number, user in enumerate(fans):
                if not ProductLike.objects.filter(user=user, product=product).exists():
                    product_like_toggle(user=user, product=product)
                    ProductLike.objects.filter(user=user, product=product).update(
                        created_at=now - timedelta(days=(11 * index + 17 * number) % HISTORY_DAYS)
                    )
        for product in products:
            total = sum(day.views for day in days if day.product_id == product.pk)
            Product.objects.filter(pk=product.pk).update(views_count=F("views_count") + total)
    labels_refresh()  # «Хит» and popularity from the orders just placed, as the hourly job would
