"""Every write of the messaging app: starting conversations, sending and reading messages,
e-mail notices (bundled), reports, quick replies and the shops' response times."""

import math
import os
import statistics
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace import personal
from marketplace.images import ImageSpec, check_upload_size, clean_image
from marketplace.notifications import notify, site_url
from orders.models import Order
from shops.models import Shop

from . import rules
from .exceptions import MessageRefused, MessagingError
from .models import (
    MAX_ATTACHMENTS,
    MAX_TEXT,
    Attachment,
    Conversation,
    Message,
    MessageReport,
    QuickReply,
    RefusedMessage,
    ShopMessaging,
    Side,
)
from .selectors import UNREAD

ATTACHMENT_SPEC = ImageSpec(max_width=2000, max_height=2000)
PLACEHOLDERS = ("{номер}", "{number}")
RESPONSE_WINDOW = timedelta(days=30)


def other_side(side: str) -> str:
    return Side.SHOP if side == Side.BUYER else Side.BUYER


def buyer_has_order(*, shop: Shop, buyer) -> bool:
    """Seed 002: once the buyer has an order with the shop, its contacts are on the order page."""
    return Order.objects.filter(shop=shop, buyer=buyer, is_guest=False).exists()


# --- Conversations ----------------------------------------------------------------------------


@transaction.atomic
def conversation_start(*, buyer, shop: Shop) -> Conversation:
    """The buyer's conversation with the shop (seed 001 «Сообщение»): the existing one, or a new one."""
    if not buyer.is_authenticated:
        raise MessagingError(_("Log in to write to the shop."))
    if shop.owner_id == buyer.pk:
        raise MessagingError(_("This is your own shop."))
    if not shop.is_open_to_buyers:
        raise MessagingError(_("This shop does not take messages now."))
    conversation, _created = Conversation.objects.get_or_create(
        buyer=buyer, shop=shop, defaults={"started_by": Side.BUYER}
    )
    return conversation


@transaction.atomic
def conversation_start_for_order(*, order: Order, actor) -> Conversation:
    """The seller's «Написать покупателю» on an order (seed 002 §2.1); guests have no chat (seed 001)."""
    if actor.pk != order.shop.owner_id:
        raise MessagingError(_("Only the shop can write about its orders."))
    if order.is_guest or order.buyer_id is None:
        raise MessagingError(
            _("A guest placed this order: guests have no chat on the site. Contact the buyer the way they chose.")
        )
    conversation, _created = Conversation.objects.get_or_create(
        buyer=order.buyer, shop=order.shop, defaults={"started_by": Side.SHOP}
    )
    return conversation


# --- Sending ----------------------------------------------------------------------------------


def _check_author(conversation: Conversation, author, side: str) -> None:
    allowed = conversation.buyer_id if side == Side.BUYER else conversation.shop.owner_id
    if author.pk != allowed:
        raise MessagingError(_("You cannot write in this conversation."))


def _check_rate(author) -> None:
    now = timezone.now()
    minute = Message.objects.filter(author=author, created_at__gte=now - timedelta(minutes=1)).count()
    minute += RefusedMessage.objects.filter(author=author, created_at__gte=now - timedelta(minutes=1)).count()
    if minute >= settings.MESSAGING_RATE_PER_MINUTE:
        raise MessagingError(_("You are sending messages too fast. Wait a minute and send it again."))
    day = Message.objects.filter(author=author, created_at__gte=now - timedelta(days=1)).count()
    if day >= settings.MESSAGING_RATE_PER_DAY:
        raise MessagingError(
            ngettext(
                "You have sent %(count)d message in the last 24 hours, the most allowed. Try again later.",
                "You have sent %(count)d messages in the last 24 hours, the most allowed. Try again later.",
                day,
            )
            % {"count": day}
        )


def _check_not_spam(conversation: Conversation) -> None:
    """Seed 002 §1.2: a shop writes only to buyers who wrote to it first or ordered from it."""
    wrote = conversation.messages.filter(sender_side=Side.BUYER).exists()
    if not wrote and not buyer_has_order(shop=conversation.shop, buyer=conversation.buyer):
        raise MessagingError(
            _("A shop may write only to buyers who wrote to it first or have an order with it (no mailings).")
        )


def _fill_placeholders(text: str, order: Order | None) -> str:
    if order is not None:
        for placeholder in PLACEHOLDERS:
            text = text.replace(placeholder, order.number)
    elif any(p in text for p in PLACEHOLDERS):
        raise MessagingError(_("Choose the order whose number goes in place of {номер}."), field="order")
    return text


