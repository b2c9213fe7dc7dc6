"""Demo data of the orders app: orders in every status, from the demo buyer and from guests,
shipped ones with tracks and the events a carrier would have reported."""

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
from .models import CancelReason, Cart, CartLine, Download, Order, OrderStatus
from .pricing import groups_priced

SHIPPED = "shipped-with-tracks"
# (buyer email or None for a guest, shop slug, statuses to walk through)
ORDERS = [
    ("buyer@lavka.test", "masterskaya-anny", [OrderStatus.PAID, SHIPPED]),
    ("buyer@lavka.test", "masterskaya-anny", [OrderStatus.PAID]),
    ("buyer@lavka.test", "stolyarka-petrova", []),
    ("buyer@lavka.test", "printy-pavla", [OrderStatus.CANCELLED]),
    (None, "masterskaya-anny", []),
    (None, "masterskaya-anny", [OrderStatus.CANCELLED]),
    (None, "stolyarka-petrova", [OrderStatus.PAID, SHIPPED]),
    ("buyer@lavka.test", "stolyarka-petrova", [OrderStatus.PAID, OrderStatus.SHIPPED]),
]

# Parcels of the orders marked SHIPPED above, by order index: (carrier, track, events, recipient).
# Parcels travel from the shop's city to the buyer's (Екатеринбург, the demo address).
_RP_WAY = [("Приём", "Санкт-Петербург 190000"), ("Покинуло место приёма", "Санкт-Петербург 190000"),
           ("Прибыло в сортировочный центр", "Екатеринбург 620960"), ("Прибыло в место вручения", "Екатеринбург 620000")]  # fmt: skip
_CDEK_WAY = [("Принят на склад отправителя", "Санкт-Петербург"), ("Отправлен в г.-транзит", "Санкт-Петербург"),
             ("Принят на склад доставки", "Екатеринбург")]  # fmt: skip
_CDEK_KAZAN = [("Принят на склад отправителя", "Казань"), ("Отправлен в г.-транзит", "Казань")]
# Reviews the demo buyer wrote about the items of delivered orders, by order index.
REVIEWS = {
    0: [(5, "Сделано очень аккуратно, упаковано как подарок. Ребёнок в восторге, спасибо мастеру!"),
        (4, "Хорошая вещь, цвет чуть темнее, чем на фото, но качество отличное.")],
    7: [(5, "Пришло быстро, всё как в описании. Буду заказывать ещё.")],
}  # fmt: skip
PARCELS = {
    0: [("russian_post", "19000011001230", [*_RP_WAY, ("Вручение адресату", "Екатеринбург 620000")], "Иванова М. П."),
        ("cdek", "1106207236", _CDEK_WAY, "")],
    6: [("cdek", "1106207350", _CDEK_KAZAN, "")],
}  # fmt: skip


