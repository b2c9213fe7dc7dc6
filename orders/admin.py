"""Orders in the admin: orders with items, history and shipments; tracking read-only; reviews moderated;
the «Дружные скидки» compensation report with its CSV and the «mark paid» button."""

import csv
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.money import format_rub
from shops.models import Shop

from . import tracks
from .carriers import CarrierError
from .compensation import (
    NOTE_MAX_LENGTH,
    OWED,
    CompensationError,
    compensation_pay,
    compensation_report,
    previous_month,
)
from .exceptions import ShipmentError
from .models import (
    Compensation,
    Download,
    Order,
    OrderEvent,
    OrderItem,
    Review,
    ReviewPhoto,
    ReviewRevision,
    Shipment,
    TrackingEvent,
)
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
    fields = ["title", "options", "quantity", "base_unit", "unit_price", "discount", "line_total", "is_digital",
              "activation"]  # fmt: skip


class DownloadInline(ReadOnlyInline):
    """A guest order's downloads of its files (a registered buyer's are counted on their account)."""

    model = Download
    fields = ["file", "count", "first_at", "last_at"]


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


class LavkaDiscountFilter(admin.SimpleListFilter):
    """Orders with a «Дружные скидки» discount, and where their compensation stands."""

    title = _("Lavka's discount")
    parameter_name = "lavka_discount"

    def lookups(self, request, model_admin):
        return [("yes", _("With Lavka's discount")), ("owed", _("Compensation owed")),
                ("paid", _("Compensation paid"))]  # fmt: skip

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(platform_discount__gt=0)
        if self.value() == "owed":
            return queryset.filter(OWED, platform_discount__gt=0)
        if self.value() == "paid":
            return queryset.filter(compensation__isnull=False)
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "shop", "buyer_name", "status", "is_guest", "total", "source", "created_at"]
    list_filter = ["status", "is_guest", "delivery_method", "source", LavkaDiscountFilter]
    search_fields = ["number", "buyer_name", "email", "phone", "shop__name", "shipments__track_number"]
    list_select_related = ["shop"]
    date_hierarchy = "created_at"
    raw_id_fields = ["buyer", "shop"]
    # Status, money and the snapshot change only through services (history, stock, e-mails).
    readonly_fields = [
        "number", "shop", "buyer", "is_guest", "status", "subtotal", "created_at", "status_changed_at", "confirmed_at",
        "source", "source_referrer", "rules_accepted", "idempotency_key", "promo_code", "promo_code_text",
        "promo_discount", "referral_code", "referral_code_text", "platform_discount", "compensation", "total",
    ]  # fmt: skip
    exclude = ["secret"]
    inlines = [OrderItemInline, ShipmentInline, DownloadInline, OrderEventInline]

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

    @admin.display(description=_("carrier's last status"))
    def last_status(self, obj):
        return obj.last_status or "—"

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


class ReviewPhotoInline(ReadOnlyInline):
    model = ReviewPhoto
    fields = ["preview", "image", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("photo"))
    def preview(self, photo):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="" width="72" height="72"></a>',
            photo.image.url,
            photo.thumb.url,
        )


class ReviewRevisionInline(ReadOnlyInline):
    model = ReviewRevision
    fields = ["edited_at", "rating", "text"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "shop", "author", "rating", "is_published", "created_at", "edited_at"]
    list_filter = ["kind", "is_published", "rating"]
    search_fields = ["text", "shop__name", "author__email", "order__number", "item__title"]
    list_select_related = ["shop", "author", "item"]
    date_hierarchy = "created_at"
    # What the buyer wrote is theirs: moderation may hide it, never edit it. The seller's answer likewise.
    readonly_fields = ["kind", "item", "order", "shop", "product", "author", "rating", "text", "created_at",
                       "edited_at", "is_published", "answer", "answered_at", "answer_edited_at"]  # fmt: skip
    inlines = [ReviewPhotoInline, ReviewRevisionInline]
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


class CompensationPeriodForm(forms.Form):
    """The report's period; without dates in the query it is the previous calendar month."""

    date_from = forms.DateField(label=_("From"), input_formats=["%Y-%m-%d", "%d.%m.%Y"],
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip
    date_to = forms.DateField(label=_("To"), input_formats=["%Y-%m-%d", "%d.%m.%Y"],
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))  # fmt: skip

    @classmethod
    def from_query(cls, query):
        if "date_from" in query or "date_to" in query:
            return cls(query)
        start, end = previous_month(timezone.localdate())
        return cls({"date_from": start.isoformat(), "date_to": end.isoformat()})

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(gettext("The period starts after it ends: swap the dates."))
        return data