def _clean_attachment(upload) -> tuple[str, ContentFile, str]:
    """(kind, file to store, name to show); a clear error for anything but an image or a PDF."""
    name = os.path.basename(getattr(upload, "name", "") or "file")[:150]
    check_upload_size(upload, label=name)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return Attachment.Kind.PDF, ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.pdf"), name
    if name.lower().endswith(".pdf"):
        raise ValidationError(_("%(name)s is not a PDF file we can read.") % {"name": name})
    try:
        cleaned = clean_image(upload, ATTACHMENT_SPEC, label=name)
    except ValidationError as error:
        if getattr(error, "code", "") in ("invalid", "format"):
            raise ValidationError(
                _("%(name)s: only photos (JPEG, PNG, WebP) and PDF files can be attached.") % {"name": name}
            )
        raise
    ext = os.path.splitext(cleaned.name)[1]
    return Attachment.Kind.IMAGE, ContentFile(cleaned.read(), name=f"{uuid.uuid4().hex}{ext}"), name


def _clean_attachments(files) -> list[tuple[str, ContentFile, str]]:
    files = [f for f in files or [] if f]
    if len(files) > MAX_ATTACHMENTS:
        raise MessagingError(
            ngettext(
                "Attach at most %(count)d file to a message.", "Attach at most %(count)d files to a message.",
                MAX_ATTACHMENTS,
            ) % {"count": MAX_ATTACHMENTS},
            field="files",
        )  # fmt: skip
    cleaned = []
    for upload in files:
        try:
            cleaned.append(_clean_attachment(upload))
        except ValidationError as error:
            raise MessagingError(" ".join(error.messages), field="files")
    return cleaned


def message_send(
    *,
    conversation: Conversation,
    author,
    side: str,
    text: str,
    order: Order | None = None,
    product=None,
    files=(),
) -> Message:
    """Send a message after checking every rule once: author, spam, rate, length, contacts, files.

    A text the rules refuse is stored as a RefusedMessage (for the moderators) and raised as
    MessageRefused, so the page keeps the text and shows the reason under it.
    """
    _check_author(conversation, author, side)
    text = (text or "").strip()
    if order is not None and (order.shop_id != conversation.shop_id or order.buyer_id != conversation.buyer_id):
        raise MessagingError(_("This order is not part of this conversation."), field="order")
    text = _fill_placeholders(text, order)
    if not text and not files:
        raise MessagingError(_("Write a message or attach a file."), field="text")
    if len(text) > MAX_TEXT:
        raise MessagingError(
            _("The message is %(length)d characters long; the limit is %(limit)d.")
            % {"length": len(text), "limit": MAX_TEXT},
            field="text",
        )
    if side == Side.SHOP:
        _check_not_spam(conversation)
    _check_rate(author)
    has_order = buyer_has_order(shop=conversation.shop, buyer=conversation.buyer)
    refusal = rules.check(text, side=side, has_order=has_order)
    if refusal is not None:
        RefusedMessage.objects.create(
            conversation=conversation, shop=conversation.shop, sender_side=side, author=author, text=text,
            reason=refusal.message, kinds=refusal.kinds,
        )  # fmt: skip
        raise MessageRefused(refusal.message, kinds=refusal.kinds)
    attachments = _clean_attachments(files)
    return _message_store(
        conversation=conversation, author=author, side=side, text=text, order=order, product=product,
        attachments=attachments,
    )  # fmt: skip


def message_send_first(
    *, author, side: str, text: str, shop: Shop | None = None, order: Order | None = None, product=None, files=()
) -> Message:
    """Start (or reuse) the conversation and send its message: the buyer's «Сообщение» with ``shop``,
    the seller's «Написать покупателю» with ``order``. A refused first message leaves no empty conversation.
    """
    if side == Side.BUYER:
        conversation = conversation_start(buyer=author, shop=shop)
    else:
        conversation = conversation_start_for_order(order=order, actor=author)
    empty = not conversation.messages.exists()
    try:
        return message_send(conversation=conversation, author=author, side=side, text=text, order=order,
                            product=product, files=files)  # fmt: skip
    except MessagingError:
        if empty:
            conversation.delete()
        raise


@transaction.atomic
def _message_store(*, conversation, author, side, text, order, product, attachments) -> Message:
    now = timezone.now()
    conversation = (
        Conversation.objects.select_for_update().select_related("shop__owner", "buyer").get(pk=conversation.pk)
    )
    message = Message.objects.create(
        conversation=conversation, sender_side=side, author=author, text=text, order=order, product=product,
        created_at=now,
    )  # fmt: skip
    for kind, content, name in attachments:
        Attachment.objects.create(message=message, kind=kind, file=content, name=name, size=content.size)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    if side == Side.SHOP:
        # Answering reads what the buyer wrote; seed 001 reason 4 looks at both facts.
        waiting = conversation.messages.filter(sender_side=Side.BUYER)
        waiting.filter(answered_at__isnull=True).update(answered_at=now)
        waiting.filter(read_at__isnull=True).update(read_at=now)
    else:
        conversation.messages.filter(sender_side=Side.SHOP, read_at__isnull=True).update(read_at=now)
    conversation_notify(conversation=conversation, recipient_side=other_side(side), now=now)
    unread_forget(conversation)
    return message


