"""Placing an order: every line checked again, stock taken conditionally, prices snapshotted."""

import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Activation, Availability, OptionGroup, Product
from catalog.services import products_sales_record
from marketplace.pagecache import bump_generation_on_commit

from .. import emails
from ..exceptions import CartError
from ..models import (
    Cart,
    CartLine,
    Order,
    OrderEvent,
    OrderItem,
    OrderStatus,
)
from ..pricing import gifts_in_stock, price_order, referral_text_for
from ..promos import order_record_pricing
from ..selectors import (
    cart_groups,
    cart_pieces_forget,
    order_for_idempotency_key,
    scoped_idempotency_key,
)
from .cart import _validate_choices


@transaction.atomic
def order_place(
    *, cart: Cart, shop, buyer, idempotency_key: str, buyer_name: str, phone: str, email: str, address: str,
    delivery_method: str, contact_method: str, notes: str = "", rules_accepted: bool = False,
    source: str = "direct", source_referrer: str = "",
) -> Order:  # fmt: skip
    """Turn the cart's lines of one shop into an order: re-priced, stock taken, invoice queued.

    The same idempotency key from the same cart returns the order already placed (a double
    click places one), marked ``is_replay``; the same key from another cart is a fresh attempt,
    never that order.
    Stock is taken with a conditional update, so two buyers can never get the last piece.
    """
    # Checkouts of one cart queue up here, so a parallel double submit finds the first order
    # instead of tripping over the unique key.
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    existing = order_for_idempotency_key(cart=cart, shop=shop, key=idempotency_key)
    if existing is not None:
        existing.is_replay = True  # not placed now: the checkout view counts a guest's order once
        return existing
    is_guest = buyer is None
    # Seed 001, reason 5: an order by the shop's own owner is a fake one. Shops have no staff
    # accounts yet; when they do, their staff are refused here too.
    if buyer is not None and buyer.pk == shop.owner_id:
        raise CartError(_("This is your own shop: a seller cannot place orders with it."))
    if contact_method not in shop.contact_methods_for(is_guest=is_guest):
        raise CartError(_("Choose one of the contact methods the shop offers."))
    if shop.rules_consent_required and not rules_accepted:
        raise CartError(_("Please confirm that you agree to the shop's rules."))
    if not shop.is_open_to_buyers:
        raise CartError(_("This shop is not taking orders now."))
    vacation = shop.current_vacation()
    if vacation and not vacation.allow_cart:
        until = vacation.ends_on.strftime("%d.%m.%Y")
        raise CartError(_("The seller is on vacation until %(date)s.") % {"date": until})
    groups = [group for group in cart_groups(cart) if group.shop.pk == shop.pk]
    if not groups or not groups[0].lines:
        raise CartError(_("There is nothing from this shop in your cart."))
    priced_lines = groups[0].lines
    _check_lines(priced_lines)
    # Digital goods need no parcel: an order of them only asks no address (the form hides it).
    needs_delivery = any(not priced.line.product.is_digital for priced in priced_lines)
    if needs_delivery and not address.strip():
        raise CartError(_("Give the delivery address."), field="address")
    if needs_delivery and not delivery_method:
        raise CartError(_("Choose how to deliver the order."), field="delivery_method")
    if not needs_delivery:
        address, delivery_method = "", ""
    if is_guest:
        _check_guest_quantities(priced_lines)
    # The promo code typed for this shop, checked again now with its row locked (usage limits).
    pricing = price_order(group=groups[0], code_text=cart.promo_codes.get(str(shop.pk), ""),
                          referral_text=referral_text_for(cart, shop), buyer=buyer, email=email, lock=True)  # fmt: skip
    if pricing.promo_error:
        raise CartError(pricing.promo_error)
    if pricing.referral_error:
        raise CartError(pricing.referral_error)
    order = Order.objects.create(
        shop=shop, buyer=buyer, is_guest=is_guest, idempotency_key=scoped_idempotency_key(
            cart=cart, shop=shop, key=idempotency_key), buyer_name=buyer_name,
        phone=phone, email=email, address=address, delivery_method=delivery_method, needs_delivery=needs_delivery,
        contact_method=contact_method,
        notes=notes, rules_accepted=rules_accepted, **pricing.order_fields(), source=source,
        source_referrer=source_referrer, number=_placeholder_number(),
    )  # fmt: skip
    order.number = f"{order.created_at:%y%m}-{order.pk:05d}"
    order.save(update_fields=["number"])
    _take_stock(priced_lines, gifts=gifts_in_stock(pricing.gifts))
    products_sales_record(product_ids={priced.line.product_id for priced in priced_lines}, delta=1)
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order, product=priced.line.product, title=priced.line.product.title,
            options="; ".join(f"{choice.group.name}: {choice.name}" for choice in priced.choices),
            quantity=priced.line.quantity, base_unit=priced.price.base_unit, unit_price=priced.price.unit,
            discount=priced.price.explanation, line_total=priced.price.total,
            is_digital=priced.line.product.is_digital,
            activation=priced.line.product.activation if priced.line.product.is_digital else "",
        )
        for priced in priced_lines
    )  # fmt: skip
    order_record_pricing(order=order, cart=cart, price=pricing)
    CartLine.objects.filter(pk__in=[priced.line.pk for priced in priced_lines]).delete()
    cart_pieces_forget(cart)
    OrderEvent.objects.create(order=order, status=OrderStatus.OPEN, actor=buyer)
    # Digital goods with activation «немедленно» open right away (no extra query: the lines are at hand).
    opens = any(priced.line.product.is_digital and priced.line.product.activation == Activation.IMMEDIATE
                for priced in priced_lines)  # fmt: skip
    _notify_invoice(order, opens_files=opens)
    bump_generation_on_commit()  # stock changed: cached pages show it
    return order


