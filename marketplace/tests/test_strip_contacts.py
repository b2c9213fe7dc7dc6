"""strip_contacts(): what the admin's «Удалить контакты» leaves of a seller's text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.text_rules import find_contacts, strip_contacts

from .text_rules_corpus import CONTACT_EVASIONS, SHOP_TALK


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Звоните +7 999 123-45-67, отвечу быстро.", "Звоните, отвечу быстро."),
        ("Пишите на anna@example.com, отвечу в течение дня.", "Пишите на, отвечу в течение дня."),
        ("Все работы — на сайте (https://anna-craft.ru).", "Все работы — на сайте."),
        ("[Мой каталог](https://anna-craft.ru/catalog)", "[Мой каталог]"),
        ("Почта: anna собака mail точка ru\nДоставка Почтой России.", "Почта:\nДоставка Почтой России."),
        (
            "Шарф связан вручную.\n\nСостав: 100% шерсть.  Телефон 8 916 123 45 67",
            "Шарф связан вручную.\n\nСостав: 100% шерсть. Телефон",
        ),
        ("Пишите в WhatsApp или в Telegram @anna_craft", "Пишите в или в"),
    ],
)
def test_contacts_are_cut_out_and_the_spacing_tidied(text, expected):
    assert strip_contacts(text) == expected


@pytest.mark.parametrize(("text", "_kind", "found"), CONTACT_EVASIONS)
def test_nothing_found_is_left_of_a_disguised_contact(text, _kind, found):
    cleaned = strip_contacts(text)
    assert find_contacts(cleaned) == []
    assert found not in cleaned


@pytest.mark.parametrize("text", SHOP_TALK)
def test_a_text_without_contacts_is_returned_as_it_is(text):
    assert strip_contacts(text) == text


def test_a_contact_made_by_joining_the_neighbours_goes_too():
    assert find_contacts(strip_contacts("Тел. 8 916 site.ru 123 45 67, спасибо")) == []


def test_empty_and_contact_only_texts():
    assert strip_contacts("") == ""
    assert strip_contacts("+7 916 123-45-67") == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="аб 8916@.ru-()+\nwhatsapp", max_size=60))
def test_the_result_never_holds_a_contact_it_could_find(text):
    assert find_contacts(strip_contacts(text)) == []


def test_without_contacts_not_even_the_spacing_changes():
    text = "  Шарф  ручной работы.  \r\nСостав: шерсть.  "
    assert strip_contacts(text) is text
