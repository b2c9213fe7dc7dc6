from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from . import wiring_complaints, wiring_queues, wiring_sanctions

        wiring_sanctions.connect()
        wiring_complaints.connect()
        wiring_queues.connect()
