"""Referrals forms: the seller's promo code and a personal offer on an abandoned cart."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from marketplace.forms import ModelMultipleChoiceField

from .models import MAX_CODE_LENGTH, DiscountKind, PromoBonus, PromoCode

FIRST_YEAR, LAST_YEAR = 2000, 2099
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ProductChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, product):
        return f"{product.title} — {product.price.normalize():f} ₽"


class PromoForm(forms.ModelForm):
    """«Добавить промо-акцию с промо-кодом»: «Общее» (name, period) and «Условия» (code, bonus, limits)."""

    GENERAL = ("name", "starts_at", "ends_at", "is_enabled")

    code = forms.CharField(
        label=_("Promo code"), max_length=MAX_CODE_LENGTH,
        help_text=_("One word the buyer types at checkout: vesna, stayhome. Upper and lower case are the same."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    value = forms.DecimalField(label=_("Discount size"), min_value=Decimal("0"), max_digits=12, decimal_places=2,
                               required=False, help_text=_("Percent or rubles, as chosen above; rubles on products "
                                                           "are per piece."))  # fmt: skip
    min_order_total = forms.DecimalField(label=_("Minimum order total, ₽"), min_value=Decimal("0"), max_digits=12,
                                         decimal_places=2, required=False)  # fmt: skip
    max_uses = forms.IntegerField(label=_("Uses in total"), min_value=1, max_value=1_000_000, required=False,
                                  help_text=_("Empty: no limit."))  # fmt: skip
    max_uses_per_buyer = forms.IntegerField(label=_("Uses per buyer"), min_value=1, max_value=1000, required=False,
                                            help_text=_("Empty: no limit. A guest is counted by e-mail."))  # fmt: skip

    class Meta:
        model = PromoCode
        fields = ["name", "starts_at", "ends_at", "is_enabled", "code", "bonus", "discount_kind", "value",
                  "products", "gift_products", "min_order_total", "max_uses", "max_uses_per_buyer"]  # fmt: skip
        widgets = {
            "starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET, "bonus": forms.RadioSelect,
            "discount_kind": forms.RadioSelect,
        }  # fmt: skip
        labels = {
            "name": _("Promotion name"), "starts_at": _("Starts"), "ends_at": _("Ends"),
            "is_enabled": _("Switched on: buyers may use the code"), "bonus": _("Bonus"),
            "discount_kind": _("Discount"),
        }  # fmt: skip

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        products = Product.objects.filter(shop=shop).order_by("title").only("pk", "title", "price")
        self.fields["products"] = ProductChoiceField(
            queryset=products, required=False, widget=forms.CheckboxSelectMultiple, label=_("Products"),
            help_text=_("For a discount on products: the discounted ones. For gifts: buying any of them brings the "
                        "gifts (none chosen: any order)."),
        )  # fmt: skip
        self.fields["gift_products"] = ProductChoiceField(
            queryset=products, required=False, widget=forms.CheckboxSelectMultiple, label=_("Gift products"),
            help_text=_("Added to the order at 0 ₽, one of each."),
        )  # fmt: skip

    def general_fields(self):
        return [self[name] for name in self.GENERAL]

    def condition_fields(self):
        return [field for field in self if field.name not in self.GENERAL]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if any(char.isspace() for char in code):
            raise forms.ValidationError(_("A promo code is one word, without spaces."))
        return code

    def clean(self):
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            # «0001-01-01» parses, but cannot be stored once moved to UTC (and is no promotion's date).
            if data.get(name) and not FIRST_YEAR <= data[name].year <= LAST_YEAR:
                self.add_error(name, self.fields[name].error_messages["invalid"])
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        bonus, kind, value = data.get("bonus"), data.get("discount_kind"), data.get("value")
        if bonus in (PromoBonus.ORDER, PromoBonus.PRODUCTS):
            if "value" in self.errors:
                pass
            elif not value:
                self.add_error("value", _("Enter the discount size."))
            elif kind == DiscountKind.PERCENT and value > 100:
                self.add_error("value", _("A discount in percent is at most 100."))
        elif bonus == PromoBonus.GIFTS:
            data["value"] = Decimal("0")
        if value is None:
            data["value"] = Decimal("0")
        return data

    def service_kwargs(self) -> dict:
        return {**self.cleaned_data, "products": list(self.cleaned_data.get("products") or []),
                "gift_products": list(self.cleaned_data.get("gift_products") or [])}  # fmt: skip


class OfferForm(forms.Form):
    """«Предложить скидку» on one line of the abandoned carts page."""

    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    percent = forms.IntegerField(label=_("Discount, %"), min_value=1, max_value=90,
                                 widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
    days = forms.IntegerField(label=_("Valid, days"), min_value=1, max_value=30, initial=7,
                              widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip


class InviteForm(forms.Form):
    """«Пригласить друзей»: their addresses and the inviter's own words added to the round's text."""

    addresses = forms.CharField(
        label=_("Friends' e-mail addresses"), max_length=3000,
        help_text=_("One per line or separated by commas. Friends with an account on Lavka get the invitation in "
                    "their messages, the others by e-mail."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false",
                                     "placeholder": "anna@example.ru, ivan@example.ru"}),
    )  # fmt: skip
    own_text = forms.CharField(
        label=_("Your words (optional)"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )  # fmt: skip
