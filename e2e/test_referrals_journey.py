"""«Дружные скидки»: a buyer opens the programme from the home page and copies her link; ten
friends, each in a browser of their own, follow it (an eleventh and her own click change
nothing); she gets a 399 ₽ code, which a 399 ₽ order refuses and a 400 ₽ order takes (1 ₽ to
pay); the seller sees Lavka's discount on the order."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalog.tests.factories import ProductFactory
from marketplace.tests.factories import UserFactory
from orders.models import Order
from referrals.models import ReferralCode, ReferralLink, ReferralRound
from shops.tests.factories import ShopFactory

from .conftest import both_widths
from .test_order_journey import buy_everything
from .test_shop_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# A desktop browser's user agent: headless Chromium names itself «HeadlessChrome», which the
# counting rule rightly takes for a robot.
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")  # fmt: skip



def friend_follows(browser, link: str, number: int):
    """A friend on a computer of their own (its own address, as seen through the site's proxy)."""
    context = browser.new_context(locale="ru-RU", user_agent=CHROME,
                                  extra_http_headers={"X-Forwarded-For": f"203.0.113.{number}"})  # fmt: skip
    friend = context.new_page()
    friend.goto(link)
    return friend


def test_ten_friends_bring_a_399_code_that_a_400_order_takes(live_server, page, screenshot, settings, mailoutbox):
    settings.PROXY_COUNT = 1  # the friends' addresses come in X-Forwarded-For, as behind nginx
    now = timezone.now()
    ReferralRound.objects.create(title="Зимний раунд", starts_at=now - timedelta(days=1),
                                 ends_at=now + timedelta(days=30), code_value=Decimal("399"),
                                 min_order_total=Decimal("400"), friends_needed=10,
                                 invitation_text="Загляните на Лавку по моей ссылке!")  # fmt: skip
    anna = ShopFactory(name="Мастерская Анны", slug="anna", owner=UserFactory(email="anna@example.com"))
    mug = ProductFactory(shop=anna, title="Кружка «Сова»", price=Decimal("400"), stock=5)
    card = ProductFactory(shop=anna, title="Открытка «Сова»", price=Decimal("399"), stock=5)
    UserFactory(email="masha@example.com", name="Мария Иванова")

    # The buyer finds the programme on the home page and copies her personal link.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, live_server.url, "masha@example.com")
    page.goto(live_server.url + "/")
    expect(page.get_by_test_id("home-referrals")).to_contain_text("Пригласите 10 друзей")
    page.get_by_test_id("home-referrals").get_by_role("link", name="Пригласить друзей").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Дружные скидки")
    expect(page.get_by_test_id("referral-progress")).to_have_text("0 из 10 друзей")
    page.get_by_test_id("copy-link").click()
    expect(page.get_by_test_id("copy-link")).to_contain_text("Скопировано")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.get_by_test_id("referral-link").input_value()
    assert link.startswith(live_server.url + "/r/")

    # Ten friends follow it, each welcomed by her name on the home page.
    for number in range(1, 11):
        friend = friend_follows(page.context.browser, link, number)
        if number == 1:
            expect(friend.get_by_text("Мария приглашает вас на Лавку")).to_be_visible()
            assert friend.url == live_server.url + "/"
            both_widths(friend, screenshot, "referral-friend-welcome")
        friend.context.close()
    # An eleventh friend and her own click change nothing.
    friend_follows(page.context.browser, link, 11).context.close()
    page.goto(link)
    expect(page.get_by_text("Это ваша собственная ссылка")).to_be_visible()
    assert ReferralLink.objects.get().friends_count == 10
    assert ReferralCode.objects.count() == 1

    page.goto(live_server.url + "/referrals/")
    expect(page.get_by_test_id("referral-progress")).to_have_text("10 из 10 друзей")
    code = page.get_by_test_id("referral-code").inner_text()
    assert code == ReferralCode.objects.get().code
    expect(page.get_by_test_id("referral-code-card")).to_contain_text("399 ₽")
    both_widths(page, screenshot, "referral-page-code")
    assert [mail.to for mail in mailoutbox if code in mail.body] == [["masha@example.com"]]

    # A 399 ₽ order is refused with the minimum named.
    page.goto(f"{live_server.url}/p/{card.pk}/")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("cart-toast")).to_be_visible()  # added without leaving the page
    page.goto(live_server.url + "/cart/")
    page.get_by_label("Есть промо-код?").fill(code)
    page.get_by_role("button", name="Применить").click()
    expect(page.get_by_text(f"Промо-код «{code}» действует на заказ от 400 ₽")).to_be_visible()
    expect(page.get_by_test_id("shop-total")).to_have_text("399\u00a0₽")
    screenshot(page, "referral-cart-refused-1366")

    # With the 400 ₽ mug instead, she pays 1 ₽.
    page.get_by_role("button", name="Удалить").first.click()
    page.goto(f"{live_server.url}/p/{mug.pk}/")
    page.get_by_test_id("add-to-cart").click()
    expect(page.get_by_test_id("cart-toast")).to_be_visible()  # added without leaving the page
    page.goto(live_server.url + "/cart/")
    page.get_by_label("Есть промо-код?").fill(code)
    page.get_by_role("button", name="Применить").click()
    expect(page.get_by_test_id("platform-discount")).to_have_text("−399\u00a0₽")
    expect(page.get_by_test_id("shop-total")).to_have_text("1\u00a0₽")
    both_widths(page, screenshot, "referral-cart")
    page.get_by_role("link", name="Оформить заказ").first.click()
    expect(page.get_by_test_id("checkout-total")).to_have_text("1\u00a0₽")
    expect(page.get_by_test_id("referral-applied")).to_have_text(code)
    numbers = buy_everything(page, live_server.url, guest=False)
    order = Order.objects.get(number=numbers[0])
    assert (order.total, order.platform_discount, order.referral_code_text) == (Decimal("1"), Decimal("399"), code)
    page.goto(live_server.url + order.get_absolute_url())
    expect(page.get_by_test_id("order-total")).to_have_text("1\u00a0₽")
    expect(page.get_by_test_id("order-platform-discount")).to_contain_text("Скидка Лавки")

    # The seller sees that Lavka pays the discount.
    seller = page.context.browser.new_page(locale="ru-RU")
    log_in(seller, live_server.url, "anna@example.com")
    seller.goto(f"{live_server.url}/cabinet/orders/{order.number}/")
    expect(seller.get_by_test_id("order-platform-discount")).to_contain_text("Скидка Лавки (компенсирует площадка)")
    expect(seller.get_by_test_id("order-platform-discount")).to_contain_text("−399\u00a0₽")
    both_widths(seller, screenshot, "referral-seller-order")