def unread_forget(conversation: Conversation) -> None:
    """Both sides' header counts changed: drop the cached figures once the change is committed."""
    personal.forget([conversation.buyer_id, conversation.shop.owner_id], UNREAD)


@transaction.atomic
def message_read(*, conversation: Conversation, reader_side: str) -> int:
    """Read receipts: the reader has seen every message the other side sent; returns how many were new."""
    changed = conversation.messages.filter(sender_side=other_side(reader_side), read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if changed:
        unread_forget(conversation)
    return changed


# --- E-mail notices ---------------------------------------------------------------------------


def _notified_field(side: str) -> str:
    return "buyer_notified_at" if side == Side.BUYER else "shop_notified_at"


def conversation_notify(*, conversation: Conversation, recipient_side: str, now=None) -> bool:
    """E-mail ``recipient_side`` the messages they have not been told about, at most once per interval.

    The first message of a burst goes out at once (seed 001: «немедленно»); the rest of the
    burst waits until the interval has passed since the last notice and then goes as one
    e-mail, sent by a delayed task or the periodic job (notify_pending), whichever comes first.
    """
    now = now or timezone.now()
    interval = timedelta(minutes=settings.MESSAGING_NOTIFY_INTERVAL_MINUTES)
    last = getattr(conversation, _notified_field(recipient_side))
    pending = conversation.messages.filter(sender_side=other_side(recipient_side), notified_at__isnull=True)
    if last is not None and now - last < interval:
        wait = (last + interval - now).total_seconds()
        transaction.on_commit(partial(_schedule_notify, conversation.pk, str(recipient_side), wait + 1))
        return False
    messages = list(pending.filter(read_at__isnull=True).select_related("order").prefetch_related("attachments"))
    pending.update(notified_at=now)
    if not messages:
        return False
    _send_notice(conversation, recipient_side, messages)
    setattr(conversation, _notified_field(recipient_side), now)
    Conversation.objects.filter(pk=conversation.pk).update(**{_notified_field(recipient_side): now})
    return True


def _schedule_notify(conversation_id: int, recipient_side: str, countdown: float) -> None:
    from .tasks import conversation_notify_task

    if conversation_notify_task.app.conf.task_always_eager:
        return  # in-process: an eager task would run now, too early; the periodic job sends it
    try:
        conversation_notify_task.apply_async(args=[conversation_id, recipient_side], countdown=countdown)
    except Exception:  # noqa: BLE001 - the periodic job sends it when the broker is back
        pass


def conversation_url(conversation: Conversation, side: str) -> str:
    name = "messaging:detail" if side == Side.BUYER else "messaging:cabinet-detail"
    return site_url() + reverse(name, kwargs={"pk": conversation.pk})


def _send_notice(conversation: Conversation, recipient_side: str, messages: list[Message]) -> None:
    if recipient_side == Side.BUYER:
        address, sender = conversation.buyer.email, conversation.shop.name
    else:
        address, sender = conversation.shop.owner.email, conversation.buyer.get_full_name()
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            template="message_new",
            to=[address],
            context={
                "conversation": conversation, "shop": conversation.shop, "messages": messages,
                "count": len(messages), "sender": sender, "recipient": str(recipient_side),
                "conversation_url": conversation_url(conversation, recipient_side),
            },
        )  # fmt: skip


@transaction.atomic
def conversation_notify_due(*, conversation_id: int, recipient_side: str) -> bool:
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("shop__owner", "buyer")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        return False
    return conversation_notify(conversation=conversation, recipient_side=recipient_side)


def notify_pending() -> int:
    """The periodic job: notices for bursts whose interval is over; returns how many e-mails went."""
    sent = 0
    pending = Message.objects.filter(notified_at__isnull=True).values_list("conversation_id", "sender_side").distinct()
    for conversation_id, sender_side in list(pending):
        sent += conversation_notify_due(conversation_id=conversation_id, recipient_side=other_side(sender_side))
    return sent


# --- Reports ----------------------------------------------------------------------------------


@transaction.atomic
def message_report(*, message: Message, reporter, reason: str = "") -> MessageReport:
    """A buyer reports a shop's message to the moderators (once per message)."""
    if message.conversation.buyer_id != reporter.pk or message.sender_side != Side.SHOP:
        raise MessagingError(_("You can report only the shop's messages in your own conversations."))
    report, _created = MessageReport.objects.get_or_create(
        message=message, reporter=reporter, defaults={"reason": (reason or "").strip()[:1000]}
    )
    return report


# --- Quick replies ----------------------------------------------------------------------------


