"""Catalog in the Django admin: categories, products (search, filters, the reseller label)."""

import os

from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .exceptions import CatalogError
from .models import (
    Attachment,
    Category,
    DigitalFile,
    GlobalOption,
    OptionGroup,
    Product,
    ProductImage,
    WholesaleTier,
)
from .services import product_after_admin_edit, products_refresh_search, products_set_reseller
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"name", "parent"} & set(form.changed_data):
            # Products are found by their category's and its parent's names.
            products_refresh_search(queryset=Product.objects.filter(Q(category=obj) | Q(category__parent=obj)))


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


class DigitalFileInline(admin.TabularInline):
    """A digital product's sold files, for moderators to see what is sold (changed only by the seller)."""

    model = DigitalFile
    extra = 0
    fields = ["title", "kind", "size", "entries", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ResellerReviewFilter(admin.SimpleListFilter):
    """Products whose seller uploaded a reseller document that still waits for the label."""

    title = _("reseller document")
    parameter_name = "reseller_document"

    def lookups(self, request, model_admin):
        return [("review", _("Awaiting review")), ("none", _("No document"))]

    def queryset(self, request, queryset):
        no_document = Q(reseller_document="") | Q(reseller_document__isnull=True)
        if self.value() == "review":
            return queryset.exclude(no_document).filter(is_official_reseller=False)
        if self.value() == "none":
            return queryset.filter(no_document)
        return queryset


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "title", "cover_thumb", "shop", "category", "price", "discount_percent", "is_enabled",
        "is_hidden_by_moderation", "is_official_reseller", "views_count", "likes_count", "created_at",
    ]  # fmt: skip
    list_filter = [
        "is_enabled", "is_hidden_by_moderation", "is_official_reseller", ResellerReviewFilter, "is_new", "is_hit",
        "free_shipping", "availability", "is_digital", "category",
    ]  # fmt: skip
    search_fields = ["title", "shop__name", "shop__slug"]
    list_select_related = ["shop", "category", "cover"]
    raw_id_fields = ["shop"]
    readonly_fields = ["sale_price", "views_count", "likes_count", "sales_count", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [ProductImageInline, OptionGroupInline, WholesaleTierInline, AttachmentInline, DigitalFileInline]
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
        """Seed 001: the label is given for a document; products without one are left as they are."""
        no_document = Q(reseller_document="") | Q(reseller_document__isnull=True)
        skipped = list(queryset.filter(no_document).values_list("title", flat=True)[:6])
        ids = list(queryset.exclude(no_document).values_list("pk", flat=True))
        if ids:
            try:
                count = products_set_reseller(product_ids=ids, value=True)
            except CatalogError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            text = ngettext("Label given to %(count)d product.", "Label given to %(count)d products.", count)
            self.message_user(request, text % {"count": count})
        if skipped:
            self.message_user(
                request,
                _("Not given to products without a reseller document: %(titles)s.") % {"titles": ", ".join(skipped)},
                messages.WARNING,
            )

    @admin.action(description=_("Remove the «Official reseller» label"))
    def revoke_reseller(self, request, queryset):
        count = products_set_reseller(product_ids=queryset.values_list("pk", flat=True), value=False)
        text = ngettext("Label removed from %(count)d product.", "Label removed from %(count)d products.", count)
        self.message_user(request, text % {"count": count})


@admin.register(GlobalOption)
class GlobalOptionAdmin(admin.ModelAdmin):
    """Read-only here: sellers edit global options in the cabinet, whose service updates the products."""

    list_display = ["name", "shop", "kind", "is_required"]
    search_fields = ["name", "shop__name"]
    list_select_related = ["shop"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
