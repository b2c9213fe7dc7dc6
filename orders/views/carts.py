"""Seller cabinet «Незавершенные покупки»: the shop's products in registered buyers' carts, and
the one-time personal offer on each (seed 001). An orders page because CartLine lives here."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.exceptions import DomainError
from referrals.forms import OfferForm
from referrals.selectors import offers_for_shop
from shops.views.cabinet import seller_required

from ..promos import abandoned_lines_for_shop, cart_offer_make

MAX_ROWS = 500


@seller_required
def cart_list(request, shop):
    return _page(request, shop)


def _page(request, shop, offer_form=None, status=200):
    lines = list(abandoned_lines_for_shop(shop=shop)[:MAX_ROWS])
    offers = offers_for_shop(shop=shop, buyer_ids={line.cart.user_id for line in lines})
    for line in lines:
        line.offer = offers.get((line.cart.user_id, line.product_id))
        line.offer_form = offer_form if offer_form is not None and offer_form.data.get("line") == str(line.pk) else (
            OfferForm(initial={"line": line.pk, "days": 7}, auto_id=f"offer-{line.pk}-%s"))  # fmt: skip
    context = {"shop": shop, "lines": lines, "truncated": len(lines) == MAX_ROWS, "offer_form": offer_form}
    return render(request, "orders/cabinet/carts.html", context, status=status)


@seller_required
@require_POST
def cart_offer(request, shop):
    form = OfferForm(request.POST, auto_id=f"offer-{request.POST.get('line', '')[:12]}-%s")
    if form.is_valid():
        try:
            offer = cart_offer_make(shop=shop, line_id=form.cleaned_data["line"], percent=form.cleaned_data["percent"],
                                    days=form.cleaned_data["days"], actor=request.user)  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(buyer)s gets an e-mail: %(percent)d%% off «%(title)s» until %(date)s.") % {
                "buyer": offer.buyer.name or offer.buyer.email, "percent": offer.percent, "title": offer.product.title,
                "date": f"{offer.expires_at:%d.%m.%Y}",
            })  # fmt: skip
            return redirect("orders:cabinet-carts")
    messages.error(request, _("The discount is not offered: see the form in the table."))
    return _page(request, shop, offer_form=form, status=400)
