"""Track numbers: what each carrier's numbers look like, their check digits, and public tracking pages."""

import re
from urllib.parse import quote

from django.utils.translation import gettext as _

from .exceptions import ShipmentError

# Sellers type track numbers from paper labels: spaces, dashes and Cyrillic look-alikes of
# Latin letters ("RА…RU" with a Cyrillic А) are common and harmless.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")
_SEPARATORS = re.compile(r"[\s\-_.]+")
FIELD = "track_number"  # the input a track error is shown beside

RUSSIAN_POST_DOMESTIC = re.compile(r"^\d{14}$")
S10 = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
CDEK_NUMBER = re.compile(r"^\d{7,12}$")
OTHER_NUMBER = re.compile(r"^[A-Z0-9]{4,40}$")

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def normalize(raw: str) -> str:
    return _SEPARATORS.sub("", (raw or "").upper()).translate(_LOOKALIKES)


def russian_post_check_digit(first13: str) -> int:
    """The 14th digit of a domestic Russian Post number: digits in odd places count three times."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(first13))
    return (10 - total % 10) % 10


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of the 8-digit serial (weights 8 6 4 2 3 5 9 7, modulo 11)."""
    digit = 11 - sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(digit, digit)


def validate(carrier: str, raw: str) -> str:
    """The normalized track number, or ShipmentError naming the format the carrier uses."""
    number = normalize(raw)
    if not number:
        raise ShipmentError(_("Enter the track number."), field=FIELD)
    if carrier == "russian_post":
        return _validate_russian_post(number)
    if carrier == "cdek":
        if RUSSIAN_POST_DOMESTIC.match(number) or S10.match(number):
            raise ShipmentError(_("«%(number)s» looks like a Russian Post number: choose Russian Post as the carrier.")
                                % {"number": number}, field=FIELD)  # fmt: skip
        if not CDEK_NUMBER.match(number):
            raise ShipmentError(
                _("A CDEK order number is 7 to 12 digits (usually 10, e.g. 1106207236); «%(number)s» is not.")
                % {"number": raw.strip()[:40]},
                field=FIELD,
            )
        return number
    if not OTHER_NUMBER.match(number):
        raise ShipmentError(_("A track number is 4 to 40 Latin letters and digits."), field=FIELD)
    return number


def _validate_russian_post(number: str) -> str:
    formats = _("Russian Post numbers are 14 digits (e.g. 62001411001235) or international: "
                "2 letters, 9 digits and 2 letters of the country (e.g. RA123456785RU).")  # fmt: skip
    if RUSSIAN_POST_DOMESTIC.match(number):
        if int(number[13]) != russian_post_check_digit(number[:13]):
            raise ShipmentError(_("The last digit of «%(number)s» does not match the others: check the number "
                                  "on the receipt for a typo.") % {"number": number}, field=FIELD)  # fmt: skip
        return number
    match = S10.match(number)
    if match:
        if int(match.group(3)) != s10_check_digit(match.group(2)):
            message = _("The check digit of «%(number)s» (the last digit before the country letters) does not "
                        "match: check the number for a typo.") % {"number": number}  # fmt: skip
            raise ShipmentError(message, field=FIELD)
        return number
    raise ShipmentError(formats, field=FIELD)


def public_tracking_url(carrier: str, number: str) -> str:
    """The carrier's own tracking page for the number ("" for carriers we don't know)."""
    if carrier == "russian_post":
        return f"https://www.pochta.ru/tracking?barcode={quote(number)}"
    if carrier == "cdek":
        return f"https://www.cdek.ru/ru/tracking?order_id={quote(number)}"
    return ""
