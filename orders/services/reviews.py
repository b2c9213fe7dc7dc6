"""Reviews of bought items and the ratings they make."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product
from marketplace.pagecache import bump_generation
from marketplace.text_rules import validate_no_contacts
from shops.models import Shop

from ..exceptions import ReviewError
from ..models import (
    Order,
    OrderItem,
    OrderStatus,
    Review,
)


def review_can_write(*, author, order: Order) -> bool:
    """Seed 001: registered buyers review what they bought; here, once the order has been shipped."""
    return (
        author is not None and author.is_authenticated and not order.is_guest and order.buyer_id == author.pk
        and order.status == OrderStatus.SHIPPED
    )  # fmt: skip


@transaction.atomic
def review_add(*, author, item: OrderItem, rating: int, text: str) -> Review:
    """The buyer's review of one bought item; the shop's and the product's ratings follow."""
    item = OrderItem.objects.select_for_update().select_related("order").get(pk=item.pk)
    if not review_can_write(author=author, order=item.order):
        raise ReviewError(_("Reviews are written by registered buyers about products they bought, once the order "
                            "is shipped."))  # fmt: skip
    if Review.objects.filter(item=item).exists():
        raise ReviewError(_("You have already reviewed «%(title)s» from this order.") % {"title": item.title})
    if rating not in range(1, 6):
        raise ReviewError(_("Choose from 1 to 5 stars."), field="rating")
    text = text.strip()
    if len(text) < 10:
        raise ReviewError(_("Tell a little more: at least 10 characters."), field="text")
    if len(text) > 2000:
        raise ReviewError(_("At most 2000 characters, please."), field="text")
    try:
        validate_no_contacts(text)
    except ValidationError as error:
        raise ReviewError(" ".join(error.messages), field="text") from error
    review = Review.objects.create(
        item=item, order=item.order, shop_id=item.order.shop_id, product_id=item.product_id, author=author,
        rating=rating, text=text,
    )  # fmt: skip
    _ratings_refresh(shop_id=review.shop_id, product_id=review.product_id)
    return review


@transaction.atomic
def reviews_set_published(*, reviews, published: bool) -> int:
    """Moderation hides or shows reviews; the ratings are counted again."""
    pairs = set(reviews.values_list("shop_id", "product_id"))
    changed = Review.objects.filter(pk__in=reviews.values("pk")).update(is_published=published)
    for shop_id, product_id in pairs:
        _ratings_refresh(shop_id=shop_id, product_id=product_id)
    return changed


def _ratings_refresh(*, shop_id: int, product_id: int | None) -> None:
    """Shop.rating_avg and Product.rating_avg: the plain mean of published stars (seed 001's formula)."""
    published = Review.objects.filter(is_published=True)
    shop = published.filter(shop_id=shop_id).aggregate(avg=Avg("rating"), count=Count("pk"))
    Shop.objects.filter(pk=shop_id).update(rating_avg=_stars(shop["avg"]), rating_count=shop["count"])
    if product_id is not None:
        product = published.filter(product_id=product_id).aggregate(avg=Avg("rating"), count=Count("pk"))
        Product.objects.filter(pk=product_id).update(
            rating_avg=_stars(product["avg"]), review_count=product["count"], updated_at=timezone.now()
        )
    transaction.on_commit(bump_generation)  # cached storefront and product pages show the new rating


def _stars(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
