"""Complaints and the orders moderation watches (seed 001 «Обязанности продавцов», reasons 1, 2, 5).

A registered buyer complains about an order, a shop, a product or a shop's message, with photos;
a copy of the conversation goes along by itself. The seller is e-mailed and may answer once. An
admin confirms (quality or service: a warning and a negative review from the administration;
fraud: a permanent ban) or rejects; the seller and the complainant are e-mailed either way.

Reason 1: an «Открытый» order without any seller action (a status change, a message, a parcel)
for 24 hours is reported once to the seller and the admins by a job; a buyer's «заказ не
обработан» complaint on such an order hides the shop's products at once. Reason 5: an admin
cancels a fake order with a warning; the second time the shop is switched off.
"""

import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Product
from marketplace.exceptions import DomainError
from marketplace.notifications import admin_emails, notify, site_url
from messaging.models import Conversation, Message, Side
from orders import services as order_services
from orders.models import CancelReason, Order, OrderEvent, OrderStatus, Shipment, TrackingEvent
from shops.models import Shop

from ..exceptions import ComplaintError, SanctionError
from ..models import (
    Complaint,
    ComplaintKind,
    ComplaintPhoto,
    ComplaintStatus,
    OrderNotice,
    OrderNoticeKind,
    Sanction,
    SanctionKind,
    SanctionReason,
)
from .sanctions import active_sanctions, sanction_impose, sanction_lift

# Seed 001, reason 1: «Заказы обрабатываются продавцами в течение 24 часов».
PROCESSING_PERIOD = timedelta(hours=24)
# The job looks back this far only, so that switching it on does not mail about forgotten old orders.
UNPROCESSED_LOOKBACK = timedelta(days=30)
MAX_PHOTOS = 5
TEXT_MAX = 5000
ANSWER_MAX = 4000
DECISION_MAX = 4000
# The copy of the conversation: the latest messages, enough to judge, small enough to read.
CONVERSATION_COPY_MESSAGES = 50
# Seed 001, reason 5: «При повторном нарушении ваш магазин будет отключен».
FAKE_ORDERS_BEFORE_SWITCH_OFF = 2
# «Отменён Лавкой как фиктивный»: a reason only staff may give (orders.services.statuses).
FAKE_ORDER_CANCEL_REASON = CancelReason.FAKE_ORDER
CANCELLABLE = (OrderStatus.OPEN, OrderStatus.PAID)

# What a buyer may complain of, by what the complaint is about.
KINDS_FOR = {
    "order": [ComplaintKind.QUALITY, ComplaintKind.SERVICE, ComplaintKind.FRAUD, ComplaintKind.NOT_PROCESSED],
    "shop": [ComplaintKind.QUALITY, ComplaintKind.SERVICE, ComplaintKind.FRAUD, ComplaintKind.OTHER],
    "product": [ComplaintKind.QUALITY, ComplaintKind.FRAUD, ComplaintKind.OTHER],
    "message": [ComplaintKind.SERVICE, ComplaintKind.FRAUD, ComplaintKind.OTHER],
}
# What a confirmed complaint brings (seed 001, reason 2); «other» only counts against the badge.
CONFIRMED_SANCTION = {
    ComplaintKind.QUALITY: (SanctionKind.WARNING, SanctionReason.QUALITY),
    ComplaintKind.SERVICE: (SanctionKind.WARNING, SanctionReason.SERVICE),
    ComplaintKind.FRAUD: (SanctionKind.BAN, SanctionReason.FRAUD),
    ComplaintKind.NOT_PROCESSED: (SanctionKind.HIDE_PRODUCTS, SanctionReason.NOT_PROCESSED),
}
NEGATIVE_RATINGS = (1, 2)


@dataclass(frozen=True)
class ComplaintTarget:
    """What a complaint is about: always a shop, and at most one of its order, product or message."""

    shop: Shop
    order: Order | None = None
    product: Product | None = None
    message: Message | None = None

    @property
    def kind(self) -> str:
        if self.order is not None:
            return "order"
        if self.product is not None:
            return "product"
        if self.message is not None:
            return "message"
        return "shop"

    @property
    def kinds(self) -> list:
        return KINDS_FOR[self.kind]


