"""The header's unread-messages count (the header lives in base templates; messaging fills it).

Pages pay no database query for it: the count comes from the cache, and when the cache does not
know it the badge asks for it right after the page loads (htmx), like it does every few seconds.
"""

from django.conf import settings

from .selectors import unread_count_cached


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_messages_count": unread_count_cached(user),
        "messaging_poll_seconds": settings.MESSAGING_POLL_SECONDS,
    }