def seed(ctx: DemoContext) -> None:
    if Order.objects.exists():
        return
    shops = ctx.extra.get("shops", {})
    for index, (email, slug, statuses) in enumerate(ORDERS):
        shop = shops.get(slug)
        buyer = ctx.users.get(email) if email else None
        if shop is None:
            continue
        candidates = list(
            Product.objects.visible()
            .filter(shop=shop, option_groups__isnull=True)
            .exclude(availability=Availability.IN_STOCK, stock__lt=2)
            .exclude(is_digital=True, price=0)  # free files are downloaded, not ordered
            .order_by("pk")[:10]
        )
        if not candidates:
            continue
        products = [candidates[(index + offset) % len(candidates)] for offset in range(min(2, len(candidates)))]
        cart = Cart.objects.create()
        for product in products:
            CartLine.objects.create(cart=cart, product=product, quantity=1)
        order = services.order_place(
            cart=cart, shop=shop, buyer=buyer, idempotency_key=uuid.uuid4().hex,
            buyer_name=buyer.name if buyer else "Ольга Гостева", phone="+79265550101" if buyer else "+79031112233",
            email=email or "guest@lavka.test", address="620000, Екатеринбург, ул. Ленина, 1, кв. 2",
            delivery_method="cdek" if index % 2 else "russian_post", contact_method="email",
            notes="Пожалуйста, упакуйте как подарок." if index == 0 else "", rules_accepted=True,
            source=["direct", "yandex_organic", "referral"][index % 3],
            source_referrer="https://www.instagram.com/p/lavka/" if index % 3 == 2 else "",
        )  # fmt: skip
        cart.delete()
        if buyer is None and not statuses:
            # A guest who never confirmed: the seller's order list offers to cancel it.
            Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=8))
        elif not statuses:
            services.order_confirm(order=order)  # the seller's list marks it «подтверждён»
        for status in statuses:
            if status == SHIPPED:
                _ship(order, PARCELS.get(index, []))
            else:
                services.order_transition(
                    order=order,
                    to_status=status,
                    actor=shop.owner,
                    cancel_reason=CancelReason.BUYER_ASKED if status == OrderStatus.CANCELLED else "",
                )
        if index in REVIEWS and buyer is not None:
            for item, (rating, text) in zip(order.items.all(), REVIEWS[index], strict=False):
                services.review_add(author=buyer, item=item, rating=rating, text=text)
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
    cart = Cart.objects.create()
    products = (Product.objects.visible().filter(shop=shop, option_groups__isnull=True, price__gt=0, is_digital=False)
                .order_by("-price"))  # fmt: skip
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
    placed = code.issued_at + timedelta(days=3)
    discount = min(code.value, order.total)
    Order.objects.filter(pk=order.pk).update(
        referral_code=code, referral_code_text=code.code, platform_discount=discount, total=F("total") - discount,
        number=f"{placed:%y%m}-{order.pk:05d}", created_at=placed, status_changed_at=placed + timedelta(hours=20), paid_at=placed + timedelta(hours=20),
        confirmed_at=placed + timedelta(hours=2),
    )  # fmt: skip
    order.events.filter(status=OrderStatus.OPEN).update(created_at=placed)
    order.events.exclude(status=OrderStatus.OPEN).update(created_at=placed + timedelta(hours=20))
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
    print_ = pavel and (Product.objects.visible().filter(shop=pavel, activation="immediate", download_limit=5)
                        .order_by("pk").first())  # fmt: skip
    if print_:
        order = _digital_order(shop=pavel, buyer=buyer, product=print_)
        services.order_transition(order=order, to_status=OrderStatus.PAID, actor=pavel.owner)
        placed = now - timedelta(days=4)
        Order.objects.filter(pk=order.pk).update(created_at=placed, status_changed_at=placed + timedelta(hours=3),
                                                 paid_at=placed + timedelta(hours=3))  # fmt: skip
        order.events.filter(status=OrderStatus.OPEN).update(created_at=placed)
        order.events.exclude(status=OrderStatus.OPEN).update(created_at=placed + timedelta(hours=3))
        for sold in print_.digital_files.all():
            Download.objects.create(file=sold, user=buyer, count=1, first_at=placed + timedelta(hours=4),
                                    last_at=placed + timedelta(hours=4))  # fmt: skip


def _ship(order: Order, parcels) -> None:
    """Parcels added the way a seller adds them; their events stored as a refresh would store them."""
    start = timezone.now() - timedelta(days=6)
    for number, (carrier, track, way, recipient) in enumerate(parcels):
        shipment = services.shipment_add(
            order=order, actor=order.shop.owner, carrier=carrier, track_number=track,
            new_status=OrderStatus.SHIPPED if number == 0 else "",
        )  # fmt: skip
        events = [
            CarrierEvent(occurred_at=start + timedelta(days=step, hours=3 * number), status=status, location=place,
                         is_delivery=status.startswith("Вручение"))
            for step, (status, place) in enumerate(way)
        ]  # fmt: skip
        services.shipment_store_tracking(
            shipment_id=shipment.pk, result=TrackingResult(events=events, recipient_name=recipient)
        )


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
            Product.objects.visible().filter(shop=shop, option_groups__isnull=True, is_digital=False)
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
            services.order_confirm(order=order)
            if n % 9 == 4:
                services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=shop.owner,
                                          cancel_reason=CancelReason.BUYER_ASKED)  # fmt: skip
            elif n % 3:
                services.order_transition(order=order, to_status=OrderStatus.PAID, actor=shop.owner)
            placed = now - timedelta(days=1 + (n * HISTORY_DAYS) // count, hours=n % 9)
            Order.objects.filter(pk=order.pk).update(created_at=placed, status_changed_at=placed)
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