def complaint_target(*, order=None, shop=None, product=None, message=None) -> ComplaintTarget:
    """The target from exactly one of its parts (the shop follows from the others)."""
    given = [part for part in (order, shop, product, message) if part is not None]
    if len(given) != 1:
        raise ComplaintError(_("Say what the complaint is about: an order, a shop, a product or a message."))
    if order is not None:
        return ComplaintTarget(shop=order.shop, order=order)
    if product is not None:
        return ComplaintTarget(shop=product.shop, product=product)
    if message is not None:
        return ComplaintTarget(shop=message.conversation.shop, message=message)
    return ComplaintTarget(shop=shop)


# --- reads shared by the job, the complaint and the admin ----------------------------------------------


def _seller_actions() -> list[Exists]:
    """Anything the seller did about an order since it was placed: a status change (an event by the
    shop's owner — shops have no staff accounts yet), a parcel, or a message from the shop about the
    order or in that buyer's conversation after the order was placed."""
    order = OuterRef("pk")
    shop_messages = Message.objects.filter(sender_side=Side.SHOP).filter(
        Q(order=order)
        | Q(conversation__shop_id=OuterRef("shop_id"), conversation__buyer_id=OuterRef("buyer_id"),
            created_at__gte=OuterRef("created_at"))
    )  # fmt: skip
    return [
        Exists(OrderEvent.objects.filter(order=order, actor_id=OuterRef("shop__owner_id"))),
        Exists(Shipment.objects.filter(order=order)),
        Exists(shop_messages),
    ]


def orders_unprocessed(*, now: datetime | None = None, queryset: QuerySet | None = None) -> QuerySet:
    """«Открытые» orders placed 24 hours ago or earlier without any seller action since."""
    now = now or timezone.now()
    queryset = Order.objects.all() if queryset is None else queryset
    queryset = queryset.filter(status=OrderStatus.OPEN, created_at__lte=now - PROCESSING_PERIOD)
    for action in _seller_actions():
        queryset = queryset.filter(~action)
    return queryset


def order_is_unprocessed(*, order: Order, now: datetime | None = None) -> bool:
    return orders_unprocessed(now=now, queryset=Order.objects.filter(pk=order.pk)).exists()


