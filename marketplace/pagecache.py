"""Whole-page cache for anonymous visitors of catalog pages.

A page is cached only for visitors without a session or flash messages, whose pages are
the same for everyone (no CSRF token, no cart, no name in the header). Keys carry the
language, the full URL and a catalog "generation" that any catalog change bumps, so a
seller's change shows at once rather than after the timeout.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

from . import personal
from .cache import on_recovery

GENERATION_KEY = "pagecache:generation"
personal.register_shared("generation", GENERATION_KEY)


def generation() -> int:
    """The catalog's generation (read with a signed-in visitor's session, marketplace.personal)."""
    return personal.get_shared("generation") or 0


def bump_generation() -> None:
    """Forget every cached page (called after catalog writes)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)
    personal.forget_shared("generation")


def bump_generation_on_commit(sender=None, **kwargs) -> None:
    """After a catalog write: bumped now (this request and tests see the change) and again once
    committed (a page cached from the old rows in between is forgotten). Also a signal receiver,
    so the admin's edits count too."""
    bump_generation()
    transaction.on_commit(bump_generation)


def _bump_after_outage(breaker) -> None:
    """Catalog changes made while Redis did not answer could not bump the generation: pages
    cached before them must not come back with it."""
    bump_generation()


on_recovery(_bump_after_outage)


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


_seen = {"generation": None}  # the generation this process saw last


def _key(generation_value, page: str) -> str:
    return f"pagecache:{generation_value or 0}:{page}"


def _read(page: str):
    """(key, cached page or None) in one round trip while the generation stays what this process
    saw last: the generation and the page under it are asked together."""
    last = _seen["generation"]
    guess = _key(last, page)
    found = cache.get_many([GENERATION_KEY, guess])
    current = found.get(GENERATION_KEY)
    _seen["generation"] = current
    if current == last:
        return guess, found.get(guess)
    key = _key(current, page)
    return key, cache.get(key)


def cache_for_anonymous(timeout: int = 120):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            digest = hashlib.sha1(request.get_full_path().encode()).hexdigest()
            key, hit = _read(f"{request.LANGUAGE_CODE}:{digest}")
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response = response.render()
            # Only plain pages: one that set cookies or used a CSRF token is personal.
            personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if response.status_code == 200 and not personal:
                cache.set(key, (response.content, response["Content-Type"]), timeout)
            response["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator
