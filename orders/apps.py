from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .signals import merge_guest_cart

        user_logged_in.connect(merge_guest_cart, dispatch_uid="orders.merge_guest_cart")

        from django.db.models.signals import post_delete

        from .models import Cart
        from .signals import cart_deleted

        post_delete.connect(cart_deleted, sender=Cart, dispatch_uid="orders.cart_deleted")

        from shops.overview import register_overview

        from .selectors import overview_figures

        register_overview(overview_figures)

        from catalog.product_sections import register_product_section

        from .views.storefront import product_reviews_section

        register_product_section(product_reviews_section)