def orders_flagged(queryset: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """``is_backdated`` and ``is_unprocessed`` on each order, in the same query (the admin's columns)."""
    now = now or timezone.now()
    earlier = TrackingEvent.objects.filter(shipment__order=OuterRef("pk"), occurred_at__lt=OuterRef("created_at"))
    unprocessed = Q(status=OrderStatus.OPEN, created_at__lte=now - PROCESSING_PERIOD)
    for action in _seller_actions():
        unprocessed &= ~action
    return queryset.annotate(
        is_backdated=Exists(earlier),
        is_unprocessed=ExpressionWrapper(unprocessed, output_field=BooleanField()),
        fake_dealt=Exists(Sanction.objects.filter(order=OuterRef("pk"), reason=SanctionReason.FAKE_ORDERS)),
    )


def orders_backdated(queryset: QuerySet | None = None) -> QuerySet:
    """Orders placed after their goods were sent: a carrier event earlier than the order (reason 5)."""
    queryset = Order.objects.all() if queryset is None else queryset
    earlier = TrackingEvent.objects.filter(shipment__order=OuterRef("pk"), occurred_at__lt=OuterRef("created_at"))
    return queryset.filter(Exists(earlier))


def complaints_for_buyer(buyer) -> QuerySet:
    """«Мои жалобы»: the buyer's complaints with what the page shows, in one query."""
    return Complaint.objects.filter(author=buyer).select_related("shop", "order", "product")


def complaints_for_shop(shop: Shop) -> QuerySet:
    """The cabinet's list: new ones first; what they are about and the photos come along."""
    return (
        Complaint.objects.filter(shop=shop)
        .select_related("order", "product", "message")
        .prefetch_related("photos")
        .order_by(_new_first(), "-created_at", "-pk")
    )


def _new_first() -> Case:
    return Case(When(status=ComplaintStatus.NEW, then=Value(0)), default=Value(1), output_field=IntegerField())


# --- filing ----------------------------------------------------------------------------------------------


def _clean_text(text: str, *, field: str, limit: int, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ComplaintError(empty, field=field)
    if len(text) > limit:
        raise ComplaintError(_("At most %(count)d characters, please.") % {"count": limit}, field=field)
    return text


def _check_target(target: ComplaintTarget, author) -> None:
    """The view finds targets through the buyer already; this keeps the rule where the write is."""
    if target.order is not None and target.order.buyer_id != author.pk:
        raise ComplaintError(_("You can complain only about your own orders."))
    if target.message is not None and (target.message.conversation.buyer_id != author.pk
                                       or target.message.sender_side != Side.SHOP):  # fmt: skip
        raise ComplaintError(_("You can complain only about the shop's messages to you."))
    if target.shop.owner_id == author.pk:
        raise ComplaintError(_("This is your own shop."))


def _same_target(target: ComplaintTarget) -> Q:
    if target.order is not None:
        return Q(order=target.order)
    if target.product is not None:
        return Q(product=target.product, order__isnull=True, message__isnull=True)
    if target.message is not None:
        return Q(message=target.message)
    return Q(order__isnull=True, product__isnull=True, message__isnull=True)


def _check_not_processed(order: Order, now: datetime) -> None:
    if order.status != OrderStatus.OPEN:
        raise ComplaintError(_("The order is «%(status)s»: only an open order can be left unprocessed.")
                             % {"status": order.get_status_display()}, field="kind")  # fmt: skip
    due = order.created_at + PROCESSING_PERIOD
    if now < due:
        raise ComplaintError(
            _("The shop has 24 hours to process an order. If it has not contacted you by %(time)s, complain then.")
            % {"time": date_format(timezone.localtime(due), "j E, H:i")}, field="kind",
        )  # fmt: skip


def _photo_file(upload: ContentFile) -> ContentFile:
    """A random name: the photo's address must not be guessable from what the buyer called it."""
    extension = os.path.splitext(upload.name or "")[1].lower() or ".jpg"
    upload.seek(0)
    return ContentFile(upload.read(), name=f"{uuid.uuid4().hex}{extension}")


def conversation_copy(conversation: Conversation, *, marked: Message | None = None, now=None) -> str:
    """The latest messages of a conversation as plain text, with dates and sides (in the site's
    language): the evidence as it was when the complaint was made."""
    latest = list(
        conversation.messages.select_related("order").prefetch_related("attachments")
        .order_by("-created_at", "-pk")[:CONVERSATION_COPY_MESSAGES]
    )[::-1]  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        shop_side = _("Shop «%(name)s»") % {"name": conversation.shop.name}
        buyer_side = _("Buyer %(name)s") % {"name": conversation.buyer.get_full_name() or conversation.buyer.email}
        lines = [
            _("Conversation of %(buyer)s with the shop «%(shop)s», copied on %(date)s; the latest %(count)d messages.")
            % {"buyer": conversation.buyer.get_full_name() or conversation.buyer.email, "shop": conversation.shop.name,
               "date": date_format(timezone.localtime(now or timezone.now()), "j E Y, H:i"), "count": len(latest)},
            "",
        ]  # fmt: skip
        for message in latest:
            side = shop_side if message.sender_side == Side.SHOP else buyer_side
            head = f"{timezone.localtime(message.created_at):%d.%m.%Y %H:%M} · {side}"
            if message.order_id:
                head += " · " + _("order %(number)s") % {"number": message.order.number}
            if marked is not None and message.pk == marked.pk:
                head = "▶ " + head + " · " + _("the message complained of")
            lines.append(head)
            if message.text:
                lines.append(message.text)
            files = [attachment.name for attachment in message.attachments.all()]
            if files:
                lines.append(_("Files: %(names)s") % {"names": ", ".join(files)})
            lines.append("")
    return "\n".join(lines).strip()


def _conversation_for(target: ComplaintTarget, author) -> tuple[Conversation | None, Message | None]:
    if target.message is not None:
        return target.message.conversation, target.message
    return Conversation.objects.filter(shop=target.shop, buyer=author).select_related("shop", "buyer").first(), None


@transaction.atomic
def complaint_file(*, author, kind: str, text: str, order: Order | None = None, shop: Shop | None = None,
                   product: Product | None = None, message: Message | None = None, photos=(),
                   now: datetime | None = None) -> Complaint:  # fmt: skip
    """A registered buyer complains (the seller is e-mailed); «заказ не обработан» on an open order left
    24 hours without any seller action hides the shop's products at once, without waiting for an admin."""
    now = now or timezone.now()
    if author is None or not author.is_authenticated:
        raise ComplaintError(_("Log in to complain: complaints come from registered buyers."))
    target = complaint_target(order=order, shop=shop, product=product, message=message)
    _check_target(target, author)
    if kind not in target.kinds:
        raise ComplaintError(_("Choose what the complaint is about."), field="kind")
    text = _clean_text(text, field="text", limit=TEXT_MAX, empty=_("Describe what happened."))
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise ComplaintError(_("At most %(count)d photos, please.") % {"count": MAX_PHOTOS}, field="photos")
    # One open complaint per buyer and subject: a second click, or the same complaint again, waits for the first.
    if Complaint.objects.filter(_same_target(target), shop=target.shop, author=author,
                                status=ComplaintStatus.NEW).exists():  # fmt: skip
        raise ComplaintError(_("You have already complained about this; the administration is looking into it."))
    if kind == ComplaintKind.NOT_PROCESSED:
        _check_not_processed(target.order, now)
    conversation, marked = _conversation_for(target, author)
    complaint = Complaint.objects.create(
        shop=target.shop, order=target.order, product=target.product or (message.product if message else None),
        message=target.message, author=author, kind=kind, text=text, created_at=now,
        conversation_copy=conversation_copy(conversation, marked=marked, now=now) if conversation else "",
    )  # fmt: skip
    for upload in photos:
        ComplaintPhoto.objects.create(complaint=complaint, image=_photo_file(upload))
    shop = Shop.objects.select_related("owner").get(pk=target.shop.pk)
    if kind == ComplaintKind.NOT_PROCESSED and order_is_unprocessed(order=target.order, now=now):
        _hide_for_unprocessed(complaint, shop, target.order)
    notify(template="complaint_received", to=[shop.owner.email], context={
        "shop": shop, "complaint": complaint, "cabinet_url": site_url() + reverse("moderation:cabinet-complaints"),
    })  # fmt: skip
    return complaint


def _hide_for_unprocessed(complaint: Complaint, shop: Shop, order: Order) -> Sanction | None:
    """Seed 001, reason 1: the products go off the storefront until an admin lifts it (one hiding at a time)."""
    already = active_sanctions(shop).filter(kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.NOT_PROCESSED)
    if already.exists():
        return None
    with translation.override(settings.LANGUAGE_CODE):
        details = _("The buyer of order %(number)s complains that the order was not processed: it has been open "
                    "for more than 24 hours without a status change, a message or a parcel from the shop. Your "
                    "products are hidden from the storefront until the administration lifts this.") % {
            "number": order.number}  # fmt: skip
    return sanction_impose(shop=shop, kind=SanctionKind.HIDE_PRODUCTS, reason=SanctionReason.NOT_PROCESSED,
                           details=details, actor=None, evidence=complaint.text, complaint=complaint,
                           order=order)  # fmt: skip


# --- the seller's answer ---------------------------------------------------------------------------------


@transaction.atomic
def complaint_answer(*, complaint: Complaint, actor, text: str) -> Complaint:
    """The seller answers a complaint about their shop, once, while it is being considered."""
    complaint = Complaint.objects.select_for_update().select_related("shop").get(pk=complaint.pk)
    if actor is None or actor.pk != complaint.shop.owner_id:
        raise ComplaintError(_("Only the shop's owner may answer a complaint about it."))
    if complaint.seller_answered_at is not None:
        raise ComplaintError(_("You have already answered this complaint: a complaint is answered once."))
    if complaint.status != ComplaintStatus.NEW:
        raise ComplaintError(_("The administration has already decided on this complaint."))
    complaint.seller_answer = _clean_text(text, field="text", limit=ANSWER_MAX, empty=_("Write the answer."))
    complaint.seller_answered_at = timezone.now()
    complaint.save(update_fields=["seller_answer", "seller_answered_at"])
    return complaint


# --- decisions -------------------------------------------------------------------------------------------


def _locked_new(complaint: Complaint) -> Complaint:
    # Only the complaint's row is locked: PostgreSQL refuses FOR UPDATE on the outer-joined author/order.
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related(
        "shop", "shop__owner", "author", "order", "product"
    ).get(pk=complaint.pk)
    if complaint.status != ComplaintStatus.NEW:
        raise ComplaintError(_("This complaint has already been decided: %(status)s.")
                             % {"status": complaint.get_status_display()})  # fmt: skip
    return complaint


def _decided(complaint: Complaint, *, actor, status: str, decision: str) -> None:
    complaint.status, complaint.decision = status, decision
    complaint.decided_by, complaint.decided_at = actor, timezone.now()
    complaint.save(update_fields=["status", "decision", "decided_by", "decided_at"])


def _mail_decision(complaint: Complaint, sanctions: list[Sanction]) -> None:
    """The seller and the complainant each get their own e-mail (the administration's complaint has no complainant)."""
    context = {"complaint": complaint, "shop": complaint.shop, "sanctions": sanctions}
    notify(template="complaint_decided_seller", to=[complaint.shop.owner.email], context={
        **context, "cabinet_url": site_url() + reverse("moderation:cabinet-complaints"),
    })  # fmt: skip
    if complaint.author is not None and complaint.author.email:
        notify(template="complaint_decided_buyer", to=[complaint.author.email], context={
            **context, "complaint_url": site_url() + reverse("moderation:complaint-detail", args=[complaint.pk]),
        })  # fmt: skip


def _sanction_details(complaint: Complaint, decision: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        head = _("The administration confirmed a complaint about your shop: %(kind)s.") % {
            "kind": complaint.get_kind_display()}  # fmt: skip
    return f"{head}\n{decision}"


@transaction.atomic
def complaint_confirm(*, complaint: Complaint, actor, decision: str, rating: int = 1) -> Complaint:
    """An admin confirms: quality or service — a warning and a negative review of the administration
    (``rating`` 1 or 2, the decision as its text); fraud — a permanent ban; «not processed» — the
    shop's products hidden (if the complaint has not hidden them already)."""
    complaint = _locked_new(complaint)
    decision = _clean_text(decision, field="decision", limit=DECISION_MAX,
                           empty=_("Write the decision: the seller and the buyer receive it."))  # fmt: skip
    sanctions: list[Sanction] = []
    if complaint.kind in (ComplaintKind.QUALITY, ComplaintKind.SERVICE):
        if rating not in NEGATIVE_RATINGS:
            raise ComplaintError(_("A confirmed complaint brings a review of 1 or 2 stars."), field="rating")
        product = complaint.product if complaint.product and complaint.product.shop_id == complaint.shop_id else None
        try:
            order_services.review_moderation_add(author=actor, shop=complaint.shop, rating=rating, text=decision,
                                                 product=product)  # fmt: skip
        except DomainError as error:  # the review's own rules (length, no contacts): the decision is its text
            raise ComplaintError(str(error), field="decision") from None
    linked = active_sanctions(complaint.shop).filter(complaint=complaint)
    if complaint.kind == ComplaintKind.NOT_PROCESSED:
        hidden = active_sanctions(complaint.shop).filter(kind=SanctionKind.HIDE_PRODUCTS,
                                                         reason=SanctionReason.NOT_PROCESSED)  # fmt: skip
        linked = linked | hidden  # one hiding at a time, whichever complaint brought it
    if complaint.kind in CONFIRMED_SANCTION and not linked.exists():
        kind, reason = CONFIRMED_SANCTION[complaint.kind]
        sanctions.append(sanction_impose(
            shop=complaint.shop, kind=kind, reason=reason, details=_sanction_details(complaint, decision),
            actor=actor, evidence=complaint.text, complaint=complaint, order=complaint.order,
        ))  # fmt: skip
    _decided(complaint, actor=actor, status=ComplaintStatus.CONFIRMED, decision=decision)
    _mail_decision(complaint, sanctions)
    return complaint


@transaction.atomic
def complaint_reject(*, complaint: Complaint, actor, reason: str) -> Complaint:
    """An admin rejects, with a reason e-mailed to both sides; what the complaint itself imposed
    (the hiding of «заказ не обработан») is lifted with it."""
    complaint = _locked_new(complaint)
    reason = _clean_text(reason, field="reason", limit=DECISION_MAX,
                         empty=_("Give the reason: the seller and the buyer receive it."))  # fmt: skip
    with translation.override(settings.LANGUAGE_CODE):
        why = (_("The complaint was rejected: %(reason)s") % {"reason": reason})[:2000]
    for sanction in active_sanctions(complaint.shop).filter(complaint=complaint):
        sanction_lift(sanction=sanction, actor=actor, reason=why)
    _decided(complaint, actor=actor, status=ComplaintStatus.REJECTED, decision=reason)
    _mail_decision(complaint, [])
    return complaint


def default_decision(complaint: Complaint, status: str) -> str:
    """The standard wording when an admin decides in bulk, without writing."""
    with translation.override(settings.LANGUAGE_CODE):
        if status == ComplaintStatus.CONFIRMED:
            return _("Lavka's administration checked the buyer's complaint (%(kind)s) and confirmed it.") % {
                "kind": complaint.get_kind_display().lower()}  # fmt: skip
        return _("Lavka's administration checked the complaint and found no breach of the rules.")


def complaint_decide(*, complaint: Complaint, actor, status: str, decision: str = "", rating: int = 1) -> Complaint:
    """Confirm or reject (the admin's bulk actions); without a decision, the standard wording."""
    if status not in (ComplaintStatus.CONFIRMED, ComplaintStatus.REJECTED):
        raise ComplaintError(_("A complaint is either confirmed or rejected."))
    decision = (decision or "").strip() or default_decision(complaint, status)
    if status == ComplaintStatus.CONFIRMED:
        return complaint_confirm(complaint=complaint, actor=actor, decision=decision, rating=rating)
    return complaint_reject(complaint=complaint, actor=actor, reason=decision)


# --- reason 1: the 24-hour check ----------------------------------------------------------------------------


def orders_unprocessed_notify(*, now: datetime | None = None, limit: int = 1000) -> int:
    """The hourly job: warn the seller and each admin, once per order, about open orders left 24 hours
    without any seller action. Only a notice (no sanction); returns how many orders were reported."""
    now = now or timezone.now()
    noticed = OrderNotice.objects.filter(order=OuterRef("pk"), kind=OrderNoticeKind.UNPROCESSED)
    due = (orders_unprocessed(now=now).filter(created_at__gte=now - UNPROCESSED_LOOKBACK).filter(~Exists(noticed))
           .select_related("shop", "shop__owner").order_by("created_at", "pk")[:limit])  # fmt: skip
    reported = 0
    for order in due:
        if _unprocessed_notify_one(order, now):
            reported += 1
    return reported


@transaction.atomic
def _unprocessed_notify_one(order: Order, now: datetime) -> bool:
    try:
        with transaction.atomic():  # a parallel run got there first: the unique row says so
            OrderNotice.objects.create(order=order, kind=OrderNoticeKind.UNPROCESSED, sent_at=now)
    except IntegrityError:
        return False
    context = {"order": order, "shop": order.shop, "hours": int(PROCESSING_PERIOD.total_seconds() // 3600)}
    notify(template="complaint_unprocessed_seller", to=[order.shop.owner.email], context={
        **context, "order_url": site_url() + reverse("orders:cabinet-detail", kwargs={"number": order.number}),
    })  # fmt: skip
    admin_url = site_url() + reverse("admin:moderation_ordertocheck_change", args=[order.pk])
    for address in admin_emails():
        notify(template="complaint_unprocessed_admin", to=[address], context={**context, "admin_url": admin_url})
    return True


# --- reason 5: fake orders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeOrderOutcome:
    warning: Sanction
    switch_off: Sanction | None
    cancelled: bool


@transaction.atomic
def order_cancel_as_fake(*, order: Order, actor, details: str) -> FakeOrderOutcome:
    """An admin cancels a fake order (placed by the seller, back-dated, or without a real sale) and the
    shop gets a warning; the second fake order switches the shop off. An order the state machine can
    no longer cancel (already shipped or cancelled) keeps its status; the warning is given all the same."""
    order = Order.objects.select_for_update().select_related("shop", "shop__owner").get(pk=order.pk)
    details = _clean_text(details, field="details", limit=DECISION_MAX,
                          empty=_("Say what happened: the seller reads it."))  # fmt: skip
    if Sanction.objects.filter(order=order, reason=SanctionReason.FAKE_ORDERS).exists():
        raise SanctionError(_("Order %(number)s has already been dealt with as fake.") % {"number": order.number})
    cancelled = False
    if order.status in CANCELLABLE:
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Cancelled by Lavka's administration as a fake order.")
        order_services.order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor, note=note,
                                        cancel_reason=FAKE_ORDER_CANCEL_REASON)  # fmt: skip
        cancelled = True
    earlier = Sanction.objects.filter(shop=order.shop, kind=SanctionKind.WARNING,
                                      reason=SanctionReason.FAKE_ORDERS).count()  # fmt: skip
    evidence = _fake_evidence(order)
    warning = sanction_impose(shop=order.shop, kind=SanctionKind.WARNING, reason=SanctionReason.FAKE_ORDERS,
                              details=details, actor=actor, evidence=evidence, order=order)  # fmt: skip
    switch_off = None
    if earlier + 1 >= FAKE_ORDERS_BEFORE_SWITCH_OFF:
        with translation.override(settings.LANGUAGE_CODE):
            why = _("A fake order again (order %(number)s): the shop is switched off.") % {"number": order.number}
        switch_off = sanction_impose(shop=order.shop, kind=SanctionKind.SWITCH_OFF, reason=SanctionReason.FAKE_ORDERS,
                                     details=f"{why}\n{details}", actor=actor, evidence=evidence,
                                     order=order)  # fmt: skip
    return FakeOrderOutcome(warning=warning, switch_off=switch_off, cancelled=cancelled)


def _fake_evidence(order: Order) -> str:
    """The carrier events earlier than the order, if any: what makes it back-dated."""
    events = TrackingEvent.objects.filter(shipment__order=order, occurred_at__lt=order.created_at).select_related(
        "shipment").order_by("occurred_at")[:20]  # fmt: skip
    if not events:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("Order %(number)s was placed on %(date)s; the carrier reported earlier:")
                 % {"number": order.number, "date": f"{timezone.localtime(order.created_at):%d.%m.%Y %H:%M}"}]
    lines += [f"{timezone.localtime(event.occurred_at):%d.%m.%Y %H:%M} · {event.shipment.track_number} · "
              f"{event.status}" for event in events]  # fmt: skip
    return "\n".join(lines)
