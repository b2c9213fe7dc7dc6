"""Forms of the moderation app: the «Стать надежным продавцом» application, admin decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MESSAGE_MAX_LENGTH
from .services import REASON_MAX_LENGTH


class ReliableApplyForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the administration"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: anything the administration should know about your shop."),
    )


class ReasonForm(forms.Form):
    """An admin's refusal or withdrawal: the reason is required and e-mailed to the seller."""

    reason = forms.CharField(
        label=_("Reason (e-mailed to the seller)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )
