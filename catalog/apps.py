from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from shops.overview import register_overview
        from shops.services import register_shop_renamed

        from .selectors import overview_figures
        from .services import products_refresh_search_of_shop

        register_overview(overview_figures)
        register_shop_renamed(products_refresh_search_of_shop)

        from django.db.models.signals import post_delete, post_save

        from marketplace import personal

        from .models import ProductLike
        from .selectors import LIKES
        from .services import product_part_changed

        def likes_changed(sender, instance, **kwargs):
            personal.forget([instance.user_id], LIKES)

        post_save.connect(likes_changed, sender=ProductLike, dispatch_uid="catalog.likes_saved", weak=False)

        # What buyers' pages show: a change made anywhere (the admin too) bumps the catalog's
        # generation once committed, so cached pages, cards and products follow at once.
        from marketplace.pagecache import bump_generation_on_commit

        from . import models

        shown = (
            models.Category, models.Product, models.ProductImage, models.GlobalOption, models.GlobalOptionChoice,
            models.OptionChoice,
            models.OptionGroup, models.WholesaleTier, models.Attachment, models.DigitalFile, models.PreviewImage,
            models.CollectionItem,
        )  # fmt: skip
        for model in shown:
            for signal in (post_save, post_delete):
                signal.connect(bump_generation_on_commit, sender=model, dispatch_uid=f"catalog.shown.{model.__name__}")
        # The product page's parts are kept under the product's own `updated_at`: a part saved
        # without the services (the admin) touches its product, as the services do.
        parts = (models.ProductImage, models.WholesaleTier, models.Attachment, models.DigitalFile,
                 models.PreviewImage, models.OptionGroup, models.OptionChoice, models.GlobalOptionChoice)  # fmt: skip
        for model in parts:
            for signal in (post_save, post_delete):
                signal.connect(product_part_changed, sender=model, dispatch_uid=f"catalog.part.{model.__name__}")
        post_delete.connect(likes_changed, sender=ProductLike, dispatch_uid="catalog.likes_deleted", weak=False)
