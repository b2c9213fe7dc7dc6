"""Forms of complaints: the buyer's complaint with photos, the seller's answer, the admin's decisions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.forms import IMAGE_ACCEPT, MultipleFileField, MultipleFileInput
from marketplace.images import ImageSpec, clean_images

from .models import ComplaintKind
from .services.complaints import ANSWER_MAX, DECISION_MAX, MAX_PHOTOS, NEGATIVE_RATINGS, TEXT_MAX

# Evidence photos: a phone's picture of the goods, kept large enough to see a defect.
COMPLAINT_PHOTO_SPEC = ImageSpec(min_width=200, min_height=200, max_width=2000, max_height=2000)


class ComplaintForm(forms.Form):
    """What is wrong, in words, and up to five photos; the choices of ``kind`` depend on the subject."""

    kind = forms.ChoiceField(label=_("What is wrong"), widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    text = forms.CharField(
        label=_("Describe what happened"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Dates, what was agreed, what you received: the administration checks the facts."),
    )  # fmt: skip
    photos = MultipleFileField(
        label=_("Photos"), required=False, max_files=MAX_PHOTOS,
        widget=MultipleFileInput(attrs={"accept": IMAGE_ACCEPT, "multiple": True}),
        help_text=_("Up to 5 photos: JPEG, PNG or WebP, up to 10 MB each."),
    )  # fmt: skip

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in map(ComplaintKind, kinds)]
        if len(kinds) == 1:
            self.initial.setdefault("kind", kinds[0])

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(gettext("Describe what happened."), code="required")
        return text

    def clean_photos(self):
        uploads = self.cleaned_data["photos"]
        return clean_images(uploads, COMPLAINT_PHOTO_SPEC, single_label=gettext("The photo"))


class ComplaintAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The administration reads it before deciding. You can answer once."),
    )  # fmt: skip


class ComplaintConfirmForm(forms.Form):
    """The admin's confirmation: the decision (e-mailed to both sides, and the review's text for
    quality and service) and the review's stars."""

    decision = forms.CharField(
        label=_("Decision (e-mailed to the seller and the buyer; the text of the negative review)"),
        max_length=DECISION_MAX, widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )  # fmt: skip
    rating = forms.TypedChoiceField(
        label=_("Stars of the administration's review"), coerce=int, initial=1,
        choices=[(stars, "★" * stars) for stars in NEGATIVE_RATINGS],
    )  # fmt: skip


class ComplaintRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (e-mailed to the seller and the buyer)"),
        max_length=DECISION_MAX, widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )  # fmt: skip


class FakeOrderForm(forms.Form):
    details = forms.CharField(
        label=_("What happened (the seller reads it with the warning)"),
        max_length=DECISION_MAX, widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )  # fmt: skip

