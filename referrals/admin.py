"""Admin of promo codes and personal offers: to look up, not to change (counters come from orders)."""

from django.contrib import admin

from .models import PersonalOffer, PromoCode


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "shop", "name", "bonus", "discount_kind", "value", "is_enabled", "uses_count", "revenue",
                    "discount_given", "ends_at"]  # fmt: skip
    list_filter = ["bonus", "is_enabled"]
    search_fields = ["code", "name", "shop__name"]
    list_select_related = ["shop"]
    raw_id_fields = ["shop", "products", "gift_products"]
    readonly_fields = ["uses_count", "revenue", "discount_given", "created_at"]


@admin.register(PersonalOffer)
class PersonalOfferAdmin(admin.ModelAdmin):
    list_display = ["product", "buyer", "shop", "percent", "created_at", "expires_at", "used_at"]
    search_fields = ["buyer__email", "product__title", "shop__name"]
    list_select_related = ["product", "buyer", "shop"]
    raw_id_fields = ["shop", "buyer", "product", "created_by"]
    readonly_fields = ["created_at", "used_at"]
