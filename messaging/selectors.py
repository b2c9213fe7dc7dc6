"""Reads of the messaging app; the one permission rule: a conversation is reached only through
its buyer or its shop (anything else is a 404, the same as a conversation that does not exist)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from marketplace import personal
from orders.models import Order
from referrals.invitations import first_name, invitations_for
from referrals.models import Invitation

from .models import Conversation, Message, MessageReport, QuickReply, Side

THREAD_LIMIT = 100


UNREAD_CACHE_SECONDS = 300


def unread_cache_key(user_id: int) -> str:
    return f"messaging:unread:{user_id}"


# Read with the session in one round trip (marketplace.personal).
UNREAD = "unread"
personal.register(UNREAD, unread_cache_key)


def _count(queryset):
    """``SELECT COUNT(*) …`` as a scalar subquery (COUNT as a plain function, so no GROUP BY)."""
    counted = queryset.order_by().annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
    return Coalesce(Subquery(counted.values("n")[:1]), 0)


def unread_count_for_user(user) -> int:
    """Messages waiting for this person: as a buyer, as the owner of a shop, and friends' invitations
    («Дружные скидки») — one query; remembered in the cache until a message to or from them is sent
    or read (services.unread_forget) or an invitation arrives or is read (unread_forget_users)."""
    messages = Message.objects.filter(read_at__isnull=True).filter(
        Q(conversation__buyer=user, sender_side=Side.SHOP) | Q(conversation__shop__owner=user, sender_side=Side.BUYER)
    )
    invitations = Invitation.objects.filter(recipient=user, read_at__isnull=True)
    counts = get_user_model().objects.filter(pk=user.pk).values_list(_count(messages), _count(invitations)).first()
    count = sum(counts) if counts else 0
    personal.put(user.pk, UNREAD, count, UNREAD_CACHE_SECONDS)
    return count


def unread_forget_users(user_ids) -> None:
    """These people's header counts changed (an invitation arrived or was read): drop the cached
    figures once committed. services.unread_forget does the same for the two sides of a conversation."""
    personal.forget(user_ids, UNREAD)


def unread_count_cached(user) -> int | None:
    """The header's figure without touching the database; None when not known (the badge then asks)."""
    return personal.get(user.pk, UNREAD)


def unread_count_for_shop(shop) -> int:
    return Message.objects.filter(conversation__shop=shop, sender_side=Side.BUYER, read_at__isnull=True).count()


def overview_figures(shop) -> dict:
    """The cabinet overview's «Непрочитанные сообщения»."""
    return {"unread_messages_count": unread_count_for_shop(shop)}


def _with_last_message(queryset):
    """The last message's text and side; conversations without a message yet are left out."""
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        queryset.filter(Exists(Message.objects.filter(conversation=OuterRef("pk"))))
        .annotate(last_text=Subquery(last.values("text")[:1]), last_side=Subquery(last.values("sender_side")[:1]))
        .order_by("-last_message_at", "-pk")
    )


INVITATIONS_SHOWN = 10


def invitations_for_inbox(*, user, limit: int = INVITATIONS_SHOWN) -> dict:
    """The buyer inbox's «Приглашения от друзей»: the latest ``limit`` invitations (each with
    ``inviter_name`` — a first name only, never the inviter's address), how many there are in all
    and how many are unread; one query whatever their number (the totals ride on each row)."""
    rows = list(
        invitations_for(user).annotate(
            total=Window(Count("pk")), unread_total=Window(Count("pk", filter=Q(read_at__isnull=True)))
        )[:limit]
    )
    for invitation in rows:
        invitation.inviter_name = first_name(invitation.link.user)
    total = rows[0].total if rows else 0
    return {
        "invitations": rows,
        "invitations_total": total,
        "invitations_more": total - len(rows),
        "invitations_unread": rows[0].unread_total if rows else 0,
    }


def conversation_list_for_buyer(*, buyer):
    return _with_last_message(Conversation.objects.filter(buyer=buyer).select_related("shop").with_unread(Side.BUYER))


FILTERS = ("unread", "unanswered", "order")


def conversation_list_for_shop(*, shop, show: str = "", q: str = ""):
    """The cabinet's inbox: filters «unread», «unanswered», «order» and a search by buyer name or order number."""
    unanswered = Message.objects.filter(conversation=OuterRef("pk"), sender_side=Side.BUYER, answered_at__isnull=True)
    queryset = _with_last_message(
        Conversation.objects.filter(shop=shop)
        .select_related("buyer")
        .with_unread(Side.SHOP)
        .with_order_flag()
        .annotate(is_unanswered=Exists(unanswered))
    )
    if show == "unread":
        queryset = queryset.filter(unread_count__gt=0)
    elif show == "unanswered":
        queryset = queryset.filter(is_unanswered=True)
    elif show == "order":
        queryset = queryset.filter(has_order=True)
    q = (q or "").strip().lstrip("№#").strip()
    if q:
        numbers = Order.objects.filter(shop=shop, buyer=OuterRef("buyer"), number__icontains=q)
        queryset = queryset.filter(Q(buyer__name__icontains=q) | Q(buyer__email__icontains=q) | Exists(numbers))
    return queryset


def conversation_get_for_buyer(*, buyer, pk: int) -> Conversation:
    return get_object_or_404(Conversation.objects.select_related("shop__owner", "buyer"), pk=pk, buyer=buyer)


def conversation_get_for_shop(*, shop, pk: int) -> Conversation:
    return get_object_or_404(Conversation.objects.select_related("shop__owner", "buyer"), pk=pk, shop=shop)


def thread(*, conversation: Conversation, viewer=None) -> list[Message]:
    """The latest messages, oldest first, with what each shows (order chip, product, files)."""
    queryset = (
        conversation.messages.select_related("order", "product")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
    )
    if viewer is not None:
        queryset = queryset.annotate(
            reported=Exists(MessageReport.objects.filter(message=OuterRef("pk"), reporter=viewer))
        )
    return list(reversed(queryset[:THREAD_LIMIT]))


def thread_state(messages: list[Message]) -> str:
    """Changes when a message arrives or is read: the poller swaps the thread only then."""
    if not messages:
        return "0"
    return f"{messages[-1].pk}-{sum(1 for m in messages if m.read_at)}"


def conversation_orders(*, conversation: Conversation) -> list[Order]:
    """The buyer's orders with this shop, newest first: the chips a message may carry."""
    return list(
        Order.objects.filter(shop_id=conversation.shop_id, buyer_id=conversation.buyer_id, is_guest=False).order_by(
            "-created_at"
        )[:30]
    )


def quick_replies(*, shop) -> list[QuickReply]:
    return list(QuickReply.objects.filter(shop=shop))


def attachment_get(*, conversation: Conversation, pk: int):
    from .models import Attachment

    return get_object_or_404(Attachment.objects.select_related("message"), pk=pk, message__conversation=conversation)


def ignored_buyer_messages(*, older_than, shop=None):
    """Seed 001 reason 4, for the moderation app: buyers' messages neither read nor answered
    since before ``older_than`` (three or more per shop hide its products)."""
    queryset = Message.objects.filter(
        sender_side=Side.BUYER, read_at__isnull=True, answered_at__isnull=True, created_at__lt=older_than
    )
    return queryset.filter(conversation__shop=shop) if shop is not None else queryset
