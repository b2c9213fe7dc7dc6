"""Reads of the orders app: finding the buyer's cart and pricing it for the page."""

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import OptionChoice, Product, WholesaleTier
from catalog.pricing import LinePrice, price_line
from marketplace import personal
from marketplace.money import ZERO
from marketplace.pagecache import generation
from marketplace.workdays import add_workdays
from referrals.models import PersonalOffer
from referrals.selectors import offers_active_for

from .models import Cart, CartLine, Order, OrderStatus, Review, ReviewPhoto, Shipment

SESSION_KEY = "cart_id"


def cart_for(request) -> Cart | None:
    """The buyer's cart: the account's when signed in, else the one the session points to."""
    if request.user.is_authenticated:
        return Cart.objects.filter(user=request.user).first()
    cart_id = request.session.get(SESSION_KEY)
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None


def _cart_lines_of(request):
    """The lines of ``cart_for``'s cart, asked for without reading the cart first; None for a
    visitor whose session points to no cart."""
    if request.user.is_authenticated:
        return CartLine.objects.filter(cart__user=request.user)
    cart_id = request.session.get(SESSION_KEY)
    return CartLine.objects.filter(cart_id=cart_id, cart__user__isnull=True) if cart_id else None


# The header's count, kept in the cache (read with the session for a signed-in buyer) and
# dropped by orders.signals whenever a line or a cart changes.
CART_PIECES = "cart"
CART_PIECES_SECONDS = 3600
personal.register(CART_PIECES, lambda user_id: f"orders:cart-pieces:user:{user_id}")


def guest_cart_pieces_key(cart_id) -> str:
    return f"orders:cart-pieces:cart:{cart_id}"


def cart_count(request) -> int:
    """Pieces in the cart, for the header; no query for a visitor without a session, and none
    while the cache knows the figure."""
    if request.user.is_authenticated:
        count = personal.get(request.user.pk, CART_PIECES)
        if count is None:
            count = _cart_lines_of(request).aggregate(pieces=Sum("quantity"))["pieces"] or 0
            personal.put(request.user.pk, CART_PIECES, count, CART_PIECES_SECONDS)
        return count
    cart_id = request.session.get(SESSION_KEY)
    if not cart_id:
        return 0
    key = guest_cart_pieces_key(cart_id)
    count = cache.get(key)
    if count is None:
        count = _cart_lines_of(request).aggregate(pieces=Sum("quantity"))["pieces"] or 0
        cache.set(key, count, CART_PIECES_SECONDS)
    return count


def cart_pieces_forget(cart: Cart) -> None:
    """This cart's lines changed (the services call it): its header count is read from the
    database next time, for the guest and for the account alike."""
    key = guest_cart_pieces_key(cart.pk)
    cache.delete(key)
    transaction.on_commit(partial(cache.delete, key))
    if cart.user_id is not None:
        personal.forget([cart.user_id], CART_PIECES)


def overview_figures(shop) -> dict:
    """The cabinet overview's «Новые заказы» (open ones) and «Продажи за 7 дней»: orders placed
    today and the six days before, not cancelled, at their goods' sum — as the marketing report's
    «7 дней» counts them (registered with shops.overview). One query."""
    start = datetime.combine(timezone.localdate() - timedelta(days=6), time.min, tzinfo=timezone.get_current_timezone())
    week = Q(created_at__gte=start) & ~Q(status=OrderStatus.CANCELLED)
    row = Order.objects.filter(shop=shop).aggregate(
        new=Count("pk", filter=Q(status=OrderStatus.OPEN)),
        week_count=Count("pk", filter=week),
        week_total=Coalesce(Sum("subtotal", filter=week), ZERO),
    )
    return {
        "new_orders_count": row["new"],
        "sales_week_count": row["week_count"],
        "sales_week_total": row["week_total"],
    }


@dataclass
class PricedLine:
    line: CartLine
    choices: list[OptionChoice]
    price: LinePrice
    offer: object = None  # the buyer's personal offer on this product (referrals.PersonalOffer), if any

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


def _tiers() -> Prefetch:
    return Prefetch("wholesale_tiers", queryset=WholesaleTier.objects.all())


