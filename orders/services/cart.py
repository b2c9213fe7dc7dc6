"""Cart writes: opening, adding (visibility, stock, options), quantities, merging at log-in."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Availability, OptionGroup, OptionKind, Product

from ..exceptions import CartError
from ..models import (
    MAX_LINE_QUANTITY,
    Cart,
    CartLine,
)
from ..selectors import (
    SESSION_KEY,
    cart_for,
    cart_pieces_forget,
)


def _options_key(choice_ids: Iterable[int]) -> str:
    return ",".join(str(pk) for pk in sorted(set(choice_ids)))


def _check_product(product: Product) -> None:
    if not Product.objects.visible().filter(pk=product.pk).exists():
        raise CartError(_("This product is not on sale."))
    vacation = product.shop.current_vacation()
    if vacation and not vacation.allow_cart:
        raise CartError(_("The seller is on vacation until %(date)s and asks not to add products to the cart.")
                        % {"date": vacation.ends_on.strftime("%d.%m.%Y")})  # fmt: skip
    if not product.is_orderable:
        raise CartError(_("«%(title)s» is out of stock.") % {"title": product.title})
    if product.downloadable_without_order:
        raise CartError(_("«%(title)s» is free: download it from the product page, no order needed.")
                        % {"title": product.title})  # fmt: skip


def _check_choices(product: Product, choice_ids: list[int]) -> list[int]:
    """The chosen variants must belong to the product and satisfy each option's rules."""
    return _validate_choices(list(product.option_groups.prefetch_related("choices")), choice_ids)


def _validate_choices(groups: list[OptionGroup], choice_ids: Iterable[int]) -> list[int]:
    """``choice_ids`` against the product's option groups (choices prefetched) as they are now."""
    chosen = set(choice_ids)
    removed = {choice.name for group in groups for choice in group.choices.all()
               if choice.is_removed and choice.pk in chosen}  # fmt: skip
    if removed:
        raise CartError(_("the variant «%(variant)s» is no longer offered; remove the line and choose again.")
                        % {"variant": ", ".join(sorted(removed))})  # fmt: skip
    if chosen - {choice.pk for group in groups for choice in group.choices.all()}:
        raise CartError(_("These variants are not offered for this product; reload the page."))
    for group in groups:
        picked = chosen & {choice.pk for choice in group.choices.all()}
        if group.kind == OptionKind.CHECKBOX:
            if group.is_required and not picked:
                raise CartError(_("Choose at least one variant of «%(name)s».") % {"name": group.name})
        else:
            if len(picked) > 1:
                raise CartError(_("Choose one variant of «%(name)s».") % {"name": group.name})
            if group.is_required and not picked:
                raise CartError(_("Choose «%(name)s».") % {"name": group.name})
    return sorted(chosen)


def _cap_to_stock(product: Product, quantity: int) -> None:
    if product.is_digital and quantity > 1:
        raise CartError(_("«%(title)s» is a digital product: one copy is all you need.") % {"title": product.title})
    if quantity > MAX_LINE_QUANTITY:
        raise CartError(_("At most %(count)d pieces in one line.") % {"count": MAX_LINE_QUANTITY})
    if product.availability == Availability.IN_STOCK and quantity > (product.stock or 0):
        raise CartError(
            ngettext("Only %(count)d piece of «%(title)s» is left.", "Only %(count)d pieces of «%(title)s» are left.",
                     product.stock or 0) % {"count": product.stock or 0, "title": product.title}
        )  # fmt: skip


@transaction.atomic
def cart_open(*, request) -> Cart:
    """The buyer's cart, made on first use; a guest's is remembered in the session."""
    if request.user.is_authenticated:
        return Cart.objects.get_or_create(user=request.user)[0]
    cart = cart_for(request)
    if cart is None:
        cart = Cart.objects.create()
        request.session[SESSION_KEY] = cart.pk
    return cart


@transaction.atomic
def cart_add(*, cart: Cart, product: Product, quantity: int, choice_ids: Iterable[int] = ()) -> CartLine:
    """Put pieces of a product with the chosen variants in the cart (adding to a line it has)."""
    if quantity < 1:
        raise CartError(_("The quantity must be at least 1."))
    _check_product(product)
    choices = _check_choices(product, list(choice_ids))
    line = (
        CartLine.objects.select_for_update()
        .filter(cart=cart, product=product, options_key=_options_key(choices))
        .first()
    )
    total = quantity + (line.quantity if line else 0)
    if product.is_digital:
        total = 1  # a file is bought once: adding it again leaves the line as it is
    _cap_to_stock(product, total)
    if line is None:
        line = CartLine.objects.create(
            cart=cart, product=product, quantity=total, choice_ids=choices, options_key=_options_key(choices)
        )
    else:
        line.quantity = total
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    cart_pieces_forget(cart)
    return line


@transaction.atomic
def cart_line_set_quantity(*, line: CartLine, quantity: int) -> CartLine | None:
    """Change a line's quantity; 0 removes it."""
    if quantity < 0:
        raise CartError(_("The quantity cannot be negative."))
    cart_pieces_forget(line.cart)
    if quantity == 0:
        line.delete()
        return None
    _cap_to_stock(line.product, quantity)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_line_remove(*, line: CartLine) -> None:
    cart_pieces_forget(line.cart)
    line.delete()


@transaction.atomic
def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """At log-in the guest cart joins the account's: quantities add up, capped by stock."""
    if source.pk == target.pk:
        return target
    for line in source.lines.select_related("product"):
        existing = target.lines.filter(product=line.product, options_key=line.options_key).first()
        quantity = line.quantity + (existing.quantity if existing else 0)
        product = line.product
        if product.availability == Availability.IN_STOCK:
            quantity = min(quantity, product.stock or 0)
        quantity = min(quantity, 1 if product.is_digital else MAX_LINE_QUANTITY)
        if existing:
            existing.quantity = quantity
            existing.save(update_fields=["quantity"]) if quantity else existing.delete()
        elif quantity:
            line.cart, line.quantity = target, quantity
            line.save(update_fields=["cart", "quantity"])
    if source.promo_codes:  # a code typed as a guest stays typed after logging in
        target.promo_codes = {**source.promo_codes, **target.promo_codes}
        target.save(update_fields=["promo_codes"])
    cart_pieces_forget(target)
    source.delete()  # its cached count goes with it (orders.signals.cart_deleted)
    return target
