"""CSRF, generated (issue 20): every URL pattern of the project is POSTed to without a CSRF token by
someone allowed to use it (so access is not what refuses) → 403 from the CSRF check. The two views
exempt from it are listed here with the reason, and what protects them instead is tested."""

import time

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from catalog.services import VIEWS_PER_ADDRESS
from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import CartLine

from .urlwalk import (
    BUYER_A,
    OWNED,
    PUBLIC,
    SELLER,
    SELLER_B,
    SIGNED_IN,
    STAFF,
    address,
    build_world,
    finish,
    patterns,
    rule_for,
)

pytestmark = pytest.mark.django_db

# The only views that take a POST without a CSRF token, and why it is safe.
EXEMPT = {
    "catalog:product-seen": (
        "«Просмотры»: the product page's script reports the view; the page is cached for visitors, so it "
        "carries no token. A foreign Origin is refused (403), views are counted once a day per visitor "
        f"and at most {VIEWS_PER_ADDRESS} times a day per address, and nothing but a counter moves."
    ),
    "orders:cart-add": (
        "«В корзину» on the cached product page, whose form carries no token. The session cookie is "
        "SameSite=Lax, so a cross-site POST arrives without the victim's session (it fills a stranger's "
        "empty cart), and a foreign Origin is refused (403)."
    ),
}
CSRF_REFUSED = "X-Test-CSRF-Refused"
FOREIGN_ORIGINS = ["https://evil.example", "null", "http://testserver.evil.example"]


def csrf_refused(request, reason=""):
    """CSRF_FAILURE_VIEW for these tests: marks the 403 as the CSRF check's own (not a view's)."""
    response = HttpResponseForbidden(reason)
    response[CSRF_REFUSED] = reason or "refused"
    return response


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CSRF_FAILURE_VIEW = "marketplace.tests.test_csrf_walk.csrf_refused"
    return build_world()


def strict(user=None) -> Client:
    """A browser as Django checks it: the CSRF token is required (the test client skips it by default)."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_every_post_without_a_token_is_refused_by_the_csrf_check(world):
    """Signed in as whoever may use the address (the owner of its objects, the seller for the cabinet,
    staff for the admin), a POST without a token is a 403 from the CSRF check, before any view runs."""
    owners = {
        PUBLIC: strict(world.buyer_a), SIGNED_IN: strict(world.buyer_a), SELLER: strict(world.seller_b),
        (OWNED, BUYER_A): strict(world.buyer_a), (OWNED, SELLER_B): strict(world.seller_b), STAFF: strict(world.staff),
    }  # fmt: skip
    accepted, exempt_refused, started, walked = [], [], time.monotonic(), patterns()
    for pattern in walked:
        rule = rule_for(pattern)
        client = owners[(OWNED, rule.owner) if rule.access == OWNED else rule.access]
        url = address(pattern, world.victim)
        response = client.post(url)
        finish(response)
        refused = response.status_code == 403 and CSRF_REFUSED in response
        if pattern.key in EXEMPT:
            if refused:
                exempt_refused.append(pattern.key)
        elif not refused:
            accepted.append(f"POST {url} [{pattern.key}]: {response.status_code}")
    assert not accepted, "a POST without a CSRF token got through:\n" + "\n".join(accepted)
    assert not exempt_refused, f"no longer exempt, remove from EXEMPT: {exempt_refused}"
    print(f"\nCSRF: {len(walked)} patterns, {len(walked)} requests, {time.monotonic() - started:.1f} s")


def test_the_exempt_views_are_exactly_the_documented_ones():
    """A new @csrf_exempt must come with its reason (and its test) here."""
    found = {pattern.key for pattern in patterns() if getattr(pattern.callback, "csrf_exempt", False)}
    assert found == set(EXEMPT)


def test_the_same_post_with_its_token_passes_the_check(settings):
    """The refusals above are the missing token's: with the token from the page, the check lets it through."""
    settings.CSRF_FAILURE_VIEW = "marketplace.tests.test_csrf_walk.csrf_refused"
    client = strict(UserFactory())
    client.get(reverse("profile"))  # the page sets the CSRF cookie
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("profile"), {"name": "Мария", "city": "Москва"}, HTTP_X_CSRFTOKEN=token)
    assert CSRF_REFUSED not in response
    assert response.status_code == 302


# --- What protects the exempt views ----------------------------------------------------------------


@pytest.fixture
def product(settings):
    settings.CSRF_FAILURE_VIEW = "marketplace.tests.test_csrf_walk.csrf_refused"
    return ProductFactory(stock=10)


@pytest.fixture
def buyer():
    return UserFactory()


def test_a_foreign_page_cannot_fill_a_signed_in_buyers_cart(product, buyer):
    client = strict(buyer)
    url = reverse("orders:cart-add", args=[product.pk])
    for origin in FOREIGN_ORIGINS:
        response = client.post(url, {"quantity": "3"}, HTTP_ORIGIN=origin)
        assert response.status_code == 403, origin
        assert CSRF_REFUSED not in response  # refused by the view's own Origin check
    assert not CartLine.objects.exists()

    # The shop's own page (same Origin, or an older browser sending none) adds without a token.
    assert client.post(url, {"quantity": "1"}, HTTP_ORIGIN="http://testserver").status_code == 302
    assert CartLine.objects.get(cart__user=buyer).quantity == 1


def test_the_session_cookie_is_not_sent_by_cross_site_posts(product):
    """SameSite=Lax: what lets «В корзину» go without a token (a forged POST carries no session)."""
    response = strict().post(reverse("orders:cart-add", args=[product.pk]), {"quantity": "1"})
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"


def test_a_foreign_page_cannot_count_views(product, buyer):
    client = strict(buyer)
    url = reverse("catalog:product-seen", args=[product.pk])
    for origin in FOREIGN_ORIGINS:
        response = client.post(url, HTTP_ORIGIN=origin)
        assert response.status_code == 403, origin
        assert CSRF_REFUSED not in response
    assert Product.objects.get(pk=product.pk).views_count == 0
    assert client.post(url, HTTP_ORIGIN="http://testserver").status_code == 204
    assert Product.objects.get(pk=product.pk).views_count == 1


def test_views_from_one_address_are_capped_without_a_token(product):
    """Scripted posts from one address: a visitor without an account counts once, and however many
    accounts the script signs in with, the address counts at most the cap a day."""
    url = reverse("catalog:product-seen", args=[product.pk])
    from_script = {"HTTP_ORIGIN": "http://testserver", "REMOTE_ADDR": "203.0.113.9"}

    assert {strict().post(url, **from_script).status_code for _ in range(3)} == {204}
    assert Product.objects.get(pk=product.pk).views_count == 1

    for _ in range(VIEWS_PER_ADDRESS + 3):
        strict(UserFactory()).post(url, **from_script)
    assert Product.objects.get(pk=product.pk).views_count == VIEWS_PER_ADDRESS
