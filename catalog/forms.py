"""Forms of the seller cabinet's product pages; they validate input, services save it."""

import os
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.forms import ModelMultipleChoiceField
from marketplace.images import ImageSpec, check_upload_size, clean_images
from marketplace.text_rules import validate_no_contacts
from shops.models import Collection

from . import attachments, digital
from .models import (
    Attachment,
    Availability,
    Category,
    GlobalOption,
    OptionChoice,
    OptionGroup,
    OptionKind,
    Product,
    TierKind,
    WholesaleTier,
)
from .selectors import category_choices
from .services import MAX_IMAGES, MAX_TIERS, PRODUCT_FIELDS
from .sold_files import MAX_PREVIEWS

# Seed 001 recommends 1000 px and up; below 500 px a photo is too poor to show, so it is refused.
PHOTO_SPEC = ImageSpec(min_width=500, min_height=500, max_width=2000, max_height=2000)
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"
# Photos checked in one request: enough to fill a product (MAX_IMAGES) at once, and a bound on
# the work — each is decoded in turn, a worst case (25 MP PNG) costs ~0.6 s and ~100 MB.
PHOTOS_PER_UPLOAD = 10

ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "txt", "doc", "docx", "xls", "xlsx", "zip"]

MAX_VARIANTS = 20
VARIANT_ROWS = 6


