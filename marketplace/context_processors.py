"""Template context shared by every page (header, footer)."""

from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "LANGUAGES": settings.LANGUAGES}