def default_quick_replies() -> list[tuple[str, str]]:
    """Seed 002 §4.1, the three example messages, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [
            (_("Order packed"), _("Your order No. {номер} has been packed and handed over for delivery.")),
            (_("Ask about the colour"), _("Please tell us the colour you would like.")),
            (_("Delay"), _("We apologise for the delay: your order No. {номер} will be shipped tomorrow.")),
        ]


@transaction.atomic
def quick_replies_ensure_defaults(*, shop: Shop) -> None:
    """Give a shop the seed's example replies once; a seller who deletes them is not given them again."""
    profile, _created = ShopMessaging.objects.select_for_update().get_or_create(shop=shop)
    if profile.quick_replies_seeded:
        return
    start = shop.quick_replies.count()
    for position, (title, text) in enumerate(default_quick_replies(), start=start):
        QuickReply.objects.create(shop=shop, title=title, text=text, position=position)
    profile.quick_replies_seeded = True
    profile.save(update_fields=["quick_replies_seeded"])


def _check_reply(title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if not title:
        raise MessagingError(_("Give the reply a short title."), field="title")
    if not text:
        raise MessagingError(_("Write the reply's text."), field="text")
    if len(text) > MAX_TEXT:
        raise MessagingError(_("The text is too long (at most %(limit)d characters).") % {"limit": MAX_TEXT},
                             field="text")  # fmt: skip
    # A ready-made answer must pass the strictest rule it may meet: a buyer without an order.
    refusal = rules.check(text.replace("{номер}", "").replace("{number}", ""), side=Side.SHOP, has_order=False)
    if refusal is not None:
        raise MessageRefused(refusal.message, kinds=refusal.kinds)
    return title[:60], text


@transaction.atomic
def quick_reply_save(*, shop: Shop, title: str, text: str, reply: QuickReply | None = None) -> QuickReply:
    """Create a quick reply, or change ``reply`` (which must be the shop's)."""
    title, text = _check_reply(title, text)
    if reply is None:
        return QuickReply.objects.create(shop=shop, title=title, text=text, position=shop.quick_replies.count())
    if reply.shop_id != shop.pk:
        raise MessagingError(_("This reply is not yours."))
    reply.title, reply.text = title, text
    reply.save(update_fields=["title", "text"])
    return reply


@transaction.atomic
def quick_reply_delete(*, shop: Shop, reply: QuickReply) -> None:
    if reply.shop_id != shop.pk:
        raise MessagingError(_("This reply is not yours."))
    reply.delete()


# --- Response times ---------------------------------------------------------------------------


def _first_responses(shop_ids=None, *, now=None) -> dict[int, list[tuple[int, float]]]:
    """shop id → [(conversation id, hours from a buyer's first unanswered message to the answer)]."""
    now = now or timezone.now()
    rows = Message.objects.filter(
        sender_side=Side.BUYER, answered_at__isnull=False, created_at__gte=now - RESPONSE_WINDOW
    )
    if shop_ids is not None:
        rows = rows.filter(conversation__shop_id__in=shop_ids)
    # Every buyer message answered by one reply carries that reply's time: group by it.
    groups = rows.values("conversation__shop_id", "conversation_id", "answered_at").annotate(first=Min("created_at"))
    result: dict[int, list[tuple[int, float]]] = {}
    for row in groups:
        hours = (row["answered_at"] - row["first"]).total_seconds() / 3600
        result.setdefault(row["conversation__shop_id"], []).append((row["conversation_id"], hours))
    return result


def response_stats(*, shop: Shop, now=None) -> dict:
    """The cabinet's figure: median first answer over 30 days, and over how many conversations."""
    answers = _first_responses([shop.pk], now=now).get(shop.pk, [])
    if not answers:
        return {"median_hours": None, "conversations": 0, "answers": 0}
    return {
        "median_hours": statistics.median(hours for _c, hours in answers),
        "conversations": len({c for c, _h in answers}),
        "answers": len(answers),
    }


def response_hours_for(answers: list[tuple[int, float]]) -> int | None:
    if len({c for c, _h in answers}) < settings.MESSAGING_RESPONSE_MIN_CONVERSATIONS:
        return None
    return max(1, math.ceil(statistics.median(hours for _c, hours in answers)))


@transaction.atomic
def response_times_refresh(*, now=None) -> int:
    """Store each shop's «usually answers within N h» on Shop.response_hours; returns shops changed."""
    figures = {shop_id: response_hours_for(answers) for shop_id, answers in _first_responses(now=now).items()}
    changed = 0
    for shop in Shop.objects.only("pk", "response_hours"):
        hours = figures.get(shop.pk)
        if shop.response_hours != hours:
            Shop.objects.filter(pk=shop.pk).update(response_hours=hours)
            changed += 1
    return changed
