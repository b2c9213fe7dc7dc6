"""Orders data: carts, orders with their items and history, shipments and carrier tracking."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from pilkit.processors import ResizeToFill, ResizeToFit

from catalog.models import Activation, Product
from marketplace.images import validate_upload_size

from .attribution import OrderSource

MAX_LINE_QUANTITY = 999


class Cart(models.Model):
    """One cart per buyer: a signed-in buyer's is theirs; a guest's is found from the session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    created_at = models.DateTimeField(_("date created"), default=timezone.now)
    updated_at = models.DateTimeField(_("date changed"), auto_now=True)
    # The promo code typed for each shop, {"<shop id>": "vesna"}: checked again at checkout.
    promo_codes = models.JSONField(_("promo codes"), default=dict, blank=True)
    # The buyer's «Дружные скидки» code and the shop whose order it is for: one order takes it.
    referral_code = models.CharField(_("Lavka's promo code"), max_length=20, blank=True)
    referral_shop = models.ForeignKey(
        "shops.Shop",
        verbose_name=_("shop of Lavka's promo code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self):
        return f"{self.user or _('guest')} ({self.pk})"


class CartLine(models.Model):
    """A product with chosen option variants; the same product with other variants is another line."""

    cart = models.ForeignKey(Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(MAX_LINE_QUANTITY)]
    )
    choice_ids = models.JSONField(_("chosen option variants"), default=list)
    # The sorted choice ids as text: one line per product and set of variants.
    options_key = models.CharField(_("options key"), max_length=200, blank=True)
    added_at = models.DateTimeField(_("date added"), default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        constraints = [
            models.UniqueConstraint(fields=["cart", "product", "options_key"], name="cart_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.product_id} × {self.quantity}"


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    CANCELLED = "cancelled", _("Cancelled")


# The order state machine (seed 001): only orders.services.order_transition() changes a status.
# An open order may ship unpaid: cash on delivery, or paying on receipt (the seed never asks
# for payment first); the seller's page then says it is unpaid.
TRANSITIONS = {
    OrderStatus.OPEN: {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: set(),
    OrderStatus.CANCELLED: set(),
}


class CancelReason(models.TextChoices):
    """Why the seller cancels (seed 001: «отменен покупателем после связи с ним, либо когда
    покупатель не вышел на связь и не подтвердил заказ» in the confirmation period)."""

    BUYER_ASKED = "buyer_asked", _("The buyer asked to cancel")
    NO_CONFIRMATION = "no_confirmation", _("The buyer did not confirm the order in time")
    # Only staff (moderation, seed 001 reason 5): never offered to sellers.
    FAKE_ORDER = "fake_order", _("Cancelled by Lavka as a fake order")


class DeliveryMethod(models.TextChoices):
    COURIER = "courier", _("Courier")
    RUSSIAN_POST = "russian_post", _("Russian Post")
    CDEK = "cdek", _("CDEK")
    OTHER = "other", _("Other")


def new_secret() -> str:
    import secrets

    return secrets.token_urlsafe(24)


class Order(models.Model):
    """One shop's order: a snapshot of what was bought, at which prices, and how to deliver it."""

    number = models.CharField(_("number"), max_length=20, unique=True, blank=True)
    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    is_guest = models.BooleanField(_("guest order"), default=False)
    # The guest's way back to the order (the link in the e-mail); idempotency of the form.
    secret = models.CharField(_("secret link code"), max_length=64, default=new_secret, editable=False)
    idempotency_key = models.CharField(_("double order protection key"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus, default=OrderStatus.OPEN, db_index=True)
    buyer_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("e-mail"))
    # Blank for an order of digital products only: nothing to deliver (``needs_delivery``).
    address = models.TextField(_("delivery address"), max_length=1000, blank=True)
    delivery_method = models.CharField(_("delivery"), max_length=16, choices=DeliveryMethod, blank=True)
    needs_delivery = models.BooleanField(_("needs delivery"), default=True)
    contact_method = models.CharField(_("contact method"), max_length=16)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    rules_accepted = models.BooleanField(_("shop rules accepted"), default=False)
    subtotal = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    # The seller's promo code as it was applied (orders/pricing.py): the code may change or go later.
    promo_code = models.ForeignKey("referrals.PromoCode", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="orders", verbose_name=_("promo code"))  # fmt: skip
    promo_code_text = models.CharField(_("promo code"), max_length=40, blank=True)
    promo_discount = models.DecimalField(_("promo code discount"), max_digits=12, decimal_places=2, default=0)
    # «Дружные скидки»: the platform's discount, paid to the seller by Lavka (compensation below).
    referral_code = models.ForeignKey("referrals.ReferralCode", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="orders", verbose_name=_("Lavka's promo code"))  # fmt: skip
    referral_code_text = models.CharField(_("Lavka's promo code"), max_length=20, blank=True)
    platform_discount = models.DecimalField(_("Lavka's discount"), max_digits=12, decimal_places=2, default=0)
    compensation = models.ForeignKey("orders.Compensation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="orders", verbose_name=_("compensation paid"))  # fmt: skip
    # What the buyer pays for the goods: subtotal (the lines) − the promo code's discount − Lavka's discount.
    total = models.DecimalField(_("to pay"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("placed"), default=timezone.now, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed by the buyer"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # Delivery state, not a status (the seed's four statuses stay): the carrier reported the
    # parcel delivered, or the buyer said they have it.
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=20, choices=CancelReason, blank=True)
    source = models.CharField(_("where the order came from"), max_length=20, choices=OrderSource, default="direct")
    source_referrer = models.CharField(_("referring page"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_non_negative"),
            models.CheckConstraint(condition=models.Q(platform_discount__gte=0), name="order_platform_discount_gte0"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(platform_discount__gt=0), name="order_platform_discount_idx"
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return self.link(reverse("orders:detail", kwargs={"number": self.number}))

    def link(self, url: str) -> str:
        """A page of this order as the buyer reaches it: a guest's carries the secret from the e-mail."""
        return f"{url}?key={self.secret}" if self.is_guest else url

    @property
    def is_reviewable(self) -> bool:
        """Items are reviewed once the order has been shipped; files need no parcel, so an order of
        digital goods only is reviewed once the seller confirmed its payment."""
        return self.status == OrderStatus.SHIPPED or (not self.needs_delivery and self.status == OrderStatus.PAID)

    @property
    def next_statuses(self) -> list[str]:
        return [status for status in OrderStatus.values if status in TRANSITIONS[OrderStatus(self.status)]]

    @property
    def unconfirmed_cancel_from(self):
        """From this day the seller may cancel an order the buyer neither confirmed nor paid."""
        from marketplace.workdays import add_workdays

        return add_workdays(timezone.localtime(self.created_at).date(), self.shop.confirmation_days)

    @property
    def may_cancel_as_unconfirmed(self) -> bool:
        """Seed 001: an open order the buyer neither confirmed nor paid, once the period is over."""
        return (
            self.status == OrderStatus.OPEN
            and self.confirmed_at is None
            and self.paid_at is None
            and timezone.localdate() >= self.unconfirmed_cancel_from
        )

    @property
    def contact_method_label(self) -> str:
        from shops.models import ContactMethod

        return ContactMethod(self.contact_method).label if self.contact_method in ContactMethod.values else ""


class Compensation(models.Model):
    """Lavka paid a shop the «Дружные скидки» discounts of its orders placed in a period."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="compensations",
                             verbose_name=_("shop"))  # fmt: skip
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    orders_count = models.PositiveIntegerField(_("orders"))
    paid_at = models.DateTimeField(_("paid"), default=timezone.now)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("marked paid by"))  # fmt: skip
    note = models.CharField(_("payment reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["-paid_at"]
        verbose_name = _("compensation paid")
        verbose_name_plural = _("compensations paid")
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="compensation_amount_positive")]

    def __str__(self):
        return f"{self.shop} {self.period_start}–{self.period_end}: {self.amount}"


class OrderItem(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    options = models.CharField(_("options"), max_length=500, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    base_unit = models.DecimalField(_("unit price before discount"), max_digits=12, decimal_places=2)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount = models.CharField(_("discount"), max_length=200, blank=True)
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)
    # A promo code's free product (0 ₽).
    is_gift = models.BooleanField(_("gift"), default=False)
    # A digital product's line: its files open to the buyer by the activation it had when ordered.
    is_digital = models.BooleanField(_("digital"), default=False)
    activation = models.CharField(_("activation"), max_length=10, choices=Activation, blank=True)

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.title} × {self.quantity}"


class Download(models.Model):
    """How many times one buyer has downloaded one sold file (the seed's limit «для одного пользователя»).

    Signed-in people are counted per account (free files and every order alike); a guest per
    order, through the order's secret link. orders.downloads takes a download with a
    conditional UPDATE, so parallel requests never pass the limit.
    """

    file = models.ForeignKey("catalog.DigitalFile", verbose_name=_("file"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             null=True, blank=True, on_delete=models.CASCADE, related_name="+")  # fmt: skip
    order = models.ForeignKey(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.CASCADE, related_name="downloads"
    )
    count = models.PositiveIntegerField(_("downloads"), default=0)
    # Uncounted resumptions (Range requests) since the last counted download (orders.downloads).
    resumed = models.PositiveSmallIntegerField(_("resumed downloads"), default=0)
    first_at = models.DateTimeField(_("first download"), null=True, blank=True)
    last_at = models.DateTimeField(_("last download"), null=True, blank=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        constraints = [
            models.UniqueConstraint(fields=["file", "user"], condition=models.Q(user__isnull=False),
                                    name="download_once_per_user"),
            models.UniqueConstraint(fields=["file", "order"], condition=models.Q(user__isnull=True),
                                    name="download_once_per_guest_order"),
            models.CheckConstraint(condition=models.Q(user__isnull=False) | models.Q(order__isnull=False),
                                   name="download_has_a_downloader"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.file_id}: {self.count}"


class OrderEvent(models.Model):
    """The order's history: who changed what, when (placing included)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order history")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order_id}: {self.get_status_display()}"


class Carrier(models.TextChoices):
    RUSSIAN_POST = "russian_post", _("Russian Post")
    CDEK = "cdek", _("CDEK")
    OTHER = "other", _("Other carrier")


# Carriers whose tracking we fetch ourselves (seed 001: «интегрированы … Почты РФ и ТК СДЭК»).
TRACKED_CARRIERS = (Carrier.RUSSIAN_POST, Carrier.CDEK)


class Shipment(models.Model):
    """A parcel of an order: carrier and track number; an order may have several (seed 001)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=16, choices=Carrier)
    carrier_name = models.CharField(_("carrier's name"), max_length=100, blank=True)
    track_number = models.CharField(_("track number"), max_length=40)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # What the carrier says beyond its events: kept for "tracked sales" of the reliable-seller badge.
    recipient_name = models.CharField(_("recipient at the carrier"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True, db_index=True)
    checked_at = models.DateTimeField(_("tracking checked"), null=True, blank=True)
    check_error = models.CharField(_("tracking error"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        constraints = [
            models.UniqueConstraint(fields=["order", "carrier", "track_number"], name="shipment_track_once_per_order")
        ]
        indexes = [models.Index(fields=["delivered_at", "carrier", "checked_at"], name="shipment_refresh_due")]

    def __str__(self):
        return f"{self.carrier_label} {self.track_number}"

    def get_absolute_url(self):
        """Our tracking page; guests reach it with the order's secret, like the order page."""
        from django.urls import reverse

        return self.order.link(reverse("orders:tracking", kwargs={"number": self.order.number, "pk": self.pk}))

    @property
    def carrier_label(self) -> str:
        return self.carrier_name if self.carrier == Carrier.OTHER and self.carrier_name else self.get_carrier_display()

    @property
    def is_tracked(self) -> bool:
        return self.carrier in TRACKED_CARRIERS

    @property
    def latest_event(self):
        """The newest event (from the prefetched events where the page prefetched them)."""
        events = list(self.events.all())
        return events[-1] if events else None

    @property
    def last_status(self) -> str:
        """What the carrier said last."""
        return self.latest_event.status if self.latest_event else ""

    @property
    def public_url(self) -> str:
        from .tracks import public_tracking_url

        return public_tracking_url(self.carrier, self.track_number)


class TrackingEvent(models.Model):
    """One operation the carrier reported (stored so the page doesn't ask the carrier every time)."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(_("when"))
    status = models.CharField(_("what happened"), max_length=200)
    location = models.CharField(_("where"), max_length=200, blank=True)
    is_delivery = models.BooleanField(_("delivered"), default=False)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        constraints = [
            models.UniqueConstraint(fields=["shipment", "occurred_at", "status"], name="tracking_event_once")
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.status}"


class ReviewKind(models.TextChoices):
    """Who stands behind a review: a buyer about what they bought, or Lavka's administration
    attaching a sanction to a shop (seed 001: «негативный отзыв … без возможности его удаления»)."""

    BUYER = "buyer", _("buyer's review")
    MODERATION = "moderation", _("review by Lavka's administration")


# The buyer may change a review this long after writing it; the seller's answer, after answering.
REVIEW_EDIT_PERIOD = timedelta(days=30)
ANSWER_EDIT_PERIOD = timedelta(hours=24)
MAX_REVIEW_PHOTOS = 5


class Review(models.Model):
    """A registered buyer's stars and words about a product they bought (seed 001: only they may),
    or a moderation review attached to a shop; both count in the ratings, neither can be hidden by
    the seller, who may answer each once in public."""

    kind = models.CharField(_("kind"), max_length=12, choices=ReviewKind, default=ReviewKind.BUYER)
    # A buyer's review is about one bought item; a moderation review is about the shop (CheckConstraint).
    item = models.OneToOneField(
        OrderItem, verbose_name=_("order item"), null=True, blank=True, on_delete=models.CASCADE, related_name="review"
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    # The buyer, or the admin who wrote a moderation review.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="reviews"
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("review"), max_length=2000)
    created_at = models.DateTimeField(_("written"), default=timezone.now, db_index=True)
    # Set by the author's last edit; the earlier versions are ReviewRevision rows.
    edited_at = models.DateTimeField(_("changed"), null=True, blank=True)
    # Moderation may hide a review; hidden ones count in no rating.
    is_published = models.BooleanField(_("published"), default=True)
    # The seller's public answer: once, editable for ANSWER_EDIT_PERIOD after answered_at.
    answer = models.TextField(_("seller's answer"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_edited_at = models.DateTimeField(_("answer changed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
            models.CheckConstraint(
                condition=~models.Q(kind=ReviewKind.BUYER) | models.Q(item__isnull=False, order__isnull=False),
                name="review_buyer_has_item_and_order",
            ),
            models.CheckConstraint(
                condition=models.Q(answer="") | models.Q(answered_at__isnull=False), name="review_answer_has_date"
            ),
        ]
        indexes = [models.Index(fields=["shop", "is_published", "-created_at"], name="review_shop_page")]

    def __str__(self):
        return f"{self.rating}★ {self.item or self.shop}"

    @property
    def is_moderation(self) -> bool:
        return self.kind == ReviewKind.MODERATION

    @property
    def author_display(self) -> str:
        """«Мария И.»: buyers are shown by first name and initial."""
        parts = (self.author.name or self.author.email.split("@")[0]).split()
        return " ".join([parts[0], *(f"{part[0]}." for part in parts[1:2])]) if parts else ""

    @property
    def edit_until(self):
        return self.created_at + REVIEW_EDIT_PERIOD

    @property
    def is_editable(self) -> bool:
        """The author may still change it (a moderation review is changed in the admin, if at all)."""
        return self.kind == ReviewKind.BUYER and timezone.now() <= self.edit_until

    @property
    def answer_edit_until(self):
        return None if self.answered_at is None else self.answered_at + ANSWER_EDIT_PERIOD

    @property
    def may_answer(self) -> bool:
        """The seller may answer now: not yet, or within a day of the first answer."""
        return self.is_published and (self.answered_at is None or timezone.now() <= self.answer_edit_until)


class ReviewPhoto(models.Model):
    """A photo the buyer attached to a review (at most MAX_REVIEW_PHOTOS); thumbnails are made on upload."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to="orders/reviews/%Y/%m/", width_field="width",
                              height_field="height", validators=[validate_upload_size])  # fmt: skip
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    thumb = ImageSpecField(source="image", processors=[ResizeToFill(160, 160)], format="WEBP", options={"quality": 80})
    large = ImageSpecField(source="image", processors=[ResizeToFit(1200, 1200)], format="WEBP", options={"quality": 85})

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")

    def __str__(self):
        return self.image.name


class ReviewRevision(models.Model):
    """An earlier version of a review, kept when its author changed it."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="revisions")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), max_length=2000)
    # When this version was replaced by the next one.
    edited_at = models.DateTimeField(_("replaced"), default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-pk"]
        verbose_name = _("earlier version of a review")
        verbose_name_plural = _("earlier versions of reviews")

    def __str__(self):
        return f"{self.rating}★ {self.edited_at:%Y-%m-%d %H:%M}"
