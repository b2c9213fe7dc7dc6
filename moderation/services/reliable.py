"""Writes of the moderation app: the «Надёжный продавец» badge (apply, approve, refuse, withdraw,
the daily re-check). Complaint decisions are in complaints.py."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.notifications import notify, site_url
from marketplace.pagecache import bump_generation_on_commit
from shops.models import Shop

from ..exceptions import ReliableError
from ..models import (
    MESSAGE_MAX_LENGTH,
    ApplicationStatus,
    ReliableApplication,
    ReliableFlag,
    ReliableWithdrawal,
)
from ..selectors import reliable_criteria

REASON_MAX_LENGTH = 2000


def _locked_shop(shop) -> Shop:
    return Shop.objects.select_for_update().select_related("owner").get(pk=shop.pk)


def _set_badge(shop: Shop, value: bool) -> None:
    shop.is_reliable = value
    shop.save(update_fields=["is_reliable", "updated_at"])
    # Product cards, the product page and the storefront show the badge; the catalog filters by it.
    bump_generation_on_commit()


def _mail_seller(template: str, shop: Shop, **context) -> None:
    notify(template=template, to=[shop.owner.email], context={
        "shop": shop, "trust_url": site_url() + reverse("moderation:cabinet-trust"), **context,
    })  # fmt: skip


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReliableError(_("Give the reason: the seller receives it by e-mail."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ReliableError(_("At most %(count)d characters, please.") % {"count": REASON_MAX_LENGTH}, field="reason")
    return reason


@transaction.atomic
def reliable_apply(*, shop: Shop, actor, message: str = "") -> ReliableApplication:
    """The seller asks for the badge; the criteria as computed today go with the application."""
    shop = _locked_shop(shop)
    if actor is None or actor.pk != shop.owner_id:
        raise ReliableError(_("Only the shop's owner may apply for the badge."))
    if shop.is_reliable:
        raise ReliableError(_("Your shop already has the «Reliable seller» badge."))
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ReliableError(_("At most %(count)d characters, please.") % {"count": MESSAGE_MAX_LENGTH},
                            field="message")  # fmt: skip
    already = _("Your application is already being considered: wait for the administration's answer before "
                "applying again.")  # fmt: skip
    if ReliableApplication.objects.filter(shop=shop, status=ApplicationStatus.PENDING).exists():
        raise ReliableError(already)
    # The snapshot and the e-mail are in the site's language, whatever the seller's page was in.
    with translation.override(settings.LANGUAGE_CODE):
        criteria = reliable_criteria(shop)
    try:
        with transaction.atomic():
            application = ReliableApplication.objects.create(
                shop=shop, applicant=actor, message=message, criteria=criteria.as_snapshot()
            )
    except IntegrityError:  # a second click at the same moment
        raise ReliableError(already) from None
    _mail_seller("reliable_applied", shop, application=application, criteria=criteria)
    return application


def _locked_pending(application: ReliableApplication) -> ReliableApplication:
    application = ReliableApplication.objects.select_for_update().select_related("shop").get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ReliableError(_("This application has already been decided: %(status)s.")
                            % {"status": application.get_status_display()})  # fmt: skip
    return application


@transaction.atomic
def reliable_approve(*, application: ReliableApplication, actor) -> ReliableApplication:
    """An admin grants the badge; the seller is e-mailed."""
    application = _locked_pending(application)
    shop = _locked_shop(application.shop)
    application.status = ApplicationStatus.APPROVED
    application.decided_by, application.decided_at = actor, timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at"])
    _set_badge(shop, True)
    _mail_seller("reliable_approved", shop, application=application)
    return application


@transaction.atomic
def reliable_refuse(*, application: ReliableApplication, actor, reason: str) -> ReliableApplication:
    """An admin refuses, with a reason the seller receives by e-mail."""
    reason = _reason(reason)
    application = _locked_pending(application)
    application.status = ApplicationStatus.REFUSED
    application.decided_by, application.decided_at, application.reason = actor, timezone.now(), reason
    application.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    shop = Shop.objects.select_related("owner").get(pk=application.shop_id)
    _mail_seller("reliable_refused", shop, application=application, reason=reason)
    return application


@transaction.atomic
def reliable_withdraw(*, shop: Shop, actor, reason: str) -> ReliableWithdrawal:
    """An admin takes the badge away, with a reason e-mailed to the seller; open flags are closed."""
    reason = _reason(reason)
    shop = _locked_shop(shop)
    if not shop.is_reliable:
        raise ReliableError(_("«%(shop)s» does not have the badge.") % {"shop": shop.name})
    withdrawal = ReliableWithdrawal.objects.create(shop=shop, reason=reason, withdrawn_by=actor)
    _set_badge(shop, False)
    ReliableFlag.objects.filter(shop=shop, resolved_at__isnull=True).update(
        resolved_at=withdrawal.withdrawn_at, resolved_by=actor, resolution=_("The badge was withdrawn.")
    )
    _mail_seller("reliable_withdrawn", shop, withdrawal=withdrawal, reason=reason)
    return withdrawal


@transaction.atomic
def reliable_flag_resolve(*, flag: ReliableFlag, actor, resolution: str = "") -> ReliableFlag:
    """An admin looked at a flag and keeps the badge (or has dealt with it otherwise)."""
    flag = ReliableFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolved_at is None:
        flag.resolved_at, flag.resolved_by = timezone.now(), actor
        flag.resolution = (resolution or "").strip()[:300] or _("Reviewed by the administration.")
        flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return flag


def reliable_recheck() -> dict:
    """The daily job: re-evaluate every badge holder and flag those below the criteria for an admin.

    It never removes a badge: seed 001 — «каждая заявка рассматривается в индивидуальном порядке».
    """
    result = {"checked": 0, "flagged": 0, "still_flagged": 0, "resolved": 0}
    for shop in Shop.objects.filter(is_reliable=True).select_related("owner").order_by("pk"):
        result["checked"] += 1
        outcome = _recheck_one(shop)
        if outcome:
            result[outcome] += 1
    return result


def _recheck_one(shop: Shop) -> str:
    """One shop in its own transaction: "flagged", "still_flagged", "resolved" or "" (nothing to do)."""
    criteria = reliable_criteria(shop)
    now = timezone.now()
    with transaction.atomic():
        flag = ReliableFlag.objects.select_for_update().filter(shop=shop, resolved_at__isnull=True).first()
        if criteria.met:
            if flag is None:
                return ""
            flag.resolved_at, flag.resolution = now, _("The criteria are met again.")
            flag.save(update_fields=["resolved_at", "resolution"])
            return "resolved"
        failed = [criterion.code for criterion in criteria.unmet]
        if flag is None:
            ReliableFlag.objects.create(shop=shop, failed=failed, criteria=criteria.as_snapshot(), created_at=now,
                                        checked_at=now)  # fmt: skip
            return "flagged"
        flag.failed, flag.criteria, flag.checked_at = failed, criteria.as_snapshot(), now
        flag.save(update_fields=["failed", "criteria", "checked_at"])
        return "still_flagged"
