"""Moderation data: complaints, and the «Надёжный продавец» badge's applications, re-checks and withdrawals."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shops.models import Shop


class ComplaintKind(models.TextChoices):
    QUALITY = "quality", _("Quality of the goods")
    SERVICE = "service", _("Service")
    FRAUD = "fraud", _("Fraud")
    NOT_PROCESSED = "not_processed", _("Order not processed")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("complaint", "New")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Complaint(models.Model):
    """A complaint about a shop from a buyer, or from the administration (no author).

    The moderation issue builds the forms and decisions on it; a confirmed complaint costs
    the shop the «Надёжный продавец» badge's third criterion («нет жалоб»).
    """

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="complaints",
                             verbose_name=_("shop"))  # fmt: skip
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="complaints", verbose_name=_("order"))  # fmt: skip
    # Nobody: the administration's own complaint.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="complaints", verbose_name=_("author"))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=16, choices=ComplaintKind)
    text = models.TextField(_("text"), max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=ComplaintStatus, default=ComplaintStatus.NEW,
                              db_index=True)  # fmt: skip
    # What it is about, besides the shop: an order, a product, or a shop's message (with a copy of
    # the conversation taken when the complaint was made, so the evidence can't change).
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="complaints", verbose_name=_("product"))  # fmt: skip
    message = models.ForeignKey("messaging.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="complaints", verbose_name=_("message"))  # fmt: skip
    conversation_copy = models.TextField(_("copy of the conversation"), blank=True)
    seller_answer = models.TextField(_("the seller's answer"), max_length=4000, blank=True)
    seller_answered_at = models.DateTimeField(_("the seller answered"), null=True, blank=True)
    decision = models.TextField(_("decision"), max_length=4000, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("complaint", "received"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["shop", "status"], name="complaint_shop_status")]

    def __str__(self):
        return f"{self.shop}: {self.get_kind_display()} ({self.get_status_display()})"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


MESSAGE_MAX_LENGTH = 1000


class ReliableApplication(models.Model):
    """«Стать надежным продавцом»: a seller asks for the badge; an admin decides (seed 001)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="reliable_applications",
                             verbose_name=_("shop"))  # fmt: skip
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("applicant"))  # fmt: skip
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH, blank=True)
    # The four criteria as computed when the seller applied (selectors.ReliableCriteria.as_snapshot()).
    criteria = models.JSONField(_("criteria when applying"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus,
                              default=ApplicationStatus.PENDING, db_index=True)  # fmt: skip
    created_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))  # fmt: skip
    reason = models.TextField(_("reason for refusal"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("«Reliable seller» application")
        verbose_name_plural = _("«Reliable seller» applications")
        constraints = [
            models.UniqueConstraint(
                fields=["shop"], condition=models.Q(status="pending"), name="reliable_application_one_pending"
            )
        ]

    def __str__(self):
        return f"{self.shop} · {self.created_at:%d.%m.%Y}"


class ReliableFlag(models.Model):
    """The daily re-check found a badge holder below the criteria: an admin looks (the job never
    removes a badge itself). Closed when the badge is withdrawn, the criteria are met again, or
    an admin marks it resolved."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="reliable_flags",
                             verbose_name=_("shop"))  # fmt: skip
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    checked_at = models.DateTimeField(_("last checked"), default=timezone.now)
    # Codes of the criteria not met ("tracked_sales", …) and the whole computation, as last checked.
    failed = models.JSONField(_("criteria not met"), default=list)
    criteria = models.JSONField(_("criteria"), default=dict)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("resolved by"))  # fmt: skip
    resolution = models.CharField(_("resolution"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("«Reliable seller» flag")
        verbose_name_plural = _("«Reliable seller» flags")
        constraints = [
            models.UniqueConstraint(
                fields=["shop"], condition=models.Q(resolved_at__isnull=True), name="reliable_flag_one_open"
            )
        ]

    def __str__(self):
        return f"{self.shop} · {self.created_at:%d.%m.%Y}"


class ReliableWithdrawal(models.Model):
    """An admin took the badge away, and why (e-mailed to the seller and shown in the cabinet)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="reliable_withdrawals",
                             verbose_name=_("shop"))  # fmt: skip
    reason = models.TextField(_("reason"), max_length=2000)
    withdrawn_at = models.DateTimeField(_("withdrawn"), default=timezone.now)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("withdrawn by"))  # fmt: skip

    class Meta:
        ordering = ["-withdrawn_at", "-pk"]
        verbose_name = _("«Reliable seller» withdrawal")
        verbose_name_plural = _("«Reliable seller» withdrawals")

    def __str__(self):
        return f"{self.shop} · {self.withdrawn_at:%d.%m.%Y}"


