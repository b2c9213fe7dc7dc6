"""Admin of promo codes and personal offers (to look up: counters come from orders) and of the
«Дружные скидки» rounds (saved through rounds.round_save: never overlapping), links and codes."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .exceptions import ReferralError
from .models import PersonalOffer, PromoCode, ReferralCode, ReferralLink, ReferralRound
from .rounds import ROUND_FIELDS, round_check, round_save


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


class ReferralRoundForm(forms.ModelForm):
    class Meta:
        model = ReferralRound
        fields = list(ROUND_FIELDS)

    def clean(self):
        data = super().clean()
        try:
            round_check(starts_at=data.get("starts_at"), ends_at=data.get("ends_at"), code_value=data.get("code_value"),
                        min_order_total=data.get("min_order_total"), friends_needed=data.get("friends_needed"),
                        exclude_pk=self.instance.pk)  # fmt: skip
        except ReferralError as error:
            self.add_error(error.field if error.field in self.fields else None, str(error))
        return data


@admin.register(ReferralRound)
class ReferralRoundAdmin(admin.ModelAdmin):
    """«Дружные скидки» rounds: terms, dates (never overlapping) and how each went."""

    form = ReferralRoundForm
    list_display = ["title", "starts_at", "ends_at", "state", "code_value", "min_order_total", "friends_needed",
                    "friend_rule", "links", "codes", "codes_used"]  # fmt: skip
    readonly_fields = ["opened_at", "closed_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["title", ("starts_at", "ends_at"), "repeat_after_days"]}),
        (
            _("Terms"),
            {"fields": [("code_value", "min_order_total"), "friends_needed", "friend_rule", "invitation_text"]},
        ),  # fmt: skip
        (_("Rotation job"), {"fields": ["opened_at", "closed_at", "created_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            links_count=Count("links", distinct=True), codes_count=Count("codes", distinct=True),
            used_count=Count("codes", filter=Q(codes__used_at__isnull=False), distinct=True),
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        round_save(round=obj, actor=request.user)

    @admin.display(description=_("state"))
    def state(self, obj):
        now = timezone.now()
        if obj.is_open_at(now):
            return pgettext("referral round", "open")
        return pgettext("referral round", "scheduled") if obj.starts_at > now else pgettext("referral round", "ended")

    @admin.display(description=_("links"), ordering="links_count")
    def links(self, obj):
        return obj.links_count

    @admin.display(description=_("codes issued"), ordering="codes_count")
    def codes(self, obj):
        return obj.codes_count

    @admin.display(description=_("codes used"), ordering="used_count")
    def codes_used(self, obj):
        return obj.used_count


@admin.register(ReferralLink)
class ReferralLinkAdmin(admin.ModelAdmin):
    list_display = ["token", "user", "round", "friends_count", "created_at"]
    list_filter = ["round"]
    search_fields = ["token", "user__email"]
    list_select_related = ["user", "round"]
    readonly_fields = ["round", "user", "token", "friends_count", "inviter_browsers", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ReferralCode)
class ReferralCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "owner", "round", "value", "min_order_total", "issued_at", "expires_at", "used_at"]
    list_filter = ["round"]
    search_fields = ["code", "owner__email"]
    list_select_related = ["owner", "round"]
    readonly_fields = ["round", "owner", "code", "value", "min_order_total", "issued_at", "expires_at", "used_at"]

    def has_add_permission(self, request):
        return False
