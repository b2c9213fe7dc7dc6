from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from django.contrib.auth import get_user_model

        from . import checks  # noqa: F401  (registers them)
        from .auth import connect_signals

        connect_signals(get_user_model())
