"""Reads of the orders app: finding the buyer's cart and pricing it for the page."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum

from catalog.models import OptionChoice, WholesaleTier
from catalog.pricing import LinePrice, price_line
from marketplace.money import ZERO

from .models import Cart, CartLine

SESSION_KEY = "cart_id"


def cart_for(request) -> Cart | None:
    """The buyer's cart: the account's when signed in, else the one the session points to."""
    if request.user.is_authenticated:
        return Cart.objects.filter(user=request.user).first()
    cart_id = request.session.get(SESSION_KEY)
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None


def cart_count(request) -> int:
    """Pieces in the cart, for the header; no query for a visitor without a session."""
    if request.user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=request.user)
    elif request.session.get(SESSION_KEY):
        lines = CartLine.objects.filter(cart_id=request.session[SESSION_KEY], cart__user__isnull=True)
    else:
        return 0
    return lines.aggregate(pieces=Sum("quantity"))["pieces"] or 0


def open_orders_count(shop) -> dict:
    """For the cabinet overview (registered with shops.overview)."""
    from .models import Order, OrderStatus

    return {"new_orders_count": Order.objects.filter(shop=shop, status=OrderStatus.OPEN).count()}


@dataclass
class PricedLine:
    line: CartLine
    choices: list[OptionChoice]
    price: LinePrice

    @property
    def available(self) -> bool:
        """Still on sale and orderable (the product may have changed since it was added)."""
        product = self.line.product
        return (
            product.is_enabled
            and not product.is_hidden_by_moderation
            and product.shop.is_open_to_buyers
            and product.is_orderable
        )


@dataclass
class ShopGroup:
    shop: object
    lines: list[PricedLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((priced.price.total for priced in self.lines), ZERO)

    @property
    def pieces(self) -> int:
        return sum(priced.line.quantity for priced in self.lines)


def cart_groups(cart: Cart | None) -> list[ShopGroup]:
    """The cart's lines priced (catalog.pricing) and grouped by shop, in a fixed number of queries."""
    if cart is None:
        return []
    lines = list(
        cart.lines.select_related("product", "product__shop", "product__cover").prefetch_related(
            Prefetch("product__wholesale_tiers", queryset=WholesaleTier.objects.all())
        )
    )
    choice_ids = {pk for line in lines for pk in line.choice_ids}
    choices = OptionChoice.objects.select_related("group").in_bulk(choice_ids) if choice_ids else {}
    groups: OrderedDict[int, ShopGroup] = OrderedDict()
    for line in lines:
        chosen = [choices[pk] for pk in line.choice_ids if pk in choices]
        price = price_line(
            product=line.product, quantity=line.quantity, choices=chosen, tiers=list(line.product.wholesale_tiers.all())
        )
        shop = line.product.shop
        groups.setdefault(shop.pk, ShopGroup(shop=shop)).lines.append(
            PricedLine(line=line, choices=chosen, price=price)
        )
    return list(groups.values())


def review_distribution(reviews) -> tuple[list[tuple[int, int, int]], int]:
    """(stars, count, percent) from 5 down to 1, and the total, for the reviews tab's summary."""
    stars = dict(reviews.order_by().values_list("rating").annotate(count=Count("pk")))
    total = sum(stars.values())
    rows = [(rating, stars.get(rating, 0), round(100 * stars.get(rating, 0) / total) if total else 0)
            for rating in range(5, 0, -1)]  # fmt: skip
    return rows, total
