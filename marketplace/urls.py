"""The site's URL map (DESIGN.md); each app adds its own under its prefix."""

import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from health_check.views import HealthCheckView

from . import media
from .views import ping, profile, rules, switch_language

urlpatterns = [
    path("rules/", rules, name="rules"),
    path("ping/", ping, name="ping"),
    path("accounts/profile/", profile, name="profile"),
    # The buyer's pages first: URLs are tried in order (bench/README.md). Each address belongs
    # to one app, which marketplace/tests/test_urls_order.py checks.
    path("", include("catalog.urls")),
    path("", include("orders.urls")),
    path("", include("messaging.urls")),
    path("", include("referrals.urls")),
    path("", include("moderation.urls")),
    path("cabinet/", include("shops.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/<str:code>/", switch_language, name="switch-language"),
    path("admin/", admin.site.urls),
    path(
        "health/",
        HealthCheckView.as_view(
            checks=[
                "health_check.checks.Database",
                "health_check.checks.Cache",
                "marketplace.health.Broker",
            ]
        ),
        name="health",
    ),
]

# Uploads are served by the app in every mode, with safe headers (marketplace/media.py);
# nginx may take /media/ over in production (README, «Deploying on several machines»).
if settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(
        re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", media.serve, name="media")
    )
