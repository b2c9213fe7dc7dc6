"""Buyer pages of the orders app: the cart, checkout, the buyer's orders, reviews and parcel tracking."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import Product
from catalog.views.storefront import storefront_render
from marketplace.exceptions import DomainError
from marketplace.forms import call_service, parse_ids
from marketplace.money import format_rub
from marketplace.security import same_origin
from referrals.codes import is_referral_text
from shops.models import Shop
from shops.selectors import shop_get_for_storefront

from .. import promos, services
from ..attribution import source_of
from ..carriers import client_for
from ..exceptions import CartError
from ..forms import CheckoutForm, ReviewForm
from ..limits import guest_checkout_allowed, guest_checkout_record
from ..models import Order, OrderItem, OrderStatus, Review
from ..pricing import groups_priced
from ..selectors import (
    REVIEW_SORTS,
    cart_count,
    cart_for,
    cart_groups,
    cart_page_groups,
    order_for_idempotency_key,
    review_distribution,
    reviews_for_storefront,
    reviews_latest_for_product,
)


def _quantity(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise CartError(_("Enter the quantity as a whole number.")) from None


# The product page is served from the cache to anonymous visitors, so its form carries no
# CSRF token. Adding to a cart is safe without one: the session cookie is SameSite=Lax, so a
# forged cross-site POST never reaches the victim's cart; a foreign Origin is refused too.
@csrf_exempt
@require_POST
def cart_add(request, pk):
    if not same_origin(request):
        return HttpResponseForbidden()
    product = get_object_or_404(Product.objects.select_related("shop", "shop__vacation"), pk=pk)
    choice_ids = parse_ids(
        value for key, values in request.POST.lists() if key.startswith("option_") for value in values
    )
    try:
        quantity = _quantity(request.POST.get("quantity", "1"))
        cart = services.cart_open(request=request)
        services.cart_add(cart=cart, product=product, quantity=quantity, choice_ids=choice_ids)
    except CartError as error:
        if _wants_json(request):  # 200: the toast says why (a 400 would also show as a console error)
            return JsonResponse({"error": str(error)})
        messages.error(request, str(error))
        return redirect(product.get_absolute_url())
    message = _("«%(title)s» is in your cart.") % {"title": product.title}
    if _wants_json(request):
        return JsonResponse({"message": message, "cart_count": cart_count(request)})
    messages.success(request, message)
    go_to_cart = request.POST.get("next") == reverse("orders:cart")
    return redirect("orders:cart" if go_to_cart else product.get_absolute_url())


def _wants_json(request) -> bool:
    """static/js/product-page.js posts the product form with fetch and shows the answer in a toast."""
    return request.headers.get("Accept", "").startswith("application/json")


def _buyer(request):
    return request.user if request.user.is_authenticated else None


def cart(request):
    return render(request, "orders/cart.html", {"groups": _cart_groups_priced(request)})


def _cart_groups_priced(request):
    """The cart page's groups with their pricing: the cart and its lines in one query."""
    cart, groups, _address = cart_page_groups(request)
    return groups_priced(cart, buyer=_buyer(request), groups=groups)


CHECKOUT_DRAFT = "checkout_draft"