class CompensationPayForm(CompensationPeriodForm):
    shop = forms.ModelChoiceField(queryset=Shop.objects.all())
    note = forms.CharField(label=_("Payment reference"), max_length=NOTE_MAX_LENGTH, required=False)


def _csv_money(value) -> str:
    return f"{value:.2f}".replace(".", ",")  # Excel in Russian reads a decimal comma


def _report_csv(report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"compensation-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # the BOM tells Excel the file is UTF-8
    writer = csv.writer(response, delimiter=";")  # Russian Excel splits columns on «;»
    writer.writerow([gettext("Shop"), gettext("Owed: orders"), gettext("Owed, ₽"), gettext("Waiting: orders"),
                     gettext("Waiting, ₽"), gettext("Paid out, ₽")])  # fmt: skip
    for row in [*report.rows, report.totals]:
        writer.writerow([
            row.shop.name if row.shop else gettext("In all"), row.owed_count, _csv_money(row.owed_amount),
            row.waiting_count, _csv_money(row.waiting_amount), _csv_money(row.paid_amount),
        ])  # fmt: skip
    return response


class CompensatedOrderInline(ReadOnlyInline):
    model = Order
    fields = ["number", "created_at", "status", "platform_discount"]
    readonly_fields = fields
    show_change_link = True


@admin.register(Compensation)
class CompensationAdmin(admin.ModelAdmin):
    """Payouts are recorded from the report (``report_view``) and never edited: the money has left."""

    list_display = ["shop", "period", "amount", "orders_count", "paid_at", "paid_by"]
    list_select_related = ["shop", "paid_by"]
    search_fields = ["shop__name", "note"]
    date_hierarchy = "paid_at"
    inlines = [CompensatedOrderInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would make its orders owed again: a second payout of money already paid.
        return False

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, obj):
        return f"{obj.period_start:%d.%m.%Y} – {obj.period_end:%d.%m.%Y}"

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="orders_compensation_report")] + super().get_urls()

    def report_view(self, request):
        """Lavka's discounts owed, waiting and paid per shop for a period; its CSV; «mark paid»."""
        if not request.user.has_perm("orders.view_order"):
            raise PermissionDenied
        if request.method == "POST":
            return self._pay(request)
        form = CompensationPeriodForm.from_query(request.GET)
        report = compensation_report(**form.cleaned_data) if form.is_valid() else None
        if request.GET.get("format") == "csv":
            if report is None:
                return HttpResponse("\n".join(error for errors in form.errors.values() for error in errors),
                                    status=400, content_type="text/plain; charset=utf-8")  # fmt: skip
            return _report_csv(report)
        period = urlencode({name: form[name].value() or "" for name in ("date_from", "date_to")})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Compensation of Lavka's discounts"),
            "form": form,
            "report": report,
            "csv_url": f"?{period}&format=csv",
            "can_pay": request.user.has_perm("orders.add_compensation"),
        }
        return TemplateResponse(request, "admin/orders/compensation/report.html", context,
                                status=200 if report else 400)  # fmt: skip

    def _pay(self, request):
        if not request.user.has_perm("orders.add_compensation"):
            raise PermissionDenied
        form = CompensationPayForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                compensation = compensation_pay(
                    shop=data["shop"], date_from=data["date_from"], date_to=data["date_to"], actor=request.user,
                    note=data["note"],
                )  # fmt: skip
            except CompensationError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                count = compensation.orders_count
                text = ngettext("Marked paid out: %(amount)s to «%(shop)s» for %(count)d order.",
                                "Marked paid out: %(amount)s to «%(shop)s» for %(count)d orders.", count)  # fmt: skip
                amount = format_rub(compensation.amount)
                self.message_user(request, text % {"amount": amount, "shop": data["shop"].name, "count": count},
                                  messages.SUCCESS)  # fmt: skip
        else:
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
        period = urlencode({name: request.POST.get(name, "") for name in ("date_from", "date_to")})
        return HttpResponseRedirect(f"{reverse('admin:orders_compensation_report')}?{period}")