def cart_groups(cart: Cart | None) -> list[ShopGroup]:
    """The cart's lines priced (catalog.pricing) and grouped by shop, read from the database as they
    are now (placing an order prices with it): one query for the lines with their products, one for
    their wholesale tiers, and one more for each of variants and personal offers when it has any."""
    if cart is None:
        return []
    lines = cart.lines.select_related("product", "product__shop", "product__shop__vacation", "product__cover")
    lines = list(_with_offer_hint(lines, buyer_id=cart.user_id))
    prefetch_related_objects([line.product for line in lines], _tiers())
    return _grouped(lines, buyer_id=cart.user_id)


# The cart's products as its pages show and price them (with the shop, the shop's vacation, the
# cover and the wholesale tiers), kept under the catalog's generation like the product page's
# (catalog.selectors.product_get_visible): a change to a product, its photos or tiers, its shop or
# vacation, stock taken by an order, bumps it (services, and signals for the admin's edits), so
# the next page reads the rows again. The buyer's own lines, quantities and codes are never kept.
CART_PRODUCT_SECONDS = 3600


def _cart_product_key(generation: int, pk: int) -> str:
    return f"orders:cart-product:{generation}:{pk}"


def cart_products(product_ids) -> dict:
    """The products by id, from the cache while the catalog stands still (one round trip), the
    missing ones from the database (two queries: the products, their tiers) and kept."""
    product_ids = set(product_ids)
    if not product_ids:
        return {}
    current = generation()
    keys = {pk: _cart_product_key(current, pk) for pk in product_ids}
    found = cache.get_many(list(keys.values()))
    products = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in products]
    if missing:
        read = Product.objects.filter(pk__in=missing).select_related("shop", "shop__vacation", "cover")
        fresh = {product.pk: product for product in read.prefetch_related(_tiers())}
        cache.set_many({keys[pk]: product for pk, product in fresh.items()}, CART_PRODUCT_SECONDS)
        products.update(fresh)
    return products


def cart_page_groups(request, *, last_address: bool = False) -> tuple[Cart | None, list[ShopGroup], str | None]:
    """The visitor's cart and its priced groups for the cart and checkout pages: one query for the
    cart with its lines (and, with ``last_address``, the address of the buyer's latest order, the
    checkout's suggestion), the products from ``cart_products``; one more query for each of
    variants and personal offers when the cart has any. However many lines and shops.

    A cart without lines reads as None: there is nothing to price or to order."""
    user = request.user if request.user.is_authenticated else None
    lines = _cart_lines_of(request)
    if lines is None:
        return None, [], None
    lines = _with_offer_hint(lines.select_related("cart"), buyer_id=user.pk if user else None)
    if last_address and user is not None:
        latest = Order.objects.filter(buyer=user).order_by("-created_at").values("address")[:1]
        lines = lines.annotate(last_address=Subquery(latest))  # not bound to the line: read once
    lines = list(lines)
    products = cart_products(line.product_id for line in lines)
    lines = [line for line in lines if line.product_id in products]  # a product deleted meanwhile: its line too
    if not lines:
        return None, [], None
    for line in lines:
        line.product = products[line.product_id]
    cart = lines[0].cart
    return cart, _grouped(lines, buyer_id=cart.user_id), getattr(lines[0], "last_address", None)


def _with_offer_hint(lines, *, buyer_id):
    """For a buyer with an account, whether any personal offer was ever made to them on the line's
    product (at most one is): only those are asked about, and referrals decides which are active."""
    if buyer_id is None:
        return lines
    offers = PersonalOffer.objects.filter(buyer_id=buyer_id, product=OuterRef("product_id"))
    return lines.annotate(has_offer=Exists(offers))


def _grouped(lines: list[CartLine], *, buyer_id) -> list[ShopGroup]:
    """Price the lines, whose products come with their shops and tiers, and group them by shop."""
    choice_ids = {pk for line in lines for pk in line.choice_ids}
    choices = OptionChoice.objects.select_related("group").in_bulk(choice_ids) if choice_ids else {}
    # Personal offers on abandoned carts (referrals) price a registered buyer's lines too.
    offered = [line.product_id for line in lines if getattr(line, "has_offer", False)]
    offers = offers_active_for(buyer_id=buyer_id, product_ids=offered) if offered else {}
    groups: OrderedDict[int, ShopGroup] = OrderedDict()
    for line in lines:
        chosen = [choices[pk] for pk in line.choice_ids if pk in choices]
        offer = offers.get(line.product_id)
        price = price_line(
            product=line.product, quantity=line.quantity, choices=chosen,
            tiers=list(line.product.wholesale_tiers.all()), personal_percent=offer.percent if offer else None,
        )  # fmt: skip
        shop = line.product.shop
        groups.setdefault(shop.pk, ShopGroup(shop=shop)).lines.append(
            PricedLine(line=line, choices=chosen, price=price, offer=offer)
        )
    return list(groups.values())


