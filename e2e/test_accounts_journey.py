"""A visitor signs up, confirms the e-mail, logs out and logs in again, in Russian, as a person would."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.models import User

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_confirm_email_log_out_log_in_sees_name_in_header(live_server, page, mailoutbox):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Зарегистрироваться").click()

    page.get_by_label("Адрес электронной почты").fill("olga@example.com")
    page.get_by_label("Имя").fill("Ольга Кузнецова")
    page.get_by_label("Телефон").fill("+7 912 345-67-89")
    page.get_by_label("Город").fill("Пермь")
    page.get_by_label("Пароль", exact=True).fill("Sunny-meadow-77")
    page.get_by_label("Пароль (ещё раз)").fill("Sunny-meadow-77")
    page.get_by_role("button", name="Зарегистрируйтесь").click()

    # Sign-up answers the same whether or not the address has an account: confirm it by e-mail.
    expect(page.get_by_role("heading", name="Подтвердите Ваш адрес электронной почты")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    (mail,) = mailoutbox
    page.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.body).group(0))
    page.get_by_role("button", name="Подтвердить").click()

    menu = page.get_by_test_id("user-menu")
    expect(menu).to_contain_text("Ольга")
    assert User.objects.get(email="olga@example.com").city == "Пермь"

    menu.click()
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    expect(page.get_by_role("link", name="Войти")).to_be_visible()

    page.get_by_role("link", name="Войти").click()
    page.get_by_label("Адрес электронной почты").fill("olga@example.com")
    page.get_by_label("Пароль").fill("wrong-password")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_text("Указанные вами адрес электронной почты и/или пароль неверны.")).to_be_visible()

    page.get_by_label("Пароль").fill("Sunny-meadow-77")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text("Ольга")


@pytest.mark.parametrize(("size_name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_home_page_screenshots(live_server, page, screenshot, size_name, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # Nothing may stick out sideways on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    path = screenshot(page, f"home-{size_name}")
    assert path.stat().st_size > 10_000