@require_POST
def cart_promo(request, slug):
    """Apply (or with ``remove``, take off) a promo code for one shop's part of the cart; back to
    the cart or that shop's checkout."""
    shop = get_object_or_404(Shop, slug=slug)
    cart = cart_for(request)
    back = (
        reverse("orders:checkout", args=[shop.slug])
        if request.POST.get("next") == "checkout"
        else reverse("orders:cart")
    )
    if request.POST.get("next") == "checkout":
        # The checkout form came along: what the buyer typed there is waiting when they are back.
        request.session[CHECKOUT_DRAFT] = {"shop": shop.pk, "data": {
            name: request.POST[name][:2000] for name in CheckoutForm.draft_fields if name in request.POST}}  # fmt: skip
    if cart is None:
        return redirect(back)
    if request.POST.get("remove") == "referral":
        promos.cart_referral_clear(cart=cart)
        messages.info(request, _("Lavka's promo code is removed."))
        return redirect(back)
    if request.POST.get("remove"):
        promos.cart_promo_clear(cart=cart, shop=shop)
        messages.info(request, _("The promo code is removed."))
        return redirect(back)
    text = request.POST.get("code", "")[:100]
    try:
        price = promos.cart_promo_set(cart=cart, shop=shop, text=text, buyer=_buyer(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if is_referral_text(text):
            messages.success(request, _("Lavka's promo code %(code)s is applied: %(value)s off.")
                             % {"code": price.referral.code, "value": format_rub(price.platform_discount)})  # fmt: skip
        else:
            effect = price.promo_explanation
            messages.success(request, _("Applied: %(effect)s.") % {"effect": effect[:1].lower() + effect[1:]})
    return redirect(back)


def _line(request, pk):
    """A line of this buyer's cart; anyone else's line is a 404."""
    cart = cart_for(request)
    if cart is None:
        raise Http404
    return get_object_or_404(cart.lines.select_related("product", "product__shop"), pk=pk)


def _cart_response(request, error=None):
    if request.headers.get("HX-Request"):
        # The header's count is updated out of band, in the same response.
        request.htmx_partial = True
        context = {"groups": _cart_groups_priced(request), "cart_error": error}
        return render(request, "orders/includes/cart_body.html", context)
    if error:
        messages.error(request, error)
    return redirect("orders:cart")


@require_POST
def cart_line_quantity(request, pk):
    line = _line(request, pk)
    try:
        services.cart_line_set_quantity(line=line, quantity=_quantity(request.POST.get("quantity")))
    except CartError as error:
        return _cart_response(request, str(error))
    return _cart_response(request)


@require_POST
def cart_line_remove(request, pk):
    services.cart_line_remove(line=_line(request, pk))
    return _cart_response(request)


@require_http_methods(["GET", "POST"])
def checkout(request, slug):
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        shop = get_object_or_404(Shop.objects.select_related("vacation", "owner"), slug=slug)
        cart = cart_for(request)
        # A second click of «Оформить» after the first emptied the cart lands on that order.
        placed = order_for_idempotency_key(cart=cart, shop=shop, key=request.POST.get("idempotency_key", ""))
        if placed is not None:
            return _order_placed(request, placed)
        groups = [group for group in cart_groups(cart) if group.shop.pk == shop.pk]
        last_address = None  # only the form's initial values use it, and a posted form ignores them
    else:
        # The cart, its lines with their shops and the last order's address in one query (cart_page_groups).
        cart, groups, last_address = cart_page_groups(request, last_address=True)
        groups = [group for group in groups if group.shop.slug == slug]
        # The shop as read with the lines; looked up only to tell an unknown address (404) from an empty part.
        shop = groups[0].shop if groups else get_object_or_404(Shop, slug=slug)
    if not groups:
        messages.info(request, _("There is nothing from this shop in your cart."))
        return redirect("orders:cart")
    groups = groups_priced(cart, buyer=user, groups=groups)  # only this shop's part is priced (its codes)
    initial = {}
    if user:
        initial = {"buyer_name": user.name, "phone": user.phone, "email": user.email, "address": last_address}
    draft = request.session.pop(CHECKOUT_DRAFT, None) if request.method == "GET" else None
    if draft and draft.get("shop") == shop.pk:
        initial.update(draft["data"])
    needs_delivery = any(not priced.line.product.is_digital for priced in groups[0].lines)
    has_digital = any(priced.line.product.is_digital for priced in groups[0].lines)
    form = CheckoutForm(request.POST or None, shop=shop, is_guest=user is None, initial=initial,
                        needs_delivery=needs_delivery)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        data["phone"] = data["phone"].as_e164
        data["source"], data["source_referrer"] = source_of(request)
        if user is None and not guest_checkout_allowed(request, email=data["email"]):
            form.add_error(None, _("Too many orders without an account from here or for this e-mail. "
                                   "Log in or sign up, or try again in an hour."))  # fmt: skip
            return render(request, "orders/checkout.html", {"shop": shop, "group": groups[0], "form": form,
                                                            "has_digital": has_digital},
                          status=429)  # fmt: skip
        order = call_service(form, services.order_place, cart=cart, shop=shop, buyer=user, **data)
        if order:
            if user is None and not getattr(order, "is_replay", False):  # presses at once: one order counted
                guest_checkout_record(request, email=data["email"])
            return _order_placed(request, order)
    return render(request, "orders/checkout.html", {"shop": shop, "group": groups[0], "form": form,
                                                    "has_digital": has_digital})  # fmt: skip


def _order_placed(request, order):
    messages.success(request, _("Order %(number)s is placed. The shop will contact you.") % {"number": order.number})
    return redirect(order.get_absolute_url())


def _buyers_order(request, number, *, sellers_too: bool = False) -> Order:
    """The buyer's own order, or a guest's by the secret link from the e-mail; else 404.

    ``sellers_too`` lets the shop's owner and staff in. Views using it are wrapped in ``_login_first``.
    """
    key = _secret(request)
    order = get_object_or_404(Order.objects.select_related("shop"), number=number)
    if key and constant_time_compare(key, order.secret):
        return order
    if not request.user.is_authenticated:
        raise Http404
    if order.buyer_id == request.user.pk or (sellers_too and (order.shop.owner_id == request.user.pk or
                                                                request.user.is_staff)):  # fmt: skip
        return order
    raise Http404


def _secret(request) -> str:
    return request.GET.get("key", "") or request.POST.get("key", "")


def _login_first(view):
    """A logged-out visitor without the secret logs in first (e-mail links of registered buyers
    carry no secret); checked before any lookup, so the answer is the same whether the order exists."""

    @wraps(view)
    def wrapper(request, *args, number, **kwargs):
        if request.user.is_authenticated or _secret(request):
            return view(request, *args, number=number, **kwargs)
        # After logging in a POST cannot be repeated: come back to the order page instead.
        back = request.get_full_path() if request.method == "GET" else reverse("orders:detail", args=[number])
        return redirect_to_login(back)

    return wrapper


@_login_first
@require_POST
def order_confirm(request, number):
    order = _buyers_order(request, number)
    try:
        services.order_confirm(order=order)
    except CartError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you! The shop sees that you confirmed the order."))
    return redirect(order.get_absolute_url())


@_login_first
@require_POST
def order_received(request, number):
    order = _buyers_order(request, number)
    try:
        services.order_mark_received(order=order, by_buyer=True)
    except CartError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you! The shop sees that the order reached you."))
    return redirect(order.get_absolute_url())


def order_file_groups(request, order):
    from .downloads import order_file_groups as groups  # downloads imports this module's helpers

    return groups(request, order)


def _order_steps(order, events, *, files_open: bool) -> list[dict]:
    """The buyer's progress stepper: Открытый → Оплачен → Отправлен → Получен, or for an order of files
    only Открытый → Оплачен → «Файлы открыты». The furthest step reached is the current one; a step
    passed without being reached (shipped unpaid; files open before payment) is «skipped». A cancelled
    order has no steps: its page says it is cancelled instead."""
    if order.status == OrderStatus.CANCELLED:
        return []
    shipped_at = next((event.created_at for event in events if event.status == OrderStatus.SHIPPED), None)
    steps = [
        {"key": "open", "label": OrderStatus.OPEN.label, "date": order.created_at, "reached": True},
        {"key": "paid", "label": OrderStatus.PAID.label, "date": order.paid_at, "reached": order.paid_at is not None},
    ]
    if order.needs_delivery:
        steps += [
            {"key": "shipped", "label": OrderStatus.SHIPPED.label, "date": shipped_at,
             "reached": order.status == OrderStatus.SHIPPED},
            {"key": "received", "label": _("Received"), "date": order.received_at,
             "reached": order.received_at is not None},
        ]  # fmt: skip
    else:
        reached = files_open or order.status == OrderStatus.PAID
        steps.append({"key": "files", "label": _("Files open"), "date": None, "reached": reached})
    current = max(index for index, step in enumerate(steps) if step["reached"])
    for index, step in enumerate(steps):
        if index == current:
            step["state"] = "current"
        elif step["reached"]:
            step["state"] = "done"
        else:
            step["state"] = "skipped" if index < current else "todo"
    return steps


def _order_page(request, order, *, review_forms=None, edit_forms=None, status=200):
    # The covers come in the same query: one for the items however many there are.
    items = list(order.items.select_related("review", "product__cover").prefetch_related("review__photos"))
    can_review = services.review_can_write(author=request.user, order=order)
    review_forms, edit_forms = review_forms or {}, edit_forms or {}
    shop_open = order.shop.is_open_to_buyers
    for item in items:
        product = item.product  # None once the product is deleted: no photo, no link
        item.photo = product.cover if product is not None else None
        # Only a product buyers may see is linked: a disabled one would answer «unavailable».
        visible = product is not None and product.is_enabled and not product.is_hidden_by_moderation and shop_open
        item.product_url = product.get_absolute_url() if visible else ""
        review = getattr(item, "review", None)
        fresh = ReviewForm(prefix=f"item{item.pk}") if can_review and review is None else None
        item.review_form = review_forms.get(item.pk) or fresh
        item.review_edit_form = None
        if review is not None and review.pk in edit_forms:
            # A refused edit comes back with its error, even when the 30 days are over.
            item.review_edit_form = edit_forms[review.pk]
        elif review is not None and review.author_id == request.user.pk and review.is_editable:
            item.review_edit_form = ReviewForm(review=review, prefix=f"edit{review.pk}")
    events = list(order.events.all())
    file_groups = order_file_groups(request, order)
    opened = {group.is_open for group in file_groups}
    files_state = "open" if opened == {True} else "waiting" if opened == {False} else "some" if opened else ""
    context = {"order": order, "items": items, "events": events, "can_review": can_review,
               "own_shop": services.review_is_own_shop(author=request.user, order=order),
               "shipments": order.shipments.prefetch_related("events"), "file_groups": file_groups,
               "steps": _order_steps(order, events, files_open=True in opened), "files_state": files_state,
               "reviews_to_write": any(item.review_form for item in items),
               "is_buyer": request.user.is_authenticated and order.buyer_id == request.user.pk}  # fmt: skip
    return render(request, "orders/order_detail.html", context, status=status)


@_login_first
def order_detail(request, number):
    return _order_page(request, _buyers_order(request, number))


@login_required
@require_POST
def review_add(request, number, item_pk):
    order = get_object_or_404(Order.objects.select_related("shop"), number=number, buyer=request.user)
    item = get_object_or_404(order.items, pk=item_pk)
    form = ReviewForm(request.POST, request.FILES, prefix=f"item{item.pk}")
    review = form.is_valid() and call_service(form, services.review_add, author=request.user, item=item,
                                              **form.service_kwargs())  # fmt: skip
    if review:
        messages.success(request, _("Thank you! Your review of «%(title)s» is published.") % {"title": item.title})
        return redirect(f"{order.get_absolute_url()}#reviews")
    messages.error(request, _("The review is not saved: see the form below."))
    return _order_page(request, order, review_forms={item.pk: form}, status=400)


@login_required
@require_POST
def review_edit(request, number, pk):
    """The author changes their review (30 days from writing it); the earlier version is kept."""
    order = get_object_or_404(Order.objects.select_related("shop"), number=number, buyer=request.user)
    review = get_object_or_404(order.reviews.all(), pk=pk, author=request.user)
    form = ReviewForm(request.POST, request.FILES, review=review, prefix=f"edit{review.pk}")
    if form.is_valid() and call_service(form, services.review_edit, author=request.user, review=review,
                                        **form.service_kwargs()):  # fmt: skip
        messages.success(request, _("Your review is changed."))
        return redirect(f"{order.get_absolute_url()}#review-{review.pk}")
    messages.error(request, _("The review is not changed: see the form below."))
    return _order_page(request, order, edit_forms={review.pk: form}, status=400)


REVIEWS_PER_PAGE = 20


def shop_reviews(request, slug):
    """The storefront's «Отзывы» tab: published reviews, newest first (or best, worst); ?product=
    narrows to one product, ?photos=1 to reviews with photos."""
    shop = shop_get_for_storefront(slug=slug)
    product = None
    product_ids = parse_ids([request.GET.get("product")])
    if product_ids:
        product = Product.objects.visible().filter(shop=shop, pk=product_ids[0]).first()
    sort = request.GET.get("sort") if request.GET.get("sort") in REVIEW_SORTS else "new"
    with_photos = request.GET.get("photos") == "1"
    summary = Review.objects.filter(shop=shop, is_published=True)
    if product is not None:
        summary = summary.filter(product=product)
    distribution, total = review_distribution(summary)
    reviews = reviews_for_storefront(shop=shop, product=product, sort=sort, with_photos=with_photos)
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    page.elided_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    base = {"product": product.pk} if product else {}
    return storefront_render(
        request, shop, "reviews", page=page, product=product, distribution=distribution, total=total,
        show_product=product is None, sort=sort, with_photos=with_photos,
        sorts=[(code, _sort_label(code)) for code in REVIEW_SORTS],
        base_query=urlencode(base), photos_query=urlencode({**base, "sort": sort}),
        query_string=urlencode({**base, "sort": sort, **({"photos": "1"} if with_photos else {})}),
    )  # fmt: skip


def _sort_label(code: str) -> str:
    return {"new": _("Newest"), "best": _("Best first"), "worst": _("Worst first")}[code]


def product_reviews_section(product) -> str:
    """The product page's inline reviews (registered in apps.py with catalog.product_sections):
    no query for a product without reviews, a fixed few otherwise."""
    if not product.review_count:
        return ""
    distribution, total = review_distribution(Review.objects.filter(product=product, is_published=True))
    context = {"product": product, "reviews": reviews_latest_for_product(product=product, limit=5),
               "distribution": distribution, "total": total}  # fmt: skip
    return render_to_string("orders/includes/product_reviews.html", context)


@_login_first
def tracking(request, number, pk):
    """Our tracking page: the carrier's events for one parcel, fetched again when they are old."""
    order = _buyers_order(request, number, sellers_too=True)
    shipment = get_object_or_404(order.shipments, pk=pk)
    if services.shipment_refresh_if_stale(shipment=shipment):
        shipment.refresh_from_db()
    context = {"order": order, "shipment": shipment, "events": list(shipment.events.all())[::-1],
               "configured": shipment.is_tracked and client_for(shipment.carrier) is not None,
               "back_url": order.get_absolute_url()}  # fmt: skip
    if request.user.is_authenticated and order.shop.owner_id == request.user.pk and order.buyer_id != request.user.pk:
        context["back_url"] = reverse("orders:cabinet-detail", kwargs={"number": order.number})
    return render(request, "orders/tracking.html", context)


@login_required
def order_list(request):
    # Each order shows its items' photos: one more query for the whole list, whatever its length.
    items = OrderItem.objects.select_related("product__cover").only(
        "order", "title", "product", "product__cover__image", "product__cover__width", "product__cover__height"
    )
    orders = Order.objects.filter(buyer=request.user).select_related("shop").prefetch_related(Prefetch("items", items))
    return render(request, "orders/order_list.html", {"orders": orders})
