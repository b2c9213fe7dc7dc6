from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging")

    def ready(self):
        from referrals.invitations import register_delivered
        from shops.overview import register_overview

        from .selectors import overview_figures, unread_forget_users

        register_overview(overview_figures)
        # A friend's invitation is a site message: the recipients' header badge must count it now.
        register_delivered(unread_forget_users)
