"""Moderation data: complaints, and the «Надёжный продавец» badge's applications, re-checks and withdrawals."""

from django.conf import settings
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
