"""Buyers' messages left unanswered (seed 001, reason 4): «Три и более сообщений, не прочитанных и
оставленных без ответа в течение трех дней, служат основанием для того, чтобы скрыть ваши товары».

The daily job hides the products of a shop with three or more such messages (a job's sanction, no
actor), and a day earlier e-mails the seller a warning, once a day at most (``ShopNotice``).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.notifications import notify, site_url
from messaging.models import Message, Side
from shops.models import Shop

from ..models import Sanction, SanctionKind, SanctionReason, ShopNotice, ShopNoticeKind
from .sanctions import sanction_impose

UNANSWERED_MIN_MESSAGES = 3
UNANSWERED_DAYS = 3
# The warning comes a day before the hiding would.
WARNING_DAYS = UNANSWERED_DAYS - 1
EVIDENCE_MESSAGES = 10
# A shop already under one of these has nothing more to lose to this rule.
_ALREADY = [SanctionKind.HIDE_PRODUCTS, SanctionKind.SWITCH_OFF, SanctionKind.BAN]


def _waiting(*, now, days: int):
    """Buyers' messages neither read nor answered, sent at least ``days`` days before ``now``."""
    return Message.objects.filter(sender_side=Side.BUYER, read_at__isnull=True, answered_at__isnull=True,
                                  created_at__lte=now - timedelta(days=days))  # fmt: skip


def shops_with_unanswered(*, now, days: int) -> dict[int, int]:
    """{shop id: how many} for shops with at least UNANSWERED_MIN_MESSAGES such messages."""
    rows = (_waiting(now=now, days=days).order_by().values("conversation__shop_id").annotate(count=Count("pk"))
            .filter(count__gte=UNANSWERED_MIN_MESSAGES).values_list("conversation__shop_id", "count"))  # fmt: skip
    return dict(rows)


def _evidence(shop: Shop, *, now) -> str:
    messages = (_waiting(now=now, days=UNANSWERED_DAYS).filter(conversation__shop=shop)
                .select_related("conversation__buyer").order_by("created_at")[:EVIDENCE_MESSAGES])  # fmt: skip
    return "\n".join(
        f"{timezone.localtime(message.created_at):%d.%m.%Y %H:%M} · {message.conversation.buyer} · "
        f"{' '.join(message.text.split())[:100]}"
        for message in messages
    )


def messages_unanswered_check(*, now=None) -> dict[str, int]:
    """The daily job: hide the products of shops with 3+ buyers' messages unread and unanswered for
    3 days (unless they are hidden already), warn those that will be tomorrow. Idempotent."""
    now = now or timezone.now()
    to_hide = shops_with_unanswered(now=now, days=UNANSWERED_DAYS)
    to_warn = shops_with_unanswered(now=now, days=WARNING_DAYS)
    already = set(Sanction.objects.filter(shop_id__in={*to_hide, *to_warn}, lifted_at__isnull=True,
                                          kind__in=_ALREADY).values_list("shop_id", flat=True))  # fmt: skip
    hidden = warned = 0
    for shop in Shop.objects.filter(pk__in=set(to_hide) - already).select_related("owner").order_by("pk"):
        count = to_hide[shop.pk]
        sanction_impose(
            shop=shop, kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.UNANSWERED, actor=None,
            details=_("%(count)d buyers' messages have been left unread and unanswered for %(days)d days: the "
                      "shop's products are hidden from the storefront. Answer the buyers, then write to us to "
                      "bring them back.") % {"count": count, "days": UNANSWERED_DAYS},
            evidence=_evidence(shop, now=now),
        )  # fmt: skip
        hidden += 1
    warn_ids = set(to_warn) - set(to_hide) - already
    for shop in Shop.objects.filter(pk__in=warn_ids).select_related("owner").order_by("pk"):
        warned += _warn(shop, count=to_warn[shop.pk], now=now)
    return {"hidden": hidden, "warned": warned}


def _warn(shop: Shop, *, count: int, now) -> int:
    """E-mail the seller once that day (a ShopNotice row is the «once»); 1 if e-mailed now."""
    try:
        with transaction.atomic():
            ShopNotice.objects.create(shop=shop, kind=ShopNoticeKind.UNANSWERED, day=timezone.localdate(now),
                                      sent_at=now)  # fmt: skip
            notify(template="queue_unanswered_warning", to=[shop.owner.email], context={
                "shop": shop, "count": count, "days": UNANSWERED_DAYS,
                "messages_url": site_url() + reverse("messaging:cabinet-list"),
            })  # fmt: skip
    except IntegrityError:  # warned today already
        return 0
    return 1
