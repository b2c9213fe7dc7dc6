import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils.html import escape

from marketplace.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "new@example.com",
    "password1": "Sunny-meadow-77",
    "password2": "Sunny-meadow-77",
    "name": "Ольга Кузнецова",
    "phone": "8 (912) 345-67-89",
    "city": "Пермь",
}


def test_signup_stores_profile_and_logs_in_once_the_email_is_confirmed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.com")
    assert user.name == "Ольга Кузнецова"
    assert user.phone.as_e164 == "+79123456789"
    assert user.city == "Пермь"
    assert not EmailAddress.objects.get(user=user, email="new@example.com").verified
    assert "Ольга" not in client.get("/").content.decode()  # not logged in before confirming

    (mail,) = mailoutbox
    assert mail.to == ["new@example.com"]
    link = re.search(r"http://\S+(/accounts/confirm-email/\S+/)", mail.body).group(1)
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user, email="new@example.com").verified
    page = client.get("/").content.decode()
    assert "Ольга" in page  # the name stands in the header


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("phone", "12345", "Введите корректный номер телефона"),
        ("name", "   ", "Обязательное поле."),
        ("email", "not-an-email", "Введите правильный адрес электронной почты."),
        ("password2", "Other-password-1", "Вы должны ввести одинаковый пароль дважды."),
        ("name", "Я" * 151, "Убедитесь, что это значение содержит не более 150 символов"),
    ],
)
def test_bad_signup_input_gets_a_russian_error_and_keeps_what_was_typed(client, field, value, error):
    data = {**SIGNUP, field: value}
    response = client.post("/accounts/signup/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert error in page
    assert not User.objects.exists()
    if field != "name":
        assert 'value="Ольга Кузнецова"' in page
    assert 'value="Пермь"' in page


def _visible_page(response, email) -> str:
    """The page as a person sees it, without the per-session CSRF token and the address they typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return page.replace(escape(email), "<email>")


def test_signup_with_a_registered_email_in_any_case_looks_like_a_fresh_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="d'artagnan@example.com", name="Шарль")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post("/accounts/signup/", {**SIGNUP, "email": "D'Artagnan@Example.com"}, follow=True)
        fresh = Client().post("/accounts/signup/", {**SIGNUP, "email": "fresh@example.com"}, follow=True)

    assert taken.status_code == fresh.status_code == 200
    assert taken.redirect_chain == fresh.redirect_chain == [("/accounts/confirm-email/", 302)]
    assert _visible_page(taken, "d'artagnan@example.com") == _visible_page(fresh, "fresh@example.com")
    assert "Мы отправили вам письмо" in _visible_page(fresh, "fresh@example.com")
    assert list(User.objects.order_by("pk").values_list("email", flat=True)) == [owner.email, "fresh@example.com"]
    owner.refresh_from_db()
    assert owner.name == "Шарль"  # the sign-up changed nothing of the account

    # The owner of the address is told someone tried it, and how to get back in.
    (warning,) = [mail for mail in mailoutbox if mail.to == ["d'artagnan@example.com"]]
    assert warning.subject == "[Лавка] Учетная запись уже существует"
    assert "пытались зарегистрировать" in warning.body
    assert "d'artagnan@example.com" in warning.body  # plain text: the address as it is, not escaped
    assert "/accounts/password/reset/" in warning.body
    (confirmation,) = [mail for mail in mailoutbox if mail.to == ["fresh@example.com"]]
    assert "/accounts/confirm-email/" in confirmation.body


def test_login_by_email_and_logout(client):
    user = UserFactory(email="anna@example.com", name="Анна Смирнова")
    response = client.post("/accounts/login/", {"login": "ANNA@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert "Анна" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    page = client.get("/").content.decode()
    assert "Анна" not in page
    assert "Войти" in page
    assert user.pk


def test_wrong_password_is_a_clear_error(client):
    UserFactory(email="anna@example.com")
    response = client.post("/accounts/login/", {"login": "anna@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "Указанные вами адрес электронной почты и/или пароль неверны." in response.content.decode()


def test_profile_page_edits_name_phone_city(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/accounts/profile/", {"name": "Новое Имя", "phone": "+7 900 111-22-33", "city": "Тверь"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.phone.as_e164, user.city) == ("Новое Имя", "+79001112233", "Тверь")
    assert "Профиль сохранён" in client.get("/accounts/profile/").content.decode()


def test_profile_bad_phone_keeps_input_and_saves_nothing(client):
    user = UserFactory(name="Старое Имя")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"name": "Новое Имя", "phone": "abc", "city": "Тверь"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Введите корректный номер телефона" in page
    assert 'value="Новое Имя"' in page
    user.refresh_from_db()
    assert user.name == "Старое Имя"


def test_profile_needs_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_russian_by_default_even_for_an_english_browser(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ru">' in page
    assert "Каталог" in page


def test_language_switch_shows_english(client):
    response = client.get("/i18n/en/?next=/rules/")
    assert response.status_code == 302
    assert response["Location"] == "/rules/"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Catalog" in page
    client.get("/i18n/ru/?next=/")
    assert "Каталог" in client.get("/").content.decode()


@pytest.mark.parametrize("url", ["/", "/rules/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_public_pages_answer_in_russian(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Правила сайта" in response.content.decode()  # the footer, i.e. the site layout


def test_account_pages_for_a_logged_in_user(client):
    client.force_login(UserFactory())
    for url in ["/accounts/email/", "/accounts/password/change/", "/accounts/profile/"]:
        assert client.get(url).status_code == 200, url


def test_language_switch_refuses_other_sites_and_unknown_languages(client):
    response = client.get("/i18n/en/?next=https://evil.example.com/")
    assert response["Location"] == "/"
    assert client.get("/i18n/xx/").status_code == 404
