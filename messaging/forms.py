"""Input of the messaging pages; the rules themselves are checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_ATTACHMENTS, MAX_TEXT, QuickReply


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service (type, size, count)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class MessageForm(forms.Form):
    # No max_length here: the service names the length in its error and keeps the text.
    text = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT, "data-message-text": ""}),
    )
    files = MultipleFileField(
        label=_("Photos or PDF"),
        required=False,
        help_text=_("Up to %(count)d files: JPEG, PNG, WebP photos or PDF, 10 MB each.") % {"count": MAX_ATTACHMENTS},
    )
    order = forms.TypedChoiceField(label=_("About the order"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orders = {order.pk: order for order in orders}
        if self.orders:
            self.fields["order"].choices = [("", _("No order"))] + [
                (order.pk, _("Order %(number)s") % {"number": order.number}) for order in orders
            ]
            self.fields["order"].widget.attrs["data-order-select"] = ""
        else:
            del self.fields["order"]

    def chosen_order(self):
        pk = self.cleaned_data.get("order")
        return self.orders.get(pk) if pk else None


class QuickReplyForm(forms.ModelForm):
    class Meta:
        model = QuickReply
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"text": _("«{номер}» is replaced by the order number when you insert the reply.")}


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
