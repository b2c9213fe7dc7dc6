"""Seller cabinet URLs of the catalog app, under /cabinet/products/ (namespace «catalog»)."""

from django.urls import path

from .views import cabinet, digital_cabinet

urlpatterns = [
    path("", cabinet.product_list, name="cabinet-products"),
    path("bulk/", cabinet.product_bulk, name="cabinet-products-bulk"),
    path("new/", cabinet.product_edit, name="cabinet-product-new"),
    path("<int:pk>/", cabinet.product_edit, name="cabinet-product-edit"),
    path("<int:pk>/images/", cabinet.product_images, name="cabinet-product-images"),
    path("<int:pk>/images/<int:image_pk>/delete/", cabinet.product_image_delete, name="cabinet-product-image-delete"),
    path("<int:pk>/images/<int:image_pk>/move/", cabinet.product_image_move, name="cabinet-product-image-move"),
    path("<int:pk>/options/", cabinet.product_options, name="cabinet-product-options"),
    path("<int:pk>/options/<int:group_pk>/", cabinet.product_options, name="cabinet-product-option-edit"),
    path("<int:pk>/options/add-global/", cabinet.product_option_add_global, name="cabinet-product-option-add-global"),
    path(
        "<int:pk>/options/<int:group_pk>/delete/", cabinet.product_option_delete, name="cabinet-product-option-delete"
    ),
    path("<int:pk>/wholesale/", cabinet.product_wholesale, name="cabinet-product-wholesale"),
    path("<int:pk>/files/", cabinet.product_files, name="cabinet-product-files"),
    path("<int:pk>/files/<int:file_pk>/delete/", cabinet.product_file_delete, name="cabinet-product-file-delete"),
    path("<int:pk>/sold-files/", digital_cabinet.sold_files_page, name="cabinet-product-sold-files"),
    path("<int:pk>/sold-files/<int:file_pk>/delete/", digital_cabinet.sold_file_delete,
         name="cabinet-product-sold-file-delete"),
    path("<int:pk>/sold-files/<int:file_pk>/download/", digital_cabinet.sold_file_download,
         name="cabinet-product-sold-file-download"),
    path("<int:pk>/previews/<int:preview_pk>/delete/", digital_cabinet.preview_delete,
         name="cabinet-product-preview-delete"),
]  # fmt: skip
