"""Orders forms: checkout, the seller's shipment form, the buyer's review and the seller's answer."""

import uuid

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from catalog.forms import IMAGE_ACCEPT, MultipleFileField, MultipleFileInput
from marketplace.images import ImageSpec, clean_images
from marketplace.text_rules import validate_no_links
from shops.models import ContactMethod

from .models import MAX_REVIEW_PHOTOS, TRANSITIONS, Carrier, DeliveryMethod, OrderStatus


class CheckoutForm(forms.Form):
    buyer_name = forms.CharField(label=_("Name and surname"), max_length=150, validators=[validate_no_links])
    phone = PhoneNumberField(
        label=_("Phone"), region="RU",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "placeholder": "+7 900 123-45-67"}),
    )  # fmt: skip
    email = forms.EmailField(label=_("E-mail"), help_text=_("The invoice and every status change come here."))
    address = forms.CharField(
        label=_("Full delivery address"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_links],
        help_text=_("Postcode, city, street, house, flat — as the carrier needs it."),
    )  # fmt: skip
    delivery_method = forms.ChoiceField(label=_("Delivery"), widget=forms.RadioSelect)
    contact_method = forms.ChoiceField(label=_("How should the shop contact you?"), widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes for the shop"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}), validators=[validate_no_links])  # fmt: skip
    rules_accepted = forms.BooleanField(label=_("I agree to the shop's rules"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    # What comes back after applying a promo code on the checkout page (the rest is re-chosen).
    draft_fields = ("buyer_name", "phone", "email", "address", "delivery_method", "contact_method", "notes",
                    "idempotency_key")  # fmt: skip

    def __init__(self, *args, shop, is_guest: bool, needs_delivery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_delivery:  # digital goods only: nothing to deliver
            del self.fields["address"], self.fields["delivery_method"]
        else:
            self._delivery_choices(shop)
        self.fields["contact_method"].choices = [
            (code, ContactMethod(code).label) for code in shop.contact_methods_for(is_guest=is_guest)
        ]
        if shop.rules_consent_required:
            self.fields["rules_accepted"].required = True
        else:
            del self.fields["rules_accepted"]
        self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def _delivery_choices(self, shop):
        self.fields["delivery_method"].choices = [
            (code, f"{label} ({shop.city})" if code == DeliveryMethod.COURIER else label)
            for code, label in DeliveryMethod.choices
        ]

    def service_fields(self) -> dict:
        """What order_place gets: an order without delivery has an empty address and method."""
        return {"address": "", "delivery_method": "", **self.cleaned_data}

    def clean_buyer_name(self):
        return " ".join(self.cleaned_data["buyer_name"].split())


class ShipmentForm(forms.Form):
    """«Создать отдельную отгрузку»: carrier, track number and, in the same step, the new status.

    The track rules live in orders/tracks.py, applied by ``shipment_add``; its errors come back
    to the field they are about.
    """

    carrier = forms.ChoiceField(label=_("Carrier"), choices=Carrier.choices)
    carrier_name = forms.CharField(label=_("Carrier's name"), max_length=100, required=False,
                                   help_text=_("For another carrier: Boxberry, DPD, Yandex Delivery…"))  # fmt: skip
    track_number = forms.CharField(
        label=_("Track number"), max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    new_status = forms.ChoiceField(label=_("Order status"), required=False)
    notify_buyer = forms.BooleanField(label=_("Tell the buyer: an e-mail with the clickable track"), required=False)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[OrderStatus(order.status)] - {OrderStatus.CANCELLED}
        self.fields["new_status"].choices = [
            ("", _("Keep «%(status)s»") % {"status": order.get_status_display()}),
            *((value, label) for value, label in OrderStatus.choices if value in allowed),
        ]
        if order.delivery_method in Carrier.values:
            self.initial.setdefault("carrier", order.delivery_method)
        if OrderStatus.SHIPPED in allowed:
            self.initial.setdefault("new_status", OrderStatus.SHIPPED)


# A buyer's photo: phones take big ones; below 300 px there is nothing to see.
REVIEW_PHOTO_SPEC = ImageSpec(min_width=300, min_height=300, max_width=1600, max_height=1600)


class ReviewForm(forms.Form):
    """Stars, words and up to five photos about one bought item (the item is in the URL).

    With ``review`` it is the form that changes that review: the photos it has may be removed,
    and the new ones must fit beside those kept. Every photo is checked before anything is saved.
    """

    rating = forms.TypedChoiceField(
        label=_("Your rating"), coerce=int, widget=forms.RadioSelect,
        choices=[(stars, "★" * stars + "☆" * (5 - stars) + f" {stars}") for stars in range(5, 0, -1)],
    )  # fmt: skip
    text = forms.CharField(
        label=_("Your review"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you liked and what not: other buyers will read it. No contacts or links."),
    )  # fmt: skip
    photos = MultipleFileField(
        label=_("Photos"), required=False, max_files=MAX_REVIEW_PHOTOS,
        widget=MultipleFileInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True}),
        help_text=_("Up to 5 photos: JPEG, PNG or WebP, up to 10 MB each."),
    )  # fmt: skip
    remove_photos = forms.TypedMultipleChoiceField(
        label=_("Remove photos"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.existing = list(review.photos.all()) if review is not None else []
        if review is None:
            del self.fields["remove_photos"]
        else:
            self.initial.setdefault("rating", review.rating)
            self.initial.setdefault("text", review.text)
            # The photo itself is the label: the template shows its thumbnail beside the box.
            self.fields["remove_photos"].choices = [(photo.pk, photo) for photo in self.existing]
            if not self.existing:
                del self.fields["remove_photos"]

    def clean_photos(self):
        uploads = self.cleaned_data["photos"]
        return clean_images(uploads, REVIEW_PHOTO_SPEC, single_label=gettext("The photo"))

    def clean(self):
        cleaned = super().clean()
        kept = len(self.existing) - len(cleaned.get("remove_photos") or [])
        if "photos" in cleaned and kept + len(cleaned["photos"]) > MAX_REVIEW_PHOTOS:
            self.add_error("photos", ngettext(
                "A review can have at most %(count)d photo.", "A review can have at most %(count)d photos.",
                MAX_REVIEW_PHOTOS) % {"count": MAX_REVIEW_PHOTOS})  # fmt: skip
        return cleaned

    def service_kwargs(self) -> dict:
        """What review_add (or, for a review, review_edit) takes from this form."""
        data = self.cleaned_data
        kwargs = {"rating": data["rating"], "text": data["text"]}
        if self.review is None:
            return {**kwargs, "photos": data["photos"]}
        return {**kwargs, "photos_add": data["photos"], "photos_remove": data.get("remove_photos") or []}


class ReviewAnswerForm(forms.Form):
    """The seller's public answer to a review."""

    text = forms.CharField(
        label=_("Your answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone sees it under the review. You can change it within 24 hours. No contacts or links."),
    )  # fmt: skip
