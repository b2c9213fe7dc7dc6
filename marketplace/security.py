"""Security helpers: the client's real address behind trusted proxies, and how django-axes
reads the user name from the several log-in forms."""

import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str:
    """The address of the client that sent ``request``, trusting only ``PROXY_COUNT`` proxies.

    Each trusted proxy (nginx's ``$proxy_add_x_forwarded_for``) appends the address it was
    reached from to ``X-Forwarded-For``, so the client is the ``PROXY_COUNT``-th entry from the
    right; whatever the client wrote further left is ignored. Without proxies, or when the
    header is shorter than the proxy chain or not an address, the socket's address is used.
    Log-in lockouts (django-axes), allauth's rate limits, guest checkout limits and the view
    counter all key on this one answer.

    django-ipware counts proxies differently (it wants one entry per proxy *after* the client,
    so one nginx gives no answer at all), hence these few lines instead of it.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a key, not a bind
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def axes_username(request, credentials):
    """The e-mail being tried, from allauth's form, the admin form or an authenticate() call."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("username") or request.POST.get("email")
    return (value or "").strip().lower() or None


def same_origin(request) -> bool:
    """False when the browser says the request comes from a page of another site.

    For views that take a POST without a CSRF token (the cart button and the view counter of
    cached pages). Browsers send ``Origin`` with every cross-origin POST; a missing header is
    a same-origin form post of an older browser (or a test), and ``null`` counts as foreign.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return "://" in origin and url_has_allowed_host_and_scheme(
        origin + "/", {request.get_host()}, require_https=request.is_secure()
    )
