"""Pricing of one cart line (DESIGN.md «Pricing»): the single best discount, never stacked.

Unit base = product price + the chosen options' price differences. The buyer gets the lowest
of: the product discount (%), the wholesale tier for that quantity (% off, or a fixed price
per piece plus the options), and a personal offer (%) made to them for this product.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.money import ZERO, clamp_non_negative, format_rub, percent_of, to_money

from .models import OptionChoice, Product, TierKind, WholesaleTier


class DiscountSource:
    NONE = ""
    PRODUCT = "product"
    WHOLESALE = "wholesale"
    PERSONAL = "personal"


@dataclass(frozen=True)
class LinePrice:
    base_unit: Decimal
    unit: Decimal
    quantity: int
    source: str
    explanation: str

    @property
    def total(self) -> Decimal:
        return to_money(self.unit * self.quantity)

    @property
    def base_total(self) -> Decimal:
        return to_money(self.base_unit * self.quantity)

    @property
    def saving(self) -> Decimal:
        return self.base_total - self.total


def tier_for(tiers: Sequence[WholesaleTier], quantity: int) -> WholesaleTier | None:
    """The tier with the largest threshold the quantity reaches."""
    reached = [tier for tier in tiers if tier.min_quantity <= quantity]
    return max(reached, key=lambda tier: tier.min_quantity) if reached else None


def tier_unit_price(tier: WholesaleTier, base_unit: Decimal, options_delta: Decimal) -> Decimal:
    if tier.kind == TierKind.PERCENT:
        return to_money(base_unit - percent_of(base_unit, tier.value))
    return to_money(tier.value + options_delta)


def price_line(
    *,
    product: Product,
    quantity: int,
    choices: Iterable[OptionChoice] = (),
    tiers: Sequence[WholesaleTier] | None = None,
    personal_percent: int | None = None,
) -> LinePrice:
    """Price ``quantity`` pieces of ``product`` with the chosen option variants."""
    options_delta = sum((choice.price_delta for choice in choices), ZERO)
    base_unit = clamp_non_negative(product.price + options_delta)
    candidates = [(base_unit, DiscountSource.NONE, "")]
    if product.discount_percent:
        candidates.append(
            (
                to_money(base_unit - percent_of(base_unit, product.discount_percent)),
                DiscountSource.PRODUCT,
                _("Discount %(percent)d%%") % {"percent": product.discount_percent},
            )
        )
    tiers = list(product.wholesale_tiers.all()) if tiers is None else tiers
    tier = tier_for(tiers, quantity)
    if tier is not None:
        if tier.kind == TierKind.PERCENT:
            why = _("Wholesale: %(percent)s%% off from %(qty)d pcs") % {
                "percent": f"{tier.value.normalize():f}", "qty": tier.min_quantity,
            }  # fmt: skip
        else:
            why = _("Wholesale: %(price)s per piece from %(qty)d pcs") % {
                "price": format_rub(tier.value), "qty": tier.min_quantity,
            }  # fmt: skip
        candidates.append((tier_unit_price(tier, base_unit, options_delta), DiscountSource.WHOLESALE, why))
    if personal_percent:
        candidates.append(
            (
                to_money(base_unit - percent_of(base_unit, personal_percent)),
                DiscountSource.PERSONAL,
                _("Personal offer %(percent)d%%") % {"percent": personal_percent},
            )
        )
    # min() keeps the first of equal prices: no discount is shown when none helps.
    unit, source, explanation = min(candidates, key=lambda candidate: candidate[0])
    return LinePrice(
        base_unit=base_unit, unit=clamp_non_negative(unit), quantity=quantity, source=source, explanation=explanation
    )
