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
