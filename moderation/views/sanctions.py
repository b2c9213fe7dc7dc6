"""The seller cabinet's «Санкции» page: every sanction of the shop, what to do, and the messages to Lavka."""

from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shops.views.cabinet import seller_required

from .. import services
from ..models import Appeal, SanctionKind


@seller_required
@require_GET
def cabinet_sanctions(request, shop):
    sanctions = list(services.sanctions_for_shop(shop))
    for sanction in sanctions:
        sanction.next_step = services.what_to_do(sanction) if sanction.is_active else ""
        sanction.open_appeal = next((a for a in sanction.appeals.all() if a.resolved_at is None), None)
        sanction.can_appeal = sanction.is_active and sanction.kind != SanctionKind.BAN
    appeals = (
        Appeal.objects.filter(Q(author=request.user) | Q(sanction__shop=shop))
        .select_related("sanction").order_by("-created_at", "-pk")
    )  # fmt: skip
    context = {
        "shop": shop,
        "sanctions": sanctions,
        "active_count": sum(1 for sanction in sanctions if sanction.is_active),
        "warnings_count": sum(1 for sanction in sanctions if sanction.kind == SanctionKind.WARNING),
        "warnings_before_ban": services.WARNINGS_BEFORE_BAN,
        "appeals": appeals,
    }
    return render(request, "moderation/cabinet/sanctions.html", context)
