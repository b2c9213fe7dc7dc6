"""Issue 20's «concurrency and money» figures, through the web: every buyer is a browser of their own (a
test Client with its own session and cart) posting the real checkout form in its own thread, all at the
same moment (PostgreSQL: real concurrent transactions). What each person gets back is asserted — the
order page or the page saying why not, never a server error — and the counts that money depends on.

The code dropping below its minimum between applying and placing, and the CHECK on the stock, need no
threads and run on SQLite too.
"""

import copy
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client

from catalog import sold_files
from catalog.models import Activation, Product
from catalog.tests.factories import ProductFactory
from marketplace.models import OutboxMessage
from marketplace.tests.factories import UserFactory
from orders.models import CartLine, Download, Order, OrderItem
from orders.tests.concurrency import Raised, results_at_once
from orders.tests.test_checkout import DETAILS
from orders.tests.test_downloads import PDF
from referrals.models import PromoBonus, ReferralCode, ReferralVisit
from referrals.tests.factories import PromoCodeFactory, ReferralCodeFactory, ReferralLinkFactory
from shops.tests.factories import ShopFactory

POSTGRES_ONLY = pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="needs PostgreSQL for concurrent transactions")


def race(test):
    """A test of real concurrent transactions: committed data, PostgreSQL only (CI's PostgreSQL pass)."""
    return pytest.mark.django_db(transaction=True)(POSTGRES_ONLY(test))


NBSP = "\N{NO-BREAK SPACE}"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
          "Safari/537.36")  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """What one browser got back: the status, where it was sent, and the page (or file) itself."""

    status: int
    location: str
    body: bytes

    @property
    def page(self) -> str:
        return self.body.decode(errors="replace")

    def __repr__(self):
        said = re.findall(r'role="alert">(.*?)</div>', self.page, re.DOTALL) or [self.page[:120]]
        return f"Answer({self.status}, {self.location!r}, {said[0].strip()[:300]!r})"


def seen(answer) -> tuple[int, str] | str:
    """(status, where to) of an answer, or what was raised instead."""
    return (answer.status, answer.location) if isinstance(answer, Answer) else repr(answer)


