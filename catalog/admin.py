"""Catalog in the Django admin: categories, products (search, filters, the reseller label)."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .exceptions import CatalogError
from .models import Attachment, Category, OptionGroup, Product, ProductImage, WholesaleTier
from .services import product_after_admin_edit, products_set_reseller


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
