"""«Дружные скидки» codes at checkout: finding the buyer's code, whether it applies, using it once.

Pure rules on plain numbers, like promos.py: orders/pricing.py feeds them the order's total
after the shop's discounts. The platform pays the discount (DESIGN.md «Pricing»).
"""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.money import format_rub

from .exceptions import PromoError
from .models import REFERRAL_CODE_PREFIX, ReferralCode
from .promos import normalize


def is_referral_text(text: str) -> bool:
    """Lavka's codes look like «LAVKA-7KQ2M9»; shops may not take the prefix (services._check_promo)."""
    return normalize(text).upper().startswith(REFERRAL_CODE_PREFIX)


def referral_find(*, text: str, buyer, lock: bool = False) -> ReferralCode:
    """The signed-in buyer's own code spelled ``text``; anyone else's code is refused as such."""
    text = normalize(text).upper()
    if buyer is None:
        raise PromoError(_("«%(code)s» is a Lavka promo code from «Friends' discounts»: log in to the account it was "
                           "given to, then apply it.") % {"code": text}, field="code")  # fmt: skip
    codes = ReferralCode.objects.select_related("round")
    if lock:
        codes = codes.select_for_update(of=("self",))
    code = codes.filter(code=text).first()
    if code is None:
        raise PromoError(_("There is no Lavka promo code «%(code)s». Check the spelling.") % {"code": text},
                         field="code")  # fmt: skip
    if code.owner_id != buyer.pk:
        raise PromoError(_("The promo code «%(code)s» was given to another buyer: only they can use it.")
                         % {"code": text}, field="code")  # fmt: skip
    return code


def referral_check(code: ReferralCode, *, total: Decimal, now: datetime | None = None) -> Decimal:
    """The discount ``code`` gives on an order of ``total`` (after the shop's discounts), or PromoError."""
    now = now or timezone.now()
    if code.used_at is not None:
        raise PromoError(_("You have already used the promo code «%(code)s»: it works once.") % {"code": code.code},
                         field="code")  # fmt: skip
    if code.expires_at <= now:
        raise PromoError(_("The promo code «%(code)s» was valid until %(date)s, when its round of «Friends' "
                           "discounts» ended.") % {"code": code.code,
                                                   "date": f"{timezone.localtime(code.expires_at):%d.%m.%Y %H:%M}"},
                         field="code")  # fmt: skip
    if total < code.min_order_total:
        raise PromoError(_("The promo code «%(code)s» works on an order from %(minimum)s (after the shop's discounts); "
                           "add %(missing)s more.") % {"code": code.code, "minimum": format_rub(code.min_order_total),
                                                       "missing": format_rub(code.min_order_total - total)},
                         field="code")  # fmt: skip
    return min(code.value, total)


def referral_use(*, code: ReferralCode, now: datetime | None = None) -> bool:
    """Mark the code used (inside order_place's transaction): a conditional UPDATE, so of two
    simultaneous checkouts exactly one gets it."""
    return bool(ReferralCode.objects.filter(pk=code.pk, used_at__isnull=True).update(used_at=now or timezone.now()))


def referral_release(*, code_id: int) -> None:
    """The order with the code was cancelled: the code works again until its round ends."""
    ReferralCode.objects.filter(pk=code_id).exclude(used_at=None).update(used_at=None)


def referral_explanation(code: ReferralCode) -> str:
    return _("Lavka's discount, code %(code)s") % {"code": code.code}


__all__ = [
    "is_referral_text",
    "referral_check",
    "referral_explanation",
    "referral_find",
    "referral_release",
    "referral_use",
]
