"""Template filters for stored phone numbers: {{ order.phone|phone }} → «+7 926 555-01-01»."""

import phonenumbers
from django import template
from django.conf import settings

register = template.Library()


def _parse(value):
    try:
        number = phonenumbers.parse(str(value or ""), settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


@register.filter
def phone(value):
    """The number as people write it; anything unparsable is shown as it was stored."""
    number = _parse(value)
    if number is None:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@register.filter
def tel_href(value):
    """A tel: link to the number (E.164, which every phone dials), or "" when it isn't one."""
    number = _parse(value)
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
