"""Forms of the seller cabinet's shop pages; they validate, services save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.images import ImageSpec, clean_image

from .models import AboutImage, Carrier, Collection, ContactMethod, PaymentSystem, Shop, Vacation

LOGO_SPEC = ImageSpec(min_width=200, min_height=200, square=True, max_width=200, max_height=200)
BANNER_SPEC = ImageSpec(min_width=1400, min_height=1, max_width=2400, max_height=1200)
PICTURE_SPEC = ImageSpec(min_width=400, min_height=300, max_width=1600, max_height=1600)
COVER_SPEC = ImageSpec(min_width=400, min_height=400, max_width=1200, max_height=1200)

IMAGE_ACCEPT = {"accept": "image/jpeg,image/png,image/webp"}

CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)


def slug_from_name(name: str) -> str:
    """«Мастерская Анны» → «masterskaya-anny»: a first suggestion for the shop's address."""
    out = []
    for ch in name.lower():
        if ch in CYRILLIC:
            out.append("" if CYRILLIC[ch] == "-" else CYRILLIC[ch])
        elif ch.isascii() and ch.isalnum():
            out.append(ch)
        else:
            out.append("-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return slug[:50].strip("-")


class ShopOpenForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = ["name", "slug", "city", "tagline"]
        help_texts = {
            "slug": _("Latin letters, digits and hyphens. Your storefront will be at /shops/<address>/. "
                      "Leave empty to make it from the name."),
            "tagline": _("One line under the shop's name, e.g. «Вигвамы и текстиль для детской»."),
        }  # fmt: skip
        error_messages = {"slug": {"unique": _("This address is taken. Choose another.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False

    def clean_slug(self):
        return self.cleaned_data["slug"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name") and "slug" not in self.errors:
            slug = slug_from_name(cleaned["name"])
            if len(slug) < 3:
                self.add_error("slug", _("Please choose the address yourself: the name gives too short a one."))
            elif Shop.objects.filter(slug=slug).exists():
                self.add_error("slug", _("The address «%(slug)s» is taken. Choose another.") % {"slug": slug})
            else:
                cleaned["slug"] = slug
        return cleaned


class ShopMainForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = ["name", "city", "tagline"]


class ShopAboutForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = ["about"]
        widgets = {"about": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "about": _("Tell buyers about yourself and your work: what you make, how long you have been at it. "
                       "Formatting: «## Heading», «- list item», «**bold**». Links and contacts are not allowed."),
        }  # fmt: skip


class AboutImageForm(forms.ModelForm):
    class Meta:
        model = AboutImage
        fields = ["image", "caption"]
        widgets = {"image": forms.ClearableFileInput(attrs=IMAGE_ACCEPT)}

    def clean_image(self):
        return clean_image(self.cleaned_data["image"], PICTURE_SPEC, label=_("Image"))


class ShopDeliveryForm(forms.ModelForm):
    payment_systems = forms.MultipleChoiceField(
        label=_("Payment systems you accept"),
        choices=PaymentSystem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    carriers = forms.MultipleChoiceField(
        label=_("How you send orders"), choices=Carrier.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Shop
        fields = ["payment_systems", "carriers", "delivery_info", "prepayment_terms", "made_to_order_terms"]
        widgets = {
            f: forms.Textarea(attrs={"rows": 4}) for f in ["delivery_info", "prepayment_terms", "made_to_order_terms"]
        }


class ShopRulesForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = [
            "confirmation_days", "rules_returns", "rules_payment", "rules_shipping",
            "rules_non_returnable", "rules_other", "rules_consent_required",
        ]  # fmt: skip
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in ["rules_returns", "rules_payment", "rules_shipping", "rules_non_returnable", "rules_other"]
        }
        help_texts = {
            "confirmation_days": _("If the buyer neither confirms nor pays within this many working days, "
                                   "you may cancel the order."),
            "rules_returns": _("Remember that your return and exchange terms may not contradict the law."),
        }  # fmt: skip


class ShopImagesForm(forms.Form):
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("A square image, at least 200×200 pixels. Shown on the storefront, products and order e-mails."),
        widget=forms.FileInput(attrs=IMAGE_ACCEPT),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    banner = forms.ImageField(
        label=_("Banner"),
        required=False,
        help_text=_("At least 1400 pixels wide. Shown across the top of the storefront."),
        widget=forms.FileInput(attrs=IMAGE_ACCEPT),
    )
    remove_banner = forms.BooleanField(label=_("Remove the banner"), required=False)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        return clean_image(logo, LOGO_SPEC, label=_("Logo")) if logo else None

    def clean_banner(self):
        banner = self.cleaned_data.get("banner")
        return clean_image(banner, BANNER_SPEC, label=_("Banner")) if banner else None


class ContactMethodsForm(forms.Form):
    contact_methods = forms.MultipleChoiceField(
        label=_("Contact methods buyers may choose"),
        choices=ContactMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two: a main one and a reserve one. Guests cannot use the chat on the site, "
                    "so they are offered the others."),
    )  # fmt: skip


class VacationForm(forms.ModelForm):
    class Meta:
        model = Vacation
        fields = ["message", "starts_on", "ends_on", "allow_cart"]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class CollectionForm(forms.ModelForm):
    remove_cover = forms.BooleanField(label=_("Remove the cover"), required=False)

    class Meta:
        model = Collection
        fields = ["name", "cover", "position"]
        widgets = {"cover": forms.FileInput(attrs=IMAGE_ACCEPT)}
        help_texts = {"cover": _("A photo of any product of the collection, at least 400×400 pixels.")}

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        # An unchanged cover comes back as the stored file, not a new upload.
        if cover and hasattr(cover, "content_type"):
            return clean_image(cover, COVER_SPEC, label=_("Cover"))
        return None
