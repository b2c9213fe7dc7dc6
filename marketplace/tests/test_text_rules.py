"""Contacts, links and forbidden phrases in seller and buyer texts (marketplace.text_rules)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import override

from marketplace.text_rules import (
    Finding,
    Kind,
    describe,
    find_contacts,
    find_forbidden_phrases,
    find_violations,
    validate_message_text,
    validate_no_contacts,
)

from .text_rules_corpus import CONTACT_EVASIONS, OFFSITE_DEALS, SHOP_TALK


def found(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in findings]


def assert_positions(text: str, findings: list[Finding]) -> None:
    for f in findings:
        assert text[f.start : f.end] == f.text


# --- What is a contact ----------------------------------------------------------------------------

PHONES = [
    ("Звоните: +7 (999) 123-45-67", "+7 (999) 123-45-67"),
    ("Мой номер 8 999 123 45 67, спросить Ольгу", "8 999 123 45 67"),
    ("тел.89991234567", "89991234567"),
    ("Пишите на +79991234567 в любое время", "+79991234567"),
    ("Бесплатная линия 8-800-555-35-35", "8-800-555-35-35"),
    ("Для покупателей из Беларуси: +375 29 123-45-67", "+375 29 123-45-67"),
    ("Номер без восьмёрки 999-123-45-67", "999-123-45-67"),
    ("Городской (495) 123-45-67, с 10 до 19", "(495) 123-45-67"),
    ("8(912)345-67-89 Марина", "8(912)345-67-89"),
    ("звони 8.999.123.45.67", "8.999.123.45.67"),
    ("Связь: 8 9 9 9 1 2 3 4 5 6 7", "8 9 9 9 1 2 3 4 5 6 7"),
    ("Калининград 8 (4012) 12-34-56", "8 (4012) 12-34-56"),
    ("+7 999 1234567 — отвечу быстро", "+7 999 1234567"),
    ("Размер 42-44, мой номер 8 999 123-45-67", "8 999 123-45-67"),
    ("Телефон\u00a0+7\u00a0999\u00a0123\u201145\u201167", "+7\u00a0999\u00a0123\u201145\u201167"),
]


@pytest.mark.parametrize(("text", "phone"), PHONES)
def test_phone_number_is_found(text, phone):
    findings = find_contacts(text)
    assert found(findings) == [(Kind.PHONE, phone)]
    assert_positions(text, findings)


EMAILS = [
    ("Пишите на ivan.petrov@yandex.ru!", "ivan.petrov@yandex.ru"),
    ("почта: SHOP-2024@Mail.Ru", "SHOP-2024@Mail.Ru"),
    ("info@магазин.рф — для оптовиков", "info@магазин.рф"),
    ("Почта name [at] mail.ru", "name [at] mail.ru"),
    ("name(at)mail(dot)ru", "name(at)mail(dot)ru"),
    ("пишите name собака mail точка ru", "name собака mail точка ru"),
    ("адрес name @ mail . ru", "name @ mail . ru"),
    ("ivan собака yandex точка ру", "ivan собака yandex точка ру"),
]


@pytest.mark.parametrize(("text", "email"), EMAILS)
def test_email_address_is_found(text, email):
    findings = find_contacts(text)
    assert found(findings) == [(Kind.EMAIL, email)]
    assert_positions(text, findings)


URLS = [
    ("Больше фото на http://lavka-shop.ru/catalog?id=5.", "http://lavka-shop.ru/catalog?id=5"),
    ("Отзывы: https://example.com/reviews (их много)", "https://example.com/reviews"),
    ("(см. www.site.ru)", "www.site.ru"),
    ("Заходите на site.ru, там дешевле", "site.ru"),
    ("Наш магазин shop.рф", "shop.рф"),
    ("Подробнее на мойсайт.рф", "мойсайт.рф"),
    ("Канал t.me/lavka_handmade", "t.me/lavka_handmade"),
    ("Группа vk.com/id123", "vk.com/id123"),
    ("Примеры работ instagram.com/masterica", "instagram.com/masterica"),
    ("Быстрее ответ тут: wa.me/79991234567", "wa.me/79991234567"),
    ("Этот же товар есть на Ozon.ru", "Ozon.ru"),
    ("Смотрите avito.ru/moskva/tovary", "avito.ru/moskva/tovary"),
    ("Сайт: lavka.online", "lavka.online"),
    ("Наш сайт Masterica.Ru", "Masterica.Ru"),
    ("site точка ру", "site точка ру"),
    ("Мой сайт site dot ru", "site dot ru"),
    ("masterica(.)ru", "masterica(.)ru"),
]


@pytest.mark.parametrize(("text", "url"), URLS)
def test_link_is_found(text, url):
    findings = find_contacts(text)
    assert found(findings) == [(Kind.URL, url)]
    assert_positions(text, findings)


HANDLES = [
    ("Мой ник @username", "@username"),
    ("Ищите @user_name123, там все модели", "@user_name123"),
    ("Профиль @masterica.handmade.", "@masterica.handmade"),
]


@pytest.mark.parametrize(("text", "handle"), HANDLES)
def test_account_name_is_found(text, handle):
    assert found(find_contacts(text)) == [(Kind.HANDLE, handle)]


MESSENGERS = [
    ("Есть WhatsApp?", "WhatsApp"),
    ("скину в whats app", "whats app"),
    ("Отвечаю в ватсап", "ватсап"),
    ("Есть ватсапп?", "ватсапп"),
    ("Вотсап этот же", "Вотсап"),
    ("Пришлю фото в вацапе", "вацапе"),
    ("В ватсапе быстрее", "ватсапе"),
    ("Уотсап, вечером", "Уотсап"),
    ("Пишите в WA", "WA"),
    ("Есть Viber", "Viber"),
    ("Отвечу в вайбере", "вайбере"),
    ("Telegram тот же", "Telegram"),
    ("Есть телеграмм", "телеграмм"),
    ("В телеграме больше фото", "телеграме"),
    ("Кидайте в телегу", "телегу"),
    ("ответил в тг", "тг"),
    ("Мы ВКонтакте", "ВКонтакте"),
    ("Ищите нас в контакте", "в контакте"),
    ("Отзывы в вк", "вк"),
    ("Больше работ в инсте", "инсте"),
    ("Подпишитесь на Инстаграм", "Инстаграм"),
    ("Мой Instagram", "Instagram"),
    ("Страница в фейсбуке", "фейсбуке"),
    ("Найдите меня в Одноклассниках", "Одноклассниках"),
    ("Обзор на ютубе", "ютубе"),
    ("Видео в тиктоке", "тиктоке"),
    ("Звоните в скайп", "скайп"),
    ("Пишите в мессенджер Max", "мессенджер Max"),
]


@pytest.mark.parametrize(("text", "mention"), MESSENGERS)
def test_messenger_or_social_network_is_found(text, mention):
    findings = find_contacts(text)
    assert found(findings) == [(Kind.MESSENGER, mention)]
    assert_positions(text, findings)


# --- What is not a contact ------------------------------------------------------------------------

CLEAN_TEXTS = [
    "Цена 1990 руб",
    "Цена 12 500 ₽",
    "Цена 1 990 ₽, скидка 10%",
    "Цены от 1 500 до 3 000 рублей",
    "Готовые наборы: 8 500 000 руб. за партию",
    "Годовой оборот 12 500 000 000",
    "Изготовлено 12.05.2024",
    "Поступление 2024-05-12",
    "Акция с 8.03.2024 - 10.03.2024",
    "Размер картины 30x40 см",
    "Размеры: 20x30x15 см, вес 1.5 кг",
    "Коробка 100-200-300 мм",
    "Размер 42-44",
    "Размеры в наличии: 40 42 44 46 48 50",
    "Сшито в 2023 году",
    "Годы выпуска 2019 2020 2021",
    "арт. 12345",
    "Артикул: 9991234567",
    "Заказ №12345",
    "Номер заказа №8999123456",
    "ИНН 771234567890",
    "Оплата картой 4276 8800 1234 5678 не нужна, платите на сайте",
    "Отправка в течение 3-5 дней",
    "Стирка при 30°",
    "Работаем с 9.00 до 18.00, обед 13:00-14:00",
    "ГОСТ 31410-2009",
    "Доставка СДЭК и Почтой России",
    "Отправляем Boxberry, DPD и Яндекс Доставкой",
    "т.е. подходит для детей, т.д. и т.п.",
    "Диаметр 3.5 см",
    "Самовывоз: г. Москва, ул. Ленина, д. 5",
    "Подарок для Mr.Smith",
    "Схема в файле размеры.pdf, фото photo.jpg",
    "Отличное качество.Top продавец",
    "Спасибо за покупку.Live long and prosper",
    "Вкусный чай с мятой",
    "Инструкция и инструмент в комплекте",
    "Установка не требуется",
    "Телега садовая деревянная",
    "Подарок однокласснику и для одноклассников",
    "Нежная ткань, приятна в контакте с кожей",
    "Открытка-телеграмма на юбилей",
    "Цена 1000 тг",
    "Стикеры для Max, размер MAX",
    "Смартфон iPhone 15 Pro Max, Samsung Galaxy S23",
    "Хлопок 100%, производство Россия",
    "Скидка @ 10%",
]


@pytest.mark.parametrize("text", CLEAN_TEXTS)
def test_ordinary_product_text_has_no_contacts(text):
    assert find_contacts(text) == []


def test_price_with_spaces_is_not_a_phone():
    assert find_contacts("Было 12 990 ₽, стало 9 990 ₽") == []


def test_date_is_not_a_phone():
    assert find_contacts("Отправим 12.05.2024 или 13.05.2024") == []


def test_long_product_description_without_contacts_is_clean():
    description = (
        "Сумка из натуральной кожи ручной работы. Размеры: 30x20x10 см, вес 0.8 кг. "
        "Цена 4 500 ₽, при заказе от 2 штук скидка 10%. Изготовление 3-5 дней, отправка СДЭК, "
        "Почтой России или Boxberry. Уход: протирать влажной тканью, хранить в пыльнике. "
    ) * 25
    assert len(description) > 5000
    assert find_contacts(description) == []


def test_contacts_are_found_in_a_long_description():
    description = ("Кожаный ремень, ширина 4 см, длина 120 см. " * 100) + "Звоните 8 999 123-45-67."
    assert found(find_contacts(description)) == [(Kind.PHONE, "8 999 123-45-67")]


# --- Ambiguous words: the decisions ---------------------------------------------------------------


def test_tg_alone_is_not_a_messenger_but_after_a_preposition_it_is():
    assert find_contacts("Доставка в Казахстан 5000 тг") == []
    assert found(find_contacts("Пиши в тг")) == [(Kind.MESSENGER, "тг")]
    assert found(find_contacts("мой tg")) == [(Kind.MESSENGER, "tg")]


def test_telega_alone_is_a_cart_but_after_a_preposition_it_is_telegram():
    assert find_contacts("Есть телега на колёсах") == []
    assert found(find_contacts("Скину фото по телеге")) == [(Kind.MESSENGER, "телеге")]


def test_vkontakte_is_reported_once():
    assert found(find_contacts("Группа ВКонтакте")) == [(Kind.MESSENGER, "ВКонтакте")]


def test_lowercase_wa_is_not_whatsapp():
    assert find_contacts("Kawaii wa style") == []


def test_classmates_are_not_a_social_network_unless_after_a_preposition():
    assert find_contacts("Одноклассники будут рады подарку") == []
    assert found(find_contacts("Зайдите в одноклассники")) == [(Kind.MESSENGER, "одноклассники")]


# --- Overlaps -------------------------------------------------------------------------------------


def test_messenger_name_inside_a_link_is_one_link():
    assert found(find_contacts("vk.com/x")) == [(Kind.URL, "vk.com/x")]


def test_at_sign_inside_an_email_is_not_an_account_name():
    assert found(find_contacts("ivan@mail.ru")) == [(Kind.EMAIL, "ivan@mail.ru")]


def test_domain_of_an_email_is_not_a_separate_link():
    assert found(find_contacts("name [at] mail.ru")) == [(Kind.EMAIL, "name [at] mail.ru")]


def test_phone_inside_a_whatsapp_link_is_one_link():
    assert found(find_contacts("wa.me/79991234567")) == [(Kind.URL, "wa.me/79991234567")]


def test_several_contacts_are_sorted_by_position():
    text = "Пишите в Telegram @masterica или звоните +7 999 123-45-67, сайт masterica.ru"
    findings = find_contacts(text)
    assert found(findings) == [
        (Kind.MESSENGER, "Telegram"),
        (Kind.HANDLE, "@masterica"),
        (Kind.PHONE, "+7 999 123-45-67"),
        (Kind.URL, "masterica.ru"),
    ]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert_positions(text, findings)


def test_positions_refer_to_the_original_text():
    text = "ИНСТАГРАМ и Ёлка: SHOP@MAIL.RU"
    findings = find_contacts(text)
    assert found(findings) == [(Kind.MESSENGER, "ИНСТАГРАМ"), (Kind.EMAIL, "SHOP@MAIL.RU")]
    assert_positions(text, findings)


@pytest.mark.parametrize("text", [None, ""])
def test_empty_text_has_no_findings(text):
    assert find_contacts(text) == []
    assert find_forbidden_phrases(text) == []
    assert find_violations(text) == []


# --- Forbidden phrases in messages ----------------------------------------------------------------

FORBIDDEN = [
    ("Оплатите дополнительно за доставку", "Оплатите дополнительно за"),
    ("Доплатите за упаковку 200 ₽", "Доплатите за"),
    ("Вам нужно доплатить 300 рублей", "нужно доплатить"),
    ("Придётся оплатить дополнительно", "Придётся оплатить дополнительно"),
    ("Купите ещё этот товар, и будет скидка", "Купите ещё этот товар"),
    ("Купите еще один для пары", "Купите еще один"),
    ("Купите также чехол", "Купите также"),
    ("Напишите в личку, обсудим", "Напишите в личку"),
]


@pytest.mark.parametrize(("text", "phrase"), FORBIDDEN)
def test_forbidden_phrase_is_found(text, phrase):
    findings = find_forbidden_phrases(text)
    assert found(findings) == [(Kind.FORBIDDEN_PHRASE, phrase)]
    assert_positions(text, findings)


OFFSITE_INVITATIONS = [
    ("Напишите мне в ватсап", "Напишите мне в ватсап", "ватсап"),
    ("Пишите в телеграм, там быстрее", "Пишите в телеграм", "телеграм"),
    ("Свяжитесь со мной в WhatsApp", "Свяжитесь со мной в WhatsApp", "WhatsApp"),
    ("Давайте перейдём в Телеграм", "перейдём в Телеграм", "Телеграм"),
    ("Давайте в вайбер", "Давайте в вайбер", "вайбер"),
    ("Напиши в тг", "Напиши в тг", "тг"),
]


@pytest.mark.parametrize(("text", "phrase", "messenger"), OFFSITE_INVITATIONS)
def test_invitation_to_a_messenger_is_a_forbidden_phrase_and_a_messenger_mention(text, phrase, messenger):
    findings = find_violations(text)
    assert (Kind.FORBIDDEN_PHRASE, phrase) in found(findings)
    assert (Kind.MESSENGER, messenger) in found(findings)
    assert len(findings) == 2
    assert_positions(text, findings)


ALLOWED_MESSAGES = [
    "Оплатите заказ в течение часа, пожалуйста",
    "Вам не нужно доплатить ни рубля",
    "Купите сейчас, пока действует скидка",
    "Напишите в чат, если будут вопросы",
    "Позвоните в службу поддержки маркетплейса",
    "Я в контакте с курьером, он приедет завтра",
    "Спасибо за заказ! Отправлю завтра СДЭКом",
]


@pytest.mark.parametrize("text", ALLOWED_MESSAGES)
def test_ordinary_message_is_allowed(text):
    assert find_violations(text) == []


def test_violations_are_contacts_and_phrases_sorted_by_position():
    text = "Доплатите за доставку и пишите на site.ru"
    assert found(find_violations(text)) == [(Kind.FORBIDDEN_PHRASE, "Доплатите за"), (Kind.URL, "site.ru")]


# --- Evasions and ordinary shop talk (text_rules_corpus.py) ---------------------------------------


@pytest.mark.parametrize(("text", "kind", "contact"), CONTACT_EVASIONS)
def test_disguised_contact_is_found(text, kind, contact):
    findings = find_contacts(text)
    assert found(findings) == [(kind, contact)]
    assert_positions(text, findings)


@pytest.mark.parametrize(("text", "phrase"), OFFSITE_DEALS)
def test_offer_to_deal_off_the_site_is_a_forbidden_phrase(text, phrase):
    findings = find_forbidden_phrases(text)
    assert found(findings) == [(Kind.FORBIDDEN_PHRASE, phrase)]
    assert_positions(text, findings)


@pytest.mark.parametrize("text", SHOP_TALK)
def test_ordinary_shop_talk_has_no_violations(text):
    assert find_violations(text) == []


def test_corpus_is_not_shrinking():
    assert len(CONTACT_EVASIONS) >= 40
    assert len(OFFSITE_DEALS) >= 40
    assert len(SHOP_TALK) >= 40


def test_phone_in_words_inside_a_long_ordinary_message():
    phone = "восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь"
    text = "Цена 1 990 ₽. " * 200 + f"Звоните: {phone}."
    assert found(find_contacts(text)) == [(Kind.PHONE, phone)]


def test_a_4000_character_ordinary_message_is_clean():
    text = " ".join(SHOP_TALK)
    text = (text + " ") * (4000 // len(text) + 1)
    assert find_violations(text[:4000].rsplit(" ", 1)[0]) == []


def test_russian_post_track_with_a_wrong_check_digit_may_still_be_a_phone():
    # 8 912 345 67 89 and a tail that does not make a valid 14-digit track: the phone is reported.
    assert found(find_contacts("8 912 345 67 89 123")) == [(Kind.PHONE, "8 912 345 67 89")]


def test_invitation_to_a_messenger_with_look_alike_letters_is_reported_as_both():
    findings = find_violations("Пишите в тeлeгpaм")
    assert found(findings) == [(Kind.FORBIDDEN_PHRASE, "Пишите в тeлeгpaм"), (Kind.MESSENGER, "тeлeгpaм")]


@pytest.mark.parametrize(
    "text",
    [
        "8 " * 3000,
        "8-" * 3000,
        "9" * 4000,
        "8🔥" * 2000,
        "8а" * 2000,
        "1l" * 2000,
        "восемь " * 600,
        "сто " * 1000,
        "плюс " * 800,
        "+7 " * 1300,
        "a." * 2000,
        "a . " * 1000,
        "a точка " * 500,
        "аa" * 2000,
        "vк " * 1300,
        "у меня есть " * 300,
        "скиньте мне " * 350,
        "не " * 1300,
        "(" * 4000,
        "." * 4000,
        "a@" * 2000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_pathological_input_is_checked_without_catastrophic_backtracking(text):
    # No timing assertion (the suite has no timed tests): the patterns avoid nested quantifiers and
    # these inputs take milliseconds; a regression here would hang the test, not fail it.
    find_violations(text)


# --- Messages for the user ------------------------------------------------------------------------


def test_label_is_a_translatable_english_name():
    with override("en"):
        assert str(Finding(Kind.PHONE, "89991234567", 0, 11).label) == "phone number"
        assert str(Finding(Kind.HANDLE, "@x", 0, 2).label) == "account name"


def test_describe_lists_contacts():
    findings = find_contacts("+7 999 123-45-67 или site.ru")
    with override("en"):
        assert describe(findings) == (
            "Contacts and links are not allowed here. Found: phone number «+7 999 123-45-67», link «site.ru»."
        )


def test_describe_forbidden_phrase():
    with override("en"):
        assert describe(find_forbidden_phrases("Оплатите дополнительно за доставку")) == (
            "This phrase is not allowed in messages to buyers: «Оплатите дополнительно за»."
        )


def test_describe_contacts_and_phrases_in_two_sentences():
    with override("en"):
        assert describe(find_violations("Напишите мне в WhatsApp")) == (
            "Contacts and links are not allowed here. Found: messenger or social network «WhatsApp». "
            "This phrase is not allowed in messages to buyers: «Напишите мне в WhatsApp»."
        )


def test_describe_lists_at_most_five_findings():
    text = "vk, инста, фб, ютуб, скайп, тикток, вайбер"
    with override("en"):
        message = describe(find_contacts(text))
    assert message == (
        "Contacts and links are not allowed here. Found: messenger or social network «vk», "
        "messenger or social network «инста», messenger or social network «фб», "
        "messenger or social network «ютуб», messenger or social network «скайп» and 2 more."
    )


def test_describe_names_a_repeated_contact_once():
    with override("en"):
        assert describe(find_contacts("site.ru и ещё раз site.ru")) == (
            "Contacts and links are not allowed here. Found: link «site.ru»."
        )


def test_describe_names_what_was_found_in_russian():
    phone = "восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь"
    with override("ru"):
        message = describe(find_contacts(f"{phone}, vk.соm/x"))
    assert f"номер телефона «{phone}»" in message
    assert "ссылка «vk.соm/x»" in message


def test_describe_nothing_is_empty():
    assert describe([]) == ""


# --- Validators -----------------------------------------------------------------------------------


def test_validate_no_contacts_rejects_a_phone():
    with override("en"), pytest.raises(ValidationError) as error:
        validate_no_contacts("Звоните 8 999 123-45-67")
    assert error.value.code == "contacts"
    assert error.value.messages == ["Contacts and links are not allowed here. Found: phone number «8 999 123-45-67»."]


@pytest.mark.parametrize("text", ["Сумка 30x20 см, цена 4 500 ₽", "Купите ещё один", "", None])
def test_validate_no_contacts_passes_clean_text(text):
    validate_no_contacts(text)


def test_validate_message_text_rejects_a_forbidden_phrase():
    with pytest.raises(ValidationError) as error:
        validate_message_text("Купите ещё один, будет дешевле")
    assert error.value.code == "forbidden"


def test_validate_message_text_passes_an_ordinary_message():
    validate_message_text("Здравствуйте! Заказ отправлю завтра, трек будет в заказе.")


def test_validator_works_in_a_form_field():
    class DescriptionForm(forms.Form):
        description = forms.CharField(validators=[validate_no_contacts])

    assert DescriptionForm({"description": "Шарф из шерсти, 180x30 см"}).is_valid()
    form = DescriptionForm({"description": "Шарф, подробнее на vk.com/sharf"})
    assert not form.is_valid()
    assert form.errors.as_data()["description"][0].code == "contacts"
