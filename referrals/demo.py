"""Demo data of the referrals app: the demo seller's promo codes (two active, one ended).

The offer on an abandoned cart needs a cart, so it is made by orders/demo_carts.py."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import Product
from marketplace.demo import DemoContext

from .models import DiscountKind, PromoBonus, PromoCode

SHOP = "masterskaya-anny"


def seed(ctx: DemoContext) -> None:
    shop = ctx.extra.get("shops", {}).get(SHOP)
    if shop is None or PromoCode.objects.filter(shop=shop).exists():
        return
    now = timezone.now()
    PromoCode.objects.create(shop=shop, name="Весенняя рассылка", code="vesna", bonus=PromoBonus.ORDER,
                             discount_kind=DiscountKind.PERCENT, value=Decimal("10"), ends_at=now + timedelta(days=60),
                             max_uses_per_buyer=1)  # fmt: skip
    PromoCode.objects.create(shop=shop, name="Для подписчиков в соцсетях", code="stayhome", bonus=PromoBonus.ORDER,
                             discount_kind=DiscountKind.RUBLES, value=Decimal("150"),
                             min_order_total=Decimal("1000"), max_uses=100)  # fmt: skip
    ended = PromoCode.objects.create(
        shop=shop, name="Новогодняя распродажа", code="novyigod", bonus=PromoBonus.PRODUCTS,
        discount_kind=DiscountKind.PERCENT, value=Decimal("20"), starts_at=now - timedelta(days=60),
        ends_at=now - timedelta(days=20),
    )  # fmt: skip
    ended.products.set(Product.objects.filter(shop=shop).order_by("pk")[:3])
