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

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="promo_codes")
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
    created_at = models.DateTimeField(default=timezone.now)

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

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="personal_offers")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_offers")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="personal_offers")
    percent = models.PositiveSmallIntegerField(_("discount, %"), validators=[MinValueValidator(1),
                                                                             MaxValueValidator(90)])  # fmt: skip
    created_at = models.DateTimeField(_("offered"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")  # fmt: skip

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
