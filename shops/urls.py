from django.urls import path

from .views import cabinet

app_name = "shops"

urlpatterns = [
    path("", cabinet.home, name="cabinet-home"),
    path("open/", cabinet.open_shop, name="cabinet-open"),
    path("shop/", cabinet.profile, name="cabinet-profile"),
    path("shop/about/", cabinet.about, name="cabinet-about"),
    path("shop/about/images/", cabinet.about_image_add, name="cabinet-about-image-add"),
    path("shop/about/images/<int:pk>/delete/", cabinet.about_image_delete, name="cabinet-about-image-delete"),
    path("shop/delivery/", cabinet.delivery, name="cabinet-delivery"),
    path("shop/rules/", cabinet.rules, name="cabinet-rules"),
    path("shop/images/", cabinet.images, name="cabinet-images"),
    path("shop/contacts/", cabinet.contacts, name="cabinet-contacts"),
    path("shop/vacation/", cabinet.vacation, name="cabinet-vacation"),
    path("shop/vacation/end/", cabinet.vacation_end, name="cabinet-vacation-end"),
    path("collections/", cabinet.collections, name="cabinet-collections"),
    path("collections/new/", cabinet.collection_edit, name="cabinet-collection-new"),
    path("collections/<int:pk>/", cabinet.collection_edit, name="cabinet-collection-edit"),
    path("collections/<int:pk>/delete/", cabinet.collection_delete, name="cabinet-collection-delete"),
]