def _check_lines(priced_lines) -> None:
    """Every line once more, as it is now (the seller may have changed it since it was added):
    still on sale, its variants still offered, every required option chosen. The refusal names the line."""
    options: dict[int, list[OptionGroup]] = {priced.line.product_id: [] for priced in priced_lines}
    for group in OptionGroup.objects.filter(product__in=options).prefetch_related("choices"):
        options[group.product_id].append(group)
    for priced in priced_lines:
        product, title = priced.line.product, priced.line.product.title
        if not product.is_orderable and product.is_enabled and not product.is_hidden_by_moderation:
            # Still on sale, only its pieces ran out (the shop is open: order_place checked it).
            raise CartError(_("«%(title)s» is out of stock.") % {"title": title})
        if not priced.available:
            raise CartError(_("«%(title)s» is no longer available: remove it from the cart.") % {"title": title})
        if priced.line.product.downloadable_without_order:
            raise CartError(_("«%(title)s» is free: download it from the product page, no order needed.")
                            % {"title": title})  # fmt: skip
        if priced.line.product.is_digital and priced.line.quantity > 1:
            raise CartError(_("«%(title)s» is a digital product: one copy is all you need.") % {"title": title})
        try:
            _validate_choices(options[priced.line.product_id], priced.line.choice_ids)
        except CartError as error:
            problem = str(error)
            raise CartError(
                _("«%(title)s»: %(problem)s") % {"title": title, "problem": problem[:1].lower() + problem[1:]}
            ) from None


def _check_guest_quantities(priced_lines) -> None:
    """A guest order holds a few pieces of a product at most: a script can't reserve the stock."""
    limit = settings.GUEST_MAX_PIECES_PER_PRODUCT
    pieces: dict[int, int] = {}
    for priced in priced_lines:
        pieces[priced.line.product_id] = pieces.get(priced.line.product_id, 0) + priced.line.quantity
        if pieces[priced.line.product_id] > limit:
            raise CartError(
                ngettext(
                    "Without an account an order may hold at most %(count)d piece of «%(title)s». "
                    "Log in or sign up to order more.",
                    "Without an account an order may hold at most %(count)d pieces of «%(title)s». "
                    "Log in or sign up to order more.",
                    limit,
                ) % {"count": limit, "title": priced.line.product.title}
            )  # fmt: skip


def _placeholder_number() -> str:
    """A unique stand-in until the order has its pk. A blank one would make every checkout wait at the
    unique index for the one before it to commit (all of them insert the same "")."""
    return "~" + secrets.token_hex(9)


def _take_stock(priced_lines, *, gifts=()) -> None:
    """Take the ordered pieces of every counted product, the promo code's gifts included, in one
    conditional UPDATE.

    Each row is changed only if it still has enough pieces; fewer changed rows than products
    means another buyer was quicker, and the whole order is rolled back. One statement over all the
    rows locks them in one order, so two checkouts of the same products never deadlock.
    """
    wanted: dict[int, int] = {}
    for priced in priced_lines:
        if priced.line.product.availability == Availability.IN_STOCK:
            wanted[priced.line.product_id] = wanted.get(priced.line.product_id, 0) + priced.line.quantity
    for gift in gifts:
        wanted[gift.pk] = wanted.get(gift.pk, 0) + 1
    if not wanted:
        return
    need = Case(*(When(pk=pk, then=Value(quantity)) for pk, quantity in wanted.items()), output_field=IntegerField())
    taken = Product.objects.filter(pk__in=wanted, stock__gte=need).update(stock=F("stock") - need)
    if taken != len(wanted):
        short = (Product.objects.filter(pk__in=wanted).exclude(stock__gte=need)
                 .values_list("pk", "title", "stock").first())  # fmt: skip
        pk, title, left = short if short else (0, "", 0)
        if any(gift.pk == pk for gift in gifts) and not any(priced.line.product_id == pk for priced in priced_lines):
            raise CartError(_("Someone was quicker: the gift of the promo code is out of stock. Remove the code "
                              "or try again."))  # fmt: skip
        if not left:  # the last pieces went to another buyer a moment ago: the same answer as a sold-out product
            raise CartError(_("«%(title)s» is out of stock.") % {"title": title})
        raise CartError(
            ngettext("Someone was quicker: only %(count)d piece of «%(title)s» is left.",
                     "Someone was quicker: only %(count)d pieces of «%(title)s» are left.", left or 0)
            % {"count": left or 0, "title": title}
        )  # fmt: skip


def _notify_invoice(order: Order, *, opens_files: bool) -> None:
    """«Счёт заказа» to the seller, the buyer and the site admins (seed 001); and to the buyer alone,
    «файлы можно скачать» when digital goods with activation «немедленно» open right away."""
    emails.invoice_send(order)
    if opens_files:
        emails.downloads_open_send(order)