# The storefront tab's orders: newest first (the default), best first, worst first.
REVIEW_SORTS = {
    "new": ("-created_at", "-pk"),
    "best": ("-rating", "-created_at", "-pk"),
    "worst": ("rating", "-created_at", "-pk"),
}


def reviews_shown(reviews):
    """Reviews as pages show them: author, product, item and the photos in a fixed number of queries."""
    return reviews.select_related("author", "product", "item").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "pk"))
    )


def reviews_for_storefront(*, shop, product=None, sort: str = "new", with_photos: bool = False):
    """The published reviews of a shop (or of one of its products) for the «Отзывы» tab."""
    reviews = Review.objects.filter(shop=shop, is_published=True)
    if product is not None:
        reviews = reviews.filter(product=product)
    if with_photos:
        reviews = reviews.filter(Exists(ReviewPhoto.objects.filter(review=OuterRef("pk"))))
    return reviews_shown(reviews.order_by(*REVIEW_SORTS.get(sort, REVIEW_SORTS["new"])))


def reviews_for_cabinet(*, shop):
    """All the shop's reviews, hidden ones too (the seller sees what moderation hid), newest first."""
    return reviews_shown(Review.objects.filter(shop=shop).order_by("-created_at", "-pk"))


def reviews_latest_for_product(*, product, limit: int = 5) -> list:
    """The product page's inline reviews: the latest published ones."""
    return list(reviews_shown(Review.objects.filter(product=product, is_published=True))[:limit])


def review_distribution(reviews) -> tuple[list[tuple[int, int, int]], int]:
    """(stars, count, percent) from 5 down to 1, and the total, for the reviews tab's summary."""
    stars = dict(reviews.order_by().values_list("rating").annotate(count=Count("pk")))
    total = sum(stars.values())
    rows = [(rating, stars.get(rating, 0), round(100 * stars.get(rating, 0) / total) if total else 0)
            for rating in range(5, 0, -1)]  # fmt: skip
    return rows, total


def scoped_idempotency_key(*, cart: Cart, shop, key: str) -> str:
    """The key as stored: bound to the cart and the shop, so nobody else's form can match it."""
    return hashlib.sha256(f"{cart.pk}:{shop.pk}:{key}".encode()).hexdigest()


def order_for_idempotency_key(*, cart: Cart | None, shop, key: str) -> Order | None:
    """The order this cart already placed in this shop with this form, if any."""
    if cart is None or not key:
        return None
    return Order.objects.filter(
        idempotency_key=scoped_idempotency_key(cart=cart, shop=shop, key=key), shop=shop
    ).first()


def orders_for_cabinet(*, shop):
    """The seller's «Заказы», newest first, each with its number of tracks. The count is a
    subquery per row: a GROUP BY over all the shop's orders and parcels would cost more as the
    shop grows (issue 19)."""
    tracks = Shipment.objects.filter(order=OuterRef("pk")).order_by().values("order")
    tracks = tracks.annotate(n=Count("pk")).values("n")
    return shop.orders.annotate(track_count=Coalesce(Subquery(tracks), 0)).order_by("-created_at", "-pk")


def orders_with_tracks(orders, *, tracked: bool):
    """Only the orders that have a track number (or only those that have none)."""
    has_track = Exists(Shipment.objects.filter(order=OuterRef("pk")))
    return orders.filter(has_track if tracked else ~has_track)


def orders_unconfirmed_guest_overdue(*, shop, today: date | None = None):
    """The shop's open guest orders that nobody confirmed within its confirmation period:
    seed 001 lets the seller cancel them (``Order.unconfirmed_cancel_from`` has come)."""
    today = today or timezone.localdate()
    # The latest order day whose period is over: add_workdays only grows with its start.
    last_day = today
    while add_workdays(last_day, shop.confirmation_days) > today:
        last_day -= timedelta(days=1)
    placed_before = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
    return shop.orders.filter(
        status=OrderStatus.OPEN, is_guest=True, confirmed_at__isnull=True, created_at__lt=placed_before
    )
