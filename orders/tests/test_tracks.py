import pytest

from orders import tracks
from orders.exceptions import ShipmentError


@pytest.mark.parametrize(
    ("carrier", "typed", "stored"),
    [
        ("russian_post", "62001411001235", "62001411001235"),
        ("russian_post", "620014 11 00123 5", "62001411001235"),
        ("russian_post", "RA123456785RU", "RA123456785RU"),
        ("russian_post", "ra 1234 5678 5 ru", "RA123456785RU"),
        ("russian_post", "RА123456785RU", "RA123456785RU"),  # Cyrillic А typed by mistake
        ("russian_post", "EE644000120RU", "EE644000120RU"),
        ("russian_post", "CP105789319CN", "CP105789319CN"),
        ("cdek", "1106207236", "1106207236"),
        ("cdek", "11-0620-7236", "1106207236"),
        ("other", "bb-1234567", "BB1234567"),
    ],
)
def test_valid_numbers_are_stored_in_one_form(carrier, typed, stored):
    assert tracks.validate(carrier, typed) == stored


def test_check_digits_match_known_numbers():
    assert tracks.russian_post_check_digit("6200141100123") == 5
    assert tracks.s10_check_digit("12345678") == 5
    assert tracks.s10_check_digit("64400012") == 0  # 11 - 11 → 0 by the S10 rule
    assert tracks.s10_check_digit("10578931") == 9


@pytest.mark.parametrize(
    ("carrier", "typed", "message"),
    [
        ("russian_post", "62001411001236", "не сходится с остальными"),
        ("russian_post", "RA123456789RU", "Контрольная цифра"),
        ("russian_post", "6200141100123", "14 цифр"),
        ("russian_post", "RA12345678RU", "RA123456785RU"),
        ("russian_post", "трек", "14 цифр"),
        ("russian_post", "   ", "Введите трек-номер"),
        ("cdek", "RA123456785RU", "похож на номер Почты России"),
        ("cdek", "62001411001235", "похож на номер Почты России"),
        ("cdek", "12345", "от 7 до 12 цифр"),
        ("cdek", "ABC1234567", "от 7 до 12 цифр"),
        ("other", "<script>", "латинских букв и цифр"),
    ],
)
def test_a_wrong_number_names_the_expected_format(carrier, typed, message):
    with pytest.raises(ShipmentError, match=message):
        tracks.validate(carrier, typed)


def test_public_pages_of_the_carriers():
    assert tracks.public_tracking_url("russian_post", "RA123456785RU") == (
        "https://www.pochta.ru/tracking?barcode=RA123456785RU"
    )
    assert tracks.public_tracking_url("cdek", "1106207236") == "https://www.cdek.ru/ru/tracking?order_id=1106207236"
    assert tracks.public_tracking_url("other", "BB1234567") == ""
