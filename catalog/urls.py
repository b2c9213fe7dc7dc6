from django.urls import path

from .views import storefront

app_name = "catalog"

urlpatterns = [
    path("shops/<slug:slug>/", storefront.shop, name="shop"),
    path("shops/<slug:slug>/about/", storefront.shop_about, name="shop-about"),
    path("shops/<slug:slug>/delivery/", storefront.shop_delivery, name="shop-delivery"),
    path("shops/<slug:slug>/rules/", storefront.shop_rules, name="shop-rules"),
    path("shops/<slug:slug>/reviews/", storefront.shop_reviews, name="shop-reviews"),
    path("shops/<slug:slug>/collections/<int:pk>/", storefront.shop_collection, name="shop-collection"),
]
