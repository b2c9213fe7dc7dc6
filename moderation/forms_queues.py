"""Forms of the moderation queues: flagging a product's photo (anyone, seed 001 reason 3)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImageClaimKind
from .services.images import REPORT_TEXT_MAX


class ImageReportForm(forms.Form):
    """«Пожаловаться на фото»: which photo, what is wrong, and an e-mail to answer a visitor at."""

    # The page shows each choice as the photo's thumbnail, numbered as on the product page.
    image = forms.ModelChoiceField(label=_("Which photo"), queryset=None, empty_label=None, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("What is wrong"), choices=ImageClaimKind.choices, widget=forms.RadioSelect)
    is_rights_holder = forms.BooleanField(label=_("I hold the rights to this picture"), required=False)
    email = forms.EmailField(label=_("Your e-mail"), max_length=254,
                             help_text=_("The administration tells you there what it decided."))  # fmt: skip
    text = forms.CharField(
        label=_("Details"), required=False, max_length=REPORT_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For a borrowed picture: where the original is published."),
    )  # fmt: skip

    def __init__(self, *args, product, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].queryset = product.images.all()
        if user.is_authenticated:
            del self.fields["email"]  # answered at the account's address
