"""Demo data of the orders app: orders in every status, from the demo buyer and from guests."""

from catalog.models import Availability, Product
from marketplace.demo import DemoContext

from . import services
from .models import Cart, CartLine, Order, OrderStatus

# (buyer email or None for a guest, shop slug, statuses to walk through)
ORDERS = [
    ("buyer@lavka.test", "masterskaya-anny", [OrderStatus.PAID, OrderStatus.SHIPPED]),
    ("buyer@lavka.test", "masterskaya-anny", [OrderStatus.PAID]),
    ("buyer@lavka.test", "stolyarka-petrova", []),
    ("buyer@lavka.test", "printy-pavla", [OrderStatus.CANCELLED]),
    (None, "masterskaya-anny", []),
    (None, "masterskaya-anny", [OrderStatus.CANCELLED]),
    (None, "stolyarka-petrova", [OrderStatus.PAID, OrderStatus.SHIPPED]),
]


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
            .order_by("pk")[:10]
        )
        if not candidates:
            continue
        products = [candidates[(index + offset) % len(candidates)] for offset in range(min(2, len(candidates)))]
        cart = Cart.objects.create()
        for product in products:
            CartLine.objects.create(cart=cart, product=product, quantity=1)
        order = services.order_place(
            cart=cart, shop=shop, buyer=buyer, idempotency_key=f"demo-{index}",
            buyer_name=buyer.name if buyer else "Ольга Гостева", phone="+79265550101" if buyer else "+79031112233",
            email=email or "guest@lavka.test", address="620000, Екатеринбург, ул. Ленина, 1, кв. 2",
            delivery_method="cdek" if index % 2 else "russian_post", contact_method="email",
            notes="Пожалуйста, упакуйте как подарок." if index == 0 else "", rules_accepted=True,
            source=["direct", "yandex_organic", "referral"][index % 3],
            source_referrer="https://www.instagram.com/p/lavka/" if index % 3 == 2 else "",
        )  # fmt: skip
        cart.delete()
        for status in statuses:
            services.order_transition(order=order, to_status=status, actor=shop.owner)