class MoneyField(forms.DecimalField):
    """Rubles as people type them: «1 990,50», «1990.5» or «1990 ₽» all mean the same amount."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            for junk in ("\u00a0", "\u202f", " ", "₽"):
                value = value.replace(junk, "")
            value = value.replace(",", ".").replace("−", "-")
        return super().to_python(value)

    def prepare_value(self, value):
        # A stored 1990.00 is shown as «1990»: that is what the seller typed.
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return str(value.quantize(Decimal(1)))
        return value


class ProductForm(forms.ModelForm):
    """«Основное»: everything a seller sets on the product itself, plus its collections."""

    collections = ModelMultipleChoiceField(
        label=_("Collections"),
        queryset=Collection.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The sections of your storefront the product appears in."),
    )

    class Meta:
        model = Product
        fields = [
            "is_digital", "title", "category", "description", "price", "discount_percent", "free_shipping",
            "availability", "stock", "production_days", "activation", "download_limit", "is_enabled",
        ]  # fmt: skip
        field_classes = {"price": MoneyField}
        widgets = {
            "title": forms.TextInput(attrs={"maxlength": 120}),
            "description": forms.Textarea(attrs={"rows": 10}),
            "availability": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "discount_percent": forms.NumberInput(attrs={"min": 0, "max": 99}),
            "stock": forms.NumberInput(attrs={"min": 0}),
            "production_days": forms.NumberInput(attrs={"min": 1, "max": 365}),
            "activation": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "download_limit": forms.NumberInput(attrs={"min": 1, "max": 1000}),
        }
        help_texts = {
            "category": _("A product has one category. Choose the one that fits it best."),
            "description": _(
                "Say in a couple of words what makes the product good, then give its sizes, colours, materials "
                "and care. Split the text into paragraphs. Links and contacts are not allowed."
            ),
            "discount_percent": _(
                "Buyers see the new price with a red discount label, and the original price struck through."
            ),
            "free_shipping": _("The product gets the «Free shipping» label."),
            "is_digital": _(
                "Files instead of a parcel: postcards, posters, colouring pages, patterns. After «Create» the "
                "product gets a «Sold files» tab. Stock, delivery and wholesale discounts do not apply; it may be free."
            ),
            "activation": _(
                "Immediately: a buyer downloads the files right after ordering (a free product — without an order). "
                "Manually: after you mark the order «Paid»."
            ),
            "download_limit": _("How many times one buyer may download each file. Leave empty for no limit."),
            "is_enabled": _(
                "A disabled product cannot be seen on the storefront or bought, not even by a direct link."
            ),
        }

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        # Only leaves of the tree can hold products: a parent with children is an <optgroup>.
        category.queryset = Category.objects.filter(children__isnull=True)
        category.choices = [("", _("Choose a category")), *category_choices()]
        self.fields["activation"].required = False  # a physical product has none; clean() asks a digital one
        if self.instance.pk:
            # Chosen when the product is created (seed 001: tick «Цифровой товар», then «Создать»).
            del self.fields["is_digital"]
        price = self.fields["price"]
        # The model has the same limits; here they read «1», not «1.00», in the error message. Only a
        # digital product may be free.
        minimum = Decimal("0") if self.is_digital else Decimal("1")
        price.validators += [MinValueValidator(minimum), MaxValueValidator(Decimal("9999999"))]
        self.fields["collections"].queryset = shop.collections.all()
        if self.instance.pk:
            self.initial.setdefault(
                "collections", list(self.instance.collection_items.values_list("collection_id", flat=True))
            )

    @property
    def is_digital_field(self):
        """The «Цифровой товар» tick, on the create page only."""
        return self["is_digital"] if "is_digital" in self.fields else None

    @property
    def is_digital(self) -> bool:
        if "is_digital" in self.fields:
            return bool(self.data.get("is_digital")) if self.is_bound else bool(self.initial.get("is_digital"))
        return self.instance.is_digital

    def clean(self):
        cleaned = super().clean()
        if self.is_digital:
            return self._clean_digital(cleaned)
        availability = cleaned.get("availability")
        # The same rules as the services, but pinned to the field the seller has to fill in.
        if availability == Availability.IN_STOCK and cleaned.get("stock") is None and "stock" not in self.errors:
            self.add_error("stock", _("Say how many pieces are in stock."))
        if (
            availability == Availability.MADE_TO_ORDER
            and not cleaned.get("production_days")
            and "production_days" not in self.errors
        ):
            self.add_error("production_days", _("Say how many days it takes to make the product."))
        return cleaned

    def _clean_digital(self, cleaned):
        """Stock, production time, delivery: not a digital product's; their fields are not even shown."""
        for name in ("availability", "stock", "production_days", "free_shipping"):
            self.errors.pop(name, None)
        cleaned.update(availability=Availability.NOT_TRACKED, stock=None, production_days=None, free_shipping=False)
        if not cleaned.get("activation") and "activation" not in self.errors:
            self.add_error("activation", _("Choose when buyers get the files."))
        return cleaned

    def product_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in PRODUCT_FIELDS if name in self.cleaned_data}
        if "is_digital" not in self.fields:
            fields.pop("is_digital", None)
        return fields

    def collection_ids(self) -> list[int]:
        return [collection.pk for collection in self.cleaned_data["collections"]]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>, at most ``max_files``; cleans to a list."""

    widget = MultipleFileInput

    def __init__(self, *, max_files: int, **kwargs):
        self.max_files = max_files
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, (list, tuple)) else [data]) if upload]
        if not uploads and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > self.max_files:
            raise ValidationError(
                ngettext(
                    "You can upload at most %(count)d file at once.",
                    "You can upload at most %(count)d files at once.",
                    self.max_files,
                )
                % {"count": self.max_files},
                code="too_many_files",
            )
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class ProductImagesForm(forms.Form):
    """«Фото»: one or several photos at once; all of them are checked before any is saved."""

    images = MultipleFileField(
        label=_("Image"),
        max_files=PHOTOS_PER_UPLOAD,
        widget=MultipleFileInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True}),
        help_text=_(
            "JPEG, PNG or WebP, up to 10 MB each, at least 500×500 pixels; 1000 pixels wide or more looks best. "
            "You can choose several files at once."
        ),
    )

    def __init__(self, *args, product, **kwargs):
        """``product`` is None on the create page: photos come with the new product, and may be left out."""
        super().__init__(*args, **kwargs)
        self.product = product
        if product is None:
            images = self.fields["images"]
            images.required = False
            images.label = _("Photos")
            images.help_text = _(
                "The first one is the cover. JPEG, PNG or WebP, up to 10 MB each, at least 500×500 pixels; "
                "1000 pixels wide or more looks best. You can add more and change their order on the «Photos» tab."
            )

    def clean_images(self):
        uploads = self.cleaned_data["images"]
        existing = self.product.images.count() if self.product is not None else 0
        if existing + len(uploads) > MAX_IMAGES:
            raise ValidationError(_("A product can have at most %(count)d images.") % {"count": MAX_IMAGES})
        return clean_images(uploads, PHOTO_SPEC, single_label=_("Image"))


class _RadioIsRequired:
    """Seed 001: with radio buttons the buyer «обязан выбрать один из вариантов», whatever the box says."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == OptionKind.RADIO:
            cleaned["is_required"] = True
        return cleaned


OPTION_HELP_TEXTS = {
    "name": _("For example «Colour», «Size», «Material» or «Gift wrapping»."),
    "is_required": _("Radio buttons are always required: the buyer must choose one of them."),
}


class OptionGroupForm(_RadioIsRequired, forms.ModelForm):
    """An option such as «Цвет»: its name and how the buyer picks a variant."""

    class Meta:
        model = OptionGroup
        fields = ["name", "kind", "is_required"]
        widgets = {"kind": forms.RadioSelect(attrs={"class": "form-check-input"})}
        help_texts = OPTION_HELP_TEXTS


