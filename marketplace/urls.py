"""The site's URL map (DESIGN.md); each app adds its own under its prefix."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from .views import ping, profile, rules, switch_language

admin.site.site_header = "Lavka"
admin.site.site_title = "Lavka"

urlpatterns = [
    path("rules/", rules, name="rules"),
    path("ping/", ping, name="ping"),
    path("accounts/profile/", profile, name="profile"),
    path("cabinet/", include("shops.urls")),
    path("", include("orders.urls")),
    path("", include("catalog.urls")),
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

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
