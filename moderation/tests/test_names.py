"""The carrier's recipient against the order's buyer: names and delivery places (issue 15)."""

import pytest

from moderation.names import names_match, places_match


@pytest.mark.parametrize(
    ("carrier_name", "buyer_name", "expected"),
    [
        # The same person, written as carriers write it.
        ("Мария Иванова", "Мария Иванова", True),
        ("ИВАНОВА МАРИЯ", "мария иванова", True),
        ("Иванова Мария", "Мария Иванова", True),
        ("Иванова Мария Петровна", "Мария Иванова", True),
        ("Иванова М.", "Мария Иванова", True),
        ("Иванова М. П.", "Мария Иванова", True),
        ("Иванова М.П.", "Мария Иванова", True),
        ("Иванова М П", "Мария Иванова", True),
        ("М. П. Иванова", "Мария Иванова", True),
        ("  Иванова   Мария.  ", "Мария Иванова", True),
        ("Иванова Мария Петровна", "Иванова М. П.", True),
        ("Мария Иванова", "Иванова Мария Петровна", True),
        ("Ёлкина Алёна", "Елкина Алена", True),
        ("Федорова Алена", "Фёдорова Алёна", True),
        ("Петрова-Водкина Анна", "Анна Петрова-Водкина", True),
        ("Петрова - Водкина А.", "Анна Петрова-Водкина", True),
        ("Водкина Анна", "Анна Петрова-Водкина", True),
        ("Мария И.", "Мария Иванова", True),
        # Another person, or too little to tell.
        ("Петрова Мария", "Мария Иванова", False),
        ("Иванова А.", "Мария Иванова", False),
        ("Иванова М. С.", "Иванова Мария Петровна", False),
        ("Иванова Мария Сергеевна", "Иванова Мария Петровна", False),
        ("Мария Петровна", "Мария Иванова", False),
        ("Иванова", "Мария Иванова", False),
        ("Мария", "Мария Иванова", False),
        ("М. И.", "Мария Иванова", False),
        ("Иван Иванов", "Мария Иванова", False),
        ("Петрова-Водкина Анна", "Анна Петрова", True),  # one part of a double surname, either side
        ("Петрова-Водкина Анна", "Анна Сидорова-Водкина", False),
        ("", "Мария Иванова", False),
        ("   ", "Мария Иванова", False),
        ("Мария Иванова", "", False),
    ],
)
def test_names_match(carrier_name, buyer_name, expected):
    assert names_match(carrier_name, buyer_name) is expected


ADDRESS = "620014, Екатеринбург, ул. Ленина, д. 5, кв. 12"


@pytest.mark.parametrize(
    ("location", "address", "expected"),
    [
        ("", ADDRESS, None),
        ("   ", ADDRESS, None),
        ("Екатеринбург 620014", ADDRESS, True),
        ("620014", ADDRESS, True),
        ("ОПС 620014", ADDRESS, True),
        ("Екатеринбург 620000", ADDRESS, False),  # both have an index: the index decides
        ("Москва 101000", ADDRESS, False),
        ("Екатеринбург", ADDRESS, True),
        ("г. Екатеринбург", ADDRESS, True),
        ("ЕКАТЕРИНБУРГ", ADDRESS, True),
        ("Москва", ADDRESS, False),
        ("Москва 101000", "Москва, ул. Тверская, 1", True),  # no index in the address: the city
        ("Казань 420000", "Москва, ул. Тверская, 1", False),
        ("Нижний Новгород", "603000, Нижний Новгород, ул. Минина, 3", True),
        ("Великий Новгород", "603000 Нижний Новгород", False),
        ("Санкт-Петербург 190000", "Санкт-Петербург, Невский пр., 1", True),
        ("Орёл", "302000, Орел, ул. Ленина, 1", True),
        ("ОПС 620014", "Екатеринбург, ул. Ленина, 1", None),  # nothing comparable: taken as not reported
        ("620014", "Екатеринбург, ул. Ленина, 1, 6200140", None),  # 7 digits are not an index
    ],
)
def test_places_match(location, address, expected):
    assert places_match(location, address) is expected
