"""Seller cabinet «Маркетинг → Промо-акции и скидки»: the shop's promo codes."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.forms import call_service
from shops.views.cabinet import seller_required

from .. import services
from ..forms import PromoForm
from ..models import PromoCode
from ..selectors import promo_list_for_shop


@seller_required
def promo_list(request, shop):
    return render(
        request, "referrals/cabinet/promo_list.html", {"shop": shop, "promos": promo_list_for_shop(shop=shop)}
    )


@seller_required
@require_http_methods(["GET", "POST"])
def promo_edit(request, shop, pk=None):
    promo = get_object_or_404(PromoCode.objects.filter(shop=shop), pk=pk) if pk else None
    form = PromoForm(request.POST or None, instance=promo, shop=shop)
    if request.method == "POST" and form.is_valid():
        if promo is None:
            saved = call_service(form, services.promo_create, shop=shop, actor=request.user, **form.service_kwargs())
        else:
            saved = call_service(form, services.promo_update, promo=promo, actor=request.user, **form.service_kwargs())
        if saved:
            messages.success(request, _("The promotion «%(name)s» with the code %(code)s is saved.")
                             % {"name": saved.name, "code": saved.code})  # fmt: skip
            return redirect("referrals:cabinet-promos")
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/cabinet/promo_form.html", {"shop": shop, "form": form, "promo": promo},
                  status=status)  # fmt: skip


@seller_required
@require_POST
def promo_toggle(request, shop, pk):
    promo = get_object_or_404(PromoCode.objects.filter(shop=shop), pk=pk)
    promo = services.promo_set_enabled(promo=promo, actor=request.user, enabled=not promo.is_enabled)
    text = _("The code %(code)s is on.") if promo.is_enabled else _("The code %(code)s is off.")
    messages.success(request, text % {"code": promo.code})
    return redirect("referrals:cabinet-promos")


@seller_required
@require_POST
def promo_duplicate(request, shop, pk):
    promo = get_object_or_404(PromoCode.objects.filter(shop=shop), pk=pk)
    copy = services.promo_duplicate(promo=promo, actor=request.user)
    messages.success(request, _("A copy with the code %(code)s is made, switched off: adjust it and switch it on.")
                     % {"code": copy.code})  # fmt: skip
    return redirect("referrals:cabinet-promo-edit", pk=copy.pk)
