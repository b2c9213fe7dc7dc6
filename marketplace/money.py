"""Money: Decimal rubles with two places, rounded in one place, shown as «1 990 ₽»."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\u00a0"


def to_money(value) -> Decimal:
    """Round to kopecks, half up (the way a Russian receipt rounds). Floats are refused."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, int or string.")
    try:
        return Decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"Not an amount of money: {value!r}") from exc


def percent_of(amount, percent) -> Decimal:
    """``percent`` % of ``amount``, rounded to kopecks."""
    return to_money(Decimal(amount) * Decimal(percent) / Decimal(100))


def clamp_non_negative(value) -> Decimal:
    """Money never goes below zero (a discount larger than the price leaves 0 ₽)."""
    value = to_money(value)
    return value if value > ZERO else ZERO


def format_rub(value) -> str:
    """«1 990 ₽», «1 990,50 ₽», «−150 ₽»: thousands by non-breaking spaces, kopecks if any."""
    if value is None or value == "":
        return ""
    amount = to_money(value)
    sign = "−" if amount < 0 else ""
    amount = abs(amount)
    rubles, kopecks = divmod(amount, 1)
    whole = f"{int(rubles):,}".replace(",", NBSP)
    fraction = f",{int(kopecks * 100):02d}" if kopecks else ""
    return f"{sign}{whole}{fraction}{NBSP}₽"
