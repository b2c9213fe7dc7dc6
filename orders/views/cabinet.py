"""Seller cabinet pages of the orders app: the shop's orders, their statuses and shipments."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from marketplace.forms import call_service
from shops.views.cabinet import seller_required

from .. import services
from ..attribution import OrderSource
from ..exceptions import CartError, ShipmentError
from ..forms import ShipmentForm
from ..models import OrderStatus
from ..selectors import orders_for_cabinet, orders_unconfirmed_guest_overdue, orders_with_tracks

ORDERS_PER_PAGE = 50


@seller_required
def order_list(request, shop):
    orders = orders_for_cabinet(shop=shop)
    status = request.GET.get("status", "")
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    source = request.GET.get("source", "")  # the marketing report's rows link here
    if source in OrderSource.values:
        orders = orders.filter(source=source)
        if request.GET.get("referrer"):
            orders = orders.filter(source_referrer=request.GET["referrer"][:300])
    if request.GET.get("guest") in ("1", "0"):
        orders = orders.filter(is_guest=request.GET["guest"] == "1")
    # «Отправлен» without a track: the buyer can't follow the parcel, and the sale isn't a tracked one.
    track = request.GET.get("track", "")
    if track in ("none", "yes"):
        orders = orders_with_tracks(orders, tracked=track == "yes")
    dates = {}
    for name, lookup in (("from", "created_at__date__gte"), ("to", "created_at__date__lte")):
        try:
            dates[name] = date.fromisoformat(request.GET.get(name, ""))
            orders = orders.filter(**{lookup: dates[name]})
        except ValueError:
            if request.GET.get(name):
                messages.warning(request, _("The date «%(value)s» was not understood and is ignored.")
                                 % {"value": request.GET[name][:20]})  # fmt: skip
    query = request.GET.get("q", "").strip()[:100]
    if query:
        orders = orders.filter(Q(number__icontains=query) | Q(buyer_name__icontains=query))
    counts = shop.orders.aggregate(**{value: Count("pk", filter=Q(status=value)) for value in OrderStatus.values})
    # 50 a page, newest first: a shop with thousands of orders costs what a small one does.
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    kept = request.GET.copy()
    kept.pop("page", None)
    query_string = kept.urlencode()
    context = {
        "shop": shop, "orders": page.object_list, "page": page, "query_string": query_string, "status": status,
        "query": query, "guest": request.GET.get("guest", ""),
        "overdue_guest_count": orders_unconfirmed_guest_overdue(shop=shop).count(),
        "track": track, "source": source if source in OrderSource.values else "",
        "source_label": OrderSource(source).label if source in OrderSource.values else "",
        "referrer": request.GET.get("referrer", "")[:300],
        "date_from": dates.get("from"), "date_to": dates.get("to"),
        "counts": [(value, label, counts[value]) for value, label in OrderStatus.choices],
    }  # fmt: skip
    return render(request, "orders/cabinet/order_list.html", context)


@seller_required
@require_POST
def orders_cancel_unconfirmed_guest(request, shop):
    cancelled = services.orders_cancel_unconfirmed_guest(shop=shop, actor=request.user)
    messages.success(request, ngettext(
        "%(count)d unconfirmed guest order is cancelled; its pieces are back in stock.",
        "%(count)d unconfirmed guest orders are cancelled; their pieces are back in stock.", cancelled,
    ) % {"count": cancelled})  # fmt: skip
    return redirect("orders:cabinet-list")


def _order_page(request, shop, order, shipment_form=None, status=200):
    # The covers come with the items, in one query however many there are.
    items = list(order.items.select_related("product__cover"))
    for item in items:
        product = item.product  # None once the product is deleted: no photo, no link
        item.photo = product.cover if product is not None else None
        item.product_url = ""
        if product is not None:
            # What buyers see, or the seller's preview while buyers cannot see it.
            visible = product.is_enabled and not product.is_hidden_by_moderation and shop.is_open_to_buyers
            item.product_url = (
                product.get_absolute_url() if visible else reverse("catalog:cabinet-product-preview", args=[product.pk])
            )
    context = {
        "shop": shop, "order": order, "items": items, "events": order.events.select_related("actor"),
        "shipments": order.shipments.prefetch_related("events"),
        "shipment_form": shipment_form or ShipmentForm(order=order),
    }  # fmt: skip
    return render(request, "orders/cabinet/order_detail.html", context, status=status)


@seller_required
def order_detail(request, shop, number):
    return _order_page(request, shop, get_object_or_404(shop.orders.select_related("buyer"), number=number))


@seller_required
@require_POST
def shipment_add(request, shop, number):
    order = get_object_or_404(shop.orders.select_related("buyer"), number=number)
    form = ShipmentForm(request.POST, order=order)
    shipment = form.is_valid() and call_service(form, services.shipment_add, order=order, actor=request.user,
                                                **form.cleaned_data)  # fmt: skip
    if not shipment:
        messages.error(request, _("The shipment is not saved: see the form below."))
        return _order_page(request, shop, order, shipment_form=form, status=400)
    if form.cleaned_data["new_status"]:
        status = OrderStatus(form.cleaned_data["new_status"]).label
        text = _("The track %(number)s is saved and the order is «%(status)s»; the buyer gets an e-mail with the "
                 "track.") % {"number": shipment.track_number, "status": status}  # fmt: skip
    elif form.cleaned_data["notify_buyer"]:
        text = _("The track %(number)s is saved; the buyer gets an e-mail with it.") % {"number": shipment.track_number}
    else:
        text = _("The track %(number)s is saved.") % {"number": shipment.track_number}
    messages.success(request, text)
    return redirect("orders:cabinet-detail", number=order.number)


@seller_required
@require_POST
def shipment_delete(request, shop, number, pk):
    order = get_object_or_404(shop.orders, number=number)
    shipment = get_object_or_404(order.shipments, pk=pk)
    try:
        services.shipment_delete(shipment=shipment, actor=request.user)
    except ShipmentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The shipment %(number)s is removed.") % {"number": shipment.track_number})
    return redirect("orders:cabinet-detail", number=order.number)


@seller_required
@require_POST
def order_status(request, shop, number):
    order = get_object_or_404(shop.orders, number=number)
    target = request.POST.get("status", "")
    note = request.POST.get("note", "")
    try:
        if target not in OrderStatus.values:
            raise CartError(_("Choose a status."))
        services.order_transition(order=order, to_status=target, actor=request.user, note=note,
                                  cancel_reason=request.POST.get("cancel_reason", ""))  # fmt: skip
    except CartError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The order is «%(status)s» now; the buyer gets an e-mail.")
                         % {"status": OrderStatus(target).label})  # fmt: skip
    return redirect("orders:cabinet-detail", number=order.number)
