"""The buyer's messages: /messages/ (list), /messages/new/ (from a product or a storefront), a conversation."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.models import Product
from marketplace.forms import call_service
from referrals.invitations import invitations_mark_read
from shops.selectors import shop_get_for_storefront

from .. import selectors, services
from ..forms import MessageForm, ReportForm
from ..models import Conversation, Side
from .common import attachment_response, poll, send_from, thread_context

PER_PAGE = 30


@login_required
def conversation_list(request):
    page = Paginator(selectors.conversation_list_for_buyer(buyer=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    shop_unread = selectors.unread_count_for_shop(request.user.shop) if request.user.is_seller else 0
    invitations = selectors.invitations_for_inbox(user=request.user)
    # The rows are already fetched, so the unread ones still show as unread this once; the cached
    # count is dropped before rendering so the header's badge asks afresh instead of showing them.
    if invitations["invitations_unread"] and invitations_mark_read(user=request.user):
        selectors.unread_forget_users([request.user.pk])
    return render(request, "messaging/list.html", {"page": page, "shop_unread": shop_unread, **invitations})


def _product_or_shop(request):
    """The «Сообщение» button's subject: ?product=<id> (a visible product) or ?shop=<slug>."""
    product_id = request.GET.get("product", "")
    if product_id:
        if not product_id.isdigit():
            raise Http404
        product = get_object_or_404(Product.objects.visible().select_related("shop"), pk=product_id)
        return product.shop, product
    slug = request.GET.get("shop", "")
    if not slug:
        raise Http404
    return shop_get_for_storefront(slug=slug), None


def conversation_new(request):
    """Seed 001 reason 4: before an order, «Сообщение» is the only way to reach the shop."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    shop, product = _product_or_shop(request)
    if shop.owner_id == request.user.pk:
        flash.info(request, _("This is your own shop: buyers' messages are in your cabinet."))
        return redirect("messaging:cabinet-list")
    existing = Conversation.objects.filter(buyer=request.user, shop=shop).first()
    if existing is not None and existing.messages.exists():
        url = reverse("messaging:detail", kwargs={"pk": existing.pk})
        return redirect(f"{url}?product={product.pk}#composer" if product else url)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        message = call_service(
            form, services.message_send_first, author=request.user, side=Side.BUYER, shop=shop,
            text=form.cleaned_data["text"], product=product, files=form.cleaned_data["files"],
        )  # fmt: skip
        if message:
            return redirect("messaging:detail", pk=message.conversation_id)
    status = 400 if form.is_bound else 200
    return render(request, "messaging/new.html", {"shop": shop, "product": product, "form": form}, status=status)


@login_required
def conversation_detail(request, pk):
    conversation = selectors.conversation_get_for_buyer(buyer=request.user, pk=pk)
    product = _about_product(request, conversation)
    form = None
    if request.method == "POST":
        form, done = send_from(request, conversation, Side.BUYER, orders=[], product=product,
                               redirect_name="messaging:detail")  # fmt: skip
        if done:
            return done
    services.message_read(conversation=conversation, reader_side=Side.BUYER)
    context = thread_context(request, conversation, Side.BUYER, poll_name="messaging:poll")
    context.update(
        form=form or MessageForm(), product=product, orders=selectors.conversation_orders(conversation=conversation)
    )
    return render(request, "messaging/conversation.html", context, status=400 if form else 200)


def _about_product(request, conversation):
    product_id = request.GET.get("product") or request.POST.get("product") or ""
    if product_id.isdigit():
        return Product.objects.visible().filter(pk=product_id, shop_id=conversation.shop_id).first()
    return None


@login_required
def conversation_poll(request, pk):
    conversation = selectors.conversation_get_for_buyer(buyer=request.user, pk=pk)
    return poll(request, conversation, Side.BUYER, poll_name="messaging:poll")


@login_required
def attachment(request, pk, attachment_pk):
    conversation = selectors.conversation_get_for_buyer(buyer=request.user, pk=pk)
    return attachment_response(selectors.attachment_get(conversation=conversation, pk=attachment_pk))


@login_required
@require_POST
def message_report(request, pk, message_pk):
    conversation = selectors.conversation_get_for_buyer(buyer=request.user, pk=pk)
    message = get_object_or_404(conversation.messages, pk=message_pk, sender_side=Side.SHOP)
    form = ReportForm(request.POST)
    if form.is_valid() and call_service(form, services.message_report, message=message, reporter=request.user,
                                        reason=form.cleaned_data["reason"]):  # fmt: skip
        flash.success(request, _("Thank you: the moderators will look at this message."))
    else:
        flash.error(request, " ".join(form.non_field_errors()) or _("The report was not sent."))
    return redirect(reverse("messaging:detail", kwargs={"pk": conversation.pk}) + f"#m{message.pk}")


def unread_badge(request):
    """The header badge, polled by htmx on every page of a signed-in user."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    context = {"unread_messages_count": selectors.unread_count_for_user(request.user)}
    return render(request, "messaging/includes/unread_badge.html", context)
