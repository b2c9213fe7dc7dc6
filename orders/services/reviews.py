"""Reviews of bought items and the ratings they make: writing, editing with history, photos,
the seller's public answer, and the administration's reviews attached to a shop."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Product
from marketplace.notifications import notify, site_url
from marketplace.pagecache import bump_generation_on_commit
from marketplace.text_rules import validate_no_contacts
from shops.models import Shop

from ..exceptions import ReviewError
from ..models import (
    MAX_REVIEW_PHOTOS,
    Order,
    OrderItem,
    Review,
    ReviewKind,
    ReviewPhoto,
    ReviewRevision,
)

TEXT_MAX = 2000


def review_is_own_shop(*, author, order: Order) -> bool:
    """The order was placed with the author's own shop. Shops have no staff accounts yet: the
    owner is the only person behind a shop; once staff exist, they belong here too."""
    return author is not None and author.is_authenticated and order.shop.owner_id == author.pk


def review_can_write(*, author, order: Order) -> bool:
    """Seed 001: registered buyers review what they bought; here, once the order has been shipped
    (digital goods only: paid, see Order.is_reviewable), and never about their own shop (a seller's
    purchase from themselves would lift the rating)."""
    return (
        author is not None and author.is_authenticated and not order.is_guest and order.buyer_id == author.pk
        and order.is_reviewable and not review_is_own_shop(author=author, order=order)
    )  # fmt: skip


@transaction.atomic
def review_add(*, author, item: OrderItem, rating: int, text: str, photos: Sequence = ()) -> Review:
    """The buyer's review of one bought item, with photos already checked by marketplace.images;
    the shop's and the product's ratings follow."""
    item = OrderItem.objects.select_for_update().select_related("order", "order__shop").get(pk=item.pk)
    if review_is_own_shop(author=author, order=item.order):
        raise ReviewError(_("You cannot review your own shop's products."))
    if not review_can_write(author=author, order=item.order):
        raise ReviewError(_("Reviews are written by registered buyers about products they bought, once the order "
                            "is shipped."))  # fmt: skip
    if Review.objects.filter(item=item).exists():
        raise ReviewError(_("You have already reviewed «%(title)s» from this order.") % {"title": item.title})
    _check_rating(rating)
    text = _clean_text(text)
    _check_photo_count(len(photos))
    review = Review.objects.create(
        item=item, order=item.order, shop_id=item.order.shop_id, product_id=item.product_id, author=author,
        rating=rating, text=text,
    )  # fmt: skip
    _photos_add(review, photos)
    _ratings_refresh(shop_id=review.shop_id, product_id=review.product_id)
    return review


@transaction.atomic
def review_edit(*, author, review: Review, rating: int, text: str, photos_add: Sequence = (),
                photos_remove: Sequence[int] = ()) -> Review:  # fmt: skip
    """The author changes their review within REVIEW_EDIT_PERIOD of writing it; the version it
    replaces is kept (ReviewRevision) and the ratings are counted again."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.kind != ReviewKind.BUYER or review.author_id != getattr(author, "pk", None):
        raise ReviewError(_("Only the author may change a review."))
    if not review.is_editable:
        raise ReviewError(_("A review can be changed within 30 days of writing it; this one could be changed "
                            "until %(date)s.") % {"date": _date(review.edit_until)})  # fmt: skip
    _check_rating(rating)
    text = _clean_text(text)
    removed = list(review.photos.filter(pk__in=list(photos_remove)))
    _check_photo_count(review.photos.count() - len(removed) + len(photos_add))
    if rating == review.rating and text == review.text and not removed and not photos_add:
        return review  # nothing changed: no new version, no «изменён»
    now = timezone.now()
    ReviewRevision.objects.create(review=review, rating=review.rating, text=review.text, edited_at=now)
    review.rating, review.text, review.edited_at = rating, text, now
    review.save(update_fields=["rating", "text", "edited_at"])
    for photo in removed:
        storage, name = photo.image.storage, photo.image.name
        photo.delete()
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    _photos_add(review, photos_add)
    _ratings_refresh(shop_id=review.shop_id, product_id=review.product_id)
    return review


