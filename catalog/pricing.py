"""Pricing of one cart line (DESIGN.md «Pricing»): the single best discount, never stacked.

Unit base = product price + the chosen options' price differences (removed variants count
for nothing). The buyer gets the lowest line total of: the product discount (%), the
wholesale tier for that quantity (% off, or a price in rubles for N pieces plus the options),
and a personal offer (%) made to them for this product.

Kopecks. A % discount is taken off the unit price and rounded to kopecks (half up,
marketplace.money.to_money); the line total is that unit × quantity. A rubles tier
«N pieces for T ₽» is priced by the line, never through a rounded unit price: for q ≥ N
pieces the line total is T × q / N + options × q, rounded to kopecks once. So 3 for
2 600 ₽ costs exactly 2 600,00 ₽ (not 3 × 866,67 = 2 600,01 ₽), and 4 cost 3 466,67 ₽.
The unit price shown beside such a line is the line total / q, rounded: for information only.
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
    total: Decimal

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


def tier_line_total(tier: WholesaleTier, base_unit: Decimal, options_delta: Decimal, quantity: int) -> Decimal:
    """What ``quantity`` pieces cost under ``tier`` (the module's docstring gives the kopeck rule)."""
    if tier.kind == TierKind.PERCENT:
        return to_money(base_unit - percent_of(base_unit, tier.value)) * quantity
    return to_money(tier.value * quantity / tier.min_quantity + options_delta * quantity)


def tier_unit_price(tier: WholesaleTier, base_unit: Decimal, options_delta: Decimal) -> Decimal:
    """The price of one piece at the tier's own quantity (for a rubles tier: rounded, for display)."""
    total = tier_line_total(tier, base_unit, options_delta, tier.min_quantity)
    return to_money(total / tier.min_quantity)


def price_line(
    *,
    product: Product,
    quantity: int,
    choices: Iterable[OptionChoice] = (),
    tiers: Sequence[WholesaleTier] | None = None,
    personal_percent: int | None = None,
) -> LinePrice:
    """Price ``quantity`` pieces of ``product`` with the chosen option variants."""
    options_delta = sum((choice.price_delta for choice in choices if not choice.is_removed), ZERO)
    base_unit = clamp_non_negative(product.price + options_delta)

    def by_unit(unit: Decimal) -> Decimal:
        return clamp_non_negative(unit) * quantity

    # (line total, source, explanation)
    candidates = [(by_unit(base_unit), DiscountSource.NONE, "")]
    if product.discount_percent:
        candidates.append(
            (
                by_unit(base_unit - percent_of(base_unit, product.discount_percent)),
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
            why = _("Wholesale: %(qty)d pcs for %(price)s") % {
                "price": format_rub(tier.value), "qty": tier.min_quantity,
            }  # fmt: skip
        total = clamp_non_negative(tier_line_total(tier, base_unit, options_delta, quantity))
        candidates.append((total, DiscountSource.WHOLESALE, why))
    if personal_percent:
        candidates.append(
            (
                by_unit(base_unit - percent_of(base_unit, personal_percent)),
                DiscountSource.PERSONAL,
                _("Personal offer %(percent)d%%") % {"percent": personal_percent},
            )
        )
    # min() keeps the first of equal totals: no discount is shown when none helps.
    total, source, explanation = min(candidates, key=lambda candidate: candidate[0])
    unit = to_money(total / quantity) if quantity else base_unit
    return LinePrice(
        base_unit=base_unit, unit=unit, quantity=quantity, source=source, explanation=explanation,
        total=to_money(total),
    )  # fmt: skip
