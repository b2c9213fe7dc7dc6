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
from django.http import HttpResponse

GENERATION_KEY = "pagecache:generation"


def bump_generation() -> None:
    """Forget every cached page (called after catalog writes)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cache_for_anonymous(timeout: int = 120):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            generation = cache.get(GENERATION_KEY) or 0
            digest = hashlib.sha1(request.get_full_path().encode()).hexdigest()
            key = f"pagecache:{generation}:{request.LANGUAGE_CODE}:{digest}"
            hit = cache.get(key)
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
