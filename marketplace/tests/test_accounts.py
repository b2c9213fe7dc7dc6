import pytest
from allauth.account.models import EmailAddress

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


def test_signup_stores_profile_and_logs_in(client):
    response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.name == "Ольга Кузнецова"
    assert user.phone.as_e164 == "+79123456789"
    assert user.city == "Пермь"
    page = client.get("/").content.decode()
    assert "Ольга" in page  # the name stands in the header
    assert EmailAddress.objects.filter(user=user, email="new@example.com").exists()


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


def test_duplicate_email_is_refused(client):
    UserFactory(email="new@example.com")
    response = client.post("/accounts/signup/", SIGNUP)
    assert "Пользователь с таким адресом электронной почты уже зарегистрирован" in response.content.decode()
    assert User.objects.count() == 1


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
