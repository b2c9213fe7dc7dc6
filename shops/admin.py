"""Shops in the Django admin: search, filters, moderation state (read-only here: it follows the shop's
sanctions, which moderation imposes and lifts with reasons and e-mails)."""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import AboutImage, Collection, Shop, Vacation
from .services import shop_renamed, shop_update


class VacationInline(admin.StackedInline):
    model = Vacation
    extra = 0
    verbose_name = _("vacation")
    verbose_name_plural = _("vacation")


class CollectionInline(admin.TabularInline):
    model = Collection
    extra = 0
    fields = ["name", "cover", "position"]


class AboutImageInline(admin.TabularInline):
    model = AboutImage
    extra = 0


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "logo_thumb",
        "slug",
        "owner",
        "city",
        "sanction_state",
        "is_reliable",
        "rating_avg",
        "created_at",
    ]
    list_filter = ["sanction_state", "is_reliable", "rules_consent_required", "city"]
    search_fields = ["name", "slug", "owner__email", "owner__name", "city"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    # The badge comes and goes only through «Стать надежным продавцом» applications (moderation's
    # services: audited, e-mailed); the ratings only from reviews; the moderation state only from
    # sanctions (imposed and lifted in «Санкции» with a reason, a record and an e-mail to the seller).
    readonly_fields = ["created_at", "updated_at", "about_preview", "is_reliable", "rating_avg", "rating_count",
                       "sanction_standing"]  # fmt: skip
    raw_id_fields = ["owner"]
    inlines = [VacationInline, CollectionInline, AboutImageInline]
    fieldsets = [
        (None, {"fields": ["owner", "name", "slug", "city", "tagline", "logo", "banner"]}),
        (_("About us"), {"fields": ["about", "about_preview"], "classes": ["collapse"]}),
        (
            _("Delivery and payment"),
            {
                "fields": ["payment_systems", "carriers", "delivery_info", "prepayment_terms", "made_to_order_terms"],
                "classes": ["collapse"],
            },
        ),  # noqa: E501
        (
            _("Shop rules"),
            {
                "fields": [
                    "confirmation_days",
                    "rules_returns",
                    "rules_payment",
                    "rules_shipping",
                    "rules_non_returnable",
                    "rules_other",
                    "rules_consent_required",
                ],
                "classes": ["collapse"],
            },
        ),  # noqa: E501
        (_("Contact methods"), {"fields": ["contact_methods"]}),
        (_("Moderation"), {"fields": ["sanction_standing", "is_reliable", "rating_avg", "rating_count"]}),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("as buyers see it"))
    def about_preview(self, obj):
        # Safe already: shop_update renders the Markdown through the sanitiser the storefront relies on.
        return format_html('<div class="rich-preview">{}</div>', mark_safe(obj.about_html)) if obj.about_html else "—"

    @admin.display(description=_("logo"))
    def logo_thumb(self, obj):
        return format_html('<img src="{}" width="32" height="32" alt="">', obj.logo.url) if obj.logo else "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # «О нас» goes through the cabinet's service, which renders the safe HTML the storefront
        # shows (a moderator's edit must reach the page) and forgets the cached catalog pages.
        shop_update(shop=obj, about=obj.about)
        if change and "name" in form.changed_data:
            shop_renamed(shop=obj)

    @admin.display(description=_("moderation state"))
    def sanction_standing(self, obj):
        """The state, and the way to change it: the shop's sanctions (moderation's admin, reached by URL name)."""
        if obj.pk is None:
            return obj.get_sanction_state_display()
        try:
            sanctions = reverse("admin:moderation_sanction_changelist") + f"?shop__id__exact={obj.pk}"
            impose = reverse("admin:moderation_sanction_add") + f"?shop={obj.pk}"
        except NoReverseMatch:
            return obj.get_sanction_state_display()
        return format_html(
            '<strong>{}</strong><div class="help">{} <a href="{}" data-testid="shop-sanctions-link">{}</a> · '
            '<a href="{}" data-testid="shop-impose-link">{}</a></div>',
            obj.get_sanction_state_display(),
            gettext("Follows the shop's active sanctions: impose or lift them with a reason in «Sanctions»."),
            sanctions,
            gettext("The shop's sanctions"),
            impose,
            gettext("Impose a sanction…"),
        )
