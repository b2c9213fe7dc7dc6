"""Referrals data: the seller's promo codes and personal offers on abandoned carts.

A promo code's uses, revenue and discount given are counted by the orders app when an order
with the code is placed (DESIGN.md: a lower model stores a fact a higher app computes).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product

MAX_CODE_LENGTH = 40


class PromoBonus(models.TextChoices):
    """What the code gives (seed 001: «скидка на заказ», «скидка на товары», «бесплатные товары»)."""

    ORDER = "order", _("Discount on the order")
    PRODUCTS = "products", _("Discount on chosen products")
    GIFTS = "gifts", _("Free products as a gift")


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("in %")
    RUBLES = "rubles", _("in rubles")


class PromoCode(models.Model):
    """«Промо-акция с промо-кодом»: a code the buyer types at checkout, with one bonus."""

    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="promo_codes")
    name = models.CharField(_("promotion name"), max_length=100, help_text=_("Only you see it, in the cabinet."))
    code = models.CharField(_("promo code"), max_length=MAX_CODE_LENGTH)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    bonus = models.CharField(_("bonus"), max_length=10, choices=PromoBonus, default=PromoBonus.ORDER)
    discount_kind = models.CharField(_("discount"), max_length=10, choices=DiscountKind, default=DiscountKind.PERCENT)
    value = models.DecimalField(_("discount size"), max_digits=12, decimal_places=2, default=0)
    # PRODUCTS: the discounted products; GIFTS: buying any of them brings the gifts (none: any order).
    products = models.ManyToManyField(Product, blank=True, related_name="+", verbose_name=_("products"))
    gift_products = models.ManyToManyField(Product, blank=True, related_name="+", verbose_name=_("gifts"))
    min_order_total = models.DecimalField(_("minimum order total"), max_digits=12, decimal_places=2, null=True,
                                          blank=True)  # fmt: skip
    max_uses = models.PositiveIntegerField(_("uses in total"), null=True, blank=True)
    max_uses_per_buyer = models.PositiveIntegerField(_("uses per buyer"), null=True, blank=True)
    uses_count = models.PositiveIntegerField(_("uses"), default=0)
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=0)
    discount_given = models.DecimalField(_("discount given"), max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        constraints = [
            models.UniqueConstraint("shop", Lower("code"), name="promo_code_unique_in_shop"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="promo_value_non_negative"),
        ]

    def __str__(self):
        return self.code

    @property
    def is_ended(self) -> bool:
        return self.ends_at is not None and self.ends_at <= timezone.now()

    @property
    def is_used_up(self) -> bool:
        return self.max_uses is not None and self.uses_count >= self.max_uses

    @property
    def state(self) -> str:
        """For the seller's list: «active», «off», «scheduled», «ended» or «used up»."""
        now = timezone.now()
        if not self.is_enabled:
            return "off"
        if self.ends_at is not None and self.ends_at <= now:
            return "ended"
        if self.is_used_up:
            return "used_up"
        if self.starts_at is not None and self.starts_at > now:
            return "scheduled"
        return "active"


