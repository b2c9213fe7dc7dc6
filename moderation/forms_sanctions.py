"""Forms of sanctions and «Написать нам»: the public contact form, the admin's imposition and answer."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from marketplace.forms import parse_ids
from marketplace.text_rules import validate_no_links

from .models import Sanction, SanctionKind
from .services.appeals import NAME_MAX_LENGTH, RESOLUTION_MAX_LENGTH, TEXT_MAX_LENGTH


class SanctionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, sanction):
        label = f"{sanction.get_kind_display()} · {sanction.get_reason_display()}"
        if sanction.product_id:
            label += f" · «{sanction.product.title}»"
        return f"{label} ({formats.date_format(sanction.created_at, 'd.m.Y')})"


class ContactForm(forms.Form):
    """«Написать нам»: a seller with an active sanction names it; anyone else just writes."""

    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX_LENGTH, validators=[validate_no_links])
    email = forms.EmailField(label=_("E-mail for our answer"))
    sanction = SanctionChoiceField(
        label=_("Which sanction is it about?"), queryset=Sanction.objects.none(), required=False,
        empty_label=_("— not about a sanction —"),
        help_text=_("Choose the sanction and tell us how you fixed its cause."),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Message"), max_length=TEXT_MAX_LENGTH, validators=[validate_no_links],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("No links, please: describe what you did in words."),
    )  # fmt: skip

    def __init__(self, *args, sanctions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sanctions is None or not sanctions.exists():
            del self.fields["sanction"]
        else:
            self.fields["sanction"].queryset = sanctions


class AnswerForm(forms.Form):
    """An admin's answer to a message (the field is ``reason`` so the shared reason page renders it)."""

    reason = forms.CharField(
        label=_("Answer (e-mailed to the writer)"), max_length=RESOLUTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )  # fmt: skip


class SanctionImposeForm(forms.ModelForm):
    """The admin's «add sanction» form; saving goes through sanction_impose (the admin's save_model).

    The product list holds the chosen shop's products only: pick the shop (or open the form from the
    shop's page), and on «hide a product» without a product the form comes back with that list filled.
    """

    class Meta:
        model = Sanction
        fields = ["shop", "kind", "reason", "product", "details", "evidence"]
        widgets = {"details": forms.Textarea(attrs={"rows": 4, "cols": 80}),
                   "evidence": forms.Textarea(attrs={"rows": 6, "cols": 80})}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "product" not in self.fields:  # a recorded sanction's page: everything is read-only
            return
        # The shop as posted, or as the link to the form gave it (?shop=<id>).
        chosen = self.data.get("shop") if self.is_bound else self.initial.get("shop")
        shop_id = next(iter(parse_ids([getattr(chosen, "pk", chosen)])), None)
        if self.is_bound and shop_id is None and self.data.get("shop"):
            # The admin's autocomplete widget looks the posted shop up by id to show the form again, and
            # a value that is no id («1e3», «abc») made that lookup fail (a 500): it counts as no shop.
            self.data = self.data.copy()
            self.data["shop"] = ""
        products = Product.objects.filter(shop_id=shop_id) if shop_id else Product.objects.none()
        self.fields["product"] = forms.ModelChoiceField(
            label=_("Product"), queryset=products.order_by("title", "pk"), required=False,
            help_text=_("Only for hiding one product: the list holds the chosen shop's products."),
        )  # fmt: skip

    def clean(self):
        data = super().clean()
        shop, product = data.get("shop"), data.get("product")
        if product is not None and shop is not None and product.shop_id != shop.pk:
            self.add_error("product", _("Choose one of this shop's products."))
        elif data.get("kind") == SanctionKind.HIDE_PRODUCT and product is None and shop is not None:
            self.add_error("product", _("Choose one of this shop's products to hide."))
        return data