def answer_of(response) -> Answer:
    """Read inside the request's thread: a file is streamed to its end and closed there."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return Answer(response.status_code, response.get("Location", ""), body)


class Browser(Client):
    """A browser of its own (cookies, session, cart), served by the test's one request handler as the
    threads of a web process are: a Client loads its own otherwise, and WhiteNoise scans every static
    file when one loads (~60 ms a browser)."""

    handler_shared = None

    def __init__(self, **defaults):
        super().__init__(HTTP_USER_AGENT=CHROME, **defaults)
        if Browser.handler_shared is None:
            Browser.handler_shared = self.handler
        self.handler = Browser.handler_shared


@pytest.fixture(autouse=True)
def _handler_per_test():
    yield
    Browser.handler_shared = None  # the next test's settings load their own


def guest(index: int) -> Browser:
    """A visitor without an account, from an address of their own (the guest limits are per address)."""
    return Browser(REMOTE_ADDR=f"198.51.{index // 200}.{index % 200 + 1}")


def registered(index: int) -> Browser:
    browser = Browser()
    browser.force_login(UserFactory(email=f"buyer{index}@example.com"))
    return browser


def tab_of(browser: Client) -> Browser:
    """Another tab of the same browser: the same cookies, so the same session, account and cart."""
    tab = Browser()
    tab.cookies = copy.deepcopy(browser.cookies)
    return tab


def fill_cart(client: Client, product, quantity: int = 1) -> None:
    response = client.post(f"/cart/add/{product.pk}/", {"quantity": str(quantity)})
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()


def checkout_form(client: Client, shop, **changes) -> dict:
    """The checkout page as the buyer opens it, filled in: its own idempotency key from the page."""
    response = client.get(f"/checkout/{shop.slug}/")
    assert response.status_code == 200
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', response.content.decode()).group(1)
    return {**DETAILS, "idempotency_key": key, **changes}


def place(client: Client, shop, form: dict):
    """«Оформить заказ» pressed, for the threads."""
    return partial(visit, client, f"/checkout/{shop.slug}/", form)


def visit(client: Client, url: str, form: dict | None = None) -> Answer:
    """A GET of ``url`` (a POST of ``form`` to it), read in the thread that made it."""
    return answer_of(client.post(url, form) if form is not None else client.get(url))


def kinds(answers, *, refusal: str | None = None, also_refused=()) -> dict[str, int]:
    """How many answers of each kind, as a person takes them: «placed» (sent to an order page), «refused»
    (the checkout page again, saying ``refusal``; or sent to one of ``also_refused``), or the answer itself."""

    def kind(answer):
        if isinstance(answer, Raised) or answer.status >= 500:
            return repr(answer)
        if answer.status == 302 and answer.location.startswith("/orders/"):
            return "placed"
        if (answer.status == 200 and refusal is not None and refusal in answer.page) or (
            answer.status == 302 and answer.location in also_refused
        ):
            return "refused"
        return repr(answer)

    return dict(Counter(map(kind, answers)))


def stock_of(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


# --- Stock ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stock", "buyers"), [(1, 50), (10, 50)], ids=["the last piece", "ten pieces"])
@race
def test_fifty_buyers_at_once_get_exactly_the_stock_and_the_rest_hear_it_is_out_of_stock(stock, buyers):
    shop = ShopFactory(slug="anna")
    candle = ProductFactory(shop=shop, title="Свеча «Лаванда»", stock=stock)
    forms = []
    for index in range(buyers):
        client = guest(index)
        fill_cart(client, candle)
        forms.append(place(client, shop, checkout_form(client, shop, email=f"buyer{index}@example.com")))

    answers = results_at_once(forms)

    assert kinds(answers, refusal="Товара «Свеча «Лаванда»» нет в наличии.") == {
        "placed": stock,
        "refused": buyers - stock,
    }
    assert Order.objects.count() == stock
    assert stock_of(candle) == 0
    assert CartLine.objects.count() == buyers - stock  # the others keep their carts


@race
def test_two_carts_with_the_same_products_in_opposite_order_never_deadlock():
    shop = ShopFactory(slug="anna")
    mug = ProductFactory(shop=shop, title="Кружка", stock=100)
    candle = ProductFactory(shop=shop, title="Свеча", stock=100)
    first, second = registered(1), registered(2)
    answers = []
    for _ in range(20):
        presses = []
        for client, products in ((first, (mug, candle)), (second, (candle, mug))):
            for product in products:
                fill_cart(client, product)
            presses.append(place(client, shop, checkout_form(client, shop)))
        answers += results_at_once(presses)

    # Orders insert with a unique stand-in number, so checkouts don't queue at the insert: the one
    # UPDATE that takes the stock of every product is what keeps the lock order.
    assert kinds(answers) == {"placed": 40}
    assert Order.objects.count() == 40
    assert (stock_of(mug), stock_of(candle)) == (60, 60)


@race
def test_a_product_and_its_gift_bought_crosswise_at_once_never_deadlock():
    """One buyer takes the mug with the candle as the code's gift, the other the candle with the mug as gift."""
    shop = ShopFactory(slug="anna")
    mug = ProductFactory(shop=shop, title="Кружка", stock=100)
    candle = ProductFactory(shop=shop, title="Свеча", stock=100)
    for code, bought, gift in (("mug", candle, mug), ("candle", mug, candle)):
        promo = PromoCodeFactory(shop=shop, code=code, bonus=PromoBonus.GIFTS, value=0)
        promo.products.set([bought])
        promo.gift_products.set([gift])
    first, second = registered(1), registered(2)
    answers = []
    for _ in range(10):
        presses = []
        for client, product, code in ((first, candle, "mug"), (second, mug, "candle")):
            fill_cart(client, product)
            apply_code(client, shop, code)
            presses.append(place(client, shop, checkout_form(client, shop)))
        answers += results_at_once(presses)

    assert kinds(answers) == {"placed": 20}
    assert OrderItem.objects.filter(is_gift=True).count() == 20
    assert (stock_of(mug), stock_of(candle)) == (80, 80)


@pytest.mark.django_db
def test_the_database_keeps_stock_at_zero_or_more():
    product = ProductFactory(stock=1)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Product._meta.db_table} SET stock = -1 WHERE id = %s", [product.pk])

    assert stock_of(product) == 1


