"""Template context shared by every page (header, footer)."""

from django.conf import settings
from django.utils import timezone


def site(request):
    # CURRENT_YEAR: the footer's «©» line, also a key of its memoized fragment.
    return {"SITE_NAME": settings.SITE_NAME, "LANGUAGES": settings.LANGUAGES, "CURRENT_YEAR": timezone.localdate().year}
