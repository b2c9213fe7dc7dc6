"""Forms of the core app: the profile fields asked at sign-up and on the profile page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField


class ProfileFields(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("Shown to shops you buy from."))
    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        region="RU",
        widget=forms.TextInput(attrs={"placeholder": "+7 900 123-45-67", "autocomplete": "tel"}),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())


class SignupProfileForm(ProfileFields):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    def signup(self, request, user):
        from .services import user_update_profile

        user_update_profile(user=user, **{f: self.cleaned_data[f] for f in ("name", "phone", "city")})


def call_service(form, service, /, **kwargs):
    """Run a service for a valid form; a DomainError becomes the form's error (beside the field
    it names, if the form has it), None returned.

    Views stay thin: ``if form.is_valid() and call_service(form, shop_update, shop=shop, ...)``.
    """
    from .exceptions import DomainError

    try:
        result = service(**kwargs)
    except DomainError as error:
        # A formset has no fields of its own: its errors are the whole set's.
        field = error.field if error.field in getattr(form, "fields", {}) else None
        form.add_error(field, str(error))
        return None
    return True if result is None else result


def _beyond_64_bits(value) -> bool:
    try:
        return not -(2**63) <= int(str(value).strip()) < 2**63
    except ValueError:
        return False


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but an id beyond the database's 64-bit integers is refused like any unknown choice:
    SQLite raises OverflowError on such a number in the IN lookup Django makes (a 500)."""

    def clean(self, value):
        for item in value if isinstance(value, (list, tuple)) else ():
            if _beyond_64_bits(item):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": item})  # fmt: skip
        return super().clean(value)


def parse_ids(values) -> list[int]:
    """Database ids from request data: junk and out-of-range numbers are dropped, not errors."""
    found = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number < 2**63:  # anything else cannot match a row and must not overflow
            found.append(number)
    return found
