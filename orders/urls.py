from django.urls import path

from .views import cabinet, carts, downloads, marketing, reviews_cabinet, storefront

app_name = "orders"

urlpatterns = [
    path("cart/", storefront.cart, name="cart"),
    path("cart/add/<int:pk>/", storefront.cart_add, name="cart-add"),
    path("cart/lines/<int:pk>/", storefront.cart_line_quantity, name="cart-line"),
    path("cart/lines/<int:pk>/remove/", storefront.cart_line_remove, name="cart-line-remove"),
    path("checkout/<slug:slug>/", storefront.checkout, name="checkout"),
    path("cart/promo/<slug:slug>/", storefront.cart_promo, name="cart-promo"),
    path("orders/", storefront.order_list, name="list"),
    path("orders/<str:number>/", storefront.order_detail, name="detail"),
    path("orders/<str:number>/confirm/", storefront.order_confirm, name="confirm"),
    path("orders/<str:number>/received/", storefront.order_received, name="received"),
    path("orders/<str:number>/files/<int:pk>/", downloads.order_download, name="download"),
    path("downloads/", downloads.download_list, name="downloads"),
    path("downloads/<int:pk>/", downloads.user_download, name="user-download"),
    path("orders/<str:number>/tracking/<int:pk>/", storefront.tracking, name="tracking"),
    path("orders/<str:number>/reviews/<int:item_pk>/", storefront.review_add, name="review-add"),
    path("orders/<str:number>/reviews/<int:pk>/edit/", storefront.review_edit, name="review-edit"),
    path("shops/<slug:slug>/reviews/", storefront.shop_reviews, name="shop-reviews"),
    path("cabinet/orders/", cabinet.order_list, name="cabinet-list"),
    path("cabinet/reviews/", reviews_cabinet.review_list, name="cabinet-reviews"),
    path("cabinet/reviews/<int:pk>/answer/", reviews_cabinet.review_answer, name="cabinet-review-answer"),
    path("cabinet/carts/", carts.cart_list, name="cabinet-carts"),
    path("cabinet/carts/offer/", carts.cart_offer, name="cabinet-carts-offer"),
    path("cabinet/marketing/", marketing.report, name="cabinet-marketing"),
    path("cabinet/marketing/export.csv", marketing.report_csv, name="cabinet-marketing-csv"),
    path(
        "cabinet/orders/cancel-unconfirmed-guest/",
        cabinet.orders_cancel_unconfirmed_guest,
        name="cabinet-cancel-unconfirmed-guest",
    ),
    path("cabinet/orders/<str:number>/", cabinet.order_detail, name="cabinet-detail"),
    path("cabinet/orders/<str:number>/status/", cabinet.order_status, name="cabinet-status"),
    path("cabinet/orders/<str:number>/shipments/", cabinet.shipment_add, name="cabinet-shipment-add"),
    path(
        "cabinet/orders/<str:number>/shipments/<int:pk>/delete/",
        cabinet.shipment_delete,
        name="cabinet-shipment-delete",
    ),  # fmt: skip
]