class GlobalOptionForm(_RadioIsRequired, forms.ModelForm):
    """«Опции» of the cabinet: a global option (its variants are a variant_formset)."""

    class Meta:
        model = GlobalOption
        fields = ["name", "kind", "is_required"]
        widgets = {"kind": forms.RadioSelect(attrs={"class": "form-check-input"})}
        help_texts = OPTION_HELP_TEXTS


class AddGlobalOptionForm(forms.Form):
    """«Добавить глобальную опцию»: one of the shop's global options the product does not have yet."""

    option = forms.ModelChoiceField(label=_("Global option"), queryset=GlobalOption.objects.none(),
                                    empty_label=_("Choose a global option"))  # fmt: skip

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = product.shop.global_options.exclude(product_groups__product=product)


def _label_inputs(form) -> None:
    # Rows of a table show their labels once, in the header; each input still needs its own.
    for field in form.fields.values():
        if field.label and not field.widget.is_hidden:
            field.widget.attrs.setdefault("aria-label", field.label)


class VariantForm(forms.Form):
    """One row of an option: a variant and how much it adds to (or takes from) the price.

    ``id`` is the variant's own: an edited row keeps its id, which carts and orders hold."""

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    name = forms.CharField(
        label=OptionChoice._meta.get_field("name").verbose_name,
        max_length=60,
        required=False,
        validators=[validate_no_contacts],
    )
    price_delta = MoneyField(
        label=OptionChoice._meta.get_field("price_delta").verbose_name,
        max_digits=12,
        decimal_places=2,
        required=False,
        validators=[MinValueValidator(Decimal("-9999999")), MaxValueValidator(Decimal("9999999"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label_inputs(self)

    def clean(self):
        cleaned = super().clean()
        cleaned["name"] = " ".join((cleaned.get("name") or "").split())
        if not cleaned["name"] and cleaned.get("price_delta") and "price_delta" not in self.errors:
            self.add_error("name", _("Name this variant, or clear its price difference."))
        return cleaned

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("name")


class RowsFormSet(forms.BaseFormSet):
    """A table of rows where blank rows are ignored; a service error lands above the table."""

    def add_error(self, field, error):
        """Lets marketplace.forms.call_service() report a service's error as on a form."""
        if field is not None:
            raise ValueError("A formset only takes errors for the whole table.")
        self._non_form_errors = self.error_class(
            [*self.non_form_errors(), str(error)], error_class="nonform", renderer=self.renderer
        )

    def filled_forms(self) -> list:
        return [form for form in self.forms if form.cleaned_data and not form.is_blank()]


def variant_formset(data=None, *, choices=()):
    """Rows for an option's variants: its current ones, then blank rows to add more."""
    initial = [{"id": choice.pk, "name": choice.name, "price_delta": choice.price_delta} for choice in choices]
    formset_class = forms.formset_factory(
        VariantForm, formset=RowsFormSet, extra=max(2, VARIANT_ROWS - len(initial)), max_num=MAX_VARIANTS,
        absolute_max=MAX_VARIANTS, validate_max=True,
    )  # fmt: skip
    return formset_class(data, initial=initial, prefix="variants")


def variants_from(formset) -> list[tuple[int | None, str, Decimal]]:
    return [
        (form.cleaned_data.get("id"), form.cleaned_data["name"], form.cleaned_data.get("price_delta") or Decimal("0"))
        for form in formset.filled_forms()
    ]


class TierForm(forms.Form):
    """One «Оптовые скидки» row: from this many pieces, a % off or the price of that many pieces."""

    min_quantity = forms.IntegerField(
        label=WholesaleTier._meta.get_field("min_quantity").verbose_name,
        required=False,
        min_value=1,
        max_value=100_000,
        widget=forms.NumberInput(attrs={"min": 2}),
    )
    kind = forms.ChoiceField(label=WholesaleTier._meta.get_field("kind").verbose_name, choices=TierKind.choices)
    value = MoneyField(
        label=WholesaleTier._meta.get_field("value").verbose_name, max_digits=12, decimal_places=2, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _label_inputs(self)

    def clean(self):
        cleaned = super().clean()
        quantity, value = cleaned.get("min_quantity"), cleaned.get("value")
        if quantity is None and value is not None and "min_quantity" not in self.errors:
            self.add_error("min_quantity", _("Say from how many pieces this tier applies, or clear the row."))
        if value is None and quantity is not None and "value" not in self.errors:
            self.add_error("value", _("Give the discount or the price for that many pieces, or clear the row."))
        return cleaned

    def is_blank(self) -> bool:
        return self.cleaned_data.get("min_quantity") is None and self.cleaned_data.get("value") is None


def tier_formset(data=None, *, tiers=()):
    """Up to MAX_TIERS rows: the current tiers, then blank ones."""
    initial = [{"min_quantity": t.min_quantity, "kind": t.kind, "value": t.value} for t in tiers]
    formset_class = forms.formset_factory(
        TierForm, formset=RowsFormSet, extra=max(0, MAX_TIERS - len(initial)), max_num=MAX_TIERS,
        absolute_max=MAX_TIERS, validate_max=True,
    )  # fmt: skip
    return formset_class(data, initial=initial, prefix="tiers")


def tiers_from(formset) -> list[tuple[int, str, Decimal]]:
    return [
        (form.cleaned_data["min_quantity"], form.cleaned_data["kind"], form.cleaned_data["value"])
        for form in formset.filled_forms()
    ]


def _attachment_help() -> str:
    return gettext("Up to 10 MB. Allowed types: %(extensions)s.") % {"extensions": ", ".join(ATTACHMENT_EXTENSIONS)}


class AttachmentForm(forms.ModelForm):
    """«Файлы»: an instruction, a size chart… for buyers to download from the product page."""

    class Meta:
        model = Attachment
        fields = ["file", "title"]
        widgets = {"file": forms.FileInput(attrs={"accept": ",".join(f".{ext}" for ext in ATTACHMENT_EXTENSIONS)})}
        help_texts = {
            "file": lazy(_attachment_help, str)(),
            "title": _("What buyers see, e.g. «Care instructions». Leave empty to use the file's name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["file"].validators.append(FileExtensionValidator(ATTACHMENT_EXTENSIONS))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload, label=upload.name)
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if not cleaned.get("title") and upload and "title" not in self.errors:
            cleaned["title"] = os.path.splitext(os.path.basename(upload.name))[0][:100] or upload.name[:100]
        return cleaned


RESELLER_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class ResellerDocumentForm(forms.Form):
    """«Официальный реселлер»: the document an admin checks before giving the label (seed 001)."""

    document = forms.FileField(
        label=_("Reseller document"),
        validators=[FileExtensionValidator(RESELLER_EXTENSIONS)],
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("A certificate or contract from the brand confirming you are its official reseller. "
                    "PDF, JPG or PNG, up to 10 MB. Buyers never see it."),
    )  # fmt: skip

    def clean_document(self):
        upload = self.cleaned_data["document"]
        check_upload_size(upload, label=upload.name)
        return upload


# Preview pages of a digital product: shown on its page, so the same bounds as photos but any shape.
PREVIEW_SPEC = ImageSpec(min_width=300, min_height=300, max_width=4000, max_height=4000)


class SoldFileForm(forms.Form):
    """«Продаваемые файлы» → «Добавить файл»: one file the buyer downloads as it is."""

    title = forms.CharField(label=_("Name buyers see"), max_length=100, required=False,
                            validators=[validate_no_contacts],
                            help_text=_("Leave empty to use the file's name."))  # fmt: skip
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        digital.clean_file_name(upload.name)
        digital.check_sold_file(upload)
        return upload


# Files of a folder sent at once; more go in one zip (DATA_UPLOAD_MAX_NUMBER_FILES refuses far more outright).
FOLDER_FILES_PER_UPLOAD = 10


class SoldFolderForm(forms.Form):
    """«Добавить папку»: several files (or one zip) the buyer downloads together as one zip."""

    title = forms.CharField(label=_("Folder name"), max_length=100, validators=[validate_no_contacts])
    files = MultipleFileField(
        label=_("Files of the folder"), max_files=FOLDER_FILES_PER_UPLOAD,
        widget=MultipleFileInput(attrs={"multiple": True}),
        help_text=_("Choose up to 10 files at once, or one zip archive with the whole folder (for more files)."),
    )  # fmt: skip

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) == 1 and attachments.extension_of(uploads[0].name) == "zip":  # as sold_folder_add decides
            digital.check_sold_file(uploads[0])
        else:
            digital.check_folder(uploads)
        return uploads


class PreviewImagesForm(forms.Form):
    """«Файлы для предпросмотра»: pages or spreads buyers see on the product page before buying."""

    images = MultipleFileField(
        label=_("Preview images"), max_files=PHOTOS_PER_UPLOAD,
        widget=MultipleFileInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True}),
        help_text=_("JPEG, PNG or WebP, at least 300×300 pixels. Show enough to judge, not the whole file: "
                    "a corner, a spread, a reduced copy."),
    )  # fmt: skip

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product

    def clean_images(self):
        uploads = self.cleaned_data["images"]
        if self.product.previews.count() + len(uploads) > MAX_PREVIEWS:
            raise ValidationError(_("A product can have at most %(count)d previews.") % {"count": MAX_PREVIEWS})
        return clean_images(uploads, PREVIEW_SPEC, single_label=_("Preview image"))