class PersonalOffer(models.Model):
    """A seller's % off one product for one registered buyer who left it in the cart.

    Seed 001: once per buyer per product, ever (the unique constraint). It prices the buyer's
    line as the pipeline's «personal offer» until it expires or an order uses it.
    """

    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="personal_offers"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="personal_offers"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="personal_offers"
    )
    percent = models.PositiveSmallIntegerField(_("discount, %"), validators=[MinValueValidator(1),
                                                                             MaxValueValidator(90)])  # fmt: skip
    created_at = models.DateTimeField(_("offered"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made by"),
                                   null=True, blank=True, on_delete=models.SET_NULL, related_name="+")  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal offer")
        verbose_name_plural = _("personal offers")
        constraints = [
            models.UniqueConstraint(fields=["buyer", "product"], name="personal_offer_once_per_buyer_product"),
            models.CheckConstraint(condition=models.Q(percent__gte=1, percent__lte=90), name="personal_offer_percent"),
        ]

    def __str__(self):
        return f"{self.percent}% {self.product_id} → {self.buyer_id}"

    @property
    def is_active(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


# --- «Дружные скидки» (seed 000): rounds, personal links, friends' visits, the codes they earn ---

REFERRAL_CODE_PREFIX = "LAVKA-"


class FriendRule(models.TextChoices):
    """What makes a person who follows the link a friend (seed 000: following the link)."""

    VISIT = "visit", _("Following the link")
    SIGNUP = "signup", _("Following the link and signing up")


def default_invitation_text() -> str:
    return str(_("I buy handmade things from small shops on Lavka. Follow my link and have a look!"))


class ReferralRound(models.Model):
    """A round of «Дружные скидки»: while it is open, inviting enough friends earns a code of
    ``code_value`` rubles on an order of at least ``min_order_total``, valid until the round ends."""

    title = models.CharField(_("title"), max_length=100, help_text=_("Shown to buyers, e.g. «Декабрьский раунд»."))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    code_value = models.DecimalField(_("code value, ₽"), max_digits=8, decimal_places=0)
    min_order_total = models.DecimalField(_("minimum order total, ₽"), max_digits=8, decimal_places=0)
    friends_needed = models.PositiveSmallIntegerField(
        _("friends needed"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    friend_rule = models.CharField(_("who counts as a friend"), max_length=10, choices=FriendRule,
                                   default=FriendRule.VISIT)  # fmt: skip
    invitation_text = models.TextField(_("invitation text"), max_length=1000, default=default_invitation_text)
    # «через некоторое время после завершения раунда будет открываться новый»: the rotation job
    # schedules a copy this many days after the end, unless an admin has scheduled one already.
    repeat_after_days = models.PositiveSmallIntegerField(
        _("next round after, days"), null=True, blank=True,
        help_text=_("Leave empty to schedule the next round by hand."),
    )  # fmt: skip
    opened_at = models.DateTimeField(_("opened by the job"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed by the job"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("date created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("«Friends' discounts» round")
        verbose_name_plural = _("«Friends' discounts» rounds")
        constraints = [
            models.CheckConstraint(condition=models.Q(code_value__gt=0), name="referral_round_value_positive"),
            models.CheckConstraint(
                condition=models.Q(code_value__lt=models.F("min_order_total")),
                name="referral_round_value_below_minimum",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="referral_round_ends_after_start"
            ),  # fmt: skip
            models.CheckConstraint(condition=models.Q(friends_needed__gte=1), name="referral_round_friends"),
        ]

    def __str__(self):
        return self.title

    def is_open_at(self, moment) -> bool:
        return self.starts_at <= moment < self.ends_at

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())


class ReferralLink(models.Model):
    """A buyer's personal link ``/r/<token>/`` for one round, with the friends it has brought."""

    round = models.ForeignKey(ReferralRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="referral_links"
    )
    token = models.CharField(_("link code"), max_length=24, unique=True)
    friends_count = models.PositiveSmallIntegerField(_("friends"), default=0)
    # The browsers (their signed cookie ids) the inviter opened «Дружные скидки» in: their own
    # clicks from there never count, even signed out.
    inviter_browsers = models.JSONField(_("inviter's browsers"), default=list, blank=True)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)

    class Meta:
        verbose_name = _("referral link")
        verbose_name_plural = _("referral links")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="referral_link_once_per_round")]

    def __str__(self):
        return self.token

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("referrals:follow", args=[self.token])

    @property
    def is_reached(self) -> bool:
        return self.friends_count >= self.round.friends_needed


class VisitStatus(models.TextChoices):
    COUNTED = "counted", _("counted")
    AWAITING_SIGNUP = "awaiting", _("waiting for the sign-up")


class ReferralVisit(models.Model):
    """A friend who followed a link: counted, or waiting to sign up (rounds that ask for it).

    Visits that do not count (the inviter, a second click, a bot) are not stored."""

    link = models.ForeignKey(ReferralLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="visits")
    browser = models.CharField(_("browser"), max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             null=True, blank=True, on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    # A keyed hash of the client's address: enough to see a burst from one address, not the address.
    address = models.CharField(_("client address, hashed"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus, default=VisitStatus.COUNTED)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)

    class Meta:
        verbose_name = _("friend's visit")
        verbose_name_plural = _("friends' visits")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["link", "browser"], name="referral_visit_once_per_browser"),
            models.UniqueConstraint(
                fields=["link", "user"], condition=models.Q(user__isnull=False), name="referral_visit_once_per_account"
            ),  # fmt: skip
        ]
        indexes = [
            models.Index(fields=["link", "address", "created_at"], name="referral_visit_address_idx"),
            models.Index(fields=["browser", "status"], name="referral_visit_browser_idx"),
        ]

    def __str__(self):
        return f"{self.link_id}: {self.browser}"


class ReferralCode(models.Model):
    """The code a round gives its inviter: once per user per round, usable once, by its owner only.

    The platform pays it (DESIGN.md «Pricing»): an order records it apart from the shop's discounts."""

    round = models.ForeignKey(ReferralRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="codes")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="referral_codes"
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    value = models.DecimalField(_("value, ₽"), max_digits=8, decimal_places=0)
    min_order_total = models.DecimalField(_("minimum order total, ₽"), max_digits=8, decimal_places=0)
    expires_at = models.DateTimeField(_("valid until"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("«Friends' discounts» code")
        verbose_name_plural = _("«Friends' discounts» codes")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "owner"], name="referral_code_once_per_round"),
            models.CheckConstraint(
                condition=models.Q(value__gt=0) & models.Q(value__lt=models.F("min_order_total")),
                name="referral_code_value_below_minimum",
            ),  # fmt: skip
        ]

    def __str__(self):
        return self.code

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Invitation(models.Model):
    """An invitation sent from «Дружные скидки»: to a registered user as a site message (their
    messages page shows it), or to an e-mail address."""

    link = models.ForeignKey(ReferralLink, verbose_name=_("link"), on_delete=models.CASCADE, related_name="invitations")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="referral_invitations")  # fmt: skip
    email = models.EmailField(_("e-mail"))
    text = models.TextField(_("text"), max_length=1600)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["link", "email"], name="invitation_once_per_address")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="invitation_recipient_idx")]

    def __str__(self):
        return self.email
