"""Sanctions on shops (seed 001 «Обязанности продавцов» and «Что делать, если к вашему магазину
были применены санкции?»): impose, lift, and the shop's standing derived from what is active.

``Shop.sanction_state`` and ``Product.is_hidden_by_moderation`` are stored facts that the lower
apps read (``Product.objects.visible()`` stays the single visibility rule); only
``standing_refresh`` writes them, from the active ``Sanction`` rows: a ban over a switch-off over
hidden products. Every imposition and lifting e-mails the seller.
"""

from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Product
from marketplace.notifications import notify, site_url
from marketplace.pagecache import bump_generation_on_commit
from shops.models import SanctionState, Shop

from ..exceptions import SanctionError
from ..models import Appeal, Sanction, SanctionKind, SanctionReason

# The third warning is a permanent ban (seed 001, reason 2).
WARNINGS_BEFORE_BAN = 3
LIFT_REASON_MAX = 2000

_STANDING = [  # the strongest active sanction decides
    (SanctionKind.BAN, SanctionState.BANNED),
    (SanctionKind.SWITCH_OFF, SanctionState.SWITCHED_OFF),
    (SanctionKind.HIDE_PRODUCTS, SanctionState.HIDDEN),
]

# «What to do», in the seed's words, shown in the cabinet and in the e-mail: first the cause…
_WHAT_TO_DO = {
    SanctionReason.NOT_PROCESSED: gettext_lazy(
        "Process your open orders and contact the buyers: orders are to be processed within 24 hours."),
    SanctionReason.QUALITY: gettext_lazy(
        "Settle the matter with the buyer and check the quality of your goods before sending them."),
    SanctionReason.SERVICE: gettext_lazy(
        "Settle the matter with the buyer: answer promptly and keep to your shop's rules."),
    SanctionReason.FRAUD: gettext_lazy(
        "Fraud confirmed against a buyer is punished with a permanent ban."),
    SanctionReason.IMAGES: gettext_lazy(
        "Replace the image: use your own sharp photos of the product, without captions, watermarks or collages."),
    SanctionReason.UNANSWERED: gettext_lazy(
        "Answer the buyers: three or more messages left unread and unanswered for three days hide your products."),
    SanctionReason.FAKE_ORDERS: gettext_lazy(
        "Do not place orders in your own shop, back-dated orders or orders without a real sale: "
        "a second violation switches the shop off."),
    SanctionReason.CONTACTS: gettext_lazy(
        "Remove contacts, links and social accounts from your texts: buyers reach you through the site."),
    SanctionReason.WARNINGS: gettext_lazy(
        "After three warnings a shop is banned permanently."),
    SanctionReason.OTHER: gettext_lazy("Fix the cause described above."),
}  # fmt: skip
# … then how the sanction ends.
_HOW_IT_ENDS = {
    SanctionKind.WARNING: gettext_lazy(
        "A warning stays on your shop's record: the third warning brings a permanent ban."),
    SanctionKind.HIDE_PRODUCT: gettext_lazy(
        "Once you have fixed it, write to us how: only the administration returns hidden products to the "
        "storefront, within three working days."),
    SanctionKind.HIDE_PRODUCTS: gettext_lazy(
        "Once you have fixed it, write to us how: only the administration returns hidden products to the "
        "storefront, within three working days."),
    SanctionKind.SWITCH_OFF: gettext_lazy(
        "Once you have fixed it, write to us how: the administration reviews such requests within three "
        "working days."),
    SanctionKind.BAN: gettext_lazy("A permanent ban is not lifted on request."),
}  # fmt: skip


def what_to_do(sanction: Sanction) -> str:
    """The seller's next step for an active sanction (the seed's wording)."""
    cause = _WHAT_TO_DO.get(sanction.reason, _WHAT_TO_DO[SanctionReason.OTHER])
    ending = _HOW_IT_ENDS.get(sanction.kind, "")
    return f"{cause} {ending}".strip()


def active_sanctions(shop):
    return Sanction.objects.filter(shop=shop, lifted_at__isnull=True)


def warnings_count(shop) -> int:
    """Warnings count whether lifted or not: the record of the shop's conduct (the third is a ban)."""
    return Sanction.objects.filter(shop=shop, kind=SanctionKind.WARNING).count()


def sanctions_for_shop(shop):
    """Every sanction of the shop, active ones first, newest first, with the product and the appeals
    about it (the cabinet's «Санкции» page; a fixed number of queries)."""
    return (
        Sanction.objects.filter(shop=shop)
        .select_related("product")
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-created_at", "-pk")))
        .annotate(active_first=Case(When(lifted_at__isnull=True, then=Value(0)), default=Value(1),
                                    output_field=IntegerField()))
        .order_by("active_first", "-created_at", "-pk")
    )  # fmt: skip


