"""Where a visit came from (seed 001 «Откуда заказ»): kept in a signed cookie, stored on orders.

A cookie rather than the session: anonymous catalog pages stay cacheable, and the source
survives log-in. The source is recorded when a visit lands on a page from an ad, a search
engine or another site, and replaced when the visitor arrives again from one; a direct visit
sets nothing (no cookie is «Прямой заход»), so most requests pay no signing.
"""

from urllib.parse import urlsplit

from django.db import models
from django.utils.translation import gettext_lazy as _

COOKIE = "lavka_src"
MAX_AGE = 30 * 24 * 3600


class OrderSource(models.TextChoices):
    """The seed's sources (Direct, Yandex Organic, … Referral), named as a Russian seller says them."""

    DIRECT = "direct", _("Direct visit")
    YANDEX_ORGANIC = "yandex_organic", _("Yandex, search")
    GOOGLE_ORGANIC = "google_organic", _("Google, search")
    YANDEX_DIRECT = "yandex_direct", _("Yandex, ads")
    GOOGLE_ADS = "google_ads", _("Google, ads")
    REFERRAL = "referral", _("Social networks and other sites")


PAID = {"cpc", "ppc", "paid", "cpm"}


def classify(*, params, referrer: str, own_host: str) -> tuple[str, str] | None:
    """(source, referring URL) for this request, or None when it says nothing new (internal)."""
    source, medium = params.get("utm_source", "").lower(), params.get("utm_medium", "").lower()
    if "yclid" in params or (source.startswith("yandex") and medium in PAID):
        return OrderSource.YANDEX_DIRECT, referrer
    if "gclid" in params or (source.startswith("google") and medium in PAID):
        return OrderSource.GOOGLE_ADS, referrer
    host = (urlsplit(referrer).hostname or "").lower()
    if not host:
        return None
    if host == own_host.split(":")[0].lower():
        return None
    if host.startswith("yandex.") or ".yandex." in f".{host}" or host.startswith("ya.ru"):
        return OrderSource.YANDEX_ORGANIC, referrer
    if host.startswith("google.") or ".google." in f".{host}":
        return OrderSource.GOOGLE_ORGANIC, referrer
    return OrderSource.REFERRAL, referrer


class AttributionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "GET" or request.path.startswith(("/static/", "/media/", "/admin/")):
            return response
        if not (response.get("Content-Type", "").startswith("text/html") or response.status_code in (301, 302)):
            return response  # a visit lands on a page; files, JSON and health checks say nothing
        found = classify(params=request.GET, referrer=request.headers.get("Referer", ""), own_host=request.get_host())
        if found is None:
            return response  # a direct or internal visit: no cookie already means «Прямой заход»
        source, referrer = found
        response.set_signed_cookie(
            COOKIE, f"{source}|{referrer[:300]}", max_age=MAX_AGE, httponly=True, samesite="Lax",
            secure=request.is_secure(),
        )  # fmt: skip
        return response


def source_of(request) -> tuple[str, str]:
    """The visit's (source, referring URL) for a new order."""
    value = request.get_signed_cookie(COOKIE, default="", max_age=MAX_AGE)
    source, _sep, referrer = value.partition("|")
    return (source if source in OrderSource.values else OrderSource.DIRECT), referrer
