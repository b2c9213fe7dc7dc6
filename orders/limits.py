"""How often a guest may check out: per client address and per e-mail (django-ratelimit counters).

Only placed orders count, so a buyer who corrects a typo in the form is never held back. The
address is the client's real one behind trusted proxies (``RATELIMIT_IP_META_KEY`` points
at ``marketplace.security.client_ip``).
"""

from django.conf import settings
from django_ratelimit.core import get_usage


def _usages(request, email: str, *, increment: bool) -> list[dict]:
    email = email.strip().lower()
    usages = [
        get_usage(request, group="orders.guest-checkout.address", key="ip",
                  rate=settings.GUEST_CHECKOUT_RATE_PER_ADDRESS, increment=increment),
        get_usage(request, group="orders.guest-checkout.email", key=lambda _group, _request: email,
                  rate=settings.GUEST_CHECKOUT_RATE_PER_EMAIL, increment=increment),
    ]  # fmt: skip
    return [usage for usage in usages if usage is not None]


def guest_checkout_allowed(request, *, email: str) -> bool:
    """False once this address or this e-mail has placed its share of guest orders for now."""
    return all(usage["count"] < usage["limit"] for usage in _usages(request, email, increment=False))


def guest_checkout_record(request, *, email: str) -> None:
    """Count a placed guest order against the address and the e-mail."""
    _usages(request, email, increment=True)