def standing_refresh(*, shop: Shop) -> str:
    """Derive the shop's state and its products' moderation flags from the active sanctions."""
    active = active_sanctions(shop)
    kinds = set(active.values_list("kind", flat=True))
    state = next((state for kind, state in _STANDING if kind in kinds), SanctionState.ACTIVE)
    changed = False
    if shop.sanction_state != state:
        Shop.objects.filter(pk=shop.pk).update(sanction_state=state, updated_at=timezone.now())
        shop.sanction_state = state
        changed = True
    hidden = set(active.filter(kind=SanctionKind.HIDE_PRODUCT).values_list("product_id", flat=True))
    products = Product.objects.filter(shop=shop)
    changed |= bool(products.filter(pk__in=hidden, is_hidden_by_moderation=False).update(
        is_hidden_by_moderation=True, updated_at=timezone.now()))  # fmt: skip
    changed |= bool(products.filter(is_hidden_by_moderation=True).exclude(pk__in=hidden).update(
        is_hidden_by_moderation=False, updated_at=timezone.now()))  # fmt: skip
    if changed:
        bump_generation_on_commit()  # cached pages, cards and search follow at once
    return state


@transaction.atomic
def sanction_impose(*, shop: Shop, kind: str, reason: str, details: str, actor=None, evidence: str = "",
                    product=None, complaint=None, order=None, notify_seller: bool = True) -> Sanction:  # fmt: skip
    """Impose a sanction; ``actor`` None means a job or a rule did. The third active-or-lifted
    warning brings a permanent ban with it."""
    shop = Shop.objects.select_for_update().select_related("owner").get(pk=shop.pk)
    if kind not in SanctionKind.values:
        raise SanctionError(_("Choose the kind of sanction."), field="kind")
    if reason not in SanctionReason.values:
        raise SanctionError(_("Choose the reason."), field="reason")
    if kind == SanctionKind.HIDE_PRODUCT and (product is None or product.shop_id != shop.pk):
        raise SanctionError(_("Choose one of this shop's products to hide."), field="product")
    if product is not None and product.shop_id != shop.pk:
        raise SanctionError(_("The product must be one of this shop's."), field="product")
    if not (details or "").strip():
        raise SanctionError(_("Say what happened: the seller reads it."), field="details")
    sanction = Sanction.objects.create(
        shop=shop, kind=kind, reason=reason, details=details.strip(), evidence=(evidence or "").strip(),
        product=product, complaint=complaint, order=order, created_by=actor,
    )  # fmt: skip
    ban = None
    if kind == SanctionKind.WARNING and warnings_count(shop) >= WARNINGS_BEFORE_BAN and not _is_banned(shop):
        ban = Sanction.objects.create(
            shop=shop, kind=SanctionKind.BAN, reason=SanctionReason.WARNINGS, created_by=actor,
            details=_("The shop received its third warning: a permanent ban (seed rules, reason 2)."),
        )  # fmt: skip
    standing_refresh(shop=shop)
    if notify_seller:
        _mail(shop, sanction)
        if ban is not None:
            _mail(shop, ban)
    return sanction


def _is_banned(shop) -> bool:
    return active_sanctions(shop).filter(kind=SanctionKind.BAN).exists()


@transaction.atomic
def sanction_lift(*, sanction: Sanction, actor, reason: str, appeal: Appeal | None = None) -> Sanction:
    """Lift an active sanction with a recorded reason. A permanent ban is lifted by a superuser only
    (never by an appeal: see appeals.appeal_lift). Open appeals about the sanction are resolved with
    the reason; ``appeal`` is the one being answered, named in the e-mail to the seller."""
    sanction = Sanction.objects.select_for_update().select_related("shop", "shop__owner").get(pk=sanction.pk)
    reason = (reason or "").strip()
    if not sanction.is_active:
        raise SanctionError(_("This sanction was already lifted."))
    if not reason:
        raise SanctionError(_("Give the reason for lifting: it is recorded and e-mailed to the seller."),
                            field="reason")  # fmt: skip
    if len(reason) > LIFT_REASON_MAX:
        raise SanctionError(_("At most %(count)d characters, please.") % {"count": LIFT_REASON_MAX}, field="reason")
    if sanction.kind == SanctionKind.BAN and not (actor is not None and actor.is_superuser):
        raise SanctionError(_("A permanent ban can be reversed only by a superuser."))
    sanction.lifted_at, sanction.lifted_by, sanction.lift_reason = timezone.now(), actor, reason
    sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    Appeal.objects.filter(sanction=sanction, resolved_at__isnull=True).update(
        resolved_at=sanction.lifted_at, resolved_by=actor, resolution=reason
    )
    standing_refresh(shop=sanction.shop)
    notify(template="sanction_lifted", to=[sanction.shop.owner.email], context={
        "shop": sanction.shop, "sanction": sanction, "appeal": appeal,
        "sanctions_url": site_url() + reverse("moderation:cabinet-sanctions"),
    })  # fmt: skip
    return sanction


def _mail(shop: Shop, sanction: Sanction) -> None:
    notify(template="sanction_imposed", to=[shop.owner.email], context={
        "shop": shop, "sanction": sanction, "what_to_do": what_to_do(sanction),
        "sanctions_url": site_url() + reverse("moderation:cabinet-sanctions"),
        "contact_url": site_url() + reverse("moderation:contact") + f"?sanction={sanction.pk}",
    })  # fmt: skip
