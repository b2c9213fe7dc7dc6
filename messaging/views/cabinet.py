"""The seller's messages: /cabinet/messages/ (inbox with filters), a conversation, «Написать покупателю»
from an order, and quick replies. Everything is reached through the seller's own shop (404 otherwise)."""

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.forms import call_service
from shops.views.cabinet import seller_required

from .. import selectors, services
from ..forms import MessageForm, QuickReplyForm
from ..models import Conversation, QuickReply, Side
from .common import attachment_response, poll, send_from, thread_context

PER_PAGE = 30


@seller_required
def conversation_list(request, shop):
    show = request.GET.get("show", "")
    show = show if show in selectors.FILTERS else ""
    q = request.GET.get("q", "").strip()[:100]
    queryset = selectors.conversation_list_for_shop(shop=shop, show=show, q=q)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    context = {"shop": shop, "page": page, "show": show, "q": q, "stats": services.response_stats(shop=shop)}
    return render(request, "messaging/cabinet/list.html", context)


def _reply_text(request, shop, orders) -> str:
    """A quick reply asked for without JavaScript (?reply=<id>): its text with the order number in."""
    reply_id = request.GET.get("reply", "")
    if not reply_id.isdigit():
        return ""
    reply = QuickReply.objects.filter(shop=shop, pk=reply_id).first()
    if reply is None:
        return ""
    order_id = request.GET.get("order", "")
    order = next((o for o in orders if str(o.pk) == order_id), orders[0] if orders else None)
    text = reply.text
    if order is not None:
        for placeholder in services.PLACEHOLDERS:
            text = text.replace(placeholder, order.number)
    return text


def _conversation_page(request, shop, conversation, *, form=None, status=200):
    orders = selectors.conversation_orders(conversation=conversation)
    if form is None:
        order_id = request.GET.get("order", "")
        initial = {"text": _reply_text(request, shop, orders)}
        if order_id.isdigit():
            initial["order"] = int(order_id)
        form = MessageForm(initial=initial, orders=orders)
    services.quick_replies_ensure_defaults(shop=shop)
    context = thread_context(request, conversation, Side.SHOP, poll_name="messaging:cabinet-poll")
    context.update(shop=shop, form=form, orders=orders, quick_replies=selectors.quick_replies(shop=shop))
    return render(request, "messaging/cabinet/conversation.html", context, status=status)


@seller_required
def conversation_detail(request, shop, pk):
    conversation = selectors.conversation_get_for_shop(shop=shop, pk=pk)
    if request.method == "POST":
        orders = selectors.conversation_orders(conversation=conversation)
        form, done = send_from(request, conversation, Side.SHOP, orders=orders,
                               redirect_name="messaging:cabinet-detail")  # fmt: skip
        return done or _conversation_page(request, shop, conversation, form=form, status=400)
    services.message_read(conversation=conversation, reader_side=Side.SHOP)
    return _conversation_page(request, shop, conversation)


@seller_required
def conversation_for_order(request, shop, number):
    """«Написать покупателю» on an order (seed 002 §2.1) and in the seller's invoice e-mail."""
    order = get_object_or_404(shop.orders.select_related("buyer"), number=number)
    if order.is_guest or order.buyer_id is None:
        flash.error(
            request,
            _("A guest placed this order: guests have no chat on the site. Contact the buyer the way they chose."),
        )
        return redirect("orders:cabinet-detail", number=order.number)
    existing = Conversation.objects.filter(shop=shop, buyer_id=order.buyer_id).first()
    if existing is not None and existing.messages.exists():
        return redirect(reverse("messaging:cabinet-detail", kwargs={"pk": existing.pk}) + f"?order={order.pk}#composer")
    form = MessageForm(request.POST or None, request.FILES or None, orders=[order], initial={"order": order.pk})
    if request.method == "POST" and form.is_valid():
        message = call_service(
            form, services.message_send_first, author=request.user, side=Side.SHOP, order=order,
            text=form.cleaned_data["text"], files=form.cleaned_data["files"],
        )  # fmt: skip
        if message:
            return redirect("messaging:cabinet-detail", pk=message.conversation_id)
    services.quick_replies_ensure_defaults(shop=shop)
    context = {"shop": shop, "order": order, "form": form, "quick_replies": selectors.quick_replies(shop=shop),
               "orders": [order]}  # fmt: skip
    return render(request, "messaging/cabinet/new.html", context, status=400 if form.is_bound else 200)


@seller_required
def conversation_poll(request, shop, pk):
    conversation = selectors.conversation_get_for_shop(shop=shop, pk=pk)
    return poll(request, conversation, Side.SHOP, poll_name="messaging:cabinet-poll")


@seller_required
def attachment(request, shop, pk, attachment_pk):
    conversation = selectors.conversation_get_for_shop(shop=shop, pk=pk)
    return attachment_response(selectors.attachment_get(conversation=conversation, pk=attachment_pk))


@seller_required
def quick_replies(request, shop):
    services.quick_replies_ensure_defaults(shop=shop)
    form = QuickReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.quick_reply_save, shop=shop, **form.cleaned_data):
            flash.success(request, _("The quick reply is saved."))
            return redirect("messaging:cabinet-replies")
    context = {"shop": shop, "form": form, "replies": selectors.quick_replies(shop=shop)}
    return render(request, "messaging/cabinet/replies.html", context, status=400 if form.is_bound else 200)


@seller_required
def quick_reply_edit(request, shop, pk):
    reply = get_object_or_404(QuickReply, pk=pk, shop=shop)
    form = QuickReplyForm(request.POST or None, instance=reply)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.quick_reply_save, shop=shop, reply=reply, **form.cleaned_data):
            flash.success(request, _("The quick reply is saved."))
            return redirect("messaging:cabinet-replies")
    context = {"shop": shop, "form": form, "reply": reply}
    return render(request, "messaging/cabinet/reply_edit.html", context, status=400 if form.is_bound else 200)


@seller_required
@require_POST
def quick_reply_delete(request, shop, pk):
    reply = get_object_or_404(QuickReply, pk=pk, shop=shop)
    services.quick_reply_delete(shop=shop, reply=reply)
    flash.success(request, _("The quick reply is deleted."))
    return redirect("messaging:cabinet-replies")
