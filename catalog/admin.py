"""Catalog in the Django admin: categories, products (search, filters, the reseller label)."""

import os

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .exceptions import CatalogError
from .models import Attachment, Category, OptionGroup, Product, ProductImage, WholesaleTier
from .services import product_after_admin_edit, products_set_reseller
from .views.files import attachment_response, reseller_document_response


class _LinkedFile:
    """A stored file as the admin's file widget shows it: its name, linked to a checked view."""

    def __init__(self, file, url):
        self.file, self.url = file, url

    def __str__(self):
        return os.path.basename(self.file.name)


class PrivateFileWidget(AdminFileWidget):
    """The admin's file input, linking the current file to ``url_for(instance)``, not to /media/
    (attachments and reseller documents are not served from /media/: marketplace/media.py)."""

    def __init__(self, url_for, attrs=None):
        super().__init__(attrs)
        self.url_for = url_for

    def format_value(self, value):
        value = super().format_value(value)
        if self.is_initial(value) and getattr(value, "instance", None) is not None and value.instance.pk:
            return _LinkedFile(value, self.url_for(value.instance))
        return value


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_editable = ["position"]


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["image", "position"]


class OptionGroupInline(admin.TabularInline):
    model = OptionGroup
    extra = 0
    show_change_link = True


class WholesaleTierInline(admin.TabularInline):
    model = WholesaleTier
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["title", "file"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "file":
            kwargs["widget"] = PrivateFileWidget(
                lambda attachment: reverse(
                    "admin:catalog_product_attachment", args=[attachment.product_id, attachment.pk]
                )
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "title", "cover_thumb", "shop", "category", "price", "discount_percent", "is_enabled",
        "is_hidden_by_moderation", "is_official_reseller", "views_count", "likes_count", "created_at",
    ]  # fmt: skip
    list_filter = [
        "is_enabled", "is_hidden_by_moderation", "is_official_reseller", "is_new", "is_hit", "free_shipping",
        "availability", "category",
    ]  # fmt: skip
    search_fields = ["title", "shop__name", "shop__slug"]
    list_select_related = ["shop", "category", "cover"]
    raw_id_fields = ["shop"]
    readonly_fields = ["sale_price", "views_count", "likes_count", "sales_count", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [ProductImageInline, OptionGroupInline, WholesaleTierInline, AttachmentInline]
    actions = ["grant_reseller", "revoke_reseller"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        product_after_admin_edit(product=obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "reseller_document":
            kwargs["widget"] = PrivateFileWidget(
                lambda product: reverse("admin:catalog_product_reseller_document", args=[product.pk])
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/reseller-document/", view(self.reseller_document_view),
                 name="catalog_product_reseller_document"),
            path("<int:pk>/files/<int:file_pk>/", view(self.attachment_view), name="catalog_product_attachment"),
        ] + super().get_urls()  # fmt: skip

    def _viewable(self, request, pk) -> Product:
        product = get_object_or_404(Product, pk=pk)
        if not self.has_view_permission(request, product):
            raise Http404
        return product

    def reseller_document_view(self, request, pk):
        """Staff's copy of the reseller document (never public: marketplace/media.py)."""
        return reseller_document_response(self._viewable(request, pk))

    def attachment_view(self, request, pk, file_pk):
        """Staff's copy of any product's file, whatever the product's state."""
        return attachment_response(get_object_or_404(self._viewable(request, pk).attachments, pk=file_pk))

    @admin.display(description=_("photo"))
    def cover_thumb(self, obj):
        return format_html('<img src="{}" width="40" height="40" alt="">', obj.cover.thumb.url) if obj.cover else "—"

    @admin.action(description=_("Give the «Official reseller» label (document attached)"))
    def grant_reseller(self, request, queryset):
        try:
            count = products_set_reseller(product_ids=queryset.values_list("pk", flat=True), value=True)
        except CatalogError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, _("Label given to %(count)d products.") % {"count": count})

    @admin.action(description=_("Remove the «Official reseller» label"))
    def revoke_reseller(self, request, queryset):
        count = products_set_reseller(product_ids=queryset.values_list("pk", flat=True), value=False)
        self.message_user(request, _("Label removed from %(count)d products.") % {"count": count})
