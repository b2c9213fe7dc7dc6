"""Demo data of the referrals app: the demo seller's promo codes (two active, one ended) and
«Дружные скидки»: a closed autumn round, an open one (399 ₽ on 400 ₽, 10 friends) where the demo
buyer stands at 7 of 10 and the second seller, shopping as a buyer, holds an unused code.

The offer on an abandoned cart needs a cart, so it is made by orders/demo_carts.py; the order that
used the buyer's autumn code is placed by orders/demo.py."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import Product
from marketplace.demo import DemoContext

from .friends import address_key, code_issue, new_browser_id
from .invitations import invitations_send
from .models import DiscountKind, PromoBonus, PromoCode, ReferralLink, ReferralRound, ReferralVisit

INVITATION = ("Я покупаю подарки ручной работы на Лавке — там магазины мастеров со всей России. "
              "Загляните по моей ссылке, вдруг что-то понравится!")  # fmt: skip

SHOP = "masterskaya-anny"


def seed(ctx: DemoContext) -> None:
    _promo_codes(ctx)
    _friends_discounts(ctx)


def _friends_discounts(ctx: DemoContext) -> None:
    if ReferralRound.objects.exists():
        return
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    autumn = ReferralRound.objects.create(
        title="Осенний раунд", starts_at=today - timedelta(days=62), ends_at=today - timedelta(days=32, minutes=1),
        code_value=Decimal("299"), min_order_total=Decimal("300"), friends_needed=10, invitation_text=INVITATION,
        opened_at=now - timedelta(days=62), closed_at=now - timedelta(days=32),
    )  # fmt: skip
    current = ReferralRound.objects.create(
        title="Зимний раунд", starts_at=today - timedelta(days=9), ends_at=today + timedelta(days=32, minutes=-1),
        code_value=Decimal("399"), min_order_total=Decimal("400"), friends_needed=10, invitation_text=INVITATION,
        repeat_after_days=14, opened_at=now - timedelta(days=9),
    )  # fmt: skip
    buyer, friend = ctx.users.get("buyer@lavka.test"), ctx.users.get("seller2@lavka.test")
    if buyer is not None:
        _link_with_friends(autumn, buyer, 10, started=autumn.starts_at)
        ctx.extra["referral_autumn_code"] = code_issue(link=ReferralLink.objects.get(round=autumn, user=buyer),
                                                       now=autumn.starts_at + timedelta(hours=160))  # fmt: skip
        link = _link_with_friends(current, buyer, 7, started=current.starts_at)
        # Invitations: the second seller has an account (a site message), the others get e-mails.
        invitations_send(link=link, actor=buyer, addresses_text="seller2@lavka.test\nolga.k@example.ru",
                         own_text="Игорь, тут у Анны классные вигвамы — посмотри для сына!")  # fmt: skip
    if friend is not None:
        _link_with_friends(current, friend, 10, started=current.starts_at)
        code_issue(link=ReferralLink.objects.get(round=current, user=friend), now=now - timedelta(days=2))


def _link_with_friends(round, user, friends: int, *, started) -> ReferralLink:  # noqa: A002
    """A personal link and the friends who followed it over the round's first days."""
    link = ReferralLink.objects.create(round=round, user=user, token=secrets.token_urlsafe(9),
                                       friends_count=friends, created_at=started + timedelta(hours=3))  # fmt: skip
    ReferralVisit.objects.bulk_create(
        ReferralVisit(link=link, browser=new_browser_id(), address=address_key(f"198.51.100.{number}"),
                      created_at=started + timedelta(hours=5 + 17 * number),
                      counted_at=started + timedelta(hours=5 + 17 * number))
        for number in range(friends)
    )  # fmt: skip
    return link


def _promo_codes(ctx: DemoContext) -> None:
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
