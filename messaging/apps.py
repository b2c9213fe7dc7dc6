from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from shops.overview import register_overview

        from .selectors import overview_figures

        register_overview(overview_figures)
