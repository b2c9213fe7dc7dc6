from django.urls import include, path

from shops.views.cabinet import seller_required

from .views import cabinet, favorites, files, storefront

app_name = "catalog"

urlpatterns = [
    path("", storefront.home, name="home"),
    path("catalog/", storefront.catalog, name="list"),
    path("catalog/<slug:slug>/", storefront.category, name="category"),
    path("p/<int:pk>/", storefront.product, name="product"),
    path("p/<int:pk>/like/", storefront.product_like, name="product-like"),
    path("p/<int:pk>/seen/", storefront.product_seen, name="product-seen"),
    path("favorites/", favorites.favorite_list, name="favorites"),
    path("recently-viewed/", favorites.recently_viewed, name="recently-viewed"),
    path("p/<int:pk>/files/<int:attachment_id>/", files.attachment, name="attachment"),
    path("cabinet/products/<int:pk>/files/<int:file_pk>/", files.cabinet_attachment, name="cabinet-product-file"),
    path(
        "cabinet/products/<int:pk>/reseller-document/",
        files.cabinet_reseller_document,
        name="cabinet-product-reseller-document",
    ),
    path("cabinet/products/", include("catalog.cabinet_urls")),
    path("cabinet/options/", cabinet.global_options, name="cabinet-global-options"),
    path("cabinet/options/<int:pk>/", cabinet.global_options, name="cabinet-global-option-edit"),
    path(
        "cabinet/collections/<int:pk>/products/",
        cabinet.collection_products,
        name="cabinet-collection-products",
    ),
    path(
        "cabinet/products/<int:pk>/preview/",
        seller_required(storefront.product_preview),
        name="cabinet-product-preview",
    ),
    path("shops/<slug:slug>/", storefront.shop, name="shop"),
    path("shops/<slug:slug>/about/", storefront.shop_about, name="shop-about"),
    path("shops/<slug:slug>/delivery/", storefront.shop_delivery, name="shop-delivery"),
    path("shops/<slug:slug>/rules/", storefront.shop_rules, name="shop-rules"),
    path("shops/<slug:slug>/collections/<int:pk>/", storefront.shop_collection, name="shop-collection"),
]
