from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "shops"
    verbose_name = _("Shops")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from marketplace import personal
        from marketplace.auth import ACCOUNT

        from .models import Shop

        def shop_changed(sender, instance, **kwargs):
            """Whether the owner is a seller is kept with the cached account (marketplace.auth)."""
            personal.forget([instance.owner_id], ACCOUNT)

        post_save.connect(shop_changed, sender=Shop, dispatch_uid="shops.account_seller_saved", weak=False)
        post_delete.connect(shop_changed, sender=Shop, dispatch_uid="shops.account_seller_deleted", weak=False)

        # What buyers' pages show: a change made anywhere (the admin too) bumps the catalog's
        # generation once committed (marketplace.pagecache).
        from marketplace.pagecache import bump_generation_on_commit

        from .models import AboutImage, Collection, Vacation

        for model in (Shop, AboutImage, Vacation, Collection):
            for signal in (post_save, post_delete):
                signal.connect(bump_generation_on_commit, sender=model, dispatch_uid=f"shops.shown.{model.__name__}")