# --- Codes ---------------------------------------------------------------------------------------


def apply_code(client: Client, shop, code: str) -> None:
    """The code typed on the checkout page and applied (back to the checkout)."""
    response = client.post(f"/cart/promo/{shop.slug}/", {"code": code, "next": "checkout"})
    assert response.status_code == 302 and response["Location"] == f"/checkout/{shop.slug}/"


@race
def test_thirty_checkouts_at_once_take_exactly_the_five_uses_of_a_promo_code():
    shop = ShopFactory(slug="anna")
    promo = PromoCodeFactory(shop=shop, code="vesna", max_uses=5)
    scarf = ProductFactory(shop=shop, title="Шарф", price=Decimal("1000"), stock=100)
    presses = []
    for index in range(30):
        client = registered(index)
        fill_cart(client, scarf)
        apply_code(client, shop, "vesna")
        presses.append(place(client, shop, checkout_form(client, shop, email=f"buyer{index}@example.com")))

    answers = results_at_once(presses)

    assert kinds(answers, refusal="Промо-код «vesna» исчерпан: все его использования уже заняты.") == {
        "placed": 5, "refused": 25}  # fmt: skip
    promo.refresh_from_db()
    assert promo.uses_count == 5
    assert set(Order.objects.values_list("promo_code", "total")) == {(promo.pk, Decimal("900"))}
    assert stock_of(scarf) == 95


@race
def test_lavkas_code_in_ten_tabs_at_once_gives_one_discount():
    shop = ShopFactory(slug="anna")
    buyer = UserFactory(email="masha@example.com")
    code = ReferralCodeFactory(owner=buyer, code="LAVKA-RACE22")
    browser = Browser()
    browser.force_login(buyer)
    fill_cart(browser, ProductFactory(shop=shop, title="Вигвам", price=Decimal("1000"), stock=5))
    apply_code(browser, shop, code.code)
    tabs = [tab_of(browser) for _ in range(10)]
    presses = [place(tab, shop, checkout_form(tab, shop)) for tab in tabs]  # each tab's page has its own key

    answers = results_at_once(presses)

    # The first order empties the cart's part of the shop: the other tabs are told so (on the form, or
    # on the cart page when the cart was already empty as their press came in).
    assert kinds(answers, refusal="В корзине нет товаров этого магазина.", also_refused=["/cart/"]) == {
        "placed": 1, "refused": 9}  # fmt: skip
    order = Order.objects.get()
    assert (order.referral_code, order.platform_discount, order.total) == (code, Decimal("399"), Decimal("601"))
    code.refresh_from_db()
    assert code.used_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "prices", "refusal"),
    [
        (
            "vesna",
            ("1000", "1000"),
            f"Промо-код «vesna» действует на заказ от 1{NBSP}500{NBSP}₽; добавьте ещё на 500{NBSP}₽.",
        ),
        (
            "LAVKA-7KQ2M9",
            ("300", "200"),
            f"Промо-код «LAVKA-7KQ2M9» действует на заказ от 400{NBSP}₽ (после скидок "
            f"магазина); добавьте ещё на 100{NBSP}₽.",
        ),
    ],
    ids=["the shop's code", "Lavka's code"],
)
def test_the_cart_dropping_below_the_codes_minimum_in_another_tab_is_refused_at_placing(code, prices, refusal):
    shop = ShopFactory(slug="anna")
    buyer = UserFactory(email="masha@example.com")
    promo = PromoCodeFactory(shop=shop, code="vesna", min_order_total=Decimal("1500"))
    lavkas = ReferralCodeFactory(owner=buyer, code="LAVKA-7KQ2M9")
    browser = Browser()
    browser.force_login(buyer)
    products = [ProductFactory(shop=shop, price=Decimal(price), stock=5) for price in prices]
    for product in products:
        fill_cart(browser, product)
    apply_code(browser, shop, code)
    form = checkout_form(browser, shop)  # the checkout tab, the discount on it

    other_tab = tab_of(browser)
    removed = other_tab.post(f"/cart/lines/{CartLine.objects.get(product=products[1]).pk}/remove/")
    assert removed.status_code == 302
    response = browser.post(f"/checkout/{shop.slug}/", form)

    assert response.status_code == 200 and refusal in response.content.decode()
    assert not Order.objects.exists() and CartLine.objects.count() == 1
    assert stock_of(products[0]) == 5
    promo.refresh_from_db()
    lavkas.refresh_from_db()
    assert promo.uses_count == 0 and lavkas.used_at is None


