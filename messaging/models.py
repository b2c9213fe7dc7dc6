"""Buyer–shop conversations: messages, their attachments, refused attempts, reports, quick replies."""

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 4000
MAX_ATTACHMENTS = 5
# Attachments are private: only the conversation's two sides get them, through a view
# (marketplace.media.PRIVATE_PREFIXES lists this folder so /media/ refuses it).
ATTACHMENTS_PREFIX = "messaging/attachments/"


class Side(models.TextChoices):
    BUYER = "buyer", _("buyer")
    SHOP = "shop", _("shop")


class ConversationQuerySet(models.QuerySet):
    def with_unread(self, side: str):
        """``unread_count``: messages from the other side that ``side`` has not read yet."""
        return self.annotate(
            unread_count=Count("messages", filter=Q(messages__read_at__isnull=True) & ~Q(messages__sender_side=side))
        )

    def with_order_flag(self):
        from orders.models import Order

        return self.annotate(
            has_order=Exists(Order.objects.filter(shop=OuterRef("shop"), buyer=OuterRef("buyer"), is_guest=False))
        )


class Conversation(models.Model):
    """One per (registered buyer, shop); messages about an order carry it (shown as a chip)."""

    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="conversations"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="conversations"
    )
    started_by = models.CharField(_("started by"), max_length=5, choices=Side)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now, db_index=True)
    # When each side was last e-mailed about new messages: bursts are bundled (services.notify).
    buyer_notified_at = models.DateTimeField(_("buyer e-mailed"), null=True, blank=True)
    shop_notified_at = models.DateTimeField(_("shop e-mailed"), null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-last_message_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["buyer", "shop"], name="conversation_once_per_buyer_and_shop")]

    def __str__(self):
        return f"{self.buyer} ↔ {self.shop}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="messages"
    )
    sender_side = models.CharField(_("from"), max_length=5, choices=Side)
    # Who typed it: the buyer, or the shop's owner (shops have no staff accounts yet).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    text = models.TextField(_("text"), max_length=MAX_TEXT, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="messages")  # fmt: skip
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    # Read receipt: when the other side opened it. For buyers' messages, also when the shop
    # answered (seed 001 reason 4: unread and unanswered messages are the moderation's concern).
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # When the other side was e-mailed about it (None: not yet; bundled into the next notice).
    notified_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["author", "created_at"], name="message_author_time_idx")]

    def __str__(self):
        return self.text[:60]


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        PDF = "pdf", _("PDF")

    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind)
    file = models.FileField(_("file"), upload_to=ATTACHMENTS_PREFIX + "%Y/%m/", max_length=200)
    name = models.CharField(_("file name"), max_length=150)
    size = models.PositiveIntegerField(_("size, bytes"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind == self.Kind.IMAGE


class RefusedMessage(models.Model):
    """A message the rules refused: never delivered, kept for the moderators (repeated attempts)."""

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("conversation"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shop = models.ForeignKey("shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="+")
    sender_side = models.CharField(_("from"), max_length=5, choices=Side)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(_("text"))
    reason = models.TextField(_("reason"))
    kinds = models.JSONField(_("what was found"), default=list)
    created_at = models.DateTimeField(_("attempted"), default=timezone.now)

    class Meta:
        verbose_name = _("refused message")
        verbose_name_plural = _("refused messages")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]


class MessageReport(models.Model):
    """A buyer's complaint about a shop's message; the moderation app reviews them."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        REVIEWED = "reviewed", _("reviewed")

    message = models.ForeignKey(Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("what is wrong"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW, db_index=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="message_report_once")]

    def __str__(self):
        return f"#{self.message_id}"


class QuickReply(models.Model):
    """A seller's ready-made answer; «{номер}» is replaced by the order number when inserted."""

    shop = models.ForeignKey(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="quick_replies"
    )
    title = models.CharField(_("title"), max_length=60)
    text = models.TextField(_("text"), max_length=MAX_TEXT)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("quick reply")
        verbose_name_plural = _("quick replies")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class ShopMessaging(models.Model):
    """Per-shop messaging facts: whether the seed's example replies were already given."""

    shop = models.OneToOneField(
        "shops.Shop", verbose_name=_("shop"), on_delete=models.CASCADE, related_name="messaging"
    )
    quick_replies_seeded = models.BooleanField(_("sample quick replies added"), default=False)

    class Meta:
        verbose_name = _("messaging settings of a shop")
        verbose_name_plural = _("messaging settings of shops")

    def __str__(self):
        return str(self.shop)
