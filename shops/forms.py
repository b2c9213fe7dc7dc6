"""Forms of the seller cabinet's shop pages; they validate, services save."""

import io

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

from marketplace.images import ImageSpec, clean_image

from .models import AboutImage, Carrier, Collection, ContactMethod, PaymentSystem, Shop, Vacation

LOGO_SPEC = ImageSpec(min_width=200, min_height=200, square=True, max_width=200, max_height=200)
# A logo of any shape is taken (then cut to a square): only its shorter side must reach 200 px.
LOGO_SOURCE_SPEC = ImageSpec(min_width=200, min_height=200)
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
        labels = {"slug": _("Storefront address (Latin letters)")}
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


class ProfileSectionForm(forms.ModelForm):
    """A section of «Профиль магазина»; the view saves shop_changes() with shops.services.shop_update()."""

    def shop_changes(self) -> dict:
        return self.cleaned_data


class ShopMainForm(ProfileSectionForm):
    class Meta:
        model = Shop
        fields = ["name", "city", "tagline"]


class ShopAboutForm(forms.ModelForm):
    # «Предпросмотр» renders at most what may be saved (Shop.about's max_length).
    MAX_PREVIEW = 10_000

    class Meta:
        model = Shop
        fields = ["about"]
        widgets = {"about": forms.Textarea(attrs={"rows": 14})}


class AboutImageForm(forms.ModelForm):
    class Meta:
        model = AboutImage
        fields = ["image", "caption"]
        widgets = {"image": forms.ClearableFileInput(attrs=IMAGE_ACCEPT)}

    def clean_image(self):
        return clean_image(self.cleaned_data["image"], PICTURE_SPEC, label=_("Image"))


class ShopDeliveryForm(ProfileSectionForm):
    payment_systems = forms.MultipleChoiceField(
        label=_("Payment systems you accept"),
        choices=PaymentSystem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    carriers = forms.MultipleChoiceField(
        label=_("How you send orders"), choices=Carrier.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    # Payment terms are asked once, here, in Shop.prepayment_terms. Two more fields said the same:
    # Shop.made_to_order_terms (this section) and Shop.rules_payment («Правила магазина»); they are
    # no longer shown, and their text moves into this one when the section is saved.
    MERGED = ("made_to_order_terms", "rules_payment")

    class Meta:
        model = Shop
        fields = ["payment_systems", "carriers", "delivery_info", "prepayment_terms"]
        widgets = {
            "delivery_info": forms.Textarea(attrs={"rows": 4}),
            "prepayment_terms": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"prepayment_terms": _("Payment and prepayment terms")}
        help_texts = {
            "prepayment_terms": _("How and when buyers pay and how much prepayment you ask: for ready items and "
                                  "for made-to-order ones."),
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        shop = self.instance
        parts = [shop.prepayment_terms.strip()]
        for name in self.MERGED:
            text = getattr(shop, name).strip()
            if text and text not in parts[0]:
                parts.append(text)
        # Written before the fields became one: shown here, so nothing the seller wrote is lost.
        self.initial["prepayment_terms"] = "\n\n".join(part for part in parts if part)

    def shop_changes(self) -> dict:
        """What shop_update() saves: the form's fields, and the merged fields emptied."""
        return {**self.cleaned_data, **dict.fromkeys(self.MERGED, "")}


class ShopRulesForm(ProfileSectionForm):
    class Meta:
        model = Shop
        # Payment terms are asked once, in «Доставка и оплата» (ShopDeliveryForm.MERGED).
        fields = [
            "confirmation_days", "rules_returns", "rules_shipping",
            "rules_non_returnable", "rules_other", "rules_consent_required",
        ]  # fmt: skip
        widgets = {
            f: forms.Textarea(attrs={"rows": 3})
            for f in ["rules_returns", "rules_shipping", "rules_non_returnable", "rules_other"]
        }
        help_texts = {
            "confirmation_days": _("If the buyer neither confirms nor pays within this many working days, "
                                   "you may cancel the order."),
            "rules_returns": _("Remember that your return and exchange terms may not contradict the law."),
        }  # fmt: skip


class LogoCrop:
    """Which square of a logo that is not square is kept: fractions of the spare width and height
    left out before the square (0 keeps the top or left edge, 1 the bottom or right one)."""

    START, CENTER, END = "start", "center", "end"
    CHOICES = [
        (START, _("the top or the left edge")),
        (CENTER, _("the middle")),
        (END, _("the bottom or the right edge")),
    ]
    OFFSETS = {START: 0.0, CENTER: 0.5, END: 1.0}


def crop_to_square(image, *, keep: str, label: str):
    """The square of a checked image (``clean_image``'s output) that ``keep`` names, as a logo.

    The square goes through ``clean_image`` again, so it is stored like any other logo.
    """
    image.seek(0)
    with Image.open(image) as picture:
        image_format = picture.format
        width, height = picture.size
        side = min(width, height)
        offset = LogoCrop.OFFSETS.get(keep, LogoCrop.OFFSETS[LogoCrop.CENTER])
        left, top = round((width - side) * offset), round((height - side) * offset)
        square = picture.crop((left, top, left + side, top + side))
        square = square.resize((LOGO_SPEC.max_width, LOGO_SPEC.max_width), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # Nearly lossless here: clean_image encodes it once more, as it does every image.
        square.save(buffer, image_format, **({"quality": 95} if image_format in ("JPEG", "WEBP") else {}))
    upload = SimpleUploadedFile(image.name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")
    return clean_image(upload, LOGO_SPEC, label=label)


class ShopImagesForm(forms.Form):
    logo = forms.ImageField(
        label=_("Logo"),
        required=False,
        help_text=_("A square image, at least 200×200 pixels; a picture of another shape is cut to a square. "
                    "Shown on the storefront, products and order e-mails."),
        widget=forms.FileInput(attrs=IMAGE_ACCEPT),
    )  # fmt: skip
    logo_crop = forms.ChoiceField(
        label=_("If the logo is not square, keep"),
        choices=LogoCrop.CHOICES,
        initial=LogoCrop.CENTER,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    banner = forms.ImageField(
        label=_("Banner"),
        required=False,
        help_text=_("At least 1400 pixels wide. Shown across the top of the storefront."),
        widget=forms.FileInput(attrs=IMAGE_ACCEPT),
    )
    remove_banner = forms.BooleanField(label=_("Remove the banner"), required=False)

    # Set by clean() when the uploaded logo was not square and had to be cut: the page says so.
    logo_cropped_from: tuple[int, int] | None = None

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        return clean_image(logo, LOGO_SOURCE_SPEC, label=_("Logo")) if logo else None

    def clean_banner(self):
        banner = self.cleaned_data.get("banner")
        return clean_image(banner, BANNER_SPEC, label=_("Banner")) if banner else None

    def clean(self):
        cleaned = super().clean()
        logo = cleaned.get("logo")
        if logo:
            logo.seek(0)
            with Image.open(logo) as picture:
                size = picture.size
            keep = cleaned.get("logo_crop") or LogoCrop.CENTER
            cleaned["logo"] = crop_to_square(logo, keep=keep, label=_("Logo"))
            # «A pixel or two either way still counts as square» (marketplace.images): not worth a word.
            if abs(size[0] - size[1]) > max(2, min(size) // 100):
                self.logo_cropped_from = size
        return cleaned

    def images(self) -> dict:
        """What shop_set_images() takes."""
        return {name: self.cleaned_data[name] for name in ("logo", "banner", "remove_logo", "remove_banner")}


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