# --- The same checkout posted again --------------------------------------------------------------


@race
def test_the_same_checkout_posted_five_times_at_once_places_one_order_counting_stock_and_code_once(mailoutbox):
    shop = ShopFactory(slug="anna")
    promo = PromoCodeFactory(shop=shop, code="vesna")
    candle = ProductFactory(shop=shop, title="Свеча", price=Decimal("1000"), stock=10)
    browser = guest(1)
    fill_cart(browser, candle)
    apply_code(browser, shop, "vesna")
    form = checkout_form(browser, shop)
    presses = [place(tab_of(browser), shop, form) for _ in range(5)]  # five clicks of one «Оформить заказ»

    answers = results_at_once(presses)

    order = Order.objects.get()
    assert list(map(seen, answers)) == [(302, order.get_absolute_url())] * 5
    assert stock_of(candle) == 9
    promo.refresh_from_db()
    assert promo.uses_count == 1 and order.promo_code == promo
    assert [mail.subject for mail in mailoutbox if mail.to == [DETAILS["email"]]] == [
        f"Ваш заказ {order.number} в магазине «{shop.name}»"]  # fmt: skip
    # The guest's hourly allowance (3 orders per e-mail) counted one order, not five presses.
    for _ in range(2):
        fill_cart(browser, candle)
        response = browser.post(f"/checkout/{shop.slug}/", checkout_form(browser, shop))
        assert response.status_code == 302 and response["Location"].startswith("/orders/")
    assert Order.objects.count() == 3


# --- Downloads -----------------------------------------------------------------------------------


@race
def test_ten_downloads_at_once_at_a_limit_of_three_send_three_files_and_refuse_seven():
    shop = ShopFactory(slug="anna")
    cards = ProductFactory(shop=shop, title="Открытки «Зима»", price=Decimal("300"), is_digital=True,
                           activation=Activation.IMMEDIATE, download_limit=3)  # fmt: skip
    sold = sold_files.sold_file_add(product=cards, title="Открытка «Снегирь»",
                                    upload=SimpleUploadedFile("snegir.pdf", PDF))  # fmt: skip
    browser = registered(1)
    fill_cart(browser, cards)
    browser.post(f"/checkout/{shop.slug}/", checkout_form(browser, shop))
    order = Order.objects.get()
    url = f"/orders/{order.number}/files/{sold.pk}/"

    tabs = [tab_of(browser) for _ in range(10)]  # a download manager's parallel connections

    answers = results_at_once([partial(visit, tab, url) for tab in tabs])

    files = [answer for answer in answers if seen(answer) == (200, "") and answer.body == PDF]
    refusals = [answer for answer in answers if seen(answer) == (403, "")
                and "Вы использовали все скачивания этого файла." in answer.page]  # fmt: skip
    assert (len(files), len(refusals)) == (3, 7), answers
    assert list(Download.objects.values_list("count", flat=True)) == [3]


# --- A referral link ---------------------------------------------------------------------------


@race
def test_thirty_browsers_following_a_link_around_its_target_at_once_issue_exactly_one_code():
    link = ReferralLinkFactory(friends_count=8)  # the round wants 10 friends
    browsers = []
    for index in range(30):
        browser = guest(index)
        first = browser.get(f"/r/{link.token}/")  # the cookie first, as a browser would
        assert first.status_code == 302 and first["Location"] == f"/r/{link.token}/?c=1"
        browsers.append(browser)

    answers = results_at_once([partial(visit, browser, f"/r/{link.token}/?c=1") for browser in browsers])

    assert list(map(seen, answers)) == [(302, "/")] * 30
    link.refresh_from_db()
    assert link.friends_count == 10 and ReferralVisit.objects.filter(link=link).count() == 2
    assert list(ReferralCode.objects.values_list("owner", flat=True)) == [link.user_id]
    assert OutboxMessage.objects.filter(template="referral_code").count() == 1  # one e-mail with it
