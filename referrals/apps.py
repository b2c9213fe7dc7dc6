from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from allauth.account.signals import user_signed_up

        from .signals import on_user_signed_up

        user_signed_up.connect(on_user_signed_up, dispatch_uid="referrals.friend_signed_up")