@transaction.atomic
def review_answer(*, shop: Shop, review: Review, text: str) -> Review:
    """The seller's public answer: once per review, changeable for ANSWER_EDIT_PERIOD after the
    first answer, then locked. The buyer is e-mailed on the first answer."""
    review = Review.objects.select_for_update(of=("self",)).select_related("author", "item", "order").get(pk=review.pk)
    if review.shop_id != shop.pk:
        raise ReviewError(_("This review is about another shop."))
    if not review.is_published:
        raise ReviewError(_("The moderators have hidden this review; it cannot be answered."))
    if review.answered_at is not None and not review.may_answer:
        raise ReviewError(_("An answer can be changed within 24 hours; this one is locked since %(date)s.")
                          % {"date": _date(review.answer_edit_until, time=True)})  # fmt: skip
    text = _clean_text(text, answer=True)
    now = timezone.now()
    first = review.answered_at is None
    if not first and text == review.answer:
        return review
    review.answer = text
    if first:
        review.answered_at = now
    else:
        review.answer_edited_at = now
    review.save(update_fields=["answer", "answered_at", "answer_edited_at"])
    _pages_refresh(product_id=review.product_id)
    if first and review.kind == ReviewKind.BUYER:
        _answer_notify(review, shop)
    return review


@transaction.atomic
def review_moderation_add(*, author, shop: Shop, rating: int, text: str, product: Product | None = None) -> Review:
    """The administration attaches a review to a shop (seed 001: a confirmed complaint brings «негативный
    отзыв на ваш магазин без возможности его удаления»); it counts in the ratings like any other."""
    if not (author and author.is_staff):
        raise ReviewError(_("Only Lavka's administration writes such reviews."))
    if product is not None and product.shop_id != shop.pk:
        raise ReviewError(_("The product is from another shop."), field="product")
    _check_rating(rating)
    text = _clean_text(text)
    review = Review.objects.create(kind=ReviewKind.MODERATION, shop=shop, product=product, author=author,
                                   rating=rating, text=text)  # fmt: skip
    _ratings_refresh(shop_id=shop.pk, product_id=review.product_id)
    return review


@transaction.atomic
def reviews_set_published(*, reviews, published: bool) -> int:
    """Moderation hides or shows reviews; the ratings are counted again."""
    pairs = set(reviews.values_list("shop_id", "product_id"))
    changed = Review.objects.filter(pk__in=reviews.values("pk")).update(is_published=published)
    for shop_id, product_id in pairs:
        _ratings_refresh(shop_id=shop_id, product_id=product_id)
    return changed


def _check_rating(rating) -> None:
    if rating not in range(1, 6):
        raise ReviewError(_("Choose from 1 to 5 stars."), field="rating")


def _clean_text(text: str, *, answer: bool = False) -> str:
    """The rules of every review text and of the seller's answer: a length, no contacts or links.
    A review says at least 10 characters; an answer may be a short «Спасибо!»."""
    text = text.strip()
    if answer and not text:
        raise ReviewError(_("Write the answer."), field="text")
    if not answer and len(text) < 10:
        raise ReviewError(_("Tell a little more: at least 10 characters."), field="text")
    if len(text) > TEXT_MAX:
        raise ReviewError(_("At most 2000 characters, please."), field="text")
    try:
        validate_no_contacts(text)
    except ValidationError as error:
        raise ReviewError(" ".join(error.messages), field="text") from error
    return text


def _check_photo_count(count: int) -> None:
    if count > MAX_REVIEW_PHOTOS:
        raise ReviewError(ngettext("A review can have at most %(count)d photo.",
                                   "A review can have at most %(count)d photos.", MAX_REVIEW_PHOTOS)
                          % {"count": MAX_REVIEW_PHOTOS}, field="photos")  # fmt: skip


def _photos_add(review: Review, photos: Sequence) -> None:
    """Store photos already cleaned by marketplace.images.clean_image; thumbnails are made on save."""
    last = review.photos.aggregate(last=Max("position"))["last"]
    for position, image in enumerate(photos, start=0 if last is None else last + 1):
        photo = ReviewPhoto(review=review, position=position)
        photo.image.save(image.name, image, save=False)
        photo.save()


def _answer_notify(review: Review, shop: Shop) -> None:
    """One e-mail to the review's author, with a link to their review (on their order's page)."""
    url = f"{site_url()}{reverse('orders:detail', kwargs={'number': review.order.number})}#review-{review.pk}"
    notify(template="review_answered", to=review.author.email,
           context={"review": review, "shop": shop, "title": review.item.title, "review_url": url})  # fmt: skip


def _date(value, *, time: bool = False) -> str:
    return date_format(timezone.localtime(value), "j E Y, H:i" if time else "j E Y")


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
    bump_generation_on_commit()  # cached storefront and product pages show the new rating


def _pages_refresh(*, product_id: int | None) -> None:
    """A review changed without changing a rating: the product page's cached parts (keyed by
    Product.updated_at) and the anonymous page cache are made again."""
    if product_id is not None:
        Product.objects.filter(pk=product_id).update(updated_at=timezone.now())
    bump_generation_on_commit()


def _stars(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
