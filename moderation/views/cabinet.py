"""Seller cabinet pages of the moderation app: «Надёжный продавец» — criteria, orders, application."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from shops.views.cabinet import seller_required

from .. import services
from ..exceptions import ReliableError
from ..forms import ReliableApplyForm
from ..selectors import reliable_badge_state, reliable_criteria

ORDERS_PER_PAGE = 50


def _trust_page(request, shop, form, *, status=200):
    criteria = reliable_criteria(shop)
    page = Paginator(criteria.orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "shop": shop,
        "criteria": criteria,
        "state": reliable_badge_state(shop),
        "orders_page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "form": form,
    }
    return render(request, "moderation/cabinet/trust.html", context, status=status)


@seller_required
@require_GET
def trust(request, shop):
    return _trust_page(request, shop, ReliableApplyForm())


@seller_required
@require_POST
def reliable_apply(request, shop):
    """«Стать надежным продавцом», from the cabinet page or the home page's card."""
    form = ReliableApplyForm(request.POST)
    if not form.is_valid():
        return _trust_page(request, shop, form, status=400)
    try:
        services.reliable_apply(shop=shop, actor=request.user, message=form.cleaned_data["message"])
    except ReliableError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your application has been sent. The administration will answer by e-mail."))
    return redirect("moderation:cabinet-trust")
