"""Shops: the profile a seller fills in, contact methods, vacation and collections."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.text_rules import validate_no_contacts


class ContactMethod(models.TextChoices):
    """How a buyer may want the shop to contact them (seed 001, «способ связи»)."""

    EMAIL = "email", _("E-mail")
    SITE_CHAT = "chat", _("Chat on the site")
    MESSENGER = "messenger", _("WhatsApp / Viber")
    SMS = "sms", _("SMS")
    PHONE_CALL = "call", _("Phone call")


def all_contact_methods() -> list[str]:
    """A new shop offers every method until the seller narrows them (seed 001)."""
    return list(ContactMethod.values)


class PaymentSystem(models.TextChoices):
    CARD_TRANSFER = "card", _("Bank card transfer")
    SBP = "sbp", _("Faster Payments System (SBP)")
    YOOMONEY = "yoomoney", _("YooMoney")
    CASH_ON_DELIVERY = "cod", _("Cash on delivery")
    CASH = "cash", _("Cash when meeting")
    INVOICE = "invoice", _("Bank invoice for companies")


class Carrier(models.TextChoices):
    RUSSIAN_POST = "russian_post", _("Russian Post")
    CDEK = "cdek", _("CDEK")
    BOXBERRY = "boxberry", _("Boxberry")
    COURIER = "courier", _("Courier in the shop's city")
    PICKUP = "pickup", _("Pickup")
    OTHER = "other", _("Other")


class SanctionState(models.TextChoices):
    """Set by moderation; the storefront and catalog read it (never import moderation)."""

    ACTIVE = "active", _("Active")
    HIDDEN = "hidden", _("Products hidden")
    SWITCHED_OFF = "off", _("Switched off")
    BANNED = "banned", _("Banned")


slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$",
    _("Use 3–50 lowercase Latin letters, digits and hyphens; no hyphen at the start or end."),
)


class ShopQuerySet(models.QuerySet):
    def open_to_buyers(self):
        """Shops a buyer may see: not banned and not hidden by moderation."""
        return self.filter(sanction_state=SanctionState.ACTIVE)


class Shop(models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="shop"
    )
    name = models.CharField(_("shop name"), max_length=80, validators=[validate_no_contacts])
    slug = models.SlugField(_("address"), max_length=50, unique=True, validators=[slug_validator])
    city = models.CharField(_("city"), max_length=100)
    tagline = models.CharField(_("tagline"), max_length=150, blank=True, validators=[validate_no_contacts])

    about = models.TextField(_("about us"), blank=True, max_length=10_000, validators=[validate_no_contacts])
    # Rendered from ``about`` (Markdown) and sanitised once on save, not per request.
    about_html = models.TextField(_("«About us», HTML"), editable=False, blank=True)

    payment_systems = models.JSONField(_("payment systems"), default=list, blank=True)
    carriers = models.JSONField(_("carriers"), default=list, blank=True)
    delivery_info = models.TextField(
        _("delivery details"), blank=True, max_length=5000, validators=[validate_no_contacts]
    )
    prepayment_terms = models.TextField(
        _("prepayment terms"), blank=True, max_length=3000, validators=[validate_no_contacts]
    )
    made_to_order_terms = models.TextField(
        _("made-to-order payment terms"), blank=True, max_length=3000, validators=[validate_no_contacts]
    )

    confirmation_days = models.PositiveSmallIntegerField(
        _("order confirmation period, working days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    rules_returns = models.TextField(
        _("returns and exchanges"), blank=True, max_length=5000, validators=[validate_no_contacts]
    )
    rules_payment = models.TextField(
        _("payment and prepayment"), blank=True, max_length=5000, validators=[validate_no_contacts]
    )
    rules_shipping = models.TextField(
        _("shipping times and days"), blank=True, max_length=5000, validators=[validate_no_contacts]
    )
    rules_non_returnable = models.TextField(
        _("goods that cannot be returned"), blank=True, max_length=5000, validators=[validate_no_contacts]
    )
    rules_other = models.TextField(_("other rules"), blank=True, max_length=5000, validators=[validate_no_contacts])
    rules_consent_required = models.BooleanField(
        _("buyers confirm they agree to the rules when ordering"), default=False
    )

    logo = models.ImageField(_("logo"), upload_to="shops/logos/%Y/%m/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="shops/banners/%Y/%m/", blank=True)
    contact_methods = models.JSONField(_("contact methods"), default=all_contact_methods, blank=True)

    # Facts computed by higher apps (orders, moderation) and stored here for the pages.
    sanction_state = models.CharField(
        _("moderation state"), max_length=10, choices=SanctionState, default=SanctionState.ACTIVE, db_index=True
    )
    rating_avg = models.DecimalField(_("average rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(_("reviews"), default=0)
    is_reliable = models.BooleanField(_("reliable seller"), default=False)
    # Median first answer to buyers' messages over 30 days, whole hours (messaging sets it; empty
    # until the shop has enough conversations for the figure to mean something).
    response_hours = models.PositiveSmallIntegerField(_("usually answers within, hours"), null=True, blank=True)

    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ShopQuerySet.as_manager()

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:shop", kwargs={"slug": self.slug})

    @property
    def is_open_to_buyers(self) -> bool:
        return self.sanction_state == SanctionState.ACTIVE

    @property
    def has_rules(self) -> bool:
        return any(
            [self.rules_returns, self.rules_payment, self.rules_shipping, self.rules_non_returnable, self.rules_other]
        )

    @property
    def has_delivery_info(self) -> bool:
        return bool(
            self.payment_systems
            or self.carriers
            or self.delivery_info
            or self.prepayment_terms
            or self.made_to_order_terms
        )

    def get_payment_systems_display(self) -> list[str]:
        return [PaymentSystem(code).label for code in self.payment_systems if code in PaymentSystem.values]

    def get_carriers_display(self) -> list[str]:
        return [Carrier(code).label for code in self.carriers if code in Carrier.values]

    def get_contact_methods_display(self) -> list[str]:
        return [ContactMethod(code).label for code in self.contact_methods if code in ContactMethod.values]

    def contact_methods_for(self, *, is_guest: bool) -> list[str]:
        """Methods a buyer may choose at checkout. Guests have no site chat; if the shop
        offers only chat, a guest gets every other method (seed 001, guest orders)."""
        methods = [code for code in ContactMethod.values if code in self.contact_methods] or all_contact_methods()
        if is_guest:
            methods = [code for code in methods if code != ContactMethod.SITE_CHAT]
            if not methods:
                methods = [code for code in ContactMethod.values if code != ContactMethod.SITE_CHAT]
        return methods

    def current_vacation(self, today: date | None = None):
        """The vacation in force today, or None. Dates decide: no job switches it on or off."""
        vacation = getattr(self, "vacation", None)
        if vacation is None:
            return None
        today = today or timezone.localdate()
        return vacation if vacation.starts_on <= today <= vacation.ends_on else None


class AboutImage(models.Model):
    """Pictures shown with the «О нас» text (the workshop, the maker, the process)."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="about_images")
    image = models.ImageField(_("image"), upload_to="shops/about/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=150, blank=True, validators=[validate_no_contacts])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("«About us» image")
        verbose_name_plural = _("«About us» images")

    def __str__(self):
        return self.caption or self.image.name


class Vacation(models.Model):
    """«Отпуск продавца»: a notice on the storefront and every product, by dates."""

    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="vacation")
    message = models.TextField(_("message to buyers"), max_length=1000, validators=[validate_no_contacts])
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    allow_cart = models.BooleanField(_("buyers may still add products to the cart"), default=True)

    class Meta:
        verbose_name = _("vacation")
        verbose_name_plural = _("vacations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="vacation_dates_order",
                violation_error_message=_("The vacation cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.shop}: {self.starts_on} – {self.ends_on}"


class Collection(models.Model):
    """A section of the shop's storefront («Вигвамы», «Постеры»). Products join it in catalog."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(_("collection name"), max_length=80, validators=[validate_no_contacts])
    cover = models.ImageField(_("cover image"), upload_to="shops/collections/%Y/%m/", blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("date created"), default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [models.UniqueConstraint(fields=["shop", "name"], name="collection_name_unique_in_shop")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:shop-collection", kwargs={"slug": self.shop.slug, "pk": self.pk})