class BadgeHolder(Shop):
    """The shops holding the badge, as the admin lists them to withdraw it (a view of shops.Shop)."""

    class Meta:
        proxy = True
        verbose_name = _("«Reliable seller» badge holder")
        verbose_name_plural = _("«Reliable seller» badge holders")


# --- Sanctions (seed 001 «Обязанности продавцов», reasons 1–6) ----------------------------------


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    HIDE_PRODUCT = "hide_product", _("Product hidden")
    HIDE_PRODUCTS = "hide_products", _("Shop's products hidden")
    SWITCH_OFF = "switch_off", _("Shop switched off")
    BAN = "ban", _("Permanent ban")


class SanctionReason(models.TextChoices):
    """The seed's six duties, plus the third warning and anything else an admin names."""

    NOT_PROCESSED = "not_processed", _("Order not processed within 24 hours")
    QUALITY = "quality", _("Complaint about the quality of the goods")
    SERVICE = "service", _("Complaint about the service")
    FRAUD = "fraud", _("Fraud")
    IMAGES = "images", _("Product images")
    UNANSWERED = "unanswered", _("Buyers' messages left unanswered")
    FAKE_ORDERS = "fake_orders", _("Fake orders")
    CONTACTS = "contacts", _("Contacts or links in texts")
    WARNINGS = "warnings", _("Third warning")
    OTHER = "other", _("Other")


class Sanction(models.Model):
    """One sanction on a shop: who imposed it (nobody: a job), why, the evidence, and whether it
    was lifted (who, when, why). The shop's standing (``Shop.sanction_state``) and a product's
    ``is_hidden_by_moderation`` are derived from the active ones (services.sanctions.standing_refresh)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="sanctions", verbose_name=_("shop"))
    kind = models.CharField(_("sanction"), max_length=16, choices=SanctionKind)
    reason = models.CharField(_("reason"), max_length=16, choices=SanctionReason)
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="sanctions", verbose_name=_("product"))  # fmt: skip
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="sanctions", verbose_name=_("complaint"))  # fmt: skip
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("order"))  # fmt: skip
    details = models.TextField(_("what happened"), max_length=4000, help_text=_("The seller reads it."))
    evidence = models.TextField(_("evidence"), max_length=10000, blank=True)
    created_at = models.DateTimeField(_("imposed"), default=timezone.now, db_index=True)
    # Nobody: imposed by a job (reasons 1 and 4) or by a buyer's «заказ не обработан» complaint.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("imposed by"))  # fmt: skip
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("lifted by"))  # fmt: skip
    lift_reason = models.TextField(_("why lifted"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        indexes = [models.Index(fields=["shop", "lifted_at"], name="sanction_shop_active")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="hide_product", product__isnull=False) | ~models.Q(kind="hide_product"),
                name="sanction_hide_product_names_it",
            ),
        ]

    def __str__(self):
        return f"{self.shop}: {self.get_kind_display()} ({self.get_reason_display()})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class Appeal(models.Model):
    """«Написать нам»: anyone writes; a seller may name a sanction and describe the fix. Admins
    answer within three working days (Russian calendar): ``deadline`` is set when it arrives."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="appeals", verbose_name=_("author"))  # fmt: skip
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    sanction = models.ForeignKey(Sanction, null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals",
                                 verbose_name=_("sanction"))  # fmt: skip
    text = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    deadline = models.DateField(_("answer by"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("resolved by"))  # fmt: skip
    resolution = models.TextField(_("answer"), max_length=4000, blank=True)

    class Meta:
        ordering = ["deadline", "created_at"]
        verbose_name = _("message to Lavka")
        verbose_name_plural = _("messages to Lavka")
        indexes = [models.Index(fields=["resolved_at", "deadline"], name="appeal_open_deadline")]

    def __str__(self):
        return f"{self.name}: {self.text[:60]}"


class ComplaintPhoto(models.Model):
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="moderation/complaints/%Y/%m/", max_length=200)

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")
        ordering = ["pk"]

    def __str__(self):
        return self.image.name

    def get_absolute_url(self):
        """Private (marketplace.media.PRIVATE_PREFIXES): the complainant, the shop's owner and staff see it."""
        from django.urls import reverse

        return reverse("moderation:complaint-photo", args=[self.complaint_id, self.pk])


class ImageClaimKind(models.TextChoices):
    """«Основания для удаления/скрытия изображений» (seed 001, reason 3)."""

    BORROWED = "borrowed", _("Borrowed from another site or shop")
    POOR = "poor", _("Poor quality or too small")
    DUPLICATE = "duplicate", _("The same image on different products")
    CAPTIONS = "captions", _("Captions or watermarks")
    COLLAGE = "collage", _("A scheme, drawing or collage as the cover")


class ImageClaimStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("image claim", "New")
    CONFIRMED = "confirmed", _("Confirmed: product hidden until the image is replaced")
    REPLACED = "replaced", _("Image replaced: to check again")
    REJECTED = "rejected", _("Rejected")
    RESOLVED = "resolved", _("Resolved")


class ImageClaim(models.Model):
    """A product photo in the image queue: found on upload (a perceptual-hash match, blur, size)
    or flagged by a visitor or a rights holder; ``matching`` is the other photo it resembles."""

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="image_claims",
                                verbose_name=_("product"))  # fmt: skip
    image = models.ForeignKey("catalog.ProductImage", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="claims", verbose_name=_("image"))  # fmt: skip
    matching = models.ForeignKey("catalog.ProductImage", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("matching image"))  # fmt: skip
    kind = models.CharField(_("what is wrong"), max_length=12, choices=ImageClaimKind)
    automatic = models.BooleanField(_("found automatically"), default=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("reported by"))  # fmt: skip
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)
    is_rights_holder = models.BooleanField(_("the rights holder"), default=False)
    text = models.TextField(_("details"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImageClaimStatus, default=ImageClaimStatus.NEW,
                              db_index=True)  # fmt: skip
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("image claim")
        verbose_name_plural = _("image claims")

    def __str__(self):
        return f"{self.product}: {self.get_kind_display()}"


class TextHitStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("text hit", "New")
    CLEANED = "cleaned", _("Removed from the text, warning given")
    DISMISSED = "dismissed", _("Not a contact")


class TextHit(models.Model):
    """Contacts or links found in a shop's or a product's text (reason 6): the scan on save and
    the scheduled scan put them here; the admin's action removes them and warns the seller."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="text_hits", verbose_name=_("shop"))
    product = models.ForeignKey("catalog.Product", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="text_hits", verbose_name=_("product"))  # fmt: skip
    field = models.CharField(_("field"), max_length=40)
    found = models.JSONField(_("what was found"), default=list)
    excerpt = models.TextField(_("text"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=TextHitStatus, default=TextHitStatus.NEW,
                              db_index=True)  # fmt: skip
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact in a text")
        verbose_name_plural = _("contacts in texts")

    def __str__(self):
        owner = self._meta.get_field("shop" if self.product_id is None else "product").related_model
        try:
            field = owner._meta.get_field(self.field).verbose_name  # «О нас», not "about"
        except FieldDoesNotExist:
            field = self.field
        return f"{self.shop} · {field}"


# --- Orders seen by moderation (seed 001, reasons 1 and 5) --------------------------------------

from orders.models import Order  # noqa: E402 - imported here: this part was appended by the complaints work


class OrderNoticeKind(models.TextChoices):
    UNPROCESSED = "unprocessed", _("Not processed within 24 hours")


class OrderNotice(models.Model):
    """A notice a job sent about an order, so it is sent once (reason 1: the seller and the admins
    are warned about an order not processed within 24 hours). Only a notice: not a sanction, it
    never counts towards the third warning."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+", verbose_name=_("order"))
    kind = models.CharField(_("notice"), max_length=16, choices=OrderNoticeKind)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("order notice")
        verbose_name_plural = _("order notices")
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="order_notice_once")]

    def __str__(self):
        return f"{self.order_id}: {self.kind}"


class OrderToCheck(Order):
    """Orders as the admin checks them (a view of orders.Order): back-dated ones (a carrier event
    earlier than the order), ones not processed within 24 hours; «cancel as fake» (reason 5)."""

    class Meta:
        proxy = True
        verbose_name = _("order to check")
        verbose_name_plural = _("orders to check")


class ShopNoticeKind(models.TextChoices):
    UNANSWERED = "unanswered", _("Unanswered messages: products to be hidden tomorrow")


class ShopNotice(models.Model):
    """A notice a job e-mailed to a shop, one a day at most (reason 4: the seller is warned a day
    before buyers' unanswered messages hide the products). Only a notice, never a sanction."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="+", verbose_name=_("shop"))
    kind = models.CharField(_("notice"), max_length=16, choices=ShopNoticeKind)
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("shop notice")
        verbose_name_plural = _("shop notices")
        constraints = [models.UniqueConstraint(fields=["shop", "kind", "day"], name="shop_notice_once_a_day")]

    def __str__(self):
        return f"{self.shop_id}: {self.kind} {self.day}"
