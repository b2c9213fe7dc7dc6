"""Checkout form: who, where, how to deliver and how the shop should get in touch."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from shops.models import ContactMethod

from .models import DeliveryMethod


class CheckoutForm(forms.Form):
    buyer_name = forms.CharField(label=_("Name and surname"), max_length=150)
    phone = PhoneNumberField(
        label=_("Phone"), region="RU",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "placeholder": "+7 900 123-45-67"}),
    )  # fmt: skip
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invoice and every status change come here."))
    address = forms.CharField(
        label=_("Full delivery address"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Postcode, city, street, house, flat — as the carrier needs it."),
    )  # fmt: skip
    delivery_method = forms.ChoiceField(label=_("Delivery"), widget=forms.RadioSelect)
    contact_method = forms.ChoiceField(label=_("How should the shop contact you?"), widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes for the shop"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    rules_accepted = forms.BooleanField(label=_("I agree to the shop's rules"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, shop, is_guest: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_method"].choices = [
            (code, f"{label} ({shop.city})" if code == DeliveryMethod.COURIER else label)
            for code, label in DeliveryMethod.choices
        ]
        self.fields["contact_method"].choices = [
            (code, ContactMethod(code).label) for code in shop.contact_methods_for(is_guest=is_guest)
        ]
        if shop.rules_consent_required:
            self.fields["rules_accepted"].required = True
        else:
            del self.fields["rules_accepted"]
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def clean_buyer_name(self):
        return " ".join(self.cleaned_data["buyer_name"].split())
