"""Orders in the admin: orders with items, history and shipments; tracking read-only; reviews moderated."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import tracks
from .carriers import CarrierError
from .exceptions import ShipmentError
from .models import Order, OrderEvent, OrderItem, Review, Shipment, TrackingEvent
from .services import reviews_set_published, shipment_refresh


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = ["title", "options", "quantity", "base_unit", "unit_price", "discount", "line_total"]


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "status", "actor", "note"]


class ShipmentAdminForm(forms.ModelForm):
    """The admin obeys the same track-number rules as the seller's form."""

    class Meta:
        model = Shipment
        fields = ["carrier", "carrier_name", "track_number"]

    def clean(self):
        data = super().clean()
        if data.get("carrier") and data.get("track_number"):
            try:
                data["track_number"] = tracks.validate(data["carrier"], data["track_number"])
            except ShipmentError as error:
                self.add_error("track_number", str(error))
        return data


class ShipmentInline(admin.TabularInline):
    model = Shipment
    form = ShipmentAdminForm
    extra = 0
    fields = ["carrier", "carrier_name", "track_number", "recipient_name", "delivered_at", "checked_at"]
    readonly_fields = ["recipient_name", "delivered_at", "checked_at"]
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "shop", "buyer_name", "status", "is_guest", "total", "source", "created_at"]
    list_filter = ["status", "is_guest", "delivery_method", "source"]
    search_fields = ["number", "buyer_name", "email", "phone", "shop__name", "shipments__track_number"]
    list_select_related = ["shop"]
    date_hierarchy = "created_at"
    raw_id_fields = ["buyer", "shop"]
    # Status, money and the snapshot change only through services (history, stock, e-mails).
    readonly_fields = [
        "number", "shop", "buyer", "is_guest", "status", "subtotal", "created_at", "status_changed_at", "confirmed_at",
        "source", "source_referrer", "rules_accepted", "idempotency_key", "promo_code", "promo_code_text",
        "promo_discount", "total",
    ]  # fmt: skip
    exclude = ["secret"]
    inlines = [OrderItemInline, ShipmentInline, OrderEventInline]

    def has_add_permission(self, request):
        return False


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = ["occurred_at", "status", "location", "is_delivery"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    form = ShipmentAdminForm
    list_display = ["track_number", "carrier", "order", "last_status", "delivered_at", "checked_at", "check_error"]
    list_filter = ["carrier", ("delivered_at", admin.EmptyFieldListFilter)]
    search_fields = ["track_number", "order__number", "recipient_name"]
    list_select_related = ["order"]
    readonly_fields = ["order", "created_at", "created_by", "last_status", "recipient_name", "delivered_at",
                       "checked_at", "check_error"]  # fmt: skip
    inlines = [TrackingEventInline]
    actions = ["refresh_tracking"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("events")  # last_status in the list

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Ask the carrier now"))
    def refresh_tracking(self, request, queryset):
        changed = failed = 0
        for shipment in queryset.select_related("order"):
            try:
                changed += shipment_refresh(shipment=shipment)
            except CarrierError as error:
                failed += 1
                self.message_user(request, f"{shipment}: {error}", messages.WARNING)
        self.message_user(request, _("Checked: %(count)d, with news: %(changed)d, failed: %(failed)d.")
                          % {"count": queryset.count(), "changed": changed, "failed": failed})  # fmt: skip


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "shop", "author", "rating", "is_published", "created_at"]
    list_filter = ["is_published", "rating"]
    search_fields = ["text", "shop__name", "author__email", "order__number", "item__title"]
    list_select_related = ["shop", "author", "item"]
    date_hierarchy = "created_at"
    # What the buyer wrote is theirs: moderation may hide it, never edit it.
    readonly_fields = ["item", "order", "shop", "product", "author", "rating", "text", "created_at", "is_published"]
    actions = ["hide", "publish"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Hide the chosen reviews"))
    def hide(self, request, queryset):
        count = reviews_set_published(reviews=queryset, published=False)
        self.message_user(request, _("Hidden: %(count)d.") % {"count": count})

    @admin.action(description=_("Publish the chosen reviews"))
    def publish(self, request, queryset):
        count = reviews_set_published(reviews=queryset, published=True)
        self.message_user(request, _("Published: %(count)d.") % {"count": count})
