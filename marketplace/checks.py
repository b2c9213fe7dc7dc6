"""System checks of the core app."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

SECURITY_HEADERS = "marketplace.middleware.SecurityHeadersMiddleware"
CLICKJACKING = "django.middleware.clickjacking.XFrameOptionsMiddleware"


@register(Tags.security, deploy=True)
def security_headers(app_configs, **kwargs):
    """Django's security.W002 is silenced because SecurityHeadersMiddleware sends X-Frame-Options;
    this says so when neither is installed."""
    if SECURITY_HEADERS in settings.MIDDLEWARE or CLICKJACKING in settings.MIDDLEWARE:
        return []
    return [
        Warning(
            f"Neither {SECURITY_HEADERS} nor {CLICKJACKING} is in MIDDLEWARE: pages go without "
            "X-Frame-Options and Content-Security-Policy.",
            id="marketplace.W001",
        )
    ]
